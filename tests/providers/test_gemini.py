"""The Gemini (AI Studio) dialect, replayed from cassettes/gemini/ (sync and async).

Each test asserts the translated OpenAI-format fields; the cassette's json_body matcher checks the
request the SDK sent (contents/parts, generationConfig, tools…) field by field.
"""

from __future__ import annotations

import json

import llmrelay
import pytest
import yaml
from llmrelay.transforms.parts import SIGNATURE_SEPARATOR

from tests.conftest import CASSETTES
from tests.providers.sync_async import both
from tests.providers.sync_async import call as _call
from tests.providers.sync_async import chunks as _chunks

KEY = {"api_key": "AIza-test-key"}
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city"],
            "additionalProperties": False,
        },
        "strict": True,
    },
}
SEARCH_TOOL = {
    "type": "function",
    "function": {
        "name": "search_docs",
        "description": "A tiny search tool.",
        "parameters": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]},
    },
}


async def _embed(is_async: bool, **kwargs):
    if is_async:
        return await llmrelay.aembedding(**kwargs)
    return llmrelay.embedding(**kwargs)


# --- chat -------------------------------------------------------------------------------------


@both
@pytest.mark.cassette("gemini/chat/basic")
async def test_chat_translates_text_usage_id_and_model(cassette, is_async):
    resp = await _call(
        is_async,
        model="gemini/gemini-2.0-flash",
        messages=[{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Say hello."}],
        temperature=0.2,
        top_p=0.9,
        max_tokens=20,
        stop="\n\n",
        presence_penalty=0.5,
        frequency_penalty=0.25,
        seed=7,
        **KEY,
    )
    assert resp.id == "8m0laJXdH9i-nvgP4ZvOmQ4"
    assert resp.model == "gemini-2.0-flash"
    assert resp.object == "chat.completion"
    choice = resp.choices[0]
    assert choice.message.role == "assistant"
    assert choice.message.content == "Hello!\n"
    assert choice.message.tool_calls is None
    assert choice.finish_reason == "stop"
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens, resp.usage.total_tokens) == (9, 3, 12)
    assert resp.usage.prompt_tokens_details.text_tokens == 9
    assert resp._hidden_params["custom_llm_provider"] == "gemini"
    assert resp._hidden_params["response_cost"] == pytest.approx(9 * 1.0e-07 + 3 * 4.0e-07)


@both
@pytest.mark.cassette("gemini/chat/basic")
async def test_bare_model_name_resolves_to_gemini(cassette, is_async):
    resp = await _call(
        is_async,
        model="gemini-2.0-flash",
        messages=[
            {"role": "developer", "content": "You are terse."},
            {"role": "user", "content": "Say hello."},
        ],
        temperature=0.2,
        top_p=0.9,
        max_completion_tokens=20,
        stop=["\n\n"],
        presence_penalty=0.5,
        frequency_penalty=0.25,
        seed=7,
        **KEY,
    )
    assert resp.choices[0].message.content == "Hello!\n"


@both
@pytest.mark.cassette("gemini/chat/vision")
async def test_images_go_inline_or_by_reference_and_thinking_tokens_are_output(cassette, is_async):
    content = [
        {"type": "text", "text": "Describe both images in one sentence each."},
        {
            "type": "image_url",
            "image_url": {
                "url": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="
            },
        },
        {
            "type": "image_url",
            "image_url": "https://storage.googleapis.com/generativeai-downloads/images/scones.jpg",
        },
    ]
    resp = await _call(
        is_async, model="gemini/gemini-2.5-flash", messages=[{"role": "user", "content": content}], **KEY
    )
    assert resp.choices[0].message.content.startswith("The first image is a single red pixel.")
    usage = resp.usage
    assert usage.prompt_tokens == 526
    assert usage.completion_tokens == 27 + 508  # thoughts are output, as OpenAI counts reasoning
    assert usage.total_tokens == 1061
    assert usage.completion_tokens_details.reasoning_tokens == 508
    assert (usage.prompt_tokens_details.text_tokens, usage.prompt_tokens_details.image_tokens) == (10, 516)
    assert resp.choices[0].message.reasoning_content is None
    expected = 526 * 3.0e-07 + (27 + 508) * 2.5e-06
    assert resp._hidden_params["response_cost"] == pytest.approx(expected)


@both
@pytest.mark.cassette("gemini/chat/json_schema")
async def test_json_schema_candidates_top_k_and_safety_settings(cassette, is_async):
    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string", "description": "The city name"},
            "population": {"type": ["integer", "null"]},
        },
        "required": ["city"],
        "additionalProperties": False,
    }
    resp = await _call(
        is_async,
        model="gemini/gemini-2.0-flash",
        messages=[{"role": "user", "content": "Name one city in France."}],
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "city", "schema": schema, "strict": True},
        },
        n=2,
        top_k=40,
        safety_settings=[{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}],
        **KEY,
    )
    assert [c.index for c in resp.choices] == [0, 1]
    assert json.loads(resp.choices[0].message.content) == {"city": "Paris", "population": 2102650}
    assert json.loads(resp.choices[1].message.content) == {"city": "Lyon", "population": None}
    assert all(c.finish_reason == "stop" for c in resp.choices)
    assert resp.usage.completion_tokens == 30


