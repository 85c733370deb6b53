"""Transforms for the newline-delimited JSON chat shape (``/api/chat``, ``/api/generate``, ``/api/embed``).

Requests: ``messages`` keep their roles, but content is one string, images travel beside it as
bare base64 strings (``images: [...]``), an assistant's tool call carries its ``arguments`` as a
JSON object, a tool result names its function (``tool_name``) and earlier reasoning goes back as
``thinking``. The prompt variant flattens the conversation into one ``prompt`` string. Sampling
settings live under ``options`` (written by the spec's parameter paths); ``format`` carries JSON
mode or a JSON Schema, ``think`` turns reasoning on.

Responses: one JSON object with ``message: {role, content, thinking?, tool_calls?}`` (or
``response`` / ``thinking`` at the top level for the prompt variant), ``done``, ``done_reason``
and the token counts ``prompt_eval_count`` / ``eval_count``. There is no response id. Tool calls
arrive whole, with object arguments, usually without an id. A stream is one such object per
line; the last line has ``done: true`` and the counts. An error is ``{"error": "..."}``, as the
whole body or as a line inside a 200 stream.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime
from typing import Any

from .. import exceptions
from ..adapter import Adapter, Call, loads
from ..types import (
    ChatCompletionDeltaToolCall,
    ChatCompletionMessageToolCall,
    Choices,
    Delta,
    Embedding,
    EmbeddingResponse,
    EmbeddingUsage,
    Function,
    Message,
    ModelResponse,
    ModelResponseStream,
    StreamingChoices,
    Usage,
)

THINK_OPEN, THINK_CLOSE = "<think>", "</think>"

# --- requests --------------------------------------------------------------------------------


def write_messages(call: Call, body: dict[str, Any]) -> None:
    """Input transform: OpenAI ``messages`` -> the wire's ``messages`` (string content + images)."""
    tool_names: dict[str, str] = {}  # tool call id -> function name, to name the results
    body["messages"] = [_message(m, tool_names) for m in call.params["messages"]]


def _message(message: dict[str, Any], tool_names: dict[str, str]) -> dict[str, Any]:
    role = message.get("role")
    text, images = split_content(message.get("content"))
    out: dict[str, Any] = {"role": "system" if role == "developer" else role, "content": text}
    if images:
        out["images"] = images
    if role == "assistant":
        if message.get("reasoning_content"):
            out["thinking"] = message["reasoning_content"]
        calls = [_tool_call(tc, tool_names) for tc in message.get("tool_calls") or ()]
        if calls:
            out["tool_calls"] = calls
    elif role in ("tool", "function"):
        out["role"] = "tool"
        name = tool_names.get(message.get("tool_call_id") or "") or message.get("name")
        if name:
            out["tool_name"] = name
    return out


def _tool_call(tool_call: dict[str, Any], tool_names: dict[str, str]) -> dict[str, Any]:
    function = tool_call.get("function") or {}
    name = function.get("name") or ""
    if tool_call.get("id"):
        tool_names[tool_call["id"]] = name
    return {"function": {"name": name, "arguments": arguments_object(function.get("arguments"))}}


def arguments_object(arguments: Any) -> dict[str, Any]:
    """OpenAI's JSON-string arguments -> the object this wire wants (an empty string is ``{}``)."""
    if isinstance(arguments, dict):
        return arguments
    if not arguments:
        return {}
    try:
        value = json.loads(arguments)
    except ValueError:
        exceptions.raise_error(
            "BadRequestError", f"tool call arguments are not valid JSON: {arguments!r:.200}"
        )
    return value if isinstance(value, dict) else {"value": value}


def split_content(content: Any) -> tuple[str, list[str]]:
    """(the text parts joined, the images as bare base64) of an OpenAI message content."""
    if content is None:
        return "", []
    if isinstance(content, str):
        return content, []
    texts, images = [], []
    for part in content:
        kind = part.get("type")
        if kind == "text":
            texts.append(part.get("text") or "")
        elif kind == "image_url":
            image = part["image_url"]
            images.append(image_base64(image if isinstance(image, str) else image["url"]))
    return "".join(texts), images


