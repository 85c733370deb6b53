"""A scripted OpenAI-format upstream on the loopback interface, for tests of the whole SDK path.

Each test queues the answers it wants (status, headers, a JSON body or SSE byte pieces sent with a
flush between them) and reads back what the SDK sent. Real HTTP over 127.0.0.1: nothing in the SDK
is patched.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Answer:
    status: int = 200
    json: Any = None
    pieces: list[bytes] = field(default_factory=list)  # streamed body, one write + flush per piece
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (to provoke a client timeout)
    # Streaming: after `hold_after` pieces, wait until the test opens `gate` (at most 10 s) and
    # record in `gate_was_opened` whether the client opened it, i.e. had the first pieces already.
    hold_after: int | None = None
    gate: threading.Event = field(default_factory=threading.Event)
    gate_was_opened: bool | None = None


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


class FakeUpstream:
    def __init__(self) -> None:
        self.answers: deque[Answer] = deque()
        self.seen: list[Seen] = []
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                headers = {k.lower(): v for k, v in self.headers.items()}
                upstream.seen.append(Seen("POST", self.path, headers, body))
                answer = (
                    upstream.answers.popleft()
                    if upstream.answers
                    else Answer(500, {"error": {"message": "no answer queued"}})
                )
                if answer.delay:
                    time.sleep(answer.delay)
                self.send_response(answer.status)
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                if answer.pieces:
                    self.send_header("content-type", answer.headers.get("content-type", "text/event-stream"))
                    self.send_header("connection", "close")
                    self.end_headers()
                    for i, piece in enumerate(answer.pieces):
                        if i == answer.hold_after:
                            answer.gate_was_opened = answer.gate.wait(10)
                        self.wfile.write(piece)
                        self.wfile.flush()
                    self.close_connection = True
                    return
                data = json.dumps(answer.json).encode()
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def queue(self, answer: Answer) -> None:
        self.answers.append(answer)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def chat_body(content: str = "Hello!", **extra: Any) -> dict[str, Any]:
    return {
        "id": "chatcmpl-123",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12},
        **extra,
    }


def sse(*events: Any) -> list[bytes]:
    """One SSE event per piece; dicts become ``data: <json>``, strings are sent as they are."""
    return [(f"data: {json.dumps(e)}\n\n" if isinstance(e, dict) else e).encode() for e in events]


def chunk(delta: dict[str, Any] | None = None, finish: str | None = None, **extra: Any) -> dict[str, Any]:
    body = {
        "id": "chatcmpl-123",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-4o-mini",
    }
    if delta is None and finish is None:
        return {**body, "choices": [], **extra}
    return {**body, "choices": [{"index": 0, "delta": delta or {}, "finish_reason": finish}], **extra}
