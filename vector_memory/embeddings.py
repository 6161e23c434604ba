"""Choosing an Embeddings implementation from the config, and turning any of them into float32 matrices."""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from config import Config
from errors import AppError
from vector_memory.ngram import NgramEmbeddings

EMBEDDING_KINDS = ("offline", "openai", "local")
DEFAULT_OPENAI_MODEL = "text-embedding-3-small"
DEFAULT_LOCAL_MODEL = "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2"


class EmbeddingsUnavailable(AppError):
    """The configured embeddings cannot be built (unknown kind, missing optional package or credentials)."""

    code = "embeddings_unavailable"
    http_status = 500


class LocalEmbeddings(Embeddings):
    """A sentence-transformers model run in-process (optional extra: `pip install '.[local-embeddings]'`)."""

    def __init__(self, model_name: str = DEFAULT_LOCAL_MODEL, device: str | None = None) -> None:
        try:
            module = importlib.import_module("sentence_transformers")
        except ImportError as exc:
            raise EmbeddingsUnavailable(
                "EMBEDDINGS=local needs the optional package sentence-transformers; install it with "
                "`pip install '.[local-embeddings]'` or set EMBEDDINGS=offline",
                details={"missing": "sentence-transformers"},
            ) from exc
        self.model_name = model_name
        self._model = module.SentenceTransformer(model_name, device=device)

    @property
    def fingerprint(self) -> str:
        """Identifies the vector space of this model."""
        return f"local:{self.model_name}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed several texts with the local model."""
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed one query with the local model."""
        return self.embed_array([text])[0].tolist()

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 rows, one per text."""
        vectors = self._model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


def build_openai_embeddings(config: Config, model: str = DEFAULT_OPENAI_MODEL) -> Embeddings:
    """`OpenAIEmbeddings` for OpenAI or any compatible server (`OPENAI_BASE_URL`: vLLM, Ollama, …)."""
    if not config.llm_configured:
        raise EmbeddingsUnavailable("EMBEDDINGS=openai needs OPENAI_API_KEY or OPENAI_BASE_URL to be set")
    from langchain_openai import OpenAIEmbeddings

    return OpenAIEmbeddings(
        model=model,
        api_key=config.OPENAI_API_KEY or "not-needed",  # local compatible servers ignore the key
        base_url=config.OPENAI_BASE_URL,
        timeout=config.LLM_TIMEOUT,
        max_retries=1,
        # Sending raw strings avoids tiktoken, which downloads its vocabulary from the internet.
        check_embedding_ctx_length=False,
    )


def build_embeddings(config: Config, *, model: str | None = None) -> Embeddings:
    """The Embeddings chosen by `config.EMBEDDINGS`: "offline" (default), "openai" or "local"."""
    kind = config.EMBEDDINGS.strip().lower()
    model = model or config.EMBEDDINGS_MODEL
    if kind == "offline":
        return NgramEmbeddings()
    if kind == "openai":
        return build_openai_embeddings(config, model or DEFAULT_OPENAI_MODEL)
    if kind == "local":
        return LocalEmbeddings(model or DEFAULT_LOCAL_MODEL)
    raise EmbeddingsUnavailable(
        f"unknown EMBEDDINGS value '{config.EMBEDDINGS}'; use one of: {', '.join(EMBEDDING_KINDS)}",
        details={"valid": list(EMBEDDING_KINDS)},
    )


def fingerprint(embeddings: Embeddings) -> str:
    """A string naming the vector space of `embeddings`; indexes built in another space are rebuilt."""
    own = getattr(embeddings, "fingerprint", None)
    if isinstance(own, str):
        return own
    cls = type(embeddings)
    model: Any = getattr(embeddings, "model", None) or getattr(embeddings, "model_name", None) or ""
    dims: Any = getattr(embeddings, "dimensions", None) or ""
    base: Any = getattr(embeddings, "openai_api_base", None) or ""
    return f"{cls.__module__}.{cls.__qualname__}:{model}:{dims}:{base}"


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), so inner product is cosine similarity."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def embed_texts(embeddings: Embeddings, texts: list[str]) -> np.ndarray:
    """Embed documents into a C-contiguous float32 matrix with unit rows."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    fast = getattr(embeddings, "embed_array", None)
    raw = fast(texts) if callable(fast) else embeddings.embed_documents(texts)
    matrix = np.ascontiguousarray(np.asarray(raw, dtype=np.float32).reshape(len(texts), -1))
    return _unit_rows(matrix)


def embed_query(embeddings: Embeddings, text: str) -> np.ndarray:
    """Embed one query into a (1, dim) float32 matrix with a unit row."""
    fast = getattr(embeddings, "embed_array", None)
    raw = fast([text]) if callable(fast) else [embeddings.embed_query(text)]
    return _unit_rows(np.ascontiguousarray(np.asarray(raw, dtype=np.float32).reshape(1, -1)))
