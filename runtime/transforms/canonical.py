"""Transforms for dialects that speak the canonical (OpenAI) format on the wire.

Responses parse straight into the canonical types; these functions only fix the small quirks
that specs declare (renamed fields, usage carried somewhere else).
"""

from __future__ import annotations

from typing import Any

from ..adapter import Adapter, Call, loads
from ..types import (
    EmbeddingResponse,
    ImageResponse,
    ModelResponse,
    ModelResponseStream,
    TextCompletionResponse,
    Usage,
)


def parse_chat(data: bytes) -> ModelResponse:
    return ModelResponse.model_validate_json(data)


def parse_embedding(data: bytes) -> EmbeddingResponse:
    return EmbeddingResponse.model_validate_json(data)


def parse_image(data: bytes) -> ImageResponse:
    return ImageResponse.model_validate_json(data)


def parse_text_completion(data: bytes) -> TextCompletionResponse:
    return TextCompletionResponse.model_validate_json(data)


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


def usage_from_extra(obj: ModelResponse | ModelResponseStream, path: str) -> None:
    """Take usage from a provider extension object (e.g. ``x_ext.usage``) when ``usage`` is absent."""
    if obj.usage is not None or not obj.__pydantic_extra__:
        return
    head, _, rest = path.partition(".")
    value: Any = obj.__pydantic_extra__.get(head)
    for part in rest.split(".") if rest else ():
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, dict):
        obj.usage = Usage.model_validate(value)


class ChunkTranslator:
    """Canonical stream: each ``data:`` line is a ``chat.completion.chunk``; ``[DONE]`` ends it."""

    __slots__ = ("call", "adapter")

    def __init__(self, call: Call, adapter: Adapter) -> None:
        self.call = call
        self.adapter = adapter

    def feed(self, event: str | None, data: str) -> list[ModelResponseStream]:
        if data == "[DONE]" or not data:
            return []
        if event == "error" or data.startswith('{"error"'):
            raise self.adapter.stream_error(self.call, loads(data))
        return [ModelResponseStream.model_validate_json(data)]

    def close(self) -> list[ModelResponseStream]:
        return []
