"""The run page in Chromium: a chat run shown as a conversation (messages and their readings, each turn's question,
steps and slot values, the repairs, the end) beside its graph, and saved as a dialog test that passes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page, expect

from config import Config
from graphs.testing.dialog_tests import run_dialog

pytestmark = pytest.mark.browser
SESSION = "transcript-0001"
SCRIPT = ['!run alta_pedido cliente=Globex productos="2 teclados"', "no entiendo", "el primero", "mejor 3", "sí"]


def test_a_chat_run_as_a_conversation_saved_as_a_passing_test(
    page: Page, pipelines_dir: Path, settings: Config
) -> None:
    for text in SCRIPT:
        reply = page.request.post("/chat", data={"message": text, "session_id": SESSION}).json()
    assert reply["status"] == "completed"
    page.goto("/")
    page.evaluate(f"localStorage.setItem('t7.session_id', '{SESSION}')")
    page.goto(f"/runs/{reply['run_id']}?chat=1")
    expect(page.locator("#run-page")).to_have_attribute("data-loaded", "1")
    expect(page.locator("#run-pipeline")).to_have_text("alta_pedido")
    users = page.locator("[data-entry='user']")
    expect(users).to_have_count(5)
    expect(users.nth(0)).to_contain_text('!run alta_pedido cliente=Globex productos="2 teclados"')
    expect(users.nth(1)).to_contain_text("leído como «ayuda»")
    expect(users.nth(2)).to_contain_text("leído como «elección»")
    expect(users.nth(3)).to_contain_text("leído como «corrección»")
    turns = page.locator("[data-entry='turn']")
    expect(turns.first).to_contain_text("puede ser varios productos")
    expect(turns.first).to_contain_text("Opciones: Teclado inalámbrico · Teclado mecánico")
    expect(page.locator("[data-entry='repair']")).to_contain_text(["ayuda", "elección", "corrección de «lineas»"])
    expect(page.locator("[data-entry='end']")).to_contain_text("completado")
    last = turns.last
    last.locator("summary").click()
    expect(last).to_contain_text("Pasos: confirmar → confirmar__read → crear_pedido → hecho")
    expect(last.locator("table")).to_contain_text("Teclado inalámbrico")
    expect(page.locator("#run-graph svg")).to_have_count(1)
    page.fill("#save-test-name", "desde_la_conversacion")
    page.click("#save-test-button")
    expect(page.locator("#save-test-status")).to_have_text("Prueba «desde_la_conversacion» guardada (5 turnos).")
    saved = pipelines_dir / "tests" / "alta_pedido" / "desde_la_conversacion.yaml"
    turns_saved = yaml.safe_load(saved.read_text(encoding="utf-8"))["turns"]
    assert [t["user"] for t in turns_saved] == SCRIPT
    assert turns_saved[-1]["expect"]["order"] == {"customer": "Globex", "lines": {"Teclado inalámbrico": 3}}
    assert run_dialog(saved, settings).passed


def test_someone_elses_run_is_not_shown(page: Page) -> None:
    reply = page.request.post("/chat", data={"message": "!run ejemplo_simple", "session_id": SESSION}).json()
    page.goto(f"/runs/{reply['run_id']}")  # no chat session sent: the run is not this caller's
    expect(page.locator("#run-message")).not_to_be_empty()
    expect(page.locator("#save-test")).to_be_hidden()


def test_retomar_desde_aqui_opens_a_new_run_from_that_question(page: Page) -> None:
    session = "transcript-0003"
    for text in ['!run alta_pedido cliente=Globex productos="2 teclados"', "el primero"]:
        reply = page.request.post("/chat", data={"message": text, "session_id": session}).json()
    page.goto("/")
    page.evaluate(f"localStorage.setItem('t7.session_id', '{session}')")
    page.goto(f"/runs/{reply['run_id']}?chat=1")
    expect(page.locator("#run-page")).to_have_attribute("data-loaded", "1")
    choice = page.locator("[data-entry='turn'][data-step='producto__choose']")
    choice.get_by_role("button", name="Retomar desde aquí").click()
    expect(page).not_to_have_url(re.compile(reply["run_id"]))
    expect(page.locator("#run-page")).to_have_attribute("data-loaded", "1")
    expect(page.locator("#run-badge")).to_contain_text("esperando respuesta")
    expect(page.locator("[data-entry='turn']").last).to_contain_text("puede ser varios productos")
    expect(page.locator("[data-entry='start']")).to_contain_text("Retomada desde una pregunta de otra ejecución")
    expect(page.locator("#save-test")).to_be_hidden()
    answer = page.request.post("/chat", data={"message": "el segundo", "session_id": session}).json()
    assert answer["run_id"] != reply["run_id"] and answer["data"]["lines"][0]["product"] == "Teclado mecánico"
