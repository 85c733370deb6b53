"""OpenAI, the canonical dialect: every capability replayed from cassettes/openai/.

Each test checks the translated output field by field (and the cassette's json_body matcher
checks the request the SDK sent), so a wrong mapping in either direction fails.
"""

from __future__ import annotations

import base64
import json
import struct

import llmrelay
import pytest
from llmrelay import exceptions

KEY = "sk-test"
USER = [{"role": "user", "content": "Name a primary colour. One word."}]
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather for a city.",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
                "additionalProperties": False,
            },
            "strict": True,
        },
    }
]
TOOL_MESSAGES = [{"role": "user", "content": "What's the weather in Paris and in Tokyo?"}]


# --- chat ----------------------------------------------------------------------------------


@pytest.mark.cassette("openai/chat/basic")
def test_chat_bare_model_name(cassette):
    messages = [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Say hello."}]
    resp = llmrelay.completion(
        model="gpt-4o-mini", messages=messages, temperature=0.2, max_tokens=20, api_key=KEY
    )
    assert resp.id == "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT"
    assert resp.model == "gpt-4o-mini-2024-07-18"
    assert resp["choices"][0]["message"]["content"] == "Hello!"
    assert resp.choices[0].finish_reason == "stop"
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens, resp.usage.total_tokens) == (19, 3, 22)
    assert resp.system_fingerprint == "fp_06737a9306"
    assert resp._hidden_params["custom_llm_provider"] == "openai"
    assert resp._hidden_params["response_cost"] == pytest.approx(19 * 1.5e-07 + 3 * 6.0e-07)


@pytest.mark.cassette("openai/chat/basic")
async def test_chat_async_with_prefix(cassette):
    messages = [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Say hello."}]
    resp = await llmrelay.acompletion(
        model="openai/gpt-4o-mini", messages=messages, temperature=0.2, max_tokens=20, api_key=KEY
    )
    assert resp.choices[0].message.content == "Hello!"
    assert resp.choices[0].message.role == "assistant"


@pytest.mark.cassette("openai/chat/json_schema")
def test_response_format_json_schema_round_trip(cassette):
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "population": {"type": "integer"}},
        "required": ["city", "population"],
        "additionalProperties": False,
    }
    resp = llmrelay.completion(
        model="openai/gpt-4o-2024-08-06",
        messages=[{"role": "user", "content": "Largest city in Japan, with its population."}],
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "city_info", "strict": True, "schema": schema},
        },
        api_key=KEY,
    )
    assert json.loads(resp.choices[0].message.content) == {"city": "Tokyo", "population": 13960000}
    assert resp.choices[0].message.refusal is None
    # the dated alias prices like gpt-4o
    assert resp._hidden_params["response_cost"] == pytest.approx(54 * 2.5e-06 + 12 * 1.0e-05)


@pytest.mark.cassette("openai/chat/logprobs")
def test_logprobs(cassette):
    resp = llmrelay.completion(
        model="gpt-4o-mini", messages=USER, logprobs=True, top_logprobs=2, max_tokens=5, api_key=KEY
    )
    content = resp.choices[0].logprobs.content
    assert [t["token"] for t in content] == ["Blue", "."]
    assert content[0]["logprob"] == pytest.approx(-0.31326235)
    assert [t["token"] for t in content[0]["top_logprobs"]] == ["Blue", "Red"]
    assert content[1]["top_logprobs"][1]["bytes"] is None


@pytest.mark.cassette("openai/chat/n_seed")
def test_n_choices_seed_and_max_completion_tokens(cassette):
    resp = llmrelay.completion(
        model="gpt-4o-mini",
        messages=USER,
        n=2,
        seed=42,
        temperature=1.0,
        max_completion_tokens=5,
        user="user-1234",
        api_key=KEY,
    )
    assert [(c.index, c.message.content) for c in resp.choices] == [(0, "Red"), (1, "Blue")]
    assert resp.system_fingerprint == "fp_560af6e559"
    assert resp.service_tier == "default"


# --- streaming -----------------------------------------------------------------------------


@pytest.mark.cassette("openai/stream/basic")
def test_stream_without_include_usage(cassette):
    with llmrelay.completion(model="gpt-4o-mini", messages=USER, stream=True, api_key=KEY) as stream:
        chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "Blue."
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(c.usage is None for c in chunks), "no usage chunk unless include_usage was asked"
    assert all(c.id == "chatcmpl-CAx5Wq1Er2Ty3Ui4Op5As6Df7Gh8J" for c in chunks)
    assert chunks[1].obfuscation == "q9"  # OpenAI's padding field is kept, not dropped
    built = llmrelay.stream_chunk_builder(chunks)
    assert built.choices[0].message.content == "Blue."