@both
@pytest.mark.cassette("gemini/chat/blocked_prompt")
async def test_blocked_prompt_is_a_content_filter_answer(cassette, is_async):
    resp = await _call(
        is_async,
        model="gemini/gemini-2.0-flash",
        messages=[{"role": "user", "content": "Write something the safety filter blocks."}],
        **KEY,
    )
    assert len(resp.choices) == 1
    assert resp.choices[0].finish_reason == "content_filter"
    assert resp.choices[0].message.content is None
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens) == (8, 0)
    assert resp._hidden_params["prompt_feedback"]["blockReason"] == "SAFETY"


@both
@pytest.mark.cassette("gemini/chat/cached_max_tokens")
async def test_cached_content_tokens_and_max_tokens_finish(cassette, is_async):
    resp = await _call(
        is_async,
        model="gemini/gemini-2.5-flash",
        messages=[{"role": "user", "content": "Summarise the cached report."}],
        max_tokens=16,
        cached_content="cachedContents/x9l2k7q1w3e4",
        thinking={"type": "enabled", "budget_tokens": 0},
        **KEY,
    )
    assert resp.choices[0].finish_reason == "length"
    usage = resp.usage
    assert usage.prompt_tokens == 4107
    assert usage.prompt_tokens_details.cached_tokens == 4096
    assert usage.cache_read_input_tokens == 4096
    assert usage.completion_tokens == 16
    expected = (4107 - 4096) * 3.0e-07 + 4096 * 3.0e-08 + 16 * 2.5e-06
    assert resp._hidden_params["response_cost"] == pytest.approx(expected)


# --- stream -----------------------------------------------------------------------------------


@both
@pytest.mark.cassette("gemini/stream/basic")
async def test_stream_chunks_and_final_usage(cassette, is_async):
    stream = await _call(
        is_async,
        model="gemini/gemini-2.0-flash",
        messages=[
            {"role": "system", "content": "You are a helpful chatbot."},
            {"role": "user", "content": "What is the capital of France?"},
        ],
        temperature=0.0,
        stream=True,
        stream_options={"include_usage": True},
        **KEY,
    )
    chunks = await _chunks(stream, is_async)
    content_chunks = [c for c in chunks if c.choices]
    assert content_chunks[0].choices[0].delta.role == "assistant"
    assert all(c.choices[0].delta.role is None for c in content_chunks[1:])
    assert (
        "".join(c.choices[0].delta.content or "" for c in content_chunks)
        == "The capital of France is Paris.\n"
    )
    assert [c.choices[0].finish_reason for c in content_chunks] == [None, None, "stop"]
    assert all(c.id == "w1peaMz6INOvnvgPgYfPiQY" and c.object == "chat.completion.chunk" for c in chunks)
    last = chunks[-1]
    assert last.choices == []
    assert (last.usage.prompt_tokens, last.usage.completion_tokens, last.usage.total_tokens) == (13, 8, 21)
    rebuilt = llmrelay.stream_chunk_builder(chunks)
    assert rebuilt.choices[0].message.content == "The capital of France is Paris.\n"
    assert rebuilt.usage.total_tokens == 21


