"""Transforms for the dialect whose request is OpenAI-like and whose answer is a ``message`` object.

The request keeps OpenAI's messages and function tools (tool calls as ``{id, type: function,
function: {name, arguments}}``), with ``tool_choice`` as upper-case words and ``response_format``
carrying the bare JSON schema. The answer is ``{id, finish_reason, message: {role, content: [{type:
text, text}], tool_plan, tool_calls, citations}, usage: {billed_units, tokens}}``; the stream is
SSE events named with hyphens (``message-start``, ``content-delta``, ``tool-call-start`` …
``message-end``) whose payload carries a ``type`` and a ``delta.message`` fragment. Embeddings
answer ``{embeddings: {<type>: [[...]]}, meta: {billed_units}}``.
"""

from __future__ import annotations

import time
from typing import Any

from .. import exceptions
from ..adapter import Adapter, Call, loads, usage_from_counts
from ..types import (
    ChatCompletionMessageToolCall,
    Choices,
    Embedding,
    EmbeddingResponse,
    EmbeddingUsage,
    Function,
    Message,
    ModelResponse,
    ModelResponseStream,
    Usage,
)

# --- request -----------------------------------------------------------------------------------

_TOOL_CHOICES = {"required": "REQUIRED", "none": "NONE"}


def tool_choice_to_wire(call: Call, body: dict[str, Any]) -> None:
    """OpenAI ``tool_choice`` -> ``REQUIRED`` / ``NONE``; ``auto`` is the default and is not sent.

    The wire has no way to name one function, so a named choice becomes ``REQUIRED`` with only
    that function offered: the model must call a tool and can call no other.
    """
    choice = call.params.get("tool_choice")
    if choice is None or choice == "auto":
        return
    if isinstance(choice, str) and choice in _TOOL_CHOICES:
        body["tool_choice"] = _TOOL_CHOICES[choice]
        return
    name = choice.get("function", {}).get("name") if isinstance(choice, dict) else None
    if not name:
        exceptions.raise_error("BadRequestError", f"unsupported tool_choice: {choice!r}")
    tools = [t for t in body.get("tools") or () if (t.get("function") or {}).get("name") == name]
    if not tools:
        exceptions.raise_error("BadRequestError", f"tool_choice names {name!r}, which is not in tools")
    body["tools"] = tools
    body["tool_choice"] = "REQUIRED"


def response_format_to_wire(value: dict[str, Any]) -> dict[str, Any]:
    """OpenAI ``response_format`` -> ``{type: json_object, json_schema: <the schema itself>}``."""
    kind = value.get("type")
    if kind == "json_schema":
        schema = (value.get("json_schema") or {}).get("schema")
        return {"type": "json_object", "json_schema": schema} if schema else {"type": "json_object"}
    if kind == "json_object":
        schema = value.get("response_schema") or value.get("schema")
        return {"type": "json_object", "json_schema": schema} if schema else {"type": "json_object"}
    return {"type": kind or "text"}


# --- response ----------------------------------------------------------------------------------


def usage_from_wire(usage: Any) -> Usage:
    """``tokens`` counts what the model read and wrote; ``billed_units`` only what is billed (the
    prompt template excluded). OpenAI's usage counts tokens, so ``tokens`` wins when present."""
    usage = usage if isinstance(usage, dict) else {}
    counts = usage.get("tokens") or usage.get("billed_units") or {}
    return usage_from_counts(
        prompt_tokens=int(counts.get("input_tokens") or 0),
        completion_tokens=int(counts.get("output_tokens") or 0),
    )


def annotations(citations: Any) -> list[dict[str, Any]] | None:
    """Citations -> OpenAI ``url_citation`` annotations, one per cited document source."""
    out = []
    for citation in citations or ():
        for source in citation.get("sources") or ():
            document = source.get("document")
            if source.get("type") != "document" or not isinstance(document, dict):
                continue
            url = source.get("url") or f"source:{source.get('id', 'unknown')}"
            out.append(
                {
                    "type": "url_citation",
                    "url_citation": {
                        "start_index": citation.get("start", 0),
                        "end_index": citation.get("end", 0),
                        "title": document.get("title", ""),
                        "url": url,
                    },
                }
            )
    return out or None