@pytest.mark.cassette("openai/stream/include_usage")
def test_stream_include_usage_final_chunk(cassette):
    stream = llmrelay.completion(
        model="gpt-4o-mini", messages=USER, stream=True, stream_options={"include_usage": True}, api_key=KEY
    )
    chunks = list(stream)
    last = chunks[-1]
    assert last.choices == []
    assert (last.usage.prompt_tokens, last.usage.completion_tokens, last.usage.total_tokens) == (15, 2, 17)
    assert last.usage.prompt_tokens_details.cached_tokens == 0
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Red."
    assert stream.response_cost == pytest.approx(15 * 1.5e-07 + 2 * 6.0e-07)


@pytest.mark.cassette("openai/stream/include_usage")
async def test_stream_include_usage_async(cassette):
    stream = await llmrelay.acompletion(
        model="gpt-4o-mini", messages=USER, stream=True, stream_options={"include_usage": True}, api_key=KEY
    )
    chunks = [chunk async for chunk in stream]
    assert chunks[-1].usage.total_tokens == 17
    built = llmrelay.stream_chunk_builder(chunks)
    assert built.choices[0].message.content == "Red."
    assert built.usage.completion_tokens == 2


# --- tools ---------------------------------------------------------------------------------


@pytest.mark.cassette("openai/tools/parallel")
def test_parallel_tool_calls(cassette):
    resp = llmrelay.completion(
        model="gpt-4.1-mini",
        messages=TOOL_MESSAGES,
        tools=TOOLS,
        tool_choice="auto",
        parallel_tool_calls=True,
        api_key=KEY,
    )
    choice = resp.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    calls = choice.message.tool_calls
    assert [c.id for c in calls] == ["call_Qk3Zr8xYvTbN2mLp5sWd7HcE", "call_Hn6Tf1JqWz4Ka9Rb0Uy2Xs5V"]
    assert [json.loads(c.function.arguments) for c in calls] == [{"city": "Paris"}, {"city": "Tokyo"}]
    assert {c.type for c in calls} == {"function"} and {c.function.name for c in calls} == {"get_weather"}


@pytest.mark.cassette("openai/tools_stream/parallel")
def test_parallel_tool_calls_streamed_in_pieces(cassette):
    stream = llmrelay.completion(
        model="gpt-4.1-mini",
        messages=TOOL_MESSAGES,
        tools=TOOLS,
        stream=True,
        stream_options={"include_usage": True},
        api_key=KEY,
    )
    chunks = list(stream)
    deltas = [tc for c in chunks if c.choices for tc in (c.choices[0].delta.tool_calls or [])]
    assert deltas[0].index == 0 and deltas[0].id == "call_Wm2Xq7Lr4Tz9Bn1Kc6Vd3Hs8"
    assert deltas[0].function.name == "get_weather"
    assert [d.function.arguments for d in deltas if d.index == 1][1:] == [
        '{"',
        "city",
        '":"',
        "Tok",
        "yo",
        '"}',
    ]
    built = llmrelay.stream_chunk_builder(chunks)
    calls = built.choices[0].message.tool_calls
    assert [(c.id, c.function.name, json.loads(c.function.arguments)) for c in calls] == [
        ("call_Wm2Xq7Lr4Tz9Bn1Kc6Vd3Hs8", "get_weather", {"city": "Paris"}),
        ("call_Ry5Tn8Jq2Wk7Xm3Lb9Pc4Vz1", "get_weather", {"city": "Tokyo"}),
    ]
    assert built.choices[0].finish_reason == "tool_calls"
    assert built.usage.total_tokens == 117


# --- reasoning -----------------------------------------------------------------------------