@both
@pytest.mark.cassette("gemini/stream/basic")
async def test_stream_without_include_usage_hides_the_usage_chunk(cassette, is_async):
    stream = await _call(
        is_async,
        model="gemini/gemini-2.0-flash",
        messages=[
            {"role": "system", "content": "You are a helpful chatbot."},
            {"role": "user", "content": "What is the capital of France?"},
        ],
        temperature=0.0,
        stream=True,
        **KEY,
    )
    chunks = await _chunks(stream, is_async)
    assert all(c.choices for c in chunks)
    assert stream.usage.total_tokens == 21


# --- tools ------------------------------------------------------------------------------------


@both
@pytest.mark.cassette("gemini/tools/parallel")
async def test_function_calls_become_tool_calls(cassette, is_async):
    resp = await _call(
        is_async,
        model="gemini/gemini-2.0-flash",
        messages=[{"role": "user", "content": "What is the weather in Paris and in Tokyo?"}],
        tools=[WEATHER_TOOL],
        tool_choice="required",
        parallel_tool_calls=True,
        **KEY,
    )
    choice = resp.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    calls = choice.message.tool_calls
    assert [c.function.name for c in calls] == ["get_weather", "get_weather"]
    assert [json.loads(c.function.arguments) for c in calls] == [{"city": "Paris"}, {"city": "Tokyo"}]
    assert all(c.type == "function" and c.id.startswith("call_") for c in calls)
    assert calls[0].id != calls[1].id
    assert SIGNATURE_SEPARATOR not in calls[0].id  # no signature, nothing appended


@both
@pytest.mark.cassette("gemini/tools/signature_round_trip")
async def test_thought_signature_round_trips_through_the_tool_call_id(cassette, is_async):
    messages = [
        {"role": "system", "content": "Use the tools when needed. Be concise."},
        {"role": "user", "content": "Can you search for information about recurring revenue?"},
    ]
    first = await _call(
        is_async, model="gemini/gemini-2.5-pro", messages=messages, tools=[SEARCH_TOOL], **KEY
    )
    call = first.choices[0].message.tool_calls[0]
    signature = call.provider_specific_fields["thought_signature"]
    assert signature.startswith("CrUEAdHtim9V")
    assert call.id.endswith(SIGNATURE_SEPARATOR + signature)
    assert first.usage.completion_tokens == 16 + 132
    # A client that keeps only id/name/arguments still sends the signature back (it is in the id).
    assistant = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.function.name, "arguments": call.function.arguments},
            }
        ],
    }
    tool = {"role": "tool", "tool_call_id": call.id, "content": "Found reference for: recurring revenue"}
    second = await _call(
        is_async,
        model="gemini/gemini-2.5-pro",
        messages=[*messages, assistant, tool],
        tools=[SEARCH_TOOL],
        **KEY,
    )
    assert second.choices[0].message.content.startswith("Recurring revenue is income")
    assert second.choices[0].finish_reason == "stop"


