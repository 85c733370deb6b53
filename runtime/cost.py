"""Cost and model-table helpers: ``completion_cost``, ``cost_per_token``, ``get_model_info``.

Prices come from the spec's model table (per token, in USD), overridable per call
(``input_cost_per_token=`` …) or globally with ``register_model``. Cache reads, cache writes and
reasoning tokens are priced at their own rates where the provider has them; ``prompt_tokens``
includes cache reads and writes and ``completion_tokens`` includes reasoning, as OpenAI counts.
"""

from __future__ import annotations

from typing import Any

from . import exceptions, registry
from .types import EmbeddingResponse, ImageResponse, ModelResponse, TextCompletionResponse, Usage

PRICE_KEYS = (
    "input_cost_per_token",
    "output_cost_per_token",
    "cache_read_input_token_cost",
    "cache_creation_input_token_cost",
    "output_cost_per_reasoning_token",
    "input_cost_per_token_above_200k_tokens",
    "output_cost_per_token_above_200k_tokens",
    "cache_read_input_token_cost_above_200k_tokens",
    "cache_creation_input_token_cost_above_200k_tokens",
    "output_cost_per_image",
)
_LONG_CONTEXT = 200_000

# The keys LiteLLM's get_model_info always returns (None when the table has no value).
_INFO_KEYS = (
    "max_tokens",
    "max_input_tokens",
    "max_output_tokens",
    "cache_read_input_token_cost",
    "cache_creation_input_token_cost",
    "output_cost_per_reasoning_token",
    "input_cost_per_token_above_200k_tokens",
    "output_cost_per_token_above_200k_tokens",
    "output_cost_per_image",
    "output_vector_size",
    "mode",
    "litellm_provider",
)
_SUPPORTS = (
    "supports_system_messages",
    "supports_response_schema",
    "supports_vision",
    "supports_function_calling",
    "supports_parallel_function_calling",
    "supports_tool_choice",
    "supports_assistant_prefill",
    "supports_prompt_caching",
    "supports_audio_input",
    "supports_audio_output",
    "supports_pdf_input",
    "supports_web_search",
    "supports_reasoning",
    "supports_computer_use",
)


def get_model_info(model: str, custom_llm_provider: str | None = None) -> dict[str, Any]:
    """The model table row in LiteLLM's shape; raises if the model is unknown."""
    row = registry.lookup(model, custom_llm_provider)
    if row is None:
        raise exceptions.get_class("NotFoundError")(
            f"model {model!r} is not in llmrelay's model table; add it with llmrelay.register_model()",
            model=model,
            llm_provider=custom_llm_provider,
        )
    info: dict[str, Any] = dict.fromkeys(_INFO_KEYS)
    info.update(dict.fromkeys(_SUPPORTS, False))
    info.update({k: v for k, v in row.items() if not k.startswith("_")})
    info["key"] = registry.litellm_key(row.get("_key", model))
    info["input_cost_per_token"] = info.get("input_cost_per_token") or 0.0
    info["output_cost_per_token"] = info.get("output_cost_per_token") or 0.0
    if info["max_tokens"] is None:  # LiteLLM: max output tokens, else the input window
        info["max_tokens"] = info["max_output_tokens"] or info["max_input_tokens"]
    info.setdefault("tpm", None)
    info.setdefault("rpm", None)
    info["supported_openai_params"] = _supported_params(model, custom_llm_provider, info.get("mode"))
    return info


def _supported_params(model: str, custom_llm_provider: str | None, mode: str | None) -> list[str] | None:
    from .utils import get_supported_openai_params

    kind = "embeddings" if mode == "embedding" else "chat_completion"
    return get_supported_openai_params(model, custom_llm_provider, request_type=kind)


def get_max_tokens(model: str) -> int | None:
    """The model's maximum output tokens (LiteLLM's ``get_max_tokens``); raises if unknown."""
    return get_model_info(model)["max_tokens"]


