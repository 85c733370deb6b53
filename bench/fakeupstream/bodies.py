"""Pre-rendered response bodies of the three wire dialects the fake upstream speaks.

Each function returns bytes (a JSON body) or a list of SSE event frames, built once per
(model, options) and cached by the server, so answering a request costs a dict lookup.
Shapes follow each provider's documented wire format:

- OpenAI: https://platform.openai.com/docs/api-reference/chat/object and
  https://platform.openai.com/docs/api-reference/chat-streaming
- Anthropic: https://docs.anthropic.com/en/api/messages and
  https://docs.anthropic.com/en/docs/build-with-claude/streaming
- Gemini: https://ai.google.dev/api/generate-content (``alt=sse`` streams one
  ``GenerateContentResponse`` per event, separated by CRLF CRLF)
"""

from __future__ import annotations

import json
from typing import Any

CREATED = 1700000000
CONTENT = "Hello! This is a fixed reply from the fake upstream."
PROMPT_TOKENS = 12
COMPLETION_TOKENS = 11

_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def dumps(value: Any) -> bytes:
    return _encode(value).encode()


def pieces(n: int) -> list[str]:
    """The streamed text, in ``n`` pieces ("tok0 ", "tok1 ", ...)."""
    return [f"tok{i} " for i in range(n)]


# --- OpenAI ------------------------------------------------------------------------------


def openai_chat(model: str) -> bytes:
    return dumps(
        {
            "id": "chatcmpl-fake0001",
            "object": "chat.completion",
            "created": CREATED,
            "model": model,
            "system_fingerprint": "fp_fake",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": CONTENT, "refusal": None, "annotations": []},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": PROMPT_TOKENS,
                "completion_tokens": COMPLETION_TOKENS,
                "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS,
                "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
            },
        }
    )


def _openai_chunk(model: str, choices: list[dict[str, Any]], usage: Any = None) -> dict[str, Any]:
    chunk: dict[str, Any] = {
        "id": "chatcmpl-fake0001",
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": model,
        "system_fingerprint": "fp_fake",
        "choices": choices,
    }
    if usage is not False:
        chunk["usage"] = usage  # OpenAI sends "usage": null on every chunk when include_usage is set
    return chunk


def openai_stream(model: str, chunks: int, include_usage: bool) -> list[bytes]:
    """``chunks`` content events (role on the first, finish_reason on the last), then usage, then [DONE]."""
    events = []
    texts = pieces(chunks)
    for i, text in enumerate(texts):
        delta: dict[str, Any] = {"role": "assistant", "content": text} if i == 0 else {"content": text}
        choice = {
            "index": 0,
            "delta": delta,
            "logprobs": None,
            "finish_reason": "stop" if i == chunks - 1 else None,
        }
        events.append(_openai_chunk(model, [choice], None if include_usage else False))
    if include_usage:
        usage = {
            "prompt_tokens": PROMPT_TOKENS,
            "completion_tokens": chunks,
            "total_tokens": PROMPT_TOKENS + chunks,
        }
        events.append(_openai_chunk(model, [], usage))
    return [b"data: " + dumps(e) + b"\n\n" for e in events] + [b"data: [DONE]\n\n"]


def openai_embeddings(model: str, n_inputs: int, dim: int) -> bytes:
    vector = [round(0.001 * (i + 1), 6) for i in range(dim)]
    return dumps(
        {
            "object": "list",
            "data": [{"object": "embedding", "index": i, "embedding": vector} for i in range(n_inputs)],
            "model": model,
            "usage": {"prompt_tokens": 4 * n_inputs, "total_tokens": 4 * n_inputs},
        }
    )


def openai_models() -> bytes:
    return dumps(
        {
            "object": "list",
            "data": [{"id": "fake", "object": "model", "created": CREATED, "owned_by": "fake"}],
        }
    )


# --- Anthropic Messages ----------------------------------------------------------------------


def _anthropic_usage(output_tokens: int) -> dict[str, Any]:
    return {
        "input_tokens": PROMPT_TOKENS,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "output_tokens": output_tokens,
        "service_tier": "standard",
    }


