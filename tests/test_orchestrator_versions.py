"""PUT /orchestrator/pipelines/<name>: new versions, kept old ones, and runs that keep their version."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from graphs.run.versions import text_version
from routes.orchestrator_models import SavedPipeline

GREETING = "¡Hola, {{ nombre }}! Encantado de ayudarte."


def edited(pipelines_dir: Path, old: str = GREETING, new: str = "¡Buenas, {{ nombre }}! Un placer.") -> str:
    text = (pipelines_dir / "ejemplo_simple.yaml").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new)


def save(client: FlaskClient, name: str, text: str, status: int = 200) -> dict:
    response = client.put(f"/orchestrator/pipelines/{name}", json={"yaml": text})
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def test_save_writes_the_new_version_and_keeps_the_old(client: FlaskClient, engine, pipelines_dir: Path) -> None:
    path = pipelines_dir / "ejemplo_simple.yaml"
    old_text, new_text = path.read_text(encoding="utf-8"), edited(pipelines_dir)
    old_version = text_version(old_text)
    assert old_version == engine.config("ejemplo_simple").content_hash
    body = SavedPipeline.model_validate(save(client, "ejemplo_simple", new_text))
    assert body.version == text_version(new_text) != old_version
    assert body.previous_version == old_version and body.yaml == new_text and body.valid
    assert path.read_text(encoding="utf-8") == new_text
    assert (pipelines_dir / ".versions" / "ejemplo_simple" / f"{old_version}.yaml").read_text(
        encoding="utf-8"
    ) == old_text
    assert engine.runs.version_text("ejemplo_simple", old_version) == old_text
    assert engine.config("ejemplo_simple").content_hash == body.version
    listed = {p["name"]: p for p in client.get("/orchestrator/pipelines").get_json()}
    assert listed["ejemplo_simple"]["version"] == body.version
    assert list(pipelines_dir.glob(".*.tmp")) == [] and "ejemplo_simple" in engine.names()


def test_get_an_old_version_by_query(client: FlaskClient, pipelines_dir: Path) -> None:
    old = client.get("/orchestrator/pipelines/ejemplo_simple").get_json()
    save(client, "ejemplo_simple", edited(pipelines_dir))
    response = client.get(f"/orchestrator/pipelines/ejemplo_simple?version={old['version']}")
    assert response.status_code == 200
    assert response.get_json()["yaml"] == old["yaml"] and response.get_json()["version"] == old["version"]
    assert "Buenas" in client.get("/orchestrator/pipelines/ejemplo_simple").get_json()["yaml"]
    versions = client.get("/orchestrator/pipelines/ejemplo_simple/versions").get_json()
    assert versions["versions"][0] == old["version"] and versions["current"] == versions["versions"][-1]
    assert client.get("/orchestrator/pipelines/ejemplo_simple?version=0123456789abcdef").status_code == 404
    assert client.get("/orchestrator/pipelines/ejemplo_simple?version=../../x").status_code == 400


def test_a_waiting_run_finishes_on_the_version_it_started_on(client: FlaskClient, pipelines_dir: Path) -> None:
    before = client.post("/orchestrator/run_chain", json={"pipeline": "ejemplo_simple"}).get_json()
    old_version = client.get(f"/orchestrator/run_status/{before['run_id']}").get_json()["pipeline_version"]
    saved = save(client, "ejemplo_simple", edited(pipelines_dir))
    after = client.post("/orchestrator/run_chain", json={"pipeline": "ejemplo_simple"}).get_json()
    status = client.get(f"/orchestrator/run_status/{after['run_id']}").get_json()
    assert status["pipeline_version"] == saved["version"]
    old_run = client.post(f"/orchestrator/resume/{before['run_id']}", json={"answer": "Ana"}).get_json()
    new_run = client.post(f"/orchestrator/resume/{after['run_id']}", json={"answer": "Ana"}).get_json()
    assert "¡Hola, Ana!" in old_run["message"] and "¡Buenas, Ana!" in new_run["message"]
    assert client.get(f"/orchestrator/run_status/{before['run_id']}").get_json()["pipeline_version"] == old_version
    graph = client.get(f"/orchestrator/pipelines/ejemplo_simple/graph?format=mermaid&run_id={before['run_id']}")
    assert graph.status_code == 200


def test_a_comment_is_a_new_version_and_the_same_text_is_not(client: FlaskClient, pipelines_dir: Path) -> None:
    path = pipelines_dir / "ejemplo_simple.yaml"
    text = path.read_text(encoding="utf-8")
    same = save(client, "ejemplo_simple", text)
    assert same["version"] == same["previous_version"] == text_version(text)
    commented = save(client, "ejemplo_simple", text + "# una nota\n")
    assert commented["version"] != same["version"] and commented["previous_version"] == same["version"]


def test_saving_a_sub_pipeline_changes_its_parents_runs(client: FlaskClient, pipelines_dir: Path) -> None:
    save(client, "ejemplo_simple", edited(pipelines_dir, '¡Hola, {{ nombre }}!"', '¡Saludos, {{ nombre }}!"'))
    run = client.post(
        "/orchestrator/run_chain", json={"pipeline": "todo_junto", "args": {"cantidad": 2, "nombre": "Eva"}}
    ).get_json()
    assert run["output"]["texto_saludo"] == "¡Saludos, Eva!"


def test_save_a_new_pipeline_then_run_it(client: FlaskClient, engine) -> None:
    text = "name: nuevo\ndescription: uno nuevo\nsteps:\n  - id: fin\n    kind: reply\n    message: listo\n"
    body = save(client, "nuevo", text)
    assert body["previous_version"] is None and "nuevo" in engine.names()
    run = client.post("/orchestrator/run_chain", json={"pipeline": "nuevo"}).get_json()
    assert run["status"] == "completed" and run["message"] == "listo"


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("name: ejemplo_simple\nsteps:\n  - id: a\n    kind: reply\n    mesage: hola\n", "steps.0"),
        ("name: otro_nombre\nsteps:\n  - id: a\n    kind: reply\n    message: hola\n", "name"),
        ("name: ejemplo_simple\nsteps: [\n", ""),
        ("", ""),
    ],
)
def test_invalid_text_is_400_with_every_error_and_changes_nothing(
    client: FlaskClient, pipelines_dir: Path, text: str, path: str
) -> None:
    before = (pipelines_dir / "ejemplo_simple.yaml").read_bytes()
    response = client.put("/orchestrator/pipelines/ejemplo_simple", json={"yaml": text})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "pipeline_invalid" and isinstance(error["details"], list)
    assert all(set(item) == {"line", "column", "path", "message"} for item in error["details"])
    assert any(item["path"].startswith(path) for item in error["details"])
    assert (pipelines_dir / "ejemplo_simple.yaml").read_bytes() == before
    assert not (pipelines_dir / ".versions").exists()


def test_put_with_a_bad_body_is_4xx(client: FlaskClient) -> None:
    assert client.put("/orchestrator/pipelines/ejemplo_simple", json={"yaml": 1}).status_code == 400
    assert (
        client.put("/orchestrator/pipelines/ejemplo_simple", data="name: x", content_type="text/yaml").status_code
        == 415
    )


def test_concurrent_saves_leave_one_whole_version(app: Flask, pipelines_dir: Path, engine) -> None:
    texts = [edited(pipelines_dir, new=f"¡Hola {i}, {{{{ nombre }}}}!") for i in range(8)]
    statuses: list[int] = []

    def put(text: str) -> None:
        statuses.append(
            app.test_client().put("/orchestrator/pipelines/ejemplo_simple", json={"yaml": text}).status_code
        )

    threads = [threading.Thread(target=put, args=(t,)) for t in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 8
    assert (pipelines_dir / "ejemplo_simple.yaml").read_text(encoding="utf-8") in texts
    kept = {p.stem for p in (pipelines_dir / ".versions" / "ejemplo_simple").glob("*.yaml")}
    assert {text_version(t) for t in texts} <= kept
    assert list(pipelines_dir.glob(".*.tmp")) == []
