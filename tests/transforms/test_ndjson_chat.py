"""Unit tests for the NDJSON chat transforms (runtime/transforms/ndjson_chat.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from llmrelay import exceptions, registry
from llmrelay.adapter import Call
from llmrelay.transforms import ndjson_chat

ADAPTER = registry.get_adapter("ollama_chat")


def make_call(model: str = "llama3.1", capability: str = "chat", **params: Any) -> Call:
    return Call(
        provider="ollama_chat",
        model=model,
        capability=capability,
        params=params,
        api_base="http://localhost:11434",
        api_key=None,
    )


def messages(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    body: dict[str, Any] = {}
    ndjson_chat.write_messages(make_call(messages=items), body)
    return body["messages"]


def prompt(items: list[dict[str, Any]]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    ndjson_chat.write_prompt(make_call(messages=items), body)
    return body


# --- messages ------------------------------------------------------------------------------------


def test_messages_keep_roles_and_string_content():
    assert messages(
        [
            {"role": "developer", "content": "Be brief."},
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": None},
        ]
    ) == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": ""},
    ]


def test_content_parts_join_text_and_move_images_to_bare_base64():
    (message,) = messages(
        [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Compare "},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
                    {"type": "text", "text": "these."},
                    {"type": "image_url", "image_url": "data:image/jpeg;base64,BBBB"},
                ],
            }
        ]
    )
    assert message == {"role": "user", "content": "Compare these.", "images": ["AAAA", "BBBB"]}


def test_bare_base64_image_passes_and_http_url_is_refused():
    assert ndjson_chat.image_base64("QUJD") == "QUJD"
    with pytest.raises(exceptions.BadRequestError, match="base64"):
        ndjson_chat.image_base64("http://example.com/a.png")


def test_assistant_tool_calls_get_object_arguments_and_results_get_tool_name():
    out = messages(
        [
            {
                "role": "assistant",
                "content": "Checking.",
                "reasoning_content": "I need the weather.",
                "tool_calls": [
                    {
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "weather", "arguments": '{"city": "Oslo"}'},
                    },
                    {"id": "c2", "type": "function", "function": {"name": "time", "arguments": ""}},
                ],
            },
            {"role": "tool", "tool_call_id": "c2", "content": "12:00"},
            {"role": "tool", "tool_call_id": "c1", "content": "rain"},
            {"role": "function", "name": "legacy", "content": "ok"},
        ]
    )
    assert out == [
        {
            "role": "assistant",
            "content": "Checking.",
            "thinking": "I need the weather.",
            "tool_calls": [
                {"function": {"name": "weather", "arguments": {"city": "Oslo"}}},
                {"function": {"name": "time", "arguments": {}}},
            ],
        },
        {"role": "tool", "content": "12:00", "tool_name": "time"},
        {"role": "tool", "content": "rain", "tool_name": "weather"},
        {"role": "tool", "content": "ok", "tool_name": "legacy"},
    ]


def test_invalid_tool_arguments_are_a_bad_request():
    with pytest.raises(exceptions.BadRequestError, match="not valid JSON"):
        ndjson_chat.arguments_object("{oops")
    assert ndjson_chat.arguments_object("[1]") == {"value": [1]}
    assert ndjson_chat.arguments_object({"a": 1}) == {"a": 1}


# --- prompt (the generate variant) -----------------------------------------------------------------


def test_prompt_layout_merges_consecutive_roles():
    body = prompt(
        [
            {"role": "system", "content": "Be brief."},
            {"role": "system", "content": "Answer in French."},
            {"role": "user", "content": "Hi. "},
            {"role": "user", "content": [{"type": "text", "text": "Who are you?"}]},
            {"role": "assistant", "content": "Un modèle."},
            {"role": "user", "content": "Merci"},
        ]
    )
    assert body == {
        "prompt": "### System:\nBe brief.\nAnswer in French.\n\n"
        "### User:\nHi. Who are you?\n\n"
        "### Assistant:\nUn modèle.\n\n"
        "### User:\nMerci\n\n"
    }


def test_prompt_carries_images_and_tool_calls():
    body = prompt(
        [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Look"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
                ],
            },
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": "done"},
        ]
    )
    assert body["images"] == ["AAAA"]
    calls = [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": {}}}]
    assert body["prompt"] == (
        f"### User:\nLook\n\n### Assistant:\nTool Calls: {json.dumps(calls, indent=2)}\n\n### User:\ndone\n\n"
    )


# --- request transforms ----------------------------------------------------------------------------


def test_tools_keep_function_fields_only():
    body: dict[str, Any] = {}
    tools = [
        {"type": "function", "function": {"name": "f", "description": "d", "parameters": {}, "strict": True}},
        {"type": "web_search_preview"},
    ]
    ndjson_chat.write_tools(make_call(tools=tools, tool_choice="required"), body)
    assert body == {
        "tools": [{"type": "function", "function": {"name": "f", "description": "d", "parameters": {}}}]
    }
    empty: dict[str, Any] = {}
    ndjson_chat.write_tools(make_call(tools=[]), empty)
    assert empty == {}


def test_legacy_functions_are_sent_as_tools():
    body: dict[str, Any] = {}
    ndjson_chat.write_tools(make_call(functions=[{"name": "f", "parameters": {"type": "object"}}]), body)
    assert body == {
        "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    }


@pytest.mark.parametrize(
    "response_format, expected",
    [
        ({"type": "json_object"}, "json"),
        (
            {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}},
            {"type": "object"},
        ),
        ({"type": "text"}, None),
    ],
)
def test_response_format_becomes_format(response_format, expected):
    body: dict[str, Any] = {}
    ndjson_chat.write_response_format(make_call(response_format=response_format), body)
    assert body.get("format") == expected


def test_explicit_format_wins_over_response_format():
    body: dict[str, Any] = {"format": "json"}
    schema = {"type": "json_schema", "json_schema": {"schema": {"type": "object"}}}
    ndjson_chat.write_response_format(make_call(response_format=schema), body)
    assert body == {"format": "json"}


@pytest.mark.parametrize(
    "model, effort, expected",
    [
        ("qwen3", "low", True),
        ("qwen3", "high", True),
        ("qwen3", "none", False),
        ("qwen3", "minimal", False),
        ("gpt-oss:20b", "medium", "medium"),
        ("gpt-oss:20b", "minimal", "low"),
        ("gpt-oss:20b", "xhigh", "high"),
        ("gpt-oss:20b", "none", False),
    ],
)
def test_reasoning_effort_becomes_think(model, effort, expected):
    body: dict[str, Any] = {}
    ndjson_chat.write_reasoning_effort(
        make_call(model, reasoning_effort=effort), body, level_models=["gpt-oss"]
    )
    assert body == {"think": expected}


def test_explicit_think_wins_over_reasoning_effort():
    body: dict[str, Any] = {"think": False}
    ndjson_chat.write_reasoning_effort(make_call("qwen3", reasoning_effort="high"), body)
    assert body == {"think": False}


# --- responses -------------------------------------------------------------------------------------


def _final(message: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "model": "qwen3",
        "created_at": "2025-11-04T10:40:19.226409123Z",
        "message": {"role": "assistant", **message},
        "done": True,
        "done_reason": "stop",
        "prompt_eval_count": 5,
        "eval_count": 7,
        **extra,
    }


def test_response_inline_think_tags_become_reasoning_content():
    resp = ndjson_chat.parse_response(
        _final({"content": "<think>\nCount the r's.\n</think>\n\nThree."}), make_call("qwen3"), ADAPTER
    )
    assert resp.choices[0].message.reasoning_content == "Count the r's."
    assert resp.choices[0].message.content == "Three."
    assert resp.created == 1762252819  # nanosecond timestamp, cut to microseconds
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens, resp.usage.total_tokens) == (5, 7, 12)


def test_response_keeps_a_wire_tool_call_id_and_string_arguments():
    resp = ndjson_chat.parse_response(
        _final(
            {
                "content": "",
                "tool_calls": [
                    {"id": "call_x1", "function": {"name": "f", "arguments": {"a": [1, 2]}}},
                    {"function": {"name": "g", "arguments": '{"b": true}'}},
                ],
            }
        ),
        make_call(),
        ADAPTER,
    )
    first, second = resp.choices[0].message.tool_calls
    assert first.id == "call_x1" and json.loads(first.function.arguments) == {"a": [1, 2]}
    assert second.id.startswith("call_") and second.function.arguments == '{"b": true}'
    assert resp.choices[0].finish_reason == "tool_calls"


def test_response_length_and_unknown_reason():
    length = ndjson_chat.parse_response(_final({"content": "x"}, done_reason="length"), make_call(), ADAPTER)
    assert length.choices[0].finish_reason == "length"
    other = ndjson_chat.parse_response(_final({"content": "x"}, done_reason="unload"), make_call(), ADAPTER)
    assert other.choices[0].finish_reason == "stop"


def test_generate_variant_reads_response_and_thinking():
    wire = {"model": "m", "response": "Hi", "thinking": "greet", "done": True, "done_reason": "stop"}
    resp = ndjson_chat.parse_response(wire, make_call("m"), ADAPTER)
    assert (resp.choices[0].message.content, resp.choices[0].message.reasoning_content) == ("Hi", "greet")
    assert resp.usage.total_tokens == 0


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-05-24T20:01:31.01558Z", 1716580891),
        ("2025-11-04T10:40:19.226409123+01:00", 1762249219),
        ("2025-11-04T10:40:19Z", 1762252819),
        ("not a date", None),
        (None, None),
    ],
)
def test_created_seconds(value, expected):
    assert ndjson_chat.created_seconds(value) == expected


# --- streams ---------------------------------------------------------------------------------------


def _line(content: str = "", done: bool = False, **message: Any) -> str:
    payload: dict[str, Any] = {
        "model": "qwen3",
        "created_at": "2025-11-04T10:40:19Z",
        "message": {"role": "assistant", "content": content, **message},
        "done": done,
    }
    if done:
        payload.update(done_reason="stop", prompt_eval_count=3, eval_count=4)
    return json.dumps(payload)


def _run(lines: list[str]) -> list[Any]:
    translator = ndjson_chat.StreamTranslator(make_call("qwen3"), ADAPTER)
    chunks = [chunk for line in lines for chunk in translator.feed(None, line)]
    return chunks + translator.close()


def test_stream_inline_think_tags_across_lines():
    chunks = _run(
        [_line("<think>"), _line("Count"), _line(" them.</think>"), _line("\n\nThree."), _line(done=True)]
    )
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    assert "".join(d.reasoning_content or "" for d in deltas) == "Count them."
    assert "".join(d.content or "" for d in deltas) == "\n\nThree."
    assert deltas[0].role == "assistant"
    assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens == 7
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert all(c.created == 1762252819 for c in chunks)


def test_stream_whitespace_before_think_tag_waits():
    chunks = _run([_line("\n"), _line("<think>plan"), _line("</think>Done."), _line(done=True)])
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    assert "".join(d.reasoning_content or "" for d in deltas) == "plan"
    assert "".join(d.content or "" for d in deltas) == "\nDone."


def test_stream_generate_variant_reads_response_and_thinking():
    lines = [
        json.dumps({"model": "m", "response": "", "thinking": "Hmm.", "done": False}),
        json.dumps({"model": "m", "response": "Hi", "done": False}),
        json.dumps({"model": "m", "response": "", "done": True, "done_reason": "length", "eval_count": 2}),
    ]
    chunks = _run(lines)
    deltas = [c.choices[0] for c in chunks if c.choices]
    assert (deltas[0].delta.reasoning_content, deltas[0].delta.role) == ("Hmm.", "assistant")
    assert deltas[1].delta.content == "Hi"
    assert deltas[-1].finish_reason == "length"
    assert chunks[-1].usage.completion_tokens == 2 and chunks[-1].model == "m"


def test_stream_text_without_think_tags_is_content():
    chunks = _run([_line("The <think> tag"), _line(" is literal."), _line(done=True)])
    assert (
        "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        == "The <think> tag is literal."
    )


def test_stream_skips_empty_lines_and_waits_for_content():
    translator = ndjson_chat.StreamTranslator(make_call("qwen3"), ADAPTER)
    assert translator.feed(None, "") == []
    assert translator.feed(None, _line("")) == []
    assert translator.close() == []  # no done line: no usage to report


def test_stream_error_line_raises_classified_error():
    translator = ndjson_chat.StreamTranslator(make_call("qwen3"), ADAPTER)
    with pytest.raises(exceptions.NotFoundError):
        translator.feed(None, json.dumps({"error": 'model "qwen3" not found, try pulling it first'}))


def test_stream_tool_calls_are_numbered_across_lines():
    call = {"function": {"name": "f", "arguments": {"x": 1}}}
    chunks = _run([_line(tool_calls=[call]), _line(tool_calls=[call, call]), _line(done=True)])
    calls = [tc for c in chunks if c.choices for tc in (c.choices[0].delta.tool_calls or [])]
    assert [tc.index for tc in calls] == [0, 1, 2]
    assert len({tc.id for tc in calls}) == 3
    assert chunks[-2].choices[0].finish_reason == "tool_calls"


# --- embeddings ------------------------------------------------------------------------------------


def test_embed_input_is_a_list_of_strings():
    body: dict[str, Any] = {}
    ndjson_chat.write_embed_input(make_call(capability="embeddings", input="hi"), body)
    assert body == {"input": ["hi"]}
    with pytest.raises(exceptions.BadRequestError, match="text only"):
        ndjson_chat.write_embed_input(make_call(capability="embeddings", input=[[1, 2, 3]]), {})


def test_parse_embeddings_counts_prompt_tokens():
    wire = {"model": "all-minilm", "embeddings": [[0.1, 0.2], [0.3, 0.4]], "prompt_eval_count": 9}
    resp = ndjson_chat.parse_embeddings(
        wire, make_call("all-minilm", "embeddings", input=["a", "b"]), ADAPTER
    )
    assert [d.embedding for d in resp.data] == [[0.1, 0.2], [0.3, 0.4]]
    assert [d.index for d in resp.data] == [0, 1]
    assert (resp.usage.prompt_tokens, resp.usage.total_tokens) == (9, 9)