@both
@pytest.mark.cassette("gemini/tools/signature_round_trip")
async def test_thought_signature_round_trips_with_model_dump(cassette, is_async):
    messages = [
        {"role": "system", "content": "Use the tools when needed. Be concise."},
        {"role": "user", "content": "Can you search for information about recurring revenue?"},
    ]
    first = await _call(
        is_async, model="gemini/gemini-2.5-pro", messages=messages, tools=[SEARCH_TOOL], **KEY
    )
    message = first.choices[0].message
    tool = {
        "role": "tool",
        "tool_call_id": message.tool_calls[0].id,
        "content": "Found reference for: recurring revenue",
    }
    second = await _call(
        is_async,
        model="gemini/gemini-2.5-pro",
        messages=[*messages, message.model_dump(), tool],
        tools=[SEARCH_TOOL],
        **KEY,
    )
    assert second.usage.completion_tokens_details.reasoning_tokens == 65


@both
@pytest.mark.cassette("gemini/tools/google_search")
async def test_web_search_options_adds_google_search_and_keeps_grounding(cassette, is_async):
    resp = await _call(
        is_async,
        model="gemini/gemini-2.5-flash",
        messages=[{"role": "user", "content": "Who won the Euro 2024?"}],
        web_search_options={},
        **KEY,
    )
    message = resp.choices[0].message
    assert message.content.startswith("Spain won Euro 2024")
    grounding = resp.vertex_ai_grounding_metadata[0]
    assert grounding["webSearchQueries"] == ["UEFA Euro 2024 winner"]
    assert message.annotations == [
        {
            "type": "url_citation",
            "url_citation": {
                "start_index": 0,
                "end_index": 56,
                "url": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbF9wXE1",
                "title": "uefa.com",
            },
        }
    ]
    assert resp.usage.prompt_tokens == 9 + 61  # the search results read by the model count as prompt
    assert resp.usage.completion_tokens == 15 + 40
    assert resp.usage.total_tokens == 125


@both
@pytest.mark.cassette("gemini/tools_stream/thought_signature")
async def test_streamed_function_call_is_one_whole_delta(cassette, is_async):
    stream = await _call(
        is_async,
        model="gemini/gemini-3-pro-preview",
        messages=[{"role": "user", "content": "What is the capital of the user country? Call the tool"}],
        tools=[
            {
                "type": "function",
                "function": {
                    "name": "get_country",
                    "description": "The user's country.",
                    "parameters": {"type": "object", "properties": {}},
                },
            }
        ],
        stream=True,
        stream_options={"include_usage": True},
        **KEY,
    )
    chunks = await _chunks(stream, is_async)
    tool_chunks = [c for c in chunks if c.choices and c.choices[0].delta.tool_calls]
    assert len(tool_chunks) == 1
    delta = tool_chunks[0].choices[0].delta
    assert delta.role == "assistant"
    (call,) = delta.tool_calls
    assert (call.index, call.type, call.function.name, call.function.arguments) == (
        0,
        "function",
        "get_country",
        "{}",
    )
    assert call.id.startswith("call_") and SIGNATURE_SEPARATOR + "EpwICpkIAXLI2nx" in call.id
    assert [c.choices[0].finish_reason for c in chunks if c.choices] == [None, "tool_calls"]
    assert chunks[-1].usage.completion_tokens == 10 + 202
    rebuilt = llmrelay.stream_chunk_builder(chunks)
    assert rebuilt.choices[0].finish_reason == "tool_calls"
    assert rebuilt.choices[0].message.tool_calls[0].id == call.id


# --- reasoning --------------------------------------------------------------------------------


