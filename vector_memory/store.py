"""VectorMemory: named FAISS collections persisted in a directory, with catalog-version sync."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

import numpy as np
from langchain_core.embeddings import Embeddings

from errors import InputError
from vector_memory.collection import Collection, atomic_write
from vector_memory.embeddings import embed_query, embed_texts, fingerprint
from vector_memory.items import check_k, check_name, check_text, to_entries
from vector_memory.ngram import NgramEmbeddings

MEMORY_PREFIX = "memory:"
# Measured on the demo catalog: random strings peak at 0.38 (p99), 1–2-letter typos of a name at 0.40+.
DEFAULT_SUGGEST_MIN_SCORE = 0.35
DEFAULT_HNSW_THRESHOLD = 10_000

ItemsArg = Iterable[Mapping[str, Any]] | Callable[[], Iterable[Mapping[str, Any]]]


class Hit(TypedDict):
    """One search result: the stored key, text and metadata, with its cosine similarity."""

    key: str
    text: str
    score: float
    meta: dict[str, Any]


@dataclass(frozen=True)
class _Source:
    """Where a bound collection's items come from, and how to tell they changed."""

    items: Callable[[], Iterable[Mapping[str, Any]]]
    version: Callable[[], object]


def memory_collection(session: str) -> str:
    """The collection holding one conversation's remembered facts."""
    return MEMORY_PREFIX + session


