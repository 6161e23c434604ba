"""The offline n-gram embeddings: normalisation, stability, speed and robustness to typos."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from config import PROJECT_DIR, Config
from vector_memory import EmbeddingsUnavailable, NgramEmbeddings, build_embeddings, normalise
from vector_memory.samples import CONTRACT_CUSTOMERS, CONTRACT_PRODUCTS, catalog_names, demo_products, typos

NAMES = [*demo_products(), *CONTRACT_CUSTOMERS]


@pytest.fixture(scope="module")
def embeddings() -> NgramEmbeddings:
    return NgramEmbeddings()


@pytest.fixture(scope="module")
def catalog(embeddings: NgramEmbeddings) -> np.ndarray:
    return embeddings.embed_array(NAMES)


def top(embeddings: NgramEmbeddings, catalog: np.ndarray, query: str) -> str:
    scores = catalog @ embeddings.embed_array([query])[0]
    return NAMES[int(scores.argmax())]


def test_sample_catalog_is_big_and_distinct() -> None:
    assert len(demo_products()) == len(set(demo_products())) >= 215
    assert set(CONTRACT_PRODUCTS) <= set(demo_products())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ratón Óptico, USB!", "raton optico usb"),
        ("  PORTÁTIL   14\tpulgadas ", "portatil 14 pulgadas"),
        ("Año ñandú", "ano nandu"),
        ("ACME S.A.", "acme s a"),
        ("\ud800broken", "broken"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_vectors_are_unit_float32_and_langchain_compatible(embeddings: NgramEmbeddings) -> None:
    assert isinstance(embeddings, Embeddings)
    matrix = embeddings.embed_array(["Teclado mecánico", "", "!!!"])
    assert matrix.dtype == np.float32 and matrix.shape == (3, 256)
    assert np.linalg.norm(matrix[0]) == pytest.approx(1.0, abs=1e-5)
    assert not matrix[1].any() and not matrix[2].any()  # nothing to hash: zero vector, never NaN
    assert embeddings.embed_query("Teclado mecánico") == pytest.approx(
        embeddings.embed_documents(["Teclado mecánico"])[0]
    )
    assert embeddings.embed_query("TECLADO MECANICO") == pytest.approx(embeddings.embed_query("teclado mecánico"))


def test_plural_and_accents_do_not_matter(embeddings: NgramEmbeddings) -> None:
    singular, plural = embeddings.embed_array(["monitor de 27 pulgadas", "Monitores de 27 pulgadas"])
    assert float(singular @ plural) > 0.99


def test_hash_is_stable_across_processes(embeddings: NgramEmbeddings) -> None:
    code = "import json, vector_memory as v; print(json.dumps(v.NgramEmbeddings().embed_query('Grapadora')[:8]))"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == pytest.approx(embeddings.embed_query("Grapadora")[:8])


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("monitr 27 pulgadas", "Monitor 27 pulgadas"),
        ("monitor 24 pulgada", "Monitor 24 pulgadas"),
        ("umbrela corp", "Umbrella Corp"),
        ("tecaldo mecanico", "Teclado mecánico"),
        ("teclado inalambrco", "Teclado inalámbrico"),
        ("raton inalambrico", "Ratón inalámbrico"),
        ("raton optico", "Ratón óptico USB"),
        ("portatil 14", "Portátil 14 pulgadas"),
        ("sila ergonomica", "Silla ergonómica"),
        ("auriculares con microfono", "Auriculares con micrófono"),
        ("cabel hdmi 2 m", "Cable HDMI 2 m"),
        ("webcam", "Webcam HD"),
        ("impresora laser", "Impresora láser"),
        ("papel a4", "Papel A4 500 hojas"),
        ("boligrafo azull", "Bolígrafo azul"),
        ("grapadoras", "Grapadora"),
        ("acme", "ACME S.A."),
        ("globexx", "Globex"),
        ("inytech", "Initech"),
        ("stark industris", "Stark Industries"),
    ],
)
def test_typo_table(embeddings: NgramEmbeddings, catalog: np.ndarray, typed: str, expected: str) -> None:
    assert top(embeddings, catalog, typed) == expected


def test_generated_typos_find_the_right_name_first(embeddings: NgramEmbeddings, catalog: np.ndarray) -> None:
    pairs = typos(demo_products(), 300, seed=5)
    hits = sum(top(embeddings, catalog, typed) == name for typed, name in pairs)
    assert hits / len(pairs) >= 0.95


def test_many_names_embed_fast(embeddings: NgramEmbeddings) -> None:
    names = catalog_names(20_000)  # the benchmark does 100k
    started = time.perf_counter()
    matrix = embeddings.embed_array(names)
    assert matrix.shape == (20_000, 256)
    assert time.perf_counter() - started < 10  # ~0.5 s on an idle 2-core machine; generous for busy runners


def test_bad_dimensions_are_refused() -> None:
    with pytest.raises(ValueError, match="power of two"):
        NgramEmbeddings(dim=100)


def test_factory_defaults_to_offline() -> None:
    assert isinstance(build_embeddings(Config(EMBEDDINGS="offline")), NgramEmbeddings)


def test_factory_rejects_unknown_kind_and_unconfigured_openai() -> None:
    with pytest.raises(EmbeddingsUnavailable, match="offline, openai, local"):
        build_embeddings(Config(EMBEDDINGS="magic"))
    with pytest.raises(EmbeddingsUnavailable, match="OPENAI_API_KEY"):
        build_embeddings(Config(EMBEDDINGS="openai", OPENAI_API_KEY=None, OPENAI_BASE_URL=None))


def test_local_model_needs_the_optional_extra() -> None:
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        with pytest.raises(EmbeddingsUnavailable, match="local-embeddings") as raised:
            build_embeddings(Config(EMBEDDINGS="local"))
        assert raised.value.details == {"missing": "sentence-transformers"}
    else:
        pytest.skip("sentence-transformers is installed; this test covers its absence")
