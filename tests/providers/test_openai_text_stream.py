"""``text_completion(stream=True)``: OpenAI's ``/completions`` stream replayed from
cassettes/openai/text_completion/stream.yaml, and a chat model's stream (the offline ``mock``
provider) turned into the same ``text_completion`` chunks.

The cassette's json_body matcher checks the request (``stream: true`` and ``stream_options``
reach the wire); each test checks the chunks field by field.
"""

from __future__ import annotations

import llmrelay
import pytest
from llmrelay.text_streaming import TextCompletionStreamWrapper, text_chunks_from_json

KEY = "sk-test"
CALL = {
    "model": "gpt-3.5-turbo-instruct",
    "prompt": "Say this is a test",
    "max_tokens": 7,
    "temperature": 0,
    "stream": True,
    "stream_options": {"include_usage": True},
    "api_key": KEY,
}
COST = 5 * 1.5e-06 + 6 * 2.0e-06  # gpt-3.5-turbo-instruct: input, output per token
TEXT = ["\n\n", "This", " is", " a", " test", ".", ""]


def _check_chunks(chunks: list[llmrelay.TextCompletionResponse]) -> None:
    assert [c.object for c in chunks] == ["text_completion"] * 8
    assert {c.id for c in chunks} == {"cmpl-CBy7Hq2Wr3Et4Yu5Io6Pa7Sd8Fg9"}
    assert {c.model for c in chunks} == {"gpt-3.5-turbo-instruct:20230824-v2"}
    assert all(c.created == 1756300871 for c in chunks)
    assert [c.choices[0].text for c in chunks[:7]] == TEXT
    assert [c.choices[0].finish_reason for c in chunks[:7]] == [None] * 6 + ["stop"]
    assert all(c.usage is None for c in chunks[:7])
    usage = chunks[7]
    assert usage.choices == [] and (usage.usage.prompt_tokens, usage.usage.completion_tokens) == (5, 6)


@pytest.mark.cassette("openai/text_completion/stream")
def test_text_completion_stream(cassette: object) -> None:
    with llmrelay.text_completion(**CALL) as stream:
        assert isinstance(stream, TextCompletionStreamWrapper)
        chunks = list(stream)
    _check_chunks(chunks)
    assert stream._response.is_closed
    assert stream.usage.total_tokens == 11
    whole = stream.assembled()  # what a gateway stores for the streamed call
    assert whole.id == "cmpl-CBy7Hq2Wr3Et4Yu5Io6Pa7Sd8Fg9" and whole.object == "text_completion"
    assert whole.choices[0].text == "\n\nThis is a test." and whole.choices[0].finish_reason == "stop"
    assert whole.usage.total_tokens == 11
    assert stream.response_cost == pytest.approx(COST)


@pytest.mark.cassette("openai/text_completion/stream")
async def test_atext_completion_stream(cassette: object) -> None:
    async with await llmrelay.atext_completion(**CALL) as stream:
        chunks = [c async for c in stream]
    _check_chunks(chunks)
    assert stream._response.is_closed
    assert stream.response_cost == pytest.approx(COST)


@pytest.mark.cassette("openai/text_completion/stream")
def test_a_text_stream_closed_early_releases_the_connection_and_counts(cassette: object) -> None:
    stream = llmrelay.text_completion(**CALL)
    first, second = next(stream), next(stream)
    stream.close()
    assert stream._response.is_closed
    model = "openai/gpt-3.5-turbo-instruct"
    prompt = llmrelay.token_counter(model=model, text=CALL["prompt"])
    completion = llmrelay.token_counter(
        model=model, text=first.choices[0].text + second.choices[0].text, count_response_tokens=True
    )
    assert (stream.usage.prompt_tokens, stream.usage.completion_tokens) == (prompt, completion)
    assert stream.response_cost == pytest.approx(prompt * 1.5e-06 + completion * 2.0e-06)


def test_a_json_answer_to_a_stream_request_becomes_its_chunks() -> None:
    body = (
        b'{"id":"cmpl-1","object":"text_completion","created":1756300760,"model":"m",'
        b'"choices":[{"text":"Hi.","index":0,"logprobs":null,"finish_reason":"stop"}],'
        b'"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}'
    )
    text, usage = text_chunks_from_json(body)
    assert text.id == usage.id == "cmpl-1" and text.usage is None
    assert text.choices[0].text == "Hi." and text.choices[0].finish_reason == "stop"
    assert usage.choices == [] and usage.usage.total_tokens == 5


# --- chat models stream through chat ------------------------------------------------------------


def test_a_chat_model_streams_text_completion_chunks() -> None:
    with llmrelay.text_completion(model="mock/mock", prompt="Hi there", stream=True) as stream:
        chunks = list(stream)
    assert all(c.object == "text_completion" and c.id.startswith("chatcmpl-") for c in chunks)
    assert (
        "".join(c.choices[0].text for c in chunks)
        == "This is a mock response from llmrelay's offline mock model."
    )
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(c.usage is None for c in chunks)  # usage only when asked for
    whole = llmrelay.text_completion(model="mock/mock", prompt="Hi there")
    assert stream.usage.prompt_tokens == whole.usage.prompt_tokens
    # the chat stream sent no usage: its output is counted, and priced at mock's rates
    usage = stream.usage
    assert usage.completion_tokens > 0
    assert stream.response_cost == pytest.approx(
        usage.prompt_tokens * 1e-06 + usage.completion_tokens * 2e-06
    )


