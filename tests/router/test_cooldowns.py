"""Cooldowns: which failures bench a deployment, for how long, and what happens when none is left."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter

import llmrelay
import pytest
from llmrelay import hooks

from tests.router.conftest import MESSAGES, failures, make_router, mock_deployment


def _fail(router: llmrelay.Router, model: str = "gpt", **kwargs: object) -> BaseException:
    with pytest.raises(llmrelay.LLMRelayError) as caught:
        router.completion(model=model, messages=MESSAGES, **kwargs)
    return caught.value


def test_a_rate_limited_deployment_with_siblings_cools_down_for_cooldown_time() -> None:
    router = make_router(
        [mock_deployment("gpt", "litellm.RateLimitError", order=1), mock_deployment("gpt", "ok", order=2)]
    )
    limited = router.get_model_ids("gpt")[0]
    assert router.completion(model="gpt", messages=MESSAGES).choices[0].message.content == "ok"
    assert router.get_cooldown_deployments() == [limited]
    router._clock.advance(router.cooldown_time - 0.5)
    assert router.get_cooldown_deployments() == [limited]
    router._clock.advance(1)
    assert router.get_cooldown_deployments() == []
    assert router.cooldown_time == 5.0  # LiteLLM's default


def test_a_lone_deployment_is_not_benched_for_a_rate_limit() -> None:
    router = make_router([mock_deployment("gpt", "litellm.RateLimitError")], num_retries=2)
    _fail(router)
    assert router.get_cooldown_deployments() == []
    assert failures(router, router.get_model_ids()[0]) == 3  # retried with backoff instead
    assert len(router.slept) == 2 and all(s > 0 for s in router.slept)


def test_server_errors_bench_a_deployment_once_most_of_this_minutes_calls_failed() -> None:
    router = make_router([mock_deployment("gpt", "fine", order=1), mock_deployment("gpt", "backup", order=2)])
    primary = router.get_model_ids("gpt")[0]
    for _ in range(3):
        router.completion(model="gpt", messages=MESSAGES)
    broken = "litellm.InternalServerError"
    for _ in range(3):  # 3 failures of 6 calls: 50%, not more than half
        _fail(router, mock_response=broken, num_retries=0, disable_fallbacks=True)
    assert router.get_cooldown_deployments() == []
    _fail(router, mock_response=broken, num_retries=0)  # 4 of 7 failed
    assert router.get_cooldown_deployments() == [primary]
    assert router.completion(model="gpt", messages=MESSAGES).choices[0].message.content == "backup"
    router._clock.advance(60)  # a new minute: the counts start again
    assert router.get_cooldown_deployments() == []
    assert router._state.minute(primary).fail == 0


def test_an_error_retrying_cannot_fix_benches_even_a_lone_deployment() -> None:
    router = make_router([mock_deployment("gpt", "litellm.AuthenticationError")])
    _fail(router)
    error = _fail(router)
    assert isinstance(error, llmrelay.RateLimitError) and isinstance(error, ValueError)
    assert type(error).__name__ == "RouterRateLimitError"
    assert "No deployments available for selected model" in str(error) and error.status_code == 429
    assert error.retry_after == pytest.approx(router.cooldown_time)


@pytest.mark.parametrize(
    "mock", ["litellm.BadRequestError", "litellm.ContextWindowExceededError", "litellm.APIConnectionError"]
)
def test_bad_requests_and_connection_errors_never_bench_a_deployment(mock: str) -> None:
    router = make_router(
        [mock_deployment("gpt", mock, api_key="a"), mock_deployment("gpt", mock, api_key="b")], num_retries=0
    )
    for _ in range(5):
        _fail(router)
    assert router.get_cooldown_deployments() == []


def test_allowed_fails_counts_failures_within_a_minute() -> None:
    router = make_router(
        [
            mock_deployment("gpt", "litellm.InternalServerError", api_key="a"),
            mock_deployment("gpt", "ok", api_key="b", order=2),
        ],
        allowed_fails=2,
        num_retries=0,
    )
    broken = router.get_model_ids("gpt")[0]
    for _ in range(2):
        _fail(router, model=broken)
    assert router.get_cooldown_deployments() == []
    router._clock.advance(61)  # those two are more than a minute old now
    for _ in range(2):
        _fail(router, model=broken)
    assert router.get_cooldown_deployments() == []
    _fail(router, model=broken)  # the third failure within a minute
    assert router.get_cooldown_deployments() == [broken]


def test_allowed_fails_policy_per_error_class() -> None:
    router = make_router(
        [
            mock_deployment("gpt", "litellm.RateLimitError", api_key="a"),
            mock_deployment("gpt", "x", api_key="b"),
        ],
        allowed_fails_policy={"RateLimitErrorAllowedFails": 1, "InternalServerErrorAllowedFails": 100},
        num_retries=0,
    )
    limited = router.get_model_ids("gpt")[0]
    _fail(router, model=limited)
    assert router.get_cooldown_deployments() == []
    _fail(router, model=limited)
    assert router.get_cooldown_deployments() == [limited]


def test_cooldown_time_per_router_per_deployment_and_from_retry_after() -> None:
    router = make_router(
        [
            mock_deployment("gpt", "litellm.RateLimitError", api_key="a", order=1),
            mock_deployment("gpt", "litellm.RateLimitError", api_key="b", order=1, cooldown_time=30),
            mock_deployment("gpt", "ok", order=2),
        ],
        cooldown_time=10,
    )
    short, long_, _ = router.get_model_ids("gpt")
    router.completion(model="gpt", messages=MESSAGES)
    assert set(router.get_cooldown_deployments()) == {short, long_}
    router._clock.advance(11)
    assert router.get_cooldown_deployments() == [long_]
    router._clock.advance(20)
    assert router.get_cooldown_deployments() == []

    hinted = make_router([mock_deployment("gpt", "x"), mock_deployment("gpt", "ok", order=2)])
    error = llmrelay.RateLimitError(message="slow down", llm_provider="mock", model="mock", retry_after=20)
    hinted.completion(
        model="gpt", messages=MESSAGES, mock_response=error, num_retries=0, disable_fallbacks=True
    ) if False else None
    first = hinted.get_model_ids("gpt")[0]
    with pytest.raises(llmrelay.RateLimitError):
        hinted.completion(model=first, messages=MESSAGES, mock_response=error, num_retries=0)
    hinted._clock.advance(19)
    assert hinted.get_cooldown_deployments() == [first]
    hinted._clock.advance(2)
    assert hinted.get_cooldown_deployments() == []


def test_disable_cooldowns() -> None:
    router = make_router([mock_deployment("gpt", "litellm.AuthenticationError")], disable_cooldowns=True)
    for _ in range(3):
        assert isinstance(_fail(router), llmrelay.AuthenticationError)
    assert router.get_cooldown_deployments() == []


def test_when_the_whole_group_is_benched_the_call_falls_back() -> None:
    router = make_router(
        [mock_deployment("gpt", "litellm.AuthenticationError"), mock_deployment("claude", "claude")],
        fallbacks=[{"gpt": ["claude"]}],
    )
    assert router.completion(model="gpt", messages=MESSAGES).choices[0].message.content == "claude"
    assert router.get_cooldown_deployments() == router.get_model_ids("gpt")
    # the benched group is not even tried now
    assert router.completion(model="gpt", messages=MESSAGES).choices[0].message.content == "claude"
    assert failures(router, router.get_model_ids("gpt")[0]) == 1


def test_pre_call_checks_skip_deployments_whose_context_window_is_too_small() -> None:
    router = make_router(
        [
            {**mock_deployment("gpt", "tiny"), "model_info": {"max_input_tokens": 50}},
            {**mock_deployment("gpt", "roomy"), "model_info": {"max_input_tokens": 100_000}},
            {**mock_deployment("small", "small"), "model_info": {"max_input_tokens": 50}},
            mock_deployment("big", "big"),
        ],
        enable_pre_call_checks=True,
        context_window_fallbacks=[{"small": ["big"]}],
    )
    long_messages = [{"role": "user", "content": "many words " * 50}]
    replies = Counter(
        router.completion(model="gpt", messages=long_messages).choices[0].message.content for _ in range(10)
    )
    assert replies == Counter({"roomy": 10})
    assert router.completion(model="small", messages=long_messages).choices[0].message.content == "big"
    assert router.completion(model="small", messages=MESSAGES).choices[0].message.content == "small"


def test_reset_forgets_cooldowns_and_clears_global_callbacks() -> None:
    router = make_router([mock_deployment("gpt", "litellm.AuthenticationError")])
    _fail(router)
    llmrelay.success_callback = [lambda *a: None]
    router.reset()
    assert router.get_cooldown_deployments() == []
    assert failures(router, router.get_model_ids()[0]) == 0
    assert llmrelay.success_callback == [] and llmrelay.failure_callback == []


def test_threads_share_one_router_safely() -> None:
    router = make_router(
        [
            mock_deployment("gpt", "litellm.RateLimitError", api_key="a"),
            mock_deployment("gpt", "ok", api_key="b"),
            mock_deployment("gpt", "ok", api_key="c"),
        ]
    )
    replies: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(25):
            text = router.completion(model="gpt", messages=MESSAGES).choices[0].message.content
            with lock:
                replies.append(text)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert replies == ["ok"] * 200
    ids = router.get_model_ids("gpt")
    assert sum(router._state.minute(i).success for i in ids) == 200
    assert all(router._state.in_flight(i) == 0 for i in ids)


async def test_concurrent_async_calls_share_one_router_safely() -> None:
    router = make_router(
        [
            mock_deployment("gpt", "litellm.InternalServerError", api_key="a"),
            mock_deployment("gpt", "ok", api_key="b"),
        ],
        routing_strategy="least-busy",
    )
    results = await asyncio.gather(*(router.acompletion(model="gpt", messages=MESSAGES) for _ in range(100)))
    assert [r.choices[0].message.content for r in results] == ["ok"] * 100
    assert sum(router._state.minute(i).success for i in router.get_model_ids()) == 100


def test_success_callbacks_fire_for_the_deployment_that_answered() -> None:
    seen: list[str] = []
    llmrelay.success_callback = [lambda kwargs, response, start, end: seen.append(kwargs["model"])]
    router = make_router(
        [
            mock_deployment("gpt", "litellm.RateLimitError", order=1),
            {
                "model_name": "gpt",
                "litellm_params": {"model": "mock/second", "mock_response": "ok", "order": 2},
            },
        ]
    )
    router.completion(model="gpt", messages=MESSAGES)
    hooks.flush()
    assert seen == ["mock/second"]


def test_no_deployments_error_survives_pickling() -> None:
    import pickle

    router = make_router([mock_deployment("gpt", "litellm.AuthenticationError")])
    _fail(router)
    error = _fail(router)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) and copy.message == error.message and copy.status_code == 429


def test_a_stream_that_breaks_mid_way_can_bench_its_deployment() -> None:
    router = make_router(
        [
            mock_deployment("gpt", "Exception: mock_streaming_error", order=1),
            mock_deployment("gpt", "steady", order=2),
        ],
        allowed_fails=0,
    )
    broken = router.get_model_ids("gpt")[0]
    with pytest.raises(llmrelay.MockException):
        for _ in router.completion(model="gpt", messages=MESSAGES, stream=True):
            pass
    assert router.get_cooldown_deployments() == [broken]
    streamed = router.completion(model="gpt", messages=MESSAGES, stream=True)
    assert "".join(c.choices[0].delta.content or "" for c in streamed if c.choices) == "steady"