class VectorMemory:
    """Named collections of (key, text, meta) searchable by meaning; thread-safe, persisted in `data_dir`.

    Files are named by a hash of the collection name, never by the name itself, so no name
    (`../../etc`, `memory:<anything>`) can point outside `data_dir`. Session memories live in
    `data_dir/memory`, the other collections in `data_dir/collections`.
    """

    def __init__(
        self,
        data_dir: Path,
        embeddings: Embeddings | None = None,
        *,
        hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD,
        suggest_min_score: float = DEFAULT_SUGGEST_MIN_SCORE,
        max_loaded: int = 64,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.embeddings = embeddings if embeddings is not None else NgramEmbeddings()
        self.space = fingerprint(self.embeddings)
        self.hnsw_threshold = hnsw_threshold
        self.suggest_min_score = suggest_min_score
        self.max_loaded = max_loaded
        self._lock = threading.Lock()
        self._loaded: OrderedDict[str, Collection] = OrderedDict()
        self._users: dict[str, int] = {}
        self._sources: dict[str, _Source] = {}

    def _files(self, name: str) -> tuple[Path, Path, Path]:
        """Index, sidecar and name files of a collection, named by a hash of its name."""
        folder = self.data_dir / ("memory" if name.startswith(MEMORY_PREFIX) else "collections")
        stem = hashlib.sha256(name.encode("utf-8")).hexdigest()[:40]
        return folder / f"{stem}.faiss", folder / f"{stem}.json", folder / f"{stem}.name"

    def _embed(self, texts: list[str]) -> np.ndarray:
        """Unit float32 rows for `texts`."""
        return embed_texts(self.embeddings, texts)

    @contextmanager
    def _open(self, name: str) -> Iterator[Collection]:
        """The loaded collection `name`, locked for the caller; idle ones beyond `max_loaded` are evicted."""
        name = check_name(name)
        with self._lock:
            collection = self._loaded.get(name)
            if collection is None:
                index_path, sidecar_path, _ = self._files(name)
                collection = Collection(name, (index_path, sidecar_path), self.space, self.hnsw_threshold)
                self._loaded[name] = collection
            self._loaded.move_to_end(name)
            self._users[name] = self._users.get(name, 0) + 1
            self._evict()
        try:
            with collection.lock:
                collection.load(self._embed)
                yield collection
        finally:
            with self._lock:
                self._users[name] -= 1
                if not self._users[name]:
                    del self._users[name]

    def _evict(self) -> None:
        """Forget the least recently used collections nobody is using (they are all saved already)."""
        for name in list(self._loaded):
            if len(self._loaded) <= self.max_loaded:
                return
            if name not in self._users:
                del self._loaded[name]

    def _save(self, collection: Collection) -> None:
        """Persist a collection, plus its raw name (read only for listing, never used as a path)."""
        collection.save()
        name_file = self._files(collection.name)[2]
        if not name_file.exists():
            atomic_write(name_file, collection.name.encode("utf-8"))

    def upsert(self, collection: str, items: Iterable[Mapping[str, Any]], *, max_items: int | None = None) -> int:
        """Add or update items `{key, text, meta?}` by key; returns how many vectors were (re)embedded.

        With `max_items`, the oldest items beyond that many are dropped in the same step.
        """
        entries = to_entries(items)
        with self._open(collection) as coll:
            added = coll.upsert(entries, self._embed)
            if max_items is not None and len(coll.entries) > max_items:
                coll.remove([entry.key for entry in coll.entries.values()][: len(coll.entries) - max_items])
            self._save(coll)
            return added

    def remove(self, collection: str, keys: Iterable[str]) -> int:
        """Remove items by key (unknown keys are ignored); returns how many were removed."""
        keys = [str(key) for key in keys]
        with self._open(collection) as coll:
            removed = coll.remove(keys)
            if removed:
                self._save(coll)
            return removed

    def replace(self, collection: str, items: Iterable[Mapping[str, Any]], version: str | None = None) -> int:
        """Rebuild a collection from scratch with `items`; returns its new size."""
        entries = to_entries(items)
        with self._open(collection) as coll:
            coll.replace(entries, self._embed)
            coll.version = version
            self._save(coll)
            return len(coll.entries)

    def sync(self, collection: str, items: ItemsArg, version: object) -> bool:
        """Make the collection equal `items` unless it already holds `version`; True when it changed.

        `items` may be a callable, called only when the version differs. Only the difference is
        applied: removed keys are deleted, new or renamed items embedded, metadata updated in place.
        """
        version = str(version)
        with self._open(collection) as coll:
            if coll.version == version and coll.exists:
                return False
            entries = to_entries(items() if callable(items) else items)
            wanted = {entry.key for entry in entries}
            coll.remove([key for key in coll.by_key if key not in wanted])
            coll.upsert(entries, self._embed)
            coll.version = version
            self._save(coll)
            return True

    def bind(
        self,
        collection: str,
        items: Callable[[], Iterable[Mapping[str, Any]]],
        version: Callable[[], object],
    ) -> None:
        """Keep `collection` in sync with a source: every search first syncs it at `version()`."""
        self._sources[check_name(collection)] = _Source(items, version)

    def refresh(self, collection: str) -> bool:
        """Sync a bound collection with its source now; False when unbound or already current."""
        source = self._sources.get(check_name(collection))
        return bool(source) and self.sync(collection, source.items, source.version())

    def suggest(self, collection: str, text: str, k: int = 3, min_score: float | None = None) -> list[Hit]:
        """Candidates for a short name the user typed; weaker than `suggest_min_score` are left out."""
        floor = self.suggest_min_score if min_score is None else min_score
        return self.search(collection, text, k=k, min_score=floor)

    def search(self, collection: str, text: str, k: int = 5, min_score: float | None = None) -> list[Hit]:
        """The `k` items closest in meaning to free `text`, best first (cosine similarity)."""
        k = check_k(k)
        if min_score is not None and not -1.0 <= float(min_score) <= 1.0:
            raise InputError("min_score must be between -1 and 1")
        query = embed_query(self.embeddings, check_text(text))
        self.refresh(collection)
        with self._open(collection) as coll:
            return coll.search(query, k, min_score)  # type: ignore[return-value]

    def count(self, collection: str) -> int:
        """How many items a collection holds."""
        self.refresh(collection)
        with self._open(collection) as coll:
            return len(coll.entries)

    def keys(self, collection: str) -> list[str]:
        """The keys of a collection, least recently written first."""
        with self._open(collection) as coll:
            return [entry.key for entry in coll.entries.values()]

    def version(self, collection: str) -> str | None:
        """The source version a collection was last synced to."""
        with self._open(collection) as coll:
            return coll.version

    def index_kind(self, collection: str) -> str | None:
        """ "flat" or "hnsw" (None when empty): which FAISS index currently serves the collection."""
        with self._open(collection) as coll:
            return coll.index.kind if coll.index else None

    def has_collection(self, collection: str) -> bool:
        """True when the collection is bound to a source, saved on disk or holds items."""
        name = check_name(collection)
        if name in self._sources or self._files(name)[1].exists():
            return True
        with self._lock:
            loaded = self._loaded.get(name)
            return bool(loaded and loaded.entries)

    def collections(self) -> list[str]:
        """Names of the shared collections (session memories are not listed)."""
        folder = self.data_dir / "collections"
        names = {path.read_text(encoding="utf-8") for path in folder.glob("*.name")} if folder.exists() else set()
        return sorted(names | set(self._sources))

    def drop(self, collection: str) -> bool:
        """Delete a collection and its files; True when it existed."""
        with self._open(collection) as coll:
            existed = coll.exists or bool(coll.entries)
            coll.replace([], self._embed)
            coll.version = None
            for path in self._files(coll.name):
                path.unlink(missing_ok=True)
            return existed
