"""VectorMemory: search results, persistence, add/remove, HNSW tombstones, validation, file names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from errors import InputError
from vector_memory import NgramEmbeddings, VectorMemory
from vector_memory.samples import demo_products

ITEMS = [{"key": f"SKU{i:03d}", "text": name, "meta": {"n": i}} for i, name in enumerate(demo_products())]


@pytest.fixture
def memory(tmp_path: Path) -> VectorMemory:
    store = VectorMemory(tmp_path / "vectors")
    store.upsert("products", ITEMS)
    return store


def keys(hits: list[Any]) -> list[str]:
    return [hit["key"] for hit in hits]


def test_suggest_returns_scored_candidates_best_first(memory: VectorMemory) -> None:
    hits = memory.suggest("products", "monitr 27 pulgadas", k=3)
    assert hits[0]["text"] == "Monitor 27 pulgadas"
    assert len(hits) == 3 and set(hits[0]) == {"key", "text", "score", "meta"}
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True) and all(isinstance(s, float) for s in scores)
    assert hits[0]["meta"] == {"n": 5}


def test_min_score_filters_noise_but_search_still_ranks(memory: VectorMemory) -> None:
    assert memory.suggest("products", "xqzvw") == []
    assert len(memory.search("products", "xqzvw", k=4)) == 4
    assert memory.suggest("products", "grapadora", min_score=0.99)[0]["text"] == "Grapadora"
    assert memory.suggest("products", "teclado", k=5, min_score=0.999) == []


def test_returned_meta_is_a_copy(memory: VectorMemory) -> None:
    memory.suggest("products", "grapadora")[0]["meta"]["n"] = -1
    assert memory.suggest("products", "grapadora")[0]["meta"]["n"] != -1


def test_persistence_round_trip(memory: VectorMemory, tmp_path: Path) -> None:
    memory.remove("products", ["SKU010"])
    memory.sync("customers", [{"key": "1", "text": "Umbrella Corp"}], version="v7")
    queries = ["tecaldo mecanico", "impresora", "silla", "Webcam HD"]
    before = [memory.search("products", q, k=5) for q in queries]
    reopened = VectorMemory(tmp_path / "vectors")
    assert [reopened.search("products", q, k=5) for q in queries] == before
    assert reopened.count("products") == len(ITEMS) - 1
    assert reopened.version("customers") == "v7"
    assert reopened.suggest("customers", "umbrela corp")[0]["key"] == "1"
    assert reopened.collections() == ["customers", "products"]


def test_upsert_updates_meta_renames_and_remove_forgets(memory: VectorMemory) -> None:
    assert memory.upsert("products", [{"key": "SKU014", "text": "Grapadora", "meta": {"n": 99}}]) == 0
    assert memory.suggest("products", "grapadora")[0]["meta"] == {"n": 99}
    assert memory.upsert("products", [{"key": "SKU014", "text": "Destructora de oficina"}]) == 1
    assert "SKU014" not in keys(memory.suggest("products", "grapadora", k=5))
    assert memory.suggest("products", "destructora de ofizina")[0]["key"] == "SKU014"
    assert memory.remove("products", ["SKU014", "nope"]) == 1
    assert "SKU014" not in keys(memory.search("products", "destructora de oficina", k=10))
    assert memory.count("products") == len(ITEMS) - 1


def test_max_items_drops_the_least_recently_written(tmp_path: Path) -> None:
    store = VectorMemory(tmp_path)
    for n in range(4):
        store.upsert("memory:s", [{"key": f"k{n}", "text": f"dato {n}"}], max_items=3)
    assert store.keys("memory:s") == ["k1", "k2", "k3"]
    store.upsert("memory:s", [{"key": "k1", "text": "dato 1"}], max_items=3)  # rewritten: now the newest
    store.upsert("memory:s", [{"key": "k4", "text": "dato 4"}], max_items=3)
    assert VectorMemory(tmp_path).keys("memory:s") == ["k3", "k1", "k4"]


def test_replace_rebuilds_from_scratch(memory: VectorMemory) -> None:
    assert memory.replace("products", [{"key": "A", "text": "Mesa plegable"}], version="2") == 1
    assert keys(memory.search("products", "teclado", k=5)) == ["A"]
    assert memory.version("products") == "2"


def test_hnsw_index_with_tombstones_compaction_and_reload(tmp_path: Path) -> None:
    store = VectorMemory(tmp_path, hnsw_threshold=100)
    store.upsert("big", ITEMS[:90])
    assert store.index_kind("big") == "flat"
    store.upsert("big", ITEMS[90:])  # crossing the threshold converts the index
    assert store.index_kind("big") == "hnsw"
    assert store.suggest("big", "tecaldo mecanico")[0]["text"] == "Teclado mecánico"
    store.remove("big", ["SKU000"])  # "Teclado mecánico": hidden by a tombstone
    assert "SKU000" not in keys(store.search("big", "teclado mecanico", k=20))
    reopened = VectorMemory(tmp_path, hnsw_threshold=100)
    assert "SKU000" not in keys(reopened.search("big", "teclado mecanico", k=20))
    reopened.remove("big", [item["key"] for item in ITEMS[1:80]])  # past 25 % dead: compacted
    assert reopened.count("big") == len(ITEMS) - 80
    assert reopened.suggest("big", ITEMS[200]["text"].lower())[0]["key"] == "SKU200"
    assert reopened.index_kind("big") == "hnsw"
    (sidecar,) = (tmp_path / "collections").glob("*.json")
    assert json.loads(sidecar.read_text(encoding="utf-8"))["dead"] == []


def test_other_embeddings_rebuild_the_index(memory: VectorMemory, tmp_path: Path) -> None:
    other = VectorMemory(tmp_path / "vectors", NgramEmbeddings(dim=128))
    assert other.suggest("products", "umbrela corp") == []
    assert other.suggest("products", "tecaldo mecanico")[0]["text"] == "Teclado mecánico"


def test_broken_files_are_rebuilt_or_ignored(memory: VectorMemory, tmp_path: Path) -> None:
    folder = tmp_path / "vectors" / "collections"
    for index_file in folder.glob("*.faiss"):
        index_file.write_bytes(b"not a faiss index")
    assert VectorMemory(tmp_path / "vectors").suggest("products", "grapadora")[0]["text"] == "Grapadora"
    for sidecar in folder.glob("*.json"):
        sidecar.write_text("{broken", encoding="utf-8")
    assert VectorMemory(tmp_path / "vectors").count("products") == 0


class FlakyEmbeddings(NgramEmbeddings):
    """N-gram embeddings that fail while `down` is set, like an embeddings server that went away."""

    down = False

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Fail while down, else embed as usual."""
        if self.down:
            raise ConnectionError("embeddings server unreachable")
        return super().embed_array(texts)