def _row(model: str, custom_llm_provider: str | None, overrides: dict[str, Any] | None) -> dict[str, Any]:
    row = registry.lookup(model, custom_llm_provider) or {}
    if overrides:
        row = {**row, **{k: v for k, v in overrides.items() if v is not None}}
    if not any(k in row for k in ("input_cost_per_token", "output_cost_per_token", "output_cost_per_image")):
        raise exceptions.get_class("NotFoundError")(
            f"no price known for model {model!r}: pass input_cost_per_token=/output_cost_per_token= "
            "or call llmrelay.register_model()",
            model=model,
            llm_provider=custom_llm_provider,
        )
    return row


def price_tokens(
    row: dict[str, Any],
    prompt_tokens: int,
    completion_tokens: int,
    cache_read_input_tokens: int = 0,
    cache_creation_input_tokens: int = 0,
    reasoning_tokens: int = 0,
) -> tuple[float, float]:
    """(prompt cost, completion cost) in USD for the given counts and price row."""
    long = prompt_tokens > _LONG_CONTEXT  # the whole call is priced at the long-context tier

    def rate(key: str) -> float | None:
        value = row.get(f"{key}_above_200k_tokens") if long else None
        return row.get(key) if value is None else value

    input_rate = rate("input_cost_per_token") or 0.0
    output_rate = rate("output_cost_per_token") or 0.0
    cache_read_rate = rate("cache_read_input_token_cost")
    cache_write_rate = rate("cache_creation_input_token_cost")
    reasoning_rate = row.get("output_cost_per_reasoning_token")
    uncached = max(0, prompt_tokens - cache_read_input_tokens - cache_creation_input_tokens)
    prompt_cost = (
        uncached * input_rate
        + cache_read_input_tokens * (input_rate if cache_read_rate is None else cache_read_rate)
        + cache_creation_input_tokens * (input_rate if cache_write_rate is None else cache_write_rate)
    )
    plain_output = max(0, completion_tokens - reasoning_tokens)
    completion_cost = plain_output * output_rate + reasoning_tokens * (
        output_rate if reasoning_rate is None else reasoning_rate
    )
    return prompt_cost, completion_cost


def usage_counts(usage: Usage | Any) -> dict[str, int]:
    """Token counts from a Usage, split the way ``price_tokens`` wants them."""
    details = getattr(usage, "prompt_tokens_details", None)
    cached = (getattr(details, "cached_tokens", None) or 0) if details else 0
    if not cached:
        cached = getattr(usage, "cache_read_input_tokens", None) or 0
    out_details = getattr(usage, "completion_tokens_details", None)
    written = getattr(usage, "cache_creation_input_tokens", None) or 0
    if not written and details:  # LiteLLM also carries the write count in prompt_tokens_details
        written = getattr(details, "cache_creation_tokens", None) or 0
    return {
        "prompt_tokens": getattr(usage, "prompt_tokens", 0) or 0,
        "completion_tokens": getattr(usage, "completion_tokens", 0) or 0,
        "cache_read_input_tokens": cached,
        "cache_creation_input_tokens": written,
        "reasoning_tokens": (getattr(out_details, "reasoning_tokens", None) or 0) if out_details else 0,
    }


def cost_per_token(
    model: str = "",
    prompt_tokens: int = 0,
    completion_tokens: int = 0,
    custom_llm_provider: str | None = None,
    cache_read_input_tokens: int = 0,
    cache_creation_input_tokens: int = 0,
    reasoning_tokens: int = 0,
    usage_object: Usage | None = None,
    **price_overrides: Any,
) -> tuple[float, float]:
    """(prompt cost, completion cost) in USD, like LiteLLM's ``cost_per_token``."""
    row = _row(model, custom_llm_provider, price_overrides)
    if usage_object is not None:
        return price_tokens(row, **usage_counts(usage_object))
    return price_tokens(
        row,
        prompt_tokens,
        completion_tokens,
        cache_read_input_tokens,
        cache_creation_input_tokens,
        reasoning_tokens,
    )


