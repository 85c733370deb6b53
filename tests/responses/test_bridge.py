"""Providers without a /responses endpoint answer through chat completions.

These run on the offline ``mock`` provider: a CustomLogger's pre-call hook sees the chat
request the bridge built, and ``mock_response=`` stands in for the provider's chat answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import llmrelay
import pytest
from llmrelay import exceptions
from llmrelay.responses_api import STORE
from llmrelay.responses_types import ResponseFunctionToolCall, ResponseOutputMessage, ResponseReasoningItem

MODEL = "mock/mock"
TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "Current temperature for a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}
TOOL_REPLY = {
    "id": "chatcmpl-tool1",
    "created": 1756400000,
    "model": "mock",
    "choices": [
        {
            "index": 0,
            "finish_reason": "tool_calls",
            "message": {
                "role": "assistant",
                "content": None,
                "reasoning_content": "The user wants the weather; call the tool.",
                "tool_calls": [
                    {
                        "id": "call_abc",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                    }
                ],
            },
        }
    ],
    "usage": {
        "prompt_tokens": 40,
        "completion_tokens": 20,
        "total_tokens": 60,
        "prompt_tokens_details": {"cached_tokens": 8},
        "completion_tokens_details": {"reasoning_tokens": 9},
    },
}


class Recorder(llmrelay.CustomLogger):
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def log_pre_api_call(self, model: str, messages: Any, kwargs: dict[str, Any]) -> None:
        self.calls.append({"model": model, "messages": messages, **kwargs})

    async def async_log_pre_api_call(self, model: str, messages: Any, kwargs: dict[str, Any]) -> None:
        return None  # the sync hook already recorded the call


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """The chat requests the bridge sends, as the pre-call hook sees them."""
    recorder = Recorder()
    monkeypatch.setattr(llmrelay, "callbacks", [recorder])
    STORE.clear()
    yield recorder.calls
    STORE.clear()


def test_text_answer_becomes_a_response_with_an_encoded_id(sent: list[dict[str, Any]]) -> None:
    resp = llmrelay.responses(
        input="Hi", model=MODEL, instructions="Be brief.", mock_response="Hello!", max_output_tokens=50
    )
    assert sent[0]["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
    ]
    assert sent[0]["optional_params"]["max_tokens"] == 50
    decoded = llmrelay.decode_response_id(resp.id)
    assert decoded["custom_llm_provider"] == "mock" and decoded["model_id"] == "mock"
    assert decoded["response_id"].startswith("chatcmpl-")
    [message] = resp.output
    assert isinstance(message, ResponseOutputMessage) and message.id.startswith("msg_")
    assert resp.output_text == "Hello!" and resp.status == "completed"
    assert resp.instructions == "Be brief." and resp.max_output_tokens == 50
    assert (
        resp.usage.output_tokens >= 1
        and resp.usage.total_tokens == resp.usage.input_tokens + resp.usage.output_tokens
    )
    assert resp._hidden_params["custom_llm_provider"] == "mock"


def test_function_call_and_reasoning_items(sent: list[dict[str, Any]]) -> None:
    resp = llmrelay.responses(
        input="Weather in Paris?",
        model=MODEL,
        tools=[TOOL],
        tool_choice={"type": "function", "name": "get_weather"},
        reasoning={"effort": "low"},
        mock_response=TOOL_REPLY,
    )
    params = sent[0]["optional_params"]
    assert params["tools"] == [
        {
            "type": "function",
            "function": {k: TOOL[k] for k in ("name", "description", "parameters")},
        }
    ]
    assert params["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
    assert params["reasoning_effort"] == "low"
    reasoning, call = resp.output
    assert isinstance(reasoning, ResponseReasoningItem)
    assert reasoning.summary[0].text == "The user wants the weather; call the tool."
    assert isinstance(call, ResponseFunctionToolCall)
    assert (call.call_id, call.name, call.arguments) == ("call_abc", "get_weather", '{"city":"Paris"}')
    assert llmrelay.decode_response_id(resp.id)["response_id"] == "chatcmpl-tool1"
    assert resp.usage.input_tokens_details.cached_tokens == 8
    assert resp.usage.output_tokens_details.reasoning_tokens == 9
    assert resp.tools == [TOOL]  # the request's tools are echoed as given


def test_previous_response_id_prepends_the_stored_history(sent: list[dict[str, Any]]) -> None:
    first = llmrelay.responses(
        input="Weather in Paris?",
        model=MODEL,
        tools=[TOOL],
        instructions="Be brief.",
        mock_response=TOOL_REPLY,
    )
    output = {"type": "function_call_output", "call_id": "call_abc", "output": '{"temperature_c": 18}'}
    second = llmrelay.responses(
        input=[output], model=MODEL, previous_response_id=first.id, mock_response="18 °C."
    )
    assert sent[1]["messages"] == [
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": None,
            "reasoning_content": "The user wants the weather; call the tool.",
            "tool_calls": [
                {
                    "id": "call_abc",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_abc", "content": '{"temperature_c": 18}'},
    ]  # the first turn's instructions are not carried over, as OpenAI documents
    assert second.previous_response_id == first.id
    third = llmrelay.responses(
        input="Thanks", model=MODEL, previous_response_id=second.id, mock_response="You're welcome."
    )
    assert [m["role"] for m in sent[2]["messages"]] == ["user", "assistant", "tool", "assistant", "user"]
    assert sent[2]["messages"][3]["content"] == "18 °C." and third.output_text == "You're welcome."


def test_unknown_previous_response_id_is_a_clear_error(sent: list[dict[str, Any]]) -> None:
    foreign = llmrelay.encode_response_id("mock", "mock", "chatcmpl-from-another-process")
    with pytest.raises(
        exceptions.BadRequestError, match="conversation history is not available in this process"
    ):
        llmrelay.responses(input="And then?", model=MODEL, previous_response_id=foreign, mock_response="x")
    assert sent == []  # refused before any call


def test_store_false_keeps_nothing(sent: list[dict[str, Any]]) -> None:
    resp = llmrelay.responses(input="Hi", model=MODEL, store=False, mock_response="Hello!")
    assert resp.store is False
    with pytest.raises(exceptions.BadRequestError, match="not available"):
        llmrelay.responses(input="Again", model=MODEL, previous_response_id=resp.id, mock_response="x")


def test_previous_response_id_of_another_provider_is_refused(sent: list[dict[str, Any]]) -> None:
    other = llmrelay.encode_response_id("anthropic", "claude-sonnet-4-5", "msg_01")
    with pytest.raises(exceptions.BadRequestError, match="created by anthropic/claude-sonnet-4-5"):
        llmrelay.responses(input="Hi", model=MODEL, previous_response_id=other, mock_response="x")


def test_input_items_translate_to_chat_messages(sent: list[dict[str, Any]]) -> None:
    items = [
        {"role": "developer", "content": "Use metric units."},
        {
            "type": "message",
            "role": "user",
            "content": [
                {"type": "input_text", "text": "What is in this picture?"},
                {"type": "input_image", "image_url": "https://example.com/cat.png", "detail": "low"},
            ],
        },
        {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "A cat."}]},
    ]
    llmrelay.responses(input=items, model=MODEL, text={"format": {"type": "json_object"}}, mock_response="{}")
    assert sent[0]["messages"] == [
        {"role": "system", "content": "Use metric units."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is in this picture?"},
                {"type": "image_url", "image_url": {"url": "https://example.com/cat.png", "detail": "low"}},
            ],
        },
        {"role": "assistant", "content": "A cat."},
    ]
    assert sent[0]["optional_params"]["response_format"] == {"type": "json_object"}


def test_params_chat_cannot_carry_are_refused_unless_dropped(sent: list[dict[str, Any]]) -> None:
    with pytest.raises(exceptions.UnsupportedParamsError, match="background"):
        llmrelay.responses(input="Hi", model=MODEL, background=True, mock_response="x")
    resp = llmrelay.responses(input="Hi", model=MODEL, background=True, drop_params=True, mock_response="ok")
    assert resp.output_text == "ok" and "background" not in sent[-1]["optional_params"]


def test_global_drop_params_drops_them_too(
    sent: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(llmrelay, "drop_params", True)
    resp = llmrelay.responses(input="Hi", model=MODEL, max_tool_calls=3, mock_response="ok")
    assert resp.output_text == "ok" and "max_tool_calls" not in sent[-1]["optional_params"]


def test_non_function_tools_are_a_clear_error(sent: list[dict[str, Any]]) -> None:
    with pytest.raises(exceptions.BadRequestError, match="tool type 'web_search_preview'"):
        llmrelay.responses(
            input="News?", model=MODEL, tools=[{"type": "web_search_preview"}], mock_response="x"
        )


def test_length_finish_is_an_incomplete_response(sent: list[dict[str, Any]]) -> None:
    reply = {
        **TOOL_REPLY,
        "choices": [
            {"index": 0, "finish_reason": "length", "message": {"role": "assistant", "content": "Par"}}
        ],
    }
    resp = llmrelay.responses(input="Hi", model=MODEL, mock_response=reply)
    assert resp.status == "incomplete" and resp.incomplete_details == {"reason": "max_output_tokens"}


def test_stream_events_and_final_id_match_a_non_stream_call(sent: list[dict[str, Any]]) -> None:
    with llmrelay.responses(
        input="Hi", model=MODEL, stream=True, mock_response="Hello there friend"
    ) as stream:
        events = list(stream)
    kinds = [e.type for e in events]
    assert kinds[:4] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]
    assert kinds[-4:] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert "".join(e.delta for e in events if e.type == "response.output_text.delta") == "Hello there friend"
    final = events[-1].response
    # one response ID on every response.* event, from response.created on (as OpenAI streams it)
    carried = [e.response.id for e in events if e.response is not None]
    assert len(carried) == 3 and set(carried) == {final.id}
    decoded = llmrelay.decode_response_id(final.id)
    raw = decoded["response_id"]
    assert raw.startswith("chatcmpl-")
    assert decoded["custom_llm_provider"] == "mock" and decoded["model_id"] == "mock"
    assert final.id == llmrelay.encode_response_id("mock", "mock", raw)  # the encoding a non-stream call uses
    assert final.output_text == "Hello there friend" and final.usage.output_tokens >= 1
    item_id = events[2].item.id
    assert final.output[0].id == item_id and all(
        e.item_id == item_id for e in events if e.type.endswith("delta")
    )
    assert stream.completed_response is final
    # the streamed conversation is stored under the final ID, like a non-stream one
    again = llmrelay.responses(input="More", model=MODEL, previous_response_id=final.id, mock_response="ok")
    assert sent[-1]["messages"][:2] == [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello there friend"},
    ]
    assert again.output_text == "ok"


async def test_async_stream_of_a_tool_call(sent: list[dict[str, Any]]) -> None:
    stream = await llmrelay.aresponses(
        input="Weather in Paris?", model=MODEL, tools=[TOOL], stream=True, mock_response=TOOL_REPLY
    )
    events = [e async for e in stream]
    kinds = [e.type for e in events]
    assert "response.reasoning_summary_text.delta" in kinds
    assert kinds.index("response.reasoning_summary_text.done") < kinds.index(
        "response.function_call_arguments.delta"
    )
    done = next(e for e in events if e.type == "response.function_call_arguments.done")
    assert done.arguments == '{"city":"Paris"}' and done.name == "get_weather"
    summary = next(e for e in events if e.type == "response.reasoning_summary_part.done")
    assert (
        summary.part.type == "summary_text"
        and summary.part.text == "The user wants the weather; call the tool."
    )
    final = events[-1].response
    assert [type(i).__name__ for i in final.output] == ["ResponseReasoningItem", "ResponseFunctionToolCall"]
    assert final.output[1].call_id == "call_abc"
    assert llmrelay.decode_response_id(final.id)["response_id"] == "chatcmpl-tool1"


async def test_aresponses_non_stream(sent: list[dict[str, Any]]) -> None:
    resp = await llmrelay.aresponses(input="Hi", model=MODEL, mock_response="Hey")
    assert resp.output_text == "Hey" and llmrelay.decode_response_id(resp.id)["custom_llm_provider"] == "mock"


def test_a_router_deployment_id_is_encoded(sent: list[dict[str, Any]]) -> None:
    resp = llmrelay.responses(input="Hi", model=MODEL, model_info={"id": "deploy-7"}, mock_response="Hey")
    assert llmrelay.decode_response_id(resp.id)["model_id"] == "deploy-7"


def test_bad_input_is_refused_before_any_call(sent: list[dict[str, Any]]) -> None:
    with pytest.raises(exceptions.BadRequestError, match="'input'"):
        llmrelay.responses(input=[], model=MODEL, mock_response="x")
    with pytest.raises(exceptions.BadRequestError, match=r"input\[1\] must be an input item object"):
        llmrelay.responses(input=[{"role": "user", "content": "a"}, "b"], model=MODEL, mock_response="x")
    with pytest.raises(exceptions.BadRequestError, match="item type 'item_reference'"):
        llmrelay.responses(input=[{"type": "item_reference", "id": "msg_1"}], model=MODEL, mock_response="x")
    assert sent == []


def test_output_items_sent_back_as_input_continue_statelessly(sent: list[dict[str, Any]]) -> None:
    first = llmrelay.responses(
        input="Weather in Paris?", model=MODEL, tools=[TOOL], store=False, mock_response=TOOL_REPLY
    )
    output = {"type": "function_call_output", "call_id": "call_abc", "output": "18"}
    llmrelay.responses(
        input=[{"role": "user", "content": "Weather in Paris?"}, *first.output, output],
        model=MODEL,
        mock_response="ok",
    )
    assert sent[1]["messages"] == [
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": None,
            "reasoning_content": "The user wants the weather; call the tool.",
            "tool_calls": [
                {
                    "id": "call_abc",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_abc", "content": "18"},
    ]


def test_text_format_pydantic_model_becomes_a_strict_json_schema(sent: list[dict[str, Any]]) -> None:
    from pydantic import BaseModel

    class City(BaseModel):
        name: str
        population: int

    resp = llmrelay.responses(
        input="Biggest city?", model=MODEL, text_format=City, mock_response='{"name":"Tokyo"}'
    )
    schema = {
        "type": "object",
        "title": "City",
        "properties": {
            "name": {"title": "Name", "type": "string"},
            "population": {"title": "Population", "type": "integer"},
        },
        "required": ["name", "population"],
        "additionalProperties": False,
    }
    assert resp.text == {"format": {"type": "json_schema", "name": "City", "schema": schema, "strict": True}}
    assert sent[0]["optional_params"]["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "City", "schema": schema, "strict": True},
    }


def test_stream_and_non_stream_ids_agree_for_the_same_upstream_id(sent: list[dict[str, Any]]) -> None:
    common = {"input": "Weather?", "model": MODEL, "tools": [TOOL], "model_info": {"id": "deploy-7"}}
    whole = llmrelay.responses(**common, mock_response=TOOL_REPLY)
    with llmrelay.responses(**common, stream=True, mock_response=TOOL_REPLY) as stream:
        events = list(stream)
    assert whole.id == llmrelay.encode_response_id("mock", "deploy-7", "chatcmpl-tool1")
    assert {e.response.id for e in events if e.response is not None} == {whole.id}
    assert events[0].type == "response.created" and events[0].response.id == whole.id
    # item IDs stay the provider's own
    added = next(
        e for e in events if e.type == "response.output_item.added" and e.item.type == "function_call"
    )
    assert added.item.call_id == "call_abc"
