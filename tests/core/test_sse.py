"""The incremental SSE and NDJSON decoders, with openai-python's edge cases, sync and async."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable

import pytest
from llmrelay.sse import NDJSONDecoder, ServerSentEvent, SSEDecoder, aiter_events, iter_events


def events(pieces: Iterable[bytes], decoder: str = "sse") -> list[tuple[str | None, str]]:
    return [(e.event, e.data) for e in iter_events(pieces, decoder)]


async def _agen(pieces: Iterable[bytes]) -> AsyncIterator[bytes]:
    for piece in pieces:
        yield piece


async def aevents(pieces: Iterable[bytes], decoder: str = "sse") -> list[tuple[str | None, str]]:
    return [(e.event, e.data) for e in [x async for x in aiter_events(_agen(pieces), decoder)]]


@pytest.mark.parametrize("eol", [b"\n", b"\r", b"\r\n"], ids=["LF", "CR", "CRLF"])
def test_each_line_ending_separates_lines_and_events(eol: bytes) -> None:
    body = b"event: a" + eol + b"data: one" + eol + eol + b"data: two" + eol + eol
    assert events([body]) == [("a", "one"), (None, "two")]


def test_crlf_split_across_two_chunks_is_one_line_end() -> None:
    # the CR ends one read and the LF starts the next: no phantom blank line (no early dispatch)
    assert events([b"event: a\r", b"\ndata: x\r", b"\n\r", b"\n"]) == [("a", "x")]


def test_empty_read_between_cr_and_lf_does_not_split_the_crlf() -> None:
    assert events([b"data: x\r", b"", b"\ndata: y\r\n\r\n"]) == [(None, "x\ny")]


def test_multiline_data_is_joined_with_newlines() -> None:
    assert events([b'data: {\ndata: "a": 1\ndata: }\n\n']) == [(None, '{\n"a": 1\n}')]


def test_comments_and_keepalives_are_ignored() -> None:
    assert events([b": ping\n\n:\ndata: x\n\n: another\n\n"]) == [(None, "x")]


def test_id_and_retry_fields_are_parsed_and_id_persists() -> None:
    decoded = list(iter_events([b"id: 7\nretry: 1500\ndata: a\n\ndata: b\n\nretry: soon\ndata: c\n\n"]))
    assert [(e.id, e.retry, e.data) for e in decoded] == [
        ("7", 1500, "a"),
        ("7", None, "b"),
        ("7", None, "c"),
    ]


def test_value_keeps_everything_after_one_leading_space() -> None:
    assert events([b"data:no-space\n\ndata:  two spaces\n\ndata\n\n"]) == [
        (None, "no-space"),
        (None, " two spaces"),
        (None, ""),
    ]


def test_unknown_fields_are_ignored() -> None:
    assert events([b"foo: bar\ndata: x\n\n"]) == [(None, "x")]


def test_multibyte_character_split_across_chunks() -> None:
    text = "data: 你好 👋\n\n".encode()
    split = text.index("👋".encode()) + 2  # in the middle of the 4-byte emoji
    assert events([text[:9], text[9:split], text[split:]]) == [(None, "你好 👋")]


def test_every_byte_in_its_own_chunk() -> None:
    body = "event: delta\r\ndata: ünï\r\n\r\ndata: [DONE]\r\n\r\n".encode()
    assert events(body[i : i + 1] for i in range(len(body))) == [("delta", "ünï"), (None, "[DONE]")]


def test_last_event_without_trailing_blank_line_is_flushed() -> None:
    assert events([b"data: a\n\ndata: last"]) == [(None, "a"), (None, "last")]
    assert events([b"data: a\n\ndata: last\n"]) == [(None, "a"), (None, "last")]


def test_feed_returns_only_complete_events() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: par") == []
    assert decoder.feed(b"tial\n") == []
    assert decoder.feed(b"\n") == [ServerSentEvent(None, "partial")]
    assert decoder.flush() == []


async def test_async_iteration_matches_sync() -> None:
    body = [b"event: a\r", b"\ndata: \xe4\xbd", b"\xa0\r\n\r\n", b"data: tail"]
    assert await aevents(body) == events(body) == [("a", "你"), (None, "tail")]


def test_ndjson_one_event_per_line_across_chunks() -> None:
    body = [b'{"a": 1}\n{"b"', b': "\xc3', b'\xa9"}\r\n\n', b'{"c": 3}']
    assert events(body, "ndjson") == [(None, '{"a": 1}'), (None, '{"b": "é"}'), (None, '{"c": 3}')]


def test_ndjson_flush_without_pending_data_is_empty() -> None:
    decoder = NDJSONDecoder()
    assert decoder.feed(b'{"a": 1}\n') == [ServerSentEvent(None, '{"a": 1}')]
    assert decoder.flush() == []


async def test_ndjson_async() -> None:
    assert await aevents([b'{"x": 1}\n{"y"', b": 2}\n"], "ndjson") == [(None, '{"x": 1}'), (None, '{"y": 2}')]
