"""The limiter, in-process and on the real Redis: RPM, TPM, parallel requests and budgets."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from llmrelay.proxy.limits import LocalLimiter, RedisLimiter, Scope

from .conftest import REDIS_URL


def rid() -> str:
    return uuid.uuid4().hex


async def _redis_limiters(prefix: str, n: int) -> list[RedisLimiter]:
    import redis.asyncio as aioredis

    return [RedisLimiter(aioredis.from_url(REDIS_URL), prefix) for _ in range(n)]


@pytest.fixture(params=["local", "redis"])
async def limiter(request: pytest.FixtureRequest):
    if request.param == "local":
        yield LocalLimiter()
        return
    prefix = request.getfixturevalue("redis_prefix")
    (lim,) = await _redis_limiters(prefix, 1)
    yield lim
    await lim.close()


async def test_rpm_admits_exactly_the_limit_and_reports_remaining(limiter) -> None:
    scopes = [Scope("key:a", rpm=3)]
    verdicts = [await limiter.acquire(scopes, rid()) for _ in range(5)]
    assert [v.ok for v in verdicts] == [True, True, True, False, False]
    assert [v.remaining_requests for v in verdicts[:3]] == [2, 1, 0]
    refused = verdicts[3]
    assert refused.reason == "rpm" and refused.scope == "key:a" and 0 < refused.retry_after <= 60


async def test_one_failing_scope_counts_nothing_anywhere(limiter) -> None:
    await limiter.acquire([Scope("team:t", rpm=1)], rid())
    v = await limiter.acquire([Scope("key:k", rpm=5), Scope("team:t", rpm=1)], rid())
    assert not v.ok and v.scope == "team:t"
    # The refused request did not use up the key's allowance.
    oks = [(await limiter.acquire([Scope("key:k", rpm=5)], rid())).ok for _ in range(6)]
    assert oks == [True] * 5 + [False]


async def test_tpm_counts_actual_usage(limiter) -> None:
    scopes = [Scope("key:t", tpm=100)]
    assert (await limiter.acquire(scopes, rid())).ok
    await limiter.release(scopes, tokens=60, cost=0.0)
    v = await limiter.acquire(scopes, rid())
    assert v.ok and v.remaining_tokens == 40
    await limiter.release(scopes, tokens=60, cost=0.0)  # overshoots: the call was already admitted
    v = await limiter.acquire(scopes, rid())
    assert not v.ok and v.reason == "tpm"


async def test_parallel_requests_are_released(limiter) -> None:
    scopes = [Scope("key:p", parallel=2)]
    assert (await limiter.acquire(scopes, rid())).ok
    assert (await limiter.acquire(scopes, rid())).ok
    v = await limiter.acquire(scopes, rid())
    assert not v.ok and v.reason == "parallel"
    await limiter.release(scopes, 0, 0.0)
    assert (await limiter.acquire(scopes, rid())).ok


async def test_budget_refuses_once_spend_reaches_it(limiter) -> None:
    scopes = [Scope("key:b", max_budget=1.0)]
    await limiter.seed_spend({"key:b": 0.25})
    assert (await limiter.acquire(scopes, rid())).ok
    await limiter.release(scopes, 10, 0.75)
    v = await limiter.acquire(scopes, rid())
    assert not v.ok and v.reason == "budget" and v.spend == pytest.approx(1.0)
    await limiter.set_spend("key:b", 0.0)  # a new budget period
    assert (await limiter.acquire(scopes, rid())).ok


async def test_seed_never_lowers_a_live_counter(limiter) -> None:
    scopes = [Scope("key:s", max_budget=10.0)]
    await limiter.seed_spend({"key:s": 1.0})
    await limiter.release(scopes, 0, 2.0)
    await limiter.seed_spend({"key:s": 1.5})  # the database lags behind the counter
    assert await limiter.get_spend("key:s") == pytest.approx(3.0)


async def test_redis_limit_is_exact_across_clients(redis_prefix: str) -> None:
    """30 concurrent requests through 3 independent connections: exactly 10 admitted."""
    limiters = await _redis_limiters(redis_prefix, 3)
    scopes = [Scope("key:shared", rpm=10, parallel=25)]
    verdicts = await asyncio.gather(*(limiters[i % 3].acquire(scopes, rid()) for i in range(30)))
    assert sum(v.ok for v in verdicts) == 10
    assert {v.reason for v in verdicts if not v.ok} == {"rpm"}
    for lim in limiters:
        await lim.close()
