"""Measuring a reader on a labelled file (the format of `flask nlu eval`): accuracy, per-command precision and
recall, a confusion matrix and the misses."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

__all__ = ["Case", "Got", "Report", "evaluate", "load_cases"]

_MAX_BYTES = 5_000_000
WAITING = ("cancel", "help", "correct", "digress", "choose", "answer", "affirm", "deny", "undo")


class Case(BaseModel):
    """One labelled message: to a waiting run (`pipeline` + `at`) or idle, and what it should be read as."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: Annotated[str, Field(max_length=2000)]
    pipeline: str | None = None
    at: str | None = None
    options: tuple[str, ...] = ()
    expect: tuple[str, ...]
    option: int | None = Field(default=None, ge=0)
    target: str | None = None

    @field_validator("expect", mode="before")
    @classmethod
    def _listed(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @property
    def waiting(self) -> bool:
        """Whether the message is sent to a waiting run."""
        return self.pipeline is not None


_CASES = TypeAdapter(list[Case])


def load_cases(path: Path) -> list[Case]:
    """The cases of a labelled YAML file (a list of cases); ValueError naming the file when it is not one."""
    data = path.read_bytes()
    if len(data) > _MAX_BYTES:
        raise ValueError(f"{path}: larger than {_MAX_BYTES} bytes")
    try:
        return _CASES.validate_python(yaml.safe_load(data) or [])
    except (yaml.YAMLError, ValueError) as exc:
        raise ValueError(f"{path}: not a list of labelled cases: {exc}") from None


@dataclass(frozen=True)
class Got:
    """What the reader made of a case: command kinds (or the pipeline, or «none»), the option picked (1-based,
    0 for none of them), and the corrected slot or the digression's pipeline."""

    labels: tuple[str, ...]
    option: int | None = None
    target: str | None = None


@dataclass
class Report:
    """The figures of one labelled file."""

    total: int = 0
    right: int = 0
    misses: list[tuple[Case, Got]] = field(default_factory=list)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    counts: dict[str, Counter[str]] = field(default_factory=dict)

    @property
    def accuracy(self) -> float:
        """Share of cases read right (command, option and target)."""
        return self.right / self.total if self.total else 0.0

    def scores(self) -> dict[str, dict[str, float]]:
        """Per label: precision, recall and support."""
        out = {}
        for label, count in sorted(self.counts.items()):
            tp, fp, fn = count["tp"], count["fp"], count["fn"]
            out[label] = {
                "precision": tp / (tp + fp) if tp + fp else 1.0,
                "recall": tp / (tp + fn) if tp + fn else 1.0,
                "support": tp + fn,
            }
        return out

    def lines(self, *, misses: bool = True) -> list[str]:
        """The report as text: misses, per-label precision/recall, confusion matrix, and last the accuracy."""
        out = []
        if misses:
            for case, got in self.misses:
                where = f"{case.pipeline}@{case.at}" if case.waiting else "idle"
                out.append(
                    f"miss [{where}] {case.text!r}: expected {'+'.join(case.expect)}, got {'+'.join(got.labels)}"
                )
        out.append(f"{'label':16} {'precision':>9} {'recall':>7} {'support':>7}")
        for label, score in self.scores().items():
            out.append(f"{label:16} {score['precision']:9.1%} {score['recall']:7.1%} {score['support']:7}")
        labels = sorted({label for pair in self.confusion for label in pair})
        out.append("confusion (rows: expected, columns: read):")
        out.append(" " * 16 + "".join(f"{label[:7]:>8}" for label in labels))
        for row in labels:
            out.append(f"{row[:16]:16}" + "".join(f"{self.confusion[(row, col)]:8}" for col in labels))
        out.append(f"accuracy: {self.right}/{self.total} ({self.accuracy:.1%})")
        return out

    def to_dict(self) -> dict[str, Any]:
        """The figures as JSON (for the benchmarks)."""
        labels = sorted({label for pair in self.confusion for label in pair})
        return {
            "total": self.total,
            "right": self.right,
            "accuracy": self.accuracy,
            "per_label": self.scores(),
            "labels": labels,
            "confusion": [[self.confusion[(row, col)] for col in labels] for row in labels],
        }


def _matches(case: Case, got: Got) -> bool:
    if tuple(case.expect) != tuple(got.labels):
        return False
    if case.option is not None and "choose" in case.expect and got.option != case.option:
        return False
    return not (case.target is not None and set(case.expect) & {"correct", "digress"} and got.target != case.target)


def evaluate(cases: list[Case], read: Callable[[Case], Got]) -> Report:
    """Read every case and compare with its label."""
    report = Report()
    for case in cases:
        got = read(case)
        report.total += 1
        ok = _matches(case, got)
        report.right += ok
        if not ok:
            report.misses.append((case, got))
        expected, found = list(case.expect), list(got.labels)
        for index in range(max(len(expected), len(found))):
            row = expected[index] if index < len(expected) else "-"
            col = found[index] if index < len(found) else "-"
            report.confusion[(row, col)] += 1
        for label in set(expected) | set(found):
            count = report.counts.setdefault(label, Counter())
            if label in expected and label in found:
                count["tp"] += 1
            elif label in found:
                count["fp"] += 1
            else:
                count["fn"] += 1
    return report
