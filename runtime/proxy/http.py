"""Plain ASGI request and response helpers: no framework, no per-request dependency tree."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

import orjson

from .errors import ProxyError

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

JSON_HEADERS = [(b"content-type", b"application/json")]
_DUMP_OPTS = orjson.OPT_NAIVE_UTC | orjson.OPT_NON_STR_KEYS


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, option=_DUMP_OPTS)


class Request:
    __slots__ = ("scope", "receive", "send", "path", "method", "max_body", "_query", "_headers")

    def __init__(self, scope: dict[str, Any], receive: Receive, send: Send, path: str, max_body: int) -> None:
        self.scope = scope
        self.receive = receive
        self.send = send
        self.path = path
        self.method: str = scope["method"]
        self.max_body = max_body
        self._query: dict[str, str] | None = None
        self._headers: dict[bytes, bytes] | None = None

    def header(self, name: bytes) -> str | None:
        if self._headers is None:
            self._headers = dict(self.scope["headers"])
        value = self._headers.get(name)
        return value.decode("latin-1") if value is not None else None

    def api_key(self) -> str | None:
        """The caller's key: ``Authorization: Bearer``, or the ``x-litellm-api-key``/``api-key`` headers."""
        auth = self.header(b"authorization")
        if auth:
            scheme, _, token = auth.partition(" ")
            return token.strip() if scheme.lower() == "bearer" else auth.strip()
        return self.header(b"x-litellm-api-key") or self.header(b"api-key")

    @property
    def query(self) -> dict[str, str]:
        if self._query is None:
            raw = self.scope.get("query_string", b"").decode("latin-1")
            self._query = {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        return self._query

    async def body(self) -> bytes:
        declared = self.header(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            raise too_large(self.max_body)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise too_large(self.max_body)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    async def json(self) -> dict[str, Any]:
        raw = await self.body()
        if not raw:
            raise ProxyError(400, "The request body is empty; send a JSON object.", code="invalid_json")
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise ProxyError(400, f"The request body is not valid JSON: {exc}", code="invalid_json") from None
        if not isinstance(value, dict):
            raise ProxyError(400, "The request body must be a JSON object.", code="invalid_json")
        return value


class ClientDisconnected(Exception):
    """The client went away before the answer was complete."""


def too_large(limit: int) -> ProxyError:
    return ProxyError(
        413, f"Request body exceeds the gateway's limit of {limit} bytes.", code="request_too_large"
    )


class Response:
    __slots__ = ("status", "body", "headers")

    def __init__(
        self, body: bytes, status: int = 200, headers: list[tuple[bytes, bytes]] | None = None
    ) -> None:
        self.status = status
        self.body = body
        self.headers = headers if headers is not None else list(JSON_HEADERS)

    async def send(self, send: Send) -> None:
        headers = self.headers
        headers.append((b"content-length", str(len(self.body)).encode()))
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


def json_response(value: Any, status: int = 200, extra: list[tuple[bytes, bytes]] | None = None) -> Response:
    headers = list(JSON_HEADERS)
    if extra:
        headers.extend(extra)
    return Response(dumps(value), status, headers)


def error_response(err: ProxyError) -> Response:
    headers = list(JSON_HEADERS)
    headers.extend((k.encode(), v.encode()) for k, v in err.headers.items())
    return Response(err.body(), err.status, headers)


async def wait_disconnect(receive: Receive) -> None:
    """Returns when the client disconnects (call only after the body has been read)."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
