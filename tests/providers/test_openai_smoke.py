import pytest

import llmrelay

MESSAGES = [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Say hello."}]


@pytest.mark.cassette("openai/chat/basic")
def test_chat_sync(cassette):
    resp = llmrelay.completion(model="gpt-4o-mini", messages=MESSAGES, temperature=0.2, max_tokens=20, api_key="sk-test")
    assert resp.choices[0].message.content == "Hello!"
    assert resp.usage.total_tokens == 22


@pytest.mark.cassette("openai/chat/basic")
async def test_chat_async(cassette):
    resp = await llmrelay.acompletion(model="openai/gpt-4o-mini", messages=MESSAGES, temperature=0.2, max_tokens=20, api_key="sk-test")
    assert resp.choices[0].message.content == "Hello!"
