"""`python -m bench --readme`: rewrite the tables of docs/benchmarks.md, docs/operations.md and README.md from
bench/results.json.

Each table sits between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`; everything outside the markers is
hand-written prose and stays as it is. A module absent from the results (or whose figures lack a key) renders
as "not measured", so a rewritten benchmark never leaves a stale figure behind.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from bench.report_ops import OPS_TABLES
from bench.report_rows import NOT_MEASURED, ROWS, TABLES, Figures

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
PAGE = ROOT / "docs" / "benchmarks.md"
README = ROOT / "README.md"  # its Benchmarks section shows the machine and the targets
OPERATIONS = ROOT / "docs" / "operations.md"  # retention and load
_TABLES = {**TABLES, **OPS_TABLES}
_BLOCK = re.compile(r"(<!-- bench:(?P<name>[a-z_]+) -->\n)(?P<body>.*?)(<!-- /bench:(?P=name) -->)", re.S)
_MISSING = (KeyError, TypeError, IndexError, ValueError, ZeroDivisionError, AttributeError)


def _figures(report: Figures, module: str) -> Figures | None:
    result = report.get("results", {}).get(module, {})
    return result.get("figures") if result.get("status") == "ok" else None


def _table(header: tuple[str, ...], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join([*lines, *("| " + " | ".join(cells) + " |" for cells in rows)])


def target_rows(report: Figures) -> list[list[str]]:
    """[what, result, target, verdict] for every row of ROWS; verdict is met / missed / reported / not measured."""
    rendered = []
    for row in ROWS:
        figures = _figures(report, row.module)
        try:
            if figures is None:
                raise KeyError(row.module)
            figure = row.figure(figures)
            verdict = "reported" if row.met is None else "**met**" if row.met(figures) else "**missed**"
        except _MISSING:
            figure, verdict = NOT_MEASURED, NOT_MEASURED
        rendered.append([row.what, figure, row.target, verdict])
    return rendered


def machine_line(report: Figures) -> str:
    """The machine, package versions and date the figures were taken, and the modules without figures."""
    host = report.get("machine")
    if not host:
        return f"**Machine:** {NOT_MEASURED} yet (no `bench/results.json`): run `make bench`."
    versions = ", ".join(f"{name} {version or 'not installed'}" for name, version in host["versions"].items())
    memory = f"{host['memory_gib']} GiB" if host.get("memory_gib") else "memory unknown"
    line = (f"**Machine:** {host['nproc']} CPUs, {host['cpu_model']}, {memory}, Python {host['python']}; "
            f"{versions}. Taken {report.get('taken_at', 'at an unknown date')} by `make bench`.")  # fmt: skip
    if report.get("scale", 1) != 1:
        line += f" **A trial run (BENCH_SCALE={report['scale']}): not figures to publish.**"
    absent = [
        f"`{name}` ({r.get('status')})" for name, r in report.get("results", {}).items() if r.get("status") != "ok"
    ]
    return line + (f" Not measured in this run: {', '.join(absent)}." if absent else "")


def render_block(name: str, report: Figures) -> str:
    """The Markdown between the markers of block `name`, blank lines around it."""
    if name == "machine":
        body = machine_line(report)
    elif name == "targets":
        body = _table(("what", "result", "target", "verdict"), target_rows(report))
    elif name in _TABLES:
        module, header, rows = _TABLES[name]
        figures = _figures(report, module)
        try:
            cells = rows(figures) if figures is not None else []
            if callable(header):  # a header that depends on the figures (a confusion matrix's labels)
                header = header(figures) if figures is not None else ("", NOT_MEASURED)
        except _MISSING:
            cells = []
            header = header if isinstance(header, tuple) else ("", NOT_MEASURED)
        body = _table(header, cells or [[NOT_MEASURED] + [""] * (len(header) - 1)])
    else:
        raise ValueError(f"unknown benchmark block {name!r}; known: machine, targets, {', '.join(_TABLES)}")
    return f"\n{body}\n\n"


def render_page(text: str, report: Figures) -> str:
    """`text` with every marked block rendered again from `report`."""
    return _BLOCK.sub(lambda m: m.group(1) + render_block(m.group("name"), report) + m.group(4), text)


def load(results: Path | None = None) -> Figures:
    """The results file, or an empty report when there is none yet (every figure then reads "not measured")."""
    results = RESULTS if results is None else results
    return json.loads(results.read_text(encoding="utf-8")) if results.exists() else {}


def pages() -> tuple[Path, ...]:
    """The pages whose blocks are rendered from the results."""
    return (PAGE, README, OPERATIONS)


def rewrite(page: Path | None = None, results: Path | None = None) -> bool:
    """Render the blocks of `page` (default: the benchmark and operations pages and the README) from the results
    file; write a page only if it changed. True when one changed."""
    changed = False
    for path in pages() if page is None else (page,):
        text = path.read_text(encoding="utf-8")
        new = render_page(text, load(results))
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed = True
    return changed
