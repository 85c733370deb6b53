"""AWS Bedrock through the Converse API, replayed from cassettes/bedrock/ (sync and async).

Each test asserts the translated OpenAI-format fields; the cassette's json_body matcher checks the
request the SDK sent, field by field, and the URI checks the region in the host and the
percent-encoded model id in the path. Signing is checked against an independent SigV4
implementation written from AWS's documentation.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from urllib.parse import quote, urlsplit

import llmrelay
import pytest
from llmrelay import registry, signing
from llmrelay.adapter import Call

from tests.providers.sync_async import both
from tests.providers.sync_async import call as _call
from tests.providers.sync_async import chunks as _chunks

AWS = {
    "aws_access_key_id": "AKIDEXAMPLE",
    "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "aws_session_token": "IQoJb3JpZ2luX2VjEXAMPLETOKEN",
}
EAST = {**AWS, "aws_region_name": "us-east-1"}
CLAUDE = "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0"
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a given location",
        "parameters": {
            "type": "object",
            "properties": {"location": {"type": "string", "description": "The city, e.g. Paris"}},
            "required": ["location"],
        },
    },
}


@pytest.fixture(autouse=True)
def _no_aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_REGION_NAME",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_BEARER_TOKEN_BEDROCK",
        "AWS_BEDROCK_RUNTIME_ENDPOINT",
    ):
        monkeypatch.delenv(name, raising=False)
    # botocore's default credential chain must find nothing of the developer's machine.
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    signing._aws_session.cache_clear()


# --- chat ------------------------------------------------------------------------------------


@both
@pytest.mark.cassette("bedrock/chat/basic")
async def test_chat_basic(cassette, is_async):
    resp = await _call(
        is_async,
        model=CLAUDE,
        messages=[
            {"role": "system", "content": "You are a terse assistant."},
            {"role": "user", "content": "Explain the concept of distributed tracing in one sentence."},
        ],
        max_tokens=200,
        temperature=0.7,
        top_p=0.9,
        stop="\n\nHuman:",
        **EAST,
    )
    assert resp.model == "anthropic.claude-3-5-sonnet-20240620-v1:0"
    assert resp.id.startswith("chatcmpl-")
    message = resp.choices[0].message
    assert message.role == "assistant"
    assert message.content.startswith("Distributed tracing follows a single request")
    assert message.tool_calls is None
    assert resp.choices[0].finish_reason == "stop"
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens, resp.usage.total_tokens) == (27, 33, 60)
    assert resp._hidden_params["custom_llm_provider"] == "bedrock"
    assert resp._hidden_params["latency_ms"] == 1042
    assert resp._hidden_params["api_base"] == "https://bedrock-runtime.us-east-1.amazonaws.com"
    # Priced from the table: 27 * 3e-6 + 33 * 1.5e-5
    assert resp._hidden_params["response_cost"] == pytest.approx(27 * 3e-6 + 33 * 1.5e-5)


@pytest.mark.cassette("bedrock/chat/basic")
def test_converse_route_and_env_credentials(cassette, monkeypatch):
    """``bedrock/converse/<id>`` names the route; credentials and region come from the environment."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AWS["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", AWS["aws_secret_access_key"])
    monkeypatch.setenv("AWS_REGION_NAME", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "eu-central-1")  # AWS_REGION_NAME wins, as in LiteLLM
    resp = llmrelay.completion(
        model="bedrock/converse/anthropic.claude-3-5-sonnet-20240620-v1:0",
        messages=[
            {"role": "system", "content": "You are a terse assistant."},
            {"role": "user", "content": "Explain the concept of distributed tracing in one sentence."},
        ],
        max_completion_tokens=200,
        temperature=0.7,
        top_p=0.9,
        stop=["\n\nHuman:"],
    )
    assert resp.model == "anthropic.claude-3-5-sonnet-20240620-v1:0"
    assert resp.choices[0].finish_reason == "stop"


@both
@pytest.mark.cassette("bedrock/chat/vision")
async def test_chat_vision_and_cache_usage(cassette, is_async):
    pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
    resp = await _call(
        is_async,
        model="bedrock/us.amazon.nova-lite-v1:0",  # no region anywhere: LiteLLM's default, us-west-2
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What colour is this pixel?"},
                    {
                        "type": "image_url",
                        "image_url": {"url": f"data:image/png;base64,{pixel}"},
                        "cache_control": {"type": "ephemeral"},
                    },
                ],
            }
        ],
        **AWS,
    )
    assert resp.choices[0].message.content == "The pixel is red."
    usage = resp.usage
    # inputTokens excludes the cache; OpenAI's prompt_tokens includes reads and writes.
    assert usage.prompt_tokens == 12 + 1200 + 312
    assert usage.completion_tokens == 6
    assert usage.total_tokens == 1530  # the API's total, as LiteLLM reports it
    assert usage.prompt_tokens_details.cached_tokens == 1200
    assert usage.cache_read_input_tokens == 1200
    assert usage.cache_creation_input_tokens == 312


