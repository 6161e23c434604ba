"""GET /orchestrator/openapi.json: every contract endpoint, generated from the same pydantic models."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from routes.orchestrator_models import RunChainRequest, YamlRequest

CONTRACT = {
    ("post", "/orchestrator/run_chain"),
    ("post", "/orchestrator/resume/{run_id}"),
    ("get", "/orchestrator/run_status/{run_id}"),
    ("get", "/orchestrator/pipelines"),
    ("get", "/orchestrator/pipelines/{name}"),
    ("put", "/orchestrator/pipelines/{name}"),
    ("get", "/orchestrator/pipelines/{name}/graph"),
    ("get", "/orchestrator/schema"),
    ("post", "/orchestrator/validate"),
    ("get", "/orchestrator/openapi.json"),
}


def test_every_contract_endpoint_is_documented(client: FlaskClient) -> None:
    response = client.get("/orchestrator/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    assert document["openapi"].startswith("3.")
    documented = {(method, path) for path, ops in document["paths"].items() for method in ops}
    assert documented >= CONTRACT
    assert "security" not in document  # no API tokens configured: the session cookie decides


def test_every_documented_route_exists_in_the_app(app: Flask, client: FlaskClient) -> None:
    document = client.get("/orchestrator/openapi.json").get_json()
    rules = {
        (m.lower(), rule.rule.replace("<", "{").replace(">", "}"))
        for rule in app.url_map.iter_rules()
        for m in rule.methods or ()
        if m not in ("HEAD", "OPTIONS")
    }
    documented = {(method, path) for path, ops in document["paths"].items() for method in ops}
    orchestrator_rules = {r for r in rules if r[1].startswith("/orchestrator")}
    assert documented == orchestrator_rules


def test_request_schemas_are_the_pydantic_models(client: FlaskClient) -> None:
    document = client.get("/orchestrator/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert (
        schemas["RunChainRequest"]["properties"]["pipeline"]
        == RunChainRequest.model_json_schema()["properties"]["pipeline"]
    )
    assert schemas["YamlRequest"]["required"] == ["yaml"] == YamlRequest.model_json_schema()["required"]
    body = document["paths"]["/orchestrator/run_chain"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/RunChainRequest"}


def test_graph_documents_each_picture_type_and_the_query(client: FlaskClient) -> None:
    graph = client.get("/orchestrator/openapi.json").get_json()["paths"]["/orchestrator/pipelines/{name}/graph"]
    content = graph["get"]["responses"]["200"]["content"]
    assert set(content) == {"image/svg+xml", "image/png", "text/plain; charset=utf-8"}
    params = {p["name"]: p for p in graph["get"]["parameters"]}
    assert params["format"]["schema"]["enum"] == ["svg", "png", "mermaid", "ascii"]
    assert params["run_id"]["in"] == "query" and not params["run_id"]["required"]


def test_errors_are_documented_in_the_error_shape(client: FlaskClient) -> None:
    document = client.get("/orchestrator/openapi.json").get_json()
    resume = document["paths"]["/orchestrator/resume/{run_id}"]["post"]["responses"]
    assert {"400", "404", "409", "413", "415"} <= set(resume)
    error = document["components"]["schemas"]["ErrorInfo"]
    assert set(error["required"]) == {"code", "message", "details"}
