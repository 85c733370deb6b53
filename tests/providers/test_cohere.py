"""Cohere v2 (Chat and Embed), replayed from cassettes/cohere/ (sync and async).

Each test asserts the translated OpenAI-format fields; the cassette's json_body matcher checks the
request the SDK sent (OpenAI names renamed, tool_choice in upper case, the bare schema).
"""

from __future__ import annotations

import json

import llmrelay
import pytest

KEY = {"api_key": "co-test-key"}
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a given location",
        "parameters": {
            "type": "object",
            "properties": {"location": {"type": "string", "description": "The city, e.g. Toronto"}},
            "required": ["location"],
        },
    },
}
PERSON_TOOL = {
    "type": "function",
    "function": {
        "name": "Person",
        "description": "Record a person",
        "parameters": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "description": "The name of the person"},
                "age": {"type": "integer", "description": "The age of the person"},
            },
            "required": ["name", "age"],
        },
    },
}


async def _call(is_async: bool, **kwargs):
    if is_async:
        return await llmrelay.acompletion(**kwargs)
    return llmrelay.completion(**kwargs)


async def _embed(is_async: bool, **kwargs):
    if is_async:
        return await llmrelay.aembedding(**kwargs)
    return llmrelay.embedding(**kwargs)


async def _chunks(stream, is_async: bool) -> list:
    if is_async:
        return [chunk async for chunk in stream]
    return list(stream)


both = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])


# --- chat ------------------------------------------------------------------------------------


@both
@pytest.mark.cassette("cohere/chat/basic")
async def test_chat_basic(cassette, is_async):
    resp = await _call(
        is_async,
        model="cohere/command-r-plus-08-2024",
        messages=[
            {"role": "system", "content": "You are a terse assistant."},
            {"role": "user", "content": "Say hello in three words."},
        ],
        temperature=0.3,
        top_p=0.9,
        max_tokens=20,
        stop="\n\n",
        seed=42,
        frequency_penalty=0.1,
        presence_penalty=0.2,
        **KEY,
    )
    assert resp.id == "c14c80c3-18eb-4519-9460-6c92edd8cfb4"
    assert resp.model == "command-r-plus-08-2024"
    assert resp.object == "chat.completion"
    choice = resp.choices[0]
    assert choice.message.role == "assistant"
    assert choice.message.content == "Hello there, friend!"
    assert choice.message.tool_calls is None
    assert choice.finish_reason == "stop"
    # `tokens` (not billed_units) is what OpenAI's usage counts
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens, resp.usage.total_tokens) == (77, 5, 82)
    assert resp._hidden_params["custom_llm_provider"] == "cohere"
    assert resp._hidden_params["response_cost"] == pytest.approx(77 * 2.5e-06 + 5 * 1.0e-05)


@pytest.mark.cassette("cohere/chat/basic")
def test_chat_key_from_co_api_key_env(cassette, monkeypatch):
    monkeypatch.delenv("COHERE_API_KEY", raising=False)
    monkeypatch.setenv("CO_API_KEY", "co-test-key")
    resp = llmrelay.completion(
        model="cohere/command-r-plus-08-2024",
        messages=[
            {"role": "system", "content": "You are a terse assistant."},
            {"role": "user", "content": "Say hello in three words."},
        ],
        temperature=0.3,
        top_p=0.9,
        max_tokens=20,
        stop=["\n\n"],
        seed=42,
        frequency_penalty=0.1,
        presence_penalty=0.2,
    )
    assert resp.choices[0].message.content == "Hello there, friend!"


@both
@pytest.mark.cassette("cohere/chat/json_schema")
async def test_chat_json_schema_and_length(cassette, is_async):
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
        "required": ["city", "country"],
    }
    resp = await _call(
        is_async,
        model="command-a-03-2025",  # a bare name resolves to cohere
        messages=[{"role": "user", "content": "Name a city and its country."}],
        max_completion_tokens=30,
        response_format={"type": "json_schema", "json_schema": {"name": "place", "schema": schema}},
        **KEY,
    )
    assert json.loads(resp.choices[0].message.content) == {"city": "Lisbon", "country": "Portugal"}
    assert resp.choices[0].finish_reason == "length"
    assert resp.usage.prompt_tokens == 1042