def image_base64(url: str) -> str:
    """A ``data:`` URL (or bare base64) -> bare base64: the wire takes image bytes only, no URLs."""
    if url.startswith("data:"):
        return url.partition(";base64,")[2] or url.partition(",")[2]
    if url.startswith(("http://", "https://")):
        exceptions.raise_error(
            "BadRequestError",
            "this provider takes images as base64 only: pass a data: URL (data:image/png;base64,...)",
        )
    return url


def write_prompt(call: Call, body: dict[str, Any]) -> None:
    """Input transform for the prompt variant: the conversation as one ``prompt`` plus ``images``.

    The layout is LiteLLM's for this endpoint: runs of user/tool text as ``### User:``, system
    text as ``### System:``, assistant text (and its tool calls as JSON) as ``### Assistant:``.
    """
    prompt: list[str] = []
    images: list[str] = []
    for role, text in _prompt_turns(call.params["messages"], images):
        prompt.append(f"### {role}:\n{text}\n\n")
    body["prompt"] = "".join(prompt)
    if images:
        body["images"] = images


def _prompt_turns(messages: list[dict[str, Any]], images: list[str]) -> list[tuple[str, str]]:
    turns: list[tuple[str, str]] = []
    for message in messages:
        role = {"system": "System", "developer": "System", "assistant": "Assistant"}.get(
            message.get("role") or "", "User"
        )
        text, found = split_content(message.get("content"))
        images.extend(found)
        if role == "Assistant" and message.get("tool_calls"):
            calls = [
                {
                    "id": tc.get("id"),
                    "type": "function",
                    "function": {
                        "name": (tc.get("function") or {}).get("name"),
                        "arguments": arguments_object((tc.get("function") or {}).get("arguments")),
                    },
                }
                for tc in message["tool_calls"]
            ]
            text += f"Tool Calls: {json.dumps(calls, indent=2)}"
        if not text:
            continue
        if turns and turns[-1][0] == role:  # consecutive messages of one role share a turn
            turns[-1] = (role, turns[-1][1] + ("\n" if role == "System" else "") + text)
        else:
            turns.append((role, text))
    return turns


def write_tools(call: Call, body: dict[str, Any]) -> None:
    """Request transform: OpenAI function tools -> the wire's tools (the same shape, functions only).

    The legacy ``functions`` list is sent as tools too. ``tool_choice`` has no wire field; as
    LiteLLM does, it is accepted and not sent.
    """
    tools = call.params.get("tools") or [
        {"type": "function", "function": f} for f in call.params.get("functions") or ()
    ]
    if not tools:
        return
    out = []
    for tool in tools:
        if tool.get("type", "function") != "function":
            continue
        function = tool["function"]
        fields = {k: function[k] for k in ("name", "description", "parameters") if k in function}
        out.append({"type": "function", "function": fields})
    if out:
        body["tools"] = out


def write_response_format(call: Call, body: dict[str, Any]) -> None:
    """Request transform: ``response_format`` -> ``format`` (``"json"`` or the JSON Schema itself)."""
    fmt = call.params.get("response_format")
    if not isinstance(fmt, dict) or "format" in body:
        return
    if fmt.get("type") == "json_object":
        body["format"] = "json"
    elif fmt.get("type") == "json_schema":
        schema = (fmt.get("json_schema") or {}).get("schema")
        if schema:
            body["format"] = schema


_LEVELS = {"minimal": "low", "low": "low", "medium": "medium", "high": "high", "xhigh": "high"}


def write_reasoning_effort(
    call: Call, body: dict[str, Any], level_models: list[str] | tuple[str, ...] = ()
) -> None:
    """Request transform: ``reasoning_effort`` -> ``think``, unless ``think`` was given.

    Models named in ``level_models`` take the level itself (``low``/``medium``/``high``); the
    others take a boolean, on for low, medium and high (as LiteLLM maps it).
    """
    effort = call.params.get("reasoning_effort")
    if effort is None or "think" in body:
        return
    if call.model.startswith(tuple(level_models)):
        body["think"] = _LEVELS.get(effort, False)  # "none" turns it off
    else:
        body["think"] = effort in ("low", "medium", "high", "xhigh")


