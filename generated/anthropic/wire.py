# Code generated from specs/anthropic/openapi.yaml by `make generate` (datamodel-code-generator). DO NOT EDIT.

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel


class OutputConfig(BaseModel):
    """
    With adaptive thinking, how much effort the model spends (low, medium, high).
    """

    model_config = ConfigDict(
        extra="allow",
    )
    effort: str | None = None


class Metadata(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    user_id: str | None = Field(
        None,
        description="An opaque id for the end user; not an email, name or phone number.",
    )


class CacheControl(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["ephemeral"]
    ttl: Literal["5m", "1h"] | None = None


class TextBlockParam(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["text"]
    text: str = Field(..., min_length=1)
    cache_control: CacheControl | None = None


class ImageSource(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["base64", "url"]
    media_type: str | None = Field(
        None,
        description="With `base64`; image/jpeg, image/png, image/gif or image/webp (application/pdf for documents).",
    )
    data: str | None = None
    url: str | None = None


class ImageBlockParam(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["image"]
    source: ImageSource
    cache_control: CacheControl | None = None


class DocumentBlockParam(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["document"]
    source: ImageSource
    cache_control: CacheControl | None = None


class ToolUseBlockParam(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["tool_use"]
    id: str
    name: str
    input: dict[str, Any]
    cache_control: CacheControl | None = None


class ToolResultBlockParam(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["tool_result"]
    tool_use_id: str
    content: str | list[TextBlockParam | ImageBlockParam] | None = None
    is_error: bool | None = None
    cache_control: CacheControl | None = None


class ThinkingBlockParam(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["thinking"]
    thinking: str
    signature: str


class RedactedThinkingBlockParam(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["redacted_thinking"]
    data: str


class Tool(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    name: str = Field(..., pattern="^[a-zA-Z0-9_-]{1,128}$")
    description: str | None = None
    input_schema: dict[str, Any] = Field(..., description="A JSON Schema whose top-level `type` is `object`.")
    cache_control: CacheControl | None = None


class ToolChoice(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["auto", "any", "tool", "none"]
    name: str | None = Field(None, description="With `tool`, the tool the model must call.")
    disable_parallel_tool_use: bool | None = None


class ThinkingConfig(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["enabled", "disabled", "adaptive"]
    budget_tokens: int | None = Field(
        None,
        description="With `enabled`; must be below max_tokens. `adaptive` has no budget.",
        ge=1024,
    )


class ResponseContentBlock(BaseModel):
    """
    One output block. `text` has `text` (and maybe `citations`); `tool_use` has `id`, `name`, `input`; `thinking` has `thinking` and `signature`; `redacted_thinking` has `data`.

    """

    model_config = ConfigDict(
        extra="allow",
    )
    type: str
    text: str | None = None
    citations: list[dict[str, Any]] | None = None
    id: str | None = None
    name: str | None = None
    input: dict[str, Any] | None = None
    thinking: str | None = None
    signature: str | None = None
    data: str | None = None


class CacheCreation(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    ephemeral_5m_input_tokens: int | None = None
    ephemeral_1h_input_tokens: int | None = None


class ContentBlockStartEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["content_block_start"]
    index: int
    content_block: ResponseContentBlock


class ContentBlockDelta(BaseModel):
    """
    text_delta (`text`), input_json_delta (`partial_json`, a piece of the tool input's JSON), thinking_delta (`thinking`), signature_delta (`signature`), citations_delta (`citation`).

    """

    model_config = ConfigDict(
        extra="allow",
    )
    type: str
    text: str | None = None
    partial_json: str | None = None
    thinking: str | None = None
    signature: str | None = None
    citation: dict[str, Any] | None = None


class ContentBlockDeltaEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["content_block_delta"]
    index: int
    delta: ContentBlockDelta


class ContentBlockStopEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["content_block_stop"]
    index: int


class Delta(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    stop_reason: str | None = None
    stop_sequence: str | None = None


class MessageStopEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["message_stop"]


class PingEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["ping"]


class ErrorDetail(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: str = Field(
        ...,
        description="invalid_request_error (400), authentication_error (401), billing_error (402), permission_error (403), not_found_error (404), request_too_large (413), rate_limit_error (429), api_error (500), timeout_error (504), overloaded_error (529).\n",
    )
    message: str


class Usage(BaseModel):
    """
    `input_tokens` counts only the uncached input; cache reads and cache writes are counted apart in `cache_read_input_tokens` and `cache_creation_input_tokens`.

    """

    model_config = ConfigDict(
        extra="allow",
    )
    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_creation_input_tokens: int | None = None
    cache_read_input_tokens: int | None = None
    cache_creation: CacheCreation | None = None
    service_tier: str | None = None


class MessageDeltaEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["message_delta"]
    delta: Delta
    usage: Usage = Field(..., description="Cumulative counts; `output_tokens` is always present.")


class ErrorResponse(BaseModel):
    """
    The body of every error status, and the payload of an `error` event inside a 200 stream.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["error"]
    error: ErrorDetail
    request_id: str | None = None


class InputMessage(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    role: Literal["user", "assistant"]
    content: (
        str
        | list[
            TextBlockParam
            | ImageBlockParam
            | DocumentBlockParam
            | ToolUseBlockParam
            | ToolResultBlockParam
            | ThinkingBlockParam
            | RedactedThinkingBlockParam
        ]
    )


class Message(BaseModel):
    """
    Anthropic always sends id, type, role, content, model and usage; none is required here so that an Anthropic-compatible server that leaves one out, or an error body sent with a 200 (`type: error`), still reaches the adapter, which says what went wrong.

    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: str | None = None
    type: str | None = None
    role: str | None = None
    model: str | None = None
    content: list[ResponseContentBlock] | None = None
    stop_reason: str | None = Field(
        None,
        description="end_turn, max_tokens, stop_sequence, tool_use, pause_turn, refusal or model_context_window_exceeded.",
    )
    stop_sequence: str | None = None
    usage: Usage | None = None


class MessageStartEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["message_start"]
    message: Message


class CreateMessageRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    model: str
    messages: list[InputMessage]
    max_tokens: int = Field(..., description="Required by the API; the most tokens the model may generate.")
    system: str | list[TextBlockParam] | None = Field(
        None,
        description="The system prompt, a string or a list of text blocks (blocks carry cache_control).",
    )
    stop_sequences: list[str] | None = None
    stream: bool | None = None
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    metadata: Metadata | None = None
    tools: list[Tool] | None = None
    tool_choice: ToolChoice | None = None
    thinking: ThinkingConfig | None = None
    output_config: OutputConfig | None = Field(
        None,
        description="With adaptive thinking, how much effort the model spends (low, medium, high).",
    )


class StreamEvent(
    RootModel[
        MessageStartEvent
        | ContentBlockStartEvent
        | ContentBlockDeltaEvent
        | ContentBlockStopEvent
        | MessageDeltaEvent
        | MessageStopEvent
        | PingEvent
        | ErrorResponse
    ]
):
    root: (
        MessageStartEvent
        | ContentBlockStartEvent
        | ContentBlockDeltaEvent
        | ContentBlockStopEvent
        | MessageDeltaEvent
        | MessageStopEvent
        | PingEvent
        | ErrorResponse
    )
