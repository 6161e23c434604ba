"""textnorm: one normalisation for SQL, vectors and intents; the yes/no reader; language; hostile-text cleaning."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import textnorm
from graphs.run.inputs import validate_inputs
from pipelines.expressions import ENV
from pipelines.loader import load_config
from textnorm import key as normalize
from textnorm import words as tokens
from tools.catalog.demo_data import demo_customers, demo_products
from tools.language.intent import _words as intent_words
from vector_memory import NgramEmbeddings, VectorMemory
from vector_memory.ngram import tokens as vector_tokens

# Each of these gave different words in SQL, vectors and intents before there was one normalisation.
DISAGREED = [
    ("lápices", ["lapiz"]),
    ("Lápiz", ["lapiz"]),
    ("monitores", ["monitor"]),
    ("ratones", ["raton"]),
    ("sillas ergonómicas", ["silla", "ergonomica"]),
    ("S.A.", ["sa"]),
    ("ACME S.A.", ["acme", "sa"]),
    ("Altavoces", ["altavoz"]),
]


@pytest.mark.parametrize(("text", "expected"), DISAGREED)
def test_sql_vector_and_intent_words_agree(text: str, expected: list[str]) -> None:
    assert textnorm.words(text) == expected
    assert tokens(text) == expected  # SQL look-up
    assert vector_tokens(text) == expected  # vector n-grams
    assert intent_words(text) == set(expected)  # intent word overlap


# The SQL column normalized_name is stored with these keys: they must never change for existing names.
CONTRACT_KEYS = {
    "Teclado mecánico": "teclado mecanico",
    "Teclado inalámbrico": "teclado inalambrico",
    "Ratón inalámbrico": "raton inalambrico",
    "Ratón óptico USB": "raton optico usb",
    "Monitor 24 pulgadas": "monitor 24 pulgada",
    "Monitor 27 pulgadas": "monitor 27 pulgada",
    "Portátil 14 pulgadas": "portatil 14 pulgada",
    "Silla ergonómica": "silla ergonomica",
    "Auriculares con micrófono": "auricular microfono",
    "Cable HDMI 2 m": "cable hdmi 2 m",
    "Webcam HD": "webcam hd",
    "Impresora láser": "impresora laser",
    "Papel A4 500 hojas": "papel a4 500 hoja",
    "Bolígrafo azul": "boligrafo azul",
    "Grapadora": "grapadora",
    "ACME S.A.": "acme sa",
    "Globex": "globex",
    "Initech": "initech",
    "Umbrella Corp": "umbrella corp",
    "Stark Industries": "stark industry",
}


@pytest.mark.parametrize(("name", "expected"), CONTRACT_KEYS.items())
def test_stored_keys_of_the_contract_names_do_not_change(name: str, expected: str) -> None:
    assert textnorm.key(name) == normalize(name) == expected


def test_every_demo_name_has_a_distinct_printable_key() -> None:
    names = [p["name"] for p in demo_products()] + [c["name"] for c in demo_customers()]
    keys = [textnorm.key(name) for name in names]
    assert all(key and key == key.strip() and "  " not in key for key in keys)
    assert len(set(keys)) == len(set(names))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Ratón  Óptico\tUSB ", "raton optico usb"), ("ÑANDÚ", "nandu"), ("Straße", "strasse"), ("", "")],
)
def test_fold_is_the_norm_filter(text: str, expected: str) -> None:
    assert textnorm.fold(text) == expected
    assert ENV.filters["norm"](text) == expected


YES = ["sí", "Sí.", "si", "SI!", "sí, claro", "vale", "ok", "OK!", "de acuerdo", "claro que sí", "yes", "yep"]
YES += ["sure", "confirmar", "confirmo", "adelante", "perfecto", "sí, gracias", "vale, por favor", "yes please"]
YES += ["Yes, go ahead", "that’s right", "👍", "  sí  "]
NO = ["no", "No.", "no, gracias", "nope", "nah", "mejor no", "claro que no", "no thanks", "NO!"]
NEITHER = ["sí, pero quita el teclado", "no, el cliente es Globex", "vale, pero sin ratones", "sí no", "cancelar"]
NEITHER += ["cancel", "quizá", "1", "", "   ", "¿sí?¿no?", "si quieres", "no sé", "tal vez", "sí\u202e abc"]


@pytest.mark.parametrize(("text", "expected"), [(t, "yes") for t in YES] + [(t, "no") for t in NO])
def test_yes_no_reads_plain_answers(text: str, expected: str) -> None:
    assert textnorm.yes_no(text) == expected


@pytest.mark.parametrize("text", NEITHER)
def test_yes_no_is_none_when_the_message_says_more(text: str) -> None:
    assert textnorm.yes_no(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I want to order 3 keyboards for ACME", "en"),
        ("yes", "en"),
        ("cancel", "en"),
        ("please remove the mouse", "en"),
        ("the second one", "en"),
        ("help", "en"),
        ("quiero pedir 2 grapadoras para globex", "es"),
        ("¿qué tengo que poner?", "es"),
        ("sí", "es"),
        ("cancela", "es"),
        ("3", "es"),
        ("", "es"),
        ("ok", "es"),
        ("Globex", "es"),
    ],
)
def test_language(text: str, expected: str) -> None:
    assert textnorm.language(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tec\u200blado", "teclado"),  # zero-width space inside a word
        ("tec\u200dla\u200cdo\u2060", "teclado"),  # joiners and word joiner
        ("\ufeffgrapadora", "grapadora"),  # byte order mark
        ("bolí\u00adgrafo", "bolígrafo"),  # soft hyphen
        ("a\x00b", "ab"),  # NUL
        ("\x1b[31mrojo\x1b[0m", "[31mrojo[0m"),  # escape sequences lose the ESC that makes them work
        ("ACME\u202eSA", "ACMESA"),  # right-to-left override
        ("\u2066x\u2069\u200e\u200f\u061c", "x"),  # isolates and marks
        ("ｔｅｃｌａｄｏ　ＵＳＢ", "teclado USB"),  # full-width letters and ideographic space
        ("ﬁltro", "filtro"),  # ligature
        ("  uno\tdos\r\ntres\rcuatro\u00a0cinco ", "uno dos\ntres\ncuatro cinco"),
        ("x\ud800y\udfffz", "xyz"),  # lone surrogates
        ("❤\ufe0f", "❤"),  # variation selector
        ("Ratón óptico", "Ratón óptico"),
        ("", ""),
    ],
)
def test_clean(text: str, expected: str) -> None:
    assert textnorm.clean(text) == expected


def test_clean_keeps_a_long_message_whole() -> None:
    text = ("3 teclados\u200b para ACME\x00\u202e, " * 100)[:2000]
    cleaned = textnorm.clean(text)
    assert len(cleaned) < 2000 and "\u200b" not in cleaned and "\x00" not in cleaned and "\u202e" not in cleaned
    assert cleaned.startswith("3 teclados para ACME,") and cleaned.count("teclados") == text.count("teclados")


def test_every_format_character_is_removed() -> None:
    """The hard-coded list of format characters matches this Python's Unicode database."""
    removed = [chr(cp) for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) in {"Cf", "Cc", "Cs"}]
    kept = [ch for ch in removed if textnorm.clean(f"a{ch}b") not in {"ab", "a b", "a\nb"}]
    assert kept == []