@pytest.mark.cassette("openai/reasoning/o4_mini")
def test_reasoning_tokens_and_their_cost(cassette):
    resp = llmrelay.completion(
        model="o4-mini",
        messages=[
            {"role": "developer", "content": "Answer with the number only."},
            {"role": "user", "content": "How many prime numbers are there below 100?"},
        ],
        reasoning_effort="high",
        max_completion_tokens=2000,
        api_key=KEY,
    )
    usage = resp.usage
    assert resp.choices[0].message.content == "25"
    assert usage.completion_tokens_details.reasoning_tokens == 448
    assert usage.prompt_tokens_details.cached_tokens == 1152
    assert usage.completion_tokens == 456  # includes the reasoning tokens
    # uncached input + cached input at the cache-read rate + all output (reasoning too) at the output rate
    expected = (1310 - 1152) * 1.1e-06 + 1152 * 2.75e-07 + 456 * 4.4e-06
    assert resp._hidden_params["response_cost"] == pytest.approx(expected)
    assert llmrelay.completion_cost(resp) == pytest.approx(expected)
    assert llmrelay.supports_reasoning("o4-mini")


# --- embeddings ----------------------------------------------------------------------------


@pytest.mark.cassette("openai/embeddings/dimensions")
def test_embedding_with_dimensions(cassette):
    resp = llmrelay.embedding(
        model="text-embedding-3-small",
        input="The food was delicious and the waiter was kind.",
        dimensions=8,
        api_key=KEY,
    )
    assert len(resp.data) == 1 and len(resp.data[0].embedding) == 8
    assert resp.data[0].embedding[0] == pytest.approx(-0.41502336)
    assert resp.usage.prompt_tokens == 11
    assert resp._hidden_params["response_cost"] == pytest.approx(11 * 2.0e-08)


@pytest.mark.cassette("openai/embeddings/base64")
def test_embedding_base64_encoding(cassette):
    resp = llmrelay.embedding(
        model="openai/text-embedding-3-large",
        input=["first", "second"],
        encoding_format="base64",
        dimensions=4,
        api_key=KEY,
    )
    assert [d.index for d in resp.data] == [0, 1]
    raw = resp.data[1].embedding
    assert isinstance(raw, str)
    assert struct.unpack("<4f", base64.b64decode(raw)) == pytest.approx(
        (-0.0654, 0.0987, -0.0111, 0.0222), rel=1e-5
    )


# --- images --------------------------------------------------------------------------------


@pytest.mark.cassette("openai/images/dalle3_url")
def test_dalle3_url_response(cassette):
    resp = llmrelay.image_generation(
        prompt="A watercolour lighthouse at dawn",
        model="dall-e-3",
        n=1,
        size="1024x1024",
        quality="standard",
        style="natural",
        api_key=KEY,
    )
    image = resp.data[0]
    assert image.url.startswith("https://oaidalleapiprodscus.blob.core.windows.net/")
    assert image.revised_prompt.startswith("A soft watercolour painting")
    assert image.b64_json is None
    assert resp._hidden_params["response_cost"] == pytest.approx(0.04)


@pytest.mark.cassette("openai/images/gpt_image_b64")
def test_gpt_image_b64_with_usage(cassette):
    resp = llmrelay.image_generation(
        prompt="A flat icon of a paper plane",
        model="gpt-image-1",
        size="1024x1024",
        quality="medium",
        background="transparent",
        output_format="png",
        api_key=KEY,
    )
    assert base64.b64decode(resp.data[0].b64_json).startswith(b"\x89PNG")
    assert resp.usage["output_tokens"] == 1056
    assert resp.usage["input_tokens_details"]["text_tokens"] == 16
    assert resp.output_format == "png" and resp.background == "transparent"


# --- legacy completions --------------------------------------------------------------------


@pytest.mark.cassette("openai/text_completion/instruct")
def test_text_completion_instruct(cassette):
    resp = llmrelay.text_completion(
        model="gpt-3.5-turbo-instruct", prompt="Say this is a test", max_tokens=7, temperature=0, api_key=KEY
    )
    assert resp.object == "text_completion"
    assert resp.choices[0].text == "\n\nThis is a test."
    assert resp.usage.total_tokens == 11
    assert resp._hidden_params["response_cost"] == pytest.approx(5 * 1.5e-06 + 6 * 2.0e-06)


# --- errors --------------------------------------------------------------------------------


@pytest.mark.cassette("openai/errors/context_length")
def test_context_length_exceeded(cassette):
    with pytest.raises(exceptions.ContextWindowExceededError) as info:
        llmrelay.completion(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "long document ..."}], api_key=KEY
        )
    err = info.value
    assert isinstance(err, exceptions.BadRequestError)
    assert err.status_code == 400 and err.code == "context_length_exceeded"
    assert "maximum context length is 128000 tokens" in err.message
    assert err.llm_provider == "openai" and err.model == "gpt-4o-mini"


