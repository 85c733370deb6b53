"""Retries (which errors, how long to wait) and fallbacks (which groups, in what order)."""

from __future__ import annotations

import llmrelay
import pytest

from tests.core.fake_upstream import Answer, FakeUpstream, chat_body, chunk, sse
from tests.router.conftest import MESSAGES, failures, make_router, mock_deployment


def _openai(name: str, server: FakeUpstream, **params: object) -> dict:
    return {
        "model_name": name,
        "litellm_params": {
            "model": "openai/gpt-4o-mini",
            "api_base": server.base,
            "api_key": "sk-test",
            **params,
        },
    }


# --- retries ---------------------------------------------------------------------------------


def test_a_lone_deployment_is_retried_with_exponential_backoff(upstreams: list[FakeUpstream]) -> None:
    server = upstreams[0]
    for _ in range(2):
        server.queue(Answer(500, {"error": {"message": "boom", "type": "server_error"}}))
    server.queue(Answer(200, chat_body("third time lucky")))
    router = make_router([_openai("gpt", server)], num_retries=2)
    response = router.completion(model="gpt", messages=MESSAGES)
    assert response.choices[0].message.content == "third time lucky"
    assert len(server.seen) == 3  # the SDK made one attempt each time: the router owns retries
    first, second = router.slept
    assert 0.375 <= first <= 0.5 and 0.75 <= second <= 1.0  # 0.5 s then 1 s, less up to 25% jitter
    assert response._hidden_params["additional_headers"]["x-litellm-attempted-retries"] == 2


def test_retry_after_from_the_provider_sets_the_wait(upstreams: list[FakeUpstream]) -> None:
    server = upstreams[0]
    server.queue(
        Answer(429, {"error": {"message": "slow down", "type": "rate_limit"}}, headers={"retry-after": "7"})
    )
    server.queue(Answer(200, chat_body("ok")))
    router = make_router([_openai("gpt", server)])
    assert router.completion(model="gpt", messages=MESSAGES).choices[0].message.content == "ok"
    assert router.slept == [7.0]


def test_the_routers_retry_after_is_the_minimum_wait(upstreams: list[FakeUpstream]) -> None:
    server = upstreams[0]
    server.queue(Answer(503, {"error": {"message": "busy"}}))
    server.queue(Answer(200, chat_body("ok")))
    router = make_router([_openai("gpt", server)], retry_after=3)
    router.completion(model="gpt", messages=MESSAGES)
    assert router.slept == [3.0]


def test_exhausted_retries_raise_the_error_with_the_count() -> None:
    router = make_router([mock_deployment("gpt", "litellm.InternalServerError")], num_retries=3)
    with pytest.raises(llmrelay.InternalServerError) as caught:
        router.completion(model="gpt", messages=MESSAGES)
    assert caught.value.num_retries == 3 and caught.value.max_retries == 3
    assert failures(router, router.get_model_ids()[0]) == 4
    assert len(router.slept) == 3


def test_per_request_num_retries_overrides_the_router() -> None:
    router = make_router([mock_deployment("gpt", "litellm.InternalServerError")], num_retries=3)
    with pytest.raises(llmrelay.InternalServerError):
        router.completion(model="gpt", messages=MESSAGES, num_retries=0)
    assert failures(router, router.get_model_ids()[0]) == 1


def test_a_retry_goes_to_another_deployment_at_once() -> None:
    router = make_router(
        [
            mock_deployment("gpt", "litellm.RateLimitError"),
            mock_deployment("gpt", "fine"),
            mock_deployment("gpt", "fine too"),
        ]
    )
    replies = {
        router.completion(model="gpt", messages=MESSAGES).choices[0].message.content for _ in range(10)
    }
    assert replies <= {"fine", "fine too"}
    assert router.slept == [0.0] * len(router.slept)  # other healthy deployments: no waiting


