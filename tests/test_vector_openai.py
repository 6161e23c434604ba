"""The OpenAIEmbeddings path, against a small OpenAI-compatible embeddings server on loopback."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from config import Config
from vector_memory import NgramEmbeddings, VectorMemory, build_embeddings, fingerprint
from vector_memory.samples import demo_products


@dataclass
class EmbeddingServer:
    """A loopback server answering POST /v1/embeddings with n-gram vectors, recording each request."""

    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)


def _app(server: EmbeddingServer, embedder: NgramEmbeddings) -> Any:
    @Request.application
    def app(request: Request) -> Response:
        if request.method != "POST" or request.path != "/v1/embeddings":
            return Response(json.dumps({"error": {"message": "not found"}}), 404, mimetype="application/json")
        body = request.get_json()
        server.requests.append({"body": body, "auth": request.headers.get("Authorization")})
        texts = [body["input"]] if isinstance(body["input"], str) else body["input"]
        vectors = embedder.embed_array(texts)
        as_base64 = body.get("encoding_format") == "base64"
        data = [
            {
                "object": "embedding",
                "index": i,
                "embedding": base64.b64encode(v.astype("<f4").tobytes()).decode() if as_base64 else v.tolist(),
            }
            for i, v in enumerate(vectors)
        ]
        usage = {"prompt_tokens": len(texts), "total_tokens": len(texts)}
        answer = {"object": "list", "data": data, "model": body["model"], "usage": usage}
        return Response(json.dumps(answer), mimetype="application/json")

    return app


@pytest.fixture
def server() -> Iterator[EmbeddingServer]:
    state = EmbeddingServer(url="")
    httpd = make_server("127.0.0.1", 0, _app(state, NgramEmbeddings(dim=64)), threaded=True)
    state.url = f"http://127.0.0.1:{httpd.server_port}/v1"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_openai_embeddings_are_used_when_configured(server: EmbeddingServer, tmp_path: Path) -> None:
    config = Config(EMBEDDINGS="openai", OPENAI_BASE_URL=server.url, OPENAI_API_KEY="sk-test", LLM_TIMEOUT=5)
    embeddings = build_embeddings(config)
    assert type(embeddings).__name__ == "OpenAIEmbeddings"
    vector = embeddings.embed_query("Teclado mecánico")
    assert len(vector) == 64
    assert np.allclose(vector, NgramEmbeddings(dim=64).embed_query("Teclado mecánico"), atol=1e-6)
    first = server.requests[0]
    assert first["auth"] == "Bearer sk-test"
    assert first["body"]["model"] == "text-embedding-3-small"
    assert first["body"]["input"] == ["Teclado mecánico"]  # raw text, not tiktoken ids: works offline

    memory = VectorMemory(tmp_path, embeddings)
    memory.upsert("products", [{"key": str(i), "text": name} for i, name in enumerate(demo_products())])
    assert memory.suggest("products", "tecaldo mecanico")[0]["text"] == "Teclado mecánico"
    assert memory.suggest("products", "umbrela", min_score=0.99) == []
    assert fingerprint(embeddings).endswith(f"text-embedding-3-small::{server.url}")
    reopened = VectorMemory(tmp_path, build_embeddings(config))
    before = len(server.requests)
    assert reopened.suggest("products", "monitr 27 pulgadas")[0]["text"] == "Monitor 27 pulgadas"
    assert len(server.requests) == before + 1  # index loaded from disk: only the query was embedded


def test_a_model_can_be_chosen(server: EmbeddingServer) -> None:
    config = Config(EMBEDDINGS="openai", OPENAI_BASE_URL=server.url, OPENAI_API_KEY=None)
    build_embeddings(config, model="nomic-embed-text").embed_documents(["Grapadora", "Webcam HD"])
    assert server.requests[-1]["body"]["model"] == "nomic-embed-text"
    assert server.requests[-1]["body"]["input"] == ["Grapadora", "Webcam HD"]
