"""LiteLLM's ``litellm.utils`` names: ``from llmrelay.utils import get_llm_provider, trim_messages…``.

Everything here reads the generated registry (providers, their key variables, the parameters
each accepts, the model table) and knows no provider by name. The model-table helpers
(``get_model_info``, ``supports_*``, ``token_counter``…) and the response types are re-exported
from their own modules so that LiteLLM's import paths keep working.
"""

from __future__ import annotations

import copy
import os
from concurrent.futures import ThreadPoolExecutor
from enum import Enum
from typing import Any

from . import exceptions, params, registry
from .cost import (
    completion_cost,
    cost_per_token,
    get_max_tokens,
    get_model_info,
    supports_audio_input,
    supports_audio_output,
    supports_function_calling,
    supports_parallel_function_calling,
    supports_pdf_input,
    supports_prompt_caching,
    supports_reasoning,
    supports_response_schema,
    supports_system_messages,
    supports_tool_choice,
    supports_vision,
    supports_web_search,
)
from .stream_builder import rebuild_response as stream_chunk_builder
from .tokens import decode, encode, token_counter
from .types import (
    Choices,
    Delta,
    EmbeddingResponse,
    ImageResponse,
    Message,
    ModelResponse,
    ModelResponseStream,
    StreamingChoices,
    TextCompletionResponse,
    Usage,
)

# LiteLLM's defaults for trim_messages: keep 75% of the window, shorten a message at most 10 times.
DEFAULT_TRIM_RATIO = 0.75
_MAX_TRIM_ATTEMPTS = 10


def get_secret(secret_name: str, default_value: Any = None) -> Any:
    """An environment variable (``os.environ/NAME`` references included), else the default."""
    name = secret_name.removeprefix("os.environ/")
    return os.environ.get(name, default_value)


def get_llm_provider(
    model: str,
    custom_llm_provider: str | None = None,
    api_base: str | None = None,
    api_key: str | None = None,
    litellm_params: Any = None,
) -> tuple[str, str, str | None, str | None]:
    """``(model, provider, dynamic_api_key, api_base)`` as LiteLLM returns them.

    Raises ``BadRequestError`` (``LiteLLMUnknownProvider``) when the provider cannot be told.
    """
    provider, name = registry.split_model(model, custom_llm_provider)
    return name, provider, api_key, api_base


def _adapter_for(model: str, custom_llm_provider: str | None) -> Any:
    try:
        provider, _name = registry.split_model(model, custom_llm_provider)
        return registry.get_adapter(provider)
    except exceptions.LLMRelayError:
        return None


def get_supported_openai_params(
    model: str,
    custom_llm_provider: str | None = None,
    request_type: str = "chat_completion",
) -> list[str] | None:
    """The OpenAI parameters a model accepts (None when its provider is unknown).

    For chat: the provider's supported parameters minus those the model table refuses for that
    model, plus ``stream`` where the provider streams.
    """
    adapter = _adapter_for(model, custom_llm_provider)
    if adapter is None:
        return None
    if request_type == "embeddings":
        return sorted(params.EMBEDDING_PARAMS) if "embeddings" in adapter.capabilities else None
    if request_type != "chat_completion":
        return None
    provider, name = registry.split_model(model, custom_llm_provider)
    refused = set((registry.model_row(provider, name) or {}).get("unsupported_params", ()))
    supported = set(adapter.supported_params) - refused
    if "stream" in adapter.capabilities:
        supported.add("stream")
    return sorted(supported)


def validate_environment(
    model: str | None = None,
    api_key: str | None = None,
    api_base: str | None = None,
    api_version: str | None = None,
) -> dict[str, Any]:
    """``{"keys_in_environment": bool, "missing_keys": [...]}`` for the model's provider."""
    if model is None:
        return {"keys_in_environment": False, "missing_keys": []}
    adapter = _adapter_for(model, None)
    if adapter is None:
        return {"keys_in_environment": False, "missing_keys": []}
    missing = _missing_settings(adapter, api_key, api_base)
    return {"keys_in_environment": not missing, "missing_keys": missing}


