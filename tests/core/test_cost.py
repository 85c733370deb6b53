"""Cost, the model table (get_model_info, supports_*), register_model, and response objects."""

from __future__ import annotations

from collections.abc import Iterator

import llmrelay
import pytest
from llmrelay import registry
from llmrelay.types import ModelResponse, Usage

MESSAGES = [{"role": "user", "content": "Hi"}]
RATES = {
    "litellm_provider": "openai",
    "mode": "chat",
    "max_input_tokens": 1_000_000,
    "max_output_tokens": 64_000,
    "input_cost_per_token": 3e-06,
    "output_cost_per_token": 1.5e-05,
    "cache_read_input_token_cost": 3e-07,
    "cache_creation_input_token_cost": 3.75e-06,
    "output_cost_per_reasoning_token": 2e-05,
    "input_cost_per_token_above_200k_tokens": 6e-06,
    "output_cost_per_token_above_200k_tokens": 2.25e-05,
    "cache_read_input_token_cost_above_200k_tokens": 6e-07,
    "supports_function_calling": True,
    "supports_reasoning": True,
}


@pytest.fixture(autouse=True)
def _isolated_model_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """register_model writes into a copy that is thrown away after each test."""
    monkeypatch.setattr(registry, "_registered", dict(registry._registered))
    llmrelay.register_model({"openai/priced-model": RATES})
    yield


def response(usage: dict) -> ModelResponse:
    resp = ModelResponse(
        model="priced-model",
        choices=[{"message": {"content": "x"}, "finish_reason": "stop"}],
        usage=Usage.model_validate(usage),
    )
    resp._hidden_params["custom_llm_provider"] = "openai"
    return resp


def test_plain_prompt_and_completion_tokens() -> None:
    assert llmrelay.completion_cost(
        response({"prompt_tokens": 1000, "completion_tokens": 100})
    ) == pytest.approx(1000 * 3e-06 + 100 * 1.5e-05)


def test_cache_reads_and_writes_priced_at_their_own_rates() -> None:
    # prompt_tokens includes the 600 cache reads and 200 cache writes (OpenAI's way of counting)
    usage = {
        "prompt_tokens": 1000,
        "completion_tokens": 0,
        "prompt_tokens_details": {"cached_tokens": 600},
        "cache_read_input_tokens": 600,
        "cache_creation_input_tokens": 200,
    }
    assert llmrelay.completion_cost(response(usage)) == pytest.approx(
        200 * 3e-06 + 600 * 3e-07 + 200 * 3.75e-06
    )


def test_reasoning_tokens_priced_at_the_reasoning_rate() -> None:
    usage = {
        "prompt_tokens": 0,
        "completion_tokens": 500,
        "completion_tokens_details": {"reasoning_tokens": 300},
    }
    assert llmrelay.completion_cost(response(usage)) == pytest.approx(200 * 1.5e-05 + 300 * 2e-05)


def test_reasoning_without_its_own_rate_is_output_priced() -> None:
    resp = llmrelay.completion(model="gpt-4o", messages=MESSAGES, mock_response="x")
    resp.usage = Usage(
        prompt_tokens=0,
        completion_tokens=10,
        total_tokens=10,
        completion_tokens_details={"reasoning_tokens": 4},
    )
    assert llmrelay.completion_cost(resp) == pytest.approx(10 * 1e-05)


def test_above_200k_prompt_uses_the_long_context_tier() -> None:
    usage = {
        "prompt_tokens": 250_000,
        "completion_tokens": 1000,
        "prompt_tokens_details": {"cached_tokens": 50_000},
    }
    expected = 200_000 * 6e-06 + 50_000 * 6e-07 + 1000 * 2.25e-05
    assert llmrelay.completion_cost(response(usage)) == pytest.approx(expected)
    at_limit = {"prompt_tokens": 200_000, "completion_tokens": 0}
    assert llmrelay.completion_cost(response(at_limit)) == pytest.approx(200_000 * 3e-06)


def test_cost_per_token() -> None:
    prompt, completion = llmrelay.cost_per_token(
        model="openai/priced-model", prompt_tokens=10, completion_tokens=20
    )
    assert (prompt, completion) == (pytest.approx(10 * 3e-06), pytest.approx(20 * 1.5e-05))
    prompt, _ = llmrelay.cost_per_token(model="gpt-4o", prompt_tokens=100, cache_read_input_tokens=40)
    assert prompt == pytest.approx(60 * 2.5e-06 + 40 * 1.25e-06)


def test_per_call_price_overrides() -> None:
    resp = llmrelay.completion(
        model="gpt-4o",
        messages=MESSAGES,
        mock_response="x",
        input_cost_per_token=1.0,
        output_cost_per_token=2.0,
    )
    expected = resp.usage.prompt_tokens * 1.0 + resp.usage.completion_tokens * 2.0
    assert resp._hidden_params["response_cost"] == pytest.approx(expected)
    assert llmrelay.completion_cost(resp) == pytest.approx(expected)
    assert llmrelay.completion_cost(resp, input_cost_per_token=0.0, output_cost_per_token=0.0) == 0.0


