"""Unit tests for the canonical-format transforms (runtime/transforms/canonical.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from llmrelay import exceptions
from llmrelay.adapter import Adapter, Call
from llmrelay.transforms import canonical
from llmrelay.types import ModelResponse, ModelResponseStream, Usage


def _response(**fields: Any) -> ModelResponse:
    body = {
        "id": "r1",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}],
    }
    body.update(fields)
    return ModelResponse.model_validate(body)


def _chunk(delta: dict[str, Any], **fields: Any) -> ModelResponseStream:
    body = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
    }
    body.update(fields)
    return ModelResponseStream.model_validate(body)


class _Adapter(Adapter):
    provider = "example"
    spec_path = "specs/example/provider.yaml"
    error_spec = {
        "message_paths": ["error.message"],
        "code_paths": ["error.code", "error.type"],
        "codes": {"tool_use_failed": "BadRequestError"},
        "stream_status": 500,
    }
    fixed: list[Any]

    def __init__(self, with_fix: bool = False) -> None:
        self.fixed = []
        if with_fix:
            self.fix_chunk = self.fixed.append  # type: ignore[method-assign]


def _call() -> Call:
    return Call(
        provider="example", model="m", capability="chat", params={}, api_base="https://x", api_key="k"
    )


# --- parsing -------------------------------------------------------------------------------


def test_parse_chat_fast_path_keeps_extras():
    data = json.dumps({"id": "a", "created": 5, "choices": [], "x_ext": {"id": "req"}}).encode()
    resp = canonical.parse_chat(data)
    assert resp.created == 5 and resp.x_ext == {"id": "req"}


def test_parse_chat_fractional_created_becomes_int():
    resp = canonical.parse_chat(b'{"id": "a", "created": 1759360485.1978037, "choices": []}')
    assert resp.created == 1759360485


def test_parse_chat_content_blocks_become_text_and_reasoning():
    body = {
        "id": "a",
        "created": 1,
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {
                    "role": "assistant",
                    "content": [
                        {
                            "type": "thinking",
                            "thinking": [
                                {"type": "text", "text": "think "},
                                {"type": "text", "text": "more"},
                            ],
                        },
                        {"type": "text", "text": "Hello"},
                        {"type": "text", "text": " world"},
                    ],
                },
            }
        ],
    }
    message = canonical.parse_chat(json.dumps(body).encode()).choices[0].message
    assert message.content == "Hello world"
    assert message.reasoning_content == "think more"


def test_parse_chunk_content_blocks_and_string_thinking():
    body = {
        "id": "c",
        "created": 2.5,
        "choices": [{"index": 0, "delta": {"content": [{"type": "thinking", "thinking": "hmm"}]}}],
    }
    chunk = canonical.parse_chunk(json.dumps(body))
    assert chunk.created == 2
    assert chunk.choices[0].delta.content is None
    assert chunk.choices[0].delta.reasoning_content == "hmm"


def test_normalize_keeps_existing_reasoning_and_ignores_non_dicts():
    body = {
        "choices": [
            {"message": {"content": [{"type": "thinking", "thinking": "x"}], "reasoning_content": "kept"}},
            "junk",
        ]
    }
    assert (
        canonical.normalize_chat_dict(body, "message")["choices"][0]["message"]["reasoning_content"] == "kept"
    )
    assert canonical.normalize_chat_dict([1, 2], "message") == [1, 2]


def test_parse_chat_still_rejects_garbage():
    with pytest.raises(ValueError):
        canonical.parse_chat(b'{"choices": "nope"}')


# --- response and chunk fixes ---------------------------------------------------------------


def test_rename_message_and_delta_fields():
    resp = _response(
        choices=[{"index": 0, "message": {"role": "assistant", "content": "a", "reasoning": "why"}}]
    )
    canonical.rename_message_fields(resp, {"reasoning": "reasoning_content"})
    assert resp.choices[0].message.reasoning_content == "why"
    assert "reasoning" not in resp.choices[0].message.__pydantic_extra__
    chunk = _chunk({"reasoning": "step"})
    canonical.rename_delta_fields(chunk, {"reasoning": "reasoning_content"})
    assert chunk.choices[0].delta.reasoning_content == "step"


def test_rename_never_overwrites_a_canonical_value():
    resp = _response(
        choices=[
            {"index": 0, "message": {"role": "assistant", "reasoning_content": "own", "reasoning": "other"}}
        ]
    )
    canonical.rename_message_fields(resp, {"reasoning": "reasoning_content"})
    assert resp.choices[0].message.reasoning_content == "own"


def test_usage_from_extra_path():
    chunk = _chunk(
        {}, x_ext={"id": "r", "usage": {"prompt_tokens": 4, "completion_tokens": 2, "total_tokens": 6}}
    )
    canonical.usage_from_extra(chunk, path="x_ext.usage")
    assert (chunk.usage.prompt_tokens, chunk.usage.total_tokens) == (4, 6)
    present = _chunk(
        {},
        usage={"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        x_ext={"usage": {"prompt_tokens": 9}},
    )
    canonical.usage_from_extra(present, path="x_ext.usage")
    assert present.usage.prompt_tokens == 1  # a top-level usage wins
    missing = _chunk({}, x_ext={"id": "r"})
    canonical.usage_from_extra(missing, path="x_ext.usage")
    assert missing.usage is None


def test_cached_tokens_from_usage_field():
    resp = _response(usage={"prompt_tokens": 100, "completion_tokens": 1, "total_tokens": 101, "hit": 64})
    canonical.cached_tokens_from_usage_field(resp, field="hit")
    assert resp.usage.prompt_tokens_details.cached_tokens == 64
    both = _response(
        usage={
            "prompt_tokens": 100,
            "completion_tokens": 1,
            "total_tokens": 101,
            "hit": 64,
            "prompt_tokens_details": {"cached_tokens": 32},
        }
    )
    canonical.cached_tokens_from_usage_field(both, field="hit")
    assert both.usage.prompt_tokens_details.cached_tokens == 32  # the canonical figure wins
    none = _response()
    canonical.cached_tokens_from_usage_field(none, field="hit")
    assert none.usage is None


def test_reasoning_tokens_from_usage_field():
    resp = _response(
        usage={"prompt_tokens": 5, "completion_tokens": 50, "total_tokens": 55, "reasoning_tokens": 30}
    )
    canonical.reasoning_tokens_from_usage_field(resp, field="reasoning_tokens")
    assert resp.usage.completion_tokens_details.reasoning_tokens == 30
    flag = _response(
        usage={"prompt_tokens": 5, "completion_tokens": 1, "total_tokens": 6, "reasoning_tokens": True}
    )
    canonical.reasoning_tokens_from_usage_field(flag, field="reasoning_tokens")
    assert flag.usage.completion_tokens_details is None  # a boolean is not a count


def test_reasoning_outside_completion_tokens_moves_them_inside():
    resp = _response(
        usage={
            "prompt_tokens": 32,
            "completion_tokens": 9,
            "total_tokens": 135,
            "completion_tokens_details": {"reasoning_tokens": 94},
        }
    )
    canonical.reasoning_outside_completion_tokens(resp)
    assert (resp.usage.completion_tokens, resp.usage.total_tokens) == (103, 135)
    inside = _response(
        usage={
            "prompt_tokens": 32,
            "completion_tokens": 103,
            "total_tokens": 135,
            "completion_tokens_details": {"reasoning_tokens": 94},
        }
    )
    canonical.reasoning_outside_completion_tokens(inside)
    assert inside.usage.completion_tokens == 103  # already counted the OpenAI way: unchanged


def test_map_finish_reasons_and_tool_calls_finish_reason():
    resp = _response(
        choices=[{"index": 0, "message": {"role": "assistant", "content": "x"}, "finish_reason": "eos"}]
    )
    canonical.map_finish_reasons(resp, values={"eos": "stop"})
    assert resp.choices[0].finish_reason == "stop"
    call = {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    tools = _response(
        choices=[
            {"index": 0, "message": {"role": "assistant", "tool_calls": [call]}, "finish_reason": "stop"}
        ]
    )
    canonical.tool_calls_finish_reason(tools, replace=["", "stop"])
    assert tools.choices[0].finish_reason == "tool_calls"
    plain = _response()
    canonical.tool_calls_finish_reason(plain, replace=["", "stop"])
    assert plain.choices[0].finish_reason == "stop"  # no tool calls: left alone


# --- the stream translator -----------------------------------------------------------------


def test_translator_parses_chunks_applies_fixes_and_ends_on_done():
    adapter = _Adapter(with_fix=True)
    translator = canonical.ChunkTranslator(_call(), adapter)
    chunks = translator.feed(
        None, json.dumps({"id": "c", "created": 1.5, "choices": [{"index": 0, "delta": {"content": "a"}}]})
    )
    assert chunks[0].choices[0].delta.content == "a" and chunks[0].created == 1
    assert adapter.fixed == chunks
    assert translator.feed(None, "[DONE]") == [] and translator.close() == []


def test_translator_error_event_uses_its_status_code():
    translator = canonical.ChunkTranslator(_call(), _Adapter())
    payload = {
        "error": {
            "message": "bad tool",
            "type": "invalid_request_error",
            "code": "tool_use_failed",
            "status_code": 400,
        }
    }
    with pytest.raises(exceptions.BadRequestError) as info:
        translator.feed("error", json.dumps(payload))
    assert info.value.status_code == 400 and info.value.code == "tool_use_failed"


def test_translator_error_object_inside_a_chunk_with_numeric_code():
    translator = canonical.ChunkTranslator(_call(), _Adapter())
    data = json.dumps({"id": "g", "error": {"code": 429, "message": "slow down"}, "choices": []})
    with pytest.raises(exceptions.RateLimitError) as info:
        translator.feed(None, data)
    assert info.value.message == "slow down"


def test_translator_error_without_status_uses_the_spec_stream_status():
    translator = canonical.ChunkTranslator(_call(), _Adapter())
    with pytest.raises(exceptions.InternalServerError):
        translator.feed(
            None, json.dumps({"error": {"message": "oops", "type": "server_error", "code": None}})
        )


def test_usage_type_is_the_canonical_one():
    resp = _response(usage={"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2, "hit": 1})
    canonical.cached_tokens_from_usage_field(resp, field="hit")
    assert isinstance(resp.usage, Usage) and resp.usage.cached_tokens == 1


def test_rename_fields_for_models_only_for_matching_models():
    body = {"model": "o3-mini", "max_tokens": 300}
    canonical.rename_fields_for_models(
        Call(provider="p", model="o3-mini", capability="chat", params={}, api_base="https://x", api_key="k"),
        body,
        prefixes=["o1", "o3"],
        fields={"max_tokens": "max_completion_tokens"},
    )
    assert body == {"model": "o3-mini", "max_completion_tokens": 300}
    other = {"model": "gpt-4o", "max_tokens": 300}
    canonical.rename_fields_for_models(
        _call(), other, prefixes=["o1", "o3"], fields={"max_tokens": "max_completion_tokens"}
    )
    assert other == {"model": "gpt-4o", "max_tokens": 300}


def test_rename_fields_for_models_keeps_the_new_name_when_both_are_given():
    body = {"max_tokens": 10, "max_completion_tokens": 20}
    call = Call(
        provider="p", model="gpt-5-mini", capability="chat", params={}, api_base="https://x", api_key="k"
    )
    canonical.rename_fields_for_models(
        call, body, prefixes=["gpt-5"], fields={"max_tokens": "max_completion_tokens"}
    )
    assert body == {"max_completion_tokens": 20}
