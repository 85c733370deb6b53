"""The Converse wire-shape transforms (runtime/transforms/converse.py), unit by unit."""

from __future__ import annotations

import json

import llmrelay
import pytest
from llmrelay import registry
from llmrelay.adapter import Call
from llmrelay.transforms import converse


def _call(messages: list, model: str = "anthropic.claude-3-5-sonnet-20240620-v1:0", **params) -> Call:
    return Call(
        provider="bedrock",
        model=model,
        capability="chat",
        params={"messages": messages, **params},
        api_base="https://bedrock-runtime.us-east-1.amazonaws.com",
        api_key=None,
    )


def _wire(messages: list, **params) -> dict:
    body: dict = {}
    converse.messages_to_wire(_call(messages, **params), body)
    return body


def test_system_and_developer_messages_become_system_blocks():
    body = _wire(
        [
            {"role": "system", "content": "Be brief."},
            {"role": "developer", "content": [{"type": "text", "text": "Use metric units."}]},
            {"role": "user", "content": "hi"},
        ]
    )
    assert body["system"] == [{"text": "Be brief."}, {"text": "Use metric units."}]
    assert body["messages"] == [{"role": "user", "content": [{"text": "hi"}]}]


def test_consecutive_turns_of_one_role_are_merged():
    body = _wire(
        [
            {"role": "user", "content": "one"},
            {"role": "user", "content": "two"},
            {"role": "assistant", "content": "three"},
            {"role": "assistant", "content": "four"},
        ]
    )
    assert body["messages"] == [
        {"role": "user", "content": [{"text": "one"}, {"text": "two"}]},
        {"role": "assistant", "content": [{"text": "three"}, {"text": "four"}]},
    ]
    assert "system" not in body


def test_blank_text_is_not_sent():
    body = _wire([{"role": "user", "content": "hi"}, {"role": "assistant", "content": ""}])
    assert body["messages"] == [{"role": "user", "content": [{"text": "hi"}]}]


def test_tool_calls_and_results():
    body = _wire(
        [
            {"role": "user", "content": "weather?"},
            {
                "role": "assistant",
                "content": "Checking.",
                "tool_calls": [
                    {
                        "id": "t1",
                        "type": "function",
                        "function": {"name": "w", "arguments": '{"city":"Paris"}'},
                    },
                    {"id": "t2", "type": "function", "function": {"name": "w", "arguments": ""}},
                ],
            },
            {"role": "tool", "tool_call_id": "t1", "content": "18C"},
            {"role": "tool", "tool_call_id": "t2", "content": {"temp": 25}},
            {"role": "user", "content": "thanks"},
        ]
    )
    assert body["messages"][1] == {
        "role": "assistant",
        "content": [
            {"text": "Checking."},
            {"toolUse": {"toolUseId": "t1", "name": "w", "input": {"city": "Paris"}}},
            {"toolUse": {"toolUseId": "t2", "name": "w", "input": {}}},
        ],
    }
    # Both results and the next user text share one user turn.
    assert body["messages"][2] == {
        "role": "user",
        "content": [
            {"toolResult": {"toolUseId": "t1", "content": [{"text": "18C"}]}},
            {"toolResult": {"toolUseId": "t2", "content": [{"text": '{"temp":25}'}]}},
            {"text": "thanks"},
        ],
    }


def test_bad_tool_arguments_are_a_bad_request():
    with pytest.raises(llmrelay.BadRequestError, match="not JSON"):
        _wire(
            [
                {"role": "user", "content": "x"},
                {
                    "role": "assistant",
                    "tool_calls": [{"id": "t", "function": {"name": "w", "arguments": "{oops"}}],
                },
            ]
        )


