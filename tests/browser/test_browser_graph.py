"""The graph viewer in Chromium: a waiting run's current step highlighted, followed as it moves; sub-pipelines;
a chat run opened from the chat's «ver en el grafo» link."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.chat_steps import say
from tests.browser_fixtures import PageProblems

pytestmark = pytest.mark.browser

CHILD = """\
name: hijo_visor
description: Pregunta un apellido
inputs:
  ciudad: {type: string}
steps:
  - id: pedir_apellido
    kind: ask
    save_as: apellido
    question: "¿Y tu apellido?"
  - id: despedir
    kind: reply
    message: "Adiós, {{ apellido }} de {{ ciudad }}"
    end: true
"""
PARENT = """\
name: padre_visor
description: Pregunta la ciudad y llama a hijo_visor
steps:
  - id: preguntar_ciudad
    kind: ask
    save_as: ciudad
    question: "¿De qué ciudad eres?"
  - id: llamar_hijo
    kind: pipeline
    pipeline: hijo_visor
    with: {ciudad: "{{ ciudad }}"}
  - id: terminar
    kind: reply
    message: "Hecho"
    end: true
"""


def _write(folder: Path) -> None:
    (folder / "hijo_visor.yaml").write_text(CHILD, encoding="utf-8")
    (folder / "padre_visor.yaml").write_text(PARENT, encoding="utf-8")


def test_viewer_highlights_a_waiting_run_and_follows_it(page: Page, pipelines_dir: Path, tmp_path: Path) -> None:
    _write(pipelines_dir)
    started = page.request.post("/orchestrator/run_chain", data={"pipeline": "padre_visor", "args": {}})
    assert started.ok, started.text()
    run = started.json()
    assert run["status"] == "waiting"

    page.goto(f"/graph/padre_visor?run_id={run['run_id']}")
    expect(page.locator("#run-status [data-status]")).to_have_attribute("data-status", "waiting")
    expect(page.locator("#run-status")).to_have_text("esperando respuesta")
    expect(page.locator("#run-step")).to_have_text("preguntar_ciudad")
    expect(page.locator("#run-question")).to_contain_text("¿De qué ciudad eres?")
    expect(page.locator("#graph svg g.node.current")).to_contain_text("preguntar_ciudad")
    page.screenshot(path=tmp_path / "graph-waiting.png")

    answered = page.request.post(f"/orchestrator/resume/{run['run_id']}", data={"answer": "Sevilla"})
    assert answered.ok and answered.json()["status"] == "waiting", answered.text()
    expect(page.locator("#run-step")).to_have_text("llamar_hijo", timeout=10_000)
    expect(page.locator("#graph svg g.node.current")).to_contain_text("llamar_hijo")
    expect(page.locator("#graph svg g.node.done", has_text="preguntar_ciudad")).to_have_count(1)
    expect(page.locator("#run-steps li")).to_contain_text(["preguntar_ciudad"])

    finished = page.request.post(f"/orchestrator/resume/{run['run_id']}", data={"answer": "Pérez"})
    assert finished.ok and finished.json()["status"] == "completed", finished.text()
    expect(page.locator("#run-status")).to_have_text("completado", timeout=10_000)
    expect(page.locator("#graph svg g.node.current")).to_have_count(0)
    page.screenshot(path=tmp_path / "graph-completed.png")


def test_viewer_expands_sub_pipelines(page: Page, pipelines_dir: Path) -> None:
    _write(pipelines_dir)
    page.goto("/graph/padre_visor")
    expect(page.locator("#graph svg")).to_be_visible()
    expect(page.locator("#run-panel")).to_be_hidden()
    expect(page.locator("#graph svg g.node", has_text="pedir_apellido")).to_have_count(0)
    collapsed = page.locator("#graph svg g.node").count()

    page.check("#graph-expand")
    expect(page.locator("#graph svg g.node", has_text="pedir_apellido")).to_have_count(1)
    assert page.locator("#graph svg g.node").count() > collapsed

    expect(page.locator("#graph")).to_have_class(re.compile(r"\bfit\b"))
    page.uncheck("#graph-fit")
    expect(page.locator("#graph")).not_to_have_class(re.compile(r"\bfit\b"))

    page.select_option("#graph-pick", "hijo_visor")
    expect(page).to_have_url(re.compile(r"/graph/hijo_visor$"))
    expect(page.locator("#graph svg g.node", has_text="despedir")).to_have_count(1)


def test_viewer_draws_composite_steps_as_boxes_until_expanded(page: Page) -> None:
    page.goto("/graph/alta_pedido")
    expect(page.locator("label", has=page.locator("#graph-expand"))).to_have_text(
        "Expandir pasos compuestos y sub-pipelines"
    )
    boxes = page.locator("#graph svg g.node")
    expect(boxes.filter(has_text="cliente · collect")).to_have_count(1)
    assert boxes.count() <= 15 + 2  # the start and end markers
    expect(boxes.filter(has_text="cliente__resolve")).to_have_count(0)

    page.check("#graph-expand")
    expect(boxes.filter(has_text="cliente__resolve")).to_have_count(1)
    expect(page.locator("#graph svg g.cluster", has_text="cliente · collect")).to_have_count(1)
    assert boxes.count() > 40


def test_another_callers_run_is_not_shown(page: Page, pipelines_dir: Path, live_server: str) -> None:
    import json
    import urllib.request

    _write(pipelines_dir)
    request = urllib.request.Request(
        f"{live_server}/orchestrator/run_chain",
        method="POST",
        data=json.dumps({"pipeline": "padre_visor", "args": {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        run_id = json.load(response)["run_id"]
    page.goto(f"/graph/padre_visor?run_id={run_id}")
    expect(page.locator("#run-status")).to_contain_text("No he encontrado")
    expect(page.locator("#graph-message")).to_contain_text("No he encontrado")


def test_a_chat_run_opens_in_the_viewer(page: Page, page_problems: PageProblems, tmp_path: Path) -> None:
    page.goto("/")
    reply = say(page, '!run alta_pedido cliente=Globex productos="4 monitr 27 pulgadas"')
    expect(reply).to_contain_text("monitr 27 pulgadas")
    link = reply.get_by_role("link", name="ver en el grafo")
    expect(link).to_have_attribute("href", re.compile(r"^/graph/alta_pedido\?run_id=[A-Za-z0-9_-]+&chat=1$"))

    with page.context.expect_page() as opened:
        link.click()
    viewer = opened.value
    viewer.on("pageerror", lambda exc: page_problems.errors.append(f"viewer pageerror: {exc}"))
    viewer.on("console", page_problems.on_console)
    expect(viewer.locator("#run-status [data-status]")).to_have_attribute("data-status", "waiting")
    step = viewer.locator("#run-step").inner_text()
    assert step not in ("", "…", "—")
    # The misspelt product is asked about inside the foreach over the lines: collapsed, its box is current.
    expect(viewer.locator("#graph svg g.node.current")).to_contain_text("lineas · foreach")
    expect(viewer.locator("#graph svg g.node.done", has_text="cliente · collect")).to_have_count(1)
    state = viewer.locator("#run-state table.state")
    for slot, value in (("cliente", "Globex"), ("productos", "4 monitr 27 pulgadas")):
        row = state.locator("tr", has=viewer.locator("th", has_text=re.compile(f"^{slot}$")))
        expect(row.locator("td")).to_have_text(value)
    viewer.screenshot(path=tmp_path / "graph-chat-run.png")
    viewer.check("#graph-expand")
    expect(viewer.locator("#graph svg g.node.current")).to_contain_text(f"{step} (ask)")

    # Without `chat=1` the viewer sends no session id: the run is someone else's and stays hidden.
    viewer.goto(viewer.url.replace("&chat=1", ""))
    expect(viewer.locator("#run-status")).to_contain_text("No he encontrado")
