"""The message reader of an engine's pipelines: what it is trained from, the question a run waits at, and the
reader itself, trained again when the pipelines change (and cached by the digest of what it learns from)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from errors import AppError
from pipelines.schema import AskStep, PipelineConfig, ToolStep
from tools.language.reader import Gazetteer, Line, PipelineText, Question, Reader, ReaderSpec, Slot, train
from tools.language.reader.evaluation import Case, Got

if TYPE_CHECKING:
    from graphs.engine import Engine

__all__ = ["Understanding", "ask_step_at", "question_at", "reader_spec"]

_QUANTITY_TOOLS = frozenset({"read_quantity"})


def _pipeline_text(config: PipelineConfig) -> PipelineText:
    """What one pipeline teaches the reader."""
    slot_words = sorted({w for c in config.corrections().values() if not c.lines for w in (c.words or [])})
    return PipelineText(
        name=config.name,
        examples=tuple(config.examples),
        questions=tuple(config.questions),
        inputs=tuple((key, spec.type) for key, spec in config.inputs.items()),
        repair=tuple((command, tuple(texts)) for command, texts in sorted(config.repair.examples.items())),
        slot_words=tuple(slot_words),
    )


def reader_spec(configs: list[PipelineConfig], products: tuple[str, ...], customers: tuple[str, ...]) -> ReaderSpec:
    """The training inputs of a reader for these pipelines and this catalog."""
    return ReaderSpec(tuple(_pipeline_text(c) for c in configs), products, customers)


def ask_step_at(config: PipelineConfig, at: str, *, options: bool = False) -> AskStep:
    """The ask step whose question waits «at» a step id: the step itself, or the question of a composite step
    (its choice among options when `options`); KeyError when there is none."""
    asks = {step.id: step for step in config.steps if isinstance(step, AskStep)}
    if options and f"{at}__choose" in asks:
        return asks[f"{at}__choose"]
    if at in asks:
        return asks[at]
    if f"{at}__choose" in asks:
        return asks[f"{at}__choose"]
    raise KeyError(at)


def _kind(config: PipelineConfig, step: AskStep, options: list[str]) -> str:
    """value, choice, quantity or yesno: what kind of answer the question takes."""
    if step.group and config.composite_kinds().get(step.group) == "confirm":
        return "yesno"
    if options:
        return "choice"
    declared = config.inputs.get(step.target)
    if declared is not None and declared.type in ("integer", "number"):
        return "quantity"
    parse = f"{step.id.split('__')[0]}__parse"
    for other in config.steps:
        if other.id == parse and isinstance(other, ToolStep) and config.tools[other.tool].kind in _QUANTITY_TOOLS:
            return "quantity"
    return "value"


def question_at(
    config: PipelineConfig,
    step: AskStep,
    *,
    text: str = "",
    options: list[str] | None = None,
    values: dict[str, Any] | None = None,
    digressions: tuple[str, ...] = (),
    aliases: dict[str, tuple[str, ...]] | None = None,
) -> Question:
    """The question `step` asks, with the run's state `values` (None: a message read on its own)."""
    opts = list(options if options is not None else step.options if isinstance(step.options, list) else [])
    kind = _kind(config, step, opts)
    if kind == "yesno" and not opts:
        opts = [str(o) for o in step.options] if isinstance(step.options, list) else []
    slots, lines, line = [], None, None
    for name, correction in config.corrections().items():
        slots.append(Slot(name, tuple(correction.words or [name]), correction.lines))
        if correction.lines and values is not None:
            items = [item for item in values.get(name) or [] if isinstance(item, dict)]
            found = aliases or {}
            lines = tuple(Line.of({**item, "aliases": found.get(str(item.get("sku")), ())}) for item in items)
            line = _current_line(config, step, values, len(items))
    return Question(
        asks=_asked_slot(config, step),
        kind=kind,
        text=text,
        options=tuple(str(o) for o in opts),
        lines=lines,
        line=line,
        slots=tuple(slots),
        digressions=digressions,
        cancel=config.repair.cancel,
        help=config.repair.help,
        choose=config.repair.choose,
    )


