"""LiteLLM call options that wrap a call rather than shape it.

- ``fallbacks=["model-b", {"model": "model-c", "api_key": ...}]``: on an llmrelay error, try the
  next model in order; the last error is raised when every model failed.
- ``context_window_fallback_dict={"model-a": "model-a-long"}``: a context-window error moves the
  call to the mapped model.
- ``mock_timeout=True``: wait the call's ``timeout`` and raise ``Timeout`` (testing habit).
- ``llmrelay.max_budget``: a process-wide spend cap; a call that starts at or above it raises
  ``BudgetExceededError``; ``llmrelay._current_cost`` adds up what calls cost.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from . import exceptions

WRAPPING_KEYS = ("fallbacks", "context_window_fallback_dict")


def _package() -> Any:
    import llmrelay

    return llmrelay


def _attempts(model: str, kwargs: dict[str, Any]) -> tuple[list[tuple[str, dict[str, Any]]], dict[str, str]]:
    fallbacks = kwargs.pop("fallbacks", None) or []
    window = kwargs.pop("context_window_fallback_dict", None) or {}
    attempts = [(model, {})]
    for entry in fallbacks:
        if isinstance(entry, str):
            attempts.append((entry, {}))
        elif isinstance(entry, dict) and isinstance(entry.get("model"), str):
            attempts.append((entry["model"], {k: v for k, v in entry.items() if k != "model"}))
        else:
            exceptions.raise_error(
                "BadRequestError", f"each fallback must be a model name or {{'model': ...}}, got {entry!r}"
            )
    return attempts, window


def _next_model(exc: Exception, name: str, window: dict[str, str]) -> str | None:
    ctx_error = exceptions.get_class("ContextWindowExceededError")
    return window.get(name) if isinstance(exc, ctx_error) else None


def with_fallbacks(call: Callable[..., Any], model: str, messages: Any, kwargs: dict[str, Any]) -> Any:
    attempts, window = _attempts(model, dict(kwargs))
    base = {k: v for k, v in kwargs.items() if k not in WRAPPING_KEYS}
    last: Exception | None = None
    for name, extra in attempts:
        try:
            return call(name, messages, **{**base, **extra})
        except exceptions.LLMRelayError as exc:
            last = exc
            bigger = _next_model(exc, name, window)
            if bigger is not None:
                try:
                    return call(bigger, messages, **{**base, **extra})
                except exceptions.LLMRelayError as again:
                    last = again
    assert last is not None
    raise last


async def awith_fallbacks(
    call: Callable[..., Awaitable[Any]], model: str, messages: Any, kwargs: dict[str, Any]
) -> Any:
    attempts, window = _attempts(model, dict(kwargs))
    base = {k: v for k, v in kwargs.items() if k not in WRAPPING_KEYS}
    last: Exception | None = None
    for name, extra in attempts:
        try:
            return await call(name, messages, **{**base, **extra})
        except exceptions.LLMRelayError as exc:
            last = exc
            bigger = _next_model(exc, name, window)
            if bigger is not None:
                try:
                    return await call(bigger, messages, **{**base, **extra})
                except exceptions.LLMRelayError as again:
                    last = again
    assert last is not None
    raise last


def check_budget() -> None:
    pkg = _package()
    if pkg.max_budget is not None and pkg._current_cost >= pkg.max_budget:
        raise exceptions.get_class("BudgetExceededError")(
            current_cost=pkg._current_cost, max_budget=pkg.max_budget
        )


def add_cost(cost: float | None) -> None:
    pkg = _package()
    if pkg.max_budget is not None and cost:
        pkg._current_cost += cost


def _timeout_error(model: str, timeout: float) -> Exception:
    return exceptions.get_class("Timeout")(
        f"mock_timeout: no answer within {timeout} s", model=model, llm_provider=None
    )


def mock_timeout(model: str, timeout: float | None) -> None:
    seconds = timeout if timeout is not None else 1.0
    time.sleep(seconds)
    raise _timeout_error(model, seconds)


async def amock_timeout(model: str, timeout: float | None) -> None:
    seconds = timeout if timeout is not None else 1.0
    await asyncio.sleep(seconds)
    raise _timeout_error(model, seconds)