def test_a_failed_embedding_changes_nothing(tmp_path: Path) -> None:
    embeddings = FlakyEmbeddings()
    store = VectorMemory(tmp_path, embeddings)
    store.upsert("c", [{"key": "a", "text": "Grapadora"}])
    embeddings.down = True
    with pytest.raises(ConnectionError):
        store.upsert("c", [{"key": "a", "text": "Webcam HD"}, {"key": "b", "text": "Teclado mecánico"}])
    with pytest.raises(ConnectionError):
        store.replace("c", [{"key": "z", "text": "Silla ergonómica"}])
    other = FlakyEmbeddings(dim=128)
    other.down = True
    reopened = VectorMemory(tmp_path, other)
    with pytest.raises(ConnectionError):
        reopened.count("c")  # a foreign index must be re-embedded on load
    other.down = embeddings.down = False
    assert reopened.suggest("c", "grapadora")[0]["text"] == "Grapadora"  # the load is retried
    assert store.keys("c") == ["a"] and store.suggest("c", "grapadora")[0]["text"] == "Grapadora"
    assert store.upsert("c", [{"key": "b", "text": "Teclado mecánico"}]) == 1
    assert store.suggest("c", "tecaldo mecanico")[0]["key"] == "b"


def test_drop_deletes_files(memory: VectorMemory, tmp_path: Path) -> None:
    assert memory.drop("products") is True
    assert not list((tmp_path / "vectors" / "collections").iterdir())
    assert memory.search("products", "grapadora") == [] and not memory.has_collection("products")


def test_evicted_collections_reload_from_disk(tmp_path: Path) -> None:
    store = VectorMemory(tmp_path, max_loaded=2)
    for n in range(6):
        store.upsert(f"memory:s{n}", [{"key": "k", "text": f"el cliente {n} prefiere factura"}])
    assert all(store.count(f"memory:s{n}") == 1 for n in range(6))
    assert store.collections() == []  # session memories are private, not listed


@pytest.mark.parametrize("name", ["../../etc", "/etc/passwd", "memory:../../../x", "..", "a/b\\c", "C:\\x", "~"])
def test_collection_names_never_become_paths(tmp_path: Path, name: str) -> None:
    root = tmp_path / "data"
    store = VectorMemory(root)
    store.upsert(name, [{"key": "k", "text": "secreto"}])
    assert store.search(name, "secreto")[0]["key"] == "k"
    created = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert created and all(p.resolve().is_relative_to(root.resolve()) for p in created)
    assert {p.parent.name for p in created} <= {"collections", "memory"}
    assert not (tmp_path / "etc").exists() and not (tmp_path.parent / "etc").exists()


@pytest.mark.parametrize("name", ["", "x" * 201, "a\x00b", "line\nbreak", 42])
def test_bad_collection_names_are_refused(tmp_path: Path, name: Any) -> None:
    with pytest.raises(InputError):
        VectorMemory(tmp_path).upsert(name, [{"key": "k", "text": "t"}])
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "item",
    [
        {"text": "no key"},
        {"key": "", "text": "empty key"},
        {"key": "k", "text": None},
        {"key": "k", "text": "x" * 9000},
        {"key": "k", "text": "t", "meta": {"bad": object()}},
        {"key": "k", "text": "t", "meta": {"nan": float("nan")}},
        {"key": "k", "text": "t", "meta": ["not", "a", "dict"]},
        "not a dict",
    ],
)
def test_bad_items_are_refused(tmp_path: Path, item: Any) -> None:
    with pytest.raises(InputError):
        VectorMemory(tmp_path).upsert("c", [item])


@pytest.mark.parametrize("kwargs", [{"k": 0}, {"k": 101}, {"k": True}, {"min_score": 2.0}, {"text": "x" * 9000}])
def test_bad_queries_are_refused(memory: VectorMemory, kwargs: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        memory.search("products", **{"text": "teclado", **kwargs})


def test_hostile_text_is_stored_safely(tmp_path: Path) -> None:
    store = VectorMemory(tmp_path)
    store.upsert("c", [{"key": "k\ud800", "text": "'); DROP TABLE x; --\ud800", "meta": {"price": 1}}])
    assert VectorMemory(tmp_path).search("c", "drop table")[0]["text"] == "'); DROP TABLE x; --?"
