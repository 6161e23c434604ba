"""Callers of /orchestrator: bearer API tokens when configured, else the session cookie; runs are per caller."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from config import Config

TOKEN_A, TOKEN_B = "token-a-" + "x" * 24, "token-b-" + "y" * 24
A, B = {"Authorization": f"Bearer {TOKEN_A}"}, {"Authorization": f"Bearer {TOKEN_B}"}


@pytest.fixture
def token_app(settings: Config) -> Iterator[Flask]:
    """The app with two API tokens configured."""
    application = create_app(settings.model_copy(update={"API_TOKENS": [TOKEN_A, TOKEN_B]}))
    application.config["TESTING"] = True
    yield application
    application.extensions["t7"].engine.close()


ENDPOINTS = [
    ("post", "/orchestrator/run_chain", {"pipeline": "ejemplo_simple"}),
    ("post", "/orchestrator/resume/abcdefghijklmnopqrstuvwxyz012345", {"answer": "x"}),
    ("post", "/orchestrator/cancel/abcdefghijklmnopqrstuvwxyz012345", None),
    ("get", "/orchestrator/run_status/abcdefghijklmnopqrstuvwxyz012345", None),
    ("get", "/orchestrator/pipelines", None),
    ("get", "/orchestrator/pipelines/ejemplo_simple", None),
    ("get", "/orchestrator/pipelines/ejemplo_simple/graph", None),
    ("get", "/orchestrator/pipelines/ejemplo_simple/versions", None),
    ("put", "/orchestrator/pipelines/ejemplo_simple", {"yaml": "name: ejemplo_simple\n"}),
    ("get", "/orchestrator/schema", None),
    ("post", "/orchestrator/validate", {"yaml": "name: x\n"}),
]


BAD_HEADERS = [
    None,
    "Bearer wrong",
    f"Basic {TOKEN_A}",
    "Bearer",
    f"Bearer {TOKEN_A}x",
    f"Bearer {TOKEN_A[:-1]}",
    f"bearer  {TOKEN_A} extra",
]


def test_with_tokens_every_endpoint_needs_a_valid_bearer_token(token_app: Flask) -> None:
    for method, url, body in ENDPOINTS:
        for header in BAD_HEADERS:
            headers = {"Authorization": header} if header else {}
            response = getattr(token_app.test_client(), method)(url, json=body, headers=headers)
            assert response.status_code == 401, (method, url, header)
            assert response.get_json()["error"]["code"] == "unauthorized"
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
        response = getattr(token_app.test_client(), method)(url, json=body, headers=A)
        assert response.status_code != 401 and response.status_code < 500, (method, url)


def test_openapi_stays_public_and_declares_bearer_auth(token_app: Flask) -> None:
    document = token_app.test_client().get("/orchestrator/openapi.json").get_json()
    assert document["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert document["security"] == [{"bearerAuth": []}]
    assert document["paths"]["/orchestrator/openapi.json"]["get"]["security"] == []


def test_a_run_belongs_to_its_token_not_to_a_cookie(token_app: Flask) -> None:
    run = (
        token_app.test_client()
        .post("/orchestrator/run_chain", json={"pipeline": "ejemplo_simple"}, headers=A)
        .get_json()
    )
    other_client_same_token = token_app.test_client()
    url = f"/orchestrator/run_status/{run['run_id']}"
    assert other_client_same_token.get(url, headers=A).get_json()["status"] == "waiting"
    assert token_app.test_client().get(url, headers=B).status_code == 404
    assert (
        token_app.test_client()
        .post(f"/orchestrator/resume/{run['run_id']}", json={"answer": "Eve"}, headers=B)
        .status_code
        == 404
    )
    done = other_client_same_token.post(f"/orchestrator/resume/{run['run_id']}", json={"answer": "Ana"}, headers=A)
    assert done.get_json()["status"] == "completed"


def test_tokens_are_not_stored_as_owners(token_app: Flask) -> None:
    run = (
        token_app.test_client()
        .post("/orchestrator/run_chain", json={"pipeline": "ejemplo_simple"}, headers=A)
        .get_json()
    )
    owner = token_app.extensions["t7"].engine.runs.get(run["run_id"])["owner"]
    assert owner.startswith("token:") and TOKEN_A not in owner


def test_without_tokens_the_session_cookie_decides(app: Flask, client: FlaskClient) -> None:
    run = client.post("/orchestrator/run_chain", json={"pipeline": "ejemplo_simple"}, headers=A).get_json()
    url = f"/orchestrator/run_status/{run['run_id']}"
    assert client.get(url).status_code == 200
    assert app.test_client().get(url, headers=A).status_code == 404  # same header, other cookie jar
    text = client.get("/orchestrator/pipelines/ejemplo_simple").get_json()["yaml"]
    assert client.put("/orchestrator/pipelines/ejemplo_simple", json={"yaml": text}).status_code == 200


def test_a_session_cookie_cannot_be_forged(app: Flask, client: FlaskClient) -> None:
    run = client.post("/orchestrator/run_chain", json={"pipeline": "ejemplo_simple"}).get_json()
    forger = app.test_client()
    forger.set_cookie("session", client.get_cookie("session").value[:-2] + "xx")
    assert forger.get(f"/orchestrator/run_status/{run['run_id']}").status_code == 404