@both
@pytest.mark.cassette("cohere/chat/documents")
async def test_chat_documents_citations_as_annotations(cassette, is_async):
    resp = await _call(
        is_async,
        model="cohere/command-r-08-2024",
        messages=[{"role": "user", "content": "Where do emperor penguins live?"}],
        documents=[
            {
                "id": "doc-0",
                "data": {"title": "Emperor penguins", "snippet": "Emperor penguins live only in Antarctica."},
            }
        ],
        citation_options={"mode": "ACCURATE"},
        **KEY,
    )
    message = resp.choices[0].message
    assert message.content == "Emperor penguins live only in Antarctica."
    assert message.annotations == [
        {
            "type": "url_citation",
            "url_citation": {
                "start_index": 28,
                "end_index": 39,
                "title": "Emperor penguins",
                "url": "source:doc-0",
            },
        }
    ]
    assert resp._hidden_params["response_cost"] == pytest.approx(803 * 1.5e-07 + 28 * 6.0e-07)


# --- stream ------------------------------------------------------------------------------------


@both
@pytest.mark.cassette("cohere/stream/basic")
async def test_stream_text_with_usage(cassette, is_async):
    stream = await _call(
        is_async,
        model="cohere/command-r-08-2024",
        messages=[{"role": "user", "content": "Count to three."}],
        max_tokens=50,
        stream=True,
        stream_options={"include_usage": True},
        **KEY,
    )
    chunks = await _chunks(stream, is_async)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert all(c.id == "3ec845ed-ebb1-4223-9648-4e5632d5c6b5" for c in chunks)
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    text = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert text == ["One,", " two,", " three."]
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["stop"]
    last = chunks[-1]
    assert last.choices == []
    assert (last.usage.prompt_tokens, last.usage.completion_tokens, last.usage.total_tokens) == (70, 6, 76)


@pytest.mark.cassette("cohere/stream/basic")
def test_stream_hides_usage_chunk_without_include_usage(cassette):
    stream = llmrelay.completion(
        model="cohere/command-r-08-2024",
        messages=[{"role": "user", "content": "Count to three."}],
        max_tokens=50,
        stream=True,
        **KEY,
    )
    chunks = list(stream)
    assert all(c.choices for c in chunks)
    rebuilt = llmrelay.stream_chunk_builder(chunks)
    assert rebuilt.choices[0].message.content == "One, two, three."


@both
@pytest.mark.cassette("cohere/stream/documents")
async def test_stream_citations_in_provider_fields(cassette, is_async):
    stream = await _call(
        is_async,
        model="cohere/command-r-08-2024",
        messages=[{"role": "user", "content": "Where do emperor penguins live?"}],
        documents=[
            {
                "id": "doc-0",
                "data": {"title": "Emperor penguins", "snippet": "Emperor penguins live only in Antarctica."},
            }
        ],
        stream=True,
        **KEY,
    )
    chunks = await _chunks(stream, is_async)
    assert (
        "".join(c.choices[0].delta.content or "" for c in chunks)
        == "Emperor penguins live only in Antarctica."
    )
    cited = [
        c.choices[0].delta.provider_specific_fields["citations"]
        for c in chunks
        if c.choices[0].delta.provider_specific_fields
    ]
    assert len(cited) == 1
    [citation] = cited[0]
    assert (citation["start"], citation["end"], citation["text"]) == (30, 41, "Antarctica.")
    assert citation["sources"][0]["id"] == "doc-0"


# --- tools -------------------------------------------------------------------------------------


@both
@pytest.mark.cassette("cohere/tools/basic")
async def test_tools_required_choice(cassette, is_async):
    resp = await _call(
        is_async,
        model="cohere/command-a-03-2025",
        messages=[{"role": "user", "content": "What's the weather in Toronto?"}],
        tools=[WEATHER_TOOL],
        tool_choice="required",
        **KEY,
    )
    choice = resp.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    [call] = choice.message.tool_calls
    assert call.id == "get_weather_1byjy32y4hvq"
    assert call.type == "function"
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"location": "Toronto"}
    assert choice.message.provider_specific_fields == {"tool_plan": "I will look up the weather in Toronto."}
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens) == (1421, 56)


