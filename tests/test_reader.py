"""The trained message reader: negation and scope, two commands in one message, line references, options,
safety at the order confirmation, idle routing, and what it is trained from (YAML examples, cache by digest)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.svm import LinearSVC

from config import PROJECT_DIR, Config
from graphs.repair.understanding import ask_step_at, question_at
from graphs.run.engine import Engine
from tools.language.reader import Line, Question, Reader
from tools.language.reader.features import prepare
from tools.language.reader.model import Classifier, vectorize, vectorize_many

LINES = (
    Line("3 teclados mecánicos", "Teclado mecánico", 3),
    Line("2 grapadoras", "Grapadora", 2),
    Line("1 monitor de 27", "Monitor 27 pulgadas", 1),
)
MONITORS = ["Monitor 24 pulgadas", "Monitor 27 pulgadas"]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """An engine on the shipped pipelines and the demo catalog."""
    folder = tmp_path_factory.mktemp("reader")
    built = Engine(Config(DATA_DIR=folder, PIPELINES_DIR=PROJECT_DIR / "pipelines", SECRET_KEY="test"))
    built.registry.services.sql.ensure_ready()
    yield built
    built.close()


@pytest.fixture(scope="module")
def reader(engine: Engine) -> Reader:
    """The engine's trained reader."""
    return engine.understanding.reader()


def ask(
    engine: Engine,
    pipeline: str,
    at: str,
    *,
    options: list[str] | None = None,
    lines: tuple[Line, ...] | None = None,
    line: int | None = None,
) -> Question:
    """The question of `pipeline` at `at`, with these options and order lines in the run's state."""
    config = engine.config(pipeline)
    step = ask_step_at(config, at, options=bool(options))
    question = question_at(config, step, options=options, digressions=engine.understanding.digressions(config))
    return question if lines is None else replace(question, lines=lines, line=line)


def commands(reader: Reader, text: str, question: Question) -> list[str]:
    """The command kinds a message is read as."""
    return [command.command for command in reader.read(text, question).commands]


@pytest.mark.parametrize(
    ("at", "text"),
    [
        ("confirmar", "tranqui, que no lo cancelo"),
        ("confirmar", "no hace falta quitar nada"),
        ("confirmar", "no, deja el cliente como está"),
        ("cliente", "que no, que no lo anulo"),
        ("productos", "no pienso cancelarlo, sigo"),
        ("cantidad", "no borres esa línea"),
        ("confirmar", "don't cancel it"),
        ("confirmar", "no, no elimines nada del pedido"),
    ],
)
def test_a_denied_command_is_not_that_command(engine: Engine, reader: Reader, at: str, text: str) -> None:
    question = ask(engine, "alta_pedido", at, lines=LINES, line=0 if at == "cantidad" else None)
    reading = reader.read(text, question)
    assert [c.command for c in reading.commands] == ["deny"], reading.commands
    if question.kind == "yesno":
        assert reading.first.value == "keep"  # the order is neither cancelled nor confirmed: asked again


@pytest.mark.parametrize("text", ["no", "nop, gracias", "mejor no", "no lo confirmes todavía", "not yet"])
def test_a_plain_no_at_a_yes_no_question_is_the_answer_no(engine: Engine, reader: Reader, text: str) -> None:
    reading = reader.read(text, ask(engine, "alta_pedido", "confirmar", lines=LINES))
    assert [c.command for c in reading.commands] == ["deny"] and reading.first.value is None


@pytest.mark.parametrize("text", ["blablabla", "asdf qwer", "🤷", "el martes"])
def test_nothing_but_a_yes_word_confirms_an_order(engine: Engine, reader: Reader, text: str) -> None:
    assert "affirm" not in commands(reader, text, ask(engine, "alta_pedido", "confirmar", lines=LINES))


@pytest.mark.parametrize(
    ("at", "text"),
    [
        ("productos", "deshaz"),
        ("cantidad", "atrás"),
        ("confirmar", "undo"),
        ("productos", "perdona, vuelve a la pregunta de antes"),
        ("confirmar", "retrocede, que lo he contestado mal"),
        ("cliente", "oops, take me back one question"),
    ],
)
def test_undo_in_words_at_any_question(engine: Engine, reader: Reader, at: str, text: str) -> None:
    question = ask(engine, "alta_pedido", at, lines=LINES, line=0 if at == "cantidad" else None)
    assert commands(reader, text, question) == ["undo"]


