"""Intent classification over pipelines' example phrases: vector memory when available, word overlap else."""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import textnorm
from errors import AppError

__all__ = ["MEMORY_MIN_SCORE", "OVERLAP_MIN_SCORE", "PIPELINE_EXAMPLES", "classify_intent"]

PIPELINE_EXAMPLES = "pipeline_examples"
# Score floors below which no pipeline is chosen; the two methods score on different scales.
MEMORY_MIN_SCORE = 0.3
OVERLAP_MIN_SCORE = 0.25

_STOPWORDS = {"de", "del", "la", "el", "los", "las", "lo", "un", "una", "unos", "unas", "y", "e", "o", "a"}
_STOPWORDS |= {"al", "para", "por", "con", "en", "que", "me", "mi", "se", "su", "es", "favor"}
_STOPWORDS |= {"the", "of", "for", "to", "and", "or", "i", "my", "in", "on", "with", "is", "it", "an", "please"}


def _words(text: str) -> set[str]:
    """Content words of `text`: the catalog words (textnorm.words) without stop words or numbers."""
    return {word for word in textnorm.words(text) if word.isalpha() and len(word) >= 2 and word not in _STOPWORDS}


def _overlap(query: set[str], example: set[str]) -> float:
    """Cosine of two word sets, where words sharing their first five letters count half."""
    if not query or not example:
        return 0.0
    hits = 0.0
    for word in query:
        if word in example:
            hits += 1.0
        elif len(word) >= 5 and any(other[:5] == word[:5] for other in example if len(other) >= 5):
            hits += 0.5
    return hits / math.sqrt(len(query) * len(example))


def _overlap_scores(text: str, examples: dict[str, list[str]]) -> dict[str, float]:
    """Best overlap of `text` with each pipeline's examples."""
    query = _words(text)
    return {name: max((_overlap(query, _words(ex)) for ex in exs), default=0.0) for name, exs in examples.items()}


def _memory_scores(memory: Any, text: str, examples: dict[str, list[str]]) -> dict[str, float]:
    """Best vector-memory similarity of `text` with each pipeline's examples (indexed on first use)."""
    items = {
        f"{name}:{hashlib.sha256(example.encode('utf-8')).hexdigest()[:16]}": {
            "text": example,
            "meta": {"pipeline": name},
        }
        for name, exs in sorted(examples.items())
        for example in exs
    }
    listed = [{"key": key, **item} for key, item in sorted(items.items())]
    if not listed:
        return {}
    version = hashlib.sha256(json.dumps(listed, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]
    memory.sync(PIPELINE_EXAMPLES, listed, version)
    scores: dict[str, float] = {}
    for hit in memory.search(PIPELINE_EXAMPLES, text, k=min(len(listed), 100)):
        name = (hit.get("meta") or {}).get("pipeline")
        # The collection is shared, so only trust hits that are current examples of a known pipeline.
        if name in examples and hit.get("text") in examples[name]:
            scores[name] = max(scores.get(name, -1.0), float(hit["score"]))
    return scores


def classify_intent(
    text: str, examples: dict[str, list[str]], memory: Any = None, min_score: float | None = None
) -> dict[str, Any]:
    """The pipeline whose examples are closest to `text`: vector memory when given, else word overlap."""
    method, scores = "overlap", {}
    if memory is not None and text.strip():
        try:
            scores, method = _memory_scores(memory, text, examples), "memory"
        except AppError:
            method = "overlap"
    if method == "overlap":
        scores = _overlap_scores(text, examples)
    floor = min_score if min_score is not None else MEMORY_MIN_SCORE if method == "memory" else OVERLAP_MIN_SCORE
    ranking = sorted(({"pipeline": n, "score": round(s, 4)} for n, s in scores.items()), key=_rank_key)
    best = ranking[0] if ranking and ranking[0]["score"] >= floor and ranking[0]["score"] > 0 else None
    return {
        "pipeline": best["pipeline"] if best else None,
        "score": best["score"] if best else (ranking[0]["score"] if ranking else 0.0),
        "method": method,
        "ranking": ranking,
    }


def _rank_key(entry: dict[str, Any]) -> tuple[float, str]:
    """Best score first, then by name so ties are deterministic."""
    return (-entry["score"], entry["pipeline"])