@both
@pytest.mark.cassette("gemini/reasoning/thoughts")
async def test_thought_parts_become_reasoning_and_go_back_with_their_signature(cassette, is_async):
    question = {"role": "user", "content": "How many r's are in strawberry?"}
    first = await _call(
        is_async, model="gemini/gemini-2.5-flash", messages=[question], reasoning_effort="low", **KEY
    )
    message = first.choices[0].message
    assert message.content == 'There are 3 r\'s in "strawberry".'
    assert message.reasoning_content.startswith("**Counting the letters**")
    assert message.thinking_blocks == [{"type": "thinking", "thinking": message.reasoning_content}]
    assert message.provider_specific_fields["thought_signatures"][0].startswith("CiQBcsjafA9Y")
    usage = first.usage
    assert (usage.completion_tokens, usage.completion_tokens_details.reasoning_tokens) == (11 + 304, 304)
    expected = 10 * 3.0e-07 + (11 + 304) * 2.5e-06
    assert first._hidden_params["response_cost"] == pytest.approx(expected)
    second = await _call(
        is_async,
        model="gemini/gemini-2.5-flash",
        messages=[question, message.model_dump(), {"role": "user", "content": "And in raspberry?"}],
        reasoning_effort="low",
        **KEY,
    )
    assert second.choices[0].message.content == 'There are 3 r\'s in "raspberry".'
    assert getattr(second.choices[0].message, "provider_specific_fields", None) is None


@both
@pytest.mark.cassette("gemini/reasoning/thinking_stream")
async def test_streamed_thoughts_are_reasoning_deltas(cassette, is_async):
    stream = await _call(
        is_async,
        model="gemini/gemini-2.5-pro",
        messages=[{"role": "user", "content": "Is 221 prime?"}],
        thinking={"type": "enabled", "budget_tokens": 2048},
        stream=True,
        **KEY,
    )
    chunks = await _chunks(stream, is_async)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[0].choices[0].delta.reasoning_content.startswith("**Checking small factors**")
    assert chunks[0].choices[0].delta.content is None
    assert chunks[1].choices[0].delta.content == "No. 221 = 13 × 17, so it is not prime."
    assert chunks[1].choices[0].delta.provider_specific_fields["thought_signatures"][0].startswith("CiQB")
    rebuilt = llmrelay.stream_chunk_builder(chunks)
    assert rebuilt.choices[0].message.reasoning_content.startswith("**Checking small factors**")
    assert rebuilt.choices[0].finish_reason == "stop"
    assert stream.usage.completion_tokens_details.reasoning_tokens == 212
    assert stream.usage.completion_tokens == 17 + 212


# --- embeddings -------------------------------------------------------------------------------


def _recorded_vectors(name: str) -> list[list[float]]:
    data = yaml.safe_load((CASSETTES / "gemini" / "embeddings" / f"{name}.yaml").read_text())
    return [e["values"] for e in data["interactions"][0]["response"]["json"]["embeddings"]]


@both
@pytest.mark.cassette("gemini/embeddings/batch")
async def test_embeddings_batch(cassette, is_async):
    resp = await _embed(
        is_async, model="gemini/text-embedding-004", input=["Hello, world!", "The quick brown fox."], **KEY
    )
    vectors = _recorded_vectors("batch")
    assert resp.object == "list"
    assert [e.index for e in resp.data] == [0, 1]
    assert [e.embedding for e in resp.data] == vectors
    assert len(resp.data[0].embedding) == 768
    assert resp.model == "text-embedding-004"
    # The API reports no usage: the prompt tokens are counted locally.
    expected = llmrelay.token_counter(
        model="text-embedding-004", text="Hello, world!"
    ) + llmrelay.token_counter(model="text-embedding-004", text="The quick brown fox.")
    assert resp.usage.prompt_tokens == resp.usage.total_tokens == expected > 0


@both
@pytest.mark.cassette("gemini/embeddings/dimensions_task_type")
async def test_embeddings_dimensions_and_task_type(cassette, is_async):
    resp = await _embed(
        is_async,
        model="gemini/gemini-embedding-001",
        input="What is the meaning of life?",
        dimensions=128,
        task_type="RETRIEVAL_QUERY",
        **KEY,
    )
    assert len(resp.data) == 1
    assert resp.data[0].embedding == _recorded_vectors("dimensions_task_type")[0]
    assert resp._hidden_params["response_cost"] == pytest.approx(resp.usage.prompt_tokens * 1.5e-07)


