"""What a reader is trained from, as plain data: the pipelines' examples, digression questions and repair
examples, and the catalog's names. Its digest names the trained model, so the reader is trained again exactly when
one of these changes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

__all__ = ["PipelineText", "ReaderSpec"]


@dataclass(frozen=True)
class PipelineText:
    """One pipeline as training data: requests that start it, questions it answers meanwhile, repair examples."""

    name: str
    examples: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    inputs: tuple[tuple[str, str], ...] = ()  # (input, type) of the placeholders its questions use
    repair: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (command, texts) the author adds
    slot_words: tuple[str, ...] = ()  # what users call its correctable slots («cliente», «customer»)


@dataclass(frozen=True)
class ReaderSpec:
    """Everything the reader is trained from besides the built-in corpus."""

    pipelines: tuple[PipelineText, ...] = ()
    products: tuple[str, ...] = ()
    customers: tuple[str, ...] = ()
    seed: int = 7
    extra: tuple[str, ...] = field(default=())  # anything else that changes the model (e.g. the corpus digest)

    def digest(self) -> str:
        """A hash of every input: equal digests give the same model."""
        text = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def pipeline(self, name: str) -> PipelineText | None:
        """The pipeline called `name`, if the spec has it."""
        return next((p for p in self.pipelines if p.name == name), None)
