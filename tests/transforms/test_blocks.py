"""Unit tests for the content-block transforms (runtime/transforms/blocks.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from llmrelay import exceptions, registry
from llmrelay.adapter import Call
from llmrelay.transforms import blocks

ADAPTER = registry.get_adapter("anthropic")


def make_call(model: str = "claude-sonnet-4-5", **params: Any) -> Call:
    return Call(
        provider="anthropic",
        model=model,
        capability="chat",
        params=params,
        api_base="https://api.anthropic.com",
        api_key="k",
    )


def wire(messages: list[dict[str, Any]], **params: Any) -> dict[str, Any]:
    body: dict[str, Any] = {}
    blocks.messages_to_wire(make_call(messages=messages, **params), body)
    return body


# --- messages_to_wire ----------------------------------------------------------------------


def test_system_string_is_extracted_to_top_level():
    body = wire([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}])
    assert body["system"] == "Be brief."
    assert body["messages"] == [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]


def test_system_with_cache_control_stays_blocks_and_developer_counts_as_system():
    body = wire(
        [
            {"role": "developer", "content": "Rule one."},
            {"role": "user", "content": "Hi"},
            {
                "role": "system",
                "content": [{"type": "text", "text": "Long context", "cache_control": {"type": "ephemeral"}}],
            },
        ]
    )
    assert body["system"] == [
        {"type": "text", "text": "Rule one."},
        {"type": "text", "text": "Long context", "cache_control": {"type": "ephemeral"}},
    ]
    assert [m["role"] for m in body["messages"]] == ["user"]


def test_message_level_cache_control_marks_last_block():
    body = wire(
        [
            {"role": "system", "content": "S", "cache_control": {"type": "ephemeral"}},
            {"role": "user", "content": "u"},
        ]
    )
    assert body["system"] == [{"type": "text", "text": "S", "cache_control": {"type": "ephemeral"}}]


def test_no_system_key_without_system_messages():
    assert "system" not in wire([{"role": "user", "content": "Hi"}])


def test_images_from_data_url_web_url_and_pdf():
    body = wire(
        [
            {
                "role": "user",
                "content": [
                    {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,/9j/AAA="}},
                    {"type": "image_url", "image_url": "https://example.com/cat.png"},
                    {"type": "image_url", "image_url": {"url": "data:application/pdf;base64,JVBERi0="}},
                    {"type": "file", "file": {"file_data": "data:application/pdf;base64,JVBERi0x"}},
                    {"type": "file", "file": {"file_id": "file_011"}},
                    {"type": "text", "text": "Describe", "cache_control": {"type": "ephemeral"}},
                ],
            }
        ]
    )
    assert body["messages"][0]["content"] == [
        {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "/9j/AAA="}},
        {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.png"}},
        {
            "type": "document",
            "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0="},
        },
        {
            "type": "document",
            "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0x"},
        },
        {"type": "document", "source": {"type": "file", "file_id": "file_011"}},
        {"type": "text", "text": "Describe", "cache_control": {"type": "ephemeral"}},
    ]


def test_media_block_web_pdf_is_document():
    assert blocks.media_block("https://example.com/a.pdf?x=1") == {
        "type": "document",
        "source": {"type": "url", "url": "https://example.com/a.pdf?x=1"},
    }


def test_native_blocks_pass_through_and_audio_is_refused():
    native = {"type": "search_result", "source": "https://x", "title": "t", "content": []}
    assert wire([{"role": "user", "content": [native]}])["messages"][0]["content"] == [native]
    with pytest.raises(exceptions.get_class("BadRequestError"), match="audio"):
        wire([{"role": "user", "content": [{"type": "input_audio", "input_audio": {"data": "x"}}]}])


def test_tool_calls_and_results_are_blocks_and_same_roles_merge():
    body = wire(
        [
            {"role": "user", "content": "Weather?"},
            {"role": "user", "content": "In Paris."},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": "t1",
                        "type": "function",
                        "function": {"name": "w", "arguments": '{"city": "Paris"}'},
                    },
                    {"id": "t2", "type": "function", "function": {"name": "now", "arguments": ""}},
                ],
            },
            {"role": "tool", "tool_call_id": "t1", "content": "18C"},
            {"role": "tool", "tool_call_id": "t2", "content": [{"type": "text", "text": "noon"}]},
            {"role": "user", "content": "Thanks"},
        ]
    )
    assert body["messages"] == [
        {
            "role": "user",
            "content": [{"type": "text", "text": "Weather?"}, {"type": "text", "text": "In Paris."}],
        },
        {
            "role": "assistant",
            "content": [
                {"type": "tool_use", "id": "t1", "name": "w", "input": {"city": "Paris"}},
                {"type": "tool_use", "id": "t2", "name": "now", "input": {}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "t1", "content": "18C"},
                {"type": "tool_result", "tool_use_id": "t2", "content": [{"type": "text", "text": "noon"}]},
                {"type": "text", "text": "Thanks"},
            ],
        },
    ]


def test_thinking_blocks_go_first_in_the_assistant_turn():
    body = wire(
        [
            {"role": "user", "content": "q"},
            {
                "role": "assistant",
                "content": "Calling.",
                "thinking_blocks": [
                    {"type": "thinking", "thinking": "hmm", "signature": "sig"},
                    {"type": "redacted_thinking", "data": "opaque"},
                ],
                "tool_calls": [{"id": "t", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
            },
            {"role": "tool", "tool_call_id": "t", "content": "ok"},
        ]
    )
    assert body["messages"][1]["content"] == [
        {"type": "thinking", "thinking": "hmm", "signature": "sig"},
        {"type": "redacted_thinking", "data": "opaque"},
        {"type": "text", "text": "Calling."},
        {"type": "tool_use", "id": "t", "name": "f", "input": {}},
    ]


def test_bad_tool_arguments_are_a_clear_error():
    with pytest.raises(exceptions.get_class("BadRequestError"), match="not JSON"):
        wire(
            [
                {"role": "user", "content": "q"},
                {
                    "role": "assistant",
                    "tool_calls": [{"id": "t", "function": {"name": "f", "arguments": "{oops"}}],
                },
            ]
        )


def test_final_assistant_prefill_loses_trailing_whitespace_and_empty_turns_drop():
    body = wire([{"role": "user", "content": "q"}, {"role": "assistant", "content": "The answer is "}])
    assert body["messages"][-1] == {
        "role": "assistant",
        "content": [{"type": "text", "text": "The answer is"}],
    }
    body = wire([{"role": "user", "content": "q"}, {"role": "assistant", "content": "  "}])
    assert [m["role"] for m in body["messages"]] == ["user"]


def test_only_a_system_message_still_sends_a_user_turn():
    body = wire([{"role": "system", "content": "S"}])
    assert body["messages"] == [{"role": "user", "content": [{"type": "text", "text": "."}]}]


def test_unknown_role_is_refused():
    with pytest.raises(exceptions.get_class("BadRequestError"), match="role"):
        wire([{"role": "narrator", "content": "x"}])


# --- parameters ------------------------------------------------------------------------------


def test_stop_sequences():
    assert blocks.stop_sequences("###") == ["###"]
    assert blocks.stop_sequences(["a", "b"]) == ["a", "b"]


def test_tools_to_wire():
    tools = [
        {
            "type": "function",
            "function": {
                "name": "f",
                "description": "d",
                "parameters": {"type": "object", "properties": {"a": {"type": "string"}}},
            },
            "cache_control": {"type": "ephemeral"},
        },
        {"type": "function", "function": {"name": "g"}},
        {"type": "function", "function": {"name": "h", "parameters": {"properties": {}}}},
        {"type": "web_search_20250305", "name": "web_search", "max_uses": 2},
        {"name": "native", "input_schema": {"type": "object"}},
    ]
    assert blocks.tools_to_wire(tools) == [
        {
            "name": "f",
            "description": "d",
            "input_schema": {"type": "object", "properties": {"a": {"type": "string"}}},
            "cache_control": {"type": "ephemeral"},
        },
        {"name": "g", "input_schema": {"type": "object", "properties": {}}},
        {"name": "h", "input_schema": {"properties": {}, "type": "object"}},
        {"type": "web_search_20250305", "name": "web_search", "max_uses": 2},
        {"name": "native", "input_schema": {"type": "object"}},
    ]


BUDGETS = {"minimal": 1024, "low": 1024, "medium": 2048, "high": 4096}
EFFORTS = {"minimal": "low", "low": "low", "medium": "medium", "high": "high"}


@pytest.mark.parametrize(("effort", "budget"), [("low", 1024), ("medium", 2048), ("high", 4096)])
def test_thinking_from_effort(effort, budget):
    body: dict[str, Any] = {}
    blocks.thinking_from_effort(make_call(reasoning_effort=effort), body, budgets=BUDGETS, efforts=EFFORTS)
    assert body == {"thinking": {"type": "enabled", "budget_tokens": budget}}


def test_thinking_from_effort_none_explicit_and_invalid():
    body: dict[str, Any] = {}
    blocks.thinking_from_effort(make_call(reasoning_effort="none"), body, budgets=BUDGETS, efforts=EFFORTS)
    assert body == {}
    body = {"thinking": {"type": "enabled", "budget_tokens": 5000}}
    blocks.thinking_from_effort(make_call(reasoning_effort="low"), body, budgets=BUDGETS, efforts=EFFORTS)
    assert body["thinking"]["budget_tokens"] == 5000
    with pytest.raises(exceptions.get_class("BadRequestError"), match="reasoning_effort"):
        blocks.thinking_from_effort(
            make_call(reasoning_effort="extreme"), {}, budgets=BUDGETS, efforts=EFFORTS
        )


def test_thinking_from_effort_adaptive_models_get_an_effort_level():
    body: dict[str, Any] = {}
    blocks.thinking_from_effort(
        make_call("claude-opus-4-6", reasoning_effort="minimal"), body, budgets=BUDGETS, efforts=EFFORTS
    )
    assert body == {"thinking": {"type": "adaptive"}, "output_config": {"effort": "low"}}
    blocks.default_max_tokens(make_call("claude-opus-4-6"), body, fallback=4096, thinking_headroom=4096)
    assert body["max_tokens"] == 128000  # no budget: the model's max output tokens


def test_thinking_from_effort_refused_for_a_model_without_reasoning():
    call = make_call("claude-3-5-haiku-20241022", reasoning_effort="low")
    with pytest.raises(exceptions.get_class("UnsupportedParamsError"), match="reasoning_effort"):
        blocks.thinking_from_effort(call, {}, budgets=BUDGETS, efforts=EFFORTS)
    call.drop_params = True
    body: dict[str, Any] = {}
    blocks.thinking_from_effort(call, body, budgets=BUDGETS, efforts=EFFORTS)
    assert body == {}


def test_response_format_json_schema_forces_a_tool():
    schema = {"type": "object", "properties": {"x": {"type": "integer"}}}
    body: dict[str, Any] = {"tools": [{"name": "other", "input_schema": {"type": "object"}}]}
    fmt = {"type": "json_schema", "json_schema": {"name": "n", "schema": schema}}
    blocks.response_format_tool(make_call(response_format=fmt), body)
    assert body["tools"][-1] == {"name": "json_tool_call", "input_schema": schema}
    assert body["tool_choice"] == {"type": "tool", "name": "json_tool_call"}


def test_response_format_json_object_text_and_thinking():
    body: dict[str, Any] = {}
    blocks.response_format_tool(make_call(response_format={"type": "json_object"}), body)
    assert body["tools"] == [
        {
            "name": "json_tool_call",
            "input_schema": {"type": "object", "additionalProperties": True, "properties": {}},
        }
    ]
    body = {}
    blocks.response_format_tool(make_call(response_format={"type": "text"}), body)
    assert body == {}
    body = {"thinking": {"type": "enabled", "budget_tokens": 1024}}
    blocks.response_format_tool(make_call(response_format={"type": "json_object"}), body)
    assert "tool_choice" not in body  # a forced tool is refused with thinking on


@pytest.mark.parametrize(
    ("params", "tools", "expected"),
    [
        ({"tool_choice": "auto"}, True, {"type": "auto"}),
        ({"tool_choice": "required"}, True, {"type": "any"}),
        ({"tool_choice": "none"}, True, {"type": "none"}),
        (
            {"tool_choice": {"type": "function", "function": {"name": "f"}}},
            True,
            {"type": "tool", "name": "f"},
        ),
        ({"tool_choice": {"type": "tool", "name": "f"}}, True, {"type": "tool", "name": "f"}),
        (
            {"tool_choice": "auto", "parallel_tool_calls": False},
            True,
            {"type": "auto", "disable_parallel_tool_use": True},
        ),
        ({"parallel_tool_calls": False}, True, {"type": "auto", "disable_parallel_tool_use": True}),
        ({"parallel_tool_calls": True}, True, {"type": "auto", "disable_parallel_tool_use": False}),
        ({"parallel_tool_calls": False}, False, None),
        ({"tool_choice": "none", "parallel_tool_calls": False}, True, {"type": "none"}),
        ({}, True, None),
    ],
)
def test_tool_choice_to_wire(params, tools, expected):
    body: dict[str, Any] = {"tools": [{"name": "f"}]} if tools else {}
    blocks.tool_choice_to_wire(make_call(**params), body)
    assert body.get("tool_choice") == expected


def test_web_search_tool():
    body: dict[str, Any] = {}
    options = {
        "search_context_size": "high",
        "user_location": {"type": "approximate", "approximate": {"city": "Lyon", "country": "FR", "x": 1}},
    }
    blocks.web_search_tool(
        make_call(web_search_options=options),
        body,
        tool_type="web_search_20250305",
        max_uses={"low": 1, "medium": 5, "high": 10},
    )
    assert body["tools"] == [
        {
            "type": "web_search_20250305",
            "name": "web_search",
            "max_uses": 10,
            "user_location": {"type": "approximate", "city": "Lyon", "country": "FR"},
        }
    ]


def test_history_tools_adds_a_placeholder_only_when_needed():
    history = {
        "messages": [
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "f", "input": {}}]}
        ]
    }
    blocks.history_tools(make_call(), history)
    assert history["tools"] == [blocks.DUMMY_TOOL]
    plain = {"messages": [{"role": "user", "content": [{"type": "text", "text": "x"}]}]}
    blocks.history_tools(make_call(), plain)
    assert "tools" not in plain


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"user": "user-42"}, {"user_id": "user-42"}),
        ({"user": "someone@example.com"}, None),
        ({"user": "+1 415 555 0100"}, None),
        ({"metadata": {"user_id": "meta-1", "trace": "x"}, "user": "user-42"}, {"user_id": "meta-1"}),
        ({"metadata": {"trace": "x"}}, None),
    ],
)
def test_user_metadata(params, expected):
    body: dict[str, Any] = {}
    blocks.user_metadata(make_call(**params), body)
    assert body.get("metadata") == expected


def test_default_max_tokens():
    body: dict[str, Any] = {"max_tokens": 10}
    blocks.default_max_tokens(make_call(), body, fallback=4096, thinking_headroom=4096)
    assert body["max_tokens"] == 10
    body = {"thinking": {"type": "enabled", "budget_tokens": 2048}}
    blocks.default_max_tokens(make_call(), body, fallback=4096, thinking_headroom=4096)
    assert body["max_tokens"] == 2048 + 4096
    body = {}
    blocks.default_max_tokens(
        make_call("claude-3-5-haiku-latest"), body, fallback=4096, thinking_headroom=4096
    )
    assert body["max_tokens"] == 8192  # the model's max output tokens, found through its alias
    body = {}
    blocks.default_max_tokens(make_call("claude-future-9"), body, fallback=4096, thinking_headroom=4096)
    assert body["max_tokens"] == 4096


# --- parse_message -----------------------------------------------------------------------------


def message(content: list[dict[str, Any]], stop_reason: str = "end_turn", **usage: int) -> Any:
    data = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-x",
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 20, **usage},
    }
    return ADAPTER.parse_chat(make_call(), json.dumps(data).encode())


@pytest.mark.parametrize(
    ("stop", "finish"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("pause_turn", "stop"),
        ("max_tokens", "length"),
        ("tool_use", "tool_calls"),
        ("refusal", "content_filter"),
    ],
)
def test_parse_message_finish_reasons(stop, finish):
    assert message([{"type": "text", "text": "x"}], stop).choices[0].finish_reason == finish


def test_parse_message_blocks_and_usage():
    resp = message(
        [
            {"type": "thinking", "thinking": "a", "signature": "s1"},
            {"type": "text", "text": "Hello "},
            {
                "type": "server_tool_use",
                "id": "srv",
                "name": "web_search",
                "input": {"q": 1},
            },  # not a client call
            {"type": "text", "text": "world", "citations": [{"type": "web_search_result_location"}]},
            {"type": "tool_use", "id": "t1", "name": "f", "input": {"k": [1, 2]}},
        ],
        "tool_use",
        cache_read_input_tokens=5,
        cache_creation_input_tokens=7,
    )
    msg = resp.choices[0].message
    assert (resp.id, resp.model) == ("msg_1", "claude-x")
    assert msg.content == "Hello world"
    assert msg.reasoning_content == "a"
    assert msg.thinking_blocks == [{"type": "thinking", "thinking": "a", "signature": "s1"}]
    assert [(t.id, t.function.name, json.loads(t.function.arguments)) for t in msg.tool_calls] == [
        ("t1", "f", {"k": [1, 2]})
    ]
    usage = resp.usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (22, 20, 42)
    assert (usage.cached_tokens, usage.cache_creation_input_tokens) == (5, 7)


def test_parse_message_json_mode_only_for_the_format_tool():
    data = {
        "id": "m",
        "type": "message",
        "role": "assistant",
        "model": "c",
        "content": [{"type": "tool_use", "id": "t", "name": "json_tool_call", "input": {"a": 1}}],
        "stop_reason": "tool_use",
        "usage": {"input_tokens": 1, "output_tokens": 1},
    }
    call = make_call(response_format={"type": "json_object"})
    resp = ADAPTER.parse_chat(call, json.dumps(data).encode())
    assert json.loads(resp.choices[0].message.content) == {"a": 1}
    assert resp.choices[0].finish_reason == "stop"
    plain = ADAPTER.parse_chat(make_call(), json.dumps(data).encode())  # no response_format: a real tool call
    assert plain.choices[0].message.tool_calls[0].function.name == "json_tool_call"


# --- EventTranslator ---------------------------------------------------------------------------


def feed_all(events: list[dict[str, Any]], call: Call | None = None) -> tuple[list[Any], Any]:
    translator = blocks.EventTranslator(call or make_call(), ADAPTER)
    out = []
    for event in events:
        out.extend(translator.feed(event["type"], json.dumps(event)))
    return out, translator


START = {
    "type": "message_start",
    "message": {"id": "msg_s", "model": "claude-y", "usage": {"input_tokens": 3, "output_tokens": 1}},
}


def test_translator_role_first_then_text_then_finish_and_usage():
    chunks, _ = feed_all(
        [
            START,
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
            {"type": "ping"},
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}},
            {"type": "content_block_stop", "index": 0},
            {"type": "message_delta", "delta": {"stop_reason": "max_tokens"}, "usage": {"output_tokens": 4}},
            {"type": "message_stop"},
        ]
    )
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[1].choices[0].delta.content == "Hi"
    assert chunks[2].choices[0].finish_reason == "length"
    assert chunks[3].choices == [] and (chunks[3].usage.prompt_tokens, chunks[3].usage.completion_tokens) == (
        3,
        4,
    )
    assert {c.id for c in chunks} == {"msg_s"} and {c.model for c in chunks} == {"claude-y"}
    assert len(chunks) == 4


def test_translator_tool_indexes_count_tool_blocks_only():
    chunks, _ = feed_all(
        [
            START,
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "thinking", "thinking": ""},
            },
            {"type": "content_block_stop", "index": 0},
            {
                "type": "content_block_start",
                "index": 1,
                "content_block": {"type": "tool_use", "id": "a", "name": "f", "input": {}},
            },
            {
                "type": "content_block_delta",
                "index": 1,
                "delta": {"type": "input_json_delta", "partial_json": '{"x"'},
            },
            {
                "type": "content_block_delta",
                "index": 1,
                "delta": {"type": "input_json_delta", "partial_json": ": 1}"},
            },
            {"type": "content_block_stop", "index": 1},
            {
                "type": "content_block_start",
                "index": 2,
                "content_block": {"type": "tool_use", "id": "b", "name": "g", "input": {}},
            },
            {"type": "content_block_stop", "index": 2},
        ]
    )
    calls = [tc for c in chunks for tc in (c.choices[0].delta.tool_calls or ())]
    assert [(t.index, t.id, t.function.name, t.function.arguments) for t in calls] == [
        (0, "a", "f", ""),
        (0, None, None, '{"x"'),
        (0, None, None, ": 1}"),
        (1, "b", "g", ""),
        (1, None, None, "{}"),
    ]


def test_translator_thinking_signature_and_redacted():
    chunks, translator = feed_all(
        [
            START,
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "thinking", "thinking": "", "signature": ""},
            },
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "thinking_delta", "thinking": "abc"},
            },
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "signature_delta", "signature": "SIG"},
            },
            {
                "type": "content_block_start",
                "index": 1,
                "content_block": {"type": "redacted_thinking", "data": "R"},
            },
            {"type": "content_block_delta", "index": 1, "delta": {"type": "citations_delta", "citation": {}}},
        ]
    )
    deltas = [c.choices[0].delta for c in chunks[1:]]
    assert deltas[0].reasoning_content == "abc" and deltas[0].thinking_blocks == [
        {"type": "thinking", "thinking": "abc"}
    ]
    assert deltas[1].reasoning_content is None
    assert deltas[1].thinking_blocks == [{"type": "thinking", "thinking": "", "signature": "SIG"}]
    assert deltas[2].thinking_blocks == [{"type": "redacted_thinking", "data": "R"}]
    assert len(deltas) == 3  # citations_delta has no OpenAI field


def test_translator_json_mode_streams_content():
    call = make_call(response_format={"type": "json_object"})
    chunks, _ = feed_all(
        [
            START,
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "tool_use", "id": "j", "name": "json_tool_call", "input": {}},
            },
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "input_json_delta", "partial_json": '{"a": '},
            },
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "input_json_delta", "partial_json": "1}"},
            },
            {"type": "content_block_stop", "index": 0},
            {"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 5}},
        ],
        call,
    )
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == '{"a": 1}'
    assert all(c.choices[0].delta.tool_calls is None for c in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_translator_error_event_raises_mapped_exception():
    translator = blocks.EventTranslator(make_call(), ADAPTER)
    error = {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}
    with pytest.raises(exceptions.get_class("RateLimitError")) as info:
        translator.feed("error", json.dumps(error))
    assert info.value.status_code == 429 and info.value.message == "slow down"


def test_translator_close_hands_over_usage_once():
    chunks, translator = feed_all([START])
    closing = translator.close()
    assert len(closing) == 1 and closing[0].usage.prompt_tokens == 3
    assert translator.close() == []
    assert blocks.EventTranslator(make_call(), ADAPTER).close() == []  # nothing seen, no usage


def test_translator_ignores_empty_data_and_unknown_events():
    translator = blocks.EventTranslator(make_call(), ADAPTER)
    assert translator.feed(None, "") == []
    assert translator.feed("future_event", json.dumps({"type": "future_event"})) == []


def test_parse_message_error_body_with_200_raises_the_mapped_error():
    body = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    with pytest.raises(exceptions.get_class("InternalServerError")) as info:
        ADAPTER.parse_chat(make_call(), json.dumps(body).encode())
    assert info.value.status_code == 529 and info.value.message == "Overloaded"


def test_parse_message_tolerates_a_sparse_compatible_server():
    resp = ADAPTER.parse_chat(make_call(), json.dumps({"content": [{"type": "text", "text": "hi"}]}).encode())
    assert resp.choices[0].message.content == "hi"
    assert resp.model == "claude-sonnet-4-5" and resp.id.startswith("msg_")
    assert resp.usage.total_tokens == 0


def test_translator_usage_counts_cache_reads_and_writes_from_message_start():
    start = {
        "type": "message_start",
        "message": {
            "id": "m",
            "model": "c",
            "usage": {
                "input_tokens": 4,
                "cache_read_input_tokens": 100,
                "cache_creation_input_tokens": 50,
                "output_tokens": 1,
            },
        },
    }
    chunks, _ = feed_all(
        [
            start,
            {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 9}},
            {"type": "message_stop"},
        ]
    )
    usage = chunks[-1].usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (154, 9, 163)
    assert (usage.cached_tokens, usage.cache_creation_input_tokens) == (100, 50)
