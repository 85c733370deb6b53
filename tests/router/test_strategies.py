"""Routing strategies: weighted shuffle, order, least-busy, latency, usage (tpm/rpm) and cost."""

from __future__ import annotations

import asyncio
from collections import Counter

import llmrelay
import pytest
from llmrelay.router import CustomRoutingStrategyBase

from tests.router.conftest import MESSAGES, make_router, mock_deployment


def _picks(router: llmrelay.Router, model: str, n: int = 2000) -> Counter[str]:
    return Counter(
        router.get_available_deployment(model)["litellm_params"]["mock_response"] for _ in range(n)
    )


@pytest.mark.parametrize("key", ["weight", "rpm", "tpm"])
def test_simple_shuffle_is_weighted_by_weight_rpm_or_tpm(key: str) -> None:
    router = make_router(
        [mock_deployment("gpt", "heavy", **{key: 9}), mock_deployment("gpt", "light", **{key: 1})]
    )
    counts = _picks(router, "gpt")
    # 9:1 weights: the heavy deployment takes about 90% (seeded, so the bounds are generous, not flaky).
    assert 0.85 < counts["heavy"] / 2000 < 0.95
    assert counts["light"] > 0


def test_weight_beats_rpm_and_a_zero_weight_takes_nothing() -> None:
    router = make_router(
        [mock_deployment("gpt", "a", weight=1, rpm=1), mock_deployment("gpt", "b", weight=0, rpm=1000)]
    )
    assert _picks(router, "gpt", 300) == Counter({"a": 300})


def test_simple_shuffle_without_weights_spreads_calls() -> None:
    router = make_router(
        [mock_deployment("gpt", "a"), mock_deployment("gpt", "b"), mock_deployment("gpt", "c")]
    )
    counts = _picks(router, "gpt", 3000)
    assert set(counts) == {"a", "b", "c"}
    assert all(800 < c < 1200 for c in counts.values())


def test_weights_from_model_info_or_top_level_count_too() -> None:
    router = make_router(
        [
            {**mock_deployment("gpt", "a"), "model_info": {"rpm": 0}},
            {**mock_deployment("gpt", "b"), "rpm": 5},
        ]
    )
    assert _picks(router, "gpt", 200) == Counter({"b": 200})


def test_order_sends_every_call_to_the_lowest_order_until_it_cools_down() -> None:
    router = make_router(
        [
            mock_deployment("gpt", "litellm.RateLimitError", order=1),
            mock_deployment("gpt", "second", order=2),
            mock_deployment("gpt", "third", order=3),
        ]
    )
    assert _picks(router, "gpt", 50) == Counter({"litellm.RateLimitError": 50})
    # The order-1 deployment answers 429 and cools down; the call is retried on order 2.
    response = router.completion(model="gpt", messages=MESSAGES)
    assert response.choices[0].message.content == "second"
    assert response._hidden_params["additional_headers"]["x-litellm-attempted-retries"] == 1
    assert _picks(router, "gpt", 50) == Counter({"second": 50})
    router._clock.advance(router.cooldown_time + 1)
    assert _picks(router, "gpt", 10) == Counter({"litellm.RateLimitError": 10})


async def test_least_busy_sends_the_next_call_to_the_idle_deployment() -> None:
    router = make_router(
        [mock_deployment("gpt", "a"), mock_deployment("gpt", "b")], routing_strategy="least-busy"
    )
    first = router.get_available_deployment("gpt")
    router._state.started(first["model_info"]["id"])  # one call in flight there
    others = {router.get_available_deployment("gpt")["model_info"]["id"] for _ in range(20)}
    assert first["model_info"]["id"] not in others
    router._state.finished(first["model_info"]["id"])
    # Calls in flight are counted while they run and released after, also under concurrency.
    results = await asyncio.gather(*(router.acompletion(model="gpt", messages=MESSAGES) for _ in range(20)))
    assert {r.choices[0].message.content for r in results} <= {"a", "b"}
    assert all(router._state.in_flight(i) == 0 for i in router.get_model_ids())


