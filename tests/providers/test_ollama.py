"""Ollama, replayed from cassettes/ollama_chat/ (``/api/chat``) and cassettes/ollama/ (``/api/generate``).

Each test asserts the translated OpenAI-format fields; the cassette's json_body matcher checks the
request the SDK sent (``stream: false``, ``options``, ``format``, ``think``, images, tool history…).
"""

from __future__ import annotations

import json

import llmrelay
import pytest
import yaml
from llmrelay import registry
from llmrelay.adapter import Call

from tests.conftest import ROOT
from tests.providers.sync_async import both
from tests.providers.sync_async import call as _call
from tests.providers.sync_async import chunks as _chunks

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_current_weather",
        "description": "Get the current weather for a location",
        "parameters": {
            "type": "object",
            "properties": {
                "location": {
                    "type": "string",
                    "description": "The location to get the weather for, e.g. San Francisco, CA",
                },
                "format": {
                    "type": "string",
                    "description": "The format to return the weather in, e.g. 'celsius' or 'fahrenheit'",
                    "enum": ["celsius", "fahrenheit"],
                },
            },
            "required": ["location", "format"],
        },
    },
}
TEMPERATURE_TOOL = {
    "type": "function",
    "function": {
        "name": "get_temperature",
        "description": "Get the current temperature for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "description": "The name of the city"}},
            "required": ["city"],
        },
    },
}
PREFIXES = ("ollama", "ollama_chat")
PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


async def _embed(is_async: bool, **kwargs):
    if is_async:
        return await llmrelay.aembedding(**kwargs)
    return llmrelay.embedding(**kwargs)


# --- chat (/api/chat) ---------------------------------------------------------------------------


@both
@pytest.mark.cassette("ollama_chat/chat/basic")
async def test_chat_sends_options_and_translates_message_and_usage(cassette, is_async):
    resp = await _call(
        is_async,
        model="ollama_chat/llama3.1",
        api_base="http://localhost:11434",
        messages=[
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Why is the sky blue?"},
        ],
        temperature=0.2,
        top_p=0.9,
        max_tokens=40,
        seed=42,
        stop="\n\n",
        num_ctx=4096,
        keep_alive="5m",
    )
    assert resp.object == "chat.completion"
    assert resp.model == "llama3.1"
    assert resp.id.startswith("chatcmpl-")
    assert resp.created == 1762251151  # created_at 2025-11-04T10:12:31Z
    choice = resp.choices[0]
    assert choice.message.role == "assistant"
    assert choice.message.content.startswith("Sunlight scatters off air molecules")
    assert choice.finish_reason == "stop"
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens, resp.usage.total_tokens) == (26, 19, 45)
    assert llmrelay.completion_cost(resp) == 0.0  # a local model


@pytest.mark.cassette("ollama_chat/chat/basic")
def test_chat_default_api_base_with_max_completion_tokens(cassette):
    """No api_base: the local server at localhost:11434; max_completion_tokens is num_predict too."""
    resp = llmrelay.completion(
        model="ollama_chat/llama3.1",
        messages=[
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Why is the sky blue?"},
        ],
        temperature=0.2,
        top_p=0.9,
        max_completion_tokens=40,
        seed=42,
        stop=["\n\n"],
        num_ctx=4096,
        keep_alive="5m",
    )
    assert resp.usage.total_tokens == 45


@pytest.mark.parametrize("provider, path", [("ollama_chat", "/api/chat"), ("ollama", "/api/generate")])
def test_no_key_no_authorization_header_and_a_key_is_a_bearer_token(provider, path):
    """A local server needs no key; a server behind auth (ollama.com) takes a bearer token."""
    adapter = registry.get_adapter(provider)
    messages = [{"role": "user", "content": "Hi"}]
    local = Call(provider, "llama3.1", "chat", {"messages": messages}, adapter.resolve_api_base(None), None)
    request = adapter.chat_request(local)
    assert request.url == f"http://localhost:11434{path}"
    assert "Authorization" not in request.headers
    cloud = Call(provider, "gpt-oss:120b", "chat", {"messages": messages}, "https://ollama.com", "ok-key")
    request = adapter.chat_request(cloud)
    assert request.url == f"https://ollama.com{path}"
    assert request.headers["Authorization"] == "Bearer ok-key"


