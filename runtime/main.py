"""The SDK's public calls: ``completion``, ``embedding``, ``image_generation``,
``text_completion`` and their async twins.

Every call goes the same way: resolve the provider and model, validate the parameters (before
any network I/O), let the provider's generated adapter build the wire request, send it with
the retry policy, translate the answer into the canonical types, attach cost and metadata,
and report the outcome to the callbacks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from . import call_options, exceptions, hooks, http, params, registry
from .adapter import Adapter, Call
from .cost import PRICE_KEYS, response_cost
from .mocking import mock_result
from .streaming import CustomStreamWrapper

# Keyword arguments that steer the SDK itself and never reach a provider as parameters.
_CONTROL = frozenset(
    {
        "api_key",
        "api_base",
        "base_url",
        "api_version",
        "custom_llm_provider",
        "extra_headers",
        "headers",
        "extra_body",
        "drop_params",
        "timeout",
        "request_timeout",
        "num_retries",
        "max_retries",
        "mock_response",
        "mock_timeout",
        "metadata_llmrelay",
        "metadata",  # LiteLLM's logging field: reaches callbacks, never the provider
        "litellm_call_id",
        "litellm_metadata",
        "litellm_logging_obj",
        "model_info",
        "base_model",
        "stream",
        *PRICE_KEYS,
    }
)


def _package() -> Any:
    import llmrelay

    return llmrelay


def _split_kwargs(kwargs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    control: dict[str, Any] = {}
    provider_params: dict[str, Any] = {}
    for key, value in kwargs.items():
        if value is None:
            continue
        if key in _CONTROL:
            control[key] = value
        else:
            provider_params[key] = value
    return control, provider_params


def _retries(control: dict[str, Any]) -> int:
    value = control.get("num_retries", control.get("max_retries"))
    if value is None:
        value = _package().num_retries
    return http.DEFAULT_MAX_RETRIES if value is None else int(value)


def _make_call(
    model: str, capability: str, control: dict[str, Any], call_params: dict[str, Any]
) -> tuple[Adapter, Call]:
    pkg = _package()
    model = pkg.model_alias_map.get(model, model) if pkg.model_alias_map else model
    provider, wire_model = registry.split_model(model, control.get("custom_llm_provider"))
    adapter = registry.get_adapter(provider)
    if capability not in adapter.capabilities:
        exceptions.raise_error(
            "BadRequestError",
            f"provider {provider!r} does not offer {capability}; it offers: {', '.join(sorted(adapter.capabilities))}",
            llm_provider=provider,
            model=wire_model,
        )
    mock = "mock_response" in control
    try:
        base = adapter.resolve_api_base(control.get("api_base") or control.get("base_url") or pkg.api_base)
    except exceptions.LLMRelayError:
        if not mock:
            raise
        base = ""  # a mocked call reaches no server, so a provider that needs an api_base needs none here
    key = control.get("api_key") or pkg.api_key
    key = key if mock else adapter.resolve_api_key(key, wire_model, call_params)
    drop = control.get("drop_params")
    call = Call(
        provider=provider,
        model=wire_model,
        capability=capability,
        params=call_params,
        api_base=base,
        api_key=key,
        stream=bool(control.get("stream")),
        extra_headers={
            **(pkg.headers or {}),
            **(control.get("extra_headers") or control.get("headers") or {}),
        },
        extra_body=dict(control.get("extra_body") or {}),
        drop_params=bool(pkg.drop_params if drop is None else drop),
        timeout=_timeout(control),
        api_version=control.get("api_version") or pkg.api_version,
        base_model=control.get("base_model") or (control.get("model_info") or {}).get("base_model"),
    )
    overrides = {k: control[k] for k in PRICE_KEYS if k in control}
    if overrides:
        call.model_info = overrides
    if adapter.in_process:
        http.register_in_process(adapter, base)
    return adapter, call


def _timeout(control: dict[str, Any]) -> float | None:
    value = control.get("timeout", control.get("request_timeout"))
    if value is None:
        return _package().request_timeout
    if hasattr(value, "read"):  # an httpx.Timeout
        value = value.read
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        exceptions.raise_error(
            "BadRequestError", f"timeout must be a positive number of seconds, got {value!r}"
        )
    return float(value)


def _attach(result: Any, adapter: Adapter, call: Call, started: float, response: Any = None) -> Any:
    hidden = result._hidden_params
    if response is not None:  # LiteLLM's rate-limit and request-id headers, read by routers and users
        from .utils import get_response_headers

        hidden["additional_headers"] = get_response_headers(response.headers)
    hidden["custom_llm_provider"] = adapter.provider
    hidden["model"] = call.model
    hidden["model_id"] = f"{adapter.provider}/{call.model}"
    hidden["api_base"] = call.api_base
    if call.model_info:
        hidden["price_overrides"] = call.model_info
    hidden["response_cost"] = _cost(result, call)
    call_options.add_cost(hidden["response_cost"])
    result._response_ms = (time.perf_counter() - started) * 1000
    return result


def _cost(result: Any, call: Call) -> float | None:
    model = _pricing_model(result, call)
    if model is None:
        return None  # no price known: cost unknown, not zero (checked first: raising costs a lot per call)
    try:
        return response_cost(result, model, None, call.model_info)
    except exceptions.LLMRelayError:
        return None


_PRICE_FIELDS = ("input_cost_per_token", "output_cost_per_token")


def _pricing_model(result: Any, call: Call) -> str | None:
    """The table entry that prices the call.

    The caller's ``base_model`` first (LiteLLM's answer for deployments named freely), then the
    model called, then the model the response says served it (a deployment name is often not a
    model name, but the served model is).
    """
    served = getattr(result, "model", None)
    candidates = (
        call.base_model,
        f"{call.provider}/{call.model}",
        f"{call.provider}/{served}" if isinstance(served, str) and served else None,
    )
    return next((m for m in candidates if m and _priced(m, call.model_info)), None)


def _priced(model: str, overrides: dict[str, Any] | None) -> bool:
    """Whether the model table (or the call's overrides) has a price for ``model``."""
    if overrides and any(overrides.get(k) is not None for k in _PRICE_FIELDS):
        return True
    row = registry.lookup(model)
    return bool(row) and any(k in row for k in _PRICE_FIELDS)


def _kwargs_for_log(
    model: str, messages: Any, control: dict[str, Any], call_params: dict[str, Any]
) -> dict[str, Any]:
    safe = {k: v for k, v in control.items() if not _is_secret(k)}
    params = {k: v for k, v in call_params.items() if not _is_secret(k)}
    return {"model": model, "messages": messages, "optional_params": params, **safe}


_SECRET_SUFFIXES = ("_key", "_key_id", "_token", "_secret", "_token_provider", "headers")


def _is_secret(name: str) -> bool:
    """Credentials (and headers, which may carry them) never reach logging callbacks."""
    return name.endswith(_SECRET_SUFFIXES)


def _report(kind: str, log_kwargs: dict[str, Any] | None, result: Any, started: float) -> None:
    if log_kwargs is not None:
        hooks.dispatch(kind, log_kwargs, result, started, time.time())


# --- chat ------------------------------------------------------------------------------------


def _prepare_chat(model: str, messages: Any, kwargs: dict[str, Any]) -> tuple[Adapter, Call, dict[str, Any]]:
    control, call_params = _split_kwargs(kwargs)
    messages = params.check_messages(messages)
    params.check_types(call_params, params.CHAT_PARAMS)
    adapter, call = _make_call(model, "chat", control, call_params)
    adapter.check_params(call, params.CHAT_PARAM_NAMES)
    call.params["messages"] = messages
    if call.stream and "stream" not in adapter.capabilities:
        exceptions.raise_error(
            "BadRequestError",
            f"provider {adapter.provider!r} does not stream; call without stream=True",
            llm_provider=adapter.provider,
            model=call.model,
        )
    options = call_params.get("stream_options")
    call.include_usage = bool(call.stream and options and options.get("include_usage"))
    return adapter, call, control


def completion(model: str, messages: list[dict[str, Any]] | None = None, **kwargs: Any) -> Any:
    """Chat completion in the OpenAI format, from any provider.

    Returns a :class:`~llmrelay.ModelResponse`, or with ``stream=True`` a
    :class:`~llmrelay.CustomStreamWrapper` yielding ``chat.completion.chunk`` objects.
    ``fallbacks=`` / ``context_window_fallback_dict=`` try other models when this one fails.
    """
    if "fallbacks" in kwargs or "context_window_fallback_dict" in kwargs:
        return call_options.with_fallbacks(_completion, model, messages, kwargs)
    return _completion(model, messages, **kwargs)


def _completion(model: str, messages: Any, **kwargs: Any) -> Any:
    started_wall, started = time.time(), time.perf_counter()
    call_options.check_budget()
    adapter, call, control = _prepare_chat(model, messages, kwargs)
    if control.get("mock_timeout"):
        call_options.mock_timeout(model, call.timeout)
    log_kwargs = _kwargs_for_log(model, messages, control, call.params) if hooks.any_registered() else None
    if log_kwargs is not None:
        hooks.pre_call(model, messages, log_kwargs)
    try:
        if "mock_response" in control:
            return _mock_chat(adapter, call, control["mock_response"], log_kwargs, started_wall, started)
        request = adapter.chat_request(call)
        if call.stream:
            response = http.send(adapter, call, request, _retries(control), stream=True)
            return _wrap_stream(adapter, call, response, log_kwargs, started_wall)
        response = http.send(adapter, call, request, _retries(control))
        result = _attach(adapter.parse_chat(call, response.content), adapter, call, started, response)
    except Exception as exc:
        _report("failure", log_kwargs, exc, started_wall)
        raise
    _report("success", log_kwargs, result, started_wall)
    return result


async def acompletion(model: str, messages: list[dict[str, Any]] | None = None, **kwargs: Any) -> Any:
    """Async :func:`completion`; with ``stream=True`` iterate the result with ``async for``."""
    if "fallbacks" in kwargs or "context_window_fallback_dict" in kwargs:
        return await call_options.awith_fallbacks(_acompletion, model, messages, kwargs)
    return await _acompletion(model, messages, **kwargs)


async def _acompletion(model: str, messages: Any, **kwargs: Any) -> Any:
    started_wall, started = time.time(), time.perf_counter()
    call_options.check_budget()
    adapter, call, control = _prepare_chat(model, messages, kwargs)
    if control.get("mock_timeout"):
        await call_options.amock_timeout(model, call.timeout)
    log_kwargs = _kwargs_for_log(model, messages, control, call.params) if hooks.any_registered() else None
    if log_kwargs is not None:
        await hooks.async_pre_call(model, messages, log_kwargs)
    try:
        if "mock_response" in control:
            return _mock_chat(adapter, call, control["mock_response"], log_kwargs, started_wall, started)
        request = adapter.chat_request(call)
        if call.stream:
            response = await http.asend(adapter, call, request, _retries(control), stream=True)
            return _wrap_stream(adapter, call, response, log_kwargs, started_wall)
        response = await http.asend(adapter, call, request, _retries(control))
        result = _attach(adapter.parse_chat(call, response.content), adapter, call, started, response)
    except Exception as exc:
        _report("failure", log_kwargs, exc, started_wall)
        raise
    _report("success", log_kwargs, result, started_wall)
    return result


def _wrap_stream(
    adapter: Adapter,
    call: Call,
    response: Any,
    log_kwargs: dict[str, Any] | None,
    started_wall: float,
    chunks: list[Any] | None = None,
) -> CustomStreamWrapper:
    translator = adapter.new_stream(call) if response is not None else None
    return CustomStreamWrapper(
        adapter,
        call,
        response,
        translator,
        finalize=_stream_finalizer(call, log_kwargs, started_wall),
        chunks=chunks,
    )


def _stream_finalizer(
    call: Call, log_kwargs: dict[str, Any] | None, started_wall: float
) -> Callable[..., None]:
    cut_short = False

    def settle(stream: CustomStreamWrapper) -> Any:
        assembled = stream.assembled()
        usage = assembled.usage or stream._usage
        if usage is None:
            usage = _counted_usage(call, assembled)
        elif cut_short:
            # Usage sent before the end (e.g. in a stream's opening event) undercounts the output.
            usage = _at_least(usage, _counted_usage(call, assembled))
        assembled.usage = usage
        assembled._hidden_params.update(
            custom_llm_provider=call.provider, model=call.model, response_cost=_cost(assembled, call)
        )
        return assembled

    def finalize(stream: CustomStreamWrapper, error: BaseException | None) -> None:
        nonlocal cut_short
        cut_short = error is not None
        stream._settle = settle
        if log_kwargs is None:
            return  # nobody listens: usage and cost are computed only if someone asks
        if error is None:
            _report("success", log_kwargs, stream.settled(), started_wall)
        else:
            _report("failure", log_kwargs, error, started_wall)

    return finalize


def _at_least(sent: Any, counted: Any) -> Any:
    """The provider's figures, raised to what was counted locally where the provider had less."""
    usage = sent.model_copy()
    usage.prompt_tokens = max(sent.prompt_tokens, counted.prompt_tokens)
    usage.completion_tokens = max(sent.completion_tokens, counted.completion_tokens)
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens
    return usage


def _counted_usage(call: Call, assembled: Any) -> Any:
    """The upstream sent no usage: count tokens so the stream can still be priced."""
    from .stream_builder import _counted_usage as counted

    return counted(f"{call.provider}/{call.model}", call.params.get("messages") or [], assembled)


# --- mock_response -------------------------------------------------------------------------


def _mock_chat(
    adapter: Adapter,
    call: Call,
    mock: Any,
    log_kwargs: dict[str, Any] | None,
    started_wall: float,
    started: float,
) -> Any:
    from .mocking import mock_chunks, mock_model_response, raise_mock_error

    raise_mock_error(mock, call)
    result = _attach(mock_model_response(call, mock), adapter, call, started)
    if call.stream:
        return _wrap_stream(adapter, call, None, log_kwargs, started_wall, chunks=mock_chunks(result, call))
    _report("success", log_kwargs, result, started_wall)
    return result


# --- embeddings, images, legacy completions ---------------------------------------------------------


def _simple(
    capability: str, table: dict[str, Any], model: str, payload: dict[str, Any], kwargs: dict[str, Any]
) -> tuple[Adapter, Call, dict[str, Any]]:
    control, call_params = _split_kwargs(kwargs)
    params.check_types(call_params, table)
    adapter, call = _make_call(model, capability, control, call_params)
    call.params.update(payload)
    return adapter, call, control


def _run_sync(
    capability: str, table: dict[str, Any], model: str, payload: dict[str, Any], kwargs: dict[str, Any]
) -> Any:
    started_wall, started = time.time(), time.perf_counter()
    adapter, call, control = _simple(capability, table, model, payload, kwargs)
    log_kwargs = _kwargs_for_log(model, None, control, call.params) if hooks.any_registered() else None
    try:
        if "mock_response" in control:
            result = _attach(mock_result(call, control["mock_response"]), adapter, call, started)
        else:
            build, parse = _endpoints(adapter, capability)
            response = http.send(adapter, call, build(call), _retries(control))
            result = _attach(parse(call, response.content), adapter, call, started, response)
    except Exception as exc:
        _report("failure", log_kwargs, exc, started_wall)
        raise
    _report("success", log_kwargs, result, started_wall)
    return result


async def _run_async(
    capability: str, table: dict[str, Any], model: str, payload: dict[str, Any], kwargs: dict[str, Any]
) -> Any:
    started_wall, started = time.time(), time.perf_counter()
    adapter, call, control = _simple(capability, table, model, payload, kwargs)
    log_kwargs = _kwargs_for_log(model, None, control, call.params) if hooks.any_registered() else None
    try:
        if "mock_response" in control:
            result = _attach(mock_result(call, control["mock_response"]), adapter, call, started)
        else:
            build, parse = _endpoints(adapter, capability)
            response = await http.asend(adapter, call, build(call), _retries(control))
            result = _attach(parse(call, response.content), adapter, call, started, response)
    except Exception as exc:
        _report("failure", log_kwargs, exc, started_wall)
        raise
    _report("success", log_kwargs, result, started_wall)
    return result


def _endpoints(
    adapter: Adapter, capability: str
) -> tuple[Callable[[Call], Any], Callable[[Call, bytes], Any]]:
    return getattr(adapter, f"{capability}_request"), getattr(adapter, f"parse_{capability}")


def _check_input(input: Any) -> dict[str, Any]:
    if isinstance(input, str):
        return {"input": [input]}
    if isinstance(input, list) and input and all(isinstance(i, str | list) for i in input):
        return {"input": input}
    exceptions.raise_error(
        "BadRequestError", "'input' must be a string or a non-empty list of strings", param="input"
    )
    raise AssertionError


def _check_prompt(prompt: Any, kind: str) -> dict[str, Any]:
    if isinstance(prompt, str) and prompt or (kind == "text" and isinstance(prompt, list) and prompt):
        return {"prompt": prompt}
    exceptions.raise_error("BadRequestError", "'prompt' must be a non-empty string", param="prompt")
    raise AssertionError


def embedding(model: str, input: Any = None, **kwargs: Any) -> Any:
    """Embeddings in OpenAI's ``list`` of ``embedding`` objects shape."""
    return _run_sync("embeddings", params.EMBEDDING_PARAMS, model, _check_input(input), kwargs)


async def aembedding(model: str, input: Any = None, **kwargs: Any) -> Any:
    return await _run_async("embeddings", params.EMBEDDING_PARAMS, model, _check_input(input), kwargs)


def image_generation(prompt: str, model: str | None = None, **kwargs: Any) -> Any:
    """Image generation in OpenAI's ``images.generate`` shape."""
    return _run_sync(
        "images", params.IMAGE_PARAMS, model or "dall-e-2", _check_prompt(prompt, "image"), kwargs
    )


async def aimage_generation(prompt: str, model: str | None = None, **kwargs: Any) -> Any:
    return await _run_async(
        "images", params.IMAGE_PARAMS, model or "dall-e-2", _check_prompt(prompt, "image"), kwargs
    )


def text_completion(model: str, prompt: Any = None, **kwargs: Any) -> Any:
    """The legacy ``/completions`` shape; a chat model answers it through chat, as in LiteLLM."""
    from .utils import text_completion_via_chat, uses_chat_for_text

    if kwargs.get("stream"):  # text_completion chunks, from the completions stream or the chat stream
        from .text_streaming import text_completion_stream

        return text_completion_stream(model, prompt, kwargs)
    if uses_chat_for_text(model, kwargs.get("custom_llm_provider")):
        return text_completion_via_chat(model, prompt, **kwargs)
    return _run_sync(
        "text_completion", params.TEXT_COMPLETION_PARAMS, model, _check_prompt(prompt, "text"), kwargs
    )


async def atext_completion(model: str, prompt: Any = None, **kwargs: Any) -> Any:
    from .utils import atext_completion_via_chat, uses_chat_for_text

    if kwargs.get("stream"):
        from .text_streaming import atext_completion_stream

        return await atext_completion_stream(model, prompt, kwargs)
    if uses_chat_for_text(model, kwargs.get("custom_llm_provider")):
        return await atext_completion_via_chat(model, prompt, **kwargs)
    return await _run_async(
        "text_completion", params.TEXT_COMPLETION_PARAMS, model, _check_prompt(prompt, "text"), kwargs
    )
