"""What the benchmark page shows: every row of the targets table (figure, target, test) and the detail tables.

Each row reads one module's figures from bench/results.json; bench/report.py renders them into docs/benchmarks.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

NOT_MEASURED = "not measured"
Figures = dict[str, Any]


def num(value: float) -> str:
    """A duration or size with as many decimals as it deserves: 0.284, 3.37, 14.2, 161."""
    value = float(value)
    decimals = 3 if value < 1 else 2 if value < 10 else 1 if value < 100 else 0
    return f"{value:.{decimals}f}"


def pct(share: float) -> str:
    """A share of 1 as a percentage: 0.992 → '99.2 %'."""
    return f"{100 * float(share):.1f} %"


def times(value: float) -> str:
    """A ratio: 1.018 → '1.02×'."""
    return f"{float(value):.2f}×"


def versus(a: Figures, b: Figures, r50: float, r99: float) -> str:
    """'p50 a / b ms = **r×**; p99 a / b ms = r×' for two summaries and their ratios."""
    p50 = f"p50 {num(a['p50_ms'])} / {num(b['p50_ms'])} ms = **{times(r50)}**"
    return f"{p50}; p99 {num(a['p99_ms'])} / {num(b['p99_ms'])} ms = {times(r99)}"


def p50_p99(s: Figures) -> str:
    """'p50 x / p99 y ms' of one summary (older summaries name the median `median_ms`)."""
    return f"p50 {num(s.get('p50_ms', s.get('median_ms')))} / p99 {num(s['p99_ms'])} ms"


@dataclass(frozen=True)
class Row:
    """One row of the targets table: what is measured, how its figure reads, its target and test."""

    module: str
    what: str
    figure: Callable[[Figures], str]
    target: str = "—"
    met: Callable[[Figures], bool] | None = None


def _engine(label: str) -> Callable[[Figures], str]:
    def figure(f: Figures) -> str:
        row = f["yaml_vs_hand"][label]
        yaml, unfused, hand = (num(row[k]["median_ms"]) for k in ("yaml", "yaml_unfused", "hand"))
        return (
            f"fused {yaml} / {hand} ms = **{row['ratio']:.3f}**; unfused {unfused} ms = **{row['ratio_unfused']:.3f}**"
        )

    return figure


def _compile(f: Figures) -> str:
    c = f["compile"]
    yaml = num(c["of which: YAML read (read_yaml)"]["median_ms"])
    parts = (
        f"load+validate {num(c['load+validate']['median_ms'])} (YAML {yaml}), compile {num(c['compile']['median_ms'])}"
    )
    hand = num(c["for reference: hand-wired graph compile"]["median_ms"])
    return f"**{num(c['load+validate+compile']['median_ms'])} ms** ({parts}; LangGraph compiling it by hand {hand})"


def _dialog(backend: str, variant: str) -> Callable[[Figures], str]:
    def figure(f: Figures) -> str:
        b = f[backend]
        return versus(b[f"yaml_{variant}"], b["reference"], b[f"ratio_{variant}_p50"], b[f"ratio_{variant}_p99"])

    return figure


def _per_turn(key: str) -> Callable[[Figures], str]:
    return lambda f: " / ".join(num(f[key][k]) for k in ("reference", "yaml_unfused", "yaml_fused"))


def _prune(f: Figures) -> str:
    sqlite = f["sqlite"]
    text = f"SQLite file {num(sqlite['before']['(whole file)']['bytes'] / 1e6)} → "
    text += f"{num(sqlite['vacuumed']['(whole file)']['bytes'] / 1e6)} MB after `VACUUM`"
    if "postgresql" in f:
        pg, tables = f["postgresql"], ("checkpoints", "checkpoint_writes", "checkpoint_blobs", "writes")
        size = {key: sum(pg[key][t]["bytes"] for t in tables if t in pg[key]) / 1e6 for key in ("before", "vacuumed")}
        text += f"; PostgreSQL checkpoint tables {num(size['before'])} → {num(size['vacuumed'])} MB after `VACUUM FULL`"
    return text


_SQL = "resolve_product (dialog phrases)"
_API = ("GET run_status/<run_id>", "GET graph?format=svg (cached)", "GET graph?format=svg&run_id (cached)")
ROWS = (
    Row("bench_engine", "load + validate + compile a 20-step pipeline (no cache)", _compile, "≤ 10 ms",
        lambda f: f["compile"]["load+validate+compile"]["median_ms"] <= 10),
    *(
        Row("bench_engine", f"the 20-step YAML pipeline / the same pipeline written by hand in LangGraph, {label}",
            _engine(label), "≤ 1.05 fused and unfused",
            lambda f, x=label: max(f["yaml_vs_hand"][x]["ratio"], f["yaml_vs_hand"][x]["ratio_unfused"]) <= 1.05)
        for label in ("no checkpointer", "no checkpointer, grande", "SqliteSaver", "SqliteSaver, grande")
    ),
    Row("bench_engine", "one resume, `Runner.resume` / bare LangGraph `invoke(Command)` on SqliteSaver",
        lambda f: f"{num(f['resume']['Runner.resume']['median_ms'])} / "
        f"{num(f['resume']['bare LangGraph invoke(Command)']['median_ms'])} ms = "
        f"**{times(f['resume']['ratio Runner.resume / bare'])}**"),
    *(
        Row("bench_dialog", f"one `alta_pedido` turn, YAML {variant} / the independent reference, {name}",
            _dialog(backend, variant), f"p50 ≤ {limit}×",
            lambda f, b=backend, v=variant, x=limit: f[b][f"ratio_{v}_p50"] <= x)
        for backend, name in (("sqlite", "SqliteSaver"), ("postgres", "PostgresSaver"))
        for variant, limit in (("unfused", 1.05), ("fused", 0.8))
    ),
    Row("bench_dialog", "YAML (fused and unfused) and the reference give the same outputs, orders and questions",
        lambda f: f"**{'yes' if f['equivalent'] else 'no'}**, {f['dialogs']} dialogs, {f['turns']} turns", "the same",
        lambda f: f["equivalent"] is True),
    Row("bench_dialog", "checkpoint bytes per turn: reference / YAML unfused / fused",
        _per_turn("checkpoint_bytes_per_turn")),
    Row("bench_dialog", "supersteps per turn: reference / YAML unfused / fused", _per_turn("supersteps_per_turn")),
    Row("bench_chat", "one chat turn of `alta_pedido` through Flask (an edit at the confirmation) / a bare 5-node "
        "LangGraph graph on SqliteSaver, the runner's durability",
        lambda f: versus(f["chat_turn"], f["bare_5_nodes"], f["ratio_p50"], f["ratio_p99"]), "p50 ≤ 1.0×",
        lambda f: f["ratio_p50"] <= 1.0),
    Row("bench_reader", "message reader accuracy on the frozen test set (written before tuning, never tuned on)",
        lambda f: f"**{pct(f['test']['accuracy'])}** of {f['test']['total']} ({f['test']['waiting']} to a waiting "
        f"run, {f['test']['idle']} idle); lowest command recall {_lowest_recall(f['test'])}", "≥ 95 %",
        lambda f: f["test"]["accuracy"] >= 0.95),
    Row("bench_reader", "… every command's recall on the test set", lambda f: _lowest_recall(f["test"]), "≥ 90 %",
        lambda f: min(f["test"]["per_label"][c]["recall"] for c in _COMMANDS) >= 0.90),
    Row("bench_reader", "… on the dev set (tuned on)", lambda f: f"{pct(f['dev']['accuracy'])} of {f['dev']['total']}"),
    Row("bench_reader", "reading one message (offline), at its question / routing an idle one",
        lambda f: f"{p50_p99(f['per_message']['read'])} / {p50_p99(f['per_message']['route'])}", "p50 ≤ 1 ms",
        lambda f: f["per_message"]["read"]["p50_ms"] <= 1 and f["per_message"]["route"]["p50_ms"] <= 1),
    Row("bench_reader", "the trained reader in memory (pickled)",
        lambda f: f"**{num(f['training']['memory_mb'])} MB** ({num(f['training']['pickled_mb'])} MB)", "≤ 50 MB",
        lambda f: f["training"]["memory_mb"] <= 50),
    Row("bench_reader", "training it from scratch (the shipped pipelines)",
        lambda f: f"**{num(f['training']['seconds'])} s** ({f['training']['waiting_samples']} + "
        f"{f['training']['idle_samples']} samples)", "≤ 5 s", lambda f: f["training"]["seconds"] <= 5),
    Row("bench_reader", "a turn read by the reader / the same turn without it",
        lambda f: f"{num(f['turn_with_reader']['median_ms'])} / {num(f['turn_without_reader']['median_ms'])} ms: "
        f"+{num(f['reader_overhead_p50_ms'])} ms p50"),
    Row("bench_reader", "dev messages a model would read with `MODEL_READS=unsure`",
        lambda f: f"{pct(f['model_reads_unsure']['share'])} ({f['model_reads_unsure']['unsure']} of "
        f"{f['model_reads_unsure']['messages']})"),
    Row("bench_lookup", "product look-up on the labelled texts (typos, plurals, English names, measures)",
        lambda f: f"top-1 **{pct(f['top1'])}** of {f['lookups']}, false suggestions "
        f"{pct(f['false_suggestion_rate'])} of {f['suggestions']} offers", "≥ 95 %", lambda f: f["top1"] >= 0.95),
    Row("bench_lookup", "… on held-out texts never tuned on",
        lambda f: f"top-1 **{pct(f['holdout']['top1'])}** of {f['holdout']['lookups']}, false suggestions "
        f"{pct(f['holdout']['false_suggestion_rate'])}"),
    Row("bench_lookup", "look-up of words the names lack (synonyms, measures in words, plurals with slips): "
        "frozen held-out part / dev part",
        lambda f: f"top-1 **{pct(f['words']['test']['top1'])}** of {f['words']['test']['lookups']} / "
        f"{pct(f['words']['dev']['top1'])} of {f['words']['dev']['lookups']}"),
    Row("bench_lookup", "one look-up through the dialog's path (SQL, then suggestions)",
        lambda f: p50_p99(f["latency"])),
    Row("bench_sql", "catalog look-up `resolve_product` (dialog phrases) / a raw parameterised query, SQLite",
        lambda f: versus(f["lookups"][_SQL]["service"], f["lookups"][_SQL]["raw_query"],
                         f["lookups"][_SQL]["ratio_p50"], f["lookups"][_SQL]["ratio_p99"])),
    Row("bench_vector", "vector `suggest` over the generated catalog (query embedding included)",
        lambda f: f"{p50_p99(f['suggest'])} ({f['catalog']:,} names, {f['index_kind']})", "p50 ≤ 2 ms",
        lambda f: f["suggest"]["p50_ms"] <= 2),
    Row("bench_vector", "… / an exact flat search, same queries, interleaved",
        lambda f: f"p50 {num(f['suggest']['p50_ms'])} / {num(f['flat']['p50_ms'])} ms; flat is "
        f"**{times(f['ratio_flat_to_suggest_p50'])}** slower"),
    Row("bench_vector", "recall@3 against exact brute-force search: exact names / realistic typos",
        lambda f: f"**{f['quality']['exact']['recall_at_3']:.3f}** / **{f['quality']['typo']['recall_at_3']:.3f}**",
        "≥ 0.95", lambda f: min(f["quality"][k]["recall_at_3"] for k in ("exact", "typo")) >= 0.95),
    Row("bench_vector", "typo top-1, realistic typos of the seeded demo catalog",
        lambda f: f"**{pct(f['seeded']['typo']['top1'])}** of {f['seeded']['typo']['queries']} (in top 3: "
        f"{pct(f['seeded']['typo']['in_top3'])}; {f['seeded']['names']} names)", "≥ 95 %",
        lambda f: f["seeded"]["typo"]["top1"] >= 0.95),
    Row("bench_api", "`GET run_status` / `GET graph?format=svg` (cached) / with `run_id`",
        lambda f: "p50 " + " / ".join(num(f[k]["p50_ms"]) for k in _API) + " ms ("
        + " / ".join(times(f[k]["ratio_p50"]) for k in _API) + " a trivial route)"),
    Row("bench_prune", "prune 10,000 finished dialogs", _prune),
)  # fmt: skip


def _dialog_rows(f: Figures) -> list[list[str]]:
    rows = []
    for backend, name in (("sqlite", "SqliteSaver"), ("postgres", "PostgresSaver")):
        b = f[backend]
        if b is None:  # bench_dialog found no server for this checkpointer
            rows.append([name, NOT_MEASURED, "", "", "", ""])
            continue
        for variant in ("reference", "yaml_unfused", "yaml_fused"):
            kind = variant.removeprefix("yaml_")
            r50, r99 = ("1", "1") if kind == "reference" else (b[f"ratio_{kind}_p50"], b[f"ratio_{kind}_p99"])
            label = "independent reference" if kind == "reference" else f"YAML {kind}"
            rows.append([name, label, num(b[variant]["p50_ms"]), num(b[variant]["p99_ms"]), times(r50), times(r99)])
    return rows


def _vector_rows(f: Figures) -> list[list[str]]:
    rows = [
        ["faiss-cpu", f["faiss_version"]],
        ["names / index", f"{f['catalog']:,} / {f['index_kind']}"],
        ["embedding every name", f"{num(f['embed_all_s'])} s"],
        [
            "building the collection (embed + index + save)",
            f"{num(f['build_s'])} s wall, {num(f['build_cpu_s'])} s CPU",
        ],
        [
            "memory: RSS delta of the build / of a cold load",
            f"{num(f['build_rss_delta_mib'])} / {num(f['loaded_rss_delta_mib'])} MiB",
        ],
        ["on disk", f"{num(f['files_mib'])} MiB"],
        ["cold load from disk", f"{num(f['reload_s'])} s"],
        ["`suggest` (HNSW, query embedding included)", p50_p99(f["suggest"])],
        ["exact flat search (query embedding included)", p50_p99(f["flat"])],
        ["of which embedding the query", p50_p99(f["embed_query"])],
    ]
    blocks = {f"{f['catalog']:,} names": f["quality"], "seeded demo catalog": f["seeded"]}
    blocks[f"{f['sample']['names']}-name sample"] = f["sample"]
    for label, block in blocks.items():
        for kind in ("exact", "typo"):
            q = block[kind]
            recall = f", recall@3 {q['recall_at_3']:.3f}" if "recall_at_3" in q else ""
            text = f"top-1 {pct(q['top1'])}, in top 3 {pct(q['in_top3'])}{recall}"
            rows.append([f"{label}, {q['queries']} {'exact names' if kind == 'exact' else 'realistic typos'}", text])
    kinds = f["seeded"]["typo_top1_by_kind"]
    rows.append(["typo top-1 by kind, seeded demo catalog", ", ".join(f"{k} {pct(v)}" for k, v in kinds.items())])
    return rows


_COMMANDS = ("cancel", "help", "correct", "digress", "choose", "answer", "affirm", "deny")


def _lowest_recall(report: Figures) -> str:
    """The command read least well, with its recall («affirm 88.1 %»)."""
    scores = report["per_label"]
    worst = min(_COMMANDS, key=lambda command: scores[command]["recall"])
    return f"{worst} {pct(scores[worst]['recall'])}"


def _reader_rows(f: Figures) -> list[list[str]]:
    """Per-label precision and recall on the dev and the test set."""
    labels = sorted(set(f["test"]["per_label"]) | set(f["dev"]["per_label"]))
    rows = []
    for label in labels:
        cells = [label]
        for name in ("test", "dev"):
            score = f[name]["per_label"].get(label)
            cells += [pct(score["precision"]), pct(score["recall"]), str(score["support"])] if score else ["", "", ""]
        rows.append(cells)
    return rows


def _confusion_rows(f: Figures) -> list[list[str]]:
    """The test set's confusion matrix (rows: expected, columns: read)."""
    labels, matrix = f["test"]["labels"], f["test"]["confusion"]
    return [[label, *(str(n) for n in row)] for label, row in zip(labels, matrix, strict=True)]