def _missing_settings(adapter: Any, api_key: str | None, api_base: str | None) -> list[str]:
    missing: list[str] = []
    has_key = api_key or any(os.environ.get(n) for n in adapter.api_key_env)
    if adapter.api_key_required and not has_key:
        missing.extend(adapter.api_key_env[:1] or ["api_key"])
    has_base = api_base or adapter.api_base or any(os.environ.get(n) for n in adapter.api_base_env)
    if adapter.api_base_required and not has_base:
        missing.extend(adapter.api_base_env[:1] or ["api_base"])
    return missing


def provider_models() -> dict[str, list[str]]:
    """Provider -> the model names LiteLLM users write for it (bare where the table allows)."""
    from .generated import registry as table

    bare = {key: name for name, key in table.BARE_MODELS.items() if key.endswith("/" + name)}
    grouped: dict[str, list[str]] = {p: [] for p in table.PROVIDERS}
    for key, row in registry.model_table().items():
        provider = row.get("litellm_provider") or key.partition("/")[0]
        grouped.setdefault(provider, []).append(bare.get(key, key))
    return {p: sorted(set(names)) for p, names in sorted(grouped.items())}


def get_valid_models(
    check_provider_endpoint: bool | None = None,
    custom_llm_provider: str | None = None,
    litellm_params: Any = None,
    api_key: str | None = None,
    api_base: str | None = None,
) -> list[str]:
    """Models of every provider whose credentials are set (or of ``custom_llm_provider`` only).

    ``check_provider_endpoint`` is accepted for LiteLLM's signature; the list comes from the model
    table, never from a network call.
    """
    grouped = provider_models()
    names = [custom_llm_provider] if custom_llm_provider else list(grouped)
    valid: list[str] = []
    for provider in names:
        try:
            adapter = registry.get_adapter(provider)
        except exceptions.LLMRelayError:
            continue
        if not _missing_settings(adapter, api_key, api_base):
            valid.extend(grouped.get(provider, []))
    return valid


def check_valid_key(model: str, api_key: str) -> bool:
    """Whether a one-token call with ``api_key`` succeeds (LiteLLM's helper; it makes a real call)."""
    from .main import completion

    try:
        completion(
            model=model,
            messages=[{"role": "user", "content": "Hey, how's it going?"}],
            max_tokens=1,
            api_key=api_key,
        )
    except Exception:  # LiteLLM answers False for any failure, not only a refused key
        return False
    return True


# --- function_to_dict ------------------------------------------------------------------------

_JSON_TYPES = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "list": "array",
    "dict": "object",
    "NoneType": "null",
}


def _numpy_doc(doc: str) -> tuple[str, dict[str, tuple[str, str]]]:
    """(summary, {param: (type text, description)}) from a numpy-style docstring."""
    lines = doc.splitlines()
    summary: list[str] = []
    i = 0
    while i < len(lines) and lines[i].strip() and not _is_section(lines, i):
        summary.append(lines[i].strip())
        i += 1
    params: dict[str, tuple[str, str]] = {}
    while i < len(lines):
        if _is_section(lines, i) and lines[i].strip().lower() == "parameters":
            i += 2
            while i < len(lines) and not _is_section(lines, i):
                name, sep, kind = lines[i].partition(":")
                if lines[i].strip() and not lines[i].startswith((" ", "\t")):
                    desc: list[str] = []
                    i += 1
                    while i < len(lines) and (lines[i].startswith((" ", "\t")) or not lines[i].strip()):
                        if lines[i].strip():
                            desc.append(lines[i].strip())
                        i += 1
                    params[name.strip()] = (kind.strip() if sep else "", "\n".join(desc))
                    continue
                i += 1
            continue
        i += 1
    return "\n".join(summary), params


def _is_section(lines: list[str], i: int) -> bool:
    underline = lines[i + 1].strip() if i + 1 < len(lines) else ""
    return bool(lines[i].strip()) and len(underline) >= 3 and set(underline) == {"-"}


