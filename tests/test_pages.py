"""The pages through Flask's test client: they render with local assets, refuse bad names, escape; upload; preview."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from config import PROJECT_DIR

STATIC = PROJECT_DIR / "static"
EJEMPLO = (PROJECT_DIR / "pipelines" / "ejemplo_simple.yaml").read_text(encoding="utf-8")


def _assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


@pytest.mark.parametrize("url", ["/", "/editor", "/editor?name=ejemplo_simple", "/graph/ejemplo_simple"])
def test_pages_render_with_only_local_assets(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    html = response.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    for asset in _assets(html):
        if asset.startswith("/static/"):
            with client.get(asset) as served:
                assert served.status_code == 200, asset


def test_scripts_import_only_local_modules() -> None:
    for script in (STATIC / "js").glob("*.js"):
        text = script.read_text(encoding="utf-8")
        assert "innerHTML" not in text and "insertAdjacentHTML" not in text and "eval(" not in text, script.name
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text), script.name
        for target in re.findall(r'from "([^"]+)"', text):
            local = target.startswith(("./", "../vendor/"))
            assert local and (script.parent / target).resolve().is_file(), (script.name, target)


@pytest.mark.parametrize(
    "name",
    ["nope", "Ejemplo_simple", "..%2F..%2Fconfig", "%2e%2e%2f", "a%00b", "x" * 300, "ejemplo_simple.yaml", "_hidden"],
)
def test_graph_page_of_an_unknown_or_malformed_name_is_404(client: FlaskClient, name: str) -> None:
    assert client.get(f"/graph/{name}").status_code == 404


def test_graph_page_carries_name_and_only_a_well_formed_run_id(client: FlaskClient) -> None:
    run_id = "A" * 32
    html = client.get(f"/graph/ejemplo_simple?run_id={run_id}").get_data(as_text=True)
    assert 'data-name="ejemplo_simple"' in html and f'data-run-id="{run_id}"' in html
    hostile = client.get('/graph/ejemplo_simple?run_id="><script>alert(1)</script>').get_data(as_text=True)
    assert "<script>alert" not in hostile and 'data-run-id=""' in hostile


def test_editor_preselects_only_known_pipelines(client: FlaskClient) -> None:
    assert 'data-selected="ejemplo_simple"' in client.get("/editor?name=ejemplo_simple").get_data(as_text=True)
    hostile = client.get('/editor?name="><script>alert(1)</script>').get_data(as_text=True)
    assert "<script>alert" not in hostile and 'data-selected=""' in hostile


def _xlsx(tmp_path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / "pedido.xlsx"
    book.save(path)
    return path


def test_upload_starts_the_order_and_keeps_the_session(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    if "alta_pedido" not in app.extensions["t7"].engine.names():
        pytest.skip("the alta_pedido pipeline is not in pipelines/ yet")
    path = _xlsx(
        tmp_path,
        [["Producto", "Cantidad", "Cliente"], ["Teclado mecánico", 3, "Initech"], ["monitr 27 pulgadas", 1, None]],
    )
    with path.open("rb") as handle:
        response = client.post("/chat/upload", data={"file": (handle, "pedido.xlsx"), "session_id": "sesion_excel_1"})
    assert response.status_code == 200, response.get_data(as_text=True)
    reply = response.get_json()
    assert reply["session_id"] == "sesion_excel_1" and reply["pipeline"] == "alta_pedido"
    assert reply["status"] == "waiting" and "Monitor 27 pulgadas" in reply["options"]
    answer = client.post("/chat", json={"message": "1", "session_id": "sesion_excel_1"}).get_json()
    assert answer["data"]["customer"] == "Initech"
    assert [line["product"] for line in answer["data"]["lines"]] == ["Teclado mecánico", "Monitor 27 pulgadas"]


def test_upload_without_session_mints_one(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [["producto", "cantidad"], ["Webcam HD", 1]])
    with path.open("rb") as handle:
        reply = client.post("/chat/upload", data={"file": (handle, "p.xlsx")}).get_json()
    assert re.fullmatch(r"[A-Za-z0-9_-]{8,64}", reply["session_id"])


@pytest.mark.parametrize(
    ("form", "fragment"),
    [
        ({}, "file"),
        ({"file": (b"producto;cantidad\n", "p.csv")}, "Excel"),
        ({"file": (b"PK\x03\x04garbage", "p.xlsx")}, "Excel"),
        ({"file": (b"PK\x03\x04garbage", "p.xlsx"), "session_id": "../bad id"}, "session_id"),
    ],
)
def test_bad_uploads_are_400_in_the_error_shape(client: FlaskClient, form: dict[str, object], fragment: str) -> None:
    data = {k: (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v for k, v in form.items()}
    response = client.post("/chat/upload", data=data)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "details"} and fragment in error["message"]


def test_upload_over_the_body_limit_is_413(client: FlaskClient) -> None:
    # A hand-made multipart body: the test client would spool a large one to a temporary file it never closes.
    body = (
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="p.xlsx"\r\n\r\nPK\x03\x04'
        + b"0" * (1024 * 1024)
        + b"\r\n--B--\r\n"
    )
    response = client.post("/chat/upload", data=body, content_type="multipart/form-data; boundary=B")
    assert response.status_code == 413
    assert "error" in response.get_json()


def test_preview_draws_unsaved_yaml_without_saving_it(client: FlaskClient, pipelines_dir: Path) -> None:
    text = EJEMPLO.replace("name: ejemplo_simple", "name: borrador_nuevo").replace(
        "  - id: saludar", "  - id: despedir\n    kind: reply\n    message: adiós\n  - id: saludar"
    )
    response = client.post("/editor/preview", json={"yaml": text})
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert "despedir" in svg and "pedir_nombre" in svg
    assert not (pipelines_dir / "borrador_nuevo.yaml").exists()
    ascii_art = client.post("/editor/preview", json={"yaml": text, "format": "ascii"}).get_data(as_text=True)
    assert "despedir" in ascii_art


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"yaml": "name: x\nsteps: 3\n"}, 400),
        ({"yaml": "name: [unclosed\n"}, 400),
        ({"yaml": EJEMPLO, "format": "gif"}, 400),
        ({"yaml": EJEMPLO, "extra": 1}, 400),
        ([1, 2], 400),
    ],
)
def test_preview_of_bad_input_is_a_4xx_with_errors(client: FlaskClient, body: object, status: int) -> None:
    response = client.post("/editor/preview", json=body)
    assert response.status_code == status
    assert "error" in response.get_json()


def test_preview_errors_carry_their_line(client: FlaskClient) -> None:
    error = client.post("/editor/preview", json={"yaml": "name: x\nsteps: 3\n"}).get_json()["error"]
    assert error["code"] == "pipeline_invalid"
    assert error["details"][0]["line"] == 2 and error["details"][0]["path"] == "steps"


def test_browser_tests_skip_without_chromium_but_fail_in_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from tests import browser_fixtures

    monkeypatch.setattr(browser_fixtures, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="no-chromium"):
        browser_fixtures.require_browser()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="must run in CI"):
        browser_fixtures.require_browser()