def test_reasoning_blocks_go_first_and_redacted_ones_survive():
    body = _wire(
        [
            {"role": "user", "content": "x"},
            {
                "role": "assistant",
                "content": "answer",
                "thinking_blocks": [
                    {"type": "thinking", "thinking": "hmm", "signature": "sig"},
                    {"type": "redacted_thinking", "data": "b64data"},
                ],
            },
        ]
    )
    assert body["messages"][1]["content"] == [
        {"reasoningContent": {"reasoningText": {"text": "hmm", "signature": "sig"}}},
        {"reasoningContent": {"redactedContent": "b64data"}},
        {"text": "answer"},
    ]


def test_images_documents_and_cache_points():
    body = _wire(
        [
            {
                "role": "user",
                "content": [
                    {"type": "image_url", "image_url": "data:image/jpeg;base64,QUJD"},
                    {
                        "type": "file",
                        "file": {"file_data": "data:application/pdf;base64,JVBERg==", "filename": "report"},
                        "cache_control": {"type": "ephemeral"},
                    },
                ],
            }
        ]
    )
    assert body["messages"][0]["content"] == [
        {"image": {"format": "jpeg", "source": {"bytes": "QUJD"}}},
        {"document": {"format": "pdf", "source": {"bytes": "JVBERg=="}, "name": "report"}},
        {"cachePoint": {"type": "default"}},
    ]


def test_unsupported_media_type_is_refused():
    with pytest.raises(llmrelay.BadRequestError, match="unsupported media type"):
        _wire(
            [
                {
                    "role": "user",
                    "content": [{"type": "image_url", "image_url": {"url": "data:image/tiff;base64,AA"}}],
                }
            ]
        )


def test_tools_to_wire():
    tools = [
        {"type": "function", "function": {"name": "a", "description": "A", "parameters": {"type": "object"}}},
        {"type": "function", "function": {"name": "b"}},
        {"toolSpec": {"name": "c", "inputSchema": {"json": {}}}},
    ]
    assert converse.tools_to_wire(tools) == [
        {"toolSpec": {"name": "a", "description": "A", "inputSchema": {"json": {"type": "object"}}}},
        {"toolSpec": {"name": "b", "inputSchema": {"json": {"type": "object", "properties": {}}}}},
        {"toolSpec": {"name": "c", "inputSchema": {"json": {}}}},
    ]


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("auto", {"auto": {}}),
        ("required", {"any": {}}),
        ({"type": "function", "function": {"name": "a"}}, {"tool": {"name": "a"}}),
    ],
)
def test_tool_choice(choice, expected):
    body = {"messages": [], "toolConfig": {"tools": [{"toolSpec": {"name": "a"}}]}}
    converse.tool_choice_to_wire(_call([], tool_choice=choice), body)
    assert body["toolConfig"]["toolChoice"] == expected


def test_tool_choice_none_is_refused_unless_dropped():
    body = {"messages": [], "toolConfig": {"tools": [{"toolSpec": {"name": "a"}}]}}
    with pytest.raises(llmrelay.UnsupportedParamsError, match="drop_params"):
        converse.tool_choice_to_wire(_call([], tool_choice="none"), body)
    call = _call([], tool_choice="none")
    call.drop_params = True
    converse.tool_choice_to_wire(call, body)
    assert body["toolConfig"] == {"tools": [{"toolSpec": {"name": "a"}}]}


def test_forced_tool_choice_becomes_auto_with_thinking():
    body = {
        "toolConfig": {"tools": [{"toolSpec": {"name": "a"}}]},
        "additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 1024}},
    }
    converse.tool_choice_to_wire(_call([], tool_choice="required"), body)
    assert body["toolConfig"]["toolChoice"] == {"auto": {}}


def test_route_prefix():
    call = _call([], model="converse/us.amazon.nova-pro-v1:0")
    converse.route_prefix(call, {}, prefixes=["converse/"])
    assert call.model == "us.amazon.nova-pro-v1:0"


