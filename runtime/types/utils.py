"""LiteLLM's ``litellm.types.utils`` import path for the canonical response types.

``from llmrelay.types.utils import ModelResponse, Choices, Message, Usage, Delta, StreamingChoices``
works as it does with LiteLLM; the classes are the ones in :mod:`llmrelay.types`. The
``*Wrapper`` names are LiteLLM's names for the usage detail objects.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from typing_extensions import TypedDict

from . import (
    ChatCompletionDeltaToolCall,
    ChatCompletionMessageToolCall,
    ChoiceLogprobs,
    Choices,
    CompletionTokensDetails,
    Delta,
    Embedding,
    EmbeddingResponse,
    EmbeddingUsage,
    Function,
    ImageObject,
    ImageResponse,
    Message,
    ModelResponse,
    ModelResponseStream,
    PromptTokensDetails,
    StreamingChoices,
    TextChoices,
    TextCompletionResponse,
    Usage,
)


class CallTypes(str, Enum):
    """The ``call_type`` a callback sees (LiteLLM's names)."""

    completion = "completion"
    acompletion = "acompletion"
    embedding = "embedding"
    aembedding = "aembedding"
    image_generation = "image_generation"
    aimage_generation = "aimage_generation"
    text_completion = "text_completion"
    atext_completion = "atext_completion"
    responses = "responses"
    aresponses = "aresponses"


class StandardLoggingPayload(TypedDict, total=False):
    """``kwargs["standard_logging_object"]`` in a callback: the call summarised in plain values."""

    id: str
    call_type: str
    stream: bool
    status: str
    model: str | None
    custom_llm_provider: str | None
    api_base: str | None
    response_cost: float
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    startTime: float
    endTime: float
    response_time: float
    messages: Any
    model_parameters: dict[str, Any]
    metadata: dict[str, Any]
    end_user: str | None
    hidden_params: dict[str, Any]
    response: dict[str, Any] | None
    error_str: str | None
    error_information: dict[str, Any] | None


def __getattr__(name: str) -> Any:
    if name == "LlmProviders":  # built from the provider registry, so loaded on first use
        from ..utils import LlmProviders

        return LlmProviders
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


PromptTokensDetailsWrapper = PromptTokensDetails
CompletionTokensDetailsWrapper = CompletionTokensDetails
ModelResponseBase = ModelResponse

__all__ = [
    "CallTypes",
    "ChatCompletionDeltaToolCall",
    "ChatCompletionMessageToolCall",
    "ChoiceLogprobs",
    "Choices",
    "CompletionTokensDetails",
    "CompletionTokensDetailsWrapper",
    "Delta",
    "Embedding",
    "EmbeddingResponse",
    "EmbeddingUsage",
    "Function",
    "ImageObject",
    "ImageResponse",
    "Message",
    "ModelResponse",
    "ModelResponseBase",
    "ModelResponseStream",
    "PromptTokensDetails",
    "PromptTokensDetailsWrapper",
    "StandardLoggingPayload",
    "StreamingChoices",
    "TextChoices",
    "TextCompletionResponse",
    "Usage",
]
