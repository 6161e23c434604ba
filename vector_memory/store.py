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
from vector_memory.collection import Collection
from vector_memory.embeddings import embed_query, embed_texts, fingerprint
from vector_memory.facts import SessionFacts
from vector_memory.items import check_k, check_name, check_text, to_entries
from vector_memory.ngram import NgramEmbeddings
from vector_memory.snapshot import create_once, read_snapshot, snapshot_path, snapshots_of, write_snapshot

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
    (`../../etc`, `memory:<anything>`) can point outside `data_dir`.

    Processes may share `data_dir`: session memories (`memory:<session>`) live in SQL (`facts`), synced
    collections (`sync`, `bind`) in memory plus write-once snapshots per version; only collections written
    directly (`upsert`/`replace` of an unsynced name) keep rewritable files, for single-process use.
    """

    def __init__(
        self,
        data_dir: Path,
        embeddings: Embeddings | None = None,
        *,
        hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD,
        suggest_min_score: float = DEFAULT_SUGGEST_MIN_SCORE,
        max_loaded: int = 64,
        facts: SessionFacts | None = None,
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
        self._synced: set[str] = set()
        self._facts = facts

    @property
    def facts(self) -> SessionFacts:
        """Where session memories are kept (by default a SQLite file in `data_dir/memory`, made on first use)."""
        with self._lock:
            self._facts = self._facts or SessionFacts.in_folder(self.data_dir / "memory")
            return self._facts

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
                snapshots = [] if name.startswith(MEMORY_PREFIX) else snapshots_of(index_path.parent, index_path.stem)
                if snapshots:
                    self._synced.add(name)  # synced by another VectorMemory on this folder before
                in_memory = name.startswith(MEMORY_PREFIX) or name in self._synced  # its source is SQL or a sync
                files = None if in_memory else (index_path, sidecar_path)
                collection = Collection(name, files, self.space, self.hnsw_threshold)
                any(read_snapshot(collection, path) for path in snapshots)
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
        self._write_name(collection.name)

    def _write_name(self, name: str) -> None:
        """Keep the raw name beside the files, created once (every process would write the same bytes)."""
        name_file = self._files(name)[2]
        if not name_file.exists():
            create_once(name_file, name.encode("utf-8"))

    def upsert(self, collection: str, items: Iterable[Mapping[str, Any]], *, max_items: int | None = None) -> int:
        """Add or update items `{key, text, meta?}` by key; returns how many vectors were (re)embedded.

        With `max_items`, the oldest items beyond that many are dropped in the same step. A session memory
        (`memory:<session>`) is written to its SQL facts, which every process's index then follows.
        """
        entries = to_entries(items)
        if check_name(collection).startswith(MEMORY_PREFIX):
            session = collection[len(MEMORY_PREFIX) :]
            for entry in entries:
                self.facts.put(session, entry.key, entry.text, entry.meta, max_items)
            return len(entries)
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
        version, name = str(version), check_name(collection)
        self._synced.add(name)
        shared = not name.startswith(MEMORY_PREFIX)
        with self._open(name) as coll:
            if coll.version == version:
                return False
            snapshot = snapshot_path(self._files(name)[0].parent, self._files(name)[0].stem, version, self.space)
            if shared and not coll.entries and coll.version is None and read_snapshot(coll, snapshot):
                return True  # another process already built this version
            entries = to_entries(items() if callable(items) else items)
            wanted = {entry.key for entry in entries}
            coll.remove([key for key in coll.by_key if key not in wanted])
            coll.upsert(entries, self._embed)
            coll.version = version
            if shared:
                write_snapshot(coll, snapshot)
                self._write_name(name)
            return True

    def bind(
        self,
        collection: str,
        items: Callable[[], Iterable[Mapping[str, Any]]],
        version: Callable[[], object],
    ) -> None:
        """Keep `collection` in sync with a source: every search first syncs it at `version()`."""
        self._sources[check_name(collection)] = _Source(items, version)
        self._synced.add(check_name(collection))

    def refresh(self, collection: str) -> bool:
        """Sync a bound collection (or a session memory) with its source now; False when already current."""
        name = check_name(collection)
        if name.startswith(MEMORY_PREFIX):
            session = name[len(MEMORY_PREFIX) :]
            return self.sync(name, lambda: self.facts.items(session), self.facts.version(session))
        source = self._sources.get(name)
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
        """The keys of a collection, least recently written first (a session memory as its SQL facts say)."""
        if check_name(collection).startswith(MEMORY_PREFIX):
            self.refresh(collection)
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
        if name in self._sources or name in self._synced or self._files(name)[1].exists():
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
