"""/orchestrator pipeline endpoints: list, detail, graph, schema, validate; hostile names open no file."""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from pipelines.schema import PipelineConfig
from routes.orchestrator_models import ErrorBody, PipelineDetail, PipelineSummary, ValidateResponse


class _FileOpens:
    """Records files opened by this thread while armed (an audit hook cannot be removed, so it is added once)."""

    def __init__(self) -> None:
        self.armed: threading.Thread | None = None
        self.paths: list[str] = []
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple) -> None:
        if self.armed is threading.current_thread() and event in ("open", "os.listdir", "os.scandir"):
            self.paths.append(str(args[0]) if args else "")


_OPENS = _FileOpens()


@pytest.fixture
def file_opens() -> Iterator[list[str]]:
    """The paths opened (or listed) by the current thread during the test."""
    _OPENS.paths = []
    _OPENS.armed = threading.current_thread()
    try:
        yield _OPENS.paths
    finally:
        _OPENS.armed = None


def test_list_shows_name_description_inputs_and_current_version(client: FlaskClient, engine) -> None:
    response = client.get("/orchestrator/pipelines")
    assert response.status_code == 200
    listed = {p["name"]: PipelineSummary.model_validate(p) for p in response.get_json()}
    assert set(listed) == set(engine.names())
    simple = listed["ejemplo_simple"]
    assert simple.version == engine.config("ejemplo_simple").content_hash and simple.valid
    assert simple.inputs["nombre"].type == "string" and simple.description


def test_detail_adds_the_yaml_as_saved(client: FlaskClient, pipelines_dir: Path) -> None:
    body = PipelineDetail.model_validate(client.get("/orchestrator/pipelines/todo_junto").get_json())
    assert body.yaml == (pipelines_dir / "todo_junto.yaml").read_text(encoding="utf-8")
    assert body.errors == [] and body.valid and set(body.inputs) == {"cantidad", "nombre"}


def test_a_broken_file_is_listed_and_described_with_its_errors(client: FlaskClient, pipelines_dir: Path) -> None:
    (pipelines_dir / "roto.yaml").write_text("name: roto\nsteps:\n  - id: a\n    kind: nope\n", encoding="utf-8")
    listed = {p["name"]: p for p in client.get("/orchestrator/pipelines").get_json()}
    assert listed["roto"]["valid"] is False
    detail = client.get("/orchestrator/pipelines/roto").get_json()
    assert detail["valid"] is False and detail["errors"][0]["line"] == 4 and "nope" in detail["errors"][0]["message"]
    assert client.post("/orchestrator/run_chain", json={"pipeline": "roto"}).status_code == 400


