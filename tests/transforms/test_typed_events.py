"""Unit tests for the message-object / hyphen-named-event transforms (runtime/transforms/typed_events.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from llmrelay import exceptions, registry
from llmrelay.adapter import Call
from llmrelay.transforms import typed_events

ADAPTER = registry.get_adapter("cohere")
TOOL = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}
OTHER = {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object"}}}


def make_call(capability: str = "chat", stream: bool = False, **params: Any) -> Call:
    return Call(
        provider="cohere",
        model="command-r-08-2024",
        capability=capability,
        params=params,
        api_base="https://api.cohere.com",
        api_key="co-key",
        stream=stream,
    )


# --- request -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("choice", "wire"), [("required", "REQUIRED"), ("none", "NONE")])
def test_tool_choice_words_in_upper_case(choice, wire):
    body = {"tools": [TOOL]}
    typed_events.tool_choice_to_wire(make_call(tool_choice=choice), body)
    assert body == {"tools": [TOOL], "tool_choice": wire}


def test_tool_choice_auto_and_absent_send_nothing():
    for call in (make_call(tool_choice="auto"), make_call()):
        body = {"tools": [TOOL]}
        typed_events.tool_choice_to_wire(call, body)
        assert body == {"tools": [TOOL]}


def test_named_tool_choice_is_required_with_only_that_tool():
    body = {"tools": [TOOL, OTHER]}
    choice = {"type": "function", "function": {"name": "get_time"}}
    typed_events.tool_choice_to_wire(make_call(tool_choice=choice), body)
    assert body == {"tools": [OTHER], "tool_choice": "REQUIRED"}


def test_named_tool_choice_not_in_tools_is_refused():
    choice = {"type": "function", "function": {"name": "missing"}}
    with pytest.raises(exceptions.BadRequestError, match="missing"):
        typed_events.tool_choice_to_wire(make_call(tool_choice=choice), {"tools": [TOOL]})


def test_response_format_to_wire():
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    wrapped = {"type": "json_schema", "json_schema": {"name": "x", "schema": schema, "strict": True}}
    assert typed_events.response_format_to_wire(wrapped) == {"type": "json_object", "json_schema": schema}
    assert typed_events.response_format_to_wire({"type": "json_object"}) == {"type": "json_object"}
    assert typed_events.response_format_to_wire({"type": "text"}) == {"type": "text"}


def test_chat_request_url_auth_and_renames():
    call = make_call(
        messages=[{"role": "user", "content": "Hi"}], top_p=0.5, top_k=3, stop="END", max_completion_tokens=9
    )
    request = ADAPTER.chat_request(call)
    assert request.url == "https://api.cohere.com/v2/chat"
    assert request.headers["Authorization"] == "Bearer co-key"
    body = json.loads(request.body)
    assert body == {
        "model": "command-r-08-2024",
        "messages": [{"role": "user", "content": "Hi"}],
        "p": 0.5,
        "k": 3,
        "stop_sequences": ["END"],
        "max_tokens": 9,
    }


def test_stream_request_sets_stream_and_never_sends_stream_options():
    call = make_call(
        stream=True, messages=[{"role": "user", "content": "Hi"}], stream_options={"include_usage": True}
    )
    body = json.loads(ADAPTER.chat_request(call).body)
    assert body["stream"] is True
    assert "stream_options" not in body


def test_embed_request_texts_and_default_input_type():
    call = make_call(capability="embeddings", input="hello")
    request = ADAPTER.embeddings_request(call)
    assert request.url == "https://api.cohere.com/v2/embed"
    assert json.loads(request.body) == {
        "model": "command-r-08-2024",
        "texts": ["hello"],
        "input_type": "search_document",
    }


def test_embed_input_refuses_token_ids():
    with pytest.raises(exceptions.BadRequestError):
        typed_events.write_embed_input(make_call(capability="embeddings", input=[[1, 2, 3]]), {})


def test_embedding_types():
    assert typed_events.embedding_types("int8") == ["int8"]
    assert typed_events.embedding_types(["float", "int8"]) == ["float", "int8"]


# --- response ----------------------------------------------------------------------------------


def test_usage_prefers_tokens_and_falls_back_to_billed_units():
    usage = typed_events.usage_from_wire(
        {
            "billed_units": {"input_tokens": 4, "output_tokens": 2},
            "tokens": {"input_tokens": 70, "output_tokens": 3},
        }
    )
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (70, 3, 73)
    billed = typed_events.usage_from_wire({"billed_units": {"input_tokens": 4, "output_tokens": 2}})
    assert (billed.prompt_tokens, billed.completion_tokens) == (4, 2)
    assert typed_events.usage_from_wire(None).total_tokens == 0


def test_parse_message_joins_text_blocks_and_maps_finish_reason():
    wire = {
        "id": "abc",
        "finish_reason": "STOP_SEQUENCE",
        "message": {
            "role": "assistant",
            "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}],
        },
        "usage": {"tokens": {"input_tokens": 1, "output_tokens": 2}},
    }
    resp = typed_events.parse_message(wire, make_call(), ADAPTER)
    assert resp.id == "abc"
    assert resp.model == "command-r-08-2024"
    assert resp.choices[0].message.content == "ab"
    assert resp.choices[0].finish_reason == "stop"
    assert resp.choices[0].message.provider_specific_fields is None


def test_parse_message_tool_call_without_arguments_gets_empty_object():
    wire = {
        "id": "t",
        "finish_reason": "TOOL_CALL",
        "message": {"tool_calls": [{"id": "c1", "type": "function", "function": {"name": "now"}}]},
    }
    resp = typed_events.parse_message(wire, make_call(), ADAPTER)
    [call] = resp.choices[0].message.tool_calls
    assert (call.id, call.function.name, call.function.arguments) == ("c1", "now", "{}")
    assert resp.choices[0].finish_reason == "tool_calls"


def test_annotations_one_per_document_source():
    citations = [
        {
            "start": 0,
            "end": 4,
            "sources": [
                {"type": "document", "id": "d1", "document": {"title": "One"}},
                {"type": "document", "id": "d2", "url": "https://x.test/2", "document": {"title": "Two"}},
                {"type": "tool", "id": "t:0", "tool_output": {}},
            ],
        }
    ]
    assert [a["url_citation"] for a in typed_events.annotations(citations)] == [
        {"start_index": 0, "end_index": 4, "title": "One", "url": "source:d1"},
        {"start_index": 0, "end_index": 4, "title": "Two", "url": "https://x.test/2"},
    ]
    assert typed_events.annotations([]) is None


def test_parse_embeddings_takes_the_first_type_and_billed_tokens():
    wire = {"embeddings": {"int8": [[1, -2], [3, 4]]}, "meta": {"billed_units": {"input_tokens": 5}}}
    resp = typed_events.parse_embeddings(wire, make_call(capability="embeddings"), ADAPTER)
    assert [(e.index, e.embedding) for e in resp.data] == [(0, [1, -2]), (1, [3, 4])]
    assert resp.usage.prompt_tokens == resp.usage.total_tokens == 5


# --- stream ------------------------------------------------------------------------------------


def _feed(translator, *events: dict[str, Any]) -> list:
    out = []
    for event in events:
        out += translator.feed(event["type"], json.dumps(event))
    return out


def test_stream_events_translate_in_order():
    translator = typed_events.EventTranslator(make_call(stream=True), ADAPTER)
    chunks = _feed(
        translator,
        {"id": "m1", "type": "message-start", "delta": {"message": {"role": "assistant"}}},
        {
            "type": "content-start",
            "index": 0,
            "delta": {"message": {"content": {"type": "text", "text": ""}}},
        },
        {"type": "content-delta", "index": 0, "delta": {"message": {"content": {"text": "Hi"}}}},
        {"type": "content-end", "index": 0},
        {"type": "citation-start", "index": 0, "delta": {"message": {"citations": {"start": 0, "end": 2}}}},
        {
            "type": "message-end",
            "delta": {
                "finish_reason": "MAX_TOKENS",
                "usage": {"tokens": {"input_tokens": 3, "output_tokens": 1}},
            },
        },
    )
    assert chunks[0].choices[0].delta.role == "assistant"
    assert [c.choices[0].delta.content for c in chunks[1:2]] == ["Hi"]
    assert chunks[2].choices[0].delta.provider_specific_fields == {"citations": [{"start": 0, "end": 2}]}
    assert chunks[3].choices[0].finish_reason == "length"
    assert chunks[4].choices == [] and chunks[4].usage.total_tokens == 4
    assert all(c.id == "m1" for c in chunks)
    assert len(chunks) == 5
    assert translator.feed(None, "[DONE]") == []
    assert translator.close() == []  # usage was already handed over


def test_stream_tool_call_events():
    translator = typed_events.EventTranslator(make_call(stream=True), ADAPTER)
    start = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": ""}}
    chunks = _feed(
        translator,
        {"type": "tool-plan-delta", "delta": {"message": {"tool_plan": "I will"}}},
        {"type": "tool-call-start", "index": 1, "delta": {"message": {"tool_calls": start}}},
        {
            "type": "tool-call-delta",
            "index": 1,
            "delta": {"message": {"tool_calls": {"function": {"arguments": "{}"}}}},
        },
        {"type": "tool-call-end", "index": 1},
    )
    assert len(chunks) == 2
    first = chunks[0].choices[0].delta.tool_calls[0]
    assert (first.index, first.id, first.function.name, first.function.arguments) == (1, "c1", "f", "")
    assert chunks[1].choices[0].delta.tool_calls[0].function.arguments == "{}"


def test_stream_close_without_message_end_has_no_usage():
    translator = typed_events.EventTranslator(make_call(stream=True), ADAPTER)
    assert translator.close() == []


def test_parse_message_thinking_blocks_become_reasoning_content():
    wire = {
        "id": "r",
        "finish_reason": "COMPLETE",
        "message": {"content": [{"type": "thinking", "thinking": "hmm"}, {"type": "text", "text": "ok"}]},
    }
    message = typed_events.parse_message(wire, make_call(), ADAPTER).choices[0].message
    assert (message.content, message.reasoning_content) == ("ok", "hmm")


def test_stream_thinking_delta_is_reasoning_content():
    translator = typed_events.EventTranslator(make_call(stream=True), ADAPTER)
    [chunk] = _feed(
        translator,
        {"type": "content-delta", "index": 0, "delta": {"message": {"content": {"thinking": "so"}}}},
    )
    assert chunk.choices[0].delta.reasoning_content == "so"
    assert chunk.choices[0].delta.content is None


def test_stream_message_end_error_raises():
    translator = typed_events.EventTranslator(make_call(stream=True), ADAPTER)
    with pytest.raises(exceptions.ServiceUnavailableError, match="boom"):
        _feed(translator, {"type": "message-end", "delta": {"finish_reason": "ERROR", "error": "boom"}})


def test_embed_input_image_data_uris_go_as_images():
    body: dict[str, Any] = {}
    image = "data:image/png;base64,iVBORw0KGgo="
    typed_events.write_embed_input(make_call(capability="embeddings", input=[image]), body)
    assert body == {"images": [image], "input_type": "image"}
