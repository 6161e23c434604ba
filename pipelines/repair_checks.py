"""Semantic checks of the `repair:` section and of `questions`, one small function each."""

from __future__ import annotations

import re
from collections.abc import Collection

from pipelines.check_support import Problems, error_at, suggest
from pipelines.schema import PipelineConfig

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def check_corrections(config: PipelineConfig) -> Problems:
    """A correction naming an unknown slot, an unknown step to go to, or unknown keys to clear."""
    corrections = config.repair.corrections or {}
    keys, ids = set(config.state_keys()), {step.id for step in config.steps}
    for slot, correction in corrections.items():
        where = ("repair", "corrections", slot)
        if slot not in keys:
            hint = suggest(slot, keys) or f"known slots: {', '.join(sorted(keys))}"
            yield error_at(config, where, f"repair.corrections: unknown slot '{slot}'", hint=hint)
        if correction.goto not in ids:
            hint = suggest(correction.goto, ids) or "name the step that checks the slot's new value"
            yield error_at(
                config, (*where, "goto"), f"repair.corrections.{slot}: unknown step '{correction.goto}'", hint=hint
            )
        for i, key in enumerate(correction.clear):
            if key not in keys:
                yield error_at(
                    config,
                    (*where, "clear", i),
                    f"repair.corrections.{slot}.clear: unknown key '{key}'",
                    hint=suggest(key, keys) or "list keys the pipeline sets",
                )


def check_digressions(config: PipelineConfig, known: Collection[str] | None) -> Problems:
    """A digression naming this pipeline itself or no known pipeline."""
    for i, name in enumerate(config.repair.digressions or []):
        where = ("repair", "digressions", i)
        if name == config.name:
            yield error_at(config, where, "a pipeline cannot be a digression of itself", hint="remove it from the list")
        elif known is not None and name not in known:
            hint = suggest(name, known) or f"known pipelines: {', '.join(sorted(known))}"
            yield error_at(config, where, f"repair.digressions: unknown pipeline '{name}'", hint=hint)


def check_questions(config: PipelineConfig) -> Problems:
    """A digression question whose {placeholder} is not a declared input, or that is nothing but placeholders."""
    inputs = set(config.inputs)
    for i, question in enumerate(config.questions):
        names = PLACEHOLDER.findall(question)
        for name in names:
            if name not in inputs:
                hint = suggest(name, inputs) or f"declared inputs: {', '.join(sorted(inputs)) or 'none'}"
                yield error_at(config, ("questions", i), f"questions: unknown input '{{{name}}}'", hint=hint)
        if not PLACEHOLDER.sub("", question).strip(" ¿?¡!.,"):
            yield error_at(
                config,
                ("questions", i),
                "questions: a question needs words besides its placeholders",
                hint="write it as a user would ask, e.g. «¿cuánto stock hay de {producto}?»",
            )