@pytest.mark.cassette("cohere/tools/basic")
def test_tools_named_choice_offers_only_that_function(cassette):
    other = {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object"}}}
    resp = llmrelay.completion(
        model="cohere/command-a-03-2025",
        messages=[{"role": "user", "content": "What's the weather in Toronto?"}],
        tools=[WEATHER_TOOL, other],
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
        **KEY,
    )
    assert resp.choices[0].message.tool_calls[0].function.name == "get_weather"


@both
@pytest.mark.cassette("cohere/tools/tool_result")
async def test_tool_result_turn(cassette, is_async):
    resp = await _call(
        is_async,
        model="cohere/command-a-03-2025",
        messages=[
            {"role": "user", "content": "What's the weather in Toronto?"},
            {
                "role": "assistant",
                "tool_calls": [
                    {
                        "id": "get_weather_1byjy32y4hvq",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"location":"Toronto"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "get_weather_1byjy32y4hvq", "content": '{"temperature": "-3C"}'},
        ],
        tools=[WEATHER_TOOL],
        tool_choice="auto",  # the default: not sent
        **KEY,
    )
    message = resp.choices[0].message
    assert message.content == "It's -3°C in Toronto right now."
    assert message.annotations is None  # tool-output citations cite no document
    assert resp.choices[0].finish_reason == "stop"


@both
@pytest.mark.cassette("cohere/tools_stream/basic")
async def test_tools_stream(cassette, is_async):
    stream = await _call(
        is_async,
        model="cohere/command-r-08-2024",
        messages=[{"role": "user", "content": "Erick, 27 years old"}],
        tools=[PERSON_TOOL],
        temperature=0.0,
        stream=True,
        stream_options={"include_usage": True},
        **KEY,
    )
    chunks = await _chunks(stream, is_async)
    deltas = [c.choices[0].delta.tool_calls for c in chunks if c.choices and c.choices[0].delta.tool_calls]
    first = deltas[0][0]
    assert (first.index, first.id, first.type, first.function.name) == (
        0,
        "Person_2fnrphbsnr66",
        "function",
        "Person",
    )
    arguments = "".join(d[0].function.arguments or "" for d in deltas)
    assert json.loads(arguments) == {"name": "Erick", "age": 27}
    assert all(d[0].index == 0 for d in deltas)
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["tool_calls"]
    assert (chunks[-1].usage.prompt_tokens, chunks[-1].usage.completion_tokens) == (906, 77)
    rebuilt = llmrelay.stream_chunk_builder(chunks)
    assert rebuilt.choices[0].message.tool_calls[0].function.name == "Person"


# --- reasoning ---------------------------------------------------------------------------------


@both
@pytest.mark.cassette("cohere/reasoning/thinking")
async def test_reasoning_thinking_block(cassette, is_async):
    resp = await _call(
        is_async,
        model="cohere/command-a-reasoning-08-2025",
        messages=[{"role": "user", "content": "Is 97 prime? Answer yes or no."}],
        thinking={"type": "enabled", "token_budget": 200},
        **KEY,
    )
    message = resp.choices[0].message
    assert message.content == "Yes."
    assert message.reasoning_content == "97 is not divisible by 2, 3, 5 or 7, and 11 squared is over 97."
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens) == (520, 30)


@both
@pytest.mark.cassette("cohere/reasoning/thinking_stream")
async def test_reasoning_thinking_stream(cassette, is_async):
    stream = await _call(
        is_async,
        model="cohere/command-a-reasoning-08-2025",
        messages=[{"role": "user", "content": "Is 97 prime? Answer yes or no."}],
        thinking={"type": "enabled", "token_budget": 200},
        stream=True,
        **KEY,
    )
    chunks = await _chunks(stream, is_async)
    reasoning = [c.choices[0].delta.reasoning_content for c in chunks if c.choices[0].delta.reasoning_content]
    assert reasoning == ["97 is not divisible", " by 2, 3, 5 or 7."]
    text = [c.choices[0].delta.content for c in chunks if c.choices[0].delta.content]
    assert text == ["Yes."]


# --- embeddings --------------------------------------------------------------------------------


@both
@pytest.mark.cassette("cohere/embeddings/basic")
async def test_embeddings_default_input_type(cassette, is_async):
    resp = await _embed(is_async, model="cohere/embed-english-v3.0", input=["hello", "goodbye"], **KEY)
    assert resp.object == "list"
    assert [e.index for e in resp.data] == [0, 1]
    assert resp.data[0].embedding == [0.016296387, -0.008354187, -0.04699707, -0.07104492]
    assert resp.data[1].embedding == [0.025787354, -0.0037784576, -0.05636597, -0.04559326]
    assert resp.model == "embed-english-v3.0"
    assert resp.usage.prompt_tokens == resp.usage.total_tokens == 2
    assert resp._hidden_params["response_cost"] == pytest.approx(2 * 1.0e-07)


@both
@pytest.mark.cassette("cohere/embeddings/options")
async def test_embeddings_dimensions_encoding_and_input_type(cassette, is_async):
    resp = await _embed(
        is_async,
        model="cohere/embed-v4.0",
        input="Hello, world!",
        dimensions=256,
        encoding_format="float",
        input_type="search_query",
        **KEY,
    )
    assert [e.embedding for e in resp.data] == [[-0.018445116, 0.008921167, -0.0011377502, 0.050874762]]
    assert resp.usage.prompt_tokens == 4


@both
@pytest.mark.cassette("cohere/embeddings/image")
async def test_embeddings_image_data_uri(cassette, is_async):
    image = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    resp = await _embed(is_async, model="cohere/embed-v4.0", input=[image], **KEY)
    assert [e.embedding for e in resp.data] == [[0.0123291, -0.04248047, 0.0289917, -0.0065307617]]
    assert resp.usage.prompt_tokens == 1


# --- errors ------------------------------------------------------------------------------------

ERRORS = [
    ("cohere/errors/400", "BadRequestError", 400, "message must be at least 1 token long"),
    ("cohere/errors/401", "AuthenticationError", 401, "invalid api token"),
    ("cohere/errors/429", "RateLimitError", 429, "limited to 10 API calls / minute"),
    ("cohere/errors/498", "BadRequestError", 498, "blocked output"),
    ("cohere/errors/500", "ServiceUnavailableError", 500, "internal server error"),
    ("cohere/errors/context_window", "ContextWindowExceededError", 400, "too many tokens"),
]


@both
@pytest.mark.parametrize(
    ("scenario", "name", "status", "message"), ERRORS, ids=[e[0].rsplit("/", 1)[1] for e in ERRORS]
)
async def test_error_statuses(request, scenario, name, status, message, is_async):
    request.node.add_marker(pytest.mark.cassette(scenario))
    request.getfixturevalue("cassette")
    with pytest.raises(llmrelay.exceptions.LLMRelayError) as info:
        await _call(
            is_async,
            model="cohere/command-r-08-2024",
            messages=[{"role": "user", "content": "Hello"}],
            num_retries=0,
            **KEY,
        )
    exc = info.value
    assert type(exc).__name__ == name
    assert exc.status_code == status
    assert exc.llm_provider == "cohere"
    assert message in exc.message


@both
@pytest.mark.cassette("cohere/errors/stream_error")
async def test_stream_error_in_message_end_raises(cassette, is_async):
    stream = await _call(
        is_async,
        model="cohere/command-r-08-2024",
        messages=[{"role": "user", "content": "Hello"}],
        stream=True,
        **KEY,
    )
    seen = []
    with pytest.raises(llmrelay.ServiceUnavailableError) as info:
        if is_async:
            async for chunk in stream:
                seen.append(chunk)
        else:
            for chunk in stream:
                seen.append(chunk)
    assert "generation failed" in info.value.message
    assert info.value.llm_provider == "cohere"
    assert "".join(c.choices[0].delta.content or "" for c in seen if c.choices) == "Hel"


@pytest.mark.cassette("cohere/errors/404")
def test_embedding_unknown_model_not_found(cassette):
    with pytest.raises(llmrelay.NotFoundError) as info:
        llmrelay.embedding(model="cohere/nonexistent", input="Hello", **KEY)
    assert info.value.status_code == 404
    assert "model 'nonexistent' not found" in info.value.message


def test_unsupported_param_refused_unless_dropped():
    with pytest.raises(llmrelay.UnsupportedParamsError):
        llmrelay.completion(
            model="cohere/command-r-08-2024",
            messages=[{"role": "user", "content": "Hi"}],
            logprobs=True,
            **KEY,
        )


# --- cohere_chat/<model>: LiteLLM's chat route, the same v2 wire ---------------------------------


@both
@pytest.mark.cassette("cohere_chat/chat/basic")
async def test_cohere_chat_v2_route_prefix_is_not_sent(cassette, is_async):
    resp = await _call(
        is_async,
        model="cohere_chat/v2/command-r-plus",
        messages=[
            {"role": "user", "content": [{"type": "text", "text": "What is 2 + 2? Answer with a digit."}]}
        ],
        max_tokens=5,
        **KEY,
    )
    assert resp.model == "command-r-plus"
    assert resp.choices[0].message.content == "4"
    assert resp._hidden_params["custom_llm_provider"] == "cohere_chat"
    assert resp._hidden_params["response_cost"] == pytest.approx(80 * 2.5e-06 + 1 * 1.0e-05)


@both
@pytest.mark.cassette("cohere_chat/stream/basic")
async def test_cohere_chat_stream_stop_sequence(cassette, is_async):
    stream = await _call(
        is_async,
        model="cohere_chat/command-r7b-12-2024",
        messages=[{"role": "user", "content": "List two colours, one per line."}],
        stop=["\n"],
        stream=True,
        **KEY,
    )
    chunks = await _chunks(stream, is_async)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Red"
    assert [c.choices[0].finish_reason for c in chunks if c.choices[0].finish_reason] == ["stop"]
    assert all(c.id == "7c1d3e5f-9a2b-4c6d-8e0f-1a3b5c7d9e2f" for c in chunks)


@both
@pytest.mark.cassette("cohere_chat/tools/basic")
async def test_cohere_chat_tool_choice_none(cassette, is_async):
    resp = await _call(
        is_async,
        model="cohere_chat/command-r-08-2024",
        messages=[{"role": "user", "content": "What's the weather in Toronto?"}],
        tools=[WEATHER_TOOL],
        tool_choice="none",
        **KEY,
    )
    assert resp.choices[0].message.tool_calls is None
    assert resp.choices[0].message.content == "I can't check live weather without using a tool."
    assert resp.choices[0].finish_reason == "stop"


@both
@pytest.mark.cassette("cohere_chat/tools_stream/parallel")
async def test_cohere_chat_parallel_tool_calls_stream(cassette, is_async):
    stream = await _call(
        is_async,
        model="cohere_chat/command-a-03-2025",
        messages=[{"role": "user", "content": "Weather in Toronto and in Paris?"}],
        tools=[WEATHER_TOOL],
        stream=True,
        **KEY,
    )
    chunks = await _chunks(stream, is_async)
    rebuilt = llmrelay.stream_chunk_builder(chunks)
    calls = rebuilt.choices[0].message.tool_calls
    assert [c.id for c in calls] == ["get_weather_a1b2c3d4e5f6", "get_weather_f6e5d4c3b2a1"]
    assert [json.loads(c.function.arguments) for c in calls] == [
        {"location": "Toronto"},
        {"location": "Paris"},
    ]
    assert rebuilt.choices[0].finish_reason == "tool_calls"


@pytest.mark.cassette("cohere_chat/errors/404")
async def test_cohere_chat_unknown_model(cassette):
    with pytest.raises(llmrelay.NotFoundError) as info:
        await llmrelay.acompletion(
            model="cohere_chat/command-x", messages=[{"role": "user", "content": "Hello"}], **KEY
        )
    assert info.value.llm_provider == "cohere_chat"
    assert "model 'command-x' not found" in info.value.message


def test_cohere_chat_offers_no_embeddings():
    with pytest.raises(llmrelay.exceptions.LLMRelayError):
        llmrelay.embedding(model="cohere_chat/embed-english-v3.0", input="hi", **KEY)


# --- routing and connection ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "provider", "name"),
    [
        ("command-r", "cohere", "command-r"),
        ("embed-english-v3.0", "cohere", "embed-english-v3.0"),
        ("cohere/command-r-plus", "cohere", "command-r-plus"),
        ("cohere_chat/command-r-plus", "cohere_chat", "command-r-plus"),
    ],
)
def test_model_names_resolve(model, provider, name):
    from llmrelay import registry

    assert registry.split_model(model) == (provider, name)


@pytest.mark.parametrize(
    ("api_base", "url"),
    [
        ("https://api.cohere.com/v2/chat", "https://api.cohere.com/v2/chat"),  # LiteLLM's full-URL form
        ("https://proxy.example.test", "https://proxy.example.test/v2/chat"),
    ],
)
def test_api_base_full_url_or_host(api_base, url):
    from llmrelay import registry
    from llmrelay.adapter import Call

    adapter = registry.get_adapter("cohere")
    call = Call(
        provider="cohere",
        model="command-r",
        capability="chat",
        params={"messages": [{"role": "user", "content": "Hi"}]},
        api_base=api_base,
        api_key="co-test-key",
    )
    assert adapter.chat_request(call).url == url
