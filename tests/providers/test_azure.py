"""Azure OpenAI (``azure/<deployment>``), called the way LiteLLM users call it.

The cassettes' URIs pin the deployment path and ``api-version`` (the query is matched), their
json_body matcher pins the request body, and each test checks the translated answer field by
field: Azure's content-filter annotations kept as extras, the stream's opening
``prompt_filter_results`` chunk folded into the first real chunk, and Azure's error bodies
classified into LiteLLM's exceptions.
"""

from __future__ import annotations

import json

import llmrelay
import pytest
from llmrelay import exceptions, main

KEY = "azure-test-key"
BASE = "https://myres.openai.azure.com"
VERSION = "2024-10-21"
CAPITAL = [{"role": "user", "content": "What is the capital of France?"}]
HELLO = [{"role": "user", "content": "respond only with the word 'hello'"}]
WHERE = [
    {"role": "system", "content": "Answer succinctly."},
    {"role": "user", "content": "Where am I located?"},
]
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_location",
            "description": "The get_location tool will return the users city, state or province and country.",
            "parameters": {"type": "object", "properties": {}, "required": []},
        },
    }
]
PRIMARY = [{"role": "user", "content": "Name a primary colour. One word."}]
SAFE = {"filtered": False, "severity": "safe"}


def azure(**kwargs):
    return {"api_base": BASE, "api_version": VERSION, "api_key": KEY, **kwargs}


# --- chat ----------------------------------------------------------------------------------


@pytest.mark.cassette("azure/chat/basic")
def test_chat_keeps_content_filter_results_and_prices_by_served_model(cassette):
    resp = llmrelay.completion(
        model="azure/my-gpt4o-deployment", messages=CAPITAL, temperature=0.2, max_tokens=20, **azure()
    )
    assert resp.id == "chatcmpl-BAeyRj7gU6aCNSSAskAFbupBWYMIT"
    assert resp.model == "gpt-4o-2024-11-20"
    assert resp.choices[0].message.content == "The capital of France is **Paris**."
    assert resp.choices[0].finish_reason == "stop"
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens, resp.usage.total_tokens) == (14, 9, 23)
    assert resp.prompt_filter_results[0]["prompt_index"] == 0
    assert resp.prompt_filter_results[0]["content_filter_results"]["jailbreak"] == {
        "filtered": False,
        "detected": False,
    }
    assert resp.choices[0].content_filter_results["violence"] == SAFE
    assert resp._hidden_params["custom_llm_provider"] == "azure"
    assert resp._hidden_params["model"] == "my-gpt4o-deployment"
    # The deployment name is not in the table; the served model (azure/gpt-4o-2024-11-20) is.
    assert resp._hidden_params["response_cost"] == pytest.approx(14 * 2.5e-06 + 9 * 1.0e-05)


@pytest.mark.cassette("azure/chat/basic")
def test_chat_base_model_prices_the_deployment(cassette):
    resp = llmrelay.completion(
        model="azure/my-gpt4o-deployment",
        messages=CAPITAL,
        temperature=0.2,
        max_tokens=20,
        model_info={"base_model": "azure/gpt-4o-mini"},
        **azure(),
    )
    assert resp._hidden_params["response_cost"] == pytest.approx(14 * 1.5e-07 + 9 * 6.0e-07)


@pytest.mark.cassette("azure/chat/basic")
async def test_chat_from_environment(cassette, monkeypatch):
    monkeypatch.setenv("AZURE_API_BASE", BASE + "/")
    monkeypatch.setenv("AZURE_API_VERSION", VERSION)
    monkeypatch.setenv("AZURE_API_KEY", KEY)
    resp = await llmrelay.acompletion(
        model="azure/my-gpt4o-deployment", messages=CAPITAL, temperature=0.2, max_tokens=20
    )
    assert resp.choices[0].message.content == "The capital of France is **Paris**."


@pytest.mark.cassette("azure/chat/default_api_version")
def test_chat_default_api_version_and_ad_token(cassette):
    resp = llmrelay.completion(
        model="azure/gpt-4o", messages=CAPITAL, api_base=BASE, azure_ad_token="eyJ0eXAiOiJKV1Qi"
    )
    assert resp.choices[0].message.content == "Paris."
    assert resp._hidden_params["response_cost"] == pytest.approx(14 * 2.5e-06 + 2 * 1.0e-05)
    sent = cassette.requests[0]
    assert "api-version=2025-02-01-preview" in sent.uri


