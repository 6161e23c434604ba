"""The one quantity reader: digits, number words compound and large, dozens and pairs; no guessing."""

from __future__ import annotations

import pytest

from tools.language.quantity import keys_of, quantity_in, read_quantity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4", 4),
        ("cuatro", 4),
        ("veintiséis", 26),
        ("veintiseis", 26),
        ("treinta y dos", 32),
        ("noventa y nueve", 99),
        ("cien", 100),
        ("ciento veinte", 120),
        ("doscientas", 200),
        ("quinientos", 500),
        ("mil", 1000),
        ("mil quinientas", 1500),
        ("dos mil", 2000),
        ("dos mil quinientos veinte", 2520),
        ("2 mil", 2000),
        ("una docena", 12),
        ("dos docenas", 24),
        ("media docena", 6),
        ("una docena y media", 18),
        ("un par", 2),
        ("un par de", 2),
        ("twenty-one", 21),
        ("thirty two", 32),
        ("a hundred", 100),
        ("one hundred and twenty", 120),
        ("a dozen", 12),
        ("half a dozen", 6),
        ("a couple", 2),
        ("3x", 3),
        ("x3", 3),
        ("5uds", 5),
        ("ponme 26, gracias", 26),
        ("pues un par", 2),
        ("ninguno", 0),
    ],
)
def test_quantities_in_digits_and_words(text: str, expected: int) -> None:
    assert quantity_in(text) == expected


@pytest.mark.parametrize("text", ["dos y medio", "-3", "2,5", "1e9", "99999999999", "el segundo", "nada", ""])
def test_what_is_no_exact_count_is_none(text: str) -> None:
    assert quantity_in(text) is None


def test_a_quantity_is_read_where_it_stands_and_says_where_it_ends() -> None:
    keys = keys_of("quiero treinta y dos grapadoras y una docena de bolis")
    assert read_quantity(keys, 1) == (32, 4)
    assert read_quantity(keys, 6) == (12, 8)
    assert read_quantity(keys, 4) is None  # «grapadoras» is no number


def test_the_y_of_a_list_is_not_part_of_a_number() -> None:
    keys = keys_of("cien y dos teclados")
    assert read_quantity(keys, 0) == (100, 1)  # «cien y dos» is no Spanish number: «ciento dos» is
