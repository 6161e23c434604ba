"""The FAISS side of one collection: exact flat index when small, HNSW with tombstones when large."""

from __future__ import annotations

import faiss
import numpy as np

FLAT, HNSW = "flat", "hnsw"
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 64
# Past this share of deleted vectors, an HNSW index is rebuilt from its live vectors.
COMPACT_RATIO = 0.25


class VectorIndex:
    """Vectors under stable int64 ids; inner-product search over unit vectors (cosine similarity).

    Below `hnsw_threshold` vectors the index is `IndexIDMap(IndexFlatIP)`: exact, supports removal.
    At or above it, `IndexIDMap2(IndexHNSWFlat)`: exact flat search over 100k × 256 floats measured
    ~9 ms per query on the 2-core benchmark machine, far over the 2 ms target, while HNSW answers in
    ~0.25 ms with recall@3 ≈ 0.99. HNSW cannot delete, so removed ids become tombstones that an
    `IDSelector` hides from searches, and the graph is rebuilt once they pass `COMPACT_RATIO`.
    """

    def __init__(self, dim: int, hnsw_threshold: int, index: faiss.Index | None = None,
                 dead: set[int] | None = None) -> None:  # fmt: skip
        self.dim = dim
        self.hnsw_threshold = hnsw_threshold
        self.dead: set[int] = set(dead or ())
        self._selector: tuple[faiss.IDSelector, ...] | None = None
        self.index = index if index is not None else self._empty(FLAT)

    @property
    def kind(self) -> str:
        """ "flat" or "hnsw"."""
        return HNSW if isinstance(self.index, faiss.IndexIDMap2) else FLAT

    @property
    def live_count(self) -> int:
        """Vectors that searches can return."""
        return self.index.ntotal - len(self.dead)

    def ids(self) -> np.ndarray:
        """Every id stored in the index, tombstones included."""
        return faiss.vector_to_array(self.index.id_map).astype(np.int64)

    def _empty(self, kind: str) -> faiss.Index:
        """A new empty index of `kind`."""
        if kind == HNSW:
            inner = faiss.IndexHNSWFlat(self.dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            inner.hnsw.efSearch = HNSW_EF_SEARCH
            return faiss.IndexIDMap2(inner)
        return faiss.IndexIDMap(faiss.IndexFlatIP(self.dim))

    def rebuild(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Replace everything by `vectors` under `ids`; the kind follows the count."""
        kind = HNSW if len(ids) >= self.hnsw_threshold else FLAT
        self.index = self._empty(kind)
        self.dead.clear()
        self._selector = None
        if len(ids):
            self.index.add_with_ids(vectors, ids)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add vectors; a flat index growing past the threshold becomes HNSW."""
        if not len(ids):
            return
        if self.kind == FLAT and self.index.ntotal + len(ids) >= self.hnsw_threshold:
            live_ids, live_vectors = self._live()
            self.rebuild(np.concatenate([live_ids, ids]), np.vstack([live_vectors, vectors]))
            return
        self.index.add_with_ids(vectors, ids)

    def remove(self, ids: list[int]) -> None:
        """Remove ids: really from a flat index, as tombstones from HNSW (compacted when many)."""
        if not ids:
            return
        if self.kind == FLAT:
            self.index.remove_ids(np.asarray(ids, dtype=np.int64))
            return
        self.dead.update(ids)
        self._selector = None
        if len(self.dead) > COMPACT_RATIO * self.index.ntotal:
            self.rebuild(*self._live())

    def _live(self) -> tuple[np.ndarray, np.ndarray]:
        """Ids and vectors not tombstoned, reconstructed from the index's own storage."""
        ids = self.ids()
        if not len(ids):
            return ids, np.zeros((0, self.dim), dtype=np.float32)
        inner = faiss.downcast_index(self.index.index)
        storage = inner.storage if self.kind == HNSW else inner
        vectors = storage.reconstruct_n(0, inner.ntotal)
        keep = ~np.isin(ids, np.fromiter(self.dead, dtype=np.int64, count=len(self.dead)))
        return ids[keep], np.ascontiguousarray(vectors[keep])

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The `k` nearest live ids to a (1, dim) query, with their scores, best first."""
        k = min(k, self.live_count)
        if k <= 0:
            return []
        if self.kind == HNSW:
            params = faiss.SearchParametersHNSW(efSearch=max(HNSW_EF_SEARCH, 2 * k))
            if self.dead:
                params.sel = self._dead_selector()
            scores, ids = self.index.search(query, k, params=params)
        else:
            scores, ids = self.index.search(query, k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def _dead_selector(self) -> faiss.IDSelector:
        """A selector excluding tombstones; cached, and its parts kept referenced for SWIG."""
        if self._selector is None:
            batch = faiss.IDSelectorBatch(np.fromiter(self.dead, dtype=np.int64, count=len(self.dead)))
            self._selector = (faiss.IDSelectorNot(batch), batch)
        return self._selector[0]

    def to_bytes(self) -> bytes:
        """The index serialised by FAISS."""
        return faiss.serialize_index(self.index).tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, hnsw_threshold: int, dead: set[int]) -> VectorIndex:
        """An index read back from `to_bytes` output."""
        index = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
        if isinstance(index, faiss.IndexIDMap2):
            faiss.downcast_index(index.index).hnsw.efSearch = HNSW_EF_SEARCH
        return cls(index.d, hnsw_threshold, index=index, dead=dead)
