"""What conversation repair says to the user, in Spanish or English (the language the user wrote in)."""

from __future__ import annotations

from typing import Any


def help_text(pending: dict[str, Any], lang: str) -> str:
    """Explains the pending question: the step's own `help` when it has one, else what kind of answer fits."""
    if pending.get("help"):
        return str(pending["help"])
    options = [str(o) for o in pending.get("options") or []]
    if lang == "en":
        how = (
            f"pick one of the options by its number (1–{len(options)}), its name or «the first one», "
            "or write something else"
            if options
            else "write the answer in your own words"
        )
        return f"I need an answer to the question below: {how}. To drop it, write «cancel»."
    how = (
        f"elige una de las opciones por su número (1–{len(options)}), su nombre o «el primero», o escribe otro texto"
        if options
        else "escribe la respuesta con tus palabras"
    )
    return f"Necesito que respondas a la pregunta de abajo: {how}. Si quieres dejarlo, escribe «cancelar»."


def none_text(lang: str) -> str:
    """The reply to «ninguno» at a choice: write something else."""
    if lang == "en":
        return "All right, none of those. Write the name again, in other words."
    return "De acuerdo, ninguna de esas. Escríbelo de otra forma."


def cancelled_text(lang: str) -> str:
    """The reply to a cancellation in words."""
    return "Cancelled. Nothing was saved." if lang == "en" else "Cancelado. No se ha guardado nada."


def back_text(status: str, lang: str) -> str:
    """What a digression that said nothing reports before the interrupted question comes back."""
    if lang == "en":
        return "Done. Back to where we were." if status == "completed" else "All right. Back to where we were."
    return "Hecho. Seguimos donde estábamos." if status == "completed" else "De acuerdo. Seguimos donde estábamos."


def keep_text(lang: str) -> str:
    """The reply to a negated command («no lo cancelo»): nothing changes, the question stands."""
    return "All right, nothing changes." if lang == "en" else "De acuerdo, no cambio nada."


def which_text(described: list[str], lang: str) -> str:
    """Asks which of two close readings the user meant."""
    first, second = described[0], described[1]
    if lang == "en":
        return f"I am not sure whether you want to {first} or to {second}. Which one? (1 or 2)"
    return f"No sé si quieres {first} o {second}. ¿Cuál de las dos? (1 o 2)"


def describe(command: Any, question: Any, lang: str) -> str:
    """A command in a few words, to offer it as an option («quitar Grapadora», «cancelar todo»)."""
    en = lang == "en"
    edit = command.edit or {}
    lines = question.lines or ()
    index = edit.get("index")
    line = lines[index].product or lines[index].text if isinstance(index, int) and 0 <= index < len(lines) else ""
    kind = command.command
    if kind == "cancel":
        return "cancel everything" if en else "cancelar todo"
    if kind == "undo":
        return "go back to the previous question" if en else "volver a la pregunta anterior"
    if kind == "help":
        return "see what to answer" if en else "ver qué puedes responder"
    if kind == "deny":
        return "go on without changes" if en else "seguir sin cambiar nada"
    if kind == "choose":
        return "none of the options" if en else "ninguna de las opciones"
    if kind == "correct" and edit.get("action") == "remove":
        return f"remove {line or 'a line'}" if en else f"quitar {line or 'una línea'}"
    if kind == "correct" and edit.get("action") == "add":
        return f"add {edit.get('text')}" if en else f"añadir {edit.get('text')}"
    if kind == "correct" and edit:
        return f"set {line} to {edit.get('quantity')}" if en else f"poner {edit.get('quantity')} de {line}"
    if kind == "correct":
        return f"change the {command.slot}" if en else f"cambiar {command.slot} a {command.value or '…'}"
    return "answer the question" if en else "responder a la pregunta"


def undone_text(lang: str) -> str:
    """The reply to an undo: the question before the last answer comes back."""
    return "Undone. Back to the previous question." if lang == "en" else "Deshecho. Volvemos a la pregunta anterior."


def nothing_to_undo_text(lang: str) -> str:
    """The reply to an undo at the run's first question."""
    return "There is nothing to undo yet." if lang == "en" else "Todavía no hay nada que deshacer."


def written_text(step: str, lang: str) -> str:
    """The reply to an undo that would go back past a step that wrote business data (an order, a return)."""
    if lang == "en":
        return f"That cannot be undone: step «{step}» has already saved it."
    return f"Eso ya no se puede deshacer: el paso «{step}» ya lo ha guardado."
