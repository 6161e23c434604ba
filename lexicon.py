"""The general lexicons of Spanish and English chat text, each in one place: number words, ordinals and positions,
negations, yes and no, discourse fillers, pronouns that point at a thing, and units of measure.

Words, not sentences: what a message *means* is learned from data (tools/language/reader); these lists only say
what a word is. Every entry is folded (lower case, no accents: textnorm.fold). Pure standard library and no project
imports, so every package may use it.
"""

from __future__ import annotations

__all__ = [
    "CANCEL_WORDS",
    "CLOSERS",
    "CONJUNCTIONS",
    "COUNT_WORDS",
    "DOZEN",
    "HALF",
    "HUNDREDS",
    "NEGATIONS",
    "NO_WORDS",
    "NUMBER_WORDS",
    "OPENERS",
    "ORDINALS",
    "PAIR",
    "POINTERS",
    "POSITIONS",
    "SCALES",
    "TENS",
    "UNITS",
    "YES_WORDS",
    "phrase_table",
]

Phrases = tuple[tuple[str, ...], ...]


def phrase_table(*groups: str) -> Phrases:
    """A phrase table from comma-separated strings of space-separated words, longest first (greedy matching)."""
    items = {tuple(item.split()) for group in groups for item in group.split(",") if item.strip()}
    return tuple(sorted(items, key=lambda phrase: (-len(phrase), phrase)))


def _numbered(text: str, start: int = 0, step: int = 1) -> dict[str, int]:
    return {word: start + index * step for index, word in enumerate(text.split())}


# --- Numbers -------------------------------------------------------------------------------------------------------
# Words worth less than a hundred that stand alone («veintiséis», «fifteen»). «un»/«una»/«a» are articles as much as
# numbers: the quantity reader decides from context when they count.
NUMBER_WORDS: dict[str, int] = {
    **_numbered("cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince"),
    **_numbered("dieciseis diecisiete dieciocho diecinueve veinte", 16),
    **_numbered("veintiuno veintidos veintitres veinticuatro veinticinco veintiseis veintisiete veintiocho", 21),
    "veintinueve": 29,
    "un": 1,
    "una": 1,
    "veintiun": 21,
    "veintiuna": 21,
    **_numbered("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"),
    **_numbered("fifteen sixteen seventeen eighteen nineteen twenty", 15),
}
# Tens that take «y» + a unit («treinta y dos»); English tens take a hyphen or a space («thirty-two», «thirty two»).
TENS: dict[str, int] = {
    **_numbered("treinta cuarenta cincuenta sesenta setenta ochenta noventa", 30, 10),
    **_numbered("thirty forty fifty sixty seventy eighty ninety", 30, 10),
}
HUNDREDS: dict[str, int] = {
    "cien": 100,
    "ciento": 100,
    **{f"{stem}ientos": value for stem, value in (("dosc", 200), ("tresc", 300), ("cuatroc", 400))},
    **{f"{stem}ientas": value for stem, value in (("dosc", 200), ("tresc", 300), ("cuatroc", 400))},
    "quinientos": 500,
    "quinientas": 500,
    **{f"{stem}cientos": value for stem, value in (("seis", 600), ("sete", 700), ("ocho", 800), ("nove", 900))},
    **{f"{stem}cientas": value for stem, value in (("seis", 600), ("sete", 700), ("ocho", 800), ("nove", 900))},
}
# Words that multiply what comes before them («dos mil», «three hundred»); alone they are worth their scale.
SCALES: dict[str, int] = {"mil": 1000, "thousand": 1000, "hundred": 100, "millon": 1_000_000, "million": 1_000_000}
DOZEN = frozenset({"docena", "docenas", "dozen", "dozens"})
PAIR = frozenset({"par", "pair", "couple"})
HALF = frozenset({"media", "medio", "half"})