@pytest.mark.cassette("bedrock/chat/basic")
def test_bearer_token_api_key(cassette, monkeypatch):
    """A Bedrock API key (AWS_BEARER_TOKEN_BEDROCK) authenticates instead of SigV4."""
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "bedrock-api-key-EXAMPLE")
    resp = llmrelay.completion(
        model=CLAUDE,
        messages=[
            {"role": "system", "content": "You are a terse assistant."},
            {"role": "user", "content": "Explain the concept of distributed tracing in one sentence."},
        ],
        max_tokens=200,
        temperature=0.7,
        top_p=0.9,
        stop="\n\nHuman:",
        aws_region_name="us-east-1",
    )
    assert resp.usage.total_tokens == 60


# --- request building and signing ---------------------------------------------------------------


def _request(model: str = "anthropic.claude-3-5-sonnet-20240620-v1:0", api_key: str | None = None, **params):
    adapter = registry.get_adapter("bedrock")
    call = Call(
        provider="bedrock",
        model=model,
        capability="chat",
        params={"messages": [{"role": "user", "content": "hi"}], **params},
        api_base=adapter.resolve_api_base(None),
        api_key=api_key,
    )
    return adapter.chat_request(call)


def _sigv4(method: str, url: str, headers: dict[str, str], body: bytes, secret: str, scope: str) -> str:
    """SigV4 from AWS's documented algorithm (independent of botocore), over the signed headers."""
    parts = urlsplit(url)
    signed = sorted(k.lower() for k in headers)
    canonical_headers = "".join(f"{k}:{' '.join(headers_ci(headers, k).split())}\n" for k in signed)
    canonical = "\n".join(
        [
            method,
            quote(parts.path, safe="/~"),  # every service but S3 encodes the path a second time
            parts.query,
            canonical_headers,
            ";".join(signed),
            hashlib.sha256(body).hexdigest(),
        ]
    )
    amz_date = headers_ci(headers, "x-amz-date")
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def headers_ci(headers: dict[str, str], name: str) -> str:
    return next(v for k, v in headers.items() if k.lower() == name)


def test_sigv4_signature_is_valid():
    request = _request(**EAST)
    assert request.url == (
        "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse"
    )
    auth = headers_ci(request.headers, "authorization")
    match = re.fullmatch(
        r"AWS4-HMAC-SHA256 Credential=(\S+), SignedHeaders=(\S+), Signature=([0-9a-f]{64})", auth
    )
    assert match, auth
    credential, signed_headers, signature = match.groups()
    access_key, scope = credential.split("/", 1)
    assert access_key == "AKIDEXAMPLE"
    assert re.fullmatch(r"\d{8}/us-east-1/bedrock/aws4_request", scope)
    assert headers_ci(request.headers, "x-amz-security-token") == AWS["aws_session_token"]
    assert {"host", "x-amz-date", "x-amz-security-token", "content-type"} <= set(signed_headers.split(";"))
    signed = {k: v for k, v in request.headers.items() if k.lower() in signed_headers.split(";")}
    signed.setdefault("host", "bedrock-runtime.us-east-1.amazonaws.com")
    expected = _sigv4("POST", request.url, signed, request.body, AWS["aws_secret_access_key"], scope)
    assert signature == expected
    # Credentials and region never reach the body.
    body = json.loads(request.body)
    assert body == {"messages": [{"role": "user", "content": [{"text": "hi"}]}]}


def test_bearer_token_skips_signing():
    request = _request(api_key="bedrock-api-key-EXAMPLE", **EAST)
    assert request.headers["Authorization"] == "Bearer bedrock-api-key-EXAMPLE"
    assert not any(k.lower() == "x-amz-date" for k in request.headers)


def test_missing_credentials_is_an_authentication_error():
    with pytest.raises(llmrelay.AuthenticationError, match="aws_access_key_id"):
        _request()


