"""Dialog test files (shared/dialogs format) read as hostile input: size and key limits, positions in errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from errors import InputError, PipelineError
from pipelines.yaml_source import read_yaml

MAX_DIALOG_BYTES = 64 * 1024
MAX_TURNS = 60
MAX_MESSAGE_CHARS = 2000
DIALOG_KEYS = frozenset({"name", "description", "turns", "chat_only"})
TURN_KEYS = frozenset({"user", "expect", "restart", "deactivate", "stock"})
MAX_STOCK = 1_000_000
TEXT_LISTS = ("options_include", "reply_contains", "reply_lacks", "data_contains", "data_lacks")
EXPECT_KEYS = frozenset({"status", "options_first", "order", "no_order", "return", "no_return", *TEXT_LISTS})


class DialogFileError(InputError):
    """A dialog file that cannot be used as a test: `file:line: what is wrong`."""

    def __init__(self, message: str, *, file: str, line: int = 1) -> None:
        super().__init__(f"{file}:{line}: {message}", details={"file": file, "line": line})
        self.file, self.line = file, line


@dataclass
class Turn:
    """One message of a dialog and what its answer must show."""

    user: str
    expect: dict[str, Any]
    line: int
    restart: bool = False
    deactivate: list[str] = field(default_factory=list)
    stock: dict[str, int] = field(default_factory=dict)


@dataclass
class Dialog:
    """One dialog file: a conversation with the chat, turn by turn."""

    name: str
    file: str
    turns: list[Turn]


def _texts(value: Any, where: str, file: str, line: int) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str | int | float) for v in items):
        raise DialogFileError(f"'{where}' must be a list of texts", file=file, line=line)
    return [str(v) for v in items]


def _stock(value: Any, file: str, line: int) -> dict[str, int]:
    def whole(quantity: Any) -> bool:
        return isinstance(quantity, int) and not isinstance(quantity, bool) and 0 <= quantity <= MAX_STOCK

    if not isinstance(value, dict) or not all(isinstance(k, str) and whole(q) for k, q in value.items()):
        raise DialogFileError(f"'stock' is 'product name: units in stock' (0 to {MAX_STOCK})", file=file, line=line)
    return dict(value)


def _order(value: Any, file: str, line: int) -> dict[str, Any]:
    lines = value.get("lines") if isinstance(value, dict) else None
    if not isinstance(value, dict) or not isinstance(value.get("customer"), str) or not isinstance(lines, dict):
        raise DialogFileError("'order' needs {customer: NAME, lines: {PRODUCT: QUANTITY}}", file=file, line=line)
    if set(value) - {"customer", "lines"}:
        raise DialogFileError("'order' takes only 'customer' and 'lines'", file=file, line=line)
    if not all(isinstance(k, str) and isinstance(q, int) and not isinstance(q, bool) for k, q in lines.items()):
        raise DialogFileError("each order line is 'product name: whole quantity'", file=file, line=line)
    return {"customer": value["customer"], "lines": dict(lines)}


def _return(value: Any, file: str, line: int) -> dict[str, Any]:
    usage = "'return' needs {customer: NAME, order: last | NUMBER, lines: {PRODUCT: QUANTITY}, reason: TEXT (optional)}"
    if not isinstance(value, dict) or set(value) - {"customer", "order", "lines", "reason"}:
        raise DialogFileError(usage, file=file, line=line)
    checked = _order({"customer": value.get("customer"), "lines": value.get("lines")}, file, line)
    order = value.get("order", "last")
    if order != "last" and (isinstance(order, bool) or not isinstance(order, int)):
        raise DialogFileError(usage, file=file, line=line)
    if "reason" in value and not isinstance(value["reason"], str):
        raise DialogFileError(usage, file=file, line=line)
    return {**checked, "order": order, **({"reason": value["reason"]} if "reason" in value else {})}


def _expect(raw: Any, file: str, line: int, lines: Mapping[Any, int]) -> dict[str, Any]:
    """The checked `expect` of a turn at `line`; `lines` holds the line of each of its keys."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise DialogFileError("'expect' must be a mapping", file=file, line=line)
    unknown = sorted((str(k) for k in raw if k not in EXPECT_KEYS), key=lambda k: lines.get(k, line))
    if unknown:
        valid = ", ".join(sorted(EXPECT_KEYS))
        at = lines.get(unknown[0], line)
        raise DialogFileError(f"unknown expectation '{unknown[0][:40]}' (valid: {valid})", file=file, line=at)
    expect: dict[str, Any] = {}
    for key in ("status", "options_first"):
        if key in raw:
            if not isinstance(raw[key], str | int):
                raise DialogFileError(f"'{key}' must be a text", file=file, line=lines.get(key, line))
            expect[key] = str(raw[key])
    for key in TEXT_LISTS:
        if key in raw:
            expect[key] = _texts(raw[key], key, file, lines.get(key, line))
    if "order" in raw:
        expect["order"] = _order(raw["order"], file, lines.get("order", line))
    if "no_order" in raw:
        if not isinstance(raw["no_order"], bool):
            raise DialogFileError("'no_order' must be true or false", file=file, line=lines.get("no_order", line))
        expect["no_order"] = raw["no_order"]
    if "return" in raw:
        expect["return"] = _return(raw["return"], file, lines.get("return", line))
    if "no_return" in raw:
        if not isinstance(raw["no_return"], bool):
            raise DialogFileError("'no_return' must be true or false", file=file, line=lines.get("no_return", line))
        expect["no_return"] = raw["no_return"]
    return expect


