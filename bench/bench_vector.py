"""Vector memory benchmark: 100k product names — build time and memory, HNSW vs exact flat search, quality.

Queries are what people type: exact names, and realistic typos (edited digits and units, short words,
transpositions, missing accents, one-word queries). Quality is reported separately for exact and typo'd queries.
"""

from __future__ import annotations

import itertools
import random
import re
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import faiss
import numpy as np

if __package__ in (None, ""):  # `python bench/bench_vector.py` as well as `python -m bench.bench_vector`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import measure, print_table, ratio, scaled, summary
from tools.catalog.demo_data import demo_products as seeded_products
from vector_memory import NgramEmbeddings, VectorMemory, embed_query, embed_texts
from vector_memory.samples import catalog_names, demo_products

CATALOG_SIZE = 100_000
QUERIES = 1_000  # half exact names, half typos; the same queries for HNSW and the flat index
SMALL_QUERIES = 500
KINDS = ("digits", "short word", "transposition", "accents", "one word")
_DIGIT_KEYS = {"0": "9", "1": "2", "2": "13", "3": "24", "4": "35", "5": "46", "6": "57", "7": "68", "8": "79",
               "9": "8"}  # fmt: skip
_WORD = re.compile(r"\S+")


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _digits(name: str, rng: random.Random, catalog: set[str]) -> str | None:
    """«Cable USB-C 2m» → «cable usb c 3m» or «2 m»: a unit joined or split, hyphens dropped, or one digit changed
    (only when no other catalog name has the changed digits, so the intended product stays the right answer)."""
    spots = list(re.finditer(r"\d+", name))
    if not spots:
        return None
    spot = rng.choice(spots)
    end = spot.end()
    choice = rng.random()
    if choice < 0.35 and end < len(name) and name[end] == " ":
        typed = name[:end] + name[end + 1 :]  # «2 m» → «2m»
    elif choice < 0.6 and end < len(name) and name[end].isalpha():
        typed = name[:end] + " " + name[end:]  # «76x76» → «76 x76», «2m» → «2 m»
    else:
        i = rng.randrange(spot.start(), end)
        typed = name[:i] + rng.choice(_DIGIT_KEYS[name[i]]) + name[i + 1 :]
        if typed.lower() in catalog:
            return None
    return typed.replace("-", " ").lower()


def _short_word(name: str, rng: random.Random) -> str | None:
    """A word of at most three letters dropped, or one of its letters hit on the key next to it."""
    words = _WORD.findall(name)
    short = [i for i, word in enumerate(words) if word.isalpha() and len(word) <= 3]
    if not short or len(words) < 2:
        return None
    i = rng.choice(short)
    if rng.random() < 0.5:
        del words[i]
    else:
        j = rng.randrange(len(words[i]))
        words[i] = words[i][:j] + rng.choice("aeiousnrl".replace(words[i][j].lower(), "")) + words[i][j + 1 :]
    return " ".join(words)


def _transposition(name: str, rng: random.Random) -> str | None:
    """Two neighbouring letters of a word of four letters or more swapped."""
    spots = [m.start() + j for m in re.finditer(r"[^\W\d_]{4,}", name) for j in range(len(m.group()) - 1)]
    spots = [i for i in spots if name[i].lower() != name[i + 1].lower()]
    if not spots:
        return None
    i = rng.choice(spots)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def _one_word(name: str, counts: Counter[str]) -> str | None:
    """The name's rarest word, when no other catalog name has it (so one word still means one product)."""
    words = [w for w in _WORD.findall(name.lower()) if len(w) >= 4 and counts[w] == 1]
    return words[0] if words else None


def _typed(kind: str, name: str, rng: random.Random, catalog: set[str], counts: Counter[str]) -> str | None:
    if kind == "digits":
        return _digits(name, rng, catalog)
    if kind == "short word":
        return _short_word(name, rng)
    if kind == "transposition":
        return _transposition(name, rng)
    if kind == "accents":
        plain = _strip_accents(name)
        return plain.lower() if plain != name else None
    return _one_word(name, counts)


