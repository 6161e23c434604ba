"""The chat page in Chromium: an order placed by typing, clicking and editing inline; escaping; Excel upload."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.chat_steps import click_and_wait, say

pytestmark = pytest.mark.browser

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ECHO_TABLE = """\
name: eco_tabla
description: Devuelve una tabla con el producto recibido
inputs:
  producto: {type: string, required: true}
steps:
  - id: responder
    kind: reply
    message: "Producto: {{ producto }}"
    data: [{producto: "{{ producto }}", cantidad: 2}]
    end: true
"""


def _products(page: Page) -> list[str]:
    """Product names of the order table in the newest reply."""
    return page.locator(".msg.bot:not(.stale) table.order-lines tbody tr td:nth-child(2)").all_inner_texts()


def test_place_an_order_with_a_typo_inline_edit_and_confirmation(app: Flask, page: Page, tmp_path: Path) -> None:
    if "alta_pedido" not in app.extensions["t7"].engine.names():
        pytest.skip("the alta_pedido pipeline is not in pipelines/ yet")
    page.goto("/")
    reply = say(page, '!run alta_pedido cliente=Globex productos="4 monitr 27 pulgadas"')
    expect(reply).to_contain_text("monitr 27 pulgadas")
    suggestion = reply.locator(".options button", has_text=re.compile(r"^Monitor 27 pulgadas$"))
    expect(suggestion).to_be_visible()

    reply = click_and_wait(page, suggestion)
    expect(reply.locator("table.order-lines")).to_be_visible()
    expect(reply.locator(".order-head")).to_contain_text("Globex")
    quantity = reply.get_by_label("Cantidad de Monitor 27 pulgadas")
    expect(quantity).to_have_value("4")
    page.screenshot(path=tmp_path / "chat-confirmation.png", full_page=True)

    before = page.locator(".msg.bot:not(.pending)").count()
    quantity.fill("2")
    quantity.press("Enter")
    expect(page.locator(".msg.user").last).to_have_text("cambia Monitor 27 pulgadas a 2")
    expect(page.locator(".msg.bot:not(.pending)")).to_have_count(before + 1)
    reply = page.locator(".msg.bot:not(.pending)").last
    expect(reply.get_by_label("Cantidad de Monitor 27 pulgadas")).to_have_value("2")
    assert _products(page) == ["Monitor 27 pulgadas"]

    reply = click_and_wait(page, reply.locator(".options button", has_text=re.compile(r"^sí$")))
    expect(reply).to_contain_text(re.compile(r"Pedido \d+"))
    order_id = int(re.search(r"Pedido (\d+)", reply.locator(".text").inner_text()).group(1))
    page.screenshot(path=tmp_path / "chat-done.png", full_page=True)
    order = app.extensions["services"].sql.get_order(order_id)
    assert order["customer"] == "Globex"
    assert [(line["product"], line["quantity"]) for line in order["lines"]] == [("Monitor 27 pulgadas", 2)]


def test_greeting_keeps_the_session_and_shows_markup_as_text(page: Page, pipelines_dir: Path, tmp_path: Path) -> None:
    (pipelines_dir / "eco_tabla.yaml").write_text(ECHO_TABLE, encoding="utf-8")
    page.goto("/")
    reply = say(page, "!run ejemplo_simple")
    expect(reply).to_contain_text("¿Cómo te llamas?")
    session_id = page.evaluate("localStorage.getItem('t7.session_id')")
    assert session_id

    page.reload()
    reply = say(page, HOSTILE)
    expect(reply.locator(".text")).to_contain_text(f"¡Hola, {HOSTILE}!")
    assert page.evaluate("localStorage.getItem('t7.session_id')") == session_id

    reply = say(page, f"!run eco_tabla producto='{HOSTILE}'")
    headers = reply.locator("table.data th").all_inner_texts()
    expect(reply.locator("table.data td").nth(headers.index("producto"))).to_have_text(HOSTILE)
    assert page.locator("#messages script, #messages img, #messages b").count() == 0
    page.screenshot(path=tmp_path / "chat-escaping.png", full_page=True)


def test_excel_upload_starts_the_order_dialog(app: Flask, page: Page, tmp_path: Path) -> None:
    if "alta_pedido" not in app.extensions["t7"].engine.names():
        pytest.skip("the alta_pedido pipeline is not in pipelines/ yet")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Producto", "Cantidad", "Cliente"])
    sheet.append(["Teclado mecánico", 3, "ACME S.A."])
    sheet.append(["Ratón inalámbrico", 2, None])
    path = tmp_path / "pedido.xlsx"
    book.save(path)

    page.goto("/")
    before = page.locator(".msg.bot:not(.pending)").count()
    page.set_input_files("#chat-upload", str(path))
    expect(page.locator(".msg.user").last).to_contain_text("pedido.xlsx")
    expect(page.locator(".msg.bot:not(.pending)")).to_have_count(before + 1)
    reply = page.locator(".msg.bot:not(.pending)").last
    expect(reply.locator(".order-head")).to_contain_text("ACME S.A.")
    assert _products(page) == ["Teclado mecánico", "Ratón inalámbrico"]
    expect(reply.get_by_label("Cantidad de Teclado mecánico")).to_have_value("3")
    expect(reply.get_by_label("Cantidad de Ratón inalámbrico")).to_have_value("2")