@pytest.mark.cassette("ollama_chat/chat/basic")
def test_chat_api_base_from_environment(cassette, monkeypatch):
    monkeypatch.setenv("OLLAMA_API_BASE", "http://localhost:11434/")
    resp = llmrelay.completion(
        model="ollama_chat/llama3.1",
        messages=[
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Why is the sky blue?"},
        ],
        temperature=0.2,
        top_p=0.9,
        max_tokens=40,
        seed=42,
        stop="\n\n",
        num_ctx=4096,
        keep_alive="5m",
    )
    assert resp.choices[0].finish_reason == "stop"


@both
@pytest.mark.cassette("ollama_chat/chat/length")
async def test_chat_length_finish(cassette, is_async):
    resp = await _call(
        is_async,
        model="ollama_chat/llama3",
        messages=[{"role": "user", "content": "Tell me a joke about OpenTelemetry"}],
        max_tokens=8,
    )
    assert resp.choices[0].finish_reason == "length"
    assert resp.choices[0].message.content == "A joke about OpenTelemetry!\n\nWhy did"
    assert resp.usage.completion_tokens == 8


@both
@pytest.mark.cassette("ollama_chat/chat/vision")
async def test_chat_image_goes_as_bare_base64(cassette, is_async):
    resp = await _call(
        is_async,
        model="ollama_chat/llava",
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is in this image?"},
                    {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PIXEL}"}},
                ],
            }
        ],
    )
    assert resp.choices[0].message.content == " The image is a single white pixel."
    assert resp.usage.prompt_tokens == 591


@both
@pytest.mark.cassette("ollama_chat/chat/json_schema")
async def test_chat_json_schema_becomes_format(cassette, is_async):
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
        "required": ["city", "country"],
    }
    resp = await _call(
        is_async,
        model="ollama_chat/llama3.1",
        messages=[{"role": "user", "content": "What is the capital of France?"}],
        response_format={"type": "json_schema", "json_schema": {"name": "CityLocation", "schema": schema}},
    )
    assert json.loads(resp.choices[0].message.content) == {"city": "Paris", "country": "France"}


# --- stream -----------------------------------------------------------------------------------