# --- errors -----------------------------------------------------------------------------------

ERRORS = [
    (
        "gemini/errors/400_invalid_argument",
        "gemini-2.0-flash",
        "BadRequestError",
        400,
        "Invalid JSON payload",
    ),
    (
        "gemini/errors/400_api_key_invalid",
        "gemini-2.5-flash",
        "AuthenticationError",
        400,
        "API key not valid",
    ),
    (
        "gemini/errors/400_context_window",
        "gemini-2.0-flash",
        "ContextWindowExceededError",
        400,
        "input token count",
    ),
    (
        "gemini/errors/403_permission_denied",
        "gemini-2.5-flash",
        "PermissionDeniedError",
        403,
        "does not have permission",
    ),
    (
        "gemini/errors/404_not_found",
        "gemini-2.5-flahs",
        "NotFoundError",
        404,
        "is not found for API version v1beta",
    ),
    (
        "gemini/errors/429_resource_exhausted",
        "gemini-2.5-flash",
        "RateLimitError",
        429,
        "exceeded your current quota",
    ),
    ("gemini/errors/500_internal", "gemini-2.5-flash", "InternalServerError", 500, "internal error"),
    ("gemini/errors/503_unavailable", "gemini-2.5-flash", "ServiceUnavailableError", 503, "overloaded"),
]


@both
@pytest.mark.parametrize(
    "scenario, model, error, status, text", ERRORS, ids=[e[0].rsplit("/", 1)[-1] for e in ERRORS]
)
async def test_errors_are_classified(request, scenario, model, error, status, text, is_async):
    request.node.add_marker(pytest.mark.cassette(scenario))
    request.getfixturevalue("cassette")
    cls = getattr(llmrelay, error)
    with pytest.raises(cls) as info:
        await _call(
            is_async,
            model=f"gemini/{model}",
            messages=[{"role": "user", "content": "Hello"}],
            num_retries=0,
            **KEY,
        )
    exc = info.value
    assert type(exc).__name__ == error
    assert exc.status_code == status
    assert exc.llm_provider == "gemini"
    assert exc.model == model
    assert text.lower() in exc.message.lower()


@pytest.mark.cassette("gemini/errors/400_api_key_invalid")
def test_api_key_invalid_keeps_google_error_reason(cassette):
    with pytest.raises(llmrelay.AuthenticationError) as info:
        llmrelay.completion(
            model="gemini/gemini-2.5-flash",
            messages=[{"role": "user", "content": "Hello"}],
            num_retries=0,
            **KEY,
        )
    assert info.value.code == "API_KEY_INVALID"
    assert info.value.body["error"]["status"] == "INVALID_ARGUMENT"


@both
@pytest.mark.cassette("gemini/errors/embeddings_404")
async def test_embedding_error(cassette, is_async):
    with pytest.raises(llmrelay.NotFoundError):
        await _embed(is_async, model="gemini/nonexistent-model", input="Hello, world!", num_retries=0, **KEY)


@both
@pytest.mark.cassette("gemini/errors/stream_429")
async def test_stream_refused_before_it_starts(cassette, is_async):
    with pytest.raises(llmrelay.RateLimitError):
        stream = await _call(
            is_async,
            model="gemini/gemini-2.5-flash",
            messages=[{"role": "user", "content": "Hello"}],
            stream=True,
            num_retries=0,
            **KEY,
        )
        await _chunks(stream, is_async)


# --- connection -------------------------------------------------------------------------------