def _request(model: str, **kwargs):
    control, call_params = main._split_kwargs(kwargs)
    adapter, call = main._make_call(model, "chat", control, call_params)
    call.params["messages"] = PRIMARY
    return adapter.chat_request(call)


def test_api_key_goes_in_api_key_header():
    request = _request("azure/gpt-4o", **azure())
    assert request.url == f"{BASE}/openai/deployments/gpt-4o/chat/completions?api-version={VERSION}"
    assert request.headers["api-key"] == KEY
    assert "Authorization" not in request.headers


def test_ad_token_goes_as_bearer_and_is_never_sent_in_the_body(monkeypatch):
    request = _request("azure/gpt-4o", api_base=BASE, azure_ad_token="tok-1")
    assert request.headers["Authorization"] == "Bearer tok-1"
    assert "api-key" not in request.headers
    assert b"azure_ad_token" not in request.body
    monkeypatch.setenv("AZURE_AD_TOKEN", "tok-env")
    assert _request("azure/gpt-4o", api_base=BASE).headers["Authorization"] == "Bearer tok-env"


def test_api_version_argument_then_environment(monkeypatch):
    # LiteLLM reads AZURE_API_VERSION, then its own default; the argument wins over both.
    monkeypatch.setenv("AZURE_API_VERSION", "2024-06-01")
    assert _request("azure/gpt-4o", api_base=BASE, api_key=KEY).url.endswith("?api-version=2024-06-01")
    url = _request("azure/gpt-4o", api_base=BASE, api_key=KEY, api_version="2025-04-01-preview").url
    assert url.endswith("?api-version=2025-04-01-preview")


def test_missing_credentials_and_base():
    with pytest.raises(exceptions.AuthenticationError):
        _request("azure/gpt-4o", api_base=BASE)
    with pytest.raises(exceptions.BadRequestError, match="AZURE_API_BASE"):
        _request("azure/gpt-4o", api_key=KEY)


# --- stream --------------------------------------------------------------------------------


@pytest.mark.cassette("azure/stream/basic")
def test_stream_folds_prompt_filter_chunk_into_first_chunk(cassette):
    chunks = list(
        llmrelay.completion(
            model="azure/gpt-4.1", messages=HELLO, max_tokens=128, temperature=0.0, stream=True, **azure()
        )
    )
    assert all(chunk.choices for chunk in chunks)  # chunk.choices[0] works on every chunk
    first = chunks[0]
    assert first.id == "chatcmpl-CMHwHSxxowos1NHl5o045on0wBxiP"
    assert first.choices[0].delta.role == "assistant"
    assert first.prompt_filter_results[0]["content_filter_results"]["hate"] == SAFE
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "hello"
    assert chunks[1].choices[0].content_filter_results["sexual"] == SAFE
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert [c.model for c in chunks] == ["gpt-4.1-2025-04-14"] * 3


@pytest.mark.cassette("azure/stream/include_usage")
async def test_stream_include_usage(cassette):
    stream = await llmrelay.acompletion(
        model="azure/my-gpt4o-deployment",
        messages=[{"role": "user", "content": "Hey, what is up?"}],
        stream=True,
        stream_options={"include_usage": True},
        **azure(),
    )
    chunks = [chunk async for chunk in stream]
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Not much here."
    assert chunks[0].prompt_filter_results[0]["prompt_index"] == 0
    assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens == 16
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert stream.response_cost == pytest.approx(12 * 2.5e-06 + 4 * 1.0e-05)


# --- tools ---------------------------------------------------------------------------------


@pytest.mark.cassette("azure/tools/single")
def test_tool_call(cassette):
    resp = llmrelay.completion(
        model="azure/gpt-4.1", messages=WHERE, tools=TOOLS, max_tokens=16, temperature=0.0, **azure()
    )
    choice = resp.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    call = choice.message.tool_calls[0]
    assert (call.id, call.type, call.function.name, call.function.arguments) == (
        "call_fQ9SYkPVkwRd44xwxwdGdsR8",
        "function",
        "get_location",
        "{}",
    )
    assert resp._hidden_params["response_cost"] == pytest.approx(92 * 2.0e-06 + 11 * 8.0e-06)