async def test_a_chat_model_streams_async_with_usage_when_asked() -> None:
    stream = await llmrelay.atext_completion(
        model="mock/mock",
        prompt="Hi there",
        stream=True,
        mock_response="Hello from chat",
        stream_options={"include_usage": True},
    )
    async with stream:
        chunks = [c async for c in stream]
    assert "".join(c.choices[0].text for c in chunks if c.choices) == "Hello from chat"
    last = chunks[-1]
    assert last.choices == [] and last.usage.completion_tokens == stream.usage.completion_tokens > 0
    assert stream.response_cost == pytest.approx(
        sum(
            llmrelay.cost_per_token(
                model="mock/mock",
                prompt_tokens=last.usage.prompt_tokens,
                completion_tokens=last.usage.completion_tokens,
            )
        )
    )


def test_a_chat_stream_closed_early_releases_the_chat_stream() -> None:
    stream = llmrelay.text_completion(model="mock/mock", prompt="Hi there", stream=True)
    next(stream)
    stream.close()
    assert stream._chat._done and stream._chat._response.is_closed
    with pytest.raises(StopIteration):
        next(stream)


def test_a_chat_model_streams_one_prompt() -> None:
    with pytest.raises(llmrelay.BadRequestError, match="one prompt"):
        llmrelay.text_completion(model="mock/mock", prompt=["a", "b"], stream=True)


@pytest.mark.cassette("openai/text_completion/stream_no_usage")
def test_without_include_usage_the_stream_counts_its_tokens(cassette: object) -> None:
    call = {k: v for k, v in CALL.items() if k != "stream_options"}
    with llmrelay.text_completion(**call) as stream:
        chunks = list(stream)
    assert "".join(c.choices[0].text for c in chunks) == "\n\nThis is a test."
    assert all(c.usage is None and c.choices for c in chunks)  # OpenAI sends no usage chunk
    model = "openai/gpt-3.5-turbo-instruct"
    prompt = llmrelay.token_counter(model=model, text=CALL["prompt"])
    completion = llmrelay.token_counter(model=model, text="\n\nThis is a test.", count_response_tokens=True)
    assert (stream.usage.prompt_tokens, stream.usage.completion_tokens) == (prompt, completion)
    assert stream.response_cost == pytest.approx(prompt * 1.5e-06 + completion * 2.0e-06)


def test_an_error_event_in_the_stream_raises_the_mapped_error() -> None:
    from llmrelay import registry
    from llmrelay.adapter import Call
    from llmrelay.text_streaming import text_chunk_from_sse

    adapter = registry.get_adapter("openai")
    call = Call(
        provider="openai",
        model="gpt-3.5-turbo-instruct",
        capability="text_completion",
        params={},
        api_base="https://api.openai.com/v1",
        api_key=KEY,
    )
    data = '{"error": {"message": "The server had an error", "type": "server_error", "param": null, "code": null}}'
    with pytest.raises(llmrelay.exceptions.LLMRelayError, match="The server had an error"):
        text_chunk_from_sse(call, adapter, data)
    assert text_chunk_from_sse(call, adapter, "[DONE]") is None


class Outcomes(llmrelay.CustomLogger):
    def __init__(self) -> None:
        self.success: list[tuple[dict, object]] = []
        self.failure: list[BaseException] = []

    def log_success_event(self, kwargs, response_obj, start_time, end_time) -> None:  # type: ignore[no-untyped-def]
        self.success.append((kwargs, response_obj))

    def log_failure_event(self, kwargs, response_obj, start_time, end_time) -> None:  # type: ignore[no-untyped-def]
        self.failure.append(kwargs["exception"])


@pytest.mark.cassette("openai/text_completion/stream")
def test_callbacks_see_the_finished_text_stream_once(
    cassette: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmrelay import hooks

    logger = Outcomes()
    monkeypatch.setattr(llmrelay, "callbacks", [logger])
    with llmrelay.text_completion(**CALL) as stream:
        list(stream)
    hooks.flush()
    [(kwargs, whole)] = logger.success
    assert logger.failure == []
    assert whole.choices[0].text == "\n\nThis is a test." and whole.usage.total_tokens == 11
    assert kwargs["response_cost"] == pytest.approx(COST)


@pytest.mark.cassette("openai/text_completion/stream")
async def test_callbacks_see_an_async_text_stream_closed_early_as_a_failure(
    cassette: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmrelay import hooks

    logger = Outcomes()
    monkeypatch.setattr(llmrelay, "callbacks", [logger])
    stream = await llmrelay.atext_completion(**CALL)
    await stream.__anext__()
    await stream.aclose()
    await stream.aclose()  # closing twice reports once
    hooks.flush()
    assert logger.success == []
    [error] = logger.failure
    assert isinstance(error, llmrelay.APIConnectionError) and "closed before it finished" in str(error)