def realistic_typos(names: list[str], count: int, seed: int = 5) -> list[tuple[str, str, str]]:
    """`count` (typed, intended name, kind) triples, the kinds of KINDS in turn (a kind no name allows is left
    out), half of them lower-cased."""
    rng, catalog = random.Random(seed), {name.lower() for name in names}
    counts = Counter(w for name in names for w in set(_WORD.findall(name.lower())))
    found: list[tuple[str, str, str]] = []
    live = list(KINDS)
    while len(found) < count and live:
        kind = live[len(found) % len(live)]
        for _ in range(200):
            name = rng.choice(names)
            typed = _typed(kind, name, rng, catalog, counts)
            if typed and typed.lower() != name.lower():
                found.append((typed.lower() if rng.random() < 0.5 else typed, name, kind))
                break
        else:
            live.remove(kind)
    return found


def _rss_mib() -> float:
    """Resident memory of this process in MiB (Linux /proc; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


_Truth = tuple[faiss.IndexFlatIP, np.ndarray, NgramEmbeddings]


def _quality(
    memory: VectorMemory, collection: str, pairs: list[tuple[str, str]], truth: _Truth | None = None
) -> dict[str, Any]:
    """Top-1 (the intended name first), in-top-3, and (with the exact `truth` index) recall@3 of the 3 ids found
    against the exact 3 best by brute force, ties counted as correct."""
    top1 = top3 = good = 0
    for typed, name in pairs:
        hits = memory.suggest(collection, typed, k=3, min_score=-1.0)
        texts = [hit["text"] for hit in hits]
        top1 += bool(texts) and texts[0] == name
        top3 += name in texts
        if truth is not None:
            index, matrix, embeddings = truth
            query = embed_query(embeddings, typed)
            scores, _ = index.search(query, 3)
            found = matrix[[int(hit["key"][3:]) for hit in hits]] @ query[0]
            good += int(np.sum(found >= scores[0][2] - 1e-5))
    figures = {"queries": len(pairs), "top1": round(top1 / len(pairs), 4), "in_top3": round(top3 / len(pairs), 4)}
    if truth is not None:
        figures["recall_at_3"] = round(good / (3 * len(pairs)), 4)
    return figures


def _small_catalog(memory: VectorMemory, label: str, names: list[str]) -> dict[str, Any]:
    """Exact and typo'd quality on a small catalog (an exact flat index), and typo top-1 per kind."""
    memory.replace(label, [{"key": str(i), "text": name} for i, name in enumerate(names)])
    typos = realistic_typos(names, scaled(SMALL_QUERIES), seed=9)
    by_kind = {
        kind: _quality(memory, label, [(t, n) for t, n, k in typos if k == kind])["top1"]
        for kind in KINDS
        if any(k == kind for _, _, k in typos)
    }
    return {
        "names": len(names),
        "index_kind": memory.index_kind(label),
        "exact": _quality(memory, label, [(name, name) for name in names]),
        "typo": _quality(memory, label, [(t, n) for t, n, _ in typos]),
        "typo_top1_by_kind": by_kind,
    }


def _seeded_demo_names() -> list[str]:
    """Active product names of the demo data the app seeds (tools/catalog/demo_data.py)."""
    return [product["name"] for product in seeded_products() if product["active"]]


