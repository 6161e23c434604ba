"""Loading by name, path, text or config; names never become paths; versions; YAML 1.2 scalars."""

from __future__ import annotations

from pathlib import Path

import pytest

from errors import NotFoundError, PipelineError, PipelineErrors
from pipelines.loader import load_config, parse_text, pipeline_path
from pipelines.schema import PipelineConfig
from tests.test_loader import GOOD, only_error


@pytest.mark.parametrize(
    "name",
    [
        "../x",
        "..",
        "%2e%2e",
        "%2e%2e%2fetc",
        "a/b",
        "a\\b",
        "/etc/passwd",
        "a\x00b",
        "a" * 300,
        "",
        "Mayus",
        "con espacio",
        "ejemplo.yaml",
        "ejemplo\n",
        "ñandu",
        "1abc",
    ],
)
def test_pipeline_path_refuses_anything_but_a_plain_name(name: str, tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="is not a valid pipeline name") as info:
        pipeline_path(name, tmp_path)
    assert "\x00" not in info.value.message and len(info.value.message) < 200


def test_pipeline_path_of_a_good_name_stays_in_the_folder(tmp_path: Path) -> None:
    assert pipeline_path("alta_pedido2", tmp_path) == tmp_path / "alta_pedido2.yaml"


def test_load_config_accepts_a_name_a_path_text_or_a_config(tmp_path: Path) -> None:
    (tmp_path / "bueno.yaml").write_text(GOOD)
    by_name = load_config("bueno", pipelines_dir=tmp_path)
    by_path = load_config(tmp_path / "bueno.yaml")
    by_str_path = load_config(str(tmp_path / "bueno.yaml"))
    by_text = load_config(GOOD)
    assert by_name.name == by_path.name == by_text.name == by_str_path.name == "bueno"
    assert by_name.content_hash == by_path.content_hash == by_text.content_hash
    assert by_name.source_file == str(tmp_path / "bueno.yaml") and by_text.source_file is None
    assert load_config(by_text) is by_text


def test_load_config_unknown_name_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no pipeline named 'nada'"):
        load_config("nada", pipelines_dir=tmp_path)
    with pytest.raises(PipelineError, match="cannot read"):
        load_config(tmp_path / "nada.yaml")


def test_load_config_checks_configs_built_in_python() -> None:
    config = PipelineConfig.model_validate(
        {"name": "p", "steps": [{"id": "a", "kind": "reply", "message": "x", "next": "nowhere"}]}
    )
    with pytest.raises(PipelineErrors, match="unknown goto target 'nowhere'"):
        load_config(config)


def test_a_changed_comment_changes_the_version() -> None:
    first = parse_text(GOOD)
    second = parse_text(GOOD + "# a comment\n")
    assert first.content_hash != second.content_hash
    assert first.model_dump() == second.model_dump()


def test_yaml_1_1_surprises_stay_text() -> None:
    config = parse_text(
        "name: p\nsteps:\n  - id: on\n    kind: ask\n    save_as: r\n    question: '¿Seguro?'\n"
        "    options: [sí, no, yes, off, 012, 1:30, 2024-01-31]\n"
        "    data: {activo: true, inactivo: False, n: 12, x: 1.5, nada: null}\n"
    )
    step = config.steps[0]
    assert step.id == "on"
    assert step.options == ["sí", "no", "yes", "off", "012", "1:30", "2024-01-31"]
    assert step.data == {"activo": True, "inactivo": False, "n": 12, "x": 1.5, "nada": None}  # type: ignore[union-attr]


def test_merge_keys_are_plain_unknown_fields() -> None:
    error = only_error("name: x\n<<: {description: y}\nsteps:\n  - {id: a, kind: reply, message: hi}\n")
    assert error.reason == "unknown field '<<'" and (error.line, error.column) == (2, 1)


def test_fast_and_exact_readers_agree_on_every_shipped_file() -> None:
    """libyaml reads valid files; PyYAML's reader is the reference for data and positions."""
    from pathlib import Path

    from pipelines import yaml_source

    root = Path(__file__).resolve().parents[1]
    for path in [*root.glob("pipelines/*.yaml"), *root.glob("tests/pipelines/*.yaml")]:
        text = path.read_text(encoding="utf-8")
        loader = yaml_source._NoAliasLoader(text)
        positions: dict = {}
        data = yaml_source._convert(loader, loader.get_single_node(), (), positions, set())
        loader.dispose()
        assert yaml_source._read_fast(text) == (data, positions), path.name
