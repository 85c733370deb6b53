"""``mock_response=`` for ``embedding``, ``image_generation`` and ``text_completion``, as LiteLLM's tests use it.

The mocked answers are built by :func:`llmrelay.mocking.mock_result`, which ``runtime/main.py``
calls for these three endpoints. The module-level ``api_base`` / ``model_alias_map`` settings are
read by ``runtime/main.py`` at call time, as LiteLLM reads its own.
"""

from __future__ import annotations

import asyncio

import llmrelay as litellm
import pytest
from llmrelay.adapter import Call
from llmrelay.mocking import mock_result


def _call(capability: str, **params: object) -> Call:
    return Call(
        provider="openai",
        model="m",
        capability=capability,
        params=dict(params),
        api_base="https://api.openai.com/v1",
        api_key=None,
    )


def test_mock_embedding_gives_the_vector_for_each_input() -> None:
    result = mock_result(_call("embeddings", input=["a", "bb"]), [0.1, 0.2, 0.3])
    assert isinstance(result, litellm.EmbeddingResponse) and result.object == "list"
    assert [item.embedding for item in result.data] == [[0.1, 0.2, 0.3], [0.1, 0.2, 0.3]]
    assert [item["index"] for item in result.data] == [0, 1] and result.model == "m"
    assert result.usage.prompt_tokens == result.usage.total_tokens > 0
    default = mock_result(_call("embeddings", input=["a"]), True)
    assert len(default.data[0].embedding) == 1536  # LiteLLM's default mock vector size


def test_mock_image_and_text_completion() -> None:
    image = mock_result(_call("images", prompt="a cat"), "https://example.com/cat.png")
    assert isinstance(image, litellm.ImageResponse) and image.data[0].url == "https://example.com/cat.png"
    text = mock_result(_call("text_completion", prompt="Say this is a test", n=2), "This is a test")
    assert isinstance(text, litellm.TextCompletionResponse) and text.object == "text_completion"
    assert [c.text for c in text.choices] == ["This is a test", "This is a test"]
    assert text.usage.total_tokens == text.usage.prompt_tokens + text.usage.completion_tokens


def test_mock_errors_for_the_other_endpoints() -> None:
    with pytest.raises(litellm.RateLimitError) as info:
        mock_result(_call("embeddings", input=["a"]), "litellm.RateLimitError")
    assert info.value.llm_provider == "openai" and info.value.status_code == 429


def test_the_offline_mock_provider_serves_the_other_endpoints() -> None:
    emb = litellm.embedding(model="mock/mock-embedding", input=["good morning from litellm"])
    assert len(emb.data) == 1 and len(emb.data[0]["embedding"]) == 8
    text = litellm.text_completion(model="mock/mock", prompt="Say this is a test")
    assert text.choices[0].text and text.object == "text_completion"
    image = litellm.image_generation(prompt="a cat", model="mock/mock")
    assert image.data[0].url or image.data[0].b64_json


def test_embedding_with_mock_response() -> None:
    response = litellm.embedding(
        model="text-embedding-3-small", input=["hello"], mock_response=[0.1, 0.2], num_retries=0
    )
    assert response.data[0]["embedding"] == [0.1, 0.2]


def test_aembedding_with_mock_response() -> None:
    async def main() -> list[float]:
        response = await litellm.aembedding(
            model="text-embedding-3-small", input=["hello"], mock_response=[0.5]
        )
        return response.data[0]["embedding"]

    assert asyncio.run(main()) == [0.5]


def test_image_generation_with_mock_response() -> None:
    response = litellm.image_generation(
        prompt="a cat", model="dall-e-3", mock_response="https://example.com/c.png"
    )
    assert response.data[0].url == "https://example.com/c.png"


def test_text_completion_with_mock_response() -> None:
    response = litellm.text_completion(
        model="gpt-3.5-turbo-instruct", prompt="hi", mock_response="yo", num_retries=0
    )
    assert response.choices[0].text == "yo"


def test_module_api_base_and_model_alias_map_are_honoured() -> None:
    litellm.model_alias_map = {"house-model": "mock/mock"}
    litellm.api_base = "http://gateway.example.invalid/v1"
    response = litellm.completion(model="house-model", messages=[{"role": "user", "content": "hi"}])
    assert response._hidden_params["custom_llm_provider"] == "mock"
    assert response._hidden_params["api_base"] == "http://gateway.example.invalid/v1"


def test_text_completion_on_a_chat_model_goes_through_chat() -> None:
    from llmrelay.utils import text_completion_via_chat, uses_chat_for_text

    # LiteLLM's docs call text_completion(model="gpt-3.5-turbo", ...): a chat model, answered by chat
    assert uses_chat_for_text("gpt-3.5-turbo") is True
    assert uses_chat_for_text("gpt-3.5-turbo-instruct") is False  # a real completions model
    assert uses_chat_for_text("anthropic/claude-sonnet-4-5") is True  # no legacy endpoint at all
    response = text_completion_via_chat(
        "gpt-3.5-turbo", "Say this is a test", max_tokens=7, echo=True, mock_response="This is a test"
    )
    assert isinstance(response, litellm.TextCompletionResponse) and response.object == "text_completion"
    assert response.choices[0].text == "This is a test" and response.choices[0].finish_reason == "stop"
    assert response["choices"][0]["text"] == "This is a test"
    assert response.usage.total_tokens == response.usage.prompt_tokens + response.usage.completion_tokens
    assert response._hidden_params["response_cost"] == pytest.approx(litellm.completion_cost(response))
    several = text_completion_via_chat("mock/mock", ["first prompt", "second prompt"])
    assert [c.index for c in several.choices] == [0, 1] and all(c.text for c in several.choices)


def test_async_text_completion_on_a_chat_model() -> None:
    from llmrelay.utils import atext_completion_via_chat

    response = asyncio.run(atext_completion_via_chat("gpt-4o", ["one", "two"], mock_response="ok"))
    assert [(c.index, c.text) for c in response.choices] == [(0, "ok"), (1, "ok")]