def function_to_dict(input_function: Any) -> dict[str, Any]:
    """A Python function as an OpenAI function definition, from its type hints and numpy-style docstring.

    LiteLLM's helper: the docstring summary is the description; each parameter's type comes from
    the docstring (``unit : {'celsius', 'fahrenheit'}`` becomes a string enum) or its annotation;
    parameters without a default are required.
    """
    import ast
    import inspect

    summary, documented = _numpy_doc(inspect.getdoc(input_function) or "")
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, param in inspect.signature(input_function).parameters.items():
        annotation = param.annotation
        kind = _JSON_TYPES.get(getattr(annotation, "__name__", str(annotation)), "string")
        entry: dict[str, Any] = {}
        type_text, description = documented.get(name, ("", ""))
        type_text = type_text.split(",")[0] if "optional" in type_text and "{" not in type_text else type_text
        if type_text.startswith("{"):
            try:
                entry["enum"] = [str(v) for v in ast.literal_eval("[" + type_text.strip("{}") + "]")]
                kind = "string"
            except (ValueError, SyntaxError):
                pass
        elif type_text:
            kind = _JSON_TYPES.get(type_text.strip(), "string")
        entry = {"type": kind, **({"description": description} if description else {}), **entry}
        properties[name] = entry
        if param.default is inspect.Parameter.empty:
            required.append(name)
    result: dict[str, Any] = {
        "name": input_function.__name__,
        "description": summary,
        "parameters": {"type": "object", "properties": properties},
    }
    if required:
        result["parameters"]["required"] = required
    return result


# --- response headers ------------------------------------------------------------------------

_RATE_LIMIT_HEADERS = (
    "x-ratelimit-limit-requests",
    "x-ratelimit-remaining-requests",
    "x-ratelimit-limit-tokens",
    "x-ratelimit-remaining-tokens",
)


def get_response_headers(headers: Any) -> dict[str, str]:
    """``_hidden_params["additional_headers"]`` as LiteLLM fills it from a provider's response headers.

    Every header is kept as ``llm_provider-<name>``; OpenAI's rate-limit headers are also kept under
    their own names, and the provider's request id as ``request-id``.
    """
    if headers is None:
        return {}
    items = {str(k).lower(): str(v) for k, v in headers.items()}
    result = {k if k.startswith("llm_provider-") else f"llm_provider-{k}": v for k, v in items.items()}
    result.update({k: items[k] for k in _RATE_LIMIT_HEADERS if k in items})
    request_id = items.get("request-id") or items.get("x-request-id")
    if request_id:
        result["request-id"] = request_id
    return result


# --- trim_messages ------------------------------------------------------------------------------


def _tokens(messages: list[dict[str, Any]], model: str | None) -> int:
    return token_counter(model=model or "", messages=messages)


def _shorten(message: dict[str, Any], tokens_needed: int, model: str | None) -> dict[str, Any]:
    """Cut the middle out of a message's text until it fits (LiteLLM keeps both ends, joined by '..')."""
    content = message.get("content")
    if not isinstance(content, str):
        return message
    for _ in range(_MAX_TRIM_ATTEMPTS):
        total = _tokens([message], model)
        if total <= tokens_needed:
            break
        half = max(0, int(len(content) * tokens_needed / total) - 1) // 2
        content = content[:half] + ".." + (content[-half:] if half else "")
        message["content"] = content
    return message


def _fit_newest_first(
    messages: list[dict[str, Any]], max_tokens: int, model: str | None
) -> list[dict[str, Any]]:
    kept: list[dict[str, Any]] = []
    for message in reversed(messages):
        available = max_tokens - _tokens(kept, model)
        if available <= 3:
            break
        if _tokens([message, *kept], model) <= max_tokens:
            kept.insert(0, message)
            continue
        if "function_call" in message:
            continue
        shortened = _shorten(message, available, model)
        if _tokens([shortened, *kept], model) <= max_tokens:
            kept.insert(0, shortened)
    return kept


