"""Word lists of the command reader (Spanish and English, folded: lower-case, no accents)."""

from __future__ import annotations

Phrases = tuple[tuple[str, ...], ...]


def word_set(text: str) -> frozenset[str]:
    """A word set from a space-separated string."""
    return frozenset(text.split())


def phrases(*groups: str) -> Phrases:
    """A phrase table from comma-separated strings, longest first so matching is greedy."""
    items = {tuple(item.split()) for group in groups for item in group.split(",") if item.strip()}
    return tuple(sorted(items, key=lambda phrase: (-len(phrase), phrase)))


CANCEL = phrases(
    "cancela, cancelar, cancelalo, cancelala, cancelo, cancelamos, cancelado, anula, anular, anulalo, anulala",
    "dejalo, dejalo estar, dejemoslo, lo dejamos, lo dejo, olvidalo, olvidate, olvida, olvidalo todo",
    "ya no lo quiero, no lo quiero",
    "ya no quiero nada, ya no me interesa, no me interesa, para ya, basta, salir, sal, abandona, abandonar",
    "cancel, cancel it, cancel that, stop, stop it, forget it, forget about it, never mind, nevermind, abort, quit",
    "i don't want it, i dont want it, i don't want it anymore, i dont want it anymore, drop it",
)
# Words that may surround a cancellation without changing it ("bueno, mejor cancela todo el pedido").
CANCEL_NOISE = phrases(
    "el, la, lo, todo, esto, eso, pedido, el pedido, este pedido, de, nada, ya, pues, entonces, bueno, oye, vale, ok",
    "mejor, no, si, gracias, por favor, porfa, y, mira, sabes que, perdona, lo siento, al final",
    "the, this, that, it, order, the order, this order, all, please, just, ok, okay, oh, well, no, yes, thanks, sorry",
    "actually, and, everything, whole, then",
)
HELP = phrases(
    "ayuda, ayudame, help, help me, que tengo que poner, que pongo, que tengo que escribir, que escribo, que digo",
    "que puedo poner, que puedo decir, que puedo escribir, que tengo que decir, que tengo que hacer, que hago",
    "no entiendo, no te entiendo, no lo entiendo, no entiendo la pregunta, no se que poner, no se que decir",
    "no se que escribir, no se que hacer, como funciona, como se hace, como va esto, que opciones hay, opciones",
    "que me pides, que necesitas, que quieres que ponga, que quieres que diga, que, eh, como, perdon que",
    "what should i write, what do i write, what should i say, what can i say, what do you need, what, huh",
    "i don't understand, i dont understand, how does this work, what are the options, options, what do i do",
    "no se, no lo se, not sure, i'm not sure, im not sure, i don't know, i dont know, what to put, what do i put",
    "what should i put, i'm not sure what to put, im not sure what to put, i'm not sure what to write",
)
HELP_NOISE = phrases(
    "por favor, please, oye, pero, a ver, y, ahora, aqui, esto, eso, here, now, this, it, hmm, mmm, um, sorry, perdona"
)
# What may open a correction: «no, …», «perdona, …», «mejor …», «sorry, …».
CORRECTION_OPENERS = phrases(
    "no, no no, perdona, perdon, disculpa, lo siento, me equivoque, me he equivocado, quiero decir, quise decir",
    "espera, ah, oh, eh, uy, ups, bueno, en realidad, mejor, error, corrijo, correccion, rectifico, vale, si, ok",
    "sorry, oops, wait, actually, i mean, i meant, my mistake, no wait, correction, instead, but, pero, and, y",
)
SLOT_VERBS = phrases(
    "cambia, cambiar, cambiame, cambialo, cambie, modifica, modificar, pon, ponme, ponle, corrige, corregir",
    "change, set, make, update, correct, fix, switch",
)
COPULAS = phrases("es, sera, seria, sea, era, a, por, en, is, should be, was, to, :, =")
ARTICLES = word_set("el la los las lo un una the my mi a an")
# Verbs that make a message an edit of an order line («quita X», «mejor 3 X», «que sean 4 X», «añade 2 Y»).
LINE_VERBS = phrases(
    "quita, quitar, quite, quitalo, quitala, quitame, elimina, eliminar, elimine, eliminalo, eliminala, borra",
    "borrar, borralo, borrala, saca, sacar, sacalo, suprime, retira, retirar, sin, fuera, ya no quiero",
    "anade, anadir, anademe, agrega, agregar, agregame, suma, incluye, incluir, mete, meter, tambien",
    "cambia, cambiar, cambiame, cambialo, cambiala, modifica, pon, ponme, ponle, deja, dejame, que sean, sean",
    "dejalo, dejala, dejalos, dejalas",
    "mejor, remove, delete, drop, take out, without, add, include, also, plus, change, set, make it, make",
    "update, put, instead, better",
)
# Adverbs between an edit verb and its product («añade también 3 X», «quita ahora la webcam»).
EDIT_ADVERBS = phrases("tambien, ademas, ahora, entonces, luego, also, too, now, then, as well")
LINE_WORDS = word_set("linea lineas line lines fila row")
NONE_OF_THEM = phrases(
    "ninguno, ninguna, ninguno de esos, ninguna de esas, ninguno de ellos, ninguna de ellas, ni uno, ni una",
    "ninguno de los dos, ninguna de las dos, otro, otra, ningun, none, none of them, none of those, neither",
    "neither of them, no one, other, another one, something else, otra cosa, ninguno de estos, ninguna de estas",
    "ninguno de ellos me vale, ninguna me vale, ninguno me vale, none of these, neither one",
)
ORDINALS: dict[str, int] = {
    **dict.fromkeys(["primero", "primera", "primer", "1o", "1a", "1º", "1ª", "first", "1st"], 1),
    **dict.fromkeys(["segundo", "segunda", "2o", "2a", "2º", "2ª", "second", "2nd"], 2),
    **dict.fromkeys(["tercero", "tercera", "tercer", "3o", "3a", "3º", "3ª", "third", "3rd"], 3),
    **dict.fromkeys(["cuarto", "cuarta", "4o", "4a", "4º", "4ª", "fourth", "4th"], 4),
    **dict.fromkeys(["quinto", "quinta", "5o", "5a", "5º", "5ª", "fifth", "5th"], 5),
    **dict.fromkeys(["sexto", "sexta", "sixth", "6th"], 6),
    **dict.fromkeys(["ultimo", "ultima", "last"], -1),
    **dict.fromkeys(["penultimo", "penultima"], -2),
}
# Words around a pick that do not tell the options apart («me quedo con el de 27», «the first one please»).
CHOICE_NOISE = word_set(
    "el la los las lo de del un una uno the one a an of opcion option numero number num no nº quiero prefiero "
    "me quedo con elijo escojo pues entonces vale ok por favor please i want take i'll ill choose pick that "
    "this ese esa este esta eso it go with will would like mejor seria is gracias thanks thank you porfa "
    "lista list opciones options arriba above abajo below"
)
# A plain «sí» or a pointing word picks the only option offered («sí, ese», «ese mismo», «that one»).
THAT_ONE = word_set(
    "si vale ok okay yes yep yeah sure claro exacto correcto eso ese esa este esta mismo misma that this"
)
# Words that keep the order as it is: «déjalo, está bien así» is not a cancellation.
KEEP_WORDS = word_set("asi bien perfecto correcto vale ok okay si yes fine good sigue seguimos continua continue")
NEGATIONS = word_set("no not nope ni nunca never")
# Openers a digression question may carry («oye, ¿cuánto stock hay de X?», «by the way, how much is X?»).
DIGRESSION_OPENERS = (
    "oye, por cierto, una pregunta, una cosa, antes, antes de seguir, perdona, y, pero, eh, ah, sabes, dime, "
    "and, but, by the way, btw, quick question, also, hey, wait, tell me"
)
