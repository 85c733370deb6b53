"""Transforms for dialects that speak the canonical (OpenAI) format on the wire.

Responses parse straight into the canonical types; these functions only fix the small quirks
that specs declare (renamed fields, usage carried somewhere else, counts under other names,
finish reasons spelled differently, error objects inside a stream).

The parsers take the fast path (``model_validate_json``) and fall back to
:func:`normalize_chat_dict` only when a body does not validate as it is, so well-formed answers
pay nothing for the tolerance.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from .. import exceptions
from ..adapter import Adapter, Call, loads
from ..types import (
    CompletionTokensDetails,
    EmbeddingResponse,
    ImageResponse,
    ModelResponse,
    ModelResponseStream,
    PromptTokensDetails,
    TextCompletionResponse,
    Usage,
)

Result = ModelResponse | ModelResponseStream


# --- parsing -------------------------------------------------------------------------------


def parse_chat(data: bytes) -> ModelResponse:
    try:
        return ModelResponse.model_validate_json(data)
    except ValidationError:
        return ModelResponse.model_validate(normalize_chat_dict(loads(data), "message"))


def parse_chunk(data: bytes | str) -> ModelResponseStream:
    try:
        return ModelResponseStream.model_validate_json(data)
    except ValidationError:
        return ModelResponseStream.model_validate(normalize_chat_dict(loads(data), "delta"))


def parse_embedding(data: bytes) -> EmbeddingResponse:
    return EmbeddingResponse.model_validate_json(data)


def parse_image(data: bytes) -> ImageResponse:
    return ImageResponse.model_validate_json(data)


def parse_text_completion(data: bytes) -> TextCompletionResponse:
    return TextCompletionResponse.model_validate_json(data)


def normalize_chat_dict(body: Any, key: str) -> Any:
    """Bring near-canonical chat JSON to the canonical shape, in place.

    Handles what OpenAI-compatible servers are seen to send: a fractional ``created`` timestamp,
    and ``content`` given as a list of typed blocks (``text`` blocks are joined; ``thinking``
    blocks, whose ``thinking`` is a string or a list of text blocks, become ``reasoning_content``).
    ``key`` is ``message`` for responses and ``delta`` for stream chunks.
    """
    if not isinstance(body, dict):
        return body
    if isinstance(body.get("created"), float):
        body["created"] = int(body["created"])
    for choice in body.get("choices") or ():
        message = choice.get(key) if isinstance(choice, dict) else None
        if isinstance(message, dict) and isinstance(message.get("content"), list):
            text, reasoning = _split_blocks(message["content"])
            message["content"] = text
            if reasoning is not None and not message.get("reasoning_content"):
                message["reasoning_content"] = reasoning
    return body


def _split_blocks(blocks: list[Any]) -> tuple[str | None, str | None]:
    text: list[str] = []
    reasoning: list[str] = []
    for block in blocks:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "thinking":
            reasoning.append(_block_text(block.get("thinking")))
        elif isinstance(block.get("text"), str):
            text.append(block["text"])
    return ("".join(text) if text else None), ("".join(reasoning) if reasoning else None)


def _block_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(part.get("text", "") for part in value if isinstance(part, dict))
    return ""


# --- request rewrites (``request_transforms``) ---------------------------------------------------


def rename_fields_for_models(
    call: Call, body: dict[str, Any], prefixes: list[str], fields: dict[str, str]
) -> None:
    """Send some fields under another name for the models whose names start with ``prefixes``.

    For a provider whose newer models take a parameter under a new name and refuse the old one
    (a reasoning model wants ``max_completion_tokens``, not ``max_tokens``). A field already
    given under its new name is left as the caller set it.
    """
    if not call.model.startswith(tuple(prefixes)):
        return
    for source, target in fields.items():
        if source in body:
            value = body.pop(source)
            body.setdefault(target, value)


def strip_model_route(
    call: Call, body: dict[str, Any], routes: dict[str, dict[str, str]], model_field: str = "model"
) -> None:
    """A model named ``<route>/<name>`` is sent as ``<name>``, with the route's field renames.

    LiteLLM lets a caller say which family a freely named deployment belongs to with a route
    prefix (``o_series/my-deployment``); the provider knows the deployment by its bare name, and
    the family decides parameter names (``max_tokens`` -> ``max_completion_tokens``). The call's
    model is updated too, so the URL and the result name the deployment itself.
    """
    for prefix, fields in routes.items():
        if not call.model.startswith(prefix):
            continue
        call.model = call.model[len(prefix) :]
        if model_field in body:
            body[model_field] = call.model
        for source, target in fields.items():
            if source in body:
                body.setdefault(target, body.pop(source))
        return


def text_parts_as_string(call: Call, body: dict[str, Any], field: str = "messages") -> None:
    """Send a message whose content is a list of text parts with one string content instead.

    For servers that take only string content from text models. The texts are joined with no
    separator, as LiteLLM joins them; a list holding any other part (an image, audio) is sent as
    it is. The caller's messages are not modified.
    """
    messages = body.get(field)
    if not isinstance(messages, list):
        return
    out = []
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, list) and content and all(_is_text_part(p) for p in content):
            text = "".join(p.get("text") or "" for p in content)
            if text:
                message = {**message, "content": text}
        out.append(message)
    body[field] = out


def _is_text_part(part: Any) -> bool:
    return isinstance(part, dict) and part.get("type", "text") == "text"


# --- response and chunk fixes (``response.transforms`` / ``stream.chunk_transforms``) -------------


def rename_message_fields(response: ModelResponse, fields: dict[str, str]) -> None:
    """Move provider-named message fields (kept as extras) to their canonical names."""
    for choice in response.choices:
        _rename_extras(choice.message, fields)


def rename_delta_fields(chunk: ModelResponseStream, fields: dict[str, str]) -> None:
    for choice in chunk.choices:
        _rename_extras(choice.delta, fields)


def _rename_extras(obj: Any, fields: dict[str, str]) -> None:
    extra = obj.__pydantic_extra__
    if not extra:
        return
    for source, target in fields.items():
        value = extra.pop(source, None)
        if value is not None and getattr(obj, target, None) is None:
            setattr(obj, target, value)


def usage_from_extra(obj: Result, path: str) -> None:
    """Take usage from a provider extension object (e.g. ``x_ext.usage``) when ``usage`` is absent."""
    if obj.usage is not None or not obj.__pydantic_extra__:
        return
    head, _, rest = path.partition(".")
    value: Any = obj.__pydantic_extra__.get(head)
    for part in rest.split(".") if rest else ():
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, dict):
        obj.usage = Usage.model_validate(value)


def cached_tokens_from_usage_field(obj: Result, field: str) -> None:
    """Fill ``prompt_tokens_details.cached_tokens`` from a usage count the provider names ``field``.

    For servers that report cache hits as their own usage field (``prompt_cache_hit_tokens``,
    ``num_cached_tokens``…) instead of, or besides, OpenAI's ``prompt_tokens_details``.
    """
    usage = obj.usage
    count = _extra_int(usage, field)
    if usage is None or count is None or usage.cached_tokens:
        return
    details = usage.prompt_tokens_details or PromptTokensDetails()
    details.cached_tokens = count
    usage.prompt_tokens_details = details


def reasoning_tokens_from_usage_field(obj: Result, field: str) -> None:
    """Fill ``completion_tokens_details.reasoning_tokens`` from a top-level usage field."""
    usage = obj.usage
    count = _extra_int(usage, field)
    if usage is None or count is None or usage.reasoning_tokens:
        return
    details = usage.completion_tokens_details or CompletionTokensDetails()
    details.reasoning_tokens = count
    usage.completion_tokens_details = details


def reasoning_outside_completion_tokens(obj: Result) -> None:
    """Count reasoning inside ``completion_tokens``, as OpenAI does, for servers that count it apart.

    Such servers report ``total = prompt + completion + reasoning``; when the figures add up that
    way, the reasoning tokens are moved into ``completion_tokens`` (the total is unchanged).
    """
    usage = obj.usage
    if usage is None or not usage.reasoning_tokens:
        return
    if usage.total_tokens == usage.prompt_tokens + usage.completion_tokens + usage.reasoning_tokens:
        usage.completion_tokens += usage.reasoning_tokens


def _extra_int(usage: Usage | None, field: str) -> int | None:
    if usage is None or not usage.__pydantic_extra__:
        return None
    value = usage.__pydantic_extra__.get(field)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def map_finish_reasons(obj: Result, values: dict[str, str]) -> None:
    """Rename finish reasons a server spells its own way (``eos`` → ``stop``…)."""
    for choice in obj.choices:
        if choice.finish_reason in values:
            choice.finish_reason = values[choice.finish_reason]


def tool_calls_finish_reason(response: ModelResponse, replace: list[str]) -> None:
    """A message that carries tool calls finished with ``tool_calls``, whatever ``replace``-listed
    reason (``""``, ``stop``) the server gave."""
    for choice in response.choices:
        if choice.message.tool_calls and (choice.finish_reason or "") in replace:
            choice.finish_reason = "tool_calls"


# --- streams -----------------------------------------------------------------------------


class ChunkTranslator:
    """Canonical stream: each ``data:`` line is a ``chat.completion.chunk``; ``[DONE]`` ends it.

    An error arrives either as its own event (``event: error`` or a ``{"error": …}`` payload) or
    as an ``error`` object inside an otherwise normal chunk; both raise from the iterator. The
    spec's ``chunk_transforms`` (compiled into ``adapter.fix_chunk``) run on every chunk.
    """

    __slots__ = ("call", "adapter", "fix")

    def __init__(self, call: Call, adapter: Adapter) -> None:
        self.call = call
        self.adapter = adapter
        self.fix = adapter.fix_chunk

    def feed(self, event: str | None, data: str) -> list[ModelResponseStream]:
        if data == "[DONE]" or not data:
            return []
        if event == "error" or data.startswith('{"error"'):
            raise stream_error(self.call, self.adapter, loads(data))
        chunk = parse_chunk(data)
        extra = chunk.__pydantic_extra__
        if extra and extra.get("error"):
            raise stream_error(self.call, self.adapter, {"error": extra["error"]})
        if self.fix is not None:
            self.fix(chunk)
        return [chunk]

    def close(self) -> list[ModelResponseStream]:
        return []


class PreambleChunkTranslator(ChunkTranslator):
    """A canonical stream that may open with a preamble: a chunk with no choices and no usage.

    Such a chunk (empty ``id`` and ``model``, only annotations such as a prompt check's results)
    gives a caller nothing to read and breaks the common ``chunk.choices[0]`` loop, so it is not
    emitted: its extra fields are carried onto the next chunk that has choices.
    """

    __slots__ = ("held",)

    def __init__(self, call: Call, adapter: Adapter) -> None:
        super().__init__(call, adapter)
        self.held: dict[str, Any] = {}

    def feed(self, event: str | None, data: str) -> list[ModelResponseStream]:
        chunks = super().feed(event, data)
        out = []
        for chunk in chunks:
            extra = chunk.__pydantic_extra__
            if not chunk.choices and chunk.usage is None:
                self.held.update(extra or {})
                continue
            if self.held and chunk.choices:
                if extra is not None:
                    for key, value in self.held.items():
                        extra.setdefault(key, value)
                self.held = {}
            out.append(chunk)
        return out


def stream_error(call: Call, adapter: Adapter, payload: Any) -> Exception:
    """The exception for an error inside a 200 stream.

    When the error object carries its HTTP status (``error.status_code``, or a numeric
    ``error.code``) that status classifies it; otherwise the spec's in-stream mapping does.
    """
    error = payload.get("error") if isinstance(payload, dict) else None
    status = None
    if isinstance(error, dict):
        status = next(
            (
                v
                for v in (error.get("status_code"), error.get("code"))
                if isinstance(v, int) and 400 <= v < 600
            ),
            None,
        )
    if status is None:
        return adapter.stream_error(call, payload)
    return exceptions.classify(
        status, payload, adapter.error_spec, llm_provider=adapter.provider, model=call.model
    )