def test_key_goes_in_the_google_header_and_env_vars_are_read(monkeypatch):
    from llmrelay import registry
    from llmrelay.adapter import Call

    adapter = registry.get_adapter("gemini")
    monkeypatch.setenv("GOOGLE_API_KEY", "from-google-env")
    assert adapter.resolve_api_key(None) == "from-google-env"
    monkeypatch.setenv("GEMINI_API_KEY", "from-gemini-env")
    assert adapter.resolve_api_key(None) == "from-gemini-env"  # GEMINI_API_KEY first, as LiteLLM
    monkeypatch.setenv("GEMINI_API_BASE", "https://proxy.example/v1beta")
    base = adapter.resolve_api_base(None)
    call = Call(
        provider="gemini",
        model="gemini-2.5-flash",
        capability="chat",
        params={"messages": [{"role": "user", "content": "hi"}]},
        api_base=base,
        api_key="secret",
    )
    prepared = adapter.chat_request(call)
    assert prepared.url == "https://proxy.example/v1beta/models/gemini-2.5-flash:generateContent"
    assert prepared.headers["x-goog-api-key"] == "secret"
    assert "secret" not in prepared.url


def test_missing_key_is_a_clear_error_before_any_io():
    with pytest.raises(llmrelay.AuthenticationError, match="GEMINI_API_KEY"):
        llmrelay.completion(model="gemini/gemini-2.5-flash", messages=[{"role": "user", "content": "hi"}])


def test_unsupported_openai_param_is_refused_unless_dropped():
    with pytest.raises(llmrelay.UnsupportedParamsError, match="logit_bias"):
        llmrelay.completion(
            model="gemini/gemini-2.5-flash",
            messages=[{"role": "user", "content": "hi"}],
            logit_bias={"1": 1},
            **KEY,
        )


def test_model_table():
    info = llmrelay.get_model_info("gemini/gemini-2.5-pro")
    assert info["max_input_tokens"] == 1048576
    assert info["input_cost_per_token_above_200k_tokens"] == 2.5e-06
    assert llmrelay.supports_reasoning("gemini-2.5-flash")
    assert llmrelay.get_model_info("gemini-embedding-001")["mode"] == "embedding"
    # Long prompts are priced at the above-200k rates.
    prompt, completion = llmrelay.cost_per_token(
        "gemini/gemini-2.5-pro", prompt_tokens=250_000, completion_tokens=10
    )
    assert prompt == pytest.approx(250_000 * 2.5e-06)
    assert completion == pytest.approx(10 * 1.5e-05)


# --- the cassettes agree with the OpenAPI subset ----------------------------------------------

GEMINI_CASSETTES = sorted((CASSETTES / "gemini").glob("*/*.yaml"))


def _extras(model) -> list[str]:
    """Keys the OpenAPI subset does not declare, anywhere in a validated wire object."""
    from pydantic import BaseModel

    found = [f"{type(model).__name__}.{key}" for key in (model.__pydantic_extra__ or {})]
    for name in type(model).model_fields:
        value = getattr(model, name)
        values = (
            value if isinstance(value, list) else list(value.values()) if isinstance(value, dict) else [value]
        )
        found += [extra for item in values if isinstance(item, BaseModel) for extra in _extras(item)]
    return found