def test_string_run_inputs_are_cleaned() -> None:
    config = load_config(Path(__file__).parents[1] / "pipelines" / "ejemplo_simple.yaml")
    assert validate_inputs(config, {"nombre": " A\u202ena\x00\u200b "}) == {"nombre": "Ana"}


_CATEGORIES_OUT = {"Cc", "Cf", "Cs"}


@given(st.text(alphabet=st.characters(codec=None), max_size=200))
def test_clean_is_idempotent_and_leaves_no_control_or_format_characters(text: str) -> None:
    cleaned = textnorm.clean(text)
    assert textnorm.clean(cleaned) == cleaned
    assert all(ch == "\n" or unicodedata.category(ch) not in _CATEGORIES_OUT for ch in cleaned)
    assert cleaned == cleaned.strip()


@given(st.text(max_size=200))
def test_fold_is_idempotent_and_single_spaced(text: str) -> None:
    folded = textnorm.fold(text)
    assert textnorm.fold(folded) == folded
    assert folded == " ".join(folded.split())


@given(st.text(max_size=100))
def test_yes_no_never_fails(text: str) -> None:
    assert textnorm.yes_no(text) in {"yes", "no", None}
    assert textnorm.language(text) in {"es", "en"}


class _OldRuleEmbeddings(NgramEmbeddings):
    """The vector space of the first n-gram embeddings, whose words were singularised by another rule."""

    @property
    def fingerprint(self) -> str:
        """The fingerprint indexes were saved under before the one normalisation."""
        return "ngram:v1:256:2-4"

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Vectors of the reversed texts: a space unlike today's."""
        return super().embed_array([text[::-1] for text in texts])


def test_indexes_built_with_the_old_rule_are_rebuilt(tmp_path: Path) -> None:
    assert f"rules{textnorm.RULES_VERSION}" in NgramEmbeddings().fingerprint
    items = [{"key": "p1", "text": "Lápices de colores"}, {"key": "p2", "text": "Grapadora"}]
    old = VectorMemory(tmp_path, _OldRuleEmbeddings())
    old.upsert("products", items)
    assert old.search("products", "lapiz colores")[0]["score"] < 0.9
    hits = VectorMemory(tmp_path).search("products", "lapiz colores")
    assert hits[0]["key"] == "p1" and hits[0]["score"] > 0.99