def test_credentials_from_a_shared_credentials_profile(tmp_path, monkeypatch):
    """Without keys, botocore's default chain is used, as with boto3; aws_profile_name picks the profile."""
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s1\n"
        "[work]\naws_access_key_id = AKIDWORK\naws_secret_access_key = s2\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    auth = headers_ci(_request(aws_region_name="us-east-1").headers, "authorization")
    assert "Credential=AKIDDEFAULT/" in auth
    auth = headers_ci(_request(aws_region_name="us-east-1", aws_profile_name="work").headers, "authorization")
    assert "Credential=AKIDWORK/" in auth
    with pytest.raises(llmrelay.AuthenticationError, match="could not be found"):
        _request(aws_region_name="us-east-1", aws_profile_name="nope")


def test_model_arn_gives_the_region():
    arn = "arn:aws:bedrock:eu-west-3:123456789012:inference-profile/eu.anthropic.claude-3-5-sonnet-20240620-v1:0"
    request = _request(model=arn, api_key="k")
    assert request.url == (
        "https://bedrock-runtime.eu-west-3.amazonaws.com/model/"
        "arn%3Aaws%3Abedrock%3Aeu-west-3%3A123456789012%3Ainference-profile%2Feu.anthropic.claude-3-5-sonnet-20240620-v1%3A0"
        "/converse"
    )
    assert _request(model=arn, api_key="k", aws_region_name="us-east-1").url.startswith(
        "https://bedrock-runtime.us-east-1.amazonaws.com/"
    )


def test_api_base_replaces_the_regional_host():
    adapter = registry.get_adapter("bedrock")
    call = Call(
        provider="bedrock",
        model="converse/us.amazon.nova-pro-v1:0",
        capability="chat",
        params={"messages": [{"role": "user", "content": "hi"}], "stream": True},
        api_base=adapter.resolve_api_base("https://vpce-1234.bedrock-runtime.us-east-1.vpce.amazonaws.com"),
        api_key="k",
        stream=True,
    )
    request = adapter.chat_request(call)
    assert request.url == (
        "https://vpce-1234.bedrock-runtime.us-east-1.vpce.amazonaws.com/model/us.amazon.nova-pro-v1%3A0/converse-stream"
    )


# --- errors ------------------------------------------------------------------------------------


@both
@pytest.mark.parametrize(
    ("scenario", "model", "region", "error", "status", "text"),
    [
        ("bedrock/errors/400_invalid_model", "us.does-not-exist-model-v1:0", "us-east-1", llmrelay.BadRequestError, 400, "model identifier is invalid"),
        ("bedrock/errors/403_expired_token", "anthropic.claude-3-5-sonnet-20240620-v1:0", "us-east-1", llmrelay.AuthenticationError, 403, "expired"),
        ("bedrock/errors/403_access_denied", "anthropic.claude-3-5-sonnet-20240620-v1:0", "us-east-1", llmrelay.PermissionDeniedError, 403, "access to the model"),
        ("bedrock/errors/404_not_found", "meta.llama3-3-70b-instruct-v1:0", "eu-west-1", llmrelay.NotFoundError, 404, "Model not found"),
        ("bedrock/errors/429_throttling", "anthropic.claude-3-5-sonnet-20240620-v1:0", "us-east-1", llmrelay.RateLimitError, 429, "Too many requests"),
        ("bedrock/errors/503_unavailable", "anthropic.claude-3-5-sonnet-20240620-v1:0", "us-east-1", llmrelay.ServiceUnavailableError, 503, "available"),
    ],
)  # fmt: skip
async def test_errors(is_async, scenario, model, region, error, status, text, request):
    request.node.add_marker(pytest.mark.cassette(scenario))
    cassette = request.getfixturevalue("cassette")
    with pytest.raises(error) as info:
        await _call(
            is_async,
            model=f"bedrock/{model}",
            messages=[{"role": "user", "content": "hello"}],
            num_retries=0,
            **{**AWS, "aws_region_name": region},
        )
    assert info.value.status_code == status
    assert text in str(info.value)
    assert info.value.llm_provider == "bedrock"
    assert cassette.play_count == 1


@both
@pytest.mark.cassette("bedrock/errors/context_window")
async def test_context_window_exceeded(cassette, is_async):
    with pytest.raises(llmrelay.ContextWindowExceededError) as info:
        await _call(
            is_async,
            model=CLAUDE,
            messages=[{"role": "user", "content": "hello hello hello hello"}],
            **EAST,
        )
    assert isinstance(info.value, llmrelay.BadRequestError)  # LiteLLM's hierarchy
    assert info.value.status_code == 400