def test_latency_based_routing_prefers_the_faster_deployment() -> None:
    router = make_router(
        [mock_deployment("gpt", "slow"), mock_deployment("gpt", "fast")],
        routing_strategy="latency-based-routing",
    )
    slow, fast = router.get_model_ids("gpt")
    # An untried deployment counts as fastest, so both get measured first.
    ticks = iter([0.0, 4.0, 10.0, 10.5])  # start/end of two calls: the first takes 4 s, the second 0.5 s
    router._timer = lambda: next(ticks)
    first = router.completion(model="gpt", messages=MESSAGES)
    second = router.completion(model="gpt", messages=MESSAGES)
    assert {first._hidden_params["model_id"], second._hidden_params["model_id"]} == {slow, fast}
    measured = {r._hidden_params["model_id"]: r.choices[0].message.content for r in (first, second)}
    faster = min((router._state.latency(i), i) for i in (slow, fast))[1]
    assert _picks(router, "gpt", 20) == Counter({measured[faster]: 20})


def test_latency_buffer_spreads_calls_among_nearly_as_fast_deployments() -> None:
    router = make_router(
        [mock_deployment("gpt", "a"), mock_deployment("gpt", "b")],
        routing_strategy="latency-based-routing",
        routing_strategy_args={"lowest_latency_buffer": 0.5},
    )
    a, b = router.get_model_ids("gpt")
    router._state.record_success(a, 1.0, 10)
    router._state.record_success(b, 1.2, 10)
    assert set(_picks(router, "gpt", 100)) == {"a", "b"}
    router._state.record_success(b, 5.0, 10)  # b's mean is now 3.1 s: outside the buffer
    assert set(_picks(router, "gpt", 100)) == {"a"}


def test_usage_based_routing_respects_tpm_and_rpm_per_minute() -> None:
    router = make_router(
        [mock_deployment("gpt", "a", rpm=2), mock_deployment("gpt", "b", tpm=1_000_000)],
        routing_strategy="usage-based-routing",
    )
    a, b = router.get_model_ids("gpt")
    router._state.record_success(b, None, 500)  # b has used 500 tokens this minute, a none
    assert router.get_available_deployment("gpt", messages=MESSAGES)["model_info"]["id"] == a
    assert router.get_available_deployment("gpt", messages=MESSAGES)["model_info"]["id"] == a
    # a reached its rpm of 2 for this minute: b takes the next calls
    assert router.get_available_deployment("gpt", messages=MESSAGES)["model_info"]["id"] == b
    router._clock.advance(60)  # a new minute resets the counts
    assert router.get_available_deployment("gpt", messages=MESSAGES)["model_info"]["id"] == a


def test_usage_based_routing_raises_a_rate_limit_when_every_deployment_is_full() -> None:
    router = make_router([mock_deployment("gpt", "a", tpm=5)], routing_strategy="usage-based-routing-v2")
    long_prompt = [{"role": "user", "content": "word " * 100}]
    with pytest.raises(llmrelay.RateLimitError, match="tpm/rpm limit"):
        router.completion(model="gpt", messages=long_prompt)
    # the tokens a call used count against the deployment's tpm for the rest of the minute
    router = make_router([mock_deployment("gpt", "a", tpm=200)], routing_strategy="usage-based-routing")
    response = router.completion(model="gpt", messages=MESSAGES)
    (only,) = router.get_model_ids()
    assert router._state.minute(only).tpm == response.usage.total_tokens


def test_cost_based_routing_picks_the_cheapest_price() -> None:
    router = make_router(
        [
            mock_deployment("gpt", "pricey", input_cost_per_token=1e-5, output_cost_per_token=3e-5),
            mock_deployment("gpt", "cheap", input_cost_per_token=1e-7, output_cost_per_token=2e-7),
            mock_deployment("gpt", "table"),  # priced from the model table: mock/mock is 1e-6 + 2e-6
        ],
        routing_strategy="cost-based-routing",
    )
    assert _picks(router, "gpt", 30) == Counter({"cheap": 30})
    router.delete_deployment(router.get_model_ids("gpt")[1])
    assert _picks(router, "gpt", 30) == Counter({"table": 30})


