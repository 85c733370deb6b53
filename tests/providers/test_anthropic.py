"""The Anthropic Messages dialect, replayed from cassettes/anthropic/ (sync and async).

Each test asserts the translated OpenAI-format fields; the cassette's json_body matcher checks the
request the SDK sent, field by field.
"""

from __future__ import annotations

import json

import llmrelay
import pytest

from tests.providers.sync_async import both
from tests.providers.sync_async import call as _call
from tests.providers.sync_async import chunks as _chunks

KEY = {"api_key": "sk-ant-test"}
WEATHER_TOOL = {
    "type": "function",
    "function": {
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
    },
}
SIMPLE_WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a given location",
        "parameters": {
            "type": "object",
            "properties": {"location": {"type": "string"}},
            "required": ["location"],
        },
    },
}
LOCATION_TOOL = {
    "type": "function",
    "function": {"name": "get_location", "description": "The user's current city."},
}


# --- chat ------------------------------------------------------------------------------------


@both
@pytest.mark.cassette("anthropic/chat/basic")
async def test_chat_basic(cassette, is_async):
    resp = await _call(
        is_async,
        model="claude-sonnet-4-5",  # a bare name resolves to the anthropic provider
        messages=[
            {"role": "system", "content": "You are a terse assistant."},
            {"role": "user", "content": "Say hello in one word."},
        ],
        temperature=0.2,
        **KEY,
    )
    assert resp.id == "msg_01XFDUDYJgAACzvnptvVoYEL"
    assert resp.model == "claude-sonnet-4-5-20250929"
    assert resp.object == "chat.completion"
    choice = resp.choices[0]
    assert choice.message.role == "assistant"
    assert choice.message.content == "Hello!"
    assert choice.message.tool_calls is None
    assert choice.finish_reason == "stop"
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens, resp.usage.total_tokens) == (19, 5, 24)
    assert resp._hidden_params["custom_llm_provider"] == "anthropic"
    assert resp._hidden_params["response_cost"] == pytest.approx(19 * 3e-06 + 5 * 1.5e-05)


@both
@pytest.mark.cassette("anthropic/chat/prompt_caching")
async def test_chat_prompt_caching_usage_and_cost(cassette, is_async):
    image = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    resp = await _call(
        is_async,
        model="anthropic/claude-haiku-4-5-20251001",
        messages=[
            {
                "role": "system",
                "content": [
                    {"type": "text", "text": "You are a museum guide. Answer from the catalogue below."},
                    {
                        "type": "text",
                        "text": "CATALOGUE: Room 1 holds the Dutch masters; Room 2 holds the sculpture garden.",
                        "cache_control": {"type": "ephemeral"},
                    },
                ],
            },
            {
                "role": "user",
                "content": [
                    {"type": "image_url", "image_url": {"url": image}},
                    {
                        "type": "text",
                        "text": "Which room should I visit for this?",
                        "cache_control": {"type": "ephemeral", "ttl": "5m"},
                    },
                ],
            },
        ],
        max_tokens=300,
        stop="###",
        user="visitor-4821",
        **KEY,
    )
    usage = resp.usage
    assert resp.choices[0].message.content == "Room 1: the painting in your photo is in the Dutch style."
    # OpenAI counting: prompt_tokens = uncached input + cache reads + cache writes.
    assert usage.prompt_tokens == 21 + 1024 + 188
    assert usage.completion_tokens == 18
    assert usage.total_tokens == 21 + 1024 + 188 + 18
    assert usage.prompt_tokens_details.cached_tokens == 1024
    assert usage.cache_read_input_tokens == 1024
    assert usage.cache_creation_input_tokens == 188
    expected = 21 * 1e-06 + 1024 * 1e-07 + 188 * 1.25e-06 + 18 * 5e-06
    assert llmrelay.completion_cost(resp) == pytest.approx(expected)
    assert resp._hidden_params["response_cost"] == pytest.approx(expected)


@both
@pytest.mark.cassette("anthropic/chat/json_schema")
async def test_response_format_json_schema_becomes_content(cassette, is_async):
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
        "required": ["city", "country"],
        "additionalProperties": False,
    }
    resp = await _call(
        is_async,
        model="anthropic/claude-sonnet-4-5",
        messages=[{"role": "user", "content": "Extract the city and country: I live in Lyon, France."}],
        response_format={"type": "json_schema", "json_schema": {"name": "place", "schema": schema}},
        max_tokens=200,
        **KEY,
    )
    message = resp.choices[0].message
    assert json.loads(message.content) == {"city": "Lyon", "country": "France"}
    assert message.tool_calls is None
    assert resp.choices[0].finish_reason == "stop"


