"""The router's decisions as plain functions (routing/policy.py), case by case."""

from __future__ import annotations

import random

import llmrelay
import pytest
from llmrelay.routing import policy


def _error(name: str, **kwargs: object) -> llmrelay.LLMRelayError:
    return getattr(llmrelay, name)(message="x", llm_provider="p", model="m", **kwargs)


def _retry(error: BaseException, healthy: int = 2, everyone: int = 2, **flags: bool) -> bool:
    options = {
        "context_window_fallbacks": False,
        "content_policy_fallbacks": False,
        "fallbacks": False,
        **flags,
    }
    return policy.should_retry(error, healthy=healthy, everyone=everyone, **options)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("RateLimitError", True),
        ("InternalServerError", True),
        ("ServiceUnavailableError", True),
        ("Timeout", True),
        ("APIConnectionError", True),
        ("AuthenticationError", True),
        ("PermissionDeniedError", True),
        ("BadRequestError", False),
        ("UnprocessableEntityError", False),
        ("NotFoundError", False),
        ("ContextWindowExceededError", False),
    ],
)
def test_which_errors_are_retried_with_healthy_deployments(name: str, expected: bool) -> None:
    assert _retry(_error(name)) is expected


def test_retry_depends_on_the_group_and_its_fallbacks() -> None:
    assert not _retry(_error("InternalServerError"), healthy=0)
    assert _retry(_error("RateLimitError"), healthy=1)
    assert not _retry(_error("RateLimitError"), healthy=0, fallbacks=True)
    assert not _retry(_error("AuthenticationError"), healthy=1, everyone=1)
    assert not _retry(_error("ContentPolicyViolationError", status_code=500), content_policy_fallbacks=True)
    assert not _retry(_error("ContextWindowExceededError", status_code=500), context_window_fallbacks=True)
    assert not _retry(TypeError("a bug"))


def test_backoff_doubles_caps_and_honours_hints() -> None:
    rng = random.Random(1)
    plain = _error("InternalServerError")
    waits = [policy.backoff(plain, attempt, healthy=1, min_wait=0, rng=rng) for attempt in range(6)]
    ceilings = [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert all(0.75 * c <= w <= c for w, c in zip(waits, ceilings, strict=True))
    assert policy.backoff(plain, 0, healthy=2, min_wait=5, rng=rng) == 0.0  # another deployment is free
    assert policy.backoff(_error("RateLimitError", retry_after=12), 0, healthy=1, min_wait=0, rng=rng) == 12.0
    assert policy.backoff(_error("RateLimitError", retry_after=600), 0, healthy=1, min_wait=0, rng=rng) <= 0.5
    assert policy.backoff(plain, 0, healthy=0, min_wait=3, rng=rng) == 3.0


@pytest.mark.parametrize(
    ("status", "siblings", "success", "fail", "expected"),
    [
        (429, True, 10, 1, True),  # rate limited with siblings: bench at once
        (429, False, 0, 1, False),  # a lone deployment is not benched for a 429
        (500, True, 0, 1, True),  # the only call this minute failed
        (500, True, 1, 1, False),  # half failed: not more than half
        (500, True, 1, 2, True),
        (500, False, 0, 5, False),  # lone deployment, little traffic
        (500, False, 0, 1000, True),  # lone deployment, every one of 1000 calls failed
        (401, False, 5, 1, True),  # retrying cannot fix it
        (404, False, 5, 1, True),
    ],
)
def test_failure_share_rule(status: int, siblings: bool, success: int, fail: int, expected: bool) -> None:
    assert policy.cool_by_failure_share(status, siblings, success, fail) is expected


def test_which_failures_may_bench_a_deployment() -> None:
    assert policy.cooldown_required(_error("RateLimitError"), 429)
    assert policy.cooldown_required(_error("InternalServerError"), 500)
    assert policy.cooldown_required(_error("AuthenticationError"), 401)
    assert not policy.cooldown_required(_error("BadRequestError"), 400)
    assert not policy.cooldown_required(_error("APIConnectionError"), 500)
    assert not policy.cooldown_required(ValueError("bug"), 500)


def test_policy_value_takes_the_most_specific_class() -> None:
    retry_policy = {"BadRequestErrorRetries": 1, "ContentPolicyViolationErrorRetries": 4}
    assert (
        policy.policy_value(retry_policy, policy.RETRY_POLICY_KEYS, _error("ContentPolicyViolationError"))
        == 4
    )
    assert (
        policy.policy_value(retry_policy, policy.RETRY_POLICY_KEYS, _error("ContextWindowExceededError")) == 1
    )
    assert policy.policy_value(retry_policy, policy.RETRY_POLICY_KEYS, _error("RateLimitError")) is None
    assert policy.policy_value(None, policy.RETRY_POLICY_KEYS, _error("RateLimitError")) is None
