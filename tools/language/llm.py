"""LLM client: langchain-openai ChatOpenAI against any OpenAI-compatible server, every failure a ToolError."""

from __future__ import annotations

import json
import re
from typing import Any, Protocol, runtime_checkable

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from config import Config
from errors import ToolError

__all__ = ["ChatOpenAIClient", "LLMClient", "build_llm_client", "check_json", "parse_json_text"]

# The openai SDK insists on a key even for servers that ignore it (Ollama, llama.cpp, vLLM).
_PLACEHOLDER_KEY = "not-needed"
_TOOL_NAME = re.compile(r"[^A-Za-z0-9_-]+")
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}


@runtime_checkable
class LLMClient(Protocol):
    """What pipelines need from a language model: text in, text (or a JSON object for a schema) out."""

    def generate(self, prompt: str, *, system: str | None = None, schema: dict | None = None) -> str | dict:
        """Answer `prompt`; with `schema` (a JSON Schema of an object) return a dict validated against it."""
        ...


def _resolve(ref: str, root: dict) -> dict:
    """The sub-schema a local `$ref` ("#/$defs/Line") points to."""
    node: Any = root
    for part in ref.removeprefix("#/").split("/"):
        if not isinstance(node, dict) or part not in node:
            raise ToolError(f"the schema refers to '{ref}', which it does not define")
        node = node[part]
    return node


def _type_ok(value: Any, expected: str | list[str]) -> bool:
    """Whether `value` has one of the JSON types named in `expected` (a bool is not an integer)."""
    names = [expected] if isinstance(expected, str) else list(expected)
    for name in names:
        kinds = _JSON_TYPES.get(name)
        if kinds is None:
            continue
        if isinstance(value, bool) and name in {"integer", "number"}:
            continue
        if isinstance(value, kinds):
            return True
    return False


def check_json(value: Any, schema: dict, *, root: dict | None = None, path: str = "$") -> Any:
    """Validate `value` against the JSON Schema subset LLM outputs need (type, required, properties,
    items, enum, anyOf/oneOf, local $ref); integral floats become ints where an integer is expected.
    Returns the (possibly coerced) value; a mismatch raises ToolError naming the path."""
    root = schema if root is None else root
    bad = {"kind": "bad_output", "path": path}
    if "$ref" in schema:
        return check_json(value, _resolve(schema["$ref"], root), root=root, path=path)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            for option in schema[key]:
                try:
                    return check_json(value, option, root=root, path=path)
                except ToolError:
                    continue
            raise ToolError(f"the language model's answer at {path} matches none of the allowed shapes", details=bad)
    expected = schema.get("type")
    wants_int = expected == "integer" or (isinstance(expected, list) and "integer" in expected)
    if wants_int and isinstance(value, float) and value.is_integer():
        value = int(value)
    if expected is not None and not _type_ok(value, expected):
        raise ToolError(
            f"the language model's answer at {path} should be {expected}, not {type(value).__name__}", details=bad
        )
    if "enum" in schema and value not in schema["enum"]:
        raise ToolError(f"the language model's answer at {path} is not one of {schema['enum']}", details=bad)
    if isinstance(value, dict):
        missing = [key for key in schema.get("required", []) if key not in value]
        if missing:
            raise ToolError(f"the language model's answer at {path} lacks {', '.join(map(str, missing))}", details=bad)
        props = schema.get("properties", {})
        value = {
            key: check_json(item, props[key], root=root, path=f"{path}.{key}") if key in props else item
            for key, item in value.items()
        }
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        value = [check_json(item, schema["items"], root=root, path=f"{path}[{i}]") for i, item in enumerate(value)]
    return value


def parse_json_text(text: str) -> Any:
    """JSON from a model's text answer, tolerating a ```json fence around it; ToolError when not JSON."""
    text = text.strip()
    if match := _FENCE.match(text):
        text = match.group(1)
    try:
        return json.loads(text)
    except ValueError:
        raise ToolError("the language model did not answer with JSON", details={"kind": "bad_output"}) from None