@pytest.mark.parametrize(
    "error",
    [
        "litellm.BadRequestError",
        "litellm.NotFoundError",
        "litellm.UnprocessableEntityError",
        "litellm.ContextWindowExceededError",
    ],
)
def test_errors_retrying_cannot_fix_are_not_retried(error: str) -> None:
    router = make_router([mock_deployment("gpt", error), mock_deployment("gpt", error)], num_retries=3)
    with pytest.raises(llmrelay.LLMRelayError) as caught:
        router.completion(model="gpt", messages=MESSAGES)
    assert type(caught.value).__name__ == error.split(".")[1]
    assert sum(failures(router, i) for i in set(router.get_model_ids())) == 1


def test_an_auth_error_is_retried_only_when_another_deployment_exists() -> None:
    lone = make_router([mock_deployment("gpt", "litellm.AuthenticationError")])
    with pytest.raises(llmrelay.AuthenticationError):
        lone.completion(model="gpt", messages=MESSAGES)
    assert failures(lone, lone.get_model_ids()[0]) == 1
    pair = make_router(
        [
            mock_deployment("gpt", "litellm.AuthenticationError", order=1),
            mock_deployment("gpt", "good", order=2),
        ]
    )
    assert pair.completion(model="gpt", messages=MESSAGES).choices[0].message.content == "good"


def test_retry_policy_sets_retries_per_error_class() -> None:
    router = make_router(
        [mock_deployment("gpt", "litellm.BadRequestError")],
        num_retries=0,
        retry_policy={"BadRequestErrorRetries": 2, "RateLimitErrorRetries": 5},
    )
    with pytest.raises(llmrelay.BadRequestError):
        router.completion(model="gpt", messages=MESSAGES)
    assert failures(router, router.get_model_ids()[0]) == 3
    by_group = make_router(
        [mock_deployment("gpt", "litellm.InternalServerError")],
        model_group_retry_policy={"gpt": {"InternalServerErrorRetries": 1}},
    )
    with pytest.raises(llmrelay.InternalServerError):
        by_group.completion(model="gpt", messages=MESSAGES)
    assert failures(by_group, by_group.get_model_ids()[0]) == 2


def test_a_stream_is_never_retried_after_its_first_chunk() -> None:
    router = make_router([mock_deployment("gpt", "Exception: mock_streaming_error")], num_retries=3)
    stream = router.completion(model="gpt", messages=MESSAGES, stream=True)
    with pytest.raises(llmrelay.MockException):
        for _ in stream:
            pass
    assert stream.chunks  # the first chunk arrived before the error
    (only,) = router.get_model_ids()
    # counted as the deployment's failure when the stream broke, but never retried
    assert router._state.minute(only).success == 0 and failures(router, only) == 1
    assert router.slept == []


def test_a_streams_outcome_and_tokens_are_counted_when_it_ends() -> None:
    router = make_router(
        [mock_deployment("gpt", "a streamed answer")], routing_strategy="usage-based-routing"
    )
    (only,) = router.get_model_ids()
    stream = router.completion(model="gpt", messages=MESSAGES, stream=True)
    assert router._state.minute(only).success == 0  # handed back, not finished yet
    for _ in stream:
        pass
    assert router._state.minute(only).success == 1
    assert router._state.minute(only).tpm == stream.usage.total_tokens > 0


async def test_a_stream_closed_early_is_not_the_deployments_failure() -> None:
    router = make_router([mock_deployment("gpt", "a long streamed answer, more than one chunk")])
    (only,) = router.get_model_ids()
    stream = await router.acompletion(model="gpt", messages=MESSAGES, stream=True)
    await stream.__anext__()
    await stream.aclose()
    assert failures(router, only) == 0 and router._state.minute(only).success == 0


def test_a_stream_that_fails_before_its_first_byte_is_retried(upstreams: list[FakeUpstream]) -> None:
    server = upstreams[0]
    server.queue(Answer(503, {"error": {"message": "busy"}}))
    server.queue(
        Answer(
            200,
            pieces=sse(
                chunk({"role": "assistant", "content": "streamed"}), chunk(finish="stop"), "data: [DONE]\n\n"
            ),
        )
    )
    router = make_router([_openai("gpt", server)])
    stream = router.completion(model="gpt", messages=MESSAGES, stream=True)
    text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert text == "streamed"
    assert len(server.seen) == 2
    assert stream._hidden_params["model_id"] == router.get_model_ids()[0]