@pytest.mark.parametrize("path", GEMINI_CASSETTES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_cassette_bodies_match_the_openapi_subset(path):
    from llmrelay.generated.gemini import wire

    for interaction in yaml.safe_load(path.read_text())["interactions"]:
        request, response = interaction["request"], interaction["response"]
        embed = request["uri"].split("?")[0].endswith(":batchEmbedContents")
        sent = (wire.BatchEmbedContentsRequest if embed else wire.GenerateContentRequest).model_validate(
            request["json"]
        )
        assert _extras(sent) == []
        if response["status"] != 200:
            bodies, model = [response["json"]], wire.ErrorResponse
        elif "sse" in response:
            bodies, model = [event["data"] for event in response["sse"]], wire.GenerateContentResponse
        else:
            bodies = [response["json"]]
            model = wire.BatchEmbedContentsResponse if embed else wire.GenerateContentResponse
        for body in bodies:
            assert _extras(model.model_validate(body)) == []


# --- over real HTTP on the loopback interface ---------------------------------------------------


@pytest.fixture
def upstream():
    from tests.core.fake_upstream import FakeUpstream

    server = FakeUpstream()
    yield server
    server.close()


def _gemini_chunk(text: str, finish: str | None = None, **extra) -> dict:
    candidate = {"content": {"parts": [{"text": text}], "role": "model"}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    return {"candidates": [candidate], "modelVersion": "gemini-2.5-flash", "responseId": "loop1", **extra}


@both
async def test_loopback_stream_with_crlf_events_split_across_packets(upstream, is_async):
    from tests.core.fake_upstream import Answer

    usage = {"promptTokenCount": 4, "candidatesTokenCount": 2, "totalTokenCount": 6}
    body = (
        f"data: {json.dumps(_gemini_chunk('Bon'))}\r\n\r\n"
        f"data: {json.dumps(_gemini_chunk('jour', 'STOP', usageMetadata=usage))}\r\n\r\n"
    ).encode()
    cut = body.index(b"\r\n\r\n") + 1  # the first event's CRLF pair split between two packets
    upstream.queue(Answer(pieces=[body[:7], body[7:cut], body[cut:]]))
    base = upstream.base.replace("/v1", "/v1beta")
    stream = await _call(
        is_async,
        model="gemini/gemini-2.5-flash",
        messages=[{"role": "user", "content": "Say hello in French"}],
        stream=True,
        stream_options={"include_usage": True},
        api_base=base,
        **KEY,
    )
    chunks = await _chunks(stream, is_async)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Bonjour"
    assert chunks[-1].usage.total_tokens == 6
    (seen,) = upstream.seen
    assert seen.path == "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    assert seen.headers["x-goog-api-key"] == KEY["api_key"]
    assert seen.body == {"contents": [{"role": "user", "parts": [{"text": "Say hello in French"}]}]}


@both
async def test_loopback_error_inside_a_200_stream_raises_from_the_iterator(upstream, is_async):
    from tests.core.fake_upstream import Answer, sse

    error = {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}
    upstream.queue(Answer(pieces=sse(_gemini_chunk("Par"), error)))
    stream = await _call(
        is_async,
        model="gemini/gemini-2.5-flash",
        messages=[{"role": "user", "content": "hi"}],
        stream=True,
        api_base=upstream.base.replace("/v1", "/v1beta"),
        **KEY,
    )
    received = []
    with pytest.raises(llmrelay.ServiceUnavailableError, match="overloaded"):
        if is_async:
            async for chunk in stream:
                received.append(chunk)
        else:
            for chunk in stream:
                received.append(chunk)
    assert received[0].choices[0].delta.content == "Par"


def test_loopback_embeddings(upstream):
    from tests.core.fake_upstream import Answer

    upstream.queue(Answer(json={"embeddings": [{"values": [0.5, -0.25]}, {"values": [0.125, 1.0]}]}))
    resp = llmrelay.embedding(
        model="gemini/gemini-embedding-001",
        input=["a", "b"],
        dimensions=2,
        api_base=upstream.base.replace("/v1", "/v1beta"),
        **KEY,
    )
    assert [e.embedding for e in resp.data] == [[0.5, -0.25], [0.125, 1.0]]
    (seen,) = upstream.seen
    assert seen.path == "/v1beta/models/gemini-embedding-001:batchEmbedContents"
    assert [r["outputDimensionality"] for r in seen.body["requests"]] == [2, 2]


@pytest.mark.cassette("gemini/errors/429_resource_exhausted")
def test_a_429_takes_its_wait_from_the_body_retry_info(cassette):
    # Gemini sends no Retry-After header: the wait is google.rpc.RetryInfo.retryDelay in the body.
    with pytest.raises(llmrelay.RateLimitError) as info:
        llmrelay.completion(
            model="gemini/gemini-2.5-flash",
            messages=[{"role": "user", "content": "Hello"}],
            num_retries=0,
            **KEY,
        )
    assert info.value.retry_after == 37.0
