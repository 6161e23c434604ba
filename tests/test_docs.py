"""The documentation site: the generated references cover the schema and the API, and the strict build passes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from docs.gen_http import http_reference, openapi
from docs.gen_reference import all_models, language_reference, pages, step_models
from pipelines.schema import PipelineConfig

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _sections(page: str) -> dict[str, str]:
    """Each `### … {#anchor}` section of a generated page by its anchor."""
    parts = re.split(r"^### .*\{#([a-z0-9_-]+)\}$", page, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _step_mapping() -> dict[str, str]:
    """Step kind -> model name, from the discriminator of the JSON Schema (independent of the generator's walk)."""
    steps = PipelineConfig.model_json_schema()["properties"]["steps"]["items"]
    return {kind: ref.rsplit("/", 1)[-1] for kind, ref in steps["discriminator"]["mapping"].items()}


def test_every_step_kind_of_the_union_has_its_section() -> None:
    page, mapping = language_reference(), _step_mapping()
    sections = _sections(page)
    assert sorted(m.__name__ for m in step_models()) == sorted(mapping.values())
    for kind, model in mapping.items():
        assert f"### `{kind}` — {model} {{#{model.lower()}}}" in page
        assert f"| `{kind}` | [{model}](#{model.lower()}) |" in page
        assert model.lower() in sections


def test_every_field_of_every_model_is_listed_with_its_description() -> None:
    schema = PipelineConfig.model_json_schema()
    sections = _sections(language_reference())
    models = {"PipelineConfig": schema, **schema["$defs"]}
    assert set(map(str.lower, models)) <= set(sections)
    for name, model in models.items():
        section = sections[name.lower()]
        for field, spec in model.get("properties", {}).items():
            assert f"| `{field}` |" in section, (name, field)
            if spec.get("description"):
                assert spec["description"].replace("|", "\\|").replace("\n", " ") in section, (name, field)


def test_the_walk_finds_the_steps_of_any_discriminated_union() -> None:
    class One(BaseModel):
        """First."""

        kind: Literal["one"]
        a: int = Field(ge=1, description="an a")

    class Two(BaseModel):
        """Second, nesting a third model."""

        kind: Literal["two"]
        inner: list[Part] = Field(default_factory=list)

    class Part(BaseModel):
        """A part."""

        b: str = "x"

    Two.model_rebuild()

    class Root(BaseModel):
        """A root."""

        steps: list[Annotated[One | Two, Field(discriminator="kind")]]

    assert step_models(Root) == [One, Two]
    assert all_models(Root) == [Root, One, Two, Part]


def test_every_path_and_method_of_the_openapi_document_is_in_the_http_page() -> None:
    document = openapi()
    page = http_reference(document)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert f"### `{method.upper()} {path}`" in page
            assert operation["summary"] in page
    for name in document["components"]["schemas"]:
        assert f"### {name} {{#{name.lower()}}}" in page
    assert '{"error": {"code"' in page


def test_mkdocs_builds_the_site_in_strict_mode(tmp_path: Path) -> None:
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    argv = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)]
    done = subprocess.run(argv, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    language = (site / "reference" / "language" / "index.html").read_text(encoding="utf-8")
    assert all(model in language for model in _step_mapping().values())
    assert (site / "reference" / "http-api" / "index.html").exists()
    pages = [page.read_text(encoding="utf-8") for page in site.rglob("*.html")]
    assert not any("fonts.googleapis.com" in page or "fonts.gstatic.com" in page for page in pages)


def test_readme_is_short_and_its_doc_links_exist() -> None:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 200
    assert "make test" in readme and "make run" in readme
    links = re.findall(r"\]\((docs/[^)#]+)", readme)
    generated = {f"docs/{uri}" for uri in pages()}
    missing = [link for link in links if not (PROJECT_DIR / link).is_file() and link not in generated]
    assert links and not missing
