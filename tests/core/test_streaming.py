"""Stream wrappers: iteration, context management, connection release, errors, usage and callbacks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import llmrelay
import pytest
from llmrelay import hooks
from llmrelay.adapter import Call
from llmrelay.registry import get_adapter
from llmrelay.streaming import CustomStreamWrapper

from tests.core.fake_upstream import Answer, chunk, sse

MESSAGES = [{"role": "user", "content": "Say hello."}]
HELLO = sse(
    chunk({"role": "assistant", "content": ""}),
    chunk({"content": "Hel"}),
    chunk({"content": "lo!"}),
    chunk({}, "stop"),
    chunk(usage={"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11}),
    "data: [DONE]\n\n",
)


class TrackedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that records whether the connection was released."""

    def __init__(self, pieces: list[bytes], fail_after: int | None = None) -> None:
        self.pieces = pieces
        self.fail_after = fail_after
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for i, piece in enumerate(self.pieces):
            if i == self.fail_after:
                raise httpx.ReadError("connection reset by peer")
            yield piece

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self:
            yield piece

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def wrapper(
    pieces: list[bytes], include_usage: bool = False, fail_after: int | None = None
) -> tuple[Any, TrackedStream, list]:
    adapter = get_adapter("openai")
    call = Call(
        provider="openai",
        model="gpt-4o-mini",
        capability="chat",
        params={"messages": MESSAGES},
        api_base="https://api.openai.com/v1",
        api_key="k",
        stream=True,
        include_usage=include_usage,
    )
    body = TrackedStream(pieces, fail_after)
    response = httpx.Response(
        200, stream=body, request=httpx.Request("POST", "https://api.openai.com/v1/chat/completions")
    )
    outcomes: list[tuple[Any, BaseException | None]] = []
    stream = CustomStreamWrapper(
        adapter, call, response, adapter.new_stream(call), finalize=lambda s, e: outcomes.append((s, e))
    )
    return stream, body, outcomes


def text(chunks: list[Any]) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


def test_iterating_to_the_end_releases_the_connection_and_reports_success_once() -> None:
    stream, body, outcomes = wrapper(HELLO)
    chunks = list(stream)
    assert text(chunks) == "Hello!" and body.closed
    assert [e for _, e in outcomes] == [None]
    stream.close()  # closing after the end changes nothing
    assert len(outcomes) == 1


def test_usage_only_chunk_hidden_unless_include_usage() -> None:
    hidden, _, _ = wrapper(HELLO)
    chunks = list(hidden)
    assert all(c.choices for c in chunks) and all(c.usage is None for c in chunks)
    assert hidden.usage.total_tokens == 11  # the figures are still known to the wrapper
    shown, _, _ = wrapper(HELLO, include_usage=True)
    last = list(shown)[-1]
    assert last.choices == [] and last.usage.total_tokens == 11


def test_with_block_exit_releases_and_reports_failure_when_left_early() -> None:
    stream, body, outcomes = wrapper(HELLO)
    with stream as s:
        next(s)
    assert body.closed
    assert len(outcomes) == 1 and isinstance(outcomes[0][1], llmrelay.APIConnectionError)


def test_close_before_the_end_releases_and_reports_failure_once() -> None:
    stream, body, outcomes = wrapper(HELLO)
    next(stream)
    stream.close()
    stream.close()
    assert body.closed and len(outcomes) == 1 and outcomes[0][1] is not None
    with pytest.raises(StopIteration):
        next(stream)


def test_transport_error_mid_stream_raises_mapped_error_and_releases() -> None:
    stream, body, outcomes = wrapper(HELLO, fail_after=2)
    with pytest.raises(llmrelay.APIConnectionError) as info:
        list(stream)
    assert info.value.llm_provider == "openai" and body.closed
    assert [type(e).__name__ for _, e in outcomes] == ["APIConnectionError"]


def test_error_event_mid_stream_raises_after_the_chunks_before_it() -> None:
    error = {"error": {"message": "The server had an error", "type": "server_error", "code": None}}
    stream, body, outcomes = wrapper(
        sse(chunk({"role": "assistant", "content": "Hi"}))
        + [b"data: " + httpx.Response(200, json=error).content + b"\n\n"]
    )
    seen = []
    with pytest.raises(llmrelay.InternalServerError, match="The server had an error"):
        for c in stream:
            seen.append(c)
    assert text(seen) == "Hi" and body.closed and len(outcomes) == 1


async def test_async_iteration_and_context_manager_release() -> None:
    stream, body, outcomes = wrapper(HELLO)
    async with stream as s:
        chunks = [c async for c in s]
    assert text(chunks) == "Hello!" and body.closed and [e for _, e in outcomes] == [None]


