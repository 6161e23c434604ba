"""Vector memories shared by several processes: SQL facts as the source of truth, write-once snapshots."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from vector_memory import NgramEmbeddings, VectorMemory
from vector_memory.facts import SessionFacts


class CountingEmbeddings(NgramEmbeddings):
    """The offline embeddings, counting the texts they embed (to see which process built an index)."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed `texts`, counting them."""
        self.embedded += len(texts)
        return super().embed_documents(texts)


@pytest.fixture
def two(sql_url: str, tmp_path: Path) -> Iterator[tuple[VectorMemory, VectorMemory]]:
    """Two vector memories on one folder and one database, as two processes of one deployment have."""
    facts = [SessionFacts.from_url(sql_url), SessionFacts.from_url(sql_url)]
    yield tuple(VectorMemory(tmp_path / "vectors", CountingEmbeddings(), facts=f) for f in facts)  # type: ignore[misc]
    for store in facts:
        store.close()


def test_a_fact_remembered_by_one_process_is_recalled_by_the_other(two: tuple[VectorMemory, VectorMemory]) -> None:
    first, second = two
    assert second.search("memory:s1", "entregas", k=3) == []  # loaded (empty) before the other one writes
    first.upsert("memory:s1", [{"key": "entrega", "text": "Entregas por la mañana"}], max_items=5)
    assert [h["text"] for h in second.search("memory:s1", "entregas mañana", k=3)] == ["Entregas por la mañana"]
    second.upsert("memory:s1", [{"key": "entrega", "text": "Entregas por la tarde"}], max_items=5)
    assert [h["text"] for h in first.search("memory:s1", "entregas", k=3)] == ["Entregas por la tarde"]
    for n in range(6):
        (first, second)[n % 2].upsert("memory:s1", [{"key": f"k{n}", "text": f"dato número {n}"}], max_items=5)
    assert first.keys("memory:s1") == second.keys("memory:s1") == ["k1", "k2", "k3", "k4", "k5"]
    assert second.search("memory:s2", "dato", k=3) == []  # sessions never cross


def test_memories_write_no_files_and_a_synced_version_is_written_once(
    two: tuple[VectorMemory, VectorMemory], tmp_path: Path
) -> None:
    first, second = two
    first.upsert("memory:s1", [{"key": "a", "text": "Factura a nombre de Globex"}])
    items = [{"key": f"P{i}", "text": f"producto de prueba {i}"} for i in range(30)]
    assert first.sync("products", items, version="v1") is True
    snapshots = sorted((tmp_path / "vectors").rglob("*.snap"))
    assert len(snapshots) == 1
    written = snapshots[0].stat().st_ino, snapshots[0].stat().st_mtime_ns
    assert second.sync("products", items, version="v1") is False  # already current: read from the snapshot
    assert second.embeddings.embedded == 0  # type: ignore[attr-defined]
    assert (snapshots[0].stat().st_ino, snapshots[0].stat().st_mtime_ns) == written
    query = second.search("products", "producto de prueba 7", k=1)
    assert query[0]["key"] == "P7"
    assert second.sync("products", items[:10], version="v2") is True
    assert first.sync("products", items[:10], version="v2") is True
    assert first.count("products") == second.count("products") == 10
    files = {p.suffix for p in (tmp_path / "vectors").rglob("*") if p.is_file()}
    assert files <= {".snap", ".name"}, files  # no rewritable index or sidecar, no memory file
    assert len(list((tmp_path / "vectors").rglob("*.snap"))) == 1  # the v1 snapshot is gone


def test_a_torn_snapshot_is_ignored_and_rebuilt_in_memory(tmp_path: Path) -> None:
    items = [{"key": str(i), "text": f"texto {i}"} for i in range(5)]
    VectorMemory(tmp_path).sync("c", items, version="v1")
    (snapshot,) = tmp_path.rglob("*.snap")
    snapshot.write_bytes(snapshot.read_bytes()[:40])
    fresh = VectorMemory(tmp_path)
    assert fresh.count("c") == 0 and fresh.sync("c", items, version="v1") is True
    hits = fresh.search("c", "texto 3", k=1)
    assert hits[0]["key"] == "3" and np.isfinite(hits[0]["score"])
