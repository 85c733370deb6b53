#!/usr/bin/env python3
"""A fast fake OpenAI upstream for the gateway's tests and benchmark (stdlib only).

    python bench/gateway_upstream.py --port 9100 [--chunks 20] [--chunk-delay-ms 0]

Routes (with or without ``/v1``): ``POST /chat/completions`` (JSON, or SSE with ``"stream": true``;
a usage chunk when ``stream_options.include_usage``), ``POST /embeddings``, ``GET /models``,
``GET /health``, ``GET /stats`` (request counters as JSON). A model named ``status-429`` (any
status) answers that status with an OpenAI error body; a stream for ``cut-5`` sends five events
and then drops the connection, for error-path tests.

It is a bare ``asyncio.Protocol`` with keep-alive and answers pre-rendered per model, so it
costs the benchmark as little CPU as possible.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys

CONTENT = "Hello from the fake upstream."
STATS = {"requests": 0, "chat": 0, "stream": 0, "stream_completed": 0, "embeddings": 0}


class Settings:
    chunks = 20
    chunk_delay = 0.0


def http_response(status: int, body: bytes, content_type: bytes = b"application/json") -> bytes:
    head = b"HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: keep-alive\r\n\r\n"
    return head % (status, content_type, len(body)) + body


def dumps(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


_chat_cache: dict[str, bytes] = {}


def chat_body(model: str) -> bytes:
    cached = _chat_cache.get(model)
    if cached is None:
        words = len(CONTENT.split())
        cached = http_response(
            200,
            dumps(
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": 1700000000,
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": CONTENT},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": 12, "completion_tokens": words, "total_tokens": 12 + words},
                }
            ),
        )
        _chat_cache[model] = cached
    return cached


def stream_events(model: str, include_usage: bool) -> list[bytes]:
    def chunk(delta: dict, finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        body = {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": 1700000000,
            "model": model,
        }
        return b"data: " + dumps({**body, "choices": [choice]}) + b"\n\n"

    n = Settings.chunks
    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"content": f"tok{i} "}) for i in range(n - 2)]
    events.append(chunk({}, "stop"))
    if include_usage:
        usage = {"prompt_tokens": 12, "completion_tokens": n - 2, "total_tokens": 10 + n}
        body = {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": 1700000000,
            "model": model,
        }
        events.append(b"data: " + dumps({**body, "choices": [], "usage": usage}) + b"\n\n")
    events.append(b"data: [DONE]\n\n")
    return events


def error_body(status: int) -> bytes:
    kinds = {
        400: "invalid_request_error",
        401: "invalid_api_key",
        404: "not_found",
        429: "rate_limit_exceeded",
    }
    err = {
        "message": f"fake upstream error {status}",
        "type": kinds.get(status, "server_error"),
        "code": None,
    }
    return http_response(status, dumps({"error": err}))


class Upstream(asyncio.Protocol):
    def __init__(self) -> None:
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buffer[:head_end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            total = head_end + 4 + length
            if len(self.buffer) < total:
                return
            body = self.buffer[head_end + 4 : total]
            self.buffer = self.buffer[total:]
            method, path = head.split(" ", 2)[:2]
            self.handle(method, path.split("?", 1)[0].removeprefix("/v1"), body)

    def handle(self, method: str, path: str, body: bytes) -> None:
        assert self.transport is not None
        STATS["requests"] += 1
        if path == "/health" or path == "/stats":
            self.transport.write(http_response(200, dumps(STATS)))
        elif path == "/models":
            self.transport.write(
                http_response(200, dumps({"object": "list", "data": [{"id": "fake", "object": "model"}]}))
            )
        elif path == "/chat/completions" and method == "POST":
            self.chat(json.loads(body or b"{}"))
        elif path == "/embeddings" and method == "POST":
            STATS["embeddings"] += 1
            request = json.loads(body or b"{}")
            inputs = request.get("input")
            count = len(inputs) if isinstance(inputs, list) else 1
            data = [
                {"object": "embedding", "index": i, "embedding": [0.1, 0.2, 0.3, 0.4]} for i in range(count)
            ]
            usage = {"prompt_tokens": 3 * count, "total_tokens": 3 * count}
            reply = {"object": "list", "data": data, "model": request.get("model"), "usage": usage}
            self.transport.write(http_response(200, dumps(reply)))
        else:
            self.transport.write(error_body(404))

    def chat(self, request: dict) -> None:
        assert self.transport is not None
        model = str(request.get("model", "fake"))
        if model.startswith("status-"):
            self.transport.write(error_body(int(model.split("-", 1)[1])))
            return
        if not request.get("stream"):
            STATS["chat"] += 1
            self.transport.write(chat_body(model))
            return
        STATS["stream"] += 1
        include_usage = bool((request.get("stream_options") or {}).get("include_usage"))
        events = stream_events(model, include_usage)
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
        self.transport.write(head)
        if model.startswith("cut-"):  # a few events, then the connection drops mid-stream
            cut = int(model.split("-", 1)[1])
            self.transport.write(b"".join(chunked(e) for e in events[:cut]))
            asyncio.get_running_loop().call_later(0.05, self.transport.abort)
            return
        if Settings.chunk_delay:
            asyncio.ensure_future(self.slow_stream(events))
        else:
            self.transport.write(b"".join(chunked(e) for e in events) + b"0\r\n\r\n")
            STATS["stream_completed"] += 1

    async def slow_stream(self, events: list[bytes]) -> None:
        assert self.transport is not None
        for event in events:
            if self.transport.is_closing():
                return  # the gateway cancelled the call
            self.transport.write(chunked(event))
            await asyncio.sleep(Settings.chunk_delay)
        if not self.transport.is_closing():
            self.transport.write(b"0\r\n\r\n")
            STATS["stream_completed"] += 1


def chunked(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


async def serve(host: str, port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Upstream, host, port, reuse_address=True, backlog=1024)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    print(json.dumps(STATS), file=sys.stderr)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9100)
    p.add_argument("--chunks", type=int, default=20)
    p.add_argument("--chunk-delay-ms", type=float, default=0.0)
    args = p.parse_args()
    Settings.chunks = max(args.chunks, 2)
    Settings.chunk_delay = args.chunk_delay_ms / 1000
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(serve(args.host, args.port))


if __name__ == "__main__":
    main()