def _tool_call(raw: dict[str, Any]) -> ChatCompletionMessageToolCall:
    function = raw.get("function") or {}
    arguments = function.get("arguments")
    return ChatCompletionMessageToolCall(
        id=raw.get("id"),
        function=Function(name=function.get("name"), arguments=arguments if arguments else "{}"),
    )


def parse_message(wire: dict[str, Any], call: Call, adapter: Adapter, **_: Any) -> ModelResponse:
    """A ``message`` answer -> ``chat.completion``: text blocks joined, thinking blocks as
    ``reasoning_content``, tool calls kept (OpenAI's shape already), citations as annotations, the
    model's ``tool_plan`` in provider fields."""
    message = wire.get("message") or {}
    blocks = [b for b in message.get("content") or () if isinstance(b, dict)]
    texts = [b.get("text") or "" for b in blocks if b.get("type") == "text"]
    thinking = [b.get("thinking") or "" for b in blocks if b.get("type") == "thinking"]
    tool_calls = [_tool_call(raw) for raw in message.get("tool_calls") or ()]
    reason = wire.get("finish_reason") or ""
    tool_plan = message.get("tool_plan")
    result = Message(
        content="".join(texts) or None,
        reasoning_content="".join(thinking) or None,
        tool_calls=tool_calls or None,
        annotations=annotations(message.get("citations")),
        provider_specific_fields={"tool_plan": tool_plan} if tool_plan else None,
    )
    return ModelResponse(
        id=wire.get("id") or "",
        model=call.model,
        choices=[Choices(index=0, message=result, finish_reason=adapter.finish_reasons.get(reason, "stop"))],
        usage=usage_from_wire(wire.get("usage")),
    )


# --- stream ------------------------------------------------------------------------------------


class EventTranslator:
    """Hyphen-named SSE events -> OpenAI ``chat.completion.chunk`` objects.

    message-start gives the role chunk; content-delta text (or thinking, as reasoning_content);
    tool-call-start the call's id and name
    (its index counts tool calls), tool-call-delta argument pieces; message-end the finish_reason
    chunk, then the usage-only chunk, or raises the mapped exception when it carries an ``error``.
    citation-start gives a chunk with the citation in ``provider_specific_fields`` (as LiteLLM);
    tool-plan events carry nothing OpenAI's chunk has a field for. A stream ends with ``data: [DONE]``.
    """

    __slots__ = ("call", "adapter", "id", "created", "usage", "done")

    def __init__(self, call: Call, adapter: Adapter) -> None:
        self.call = call
        self.adapter = adapter
        self.id = ""
        self.created = int(time.time())
        self.usage: Usage | None = None
        self.done = False

    def feed(self, event: str | None, data: str) -> list[ModelResponseStream]:
        if not data or data == "[DONE]":
            return []
        payload = loads(data)
        kind = payload.get("type") or event
        handler = _HANDLERS.get(kind)
        return handler(self, payload) if handler is not None else []

    def close(self) -> list[ModelResponseStream]:
        return self._usage_chunk()

    def _message_start(self, payload: dict[str, Any]) -> list[ModelResponseStream]:
        self.id = payload.get("id") or self.id
        return [self._chunk({"role": "assistant", "content": ""})]

    def _content_delta(self, payload: dict[str, Any]) -> list[ModelResponseStream]:
        content = _fragment(payload, "content")
        if content.get("thinking"):
            return [self._chunk({"reasoning_content": content["thinking"]})]
        text = content.get("text")
        return [self._chunk({"content": text})] if text else []

    def _tool_start(self, payload: dict[str, Any]) -> list[ModelResponseStream]:
        raw = _fragment(payload, "tool_calls")
        function = raw.get("function") or {}
        delta = {
            "index": payload.get("index", 0),
            "id": raw.get("id"),
            "type": "function",
            "function": {"name": function.get("name"), "arguments": function.get("arguments") or ""},
        }
        return [self._chunk({"tool_calls": [delta]})]

    def _tool_delta(self, payload: dict[str, Any]) -> list[ModelResponseStream]:
        piece = (_fragment(payload, "tool_calls").get("function") or {}).get("arguments")
        if not piece:
            return []
        delta = {"index": payload.get("index", 0), "function": {"arguments": piece}}
        return [self._chunk({"tool_calls": [delta]})]

    def _citation_start(self, payload: dict[str, Any]) -> list[ModelResponseStream]:
        """A citation of the streamed text: handed over as LiteLLM does, in provider fields."""
        citation = _fragment(payload, "citations")
        if not citation:
            return []
        return [self._chunk({"provider_specific_fields": {"citations": [citation]}})]

    def _message_end(self, payload: dict[str, Any]) -> list[ModelResponseStream]:
        delta = payload.get("delta") or {}
        if delta.get("error"):
            raise self.adapter.stream_error(self.call, {"message": delta["error"]})
        if delta.get("usage"):
            self.usage = usage_from_wire(delta["usage"])
        reason = delta.get("finish_reason") or ""
        finish = self.adapter.finish_reasons.get(reason, "stop")
        return [self._chunk({}, finish), *self._usage_chunk()]

    def _usage_chunk(self) -> list[ModelResponseStream]:
        if self.done or self.usage is None:
            return []
        self.done = True
        return [
            ModelResponseStream(
                id=self.id, created=self.created, model=self.call.model, choices=[], usage=self.usage
            )
        ]

    def _chunk(self, delta: dict[str, Any], finish_reason: str | None = None) -> ModelResponseStream:
        return ModelResponseStream.model_validate(
            {
                "id": self.id,
                "created": self.created,
                "model": self.call.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
            }
        )