def test_undo_in_words_is_an_answer_where_the_pipeline_turns_it_off(engine: Engine, reader: Reader) -> None:
    question = replace(ask(engine, "alta_pedido", "productos", lines=()), undo=False)
    assert commands(reader, "deshaz", question) == ["answer"]
    assert commands(reader, "no, no lo deshagas", ask(engine, "alta_pedido", "productos", lines=())) == ["deny"]


def test_a_sure_yes_among_more_words_confirms_and_what_follows_is_its_reason(engine: Engine, reader: Reader) -> None:
    at_confirm = ask(engine, "alta_pedido", "confirmar", lines=LINES)
    said = "bueno, he repasado las líneas con el cliente y cuadra todo, así que sí, adelante con él"
    assert commands(reader, said, at_confirm) == ["affirm"]
    assert commands(reader, "sí, tira p'alante, gracias", at_confirm) == ["affirm"]
    assert commands(reader, "sí, pero quita la grapadora", at_confirm) == ["correct"]


@pytest.mark.parametrize("text", ["¿por qué no? confírmalo", "clarísimo, adelante", "perfe, gracias", "why not, go"])
def test_a_yes_in_idioms_and_superlatives(engine: Engine, reader: Reader, text: str) -> None:
    assert commands(reader, text, ask(engine, "alta_pedido", "confirmar", lines=LINES)) == ["affirm"]


def test_a_because_not_is_no_why_not(engine: Engine, reader: Reader) -> None:
    assert "affirm" not in commands(
        reader, "porque no me sirve así", ask(engine, "alta_pedido", "confirmar", lines=LINES)
    )


def test_a_cancellation_in_a_clause_of_its_own_with_its_reason(engine: Engine, reader: Reader) -> None:
    question = ask(engine, "alta_pedido", "productos", lines=())
    assert commands(reader, "forget it, they do not need it anymore", question) == ["cancel"]
    assert commands(reader, "Ana", ask(engine, "ejemplo_simple", "pedir_nombre")) == ["answer"]


def test_two_commands_in_one_message_are_read_in_order(engine: Engine, reader: Reader) -> None:
    at_choice = ask(engine, "alta_pedido", "producto", options=MONITORS, lines=LINES)
    reading = reader.read("vale, y ¿cuántas grapadoras quedan en el almacén?", at_choice)
    assert [c.command for c in reading.commands] == ["digress"]  # «vale» picks none of two monitors
    assert reading.first.pipeline == "stock" and "grapadoras" in reading.first.args["producto"]
    at_confirm = ask(engine, "alta_pedido", "confirmar", lines=LINES)
    reading = reader.read("sí, y de paso dime cuánto cuesta la webcam", at_confirm)
    assert [c.command for c in reading.commands] == ["affirm", "digress"]
    reading = reader.read("quita las grapadoras y añade 2 webcams", at_confirm)
    assert [(c.command, c.edit["action"]) for c in reading.commands] == [("correct", "remove"), ("correct", "add")]


def test_a_change_after_a_yes_is_the_change(engine: Engine, reader: Reader) -> None:
    reading = reader.read("vale, pero sin la grapadora", ask(engine, "alta_pedido", "confirmar", lines=LINES))
    assert [c.command for c in reading.commands] == ["correct"]
    assert reading.first.edit == {"action": "remove", "index": 1, "quantity": None, "text": None}


@pytest.mark.parametrize(
    ("text", "action", "index", "quantity"),
    [
        ("la primera déjala en cinco", "set_quantity", 0, 5),
        ("borra la penúltima", "remove", 1, None),
        ("la de abajo fuera", "remove", 2, None),
        ("el monitor no, quítalo", "remove", 2, None),
        ("de grapadoras mejor una docena", "set_quantity", 1, 12),
        ("la línea 2 que sean veintiséis", "set_quantity", 1, 26),
    ],
)
def test_lines_by_position_product_and_pronoun(
    engine: Engine, reader: Reader, text: str, action: str, index: int, quantity: int | None
) -> None:
    reading = reader.read(text, ask(engine, "alta_pedido", "confirmar", lines=LINES))
    assert [c.command for c in reading.commands] == ["correct"], reading.commands
    assert reading.first.edit == {"action": action, "index": index, "quantity": quantity, "text": None}