@both
@pytest.mark.cassette("bedrock/errors/stream_exception")
async def test_stream_exception_event(cassette, is_async):
    """An exception message inside a 200 stream raises the mapped error after the chunks before it."""
    stream = await _call(
        is_async, model=CLAUDE, messages=[{"role": "user", "content": "Count to three."}], stream=True, **EAST
    )
    seen: list[str] = []
    with pytest.raises(llmrelay.RateLimitError) as info:
        if is_async:
            async for chunk in stream:
                seen.append(chunk.choices[0].delta.content or "")
        else:
            for chunk in stream:
                seen.append(chunk.choices[0].delta.content or "")
    assert "".join(seen) == "One"
    assert info.value.status_code == 429
    assert "Too many tokens" in str(info.value)


# --- stream ------------------------------------------------------------------------------------


@both
@pytest.mark.cassette("bedrock/stream/basic")
async def test_stream_basic(cassette, is_async):
    stream = await _call(
        is_async,
        model=CLAUDE,
        messages=[{"role": "user", "content": "Count to three."}],
        max_tokens=50,
        stream=True,
        stream_options={"include_usage": True},
        **EAST,
    )
    chunks = await _chunks(stream, is_async)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "One, two, three."
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["stop"]
    assert len({c.id for c in chunks}) == 1 and chunks[0].id.startswith("chatcmpl-")
    usage = chunks[-1].usage
    assert chunks[-1].choices == []
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (11, 9, 20)


# --- tools -------------------------------------------------------------------------------------


@both
@pytest.mark.cassette("bedrock/tools/weather")
async def test_tool_call(cassette, is_async):
    resp = await _call(
        is_async,
        model=CLAUDE,
        messages=[{"role": "user", "content": "What's the weather in Paris?"}],
        tools=[WEATHER_TOOL],
        tool_choice="required",
        **EAST,
    )
    choice = resp.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content == "Let me look up the weather in Paris."
    (tool_call,) = choice.message.tool_calls
    assert tool_call.id == "tooluse_iPA5tRLlQ5qSvfeYGeQVPg"
    assert tool_call.type == "function"
    assert tool_call.function.name == "get_weather"
    assert json.loads(tool_call.function.arguments) == {"location": "Paris"}


@both
@pytest.mark.cassette("bedrock/tools/tool_result")
async def test_tool_result_round_trip(cassette, is_async):
    calls = [
        {"id": "tooluse_paris", "type": "function", "function": {"name": "get_weather", "arguments": '{"location": "Paris"}'}},
        {"id": "tooluse_rome", "type": "function", "function": {"name": "get_weather", "arguments": '{"location": "Rome"}'}},
    ]  # fmt: skip
    resp = await _call(
        is_async,
        model="bedrock/us.amazon.nova-pro-v1:0",
        messages=[
            {"role": "system", "content": "You are a weather bot."},
            {"role": "user", "content": "Weather in Paris and Rome?"},
            {"role": "assistant", "content": None, "tool_calls": calls},
            {"role": "tool", "tool_call_id": "tooluse_paris", "content": "18C, cloudy"},
            {
                "role": "tool",
                "tool_call_id": "tooluse_rome",
                "content": [{"type": "text", "text": "25C, sunny"}],
            },
        ],
        tools=[WEATHER_TOOL],
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
        **AWS,
    )
    assert resp.choices[0].message.content == "Paris: 18C and cloudy. Rome: 25C and sunny."
    assert resp.choices[0].finish_reason == "stop"
    assert resp.usage.prompt_tokens == 512


@both
@pytest.mark.cassette("bedrock/tools_stream/weather")
async def test_tool_call_stream(cassette, is_async):
    stream = await _call(
        is_async,
        model=CLAUDE,
        messages=[{"role": "user", "content": "What's the weather in Paris?"}],
        tools=[WEATHER_TOOL],
        tool_choice="auto",
        stream=True,
        **EAST,
    )
    chunks = await _chunks(stream, is_async)
    content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert content == "Let me check the weather."
    deltas = [t for c in chunks if c.choices for t in c.choices[0].delta.tool_calls or ()]
    assert deltas[0].id == "tooluse_HA9wsJ32RhOvn8XgIUDpGA"
    assert deltas[0].function.name == "get_weather"
    assert {d.index for d in deltas} == {0}  # the first tool call, though it is content block 1
    assert json.loads("".join(d.function.arguments or "" for d in deltas)) == {"location": "Paris"}
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["tool_calls"]
    assert all(c.usage is None for c in chunks)  # usage only when stream_options asks for it


# --- reasoning ---------------------------------------------------------------------------------


