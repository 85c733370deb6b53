"""A model can refuse OpenAI parameters its provider otherwise takes (declared per model in the spec)."""

from __future__ import annotations

import llmrelay
import pytest

MESSAGES = [{"role": "user", "content": "hi"}]


def test_a_reasoning_model_refuses_sampling_controls_before_any_request() -> None:
    with pytest.raises(llmrelay.UnsupportedParamsError) as err:
        llmrelay.completion(model="o3-mini", messages=MESSAGES, top_p=0.5, api_key="sk-test")
    assert "top_p" in str(err.value) and "o3-mini" in str(err.value)


def test_the_same_parameter_is_fine_on_a_model_that_takes_it() -> None:
    resp = llmrelay.completion(
        model="gpt-4o-mini", messages=MESSAGES, top_p=0.5, api_key="sk-test", mock_response="ok"
    )
    assert resp.choices[0].message.content == "ok"


def test_drop_params_drops_a_parameter_only_the_model_refuses() -> None:
    resp = llmrelay.completion(
        model="deepseek/deepseek-reasoner",
        messages=MESSAGES,
        logprobs=True,
        drop_params=True,
        api_key="sk-test",
        mock_response="ok",
    )
    assert resp.choices[0].message.content == "ok"
