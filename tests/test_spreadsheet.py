"""tools.orders.spreadsheet: real .xlsx files written by openpyxl, read back into an order and a `!run` message."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from errors import InputError
from graphs.chat.conversation import parse_run_command
from tools.orders.spreadsheet import MAX_BYTES, MAX_ROWS, SheetLine, read_order_sheet


def xlsx(rows: list[list[Any]], tmp_path: Path, *, title: str = "pedido") -> bytes:
    """The bytes of a one-sheet workbook holding `rows`, saved to disk by openpyxl."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / f"{title}.xlsx"
    book.save(path)
    return path.read_bytes()


def test_reads_lines_and_customer_with_any_header_case_and_accents(tmp_path: Path) -> None:
    data = xlsx(
        [
            [None],
            ["PRODUCTO", "Cantidad", "Clíente"],
            ["Teclado mecánico", 3, "ACME S.A."],
            [None, None, None],
            ["Ratón inalámbrico", 2.0, None],
            ["Grapadora", "dos", "ACME S.A."],
        ],
        tmp_path,
    )
    order = read_order_sheet(data)
    assert order.customer == "ACME S.A."
    assert order.lines == (
        SheetLine("Teclado mecánico", 3),
        SheetLine("Ratón inalámbrico", 2),
        SheetLine("Grapadora", 2),
    )
    assert order.products_text() == "3 Teclado mecánico, 2 Ratón inalámbrico, 2 Grapadora"
    assert parse_run_command(order.run_command()) == (
        "alta_pedido",
        {"cliente": "ACME S.A.", "productos": order.products_text()},
    )


def test_without_customer_column_the_command_leaves_it_out(tmp_path: Path) -> None:
    order = read_order_sheet(xlsx([["cantidad", "producto"], [4, "monitr 27 pulgadas"]], tmp_path))
    assert order.customer is None
    assert order.run_command() == '!run alta_pedido productos="4 monitr 27 pulgadas"'


def test_quotes_and_separators_in_cells_survive_the_command(tmp_path: Path) -> None:
    order = read_order_sheet(
        xlsx([["producto", "cantidad", "cliente"], ['Cable "HDMI", 2 m; negro\\', 1, 'Tienda "La Esquina"']], tmp_path)
    )
    assert order.lines == (SheetLine('Cable "HDMI" 2 m negro\\', 1),)
    _, args = parse_run_command(order.run_command())
    assert args == {"cliente": 'Tienda "La Esquina"', "productos": '1 Cable "HDMI" 2 m negro\\'}


def test_empty_quantity_means_one(tmp_path: Path) -> None:
    order = read_order_sheet(xlsx([["producto", "cantidad"], ["Webcam HD", None]], tmp_path))
    assert order.lines == (SheetLine("Webcam HD", 1),)


@pytest.mark.parametrize(
    ("rows", "fragment"),
    [
        ([["producto"], ["Webcam HD"]], "cantidad"),
        ([["nombre", "unidades"], ["Webcam HD", 1]], "producto"),
        ([["producto", "cantidad"]], "ninguna línea"),
        ([["producto", "cantidad"], ["Webcam HD", "muchas"]], "fila 2"),
        ([["producto", "cantidad"], ["Webcam HD", 2.5]], "fila 2"),
        ([["producto", "cantidad"], ["Webcam HD", 0]], "fila 2"),
        ([["producto", "cantidad"], ["Webcam HD", 10**9]], "fila 2"),
        ([["producto", "cantidad"], [None, 3]], "no producto"),
        ([["producto", "cantidad"], ["x" * 300, 3]], "200 caracteres"),
        (
            [["producto", "cantidad", "cliente"], ["Webcam HD", 1, "ACME S.A."], ["Grapadora", 1, "Globex"]],
            "varios clientes",
        ),
    ],
)
def test_bad_sheets_say_what_is_wrong(tmp_path: Path, rows: list[list[Any]], fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        read_order_sheet(xlsx(rows, tmp_path))
    assert fragment in caught.value.message


def test_too_many_rows(tmp_path: Path) -> None:
    rows = [["producto", "cantidad"]] + [[f"producto {i}", 1] for i in range(MAX_ROWS + 1)]
    with pytest.raises(InputError, match=f"más de {MAX_ROWS} filas"):
        read_order_sheet(xlsx(rows, tmp_path))
    rows.pop()
    assert len(read_order_sheet(xlsx(rows, tmp_path, title="justo")).lines) == MAX_ROWS


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "vacío"),
        (b"producto,cantidad\nWebcam HD,1\n", "no es un Excel"),
        (b"PK\x03\x04" + b"\x00" * 100, "no es un Excel .xlsx válido"),
        (_zip({"hola.txt": b"no soy un libro"}), "no es un Excel .xlsx válido"),
        (_zip({"xl/worksheets/sheet1.xml": b"0" * (40 * 1024 * 1024)}), "demasiado grande"),
        (b"PK\x03\x04" + b"\x00" * MAX_BYTES, "límite"),
    ],
)
def test_files_that_are_not_small_xlsx_are_refused(data: bytes, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        read_order_sheet(data)
    assert fragment in caught.value.message
