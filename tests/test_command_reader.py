"""The offline command reader against a labelled set of Spanish and English messages (tests/data/commands.yaml)."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.command_set import accuracy, load_cases
from tools.language.commands import COMMANDS, CommandArgs, read_command

MIN_ACCURACY = 0.97
MIN_MESSAGES = 150


CASES = load_cases()


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
    totals, right, misses = accuracy(CASES)
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