def completion_cost(
    completion_response: Any = None,
    model: str | None = None,
    custom_llm_provider: str | None = None,
    prompt: str = "",
    messages: list[dict[str, Any]] | None = None,
    completion: str = "",
    custom_cost_per_token: dict[str, float] | None = None,
    **price_overrides: Any,
) -> float:
    """USD cost of a response (or of a prompt/completion pair when no response is given).

    Prices may be overridden with keywords (``input_cost_per_token=``) or with LiteLLM's
    ``custom_cost_per_token={"input_cost_per_token": ..., "output_cost_per_token": ...}``.
    """
    if custom_cost_per_token:
        price_overrides = {**custom_cost_per_token, **price_overrides}
    if isinstance(completion_response, dict):  # a response kept as JSON (LiteLLM accepts it too)
        completion_response = _from_dict(completion_response)
    if completion_response is not None:
        hidden = getattr(completion_response, "_hidden_params", None) or {}
        provider = custom_llm_provider or hidden.get("custom_llm_provider")
        name = model or hidden.get("model") or getattr(completion_response, "model", None) or ""
        if provider and "/" not in name:
            name = f"{provider}/{name}"
        overrides = {**(hidden.get("price_overrides") or {}), **price_overrides}
        return response_cost(completion_response, name, None, overrides)
    if not model:
        raise ValueError("completion_cost needs completion_response= or model=")
    from .tokens import token_counter

    prompt_tokens = (
        token_counter(model=model, messages=messages) if messages else token_counter(model=model, text=prompt)
    )
    completion_tokens = (
        token_counter(model=model, text=completion, count_response_tokens=True) if completion else 0
    )
    return sum(
        cost_per_token(model, prompt_tokens, completion_tokens, custom_llm_provider, **price_overrides)
    )


_OBJECT_TYPES = {
    "list": EmbeddingResponse,
    "text_completion": TextCompletionResponse,
    "chat.completion": ModelResponse,
}


def _from_dict(body: dict[str, Any]) -> Any:
    kind = _OBJECT_TYPES.get(body.get("object", "chat.completion"))
    if kind is None:
        kind = ImageResponse if "data" in body and "usage" not in body else ModelResponse
    return kind.model_validate(body)


def response_cost(
    response: Any, model: str, custom_llm_provider: str | None, overrides: dict[str, Any] | None = None
) -> float:
    row = _row(model, custom_llm_provider, overrides)
    if isinstance(response, ImageResponse):
        per_image = row.get("output_cost_per_image")
        if per_image is None:
            return 0.0
        return per_image * len(response.data)
    usage = getattr(response, "usage", None)
    if usage is None:
        return 0.0
    if isinstance(response, EmbeddingResponse):
        return price_tokens(row, usage.prompt_tokens, 0)[0]
    if isinstance(response, ModelResponse | TextCompletionResponse) or hasattr(usage, "completion_tokens"):
        return sum(price_tokens(row, **usage_counts(usage)))
    return 0.0


def _feature(name: str) -> Any:
    def check(model: str, custom_llm_provider: str | None = None) -> bool:
        row = registry.lookup(model, custom_llm_provider)
        return bool(row and row.get(name))

    check.__name__ = name
    check.__doc__ = f"Whether the model table says the model has ``{name}``."
    return check


supports_function_calling = _feature("supports_function_calling")
supports_parallel_function_calling = _feature("supports_parallel_function_calling")
supports_vision = _feature("supports_vision")
supports_response_schema = _feature("supports_response_schema")
supports_reasoning = _feature("supports_reasoning")
supports_prompt_caching = _feature("supports_prompt_caching")
supports_tool_choice = _feature("supports_tool_choice")
supports_system_messages = _feature("supports_system_messages")
supports_web_search = _feature("supports_web_search")
supports_pdf_input = _feature("supports_pdf_input")
supports_audio_input = _feature("supports_audio_input")
supports_audio_output = _feature("supports_audio_output")
