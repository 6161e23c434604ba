"""The labelled messages of the command reader (tests/data/commands.yaml), with their questions, and the verdict.

Shared by tests/test_command_reader.py (which asserts the accuracy) and bench/bench_commands.py (which reports it).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from pipelines import PipelineConfig, load_config
from textnorm import fold
from tools.language.commands import COMMANDS, CommandArgs, read_command

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "commands.yaml"
HOLDOUT = DATA.with_name("commands_holdout.yaml")  # written after tuning and never tuned on
PIPELINES = ROOT / "pipelines"

Case = tuple[str, dict[str, Any], dict[str, Any]]


def _config(name: str) -> PipelineConfig:
    return load_config(PIPELINES / f"{name}.yaml")


def repair_of(pipeline: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The correctable slots and digressions a pipeline declares, shaped as the conversation layer passes them."""
    config = _config(pipeline)
    corrections = [
        {"slot": slot, "words": correction.words or [slot], "lines": correction.lines}
        for slot, correction in config.corrections().items()
    ]
    digressions = []
    # As the conversation layer does: no `digressions:` means every other pipeline that declares `questions`.
    names = config.repair.digressions
    for name in names if names is not None else sorted(path.stem for path in PIPELINES.glob("*.yaml")):
        other = _config(name)
        if name == pipeline or not other.questions:
            continue
        inputs = {key: spec.type for key, spec in other.inputs.items()}
        digressions.append({"pipeline": name, "questions": list(other.questions), "inputs": inputs})
    return corrections, digressions


def load_cases(path: Path = DATA) -> list[Case]:
    """(question name, command arguments, label) for every labelled message."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    contexts = data.get("contexts") or yaml.safe_load(DATA.read_text(encoding="utf-8"))["contexts"]
    corrections, digressions = repair_of("alta_pedido")
    cases = []
    for group in data["sets"]:
        context = contexts[group["at"]]
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


def verdict(found: dict[str, Any], label: dict[str, Any]) -> bool:
    """True when the reader's command is the labelled one (with its slot, value, edit, pipeline, args, option)."""
    kind = found["command"]
    if kind == "choose" and label["is"] == "answer" and found["option"] is not None:
        kind = "answer" if fold(found["option"]) == fold(label["say"]).strip() else kind
    if kind != label["is"]:
        return False
    fields = ("slot", "value", "edit", "pipeline", "args", "option")
    return all(_same(found.get(field), label[field]) for field in fields if field in label)


def accuracy(cases: list[Case]) -> tuple[Counter[str], Counter[str], list[str]]:
    """(messages per command, right per command, the misses described) of the offline reader on `cases`."""
    totals: Counter[str] = Counter()
    right: Counter[str] = Counter()
    misses = []
    for at, args, label in cases:
        found = read_command(CommandArgs.model_validate(args))
        totals[label["is"]] += 1
        if verdict(found, label):
            right[label["is"]] += 1
        else:
            shown = {k: v for k, v in found.items() if v is not None}
            misses.append(f"[{at}] {label['say']!r}: expected {label['is']}, got {shown}")
    return totals, right, misses


__all__ = ["COMMANDS", "Case", "accuracy", "load_cases", "repair_of", "verdict"]
