"""mock_response= (no network) and the built-in offline mock provider."""

from __future__ import annotations

import llmrelay
import pytest
from llmrelay import exceptions
from llmrelay.inprocess import MOCK_REPLY

MESSAGES = [{"role": "user", "content": "Hello"}]


def test_string_mock_is_the_reply_with_usage_and_cost() -> None:
    resp = llmrelay.completion(model="gpt-4o", messages=MESSAGES, mock_response="Hi there")
    assert resp.choices[0].message.content == "Hi there" and resp.choices[0].finish_reason == "stop"
    assert (
        resp.model == "gpt-4o"
        and resp.usage.total_tokens == resp.usage.prompt_tokens + resp.usage.completion_tokens
    )
    assert resp._hidden_params["custom_llm_provider"] == "openai"
    cost = llmrelay.completion_cost(resp)
    assert cost > 0 and cost == pytest.approx(resp._hidden_params["response_cost"])


def test_mock_needs_no_api_key() -> None:
    assert (
        llmrelay.completion(model="openai/gpt-4o", messages=MESSAGES, mock_response="ok")
        .choices[0]
        .message.content
        == "ok"
    )


def test_api_error_instance_is_raised_as_is() -> None:
    error = llmrelay.RateLimitError(message="quota", llm_provider="openai", model="gpt-4o")
    with pytest.raises(llmrelay.RateLimitError) as info:
        llmrelay.completion(model="gpt-4o", messages=MESSAGES, mock_response=error)
    assert info.value is error
    # Any other exception is wrapped as LiteLLM wraps it: the llmrelay error for its status (500 by default).
    with pytest.raises(llmrelay.InternalServerError, match="plain") as wrapped:
        llmrelay.completion(model="gpt-4o", messages=MESSAGES, mock_response=ValueError("plain"))
    assert wrapped.value.status_code == 500 and isinstance(wrapped.value.__cause__, ValueError)


@pytest.mark.parametrize("name", sorted(exceptions._HIERARCHY))
def test_every_litellm_exception_name_can_be_mocked(name: str) -> None:
    with pytest.raises(getattr(llmrelay.exceptions, name)) as info:
        llmrelay.completion(model="gpt-4o", messages=MESSAGES, mock_response=f"litellm.{name}")
    assert type(info.value).__name__ == name
    assert (info.value.llm_provider, info.value.model) == ("openai", "gpt-4o")


def test_litellm_mock_messages_and_statuses() -> None:
    with pytest.raises(llmrelay.RateLimitError, match="this is a mock rate limit error") as info:
        llmrelay.completion(model="gpt-4o", messages=MESSAGES, mock_response="litellm.RateLimitError")
    assert info.value.status_code == 429
    with pytest.raises(llmrelay.ContextWindowExceededError) as info2:
        llmrelay.completion(
            model="gpt-4o", messages=MESSAGES, mock_response="litellm.ContextWindowExceededError"
        )
    assert info2.value.status_code == 400


def test_content_filter_mock_raises_a_400_mock_exception() -> None:
    with pytest.raises(llmrelay.exceptions.MockException) as info:
        llmrelay.completion(
            model="gpt-4o", messages=MESSAGES, mock_response="Exception: content_filter_policy"
        )
    assert info.value.status_code == 400


def test_a_string_that_only_looks_like_a_name_is_a_reply() -> None:
    resp = llmrelay.completion(model="gpt-4o", messages=MESSAGES, mock_response="litellm.is great")
    assert resp.choices[0].message.content == "litellm.is great"


def test_dict_and_model_response_mocks() -> None:
    body = {
        "id": "chatcmpl-x",
        "model": "gpt-4o",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "from dict"}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
    }
    resp = llmrelay.completion(model="gpt-4o", messages=MESSAGES, mock_response=body)
    assert (resp.id, resp.choices[0].message.content) == ("chatcmpl-x", "from dict")
    again = llmrelay.completion(model="gpt-4o", messages=MESSAGES, mock_response=resp)
    assert again.choices[0].message.content == "from dict"
    assert again._hidden_params["response_cost"] == pytest.approx(3 * 2.5e-06 + 2 * 1e-05)


