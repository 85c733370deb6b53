"""The HTTP layer against a real server on 127.0.0.1 (bench/fakeupstream), not a cassette.

Cassette replay patches above the transport, so streaming, connection release, cancellation,
retries and transport errors are checked here over real sockets, sync and through the aiohttp
transport. The server counts what it saw, so every assertion is on a server-side effect or on
what the SDK returned; nothing is timed.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import llmrelay
import pytest
from llmrelay import http, registry

from bench.fakeupstream import FakeUpstream, Reply, free_port

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = [{"role": "user", "content": "Say hello."}]
CHUNKS = 5
STREAMED = "".join(f"tok{i} " for i in range(CHUNKS))


@pytest.fixture
def loopback() -> Iterator[FakeUpstream]:
    with FakeUpstream(chunks=CHUNKS) as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh_clients(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test gets new pooled clients (some shrink the pool or set proxy variables)."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    http.close_clients()
    yield
    http.close_clients()


def _kwargs(server: FakeUpstream, **extra: Any) -> dict[str, Any]:
    return {
        "model": "openai/fake",
        "api_base": server.url + "/v1",
        "api_key": "sk-test",
        "messages": MESSAGES,
        **extra,
    }


def _small_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two connections at most: a leaked connection would starve the next call."""
    monkeypatch.setattr(http, "_LIMITS", httpx.Limits(max_connections=2, max_keepalive_connections=2))
    http.close_clients()


def _spy_backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    delays: list[float] = []
    original = http._backoff

    def spy(attempt: int, retry_after: float | None) -> float:
        delays.append(original(attempt, retry_after))
        return delays[-1]

    monkeypatch.setattr(http, "_backoff", spy)
    return delays


# --- streaming -------------------------------------------------------------------------------