async def test_async_stream_through_the_router(upstreams: list[FakeUpstream]) -> None:
    server = upstreams[0]
    server.queue(Answer(429, {"error": {"message": "later"}}, headers={"retry-after": "2"}))
    server.queue(
        Answer(
            200,
            pieces=sse(
                chunk({"role": "assistant", "content": "a"}),
                chunk({"content": "b"}),
                chunk(finish="stop"),
                "data: [DONE]\n\n",
            ),
        )
    )
    router = make_router([_openai("gpt", server)])
    stream = await router.acompletion(model="gpt", messages=MESSAGES, stream=True)
    text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert text == "ab"
    assert router.slept == [2.0]


# --- fallbacks -------------------------------------------------------------------------------


def test_fallbacks_are_tried_in_order() -> None:
    router = make_router(
        [
            mock_deployment("gpt", "litellm.InternalServerError"),
            mock_deployment("claude", "litellm.ServiceUnavailableError"),
            mock_deployment("gemini", "gemini answered"),
        ],
        fallbacks=[{"gpt": ["claude", "gemini"]}],
        num_retries=0,
    )
    response = router.completion(model="gpt", messages=MESSAGES)
    assert response.choices[0].message.content == "gemini answered"
    assert response._hidden_params["model_group"] == "gemini"
    assert response._hidden_params["additional_headers"]["x-litellm-attempted-fallbacks"] == 2


async def test_async_fallback_after_retries_are_spent() -> None:
    router = make_router(
        [mock_deployment("gpt", "litellm.InternalServerError"), mock_deployment("claude", "claude answered")],
        fallbacks=[{"gpt": ["claude"]}],
        num_retries=1,
    )
    response = await router.acompletion(model="gpt", messages=MESSAGES)
    assert response.choices[0].message.content == "claude answered"
    assert failures(router, router.get_model_ids("gpt")[0]) == 2  # first try plus one retry


def test_when_every_fallback_fails_the_last_error_is_raised() -> None:
    router = make_router(
        [
            mock_deployment("gpt", "litellm.InternalServerError"),
            mock_deployment("claude", "litellm.ServiceUnavailableError"),
        ],
        fallbacks=[{"gpt": ["claude"]}],
        num_retries=0,
    )
    with pytest.raises(llmrelay.ServiceUnavailableError) as caught:
        router.completion(model="gpt", messages=MESSAGES)
    assert isinstance(caught.value.__cause__, llmrelay.InternalServerError)


def test_a_rate_limited_group_with_no_healthy_deployment_falls_back_without_retrying() -> None:
    router = make_router(
        [
            mock_deployment("gpt", "litellm.RateLimitError", api_key="k1"),
            mock_deployment("gpt", "litellm.RateLimitError", api_key="k2"),
            mock_deployment("claude", "claude"),
        ],
        fallbacks=[{"gpt": ["claude"]}],
        num_retries=5,
    )
    assert router.completion(model="gpt", messages=MESSAGES).choices[0].message.content == "claude"
    assert [failures(router, i) for i in router.get_model_ids("gpt")] == [1, 1]  # each once, then cooled


def test_context_window_errors_go_to_context_window_fallbacks_only() -> None:
    router = make_router(
        [
            mock_deployment("small", "litellm.ContextWindowExceededError"),
            mock_deployment("large", "large context"),
            mock_deployment("other", "regular"),
        ],
        context_window_fallbacks=[{"small": ["large"]}],
        fallbacks=[{"small": ["other"]}],
        num_retries=3,
    )
    response = router.completion(model="small", messages=MESSAGES)
    assert response.choices[0].message.content == "large context"
    assert failures(router, router.get_model_ids("small")[0]) == 1  # not retried: it has its own fallback


