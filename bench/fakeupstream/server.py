"""A raw asyncio HTTP/1.1 server that answers like the OpenAI, Anthropic and Gemini APIs.

No framework and no streams layer: an ``asyncio.Protocol`` parses requests straight from the
socket buffer (keep-alive, pipelining, Content-Length or chunked bodies) and writes
pre-rendered bytes, so on loopback it is never the bottleneck of a benchmark.

Routes, matched on the path's ending so any ``api_base`` prefix works:

=========================================  ==========================================================
``POST …/chat/completions``                OpenAI chat: JSON, or SSE when ``"stream": true``
``POST …/embeddings``                      OpenAI embeddings, one vector per input
``GET  …/models``                          OpenAI model list
``POST …/messages``                        Anthropic Messages: JSON, or its SSE event sequence
``POST …/models/{m}:generateContent``      Gemini JSON
``POST …/models/{m}:streamGenerateContent`` Gemini stream: SSE with ``?alt=sse``, else a JSON array
``POST …/models/{m}:embedContent``         Gemini embeddings (``:batchEmbedContents`` too)
``GET  /health``, ``GET /stats``           liveness; the counters as JSON
=========================================  ==========================================================

A model named ``status-NNN`` gets status NNN with that dialect's error body. Tests script
individual answers with :class:`Reply` (status, headers, delays, a dropped connection).
"""

from __future__ import annotations

import asyncio
import collections
import json
import socket
from dataclasses import dataclass, field
from typing import Any

from . import bodies

DIALECTS = ("openai", "anthropic", "gemini")
_REASONS = {
    200: b"OK",
    400: b"Bad Request",
    404: b"Not Found",
    429: b"Too Many Requests",
    500: b"Internal Server Error",
}
_STREAM_HEAD = (
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: text/event-stream; charset=utf-8\r\n"
    b"Cache-Control: no-cache\r\n"
    b"Transfer-Encoding: chunked\r\n"
    b"Connection: keep-alive\r\n\r\n"
)


@dataclass
class Settings:
    chunks: int = 20  # content events per stream
    delay: float = 0.0  # seconds before every answer (time to first byte)
    chunk_delay: float = 0.0  # seconds between stream events
    embed_dim: int = 16
    dialects: tuple[str, ...] = DIALECTS  # the dialects answered; other routes are 404
    record: bool = False  # keep every request (method, path, headers, body) in Server.requests


@dataclass
class Reply:
    """A scripted answer for the next request (tests queue these with ``Server.script``).

    Fields left ``None`` keep the normal behaviour: ``status`` other than 200 sends the dialect's
    error body (or ``body``); ``headers`` are added to the answer (not to a stream's);
    ``delay``/``chunk_delay`` slow it down; ``drop_after`` closes the connection after that many
    stream events (or before the body, for a JSON answer).
    """

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    delay: float | None = None
    chunk_delay: float | None = None
    drop_after: int | None = None


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class _Answer:
    """What to write: a whole response, or a stream head plus events."""

    whole: bytes | None = None
    events: list[bytes] | None = None
    delay: float = 0.0
    chunk_delay: float = 0.0
    drop_after: int | None = None


