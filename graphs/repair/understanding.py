"""The message reader of an engine's pipelines: what it is trained from, the question a run waits at, and the
reader itself, trained again when the pipelines change (and cached by the digest of what it learns from)."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from errors import AppError
from pipelines.schema import AskStep, PipelineConfig, ToolStep
from tools.language.reader import Gazetteer, Line, PipelineText, Question, Reader, ReaderSpec, Slot, train
from tools.language.reader.evaluation import Case, Got

if TYPE_CHECKING:
    from graphs.run.engine import Engine

__all__ = ["Understanding", "ask_step_at", "question_at", "reader_spec"]

_QUANTITY_TOOLS = frozenset({"read_quantity"})
logger = logging.getLogger(__name__)


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
    named: dict[str, tuple[str, ...]] | None = None,
) -> Question:
    """The question `step` asks, with the run's state `values` (None: a message read on its own); `aliases`
    are the catalog's other names of a product by SKU (for order lines), `named` by product name (for options)."""
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
        option_aliases=tuple((named or {}).get(str(o), ()) for o in opts),
        lines=lines,
        line=line,
        slots=tuple(slots),
        digressions=digressions,
        cancel=config.repair.cancel,
        help=config.repair.help,
        choose=config.repair.choose,
        undo=config.repair.undo,
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
    """The engine's message reader: trained from its pipelines and catalog before the first message, and again
    in the background when what it learns from changes (the reader it has keeps reading meanwhile: no message
    waits for a training); a change of the catalog's names only refreshes the words it looks for."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._reader: Reader | None = None
        self._spec: ReaderSpec | None = None
        self._training: threading.Thread | None = None
        self._names: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
        self._built: tuple[Any, ReaderSpec] | None = None

    def configs(self) -> list[PipelineConfig]:
        """The current, valid pipelines (a broken file teaches nothing until it is fixed)."""
        found = []
        for name in self.engine.names():
            try:
                found.append(self.engine.config(name))
            except AppError:
                continue
        return found

    def _catalog_names(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The catalog's product names (with aliases) and customers, as the SQL service keeps them per version."""
        sql = self.engine.registry.services.sql
        if sql is None:
            return (), ()
        return sql.product_names(), sql.customer_names()

    def digressions(self, config: PipelineConfig) -> tuple[str, ...]:
        """The pipelines a question of `config` may run meanwhile."""
        names = config.repair.digressions
        if names is not None:
            return tuple(name for name in names if name != config.name)
        return tuple(c.name for c in self.configs() if c.name != config.name and c.questions)

    def spec(self) -> ReaderSpec:
        """What a reader for the pipelines and the catalog as they are now learns from (built again only when a
        pipeline's text or the catalog's names changed)."""
        configs = self.configs()
        products, customers = self._catalog_names()
        key = (tuple(c.content_hash for c in configs), id(products), id(customers))
        if self._built is None or self._built[0] != key:
            self._built = (key, reader_spec(configs, products, customers))
        return self._built[1]

    def reader(self) -> Reader:
        """The reader of the pipelines as they are now; when they changed since it was trained, the one there is
        (while a new one is trained in the background), or a new one trained now if there is none yet."""
        spec = self.spec()
        with self._lock:
            if self._reader is None:
                self._reader, self._spec = self._trained(spec), spec
            elif spec is not self._spec and spec != self._spec and not (self._training and self._training.is_alive()):
                self._training = threading.Thread(target=self._train_again, args=(spec,), daemon=True)
                self._training.start()
            self._refresh_catalog()
            return self._reader

    def _trained(self, spec: ReaderSpec) -> Reader:
        settings = self.engine.settings
        return Reader(train(spec, settings.READER_CACHE_DIR or settings.DATA_DIR / "reader"), spec)

    def _train_again(self, spec: ReaderSpec) -> None:
        try:
            reader = self._trained(spec)
        except Exception:  # the reader in use keeps reading; the next message tries again
            logger.exception("message reader: training again failed")
            return
        with self._lock:
            self._reader, self._spec = reader, spec

    def _refresh_catalog(self) -> None:
        """The words the reader looks for follow the catalog (its names are memoised per catalog version)."""
        names = self._catalog_names()
        if self._reader is not None and names[0] and names is not self._names and names != self._names:
            self._names = names
            self._reader.gazetteer = Gazetteer.of(*names)


def read_case(understanding: Understanding, case: Case) -> Got:
    """What the engine's reader makes of one labelled case."""
    reader = understanding.reader()
    if not case.waiting:
        routing = reader.route(case.text)
        return Got((routing.pipeline or "none",))
    config = understanding.engine.config(case.pipeline)
    step = ask_step_at(config, case.at or "", options=bool(case.options))
    sql = understanding.engine.registry.services.sql
    question = question_at(
        config,
        step,
        options=list(case.options) or None,
        digressions=understanding.digressions(config),
        named=sql.aliases_by_name() if sql is not None else {},
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