def _ratio_rows(rows: dict[str, Figures], raw: str | None = None) -> list[list[str]]:
    out = []
    for name, f in rows.items():
        if isinstance(f, dict) and "ratio_p50" in f:
            s = f[raw] if raw else f
            ref = [num(f["raw_query"]["p50_ms"]), num(f["raw_query"]["p99_ms"])] if raw else []
            out.append(
                [f"`{name}`", num(s["p50_ms"]), num(s["p99_ms"]), *ref, times(f["ratio_p50"]), times(f["ratio_p99"])]
            )
    return out


Header = tuple[str, ...] | Callable[[Figures], tuple[str, ...]]
TABLES: dict[str, tuple[str, Header, Callable[[Figures], list[list[str]]]]] = {
    "dialog": ("bench_dialog", ("checkpointer", "graph", "p50 ms", "p99 ms", "ratio p50", "ratio p99"), _dialog_rows),
    "durability": ("bench_engine", ("durability", "p50 ms", "p99 ms"),
                   lambda f: [[k, num(v["median_ms"]), num(v["p99_ms"])] for k, v in f["durability"].items()]),
    "vector": ("bench_vector", ("measure", "value"), _vector_rows),
    "api": ("bench_api", ("request", "p50 ms", "p99 ms", "ratio p50", "ratio p99"),
            lambda f: [["`GET /bench-ping` (the reference)", *(num(f["reference"][k]) for k in ("p50_ms", "p99_ms")),
                        "1.00×", "1.00×"], *_ratio_rows(f)]),
    "reader": ("bench_reader", ("label", "test precision", "test recall", "test n", "dev precision", "dev recall",
                                "dev n"), _reader_rows),
    "confusion": ("bench_reader", lambda f: ("expected \\ read", *f["test"]["labels"]), _confusion_rows),
    "sql": ("bench_sql", ("look-up", "p50 ms", "p99 ms", "raw query p50 ms", "raw p99 ms", "ratio p50", "ratio p99"),
            lambda f: _ratio_rows(f["lookups"], "service")),
}  # fmt: skip
