"""MkDocs hooks: make the generated reference pages (pipeline language, HTTP API) on every build."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add (or replace) each generated page, built from the current models, before the nav is read."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    generator = importlib.import_module("docs.gen_reference")
    for uri, text in generator.pages().items():
        stale = files.get_file_from_path(uri)
        if stale is not None:
            files.remove(stale)
        files.append(File.generated(config, uri, content=text))
    return files