def test_content_policy_errors_go_to_content_policy_fallbacks() -> None:
    router = make_router(
        [
            mock_deployment("strict", "litellm.ContentPolicyViolationError"),
            mock_deployment("lenient", "allowed"),
            mock_deployment("other", "regular"),
        ],
        content_policy_fallbacks=[{"strict": ["lenient"]}],
        fallbacks=[{"strict": ["other"]}],
    )
    assert router.completion(model="strict", messages=MESSAGES).choices[0].message.content == "allowed"


def test_without_their_own_fallbacks_those_errors_use_the_regular_ones() -> None:
    router = make_router(
        [mock_deployment("small", "litellm.ContextWindowExceededError"), mock_deployment("other", "regular")],
        fallbacks=[{"small": ["other"]}],
    )
    assert router.completion(model="small", messages=MESSAGES).choices[0].message.content == "regular"


def test_default_fallbacks_serve_every_group() -> None:
    router = make_router(
        [
            mock_deployment("a", "litellm.InternalServerError"),
            mock_deployment("b", "litellm.InternalServerError"),
            mock_deployment("safe", "safe"),
        ],
        default_fallbacks=["safe"],
        fallbacks=[{"b": ["a"]}],
        num_retries=0,
    )
    assert router.completion(model="a", messages=MESSAGES).choices[0].message.content == "safe"
    # b's own entry wins over the default; a's failure then falls back to the default
    response = router.completion(model="b", messages=MESSAGES)
    assert response.choices[0].message.content == "safe"
    assert response._hidden_params["additional_headers"]["x-litellm-attempted-fallbacks"] == 2


def test_per_request_fallbacks_and_disable_fallbacks() -> None:
    router = make_router(
        [
            mock_deployment("gpt", "litellm.InternalServerError"),
            mock_deployment("claude", "claude"),
            mock_deployment("gemini", "gemini"),
        ],
        fallbacks=[{"gpt": ["claude"]}],
        num_retries=0,
    )
    assert (
        router.completion(model="gpt", messages=MESSAGES, fallbacks=["gemini"]).choices[0].message.content
        == "gemini"
    )
    with pytest.raises(llmrelay.InternalServerError):
        router.completion(model="gpt", messages=MESSAGES, disable_fallbacks=True)


def test_max_fallbacks_caps_fallbacks_per_call() -> None:
    groups = [mock_deployment(f"g{i}", "litellm.InternalServerError") for i in range(4)] + [
        mock_deployment("last", "reached")
    ]
    router = make_router(
        groups, fallbacks=[{"g0": ["g1", "g2", "g3", "last"]}], num_retries=0, max_fallbacks=2
    )
    with pytest.raises(llmrelay.InternalServerError):
        router.completion(model="g0", messages=MESSAGES)
    assert (
        router.completion(model="g0", messages=MESSAGES, max_fallbacks=4).choices[0].message.content
        == "reached"
    )


def test_fallback_cycles_stop() -> None:
    router = make_router(
        [
            mock_deployment("a", "litellm.InternalServerError"),
            mock_deployment("b", "litellm.InternalServerError"),
        ],
        fallbacks=[{"a": ["b"]}, {"b": ["a"]}],
        num_retries=0,
    )
    with pytest.raises(llmrelay.InternalServerError):
        router.completion(model="a", messages=MESSAGES)
    assert [failures(router, i) for i in router.get_model_ids()] == [1, 1]


@pytest.mark.parametrize(
    ("flag", "config"),
    [
        ("mock_testing_fallbacks", "fallbacks"),
        ("mock_testing_context_fallbacks", "context_window_fallbacks"),
        ("mock_testing_content_policy_fallbacks", "content_policy_fallbacks"),
    ],
)
def test_mock_testing_flags_exercise_the_fallback_path(flag: str, config: str) -> None:
    router = make_router(
        [mock_deployment("gpt", "primary"), mock_deployment("claude", "fallback")],
        **{config: [{"gpt": ["claude"]}]},
    )
    assert router.completion(model="gpt", messages=MESSAGES).choices[0].message.content == "primary"
    response = router.completion(model="gpt", messages=MESSAGES, **{flag: True})
    assert response.choices[0].message.content == "fallback"
    assert failures(router, router.get_model_ids("gpt")[0]) == 0  # no deployment was blamed