# --- stream ----------------------------------------------------------------------------------


@both
@pytest.mark.cassette("anthropic/stream/basic")
async def test_stream_text_with_usage(cassette, is_async):
    stream = await _call(
        is_async,
        model="anthropic/claude-haiku-4-5",
        messages=[{"role": "user", "content": "Count to three."}],
        max_tokens=50,
        stream=True,
        stream_options={"include_usage": True},
        **KEY,
    )
    chunks = await _chunks(stream, is_async)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert all(c.id == "msg_01T8kTq7cYyYJeQ5DxcVUc6D" for c in chunks)
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    text = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert text == ["One,", " two,", " three."]
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["stop"]
    last = chunks[-1]
    assert last.choices == []
    assert (last.usage.prompt_tokens, last.usage.completion_tokens, last.usage.total_tokens) == (12, 9, 21)
    rebuilt = llmrelay.stream_chunk_builder(chunks)
    assert rebuilt.choices[0].message.content == "One, two, three."
    assert rebuilt.choices[0].finish_reason == "stop"
    assert rebuilt.usage.total_tokens == 21


@pytest.mark.cassette("anthropic/stream/basic")
def test_stream_hides_usage_chunk_unless_asked(cassette):
    stream = llmrelay.completion(
        model="anthropic/claude-haiku-4-5",
        messages=[{"role": "user", "content": "Count to three."}],
        max_tokens=50,
        stream=True,
        **KEY,
    )
    with stream:
        chunks = list(stream)
    assert all(c.choices for c in chunks)  # no usage-only chunk without include_usage
    assert stream.usage.completion_tokens == 9  # the figures are kept for cost and callbacks
    assert stream.response_cost == pytest.approx(12 * 1e-06 + 9 * 5e-06)


# --- tools -----------------------------------------------------------------------------------


@both
@pytest.mark.cassette("anthropic/tools/basic")
async def test_tools_required_no_parallel(cassette, is_async):
    resp = await _call(
        is_async,
        model="anthropic/claude-sonnet-4-5",
        messages=[{"role": "user", "content": "What is the weather in San Francisco?"}],
        tools=[WEATHER_TOOL],
        tool_choice="required",
        parallel_tool_calls=False,
        max_tokens=1024,
        **KEY,
    )
    choice = resp.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content == "I'll check the current weather in San Francisco for you."
    (tool_call,) = choice.message.tool_calls
    assert tool_call.id == "toolu_01A09q90qw90lq917835lq9"
    assert tool_call.type == "function"
    assert tool_call.function.name == "get_weather"
    assert json.loads(tool_call.function.arguments) == {"location": "San Francisco, CA", "unit": "celsius"}


@both
@pytest.mark.cassette("anthropic/tools/tool_result")
async def test_tool_results_go_back_as_blocks(cassette, is_async):
    messages = [
        {"role": "system", "content": "Answer with the data the tools give you."},
        {"role": "user", "content": "Weather in Paris and Rome?"},
        {
            "role": "assistant",
            "content": "Let me look both up.",
            "tool_calls": [
                {
                    "id": "toolu_01Paris8Xq2Lm5Nv7Rt3Yc9W",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"location": "Paris"}'},
                },
                {
                    "id": "toolu_01Rome4Kd8Pq2Wm6Tx9Lb3N",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"location": "Rome"}'},
                },
            ],
        },
        {"role": "tool", "tool_call_id": "toolu_01Paris8Xq2Lm5Nv7Rt3Yc9W", "content": "18C, cloudy"},
        {"role": "tool", "tool_call_id": "toolu_01Rome4Kd8Pq2Wm6Tx9Lb3N", "content": "24C, sunny"},
    ]
    resp = await _call(
        is_async,
        model="anthropic/claude-haiku-4-5",
        messages=messages,
        tools=[SIMPLE_WEATHER_TOOL],
        tool_choice="auto",
        max_tokens=256,
        **KEY,
    )
    assert resp.choices[0].message.content == "Paris is 18C and cloudy; Rome is 24C and sunny."
    assert resp.choices[0].finish_reason == "stop"
    assert resp.usage.prompt_tokens == 771


