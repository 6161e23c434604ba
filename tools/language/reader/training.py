"""Training the reader: labelled samples from the built-in corpus, the pipelines' examples and questions and the
authors' repair examples, with generated variation; one calibrated linear model for messages to a waiting run and
one for idle messages. Deterministic (seeded), and cached by the digest of what it was trained from."""

from __future__ import annotations

import hashlib
import logging
import pickle
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import GroupShuffleSplit
from sklearn.svm import LinearSVC

import lexicon
import textnorm
from tools.language import quantity
from tools.language.reader.corpus import corpus_digest, load_corpus, load_names
from tools.language.reader.features import prepare
from tools.language.reader.fills import Filler
from tools.language.reader.gazetteer import Gazetteer
from tools.language.reader.model import Classifier, vectorize_many
from tools.language.reader.question import IDLE, Question, context_features
from tools.language.reader.spec import PipelineText, ReaderSpec
from tools.language.reader.swap import swap_entities

__all__ = ["Sample", "TrainedReader", "fit_reader", "idle_samples", "train", "waiting_samples"]

logger = logging.getLogger(__name__)
NONE = "none"
_FILLS_PER_TEXT = 2
_KEEP = 4  # trained readers kept in memory, by digest (tests build many apps on the same pipelines)
_TRAINED: OrderedDict[str, TrainedReader] = OrderedDict()
_LOCK = threading.Lock()
CALIBRATION_SHARE = 0.2  # of the texts, held out of the SVM's fit to calibrate its scores on
_FILLS_PER_QUESTION = 8
_FILLS_PER_EXAMPLE = 3
# Repair examples an author adds in YAML (`repair: examples:`), by the command they name.
AUTHOR_LABELS = {
    "cancel": "cancel",
    "help": "help",
    "correct": "correct_slot",
    "remove": "correct_remove",
    "change": "correct_quantity",
    "add": "correct_add",
    "choose": "choose",
    "none": "choose_none",
    "answer": "answer",
    "affirm": "affirm",
    "deny": "deny",
    "undo": "undo",
}
# Idle, a bare command or a yes means nothing: these waiting labels are also idle examples of `none`.
_IDLE_NONE = frozenset({"cancel", "help", "choose", "choose_none", "affirm", "deny", "undo"})


@dataclass(frozen=True)
class Sample:
    """One training message: its text, the question it is read at, its label and the text it was made from."""

    text: str
    question: Question
    label: str
    group: int


@dataclass(frozen=True)
class TrainedReader:
    """The two trained models and the gazetteer their features were computed with."""

    waiting: Classifier
    idle: Classifier
    gazetteer: Gazetteer
    digest: str
    seconds: float


def _filler(spec: ReaderSpec, seed: int) -> Filler:
    slot_words = sorted({w for p in spec.pipelines for w in p.slot_words}) or ["cliente", "customer"]
    products = list(spec.products) or ["Producto"]
    customers = list(spec.customers) or ["Cliente"]
    return Filler(products, customers, slot_words, random.Random(seed), load_names())


def _question_texts(
    pipeline: PipelineText, filler: Filler, count: int, *, choice: bool = False
) -> Iterator[tuple[str, Question]]:
    """The pipeline's digression questions with their placeholders filled as users would, each with a question it
    is asked at; at a choice question, often about one of the options («¿y del de 27 cuántos quedan?»)."""
    types = dict(pipeline.inputs)
    for template in pipeline.questions:
        for _ in range(count):
            question = filler.question(None, f"digress:{pipeline.name}")
            text = template
            for name, kind in types.items():
                if kind in ("integer", "number"):
                    fill = str(filler.rng.randint(1, 400))
                elif choice and question.kind == "choice" and filler.rng.random() < 0.5:
                    fill = filler.option_mention(question.options)
                else:
                    fill = filler.product_text(filler.rng.choice(filler.products))
                text = text.replace("{" + name + "}", fill)
            yield filler.decorate(text), question


def waiting_samples(spec: ReaderSpec, gazetteer: Gazetteer) -> list[Sample]:
    """Labelled messages to a waiting run: the corpus, the authors' repair examples, the digression questions."""
    filler = _filler(spec, spec.seed)
    samples: list[Sample] = []
    group = 0
    sources = [(g.label, g.at, text) for g in load_corpus("commands") for text in g.texts]
    for pipeline in spec.pipelines:
        for command, texts in pipeline.repair:
            sources.extend((AUTHOR_LABELS[command], "any", text) for text in texts if command in AUTHOR_LABELS)
    for label, at, template in sources:
        group += 1
        if "{slot}" in template and label in ("answer", "correct_slot"):
            # «el cliente es X» answers the question asking for the customer and corrects it anywhere else: the
            # same words under both labels, told apart by what the question asks (features: slot=asked/other).
            for asks, meaning in (("cliente", "answer"), ("productos", "correct_slot")):
                question = replace(filler.question("value", meaning), asks=asks)
                samples.append(Sample(filler.decorate(filler.fill(template, question)), question, meaning, group))
        for copy in range(_FILLS_PER_TEXT):
            question = filler.question(at, label)
            text = filler.fill(template, question)
            if label.startswith("correct_") and copy == 1:
                text = filler.yes_but(text) if filler.rng.random() < 0.5 else filler.no_but(text)
            samples.append(Sample(filler.decorate(text) if copy else text, question, label, group))
    for pipeline in spec.pipelines:
        if not pipeline.questions:
            continue
        label = f"digress:{pipeline.name}"
        for text, question in _question_texts(pipeline, filler, _FILLS_PER_QUESTION, choice=True):
            group += 1
            samples.append(Sample(text, question, label, group))
        for example in pipeline.examples:
            group += 1
            for _ in range(2):
                text = filler.decorate(swap_entities(example, gazetteer, filler))
                samples.append(Sample(text, filler.question(None, label), label, group))
    return samples