def anthropic_message(model: str) -> bytes:
    return dumps(
        {
            "id": "msg_fake0001",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [{"type": "text", "text": CONTENT}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": _anthropic_usage(COMPLETION_TOKENS),
        }
    )


def _sse(event: str, data: dict[str, Any]) -> bytes:
    return b"event: " + event.encode() + b"\ndata: " + dumps(data) + b"\n\n"


def anthropic_stream(model: str, chunks: int) -> list[bytes]:
    """message_start, content_block_start, ping, ``chunks`` text deltas, content_block_stop,
    message_delta (stop reason and final usage), message_stop."""
    start = {
        "id": "msg_fake0001",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": _anthropic_usage(1),
    }
    events = [
        _sse("message_start", {"type": "message_start", "message": start}),
        _sse(
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        ),
        _sse("ping", {"type": "ping"}),
    ]
    for text in pieces(chunks):
        delta = {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}}
        events.append(_sse("content_block_delta", delta))
    events += [
        _sse("content_block_stop", {"type": "content_block_stop", "index": 0}),
        _sse(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": chunks},
            },
        ),
        _sse("message_stop", {"type": "message_stop"}),
    ]
    return events


# --- Gemini generateContent ----------------------------------------------------------------


def _gemini_response(model: str, text: str, finish: bool, candidates_tokens: int | None) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"parts": [{"text": text}], "role": "model"}, "index": 0}
    if finish:
        candidate["finishReason"] = "STOP"
    usage: dict[str, Any] = {"promptTokenCount": PROMPT_TOKENS}
    if candidates_tokens is not None:
        usage["candidatesTokenCount"] = candidates_tokens
    usage["totalTokenCount"] = PROMPT_TOKENS + (candidates_tokens or 0)
    usage["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": PROMPT_TOKENS}]
    return {
        "candidates": [candidate],
        "usageMetadata": usage,
        "modelVersion": model,
        "responseId": "fakeResponse0001",
    }


def gemini_generate(model: str) -> bytes:
    return dumps(_gemini_response(model, CONTENT, True, COMPLETION_TOKENS))


def gemini_stream(model: str, chunks: int) -> list[bytes]:
    """One ``GenerateContentResponse`` per SSE event; the last carries finishReason and full usage."""
    texts = pieces(chunks)
    out = []
    for i, text in enumerate(texts):
        last = i == chunks - 1
        body = _gemini_response(model, text, last, chunks if last else None)
        out.append(b"data: " + dumps(body) + b"\r\n\r\n")
    return out


def gemini_stream_json_array(model: str, chunks: int) -> bytes:
    """``streamGenerateContent`` without ``alt=sse``: one JSON array of the same responses."""
    texts = pieces(chunks)
    items = [
        _gemini_response(model, t, i == chunks - 1, chunks if i == chunks - 1 else None)
        for i, t in enumerate(texts)
    ]
    return b"[" + b",\r\n".join(dumps(item) for item in items) + b"]"


def gemini_embed(dim: int) -> bytes:
    return dumps({"embedding": {"values": [round(0.001 * (i + 1), 6) for i in range(dim)]}})


def gemini_batch_embed(n_inputs: int, dim: int) -> bytes:
    vector = {"values": [round(0.001 * (i + 1), 6) for i in range(dim)]}
    return dumps({"embeddings": [vector] * n_inputs})


# --- errors ------------------------------------------------------------------------------------

_OPENAI_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    404: "invalid_request_error",
    429: "requests",
}
_ANTHROPIC_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}
_GOOGLE_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


def error_body(dialect: str, status: int, message: str) -> bytes:
    """The error body each dialect documents for ``status``."""
    if dialect == "anthropic":
        kind = _ANTHROPIC_TYPES.get(status, "api_error")
        return dumps({"type": "error", "error": {"type": kind, "message": message}})
    if dialect == "gemini":
        return dumps(
            {"error": {"code": status, "message": message, "status": _GOOGLE_STATUS.get(status, "UNKNOWN")}}
        )
    kind = _OPENAI_TYPES.get(status, "server_error")
    return dumps({"error": {"message": message, "type": kind, "param": None, "code": None}})
