"""The sentences a chat user reads for each error, in Spanish and English, built from its code and fields.

Kept apart from `errors.py` so the hierarchy stays short; only `errors.py` imports this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from textnorm import clean

Lang = Literal["es", "en"]

_AGAIN = (
    " Inténtalo de nuevo en un momento y, si vuelve a pasar, avisa al equipo.",
    " Please try again in a moment, and tell the team if it happens again.",
)
# (code, reason) -> (Spanish, English). `reason` None is the code's general sentence.
SENTENCES: dict[tuple[str, str | None], tuple[str, str]] = {
    ("app_error", None): ("No he podido hacer lo que pides." + _AGAIN[0], "I could not do what you asked." + _AGAIN[1]),
    ("bad_input", "unknown_input"): (
        "«{pipeline}» no tiene ningún dato llamado «{input}». Usa uno de estos: {valid}.",
        "«{pipeline}» has no field called «{input}». Use one of these: {valid}.",
    ),
    ("bad_input", "no_inputs"): (
        "«{pipeline}» no necesita ningún dato: ejecútalo sin «{input}».",
        "«{pipeline}» takes no fields: run it without «{input}».",
    ),
    ("bad_input", "missing_input"): (
        "Para «{pipeline}» falta el dato «{input}» ({type_words}).{example}",
        "«{pipeline}» needs «{input}» ({type_words}).{example}",
    ),
    ("bad_input", "bad_type"): (
        "El dato «{input}» tiene que ser {type_words} y «{got}» no lo es.{example}",
        "«{input}» must be {type_words}, and «{got}» is not.{example}",
    ),
    ("bad_input", "too_long"): (
        "El dato «{input}» es demasiado largo: admite como mucho {limit} caracteres. Acórtalo, por favor.",
        "«{input}» is too long: at most {limit} characters. Please shorten it.",
    ),
    ("bad_input", "out_of_range"): (
        "El número de «{input}» es demasiado grande o demasiado pequeño. Revísalo y vuelve a intentarlo.",
        "The number in «{input}» is too large or too small. Check it and try again.",
    ),
    ("bad_input", "missing_answer"): (
        "Falta tu respuesta: escríbela, por favor.",
        "Your answer is missing: please write it.",
    ),
    ("bad_request", "too_long"): (
        "El texto es demasiado largo: admite como mucho {limit} caracteres. Acórtalo y vuelve a enviarlo.",
        "The text is too long: at most {limit} characters. Shorten it and send it again.",
    ),
    ("bad_request", "too_large"): (
        "Lo que has enviado es demasiado grande. Envía algo más corto, por favor.",
        "What you sent is too large. Please send something shorter.",
    ),
    ("bad_request", "field"): (
        "No he podido leer lo que has enviado: revisa el campo «{input}». Recarga la página y vuelve a intentarlo.",
        "I could not read what you sent: check the field «{input}». Reload the page and try again.",
    ),
    ("bad_request", None): (
        "No he podido leer lo que has enviado. Recarga la página y vuelve a intentarlo.",
        "I could not read what you sent. Reload the page and try again.",
    ),
    ("bad_input", None): (
        "Los datos que has dado no sirven para esto. Revísalos y vuelve a intentarlo.",
        "What you gave me does not work here. Check it and try again.",
    ),
    ("conflict", "busy"): (
        "Todavía estoy con tu mensaje anterior. Espera un momento y vuelve a enviarlo.",
        "I am still working on your previous message. Wait a moment and send it again.",
    ),
    ("conflict", "queue_timeout"): (
        "Sigo con tus mensajes anteriores y este ha esperado demasiado. Vuelve a enviarlo en un momento.",
        "I am still on your previous messages and this one waited too long. Send it again in a moment.",
    ),
    ("conflict", "message_id_reused"): (
        "Ese mensaje ya se había enviado con otro texto. Recarga la página y escríbelo de nuevo.",
        "That message had already been sent with another text. Reload the page and write it again.",
    ),
    ("conflict", "answered"): (
        "Esa pregunta ya se ha respondido mientras tanto. Escribe !status para ver en qué punto está.",
        "That question was answered in the meantime. Type !status to see where it stands.",
    ),
    ("conflict", "not_waiting"): (
        "Esta ejecución ya no espera ninguna respuesta: {status_words}. Si quieres, empieza otra con !run.",
        "This run is not waiting for an answer any more: {status_words}. You can start another one with !run.",
    ),
    ("conflict", "duplicate"): (
        "Eso ya existe: no lo he vuelto a crear.",
        "That already exists: I did not create it again.",
    ),
    ("conflict", "key_reused"): (
        "Este paso ya había guardado el número {id} con otro contenido, así que no he guardado nada más. "
        "Escribe !status para ver lo que quedó registrado.",
        "This step had already saved number {id} with other content, so I saved nothing more. "
        "Type !status to see what was recorded.",
    ),
    ("conflict", None): ("Ahora mismo no puedo hacer eso." + _AGAIN[0], "I cannot do that right now." + _AGAIN[1]),
    ("loop_limit", None): (
        "La conversación ha dado demasiadas vueltas sin avanzar y la he detenido. "
        "Empieza de nuevo y, si vuelve a pasar, avisa al equipo.",
        "The conversation went round in circles too many times, so I stopped it. "
        "Please start again, and tell the team if it happens again.",
    ),
    ("tool_error", "unknown_customer"): (
        "No conozco el cliente «{customer}». Revisa el nombre y vuelve a intentarlo.",
        "I do not know the customer «{customer}». Check the name and try again.",
    ),
    ("tool_error", "unknown_product"): (
        "El producto {products} no existe o ya no está a la venta. Elige otro, por favor.",
        "The product {products} does not exist or is no longer sold. Please choose another one.",
    ),
    ("tool_error", "out_of_stock"): (
        "El stock de {product} ha cambiado mientras tanto: quedan {available} y pediste {requested}. "
        "No he guardado nada.",
        "The stock of {product} changed in the meantime: {available} left and you asked for {requested}. "
        "Nothing was saved.",
    ),
    ("tool_error", "model"): (
        "El asistente de lenguaje no ha respondido bien." + _AGAIN[0],
        "The language assistant did not answer properly." + _AGAIN[1],
    ),
    ("tool_error", None): (
        "No he podido consultar o guardar los datos que hacían falta." + _AGAIN[0],
        "I could not read or save the data this needed." + _AGAIN[1],
    ),
    ("not_found", "order"): (
        "No existe ningún pedido con el número {order_id}. Revisa el número, por favor.",
        "There is no order number {order_id}. Please check the number.",
    ),
    ("not_found", "product"): ("No existe ningún producto «{sku}».", "There is no product «{sku}»."),
    ("not_found", "pipeline"): (
        "No conozco ese pipeline. Los disponibles son: {available}.",
        "I do not know that pipeline. The available ones are: {available}.",
    ),
    ("not_found", None): (
        "No he encontrado lo que buscas. Revisa el nombre o el número y vuelve a intentarlo.",
        "I could not find what you are looking for. Check the name or number and try again.",
    ),
    ("expression_error", None): (
        "Un paso de esta conversación no ha podido calcular lo que necesitaba. No es culpa tuya: "
        "avisa al equipo para que lo revise.",
        "A step of this conversation could not work out what it needed. It is not your fault: "
        "please tell the team so they can look at it.",
    ),
    ("unavailable", None): (
        "Ahora mismo no puedo llegar a la base de datos. Vuelve a enviar el mensaje en un momento.",
        "I cannot reach the database right now. Send the message again in a moment.",
    ),
    ("internal_error", None): (
        "Algo ha fallado por dentro y no he podido terminar. Ha quedado registrado." + _AGAIN[0],
        "Something went wrong on my side and I could not finish. It has been logged." + _AGAIN[1],
    ),
    ("unauthorized", None): (
        "Hace falta identificarse: envía un token válido en «Authorization: Bearer …».",
        "You need to identify yourself: send a valid token in «Authorization: Bearer …».",
    ),
    ("unsupported_media_type", None): (
        "La petición tiene que ir en JSON (Content-Type: application/json).",
        "The request must be JSON (Content-Type: application/json).",
    ),
    ("embeddings_unavailable", None): (
        "La búsqueda por parecido no está disponible ahora mismo." + _AGAIN[0],
        "Similarity search is not available right now." + _AGAIN[1],
    ),
    ("pipeline_invalid", None): (
        "Este pipeline tiene un error de configuración y no se puede ejecutar. Avisa a quien lo mantiene.",
        "This pipeline has a configuration error and cannot run. Please tell whoever maintains it.",
    ),
}
# A declared input type in words, and a value of that type for the "for example" hint.
_TYPE_WORDS: dict[str, tuple[str, str, str]] = {
    "string": ("un texto", "some text", ""),
    "integer": ("un número entero", "a whole number", "3"),
    "number": ("un número", "a number", "2.5"),
    "boolean": ("sí o no", "yes or no", "sí|yes"),
    "list": ("una lista", "a list", ""),
    "object": ("un objeto de claves y valores", "an object of keys and values", ""),
}
_STATUS_WORDS: dict[str, tuple[str, str]] = {
    "completed": ("ya ha terminado", "it has already finished"),
    "failed": ("ha fallado", "it has failed"),
    "cancelled": ("se canceló", "it was cancelled"),
    "running": ("está respondiendo a otro mensaje", "it is answering another message"),
}


def shown(value: Any, limit: int = 60) -> str:
    """A value safe to echo to a user: lists joined, invisible and control characters removed, shortened."""
    if isinstance(value, list | tuple):
        value, limit = ", ".join(map(str, value)), 400
    text = clean(str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _derived(fields: Mapping[str, Any], lang: Lang) -> dict[str, str]:
    """The words that depend on the language: the type in words, the example hint, the run's state."""
    index = 1 if lang == "en" else 0
    type_es, type_en, example = _TYPE_WORDS.get(str(fields.get("expected") or "string"), _TYPE_WORDS["string"])
    example = example.split("|")[-1 if lang == "en" else 0]
    hint = (" For example: " if lang == "en" else " Por ejemplo: ") + f"{shown(fields.get('input'))}={example}."
    state = _STATUS_WORDS.get(str(fields.get("status")), ("ya no está abierta", "it is closed"))
    return {"type_words": (type_es, type_en)[index], "example": hint if example else "", "status_words": state[index]}


def sentence(code: str, reason: str | None, fields: Mapping[str, Any], lang: Lang = "es") -> str:
    """The user sentence of an error: its (code, reason) template in `lang`, filled with its fields."""
    template = SENTENCES.get((code, reason)) or SENTENCES.get((code, None)) or SENTENCES[("app_error", None)]
    values = {key: shown(value) for key, value in fields.items() if value is not None}
    values.update(_derived(fields, lang))
    return template[1 if lang == "en" else 0].format_map(_Blank(values))


class _Blank(dict[str, str]):
    """Format values where a field the error does not carry reads as an empty string."""

    def __missing__(self, key: str) -> str:
        return ""
