"""The errors the router raises itself, and what it adds to the errors it passes on."""

from __future__ import annotations

from typing import Any

from .. import exceptions

_router_rate_limit: type[exceptions.LLMRelayError] | None = None


def error_class(name: str) -> type[exceptions.LLMRelayError]:
    return exceptions.get_class(name)


def router_rate_limit_error() -> type[exceptions.LLMRelayError]:
    """``RouterRateLimitError``: no deployment of the group is available (all cooling down or at
    their limits). A :class:`RateLimitError` (429) and, as in LiteLLM, a ``ValueError``."""
    global _router_rate_limit
    if _router_rate_limit is None:
        _router_rate_limit = type(
            "RouterRateLimitError",
            (error_class("RateLimitError"), ValueError),
            {"__module__": "llmrelay.router", "__reduce__": _reduce},
        )
    return _router_rate_limit


def _reduce(error: exceptions.LLMRelayError) -> Any:
    state = {k: v for k, v in error.__dict__.items() if k not in ("_response", "_request")}
    return (_rebuild, (state,))


def _rebuild(state: dict[str, Any]) -> exceptions.LLMRelayError:
    cls = router_rate_limit_error()
    error = cls.__new__(cls)
    error.__dict__.update(state, _response=None, _request=None)
    Exception.__init__(error, state.get("message", ""))
    return error


def no_deployments(
    model: str, wait: float, cooling: list[str], pre_call_checks: bool
) -> exceptions.LLMRelayError:
    """Every deployment of the group is cooling down (LiteLLM's message, so log searches still match)."""
    return router_rate_limit_error()(
        message=f"No deployments available for selected model, Try again in {wait:.0f} seconds. "
        f"Passed model={model}. pre-call-checks={pre_call_checks}, cooldown_list={sorted(cooling)}",
        model=model,
        llm_provider="",
        retry_after=max(wait, 0.0),
    )


def over_limits(model: str) -> exceptions.LLMRelayError:
    return router_rate_limit_error()(
        message=f"No deployments available for selected model={model}: every deployment is at its "
        "tpm/rpm limit for this minute",
        model=model,
        llm_provider="",
    )


def unknown_model(model: str) -> exceptions.LLMRelayError:
    return error_class("BadRequestError")(
        message=f"You passed in model={model}. There is no 'model_name' with this string ",
        model=model,
        llm_provider="",
    )


def context_window_everywhere(model: str) -> exceptions.LLMRelayError:
    return error_class("ContextWindowExceededError")(
        message=f"the messages exceed the context window of every deployment of model={model}",
        model=model,
        llm_provider="",
    )


# mock_testing_* flag -> (error raised, label LiteLLM prints, which fallbacks it exercises)
MOCK_FALLBACK_FLAGS = {
    "mock_testing_fallbacks": ("InternalServerError", "Fallbacks", "fallbacks"),
    "mock_testing_context_fallbacks": (
        "ContextWindowExceededError",
        "Context_Window_Fallbacks",
        "context_window_fallbacks",
    ),
    "mock_testing_content_policy_fallbacks": (
        "ContentPolicyViolationError",
        "Content_Policy_Fallbacks",
        "content_policy_fallbacks",
    ),
}


def mock_fallback(flag: str, group: str, configured: Any) -> exceptions.LLMRelayError:
    """What ``mock_testing_fallbacks=True`` (and its variants) raise for the first group."""
    name, label, _ = MOCK_FALLBACK_FLAGS[flag]
    return error_class(name)(
        message=f"This is a mock exception for model={group}, to trigger a fallback. {label}={configured}",
        model=group,
        llm_provider="",
    )


def mock_rate_limit(group: str) -> exceptions.LLMRelayError:
    """What ``mock_testing_rate_limit_error=True`` raises for the first attempt."""
    return error_class("RateLimitError")(
        message=f"This is a mock exception for model={group}, to trigger a rate limit error.",
        model=group,
        llm_provider="",
    )


def annotate(error: exceptions.LLMRelayError, group: str, fallbacks: list[str] | None) -> None:
    """Say in the message which group was asked for and what it could fall back to, as LiteLLM does."""
    if "Received Model Group=" in error.message:
        return
    error.message += f"\nReceived Model Group={group}\nAvailable Model Group Fallbacks={fallbacks or None}"
    error.args = (error.message,)


def note_retries(error: BaseException, attempts: int, budget: int) -> None:
    if isinstance(error, exceptions.LLMRelayError):
        error.num_retries = attempts
        error.max_retries = budget
