"""Offline embeddings for short names: hashed character n-grams, accent/case-insensitive, L2-normalised."""

from __future__ import annotations

import re

import numpy as np
from langchain_core.embeddings import Embeddings

import textnorm

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Neither survives normalisation, so they mark where n-gram windows must not cross.
_WORD_SEP, _TEXT_SEP = "\x01", "\x02"
_FNV_OFFSET = np.uint32(2166136261)
_FNV_PRIME = np.uint32(16777619)
_BATCH = 4096


def normalise(text: str) -> str:
    """Folded text (textnorm.fold: lower-case, no accents, ñ→n) with punctuation turned into spaces."""
    return " ".join(_NON_ALNUM.sub(" ", textnorm.fold(text)).split())


def tokens(text: str) -> list[str]:
    """The words embedded for `text`: the catalog comparison words (textnorm.words), so SQL and vectors agree."""
    return textnorm.words(text)


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's finaliser: spreads FNV's weak low bits over the whole word."""
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h


class NgramEmbeddings(Embeddings):
    """Character n-grams (with word boundaries) of normalised text, signed-hashed into `dim` floats.

    All n-grams weigh the same: measured on 1-2 letter typos, weighting longer n-grams up made
    top-1 accuracy worse (short n-grams are the ones a typo leaves intact).
    The hash is FNV-1a over Unicode code points plus a Murmur finaliser, computed with numpy:
    stable across processes and machines (unlike Python's salted `hash()`), and fast for 100k names.
    """

    def __init__(self, dim: int = 256, ngram_range: tuple[int, int] = (2, 4)) -> None:
        if dim < 8 or dim & (dim - 1):
            raise ValueError("dim must be a power of two of at least 8")
        low, high = ngram_range
        if not 1 <= low <= high <= 8:
            raise ValueError("ngram_range must satisfy 1 <= low <= high <= 8")
        self.dim = dim
        self.ngram_range = (low, high)

    @property
    def fingerprint(self) -> str:
        """Identifies the vector space: stored indexes built with another fingerprint are rebuilt."""
        low, high = self.ngram_range
        return f"ngram:v2:rules{textnorm.RULES_VERSION}:{self.dim}:{low}-{high}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed several texts (LangChain interface)."""
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed one query text (LangChain interface)."""
        return self.embed_array([text])[0].tolist()

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Embed texts into a float32 matrix of shape (len(texts), dim) with unit (or zero) rows."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), _BATCH):
            out[start : start + _BATCH] = self._embed_batch(texts[start : start + _BATCH])
        return out

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        """Hash every n-gram of a batch at once: one code-point array, one window per position."""
        padded = [_WORD_SEP.join(f" {word} " for word in tokens(text)) for text in texts]
        codes = np.frombuffer((_TEXT_SEP + _TEXT_SEP.join(padded) + _TEXT_SEP).encode("utf-32-le"), np.uint32)
        text_of = np.cumsum(codes == ord(_TEXT_SEP)) - 1
        boundary = (codes == ord(_WORD_SEP)) | (codes == ord(_TEXT_SEP))
        seps_before = np.concatenate(([0], np.cumsum(boundary)))
        keys, weights = [], []
        low, high = self.ngram_range
        for n in range(low, high + 1):
            count = len(codes) - n + 1
            if count <= 0:
                continue
            start = np.flatnonzero(seps_before[n : n + count] - seps_before[:count] == 0)
            h = np.full(start.shape, _FNV_OFFSET ^ np.uint32(n), dtype=np.uint32)
            for j in range(n):
                h ^= codes[start + j]
                h *= _FNV_PRIME
            h = _fmix32(h)
            keys.append(text_of[start].astype(np.int64) * self.dim + (h & np.uint32(self.dim - 1)))
            # Signed hashing: collisions cancel out on average instead of adding up (Weinberger et al.).
            weights.append(np.where(h >> np.uint32(31), -1.0, 1.0))
        total = len(texts) * self.dim
        flat = np.bincount(np.concatenate(keys), np.concatenate(weights), minlength=total) if keys else None
        matrix = (np.zeros(total) if flat is None else flat).reshape(len(texts), self.dim).astype(np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