@both
@pytest.mark.cassette("bedrock/reasoning/thinking")
async def test_reasoning_effort(cassette, is_async):
    resp = await _call(
        is_async,
        model="bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0",
        messages=[{"role": "user", "content": "Is 97 prime?"}],
        reasoning_effort="low",
        max_tokens=4096,
        **EAST,
    )
    message = resp.choices[0].message
    assert message.content == "Yes, 97 is prime."
    assert message.reasoning_content == "97 is not divisible by 2, 3, 5 or 7, and 11^2 > 97."
    assert message.thinking_blocks == [
        {
            "type": "thinking",
            "thinking": "97 is not divisible by 2, 3, 5 or 7, and 11^2 > 97.",
            "signature": "EqoBCkgIARABGAIiQGb1vY8vQ2EXAMPLESIG",
        }
    ]


@both
@pytest.mark.cassette("bedrock/reasoning/thinking_stream")
async def test_thinking_stream(cassette, is_async):
    stream = await _call(
        is_async,
        model="bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0",
        messages=[{"role": "user", "content": "Is 97 prime?"}],
        thinking={"type": "enabled", "budget_tokens": 1024},
        max_tokens=4096,
        stream=True,
        **EAST,
    )
    chunks = await _chunks(stream, is_async)
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    reasoning = "".join(getattr(d, "reasoning_content", None) or "" for d in deltas)
    assert reasoning == "97 is not divisible by 2, 3, 5 or 7, and 11^2 > 97."
    signatures = [
        b.get("signature")
        for d in deltas
        for b in getattr(d, "thinking_blocks", None) or ()
        if b.get("signature")
    ]
    assert signatures == ["EqoBCkgIARABGAIiQGb1vY8vQ2EXAMPLESIG"]
    assert "".join(d.content or "" for d in deltas) == "Yes, 97 is prime."


@both
@pytest.mark.cassette("bedrock/reasoning/thinking_tool_turn")
async def test_thinking_blocks_go_back_before_tool_use(cassette, is_async):
    resp = await _call(
        is_async,
        model="bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0",
        messages=[
            {"role": "user", "content": "What's the weather in Paris?"},
            {
                "role": "assistant",
                "content": "",
                "thinking_blocks": [
                    {"type": "thinking", "thinking": "I should call the weather tool.", "signature": "EqoBCkgIARABGAIiQTOOLSIG"}
                ],
                "tool_calls": [
                    {"id": "tooluse_paris", "type": "function", "function": {"name": "get_weather", "arguments": '{"location":"Paris"}'}}
                ],
            },
            {"role": "tool", "tool_call_id": "tooluse_paris", "content": "18C, cloudy"},
        ],
        tools=[WEATHER_TOOL],
        reasoning_effort="medium",
        **EAST,
    )  # fmt: skip
    assert resp.choices[0].message.content == "It is 18C and cloudy in Paris."


def test_reasoning_effort_refused_for_models_without_thinking():
    with pytest.raises(llmrelay.BadRequestError, match="reasoning_effort"):
        _request(model="us.amazon.nova-pro-v1:0", reasoning_effort="low", **EAST)


def test_web_image_urls_are_refused_not_fetched():
    with pytest.raises(llmrelay.BadRequestError, match="base64 data URLs"):
        llmrelay.completion(
            model=CLAUDE,
            messages=[
                {
                    "role": "user",
                    "content": [{"type": "image_url", "image_url": {"url": "https://x.test/a.png"}}],
                }
            ],
            **EAST,
        )


@both
@pytest.mark.cassette("bedrock/chat/json_schema")
async def test_response_format_json_schema(cassette, is_async):
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "population": {"type": "integer"}},
        "required": ["city", "population"],
    }
    resp = await _call(
        is_async,
        model=CLAUDE,
        messages=[{"role": "user", "content": "Name a city in France and its population."}],
        response_format={
            "type": "json_schema",
            "json_schema": {
                "name": "city",
                "description": "A city and how many people live there",
                "schema": schema,
            },
        },
        **EAST,
    )
    choice = resp.choices[0]
    assert json.loads(choice.message.content) == {"city": "Lyon", "population": 522250}
    assert choice.message.tool_calls is None
    assert choice.finish_reason == "stop"


@both
@pytest.mark.cassette("bedrock/errors/stream_400_invalid_model")
async def test_stream_refused_before_it_starts(cassette, is_async):
    with pytest.raises(llmrelay.BadRequestError) as info:
        stream = await _call(
            is_async,
            model="bedrock/us.does-not-exist-model-v1:0",
            messages=[{"role": "user", "content": "hello"}],
            stream=True,
            **EAST,
        )
        await _chunks(stream, is_async)
    assert info.value.status_code == 400
    assert "model identifier is invalid" in str(info.value)