@pytest.mark.cassette("azure/tools_stream/single")
def test_tool_call_stream(cassette):
    stream = llmrelay.completion(
        model="azure/gpt-4.1",
        messages=WHERE,
        tools=TOOLS,
        max_tokens=128,
        temperature=0.0,
        stream=True,
        **azure(),
    )
    chunks = list(stream)
    start = chunks[0].choices[0].delta.tool_calls[0]
    assert (start.id, start.function.name, start.index) == (
        "call_omZwPtDDILlXP9d5XoZhBoJn",
        "get_location",
        0,
    )
    assert "prompt_filter_results" in chunks[0].__pydantic_extra__
    assert chunks[1].choices[0].delta.tool_calls[0].function.arguments == "{}"
    assert chunks[-1].choices[0].finish_reason == "tool_calls"
    built = llmrelay.stream_chunk_builder(chunks)
    assert built.choices[0].message.tool_calls[0].function.name == "get_location"
    assert built.choices[0].message.tool_calls[0].function.arguments == "{}"


# --- embeddings and images -----------------------------------------------------------------


@pytest.mark.cassette("azure/embeddings/basic")
def test_embeddings(cassette):
    resp = llmrelay.embedding(
        model="azure/text-embedding-3-small",
        input=["Hello world", "Bonjour le monde"],
        dimensions=4,
        **azure(),
    )
    assert [item["index"] for item in resp.data] == [0, 1]
    assert resp.data[1]["embedding"] == [-0.5829217, 0.3404521, 0.5937812, -0.4426683]
    assert resp.model == "text-embedding-3-small"
    assert resp.usage.prompt_tokens == 6
    assert resp._hidden_params["response_cost"] == pytest.approx(6 * 2.2e-08)


@pytest.mark.cassette("azure/images/dalle3")
def test_image_generation(cassette):
    resp = llmrelay.image_generation(
        prompt="A watercolour lighthouse at dawn",
        model="azure/dall-e-3",
        n=1,
        size="1024x1024",
        quality="standard",
        **azure(),
    )
    image = resp.data[0]
    assert image.url.startswith("https://dalleprodsec.blob.core.windows.net/private/images/")
    assert image.revised_prompt.startswith("A soft watercolour painting of a white lighthouse")
    assert image.content_filter_results["violence"] == SAFE  # Azure's per-image annotations, kept
    assert image.prompt_filter_results["jailbreak"] == {"filtered": False, "detected": False}
    assert resp._hidden_params["response_cost"] == pytest.approx(0.044)


# --- errors --------------------------------------------------------------------------------


@pytest.mark.cassette("azure/errors/content_filter_prompt")
def test_prompt_refused_by_content_filter(cassette):
    with pytest.raises(exceptions.ContentPolicyViolationError) as info:
        llmrelay.completion(
            model="azure/gpt-4o",
            messages=[{"role": "user", "content": "Describe in detail how to hurt someone badly."}],
            **azure(),
        )
    err = info.value
    assert err.status_code == 400
    assert "content management policy" in err.message
    assert err.llm_provider == "azure"


@pytest.mark.cassette("azure/errors/content_filter_finish")
def test_answer_cut_by_content_filter(cassette):
    resp = llmrelay.completion(
        model="azure/gpt-4o",
        messages=[{"role": "user", "content": "Write a gritty battle scene."}],
        **azure(),
    )
    choice = resp.choices[0]
    assert choice.finish_reason == "content_filter"
    assert choice.content_filter_results["violence"] == {"filtered": True, "severity": "medium"}
    assert choice.message.content == "The swords clashed as the two armies met on the frozen plain"


@pytest.mark.cassette("azure/errors/invalid_key")
def test_invalid_key(cassette):
    with pytest.raises(exceptions.AuthenticationError) as info:
        llmrelay.completion(model="azure/gpt-4.1", messages=PRIMARY, **azure(api_key="bad-key"))
    assert info.value.status_code == 401
    assert "invalid subscription key" in info.value.message


@pytest.mark.cassette("azure/errors/deployment_not_found")
def test_deployment_not_found(cassette):
    with pytest.raises(exceptions.NotFoundError) as info:
        llmrelay.completion(model="azure/gpt-4o-typo", messages=PRIMARY, **azure())
    assert info.value.status_code == 404
    assert "deployment for this resource does not exist" in info.value.message


