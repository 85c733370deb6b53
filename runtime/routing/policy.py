"""The router's decisions, as plain functions: retry or not, how long to wait, bench a deployment
or not, for how long. The rules and numbers are LiteLLM's (each function says which)."""

from __future__ import annotations

import random
from typing import Any

from .. import exceptions
from . import deployments as dep

DEFAULT_COOLDOWN_TIME = 5.0  # seconds (LiteLLM's DEFAULT_COOLDOWN_TIME_SECONDS)
DEFAULT_ALLOWED_FAILS = 3  # litellm.allowed_fails, used when only allowed_fails_policy is set
FAILURE_THRESHOLD = 0.5  # more than half of this minute's calls failed: cool down
SINGLE_DEPLOYMENT_TRAFFIC = 1000  # a lone deployment cools down only when all of this many calls failed
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0

RETRY_POLICY_KEYS = {
    "BadRequestErrorRetries": "BadRequestError",
    "AuthenticationErrorRetries": "AuthenticationError",
    "TimeoutErrorRetries": "Timeout",
    "RateLimitErrorRetries": "RateLimitError",
    "ContentPolicyViolationErrorRetries": "ContentPolicyViolationError",
    "InternalServerErrorRetries": "InternalServerError",
}
ALLOWED_FAILS_POLICY_KEYS = {
    "BadRequestErrorAllowedFails": "BadRequestError",
    "AuthenticationErrorAllowedFails": "AuthenticationError",
    "TimeoutErrorAllowedFails": "Timeout",
    "RateLimitErrorAllowedFails": "RateLimitError",
    "ContentPolicyViolationErrorAllowedFails": "ContentPolicyViolationError",
    "InternalServerErrorAllowedFails": "InternalServerError",
}


def _is(error: BaseException, name: str) -> bool:
    return isinstance(error, exceptions.get_class(name))


def status_of(error: BaseException) -> int:
    status = getattr(error, "status_code", None)
    try:
        return int(status) if status is not None else 500
    except (TypeError, ValueError):
        return 500


def retryable_status(status: int) -> bool:
    """LiteLLM's ``_should_retry``: timeouts, conflicts, rate limits and server errors."""
    return status in (408, 409, 429) or status >= 500


def hinted_wait(error: BaseException) -> float | None:
    """The provider's ``retry_after``, when it is a sensible wait (up to a minute)."""
    hinted = getattr(error, "retry_after", None)
    if isinstance(hinted, int | float) and not isinstance(hinted, bool) and 0 < hinted <= MAX_RETRY_AFTER:
        return float(hinted)
    return None


def policy_value(policy: Any, table: dict[str, str], error: BaseException) -> int | None:
    """The number a ``retry_policy`` / ``allowed_fails_policy`` gives for this error, if any.

    The most specific class wins (a ContentPolicyViolationError is also a BadRequestError).
    """
    if policy is None:
        return None
    if hasattr(policy, "model_dump"):
        policy = policy.model_dump()
    found: tuple[type, int] | None = None
    for key, name in table.items():
        value = policy.get(key)
        cls = exceptions.get_class(name)
        if value is not None and isinstance(error, cls) and (found is None or issubclass(cls, found[0])):
            found = (cls, int(value))
    return None if found is None else found[1]


def should_retry(
    error: BaseException,
    *,
    healthy: int,
    everyone: int,
    context_window_fallbacks: bool,
    content_policy_fallbacks: bool,
    fallbacks: bool,
) -> bool:
    """LiteLLM's ``should_retry_this_error``: not when the error has fallbacks of its own (context
    window, content policy), not for a status retrying cannot fix (a bad request; 401/403 are
    retried when another deployment exists), not for a missing model, not for a rate-limited group
    with no healthy deployment left but with fallbacks, never with no healthy deployment left.
    Errors outside the SDK's taxonomy (a TypeError, a ValueError) are bugs or misuse: not retried."""
    if not isinstance(error, exceptions.LLMRelayError):
        return False
    if _is(error, "ContextWindowExceededError") and context_window_fallbacks:
        return False
    if _is(error, "ContentPolicyViolationError") and content_policy_fallbacks:
        return False
    status = status_of(error)
    if not retryable_status(status) and status not in (401, 403):
        return False
    if _is(error, "NotFoundError"):
        return False
    if _is(error, "RateLimitError") and not healthy and fallbacks:
        return False
    if _is(error, "AuthenticationError") and everyone <= 1:
        return False
    return healthy > 0


def backoff(error: BaseException, attempt: int, healthy: int, min_wait: float, rng: random.Random) -> float:
    """Seconds to wait before retry number ``attempt + 1``: none while another healthy deployment can
    take it; else the provider's ``retry_after``; else 0.5 s doubling per attempt up to 8 s, less up
    to 25% jitter; never less than the router's ``retry_after``."""
    if healthy > 1:
        return 0.0
    hinted = hinted_wait(error)
    if hinted is not None:
        return max(hinted, min_wait)
    delay = min(INITIAL_RETRY_DELAY * 2.0**attempt, MAX_RETRY_DELAY)
    return max(delay * (1 - 0.25 * rng.random()), min_wait)


def cooldown_required(error: BaseException, status: int) -> bool:
    """Whether this kind of failure may bench a deployment at all (LiteLLM's ``_is_cooldown_required``).

    Only the SDK's own errors count; connection errors do not (the network, not the deployment, is
    at fault); of the 4xx statuses only 401, 404, 408 and 429 do (a bad request is the caller's
    fault); 5xx and others do.
    """
    if not isinstance(error, exceptions.LLMRelayError) or _is(error, "APIConnectionError"):
        return False
    if 400 <= status < 500:
        return status in (401, 404, 408, 429)
    return True


def cooldown_seconds(deployment: dict[str, Any], error: BaseException, default: float) -> float:
    """The deployment's own ``cooldown_time``, else the provider's retry-after, else the router's."""
    own = deployment["litellm_params"].get("cooldown_time")
    if own is not None:
        return float(own)
    hinted = hinted_wait(error)
    return default if hinted is None else hinted


def cool_by_failure_share(status: int, siblings: bool, success: int, fail: int) -> bool:
    """LiteLLM's rule without ``allowed_fails``: a 429 benches a deployment that has siblings; so do
    more than half of this minute's calls failing (siblings only); a lone deployment is benched only
    after 1000 calls in a minute all failed; an error retrying cannot fix (401, 404) always benches."""
    total = success + fail
    share = fail / total if total else 0.0
    if status == 429 and siblings:
        return True
    if share == 1.0 and total >= SINGLE_DEPLOYMENT_TRAFFIC:
        return True
    if share > FAILURE_THRESHOLD and siblings:
        return True
    return not retryable_status(status)


def best_order(group: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Only the deployments of the lowest ``order`` (``order: 1`` first; higher orders take over
    when every lower one is cooling down). A deployment without ``order`` comes after every
    ordered one; without any ``order`` all deployments qualify."""
    orders = [dep.limit(d, "order") for d in group]
    ranks = [float("inf") if o is None else o for o in orders]
    best = min(ranks)
    return [d for d, rank in zip(group, ranks, strict=True) if rank == best]
