"""OpenAI chat request shapes as typed dicts, at LiteLLM's path ``litellm.types.llms.openai``.

User code annotates the messages and tools it builds with these names
(``messages: list[AllMessageValues]``); at run time they are plain dicts, exactly what
``completion(messages=..., tools=...)`` takes. Shapes follow OpenAI's chat API reference.
"""

from __future__ import annotations

from typing import Any, Literal

from typing_extensions import NotRequired, Required, TypedDict


class ChatCompletionTextObject(TypedDict):
    type: Literal["text"]
    text: str
    cache_control: NotRequired[dict[str, Any]]


class ChatCompletionImageUrlObject(TypedDict, total=False):
    url: Required[str]
    detail: str


class ChatCompletionImageObject(TypedDict):
    type: Literal["image_url"]
    image_url: str | ChatCompletionImageUrlObject


class ChatCompletionToolCallFunctionChunk(TypedDict, total=False):
    name: str | None
    arguments: str


class ChatCompletionAssistantToolCall(TypedDict):
    id: str | None
    type: Literal["function"]
    function: ChatCompletionToolCallFunctionChunk


class ChatCompletionSystemMessage(TypedDict, total=False):
    role: Required[Literal["system"]]
    content: Required[str | list[Any]]
    name: str


class ChatCompletionDeveloperMessage(TypedDict, total=False):
    role: Required[Literal["developer"]]
    content: Required[str | list[Any]]
    name: str


class ChatCompletionUserMessage(TypedDict, total=False):
    role: Required[Literal["user"]]
    content: Required[str | list[ChatCompletionTextObject | ChatCompletionImageObject | dict[str, Any]]]
    name: str


class ChatCompletionAssistantMessage(TypedDict, total=False):
    role: Required[Literal["assistant"]]
    content: str | list[Any] | None
    name: str | None
    tool_calls: list[ChatCompletionAssistantToolCall] | None
    function_call: ChatCompletionToolCallFunctionChunk | None
    reasoning_content: str | None
    thinking_blocks: list[dict[str, Any]] | None


class ChatCompletionToolMessage(TypedDict):
    role: Literal["tool"]
    content: str | list[Any]
    tool_call_id: str


class ChatCompletionFunctionMessage(TypedDict):
    role: Literal["function"]
    content: str | None
    name: str
    tool_call_id: NotRequired[str | None]


AllMessageValues = (
    ChatCompletionUserMessage
    | ChatCompletionAssistantMessage
    | ChatCompletionToolMessage
    | ChatCompletionSystemMessage
    | ChatCompletionFunctionMessage
    | ChatCompletionDeveloperMessage
)


class ChatCompletionToolParamFunctionChunk(TypedDict, total=False):
    name: Required[str]
    description: str
    parameters: dict[str, Any]
    strict: bool


class ChatCompletionToolParam(TypedDict):
    type: Literal["function"] | str
    function: ChatCompletionToolParamFunctionChunk


OpenAIChatCompletionToolParam = ChatCompletionToolParam


class ChatCompletionNamedToolChoiceParam(TypedDict):
    type: Literal["function"]
    function: dict[str, str]


__all__ = [
    "AllMessageValues",
    "ChatCompletionAssistantMessage",
    "ChatCompletionAssistantToolCall",
    "ChatCompletionDeveloperMessage",
    "ChatCompletionFunctionMessage",
    "ChatCompletionImageObject",
    "ChatCompletionImageUrlObject",
    "ChatCompletionNamedToolChoiceParam",
    "ChatCompletionSystemMessage",
    "ChatCompletionTextObject",
    "ChatCompletionToolCallFunctionChunk",
    "ChatCompletionToolMessage",
    "ChatCompletionToolParam",
    "ChatCompletionToolParamFunctionChunk",
    "ChatCompletionUserMessage",
    "OpenAIChatCompletionToolParam",
]

# The Responses API types, at the path LiteLLM users import them from.
from ...responses_types import *  # noqa: E402, F403
from ...responses_types import __all__ as _responses_all  # noqa: E402

__all__ += _responses_all
