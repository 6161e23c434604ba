"""Pure catalog text rules (normalisation, plurals) and the shape of the demo data."""

from __future__ import annotations

from collections import Counter

import pytest

from textnorm import key as normalize
from textnorm import singular
from textnorm import words as tokens
from tools.catalog.catalog_text import contains_all
from tools.catalog.demo_data import LISTED_CUSTOMERS, LISTED_PRODUCTS, demo_customers, demo_products

CONTRACT_PRODUCTS = [
    "Teclado mecánico", "Teclado inalámbrico", "Ratón inalámbrico", "Ratón óptico USB", "Monitor 24 pulgadas",
    "Monitor 27 pulgadas", "Portátil 14 pulgadas", "Silla ergonómica", "Auriculares con micrófono",
    "Cable HDMI 2 m", "Webcam HD", "Impresora láser", "Papel A4 500 hojas", "Bolígrafo azul", "Grapadora",
]  # fmt: skip
CONTRACT_CUSTOMERS = ["ACME S.A.", "Globex", "Initech", "Umbrella Corp", "Stark Industries"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Teclado mecánico", "teclado mecanico"),
        ("2 teclados", "2 teclado"),
        ("teclados", "teclado"),
        ("RATONES", "raton"),
        ("ratón inalámbrico", "raton inalambrico"),
        ("monitores", "monitor"),
        ("monitr 27 pulgadas", "monitr 27 pulgada"),
        ("sillas ergonómicas", "silla ergonomica"),
        ("bolígrafos azules", "boligrafo azul"),
        ("impresoras", "impresora"),
        ("impresora laser", "impresora laser"),
        ("Impresora láser", "impresora laser"),
        ("grapadoras", "grapadora"),
        ("webcam hd", "webcam hd"),
        ("Webcam HD", "webcam hd"),
        ("auriculares", "auricular"),
        ("Auriculares con micrófono", "auricular microfono"),
        ("auricular de micrófono", "auricular microfono"),
        ("Cable HDMI 2 m", "cable hdmi 2 m"),
        ("cables hdmi de 2m", "cable hdmi 2 m"),
        ("Papel A4 500 hojas", "papel a4 500 hoja"),
        ("portátiles", "portatil"),
        ("lápices", "lapiz"),
        ("altavoces", "altavoz"),
        ("sobres", "sobre"),
        ("verdes", "verde"),
        ("grises", "gris"),
        ("paraguas", "paragua"),
        ("ACME S.A.", "acme sa"),
        ("acme sa", "acme sa"),
        ("Stark Industries", "stark industry"),
        ("  Umbrella   Corp ", "umbrella corp"),
        ("X' OR '1'='1", "x or 1 1"),
        ("'; DROP TABLE products; --", "drop table product"),
        ("de la", ""),
        ("", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("teclados", "teclado"), ("ratones", "raton"), ("azules", "azul"), ("redes", "red"), ("reyes", "rey"),
        ("cables", "cable"), ("claves", "clave"), ("monitors", "monitor"), ("batteries", "battery"),
        ("boxes", "box"), ("glasses", "glass"), ("switches", "switch"), ("series", "serie"), ("crisis", "crisis"),
        ("virus", "virus"), ("usb", "usb"), ("a4", "a4"), ("gb", "gb"), ("clips", "clip"), ("pies", "pie"),
    ],
)  # fmt: skip
def test_singular(word: str, expected: str) -> None:
    assert singular(word) == expected


@pytest.mark.parametrize("name", CONTRACT_PRODUCTS + CONTRACT_CUSTOMERS)
def test_singular_and_plural_forms_agree(name: str) -> None:
    def pluralise(word: str) -> str:
        if not word.isalpha() or len(word) <= 3 or word.endswith("s") or word.isupper():  # not acronyms
            return word
        return word + ("es" if word[-1] in "lrnd" else "s")

    plural = " ".join(pluralise(word) for word in name.split())
    assert normalize(plural) == normalize(name)


def test_contains_all_needs_whole_words() -> None:
    assert contains_all("papel a4 500 hoja", ["papel", "a4"])
    assert not contains_all("papelera metalica 18 l", ["papel"])
    assert not contains_all("papel a4 500 hoja", [])


def test_demo_data_has_the_contract_names_and_sizes() -> None:
    products, customers = demo_products(), demo_customers()
    names = {p["name"]: p for p in products}
    assert len(products) >= 200 and len(customers) >= 20
    assert all(name in names for name in CONTRACT_PRODUCTS)
    assert {c["name"] for c in customers} >= set(CONTRACT_CUSTOMERS)
    assert names["Impresora láser"]["stock"] == 2
    assert all(names[n]["stock"] >= 50 for n in CONTRACT_PRODUCTS if n != "Impresora láser")
    assert [row[1] for row in LISTED_PRODUCTS] == CONTRACT_PRODUCTS
    assert [c["name"] for c in LISTED_CUSTOMERS] == CONTRACT_CUSTOMERS


def test_demo_data_is_unique_and_deterministic() -> None:
    products = demo_products()
    assert demo_products() == products
    assert len({p["sku"] for p in products}) == len(products)
    assert not [k for k, n in Counter(normalize(p["name"]) for p in products).items() if n > 1]
    assert len({normalize(c["name"]) for c in demo_customers()}) == len(demo_customers())


def test_generated_products_never_share_a_head_word_with_the_contract_names() -> None:
    heads = {tokens(name)[0] for name in CONTRACT_PRODUCTS}
    clashes = [p["name"] for p in demo_products()[len(LISTED_PRODUCTS) :] if heads & set(tokens(p["name"]))]
    assert clashes == []
