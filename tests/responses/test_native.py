"""The Responses API called natively (OpenAI's ``POST /responses``), replayed from
cassettes/openai/responses/. IDs stay raw; stream events arrive typed and in the wire's order."""

from __future__ import annotations

import llmrelay
import pytest
from llmrelay import exceptions
from llmrelay.responses_types import (
    OutputText,
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseReasoningItem,
    ResponsesAPIResponse,
)

KEY = "sk-test"
WEATHER_TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "Current temperature for a city.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "additionalProperties": False,
    },
    "strict": True,
}


@pytest.mark.cassette("openai/responses/basic")
def test_basic_response_parses_into_the_canonical_type(cassette: object) -> None:
    resp = llmrelay.responses(
        input="Name the capital of France in one word.",
        model="openai/gpt-4.1-mini",
        instructions="Answer tersely.",
        max_output_tokens=64,
        temperature=0.2,
        api_key=KEY,
    )
    assert isinstance(resp, ResponsesAPIResponse)
    assert resp.id == "resp_68b0a1f2c3d48190a7e1b2c3d4e5f60708a9b0c1d2e3f4a5"  # OpenAI's own ID stays raw
    assert resp.object == "response" and resp.status == "completed"
    assert resp.model == "gpt-4.1-mini-2025-04-14"
    assert resp.instructions == "Answer tersely." and resp.max_output_tokens == 64
    [message] = resp.output
    assert isinstance(message, ResponseOutputMessage) and message.role == "assistant"
    assert isinstance(message.content[0], OutputText) and message.content[0].text == "Paris."
    assert resp.output_text == "Paris."
    assert resp.usage.input_tokens == 27 and resp.usage.output_tokens == 3 and resp.usage.total_tokens == 30
    assert resp.usage.input_tokens_details.cached_tokens == 0
    assert resp["usage"]["output_tokens"] == 3  # LiteLLM-style item access
    # priced from the model table: 27 x 4e-7 + 3 x 1.6e-6
    assert resp._hidden_params["response_cost"] == pytest.approx(27 * 4.0e-07 + 3 * 1.6e-06)
    assert resp._hidden_params["custom_llm_provider"] == "openai"
    assert "billing" in resp.model_dump()  # fields the canonical type does not name are kept


@pytest.mark.cassette("openai/responses/reasoning")
def test_reasoning_item_and_token_details(cassette: object) -> None:
    resp = llmrelay.responses(
        input=[{"role": "user", "content": "Is 221 a prime number? Answer yes or no."}],
        model="o4-mini",  # a bare OpenAI name resolves to OpenAI
        reasoning={"effort": "low", "summary": "auto"},
        api_key=KEY,
    )
    reasoning, message = resp.output
    assert isinstance(reasoning, ResponseReasoningItem)
    assert reasoning.summary[0].text.endswith("221 = 13 × 17, so it is not prime.")
    assert isinstance(message, ResponseOutputMessage) and resp.output_text == "No."
    assert resp.usage.output_tokens_details.reasoning_tokens == 192
    assert resp.usage.input_tokens_details.cached_tokens == 1024
    assert resp.reasoning == {"effort": "low", "summary": "detailed"}
    # cached input priced at the cache-read rate, reasoning billed as output
    expected = (1043 - 1024) * 1.1e-06 + 1024 * 2.75e-07 + 205 * 4.4e-06
    assert llmrelay.completion_cost(resp) == pytest.approx(expected)


@pytest.mark.cassette("openai/responses/function_call")
def test_function_call_then_previous_response_id(cassette: object) -> None:
    first = llmrelay.responses(
        input="What is the weather in Paris?",
        model="openai/gpt-4.1-mini",
        tools=[WEATHER_TOOL],
        tool_choice="auto",
        api_key=KEY,
    )
    [call] = first.output
    assert isinstance(call, ResponseFunctionToolCall)
    assert (call.name, call.call_id, call.arguments) == (
        "get_weather",
        "call_Kq3Zr8VwXy2Lm5Np7Tb9Hc1D",
        '{"city":"Paris"}',
    )
    assert first.output_text == ""
    # An ID in LiteLLM's encoded layout (as a LiteLLM proxy hands out) reaches OpenAI decoded.
    encoded = llmrelay.encode_response_id("openai", "deployment-1", first.id)
    second = llmrelay.responses(
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": '{"temperature_c": 18}'}],
        model="openai/gpt-4.1-mini",
        previous_response_id=encoded,
        tools=[WEATHER_TOOL],
        api_key=KEY,
    )
    assert second.previous_response_id == first.id
    assert second.output_text == "It is 18 °C in Paris right now."


@pytest.mark.cassette("openai/responses/stream")
def test_stream_events_in_wire_order(cassette: object) -> None:
    with llmrelay.responses(
        input="Say hello in French.", model="openai/gpt-4.1-mini", stream=True, api_key=KEY
    ) as stream:
        events = list(stream)
    assert [e.type for e in events] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert "".join(e.delta for e in events if e.type == "response.output_text.delta") == "Bonjour!"
    assert events[4].item_id == "msg_68b0a4e9a0b18192b5c6d7e8f9a0b1c20d3e4f5a6b7c8d9e"
    assert isinstance(events[8].part, OutputText) and events[8].part.text == "Bonjour!"  # content_part.done
    assert events[0].response.status == "in_progress" and events[0].response.output == []
    final = events[-1].response
    assert final.id == events[0].response.id == "resp_68b0a4e8f9a08192a4b5c6d7e8f9a0b10c2d3e4f5a6b7c8d"
    assert final.output_text == "Bonjour!" and final.usage.total_tokens == 16
    assert stream.completed_response is final