def test_a_deployment_without_order_comes_after_the_ordered_ones() -> None:
    router = make_router(
        [mock_deployment("gpt", "unordered"), mock_deployment("gpt", "litellm.AuthenticationError", order=1)]
    )
    assert _picks(router, "gpt", 20) == Counter({"litellm.AuthenticationError": 20})
    assert router.completion(model="gpt", messages=MESSAGES).choices[0].message.content == "unordered"


class _LastDeployment(CustomRoutingStrategyBase):
    """Always the last deployment of the group (and counts how often it was asked)."""

    def __init__(self, router: llmrelay.Router) -> None:
        self.router = router
        self.asked: list[str] = []

    def get_available_deployment(
        self, model, messages=None, input=None, specific_deployment=False, request_kwargs=None
    ):  # type: ignore[no-untyped-def]
        self.asked.append(model)
        return self.router.get_model_list(model)[-1]

    async def async_get_available_deployment(
        self, model, messages=None, input=None, specific_deployment=False, request_kwargs=None
    ):  # type: ignore[no-untyped-def]
        return self.get_available_deployment(model, messages, input, specific_deployment, request_kwargs)


async def test_a_custom_routing_strategy_chooses_and_the_router_still_falls_back() -> None:
    router = make_router(
        [
            mock_deployment("gpt", "first"),
            mock_deployment("gpt", "litellm.InternalServerError"),
            mock_deployment("claude", "claude"),
        ],
        fallbacks=[{"gpt": ["claude"]}],
        num_retries=0,
    )
    strategy = _LastDeployment(router)
    router.set_custom_routing_strategy(strategy)
    assert router.completion(model="gpt", messages=MESSAGES).choices[0].message.content == "claude"
    assert (await router.acompletion(model="gpt", messages=MESSAGES)).choices[0].message.content == "claude"
    assert strategy.asked == ["gpt", "claude", "gpt", "claude"]


def test_a_final_error_names_the_group_and_its_fallbacks() -> None:
    router = make_router(
        [
            mock_deployment("gpt", "litellm.InternalServerError"),
            mock_deployment("claude", "litellm.InternalServerError"),
        ],
        fallbacks=[{"gpt": ["claude"]}],
        num_retries=0,
    )
    with pytest.raises(llmrelay.InternalServerError) as caught:
        router.completion(model="gpt", messages=MESSAGES)
    assert "Received Model Group=gpt\nAvailable Model Group Fallbacks=['claude']" in str(caught.value)


async def test_max_parallel_requests_makes_calls_wait_for_a_slot() -> None:
    router = make_router([mock_deployment("gpt", "done", max_parallel_requests=1)])
    (only,) = router.get_model_ids()
    slot = router._parallel.for_loop(only, 1)
    await slot.acquire()  # another call holds the only slot
    task = asyncio.create_task(router.acompletion(model="gpt", messages=MESSAGES))
    for _ in range(5):
        await asyncio.sleep(0)
    assert not task.done()
    slot.release()
    assert (await task).choices[0].message.content == "done"


def test_default_max_parallel_requests_caps_sync_calls_too() -> None:
    import threading

    router = make_router([mock_deployment("gpt", "done")], default_max_parallel_requests=1)
    (only,) = router.get_model_ids()
    slot = router._parallel.for_threads(only, 1)
    slot.acquire()
    finished = threading.Event()
    worker = threading.Thread(
        target=lambda: (router.completion(model="gpt", messages=MESSAGES), finished.set())
    )
    worker.start()
    worker.join(0.2)
    assert not finished.is_set()  # still waiting for the slot
    slot.release()
    worker.join()
    assert finished.is_set()