def test_thinking_from_effort_keeps_an_explicit_thinking():
    body = {"additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 5000}}}
    converse.thinking_from_effort(
        _call([], reasoning_effort="high"), body, budgets={"high": 4096}, models=["anthropic.claude"]
    )
    assert body["additionalModelRequestFields"]["thinking"]["budget_tokens"] == 5000
    body = {}
    converse.thinking_from_effort(
        _call([], reasoning_effort="high"), body, budgets={"high": 4096}, models=["anthropic.claude"]
    )
    assert body == {"additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 4096}}}


def test_parse_converse_stop_reasons_and_usage():
    adapter = registry.get_adapter("bedrock")
    wire = {
        "output": {"message": {"role": "assistant", "content": [{"text": "blocked"}]}},
        "stopReason": "guardrail_intervened",
        "usage": {"inputTokens": 5, "outputTokens": 1, "totalTokens": 6, "cacheReadInputTokens": 10},
        "metrics": {"latencyMs": 7},
    }
    resp = converse.parse_converse(wire, _call([]), adapter)
    assert resp.choices[0].finish_reason == "content_filter"
    assert resp.usage.prompt_tokens == 15
    assert resp.usage.prompt_tokens_details.cached_tokens == 10
    wire["stopReason"] = "max_tokens"
    assert converse.parse_converse(wire, _call([]), adapter).choices[0].finish_reason == "length"


def test_stream_translator_tool_without_arguments_and_unknown_events():
    adapter = registry.get_adapter("bedrock")
    translator = converse.StreamTranslator(_call([]), adapter)
    start = {"contentBlockIndex": 0, "start": {"toolUse": {"toolUseId": "t", "name": "now"}}}
    chunks = translator.feed("contentBlockStart", json.dumps(start))
    assert chunks[0].choices[0].delta.tool_calls[0].function.name == "now"
    assert (
        translator.feed(
            "contentBlockDelta", json.dumps({"contentBlockIndex": 0, "delta": {"toolUse": {"input": ""}}})
        )
        == []
    )
    stop = translator.feed("contentBlockStop", json.dumps({"contentBlockIndex": 0}))
    assert stop[0].choices[0].delta.tool_calls[0].function.arguments == "{}"
    assert translator.feed("someFutureEvent", json.dumps({"x": 1})) == []
    with pytest.raises(llmrelay.InternalServerError):
        translator.feed("internalServerException", json.dumps({"message": "oops"}))


def test_json_mode_stream_turns_the_answer_tool_into_content():
    adapter = registry.get_adapter("bedrock")
    translator = converse.StreamTranslator(
        _call([], response_format={"type": "json_object"}), adapter, json_tool="json_tool_call"
    )
    start = {"contentBlockIndex": 0, "start": {"toolUse": {"toolUseId": "t", "name": "json_tool_call"}}}
    assert translator.feed("contentBlockStart", json.dumps(start)) == []
    delta = {"contentBlockIndex": 0, "delta": {"toolUse": {"input": '{"a": 1}'}}}
    assert translator.feed("contentBlockDelta", json.dumps(delta))[0].choices[0].delta.content == '{"a": 1}'
    stop = translator.feed("messageStop", json.dumps({"stopReason": "tool_use"}))
    assert stop[0].choices[0].finish_reason == "stop"


def test_json_object_tool_accepts_any_object():
    body: dict = {}
    converse.response_format_tool(
        _call([], response_format={"type": "json_object"}), body, tool_name="json_tool_call"
    )
    assert body["toolConfig"] == {
        "tools": [
            {
                "toolSpec": {
                    "name": "json_tool_call",
                    "inputSchema": {
                        "json": {"type": "object", "additionalProperties": True, "properties": {}}
                    },
                }
            }
        ],
        "toolChoice": {"tool": {"name": "json_tool_call"}},
    }
    body = {}
    converse.response_format_tool(
        _call([], response_format={"type": "text"}), body, tool_name="json_tool_call"
    )
    assert body == {}


def test_small_parameter_transforms():
    assert converse.stop_sequences("END") == ["END"]
    assert converse.stop_sequences("") == []
    assert converse.stop_sequences(["a", "b"]) == ["a", "b"]
    assert converse.service_tier("auto") == {"type": "default"}
    assert converse.service_tier("flex") == {"type": "flex"}
