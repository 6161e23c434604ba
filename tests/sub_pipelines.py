"""Test pipelines whose sub-pipeline asks: undo, forks and faults inside a sub-pipeline."""

from __future__ import annotations

from pathlib import Path

# A run whose sub-pipeline asks two questions, with one question before it and one after.
CHILD_THAT_ASKS = """\
name: datos_envio
description: Pide la dirección y el teléfono de envío
inputs:
  cliente: {type: string}
steps:
  - {id: pedir_direccion, kind: ask, slot: direccion, question: "¿A qué dirección enviamos lo de {{ cliente }}?"}
  - {id: pedir_telefono, kind: ask, slot: telefono, question: "¿Qué teléfono de contacto?"}
  - {id: fin, kind: reply, message: "Envío a {{ direccion }} ({{ telefono }})", end: true}
outputs:
  envio: "{{ direccion }} / {{ telefono }}"
"""
PARENT_OF_A_CHILD_THAT_ASKS = """\
name: envio_cliente
description: Pregunta el cliente, sus datos de envío y una nota
steps:
  - {id: pedir_cliente, kind: ask, slot: cliente, question: "¿Para qué cliente?"}
  - {id: datos, kind: pipeline, pipeline: datos_envio, with: {cliente: "{{ cliente }}"}, outputs: {envio: envio}}
  - {id: pedir_nota, kind: ask, slot: nota, question: "¿Alguna nota?"}
  - {id: hecho, kind: reply, message: "Listo: {{ cliente }}, {{ envio }}, {{ nota }}", end: true}
outputs: [cliente, envio, nota]
"""


def write_sub_pipelines(folder: Path) -> None:
    """Write envio_cliente and its sub-pipeline datos_envio into a pipelines folder."""
    (folder / "datos_envio.yaml").write_text(CHILD_THAT_ASKS, encoding="utf-8")
    (folder / "envio_cliente.yaml").write_text(PARENT_OF_A_CHILD_THAT_ASKS, encoding="utf-8")