@pytest.mark.cassette("azure/errors/rate_limit")
def test_rate_limit(cassette):
    with pytest.raises(exceptions.RateLimitError) as info:
        llmrelay.completion(model="azure/gpt-4o", messages=PRIMARY, num_retries=0, **azure())
    assert info.value.status_code == 429
    assert "exceeded token rate limit" in info.value.message
    assert info.value.retry_after == pytest.approx(5.4)  # retry-after-ms is the finer of the two headers


# --- azure_ai: Azure AI Foundry model inference --------------------------------------------

FOUNDRY = "https://myproject.services.ai.azure.com"
SERVERLESS = "https://Llama-3-3-70B-Instruct-xkqz.eastus2.models.ai.azure.com"
SAY_HELLO = [{"role": "user", "content": "Say hello in one word."}]
FOUNDRY_VERSION = "2024-05-01-preview"


@pytest.mark.cassette("azure_ai/chat/foundry")
def test_foundry_chat_goes_to_models_path_with_api_version(cassette):
    resp = llmrelay.completion(
        model="azure_ai/Phi-4",
        messages=SAY_HELLO,
        max_tokens=16,
        temperature=0.0,
        api_base=FOUNDRY,
        api_version=FOUNDRY_VERSION,
        api_key=KEY,
    )
    assert resp.id == "0d2c7a5e9b1f4e36a8c4d7f0b2e1a9c3"
    assert resp.choices[0].message.content == "Hello!"
    assert resp.prompt_filter_results[0]["content_filter_results"]["violence"] == SAFE
    assert resp.usage.total_tokens == 18
    assert resp._hidden_params["custom_llm_provider"] == "azure_ai"
    assert resp._hidden_params["response_cost"] == pytest.approx(15 * 1.25e-07 + 3 * 5.0e-07)


@pytest.mark.cassette("azure_ai/chat/foundry")
def test_foundry_api_base_with_path_and_query(cassette, monkeypatch):
    # LiteLLM also takes the full endpoint URL, api-version included, as api_base (here from env).
    monkeypatch.setenv(
        "AZURE_AI_API_BASE", f"{FOUNDRY}/models/chat/completions?api-version={FOUNDRY_VERSION}"
    )
    monkeypatch.setenv("AZURE_AI_API_KEY", KEY)
    resp = llmrelay.completion(model="azure_ai/Phi-4", messages=SAY_HELLO, max_tokens=16, temperature=0.0)
    assert resp.choices[0].message.content == "Hello!"


@pytest.mark.cassette("azure_ai/chat/serverless")
def test_serverless_chat(cassette):
    resp = llmrelay.completion(
        model="azure_ai/Llama-3.3-70B-Instruct",
        messages=SAY_HELLO,
        max_tokens=16,
        api_base=SERVERLESS,
        api_key=KEY,
    )
    assert resp.id == "cmpl-6f4e1d2c3b5a49788796a5b4c3d2e1f0"
    assert resp.choices[0].message.content == "Hello."
    assert resp._hidden_params["response_cost"] == pytest.approx((41 + 3) * 7.1e-07)


def test_foundry_auth_header_depends_on_host():
    foundry = _request("azure_ai/Phi-4", api_base=FOUNDRY + "/models", api_key=KEY)
    assert foundry.url == f"{FOUNDRY}/models/chat/completions"  # no api-version unless given
    assert foundry.headers["api-key"] == KEY and "Authorization" not in foundry.headers
    serverless = _request("azure_ai/Llama-3.3-70B-Instruct", api_base=SERVERLESS + "/v1", api_key=KEY)
    assert serverless.url == f"{SERVERLESS}/v1/chat/completions"
    assert serverless.headers["Authorization"] == f"Bearer {KEY}" and "api-key" not in serverless.headers
    on_openai_host = _request("azure_ai/gpt-4o", api_base=BASE, api_key=KEY, api_version="2024-10-21")
    assert on_openai_host.url == f"{BASE}/chat/completions?api-version=2024-10-21"
    assert on_openai_host.headers["api-key"] == KEY


