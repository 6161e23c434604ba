"""Test coverage of a pipeline: which of the steps, `next` rules, repair corrections and confirm edits its author
wrote the dialogs played visit, read from the runs they leave (each run's path of steps and its events)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphs.compile.step_context import PATH, steps_done
from graphs.store.events import events_of
from pipelines.repair_schema import REPAIR_NODE
from pipelines.schema import END, AskStep, PipelineConfig
from pipelines.yaml_source import read_yaml

if TYPE_CHECKING:
    from graphs.run.engine import Engine

__all__ = ["Coverage", "Target", "Visits", "coverage_of", "targets_of"]

_ENDED = ("completed", "cancelled")
_OTHERWISE = "(siguiente)"  # the way out of a step whose every `next` rule has a condition, when none holds
_EDIT_ACTIONS = {"set_quantity": "set_quantity", "remove": "remove", "add": "add"}


@dataclass(frozen=True)
class Target:
    """Something a test can visit, where the author wrote it: a step, a `next` rule (step → goto), a repair
    correction of a slot, or a confirm edit. `covered_by` says which visits count (see `Visits.saw`)."""

    kind: str
    name: str
    line: int
    column: int
    covered_by: tuple[str, ...] = field(default=(), compare=False)

    def where(self, file: str | None) -> str:
        """`file:line:col` of the target."""
        return f"{file or '<pipeline>'}:{self.line}:{self.column}"


@dataclass
class Visits:
    """What the runs of one pipeline visited, as keys: `step:ID`, `pair:A>B`, `correct:SLOT`, `edit:STEP:ACTION`."""

    pipeline: str
    seen: set[str] = field(default_factory=set)

    def add_run(self, config: PipelineConfig, path: list[Any], status: str, events: list[dict[str, Any]]) -> None:
        """Count one run: its path of steps (a repair jump is no branch), how it ended, the corrections applied."""
        ids = steps_done(config, path)
        self.seen.update(f"step:{i}" for i in ids if i != REPAIR_NODE)
        self.seen.update(f"pair:{a}>{b}" for a, b in itertools.pairwise(ids) if REPAIR_NODE not in (a, b))
        if ids and status in _ENDED and ids[-1] != REPAIR_NODE:
            self.seen.add(f"pair:{ids[-1]}>{END}")
        for event in events:
            if event["kind"] == "asked" and event["step"]:  # a question still waiting was reached all the same
                self.seen.add(f"step:{event['step']}")
            if event["kind"] != "repaired" or event["command"] != "correct":
                continue
            slot, action = event["detail"].get("slot"), event["detail"].get("action")
            self.seen.add(f"correct:{slot}")
            self.seen.add(f"edit:{event['step']}:{action or 'slot=' + str(slot)}")

    def add_session(self, engine: Engine, owner: str) -> None:
        """Count every run of this pipeline that a chat session (its runs' `owner`) started; digressions to other
        pipelines count for those."""
        for row in engine.runs.runs_of(owner):
            if row["pipeline"] != self.pipeline:
                continue
            runner = engine.runner_for_run(row["run_id"])
            values = runner.graph.get_state(runner.run_config(row["run_id"], owner)).values or {}
            told = events_of(engine.runs.engine, row["run_id"])
            self.add_run(runner.config, list(values.get(PATH) or []), row["status"], told)

    def saw(self, target: Target) -> bool:
        """Whether any visit counts for `target`."""
        return any(key in self.seen for key in target.covered_by)


def _authored_steps(steps: Any, at: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every step the author wrote (those inside a foreach too), with its YAML path."""
    for index, step in enumerate(steps if isinstance(steps, list) else []):
        if isinstance(step, dict):
            yield (*at, index), step
            yield from _authored_steps(step.get("steps"), (*at, index, "steps"))


def _prefix(origin: tuple[Any, ...]) -> tuple[Any, ...]:
    """The path of the authored step a plain step was made from (its origin up to the last list index)."""
    cut = max((i for i, part in enumerate(origin) if isinstance(part, int)), default=len(origin) - 1)
    return origin[: cut + 1]


def _rules(raw: Any) -> list[dict[str, Any]]:
    if isinstance(raw, str):
        return [{"goto": raw}]
    return [rule for rule in raw if isinstance(rule, dict)] if isinstance(raw, list) else []


def targets_of(config: PipelineConfig) -> list[Target]:
    """Every step, `next` rule, correction and confirm edit the author wrote, in the order they are written."""
    made: dict[tuple[Any, ...], list[str]] = {}  # authored step path → the ids of the plain steps made from it
    for index, step in enumerate(config.steps):
        made.setdefault(_prefix(step.origin or ("steps", index)), []).append(step.id)
    raw, positions = read_yaml(config.source_text, max_bytes=len(config.source_text.encode()) + 1)

    def at(path: tuple[Any, ...]) -> tuple[int, int]:  # the YAML node's line and column, or its parent's
        return next((positions[path[:cut]] for cut in range(len(path), 0, -1) if path[:cut] in positions), (0, 0))

    found: list[Target] = []
    for path, step in _authored_steps(raw.get("steps") if isinstance(raw, dict) else None, ("steps",)):
        ids = made.get(path, [])
        name = str(step.get("id") or (ids[0] if ids else path))
        found.append(Target("step", name, *at(path), covered_by=tuple(f"step:{i}" for i in ids)))
        rules = _rules(step.get("next"))
        for j, rule in enumerate(rules):
            goto = str(rule.get("goto"))
            pairs = tuple(f"pair:{i}>{goto}" for i in ids)
            found.append(Target("branch", f"{name} → {goto}", *at((*path, "next", j)), covered_by=pairs))
        if rules and all(rule.get("when") for rule in rules):
            gotos = [str(rule.get("goto")) for rule in rules]
            found.append(_otherwise(config, name, ids, gotos, at((*path, "next"))))
    found += _edits(config)
    declared = config.repair.corrections is not None
    asked = {step.slot for step in config.steps if isinstance(step, AskStep)}
    for slot, correction in config.corrections().items():
        if asked <= {slot}:  # only the slot's own question ever waits: what is said there is its value, no correction
            continue
        at = ("repair", "corrections", slot) if declared else _step_path(config, correction.goto)
        found.append(Target("correction", slot, *config.position(at), covered_by=(f"correct:{slot}",)))
    return found


def _otherwise(config: PipelineConfig, name: str, ids: list[str], gotos: list[str], where: tuple[int, int]) -> Target:
    """The way out of a step when none of its `next` rules holds: any step it goes on to that no rule names."""
    inside = set(ids)
    others = [s.id for s in config.steps if s.id not in inside and s.id not in gotos] + [END]
    pairs = tuple(f"pair:{a}>{b}" for a in ids for b in others if b not in gotos)
    return Target("branch", f"{name} → {_OTHERWISE}", *where, covered_by=pairs)


def _edits(config: PipelineConfig) -> list[Target]:
    """The edits of every confirm: applied by its own steps, or by a correction at its question."""
    found = []
    for index, step in enumerate(config.steps):
        origin = step.origin or ()
        if "edits" not in origin or not step.group:
            continue
        kind = origin[origin.index("edits") + 1]
        how = f"slot={step.id.rsplit('__set_', 1)[-1]}" if kind == "set_slot" else _EDIT_ACTIONS.get(str(kind), "")
        covered_by = (f"step:{step.id}", f"edit:{step.group}:{how}")
        found.append(Target("edit", f"{step.group}: {how}", *config.position(("steps", index)), covered_by=covered_by))
    return found


def _step_path(config: PipelineConfig, step_id: str) -> tuple[Any, ...]:
    ids = [step.id for step in config.steps]
    return ("steps", ids.index(step_id)) if step_id in ids else ("repair",)


@dataclass
class Coverage:
    """The targets of a pipeline and which of them no dialog visited."""

    pipeline: str
    file: str | None
    targets: list[Target]
    missed: list[Target]

    @property
    def share(self) -> float:
        """The covered share, 0–1 (1 for a pipeline with nothing to visit)."""
        return 1.0 if not self.targets else 1 - len(self.missed) / len(self.targets)

    def by_kind(self) -> dict[str, tuple[int, int]]:
        """Kind → (covered, total)."""
        totals: dict[str, list[int]] = {}
        missed = set(self.missed)
        for target in self.targets:
            counts = totals.setdefault(target.kind, [0, 0])
            counts[0] += target not in missed
            counts[1] += 1
        return {kind: (covered, total) for kind, (covered, total) in totals.items()}

    def to_dict(self, file: str | None = None) -> dict[str, Any]:
        """The JSON form: the share, the counts by kind and each target missed with where it is (in `file`, as
        shown to the reader: default the pipeline's file)."""
        shown = file or self.file
        return {
            "pipeline": self.pipeline,
            "covered": round(self.share, 4),
            "by_kind": {kind: {"covered": c, "total": t} for kind, (c, t) in self.by_kind().items()},
            "missed": [
                {"kind": t.kind, "name": t.name, "line": t.line, "column": t.column, "where": t.where(shown)}
                for t in self.missed
            ],
        }


def coverage_of(config: PipelineConfig, visits: Visits) -> Coverage:
    """What the visits left unvisited of the pipeline."""
    targets = targets_of(config)
    missed = [target for target in targets if not visits.saw(target)]
    return Coverage(config.name, config.source_file, targets, missed)
