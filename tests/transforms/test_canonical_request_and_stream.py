"""Unit tests for canonical.PreambleChunkTranslator, strip_model_route and text_parts_as_string,
and the adapter's per-call values (``connection.query_params`` and ``auth.token``: argument, then
environment, then default)."""

from __future__ import annotations

import json
from typing import Any

from llmrelay.adapter import Adapter, Call, call_value
from llmrelay.transforms import canonical


class _Plain(Adapter):
    provider = "plain"
    spec_path = "tests"


def make_call(**params: Any) -> Call:
    return Call(
        provider="plain", model="m", capability="chat", params=params, api_base="https://h", api_key=None
    )


def chunk(choices: list[Any], **extra: Any) -> str:
    body = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": choices}
    return json.dumps({**body, **extra})


DELTA = [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]
PREAMBLE = json.dumps(
    {
        "choices": [],
        "created": 0,
        "id": "",
        "model": "",
        "object": "",
        "prompt_filter_results": [{"prompt_index": 0}],
    }
)


def test_preamble_is_held_and_its_extras_land_on_the_next_chunk():
    translator = canonical.PreambleChunkTranslator(make_call(), _Plain())
    assert translator.feed(None, PREAMBLE) == []
    (first,) = translator.feed(None, chunk(DELTA))
    assert first.id == "c1" and first.choices[0].delta.role == "assistant"
    assert first.prompt_filter_results == [{"prompt_index": 0}]
    (second,) = translator.feed(None, chunk(DELTA))
    assert "prompt_filter_results" not in (second.__pydantic_extra__ or {})


def test_chunk_own_extra_wins_over_held_one():
    translator = canonical.PreambleChunkTranslator(make_call(), _Plain())
    translator.feed(None, PREAMBLE)
    (first,) = translator.feed(None, chunk(DELTA, prompt_filter_results=[{"prompt_index": 7}]))
    assert first.prompt_filter_results == [{"prompt_index": 7}]


def test_usage_only_chunk_still_passes():
    translator = canonical.PreambleChunkTranslator(make_call(), _Plain())
    usage = {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
    (last,) = translator.feed(None, chunk([], usage=usage))
    assert last.choices == [] and last.usage.total_tokens == 5


def test_call_value_order(monkeypatch):
    source = {"param": "api_version", "env": ["X_VERSION", "Y_VERSION"], "default": "d"}
    call = make_call()
    assert call_value(call, source) == "d"
    monkeypatch.setenv("Y_VERSION", "y")
    assert call_value(call, source) == "y"
    monkeypatch.setenv("X_VERSION", "x")
    assert call_value(call, source) == "x"
    call.api_version = "arg"
    assert call_value(call, source) == "arg"


def test_call_value_reads_an_omitted_provider_parameter():
    source = {"param": "token", "env": [], "default": None}
    assert call_value(make_call(token="t"), source) == "t"
    assert call_value(make_call(), source) is None


def test_strip_model_route_renames_for_the_route_only():
    call = make_call()
    call.model = "o_series/dep"
    body: dict[str, Any] = {"model": "o_series/dep", "max_tokens": 5}
    canonical.strip_model_route(call, body, routes={"o_series/": {"max_tokens": "max_completion_tokens"}})
    assert call.model == "dep" and body == {"model": "dep", "max_completion_tokens": 5}
    plain = make_call()
    body = {"model": "m", "max_tokens": 5}
    canonical.strip_model_route(plain, body, routes={"o_series/": {"max_tokens": "max_completion_tokens"}})
    assert plain.model == "m" and body == {"model": "m", "max_tokens": 5}


def test_text_parts_as_string():
    body: dict[str, Any] = {
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
            {"role": "user", "content": "plain"},
            {
                "role": "user",
                "content": [{"type": "input_audio", "input_audio": {"data": "x", "format": "wav"}}],
            },
            {"role": "assistant", "content": None, "tool_calls": []},
        ]
    }
    canonical.text_parts_as_string(make_call(), body)
    assert [m["content"] for m in body["messages"]] == [
        "ab",
        "plain",
        [{"type": "input_audio", "input_audio": {"data": "x", "format": "wav"}}],
        None,
    ]