@pytest.mark.cassette("azure_ai/stream/foundry")
def test_foundry_stream(cassette):
    stream = llmrelay.completion(
        model="azure_ai/mistral-medium-2505",
        messages=SAY_HELLO,
        stream=True,
        stream_options={"include_usage": True},
        api_base=FOUNDRY,
        api_version=FOUNDRY_VERSION,
        api_key=KEY,
    )
    chunks = list(stream)
    assert chunks[0].id == "5a1e9c3b7d2f4068b4e8c1a9d3f7b2e6"
    assert chunks[0].prompt_filter_results[0]["prompt_index"] == 0
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Hello!"
    assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens == 12
    assert stream.response_cost == pytest.approx(9 * 4.0e-07 + 3 * 2.0e-06)


@pytest.mark.cassette("azure_ai/tools/foundry")
def test_foundry_tool_call(cassette):
    tools = [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Current weather for a city.",
                "parameters": {
                    "type": "object",
                    "properties": {"city": {"type": "string"}},
                    "required": ["city"],
                },
            },
        }
    ]
    resp = llmrelay.completion(
        model="azure_ai/gpt-oss-120b",
        messages=[{"role": "user", "content": "What's the weather in Paris?"}],
        tools=tools,
        tool_choice="auto",
        api_base=FOUNDRY,
        api_version=FOUNDRY_VERSION,
        api_key=KEY,
    )
    message = resp.choices[0].message
    assert resp.choices[0].finish_reason == "tool_calls"
    assert message.tool_calls[0].function.name == "get_weather"
    assert message.tool_calls[0].function.arguments == '{"city": "Paris"}'
    assert message.tool_calls[0].id == "chatcmpl-tool-4f0e8d2a9b6c41d7a3e5f1c8b2d9e7a0"
    assert message.reasoning_content == "The user asks for the weather in Paris; call get_weather."


@pytest.mark.cassette("azure_ai/errors/invalid_key")
def test_foundry_invalid_key(cassette):
    with pytest.raises(exceptions.AuthenticationError) as info:
        llmrelay.completion(
            model="azure_ai/Phi-4",
            messages=SAY_HELLO,
            api_base=FOUNDRY,
            api_version=FOUNDRY_VERSION,
            api_key="bad",
        )
    assert info.value.status_code == 401
    assert info.value.llm_provider == "azure_ai"


@pytest.mark.cassette("azure_ai/errors/rate_limit")
def test_foundry_rate_limit(cassette):
    with pytest.raises(exceptions.RateLimitError) as info:
        llmrelay.completion(
            model="azure_ai/Phi-4",
            messages=SAY_HELLO,
            api_base=FOUNDRY,
            api_version=FOUNDRY_VERSION,
            api_key=KEY,
            num_retries=0,
        )
    assert info.value.status_code == 429
    assert info.value.retry_after == 12.0


@pytest.mark.cassette("azure/chat/basic")
def test_router_deployment_base_model_prices_the_call(cassette):
    router = llmrelay.Router(
        model_list=[
            {
                "model_name": "gpt-4o",
                "litellm_params": {"model": "azure/my-gpt4o-deployment", **azure()},
                "model_info": {"base_model": "azure/gpt-4o-mini"},
            }
        ]
    )
    resp = router.completion(model="gpt-4o", messages=CAPITAL, temperature=0.2, max_tokens=20)
    assert resp.choices[0].message.content == "The capital of France is **Paris**."
    assert resp._hidden_params["response_cost"] == pytest.approx(14 * 1.5e-07 + 9 * 6.0e-07)


@pytest.mark.cassette("azure/text_completion/instruct")
def test_text_completion_on_instruct_deployment(cassette):
    resp = llmrelay.text_completion(
        model="azure/gpt-35-turbo-instruct",
        prompt="Say this is a test",
        max_tokens=7,
        temperature=0,
        **azure(),
    )
    assert resp.object == "text_completion"
    assert resp.choices[0].text == "\n\nThis is a test."
    assert resp.usage.total_tokens == 11
    assert resp._hidden_params["response_cost"] == pytest.approx(5 * 1.65e-06 + 6 * 2.2e-06)