@both
@pytest.mark.cassette("anthropic/tools_stream/basic")
async def test_tools_stream_deltas_and_rebuild(cassette, is_async):
    stream = await _call(
        is_async,
        model="anthropic/claude-sonnet-4-5",
        messages=[{"role": "user", "content": "What's the weather in San Francisco, and where am I?"}],
        tools=[SIMPLE_WEATHER_TOOL, LOCATION_TOOL],
        max_tokens=1024,
        stream=True,
        stream_options={"include_usage": True},
        **KEY,
    )
    chunks = await _chunks(stream, is_async)
    deltas = [tc for c in chunks if c.choices for tc in (c.choices[0].delta.tool_calls or ())]
    # First delta of each call: index, id, name and empty arguments; then argument pieces only.
    assert [(d.index, d.id, d.function.name, d.function.arguments) for d in deltas] == [
        (0, "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather", ""),
        (0, None, None, '{"location":'),
        (0, None, None, ' "San Francisco, CA"}'),
        (1, "toolu_01GhPs6Qt1pgjRfp5aGi13xc", "get_location", ""),
        (1, None, None, "{}"),  # no arguments streamed: OpenAI's "{}"
    ]
    assert deltas[0].type == "function"
    rebuilt = llmrelay.stream_chunk_builder(chunks)
    message = rebuilt.choices[0].message
    assert message.content == "Let me check both."
    assert [(t.id, t.function.name, json.loads(t.function.arguments)) for t in message.tool_calls] == [
        ("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather", {"location": "San Francisco, CA"}),
        ("toolu_01GhPs6Qt1pgjRfp5aGi13xc", "get_location", {}),
    ]
    assert rebuilt.choices[0].finish_reason == "tool_calls"
    assert (rebuilt.usage.prompt_tokens, rebuilt.usage.completion_tokens) == (472, 89)


# --- reasoning -------------------------------------------------------------------------------


@both
@pytest.mark.cassette("anthropic/reasoning/thinking")
async def test_reasoning_effort_thinking_blocks(cassette, is_async):
    resp = await _call(
        is_async,
        model="anthropic/claude-sonnet-4-5",
        messages=[{"role": "user", "content": "Is 1001 a prime number?"}],
        reasoning_effort="low",
        **KEY,
    )
    message = resp.choices[0].message
    assert message.content == "No. 1001 = 7 × 11 × 13."
    assert message.reasoning_content == "1001 = 7 x 143 = 7 x 11 x 13, so it is not prime."
    assert message.thinking_blocks == [
        {
            "type": "thinking",
            "thinking": "1001 = 7 x 143 = 7 x 11 x 13, so it is not prime.",
            "signature": "EqQBCkgIARABGAIiQL2kW8fY3nTq7Rm5Xc9Lb2Pd4Vs6Hj8Kg1Nw3Zt5Ya7Qe9Uo2Ir4Mx6Cv8Bn0AdGhIjKlMnOpQrStUvWxYz",
        },
        {
            "type": "redacted_thinking",
            "data": "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB8=",
        },
    ]
    assert resp.usage.completion_tokens == 96
    assert 0 < resp.usage.completion_tokens_details.reasoning_tokens <= 96


@both
@pytest.mark.cassette("anthropic/reasoning/thinking_stream")
async def test_thinking_stream(cassette, is_async):
    stream = await _call(
        is_async,
        model="anthropic/claude-sonnet-4-5",
        messages=[{"role": "user", "content": "How do I cross the street?"}],
        thinking={"type": "enabled", "budget_tokens": 2000},
        max_tokens=4096,
        stream=True,
        **KEY,
    )
    chunks = await _chunks(stream, is_async)
    reasoning = [c.choices[0].delta.reasoning_content for c in chunks if c.choices[0].delta.reasoning_content]
    assert reasoning == ["A safety question.", " Give clear steps."]
    signatures = [
        b["signature"]
        for c in chunks
        for b in (c.choices[0].delta.thinking_blocks or ())
        if b.get("signature")
    ]
    assert signatures == [
        "EvMCCkYICxgCKkCHP2cSuEdcJK/0rFwqES/ecn+VurRpNTwI4XNyM0vnNfGsc9OmE8YYHauwBZ/uaRpmlEn2I4/kszHlcpptO82JEgyRMSbPkJYaegxYF3AaDHZbSm9EzZ6CM=="
    ]
    rebuilt = llmrelay.stream_chunk_builder(chunks)
    message = rebuilt.choices[0].message
    assert message.content == "Look left, right, then left again."
    assert message.reasoning_content == "A safety question. Give clear steps."
    assert message.thinking_blocks == [
        {"type": "thinking", "thinking": "A safety question. Give clear steps.", "signature": signatures[0]}
    ]


