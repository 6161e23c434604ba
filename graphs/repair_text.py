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