def _fragment(payload: dict[str, Any], field: str) -> dict[str, Any]:
    value = ((payload.get("delta") or {}).get("message") or {}).get(field)
    return value if isinstance(value, dict) else {}


_HANDLERS = {
    "message-start": EventTranslator._message_start,
    "content-delta": EventTranslator._content_delta,
    "tool-call-start": EventTranslator._tool_start,
    "tool-call-delta": EventTranslator._tool_delta,
    "citation-start": EventTranslator._citation_start,
    "message-end": EventTranslator._message_end,
}


# --- embeddings --------------------------------------------------------------------------------


def write_embed_input(call: Call, body: dict[str, Any]) -> None:
    """Input transform: ``input`` (a string or a list of strings) -> ``texts``; image data URIs ->
    ``images`` with ``input_type: image`` (as LiteLLM sends them; a caller's input_type still wins)."""
    value = call.params["input"]
    texts = [value] if isinstance(value, str) else list(value)
    if not all(isinstance(text, str) for text in texts):
        exceptions.raise_error("BadRequestError", "'input' must be strings, not token ids")
    if texts and all(text.startswith("data:image/") for text in texts):
        body["images"] = texts
        body["input_type"] = "image"
        return
    body["texts"] = texts


def embedding_types(value: str | list[str]) -> list[str]:
    """``encoding_format`` -> ``embedding_types`` (a list of the embedding kinds wanted)."""
    return [value] if isinstance(value, str) else list(value)


def parse_embeddings(wire: dict[str, Any], call: Call, adapter: Adapter, **_: Any) -> EmbeddingResponse:
    """``embeddings: {<type>: [vector, ...]}`` -> OpenAI's embedding list; usage from billed units."""
    by_type = wire.get("embeddings") or {}
    vectors = next(iter(by_type.values()), []) if isinstance(by_type, dict) else by_type
    data = [Embedding(index=i, embedding=vector) for i, vector in enumerate(vectors)]
    billed = (wire.get("meta") or {}).get("billed_units") or {}
    tokens = int(billed.get("input_tokens") or 0) + int(billed.get("images") or 0)
    return EmbeddingResponse(
        data=data, model=call.model, usage=EmbeddingUsage(prompt_tokens=tokens, total_tokens=tokens)
    )