# --- responses -------------------------------------------------------------------------------


def parse_response(wire: dict[str, Any], call: Call, adapter: Adapter) -> ModelResponse:
    """Response transform: one final wire object -> ``chat.completion``."""
    text, thinking, tool_calls = _read(wire)
    if thinking is None and text:
        thinking, text = split_think_tags(text)
    calls = [
        ChatCompletionMessageToolCall(
            id=tool_call_id(tc), type="function", function=Function(name=name, arguments=arguments)
        )
        for tc, name, arguments in tool_calls
    ]
    message = Message(content=text or None, reasoning_content=thinking or None, tool_calls=calls or None)
    finish = finish_reason(wire.get("done_reason"), adapter, bool(calls)) or "stop"
    response = ModelResponse(
        model=wire.get("model") or call.model,
        choices=[Choices(index=0, message=message, finish_reason=finish)],
        usage=adapter.usage_from_wire(wire),  # type: ignore[attr-defined]
    )
    created = created_seconds(wire.get("created_at"))
    if created is not None:
        response.created = created
    return response


def _read(wire: dict[str, Any]) -> tuple[str, str | None, list[tuple[dict[str, Any], str, str]]]:
    """(text, thinking, [(tool call, name, JSON arguments)]) of a chat or prompt-variant object."""
    message = wire.get("message")
    if isinstance(message, dict):
        text, thinking, raw_calls = (
            message.get("content") or "",
            message.get("thinking"),
            message.get("tool_calls"),
        )
    else:
        text, thinking, raw_calls = wire.get("response") or "", wire.get("thinking"), None
    calls = []
    for tc in raw_calls or ():
        function = tc.get("function") or {}
        arguments = function.get("arguments")
        encoded = arguments if isinstance(arguments, str) else json.dumps(arguments or {})
        calls.append((tc, function.get("name") or "", encoded))
    return text, thinking or None, calls


def tool_call_id(tool_call: dict[str, Any]) -> str:
    """The wire's id when it sent one, else a new OpenAI-style id."""
    return tool_call.get("id") or f"call_{uuid.uuid4().hex[:24]}"


def finish_reason(reason: str | None, adapter: Adapter, has_tool_calls: bool) -> str | None:
    if reason is None:
        return None
    mapped = adapter.finish_reasons.get(reason, "stop")
    return "tool_calls" if has_tool_calls and mapped == "stop" else mapped


def split_think_tags(text: str) -> tuple[str | None, str]:
    """(reasoning, answer) of a text that opens with a ``<think>…</think>`` block, as some
    models write their reasoning inline when ``think`` is not set."""
    stripped = text.lstrip()
    if not stripped.startswith(THINK_OPEN) or THINK_CLOSE not in stripped:
        return None, text
    reasoning, _, answer = stripped[len(THINK_OPEN) :].partition(THINK_CLOSE)
    return reasoning.strip() or None, answer.lstrip()


