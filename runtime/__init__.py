"""llmrelay: one OpenAI-format API over every major LLM provider.

    import llmrelay
    resp = llmrelay.completion(model="anthropic/claude-sonnet-4-5", messages=[{"role": "user", "content": "Hi"}])
    print(resp.choices[0].message.content)

The public names follow LiteLLM's, so ``import llmrelay as litellm`` runs typical LiteLLM code.
Importing this package is cheap: everything below loads on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# --- module-level settings, read at call time (LiteLLM's names) -------------------------
success_callback: list[Any] = []
failure_callback: list[Any] = []
callbacks: list[Any] = []
drop_params: bool = False
num_retries: int | None = None
request_timeout: float | None = None
api_key: str | None = None
api_base: str | None = None
api_version: str | None = None
headers: dict[str, str] | None = None
modify_params: bool = False
set_verbose: bool = False
suppress_debug_info: bool = False
model_alias_map: dict[str, str] = {}
max_budget: float | None = None  # process-wide spend cap (BudgetExceededError once reached)
_current_cost: float = 0.0

# public name -> module that defines it (relative to this package)
_LAZY: dict[str, str] = {
    "completion": "main",
    "acompletion": "main",
    "embedding": "main",
    "aembedding": "main",
    "image_generation": "main",
    "aimage_generation": "main",
    "text_completion": "main",
    "atext_completion": "main",
    "responses": "responses_api",
    "aresponses": "responses_api",
    "encode_response_id": "ids",
    "decode_response_id": "ids",
    "ResponsesAPIResponse": "responses_types",
    "stream_chunk_builder": "utils",  # LiteLLM semantics: utils wraps stream_builder
    "CustomStreamWrapper": "streaming",
    "CustomLogger": "hooks",
    "completion_cost": "cost",
    "cost_per_token": "cost",
    "get_model_info": "cost",
    "get_max_tokens": "cost",
    "supports_function_calling": "cost",
    "supports_parallel_function_calling": "cost",
    "supports_vision": "cost",
    "supports_response_schema": "cost",
    "supports_reasoning": "cost",
    "supports_prompt_caching": "cost",
    "supports_tool_choice": "cost",
    "supports_system_messages": "cost",
    "supports_web_search": "cost",
    "supports_pdf_input": "cost",
    "supports_audio_input": "cost",
    "supports_audio_output": "cost",
    "token_counter": "tokens",
    "encode": "tokens",
    "decode": "tokens",
    "ModelResponse": "types",
    "ModelResponseStream": "types",
    "Message": "types",
    "Choices": "types",
    "StreamingChoices": "types",
    "Delta": "types",
    "Usage": "types",
    "EmbeddingResponse": "types",
    "ImageResponse": "types",
    "TextCompletionResponse": "types",
    "LLMRelayError": "exceptions",
    "Router": "router",
    "get_llm_provider": "utils",
    "get_supported_openai_params": "utils",
    "validate_environment": "utils",
    "get_valid_models": "utils",
    "trim_messages": "utils",
    "check_valid_key": "utils",
    "completion_with_retries": "utils",
    "acompletion_with_retries": "utils",
    "batch_completion": "utils",
    "get_secret": "utils",
    "LlmProviders": "utils",
    "mock_completion": "utils",
}
# Submodules LiteLLM code reaches as attributes (``litellm.utils.trim_messages``, ``litellm.types.utils``).
_SUBMODULES = frozenset({"exceptions", "integrations", "types", "utils"})
_EXCEPTIONS = (  # every name in exceptions._HIERARCHY (LiteLLM's exception names)
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "AuthenticationError",
    "BadGatewayError",
    "BadRequestError",
    "BudgetExceededError",
    "CallerCredentialAuthenticationError",
    "CallerCredentialRateLimitError",
    "ContentPolicyViolationError",
    "ContextWindowExceededError",
    "EndpointNotSupportedByModelError",
    "ImageFetchError",
    "InternalServerError",
    "InvalidRequestError",
    "JSONSchemaValidationError",
    "LiteLLMUnknownProvider",
    "MalformedRequestFieldError",
    "MidStreamFallbackError",
    "MockException",
    "NotFoundError",
    "OpenAIError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "RateLimitError",
    "RejectedRequestError",
    "ServiceUnavailableError",
    "Timeout",
    "UnprocessableEntityError",
    "UnsupportedEndpointError",
    "UnsupportedParamsError",
    "VectorStoreSearchError",
)
_LAZY.update(dict.fromkeys(_EXCEPTIONS, "exceptions"))

__all__ = sorted(
    [
        *_LAZY,
        "api_base",
        "api_key",
        "api_version",
        "callbacks",
        "drop_params",
        "failure_callback",
        "headers",
        "max_budget",
        "model_alias_map",
        "model_cost",
        "model_list",
        "models_by_provider",
        "modify_params",
        "num_retries",
        "provider_list",
        "register_model",
        "request_timeout",
        "set_verbose",
        "success_callback",
        "suppress_debug_info",
    ]
)


def register_model(model_cost: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Add or override model table rows: ``{"name": {"input_cost_per_token": ..., ...}}``."""
    from .registry import register

    return register(model_cost)


def _turn_on_debug() -> None:
    """LiteLLM's debug switch: llmrelay's logger prints DEBUG records to stderr."""
    import logging

    logger = logging.getLogger("llmrelay")
    logger.setLevel(logging.DEBUG)
    if not logger.handlers:
        logger.addHandler(logging.StreamHandler())


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value
    if name == "model_cost":
        from .registry import model_table

        return model_table()
    if name == "provider_list":
        from .registry import providers

        return providers()
    if name in ("model_list", "models_by_provider"):
        from .utils import provider_models

        grouped = provider_models()
        return grouped if name == "models_by_provider" else [m for names in grouped.values() for m in names]
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'llmrelay' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # for type checkers and IDEs; at run time these load lazily
    from .cost import completion_cost, cost_per_token, get_model_info
    from .exceptions import (
        APIConnectionError,
        APIError,
        AuthenticationError,
        BadRequestError,
        ContextWindowExceededError,
        LLMRelayError,
        NotFoundError,
        RateLimitError,
    )
    from .hooks import CustomLogger
    from .main import acompletion, aembedding, completion, embedding
    from .stream_builder import stream_chunk_builder
    from .streaming import CustomStreamWrapper
    from .tokens import token_counter
    from .types import EmbeddingResponse, ImageResponse, ModelResponse, ModelResponseStream, Usage