async def test_async_early_exit_reports_failure_and_releases() -> None:
    stream, body, outcomes = wrapper(HELLO)
    async with stream as s:
        async for _ in s:
            break
    assert body.closed and len(outcomes) == 1 and outcomes[0][1] is not None


async def test_async_error_mid_stream_releases() -> None:
    stream, body, outcomes = wrapper(HELLO, fail_after=1)
    with pytest.raises(llmrelay.APIConnectionError):
        async for _ in stream:
            pass
    assert body.closed and len(outcomes) == 1


# --- the whole path, against a loopback upstream -------------------------------------------


class Recorder(llmrelay.CustomLogger):
    def __init__(self) -> None:
        self.events: list[tuple[str, Any, dict[str, Any]]] = []

    def log_pre_api_call(self, model: str, messages: Any, kwargs: dict[str, Any]) -> None:
        self.events.append(("pre", model, kwargs))

    def log_success_event(
        self, kwargs: dict[str, Any], response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        self.events.append(("success", response_obj, kwargs))

    def log_failure_event(
        self, kwargs: dict[str, Any], response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        self.events.append(("failure", response_obj, kwargs))

    async def async_log_pre_api_call(self, model: str, messages: Any, kwargs: dict[str, Any]) -> None:
        self.events.append(("async_pre", model, kwargs))

    async def async_log_success_event(
        self, kwargs: dict[str, Any], response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        self.events.append(("async_success", response_obj, kwargs))

    async def async_log_failure_event(
        self, kwargs: dict[str, Any], response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        self.events.append(("async_failure", response_obj, kwargs))


def kinds(recorder: Recorder) -> list[str]:
    return [kind for kind, _, _ in recorder.events]


def test_stream_success_callback_gets_assembled_response_usage_and_cost(upstream) -> None:
    recorder = Recorder()
    llmrelay.callbacks = [recorder]
    upstream.queue(Answer(pieces=HELLO))
    stream = llmrelay.completion(
        model="openai/gpt-4o-mini", messages=MESSAGES, stream=True, api_key="k", api_base=upstream.base
    )
    assert text(list(stream)) == "Hello!"
    hooks.flush()
    assert kinds(recorder) == ["pre", "success"]
    _, response, kwargs = recorder.events[1]
    assert response.choices[0].message.content == "Hello!"
    assert response.usage.total_tokens == 11
    expected = 9 * 1.5e-07 + 2 * 6e-07  # gpt-4o-mini prices from the model table
    assert kwargs["response_cost"] == pytest.approx(expected) and stream.response_cost == pytest.approx(
        expected
    )
    assert upstream.seen[0].body["stream"] is True


def test_stream_closed_early_fires_failure_exactly_once(upstream) -> None:
    recorder = Recorder()
    llmrelay.callbacks = [recorder]
    upstream.queue(Answer(pieces=HELLO))
    with llmrelay.completion(
        model="openai/gpt-4o-mini", messages=MESSAGES, stream=True, api_key="k", api_base=upstream.base
    ) as stream:
        next(stream)
    hooks.flush()
    assert kinds(recorder) == ["pre", "failure"]
    assert isinstance(recorder.events[1][1], llmrelay.APIConnectionError)


def test_non_stream_error_fires_failure_with_the_exception(upstream) -> None:
    recorder = Recorder()
    llmrelay.callbacks = [recorder]
    upstream.queue(
        Answer(
            401,
            {
                "error": {
                    "message": "Incorrect API key provided",
                    "type": "invalid_request_error",
                    "code": "invalid_api_key",
                }
            },
        )
    )
    with pytest.raises(llmrelay.AuthenticationError):
        llmrelay.completion(
            model="openai/gpt-4o-mini",
            messages=MESSAGES,
            api_key="bad",
            api_base=upstream.base,
            num_retries=0,
        )
    hooks.flush()
    assert kinds(recorder) == ["pre", "failure"]
    assert recorder.events[1][2]["exception"] is recorder.events[1][1]


def test_plain_function_callbacks(upstream) -> None:
    seen: list[tuple[str, Any, Any]] = []
    llmrelay.success_callback = [lambda kwargs, resp, start, end: seen.append(("ok", resp, end - start))]
    llmrelay.failure_callback = [lambda kwargs, exc, start, end: seen.append(("fail", exc, end - start))]
    llmrelay.completion(model="openai/gpt-4o-mini", messages=MESSAGES, mock_response="hi")
    with pytest.raises(llmrelay.RateLimitError):
        llmrelay.completion(
            model="openai/gpt-4o-mini", messages=MESSAGES, mock_response="litellm.RateLimitError"
        )
    hooks.flush()
    assert [k for k, _, _ in seen] == ["ok", "fail"]
    assert seen[0][1].choices[0].message.content == "hi"
    assert seen[0][2].total_seconds() >= 0  # datetimes, as LiteLLM passes them


async def test_async_hooks_fire_once_for_an_async_stream(upstream) -> None:
    recorder = Recorder()
    llmrelay.callbacks = [recorder]
    upstream.queue(Answer(pieces=HELLO))
    stream = await llmrelay.acompletion(
        model="openai/gpt-4o-mini", messages=MESSAGES, stream=True, api_key="k", api_base=upstream.base
    )
    assert text([c async for c in stream]) == "Hello!"
    for _ in range(20):  # async hooks run as tasks on this loop
        await asyncio.sleep(0)
    hooks.flush()
    assert sorted(kinds(recorder)) == ["async_pre", "async_success", "pre", "success"]


async def test_async_failure_hooks_on_mock_error() -> None:
    recorder = Recorder()
    llmrelay.callbacks = [recorder]
    with pytest.raises(llmrelay.InternalServerError):
        await llmrelay.acompletion(
            model="openai/gpt-4o-mini", messages=MESSAGES, mock_response="litellm.InternalServerError"
        )
    for _ in range(20):
        await asyncio.sleep(0)
    hooks.flush()
    assert sorted(kinds(recorder)) == ["async_failure", "async_pre", "failure", "pre"]


def test_sync_callbacks_are_flushed_at_interpreter_exit(tmp_path) -> None:
    import subprocess
    import sys

    out = tmp_path / "log.txt"
    script = f"""
import time, llmrelay
def slow(kwargs, resp, start, end):
    time.sleep(0.2)
    open({str(out)!r}, "a").write(resp.choices[0].message.content + "\\n")
llmrelay.success_callback = [slow]
for i in range(3):
    llmrelay.completion(model="mock/mock", messages=[{{"role": "user", "content": "x"}}], mock_response=f"r{{i}}")
"""
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    assert out.read_text().split() == ["r0", "r1", "r2"]


def test_a_broken_callback_never_breaks_the_call(caplog: pytest.LogCaptureFixture) -> None:
    def broken(kwargs: Any, resp: Any, start: Any, end: Any) -> None:
        raise RuntimeError("callback bug")

    llmrelay.success_callback = [broken]
    assert (
        llmrelay.completion(model="gpt-4o", messages=MESSAGES, mock_response="fine")
        .choices[0]
        .message.content
        == "fine"
    )
    hooks.flush()
    assert "callback bug" in caplog.text


def test_stream_without_upstream_usage_is_counted_and_priced(upstream) -> None:
    recorder = Recorder()
    llmrelay.callbacks = [recorder]
    upstream.queue(
        Answer(
            pieces=sse(
                chunk({"role": "assistant", "content": "hello world"}), chunk({}, "stop"), "data: [DONE]\n\n"
            )
        )
    )
    stream = llmrelay.completion(
        model="openai/gpt-4o-mini", messages=MESSAGES, stream=True, api_key="k", api_base=upstream.base
    )
    list(stream)
    hooks.flush()
    usage = recorder.events[-1][1].usage
    assert usage.completion_tokens == 2  # "hello world" in o200k_base, counted offline
    assert usage.prompt_tokens == llmrelay.token_counter(model="gpt-4o-mini", messages=MESSAGES)
    assert stream.response_cost == pytest.approx(usage.prompt_tokens * 1.5e-07 + 2 * 6e-07)


def test_chunks_arrive_as_the_upstream_sends_them_not_at_the_end(upstream) -> None:
    answer = Answer(pieces=HELLO, hold_after=2)  # the upstream pauses after "Hel" until we have it
    upstream.queue(answer)
    stream = llmrelay.completion(
        model="openai/gpt-4o-mini", messages=MESSAGES, stream=True, api_key="k", api_base=upstream.base
    )
    first = [next(stream), next(stream)]
    answer.gate.set()
    rest = list(stream)
    assert text(first) == "Hel" and text(first + rest) == "Hello!"
    assert answer.gate_was_opened is True  # we read "Hel" while the upstream was still holding the rest


async def test_async_chunks_arrive_as_the_upstream_sends_them(upstream) -> None:
    answer = Answer(pieces=HELLO, hold_after=2)
    upstream.queue(answer)
    stream = await llmrelay.acompletion(
        model="openai/gpt-4o-mini", messages=MESSAGES, stream=True, api_key="k", api_base=upstream.base
    )
    first = [await stream.__anext__(), await stream.__anext__()]
    answer.gate.set()
    rest = [c async for c in stream]
    assert text(first) == "Hel" and text(first + rest) == "Hello!"
    assert answer.gate_was_opened is True


def test_a_dropped_sync_stream_releases_its_connection() -> None:
    import gc

    stream, body, _ = wrapper(HELLO)
    next(stream)
    del stream
    gc.collect()
    assert body.closed
