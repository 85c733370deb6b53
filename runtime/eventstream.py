"""Incremental decoder for the AWS event-stream binary framing (``application/vnd.amazon.eventstream``).

Each message on the wire is::

    total length (uint32) | headers length (uint32) | prelude CRC32 (uint32)
    headers | payload | message CRC32 (uint32, over everything before it)

A header is ``name length (uint8) | name | value type (uint8) | value``. The decoder accepts bytes in
arbitrary network chunks, checks both CRCs (a corrupt frame is an error, never silently skipped)
and yields the same event objects as the SSE decoder: ``event`` is the ``:event-type`` header (or
the ``:exception-type`` / ``:error-code`` of an exception or error message) and ``data`` is the
payload text (for an ``error`` message, which has no payload, ``{"message": <:error-message>}``).
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

from . import exceptions

_PRELUDE = 12  # total length, headers length, prelude CRC
_CRC = 4
_MIN_MESSAGE = _PRELUDE + _CRC
_MAX_MESSAGE = 16 * 1024 * 1024  # the protocol's limit; a larger length means a corrupt prelude
# Fixed-size header value types: type id -> (size, struct format or None for raw bytes).
_FIXED: dict[int, tuple[int, str | None]] = {
    2: (1, ">b"),
    3: (2, ">h"),
    4: (4, ">i"),
    5: (8, ">q"),
    8: (8, ">q"),  # timestamp, milliseconds since the epoch
    9: (16, None),  # UUID
}


class EventStreamDecoder:
    """Feed bytes, get complete messages as events. Keeps a partial frame between calls."""

    __slots__ = ("_buffer", "_event_type")

    def __init__(self) -> None:
        from .sse import ServerSentEvent  # imported here: sse.py registers this decoder

        self._buffer = bytearray()
        self._event_type = ServerSentEvent

    def feed(self, chunk: bytes) -> list[Any]:
        self._buffer += chunk
        events = []
        while (frame := self._next_frame()) is not None:
            events.append(self._event(*decode_frame(frame)))
        return events

    def flush(self) -> list[Any]:
        if self._buffer:
            left = len(self._buffer)
            self._buffer.clear()
            _corrupt(f"the stream ended inside a message ({left} bytes left over)")
        return []

    def _next_frame(self) -> bytes | None:
        if len(self._buffer) < _PRELUDE:
            return None
        total = struct.unpack_from(">I", self._buffer)[0]
        if not _MIN_MESSAGE <= total <= _MAX_MESSAGE:
            _corrupt(f"impossible message length {total}")
        if len(self._buffer) < total:
            return None
        frame = bytes(self._buffer[:total])
        del self._buffer[:total]
        return frame

    def _event(self, headers: dict[str, Any], payload: bytes) -> Any:
        kind = headers.get(":message-type", "event")
        if kind == "exception":
            return self._event_type(headers.get(":exception-type"), payload.decode("utf-8"))
        if kind == "error":
            message = json.dumps({"message": headers.get(":error-message", "")})
            return self._event_type(headers.get(":error-code"), message)
        return self._event_type(headers.get(":event-type"), payload.decode("utf-8"))


def decode_frame(frame: bytes) -> tuple[dict[str, Any], bytes]:
    """One complete message -> (headers, payload), after checking both CRCs."""
    total, headers_length, prelude_crc = struct.unpack_from(">III", frame)
    if zlib.crc32(frame[:8]) != prelude_crc:
        _corrupt("prelude CRC mismatch")
    (message_crc,) = struct.unpack_from(">I", frame, total - _CRC)
    if zlib.crc32(frame[: total - _CRC]) != message_crc:
        _corrupt("message CRC mismatch")
    if _PRELUDE + headers_length > total - _CRC:
        _corrupt(f"headers length {headers_length} exceeds the message")
    headers = decode_headers(frame[_PRELUDE : _PRELUDE + headers_length])
    return headers, frame[_PRELUDE + headers_length : total - _CRC]


def decode_headers(data: bytes) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    pos = 0
    while pos < len(data):
        name_length = data[pos]
        name = data[pos + 1 : pos + 1 + name_length].decode("utf-8")
        pos += 1 + name_length
        value, pos = _header_value(data, pos)
        headers[name] = value
    return headers


def _header_value(data: bytes, pos: int) -> tuple[Any, int]:
    kind = data[pos]
    pos += 1
    if kind in (0, 1):  # boolean true / false: no value bytes
        return kind == 0, pos
    if kind in (6, 7):  # byte array / string: uint16 length prefix
        (length,) = struct.unpack_from(">H", data, pos)
        raw = data[pos + 2 : pos + 2 + length]
        return (raw.decode("utf-8") if kind == 7 else raw), pos + 2 + length
    if kind in _FIXED:
        size, fmt = _FIXED[kind]
        raw = data[pos : pos + size]
        return (struct.unpack(fmt, raw)[0] if fmt else raw), pos + size
    _corrupt(f"unknown header value type {kind}")
    raise AssertionError


def _corrupt(reason: str) -> None:
    exceptions.raise_error("APIConnectionError", f"corrupt AWS event stream: {reason}")
