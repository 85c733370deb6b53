"""Incremental stream decoders: Server-Sent Events, newline-delimited JSON (and AWS event-stream).

One decoder serves every dialect. It accepts bytes in arbitrary network chunks and copes with
CR, LF and CRLF line ends, multi-line ``data:`` fields, comments, and a multi-byte UTF-8
character split across chunks (decoding happens per complete line, never per chunk).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from dataclasses import dataclass


@dataclass(slots=True)
class ServerSentEvent:
    event: str | None
    data: str
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Feed bytes, get complete events. Keeps partial lines between calls."""

    __slots__ = ("_buffer", "_event", "_data", "_id", "_retry", "_pending_cr")

    def __init__(self) -> None:
        self._buffer = b""
        self._event: str | None = None
        self._data: list[str] = []
        self._id: str | None = None
        self._retry: int | None = None
        self._pending_cr = False

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        if not chunk:
            return []  # an empty read must not forget a CR waiting for its LF
        if self._pending_cr and chunk.startswith(b"\n"):
            chunk = chunk[1:]  # the LF of a CRLF split across two chunks
        self._pending_cr = chunk.endswith(b"\r")
        buffer = self._buffer + chunk
        if b"\r" in buffer:
            buffer = buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        *lines, self._buffer = buffer.split(b"\n")
        events: list[ServerSentEvent] = []
        for line in lines:
            event = self._line(line.decode("utf-8"))
            if event is not None:
                events.append(event)
        return events

    def flush(self) -> list[ServerSentEvent]:
        """End of stream: a last event not followed by a blank line still counts."""
        events = self.feed(b"\n") if self._buffer else []
        event = self._dispatch()
        return events + ([event] if event is not None else [])

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line[0] == ":":
            return None  # comment / keep-alive
        field, _, value = line.partition(":")
        if value[:1] == " ":
            value = value[1:]
        if field == "data":
            self._data.append(value)
        elif field == "event":
            self._event = value
        elif field == "id":
            self._id = value
        elif field == "retry" and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        if not self._data and self._event is None:
            return None
        event = ServerSentEvent(self._event, "\n".join(self._data), self._id, self._retry)
        self._event, self._data, self._retry = None, [], None
        return event


class NDJSONDecoder:
    """Newline-delimited JSON: one event per non-empty line, carried in ``data``."""

    __slots__ = ("_buffer",)

    def __init__(self) -> None:
        self._buffer = b""

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        *lines, self._buffer = (self._buffer + chunk).split(b"\n")
        return [ServerSentEvent(None, line.decode("utf-8").strip()) for line in lines if line.strip()]

    def flush(self) -> list[ServerSentEvent]:
        rest, self._buffer = self._buffer.strip(), b""
        return [ServerSentEvent(None, rest.decode("utf-8"))] if rest else []


# The AWS event-stream binary framing lives in its own module; its decoder yields the same events.
from .eventstream import EventStreamDecoder  # noqa: E402

DECODERS = {"sse": SSEDecoder, "ndjson": NDJSONDecoder, "aws_eventstream": EventStreamDecoder}


def iter_events(chunks: Iterable[bytes], decoder: str = "sse") -> Iterator[ServerSentEvent]:
    state = DECODERS[decoder]()
    for chunk in chunks:
        yield from state.feed(chunk)
    yield from state.flush()


async def aiter_events(chunks: AsyncIterable[bytes], decoder: str = "sse") -> AsyncIterator[ServerSentEvent]:
    state = DECODERS[decoder]()
    async for chunk in chunks:
        for event in state.feed(chunk):
            yield event
    for event in state.flush():
        yield event
