"""Saving pipeline versions: validate, keep the previous text, write the new one atomically."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from errors import AppError, NotFoundError, PipelineError, PipelineErrors
from graphs.run.engine import Engine
from pipelines.loader import collect_errors
from pipelines.schema import NAME_PATTERN, PipelineConfig, PipelineStep

VERSIONS_DIR = ".versions"
_NAME = re.compile(NAME_PATTERN)
_VERSION = re.compile(r"^[0-9a-f]{16}$")


def text_version(text: str) -> str:
    """The version of a pipeline text: the same hash as PipelineConfig.content_hash."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class SaveResult:
    """What a save did: the new config and the version it replaced (None for a new pipeline)."""

    config: PipelineConfig
    previous_version: str | None
    changed: bool


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to a hidden temporary file beside `path`, fsync it, then rename it over `path`."""
    # The temporary name does not end in .yaml, so Engine.names() never lists a half-written file.
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        with tmp.open("xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class PipelineVersions:
    """Saves new versions of the pipelines in an Engine's folder and finds old ones."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()

    @property
    def folder(self) -> Path:
        """The pipelines folder."""
        return self.engine.pipelines_dir

    def _checked_name(self, name: str) -> str:
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise PipelineError(
                f"'{str(name)[:80]}' is not a valid pipeline name",
                hint="use lower-case letters, digits and '_', starting with a letter",
            )
        return name

    def _archive(self, name: str, version: str, text: str) -> None:
        """Keep `text` as version `version` of `name`: in the run store and under .versions/<name>/."""
        self.engine.runs.save_version(name, version, text)
        folder = self.folder / VERSIONS_DIR / name
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{version}.yaml"
        if not target.exists():
            write_atomically(target, text.encode())

    def check(self, name: str, text: str) -> PipelineConfig:
        """The config of `text` as pipeline `name`; every problem found raises PipelineErrors."""
        name = self._checked_name(name)
        engine = self.engine
        config, problems = collect_errors(
            text,
            file=f"{name}.yaml",
            tool_kinds=engine.registry.param_models(),
            known_pipelines=sorted({*engine.names(), name}),
            max_bytes=engine.settings.MAX_PIPELINE_BYTES,
        )
        if config is not None and config.name != name:
            line, column = config.position(("name",))
            problems.append(
                PipelineError(
                    f"the file says 'name: {config.name}' but is saved as '{name}'",
                    file=f"{name}.yaml",
                    line=line,
                    column=column,
                    path="name",
                    hint=f"write 'name: {name}' or save it under '{config.name}'",
                )
            )
        if problems:
            raise PipelineErrors(problems)
        assert config is not None
        return config

    def save(self, name: str, text: str) -> SaveResult:
        """Validate `text`, keep the current version, write `text` as the new one; invalid text raises."""
        config = self.check(name, text)
        # Compiling before writing means a saved pipeline always runs; the graph is cached by its hash anyway.
        self.engine.graphs.get(config, self.engine.checkpointer, fuse=self.engine.settings.FUSE_STEPS)
        path = self.folder / f"{name}.yaml"
        with self._lock:
            previous = self._current_text(name)
            previous_version = text_version(previous) if previous is not None else None
            if previous is not None and previous_version is not None:
                self._archive(name, previous_version, previous)
            changed = previous != text
            if changed:
                write_atomically(path, text.encode())
            self._archive(name, config.content_hash, text)
        if changed and self._used_as_subpipeline(name):
            # A parent's graph embeds this one but is cached under the parent's own hash, which did not change.
            self.engine.graphs.clear()
        return SaveResult(config, previous_version, changed)

    def _current_text(self, name: str) -> str | None:
        if name not in self.engine.names():
            return None
        try:
            return self.engine.read_pipeline_text(name)
        except PipelineError:
            return None  # an unreadable file (not UTF-8, too big) cannot be kept; it is replaced all the same

    def _used_as_subpipeline(self, name: str) -> bool:
        for other in self.engine.names():
            try:
                steps = self.engine.config(other).steps
            except AppError:
                continue
            if any(isinstance(step, PipelineStep) and step.pipeline == name for step in steps):
                return True
        return False

    def text(self, name: str, version: str) -> str:
        """The YAML text of version `version` of pipeline `name` (the run store first, then .versions/)."""
        name = self._checked_name(name)
        if not isinstance(version, str) or not _VERSION.fullmatch(version):
            raise NotFoundError(f"no version {str(version)[:40]!r} of pipeline '{name}'")
        stored = self.engine.runs.version_text(name, version)
        if stored is not None:
            return stored
        kept = self.folder / VERSIONS_DIR / name / f"{version}.yaml"
        if kept.is_file():
            return kept.read_bytes().decode("utf-8")
        raise NotFoundError(f"no version {version} of pipeline '{name}'")

    def versions(self, name: str) -> list[str]:
        """The kept versions of pipeline `name`, oldest first."""
        folder = self.folder / VERSIONS_DIR / self._checked_name(name)
        files = [p for p in folder.glob("*.yaml") if _VERSION.fullmatch(p.stem)] if folder.is_dir() else []
        return [p.stem for p in sorted(files, key=lambda p: p.stat().st_mtime_ns)]
