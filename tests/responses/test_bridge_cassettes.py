"""The chat bridge against a real dialect: a Responses request to Anthropic replays the
Messages API cassette the chat tests use, so the request the bridge builds is checked byte for
meaning against the provider's wire format."""

from __future__ import annotations

import json

import llmrelay
import pytest
from llmrelay.responses_types import ResponseFunctionToolCall, ResponseOutputMessage

WEATHER_TOOL = {  # the Responses API's flat function tool
    "type": "function",
    "name": "get_weather",
    "description": "Get the current weather in a given location",
    "parameters": {
        "type": "object",
        "properties": {
            "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        },
        "required": ["location"],
    },
}


@pytest.mark.cassette("anthropic/tools/basic")
async def test_anthropic_tool_call_through_the_bridge(cassette: object) -> None:
    resp = await llmrelay.aresponses(
        input="What is the weather in San Francisco?",
        model="anthropic/claude-sonnet-4-5",
        tools=[WEATHER_TOOL],
        tool_choice="required",
        parallel_tool_calls=False,
        max_output_tokens=1024,
        api_key="sk-ant-test",
    )
    assert llmrelay.decode_response_id(resp.id) == {
        "custom_llm_provider": "anthropic",
        "model_id": "claude-sonnet-4-5",
        "response_id": "msg_01Aq9w938a90dw8q",
    }
    message, call = resp.output
    assert isinstance(message, ResponseOutputMessage)
    assert resp.output_text == "I'll check the current weather in San Francisco for you."
    assert isinstance(call, ResponseFunctionToolCall)
    assert call.call_id == "toolu_01A09q90qw90lq917835lq9" and call.name == "get_weather"
    assert json.loads(call.arguments) == {"location": "San Francisco, CA", "unit": "celsius"}
    assert resp.model == "claude-sonnet-4-5-20250929"
    assert (resp.usage.input_tokens, resp.usage.output_tokens, resp.usage.total_tokens) == (586, 78, 664)
    assert resp.parallel_tool_calls is False and resp.max_output_tokens == 1024
    assert resp._hidden_params["response_cost"] == pytest.approx(586 * 3e-06 + 78 * 1.5e-05)


@pytest.mark.cassette("anthropic/reasoning/thinking_stream")
def test_anthropic_thinking_stream_through_the_bridge(cassette: object) -> None:
    with llmrelay.responses(
        input="How do I cross the street?",
        model="anthropic/claude-sonnet-4-5",
        thinking={"type": "enabled", "budget_tokens": 2000},  # a provider parameter passes through
        max_output_tokens=4096,
        stream=True,
        api_key="sk-ant-test",
    ) as stream:
        events = list(stream)
    kinds = [e.type for e in events]
    reasoning = [e.delta for e in events if e.type == "response.reasoning_summary_text.delta"]
    text = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert "".join(reasoning) == "A safety question. Give clear steps."
    assert "".join(text) == "Look left, right, then left again."
    # the reasoning item closes before the message item opens, as OpenAI orders them
    assert kinds.index("response.reasoning_summary_part.done") < kinds.index("response.content_part.added")
    final = events[-1].response
    assert final.id == llmrelay.encode_response_id(
        "anthropic", "claude-sonnet-4-5", "msg_01ALwQ87pTS7hH1PjSdC9wJD"
    )
    # one ID from response.created on, as OpenAI streams it
    assert {e.response.id for e in events if e.response is not None} == {final.id}
    assert [item.type for item in final.output] == ["reasoning", "message"]
    assert final.output_text == "Look left, right, then left again."
    assert final.usage.input_tokens == 43 and final.usage.output_tokens > 0