@both
@pytest.mark.cassette("ollama_chat/stream/basic")
async def test_stream_translates_ndjson_lines(cassette, is_async):
    stream = await _call(
        is_async,
        model="ollama_chat/llama3",
        messages=[{"role": "user", "content": "Tell me a joke about OpenTelemetry"}],
        temperature=0.0,
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = await _chunks(stream, is_async)
    content_chunks = [c for c in chunks if c.choices]
    assert content_chunks[0].choices[0].delta.role == "assistant"
    assert all(c.choices[0].delta.role is None for c in content_chunks[1:])
    text = "".join(c.choices[0].delta.content or "" for c in content_chunks)
    assert text == "Why did the span go to therapy?"
    assert [c.choices[0].finish_reason for c in content_chunks][-1] == "stop"
    assert all(c.choices[0].finish_reason is None for c in content_chunks[:-1])
    assert len({c.id for c in chunks}) == 1
    assert all(c.object == "chat.completion.chunk" and c.model == "llama3" for c in chunks)
    last = chunks[-1]
    assert last.choices == []
    assert (last.usage.prompt_tokens, last.usage.completion_tokens, last.usage.total_tokens) == (17, 50, 67)
    rebuilt = llmrelay.stream_chunk_builder(chunks)
    assert rebuilt.choices[0].message.content == "Why did the span go to therapy?"


@both
@pytest.mark.cassette("ollama_chat/stream/basic")
async def test_stream_without_include_usage_hides_the_usage_chunk(cassette, is_async):
    stream = await _call(
        is_async,
        model="ollama_chat/llama3",
        messages=[{"role": "user", "content": "Tell me a joke about OpenTelemetry"}],
        temperature=0.0,
        stream=True,
    )
    chunks = await _chunks(stream, is_async)
    assert all(c.choices for c in chunks)


@both
@pytest.mark.cassette("ollama_chat/errors/stream_error")
async def test_stream_error_line_raises(cassette, is_async):
    stream = await _call(
        is_async,
        model="ollama_chat/llama3.1",
        messages=[{"role": "user", "content": "Write a long story."}],
        stream=True,
        num_retries=0,
    )
    with pytest.raises(llmrelay.InternalServerError) as info:
        await _chunks(stream, is_async)
    assert "error was encountered while running the model" in info.value.message
    assert info.value.llm_provider == "ollama_chat"


# --- tools --------------------------------------------------------------------------------------


@both
@pytest.mark.cassette("ollama_chat/tools/weather")
async def test_tool_call_arguments_become_a_json_string_with_an_id(cassette, is_async):
    resp = await _call(
        is_async,
        model="ollama_chat/llama3.1",
        messages=[{"role": "user", "content": "What is the weather today in Paris?"}],
        tools=[WEATHER_TOOL],
        tool_choice="auto",
    )
    choice = resp.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    (call,) = choice.message.tool_calls
    assert call.type == "function"
    assert call.id.startswith("call_")
    assert call.function.name == "get_current_weather"
    assert json.loads(call.function.arguments) == {"format": "celsius", "location": "Paris, FR"}
    assert resp.usage.prompt_tokens == 122


@both
@pytest.mark.cassette("ollama_chat/tools/round_trip")
async def test_tool_history_sends_object_arguments_and_tool_name(cassette, is_async):
    resp = await _call(
        is_async,
        model="ollama_chat/llama3.1",
        messages=[
            {"role": "user", "content": "What is the weather today in Paris?"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_abc123",
                        "type": "function",
                        "function": {
                            "name": "get_current_weather",
                            "arguments": '{"location": "Paris, FR", "format": "celsius"}',
                        },
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_abc123", "content": "22 degrees celsius, sunny"},
        ],
        tools=[WEATHER_TOOL],
    )
    assert resp.choices[0].message.content == "It is 22 degrees celsius and sunny in Paris today."
    assert resp.choices[0].finish_reason == "stop"


@both
@pytest.mark.cassette("ollama_chat/tools_stream/weather")
async def test_streamed_tool_calls_arrive_whole(cassette, is_async):
    stream = await _call(
        is_async,
        model="ollama_chat/qwen3",
        messages=[{"role": "user", "content": "What is the temperature in New York and in London?"}],
        tools=[TEMPERATURE_TOOL],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = await _chunks(stream, is_async)
    deltas = [c.choices[0] for c in chunks if c.choices]
    calls = [tc for d in deltas for tc in (d.delta.tool_calls or [])]
    assert [tc.index for tc in calls] == [0, 1]
    assert all(tc.id.startswith("call_") and tc.type == "function" for tc in calls)
    assert len({tc.id for tc in calls}) == 2
    assert [json.loads(tc.function.arguments) for tc in calls] == [{"city": "New York"}, {"city": "London"}]
    assert deltas[0].delta.role == "assistant"
    assert deltas[-1].finish_reason == "tool_calls"
    assert chunks[-1].usage.total_tokens == 219
    rebuilt = llmrelay.stream_chunk_builder(chunks)
    assert [tc.function.name for tc in rebuilt.choices[0].message.tool_calls] == ["get_temperature"] * 2


@both
@pytest.mark.cassette("ollama_chat/errors/400_tools_unsupported")
async def test_tools_on_a_model_without_them_is_a_bad_request(cassette, is_async):
    tool = {
        "type": "function",
        "function": {
            "name": "lookup",
            "parameters": {"type": "object", "properties": {"q": {"type": "string"}}},
        },
    }
    with pytest.raises(llmrelay.BadRequestError) as info:
        await _call(
            is_async,
            model="ollama_chat/llama3",
            messages=[{"role": "user", "content": "Hello"}],
            tools=[tool],
            num_retries=0,
        )
    assert info.value.status_code == 400
    assert info.value.message == "registry.ollama.ai/library/llama3:latest does not support tools"


# --- reasoning ----------------------------------------------------------------------------------


@both
@pytest.mark.cassette("ollama_chat/reasoning/think")
async def test_reasoning_effort_sends_think_and_thinking_becomes_reasoning_content(cassette, is_async):
    resp = await _call(
        is_async,
        model="ollama_chat/qwen3",
        messages=[{"role": "user", "content": "How many letter r are in strawberry?"}],
        reasoning_effort="medium",
    )
    message = resp.choices[0].message
    assert message.content == 'There are 3 letter r\'s in "strawberry".'
    assert message.reasoning_content.startswith("Let me spell it: s-t-r-a-w-b-e-r-r-y.")
    assert resp.usage.completion_tokens == 96


@both
@pytest.mark.cassette("ollama_chat/reasoning/think_stream")
async def test_streamed_thinking_becomes_reasoning_deltas(cassette, is_async):
    stream = await _call(
        is_async,
        model="ollama_chat/gpt-oss:20b",
        messages=[{"role": "user", "content": "Is 17 prime?"}],
        reasoning_effort="low",
        stream=True,
    )
    chunks = await _chunks(stream, is_async)
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    reasoning = "".join(d.reasoning_content or "" for d in deltas)
    assert reasoning == "17 has no divisors besides 1 and itself."
    assert "".join(d.content or "" for d in deltas) == "Yes, 17 is prime."
    assert deltas[0].role == "assistant" and deltas[0].reasoning_content == "17 has no divisors"


# --- embeddings ---------------------------------------------------------------------------------


@both
@pytest.mark.cassette("ollama_chat/embeddings/batch")
async def test_embeddings_batch(cassette, is_async):
    resp = await _embed(
        is_async, model="ollama_chat/all-minilm", input=["Why is the sky blue?", "Why is the grass green?"]
    )
    assert [d.index for d in resp.data] == [0, 1]
    assert resp.data[0].embedding[:2] == [0.010071029, -0.0017594862]
    assert resp.data[1].embedding[-1] == 0.07272725
    assert resp.usage.prompt_tokens == 8
    assert resp.model == "all-minilm"


@both
@pytest.mark.cassette("ollama/embeddings/single")
async def test_embeddings_single_string_and_dimensions(cassette, is_async):
    resp = await _embed(is_async, model="ollama/nomic-embed-text", input="Why is the sky blue?", dimensions=4)
    (item,) = resp.data
    assert item.embedding == [0.023471225, -0.047619607, -0.16520298, 0.0045093675]
    assert resp.usage.total_tokens == 6


# --- errors -------------------------------------------------------------------------------------


@both
@pytest.mark.cassette("ollama_chat/errors/404_model_not_found")
async def test_model_not_found_is_not_found_error(cassette, is_async):
    with pytest.raises(llmrelay.NotFoundError) as info:
        await _call(
            is_async,
            model="ollama_chat/llama3.2",
            messages=[{"role": "user", "content": "Hello"}],
            num_retries=0,
        )
    exc = info.value
    assert exc.status_code == 404
    assert exc.llm_provider == "ollama_chat"
    assert exc.model == "llama3.2"
    assert exc.message == 'model "llama3.2" not found, try pulling it first'


@both
@pytest.mark.cassette("ollama/errors/404_model_not_found")
async def test_generate_model_not_found(cassette, is_async):
    with pytest.raises(llmrelay.NotFoundError) as info:
        await _call(
            is_async,
            model="ollama/mistral-nemo",
            messages=[{"role": "user", "content": "Hello"}],
            num_retries=0,
        )
    assert info.value.llm_provider == "ollama"
    assert "not found" in info.value.message


def test_http_image_url_is_refused_before_any_request():
    with pytest.raises(llmrelay.BadRequestError, match="base64"):
        llmrelay.completion(
            model="ollama_chat/llava",
            messages=[
                {
                    "role": "user",
                    "content": [{"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}],
                }
            ],
        )


# --- ollama/ (/api/generate) --------------------------------------------------------------------


@both
@pytest.mark.cassette("ollama/chat/basic")
async def test_generate_flattens_messages_into_a_prompt(cassette, is_async):
    resp = await _call(
        is_async,
        model="ollama/llama3",
        api_base="http://localhost:11434",
        messages=[
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Why is the sky blue?"},
        ],
        temperature=0.5,
        max_tokens=64,
    )
    assert resp.choices[0].message.content == "Rayleigh scattering sends blue light in every direction."
    assert resp.choices[0].finish_reason == "stop"
    assert resp.model == "llama3"
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens) == (26, 11)


@both
@pytest.mark.cassette("ollama/stream/basic")
async def test_generate_stream_reads_response_pieces(cassette, is_async):
    stream = await _call(
        is_async,
        model="ollama/llama3",
        messages=[{"role": "user", "content": "Tell me a joke about OpenTelemetry"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = await _chunks(stream, is_async)
    deltas = [c.choices[0] for c in chunks if c.choices]
    assert "".join(d.delta.content or "" for d in deltas) == "A joke about OpenTelemetry!"
    assert deltas[0].delta.role == "assistant"
    assert deltas[-1].finish_reason == "stop"
    assert chunks[-1].usage.total_tokens == 81


@both
@pytest.mark.cassette("ollama/reasoning/think")
async def test_generate_think_reads_top_level_thinking(cassette, is_async):
    resp = await _call(
        is_async,
        model="ollama/deepseek-r1",
        messages=[{"role": "user", "content": "How many r are in strawberry?"}],
        think=True,
    )
    assert resp.choices[0].message.content == 'There are three r\'s in "strawberry".'
    assert resp.choices[0].message.reasoning_content == "s-t-r-a-w-b-e-r-r-y: r at 3, 8 and 9."


def test_generate_refuses_tools():
    with pytest.raises(llmrelay.UnsupportedParamsError):
        llmrelay.completion(
            model="ollama/llama3.1", messages=[{"role": "user", "content": "Hi"}], tools=[WEATHER_TOOL]
        )


# --- model table --------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", ["ollama", "ollama_chat"])
def test_local_models_have_context_windows_and_cost_nothing(provider):
    info = llmrelay.get_model_info(f"{provider}/llama3.1")
    assert (info["max_input_tokens"], info["max_output_tokens"]) == (8192, 8192)
    assert info["supports_function_calling"] is True
    assert llmrelay.get_model_info(f"{provider}/gpt-oss:20b-cloud")["max_input_tokens"] == 131072
    resp = llmrelay.completion(
        model=f"{provider}/llama3.1", messages=[{"role": "user", "content": "Hi"}], mock_response="Hello"
    )
    assert llmrelay.completion_cost(resp) == 0.0


def test_both_prefixes_list_the_same_models():
    """Models are not inherited through extends: the two specs keep one table by hand."""
    tables = [yaml.safe_load((ROOT / "specs" / p / "provider.yaml").read_text())["models"] for p in PREFIXES]
    assert tables[0] == tables[1]


@both
@pytest.mark.cassette("ollama_chat/errors/500_out_of_memory")
async def test_out_of_memory_is_an_internal_server_error(cassette, is_async):
    with pytest.raises(llmrelay.InternalServerError) as info:
        await _call(
            is_async,
            model="ollama_chat/llama3:70b",
            messages=[{"role": "user", "content": "Hello"}],
            num_retries=0,
        )
    assert info.value.status_code == 500
    assert info.value.message.startswith("model requires more system memory")


@both
@pytest.mark.cassette("ollama_chat/errors/stream_404")
async def test_stream_of_a_missing_model_raises_not_found(cassette, is_async):
    with pytest.raises(llmrelay.NotFoundError) as info:
        stream = await _call(
            is_async,
            model="ollama_chat/llama3.2",
            messages=[{"role": "user", "content": "Hello"}],
            stream=True,
            num_retries=0,
        )
        await _chunks(stream, is_async)
    assert info.value.status_code == 404
    assert info.value.message == 'model "llama3.2" not found, try pulling it first'
