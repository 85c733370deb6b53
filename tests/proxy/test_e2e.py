"""The official ``openai`` client against a real gateway process and a local fake upstream."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
import yaml

from .conftest import MASTER, start_gateway, start_upstream, stop

pytestmark = pytest.mark.slow


def write_config(path: Path, upstream: str, slow_upstream: str) -> Path:
    prices = {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6, "api_key": "sk-upstream"}
    raw = {
        "model_list": [
            {
                "model_name": "fake",
                "litellm_params": {"model": "openai/fake", "api_base": upstream, **prices},
            },
            {
                "model_name": "one-per-minute",
                "litellm_params": {"model": "openai/fake", "api_base": upstream, "rpm": 1, **prices},
            },
            {
                "model_name": "slow",
                "litellm_params": {"model": "openai/slow", "api_base": slow_upstream, **prices},
            },
            {
                "model_name": "broken",
                "litellm_params": {"model": "openai/status-500", "api_base": upstream, **prices},
            },
            {
                "model_name": "cut",
                "litellm_params": {"model": "openai/cut-5", "api_base": upstream, **prices},
            },
        ],
        "general_settings": {"master_key": MASTER, "proxy_batch_write_at": 0.2},
        "router_settings": {"num_retries": 0},
    }
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    work = tmp_path_factory.mktemp("e2e")
    up, up_url = start_upstream()
    # Long enough (about 10 s) that the client is sure to hang up mid-stream.
    slow, slow_url = start_upstream("--chunks", "3000", "--chunk-delay-ms", "3")
    cfg = write_config(work / "config.yaml", up_url, slow_url)
    gw, gw_url = start_gateway(cfg, {}, work)
    try:
        yield gw_url, slow_url
    finally:
        for proc in (gw, up, slow):
            stop(proc)


def client(base: str, key: str = MASTER) -> openai.OpenAI:
    return openai.OpenAI(base_url=base + "/v1", api_key=key, max_retries=0)


def test_chat_stream_embeddings_and_models(servers: tuple[str, str]) -> None:
    base, _ = servers
    c = client(base)
    resp = c.chat.completions.create(model="fake", messages=[{"role": "user", "content": "hi"}])
    assert resp.choices[0].message.content == "Hello from the fake upstream." and resp.usage.total_tokens > 0
    raw = c.chat.completions.with_raw_response.create(
        model="fake", messages=[{"role": "user", "content": "hi"}]
    )
    assert raw.headers["x-litellm-call-id"] and float(raw.headers["x-litellm-response-cost"]) > 0
    pieces = [
        chunk.choices[0].delta.content or ""
        for chunk in c.chat.completions.create(
            model="fake", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        if chunk.choices
    ]
    assert "".join(pieces) == "".join(f"tok{i} " for i in range(18))
    emb = c.embeddings.create(model="fake", input=["a", "b"])
    assert len(emb.data) == 2 and emb.data[0].embedding == [0.1, 0.2, 0.3, 0.4]
    assert [m.id for m in c.models.list()] == ["fake", "one-per-minute", "slow", "broken", "cut"]


def test_documented_exception_types(servers: tuple[str, str]) -> None:
    base, _ = servers
    msgs = [{"role": "user", "content": "hi"}]
    with pytest.raises(openai.AuthenticationError):
        client(base, "sk-not-a-key").chat.completions.create(model="fake", messages=msgs)
    with pytest.raises(openai.NotFoundError):
        client(base).chat.completions.create(model="no-such-model", messages=msgs)
    with pytest.raises(openai.BadRequestError):
        client(base).chat.completions.create(model="fake", messages="not a list")  # type: ignore[arg-type]
    client(base).chat.completions.create(model="one-per-minute", messages=msgs)
    with pytest.raises(openai.RateLimitError):
        client(base).chat.completions.create(model="one-per-minute", messages=msgs)
    with pytest.raises(openai.InternalServerError):
        client(base).chat.completions.create(model="broken", messages=msgs)


def test_disconnect_cancels_the_upstream_and_charges_the_partial_stream(servers: tuple[str, str]) -> None:
    base, slow_url = servers
    key = httpx.post(f"{base}/key/generate", json={}, headers={"Authorization": f"Bearer {MASTER}"}).json()[
        "key"
    ]
    body = {"model": "slow", "messages": [{"role": "user", "content": "hi"}], "stream": True}
    with httpx.stream(
        "POST", f"{base}/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"}
    ) as r:
        assert r.status_code == 200
        lines = r.iter_lines()
        seen = list(itertools.islice(lines, 6))  # a few events, then hang up
        assert any(line.startswith("data: ") for line in seen)
    rows: list[dict] = []
    deadline = time.monotonic() + 20
    while not rows and time.monotonic() < deadline:
        time.sleep(0.2)
        rows = httpx.get(
            f"{base}/spend/logs", params={"api_key": key}, headers={"Authorization": f"Bearer {MASTER}"}
        ).json()
    assert len(rows) == 1, rows
    assert rows[0]["status"] == "partial" and rows[0]["spend"] > 0 and rows[0]["completion_tokens"] < 2998
    stats = httpx.get(slow_url.removesuffix("/v1") + "/stats").json()
    assert stats["stream"] == 1 and stats["stream_completed"] == 0  # the upstream call was cut short


def test_an_upstream_failing_mid_stream_ends_with_an_error_event(servers: tuple[str, str]) -> None:
    base, _ = servers
    body = {"model": "cut", "messages": [{"role": "user", "content": "hi"}], "stream": True}
    r = httpx.post(
        f"{base}/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {MASTER}"}, timeout=30
    )
    assert r.status_code == 200  # the headers were sent with the first chunk
    events = [e[6:] for e in r.text.split("\n\n") if e.startswith("data: ")]
    assert "[DONE]" not in events
    last = json.loads(events[-1])
    assert set(last["error"]) == {"message", "type", "param", "code"}
    assert any("chat.completion.chunk" in e for e in events[:-1])
