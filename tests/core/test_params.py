"""Validation before any network I/O, drop_params, request shaping, and model resolution."""

from __future__ import annotations

from typing import Any

import llmrelay
import pytest
from llmrelay import params, registry
from llmrelay.adapter import Adapter, Call

from tests.core.fake_upstream import Answer, chat_body

MESSAGES = [{"role": "user", "content": "Hi"}]
UNREACHABLE = "http://127.0.0.1:9/v1"  # the discard port: any request that got out would fail differently


def call_openai(**kwargs: Any) -> Any:
    return llmrelay.completion(
        **{
            "model": "openai/gpt-4o-mini",
            "messages": MESSAGES,
            "api_key": "k",
            "api_base": UNREACHABLE,
            "num_retries": 0,
            **kwargs,
        }
    )


# --- bad input is refused before any I/O, naming what was wrong -----------------------------


def test_unknown_provider_names_it_and_lists_known_ones() -> None:
    with pytest.raises(
        llmrelay.BadRequestError, match="unknown provider 'nosuch'.*known providers: .*openai"
    ) as info:
        llmrelay.completion(model="nosuch/model-x", messages=MESSAGES)
    assert type(info.value).__name__ == "LiteLLMUnknownProvider"


def test_unknown_custom_llm_provider() -> None:
    with pytest.raises(llmrelay.BadRequestError, match="unknown provider 'nosuch'"):
        llmrelay.completion(model="model-x", messages=MESSAGES, custom_llm_provider="nosuch")


def test_bare_unknown_model_says_how_to_name_the_provider() -> None:
    with pytest.raises(
        llmrelay.BadRequestError, match="cannot tell the provider of model 'my-model'.*provider/model"
    ):
        llmrelay.completion(model="my-model", messages=MESSAGES)


@pytest.mark.parametrize(
    ("messages", "match"),
    [
        (None, "'messages' must be a non-empty list"),
        ([], "'messages' must be a non-empty list"),
        ("hello", "'messages' must be a non-empty list"),
        (["hello"], r"messages\[0\] must be an object"),
        ([{"content": "x"}], r"messages\[0\].role must be one of .*user.*; got None"),
        ([{"role": "robot", "content": "x"}], r"messages\[0\].role must be one of .*; got 'robot'"),
        (
            [{"role": "user", "content": 42}],
            r"messages\[0\].content must be a string, a list of content parts or null",
        ),
        ([{"role": "user"}], r"messages\[0\] \(user\) has no content"),
    ],
)
def test_malformed_messages(messages: Any, match: str) -> None:
    with pytest.raises(llmrelay.BadRequestError, match=match) as info:
        call_openai(messages=messages)
    assert info.value.param == "messages"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"temperature": "hot"}, "parameter 'temperature' must be int or float, got str: 'hot'"),
        ({"max_tokens": 1.5}, "parameter 'max_tokens' must be int, got float"),
        ({"n": True}, "parameter 'n' must be int, got bool"),
        ({"stop": [1, 2]}, "'stop' must be a string or a list of strings"),
        ({"tools": [{"function": {}}]}, "a tool with a 'function' entry needs 'type': 'function'"),
        ({"tools": [{}]}, "each entry of 'tools' must be an object"),
        (
            {"response_format": {"type": "yaml"}},
            "response_format.type must be 'text', 'json_object' or 'json_schema'",
        ),
        ({"reasoning_effort": "max"}, "reasoning_effort must be one of"),
        ({"timeout": -1}, "timeout must be a positive number of seconds"),
    ],
)
def test_wrong_parameter_types(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(llmrelay.BadRequestError, match=match):
        call_openai(**kwargs)


def test_missing_api_key_names_the_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llmrelay, "api_key", None)
    with pytest.raises(
        llmrelay.AuthenticationError, match="missing API key for provider 'openai'.*OPENAI_API_KEY"
    ) as info:
        llmrelay.completion(model="openai/gpt-4o-mini", messages=MESSAGES, api_base=UNREACHABLE)
    assert info.value.status_code == 401


def test_api_key_from_environment(monkeypatch: pytest.MonkeyPatch, upstream) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    upstream.queue(Answer(json=chat_body()))
    llmrelay.completion(model="openai/gpt-4o-mini", messages=MESSAGES, api_base=upstream.base)
    assert upstream.seen[0].headers["authorization"] == "Bearer sk-env"


# --- drop_params / UnsupportedParamsError --------------------------------------------------------


class OnlyTemperature(Adapter):
    provider = "narrow"
    supported_params = frozenset({"temperature"})


def narrow_call(drop: bool) -> Call:
    return Call(
        provider="narrow",
        model="m",
        capability="chat",
        params={"temperature": 0.1, "seed": 7, "custom_thing": 1},
        api_base="http://x",
        api_key=None,
        drop_params=drop,
    )


def test_unsupported_param_error_names_param_and_provider() -> None:
    with pytest.raises(
        llmrelay.UnsupportedParamsError, match=r"narrow \(.*\) does not support parameters: seed"
    ) as info:
        OnlyTemperature().check_params(narrow_call(False), params.CHAT_PARAM_NAMES)
    assert "drop_params=True" in info.value.message and info.value.llm_provider == "narrow"


def test_drop_params_removes_only_unsupported_openai_params() -> None:
    call = narrow_call(True)
    OnlyTemperature().check_params(call, params.CHAT_PARAM_NAMES)
    assert call.params == {
        "temperature": 0.1,
        "custom_thing": 1,
    }  # unknown kwargs are not OpenAI params: kept


