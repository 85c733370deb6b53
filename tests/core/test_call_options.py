"""LiteLLM's wrapping call options: fallbacks, context-window fallbacks, mock_timeout, max_budget."""

from __future__ import annotations

import llmrelay
import pytest
from llmrelay import call_options

MESSAGES = [{"role": "user", "content": "hi"}]


def test_fallbacks_move_to_the_next_model_when_one_fails() -> None:
    resp = llmrelay.completion(
        model="mock/primary",
        messages=MESSAGES,
        mock_response="litellm.RateLimitError",
        fallbacks=["mock/also-failing", {"model": "mock/backup", "mock_response": "from the backup"}],
    )
    assert resp.choices[0].message.content == "from the backup"
    assert resp.model == "backup"


async def test_async_fallbacks_raise_the_last_error_when_every_model_fails() -> None:
    with pytest.raises(llmrelay.InternalServerError):
        await llmrelay.acompletion(
            model="mock/a",
            messages=MESSAGES,
            mock_response="litellm.RateLimitError",
            fallbacks=[{"model": "mock/b", "mock_response": "litellm.InternalServerError"}],
        )


def test_a_context_window_error_moves_the_call_to_the_mapped_model() -> None:
    seen: list[str] = []

    def fake_call(model: str, messages: object, **kwargs: object) -> str:
        seen.append(model)
        if model == "small":
            raise llmrelay.ContextWindowExceededError(message="too long", model=model, llm_provider="x")
        return f"answered by {model}"

    answer = call_options.with_fallbacks(
        fake_call, "small", MESSAGES, {"context_window_fallback_dict": {"small": "large"}, "temperature": 0}
    )
    assert answer == "answered by large" and seen == ["small", "large"]


def test_other_errors_do_not_use_the_context_window_map() -> None:
    def fake_call(model: str, messages: object, **kwargs: object) -> str:
        raise llmrelay.RateLimitError(message="slow down", model=model, llm_provider="x")

    with pytest.raises(llmrelay.RateLimitError):
        call_options.with_fallbacks(
            fake_call, "small", MESSAGES, {"context_window_fallback_dict": {"small": "large"}}
        )


def test_a_malformed_fallback_is_a_clear_error() -> None:
    with pytest.raises(llmrelay.BadRequestError, match="each fallback must be a model name"):
        llmrelay.completion(model="mock/a", messages=MESSAGES, mock_response="x", fallbacks=[42])


def test_fallbacks_are_never_sent_to_a_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[dict] = []

    class Spy(llmrelay.CustomLogger):
        def log_pre_api_call(self, model, messages, kwargs):  # type: ignore[no-untyped-def]
            sent.append(dict(kwargs["optional_params"]))

    monkeypatch.setattr(llmrelay, "callbacks", [Spy()])
    resp = llmrelay.completion(model="mock/a", messages=MESSAGES, fallbacks=["mock/b"], temperature=0.5)
    assert resp.choices[0].message.content
    assert sent and "fallbacks" not in sent[0] and sent[0]["temperature"] == 0.5


def test_mock_timeout_waits_the_timeout_and_raises_timeout() -> None:
    with pytest.raises(llmrelay.Timeout, match="mock_timeout"):
        llmrelay.completion(model="mock/a", messages=MESSAGES, mock_timeout=True, timeout=0.01)


def test_max_budget_refuses_calls_once_spend_reaches_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llmrelay, "max_budget", 1e-9)
    monkeypatch.setattr(llmrelay, "_current_cost", 0.0)
    llmrelay.completion(model="mock/mock", messages=MESSAGES)  # priced in the mock spec
    assert llmrelay._current_cost > 0
    with pytest.raises(llmrelay.BudgetExceededError) as err:
        llmrelay.completion(model="mock/mock", messages=MESSAGES)
    assert err.value.max_budget == 1e-9