def main() -> dict[str, Any]:
    """Run the benchmark, print the tables and return the figures."""
    rng = random.Random(1)
    embeddings = NgramEmbeddings()
    names = catalog_names(scaled(CATALOG_SIZE, floor=20_000))
    items = [{"key": f"SKU{i:06d}", "text": name} for i, name in enumerate(names)]
    results: dict[str, Any] = {"faiss_version": faiss.__version__, "catalog": len(names)}
    with tempfile.TemporaryDirectory() as folder:
        memory = VectorMemory(Path(folder), embeddings)
        started = time.perf_counter()
        matrix = embed_texts(embeddings, names)
        results["embed_all_s"] = round(time.perf_counter() - started, 2)
        rss_before, started, cpu = _rss_mib(), time.perf_counter(), time.process_time()
        memory.replace("products", items, version="bench")
        results["build_s"] = round(time.perf_counter() - started, 2)
        results["build_cpu_s"] = round(time.process_time() - cpu, 2)
        results["build_rss_delta_mib"] = round(_rss_mib() - rss_before, 1)
        results["index_kind"] = memory.index_kind("products")
        results["files_mib"] = round(sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file()) / 2**20, 1)
        rss_before, started = _rss_mib(), time.perf_counter()
        reloaded = VectorMemory(Path(folder), embeddings)
        reloaded.count("products")  # lazy load of index + sidecar
        results["reload_s"] = round(time.perf_counter() - started, 2)
        results["loaded_rss_delta_mib"] = round(_rss_mib() - rss_before, 1)
        del reloaded

        half = scaled(QUERIES // 2)
        typos = [(t, n) for t, n, _ in realistic_typos(names, half, seed=3)]
        exact = [(name, name) for name in rng.sample(names, half)]
        flat = faiss.IndexFlatIP(matrix.shape[1])
        flat.add(matrix)
        truth = (flat, matrix, embeddings)
        results["quality"] = {"exact": _quality(memory, "products", exact, truth)}
        results["quality"]["typo"] = _quality(memory, "products", typos, truth)

        queries = itertools.cycle([typed for typed, _ in exact + typos])
        samples = measure(
            {
                "HNSW suggest (embedding included)": lambda q: memory.suggest("products", q, k=3, min_score=-1.0),
                "flat search (embedding included)": lambda q: flat.search(embed_query(embeddings, q), 3),
                "embedding the query alone": lambda q: embed_query(embeddings, q),
            },
            runs=2 * half,
            warmup=20,
            setup=lambda: next(queries),
        )
        results["suggest"] = summary(samples["HNSW suggest (embedding included)"])
        results["flat"] = summary(samples["flat search (embedding included)"])
        results["embed_query"] = summary(samples["embedding the query alone"])
        results["ratio_flat_to_suggest_p50"] = ratio(results["flat"], results["suggest"])
        results["seeded"] = _small_catalog(memory, "seeded", _seeded_demo_names())
        results["sample"] = _small_catalog(memory, "sample", demo_products())
    _print(results)
    return results


def _print(results: dict[str, Any]) -> None:
    """The figures as plain-text tables."""
    print_table(
        f"{results['catalog']:,} names, {results['index_kind']}, faiss {results['faiss_version']}",
        [
            ["embed every name", f"{results['embed_all_s']} s"],
            ["build collection (embed + index + save)", f"{results['build_s']} s wall, {results['build_cpu_s']} s CPU"],
            [
                "memory: RSS delta of the build / of a cold load",
                f"{results['build_rss_delta_mib']} / {results['loaded_rss_delta_mib']} MiB",
            ],
            ["on disk", f"{results['files_mib']} MiB"],
            ["cold load from disk", f"{results['reload_s']} s"],
        ],
        ["measure", "value"],
    )
    print_table(
        "the same queries, interleaved, embedding included (ms)",
        [[name, results[name]["p50_ms"], results[name]["p99_ms"]] for name in ("suggest", "flat", "embed_query")],
        ["case", "p50", "p99"],
    )
    rows = [
        [where, kind, q["queries"], q["top1"], q["in_top3"], q.get("recall_at_3", "-")]
        for where, block in (
            (f"{results['catalog']:,}", results["quality"]),
            ("seeded", results["seeded"]),
            ("sample", results["sample"]),
        )
        for kind, q in ((k, block[k]) for k in ("exact", "typo"))
    ]
    print_table("quality", rows, ["catalog", "queries", "n", "top-1", "in top 3", "recall@3 vs exact"])
    print("typo top-1 by kind (seeded demo catalog): " + str(results["seeded"]["typo_top1_by_kind"]))


if __name__ == "__main__":
    main()
