"""LiteLLM user code, written the way LiteLLM's docs and users write it, run as ``import llmrelay as litellm``.

Offline: ``mock_response=`` and the in-process ``mock`` provider. Each test asserts what the same
code gets from LiteLLM (checked side by side against LiteLLM 1.110.2 while writing them).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import llmrelay as litellm
import pytest
from llmrelay import hooks

messages = [{"role": "user", "content": "Hello, how are you?"}]


# --- import paths LiteLLM code uses ---------------------------------------------------------------


def test_litellm_import_paths() -> None:
    from llmrelay import ModelResponse as TopLevel
    from llmrelay.exceptions import BadRequestError, ContextWindowExceededError, RateLimitError
    from llmrelay.integrations.custom_logger import CustomLogger
    from llmrelay.types.utils import (
        ChatCompletionMessageToolCall,
        Choices,
        CompletionTokensDetailsWrapper,
        Delta,
        Function,
        Message,
        ModelResponse,
        ModelResponseStream,
        PromptTokensDetailsWrapper,
        StreamingChoices,
        Usage,
    )
    from llmrelay.utils import ModelResponse as FromUtils
    from llmrelay.utils import get_llm_provider, get_supported_openai_params, token_counter, trim_messages

    assert TopLevel is ModelResponse is FromUtils
    assert CustomLogger is litellm.CustomLogger
    assert issubclass(ContextWindowExceededError, BadRequestError) and RateLimitError.status_code == 429
    assert (Choices, Delta, Message, StreamingChoices, Usage, ModelResponseStream) == (
        litellm.Choices,
        litellm.Delta,
        litellm.Message,
        litellm.StreamingChoices,
        litellm.Usage,
        litellm.ModelResponseStream,
    )
    call = ChatCompletionMessageToolCall(id="c", function=Function(name="f", arguments="{}"))
    assert call.function.name == "f" and PromptTokensDetailsWrapper(cached_tokens=3).cached_tokens == 3
    assert CompletionTokensDetailsWrapper(reasoning_tokens=2).reasoning_tokens == 2
    assert callable(get_llm_provider) and callable(get_supported_openai_params)
    assert callable(token_counter) and callable(trim_messages)


def test_submodules_are_attributes_without_importing_them_first() -> None:
    # `litellm.exceptions.X` and `litellm.types.utils.X` work right after `import litellm`.
    code = (
        "import llmrelay as litellm\n"
        "print(litellm.exceptions.RateLimitError.__name__, litellm.types.utils.ModelResponse.__name__,"
        " litellm.utils.trim_messages.__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["RateLimitError", "ModelResponse", "trim_messages"]


def test_module_settings_have_litellm_defaults() -> None:
    assert litellm.api_base is None and litellm.headers is None and litellm.api_key is None
    assert litellm.num_retries is None and litellm.drop_params is False
    assert litellm.modify_params is False and litellm.set_verbose is False
    assert litellm.model_alias_map == {}
    assert litellm.success_callback == [] and litellm.failure_callback == [] and litellm.callbacks == []
    assert "openai" in litellm.provider_list and "anthropic" in litellm.provider_list
    assert "gpt-4o" in litellm.model_list and "anthropic/claude-sonnet-4-5" not in litellm.model_list
    assert "claude-sonnet-4-5" in litellm.models_by_provider["anthropic"]


# --- completion --------------------------------------------------------------------------------------


def test_quickstart_completion_with_mock_response() -> None:
    response = litellm.completion(
        model="gpt-4o", messages=messages, mock_response="It's simple to use and easy to get started"
    )
    assert response.choices[0].message.content == "It's simple to use and easy to get started"
    assert response["choices"][0]["message"]["content"] == response.choices[0].message.content
    assert response.choices[0].message.get("content") == response.choices[0].message.content
    assert response.object == "chat.completion" and response.model == "gpt-4o"
    assert response.choices[0].finish_reason == "stop" and response.choices[0].message.role == "assistant"
    usage = response.usage
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens > 0
    assert usage["prompt_tokens"] == usage.prompt_tokens and usage.get("total_tokens") == usage.total_tokens
    assert response.id.startswith("chatcmpl-") and isinstance(response.created, int)
    assert response._hidden_params["custom_llm_provider"] == "openai"
    assert response._hidden_params["response_cost"] == pytest.approx(litellm.completion_cost(response))
    assert isinstance(response._response_ms, float)


def test_response_serialisations() -> None:
    response = litellm.completion(model="gpt-4o", messages=messages, mock_response="Hi")
    dumped = response.model_dump()
    assert dumped["choices"][0]["message"]["content"] == "Hi" and "_hidden_params" not in dumped
    assert response.json() == dumped  # LiteLLM's json() is a dict
    assert json.loads(response.model_dump_json())["choices"][0]["message"]["content"] == "Hi"
    as_dict = response.to_dict()
    assert (
        as_dict["usage"]["total_tokens"] == response.usage.total_tokens
        and "system_fingerprint" not in as_dict
    )
    assert dict(response)["id"] == response.id
    assert litellm.ModelResponse(**dumped).choices[0].message.content == "Hi"
    assert "choices" in response and "usage" in response
    assert response.get("no_such_field", "default") == "default"


def test_assistant_message_object_sent_back_in_the_next_turn() -> None:
    first = litellm.completion(model="gpt-4o", messages=messages, mock_response="I'm fine")
    history = [*messages, first.choices[0].message, {"role": "user", "content": "And you?"}]
    second = litellm.completion(model="gpt-4o", messages=history, mock_response="Still fine")
    assert second.choices[0].message.content == "Still fine"
    assert history[1] is first.choices[0].message  # the caller's list is not rewritten


def test_vision_message_with_image_url() -> None:
    content = [
        {"type": "text", "text": "What's in this image?"},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png", "detail": "low"}},
    ]
    response = litellm.completion(
        model="gpt-4o", messages=[{"role": "user", "content": content}], mock_response="A cat"
    )
    assert response.choices[0].message.content == "A cat"


def test_n_choices_and_per_call_settings() -> None:
    response = litellm.completion(
        model="gpt-4o",
        messages=messages,
        mock_response="Hi",
        n=2,
        num_retries=3,
        timeout=10,
        metadata={"a": 1},
    )
    assert [c.index for c in response.choices] == [0, 1]
    assert {c.message.content for c in response.choices} == {"Hi"}


def test_model_alias_map_is_a_module_setting() -> None:
    litellm.model_alias_map = {"fast": "gpt-4o-mini"}
    assert litellm.model_alias_map["fast"] == "gpt-4o-mini"


def test_offline_mock_provider_end_to_end() -> None:
    response = litellm.completion(model="mock/mock", messages=messages)
    assert response.choices[0].message.content and response.usage.prompt_tokens > 0
    assert response._hidden_params["custom_llm_provider"] == "mock"
    assert litellm.completion_cost(completion_response=response) == pytest.approx(
        response.usage.prompt_tokens * 1e-06 + response.usage.completion_tokens * 2e-06
    )


# --- function calling --------------------------------------------------------------------------------

tools = [
    {
        "type": "function",
        "function": {
            "name": "get_current_weather",
            "description": "Get the current weather in a given location",
            "parameters": {
                "type": "object",
                "properties": {
                    "location": {
                        "type": "string",
                        "description": "The city and state, e.g. San Francisco, CA",
                    },
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                },
                "required": ["location"],
            },
        },
    }
]
MOCK_TOOL_CALLS = [
    {
        "id": "call_abc123",
        "type": "function",
        "function": {
            "name": "get_current_weather",
            "arguments": '{"location": "Boston, MA", "unit": "celsius"}',
        },
    }
]


def test_function_calling_round_trip() -> None:
    response = litellm.completion(
        model="gpt-4o",
        messages=messages,
        tools=tools,
        tool_choice="auto",
        mock_response="",
        mock_tool_calls=MOCK_TOOL_CALLS,
    )
    message = response.choices[0].message
    call = message.tool_calls[0]
    assert call.id == "call_abc123" and call.type == "function"
    assert call.function.name == "get_current_weather"
    assert json.loads(call.function.arguments) == {"location": "Boston, MA", "unit": "celsius"}
    assert response.choices[0].finish_reason == "tool_calls"
    follow_up = [
        *messages,
        message,
        {"role": "tool", "tool_call_id": call.id, "name": call.function.name, "content": '{"temp": 22}'},
    ]
    final = litellm.completion(model="gpt-4o", messages=follow_up, tools=tools, mock_response="22 degrees")
    assert final.choices[0].message.content == "22 degrees"


def test_streamed_tool_calls_rebuild_with_stream_chunk_builder() -> None:
    stream = litellm.completion(
        model="gpt-4o",
        messages=messages,
        tools=tools,
        mock_response="",
        mock_tool_calls=MOCK_TOOL_CALLS,
        stream=True,
    )
    chunks = list(stream)
    deltas = [c.choices[0].delta.tool_calls for c in chunks if c.choices and c.choices[0].delta.tool_calls]
    assert deltas[0][0].function.name == "get_current_weather" and deltas[0][0].index == 0
    rebuilt = litellm.stream_chunk_builder(chunks, messages=messages)
    assert (
        rebuilt.choices[0].message.tool_calls[0].function.arguments
        == MOCK_TOOL_CALLS[0]["function"]["arguments"]
    )
    assert rebuilt.choices[0].finish_reason == "tool_calls"


# --- streaming ---------------------------------------------------------------------------------------


def test_streaming_and_stream_chunk_builder_with_messages() -> None:
    response = litellm.completion(
        model="gpt-4o",
        messages=messages,
        mock_response="Streaming is easy with LiteLLM, really.",
        stream=True,
    )
    assert isinstance(response, litellm.CustomStreamWrapper)
    chunks = []
    text = ""
    for part in response:
        assert part.object == "chat.completion.chunk"
        text += part.choices[0].delta.content or ""
        chunks.append(part)
    assert text == "Streaming is easy with LiteLLM, really."
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(c.usage is None for c in chunks)  # no usage unless stream_options asks for it
    rebuilt = litellm.stream_chunk_builder(chunks, messages=messages)
    assert rebuilt.choices[0].message.content == text and rebuilt.object == "chat.completion"
    assert rebuilt.usage.prompt_tokens == litellm.token_counter(model="gpt-4o", messages=messages)
    assert rebuilt.usage.completion_tokens == litellm.token_counter(
        model="gpt-4o", text=text, count_response_tokens=True
    )
    # without messages LiteLLM still counts the completion, and the prompt as 0
    bare = litellm.stream_chunk_builder(chunks)
    assert bare.usage.prompt_tokens == 0 and bare.usage.completion_tokens == rebuilt.usage.completion_tokens
    assert litellm.stream_chunk_builder([]) is None


def test_stream_options_include_usage_gives_a_final_usage_chunk() -> None:
    chunks = list(
        litellm.completion(
            model="gpt-4o",
            messages=messages,
            mock_response="Hello world",
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    last = chunks[-1]
    assert (
        last.choices == []
        and last.usage.total_tokens == last.usage.prompt_tokens + last.usage.completion_tokens
    )
    assert litellm.stream_chunk_builder(chunks).usage.total_tokens == last.usage.total_tokens


def test_async_completion_and_async_streaming() -> None:
    async def main() -> tuple[str, str, str]:
        plain = await litellm.acompletion(model="gpt-4o", messages=messages, mock_response="async hi")
        stream = await litellm.acompletion(
            model="gpt-4o", messages=messages, mock_response="async stream", stream=True
        )
        chunks = [chunk async for chunk in stream]
        text = "".join(c.choices[0].delta.content or "" for c in chunks)
        rebuilt = litellm.stream_chunk_builder(chunks, messages=messages)
        return plain.choices[0].message.content, text, rebuilt.choices[0].message.content

    assert asyncio.run(main()) == ("async hi", "async stream", "async stream")


def test_stream_is_a_context_manager() -> None:
    with litellm.completion(model="mock/mock", messages=messages, stream=True) as stream:
        first = next(iter(stream))
    assert first.choices[0].delta.role == "assistant"


# --- hand-built response objects (as LiteLLM users do in their tests) -----------------------------------


def test_model_response_built_by_hand() -> None:
    empty = litellm.ModelResponse()
    assert len(empty.choices) == 1 and empty.choices[0].finish_reason == "stop"
    empty.choices[0].message.content = "patched"
    assert empty.choices[0].message.content == "patched" and empty.object == "chat.completion"
    built = litellm.ModelResponse(
        id="chatcmpl-123",
        model="gpt-4o",
        choices=[
            litellm.Choices(
                index=0,
                finish_reason="stop",
                message=litellm.Message(content="Hello there", role="assistant"),
            )
        ],
        usage=litellm.Usage(prompt_tokens=10, completion_tokens=20, total_tokens=30),
        stream=False,
        hidden_params={"custom_llm_provider": "openai"},
    )
    assert built.choices[0].message.content == "Hello there" and built.usage.total_tokens == 30
    assert built._hidden_params == {"custom_llm_provider": "openai"} and "stream" not in built.model_dump()
    from_dicts = litellm.ModelResponse(
        choices=[{"message": {"content": "hi", "role": "assistant"}, "finish_reason": "stop", "index": 0}],
        usage={"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
    )
    assert type(from_dicts.choices[0]).__name__ == "Choices" and from_dicts.usage.completion_tokens == 2


def test_message_delta_and_usage_built_by_hand() -> None:
    message = litellm.Message(content="hi")
    assert (
        message.role == "assistant"
        and message.tool_calls is None
        and message.provider_specific_fields is None
    )
    assert message.json() == message.model_dump()
    tool_message = litellm.Message(content=None, tool_calls=MOCK_TOOL_CALLS)
    assert tool_message.tool_calls[0].function.name == "get_current_weather"
    delta = litellm.Delta(content="x")
    assert delta.role is None and delta.content == "x"
    chunk = litellm.ModelResponseStream(choices=[litellm.StreamingChoices(delta=delta)])
    assert chunk.object == "chat.completion.chunk" and chunk.choices[0].finish_reason is None
    assert litellm.ModelResponseStream().choices[0].delta.content is None
    usage = litellm.Usage(prompt_tokens=100, completion_tokens=10, total_tokens=110, reasoning_tokens=5)
    assert usage.completion_tokens_details.reasoning_tokens == 5
    cached = litellm.Usage(
        prompt_tokens=100, completion_tokens=10, total_tokens=110, cache_read_input_tokens=50
    )
    assert cached.prompt_tokens_details.cached_tokens == 50 and cached.cache_read_input_tokens == 50
    assert litellm.Usage(prompt_tokens=None, completion_tokens=None, total_tokens=None).total_tokens == 0


def test_hand_built_response_is_priced_like_litellm() -> None:
    response = litellm.ModelResponse(
        model="gpt-4o",
        usage=litellm.Usage(
            prompt_tokens=1000,
            completion_tokens=100,
            total_tokens=1100,
            prompt_tokens_details={"cached_tokens": 500},
        ),
    )
    # gpt-4o: 2.5e-06 in, 1.25e-06 cached in, 1e-05 out (LiteLLM's table)
    assert litellm.completion_cost(completion_response=response) == pytest.approx(
        500 * 2.5e-06 + 500 * 1.25e-06 + 100 * 1e-05
    )
    claude = litellm.ModelResponse(
        model="claude-sonnet-4-5", usage={"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}
    )
    assert litellm.completion_cost(completion_response=claude) == pytest.approx(10 * 3e-06 + 10 * 1.5e-05)


# --- exceptions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mock", "error", "status"),
    [
        ("litellm.RateLimitError", litellm.RateLimitError, 429),
        ("litellm.ContextWindowExceededError", litellm.ContextWindowExceededError, 400),
        ("litellm.InternalServerError", litellm.InternalServerError, 500),
        ("litellm.AuthenticationError", litellm.AuthenticationError, 401),
        ("litellm.BadRequestError", litellm.BadRequestError, 400),
    ],
)
def test_mocked_errors_carry_litellm_attributes(mock: str, error: type, status: int) -> None:
    with pytest.raises(error) as info:
        litellm.completion(model="gpt-4o", messages=messages, mock_response=mock)
    e = info.value
    assert e.status_code == status and e.llm_provider == "openai" and e.model == "gpt-4o"
    assert isinstance(e.message, str) and e.message in str(e)


def test_exceptions_are_openai_exceptions_too() -> None:
    openai = pytest.importorskip("openai")
    with pytest.raises(openai.RateLimitError):
        litellm.completion(model="gpt-4o", messages=messages, mock_response="litellm.RateLimitError")
    with pytest.raises(openai.BadRequestError):
        litellm.completion(
            model="gpt-4o", messages=messages, mock_response="litellm.ContextWindowExceededError"
        )
    assert issubclass(litellm.exceptions.APIConnectionError, openai.APIConnectionError)


def test_exceptions_built_the_way_litellm_code_builds_them() -> None:
    e = litellm.RateLimitError(message="quota", llm_provider="openai", model="gpt-4o")
    assert (e.status_code, e.llm_provider, e.model, e.message) == (429, "openai", "gpt-4o", "quota")
    api = litellm.APIError(status_code=503, message="down", llm_provider="openai", model="gpt-4o")
    assert api.status_code == 503
    assert (
        litellm.NotFoundError("gone", "gpt-4o", "openai").llm_provider == "openai"
    )  # (message, model, provider)
    assert litellm.Timeout(message="slow", model="gpt-4o", llm_provider="openai").status_code == 408
    assert litellm.ServiceUnavailableError(message="x", llm_provider="openai", model="m").status_code == 503
    assert litellm.UnprocessableEntityError(message="x", model="m", llm_provider="openai").status_code == 422
    assert isinstance(
        litellm.ContentPolicyViolationError(message="x", model="m", llm_provider="p"), litellm.BadRequestError
    )


def test_mock_exception_instances() -> None:
    error = litellm.ContextWindowExceededError(message="too long", model="gpt-4o", llm_provider="openai")
    with pytest.raises(litellm.ContextWindowExceededError) as info:
        litellm.completion(model="gpt-4o", messages=messages, mock_response=error)
    assert info.value is error

    class Throttled(Exception):
        status_code = 429

    # A non-API exception becomes the error for its status, as LiteLLM maps a mocked exception.
    with pytest.raises(litellm.RateLimitError) as throttled:
        litellm.completion(model="gpt-4o", messages=messages, mock_response=Throttled("slow down"))
    assert throttled.value.status_code == 429 and "slow down" in throttled.value.message
    with pytest.raises(litellm.InternalServerError) as boom:
        litellm.completion(model="gpt-4o", messages=messages, mock_response=Exception("boom"))
    assert boom.value.status_code == 500 and boom.value.llm_provider == "openai"


def test_mid_stream_mock_error_raises_from_the_iterator() -> None:
    stream = litellm.completion(
        model="gpt-4o", messages=messages, mock_response="Exception: mock_streaming_error", stream=True
    )
    received = []
    with pytest.raises(Exception) as info:  # noqa: PT011  # LiteLLM users catch the broad class here
        for chunk in stream:
            received.append(chunk)
    assert received and info.value.status_code >= 500 and "mid-stream" in str(info.value)


def test_unsupported_params_and_drop_params() -> None:
    with pytest.raises(litellm.UnsupportedParamsError) as info:
        litellm.completion(
            model="anthropic/claude-3-5-sonnet-20240620",
            messages=messages,
            logit_bias={"1": 1},
            mock_response="x",
        )
    assert "logit_bias" in info.value.message and info.value.llm_provider == "anthropic"
    assert info.value.status_code == 400
    dropped = litellm.completion(
        model="anthropic/claude-3-5-sonnet-20240620",
        messages=messages,
        logit_bias={"1": 1},
        mock_response="x",
        drop_params=True,
    )
    assert dropped.choices[0].message.content == "x"
    litellm.drop_params = True
    assert (
        litellm.completion(
            model="anthropic/claude-3-5-sonnet-20240620",
            messages=messages,
            logit_bias={"1": 1},
            mock_response="y",
        )
        .choices[0]
        .message.content
        == "y"
    )


def test_unknown_provider_is_a_bad_request() -> None:
    with pytest.raises(litellm.BadRequestError):
        litellm.completion(model="no-such-provider/some-model", messages=messages)


# --- callbacks -------------------------------------------------------------------------------------


def test_success_callback_function() -> None:
    seen = []

    def track_cost_callback(kwargs, completion_response, start_time, end_time):  # noqa: ANN001
        seen.append(
            (
                kwargs["model"],
                kwargs.get("response_cost"),
                completion_response.choices[0].message.content,
                (end_time - start_time).total_seconds() >= 0,
            )
        )

    litellm.success_callback = [track_cost_callback]
    response = litellm.completion(model="gpt-4o", messages=messages, mock_response="Hi")
    hooks.flush()
    assert seen == [("gpt-4o", pytest.approx(response._hidden_params["response_cost"]), "Hi", True)]


def test_custom_logger_from_the_integrations_path() -> None:
    from llmrelay.integrations.custom_logger import CustomLogger

    class MyCustomHandler(CustomLogger):
        def __init__(self) -> None:
            self.events: list[tuple[str, object]] = []

        def log_pre_api_call(self, model, messages, kwargs):  # noqa: ANN001
            self.events.append(("pre", model))

        def log_post_api_call(self, kwargs, response_obj, start_time, end_time):  # noqa: ANN001
            self.events.append(("post", kwargs["model"]))

        def log_success_event(self, kwargs, response_obj, start_time, end_time):  # noqa: ANN001
            self.events.append(("success", response_obj.choices[0].message.content))

        def log_failure_event(self, kwargs, response_obj, start_time, end_time):  # noqa: ANN001
            self.events.append(("failure", type(kwargs["exception"]).__name__))

    handler = MyCustomHandler()
    litellm.callbacks = [handler]
    litellm.completion(model="gpt-4o", messages=messages, mock_response="Hi")
    with pytest.raises(litellm.RateLimitError):
        litellm.completion(model="gpt-4o", messages=messages, mock_response="litellm.RateLimitError")
    hooks.flush()
    # pre-call hooks run inline; outcomes are delivered off the caller's path, each exactly once
    assert [e for e in handler.events if e[0] == "pre"] == [("pre", "gpt-4o"), ("pre", "gpt-4o")]
    assert [e for e in handler.events if e[0] != "pre"] == [
        ("post", "gpt-4o"),
        ("success", "Hi"),
        ("post", "gpt-4o"),
        ("failure", "RateLimitError"),
    ]


def test_async_custom_logger_hooks_for_async_calls() -> None:
    class AsyncHandler(litellm.CustomLogger):
        def __init__(self) -> None:
            self.events: list[str] = []

        async def async_log_success_event(self, kwargs, response_obj, start_time, end_time):  # noqa: ANN001
            self.events.append(response_obj.choices[0].message.content)

    handler = AsyncHandler()
    litellm.callbacks = [handler]

    async def main() -> None:
        await litellm.acompletion(model="gpt-4o", messages=messages, mock_response="async ok")
        stream = await litellm.acompletion(
            model="gpt-4o", messages=messages, mock_response="streamed", stream=True
        )
        async for _ in stream:
            pass
        await asyncio.sleep(0)  # let the scheduled callback tasks run
        await asyncio.gather(*list(hooks._tasks))

    asyncio.run(main())
    assert handler.events == ["async ok", "streamed"]


def test_callback_kwargs_litellm_code_reads() -> None:
    captured: dict[str, dict] = {}

    class Logger(litellm.CustomLogger):
        def log_success_event(self, kwargs, response_obj, start_time, end_time):  # noqa: ANN001
            captured["success"] = kwargs

        def log_failure_event(self, kwargs, response_obj, start_time, end_time):  # noqa: ANN001
            captured["failure"] = kwargs

    litellm.callbacks = [Logger()]
    response = litellm.completion(
        model="gpt-4o",
        messages=messages,
        mock_response="yo",
        metadata={"user_id": "u1"},
        temperature=0.2,
        user="bob",
    )
    with pytest.raises(litellm.RateLimitError):
        litellm.completion(model="gpt-4o", messages=messages, mock_response="litellm.RateLimitError")
    hooks.flush()
    ok = captured["success"]
    assert ok["litellm_params"]["metadata"] == {
        "user_id": "u1"
    }  # the docs' custom-callback example reads this
    assert ok["response_cost"] == pytest.approx(response._hidden_params["response_cost"])
    assert ok["call_type"] == "completion" and ok["stream"] is False and ok["user"] == "bob"
    assert ok["optional_params"]["temperature"] == 0.2 and ok["messages"] == messages
    from llmrelay.types.utils import CallTypes, LlmProviders, StandardLoggingPayload

    slo: StandardLoggingPayload = ok["standard_logging_object"]
    assert (
        slo["call_type"] == CallTypes.completion.value and LlmProviders.OPENAI == slo["custom_llm_provider"]
    )
    assert slo["status"] == "success" and slo["model"] == "gpt-4o" and slo["custom_llm_provider"] == "openai"
    assert slo["total_tokens"] == response.usage.total_tokens and slo["response_cost"] == ok["response_cost"]
    assert slo["response"]["choices"][0]["message"]["content"] == "yo" and slo["metadata"] == {
        "user_id": "u1"
    }
    assert slo["response_time"] >= 0 and slo["id"] == ok["litellm_call_id"]
    failed = captured["failure"]
    assert (
        type(failed["exception"]).__name__ == "RateLimitError"
        and "RateLimitError" in failed["traceback_exception"]
    )
    error = failed["standard_logging_object"]
    assert error["status"] == "failure" and error["error_information"]["error_code"] == "429"
    assert error["error_information"]["error_class"] == "RateLimitError"


def test_stream_callback_gets_the_complete_streaming_response() -> None:
    seen: list[dict] = []
    litellm.success_callback = [lambda kwargs, response, start, end: seen.append(kwargs)]
    for _ in litellm.completion(
        model="gpt-4o", messages=messages, mock_response="streamed reply", stream=True
    ):
        pass
    hooks.flush()
    assert len(seen) == 1 and seen[0]["stream"] is True
    assert seen[0]["complete_streaming_response"].choices[0].message.content == "streamed reply"
    assert seen[0]["standard_logging_object"]["completion_tokens"] > 0


def test_stream_chunk_builder_as_litellm_tests_call_it() -> None:
    from llmrelay.types.utils import Delta, ModelResponseStream, StreamingChoices, Usage

    def chunk(content: str | None, finish: str | None, usage: Usage, model: str) -> ModelResponseStream:
        return ModelResponseStream(
            id="chatcmpl-mocked-usage-1",
            created=1745513206,
            model=model,
            object="chat.completion.chunk",
            system_fingerprint=None,
            choices=[
                StreamingChoices(finish_reason=finish, index=0, delta=Delta(content=content, role=None))
            ],
            provider_specific_fields=None,
            stream_options={"include_usage": True},
            usage=usage,
        )

    chunks = [
        chunk("Hello", None, Usage(completion_tokens=0, prompt_tokens=50, total_tokens=50), "router-model"),
        chunk(None, "stop", Usage(completion_tokens=27, prompt_tokens=0, total_tokens=27), "served-model"),
    ]
    chunks[1].citations = ["https://example.com"]  # a provider extra set on a chunk
    response = litellm.stream_chunk_builder(chunks=chunks)
    # usage split over the chunks is combined, as LiteLLM's ChunkProcessor does
    assert (response.usage.prompt_tokens, response.usage.completion_tokens, response.usage.total_tokens) == (
        50,
        27,
        77,
    )
    assert response.model == "served-model" and response.citations == ["https://example.com"]
    # model_dump() snapshots rebuild the same way
    again = litellm.stream_chunk_builder(chunks=[c.model_dump() for c in chunks])
    assert again.choices[0].message.content == "Hello" and again.usage.total_tokens == 77


def test_mock_completion_helper() -> None:
    response = litellm.mock_completion(
        model="gpt-3.5-turbo", messages=[{"role": "user", "content": "Hey, I'm a mock request"}], n=5
    )
    assert len(response.choices) == 5 and {c.message.content for c in response.choices} == {
        "This is a mock request"
    }
    streamed = litellm.mock_completion(model="gpt-3.5-turbo", messages=messages, stream=True)
    assert (
        "".join(chunk["choices"][0]["delta"]["content"] or "" for chunk in streamed)
        == "This is a mock request"
    )


def test_request_typed_dicts_from_types_llms_openai() -> None:
    from llmrelay.types.llms.openai import (
        AllMessageValues,
        ChatCompletionAssistantMessage,
        ChatCompletionToolMessage,
        ChatCompletionToolParam,
        ChatCompletionUserMessage,
    )

    tool: ChatCompletionToolParam = {
        "type": "function",
        "function": {"name": "get_current_weather", "parameters": {}},
    }
    history: list[AllMessageValues] = [
        ChatCompletionUserMessage(role="user", content="Weather in Boston?"),
        ChatCompletionAssistantMessage(role="assistant", content=None, tool_calls=MOCK_TOOL_CALLS),
        ChatCompletionToolMessage(role="tool", content='{"temp": 22}', tool_call_id="call_abc123"),
    ]
    assert history[0] == {"role": "user", "content": "Weather in Boston?"}  # plain dicts at run time
    response = litellm.completion(model="gpt-4o", messages=history, tools=[tool], mock_response="22 degrees")
    assert response.choices[0].message.content == "22 degrees"
    assert litellm.types.llms.openai.ChatCompletionToolParam is ChatCompletionToolParam


def test_tool_call_objects_built_by_hand() -> None:
    from llmrelay.types.utils import ChatCompletionMessageToolCall, Function

    call = ChatCompletionMessageToolCall(
        id="call_1",
        type="function",
        function=Function(name="get_current_weather", arguments={"location": "Paris"}),
    )
    assert json.loads(call.function.arguments) == {"location": "Paris"}  # a dict is kept as JSON text
    assert Function(name="f", arguments=None).arguments == ""
    message = litellm.Message(content=None, role="assistant", tool_calls=[call])
    response = litellm.ModelResponse(choices=[litellm.Choices(message=message, finish_reason="tool_calls")])
    assert response.choices[0].message.tool_calls[0].function.name == "get_current_weather"
    assert response.model_dump()["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"] == (
        '{"location": "Paris"}'
    )