def test_the_only_line_and_the_line_a_question_is_about(engine: Engine, reader: Reader) -> None:
    one = ask(engine, "alta_pedido", "confirmar", lines=LINES[1:2])
    reading = reader.read("eran 7, no 2", one)
    assert reading.first.edit == {"action": "set_quantity", "index": 0, "quantity": 7, "text": None}
    about_the_monitor = ask(engine, "alta_pedido", "cantidad", lines=LINES, line=2)
    assert commands(reader, "sácalo", about_the_monitor) == ["correct"]
    assert reader.read("sácalo", about_the_monitor).first.edit["index"] == 2


def test_a_product_named_that_is_no_line_is_not_another_line(engine: Engine, reader: Reader) -> None:
    reading = reader.read("quita la impresora", ask(engine, "alta_pedido", "confirmar", lines=LINES))
    assert all(c.command != "correct" for c in reading.commands)  # the confirmation says it is not in the order


@pytest.mark.parametrize(
    ("options", "text", "option"),
    [
        (["Ratón inalámbrico", "Ratón óptico USB", "Teclado inalámbrico"], "el de en medio", "Ratón óptico USB"),
        (MONITORS, "la última", "Monitor 27 pulgadas"),
        (MONITORS, "me quedo con el de 24, porfa", "Monitor 24 pulgadas"),
        (["Teclado mecánico", "Teclado inalámbrico"], "el inalambrico porfa", "Teclado inalámbrico"),
        (["Initech"], "sí, ese", "Initech"),
        (MONITORS, "el de veintisiete pulgadas", "Monitor 27 pulgadas"),
        (["SAI 600 VA", "SAI 1000 VA", "SAI 1500 VA"], "el de mil quinientos", "SAI 1500 VA"),
        (["SAI 600 VA", "SAI 1000 VA", "SAI 1500 VA"], "el más pequeño", "SAI 600 VA"),
        (MONITORS, "the bigger one", "Monitor 27 pulgadas"),
        (["Teclado mecánico", "Teclado inalámbrico"], "el que no es inalámbrico", "Teclado mecánico"),
    ],
)
def test_options_by_place_feature_and_yes(
    engine: Engine, reader: Reader, options: list[str], text: str, option: str
) -> None:
    reading = reader.read(text, ask(engine, "alta_pedido", "producto", options=options, lines=LINES))
    assert [(c.command, c.option) for c in reading.commands] == [("choose", option)]


def test_an_option_is_named_by_its_catalog_aliases(engine: Engine, reader: Reader) -> None:
    options = ["Teclado mecánico", "Teclado inalámbrico"]
    named = engine.registry.services.sql.aliases_by_name()
    question = replace(
        ask(engine, "alta_pedido", "producto", options=options), option_aliases=tuple(named[o] for o in options)
    )
    assert [(c.command, c.option) for c in reader.read("el bluetooth", question).commands] == [
        ("choose", "Teclado inalámbrico")
    ]


def test_a_size_picks_only_among_options_that_differ_by_a_number(engine: Engine, reader: Reader) -> None:
    keyboards = ask(engine, "alta_pedido", "producto", options=["Teclado mecánico", "Teclado inalámbrico"])
    assert all(c.command != "choose" for c in reader.read("el grande", keyboards).commands)
    three = ask(engine, "alta_pedido", "producto", options=["SAI 600 VA", "SAI 1000 VA", "SAI 1500 VA"])
    assert all(c.option != "SAI 1500 VA" for c in reader.read("el grande no, el otro", three).commands)


def test_an_unsure_answer_that_names_a_slot_and_its_value_corrects_it(engine: Engine, reader: Reader) -> None:
    question = ask(engine, "stock", "elegir", options=MONITORS)
    reading = reader.read("no, el producto es la grapadora", question)
    assert [(c.command, c.slot, c.value) for c in reading.commands] == [("correct", "producto", "la grapadora")]


