"""One named collection: entries (id → key, text, meta), its FAISS index, and its files on disk."""

from __future__ import annotations

import copy
import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from vector_memory.index import VectorIndex

FORMAT = 1
_log = logging.getLogger(__name__)
Embed = Callable[[list[str]], np.ndarray]


@dataclass
class Entry:
    """What one stable id stands for."""

    key: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


def synced_temp(path: Path, data: bytes, suffix: str = "") -> Path:
    """`data` in a new temp file beside `path`, fsynced: ready to be renamed or linked into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to a temp file beside `path`, fsync it, then rename over `path` (no torn files)."""
    tmp = synced_temp(path, data, path.suffix)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class Collection:
    """Entries plus index of one collection; callers hold `lock` around every method."""

    def __init__(self, name: str, files: tuple[Path, Path] | None, space: str, hnsw_threshold: int) -> None:
        self.name = name
        # No files: the collection lives in memory only, synced from its source (SQL) and its snapshots.
        self.files = files
        self.index_path, self.sidecar_path = files or (Path(), Path())
        self.space = space
        self.hnsw_threshold = hnsw_threshold
        self.lock = threading.RLock()
        self.loaded = False
        self.entries: dict[int, Entry] = {}
        self.by_key: dict[str, int] = {}
        self.version: str | None = None
        self.next_id = 1
        self.index: VectorIndex | None = None

    @property
    def exists(self) -> bool:
        """True once the collection has been written to disk."""
        return self.files is not None and self.sidecar_path.exists()

    def load(self, embed: Embed) -> None:
        """Read the files once; a failure (e.g. embeddings server down) leaves it unloaded, to retry later."""
        if self.loaded or self.files is None:
            self.loaded = True
            return
        try:
            self._load(embed)
        except BaseException:
            self.entries.clear()
            self.by_key.clear()
            self.version, self.next_id, self.index = None, 1, None
            raise
        self.loaded = True

    def _load(self, embed: Embed) -> None:
        """Read sidecar and index; re-embed the stored texts when the index is missing, stale or foreign."""
        if not self.sidecar_path.exists():
            return
        try:
            state = json.loads(self.sidecar_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            _log.warning("vector collection %r: unreadable sidecar, starting empty", self.name)
            return
        if not isinstance(state, dict) or state.get("format") != FORMAT or state.get("collection") != self.name:
            return  # another layout (or a hash collision): start empty rather than mix collections
        self.version = state.get("version")
        self.next_id = int(state["next_id"])
        for ident, key, text, meta in state["entries"]:
            self.entries[int(ident)] = Entry(key, text, meta)
            self.by_key[key] = int(ident)
        dead = {int(i) for i in state.get("dead", [])}
        index = self._read_index(dead) if state.get("space") == self.space else None
        if index is not None:
            stored = set(index.ids().tolist())
            if stored - dead == set(self.entries) and dead <= stored:
                self.index = index
                return
        self.rebuild(embed)
        self.save()

    def _read_index(self, dead: set[int]) -> VectorIndex | None:
        """The saved index, or None when it is missing or unreadable (it is rebuilt from the sidecar)."""
        try:
            return VectorIndex.from_bytes(self.index_path.read_bytes(), self.hnsw_threshold, dead)
        except (OSError, RuntimeError, ValueError):
            return None

    def save(self) -> None:
        """Persist index then sidecar, each atomically; the sidecar (texts) is the source of truth."""
        if self.files is None:
            return
        self.sidecar_path.parent.mkdir(parents=True, exist_ok=True)
        if self.index is not None:
            atomic_write(self.index_path, self.index.to_bytes())
        else:
            self.index_path.unlink(missing_ok=True)
        state = {
            "format": FORMAT,
            "collection": self.name,
            "space": self.space,
            "version": self.version,
            "next_id": self.next_id,
            "dead": sorted(self.index.dead) if self.index else [],
            "entries": [[i, e.key, e.text, e.meta] for i, e in self.entries.items()],
        }
        atomic_write(self.sidecar_path, json.dumps(state, ensure_ascii=False).encode("utf-8"))

    def rebuild(self, embed: Embed) -> None:
        """Re-embed every entry into a fresh index (also used after the embeddings changed)."""
        ids = np.fromiter(self.entries, dtype=np.int64, count=len(self.entries))
        vectors = embed([e.text for e in self.entries.values()]) if len(ids) else None
        self._fresh_index(ids, vectors)

    def _fresh_index(self, ids: np.ndarray, vectors: np.ndarray | None) -> None:
        """A new index holding exactly `vectors` under `ids` (None when there are none)."""
        if vectors is None or not len(ids):
            self.index = None
            return
        self.index = VectorIndex(vectors.shape[1], self.hnsw_threshold)
        self.index.rebuild(ids, vectors)

    def replace(self, items: list[Entry], embed: Embed) -> None:
        """Drop everything and index `items` under fresh ids (ids are never reused)."""
        unique = list({item.key: item for item in items}.values())  # a key given twice: the last wins
        vectors = embed([item.text for item in unique]) if unique else None  # may fail: nothing changed yet
        self.entries.clear()
        self.by_key.clear()
        self._fresh_index(np.array([self._assign(item) for item in unique], dtype=np.int64), vectors)

    def _assign(self, item: Entry) -> int:
        """Give `item` the next id."""
        ident = self.next_id
        self.next_id += 1
        self.entries[ident] = item
        self.by_key[item.key] = ident
        return ident

    def upsert(self, items: list[Entry], embed: Embed) -> int:
        """Add new keys, re-embed changed texts, update metadata in place; returns vectors added."""
        unique = list({item.key: item for item in items}.values())  # a key given twice: the last wins
        changed = [
            item
            for item in unique
            if item.key not in self.by_key or self.entries[self.by_key[item.key]].text != item.text
        ]
        vectors = embed([item.text for item in changed]) if changed else None  # may fail: nothing changed yet
        stale, fresh = [], []
        for item in unique:
            old = self.by_key.get(item.key)
            if old is not None and self.entries[old].text == item.text:
                self.entries[old] = self.entries.pop(old)  # most recently written last (see `keys`)
                self.entries[old].meta = item.meta  # same text, same vector: no re-embedding
                continue
            if old is not None:
                stale.append(old)
                del self.entries[old]
            fresh.append(self._assign(item))
        if stale and self.index is not None:
            self.index.remove(stale)
        if vectors is None:
            return 0
        if self.index is None and len(self.entries) == len(fresh):
            self._fresh_index(np.array(fresh, dtype=np.int64), vectors)
        elif self.index is None or self.index.dim != vectors.shape[1]:
            self.rebuild(embed)
        else:
            self.index.add(np.array(fresh, dtype=np.int64), vectors)
        return len(fresh)

    def remove(self, keys: list[str]) -> int:
        """Remove entries by key; unknown keys are ignored. Returns how many were removed."""
        gone = [self.by_key.pop(key) for key in dict.fromkeys(keys) if key in self.by_key]
        for ident in gone:
            del self.entries[ident]
        if gone and self.index is not None:
            self.index.remove(gone)
        if not self.entries:
            self.index = None
        return len(gone)

    def search(self, query: np.ndarray, k: int, min_score: float | None) -> list[dict[str, Any]]:
        """The best `k` entries for a (1, dim) unit query, as hit dicts, best first."""
        if self.index is None or query.shape[1] != self.index.dim:
            return []
        hits = []
        for ident, score in self.index.search(query, k):
            entry = self.entries.get(ident)
            if entry is None or (min_score is not None and score < min_score):
                continue
            score = round(min(max(score, -1.0), 1.0), 4)
            meta = copy.deepcopy(entry.meta)  # callers must not edit the stored entry
            hits.append({"key": entry.key, "text": entry.text, "score": score, "meta": meta})
        return hits
