"""The canonical Responses API types (OpenAI's ``response`` object and its stream events).

Field names follow OpenAI's API reference, so ``model_dump()`` is what OpenAI would return;
the class names are LiteLLM's (``ResponsesAPIResponse``, ``ResponseAPIUsage``). Output items are
typed by their ``type`` (``message``, ``function_call``, ``reasoning``); any other item type
(web search calls, MCP calls…) is kept as a generic item with all its fields.
"""

from __future__ import annotations

import time
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from .types import OpenAIObject, _WithHiddenParams


class InputTokensDetails(OpenAIObject):
    cached_tokens: int = 0


class OutputTokensDetails(OpenAIObject):
    reasoning_tokens: int = 0


class ResponseAPIUsage(OpenAIObject):
    """Responses usage. The chat names are read-only views, so pricing code reads both shapes."""

    input_tokens: int = 0
    input_tokens_details: InputTokensDetails | None = None
    output_tokens: int = 0
    output_tokens_details: OutputTokensDetails | None = None
    total_tokens: int = 0

    @property
    def prompt_tokens(self) -> int:
        return self.input_tokens

    @property
    def completion_tokens(self) -> int:
        return self.output_tokens

    @property
    def prompt_tokens_details(self) -> Any:
        return self.input_tokens_details

    @property
    def completion_tokens_details(self) -> Any:
        return self.output_tokens_details


class OutputText(OpenAIObject):
    type: Literal["output_text"] = "output_text"
    text: str = ""
    annotations: list[Any] = Field(default_factory=list)


class GenericContentPart(OpenAIObject):
    """A message content part other than ``output_text`` (``refusal``…): every field is kept."""

    type: str


def _part_kind(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return "output_text" if kind == "output_text" else "other"


ContentPart = Annotated[
    Annotated[OutputText, Tag("output_text")] | Annotated[GenericContentPart, Tag("other")],
    Discriminator(_part_kind),
]


class ResponseOutputMessage(OpenAIObject):
    id: str
    type: Literal["message"] = "message"
    role: Literal["assistant"] = "assistant"
    status: str | None = "completed"
    content: list[ContentPart] = Field(default_factory=list)


class ResponseFunctionToolCall(OpenAIObject):
    id: str | None = None
    type: Literal["function_call"] = "function_call"
    call_id: str
    name: str
    arguments: str = ""
    status: str | None = "completed"


class ReasoningSummary(OpenAIObject):
    type: Literal["summary_text"] = "summary_text"
    text: str = ""


class ResponseReasoningItem(OpenAIObject):
    id: str
    type: Literal["reasoning"] = "reasoning"
    summary: list[ReasoningSummary] = Field(default_factory=list)
    content: list[dict[str, Any]] | None = None
    encrypted_content: str | None = None
    status: str | None = None


class GenericResponseOutputItem(OpenAIObject):
    """An output item type without a class of its own: every field is kept."""

    type: str
    id: str | None = None


def _item_kind(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return kind if kind in ("message", "function_call", "reasoning") else "other"


OutputItem = Annotated[
    Annotated[ResponseOutputMessage, Tag("message")]
    | Annotated[ResponseFunctionToolCall, Tag("function_call")]
    | Annotated[ResponseReasoningItem, Tag("reasoning")]
    | Annotated[GenericResponseOutputItem, Tag("other")],
    Discriminator(_item_kind),
]


def _now() -> int:
    return int(time.time())


class ResponsesAPIResponse(_WithHiddenParams):
    """An OpenAI ``response`` object."""

    id: str
    object: str = "response"
    created_at: int | float = Field(default_factory=_now)
    status: str | None = "completed"
    error: dict[str, Any] | None = None
    incomplete_details: dict[str, Any] | None = None
    instructions: Any = None
    max_output_tokens: int | None = None
    model: str | None = None
    output: list[OutputItem] = Field(default_factory=list)
    parallel_tool_calls: bool | None = True
    previous_response_id: str | None = None
    reasoning: dict[str, Any] | None = None
    store: bool | None = None
    temperature: float | None = None
    text: dict[str, Any] | None = None
    tool_choice: Any = "auto"
    tools: list[Any] = Field(default_factory=list)
    top_p: float | None = None
    truncation: str | None = None
    usage: ResponseAPIUsage | None = None
    user: str | None = None
    metadata: dict[str, Any] | None = None

    @property
    def output_text(self) -> str:
        """All ``output_text`` parts of the message items, joined (as the openai SDK offers)."""
        return "".join(
            part.text
            for item in self.output
            if isinstance(item, ResponseOutputMessage)
            for part in item.content
            if isinstance(part, OutputText)
        )


class ResponsesAPIStreamEvents(str, Enum):
    """The stream event types (LiteLLM's enum; each value is OpenAI's ``type``)."""

    RESPONSE_CREATED = "response.created"
    RESPONSE_IN_PROGRESS = "response.in_progress"
    RESPONSE_COMPLETED = "response.completed"
    RESPONSE_FAILED = "response.failed"
    RESPONSE_INCOMPLETE = "response.incomplete"
    OUTPUT_ITEM_ADDED = "response.output_item.added"
    OUTPUT_ITEM_DONE = "response.output_item.done"
    CONTENT_PART_ADDED = "response.content_part.added"
    CONTENT_PART_DONE = "response.content_part.done"
    OUTPUT_TEXT_DELTA = "response.output_text.delta"
    OUTPUT_TEXT_DONE = "response.output_text.done"
    REFUSAL_DELTA = "response.refusal.delta"
    REFUSAL_DONE = "response.refusal.done"
    FUNCTION_CALL_ARGUMENTS_DELTA = "response.function_call_arguments.delta"
    FUNCTION_CALL_ARGUMENTS_DONE = "response.function_call_arguments.done"
    REASONING_SUMMARY_PART_ADDED = "response.reasoning_summary_part.added"
    REASONING_SUMMARY_PART_DONE = "response.reasoning_summary_part.done"
    REASONING_SUMMARY_TEXT_DELTA = "response.reasoning_summary_text.delta"
    REASONING_SUMMARY_TEXT_DONE = "response.reasoning_summary_text.done"
    ERROR = "error"


def _event_part_kind(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return kind if kind in ("output_text", "summary_text") else "other"


EventPart = Annotated[
    Annotated[OutputText, Tag("output_text")]
    | Annotated[ReasoningSummary, Tag("summary_text")]
    | Annotated[GenericContentPart, Tag("other")],
    Discriminator(_event_part_kind),
]


class ResponsesAPIStreamEvent(OpenAIObject):
    """One stream event: ``type`` names it; the other fields are the event's own (``delta``,
    ``item_id``, ``output_index``…). ``response``, ``item`` and ``part`` are parsed into the
    types above, so ``event.part.text`` reads as it does with the openai SDK."""

    type: str
    sequence_number: int | None = None
    response: ResponsesAPIResponse | None = None
    item: OutputItem | None = None
    part: EventPart | None = None


__all__ = [
    "ContentPart",
    "EventPart",
    "GenericContentPart",
    "GenericResponseOutputItem",
    "InputTokensDetails",
    "OutputItem",
    "OutputText",
    "OutputTokensDetails",
    "ReasoningSummary",
    "ResponseAPIUsage",
    "ResponseFunctionToolCall",
    "ResponseOutputMessage",
    "ResponseReasoningItem",
    "ResponsesAPIResponse",
    "ResponsesAPIStreamEvent",
    "ResponsesAPIStreamEvents",
]
