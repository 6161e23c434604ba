"""Pipeline tests: dialog files played through the chat's conversation layer on a fresh temporary database."""

from __future__ import annotations

import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from config import Config
from errors import AppError, InputError, NotFoundError
from graphs.chat.conversation import Conversation, new_session_id
from graphs.run.engine import Engine
from graphs.run.versions import write_atomically
from graphs.testing.coverage import Visits
from graphs.testing.dialog_check import (
    Difference,
    change_catalog,
    order_differences,
    return_differences,
    turn_differences,
)
from graphs.testing.dialog_files import Dialog, DialogFileError, parse_dialog, read_dialog
from pipelines.loader import pipeline_path
from tools import build_registry, build_services
from tools.orders.sql_returns import SqlReturns

TESTS_DIR = "tests"
SUFFIXES = (".yaml", ".yml")
MAX_DIALOGS = 200
TEST_NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
_TEST_NAME = re.compile(TEST_NAME_PATTERN)
_save_lock = threading.Lock()


def dialogs_dir(name: str, pipelines_dir: Path) -> Path:
    """The folder of pipeline `name`'s dialog tests; the name is checked by pipeline_path, so it is never a path."""
    return pipeline_path(name, pipelines_dir).parent / TESTS_DIR / name


def dialog_files(folder: Path) -> list[Path]:
    """The dialog files of a folder (not its sub-folders), by name."""
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file() and not p.name.startswith("."))


def collect(targets: list[str], pipelines_dir: Path, names: list[str]) -> list[Path]:
    """The dialog files of each target: a pipeline name (its tests folder), a dialog file or a folder."""
    found: list[Path] = []
    for target in targets:
        path = Path(target)
        if target in names:
            folder = dialogs_dir(target, pipelines_dir)
            if not folder.is_dir():
                raise NotFoundError(f"pipeline '{target}' has no tests: write dialog files in {folder}/")
            files = dialog_files(folder)
        elif path.is_dir():
            files = dialog_files(path)
        elif path.is_file() and path.suffix in SUFFIXES:
            files = [path]
        else:
            raise NotFoundError(
                f"{target[:80]!r} is neither a pipeline name nor a dialog file or folder "
                f"(pipelines: {', '.join(names) or 'none'})"
            )
        if not files:
            raise NotFoundError(f"no dialog files (*.yaml) in {path if path.is_dir() else folder}")
        found += files
    if len(found) > MAX_DIALOGS:
        raise NotFoundError(f"{len(found)} dialog files; run at most {MAX_DIALOGS} at once")
    return found


