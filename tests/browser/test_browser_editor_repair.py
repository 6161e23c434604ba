"""The editor's «Conversación» panel (repair, questions) and the ask step's `help`, in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Locator, Page, expect

from tests.browser.code_editor import edit, wait_for_text

pytestmark = pytest.mark.browser

PROJECT_PIPELINES = Path(__file__).resolve().parents[2] / "pipelines"
QUESTION = "¿me haces un pedido de {productos}?"
HELP = "Escribe el nombre del cliente, p. ej. ACME S.A., o «cancela» para dejarlo."


def _pedido_copy(pipelines_dir: Path) -> str:
    """alta_pedido as `pedido_copia`, without its `repair:` section (so the derived defaults apply)."""
    text = (PROJECT_PIPELINES / "alta_pedido.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^repair:\n(?:  .*\n)+", "", text).replace("name: alta_pedido", "name: pedido_copia", 1)
    assert "repair:" not in text and "corrections" not in text
    (pipelines_dir / "pedido_copia.yaml").write_text(text, encoding="utf-8")
    return text


def _values(locator: Locator) -> list[str]:
    return [locator.nth(i).input_value() for i in range(locator.count())]


def test_panel_shows_the_declared_repair_of_alta_pedido_and_the_questions_of_stock(page: Page, tmp_path: Path) -> None:
    page.goto("/editor?name=alta_pedido")
    expect(page.locator("#validity")).to_have_text(re.compile("válido"))
    page.click("#tab-repair")
    expect(page.locator("#panel-repair h2")).to_have_text("Conversación")
    for switch in ("cancel", "help", "choose", "undo"):
        expect(page.locator(f"#repair-{switch}")).to_be_checked()
    expect(page.locator("#repair-switches")).to_contain_text("Cancelar")

    expect(page.locator("#repair-corrections-custom")).to_be_checked()
    expect(page.locator("#repair-corrections-default")).to_be_hidden()
    rows = page.locator("#repair-corrections-rows .row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("[name=slot]")).to_have_value("cliente")
    expect(rows.nth(0).locator("[name=goto]")).to_have_value("cliente")
    expect(rows.nth(0).locator("[name=words]")).to_have_value("cliente, customer, client, empresa")
    expect(rows.nth(0).locator("[name=clear]")).to_have_value("cliente_ok")
    expect(rows.nth(0).locator("[name=lines]")).not_to_be_checked()
    expect(rows.nth(1).locator("[name=slot]")).to_have_value("lineas")
    expect(rows.nth(1).locator("[name=goto]")).to_have_value("lineas")
    expect(rows.nth(1).locator("[name=lines]")).to_be_checked()

    expect(page.locator("#repair-digressions-custom")).to_be_checked()
    selects = page.locator("#repair-digressions-rows select")
    expect(selects).to_have_count(3)
    assert _values(selects) == ["stock", "buscar_producto", "consulta_pedido"]
    options = selects.nth(0).locator("option").evaluate_all("nodes => nodes.map((node) => node.value)")
    assert "alta_pedido" not in options and {"stock", "ejemplo_simple"} <= set(options)
    expect(page.locator("#repair-digressions-rows .row").nth(0)).to_contain_text("¿cuánto stock hay de {producto}?")
    expect(page.locator("#repair-questions-empty")).to_be_visible()
    expect(page.locator("#repair-inputs")).to_contain_text("{cliente}")
    page.screenshot(path=tmp_path / "editor-repair-alta.png")

    page.select_option("#pick", "stock")
    wait_for_text(page, "^name: stock")
    questions = page.locator("#repair-questions-rows input")
    expect(questions.first).to_have_value("¿cuánto stock hay de {producto}?")
    declared = yaml.safe_load((PROJECT_PIPELINES / "stock.yaml").read_text(encoding="utf-8"))["questions"]
    assert _values(questions) == declared
    expect(page.locator("#repair-corrections-custom")).not_to_be_checked()
    expect(page.locator("#repair-corrections-default")).to_have_text("por defecto: producto → pedir_producto")
    digressions = page.locator("#repair-digressions-default")
    expect(digressions).to_contain_text("por defecto: buscar_producto, consulta_pedido (")
    expect(digressions).not_to_contain_text("stock,")


def test_panel_edits_repair_and_questions_and_the_step_form_writes_help(
    page: Page, pipelines_dir: Path, live_server: str, tmp_path: Path
) -> None:
    original = _pedido_copy(pipelines_dir)
    page.goto("/editor?name=pedido_copia")
    expect(page.locator("#validity")).to_have_text(re.compile("válido"))
    page.click("#tab-repair")
    expect(page.locator("#repair-corrections-custom")).not_to_be_checked()
    expect(page.locator("#repair-corrections-rows")).to_be_hidden()
    corrections = page.locator("#repair-corrections-default")
    expect(corrections).to_have_text("por defecto: cliente → cliente, productos → productos")
    expect(page.locator("#repair-digressions-default")).to_contain_text("stock")
    expect(page.locator("#repair-digressions-default")).not_to_contain_text("cargando")

    page.uncheck("#repair-cancel")
    page.click("#repair-add-question")
    page.locator("#repair-questions-rows input").last.fill(QUESTION)
    expect(page.locator("#repair-status")).to_have_text("Cambios sin aplicar al YAML.")
    page.click("#repair-apply")
    expect(page.locator("#repair-status")).to_have_text("Aplicado al YAML.")
    wait_for_text(page, r"\nrepair:\n  cancel: false\n(?:#.*\n)*steps:\n")
    text = wait_for_text(page, r'\nquestions:\n  - "¿me haces un pedido de \{productos\}\?"\ninputs:\n')
    assert not re.search("corrections|digressions", text)
    assert text.startswith("# Alta de pedido")
    expect(page.locator("#validity")).to_have_text(re.compile("válido"))
    # The panel reads the text back: defaults still shown, the switch stays off.
    expect(page.locator("#repair-cancel")).not_to_be_checked()
    expect(corrections).to_be_visible()
    expect(page.locator("#repair-questions-rows input")).to_have_value(QUESTION)

    # A change in the text shows in the panel.
    edit(page, "  cancel: false\n", "  cancel: false\n  help: false\n")
    expect(page.locator("#repair-help")).not_to_be_checked()
    expect(page.locator("#repair-choose")).to_be_checked()
    page.screenshot(path=tmp_path / "editor-repair.png", full_page=True)

    page.click("#tab-form")
    page.click("#step-list button[data-step='cliente']")
    help_field = page.locator("#field-help")
    expect(help_field).to_have_value("")
    assert help_field.evaluate("node => node.tagName") == "TEXTAREA"
    expect(page.locator("label[for='field-help']")).to_contain_text("Ayuda")
    expect(page.locator("label[for='field-help']")).to_contain_text("«ayuda» o «?»")
    help_field.fill(HELP)
    page.screenshot(path=tmp_path / "editor-help.png")
    page.click("#step-apply")
    help_line = r"- id: cliente\n    kind: collect\n(?:    .*\n)*?    help: Escribe el nombre del cliente"
    wait_for_text(page, help_line)
    expect(page.locator("#validity")).to_have_text(re.compile("válido"))

    page.click("#save")
    expect(page.locator("#save-status")).to_contain_text("Guardado")
    body = page.request.get(f"{live_server}/orchestrator/pipelines/pedido_copia").json()
    saved = yaml.safe_load(body["yaml"])
    assert body["valid"] is True
    assert saved["repair"] == {"cancel": False, "help": False}
    assert saved["questions"] == [QUESTION]
    asks = {step["id"]: step for step in saved["steps"]}
    assert asks["cliente"]["help"] == HELP
    assert saved["steps"] == [
        {**step, "help": HELP} if step["id"] == "cliente" else step for step in yaml.safe_load(original)["steps"]
    ]
    assert body["yaml"].startswith("# Alta de pedido")


def test_custom_corrections_and_digressions_start_from_the_defaults(page: Page, live_server: str) -> None:
    page.goto("/editor?name=ejemplo_simple")
    expect(page.locator("#validity")).to_have_text(re.compile("válido"))
    page.click("#tab-repair")
    expect(page.locator("#repair-digressions-default")).not_to_contain_text("cargando")
    page.check("#repair-corrections-custom")
    rows = page.locator("#repair-corrections-rows .row")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("[name=slot]")).to_have_value("nombre")
    expect(rows.first.locator("[name=goto]")).to_have_value("pedir_nombre")
    rows.first.locator("[name=words]").fill("nombre, name")
    page.check("#repair-digressions-custom")
    expect(page.locator("#repair-digressions-rows select")).to_have_count(3)
    page.locator("#repair-digressions-rows .row").nth(0).get_by_title("Quitar digresión").click()
    page.click("#repair-add-digression")
    page.locator("#repair-digressions-rows select").last.select_option("alta_pedido")
    expect(page.locator("#repair-digressions-rows .row").last).to_contain_text("no declara preguntas")
    page.click("#repair-apply")
    wait_for_text(
        page,
        r"\nrepair:\n  corrections:\n    nombre: \{goto: pedir_nombre, words: \[nombre, name\]\}\n"
        r"  digressions: \[consulta_pedido, stock, alta_pedido\]\nsteps:",
    )
    expect(page.locator("#validity")).to_have_text(re.compile("válido"))
