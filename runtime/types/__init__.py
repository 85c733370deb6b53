"""The canonical, OpenAI-format types every provider's answer is translated into.

These are the only response types users see. They follow OpenAI's JSON field names so that
``resp.model_dump()`` is what OpenAI's API would have returned, and they keep LiteLLM's habits:
item access (``resp["choices"][0]["message"]``), ``.get()``, and a ``_hidden_params`` dict for
metadata (provider, model id, cost) that never appears in ``model_dump()``.

Extra fields a provider sends (``x_groq``, ``citations``…) are kept (``extra="allow"``).
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator


class OpenAIObject(BaseModel):
    """Base for response objects: attribute and item access, extras kept."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None

    def __setitem__(self, key: str, value: Any) -> None:
        setattr(self, key, value)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and getattr(self, key, None) is not None

    def get(self, key: str, default: Any = None) -> Any:
        value = getattr(self, key, None)
        return default if value is None else value

    def json(self, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        """The object as a dict: LiteLLM's ``json()`` returns ``model_dump()``, not a string."""
        return self.model_dump(**kwargs)

    def to_dict(self, **kwargs: Any) -> dict[str, Any]:
        """LiteLLM's ``to_dict()``: the plain-dict form, without fields that were never set."""
        return self.model_dump(exclude_none=True, **kwargs)


# --- usage -------------------------------------------------------------------------------


class PromptTokensDetails(OpenAIObject):
    cached_tokens: int | None = None
    audio_tokens: int | None = None
    text_tokens: int | None = None
    image_tokens: int | None = None


class CompletionTokensDetails(OpenAIObject):
    reasoning_tokens: int | None = None
    audio_tokens: int | None = None
    text_tokens: int | None = None
    accepted_prediction_tokens: int | None = None
    rejected_prediction_tokens: int | None = None


_COUNT_FIELDS = frozenset({"prompt_tokens", "completion_tokens", "total_tokens"})
_USAGE_KEYWORDS = frozenset({"reasoning_tokens", "cache_read_input_tokens"})


def _as_dict(details: Any) -> dict[str, Any]:
    if details is None:
        return {}
    return details.model_dump(exclude_none=True) if isinstance(details, BaseModel) else dict(details)


def _detail(details: Any, name: str) -> Any:
    return _as_dict(details).get(name)


def _litellm_usage_keywords(data: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in data.items() if not (v is None and k in _COUNT_FIELDS)}
    reasoning = data.pop("reasoning_tokens", None)
    if reasoning is not None and not _detail(data.get("completion_tokens_details"), "reasoning_tokens"):
        details = {**_as_dict(data.get("completion_tokens_details")), "reasoning_tokens": reasoning}
        data["completion_tokens_details"] = details
    cached = data.get("cache_read_input_tokens")
    if cached is not None and not _detail(data.get("prompt_tokens_details"), "cached_tokens"):
        data["prompt_tokens_details"] = {
            **_as_dict(data.get("prompt_tokens_details")),
            "cached_tokens": cached,
        }
    return data


class Usage(OpenAIObject):
    """Token counts as OpenAI counts them.

    ``prompt_tokens`` includes cache reads and writes; ``completion_tokens`` includes reasoning.
    ``cache_creation_input_tokens`` / ``cache_read_input_tokens`` repeat the cache split for
    providers that bill writes separately (LiteLLM exposes the same two fields).
    """

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    prompt_tokens_details: PromptTokensDetails | None = None
    completion_tokens_details: CompletionTokensDetails | None = None
    cache_creation_input_tokens: int | None = None
    cache_read_input_tokens: int | None = None

    def __init__(self, **data: Any) -> None:
        """Accept LiteLLM's constructor habits: ``None`` counts, and ``reasoning_tokens=`` or
        ``cache_read_input_tokens=`` given at the top level (they also fill the details).

        Only the constructor does this; a provider's wire usage goes through ``model_validate``,
        where the spec's own transforms read such fields.
        """
        if _USAGE_KEYWORDS & data.keys() or None in data.values():
            data = _litellm_usage_keywords(data)
        super().__init__(**data)

    # Tells pydantic this __init__ is not a custom one, so ``model_validate`` (the wire path) skips it.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @property
    def cached_tokens(self) -> int:
        details = self.prompt_tokens_details
        return (details.cached_tokens or 0) if details else 0

    @property
    def reasoning_tokens(self) -> int:
        details = self.completion_tokens_details
        return (details.reasoning_tokens or 0) if details else 0


# --- chat completion -------------------------------------------------------------------


class Function(OpenAIObject):
    name: str | None = None
    arguments: str = ""

    @field_validator("arguments", mode="before")
    @classmethod
    def _arguments_as_json_text(cls, value: Any) -> Any:
        # LiteLLM accepts the arguments as a dict (or None) and keeps them as JSON text, as OpenAI sends them.
        if value is None:
            return ""
        if isinstance(value, dict | list):
            return json.dumps(value)
        return value


class ChatCompletionMessageToolCall(OpenAIObject):
    id: str | None = None
    type: Literal["function"] = "function"
    function: Function


class ChatCompletionDeltaToolCall(OpenAIObject):
    index: int = 0
    id: str | None = None
    type: Literal["function"] | None = None
    function: Function | None = None


class Message(OpenAIObject):
    role: Literal["assistant", "user", "system", "tool", "function", "developer"] = "assistant"
    content: str | None = None
    tool_calls: list[ChatCompletionMessageToolCall] | None = None
    function_call: Function | None = None
    refusal: str | None = None
    reasoning_content: str | None = None
    thinking_blocks: list[dict[str, Any]] | None = None
    annotations: list[dict[str, Any]] | None = None
    audio: dict[str, Any] | None = None
    provider_specific_fields: dict[str, Any] | None = None


class Delta(OpenAIObject):
    role: Literal["assistant", "user", "system", "tool", "function", "developer"] | None = None
    content: str | None = None
    tool_calls: list[ChatCompletionDeltaToolCall] | None = None
    function_call: Function | None = None
    refusal: str | None = None
    reasoning_content: str | None = None
    thinking_blocks: list[dict[str, Any]] | None = None
    provider_specific_fields: dict[str, Any] | None = None


class ChoiceLogprobs(OpenAIObject):
    content: list[dict[str, Any]] | None = None
    refusal: list[dict[str, Any]] | None = None


class Choices(OpenAIObject):
    index: int = 0
    message: Message = Field(default_factory=Message)
    finish_reason: str | None = "stop"  # LiteLLM's default for a choice built by hand
    logprobs: ChoiceLogprobs | None = None


class StreamingChoices(OpenAIObject):
    index: int = 0
    delta: Delta = Field(default_factory=Delta)
    finish_reason: str | None = None
    logprobs: ChoiceLogprobs | None = None


def _completion_id() -> str:
    return "chatcmpl-" + uuid.uuid4().hex


def _now() -> int:
    return int(time.time())


class _WithHiddenParams(OpenAIObject):
    _hidden_params: dict[str, Any] = PrivateAttr(default_factory=dict)
    _response_ms: float | None = PrivateAttr(default=None)
    # Built by hand without choices, LiteLLM's responses and chunks have one empty choice; a body
    # parsed from the wire (model_validate) keeps what the provider sent.
    _default_choice: ClassVar[Any] = None

    def __init__(self, **data: Any) -> None:
        # LiteLLM's constructors take a few keywords that are not response fields.
        hidden = data.pop("hidden_params", None)
        response_ms = data.pop("response_ms", None)
        for key in _NOT_FIELDS:
            data.pop(key, None)
        if "choices" not in data and self._default_choice is not None:
            data["choices"] = [self._default_choice()]
        super().__init__(**data)
        if hidden:
            self._hidden_params.update(hidden)
        if response_ms is not None:
            self._response_ms = response_ms

    # Constructor only: ``model_validate`` (every provider answer) never pays for these checks.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]


_NOT_FIELDS = ("stream", "stream_options", "_response_headers")


class ModelResponse(_WithHiddenParams):
    """An OpenAI ``chat.completion``. Built by hand with no ``choices`` it has one empty choice,
    as LiteLLM's does (``ModelResponse().choices[0].message.content = ...`` works)."""

    id: str = Field(default_factory=_completion_id)
    object: str = "chat.completion"
    created: int = Field(default_factory=_now)
    model: str | None = None
    choices: list[Choices] = Field(default_factory=list)
    _default_choice: ClassVar[Any] = Choices
    usage: Usage | None = None
    system_fingerprint: str | None = None
    service_tier: str | None = None


class ModelResponseStream(_WithHiddenParams):
    """An OpenAI ``chat.completion.chunk``."""

    id: str = Field(default_factory=_completion_id)
    object: str = "chat.completion.chunk"
    created: int = Field(default_factory=_now)
    model: str | None = None
    choices: list[StreamingChoices] = Field(default_factory=list)
    _default_choice: ClassVar[Any] = StreamingChoices
    usage: Usage | None = None
    system_fingerprint: str | None = None
    service_tier: str | None = None


# --- legacy text completion ------------------------------------------------------------


class TextChoices(OpenAIObject):
    index: int = 0
    text: str = ""
    finish_reason: str | None = None
    logprobs: dict[str, Any] | None = None


class TextCompletionResponse(_WithHiddenParams):
    """An OpenAI ``text_completion`` (the legacy ``/completions`` shape)."""

    id: str = Field(default_factory=lambda: "cmpl-" + uuid.uuid4().hex)
    object: str = "text_completion"
    created: int = Field(default_factory=_now)
    model: str | None = None
    choices: list[TextChoices] = Field(default_factory=list)
    usage: Usage | None = None
    system_fingerprint: str | None = None


# --- embeddings and images -------------------------------------------------------------


class Embedding(OpenAIObject):
    object: str = "embedding"
    index: int = 0
    embedding: list[float] | str = Field(default_factory=list)


class EmbeddingUsage(OpenAIObject):
    prompt_tokens: int = 0
    total_tokens: int = 0


class EmbeddingResponse(_WithHiddenParams):
    object: str = "list"
    data: list[Embedding] = Field(default_factory=list)
    model: str | None = None
    usage: EmbeddingUsage | None = None


class ImageObject(OpenAIObject):
    url: str | None = None
    b64_json: str | None = None
    revised_prompt: str | None = None


class ImageResponse(_WithHiddenParams):
    created: int = Field(default_factory=_now)
    data: list[ImageObject] = Field(default_factory=list)
    usage: dict[str, Any] | None = None


def __getattr__(name: str) -> Any:
    # ``litellm.types.utils.ModelResponse`` works without importing the submodule first.
    if name in ("utils", "llms"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ChatCompletionDeltaToolCall",
    "ChatCompletionMessageToolCall",
    "ChoiceLogprobs",
    "Choices",
    "CompletionTokensDetails",
    "Delta",
    "Embedding",
    "EmbeddingResponse",
    "EmbeddingUsage",
    "Function",
    "ImageObject",
    "ImageResponse",
    "Message",
    "ModelResponse",
    "ModelResponseStream",
    "OpenAIObject",
    "PromptTokensDetails",
    "StreamingChoices",
    "TextChoices",
    "TextCompletionResponse",
    "Usage",
]