# --- Places in a list ----------------------------------------------------------------------------------------------
# 1-based places; negative ones count from the end (-1 the last).
ORDINALS: dict[str, int] = {
    **dict.fromkeys(["primero", "primera", "primer", "1o", "1a", "1º", "1ª", "first", "1st"], 1),
    **dict.fromkeys(["segundo", "segunda", "2o", "2a", "2º", "2ª", "second", "2nd"], 2),
    **dict.fromkeys(["tercero", "tercera", "tercer", "3o", "3a", "3º", "3ª", "third", "3rd"], 3),
    **dict.fromkeys(["cuarto", "cuarta", "4o", "4a", "4º", "4ª", "fourth", "4th"], 4),
    **dict.fromkeys(["quinto", "quinta", "5o", "5a", "5º", "5ª", "fifth", "5th"], 5),
    **dict.fromkeys(["sexto", "sexta", "6o", "6a", "sixth", "6th"], 6),
    **dict.fromkeys(["septimo", "septima", "seventh", "7th"], 7),
    **dict.fromkeys(["octavo", "octava", "eighth", "8th"], 8),
    **dict.fromkeys(["noveno", "novena", "ninth", "9th"], 9),
    **dict.fromkeys(["decimo", "decima", "tenth", "10th"], 10),
    **dict.fromkeys(["ultimo", "ultima", "last", "final"], -1),
    **dict.fromkeys(["penultimo", "penultima", "penultimate"], -2),
    **dict.fromkeys(["antepenultimo", "antepenultima"], -3),
}
# Words that place a line in a shown list («la de arriba», «the bottom one»); 0 is the middle one of an odd count.
POSITIONS: dict[str, int] = {
    **dict.fromkeys(["arriba", "encima", "top"], 1),
    **dict.fromkeys(["abajo", "debajo", "bottom"], -1),
    **dict.fromkeys(["medio", "middle", "centro", "central"], 0),
}

# --- Polarity ------------------------------------------------------------------------------------------------------
# A negation opens a scope that runs to the end of its clause («no lo cancelo», «no quites nada», «don't remove»).
NEGATIONS = frozenset(
    {"no", "ni", "nunca", "jamas", "tampoco", "not", "never", "dont", "don't", "doesnt", "isnt", "nor", "n't"}
)
YES_WORDS = phrase_table(
    "si, sii, sip, sep, sipi, vale, va, ok, okk, oka, okay, oki, okey, okis, de acuerdo, claro, claro que si",
    "por supuesto",
    "desde luego, correcto, exacto, eso es, afirmativo, perfecto, genial, estupendo, confirmar, confirmo, confirma",
    "confirmalo, confirmala, confirmame, registralo, registrala, adelante con ello, de una, listo, va que va",
    "confirmes, registres, tramites, mandes, envies, confirm it, place it, send it",
    "procede, tramita, registra, manda, envia, hazlo, haz, cursa, graba, lanza, tira, sigue, continua, pasa, mete",
    "guay, chevere, bacan, sale, orale, andale, simon, obvio, seguro, vamos, eso, asi, tal cual, me vale, me sirve",
    "do it, go for it, ship it, sounds good, looks good, all good, yes please, approve, approved, book it, go",
    "conf, lgtm, por bueno, ya po, mandas, registras, confirmas, tramitas, envias, haces, metes, pasas, cursas",
    "confirmado, adelante, dale, venga, hecho, bien, muy bien, esta bien, todo bien, sale, simon, 👍, ✅",
    "yes, yep, yup, yeah, sure, of course, confirm, confirmed, go ahead, alright, all right, right, fine",
    "that's right, correct, perfect, great, absolutely, ok then, perfe",
)
# A «why not» on its own, at the start of a message, is a yes («¿por qué no?», «xq no, dale»).
WHY_NOT = phrase_table("por que no, porque no, xq no, pq no, porq no, why not")
NO_WORDS = phrase_table(
    "no, nop, nope, nah, naa, mejor no, claro que no, por supuesto que no, de ninguna manera, para nada, negativo",
    "ni hablar, todavia no, aun no, no quiero, 👎, ❌, no thanks, no thank you, not really, no way, not yet",
    "of course not, absolutely not, nel, na, nanay, ni de broma, negative",
)

# Words that call the whole thing off («cancela», «anúlalo», «abort»): the offline edit reader's, at a confirmation.
CANCEL_WORDS = frozenset(
    [
        "cancela",
        "cancelar",
        "cancelalo",
        "cancelala",
        "cancelo",
        "cancel",
        "anula",
        "anular",
        "anulalo",
        "anulala",
        "abort",
        "olvidalo",
    ]
)