def test_sync_stream_over_loopback(loopback: FakeUpstream) -> None:
    chunks = list(
        llmrelay.completion(**_kwargs(loopback, stream=True, stream_options={"include_usage": True}))
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == STREAMED
    assert chunks[0].choices[0].delta.role == "assistant"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == CHUNKS
    sent = loopback.requests[-1]
    assert sent.path == "/v1/chat/completions" and sent.headers["authorization"] == "Bearer sk-test"


async def test_async_stream_goes_through_the_aiohttp_transport(loopback: FakeUpstream) -> None:
    stream = await llmrelay.acompletion(**_kwargs(loopback, stream=True))
    text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert text == STREAMED
    transport = http.async_client()._transport_for_url(httpx.URL(loopback.url))
    assert isinstance(transport, http.AiohttpTransport)
    assert loopback.stats["stream"] == 1


async def test_async_non_stream_call(loopback: FakeUpstream) -> None:
    response = await llmrelay.acompletion(**_kwargs(loopback))
    assert response.choices[0].message.content == "Hello! This is a fixed reply from the fake upstream."
    assert response.usage.total_tokens == 23


def test_first_chunk_arrives_before_the_stream_ends_sync(loopback: FakeUpstream) -> None:
    loopback.script(Reply(chunk_delay=0.3))
    stream = llmrelay.completion(**_kwargs(loopback, stream=True))
    first = next(stream)
    assert loopback.stats["completed_slow"] == 0  # the server is still sending
    assert first.choices[0].delta.content == "tok0 "
    assert "".join(c.choices[0].delta.content or "" for c in stream) == STREAMED[len("tok0 ") :]


async def test_first_chunk_arrives_before_the_stream_ends_async(loopback: FakeUpstream) -> None:
    loopback.script(Reply(chunk_delay=0.3))
    stream = await llmrelay.acompletion(**_kwargs(loopback, stream=True))
    first = await stream.__anext__()
    assert loopback.stats["completed_slow"] == 0
    assert first.choices[0].delta.content == "tok0 "
    assert "".join([c.choices[0].delta.content or "" async for c in stream]) == STREAMED[len("tok0 ") :]


# --- connections are released ----------------------------------------------------------------


def test_sync_streams_closed_early_release_their_connections(
    loopback: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small_pool(monkeypatch)
    for i in range(12):
        loopback.script(Reply(chunk_delay=1.0))  # 4 s to finish: a close is always early
        stream = llmrelay.completion(**_kwargs(loopback, stream=True, timeout=5))
        if i % 2:
            with stream:
                next(stream)
        else:
            next(stream)
            stream.close()
    response = llmrelay.completion(**_kwargs(loopback, timeout=5, num_retries=0))
    assert response.choices[0].message.content
    assert loopback.wait_for(lambda: loopback.stats["aborted"] == 12), sorted(loopback.stats.items())


async def test_async_streams_closed_early_release_their_connections(
    loopback: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small_pool(monkeypatch)
    for i in range(12):
        loopback.script(Reply(chunk_delay=1.0))  # 4 s to finish: a close is always early
        stream = await llmrelay.acompletion(**_kwargs(loopback, stream=True, timeout=5))
        if i % 2:
            async with stream:
                await stream.__anext__()
        else:
            await stream.__anext__()
            await stream.aclose()
    response = await llmrelay.acompletion(**_kwargs(loopback, timeout=5, num_retries=0))
    assert response.choices[0].message.content
    assert await _eventually(lambda: loopback.stats["aborted"] == 12)


async def test_fully_read_async_streams_reuse_one_connection(loopback: FakeUpstream) -> None:
    for _ in range(5):
        stream = await llmrelay.acompletion(**_kwargs(loopback, stream=True))
        assert len([c async for c in stream]) == CHUNKS
    assert loopback.stats["connections"] == 1


async def test_cancelling_acompletion_cancels_the_upstream_request(loopback: FakeUpstream) -> None:
    loopback.script(Reply(delay=30))
    task = asyncio.ensure_future(llmrelay.acompletion(**_kwargs(loopback)))
    assert await _eventually(lambda: loopback.stats["chat"] == 1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await _eventually(lambda: loopback.stats["aborted"] == 1)


async def _eventually(predicate: Any, attempts: int = 500) -> bool:
    for _ in range(attempts):
        if predicate():
            return True
        await asyncio.sleep(0.01)
    return bool(predicate())


# --- retries -----------------------------------------------------------------------------------


def test_sync_retries_429_and_503_honouring_retry_after(
    loopback: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    delays = _spy_backoff(monkeypatch)
    loopback.script(Reply(429, {"retry-after": "0.01"}), Reply(503, {"retry-after-ms": "20"}))
    response = llmrelay.completion(**_kwargs(loopback, num_retries=2))
    assert response.choices[0].finish_reason == "stop"
    assert loopback.stats["chat"] == 3
    assert delays == [0.01, 0.02]


async def test_async_retries_429_and_503_honouring_retry_after(
    loopback: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    delays = _spy_backoff(monkeypatch)
    loopback.script(Reply(503, {"retry-after": "0"}), Reply(429, {"retry-after": "0.01"}))
    response = await llmrelay.acompletion(**_kwargs(loopback, num_retries=3))
    assert response.choices[0].message.content
    assert loopback.stats["chat"] == 3
    assert delays == [0.0, 0.01]


def test_retries_run_out_and_the_last_error_is_raised(
    loopback: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    _spy_backoff(monkeypatch)
    loopback.script(*[Reply(429, {"retry-after": "0.01"})] * 3)
    with pytest.raises(llmrelay.RateLimitError) as caught:
        llmrelay.completion(**_kwargs(loopback, num_retries=1))
    assert caught.value.status_code == 429
    assert caught.value.retry_after == 0.01
    assert loopback.stats["chat"] == 2


def test_a_400_is_not_retried(loopback: FakeUpstream) -> None:
    loopback.script(Reply(400))
    with pytest.raises(llmrelay.BadRequestError):
        llmrelay.completion(**_kwargs(loopback, num_retries=3))
    assert loopback.stats["chat"] == 1


def test_no_retry_after_the_first_streamed_byte_sync(loopback: FakeUpstream) -> None:
    loopback.script(Reply(drop_after=2))
    got = []
    with pytest.raises(llmrelay.APIConnectionError):
        for chunk in llmrelay.completion(**_kwargs(loopback, stream=True, num_retries=3)):
            got.append(chunk.choices[0].delta.content)
    assert got == ["tok0 ", "tok1 "]
    assert loopback.stats["chat"] == 1


async def test_no_retry_after_the_first_streamed_byte_async(loopback: FakeUpstream) -> None:
    loopback.script(Reply(drop_after=3))
    got = []
    with pytest.raises(llmrelay.APIConnectionError):
        async for chunk in await llmrelay.acompletion(**_kwargs(loopback, stream=True, num_retries=3)):
            got.append(chunk.choices[0].delta.content)
    assert got == ["tok0 ", "tok1 ", "tok2 "]
    assert loopback.stats["chat"] == 1


# --- transport errors -----------------------------------------------------------------------------


def test_connection_refused_is_api_connection_error_sync(monkeypatch: pytest.MonkeyPatch) -> None:
    delays = _spy_backoff(monkeypatch)
    monkeypatch.setattr(http, "_MAX_BACKOFF", 0.01)
    base = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(llmrelay.APIConnectionError) as caught:
        llmrelay.completion(model="openai/fake", api_base=base, api_key="k", messages=MESSAGES, num_retries=1)
    assert not isinstance(caught.value, llmrelay.Timeout)
    assert caught.value.llm_provider == "openai"
    assert len(delays) == 1  # connection errors are retried


async def test_connection_refused_is_api_connection_error_async() -> None:
    base = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(llmrelay.APIConnectionError) as caught:
        await llmrelay.acompletion(
            model="openai/fake", api_base=base, api_key="k", messages=MESSAGES, num_retries=0
        )
    assert not isinstance(caught.value, llmrelay.Timeout)
    assert "ConnectError" in str(caught.value)


def test_read_timeout_is_timeout_sync(loopback: FakeUpstream) -> None:
    loopback.script(Reply(delay=3))
    with pytest.raises(llmrelay.Timeout):
        llmrelay.completion(**_kwargs(loopback, timeout=0.2, num_retries=0))
    assert loopback.stats["chat"] == 1


async def test_read_timeout_is_timeout_async(loopback: FakeUpstream) -> None:
    loopback.script(Reply(delay=3))
    with pytest.raises(llmrelay.Timeout) as caught:
        await llmrelay.acompletion(**_kwargs(loopback, timeout=0.2, num_retries=0))
    assert "ReadTimeout" in str(caught.value)


def test_timeout_gives_connect_at_most_ten_seconds_and_read_the_whole_budget() -> None:
    call = http.Call(
        provider="p", model="m", capability="chat", params={}, api_base="x", api_key=None, timeout=30
    )
    assert http._timeout(call) == {"connect": 10.0, "read": 30, "write": 30, "pool": 30}
    call.timeout = 2
    assert http._timeout(call)["connect"] == 2


# --- clients: threads, proxies, event loops ---------------------------------------------------


def test_sync_client_is_shared_safely_across_threads(loopback: FakeUpstream) -> None:
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(10):
                assert llmrelay.completion(**_kwargs(loopback)).choices[0].message.content
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert loopback.stats["chat"] == 60


def test_proxy_from_the_environment_is_used_sync(
    loopback: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", loopback.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    http.close_clients()
    response = llmrelay.completion(
        model="openai/fake", api_base="http://upstream.example/v1", api_key="k", messages=MESSAGES
    )
    assert response.choices[0].message.content
    assert (
        loopback.requests[-1].path == "http://upstream.example/v1/chat/completions"
    )  # absolute form: a proxy


async def test_proxy_from_the_environment_is_used_async(
    loopback: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", loopback.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    await http.aclose_clients()
    response = await llmrelay.acompletion(
        model="openai/fake", api_base="http://upstream.example/v1", api_key="k", messages=MESSAGES
    )
    assert response.choices[0].message.content
    assert loopback.requests[-1].path == "http://upstream.example/v1/chat/completions"
    await http.aclose_clients()


def test_cookies_an_upstream_sets_are_not_sent_back_sync(loopback: FakeUpstream) -> None:
    loopback.script(Reply(headers={"set-cookie": "__cf_bm=abc; Path=/"}))
    llmrelay.completion(**_kwargs(loopback))
    llmrelay.completion(**_kwargs(loopback))
    assert "cookie" not in loopback.requests[-1].headers


async def test_cookies_an_upstream_sets_are_not_sent_back_async(loopback: FakeUpstream) -> None:
    loopback.script(Reply(headers={"set-cookie": "__cf_bm=abc; Path=/"}))
    first = await llmrelay.acompletion(**_kwargs(loopback))
    await llmrelay.acompletion(**_kwargs(loopback))
    assert first._hidden_params["custom_llm_provider"] == "openai"
    assert "cookie" not in loopback.requests[-1].headers
    assert loopback.stats["chat"] == 2


_ONE_LOOP_PER_CALL = """
import asyncio, gc, sys, warnings
warnings.simplefilter("always")
import llmrelay
from llmrelay import http, registry

async def once(stream):
    kwargs = dict(model="openai/fake", api_base=sys.argv[1], api_key="k", messages=[{"role": "user", "content": "hi"}])
    if stream:
        return [c async for c in await llmrelay.acompletion(stream=True, **kwargs)]
    return await llmrelay.acompletion(**kwargs)

for i in range(4):
    asyncio.run(once(i % 2 == 1))
gc.collect()
print("clients left:", len(http._async_clients))
"""


def test_one_event_loop_per_call_leaves_no_unclosed_session(loopback: FakeUpstream) -> None:
    """``asyncio.run`` per request: each loop's client is closed with the loop, silently."""
    result = subprocess.run(
        [sys.executable, "-X", "dev", "-c", _ONE_LOOP_PER_CALL, loopback.url + "/v1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "clients left: 0" in result.stdout
    assert "Unclosed" not in result.stderr and "unclosed" not in result.stderr, result.stderr
    assert loopback.wait_for(lambda: loopback.open_connections == 0)
    assert loopback.stats["chat"] == 4


def _aiohttp_failures() -> list[tuple[BaseException, type[httpx.TransportError]]]:
    import aiohttp

    return [
        (aiohttp.ConnectionTimeoutError("connect"), httpx.ConnectTimeout),
        (aiohttp.SocketTimeoutError("read"), httpx.ReadTimeout),
        (asyncio.TimeoutError(), httpx.ReadTimeout),
        (
            aiohttp.ClientConnectorError(_ConnectionKey(), OSError(111, "Connection refused")),
            httpx.ConnectError,
        ),
        (aiohttp.ServerDisconnectedError(), httpx.RemoteProtocolError),
        (aiohttp.ClientPayloadError("truncated"), httpx.RemoteProtocolError),
        (aiohttp.InvalidURL("nope://x"), httpx.UnsupportedProtocol),
        (aiohttp.ClientOSError(104, "Connection reset by peer"), httpx.ReadError),
    ]


class _ConnectionKey:
    host, port, ssl = "127.0.0.1", 1, False


def test_aiohttp_failures_map_to_the_httpx_exception_of_the_same_meaning() -> None:
    for failure, expected in _aiohttp_failures():
        mapped = http._aiohttp_error(failure)
        assert type(mapped) is expected, (failure, mapped)
    assert http._aiohttp_error(ValueError("not a transport failure")) is None


def test_timeouts_become_llmrelay_timeout_and_the_rest_api_connection_error() -> None:
    call = http.Call(provider="p", model="m", capability="chat", params={}, api_base="http://x", api_key=None)
    adapter = registry.get_adapter("openai")
    for failure, _expected in _aiohttp_failures():
        error = http.transport_error(http._aiohttp_error(failure), call, adapter)
        expected = (
            llmrelay.Timeout if isinstance(failure, asyncio.TimeoutError) else llmrelay.APIConnectionError
        )
        assert type(error) is expected, failure
        assert error.llm_provider == "openai"


# --- every dialect over real sockets -----------------------------------------------------------

DIALECT_MODELS = {
    "openai": ("openai/fake", "/v1"),
    "anthropic": ("anthropic/claude-sonnet-4-5", ""),
    "gemini": ("gemini/gemini-2.5-flash", "/v1beta"),
}
REPLY = "Hello! This is a fixed reply from the fake upstream."


def _dialect_kwargs(server: FakeUpstream, dialect: str, **extra: Any) -> dict[str, Any]:
    model, suffix = DIALECT_MODELS[dialect]
    return {"model": model, "api_base": server.url + suffix, "api_key": "k", "messages": MESSAGES, **extra}


def test_each_dialect_round_trips_sync(loopback: FakeUpstream) -> None:
    for dialect in DIALECT_MODELS:
        response = llmrelay.completion(**_dialect_kwargs(loopback, dialect))
        assert response.choices[0].message.content == REPLY, dialect
        assert response.choices[0].finish_reason == "stop", dialect
        assert (response.usage.prompt_tokens, response.usage.completion_tokens) == (12, 11), dialect
        chunks = list(llmrelay.completion(**_dialect_kwargs(loopback, dialect, stream=True)))
        assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == STREAMED, dialect
        assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop", dialect
    assert {r.path.split("?")[0] for r in loopback.requests} == {
        "/v1/chat/completions",
        "/v1/messages",
        "/v1beta/models/gemini-2.5-flash:generateContent",
        "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
    }


async def test_each_dialect_round_trips_async(loopback: FakeUpstream) -> None:
    for dialect in DIALECT_MODELS:
        response = await llmrelay.acompletion(**_dialect_kwargs(loopback, dialect))
        assert response.choices[0].message.content == REPLY, dialect
        stream = await llmrelay.acompletion(
            **_dialect_kwargs(loopback, dialect, stream=True, stream_options={"include_usage": True})
        )
        chunks = [c async for c in stream]
        assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == STREAMED, dialect
        assert chunks[-1].usage.completion_tokens == CHUNKS, dialect
    assert loopback.stats["stream"] == 3


# --- the loopback server itself (also the gateway benchmark's upstream) --------------------------


def test_fake_upstream_reads_chunked_bodies_and_pipelined_requests(loopback: FakeUpstream) -> None:
    import json
    import socket

    def pieces() -> Iterator[bytes]:
        yield b'{"model": "chunked-model", '
        yield b'"messages": []}'

    with httpx.Client() as client:
        answer = client.post(loopback.url + "/v1/chat/completions", content=pieces())
    assert answer.json()["model"] == "chunked-model"
    assert loopback.requests[-1].headers["transfer-encoding"] == "chunked"

    body = b'{"model": "m", "input": ["a", "b", "c"]}'
    request = b"POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    with socket.create_connection(("127.0.0.1", loopback.port)) as sock:
        sock.sendall(request * 2 + b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    answers = received.split(b"HTTP/1.1 200 OK")[1:]
    assert len(answers) == 3
    assert len(json.loads(answers[0].split(b"\r\n\r\n", 1)[1])["data"]) == 3
    assert answers[2].endswith(b'{"ok":true}')


def test_fake_upstream_cli_serves_one_dialect() -> None:
    from bench.fakeupstream import spawn, stop

    proc, url = spawn(None, "--dialect", "anthropic", "--chunks", "3")
    try:
        with httpx.Client() as client:
            assert client.post(url + "/v1/chat/completions", json={}).status_code == 404
            stream = client.post(url + "/v1/messages", json={"model": "claude", "stream": True}).text
            stats = client.get(url + "/stats").json()
    finally:
        counters = stop(proc)
    assert '"messages": 1' in counters
    events = [line[7:] for line in stream.splitlines() if line.startswith("event: ")]
    assert events == [
        "message_start",
        "content_block_start",
        "ping",
        "content_block_delta",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    assert stats["messages"] == 1 and stats["not_found"] == 1