@pytest.mark.cassette("openai/responses/stream_tools")
async def test_async_stream_function_call(cassette: object) -> None:
    stream = await llmrelay.aresponses(
        input="What is the weather in Oslo?",
        model="openai/gpt-4.1-mini",
        tools=[WEATHER_TOOL],
        stream=True,
        api_key=KEY,
    )
    events = [e async for e in stream]
    added = events[2]
    assert added.type == "response.output_item.added"
    assert isinstance(added.item, ResponseFunctionToolCall) and added.item.name == "get_weather"
    pieces = [e.delta for e in events if e.type == "response.function_call_arguments.delta"]
    assert "".join(pieces) == '{"city":"Oslo"}'
    done = next(e for e in events if e.type == "response.function_call_arguments.done")
    assert done.arguments == '{"city":"Oslo"}' and done.name == "get_weather"
    [call] = events[-1].response.output
    assert call.call_id == "call_Wd4Hj7Kp2Rt9Vx3Bn6Mq8Ls1" and call.status == "completed"


@pytest.mark.cassette("openai/responses/stream_error")
def test_error_event_raises_from_the_iterator(cassette: object) -> None:
    stream = llmrelay.responses(
        input="Write a haiku about rain.", model="openai/gpt-4.1-mini", stream=True, api_key=KEY
    )
    seen = []
    with pytest.raises(exceptions.InternalServerError) as info:
        for event in stream:
            seen.append(event.type)
    assert seen == ["response.created", "response.in_progress"]  # events before the error still arrive
    assert "The server had an error processing your request" in str(info.value)
    assert info.value.llm_provider == "openai"


class Outcomes(llmrelay.CustomLogger):
    def __init__(self) -> None:
        self.success: list[tuple[dict, object]] = []
        self.failure: list[BaseException] = []

    def log_success_event(self, kwargs, response_obj, start_time, end_time) -> None:  # type: ignore[no-untyped-def]
        self.success.append((kwargs, response_obj))

    def log_failure_event(self, kwargs, response_obj, start_time, end_time) -> None:  # type: ignore[no-untyped-def]
        self.failure.append(kwargs["exception"])


@pytest.mark.cassette("openai/responses/stream")
def test_callbacks_see_the_finished_stream_once(cassette: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from llmrelay import hooks

    logger = Outcomes()
    monkeypatch.setattr(llmrelay, "callbacks", [logger])
    for _ in llmrelay.responses(
        input="Say hello in French.", model="openai/gpt-4.1-mini", stream=True, api_key=KEY
    ):
        pass
    hooks.flush()
    [(kwargs, final)] = logger.success
    assert logger.failure == []
    assert kwargs["messages"] == "Say hello in French." and kwargs["stream"] is True
    assert final.output_text == "Bonjour!"
    assert kwargs["response_cost"] == pytest.approx(12 * 4.0e-07 + 4 * 1.6e-06)


@pytest.mark.cassette("openai/responses/stream_error")
def test_callbacks_see_a_stream_error_as_a_failure(cassette: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from llmrelay import hooks

    logger = Outcomes()
    monkeypatch.setattr(llmrelay, "callbacks", [logger])
    stream = llmrelay.responses(
        input="Write a haiku about rain.", model="openai/gpt-4.1-mini", stream=True, api_key=KEY
    )
    with pytest.raises(exceptions.InternalServerError):
        list(stream)
    hooks.flush()
    assert logger.success == [] and [type(e).__name__ for e in logger.failure] == ["InternalServerError"]


@pytest.mark.cassette("openai/responses/model_not_found")
def test_unknown_model_is_a_400_with_its_code(cassette: object) -> None:
    item = {
        "type": "message",
        "role": "user",
        "content": [{"type": "input_text", "text": "Respond only with the word hello."}],
    }
    # the spec's code map classifies it (model_not_found), the wire status is kept
    with pytest.raises(exceptions.NotFoundError) as info:
        llmrelay.responses(input=[item], model="openai/gpt-4.1-minii", max_output_tokens=16, api_key=KEY)
    err = info.value
    assert (err.status_code, err.code, err.llm_provider) == (400, "model_not_found", "openai")
    assert "The requested model 'gpt-4.1-minii' does not exist." in str(err)


@pytest.mark.cassette("openai/responses/stream")
def test_closing_a_stream_early_is_reported_once_as_unfinished(
    cassette: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmrelay import hooks

    logger = Outcomes()
    monkeypatch.setattr(llmrelay, "callbacks", [logger])
    with llmrelay.responses(
        input="Say hello in French.", model="openai/gpt-4.1-mini", stream=True, api_key=KEY
    ) as stream:
        first = next(stream)
    assert first.type == "response.created"
    stream.close()  # closing twice is harmless
    hooks.flush()
    assert logger.success == []
    [error] = logger.failure
    assert isinstance(error, exceptions.APIConnectionError) and "closed before it finished" in str(error)