def trim_messages(
    messages: list[dict[str, Any]],
    model: str | None = None,
    trim_ratio: float = DEFAULT_TRIM_RATIO,
    return_response_tokens: bool = False,
    max_tokens: int | None = None,
) -> Any:
    """Trim ``messages`` to fit ``max_tokens`` (default: ``trim_ratio`` of the model's input window).

    As LiteLLM does: system messages are merged into one and kept first, the newest messages are
    kept and the oldest one that does not fit is shortened from the middle, trailing tool results
    are kept as they are. An unknown model and no ``max_tokens`` leaves the messages unchanged.
    """
    messages = copy.deepcopy(messages)
    if max_tokens is None:
        window = (registry.lookup(model) or {}).get("max_input_tokens") if model else None
        if not window:
            return messages
        max_tokens = int(window * trim_ratio)
    trimmed = _trim(messages, model, max_tokens)
    if not return_response_tokens:
        return trimmed
    # The room left for the reply within max_tokens (LiteLLM subtracts the system prompt twice here).
    return trimmed, max_tokens - _tokens(trimmed, model)


def _trim(messages: list[dict[str, Any]], model: str | None, max_tokens: int) -> list[dict[str, Any]]:
    tools: list[dict[str, Any]] = []
    while messages and messages[-1].get("role") == "tool":
        tools.insert(0, messages.pop())
    if _tokens(messages, model) < max_tokens:
        return messages + tools
    system_text = "\n".join(
        m["content"] for m in messages if m.get("role") == "system" and isinstance(m.get("content"), str)
    )
    head: list[dict[str, Any]] = []
    if system_text:
        system = {"role": "system", "content": system_text}
        if _tokens([system], model) > max_tokens:
            system = _shorten(system, max_tokens, model)
        max_tokens -= _tokens([system], model)
        head = [system]
        if max_tokens <= 0:
            return head
        messages = [m for m in messages if m.get("role") != "system"]
    return head + _fit_newest_first(messages, max_tokens, model) + tools


# --- text_completion on chat models -------------------------------------------------------------

_TEXT_ONLY_PARAMS = ("echo", "best_of", "suffix", "logprobs")  # no chat counterpart; LiteLLM drops them


def uses_chat_for_text(model: str, custom_llm_provider: str | None = None) -> bool:
    """Whether ``text_completion`` must go through chat: the model is a chat model, or its provider
    has no legacy completions endpoint (LiteLLM sends ``text_completion(model="gpt-3.5-turbo")`` to chat)."""
    try:
        provider, name = registry.split_model(model, custom_llm_provider)
        adapter = registry.get_adapter(provider)
    except exceptions.LLMRelayError:
        return False
    if "chat" not in adapter.capabilities:
        return False
    if "text_completion" not in adapter.capabilities:
        return True
    return (registry.model_row(provider, name) or {}).get("mode") == "chat"


def _prompts(prompt: Any, kwargs: dict[str, Any]) -> list[str]:
    prompts = [prompt] if isinstance(prompt, str) else list(prompt or [])
    if not prompts or not all(isinstance(p, str) and p for p in prompts):
        exceptions.raise_error(
            "BadRequestError", "'prompt' must be a non-empty string or list of strings", param="prompt"
        )
    for name in _TEXT_ONLY_PARAMS:
        kwargs.pop(name, None)
    return prompts


def _as_text_completion(replies: list[Any]) -> TextCompletionResponse:
    choices = [
        {
            "index": i * len(r.choices) + c.index,
            "text": c.message.content or "",
            "finish_reason": c.finish_reason,
        }
        for i, r in enumerate(replies)
        for c in r.choices
    ]
    usage = Usage(
        prompt_tokens=sum(r.usage.prompt_tokens for r in replies if r.usage),
        completion_tokens=sum(r.usage.completion_tokens for r in replies if r.usage),
        total_tokens=sum(r.usage.total_tokens for r in replies if r.usage),
    )
    first = replies[0]
    result = TextCompletionResponse(
        id=first.id,
        created=first.created,
        model=first.model,
        choices=choices,
        usage=usage,
        system_fingerprint=first.system_fingerprint,
    )
    result._hidden_params.update(first._hidden_params)
    costs = [r._hidden_params.get("response_cost") for r in replies]
    result._hidden_params["response_cost"] = None if None in costs else sum(costs)
    return result


