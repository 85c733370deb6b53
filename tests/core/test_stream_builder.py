"""stream_chunk_builder rebuilds the whole chat.completion a stream adds up to."""

from __future__ import annotations

from typing import Any

import llmrelay
from llmrelay import ModelResponseStream


def c(
    delta: dict[str, Any] | None = None, finish: str | None = None, index: int = 0, **extra: Any
) -> ModelResponseStream:
    base = {"id": "chatcmpl-1", "created": 1700000000, "model": "gpt-4o", **extra}
    if delta is None and finish is None:
        return ModelResponseStream(**base, choices=[])
    return ModelResponseStream(
        **base, choices=[{"index": index, "delta": delta or {}, "finish_reason": finish}]
    )


def test_content_pieces_join_and_metadata_comes_from_the_chunks() -> None:
    resp = llmrelay.stream_chunk_builder(
        [
            c({"role": "assistant", "content": ""}),
            c({"content": "Hel"}),
            c({"content": "lo"}, system_fingerprint="fp_1"),
            c({}, "stop"),
        ]
    )
    assert resp.object == "chat.completion" and resp.id == "chatcmpl-1" and resp.model == "gpt-4o"
    assert resp.system_fingerprint == "fp_1"
    choice = resp.choices[0]
    assert (choice.message.role, choice.message.content, choice.finish_reason) == (
        "assistant",
        "Hello",
        "stop",
    )


def test_reasoning_content_and_thinking_blocks_with_signatures() -> None:
    resp = llmrelay.stream_chunk_builder(
        [
            c(
                {
                    "role": "assistant",
                    "reasoning_content": "Let me ",
                    "thinking_blocks": [{"type": "thinking", "thinking": "Let me "}],
                }
            ),
            c(
                {
                    "reasoning_content": "think.",
                    "thinking_blocks": [{"type": "thinking", "thinking": "think."}],
                }
            ),
            c({"thinking_blocks": [{"type": "thinking", "thinking": "", "signature": "sig-A"}]}),
            c({"thinking_blocks": [{"type": "redacted_thinking", "data": "opaque"}]}),
            c({"content": "42"}),
            c({}, "stop"),
        ]
    )
    message = resp.choices[0].message
    assert message.reasoning_content == "Let me think." and message.content == "42"
    assert message.thinking_blocks == [
        {"type": "thinking", "thinking": "Let me think.", "signature": "sig-A"},
        {"type": "redacted_thinking", "data": "opaque"},
    ]


def test_a_signature_closes_a_thinking_block() -> None:
    resp = llmrelay.stream_chunk_builder(
        [
            c({"thinking_blocks": [{"type": "thinking", "thinking": "first", "signature": "s1"}]}),
            c({"thinking_blocks": [{"type": "thinking", "thinking": "second", "signature": "s2"}]}),
            c({}, "stop"),
        ]
    )
    assert [b["signature"] for b in resp.choices[0].message.thinking_blocks] == ["s1", "s2"]


def test_parallel_tool_calls_assemble_by_index_from_argument_pieces() -> None:
    def tool(index: int, **fields: Any) -> dict[str, Any]:
        return {"tool_calls": [{"index": index, **fields}]}

    resp = llmrelay.stream_chunk_builder(
        [
            c(
                {
                    "role": "assistant",
                    **tool(
                        0, id="call_a", type="function", function={"name": "get_weather", "arguments": ""}
                    ),
                }
            ),
            c(tool(1, id="call_b", type="function", function={"name": "get_time", "arguments": ""})),
            c(tool(0, function={"arguments": '{"city": '})),
            c(tool(1, function={"arguments": '{"tz": "UTC"}'})),
            c(tool(0, function={"arguments": '"Paris"}'})),
            c({}, "tool_calls"),
        ]
    )
    choice = resp.choices[0]
    assert choice.finish_reason == "tool_calls" and choice.message.content is None
    calls = [(t.id, t.type, t.function.name, t.function.arguments) for t in choice.message.tool_calls]
    assert calls == [
        ("call_a", "function", "get_weather", '{"city": "Paris"}'),
        ("call_b", "function", "get_time", '{"tz": "UTC"}'),
    ]


def test_legacy_function_call_pieces() -> None:
    resp = llmrelay.stream_chunk_builder(
        [
            c({"role": "assistant", "function_call": {"name": "lookup", "arguments": ""}}),
            c({"function_call": {"arguments": '{"q":1}'}}),
            c({}, "function_call"),
        ]
    )
    fn = resp.choices[0].message.function_call
    assert (fn.name, fn.arguments) == ("lookup", '{"q":1}')


def test_usage_comes_from_the_last_usage_chunk() -> None:
    usage = {
        "prompt_tokens": 20,
        "completion_tokens": 7,
        "total_tokens": 27,
        "prompt_tokens_details": {"cached_tokens": 4},
        "completion_tokens_details": {"reasoning_tokens": 3},
    }
    resp = llmrelay.stream_chunk_builder([c({"content": "x"}), c({}, "stop"), c(usage=usage)])
    assert (
        resp.usage.total_tokens == 27 and resp.usage.cached_tokens == 4 and resp.usage.reasoning_tokens == 3
    )


def test_n_greater_than_one_keeps_choices_apart() -> None:
    resp = llmrelay.stream_chunk_builder(
        [
            c({"role": "assistant", "content": "A"}, index=0),
            c({"role": "assistant", "content": "B"}, index=1),
            c({"content": "a"}, index=0),
            c({"content": "b"}, index=1),
            c({}, "stop", index=1),
            c({}, "length", index=0),
        ]
    )
    assert [(ch.index, ch.message.content, ch.finish_reason) for ch in resp.choices] == [
        (0, "Aa", "length"),
        (1, "Bb", "stop"),
    ]


def test_without_usage_chunk_messages_give_counted_usage() -> None:
    resp = llmrelay.stream_chunk_builder(
        [c({"content": "hello world"}), c({}, "stop")], messages=[{"role": "user", "content": "hi"}]
    )
    assert resp.usage.completion_tokens == 2  # "hello world" in o200k_base
    assert resp.usage.total_tokens == resp.usage.prompt_tokens + 2


def test_no_chunks_give_none_as_in_litellm() -> None:
    assert llmrelay.stream_chunk_builder([]) is None


def test_mock_stream_round_trips_through_the_builder() -> None:
    stream = llmrelay.completion(
        model="gpt-4o",
        messages=[{"role": "user", "content": "x"}],
        mock_response="a fairly long reply in pieces",
        stream=True,
    )
    resp = llmrelay.stream_chunk_builder(list(stream))
    assert resp.choices[0].message.content == "a fairly long reply in pieces"


def test_logprobs_content_is_concatenated() -> None:
    def lp(token: str) -> dict[str, Any]:
        return {"content": [{"token": token, "logprob": -0.1, "bytes": None, "top_logprobs": []}]}

    resp = llmrelay.stream_chunk_builder(
        [
            ModelResponseStream(choices=[{"index": 0, "delta": {"content": "a"}, "logprobs": lp("a")}]),
            ModelResponseStream(choices=[{"index": 0, "delta": {"content": "b"}, "logprobs": lp("b")}]),
            ModelResponseStream(choices=[{"index": 0, "delta": {}, "finish_reason": "stop"}]),
        ]
    )
    assert [t["token"] for t in resp.choices[0].logprobs.content] == ["a", "b"]
