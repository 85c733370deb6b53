"""Unit tests of the Responses wire-shape transforms (runtime/transforms/responses.py)."""

from __future__ import annotations

import pytest
from llmrelay import exceptions
from llmrelay.adapter import Call
from llmrelay.registry import get_adapter
from llmrelay.responses_types import ResponsesAPIResponse
from llmrelay.transforms import responses as t
from llmrelay.types import ModelResponseStream


def test_parallel_function_calls_group_into_one_assistant_turn() -> None:
    items = [
        {"role": "user", "content": "Weather in Paris and Rome?"},
        {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "Two cities."}]},
        {"type": "function_call", "call_id": "c1", "name": "w", "arguments": '{"city":"Paris"}'},
        {"type": "function_call", "call_id": "c2", "name": "w", "arguments": '{"city":"Rome"}'},
        {"type": "function_call_output", "call_id": "c1", "output": "18"},
        {"type": "function_call_output", "call_id": "c2", "output": [{"type": "input_text", "text": "21"}]},
    ]
    assert t.items_to_messages(items) == [
        {"role": "user", "content": "Weather in Paris and Rome?"},
        {
            "role": "assistant",
            "content": None,
            "reasoning_content": "Two cities.",
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "w", "arguments": '{"city":"Paris"}'}},
                {"id": "c2", "type": "function", "function": {"name": "w", "arguments": '{"city":"Rome"}'}},
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "18"},
        {"role": "tool", "tool_call_id": "c2", "content": "21"},
    ]


def test_a_function_call_after_assistant_text_joins_that_turn() -> None:
    items = [
        {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Checking."}]},
        {"type": "function_call", "call_id": "c1", "name": "w", "arguments": "{}"},
    ]
    [message] = t.items_to_messages(items)
    assert message["content"] == "Checking." and message["tool_calls"][0]["id"] == "c1"


def test_user_files_and_unknown_roles() -> None:
    part = {"type": "input_file", "filename": "a.pdf", "file_data": "data:application/pdf;base64,AAA"}
    [message] = t.items_to_messages([{"role": "user", "content": [part]}])
    assert message["content"] == [
        {"type": "file", "file": {"file_data": "data:application/pdf;base64,AAA", "filename": "a.pdf"}}
    ]
    with pytest.raises(ValueError, match=r"input\[0\]\.role"):
        t.items_to_messages([{"role": "critic", "content": "x"}])


def test_tools_tool_choice_and_text_format() -> None:
    flat = {"type": "function", "name": "f", "parameters": {"type": "object"}, "strict": True}
    nested = {"type": "function", "function": {"name": "g"}}
    assert t.tools_to_chat([flat, nested]) == [
        {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}, "strict": True}},
        nested,
    ]
    assert t.tool_choice_to_chat({"type": "function", "name": "f"}) == {
        "type": "function",
        "function": {"name": "f"},
    }
    assert t.tool_choice_to_chat("required") == "required"
    schema = {"type": "json_schema", "name": "person", "schema": {"type": "object"}, "strict": True}
    assert t.text_to_response_format({"format": schema}) == {
        "type": "json_schema",
        "json_schema": {"name": "person", "schema": {"type": "object"}, "strict": True},
    }
    assert t.text_to_response_format({"format": {"type": "text"}}) is None


def _chunk(index: int, **delta: object) -> ModelResponseStream:
    return ModelResponseStream.model_validate(
        {"id": "chatcmpl-1", "created": 1, "model": "m", "choices": [{"index": 0, "delta": delta}]}
    )


def test_chunk_builder_orders_items_and_closes_each_before_the_next() -> None:
    builder = t.ChunkEventBuilder({"tools": []})
    chunks = [
        _chunk(0, role="assistant", content="Let me "),
        _chunk(1, content="check."),
        _chunk(2, tool_calls=[{"index": 0, "id": "c1", "function": {"name": "w", "arguments": '{"a"'}}]),
        _chunk(3, tool_calls=[{"index": 0, "function": {"arguments": ":1}"}}]),
        _chunk(4, tool_calls=[{"index": 1, "id": "c2", "function": {"name": "w", "arguments": "{}"}}]),
    ]
    events = [e for c in chunks for e in builder.feed(c)] + builder.close_items()
    kinds = [e.type for e in events]
    assert kinds == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.output_item.added",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
        "response.output_item.done",
        "response.output_item.added",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
        "response.output_item.done",
    ]
    assert [e.output_index for e in events if e.type == "response.output_item.done"] == [0, 1, 2]
    message, first, second = builder.items
    assert message["content"][0]["text"] == "Let me check."
    assert (first["call_id"], first["arguments"]) == ("c1", '{"a":1}')
    assert (second["call_id"], second["arguments"], second["id"]) == ("c2", "{}", "fc_c2")
    final = ResponsesAPIResponse.model_validate({"id": "resp_x", "output": builder.items})
    assert final.output_text == "Let me check."


def _openai_call() -> tuple[Call, object]:
    adapter = get_adapter("openai")
    call = Call(
        provider="openai",
        model="gpt-4.1",
        capability="responses",
        params={},
        api_base="https://x",
        api_key=None,
    )
    return call, adapter


@pytest.mark.parametrize(
    "data",
    [
        '{"type":"error","sequence_number":3,"code":"rate_limit_exceeded","message":"Slow down","param":null}',
        '{"type":"error","sequence_number":3,"error":{"type":"tokens","code":"rate_limit_exceeded","message":"Slow down"}}',
    ],
)
def test_error_events_in_either_shape_raise_the_mapped_error(data: str) -> None:
    call, adapter = _openai_call()
    translator = t.EventTranslator(call, adapter)
    with pytest.raises(exceptions.RateLimitError, match="Slow down"):
        translator.feed("error", data)


def test_failed_response_is_an_event_not_an_exception() -> None:
    call, adapter = _openai_call()
    data = (
        '{"type":"response.failed","sequence_number":5,"response":{"id":"resp_1","object":"response",'
        '"created_at":1,"status":"failed","error":{"code":"server_error","message":"boom"},"output":[]}}'
    )
    [event] = t.EventTranslator(call, adapter).feed("response.failed", data)
    assert event.response.status == "failed" and event.response.error["message"] == "boom"


def test_interleaved_parallel_calls_keep_whole_arguments() -> None:
    builder = t.ChunkEventBuilder({})
    chunks = [
        _chunk(0, tool_calls=[{"index": 0, "id": "c1", "function": {"name": "w", "arguments": '{"city":'}}]),
        _chunk(
            1,
            tool_calls=[{"index": 1, "id": "c2", "function": {"name": "w", "arguments": '{"city":"Rome"}'}}],
        ),
        _chunk(2, tool_calls=[{"index": 0, "function": {"arguments": '"Paris"}'}}]),
    ]
    for chunk in chunks:
        builder.feed(chunk)
    builder.close_items()
    assert [(i["call_id"], i["arguments"]) for i in builder.items] == [
        ("c1", '{"city":"Paris"}'),
        ("c2", '{"city":"Rome"}'),
    ]