def _turn(raw: Any, index: int, positions: Mapping[tuple[Any, ...], tuple[int, int]], file: str) -> Turn:
    line = positions.get(("turns", index), (1, 1))[0]
    if not isinstance(raw, dict):
        raise DialogFileError("each turn must be a mapping with 'user' and 'expect'", file=file, line=line)
    unknown = sorted(str(k) for k in raw if k not in TURN_KEYS)
    if unknown:
        valid = ", ".join(sorted(TURN_KEYS))
        raise DialogFileError(f"unknown turn key '{unknown[0][:40]}' (valid: {valid})", file=file, line=line)
    user = raw.get("user")
    if not isinstance(user, str | int | float) or isinstance(user, bool) or not str(user).strip():
        raise DialogFileError("a turn needs a 'user' message", file=file, line=line)
    if len(str(user)) > MAX_MESSAGE_CHARS:
        raise DialogFileError(f"the message is longer than {MAX_MESSAGE_CHARS} characters", file=file, line=line)
    expect_line = positions.get(("turns", index, "expect"), (line, 1))[0]
    key_lines = {path[-1]: at[0] for path, at in positions.items() if path[:-1] == ("turns", index, "expect")}
    expect = _expect(raw.get("expect"), file, expect_line, key_lines)
    deactivate = _texts(raw.get("deactivate", []), "deactivate", file, line)
    return Turn(str(user), expect, line, bool(raw.get("restart")), deactivate, _stock(raw.get("stock", {}), file, line))


def parse_turn(raw: Any, *, file: str = "<turn>") -> Turn:
    """A checked Turn from one turn of a dialog file already read (no line numbers known)."""
    return _turn(raw, 0, {}, file)


def parse_dialog(text: str, *, file: str, max_bytes: int = MAX_DIALOG_BYTES) -> Dialog:
    """A checked Dialog from the text of a dialog file; anything malformed raises DialogFileError."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise DialogFileError(f"the file is {size} bytes, over the limit of {max_bytes}", file=file)
    try:
        data, positions = read_yaml(text, file=file, max_bytes=max_bytes)
    except PipelineError as exc:
        raise DialogFileError(exc.message.split(": ", 1)[-1], file=file, line=exc.line or 1) from None
    if not isinstance(data, dict):
        raise DialogFileError("a dialog file is a mapping with 'name' and 'turns'", file=file)
    unknown = sorted(str(k) for k in data if k not in DIALOG_KEYS)
    if unknown:
        line = positions.get((unknown[0],), (1, 1))[0]
        raise DialogFileError(f"unknown key '{unknown[0][:40]}' (valid: name, turns)", file=file, line=line)
    turns = data.get("turns")
    if not isinstance(turns, list) or not turns:
        line = positions.get(("turns",), (1, 1))[0]
        raise DialogFileError("a dialog needs a non-empty 'turns' list", file=file, line=line)
    if len(turns) > MAX_TURNS:
        raise DialogFileError(f"more than {MAX_TURNS} turns; split the dialog", file=file)
    name = data.get("name", Path(file).stem)
    return Dialog(str(name)[:80], file, [_turn(raw, i, positions, file) for i, raw in enumerate(turns)])


def read_dialog(path: Path, *, shown_as: str | None = None, max_bytes: int = MAX_DIALOG_BYTES) -> Dialog:
    """Read and check one dialog file, never more than `max_bytes` of it."""
    file = shown_as or str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise DialogFileError(f"cannot read the file ({exc.strerror})", file=file) from None
    if len(raw) > max_bytes:
        raise DialogFileError(f"the file is over the limit of {max_bytes} bytes", file=file)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DialogFileError("the file is not UTF-8 text", file=file) from None
    return parse_dialog(text, file=file, max_bytes=max_bytes)


"""Differences as (what was expected, what came), first one first."""