class Server:
    """The state shared by every connection: settings, caches, counters, scripted replies."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.stats: collections.Counter[str] = collections.Counter()
        self.requests: list[Recorded] = []
        self.open_connections = 0
        self.protocols: set[HTTPProtocol] = set()
        self._script: collections.deque[Reply] = collections.deque()
        self._cache: dict[tuple[Any, ...], Any] = {}

    def script(self, *replies: Reply) -> None:
        """Answer the next requests with these replies, in order (thread-safe)."""
        self._script.extend(replies)

    # --- routing --------------------------------------------------------------------------

    def answer(
        self, method: bytes, target: bytes, headers: dict[bytes, bytes] | None, body: bytes
    ) -> _Answer:
        path, _, query = target.partition(b"?")
        spath = path.decode("latin-1")
        self.stats["requests"] += 1
        if self.settings.record:
            hdrs = {k.decode("latin-1"): v.decode("latin-1") for k, v in (headers or {}).items()}
            self.requests.append(Recorded(method.decode(), target.decode("latin-1"), hdrs, body))
        if method == b"GET" and spath in ("/health", "/"):
            return _Answer(_response(200, b'{"ok":true}'))
        if method == b"GET" and spath == "/stats":
            return _Answer(
                _response(200, bodies.dumps(dict(self.stats, open_connections=self.open_connections)))
            )
        dialect, kind, model = _route(method, spath)
        if dialect is None or dialect not in self.settings.dialects:
            self.stats["not_found"] += 1
            return _Answer(_response(404, bodies.error_body("openai", 404, f"no route {spath}")))
        self.stats[kind] += 1
        try:
            request = json.loads(body) if body else {}
        except ValueError:
            return _Answer(_response(400, bodies.error_body(dialect, 400, "request body is not JSON")))
        model = model or str(request.get("model") or "fake")
        reply = self._next_reply()
        if reply is None and model.startswith("status-") and model[7:].isdigit():
            reply = Reply(status=int(model[7:]))
        if reply is not None and reply.status != 200:
            content = reply.body or bodies.error_body(
                dialect, reply.status, f"scripted status {reply.status}"
            )
            extra = "".join(f"{k}: {v}\r\n" for k, v in reply.headers.items()).encode("latin-1")
            return _Answer(_response(reply.status, content, extra=extra), delay=reply.delay or 0.0)
        answer = self._render(dialect, kind, model, request, query)
        answer.delay = self.settings.delay
        answer.chunk_delay = self.settings.chunk_delay
        if reply is not None:
            answer.delay = reply.delay if reply.delay is not None else answer.delay
            answer.chunk_delay = reply.chunk_delay if reply.chunk_delay is not None else answer.chunk_delay
            answer.drop_after = reply.drop_after
            if reply.headers and answer.whole is not None:
                answer.whole = _with_headers(answer.whole, reply.headers)
        return answer

    def _next_reply(self) -> Reply | None:
        try:
            return self._script.popleft()
        except IndexError:
            return None

    def _cached(self, key: tuple[Any, ...], make: Any) -> Any:
        value = self._cache.get(key)
        if value is None:
            value = self._cache[key] = make()
        return value

    def _render(self, dialect: str, kind: str, model: str, request: dict[str, Any], query: bytes) -> _Answer:
        n = self.settings.chunks
        dim = self.settings.embed_dim
        stream = request.get("stream") is True
        if kind == "chat" and stream:
            options = request.get("stream_options")
            usage = bool(isinstance(options, dict) and options.get("include_usage"))
            self.stats["stream"] += 1
            return _Answer(
                events=self._cached(("oai-s", model, usage, n), lambda: bodies.openai_stream(model, n, usage))
            )
        if kind == "chat":
            return _Answer(self._cached(("oai", model), lambda: _response(200, bodies.openai_chat(model))))
        if kind == "embeddings":
            inputs = request.get("input")
            count = (
                len(inputs) if isinstance(inputs, list) and inputs and not isinstance(inputs[0], int) else 1
            )
            return _Answer(
                self._cached(
                    ("emb", model, count, dim),
                    lambda: _response(200, bodies.openai_embeddings(model, count, dim)),
                )
            )
        if kind == "models":
            return _Answer(self._cached(("models",), lambda: _response(200, bodies.openai_models())))
        if kind == "messages" and stream:
            self.stats["stream"] += 1
            return _Answer(
                events=self._cached(("ant-s", model, n), lambda: bodies.anthropic_stream(model, n))
            )
        if kind == "messages":
            return _Answer(
                self._cached(("ant", model), lambda: _response(200, bodies.anthropic_message(model)))
            )
        if kind == "generateContent":
            return _Answer(
                self._cached(("gem", model), lambda: _response(200, bodies.gemini_generate(model)))
            )
        if kind == "streamGenerateContent":
            self.stats["stream"] += 1
            if b"alt=sse" in query:
                return _Answer(
                    events=self._cached(("gem-s", model, n), lambda: bodies.gemini_stream(model, n))
                )
            return _Answer(
                self._cached(
                    ("gem-a", model, n), lambda: _response(200, bodies.gemini_stream_json_array(model, n))
                )
            )
        if kind == "embedContent":
            return _Answer(self._cached(("gem-e", dim), lambda: _response(200, bodies.gemini_embed(dim))))
        count = len(request.get("requests") or []) or 1  # batchEmbedContents
        return _Answer(
            self._cached(("gem-b", count, dim), lambda: _response(200, bodies.gemini_batch_embed(count, dim)))
        )


def _route(method: bytes, path: str) -> tuple[str | None, str, str | None]:
    """(dialect, kind, model from the path) for a request, or (None, "", None)."""
    if method == b"GET" and path.endswith("/models"):
        return "openai", "models", None
    if method != b"POST":
        return None, "", None
    if path.endswith("/chat/completions"):
        return "openai", "chat", None
    if path.endswith("/embeddings"):
        return "openai", "embeddings", None
    if path.endswith("/messages"):
        return "anthropic", "messages", None
    head, sep, action = path.rpartition(":")
    if (
        sep
        and "/models/" in head
        and action
        in (
            "generateContent",
            "streamGenerateContent",
            "embedContent",
            "batchEmbedContents",
        )
    ):
        return "gemini", action, head.rsplit("/models/", 1)[1]
    return None, "", None


def _response(
    status: int, body: bytes, content_type: bytes = b"application/json", extra: bytes = b""
) -> bytes:
    reason = _REASONS.get(status, b"Status")
    return (
        b"HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: keep-alive\r\n%s\r\n%s"
        % (
            status,
            reason,
            content_type,
            len(body),
            extra,
            body,
        )
    )


def _with_headers(response: bytes, headers: dict[str, str]) -> bytes:
    head, sep, body = response.partition(b"\r\n\r\n")
    extra = "".join(f"\r\n{k}: {v}" for k, v in headers.items()).encode("latin-1")
    return head + extra + sep + body


def _chunked(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def _whole_stream(events: list[bytes]) -> bytes:
    return _STREAM_HEAD + b"".join(_chunked(e) for e in events) + b"0\r\n\r\n"


class HTTPProtocol(asyncio.Protocol):
    """One client connection: parse buffered requests, answer each in order."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.busy = False  # a delayed answer is in flight; later requests wait in the buffer
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.server.protocols.add(self)
        self.server.open_connections += 1
        self.server.stats["connections"] += 1
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.server.protocols.discard(self)
        self.server.open_connections -= 1
        if self.busy:
            self.server.stats["aborted"] += 1  # the client went away before the answer was complete

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.busy:
            self.process()

    def process(self) -> None:
        while not self.busy and not self.closed:
            parsed = _parse(self.buffer, self.server.settings.record)
            if parsed is None:
                return
            if parsed is False:
                self.transport.write(_response(400, b"{}"))  # type: ignore[union-attr]
                self.transport.close()  # type: ignore[union-attr]
                return
            method, target, headers, body, close = parsed
            answer = self.server.answer(method, target, headers, body)
            if answer.delay or answer.chunk_delay or answer.drop_after is not None:
                self.busy = True
                asyncio.ensure_future(self.slow(answer, close))
                return
            self.transport.write(answer.whole if answer.events is None else self.server_stream(answer.events))  # type: ignore[union-attr]
            if close:
                self.transport.close()  # type: ignore[union-attr]
                return

    def server_stream(self, events: list[bytes]) -> bytes:
        key = ("whole", id(events))
        cache = self.server._cache
        whole = cache.get(key)
        if whole is None:
            whole = cache[key] = _whole_stream(events)
        return whole

    async def slow(self, answer: _Answer, close: bool) -> None:
        transport = self.transport
        assert transport is not None
        if answer.delay:
            await asyncio.sleep(answer.delay)
        if self.closed:
            return
        if answer.events is None:
            if answer.drop_after is not None:
                transport.close()
                return
            transport.write(answer.whole)  # type: ignore[arg-type]
        else:
            transport.write(_STREAM_HEAD)
            for i, event in enumerate(answer.events):
                if answer.drop_after is not None and i >= answer.drop_after:
                    transport.abort()  # a connection lost mid-stream
                    return
                if i and answer.chunk_delay:
                    await asyncio.sleep(answer.chunk_delay)
                if self.closed:
                    return
                transport.write(_chunked(event))
            transport.write(b"0\r\n\r\n")
        self.server.stats["completed_slow"] += 1
        self.busy = False
        if close:
            transport.close()
        elif self.buffer:
            self.process()