def test_register_model_overrides_and_adds() -> None:
    llmrelay.register_model({"gpt-4o": {"input_cost_per_token": 1.0, "output_cost_per_token": 1.0}})
    info = llmrelay.get_model_info("gpt-4o")
    assert info["input_cost_per_token"] == 1.0 and info["max_input_tokens"] == 128000  # the rest is kept
    llmrelay.register_model(
        {
            "my-local-model": {
                "litellm_provider": "openai",
                "max_tokens": 4096,
                "input_cost_per_token": 0.0,
                "output_cost_per_token": 0.0,
                "mode": "chat",
            }
        }
    )
    assert llmrelay.get_model_info("my-local-model")["max_tokens"] == 4096
    with pytest.raises(ValueError, match="litellm_provider"):
        llmrelay.register_model({"who-knows": {"input_cost_per_token": 1.0}})


def test_unknown_price_is_an_error_not_zero() -> None:
    resp = llmrelay.completion(model="openai/no-such-model", messages=MESSAGES, mock_response="x")
    assert resp._hidden_params["response_cost"] is None
    with pytest.raises(llmrelay.NotFoundError, match="no price known"):
        llmrelay.completion_cost(resp)


def test_get_model_info_has_litellm_shape() -> None:
    info = llmrelay.get_model_info("gpt-4o")
    for key in (
        "max_tokens",
        "max_input_tokens",
        "max_output_tokens",
        "input_cost_per_token",
        "output_cost_per_token",
        "litellm_provider",
        "mode",
    ):
        assert key in info
    assert (info["litellm_provider"], info["mode"], info["max_input_tokens"], info["max_output_tokens"]) == (
        "openai",
        "chat",
        128000,
        16384,
    )
    assert info["supports_function_calling"] is True and info["supports_audio_output"] is False
    assert info["cache_creation_input_token_cost"] is None
    assert llmrelay.get_model_info("openai/gpt-4o")["input_cost_per_token"] == info["input_cost_per_token"]
    with pytest.raises(llmrelay.NotFoundError, match="register_model"):
        llmrelay.get_model_info("nobody/knows")


def test_supports_helpers_read_the_table() -> None:
    assert llmrelay.supports_function_calling("gpt-4o") is True
    assert llmrelay.supports_vision("openai/gpt-4o") is True
    assert llmrelay.supports_reasoning("gpt-4o") is False
    assert llmrelay.supports_reasoning("openai/priced-model") is True
    assert llmrelay.supports_function_calling("nobody/knows") is False


def test_embedding_cost_is_prompt_only() -> None:
    resp = llmrelay.embedding(model="mock/mock-embedding", input="hello there")
    assert llmrelay.completion_cost(resp) == pytest.approx(resp.usage.prompt_tokens * 1e-07)


# --- response objects -------------------------------------------------------------------------


def test_item_access_get_and_hidden_params_not_dumped() -> None:
    resp = llmrelay.completion(model="gpt-4o", messages=MESSAGES, mock_response="hello")
    assert resp["choices"][0]["message"]["content"] == "hello"
    assert resp["choices"][0]["message"]["role"] == "assistant"
    assert resp.get("system_fingerprint", "none") == "none" and "choices" in resp
    dumped = resp.model_dump()
    assert "_hidden_params" not in dumped and "response_cost" not in str(dumped)
    assert resp._hidden_params["response_cost"] > 0
    with pytest.raises(KeyError):
        resp["nope"]


def test_provider_extras_are_kept() -> None:
    resp = ModelResponse.model_validate({"choices": [], "x_groq": {"id": "req_1"}})
    assert resp.model_dump()["x_groq"] == {"id": "req_1"} and resp["x_groq"]["id"] == "req_1"


def test_litellm_custom_cost_per_token_and_get_max_tokens() -> None:
    resp = response({"prompt_tokens": 10, "completion_tokens": 5})
    custom = {"input_cost_per_token": 1.0, "output_cost_per_token": 10.0}
    assert llmrelay.completion_cost(completion_response=resp, custom_cost_per_token=custom) == pytest.approx(
        60.0
    )
    assert llmrelay.get_max_tokens("gpt-4o") == 16384
    assert llmrelay.get_max_tokens("openai/priced-model") == 64_000


def test_model_cost_shows_registered_models_beside_the_generated_table() -> None:
    import llmrelay

    llmrelay.register_model(
        {
            "house-model": {
                "litellm_provider": "openai",
                "input_cost_per_token": 1e-6,
                "output_cost_per_token": 2e-6,
            }
        }
    )
    row = llmrelay.model_cost["openai/house-model"]
    assert row["input_cost_per_token"] == 1e-6 and "_key" not in row
    assert "openai/gpt-4o" in llmrelay.model_cost


def test_a_provider_can_price_models_its_table_does_not_list() -> None:
    import llmrelay

    # ollama_chat declares `unlisted_models` (a local server's models cost nothing).
    response = llmrelay.completion(
        model="ollama_chat/some-model-pulled-today",
        messages=[{"role": "user", "content": "x"}],
        mock_response="hi",
    )
    assert response._hidden_params["response_cost"] == 0.0
    assert llmrelay.get_model_info("ollama_chat/another-one")["litellm_provider"] == "ollama_chat"
