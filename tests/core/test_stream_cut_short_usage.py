"""A stream cut short is charged for what it delivered: the output tokens are counted from the text
that arrived (the provider's own output count only comes in its closing event)."""

from __future__ import annotations

import llmrelay
import pytest

from bench.fakeupstream import FakeUpstream, Reply


def test_usage_from_the_opening_event_is_raised_to_what_was_streamed() -> None:
    with FakeUpstream(chunks=20) as upstream:
        upstream.script(Reply(drop_after=12))  # opening events, then a few text deltas, then the cut
        stream = llmrelay.completion(
            model="anthropic/claude-sonnet-4-5",
            messages=[{"role": "user", "content": "Tell me something long."}],
            api_base=upstream.url,
            api_key="sk-test",
            stream=True,
            num_retries=0,
        )
        text = []
        with pytest.raises(llmrelay.APIConnectionError), stream:
            for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    text.append(chunk.choices[0].delta.content)
    assert text, "some text arrived before the cut"
    counted = llmrelay.token_counter(model="claude-sonnet-4-5", text="".join(text))
    assert stream.usage.completion_tokens >= counted > 1
    assert stream.response_cost > 0
