"""The built-in training corpus (tools/language/corpus/*.yaml): labelled messages, read safely and checked."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

__all__ = ["CORPUS_DIR", "WAITING_LABELS", "CorpusGroup", "corpus_digest", "load_corpus", "load_names"]

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"
# The reader's own labels for a message to a waiting run; `correct_*` say which correction, `choose_none` is
# «none of them». Digressions are labelled `digress:<pipeline>` from the pipelines' own questions.
WAITING_LABELS = (
    "cancel",
    "help",
    "correct_slot",
    "correct_remove",
    "correct_quantity",
    "correct_add",
    "choose",
    "choose_none",
    "answer",
    "affirm",
    "deny",
    "undo",
)
_MAX_BYTES = 2_000_000


class CorpusGroup(BaseModel):
    """Messages with one label, typical at one kind of question (`any`: at every kind)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: Literal[(*WAITING_LABELS, "none")]  # type: ignore[valid-type]
    at: Literal["any", "value", "choice", "quantity", "yesno"] = "any"
    texts: tuple[Annotated[str, Field(min_length=1, max_length=500)], ...] = Field(min_length=1)


_GROUPS = TypeAdapter(list[CorpusGroup])


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    if len(data) > _MAX_BYTES:
        raise ValueError(f"{path}: the corpus file is larger than {_MAX_BYTES} bytes")
    return data


@cache
def load_corpus(name: str) -> tuple[CorpusGroup, ...]:
    """The groups of the corpus files named `name*.yaml` («commands» for messages to a waiting run, written by
    several people, one file each; «idle» for messages that start nothing)."""
    groups: list[CorpusGroup] = []
    for path in sorted(CORPUS_DIR.glob(f"{name}*.yaml")):  # «commands», «commands_second_voice», …
        groups.extend(_GROUPS.validate_python(yaml.safe_load(_read(path)) or []))
    return tuple(groups)


@cache
def load_names() -> tuple[str, ...]:
    """People's names (corpus/names.yaml) that fill a name placeholder now and then."""
    names = yaml.safe_load(_read(CORPUS_DIR / "names.yaml")) or []
    return tuple(str(name) for name in names if isinstance(name, str) and 0 < len(name) <= 60)


@cache
def corpus_digest() -> str:
    """A hash of every corpus file, part of what names a trained model."""
    digest = hashlib.sha256()
    for path in sorted(CORPUS_DIR.glob("*.yaml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
