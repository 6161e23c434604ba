"""Read order lines from an uploaded .xlsx (columns producto, cantidad, optional cliente) into a `!run` message."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

import textnorm
from errors import InputError
from tools.language.quantity import quantity_in

MAX_BYTES = 1024 * 1024
MAX_ROWS = 500
MAX_UNPACKED_BYTES = 32 * 1024 * 1024
MAX_COLUMNS = 50
MAX_CELL_CHARS = 200
MAX_QUANTITY = 1_000_000
PIPELINE = "alta_pedido"

_HEADERS = {
    "producto": "product",
    "productos": "product",
    "product": "product",
    "articulo": "product",
    "cantidad": "quantity",
    "cantidades": "quantity",
    "unidades": "quantity",
    "quantity": "quantity",
    "qty": "quantity",
    "cliente": "customer",
    "customer": "customer",
}
# The order-line parser splits on these, so they may not survive inside one product's text.
_LINE_BREAKERS = re.compile(r"[,;\r\n\t]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class SheetLine:
    """One order line read from the sheet: the product as written and how many."""

    product: str
    quantity: int


@dataclass(frozen=True)
class SheetOrder:
    """The order a spreadsheet describes."""

    customer: str | None
    lines: tuple[SheetLine, ...]

    def products_text(self) -> str:
        """The lines as order text: "3 teclado mecánico, 2 ratón"."""
        return ", ".join(f"{line.quantity} {line.product}" for line in self.lines)

    def run_command(self) -> str:
        """The chat message that starts alta_pedido with this order."""
        parts = [f"!run {PIPELINE}"]
        if self.customer:
            parts.append(f"cliente={_quote(self.customer)}")
        parts.append(f"productos={_quote(self.products_text())}")
        return " ".join(parts)


def _quote(text: str) -> str:
    """Double-quote `text` so that shlex.split (POSIX mode) gives it back unchanged."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fold(value: Any) -> str:
    """A header cell folded for comparison (textnorm.fold): trimmed, lower-case, without accents."""
    return textnorm.fold(str(value or ""))


def _clean_text(value: Any, row: int, column: str) -> str:
    text = _SPACES.sub(" ", _LINE_BREAKERS.sub(" ", textnorm.clean(str(value)))).strip()
    if len(text) > MAX_CELL_CHARS:
        raise InputError(
            f"La fila {row} tiene un «{column}» de más de {MAX_CELL_CHARS} caracteres.",
            details={"row": row, "column": column},
        )
    return text


def _quantity(value: Any, row: int) -> int:
    """A cell's quantity: an integer number, or text such as "3", "tres", "una docena"."""
    number: int | None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = int(value) if value.is_integer() else None
    else:
        number = quantity_in(str(value)[:MAX_CELL_CHARS])
    if number is None or not 1 <= number <= MAX_QUANTITY:
        raise InputError(
            f"La fila {row} tiene una cantidad no válida («{str(value)[:40]}»): "
            f"escribe un número entero entre 1 y {MAX_QUANTITY}.",
            details={"row": row, "column": "cantidad"},
        )
    return number


def _check_archive(data: bytes) -> None:
    """Refuse what is not a small, sane .xlsx before openpyxl unpacks it (zip bombs included)."""
    if not data:
        raise InputError("El fichero está vacío.")
    if len(data) > MAX_BYTES:
        raise InputError(f"El fichero pasa del límite de {MAX_BYTES // 1024} KiB.")
    if not data.startswith(b"PK\x03\x04"):
        raise InputError("El fichero no es un Excel .xlsx.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError("El fichero no es un Excel .xlsx válido.") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise InputError("El fichero descomprimido es demasiado grande.")


def _rows(data: bytes) -> list[tuple[Any, ...]]:
    """The first sheet's non-empty rows (at most a header and MAX_ROWS + 1 more), as value tuples."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # openpyxl raises a wide range of exception types on malformed archives; any of them means "not a valid .xlsx".
    except Exception:
        raise InputError("El fichero no es un Excel .xlsx válido.") from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise InputError("El Excel no tiene ninguna hoja.")
        rows: list[tuple[Any, ...]] = []
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            if any(v is not None and str(v).strip() for v in values):
                rows.append(tuple(values))
                if len(rows) > MAX_ROWS + 1:
                    break
        return rows
    except InputError:
        raise
    except Exception:
        raise InputError("No he podido leer la hoja del Excel.") from None
    finally:
        book.close()


def _columns(header: tuple[Any, ...]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        role = _HEADERS.get(_fold(cell))
        if role and role not in columns:
            columns[role] = index
    missing = [name for name, role in (("producto", "product"), ("cantidad", "quantity")) if role not in columns]
    if missing:
        raise InputError(
            f"Falta la columna {' y '.join(missing)} en la primera fila del Excel "
            "(columnas: producto, cantidad y, opcional, cliente).",
            details={"missing": missing},
        )
    return columns


def _cell(values: tuple[Any, ...], columns: dict[str, int], role: str) -> Any:
    index = columns.get(role)
    return values[index] if index is not None and index < len(values) else None


def read_order_sheet(data: bytes) -> SheetOrder:
    """Parse an .xlsx upload into a SheetOrder; anything malformed raises InputError with a Spanish message."""
    _check_archive(data)
    rows = _rows(data)
    if not rows:
        raise InputError("El Excel está vacío.")
    if len(rows) > MAX_ROWS + 1:
        raise InputError(f"El Excel tiene más de {MAX_ROWS} filas.")
    columns = _columns(rows[0])
    customers: list[str] = []
    lines: list[SheetLine] = []
    for number, values in enumerate(rows[1:], start=2):
        product = _clean_text(_cell(values, columns, "product") or "", number, "producto")
        customer = _clean_text(_cell(values, columns, "customer") or "", number, "cliente")
        if customer and customer not in customers:
            customers.append(customer)
        if not product:
            if _cell(values, columns, "quantity") not in (None, ""):
                raise InputError(f"La fila {number} tiene cantidad pero no producto.", details={"row": number})
            continue
        raw = _cell(values, columns, "quantity")
        lines.append(SheetLine(product, 1 if raw is None or str(raw).strip() == "" else _quantity(raw, number)))
    if len(customers) > 1:
        raise InputError(
            f"El Excel nombra varios clientes ({', '.join(customers[:5])}); sube un pedido por cliente.",
            details={"customers": customers[:20]},
        )
    if not lines:
        raise InputError("El Excel no tiene ninguna línea de pedido.")
    return SheetOrder(customers[0] if customers else None, tuple(lines))
