"""`python -m bench [NAME…]`: run every benchmark module present (or the named ones) and write bench/results.json.
`bench_load` (minutes of gunicorn under load: `make bench-load`) runs only when named.

`python -m bench --readme` runs nothing: it rewrites the tables of docs/benchmarks.md and README.md from
bench/results.json.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from bench import SCALE, machine, report

MODULES = (
    "bench_engine",
    "bench_dialog",
    "bench_sql",
    "bench_vector",
    "bench_api",
    "bench_chat",
    "bench_lookup",
    "bench_reader",
    "bench_prune",
)
ON_REQUEST = ("bench_load",)
# A trial run (BENCH_SCALE other than 1) writes beside the committed file, never over it.
RESULTS = Path(__file__).with_name("results.json" if SCALE == 1 else "results-trial.json")


def run_module(name: str) -> dict[str, Any]:
    """Import bench.NAME and run its main(); a missing module or a failure is reported, not raised."""
    try:
        module = importlib.import_module(f"bench.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"bench.{name}":
            return {"status": "missing"}
        return {"status": "error", "error": f"cannot import: {exc}"}
    started = time.perf_counter()
    try:
        figures = module.main()
    except Exception as exc:  # one broken benchmark must not hide the others' figures
        traceback.print_exc()
        return {"status": "error", "error": f"{type(exc).__name__}: {exc}"}
    return {"status": "ok", "seconds": round(time.perf_counter() - started, 1), "figures": figures}


def main(argv: list[str]) -> int:
    """Run the named modules (default: all), print a summary, write the JSON; exit 1 when one failed."""
    if argv == ["--readme"]:
        changed = report.rewrite()
        state = "rewritten" if changed else "unchanged"
        print(f"{', '.join(str(page) for page in report.pages())} {state} from {report.RESULTS}")
        return 0
    unknown = [name for name in argv if name not in MODULES + ON_REQUEST]
    if unknown:
        print(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(MODULES + ON_REQUEST)}", file=sys.stderr)
        return 2
    host = machine()
    print(f"machine: {host['nproc']} CPUs, {host['cpu_model']}, {host['memory_gib']} GiB, Python {host['python']}")
    results: dict[str, Any] = {}
    taken = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    for name in argv or MODULES:
        print(f"\n=== {name} ===")
        results[name] = {**run_module(name), "taken_at": taken}
        if results[name]["status"] != "ok":
            print(f"{name}: {results[name]['status']} {results[name].get('error', '')}".rstrip())
    written = {"machine": host, "taken_at": taken, "scale": SCALE, "results": results}
    if RESULTS.exists() and argv:
        # a partial run keeps the figures of the modules it did not run, and when and where the others were taken
        try:
            previous = json.loads(RESULTS.read_text(encoding="utf-8"))
            written = {**previous, "results": {**previous.get("results", {}), **results}}
        except (OSError, ValueError, AttributeError):
            pass
    RESULTS.write_text(json.dumps(written, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nresults written to {RESULTS}")
    statuses = {name: result["status"] for name, result in results.items()}
    print("summary: " + ", ".join(f"{name} {status}" for name, status in statuses.items()))
    return 1 if "error" in statuses.values() else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