HOSTILE_NAMES = [
    "../../config",
    "..%2f..%2fconfig",
    "%2e%2e%2f%2e%2e%2fconfig",
    "%2e%2e",
    "ejemplo_simple%00",
    "a%00b",
    "x" * 300,
    "Ejemplo_Simple",
    "ejemplo_simple.yaml",
    "%2fetc%2fpasswd",
    ".versions",
    "ejemplo simple",
    "ejemplo_simple%0a",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_pipeline_names_are_4xx_and_open_no_file(client: FlaskClient, name: str, file_opens: list[str]) -> None:
    responses = [
        client.get(f"/orchestrator/pipelines/{name}"),
        client.get(f"/orchestrator/pipelines/{name}/graph?format=svg"),
        client.get(f"/orchestrator/pipelines/{name}/versions"),
        client.put(f"/orchestrator/pipelines/{name}", json={"yaml": "name: x\n"}),
    ]
    for response in responses:
        assert 400 <= response.status_code < 500, (name, response.status_code)
        ErrorBody.model_validate(response.get_json())
    raw = name.replace("%2f", "/").replace("%2e", ".").replace("%00", "\0")
    assert client.post("/orchestrator/run_chain", json={"pipeline": raw}).status_code in (400, 404)
    # Listing the pipelines folder is how names are looked up; no file of any kind is opened.
    assert [p for p in file_opens if not p.endswith("pipelines")] == [], file_opens


def test_the_file_open_recorder_sees_a_real_lookup(client: FlaskClient, file_opens: list[str]) -> None:
    assert client.get("/orchestrator/pipelines/ejemplo_simple").status_code == 200
    assert any(p.endswith("ejemplo_simple.yaml") for p in file_opens), file_opens


@pytest.mark.parametrize(
    ("fmt", "media", "magic"),
    [
        ("svg", "image/svg+xml", b"<svg"),
        ("png", "image/png", b"\x89PNG"),
        ("mermaid", "text/plain", b"flowchart"),
        ("ascii", "text/plain", b"pedir_cantidad"),
    ],
)
def test_graph_formats_and_content_types(client: FlaskClient, fmt: str, media: str, magic: bytes) -> None:
    response = client.get(f"/orchestrator/pipelines/todo_junto/graph?format={fmt}")
    assert response.status_code == 200 and response.mimetype == media
    assert magic in response.data[:4000]
    assert response.headers["ETag"]


def test_graph_defaults_to_svg_and_answers_304_when_unchanged(client: FlaskClient) -> None:
    first = client.get("/orchestrator/pipelines/ejemplo_simple/graph")
    assert first.mimetype == "image/svg+xml"
    again = client.get("/orchestrator/pipelines/ejemplo_simple/graph", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_graph_with_run_id_highlights_current_step_and_path(client: FlaskClient) -> None:
    run = client.post("/orchestrator/run_chain", json={"pipeline": "todo_junto", "args": {"nombre": "Eva"}}).get_json()
    client.post(f"/orchestrator/resume/{run['run_id']}", json={"answer": "0"})
    plain = client.get("/orchestrator/pipelines/todo_junto/graph?format=mermaid").get_data(as_text=True)
    lit = client.get(f"/orchestrator/pipelines/todo_junto/graph?format=mermaid&run_id={run['run_id']}")
    text = lit.get_data(as_text=True)
    assert "class pedir_cantidad current" in text and "class leer_cantidad done" in text
    assert "current" not in plain.split("classDef current")[1].replace("stroke-width", "")
    svg = client.get(f"/orchestrator/pipelines/todo_junto/graph?format=svg&run_id={run['run_id']}").get_data(
        as_text=True
    )
    assert re.search(r'class="node current"[^>]*>\s*<title>pedir_cantidad</title>', svg)


def test_graph_of_a_run_of_another_pipeline_is_404(client: FlaskClient) -> None:
    run = client.post("/orchestrator/run_chain", json={"pipeline": "ejemplo_simple"}).get_json()
    response = client.get(f"/orchestrator/pipelines/todo_junto/graph?run_id={run['run_id']}")
    assert response.status_code == 404


@pytest.mark.parametrize("query", ["format=gif", "format=", "run_id=bad", "run_id=" + "a" * 65, "expand=maybe"])
def test_bad_graph_queries_are_400(client: FlaskClient, query: str) -> None:
    response = client.get(f"/orchestrator/pipelines/todo_junto/graph?{query}")
    assert response.status_code == 400 and ErrorBody.model_validate(response.get_json())


def test_graph_expand_draws_the_sub_pipeline(client: FlaskClient) -> None:
    flat = client.get("/orchestrator/pipelines/todo_junto/graph?format=mermaid").get_data(as_text=True)
    expanded = client.get("/orchestrator/pipelines/todo_junto/graph?format=mermaid&expand=true").get_data(as_text=True)
    assert "pedir_nombre" not in flat and "pedir_nombre" in expanded


@pytest.mark.parametrize("fmt", ["mermaid", "ascii", "svg"])
def test_graph_draws_composite_steps_collapsed_unless_expanded(client: FlaskClient, fmt: str) -> None:
    url = f"/orchestrator/pipelines/alta_pedido/graph?format={fmt}"
    collapsed, expanded = client.get(url).get_data(as_text=True), client.get(url + "&expand=1").get_data(as_text=True)
    assert "confirmar · confirm" in collapsed and "confirmar__read" not in collapsed
    assert "confirmar__read" in expanded


def test_schema_is_the_json_schema_of_pipeline_config(client: FlaskClient) -> None:
    assert client.get("/orchestrator/schema").get_json() == PipelineConfig.model_json_schema()


def test_validate_accepts_a_good_pipeline(client: FlaskClient, pipelines_dir: Path) -> None:
    text = (pipelines_dir / "todo_junto.yaml").read_text(encoding="utf-8")
    body = ValidateResponse.model_validate(client.post("/orchestrator/validate", json={"yaml": text}).get_json())
    assert body.valid and body.errors == []


@pytest.mark.parametrize(
    ("text", "line", "path", "fragment"),
    [
        (
            "name: x\nsteps:\n  - id: a\n    kind: reply\n    mesage: hola\n",
            5,
            "steps.0.mesage",
            "did you mean 'message'",
        ),
        (
            "name: x\nsteps:\n  - id: a\n    kind: pipeline\n    pipeline: no_existe\n",
            5,
            "steps.0.pipeline",
            "no_existe",
        ),
        (
            "name: x\nsteps:\n  - id: a\n    kind: tool\n    tool: t\ntools:\n  t: {kind: no_tal_cosa}\n",
            7,
            "tools.t",
            "no_tal_cosa",
        ),
        ("name: x\nsteps: [\n", 3, "", ""),
        ("- just\n- a list\n", 1, "", "mapping"),
    ],
)
def test_validate_reports_errors_at_their_line(
    client: FlaskClient, text: str, line: int, path: str, fragment: str
) -> None:
    body = ValidateResponse.model_validate(client.post("/orchestrator/validate", json={"yaml": text}).get_json())
    assert not body.valid and body.errors
    found = [e for e in body.errors if e.path.startswith(path) and fragment in e.message]
    assert found, body.errors
    assert found[0].line == line and found[0].column >= 1


def test_validate_a_text_over_the_size_limit_reports_it(client: FlaskClient, settings) -> None:
    text = "name: x\n# " + "x" * settings.MAX_PIPELINE_BYTES
    body = client.post("/orchestrator/validate", json={"yaml": text}).get_json()
    assert not body["valid"] and "limit" in body["errors"][0]["message"]


@pytest.mark.parametrize("body", [{}, {"yaml": 3}, {"yaml": "x", "more": 1}, {"text": "name: x"}])
def test_validate_malformed_bodies_are_400(client: FlaskClient, body: dict) -> None:
    assert client.post("/orchestrator/validate", json=body).status_code == 400
