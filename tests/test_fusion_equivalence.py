"""Fusion changes nothing but speed: every dialog file and generated pipelines give the same turns fused and not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from config import Config
from tests.dialog_harness import load_dialog
from tests.dialog_support import load_dialogs
from tests.fusion_support import first_difference, play_dialog

ORCHESTRATOR = Path(__file__).parent / "dialogs" / "orchestrator"
# Every dialog file: tests/dialogs/{contract,pedido,devolucion} (contract is /work/shared/dialogs, checked equal by
# test_dialogs.py) and the orchestrator's own.
DIALOGS = [*load_dialogs(), *((f"orchestrator/{p.stem}", load_dialog(p)) for p in sorted(ORCHESTRATOR.glob("*.yaml")))]


def _chat_only(dialog: dict[str, Any]) -> bool:
    return bool(dialog.get("chat_only")) or not str(dialog["turns"][0]["user"]).startswith("!run")


@pytest.mark.parametrize(("name", "dialog"), DIALOGS, ids=[d[0] for d in DIALOGS])
def test_dialog_fused_and_unfused_agree(settings: Config, tmp_path: Path, name: str, dialog: dict[str, Any]) -> None:
    chat = _chat_only(dialog)
    fused = play_dialog(settings.model_copy(update={"FUSE_STEPS": True}), dialog, tmp_path / "fused", chat=chat)
    unfused = play_dialog(settings.model_copy(update={"FUSE_STEPS": False}), dialog, tmp_path / "unfused", chat=chat)
    difference = first_difference(fused, unfused)
    assert difference is None, f"{name}: {difference}"