def created_seconds(created_at: Any) -> int | None:
    """``created_at`` (RFC 3339, up to nanoseconds) -> Unix seconds."""
    if not isinstance(created_at, str):
        return None
    head, dot, rest = created_at.partition(".")
    if dot:  # datetime takes at most microseconds: drop the extra digits, keep the zone
        digits = len(rest) - len(rest.lstrip("0123456789"))
        created_at = f"{head}.{rest[: min(digits, 6)]}{rest[digits:]}"
    try:
        return int(datetime.fromisoformat(created_at.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return None


# --- streams ---------------------------------------------------------------------------------


class StreamTranslator:
    """One wire object per NDJSON line -> OpenAI chunks.

    Emits ``role`` on the first delta, then content / reasoning deltas (``thinking``, or text
    between ``<think>`` tags when the model writes them inline), whole tool calls (id, name and
    all the arguments in one delta), ``finish_reason`` on the ``done`` line, and at the end one
    usage-only chunk from the ``done`` line's counts.
    """

    __slots__ = ("call", "adapter", "_id", "_model", "_created", "_usage", "_started", "_tools", "_inline")

    def __init__(self, call: Call, adapter: Adapter) -> None:
        self.call = call
        self.adapter = adapter
        self._id = f"chatcmpl-{uuid.uuid4().hex}"  # the wire has none; one id for the stream
        self._model: str | None = None
        self._created: int | None = None
        self._usage: Usage | None = None
        self._started = False
        self._tools = 0  # tool calls sent so far
        self._inline: bool | None = None  # inside an inline <think> block (None: not seen)

    def feed(self, event: str | None, data: str) -> list[ModelResponseStream]:
        if not data:
            return []
        payload = loads(data)
        if not isinstance(payload, dict):
            return []
        if "error" in payload:
            raise self.adapter.stream_error(self.call, payload)
        self._model = self._model or payload.get("model")
        self._created = self._created or created_seconds(payload.get("created_at"))
        text, thinking, tool_calls = _read(payload)
        fields = self._text_fields(text, thinking)
        if tool_calls:
            fields["tool_calls"] = [
                ChatCompletionDeltaToolCall(
                    index=self._tools + offset,
                    id=tool_call_id(tc),
                    type="function",
                    function=Function(name=name, arguments=arguments),
                )
                for offset, (tc, name, arguments) in enumerate(tool_calls)
            ]
            self._tools += len(tool_calls)
        finish = None
        if payload.get("done"):
            finish = finish_reason(payload.get("done_reason") or "stop", self.adapter, self._tools > 0)
            self._usage = self.adapter.usage_from_wire(payload)  # type: ignore[attr-defined]
        if not fields and finish is None:
            return []
        if not self._started:
            self._started = True
            fields["role"] = "assistant"
        return [self._chunk([StreamingChoices(index=0, delta=Delta(**fields), finish_reason=finish)])]

    def close(self) -> list[ModelResponseStream]:
        if self._usage is None:
            return []
        return [self._chunk([], usage=self._usage)]

    def _text_fields(self, text: str, thinking: str | None) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if thinking:
            fields["reasoning_content"] = thinking
        if not text:
            return fields
        reasoning, answer = self._split_inline(text)
        if reasoning:
            fields["reasoning_content"] = fields.get("reasoning_content", "") + reasoning
        if answer:
            fields["content"] = answer
        return fields

    def _split_inline(self, text: str) -> tuple[str, str]:
        """(reasoning, answer) of one text piece, following ``<think>`` … ``</think>`` across lines."""
        if self._inline is None:
            if not text.strip():
                return "", text  # leading whitespace: too early to tell
            if not text.lstrip().startswith(THINK_OPEN):
                self._inline = False
                return "", text
            self._inline = True
            text = text.lstrip()[len(THINK_OPEN) :]
        if not self._inline:
            return "", text
        reasoning, closed, answer = text.partition(THINK_CLOSE)
        if closed:
            self._inline = False
            return reasoning, answer.lstrip()
        return reasoning, ""

    def _chunk(self, choices: list[StreamingChoices], usage: Usage | None = None) -> ModelResponseStream:
        return ModelResponseStream(
            id=self._id,
            model=self._model or self.call.model,
            created=self._created or int(time.time()),
            choices=choices,
            usage=usage,
        )


# --- embeddings --------------------------------------------------------------------------------


def write_embed_input(call: Call, body: dict[str, Any]) -> None:
    """Input transform: ``input`` (a string or a list of strings) -> ``input`` as a list."""
    value = call.params["input"]
    texts = [value] if isinstance(value, str) else list(value)
    if not all(isinstance(text, str) for text in texts):
        exceptions.raise_error(
            "BadRequestError", "this provider embeds text only: 'input' must be strings, not token ids"
        )
    body["input"] = texts


def parse_embeddings(wire: dict[str, Any], call: Call, adapter: Adapter) -> EmbeddingResponse:
    """Response transform: ``embeddings`` (one vector per input) -> OpenAI's embedding list."""
    data = [Embedding(index=i, embedding=vector) for i, vector in enumerate(wire.get("embeddings") or [])]
    tokens = wire.get("prompt_eval_count") or 0
    return EmbeddingResponse(
        data=data,
        model=wire.get("model") or call.model,
        usage=EmbeddingUsage(prompt_tokens=tokens, total_tokens=tokens),
    )