def test_a_yes_where_a_name_is_asked_is_not_an_answer(engine: Engine, reader: Reader) -> None:
    assert commands(reader, "sí", ask(engine, "alta_pedido", "productos")) == ["affirm"]  # explained again


def test_a_slot_named_answers_its_own_question_and_corrects_elsewhere(engine: Engine, reader: Reader) -> None:
    assert commands(reader, "es para los de Globex", ask(engine, "alta_pedido", "cliente")) == ["answer"]
    reading = reader.read("oye, el cliente es Globex", ask(engine, "alta_pedido", "productos"))
    assert [(c.command, c.slot, c.value) for c in reading.commands] == [("correct", "cliente", "Globex")]


@pytest.mark.parametrize(
    ("text", "pipeline"),
    [
        ("los de globex necesitan 4 sillas ergonómicas", "alta_pedido"),
        ("8 grapadoras pa initech", "alta_pedido"),
        ("mándale tres webcams a umbrella", "alta_pedido"),
        ("nos devuelven dos teclados del último pedido", "devolucion"),
        ("¿cuántas impresoras láser nos quedan?", "stock"),
        ("¿qué precio tiene el cable hdmi?", "buscar_producto"),
        ("¿en qué estado está el pedido 14?", "consulta_pedido"),
        ("jajaja qué día llevo", None),
        ("gracias, eres un crack", None),
    ],
)
def test_idle_messages_start_the_pipeline_they_ask_for(reader: Reader, text: str, pipeline: str | None) -> None:
    assert reader.route(text).pipeline == pipeline


@pytest.mark.parametrize(
    ("text", "pipeline", "args"),
    [
        ("oye, ¿cuántos ratones inalámbricos te quedan?", "stock", {"producto": "ratones inalámbricos"}),
        ("¿qué precio tiene el tóner HP?", "buscar_producto", {"texto": "el tóner HP"}),
        ("¿cómo va el pedido 31?", "consulta_pedido", {"id": 31}),
        ("búscame un producto", "buscar_producto", {}),
    ],
)
def test_an_idle_message_gives_the_inputs_its_pipelines_questions_ask(
    reader: Reader, text: str, pipeline: str, args: dict[str, object]
) -> None:
    assert reader.route(text).pipeline == pipeline
    assert reader.arguments(pipeline, text) == args


def test_an_authors_examples_teach_the_reader(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "pipelines"
    folder.mkdir()
    text = (PROJECT_DIR / "pipelines" / "ejemplo_simple.yaml").read_text(encoding="utf-8")
    text += "repair:\n  examples:\n    cancel: [me piro vampiro, ahí te quedas, me largo de aquí]\n"
    (folder / "ejemplo_simple.yaml").write_text(text, encoding="utf-8")
    taught = Engine(Config(DATA_DIR=tmp_path / "data", PIPELINES_DIR=folder, SECRET_KEY="test"))
    try:
        question = ask(taught, "ejemplo_simple", "pedir_nombre")
        assert commands(taught.understanding.reader(), "bueno, me piro vampiro", question) == ["cancel"]
        assert taught.understanding.reader().trained.digest != engine.understanding.reader().trained.digest
    finally:
        taught.close()


def test_reading_with_the_fitted_arrays_is_what_scikit_learn_says() -> None:
    texts = ["cancela todo", "olvídalo", "sí, adelante", "vale, confírmalo", "¿qué pongo?", "no entiendo nada"]
    labels = ["cancel", "cancel", "affirm", "affirm", "help", "help"]
    docs = [
        prepare(f"{text} {extra}", kind, ("c=test",))
        for text in texts
        for extra in ("", "porfa", "ya")
        for kind in ("value", "yesno")
    ]
    y = np.asarray([label for label in labels for _ in range(6)])
    matrix = vectorize_many(docs)
    assert (abs(matrix - vectorize(docs)) > 1e-12).nnz == 0  # one message at a time: the same columns and values
    svm = LinearSVC(C=0.3, random_state=0).fit(matrix, y)
    model = CalibratedClassifierCV(FrozenEstimator(svm), method="sigmoid").fit(matrix, y)
    ours = Classifier.of(model).probabilities(docs)
    assert np.allclose(ours, model.predict_proba(matrix), atol=1e-6)
    assert list(Classifier.of(model).labels) == list(model.classes_)
