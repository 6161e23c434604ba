"""The labelled look-up set through the order dialog's path, the calibrated suggestion floor and its gate."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bench.lookups import LOOKUPS, SUGGEST_ARGS, demo_registry, evaluate, load_lookups, play
from tools.catalog.demo_data import demo_products
from tools.registry import ToolRegistry
from vector_memory import NgramEmbeddings, fingerprint
from vector_memory.likeness import SUGGEST_FLOORS, resembles, word_like

PIPELINE = Path(__file__).resolve().parents[1] / "pipelines" / "buscar_producto.yaml"


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ToolRegistry]:
    """Real SQLite demo catalog and offline vector memory, shared by the read-only tests of this module."""
    with demo_registry(tmp_path_factory.mktemp("lookups")) as found:
        yield found


def test_the_labelled_set_is_large_and_names_real_products() -> None:
    """At least 150 look-ups of every kind; each expected name is an active demo product."""
    lookups = load_lookups()
    names = {product["name"] for product in demo_products() if product["active"]}
    assert len(lookups) >= 150
    assert {"typo", "plural", "short", "english", "measure", "none"} <= {lookup.kind for lookup in lookups}
    assert all(set(lookup.expect) <= names for lookup in lookups)
    assert sum(1 for lookup in lookups if not lookup.expect) >= 30


def test_top1_on_the_labelled_set(registry: ToolRegistry) -> None:
    """Top-1 ≥ 95 % through resolve_product then suggest, and nothing offered for a text like no product."""
    report = evaluate(registry, load_lookups())
    assert report["top1"] >= 0.95, report["misses"]
    nothing, total = report["offered_when_nothing_fits"].split("/")
    assert int(nothing) <= 0.05 * int(total), report["misses"]
    assert report["false_suggestion_rate"] <= 0.05, report["misses"]


def test_the_player_uses_the_pipeline_step_arguments() -> None:
    """The suggest arguments played here are those of buscar_producto's `sugerir` step."""
    steps = yaml.safe_load(PIPELINE.read_text(encoding="utf-8"))["steps"]
    step = next(step for step in steps if step["id"] == "sugerir")
    assert {key: value for key, value in step["with"].items() if key != "text"} == SUGGEST_ARGS
    assert LOOKUPS.is_file()


@pytest.mark.parametrize("text", ["keyboards", "unicornio dorado", "paraguas", "xyz", "martillo", "vino tinto"])
def test_nothing_unlike_the_text_is_offered(registry: ToolRegistry, text: str) -> None:
    """Either the catalog answers (keyboards: the two keyboards) or nothing at all is suggested."""
    outcome = play(registry, text)
    if text == "keyboards":
        assert set(outcome.offered) == {"Teclado mecánico", "Teclado inalámbrico"}
    else:
        assert outcome.status == "none" and outcome.offered == ()


@pytest.mark.parametrize(
    ("collection", "text", "expected"),
    [
        ("products", "monitr 27 pulgadas", "Monitor 27 pulgadas"),
        ("products", "tecaldo", "Teclado mecánico"),
        ("products", "staplr", "Grapadora"),
        ("customers", "umbrela corp", "Umbrella Corp"),
        ("customers", "globx", "Globex"),
    ],
)
def test_typos_still_get_their_suggestion(registry: ToolRegistry, collection: str, text: str, expected: str) -> None:
    """A typo of a name or of an alias is offered first, by the product's own name."""
    hits = registry.call("suggest", {"collection": collection}, {"text": text, **SUGGEST_ARGS})
    assert hits and hits[0]["text"] == expected


def test_an_alias_is_offered_as_its_product_once(registry: ToolRegistry) -> None:
    """«keybord» is close to the alias «keyboard» of two products: each product once, by its name and SKU."""
    hits = registry.call("suggest", {"collection": "products"}, {"text": "keybord", "k": 5})
    assert {hit["text"] for hit in hits} == {"Teclado mecánico", "Teclado inalámbrico"}
    assert len({hit["key"] for hit in hits}) == len(hits) == 2
    assert all("alias" not in hit["meta"] and hit["meta"]["sku"] == hit["key"] for hit in hits)
    found = registry.call("search", {"collection": "products"}, {"text": "headset", "k": 3})
    assert found[0]["text"] == "Auriculares con micrófono" and found[0]["key"] == "AUR-MIC-01"


def test_a_step_min_score_can_only_raise_the_floor(registry: ToolRegistry) -> None:
    """min_score 0 does not let «paraguas» through; a high min_score does hide «tecaldo»."""
    low = registry.call("suggest", {"collection": "products"}, {"text": "paraguas", "min_score": 0.0})
    assert low == []
    high = registry.call("suggest", {"collection": "products"}, {"text": "tecaldo", "min_score": 0.95})
    assert high == []


def test_the_default_embeddings_have_a_calibrated_floor() -> None:
    """Changing the offline embeddings means measuring their floor again (python -m bench.bench_lookup)."""
    assert fingerprint(NgramEmbeddings()) in SUGGEST_FLOORS


@pytest.mark.parametrize(
    ("typed", "known", "like"),
    [
        ("tecaldo", "teclado", True),  # adjacent letters swapped
        ("monitr", "monitor", True),
        ("ratn", "raton", True),
        ("auricualres", "auriculare", True),
        ("tecl", "teclado", True),  # the start of a word
        ("martillo", "amarillo", False),  # two edits in eight letters is another word
        ("paraguas", "separadora", False),
        ("xyz", "xyx", False),  # short words must be exact
        ("27", "24", False),  # numbers are never near one another
        ("a4", "a4", True),
    ],
)
def test_word_like(typed: str, known: str, like: bool) -> None:
    assert word_like(typed, known) is like


@pytest.mark.parametrize(
    ("typed", "text", "like"),
    [
        ("monitr 27 pulgadas", "Monitor 27 pulgadas", True),
        ("teclado rojo", "Teclado mecánico", True),  # most of what was typed is there
        ("vino tinto", "Cartucho de tinta HP 305 negro", False),  # a near word is not enough
        ("27", "Monitor 27 pulgadas", False),  # a number alone is no likeness
        ("", "Grapadora", False),
    ],
)
def test_resembles(typed: str, text: str, like: bool) -> None:
    assert resembles(typed, text) is like
