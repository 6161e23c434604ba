"""Vector memory benchmark: 100k product names — build time and memory, latency, recall@3, typo quality."""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import faiss
import numpy as np

if __package__ in (None, ""):  # `python bench/bench_vector.py` as well as `python -m bench.bench_vector`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import machine
from vector_memory import NgramEmbeddings, VectorMemory, embed_query, embed_texts
from vector_memory.samples import catalog_names, demo_products, typos

CATALOG_SIZE = 100_000
QUERIES = 1_000
FLAT_QUERIES = 200
TYPO_QUERIES = 500


def _rss_mib() -> float:
    """Resident memory of this process in MiB (Linux /proc; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _percentiles(seconds: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    p50, p99 = np.percentile(np.array(seconds) * 1000, [50, 99])
    return float(p50), float(p99)


def _recall_at_3(exact_scores: np.ndarray, found: list[list[int]]) -> float:
    """Share of returned ids whose exact score reaches the exact 3rd-best (ties count as correct)."""
    good = 0
    for row, ids in zip(exact_scores, found, strict=True):
        third = np.partition(row, -3)[-3]
        good += sum(1 for i in ids[:3] if row[i] >= third - 1e-5)
    return good / (3 * len(found))


def _typo_top1(memory: VectorMemory, collection: str, pairs: list[tuple[str, str]]) -> float:
    """How often the intended name comes first for a typed typo."""
    hits = sum(1 for typed, name in pairs if (memory.search(collection, typed, k=1) or [{}])[0].get("text") == name)
    return hits / len(pairs)


def _seeded_demo_names() -> list[str]:
    """Active product names of the demo data the app seeds (tools/catalog/demo_data.py), if present."""
    try:
        from tools.catalog.demo_data import demo_products as seeded_products
    except ImportError:
        return []
    return [product["name"] for product in seeded_products() if product["active"]]


def main() -> dict:
    """Run the benchmark, print a table and return the figures."""
    rng = random.Random(1)
    embeddings = NgramEmbeddings()
    names = catalog_names(CATALOG_SIZE)
    items = [{"key": f"SKU{i:06d}", "text": name} for i, name in enumerate(names)]
    results: dict = {"machine": f"{machine()['cpu_model']}, {os.cpu_count()} cores", "catalog": len(names)}
    results["load_before"] = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        memory = VectorMemory(Path(folder), embeddings)
        started = time.perf_counter()
        matrix = embed_texts(embeddings, names)
        results["embed_100k_s"] = time.perf_counter() - started

        rss_before = _rss_mib()
        tracemalloc.start()
        started, cpu = time.perf_counter(), time.process_time()
        memory.replace("products", items, version="bench")
        results["build_s"] = time.perf_counter() - started
        results["build_cpu_s"] = time.process_time() - cpu
        results["build_python_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        results["build_rss_delta_mib"] = _rss_mib() - rss_before
        results["index_kind"] = memory.index_kind("products")
        results["files_mib"] = sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file()) / 2**20
        started = time.perf_counter()
        VectorMemory(Path(folder), embeddings).count("products")  # lazy load of index + sidecar
        results["reload_s"] = time.perf_counter() - started

        queries = [t for t, _ in typos(names, QUERIES // 2, seed=3)] + rng.sample(names, QUERIES // 2)
        timings, found = [], []
        for query in queries:
            started = time.perf_counter()
            hits = memory.suggest("products", query, k=3, min_score=-1.0)
            timings.append(time.perf_counter() - started)
            found.append([int(h["key"][3:]) for h in hits])
        results["suggest_p50_ms"], results["suggest_p99_ms"] = _percentiles(timings)
        exact = embed_texts(embeddings, queries) @ matrix.T  # brute force over the same embeddings
        results["recall_at_3"] = _recall_at_3(exact, found)

        query_timings = []
        for query in queries:
            started = time.perf_counter()
            embed_query(embeddings, query)
            query_timings.append(time.perf_counter() - started)
        results["embed_query_p50_ms"] = _percentiles(query_timings)[0]

        flat = faiss.IndexFlatIP(matrix.shape[1])
        flat.add(matrix)
        flat_timings = []
        for query in queries[:FLAT_QUERIES]:
            vector = embed_query(embeddings, query)
            started = time.perf_counter()
            flat.search(vector, 3)
            flat_timings.append(time.perf_counter() - started)
        results["flat_search_p50_ms"], results["flat_search_p99_ms"] = _percentiles(flat_timings)
        results["typo_top1_in_100k"] = _typo_top1(memory, "products", typos(names, TYPO_QUERIES, seed=4))

        results["typo_queries"] = TYPO_QUERIES
        for label, catalog in (("seeded", _seeded_demo_names()), ("sample", demo_products())):
            if catalog:
                memory.replace(label, [{"key": str(i), "text": name} for i, name in enumerate(catalog)])
                results[f"typo_top1_{label}"] = _typo_top1(memory, label, typos(catalog, TYPO_QUERIES, seed=9))
                results[f"{label}_catalog_size"] = len(catalog)
    results["load_after"] = os.getloadavg()[0]
    _print(results)
    return results


def _print(results: dict) -> None:
    """The figures as a Markdown table."""
    rows = [
        ("machine", results["machine"], f"load average {results['load_before']:.1f} → {results['load_after']:.1f}"),
        ("catalog size", f"{results['catalog']:,}", ""),
        ("embed 100k names (n-grams)", f"{results['embed_100k_s']:.2f} s", ""),
        (
            "build collection (embed + index + save)",
            f"{results['build_s']:.1f} s wall, {results['build_cpu_s']:.1f} s CPU",
            f"index: {results['index_kind']}",
        ),
        (
            "memory: RSS delta / Python peak",
            f"{results['build_rss_delta_mib']:.0f} / {results['build_python_peak_mib']:.0f} MiB",
            f"files {results['files_mib']:.0f} MiB",
        ),
        ("cold load from disk", f"{results['reload_s']:.2f} s", ""),
        (
            "suggest p50 / p99 (end to end)",
            f"{results['suggest_p50_ms']:.2f} / {results['suggest_p99_ms']:.2f} ms",
            "target p50 ≤ 2 ms",
        ),
        ("of which: embedding the query, p50", f"{results['embed_query_p50_ms']:.2f} ms", ""),
        (
            "exact flat search p50 / p99 (for comparison)",
            f"{results['flat_search_p50_ms']:.2f} / {results['flat_search_p99_ms']:.2f} ms",
            "",
        ),
        ("recall@3 vs brute-force numpy", f"{results['recall_at_3']:.4f}", "target ≥ 0.95"),
        *(
            (
                f"typo top-1, {results['typo_queries']} typos, {label} demo catalog "
                f"({results[f'{label}_catalog_size']} names)",
                f"{results[f'typo_top1_{label}']:.1%}",
                "target ≥ 95 %",
            )
            for label in ("seeded", "sample")
            if f"typo_top1_{label}" in results
        ),
        (f"typo top-1, {results['typo_queries']} typos, in the 100k", f"{results['typo_top1_in_100k']:.1%}", ""),
    ]
    print("| measure | value | note |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