def _parse(
    buf: bytearray, keep_headers: bool
) -> tuple[bytes, bytes, dict[bytes, bytes] | None, bytes, bool] | bool | None:
    """One complete request off the front of ``buf``: (method, target, headers, body, close).

    ``None`` when more bytes are needed, ``False`` when the request line is malformed.
    """
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = bytes(buf[:end]).split(b"\r\n")
    try:
        method, target, version = lines[0].split(b" ", 2)
    except ValueError:
        return False
    length = 0
    chunked = False
    close = version == b"HTTP/1.0"
    headers: dict[bytes, bytes] | None = {} if keep_headers else None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        value = value.strip()
        if headers is not None:
            headers[name] = value
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            close = value.lower() == b"close"
    start = end + 4
    if chunked:
        decoded = _dechunk(buf, start)
        if decoded is None:
            return None
        body, stop = decoded
    else:
        stop = start + length
        if len(buf) < stop:
            return None
        body = bytes(buf[start:stop])
    del buf[:stop]
    return method, target, headers, body, close


def _dechunk(buf: bytearray, pos: int) -> tuple[bytes, int] | None:
    body = bytearray()
    while True:
        line_end = buf.find(b"\r\n", pos)
        if line_end < 0:
            return None
        size = int(bytes(buf[pos:line_end]).split(b";")[0], 16)
        if size == 0:
            trailer_end = buf.find(b"\r\n\r\n", line_end)
            if trailer_end < 0:
                return None
            return bytes(body), trailer_end + 4
        if len(buf) < line_end + 2 + size + 2:
            return None
        body += buf[line_end + 2 : line_end + 2 + size]
        pos = line_end + 2 + size + 2


def close_connections(server: Server) -> None:
    """Close every client connection (at shutdown, so no socket is left to the collector)."""
    for protocol in list(server.protocols):
        if protocol.transport is not None:
            protocol.transport.close()


async def start(server: Server, host: str = "127.0.0.1", port: int = 0) -> asyncio.Server:
    loop = asyncio.get_running_loop()
    return await loop.create_server(
        lambda: HTTPProtocol(server), host, port, reuse_address=True, backlog=4096
    )
