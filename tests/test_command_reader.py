"""The offline command reader against a labelled set of Spanish and English messages (tests/data/commands.yaml)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from config import PROJECT_DIR
from pipelines import PipelineConfig, load_config
from tests.dialog_support import fold
from tools.commands import COMMANDS, CommandArgs, read_command

DATA = Path(__file__).parent / "data" / "commands.yaml"
PIPELINES = PROJECT_DIR / "pipelines"
MIN_ACCURACY = 0.97
MIN_MESSAGES = 150


def _config(name: str) -> PipelineConfig:
    return load_config(PIPELINES / f"{name}.yaml")


def _repair_of(pipeline: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The correctable slots and digressions a pipeline declares, shaped as the conversation layer passes them."""
    config = _config(pipeline)
    corrections = [
        {"slot": slot, "words": correction.words or [slot], "lines": correction.lines}
        for slot, correction in config.corrections().items()
    ]
    digressions = []
    for name in config.repair.digressions or []:
        other = _config(name)
        inputs = {key: spec.type for key, spec in other.inputs.items()}
        digressions.append({"pipeline": name, "questions": list(other.questions), "inputs": inputs})
    return corrections, digressions


def _cases() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(context name, command arguments, label) for every labelled message."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    corrections, digressions = _repair_of("alta_pedido")
    cases = []
    for group in data["sets"]:
        context = data["contexts"][group["at"]]
        slots = [{**c, "items": context.get(c["slot"], []) if c["lines"] else []} for c in corrections]
        for label in group["messages"]:
            args = {
                "message": label["say"],
                "question": context["question"],
                "options": context.get("options", []),
                "corrections": slots,
                "digressions": digressions,
            }
            cases.append((group["at"], args, label))
    return cases


def _same(found: Any, wanted: Any) -> bool:
    if isinstance(wanted, dict):
        return isinstance(found, dict) and all(_same(found.get(key), value) for key, value in wanted.items())
    if isinstance(wanted, str):
        return isinstance(found, str) and fold(found).strip() == fold(wanted).strip()
    if isinstance(wanted, int) and isinstance(found, str):
        return found.strip() == str(wanted)  # a digression's arguments are typed by the pipeline it starts
    return found == wanted


def _verdict(found: dict[str, Any], label: dict[str, Any]) -> bool:
    """True when the reader's command is the labelled one (with its slot, value, edit, pipeline, args, option)."""
    kind = found["command"]
    if kind == "choose" and label["is"] == "answer" and found["option"] is not None:
        kind = "answer" if fold(found["option"]) == fold(label["say"]).strip() else kind
    if kind != label["is"]:
        return False
    fields = ("slot", "value", "edit", "pipeline", "args", "option")
    return all(_same(found.get(field), label[field]) for field in fields if field in label)


CASES = _cases()


def test_the_labelled_set_covers_every_command_and_question() -> None:
    kinds = Counter(label["is"] for _, _, label in CASES)
    assert len(CASES) >= MIN_MESSAGES, len(CASES)
    assert set(kinds) == set(COMMANDS), kinds
    assert min(kinds.values()) >= 15, kinds
    asked = {at for at, _, _ in CASES}
    for question in ("cliente", "productos", "sugerencia", "varios_monitores", "stock", "confirmar"):
        assert question in asked
        assert {label["is"] for at, _, label in CASES if at == question} >= {"cancel", "help", "correct", "digress"}
    assert all(CommandArgs.model_validate(args) for _, args, _ in CASES)


def test_reader_accuracy_per_command() -> None:
    totals, right, misses = Counter(), Counter(), []
    for at, args, label in CASES:
        found = read_command(CommandArgs.model_validate(args))
        totals[label["is"]] += 1
        if _verdict(found, label):
            right[label["is"]] += 1
        else:
            shown = {k: v for k, v in found.items() if v is not None}
            misses.append(f"[{at}] {label['say']!r}: expected {label['is']}, got {shown}")
    lines = [f"{kind:8} {right[kind]:3}/{totals[kind]:3} = {right[kind] / totals[kind]:.1%}" for kind in COMMANDS]
    overall = sum(right.values()) / len(CASES)
    lines.append(f"overall  {sum(right.values()):3}/{len(CASES):3} = {overall:.1%}")
    report = "\n".join(["command reader accuracy (offline):", *lines, *(["misses:", *misses] if misses else [])])
    print(report)
    low = [kind for kind in COMMANDS if right[kind] / totals[kind] < MIN_ACCURACY]
    assert not low and overall >= MIN_ACCURACY, report


@pytest.mark.parametrize("label", ["no", "quitar", "déjalo en 3 teclados"])
def test_near_misses_are_never_a_cancel(label: str) -> None:
    context = {"message": label, "question": "¿Lo confirmo?", "options": ["sí", "no"]}
    assert read_command(CommandArgs.model_validate(context))["command"] != "cancel"