def _provider_lacking_a_param() -> tuple[str, str, str] | None:
    for provider in registry.providers():
        adapter = registry.get_adapter(provider)
        if "chat" not in adapter.capabilities or adapter.in_process:
            continue
        missing = sorted(params.CHAT_PARAM_NAMES - adapter.supported_params - adapter.passthrough_params)
        model = next(
            (
                k.split("/", 1)[1]
                for k, v in llmrelay.model_cost.items()
                if v.get("litellm_provider") == provider
            ),
            None,
        )
        if missing and model:
            return provider, model, missing[0]
    return None


LACKING = _provider_lacking_a_param()


@pytest.mark.skipif(LACKING is None, reason="no compiled provider lacks an OpenAI chat parameter yet")
def test_drop_params_per_call_and_globally_end_to_end(monkeypatch: pytest.MonkeyPatch) -> None:
    provider, model, param = LACKING
    value = params.CHAT_PARAMS[param][0]() if params.CHAT_PARAMS[param][0] is not bool else True
    kwargs = {"model": f"{provider}/{model}", "messages": MESSAGES, "mock_response": "ok", param: value}
    with pytest.raises(
        llmrelay.UnsupportedParamsError, match=rf"{provider} \(.*\) does not support parameters: {param}"
    ):
        llmrelay.completion(**kwargs)
    assert llmrelay.completion(**kwargs, drop_params=True).choices[0].message.content == "ok"
    monkeypatch.setattr(llmrelay, "drop_params", True)
    assert llmrelay.completion(**kwargs).choices[0].message.content == "ok"


# --- request shaping --------------------------------------------------------------------------------


def test_extra_body_merges_extra_headers_sent_unknown_kwargs_pass_through(upstream) -> None:
    upstream.queue(Answer(json=chat_body()))
    llmrelay.completion(
        model="openai/gpt-4o-mini",
        messages=MESSAGES,
        api_key="k",
        api_base=upstream.base,
        temperature=0.3,
        response_format={"type": "json_schema", "json_schema": {"name": "a", "schema": {}}},
        extra_body={"response_format": {"json_schema": {"strict": True}}, "vendor_flag": True},
        extra_headers={"X-Trace": "t-1"},
        custom_knob={"depth": 2},
    )
    seen = upstream.seen[0]
    assert seen.path == "/v1/chat/completions" and seen.headers["x-trace"] == "t-1"
    assert seen.body == {
        "model": "gpt-4o-mini",
        "messages": MESSAGES,
        "temperature": 0.3,
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "a", "schema": {}, "strict": True},
        },
        "vendor_flag": True,
        "custom_knob": {"depth": 2},
    }


def test_timeout_raises_llmrelay_timeout(upstream) -> None:
    upstream.queue(Answer(json=chat_body(), delay=2.0))
    with pytest.raises(llmrelay.Timeout) as info:
        llmrelay.completion(
            model="openai/gpt-4o-mini",
            messages=MESSAGES,
            api_key="k",
            api_base=upstream.base,
            timeout=0.2,
            num_retries=0,
        )
    assert info.value.llm_provider == "openai"


# --- model resolution -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "kwargs", "expected"),
    [
        ("gpt-4o", {}, ("openai", "gpt-4o")),
        ("openai/gpt-4o", {}, ("openai", "gpt-4o")),
        ("gpt-4o-2024-08-06", {}, ("openai", "gpt-4o-2024-08-06")),
        ("my-finetune", {"custom_llm_provider": "openai"}, ("openai", "my-finetune")),
        ("openai/my-finetune", {"custom_llm_provider": "openai"}, ("openai", "my-finetune")),
        ("mock/anything/with/slashes", {}, ("mock", "anything/with/slashes")),
    ],
)
def test_split_model(model: str, kwargs: dict[str, str], expected: tuple[str, str]) -> None:
    assert registry.split_model(model, kwargs.get("custom_llm_provider")) == expected


@pytest.mark.parametrize(
    ("bare", "provider"), [("claude-sonnet-4-5", "anthropic"), ("gemini-2.5-flash", "gemini")]
)
def test_bare_names_of_other_dialects(bare: str, provider: str) -> None:
    if provider not in registry.providers():
        pytest.skip(f"the {provider} spec has not been compiled yet")
    assert registry.split_model(bare)[0] == provider


def test_register_model_adds_a_bare_name_and_prices_it() -> None:
    llmrelay.register_model(
        {
            "core-test-model": {
                "litellm_provider": "openai",
                "input_cost_per_token": 1e-6,
                "output_cost_per_token": 2e-6,
                "mode": "chat",
            }
        }
    )
    assert registry.split_model("core-test-model") == ("openai", "core-test-model")
    resp = llmrelay.completion(model="core-test-model", messages=MESSAGES, mock_response="ok")
    assert resp._hidden_params["response_cost"] == pytest.approx(
        resp.usage.prompt_tokens * 1e-6 + resp.usage.completion_tokens * 2e-6
    )


def test_a_response_message_can_be_sent_back_and_the_callers_list_is_untouched(upstream) -> None:
    first = llmrelay.completion(model="gpt-4o", messages=MESSAGES, mock_response="4")
    history = [*MESSAGES, first.choices[0].message, {"role": "user", "content": "and doubled?"}]
    upstream.queue(Answer(json=chat_body("8")))
    llmrelay.completion(model="openai/gpt-4o", messages=history, api_key="k", api_base=upstream.base)
    assert upstream.seen[0].body["messages"][1] == {"role": "assistant", "content": "4"}
    assert history[1] is first.choices[0].message