def test_n_choices_and_mock_tool_calls() -> None:
    tool_calls = [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]
    resp = llmrelay.completion(
        model="gpt-4o", messages=MESSAGES, mock_response="x", n=3, mock_tool_calls=tool_calls
    )
    assert [c.index for c in resp.choices] == [0, 1, 2]
    assert (
        resp.choices[0].message.tool_calls[0].function.name == "f"
        and resp.choices[0].finish_reason == "tool_calls"
    )


def test_stream_with_mock_response() -> None:
    stream = llmrelay.completion(
        model="gpt-4o", messages=MESSAGES, mock_response="streamed reply text here", stream=True
    )
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "streamed reply text here"
    assert chunks[-1].choices[0].finish_reason == "stop" and all(c.choices for c in chunks)
    with_usage = list(
        llmrelay.completion(
            model="gpt-4o",
            messages=MESSAGES,
            mock_response="x",
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    assert with_usage[-1].choices == [] and with_usage[-1].usage.total_tokens > 0


def test_mock_streaming_error_raises_mid_stream() -> None:
    stream = llmrelay.completion(
        model="gpt-4o", messages=MESSAGES, mock_response="Exception: mock_streaming_error", stream=True
    )
    first = next(stream)
    assert first.choices[0].delta.role == "assistant"
    with pytest.raises(llmrelay.exceptions.MockException, match="mid-stream"):
        next(stream)


async def test_async_mock_stream() -> None:
    stream = await llmrelay.acompletion(
        model="gpt-4o", messages=MESSAGES, mock_response="async reply", stream=True
    )
    assert "".join([c.choices[0].delta.content or "" async for c in stream]) == "async reply"


async def test_async_mock_error_name() -> None:
    with pytest.raises(llmrelay.Timeout):
        await llmrelay.acompletion(model="gpt-4o", messages=MESSAGES, mock_response="litellm.Timeout")


# --- the built-in offline `mock` provider (an in-process OpenAI-format server) -----------------


def test_mock_provider_chat() -> None:
    resp = llmrelay.completion(model="mock/mock", messages=MESSAGES)
    assert resp.choices[0].message.content == MOCK_REPLY and resp.usage.completion_tokens > 0
    assert resp._hidden_params["custom_llm_provider"] == "mock"
    assert resp._hidden_params["response_cost"] == pytest.approx(
        resp.usage.prompt_tokens * 1e-06 + resp.usage.completion_tokens * 2e-06
    )


def test_mock_provider_stream_with_usage() -> None:
    chunks = list(
        llmrelay.completion(
            model="mock/mock", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
        )
    )
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == MOCK_REPLY
    assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens > 0


async def test_mock_provider_async_stream() -> None:
    stream = await llmrelay.acompletion(model="mock/mock", messages=MESSAGES, stream=True)
    assert "".join([c.choices[0].delta.content or "" async for c in stream]) == MOCK_REPLY


def test_mock_provider_embeddings_are_deterministic() -> None:
    one = llmrelay.embedding(model="mock/mock-embedding", input=["a", "b"])
    two = llmrelay.embedding(model="mock/mock-embedding", input="a")
    assert len(one.data) == 2 and len(one.data[0].embedding) == 8
    assert one.data[0].embedding == two.data[0].embedding != one.data[1].embedding
    assert one._hidden_params["response_cost"] == pytest.approx(one.usage.prompt_tokens * 1e-07)


async def test_mock_provider_images_and_text_completion() -> None:
    images = await llmrelay.aimage_generation(prompt="a cat", model="mock/mock", n=2)
    assert [i.revised_prompt for i in images.data] == ["a cat", "a cat"]
    text = llmrelay.text_completion(model="mock/mock", prompt="Once upon")
    assert text.object == "text_completion" and text.choices[0].text == MOCK_REPLY
