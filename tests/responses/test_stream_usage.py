"""A Responses stream knows its usage and cost however it ends, so a gateway never counts itself.

A stream read to the end reports the final response's usage and price; a stream closed early
reports what was streamed: the counts the provider sent so far, and tokens counted with
``llmrelay.token_counter`` for those it did not.
"""

from __future__ import annotations

from typing import Any

import llmrelay
import pytest
from llmrelay.responses_api import ResponsesStream

KEY = "sk-test"
NATIVE = {"input": "Say hello in French.", "model": "openai/gpt-4.1-mini", "stream": True, "api_key": KEY}


def _price(model: str, prompt: int, completion: int) -> float:
    return sum(llmrelay.cost_per_token(model=model, prompt_tokens=prompt, completion_tokens=completion))


def _until_first_delta(stream: ResponsesStream) -> list[Any]:
    seen = []
    for event in stream:
        seen.append(event)
        if event.type == "response.output_text.delta":
            break
    return seen


def _counted(model: str, deltas: list[str]) -> tuple[int, int]:
    prompt = llmrelay.token_counter(model=model, messages=[{"role": "user", "content": NATIVE["input"]}])
    output = llmrelay.token_counter(model=model, text="".join(deltas), count_response_tokens=True)
    return prompt, output


@pytest.mark.cassette("openai/responses/stream")
def test_a_finished_native_stream_reports_the_final_usage_and_cost(cassette: object) -> None:
    with llmrelay.responses(**NATIVE) as stream:
        events = list(stream)
    final = events[-1].response
    assert stream.usage is final.usage and stream.usage.total_tokens == 16
    expected = _price("gpt-4.1-mini", final.usage.input_tokens, final.usage.output_tokens)
    assert stream.response_cost == pytest.approx(expected) and expected > 0


@pytest.mark.cassette("openai/responses/stream")
def test_a_native_stream_closed_early_counts_what_was_streamed(cassette: object) -> None:
    stream = llmrelay.responses(**NATIVE)
    seen = _until_first_delta(stream)
    stream.close()
    assert stream.completed_response is None
    deltas = [e.delta for e in seen if e.type == "response.output_text.delta"]
    prompt, output = _counted("openai/gpt-4.1-mini", deltas)
    assert deltas and output > 0 and prompt > 0
    usage = stream.usage
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (prompt, output, prompt + output)
    assert stream.response_cost == pytest.approx(_price("gpt-4.1-mini", prompt, output))


@pytest.mark.cassette("openai/responses/stream")
async def test_an_async_native_stream_closed_early_counts_what_was_streamed(cassette: object) -> None:
    stream = await llmrelay.aresponses(**NATIVE)
    deltas = []
    async for event in stream:
        if event.type == "response.output_text.delta":
            deltas.append(event.delta)
            break
    await stream.aclose()
    prompt, output = _counted("openai/gpt-4.1-mini", deltas)
    assert (stream.usage.input_tokens, stream.usage.output_tokens) == (prompt, output)
    assert stream.response_cost == pytest.approx(_price("gpt-4.1-mini", prompt, output))


@pytest.mark.cassette("openai/responses/stream")
def test_a_native_stream_closed_before_any_event_releases_the_connection(cassette: object) -> None:
    stream = llmrelay.responses(**NATIVE)
    stream.close()  # a generator that never ran has no cleanup of its own
    assert stream._source.is_closed
    prompt, _ = _counted("openai/gpt-4.1-mini", [])
    assert stream.usage.input_tokens == prompt and stream.usage.output_tokens == 0


def _mock_reply(text: str, usage: dict[str, int] | None) -> dict[str, Any]:
    reply: dict[str, Any] = {
        "id": "chatcmpl-usage1",
        "created": 1756400000,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
    }
    if usage is not None:
        reply["usage"] = usage
    return reply


def test_a_bridged_stream_closed_early_keeps_the_providers_usage() -> None:
    usage = {"prompt_tokens": 31, "completion_tokens": 7, "total_tokens": 38}
    stream = llmrelay.responses(
        input="Hi", model="openai/gpt-4o-mini", stream=True, mock_response=_mock_reply("Hello " * 20, usage)
    )
    _until_first_delta(stream)
    stream.close()
    assert stream.completed_response is None
    assert (stream.usage.input_tokens, stream.usage.output_tokens) == (31, 7)
    assert stream.response_cost == pytest.approx(_price("gpt-4o-mini", 31, 7))


async def test_an_async_bridged_stream_reports_the_same_usage_as_its_final_response() -> None:
    usage = {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17}
    async with await llmrelay.aresponses(
        input="Hi", model="openai/gpt-4o-mini", stream=True, mock_response=_mock_reply("Hello there", usage)
    ) as stream:
        events = [e async for e in stream]
    final = events[-1].response
    assert stream.usage is final.usage and (final.usage.input_tokens, final.usage.output_tokens) == (12, 5)
    assert stream.response_cost == pytest.approx(_price("gpt-4o-mini", 12, 5))


@pytest.mark.cassette("anthropic/reasoning/thinking_stream")
async def test_an_async_bridged_stream_closed_early_reports_usage_and_cost(cassette: object) -> None:
    stream = await llmrelay.aresponses(
        input="How do I cross the street?",
        model="anthropic/claude-sonnet-4-5",
        thinking={"type": "enabled", "budget_tokens": 2000},
        max_output_tokens=4096,
        stream=True,
        api_key="sk-ant-test",
    )
    async for event in stream:
        if event.type == "response.reasoning_summary_text.delta":
            break
    await stream.aclose()
    assert stream.completed_response is None
    usage = stream.usage
    assert usage.input_tokens == 43 and usage.output_tokens > 0  # the provider's input count
    expected = _price("claude-sonnet-4-5", usage.input_tokens, usage.output_tokens)
    assert stream.response_cost == pytest.approx(expected) and expected > 0