def text_completion_via_chat(model: str, prompt: Any = None, **kwargs: Any) -> TextCompletionResponse:
    """A ``text_completion`` answered by a chat model: each prompt is one user message, each reply a
    ``text`` choice; usage and cost add up over the prompts."""
    from .main import completion

    prompts = _prompts(prompt, kwargs)
    return _as_text_completion(
        [completion(model=model, messages=[{"role": "user", "content": p}], **kwargs) for p in prompts]
    )


async def atext_completion_via_chat(model: str, prompt: Any = None, **kwargs: Any) -> TextCompletionResponse:
    import asyncio

    from .main import acompletion

    prompts = _prompts(prompt, kwargs)
    calls = [acompletion(model=model, messages=[{"role": "user", "content": p}], **kwargs) for p in prompts]
    return _as_text_completion(list(await asyncio.gather(*calls)))


# --- batch helpers ---------------------------------------------------------------------------------


def completion_with_retries(*args: Any, **kwargs: Any) -> Any:
    """``completion`` with LiteLLM's default of 3 retries (on connection errors, 408/409/429/5xx)."""
    from .main import completion

    kwargs.setdefault("num_retries", 3)
    return completion(*args, **kwargs)


def mock_completion(model: str, messages: list[dict[str, Any]], stream: bool = False, **kwargs: Any) -> Any:
    """LiteLLM's ``mock_completion``: ``completion`` with ``mock_response`` ("This is a mock request")."""
    from .main import completion

    kwargs.setdefault("mock_response", "This is a mock request")
    return completion(model=model, messages=messages, stream=stream, **kwargs)


async def acompletion_with_retries(*args: Any, **kwargs: Any) -> Any:
    from .main import acompletion

    kwargs.setdefault("num_retries", 3)
    return await acompletion(*args, **kwargs)


def batch_completion(
    model: str, messages: list[list[dict[str, Any]]], max_workers: int | None = 100, **kwargs: Any
) -> list[Any]:
    """One ``completion`` per message list, run in threads; a failed call's exception takes its place."""
    from .main import completion

    def one(conversation: list[dict[str, Any]]) -> Any:
        try:
            return completion(model=model, messages=conversation, **kwargs)
        except Exception as exc:  # LiteLLM returns the exception in the list instead of raising
            return exc

    with ThreadPoolExecutor(max_workers=max_workers or 1) as pool:
        return list(pool.map(one, messages))


def _provider_enum() -> type[Enum]:
    names = {p.upper().replace("-", "_").replace(".", "_"): p for p in registry.providers()}
    return Enum("LlmProviders", names, type=str)


LlmProviders = _provider_enum()

__all__ = [
    "DEFAULT_TRIM_RATIO",
    "Choices",
    "Delta",
    "EmbeddingResponse",
    "ImageResponse",
    "LlmProviders",
    "Message",
    "ModelResponse",
    "ModelResponseStream",
    "StreamingChoices",
    "TextCompletionResponse",
    "Usage",
    "acompletion_with_retries",
    "batch_completion",
    "check_valid_key",
    "completion_cost",
    "completion_with_retries",
    "cost_per_token",
    "decode",
    "encode",
    "function_to_dict",
    "get_llm_provider",
    "get_max_tokens",
    "get_model_info",
    "get_response_headers",
    "get_secret",
    "get_supported_openai_params",
    "get_valid_models",
    "mock_completion",
    "provider_models",
    "stream_chunk_builder",
    "supports_audio_input",
    "supports_audio_output",
    "supports_function_calling",
    "supports_parallel_function_calling",
    "supports_pdf_input",
    "supports_prompt_caching",
    "supports_reasoning",
    "supports_response_schema",
    "supports_system_messages",
    "supports_tool_choice",
    "supports_vision",
    "supports_web_search",
    "token_counter",
    "atext_completion_via_chat",
    "text_completion_via_chat",
    "trim_messages",
    "uses_chat_for_text",
    "validate_environment",
]