def test_mock_testing_rate_limit_error_is_retried() -> None:
    router = make_router([mock_deployment("gpt", "fine")])
    response = router.completion(model="gpt", messages=MESSAGES, mock_testing_rate_limit_error=True)
    assert response.choices[0].message.content == "fine"
    assert response._hidden_params["additional_headers"]["x-litellm-attempted-retries"] == 1


def test_embedding_image_and_text_completion_route_too(upstreams: list[FakeUpstream]) -> None:
    server = upstreams[0]
    for _ in range(3):
        server.queue(Answer(429, {"error": {"message": "slow down", "type": "requests"}}))
    router = make_router(
        [
            {
                "model_name": "embed",
                "litellm_params": {
                    "model": "openai/text-embedding-3-small",
                    "api_base": server.base,
                    "api_key": "sk-test",
                },
            },
            {"model_name": "embed-backup", "litellm_params": {"model": "mock/mock-embedding"}},
            {"model_name": "img", "litellm_params": {"model": "mock/mock"}},
            {"model_name": "text", "litellm_params": {"model": "mock/mock"}},
        ],
        fallbacks=[{"embed": ["embed-backup"]}],
    )
    embedded = router.embedding(model="embed", input=["a", "b"], is_async=False)  # LiteLLM's flag
    assert len(embedded.data) == 2 and embedded._hidden_params["model_group"] == "embed-backup"
    assert len(router.slept) == 2  # the lone rate-limited deployment was retried, then fell back
    assert [seen.path for seen in server.seen] == ["/v1/embeddings"] * 3
    image = router.image_generation(prompt="a cat", model="img")
    assert image.data and image._hidden_params["model_id"] == router.get_model_ids("img")[0]
    text = router.text_completion(model="text", prompt="Say hi")
    assert text.choices and text._hidden_params["model_group"] == "text"


async def test_async_embedding_image_and_text_completion() -> None:
    router = make_router(
        [
            {"model_name": "embed", "litellm_params": {"model": "mock/mock-embedding"}},
            {"model_name": "m", "litellm_params": {"model": "mock/mock"}},
        ]
    )
    assert len((await router.aembedding(model="embed", input="a")).data) == 1
    assert (await router.aimage_generation(prompt="a cat", model="m")).data
    assert (await router.atext_completion(model="m", prompt="hi")).choices


def test_errors_outside_the_taxonomy_are_not_retried_and_bench_nothing() -> None:
    # The SDK raises only its own exceptions; anything else (a bug, a misuse) is not the deployment's answer.
    router = make_router(
        [mock_deployment("gpt", "a"), mock_deployment("gpt", "b", api_key="b")], num_retries=3
    )
    plan = router._plan("completion", {"messages": MESSAGES})
    assert router._retry_budget(plan, "gpt", TypeError("bad call"), None) == 0
    assert router._retry_budget(plan, "gpt", llmrelay.InternalServerError(message="x"), None) == 3
    deployment = router.model_list[0]
    for _ in range(3):
        router._failed(deployment, TypeError("bad call"))
    assert router.get_cooldown_deployments() == []


def test_a_retry_skips_deployments_that_already_failed_this_call() -> None:
    # allowed_fails keeps the broken deployment in rotation: only the per-call skip avoids it
    router = make_router(
        [mock_deployment("gpt", "litellm.InternalServerError"), mock_deployment("gpt", "ok")],
        allowed_fails=1000,
        num_retries=1,
    )
    replies = [
        router.completion(model="gpt", messages=MESSAGES).choices[0].message.content for _ in range(30)
    ]
    assert replies == ["ok"] * 30
    broken = router.get_model_ids("gpt")[0]
    assert 0 < failures(router, broken) <= 30  # at most once per call
    assert router.get_cooldown_deployments() == []
