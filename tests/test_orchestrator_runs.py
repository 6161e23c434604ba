"""/orchestrator run endpoints: run_chain, resume, cancel, run_status, and every error path of them."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from routes.orchestrator_models import ErrorBody, RunResultModel, RunStatusModel


def start(client: FlaskClient, pipeline: str = "ejemplo_simple", **args: object) -> dict:
    response = client.post("/orchestrator/run_chain", json={"pipeline": pipeline, "args": args})
    assert response.status_code == 200, response.get_data(as_text=True)
    return RunResultModel.model_validate(response.get_json()).model_dump()


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return ErrorBody.model_validate(response.get_json()).error.model_dump()


def test_run_chain_completes_with_the_greeting(client: FlaskClient) -> None:
    result = start(client, nombre="Ana")
    assert result["status"] == "completed"
    assert result["output"] == {"saludo": "¡Hola, Ana!"}
    assert "Ana" in result["message"]
    assert result["question"] is None and result["error"] is None


def test_run_chain_waits_then_resume_completes(client: FlaskClient) -> None:
    first = start(client)
    assert first["status"] == "waiting" and "llamas" in first["question"]
    response = client.post(f"/orchestrator/resume/{first['run_id']}", json={"answer": "Luis"})
    assert response.status_code == 200
    second = RunResultModel.model_validate(response.get_json())
    assert second.status == "completed" and second.run_id == first["run_id"]
    assert second.output == {"saludo": "¡Hola, Luis!"}


def test_run_status_reports_step_path_and_version(client: FlaskClient, engine) -> None:
    run = start(client, "todo_junto", nombre="Eva")
    client.post(f"/orchestrator/resume/{run['run_id']}", json={"answer": "0"})  # invalid: loops back
    response = client.get(f"/orchestrator/run_status/{run['run_id']}")
    assert response.status_code == 200
    status = RunStatusModel.model_validate(response.get_json())
    assert status.status == "waiting" and status.current_step == "pedir_cantidad"
    assert status.steps_done == ["pedir_cantidad", "leer_cantidad"]
    assert status.pipeline_version == engine.config("todo_junto").content_hash
    client.post(f"/orchestrator/resume/{run['run_id']}", json={"answer": 12})
    done = client.get(f"/orchestrator/run_status/{run['run_id']}").get_json()
    assert done["status"] == "completed" and done["current_step"] is None
    assert done["output"] == {"total": 24, "texto_saludo": "¡Hola, Eva!"}


def test_cancel_a_waiting_run_then_it_cannot_be_answered(client: FlaskClient) -> None:
    run = start(client)
    response = client.post(f"/orchestrator/cancel/{run['run_id']}")
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert client.get(f"/orchestrator/run_status/{run['run_id']}").get_json()["status"] == "cancelled"
    error = error_of(client.post(f"/orchestrator/resume/{run['run_id']}", json={"answer": "x"}), 409)
    assert error["code"] == "conflict" and error["details"]["status"] == "cancelled"
    assert error_of(client.post(f"/orchestrator/cancel/{run['run_id']}"), 409)["code"] == "conflict"


def test_resume_a_completed_run_is_409(client: FlaskClient) -> None:
    run = start(client, nombre="Ana")
    error = error_of(client.post(f"/orchestrator/resume/{run['run_id']}", json={"answer": "otra"}), 409)
    assert error["details"]["status"] == "completed" and "not waiting" in error["details"]["detail"]


def test_unknown_pipeline_is_404_listing_the_available_ones(client: FlaskClient) -> None:
    error = error_of(client.post("/orchestrator/run_chain", json={"pipeline": "no_existe"}), 404)
    assert error["code"] == "not_found" and "ejemplo_simple" in error["details"]["available"]


@pytest.mark.parametrize(
    ("args", "fragment", "sentence"),
    [
        ({"apellido": "x"}, "unknown input", "no tiene ningún dato llamado «apellido»"),
        ({"cantidad": "muchas"}, "must be of type integer", "tiene que ser un número entero"),
        ({"nombre": "x" * 10_001}, "longer than", "demasiado largo"),
    ],
)
def test_bad_args_are_400(client: FlaskClient, args: dict, fragment: str, sentence: str) -> None:
    pipeline = "todo_junto" if "cantidad" in args else "ejemplo_simple"
    error = error_of(client.post("/orchestrator/run_chain", json={"pipeline": pipeline, "args": args}), 400)
    assert error["code"] == "bad_input" and sentence in error["message"]
    assert fragment in error["details"]["detail"]  # the English technical text


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"pipeline": "Ejemplo"},
        {"pipeline": "ejemplo_simple", "extra": 1},
        {"pipeline": 3},
        {"pipeline": "ejemplo_simple", "args": []},
        {"pipeline": "a" * 65},
    ],
)
def test_malformed_run_chain_bodies_are_400(client: FlaskClient, body: dict) -> None:
    assert error_of(client.post("/orchestrator/run_chain", json=body), 400)["code"] == "bad_request"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ("{", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"pipeline": "ejemplo_simple", "args": {"nombre": NaN}}', "not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
        ('{"pipeline": "ejemplo_simple", "args": {"nombre": ' + "[" * 40 + "]" * 40 + "}}", "nested more than"),
        ('{"pipeline": "ejemplo_simple", "args": {"nombre": "a\\u0000b"}}', "args.nombre"),
        ('{"pipeline": "ejemplo_simple", "args": {"nombre": 1' + "0" * 5000 + "}}", "not valid JSON"),
        ('{"pipeline": "ejemplo_simple", "args": {"nombre": "\\ud800"}}', "surrogates"),
        (b'{"pipeline": "\xff"}', "not valid JSON"),
    ],
)
def test_hostile_json_is_400_never_500(client: FlaskClient, data: str | bytes, fragment: str) -> None:
    response = client.post("/orchestrator/run_chain", data=data, content_type="application/json")
    error = error_of(response, 400)
    assert fragment in f"{error['message']} {error['details']}"  # the technical text is in one or the other


def test_huge_integers_arrive_as_floats_and_never_break_a_run(client: FlaskClient) -> None:
    run = start(client, "todo_junto", nombre="Eva")
    response = client.post(f"/orchestrator/resume/{run['run_id']}", json={"answer": {"n": [10**30, -(10**25)]}})
    assert response.status_code == 200
    response = client.post("/orchestrator/run_chain", json={"pipeline": "ejemplo_simple", "args": {"nombre": 10**30}})
    assert response.status_code == 200 and response.get_json()["output"] == {"saludo": "¡Hola, 1e+30!"}


def test_a_body_that_is_not_json_is_415(client: FlaskClient) -> None:
    response = client.post(
        "/orchestrator/run_chain", data="pipeline=ejemplo_simple", content_type="application/x-www-form-urlencoded"
    )
    assert error_of(response, 415)["code"] == "unsupported_media_type"


def test_a_body_over_max_content_length_is_413(client: FlaskClient, app: Flask) -> None:
    big = json.dumps({"pipeline": "ejemplo_simple", "args": {"nombre": "x" * app.config["MAX_CONTENT_LENGTH"]}})
    response = client.post("/orchestrator/run_chain", data=big, content_type="application/json")
    assert error_of(response, 413)["code"] == "request_entity_too_large"
    response = client.post("/orchestrator/validate", data=big, content_type="application/json")
    assert response.status_code == 413


@pytest.mark.parametrize("answer", [None, "x" * 2001, "a\x00b"])
def test_bad_answers_are_400(client: FlaskClient, answer: object) -> None:
    run = start(client)
    error = error_of(client.post(f"/orchestrator/resume/{run['run_id']}", json={"answer": answer}), 400)
    assert error["code"] == "bad_request"
    assert client.get(f"/orchestrator/run_status/{run['run_id']}").get_json()["status"] == "waiting"


def test_resume_without_answer_is_400(client: FlaskClient) -> None:
    run = start(client)
    assert error_of(client.post(f"/orchestrator/resume/{run['run_id']}", json={}), 400)["code"] == "bad_request"


@pytest.mark.parametrize("answer", [7, 2.5, True, ["a", "b"], {"nombre": "Ana"}])
def test_any_json_answer_is_accepted(client: FlaskClient, answer: object) -> None:
    run = start(client)
    response = client.post(f"/orchestrator/resume/{run['run_id']}", json={"answer": answer})
    assert response.status_code == 200 and response.get_json()["status"] == "completed"


@pytest.mark.parametrize("run_id", ["x", "no-such-run-0123456789abcdef", "a" * 65, "..%2f..%2fconfig", "%00" * 20])
def test_unknown_runs_are_404(client: FlaskClient, run_id: str) -> None:
    assert client.get(f"/orchestrator/run_status/{run_id}").status_code == 404
    assert client.post(f"/orchestrator/resume/{run_id}", json={"answer": "x"}).status_code == 404
    assert client.post(f"/orchestrator/cancel/{run_id}").status_code == 404


def test_run_ids_are_unguessable_and_unique(client: FlaskClient) -> None:
    ids = {start(client, nombre="A")["run_id"] for _ in range(50)}
    assert len(ids) == 50
    for run_id in ids:
        assert len(run_id) >= 32  # token_urlsafe(24): 192 random bits


def test_a_run_is_invisible_to_another_session(app: Flask, client: FlaskClient) -> None:
    run = start(client)
    stranger = app.test_client()
    run_id = run["run_id"]
    assert error_of(stranger.get(f"/orchestrator/run_status/{run_id}"), 404)["code"] == "not_found"
    assert error_of(stranger.post(f"/orchestrator/resume/{run_id}", json={"answer": "Eve"}), 404)
    assert error_of(stranger.post(f"/orchestrator/cancel/{run_id}"), 404)
    assert error_of(stranger.get(f"/orchestrator/pipelines/ejemplo_simple/graph?run_id={run_id}"), 404)
    assert client.get(f"/orchestrator/run_status/{run_id}").get_json()["status"] == "waiting"


def test_wrong_method_is_405_in_the_error_shape_with_allow(client: FlaskClient) -> None:
    response = client.get("/orchestrator/run_chain")
    assert error_of(response, 405)["code"] == "method_not_allowed"
    assert {m.strip() for m in response.headers["Allow"].split(",")} == {"OPTIONS", "POST"}
    assert "PUT" in client.delete("/orchestrator/pipelines/ejemplo_simple").headers["Allow"]