def _asked_slot(config: PipelineConfig, step: AskStep) -> str | None:
    """The slot a question fills: its own, or that of the composite step it belongs to."""
    if step.slot:
        return step.slot
    group = [s for s in config.steps if s.group and s.group == step.group and isinstance(s, AskStep) and s.slot]
    return group[0].slot if group else None


def _current_line(config: PipelineConfig, step: AskStep, values: dict[str, Any], count: int) -> int | None:
    """The index of the line a question inside a foreach is about («sácalo» at its stock question)."""
    if not step.group or config.composite_kinds().get(step.group) != "foreach":
        return None
    entry = config.step(step.group)  # the foreach's first step sets its position key to -1
    keys = list(getattr(entry, "values", None) or {})
    index = values.get(keys[0]) if len(keys) == 1 else None
    return index if isinstance(index, int) and 0 <= index < count else None


class Understanding:
    """The engine's message reader: trained from its pipelines and catalog on first use and whenever a pipeline
    changes; the catalog's words are refreshed when the catalog changes, without training again."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._key: tuple[Any, ...] | None = None
        self._reader: Reader | None = None
        self._catalog: tuple[int, Gazetteer] | None = None

    def configs(self) -> list[PipelineConfig]:
        """The current, valid pipelines (a broken file teaches nothing until it is fixed)."""
        found = []
        for name in self.engine.names():
            try:
                found.append(self.engine.config(name))
            except AppError:
                continue
        return found

    def _catalog_names(self) -> tuple[tuple[str, ...], tuple[str, ...], int]:
        sql = self.engine.registry.services.sql
        if sql is None:
            return (), (), 0
        return sql.product_names(), sql.customer_names(), sql.catalog_version()

    def digressions(self, config: PipelineConfig) -> tuple[str, ...]:
        """The pipelines a question of `config` may run meanwhile."""
        names = config.repair.digressions
        if names is not None:
            return tuple(name for name in names if name != config.name)
        return tuple(c.name for c in self.configs() if c.name != config.name and c.questions)

    def reader(self) -> Reader:
        """The reader for the pipelines as they are now (trained if they changed since)."""
        configs = self.configs()
        key = tuple((c.name, c.content_hash) for c in configs)
        with self._lock:
            if self._reader is None or key != self._key:
                products, customers, version = self._catalog_names()
                spec = reader_spec(configs, products, customers)
                settings = self.engine.settings
                trained = train(spec, settings.READER_CACHE_DIR or settings.DATA_DIR / "reader")
                self._reader, self._key = Reader(trained, spec), key
                self._catalog = (version, trained.gazetteer)
            else:
                self._refresh_catalog()
            return self._reader

    def _refresh_catalog(self) -> None:
        sql = self.engine.registry.services.sql
        if sql is None or self._reader is None or self._catalog is None:
            return
        version = sql.catalog_version()
        if version != self._catalog[0]:
            gazetteer = Gazetteer.of(sql.product_names(), sql.customer_names())
            self._catalog = (version, gazetteer)
            self._reader.gazetteer = gazetteer


def read_case(understanding: Understanding, case: Case) -> Got:
    """What the engine's reader makes of one labelled case."""
    reader = understanding.reader()
    if not case.waiting:
        routing = reader.route(case.text)
        return Got((routing.pipeline or "none",))
    config = understanding.engine.config(case.pipeline)
    step = ask_step_at(config, case.at or "", options=bool(case.options))
    question = question_at(
        config, step, options=list(case.options) or None, digressions=understanding.digressions(config)
    )
    reading = reader.read(case.text, question)
    labels = tuple(command.command for command in reading.commands)
    option = target = None
    for command in reading.commands:
        if command.command == "choose":
            option = question.options.index(command.option) + 1 if command.option in question.options else 0
        if command.command == "correct":
            target = command.slot
        if command.command == "digress":
            target = command.pipeline
    return Got(labels, option, target)
