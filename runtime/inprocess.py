"""In-process servers that a spec can name with ``connection.in_process``.

``canonical_echo`` is a small OpenAI-format server living inside the process: the offline
``mock`` provider's spec points at it, so mock calls take the same path as real ones (request
building, transport, response parsing, streaming, cost) without touching the network.
It answers chat (JSON and SSE), legacy completions, embeddings, images and model listing.
"""

from __future__ import annotations

import hashlib
import struct
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
from pydantic_core import from_json, to_json

MOCK_REPLY = "This is a mock response from llmrelay's offline mock model."
_CREATED = 1700000000


def _words(text: str) -> list[str]:
    return [w + " " for w in text.split(" ")[:-1]] + text.split(" ")[-1:]


def _prompt_tokens(messages: Any) -> int:
    text = to_json(messages).decode()
    return max(1, len(text) // 4)


def _error(status: int, message: str, code: str) -> httpx.Response:
    body = {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}}
    return httpx.Response(status, json=body)


def _chat(body: dict[str, Any]) -> httpx.Response:
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return _error(400, "'messages' must be a non-empty list", "invalid_messages")
    model = body.get("model")
    reply = MOCK_REPLY
    prompt = _prompt_tokens(messages)
    completion = len(_words(reply))
    usage = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
    cid = "chatcmpl-mock" + hashlib.sha1(to_json(messages)).hexdigest()[:16]
    if not body.get("stream"):
        choice = {"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}
        payload = {"id": cid, "object": "chat.completion", "created": _CREATED, "model": model}
        return httpx.Response(200, json={**payload, "choices": [choice], "usage": usage})
    include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
    return httpx.Response(
        200,
        headers={"content-type": "text/event-stream"},
        stream=_SSEStream(_chunks(cid, model, reply, usage if include_usage else None)),
    )


def _chunks(cid: str, model: str, reply: str, usage: dict[str, int] | None) -> list[bytes]:
    base = {"id": cid, "object": "chat.completion.chunk", "created": _CREATED, "model": model}
    deltas: list[tuple[dict[str, Any], str | None]] = [({"role": "assistant", "content": ""}, None)]
    deltas += [({"content": word}, None) for word in _words(reply)]
    deltas.append(({}, "stop"))
    events = [
        {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        for delta, finish in deltas
    ]
    if usage is not None:
        events.append({**base, "choices": [], "usage": usage})
    return [b"data: " + to_json(e) + b"\n\n" for e in events] + [b"data: [DONE]\n\n"]


def _embeddings(body: dict[str, Any]) -> httpx.Response:
    inputs = body.get("input")
    items = [inputs] if isinstance(inputs, str) else inputs
    if not isinstance(items, list) or not items:
        return _error(400, "'input' must be a string or a non-empty list", "invalid_input")
    dims = int(body.get("dimensions") or 8)
    data = [
        {"object": "embedding", "index": i, "embedding": _vector(str(item), dims)}
        for i, item in enumerate(items)
    ]
    tokens = sum(max(1, len(str(item)) // 4) for item in items)
    usage = {"prompt_tokens": tokens, "total_tokens": tokens}
    return httpx.Response(
        200, json={"object": "list", "data": data, "model": body.get("model"), "usage": usage}
    )


def _vector(text: str, dims: int) -> list[float]:
    """A deterministic unit-ish vector derived from the text (same text, same vector)."""
    digest = hashlib.sha256(text.encode()).digest() * (dims // 8 + 1)
    raw = struct.unpack(f"<{dims}b", digest[:dims])
    return [round(v / 128, 6) for v in raw]


def _images(body: dict[str, Any]) -> httpx.Response:
    if not isinstance(body.get("prompt"), str) or not body["prompt"]:
        return _error(400, "'prompt' must be a non-empty string", "invalid_prompt")
    count = int(body.get("n") or 1)
    data = [
        {"url": f"https://mock.llmrelay.invalid/image/{i}.png", "revised_prompt": body["prompt"]}
        for i in range(count)
    ]
    return httpx.Response(200, json={"created": int(time.time()), "data": data})


def _completions(body: dict[str, Any]) -> httpx.Response:
    prompt = body.get("prompt")
    if not isinstance(prompt, str | list):
        return _error(400, "'prompt' must be a string or a list", "invalid_prompt")
    tokens = _prompt_tokens(prompt)
    completion = len(_words(MOCK_REPLY))
    return httpx.Response(
        200,
        json={
            "id": "cmpl-mock",
            "object": "text_completion",
            "created": _CREATED,
            "model": body.get("model"),
            "choices": [{"index": 0, "text": MOCK_REPLY, "finish_reason": "stop", "logprobs": None}],
            "usage": {
                "prompt_tokens": tokens,
                "completion_tokens": completion,
                "total_tokens": tokens + completion,
            },
        },
    )


_ROUTES: dict[str, Callable[[dict[str, Any]], httpx.Response]] = {
    "chat/completions": _chat,
    "completions": _completions,
    "embeddings": _embeddings,
    "images/generations": _images,
}


def canonical_echo(request: httpx.Request) -> httpx.Response:
    path = request.url.path.rstrip("/")
    if request.method == "GET" and path.endswith("/models"):
        return httpx.Response(
            200, json={"object": "list", "data": [{"id": "echo", "object": "model", "owned_by": "llmrelay"}]}
        )
    route = next((handler for suffix, handler in _ROUTES.items() if path.endswith("/" + suffix)), None)
    if route is None:
        return _error(404, f"no route {request.method} {path}", "not_found")
    try:
        body = from_json(request.content)
    except ValueError:
        return _error(400, "request body is not valid JSON", "invalid_json")
    return route(body)


class _SSEStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk


SERVERS: dict[str, Callable[[httpx.Request], httpx.Response]] = {"canonical_echo": canonical_echo}


def transport_for(name: str, is_async: bool) -> httpx.MockTransport:
    try:
        handler = SERVERS[name]
    except KeyError:
        raise ValueError(f"unknown in-process server {name!r}; known: {', '.join(SERVERS)}") from None
    if not is_async:
        return httpx.MockTransport(handler)

    async def ahandler(request: httpx.Request) -> httpx.Response:
        await request.aread()
        return handler(request)

    return httpx.MockTransport(ahandler)