@pytest.mark.cassette("azure/stream/async_filter")
def test_stream_with_asynchronous_filter_annotations(cassette):
    chunks = list(
        llmrelay.completion(
            model="azure/gpt-4o",
            messages=[{"role": "user", "content": "Name three colours."}],
            stream=True,
            **azure(),
        )
    )
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "Red, green and blue."
    # Annotation chunks (offsets of the text checked so far) arrive as they are, after the finish too.
    offsets = [
        c.choices[0].content_filter_offsets
        for c in chunks
        if "content_filter_offsets" in (c.choices[0].__pydantic_extra__ or {})
    ]
    assert offsets == [
        {"check_offset": 0, "start_offset": 0, "end_offset": 10},
        {"check_offset": 10, "start_offset": 10, "end_offset": 20},
    ]
    assert [c.choices[0].finish_reason for c in chunks if c.choices[0].finish_reason] == ["stop"]
    built = llmrelay.stream_chunk_builder(chunks)
    assert built.id == "chatcmpl-7rCNsVeZy0PGnX3H6jK8STps5nZUY"
    assert built.choices[0].message.content == "Red, green and blue."
    assert built.choices[0].finish_reason == "stop"


def test_o_series_route_prefix_is_not_part_of_the_deployment():
    request = _request("azure/o_series/my-reasoner", max_tokens=100, **azure())
    assert request.url == f"{BASE}/openai/deployments/my-reasoner/chat/completions?api-version={VERSION}"
    body = json.loads(request.body)
    assert body["model"] == "my-reasoner"
    assert body["max_completion_tokens"] == 100 and "max_tokens" not in body


def test_deployment_named_after_a_reasoning_model_takes_max_completion_tokens():
    body = json.loads(_request("azure/o3-mini", max_tokens=100, **azure()).body)
    assert body["max_completion_tokens"] == 100 and "max_tokens" not in body
    body = json.loads(_request("azure/my-gpt4o-deployment", max_tokens=100, **azure()).body)
    assert body["max_tokens"] == 100


@pytest.mark.cassette("azure/responses/basic")
def test_responses_api_native(cassette):
    resp = llmrelay.responses(
        input="This is a test.",
        model="azure/my-gpt4o-deployment",
        max_output_tokens=64,
        **azure(api_version="2025-04-01-preview"),
    )
    assert resp.id == "resp_67cb32528d6881909eb2859a55e18a85"
    assert resp.output_text == "Great! How can I help you today?"
    assert resp.usage.input_tokens == 20 and resp.usage.output_tokens == 11
    assert resp._hidden_params["custom_llm_provider"] == "azure"
    # priced by the served model (azure/gpt-4o-2024-08-06), the deployment name being unknown
    assert resp._hidden_params["response_cost"] == pytest.approx(20 * 2.5e-06 + 11 * 1.0e-05)


def test_mock_response_needs_no_azure_endpoint():
    resp = llmrelay.completion(
        model="azure/chatgpt-v-2",
        messages=[{"role": "user", "content": "hi"}],
        mock_response="Hello from the mock",
    )
    assert resp.choices[0].message.content == "Hello from the mock"
    assert resp._hidden_params["custom_llm_provider"] == "azure"


def test_ad_token_provider_is_asked_once_per_request():
    asked = []

    def provider() -> str:
        asked.append(1)
        return f"tok-{len(asked)}"

    request = _request("azure/gpt-4o", api_base=BASE, azure_ad_token_provider=provider)
    assert request.headers["Authorization"] == "Bearer tok-1" and asked == [1]
    assert b"azure_ad_token_provider" not in request.body
    # An explicit token, or an API key, wins over the provider.
    assert (
        _request("azure/gpt-4o", api_base=BASE, azure_ad_token="t", azure_ad_token_provider=provider).headers[
            "Authorization"
        ]
        == "Bearer t"
    )
    assert _request("azure/gpt-4o", **azure(), azure_ad_token_provider=provider).headers["api-key"] == KEY
    assert asked == [1]


def test_foundry_text_part_lists_are_sent_as_strings():
    parts = [{"type": "text", "text": "Say hello "}, {"type": "text", "text": "in one word."}]
    image = [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
    ]
    messages = [
        {"role": "system", "content": [{"type": "text", "text": "Be brief."}]},
        {"role": "user", "content": parts},
        {"role": "user", "content": image},
    ]
    control, call_params = main._split_kwargs({"api_base": FOUNDRY, "api_key": KEY})
    adapter, call = main._make_call("azure_ai/Phi-4", "chat", control, call_params)
    call.params["messages"] = messages
    sent = json.loads(adapter.chat_request(call).body)["messages"]
    assert sent[0]["content"] == "Be brief."
    assert sent[1]["content"] == "Say hello in one word."
    assert sent[2]["content"] == image  # an image keeps the part list
    assert messages[1]["content"] == parts  # the caller's messages are untouched
