"""LiteLLM's ``litellm.types.utils`` import path for the canonical response types.

``from llmrelay.types.utils import ModelResponse, Choices, Message, Usage, Delta, StreamingChoices``
works as it does with LiteLLM; the classes are the ones in :mod:`llmrelay.types`. The
``*Wrapper`` names are LiteLLM's names for the usage detail objects.
"""

from __future__ import annotations

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

PromptTokensDetailsWrapper = PromptTokensDetails
CompletionTokensDetailsWrapper = CompletionTokensDetails
ModelResponseBase = ModelResponse

__all__ = [
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
    "StreamingChoices",
    "TextChoices",
    "TextCompletionResponse",
    "Usage",
]
