"""LiteLLM user code replayed against recorded provider traffic (cassettes/), as ``import llmrelay as litellm``.

The code is what LiteLLM's docs show (keys from ``litellm.api_key`` or ``api_key=``, ``except
litellm.RateLimitError as e: e.status_code``…); the assertions are the values in the recordings.
"""

from __future__ import annotations

import json

import llmrelay as litellm
import pytest

user = [{"role": "user", "content": "Name a primary colour. One word."}]


@pytest.mark.cassette("openai/chat/basic")
def test_completion_with_module_level_api_key(cassette: object) -> None:
    litellm.api_key = "sk-test"
    try:
        response = litellm.completion(
            model="gpt-4o-mini",
            messages=[
                {"role": "system", "content": "You are terse."},
                {"role": "user", "content": "Say hello."},
            ],
            temperature=0.2,
            max_tokens=20,
        )
    finally:
        litellm.api_key = None
    assert response.choices[0].message.content == "Hello!"
    assert response["choices"][0]["finish_reason"] == "stop"
    assert (
        response.model == "gpt-4o-mini-2024-07-18" and response.id == "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT"
    )
    assert (response.usage.prompt_tokens, response.usage.completion_tokens, response.usage.total_tokens) == (
        19,
        3,
        22,
    )
    assert response.usage.prompt_tokens_details.cached_tokens == 0
    assert response.usage.completion_tokens_details.reasoning_tokens == 0
    assert response.system_fingerprint == "fp_06737a9306"
    # gpt-4o-mini: 1.5e-07 in, 6e-07 out
    assert litellm.completion_cost(completion_response=response) == pytest.approx(19 * 1.5e-07 + 3 * 6e-07)
    assert response.to_dict()["choices"][0]["message"]["content"] == "Hello!"


@pytest.mark.cassette("openai/stream/include_usage")
def test_stream_with_include_usage_and_stream_chunk_builder(cassette: object) -> None:
    response = litellm.completion(
        model="gpt-4o-mini",
        messages=user,
        stream=True,
        stream_options={"include_usage": True},
        api_key="sk-test",
    )
    chunks = []
    for chunk in response:
        chunks.append(chunk)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Red."
    assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens == 17
    full = litellm.stream_chunk_builder(chunks, messages=user)
    assert full.choices[0].message.content == "Red." and full.choices[0].finish_reason == "stop"
    assert (full.usage.prompt_tokens, full.usage.completion_tokens, full.usage.total_tokens) == (15, 2, 17)
    assert full.id == "chatcmpl-CAx6Hj9Kl8Zx7Cv6Bn5Mq4Wr3Et2Yu"
    assert litellm.completion_cost(completion_response=full, model="gpt-4o-mini") == pytest.approx(
        15 * 1.5e-07 + 2 * 6e-07
    )


@pytest.mark.cassette("openai/tools/parallel")
def test_parallel_function_calling_loop(cassette: object) -> None:
    tools = [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Current weather for a city.",
                "parameters": {
                    "type": "object",
                    "properties": {"city": {"type": "string"}},
                    "required": ["city"],
                    "additionalProperties": False,
                },
                "strict": True,
            },
        }
    ]
    response = litellm.completion(
        model="gpt-4.1-mini",
        messages=[{"role": "user", "content": "What's the weather in Paris and in Tokyo?"}],
        tools=tools,
        tool_choice="auto",
        parallel_tool_calls=True,
        api_key="sk-test",
    )
    response_message = response.choices[0].message
    tool_calls = response_message.tool_calls
    assert response.choices[0].finish_reason == "tool_calls" and response_message.content is None
    cities = [json.loads(call.function.arguments)["city"] for call in tool_calls]
    assert cities == ["Paris", "Tokyo"]
    assert [call.id for call in tool_calls] == [
        "call_Qk3Zr8xYvTbN2mLp5sWd7HcE",
        "call_Hn6Tf1JqWz4Ka9Rb0Uy2Xs5V",
    ]
    assert {call.function.name for call in tool_calls} == {"get_weather"}
    dumped = response_message.model_dump()
    assert dumped["tool_calls"][1]["function"]["arguments"] == '{"city":"Tokyo"}'


@pytest.mark.cassette("openai/errors/rate_limit")
def test_rate_limit_error_handling_as_in_litellm_docs(cassette: object) -> None:
    try:
        litellm.completion(model="gpt-4o-mini", messages=user, api_key="sk-test", num_retries=0)
    except litellm.RateLimitError as e:
        assert e.status_code == 429
        assert e.llm_provider == "openai" and e.model == "gpt-4o-mini"
        assert e.message.startswith("Rate limit reached for gpt-4o-mini")
        assert e.retry_after == 20.0
        assert isinstance(e, litellm.exceptions.RateLimitError)
    else:
        pytest.fail("the recorded 429 must raise litellm.RateLimitError")


@pytest.mark.cassette("openai/errors/rate_limit")
def test_rate_limit_is_also_an_openai_error(cassette: object) -> None:
    openai = pytest.importorskip("openai")
    with pytest.raises(openai.RateLimitError) as info:
        litellm.completion(model="gpt-4o-mini", messages=user, api_key="sk-test", num_retries=0)
    assert info.value.status_code == 429


@pytest.mark.cassette("anthropic/reasoning/thinking")
def test_reasoning_content_and_thinking_blocks(cassette: object) -> None:
    response = litellm.completion(
        model="anthropic/claude-sonnet-4-5",
        messages=[{"role": "user", "content": "Is 1001 a prime number?"}],
        reasoning_effort="low",
        api_key="sk-ant-test",
    )
    message = response.choices[0].message
    assert message.content == "No. 1001 = 7 × 11 × 13."
    assert message.reasoning_content == "1001 = 7 x 143 = 7 x 11 x 13, so it is not prime."
    assert message.thinking_blocks[0]["type"] == "thinking"
    assert message.thinking_blocks[0]["signature"].startswith("EqQBCkgIARAB")
    assert response.choices[0].finish_reason == "stop"
    assert response.usage.prompt_tokens == 44 and response.usage.completion_tokens == 96


@pytest.mark.cassette("anthropic/errors/429")
def test_anthropic_rate_limit_maps_to_the_same_exception(cassette: object) -> None:
    with pytest.raises(litellm.RateLimitError) as info:
        litellm.completion(
            model="anthropic/claude-sonnet-4-5",
            messages=[{"role": "user", "content": "Hello"}],
            max_tokens=64,
            num_retries=0,
            api_key="sk-ant-test",
        )
    e = info.value
    assert e.status_code == 429 and e.llm_provider == "anthropic" and e.retry_after == 17.0
    assert "per-minute rate limit" in e.message


@pytest.mark.cassette("openai/chat/basic")
def test_metadata_is_for_callbacks_and_never_reaches_the_provider(cassette: object) -> None:
    # OpenAI answers 400 to `metadata` without `store`; LiteLLM keeps it for the callbacks. The
    # cassette's recorded body has no metadata, so sending it would fail the json_body match.
    from llmrelay import hooks

    seen: list[dict] = []
    litellm.success_callback = [
        lambda kwargs, response, start, end: seen.append(kwargs["litellm_params"]["metadata"])
    ]
    response = litellm.completion(
        model="gpt-4o-mini",
        messages=[{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Say hello."}],
        temperature=0.2,
        max_tokens=20,
        metadata={"generation_name": "greeting", "trace_id": "t-1"},
        api_key="sk-test",
    )
    hooks.flush()
    assert response.choices[0].message.content == "Hello!"
    assert seen == [{"generation_name": "greeting", "trace_id": "t-1"}]
