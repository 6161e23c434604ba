"""The labelled product look-ups (tests/data/lookups.yaml) played through the order dialog's path, and judged.

The path is pipelines/buscar_producto.yaml's: the `resolve_product` tool (name, alias or SKU; exact or several),
then, when nothing matches, the `suggest` tool over the products collection with the step's own arguments.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tools.catalog.sql import SqlService
from tools.catalog.sql_tools import sql_toolset
from tools.memory.memory_tools import memory_toolset
from tools.registry import Services, ToolRegistry
from vector_memory import VectorMemory, attach_catalog

LOOKUPS = Path(__file__).resolve().parent.parent / "tests" / "data" / "lookups.yaml"
HOLDOUT = LOOKUPS.with_name("lookups_holdout.yaml")  # never tuned on: the out-of-sample figure
# Words the catalog's names do not hold (synonyms, measures in words, plurals with slips), written before tuning.
WORDS = {"dev": LOOKUPS.with_name("lookups_words_dev.yaml"), "test": LOOKUPS.with_name("lookups_words_test.yaml")}
# The `sugerir` step of pipelines/buscar_producto.yaml (tests/test_lookups.py checks they agree).
SUGGEST_ARGS = {"k": 3, "min_score": 0.2}


@dataclass(frozen=True)
class Lookup:
    """One labelled look-up: the text, the expected product(s) (empty for none) and its kind."""

    text: str
    expect: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class Outcome:
    """What the dialog does with a text: `exact`, `several` (a choice), `suggest` (offers) or `none`."""

    status: str
    offered: tuple[str, ...]


def load_lookups(path: Path = LOOKUPS) -> list[Lookup]:
    """The labelled look-ups of `path`."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))["lookups"]
    result = []
    for row in rows:
        expect = row["expect"]
        names = () if expect == "none" else tuple(expect) if isinstance(expect, list) else (str(expect),)
        result.append(Lookup(str(row["text"]), names, str(row["kind"])))
    return result


@contextlib.contextmanager
def demo_registry(folder: Path | None = None) -> Iterator[ToolRegistry]:
    """A tool registry over a freshly seeded demo database and a vector memory bound to it (offline)."""
    with contextlib.ExitStack() as stack:
        if folder is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        sql = SqlService(f"sqlite:///{folder / 'lookups.db'}")
        stack.callback(sql.dispose)
        sql.ensure_ready()
        memory = VectorMemory(folder / "vectors")
        attach_catalog(memory, sql)
        yield ToolRegistry(Services(sql=sql, memory=memory), [sql_toolset, memory_toolset])


def play(registry: ToolRegistry, text: str, *, step_floor: bool = True) -> Outcome:
    """The dialog's answer to `text`: the SQL look-up, then suggestions when it finds nothing.

    Without `step_floor` the step's `min_score` is left out, so only the calibrated floor applies."""
    found = registry.call("resolve_product", {}, {"text": text})
    if found["status"] != "none":
        return Outcome(found["status"], tuple(candidate["name"] for candidate in found["candidates"]))
    args = SUGGEST_ARGS if step_floor else {"k": SUGGEST_ARGS["k"]}
    hits = registry.call("suggest", {"collection": "products"}, {"text": text, **args})
    return Outcome("suggest" if hits else "none", tuple(hit["text"] for hit in hits))


def correct(lookup: Lookup, outcome: Outcome) -> bool:
    """Top-1 right: the product found or first suggested is the expected one (one of them, for a choice),
    a choice offers exactly the expected products, and nothing is offered when nothing is expected."""
    if not lookup.expect:
        return outcome.status == "none"
    if outcome.status == "several":
        return set(outcome.offered) == set(lookup.expect)
    return bool(outcome.offered) and outcome.offered[0] in lookup.expect


def evaluate(registry: ToolRegistry, lookups: list[Lookup], *, step_floor: bool = True) -> dict[str, Any]:
    """Top-1 accuracy (overall and per kind), false-suggestion rate and the misses."""
    by_kind: Counter[str] = Counter()
    right_by_kind: Counter[str] = Counter()
    suggested = wrong_suggestions = offered_for_none = 0
    misses = []
    for lookup in lookups:
        outcome = play(registry, lookup.text, step_floor=step_floor)
        ok = correct(lookup, outcome)
        by_kind[lookup.kind] += 1
        right_by_kind[lookup.kind] += ok
        if outcome.status == "suggest":
            suggested += 1
            wrong_suggestions += outcome.offered[0] not in lookup.expect
        offered_for_none += not lookup.expect and outcome.status != "none"
        if not ok:
            misses.append({"text": lookup.text, "expect": list(lookup.expect), "got": outcome.status,
                           "offered": list(outcome.offered)})  # fmt: skip
    total = len(lookups)
    nones = sum(1 for lookup in lookups if not lookup.expect)
    return {
        "lookups": total,
        "top1": round(sum(right_by_kind.values()) / total, 4),
        "top1_by_kind": {kind: round(right_by_kind[kind] / by_kind[kind], 4) for kind in sorted(by_kind)},
        "suggestions": suggested,
        "false_suggestion_rate": round(wrong_suggestions / suggested, 4) if suggested else 0.0,
        "offered_when_nothing_fits": f"{offered_for_none}/{nones}",
        "misses": misses,
    }
