"""The AWS event-stream decoder (runtime/eventstream.py), fed frames built by a tiny encoder here
(written from the framing's documentation) and one frame recorded from the live Bedrock API."""

from __future__ import annotations

import base64
import json
import struct
import zlib

import llmrelay
import pytest
from llmrelay.eventstream import EventStreamDecoder, decode_headers
from llmrelay.sse import DECODERS, iter_events


def encode_header(name: str, value: object) -> bytes:
    raw = name.encode()
    head = bytes([len(raw)]) + raw
    if isinstance(value, bool):
        return head + bytes([0 if value else 1])
    if isinstance(value, int):
        return head + b"\x04" + struct.pack(">i", value)
    if isinstance(value, bytes):
        return head + b"\x06" + struct.pack(">H", len(value)) + value
    text = str(value).encode()
    return head + b"\x07" + struct.pack(">H", len(text)) + text


def encode_frame(headers: dict[str, object], payload: bytes) -> bytes:
    """prelude (total length, headers length, CRC) | headers | payload | message CRC."""
    header_bytes = b"".join(encode_header(k, v) for k, v in headers.items())
    total = 12 + len(header_bytes) + len(payload) + 4
    prelude = struct.pack(">II", total, len(header_bytes))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    message = prelude + header_bytes + payload
    return message + struct.pack(">I", zlib.crc32(message))


def event_frame(event_type: str, payload: dict) -> bytes:
    headers = {":event-type": event_type, ":content-type": "application/json", ":message-type": "event"}
    return encode_frame(headers, json.dumps(payload, separators=(",", ":")).encode())


def exception_frame(exception_type: str, message: str) -> bytes:
    headers = {
        ":exception-type": exception_type,
        ":content-type": "application/json",
        ":message-type": "exception",
    }
    return encode_frame(headers, json.dumps({"message": message}).encode())


# The first frame of a ConverseStream answer recorded from the live API (dd-trace-py's cassette).
RECORDED_MESSAGE_START = base64.b64decode(
    "AAAAqgAAAFLa0GiGCzpldmVudC10eXBlBwAMbWVzc2FnZVN0YXJ0DTpjb250ZW50LXR5cGUHABBh"
    "cHBsaWNhdGlvbi9qc29uDTptZXNzYWdlLXR5cGUHAAVldmVudHsicCI6ImFiY2RlZmdoaWprbG1u"
    "b3BxcnN0dXZ3eHl6QUJDREVGR0hJSktMTU5PUFFSUyIsInJvbGUiOiJhc3Npc3RhbnQifXIDPnsA"
)[:0xAA]


def test_recorded_frame():
    events = EventStreamDecoder().feed(RECORDED_MESSAGE_START)
    assert len(events) == 1
    assert events[0].event == "messageStart"
    assert json.loads(events[0].data) == {
        "p": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS",
        "role": "assistant",
    }


def test_frames_split_at_every_byte():
    stream = event_frame("messageStart", {"role": "assistant"}) + event_frame(
        "contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "héllo"}}
    )
    decoder = EventStreamDecoder()
    events = []
    for i in range(len(stream)):  # one byte at a time: prelude, headers and UTF-8 split anywhere
        events += decoder.feed(stream[i : i + 1])
    assert decoder.flush() == []
    assert [e.event for e in events] == ["messageStart", "contentBlockDelta"]
    assert json.loads(events[1].data)["delta"]["text"] == "héllo"


def test_registered_beside_sse_and_ndjson():
    assert DECODERS["aws_eventstream"] is EventStreamDecoder
    stream = event_frame("messageStop", {"stopReason": "end_turn"}) + event_frame("metadata", {"usage": {}})
    assert [e.event for e in iter_events([stream[:5], stream[5:]], "aws_eventstream")] == [
        "messageStop",
        "metadata",
    ]


def test_exception_and_error_messages():
    error = encode_frame(
        {":message-type": "error", ":error-code": "InternalFailure", ":error-message": "boom"}, b""
    )
    events = EventStreamDecoder().feed(exception_frame("throttlingException", "slow down") + error)
    assert (events[0].event, json.loads(events[0].data)) == ("throttlingException", {"message": "slow down"})
    assert (events[1].event, json.loads(events[1].data)) == ("InternalFailure", {"message": "boom"})


def test_header_value_types():
    raw = (
        encode_header("t", True)
        + encode_header("f", False)
        + encode_header("i", 7)
        + encode_header("b", b"\x00\x01")
        + encode_header("s", "x")
        + b"\x01l\x05"
        + struct.pack(">q", -2)
        + b"\x02ts\x08"
        + struct.pack(">q", 1700000000000)
        + b"\x01u\x09"
        + bytes(range(16))
    )
    assert decode_headers(raw) == {
        "t": True,
        "f": False,
        "i": 7,
        "b": b"\x00\x01",
        "s": "x",
        "l": -2,
        "ts": 1700000000000,
        "u": bytes(range(16)),
    }


def test_corrupt_message_crc_is_an_error():
    frame = bytearray(event_frame("messageStart", {"role": "assistant"}))
    frame[-6] ^= 0xFF  # flip a payload byte: the message CRC no longer matches
    with pytest.raises(llmrelay.APIConnectionError, match="message CRC"):
        EventStreamDecoder().feed(bytes(frame))


def test_corrupt_prelude_crc_is_an_error():
    frame = bytearray(event_frame("messageStart", {"role": "assistant"}))
    frame[8] ^= 0xFF
    with pytest.raises(llmrelay.APIConnectionError, match="prelude CRC"):
        EventStreamDecoder().feed(bytes(frame))


def test_truncated_stream_is_an_error():
    decoder = EventStreamDecoder()
    assert decoder.feed(event_frame("messageStart", {"role": "assistant"})[:-3]) == []
    with pytest.raises(llmrelay.APIConnectionError, match="ended inside a message"):
        decoder.flush()
