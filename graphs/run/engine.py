"""Engine: the pipelines folder, tool registry, checkpointer, run table and graph cache of one process."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from config import Config
from errors import NotFoundError, PipelineError
from graphs.compile.compiler import GraphCache
from graphs.repair.understanding import Understanding
from graphs.result import RunResult
from graphs.run.runner import Runner
from graphs.store.databases import open_checkpointer, sql_engine
from graphs.store.inbox import Inbox
from graphs.store.pending_cache import PendingCache
from graphs.store.run_table import RunStore
from pipelines.loader import load_config, parse_text, pipeline_path, read_text
from pipelines.schema import PipelineConfig
from tools import build_registry
from tools.registry import ToolRegistry


class Engine:
    """Everything a process needs to run pipelines; built once (by create_app, or lazily for the Python API)."""

    def __init__(self, settings: Config | None = None, *, registry: ToolRegistry | None = None) -> None:
        self.settings = settings or Config()
        self.settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        self.pipelines_dir = Path(self.settings.PIPELINES_DIR)
        self.registry = registry or build_registry(self.settings)
        self.checkpointer, self._close_checkpointer = open_checkpointer(self.settings.checkpoint_url())
        runs_url = self.settings.checkpoint_url()
        if runs_url.startswith("memory:"):  # in-memory checkpoints; the run table still lives in DATA_DIR
            runs_url = f"sqlite:///{(self.settings.DATA_DIR / 'runs.db').resolve()}"
        self._sql = sql_engine(runs_url)
        self.paused = PendingCache()  # where this process last saw each waiting run pause
        self.runs = RunStore(self._sql, self.settings.RUN_LEASE_SECONDS)
        self.inbox = Inbox(self._sql, self.runs.leases)
        self.graphs = GraphCache(self.registry, resolve=self.config)
        self.understanding = Understanding(self)
        self._configs: dict[str, tuple[tuple[int, int, int], PipelineConfig]] = {}
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        """Names of the pipelines in the pipelines folder."""
        return sorted(p.stem for p in self.pipelines_dir.glob("*.yaml") if p.is_file())

    def _load(self, source: Any) -> PipelineConfig:
        return load_config(
            source,
            pipelines_dir=self.pipelines_dir,
            tool_kinds=self.registry.param_models(),
            known_pipelines=self.names(),
            max_bytes=self.settings.MAX_PIPELINE_BYTES,
        )

    def config(self, name: str) -> PipelineConfig:
        """The current, checked config of pipeline `name` (re-read when its file changes)."""
        path = pipeline_path(name, self.pipelines_dir)
        try:
            stat = path.stat()
        except OSError:
            raise NotFoundError(f"no pipeline named '{name}'", details={"available": self.names()}) from None
        # The inode changes on every atomic save (os.replace), even when two saves share an mtime tick and a size.
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        cached = self._configs.get(name)
        if cached and cached[0] == stamp:
            return cached[1]
        config = self._load(path)
        with self._lock:
            self._configs[name] = (stamp, config)
        return config

    def config_version(self, name: str, version: str) -> PipelineConfig:
        """Pipeline `name` exactly as it was at `version` (for runs started on an older version)."""
        try:
            current = self.config(name)
        except (NotFoundError, PipelineError):
            current = None  # the file was removed or broken since: the run still has the text it started on
        if current is not None and current.content_hash == version:
            return current
        text = self.runs.version_text(name, version)
        if text is None:
            raise NotFoundError(f"no version {version} of pipeline '{name}'")
        return parse_text(text, file=f"{name}@{version}", tool_kinds=self.registry.param_models())

    def runner(self, source: str | Path | PipelineConfig) -> Runner:
        """A Runner for a pipeline name, a path to a .yaml file, or a PipelineConfig."""
        if isinstance(source, str) and source in self.names():
            return Runner(self, self.config(source))
        return Runner(self, self._load(source))

    def run_row(self, run_id: str, owner: str | None = None) -> dict[str, Any]:
        """The run table row of `run_id`; unknown or not the caller's: NotFoundError."""
        row = self.runs.get(run_id) if isinstance(run_id, str) else None
        if row is None or (owner is not None and row["owner"] != owner):
            raise NotFoundError(f"no run {str(run_id)[:80]!r}")
        return row

    def runner_for_run(self, run_id: str, owner: str | None = None) -> Runner:
        """The Runner of the pipeline version `run_id` started on."""
        row = self.run_row(run_id, owner)
        return Runner(self, self.config_version(row["pipeline"], row["version"]))

    def resume(self, run_id: str, answer: Any, *, owner: str | None = None, message_id: str | None = None) -> RunResult:
        """Answer a waiting run of any pipeline; with `message_id`, once (graphs/run/answers.py): the same id sent
        again gets the stored result."""
        return self.runner_for_run(run_id, owner).resume(run_id, answer, owner=owner, message_id=message_id)

    def status(self, run_id: str, *, owner: str | None = None, seen: int | None = None) -> RunResult:
        """The status of a run of any pipeline (`seen`: as Runner.status)."""
        return self.runner_for_run(run_id, owner).status(run_id, owner=owner, seen=seen)

    def undo(self, run_id: str, *, owner: str | None = None, lang: str = "es") -> RunResult:
        """Take a waiting run of any pipeline back to before its last answer or correction (Runner.undo)."""
        return self.runner_for_run(run_id, owner).undo(run_id, owner=owner, lang=lang)

    def cancel(self, run_id: str, *, owner: str | None = None) -> RunResult:
        """Cancel a waiting run of any pipeline."""
        return self.runner_for_run(run_id, owner).cancel(run_id, owner=owner)

    def read_pipeline_text(self, name: str) -> str:
        """The YAML text of pipeline `name` as saved."""
        return read_text(pipeline_path(name, self.pipelines_dir), max_bytes=self.settings.MAX_PIPELINE_BYTES)

    def validate_all(self) -> list[PipelineError]:
        """Every problem of every pipeline in the folder."""
        problems: list[PipelineError] = []
        for name in self.names():
            try:
                self._load(pipeline_path(name, self.pipelines_dir))
            except PipelineError as exc:
                problems.extend(getattr(exc, "errors", [exc]))
        return problems

    def close(self) -> None:
        """Close the checkpointer and database connections (and stop renewing leases)."""
        self.runs.leases.close()
        self._close_checkpointer()
        self._sql.dispose()


_default: Engine | None = None
_default_lock = threading.Lock()


def default_engine() -> Engine:
    """The process-wide Engine of the Python API, built from the environment on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Engine()
        return _default


def load_pipeline(source: str | Path | PipelineConfig, *, engine: Engine | None = None) -> Runner:
    """A Runner for a pipeline name, a path to a .yaml file, or a PipelineConfig (see shared/CONTRACT.md)."""
    return (engine or default_engine()).runner(source)