def idle_samples(spec: ReaderSpec, gazetteer: Gazetteer) -> list[Sample]:
    """Labelled idle messages: each pipeline's examples and questions start it; chat and bare commands start none."""
    filler = _filler(spec, spec.seed + 1)
    samples: list[Sample] = []
    group = 0
    for pipeline in spec.pipelines:
        for example in pipeline.examples:
            group += 1
            samples.append(Sample(example, IDLE, pipeline.name, group))
            for _ in range(_FILLS_PER_EXAMPLE):
                text = filler.decorate(swap_entities(example, gazetteer, filler))
                samples.append(Sample(text, IDLE, pipeline.name, group))
        for text, _question in _question_texts(pipeline, filler, 6):
            group += 1
            samples.append(Sample(text, IDLE, pipeline.name, group))
    for corpus in ("idle", "commands"):
        for item in load_corpus(corpus):
            if item.label != NONE and item.label not in _IDLE_NONE:
                continue
            for template in item.texts:
                group += 1
                question = filler.question(item.at, item.label)
                copies = 3 if item.label == NONE else 1
                for _ in range(copies):
                    samples.append(Sample(filler.decorate(filler.fill(template, question)), IDLE, NONE, group))
    return samples


def _matrix(samples: list[Sample], gazetteer: Gazetteer) -> Any:
    """The samples' feature matrix (Python work: done one model after the other)."""
    return vectorize_many(
        [prepare(s.text, s.question.kind, context_features(s.text, s.question, gazetteer)) for s in samples]
    )


def _fit(samples: list[Sample], matrix: Any, seed: int) -> Classifier:
    """A linear SVM over the samples' features, its scores Platt-scaled into probabilities on a held-out share of
    the texts (every variant of a text on one side: a text's typo is no test of the text). liblinear releases the
    GIL, so the two models are fitted side by side in threads."""
    labels = np.asarray([s.label for s in samples])
    if len(set(labels)) < 2:
        return Classifier.constant(str(labels[0]) if len(labels) else NONE)
    held = GroupShuffleSplit(n_splits=1, test_size=CALIBRATION_SHARE, random_state=seed)
    fitted, calibrating = next(held.split(matrix, labels, groups=[s.group for s in samples]))
    svm = LinearSVC(C=0.3, class_weight="balanced", random_state=seed, max_iter=5000)
    svm.fit(matrix[fitted], labels[fitted])
    model = CalibratedClassifierCV(FrozenEstimator(svm), method="sigmoid")
    model.fit(matrix[calibrating], labels[calibrating])
    return Classifier.of(model)


@cache
def code_digest() -> str:
    """A hash of the code that turns messages into samples and features (this package, the lexicons, the text
    normalisation, the quantity reader): a model cached by an older version of it is trained again."""
    digest = hashlib.sha256()
    files = sorted(Path(__file__).parent.glob("*.py")) + [Path(m.__file__ or "") for m in (lexicon, textnorm, quantity)]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def train(spec: ReaderSpec, cache_dir: Path | None = None) -> TrainedReader:
    """The reader trained from `spec` (and the built-in corpus): from this process's memory or `cache_dir` when
    it was trained from the very same inputs before, else now (and then kept in both)."""
    name = f"{spec.digest()}-{corpus_digest()}-{code_digest()}-{sklearn.__version__}"
    with _LOCK:
        if name in _TRAINED:
            _TRAINED.move_to_end(name)
            return _TRAINED[name]
        path = cache_dir / f"reader-{name}.pickle" if cache_dir else None
        reader = _load(path, name) if path is not None else None
        if reader is None:
            reader = fit_reader(spec, name)
            if path is not None:
                _save(reader, path)
        _TRAINED[name] = reader
        while len(_TRAINED) > _KEEP:
            _TRAINED.popitem(last=False)
        return reader


def _load(path: Path, name: str) -> TrainedReader | None:
    if not path.is_file():
        return None
    try:
        # Written by this process or a sibling into the data folder, which the app trusts as it trusts its
        # database; the file name is the digest of the training inputs, never anything a user typed.
        with path.open("rb") as handle:
            loaded = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        logger.warning("message reader: cached model %s unreadable (%s); training again", path.name, exc)
        return None
    return loaded if isinstance(loaded, TrainedReader) and loaded.digest == name else None


def _save(reader: TrainedReader, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{time.time_ns()}.tmp")
    with partial.open("wb") as handle:
        pickle.dump(reader, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)


def fit_reader(spec: ReaderSpec, name: str) -> TrainedReader:
    """The reader trained from `spec` now, named `name`: never read from nor written to a cache."""
    started = time.perf_counter()
    gazetteer = Gazetteer.of(spec.products, spec.customers)
    with ThreadPoolExecutor(max_workers=2) as pool:
        # The waiting model is fitted (in C, without the GIL) while the idle samples are made (in Python).
        samples = waiting_samples(spec, gazetteer)
        waiting = pool.submit(_fit, samples, _matrix(samples, gazetteer), spec.seed)
        samples = idle_samples(spec, gazetteer)
        idle = pool.submit(_fit, samples, _matrix(samples, gazetteer), spec.seed)
        models = waiting.result(), idle.result()
    reader = TrainedReader(*models, gazetteer, name, time.perf_counter() - started)
    logger.info("message reader trained in %.2f s", reader.seconds)
    return reader