@dataclass
class DialogResult:
    """How one dialog went: passed, or the first difference (or why it could not be played)."""

    file: str
    name: str
    passed: bool
    turns: int
    difference: Difference | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the result."""
        difference = vars(self.difference) if self.difference else None
        return {**vars(self), "difference": difference}

    def lines(self) -> list[str]:
        """The pass/fail line and, for a failure, the first difference or the error."""
        head = f"{'PASS' if self.passed else 'FAIL'}  {self.file}  ({self.name}, {self.turns} turns)"
        if self.difference:
            d, pad = self.difference, " " * 6
            return [head, f"{pad}turn {d.turn}: «{d.user}»", f"{pad}expected: {d.expected}", f"{pad}got:      {d.got}"]
        return [head, f"      {self.error}"] if self.error else [head]


def sandbox_settings(base: Config, data_dir: Path, *, with_llm: bool = False) -> Config:
    """`base` on a temporary DATA_DIR with its own SQLite catalog (demo data) and checkpoints; offline by default."""
    update: dict[str, Any] = {
        "DATA_DIR": data_dir,
        "DATABASE_URL": None,
        "CHECKPOINT_URL": None,
        "SEED_DEMO_DATA": True,
        "SECRET_KEY": "pipeline-tests",
    }
    if not with_llm:
        update.update(OPENAI_API_KEY=None, OPENAI_BASE_URL=None, EMBEDDINGS="offline", EMBEDDINGS_MODEL=None)
    return base.model_copy(update=update)


class _Chat:
    """The services, engine and conversation layer of one temporary database (what POST /chat talks to)."""

    def __init__(self, settings: Config) -> None:
        self.services = build_services(settings)
        self.engine = Engine(settings, registry=build_registry(settings, self.services))
        self.conversation = Conversation(self.engine)

    def close(self) -> None:
        """Close every connection, so the temporary folder can go."""
        self.engine.close()
        self.services.sql.dispose()
        self.services.memory.facts.close()


def _play(dialog: Dialog, settings: Config, visits: Visits | None) -> DialogResult:
    chat = _Chat(settings)
    session_id, run_ids, run_id = new_session_id(), [], None
    try:
        for number, turn in enumerate(dialog.turns, start=1):
            if turn.restart:
                chat.close()
                chat = _Chat(settings)
            change_catalog(turn, chat.services.sql)
            reply = chat.conversation.handle(session_id, turn.user)
            if reply.run_id and reply.run_id not in run_ids:
                run_ids.append(reply.run_id)
            run_id = reply.run_id or run_id
            shown = {"status": reply.status, "reply": reply.reply, "options": reply.options, "data": reply.data}
            found = turn_differences(turn.expect, **shown)
            found += order_differences(turn.expect, chat.services.sql, run_ids, run_id)
            found += return_differences(turn.expect, SqlReturns(chat.services.sql.engine), run_ids, run_id)
            if found:
                difference = Difference(number, turn.user, *found[0])
                return DialogResult(dialog.file, dialog.name, False, number, difference=difference)
        return DialogResult(dialog.file, dialog.name, True, len(dialog.turns))
    finally:
        try:
            if visits is not None:  # a failed dialog still visited what it visited
                visits.add_session(chat.engine, Conversation.owner(session_id))
        finally:
            chat.close()


def run_dialog(
    path: Path,
    base: Config,
    *,
    shown_as: str | None = None,
    with_llm: bool = False,
    visits: Visits | None = None,
) -> DialogResult:
    """Play one dialog file on a fresh temporary database; a malformed file or a crash is a failed result. With
    `visits`, what the dialog's runs of that pipeline visited is added to it."""
    file = shown_as or str(path)
    try:
        dialog = read_dialog(path, shown_as=file)
    except DialogFileError as exc:
        return DialogResult(file, path.stem, False, 0, error=exc.message)
    with tempfile.TemporaryDirectory(prefix="t7-dialog-") as folder:
        try:
            return _play(dialog, sandbox_settings(base, Path(folder), with_llm=with_llm), visits)
        except AppError as exc:
            return DialogResult(file, dialog.name, False, 0, error=exc.message)
        except Exception as exc:  # one broken dialog must not stop the others; its result says what happened
            return DialogResult(file, dialog.name, False, 0, error=f"unexpected {type(exc).__name__}: {exc}")


def _test_file(name: str, test_name: str, pipelines_dir: Path) -> Path:
    if not isinstance(test_name, str) or not _TEST_NAME.fullmatch(test_name):
        raise InputError(
            f"{str(test_name)[:64]!r} is not a valid test name",
            details={"pattern": TEST_NAME_PATTERN},
        )
    return dialogs_dir(name, pipelines_dir) / f"{test_name}.yaml"


def save_dialog(name: str, test_name: str, text: str, pipelines_dir: Path) -> tuple[Dialog, bool]:
    """Check `text` as a dialog file and write it atomically as test `test_name` of pipeline `name`.

    Returns the dialog and whether the file is new; a malformed text raises DialogFileError and writes nothing.
    """
    path = _test_file(name, test_name, pipelines_dir)
    dialog = parse_dialog(text, file=f"{test_name}.yaml")
    with _save_lock:
        created = not path.exists()
        if created and path.parent.is_dir() and len(dialog_files(path.parent)) >= MAX_DIALOGS:
            raise InputError(f"pipeline '{name}' already has {MAX_DIALOGS} tests; remove some first")
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text.encode("utf-8"))
    return dialog, created


def saved_dialogs(name: str, pipelines_dir: Path) -> list[dict[str, Any]]:
    """The test files of pipeline `name`: name, number of turns, and the problem of a malformed one."""
    folder = dialogs_dir(name, pipelines_dir)
    listed = []
    for path in dialog_files(folder) if folder.is_dir() else []:
        try:
            dialog = read_dialog(path, shown_as=path.name)
            listed.append({"name": path.stem, "turns": len(dialog.turns), "error": None})
        except DialogFileError as exc:
            listed.append({"name": path.stem, "turns": 0, "error": exc.message})
    return listed


def run_saved(name: str, base: Config, visits: Visits | None = None) -> list[DialogResult]:
    """Play every test file of pipeline `name` (none when it has no tests folder), adding what they visit to
    `visits` when given."""
    folder = dialogs_dir(name, Path(base.PIPELINES_DIR))
    files = dialog_files(folder)[:MAX_DIALOGS] if folder.is_dir() else []
    return [run_dialog(path, base, shown_as=path.name, visits=visits) for path in files]