@pytest.mark.cassette("openai/errors/invalid_api_key")
def test_invalid_api_key(cassette):
    with pytest.raises(exceptions.AuthenticationError) as info:
        llmrelay.completion(model="gpt-4o-mini", messages=USER, api_key="sk-bad")
    assert info.value.status_code == 401
    assert info.value.message.startswith("Incorrect API key provided")


@pytest.mark.cassette("openai/errors/model_not_found")
def test_model_not_found(cassette):
    with pytest.raises(exceptions.NotFoundError) as info:
        llmrelay.completion(model="openai/gpt-4o-minii", messages=USER, api_key=KEY)
    assert info.value.status_code == 404
    assert info.value.code == "model_not_found"


@pytest.mark.cassette("openai/errors/rate_limit")
def test_rate_limit_carries_retry_after(cassette):
    with pytest.raises(exceptions.RateLimitError) as info:
        llmrelay.completion(model="gpt-4o-mini", messages=USER, api_key=KEY, num_retries=0)
    err = info.value
    assert err.status_code == 429 and err.code == "rate_limit_exceeded"
    assert err.retry_after == 20.0
    assert err.response.headers["x-ratelimit-remaining-requests"] == "0"


@pytest.mark.cassette("openai/errors/rate_limit_then_ok")
def test_rate_limit_is_retried_after_retry_after(cassette):
    resp = llmrelay.completion(model="gpt-4o-mini", messages=USER, api_key=KEY, num_retries=1)
    assert resp.choices[0].message.content == "Yellow"


@pytest.mark.cassette("openai/errors/server_error")
def test_server_error(cassette):
    with pytest.raises(exceptions.InternalServerError) as info:
        llmrelay.completion(model="gpt-4o-mini", messages=USER, api_key=KEY, num_retries=0)
    assert info.value.status_code == 500
    assert "The server had an error" in info.value.message


@pytest.mark.cassette("openai/errors/stream_error")
def test_error_object_inside_a_200_stream(cassette):
    stream = llmrelay.completion(model="gpt-4o-mini", messages=USER, stream=True, api_key=KEY)
    seen = []
    with pytest.raises(exceptions.InternalServerError) as info:
        for chunk in stream:
            seen.append(chunk.choices[0].delta.content)
    assert seen == ["", "Gre"]
    assert info.value.llm_provider == "openai"
    assert "The server had an error" in info.value.message


def test_model_table_rows():
    info = llmrelay.get_model_info("gpt-4.1")
    assert (info["max_input_tokens"], info["max_output_tokens"]) == (1047576, 32768)
    assert info["cache_read_input_token_cost"] == 5.0e-07
    assert llmrelay.get_model_info("gpt-5-mini")["supports_reasoning"] is True
    assert llmrelay.get_model_info("gpt-3.5-turbo-instruct")["mode"] == "completion"
    assert llmrelay.get_model_info("text-embedding-3-large")["output_vector_size"] == 3072
    assert not llmrelay.supports_reasoning("gpt-4o")


@pytest.mark.cassette("openai/reasoning/gpt5_stream")
def test_gpt5_stream_reasoning_usage_and_cost(cassette):
    stream = llmrelay.completion(
        model="gpt-5-mini",
        messages=[{"role": "user", "content": "Capital of France? One word."}],
        reasoning_effort="minimal",
        verbosity="low",
        stream=True,
        stream_options={"include_usage": True},
        api_key=KEY,
    )
    chunks = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Paris"
    usage = chunks[-1].usage
    assert usage.completion_tokens_details.reasoning_tokens == 192
    assert usage.completion_tokens == 203
    # reasoning is billed as output: 203 output tokens at gpt-5-mini's output rate
    assert stream.response_cost == pytest.approx(24 * 2.5e-07 + 203 * 2.0e-06)


@pytest.mark.cassette("openai/reasoning/o3_mini_max_tokens")
def test_max_tokens_goes_out_as_max_completion_tokens_for_reasoning_models(cassette):
    resp = llmrelay.completion(
        model="o3-mini",
        messages=[{"role": "user", "content": "Is 97 prime? Answer yes or no."}],
        max_tokens=300,
        reasoning_effort="low",
        api_key=KEY,
    )
    assert resp.choices[0].message.content == "Yes"
    assert resp.usage.completion_tokens_details.reasoning_tokens == 64
    assert resp._hidden_params["response_cost"] == pytest.approx(17 * 1.1e-06 + 75 * 4.4e-06)