def _tool_schema(schema: dict) -> dict:
    """A copy of `schema` with the `title` function calling needs as the tool's name."""
    if schema.get("type", "object") != "object":
        raise ToolError("a structured answer needs a JSON Schema whose type is 'object'")
    title = _TOOL_NAME.sub("_", str(schema.get("title") or "answer")).strip("_")[:64] or "answer"
    return {**schema, "title": title}


class ChatOpenAIClient:
    """LLMClient over langchain-openai's ChatOpenAI: chat completions, structured output by tool calling.

    Tool (function) calling is the structured-output method most OpenAI-compatible servers support
    (OpenAI, vLLM, Ollama, llama.cpp); when a server answers with JSON text instead of a tool call,
    the text is parsed. Either way the result is checked against the schema.
    """

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 30.0,
        *,
        max_retries: int = 1,
        temperature: float | None = 0.0,
    ) -> None:
        self.model = model
        self.base_url = base_url
        self.timeout = timeout
        # Imported here: the openai client takes seconds to import, and offline processes never need it.
        from langchain_openai import ChatOpenAI

        # No `streaming=True`: LangChain streams a call by itself when a streaming handler follows it (LangGraph's
        # `messages` stream mode, a chat turn followed live), with the same result and errors; a plain call stays
        # one non-streamed request.
        self._chat = ChatOpenAI(
            model=model,
            base_url=base_url,
            api_key=api_key or _PLACEHOLDER_KEY,  # type: ignore[arg-type]
            timeout=timeout,
            max_retries=max_retries,
            temperature=temperature,
        )

    def generate(self, prompt: str, *, system: str | None = None, schema: dict | None = None) -> str | dict:
        """Answer `prompt`; with `schema`, a dict checked against it. Every failure is a ToolError."""
        import openai

        messages: list[BaseMessage] = [SystemMessage(system)] if system else []
        messages.append(HumanMessage(prompt))
        try:
            if schema is None:
                return self._text(messages)
            return self._structured(messages, schema)
        except ToolError:
            raise
        except openai.APITimeoutError as exc:
            raise ToolError(
                f"the language model did not answer within {self.timeout:g} s", details={"kind": "timeout"}
            ) from exc
        except openai.APIConnectionError as exc:
            raise ToolError("the language model server cannot be reached", details={"kind": "connection"}) from exc
        except openai.APIStatusError as exc:
            raise ToolError(
                f"the language model server answered with HTTP {exc.status_code}",
                details={"kind": "http_status", "status": exc.status_code},
            ) from exc
        except Exception as exc:
            # Why so broad: callers fall back to an offline tool on ToolError, so no library failure
            # (a malformed body, an unexpected payload) may escape as anything else.
            raise ToolError(
                f"the language model call failed ({type(exc).__name__})", details={"kind": "error"}
            ) from exc

    def _text(self, messages: list[BaseMessage]) -> str:
        """A plain chat completion's text."""
        answer = self._chat.invoke(messages)
        text = answer.text.strip() if isinstance(answer, AIMessage) else ""
        if not text:
            raise ToolError("the language model gave an empty answer", details={"kind": "bad_output"})
        return text

    def _structured(self, messages: list[BaseMessage], schema: dict) -> dict:
        """A structured answer: the tool call's arguments, or JSON text, validated against `schema`."""
        runnable = self._chat.with_structured_output(_tool_schema(schema), method="function_calling", include_raw=True)
        result = runnable.invoke(messages)
        parsed = result.get("parsed")
        if parsed is None:
            raw = result.get("raw")
            parsed = parse_json_text(raw.text if isinstance(raw, AIMessage) else "")
        if not isinstance(parsed, dict):
            raise ToolError("the language model's answer is not a JSON object", details={"kind": "bad_output"})
        return check_json(parsed, schema)


def build_llm_client(config: Config) -> LLMClient | None:
    """A ChatOpenAIClient when OPENAI_API_KEY or OPENAI_BASE_URL is set, else None (offline fallbacks)."""
    if not config.llm_configured:
        return None
    return ChatOpenAIClient(
        model=config.LLM_MODEL,
        base_url=config.OPENAI_BASE_URL,
        api_key=config.OPENAI_API_KEY,
        timeout=config.LLM_TIMEOUT,
    )