@both
@pytest.mark.cassette("anthropic/reasoning/thinking_tool_turn")
async def test_thinking_blocks_sent_back(cassette, is_async):
    messages = [
        {"role": "user", "content": "What is the weather in Paris?"},
        {
            "role": "assistant",
            "content": None,
            "thinking_blocks": [
                {
                    "type": "thinking",
                    "thinking": "The user wants the weather; call the tool.",
                    "signature": "EqQBCkgIARABGAIiQHf3Kd9Lm2Px7Rq4Wt8Yb3Nc6Vs1Zj5Xg2Qe9Uo4Ir7Mx0Cv3Bn6AdGhIj",
                },
                {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIw"},
            ],
            "tool_calls": [
                {
                    "id": "toolu_01Wx4Lm8Rq2Tz6Nb9Pc3Yd7K",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"location": "Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "toolu_01Wx4Lm8Rq2Tz6Nb9Pc3Yd7K", "content": "18C, cloudy"},
    ]
    resp = await _call(
        is_async,
        model="anthropic/claude-sonnet-4-5",
        messages=messages,
        tools=[SIMPLE_WEATHER_TOOL],
        thinking={"type": "enabled", "budget_tokens": 1024},
        max_tokens=3000,
        **KEY,
    )
    assert resp.choices[0].message.content == "It is 18C and cloudy in Paris."


# --- errors ----------------------------------------------------------------------------------


def _error_call(model: str = "anthropic/claude-sonnet-4-5", **kwargs):
    return {
        "model": model,
        "messages": [{"role": "user", "content": "Hello"}],
        "max_tokens": 64,
        "num_retries": 0,
        **KEY,
        **kwargs,
    }


ERRORS = [
    ("anthropic/errors/400", "BadRequestError", 400, "temperature: range: 0..1"),
    (
        "anthropic/errors/context_window",
        "ContextWindowExceededError",
        400,
        "prompt is too long: 215343 tokens > 200000 maximum",
    ),
    ("anthropic/errors/401", "AuthenticationError", 401, "invalid x-api-key"),
    (
        "anthropic/errors/403",
        "PermissionDeniedError",
        403,
        "Your API key does not have permission to use the specified resource.",
    ),
    ("anthropic/errors/413", "BadRequestError", 413, "Request exceeds the maximum allowed number of bytes."),
    (
        "anthropic/errors/429",
        "RateLimitError",
        429,
        "Number of request tokens has exceeded your per-minute rate limit",
    ),
    ("anthropic/errors/500", "InternalServerError", 500, "Internal server error"),
    ("anthropic/errors/529", "InternalServerError", 529, "Overloaded"),
]


@both
@pytest.mark.parametrize(
    ("scenario", "name", "status", "message"), ERRORS, ids=[e[0].rsplit("/", 1)[1] for e in ERRORS]
)
async def test_error_statuses(request, scenario, name, status, message, is_async):
    request.node.add_marker(pytest.mark.cassette(scenario))
    request.getfixturevalue("cassette")
    with pytest.raises(llmrelay.exceptions.LLMRelayError) as info:
        await _call(is_async, **_error_call())
    exc = info.value
    assert type(exc).__name__ == name
    assert exc.status_code == status
    assert exc.llm_provider == "anthropic"
    assert exc.model == "claude-sonnet-4-5"
    assert message in exc.message


@pytest.mark.cassette("anthropic/errors/429")
def test_rate_limit_retry_after(cassette):
    with pytest.raises(llmrelay.RateLimitError) as info:
        llmrelay.completion(**_error_call())
    assert info.value.retry_after == 17.0
    assert info.value.code == "rate_limit_error"


@pytest.mark.cassette("anthropic/errors/404")
async def test_not_found_async(cassette):
    with pytest.raises(llmrelay.NotFoundError) as info:
        await llmrelay.acompletion(**_error_call("anthropic/claude-sonet-4-5"))
    assert info.value.status_code == 404
    assert info.value.message == "model: claude-sonet-4-5"


@pytest.mark.cassette("anthropic/errors/404")
def test_not_found_sync(cassette):
    with pytest.raises(llmrelay.NotFoundError):
        llmrelay.completion(**_error_call("anthropic/claude-sonet-4-5"))


@both
@pytest.mark.cassette("anthropic/errors/stream_error")
async def test_error_event_inside_stream(cassette, is_async):
    stream = await _call(
        is_async,
        model="anthropic/claude-sonnet-4-5",
        messages=[{"role": "user", "content": "Write a haiku about rain."}],
        max_tokens=100,
        stream=True,
        num_retries=0,
        **KEY,
    )
    seen = []
    with pytest.raises(llmrelay.InternalServerError) as info:
        if is_async:
            async for chunk in stream:
                seen.append(chunk)
        else:
            for chunk in stream:
                seen.append(chunk)
    assert info.value.status_code == 529
    assert info.value.message == "Overloaded"
    assert "".join(c.choices[0].delta.content or "" for c in seen) == "Soft rain on"


# --- model table -----------------------------------------------------------------------------


def test_model_table_prices_and_aliases():
    info = llmrelay.get_model_info("claude-sonnet-4-5-20250929")
    assert info["litellm_provider"] == "anthropic"
    assert info["max_input_tokens"] == 200000
    assert info["max_output_tokens"] == 64000
    assert info["cache_read_input_token_cost"] == 3e-07
    assert info["cache_creation_input_token_cost"] == 3.75e-06
    assert llmrelay.supports_reasoning("anthropic/claude-haiku-4-5")
    assert llmrelay.supports_function_calling("claude-opus-4-1")
    prompt, completion = llmrelay.cost_per_token(
        "claude-opus-4-1",
        prompt_tokens=1000,
        completion_tokens=100,
        cache_read_input_tokens=400,
        cache_creation_input_tokens=100,
    )
    assert prompt == pytest.approx(500 * 1.5e-05 + 400 * 1.5e-06 + 100 * 1.875e-05)
    assert completion == pytest.approx(100 * 7.5e-05)


# --- loopback: the real transport, with events split across network writes ------------------


def _event_bytes(*events: dict) -> bytes:
    return b"".join(
        f"event: {e['type']}\r\ndata: {json.dumps(e, ensure_ascii=False)}\r\n\r\n".encode() for e in events
    )


LOOPBACK_STREAM = _event_bytes(
    {
        "type": "message_start",
        "message": {
            "id": "msg_loop",
            "model": "claude-haiku-4-5-20251001",
            "usage": {"input_tokens": 7, "output_tokens": 1},
        },
    },
    {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    {"type": "ping"},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Grüße, "}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Welt ✓"}},
    {"type": "content_block_stop", "index": 0},
    {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 6}},
    {"type": "message_stop"},
)


def _pieces(data: bytes, size: int) -> list[bytes]:
    """Fixed-size writes: events, CRLF line ends and multi-byte characters get cut anywhere."""
    return [data[i : i + size] for i in range(0, len(data), size)]


@both
@pytest.mark.parametrize("size", [1, 7, 64])
async def test_loopback_stream_split_anywhere(is_async, size):
    from tests.core.fake_upstream import Answer, FakeUpstream

    upstream = FakeUpstream()
    try:
        upstream.queue(Answer(pieces=_pieces(LOOPBACK_STREAM, size)))
        stream = await _call(
            is_async,
            model="anthropic/claude-haiku-4-5",
            messages=[{"role": "user", "content": "Greet the world in German."}],
            max_tokens=20,
            stream=True,
            api_base=upstream.base.removesuffix("/v1"),
            **KEY,
        )
        chunks = await _chunks(stream, is_async)
    finally:
        upstream.close()
    (seen,) = upstream.seen
    assert seen.path == "/v1/messages"
    assert seen.headers["x-api-key"] == "sk-ant-test"
    assert seen.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in seen.headers
    assert seen.body["stream"] is True and seen.body["max_tokens"] == 20
    rebuilt = llmrelay.stream_chunk_builder(chunks)
    assert rebuilt.choices[0].message.content == "Grüße, Welt ✓"
    assert rebuilt.choices[0].finish_reason == "stop"
    assert stream.usage.prompt_tokens == 7 and stream.usage.completion_tokens == 6


def test_missing_key_is_refused_before_any_request():
    with pytest.raises(llmrelay.AuthenticationError, match="ANTHROPIC_API_KEY"):
        llmrelay.completion(model="anthropic/claude-haiku-4-5", messages=[{"role": "user", "content": "hi"}])


def test_unsupported_openai_params_are_named_unless_dropped():
    with pytest.raises(llmrelay.UnsupportedParamsError, match="seed"):
        llmrelay.completion(
            model="claude-haiku-4-5", messages=[{"role": "user", "content": "hi"}], seed=3, **KEY
        )


@both
@pytest.mark.cassette("anthropic/tools/web_search")
async def test_web_search_options_hosted_tool(cassette, is_async):
    resp = await _call(
        is_async,
        model="anthropic/claude-sonnet-4-5",
        messages=[{"role": "user", "content": "When does the Lyon light festival start this year?"}],
        web_search_options={
            "search_context_size": "medium",
            "user_location": {"type": "approximate", "approximate": {"city": "Lyon", "country": "FR"}},
        },
        max_tokens=1024,
        **KEY,
    )
    message = resp.choices[0].message
    assert message.content == "I'll search for the festival dates.The festival runs from 5 to 8 December."
    assert message.tool_calls is None  # the search ran on the server: nothing for the client to call
    assert resp.choices[0].finish_reason == "stop"
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens) == (6039, 112)