# --- Discourse -----------------------------------------------------------------------------------------------------
# What opens or closes a message without adding to what it asks («bueno, …», «una cosa: …», «…, gracias»).
OPENERS = phrase_table(
    "bueno, pues, pues nada, oye, oiga, mira, mire, a ver, vamos a ver, eh, ah, oh, uy, uf, ufff, hmm, mmm, em",
    "una cosa, otra cosa, una pregunta, una duda, por cierto, a todo esto, de paso, antes de seguir, antes de nada",
    "antes que nada, oye una cosa, mira una cosa",
    "perdona, perdon, disculpa, lo siento, entonces, y, e, pero, ademas, al final, total, vale pues, ok pues",
    "hola, buenas, hey, hi, hello, well, so, oh, um, uh, by the way, btw, quick question, sorry, and, but, then",
    "actually, also, one thing, anyway",
)
CLOSERS = phrase_table(
    "gracias, muchas gracias, mil gracias, gracias crack, por favor, porfa, porfi, plis, pls, please, thanks",
    "thank you, thx, ty, vale, ok, eh, entonces, pues, ya, de momento, por ahora, si puedes, si puede ser",
    "cuando puedas, ahora, ahorita, ya mismo, todavia, aun, still, yet, 🙏, 😊, 🙂, :), jaja, jeje, lol",
)
# Words that join two clauses, each of which may hold its own command («vale, y ¿cuánto stock hay de X?»).
CONJUNCTIONS = frozenset({"y", "e", "and", "pero", "but", "luego", "despues", "then", "ademas", "also"})
# Nouns that stand for «the thing asked about» without naming one («búscame un producto», «¿cuánto cuesta algo?»).
GENERIC_THINGS = frozenset(
    {"producto", "articulo", "cosa", "algo", "referencia", "product", "item", "thing", "something"}
)
# Words that pick an option by its size when the options differ by a number («el grande»: the largest one).
SIZES: dict[str, int] = {
    **dict.fromkeys(["grande", "mayor", "big", "bigger", "biggest", "large", "larger", "largest"], 1),
    **dict.fromkeys(["pequeno", "chico", "menor", "small", "smaller", "smallest", "little"], -1),
}
# Words that point at a thing already named («sácalo», «ese no», «that one»), enclitic endings included.
POINTERS = frozenset({"lo", "la", "los", "las", "ese", "esa", "esos", "esas", "este", "esta", "eso", "it", "that"})

# --- Units of measure ----------------------------------------------------------------------------------------------
# Spelled unit -> the form catalog names use («24 pulgadas», «2 m», «64 GB», «1 TB»).
UNITS: dict[str, str] = {
    **dict.fromkeys(["pulgada", "pulgadas", "inch", "inches", "in", '"', "''", "pulg", "plg"], "pulgadas"),
    **dict.fromkeys(["metro", "metros", "meter", "meters", "metre", "metres", "mt", "mts", "m"], "m"),
    **dict.fromkeys(["centimetro", "centimetros", "cm", "cms"], "cm"),
    **dict.fromkeys(["milimetro", "milimetros", "mm"], "mm"),
    **dict.fromkeys(["giga", "gigas", "gigabyte", "gigabytes", "gb"], "gb"),
    **dict.fromkeys(["tera", "teras", "terabyte", "terabytes", "tb"], "tb"),
    **dict.fromkeys(["mililitro", "mililitros", "ml"], "ml"),
    **dict.fromkeys(["litro", "litros", "l"], "l"),
    **dict.fromkeys(["vatio", "vatios", "watt", "watts", "w"], "w"),
    **dict.fromkeys(["gramo", "gramos", "gr", "g"], "g"),
}
# Words that count pieces rather than measure them («3 uds», «x3», «5 unidades de …»).
COUNT_WORDS = frozenset(
    [
        "x",
        "×",
        "*",
        "u",
        "ud",
        "uds",
        "unidad",
        "unidades",
        "unit",
        "units",
        "pc",
        "pcs",
        "pieza",
        "piezas",
        "piece",
        "pieces",
        "ejemplar",
        "ejemplares",
        "copies",
    ]
)
