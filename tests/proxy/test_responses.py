"""``POST /v1/responses`` through the gateway with the SDK's offline mock provider: answers,
streams, spend, limits, and response IDs bound to the team (or key) that created them."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import sqlalchemy as sa
import yaml
from llmrelay.proxy.responses import id_hash
from llmrelay.proxy.schema import response_owners

from .conftest import (
    MASTER,
    REDIS_URL,
    admin_headers,
    bearer,
    mock_config,
    running_gateway,
    start_gateway,
    stop,
)
from .test_chat import new_key, spend_rows


async def team_key(client: Any, team: str, **fields: Any) -> str:
    r = await client.post("/team/new", json={"team_id": team}, headers=admin_headers())
    assert r.status_code == 200, r.text
    return await new_key(client, team_id=team, **fields)


def sse_events(text: str) -> list[tuple[str, dict[str, Any]]]:
    """(event name, data) pairs of an SSE body; each event must name its type in both places."""
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        data = orjson.loads(lines["data"])
        assert lines["event"] == data["type"]
        events.append((lines["event"], data))
    return events


async def test_response_is_answered_priced_and_logged(gateway) -> None:
    gw, client = gateway
    key = await team_key(client, "team-a")
    r = await client.post("/v1/responses", json={"model": "demo", "input": "hi"}, headers=bearer(key))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["object"] == "response" and body["status"] == "completed" and body["id"].startswith("resp_")
    assert body["output"][0]["content"][0]["text"] == "hello there"
    usage = body["usage"]
    assert usage["input_tokens"] > 0 and usage["output_tokens"] > 0
    cost = float(r.headers["x-litellm-response-cost"])
    assert cost == pytest.approx(usage["input_tokens"] * 1e-6 + usage["output_tokens"] * 2e-6)
    (row,) = await spend_rows(gw)
    assert row["request_id"] == r.headers["x-litellm-call-id"] and row["call_type"] == "aresponses"
    assert (
        row["prompt_tokens"] == usage["input_tokens"] and row["completion_tokens"] == usage["output_tokens"]
    )
    assert row["total_tokens"] == usage["total_tokens"] and row["spend"] == pytest.approx(cost)
    assert row["team_id"] == "team-a" and row["model"] == "mock/demo" and row["status"] == "success"
    # Without the /v1 prefix too.
    r = await client.post("/responses", json={"model": "demo", "input": "hi"}, headers=bearer(key))
    assert r.status_code == 200 and r.json()["object"] == "response"


async def test_bad_requests_get_openai_errors_and_are_not_charged(gateway) -> None:
    gw, client = gateway
    key = await team_key(client, "team-a", models=["demo"])
    cases = [
        ({"model": "demo"}, 400, "input"),
        ({"model": "demo", "input": ""}, 400, "input"),
        ({"model": "nope", "input": "hi"}, 404, "model"),
        ({"model": "other", "input": "hi"}, 401, "model"),  # not one of the key's models
        ({"model": "demo", "input": "hi", "previous_response_id": 7}, 400, "previous_response_id"),
        ({"model": "demo", "input": "hi", "api_base": "http://evil"}, 400, "api_base"),
        ({"model": "demo", "input": "hi", "litellm_metadata": {}}, 400, "litellm_metadata"),
    ]
    for body, status, param in cases:
        r = await client.post("/v1/responses", json=body, headers=bearer(key))
        assert r.status_code == status, (body, r.text)
        assert r.json()["error"]["param"] == param and r.json()["error"]["message"]
    r = await client.post(
        "/v1/responses",
        json={"model": "plain", "input": "hi", "mock_response": "litellm.RateLimitError"},
        headers=admin_headers(),
    )
    assert r.status_code == 429 and r.json()["error"]["type"]
    assert await spend_rows(gw) == []


async def test_previous_response_id_is_bound_to_the_team(gateway) -> None:
    gw, client = gateway
    a1 = await team_key(client, "team-a")
    a2 = await new_key(client, team_id="team-a")
    b = await team_key(client, "team-b", max_parallel_requests=1)
    loner = await new_key(client)  # no team: owns its responses alone
    first = await client.post("/v1/responses", json={"model": "demo", "input": "hi"}, headers=bearer(a1))
    rid = first.json()["id"]
    # Another key of the same team continues the conversation.
    r = await client.post(
        "/v1/responses",
        json={"model": "demo", "input": "and then?", "previous_response_id": rid},
        headers=bearer(a2),
    )
    assert r.status_code == 200, r.text
    assert r.json()["previous_response_id"] == rid
    # Another team's key, a key without a team and the master key get OpenAI's 404, worded as
    # for an ID that never existed.
    unknown = await client.post(
        "/v1/responses",
        json={"model": "demo", "input": "x", "previous_response_id": "resp_never_made"},
        headers=bearer(b),
    )
    assert unknown.status_code == 404
    for headers in (bearer(b), bearer(loner), admin_headers()):
        r = await client.post(
            "/v1/responses",
            json={"model": "demo", "input": "x", "previous_response_id": rid},
            headers=headers,
        )
        assert r.status_code == 404, r.text
        error = r.json()["error"]
        assert error == {
            "message": f"Previous response with id '{rid}' not found.",
            "type": "invalid_request_error",
            "param": "previous_response_id",
            "code": "previous_response_not_found",
        }
        assert error["message"].replace(rid, "resp_never_made") == unknown.json()["error"]["message"]
    # A refusal of a known ID reads the database as a refusal of an unknown one does (which
    # misses memory): their timing does not tell the ID exists.
    reads: list[str] = []
    real_read = gw.response_owners._read

    async def counted(digest: str) -> str | None:
        reads.append(digest)
        return await real_read(digest)

    gw.response_owners._read = counted  # type: ignore[method-assign]
    for previous in (rid, "resp_never_made_either"):
        body = {"model": "demo", "input": "x", "previous_response_id": previous}
        assert (await client.post("/v1/responses", json=body, headers=bearer(b))).status_code == 404
    assert reads == [id_hash(rid), id_hash("resp_never_made_either")]
    # Refused without a charge, and the parallel slot it held is free again.
    r = await client.post("/v1/responses", json={"model": "demo", "input": "hi"}, headers=bearer(b))
    assert r.status_code == 200, r.text
    rows = await spend_rows(gw)
    assert sorted(x["team_id"] for x in rows) == ["team-a", "team-a", "team-b"]


async def test_owners_survive_a_restart_through_the_database(tmp_path: Path) -> None:
    async with running_gateway(mock_config(), tmp_path) as (gw, client):
        a = await team_key(client, "team-a")
        b = await team_key(client, "team-b")
        rid = (
            await client.post("/v1/responses", json={"model": "demo", "input": "hi"}, headers=bearer(a))
        ).json()["id"]
    # A new gateway process on the same database: nothing in its memory, the owner comes from the table.
    async with running_gateway(mock_config(), tmp_path) as (gw, client):
        async with gw.engine.connect() as conn:
            stored = (await conn.execute(sa.select(response_owners))).mappings().all()
        assert [(r["response_hash"], r["owner"]) for r in stored] == [
            (hashlib.sha256(rid.encode()).hexdigest(), "team:team-a")
        ]
        assert rid not in repr(stored)  # only the hash is kept
        body = {"model": "demo", "input": "more", "previous_response_id": rid}
        assert (await client.post("/v1/responses", json=body, headers=bearer(b))).status_code == 404
        assert (await client.post("/v1/responses", json=body, headers=bearer(a))).status_code == 200


async def test_stream_sends_typed_events_and_is_charged(gateway) -> None:
    gw, client = gateway
    key = await team_key(client, "team-a")
    other = await team_key(client, "team-b")
    r = await client.post(
        "/v1/responses", json={"model": "demo", "input": "hi", "stream": True}, headers=bearer(key)
    )
    assert r.status_code == 200 and r.headers["content-type"] == "text/event-stream"
    assert "[DONE]" not in r.text  # the Responses API ends with response.completed, no sentinel
    events = sse_events(r.text)
    names = [name for name, _ in events]
    assert names[0] == "response.created" and names[-1] == "response.completed"
    text = "".join(d["delta"] for name, d in events if name == "response.output_text.delta")
    assert text == "hello there"
    final = events[-1][1]["response"]
    (row,) = await spend_rows(gw)
    assert row["status"] == "success" and row["request_id"] == r.headers["x-litellm-call-id"]
    assert row["prompt_tokens"] == final["usage"]["input_tokens"]
    assert row["completion_tokens"] == final["usage"]["output_tokens"]
    assert row["spend"] == pytest.approx(
        final["usage"]["input_tokens"] * 1e-6 + final["usage"]["output_tokens"] * 2e-6
    )
    # The streamed response's ID is bound to its team too.
    body = {"model": "demo", "input": "more", "previous_response_id": final["id"]}
    assert (await client.post("/v1/responses", json=body, headers=bearer(key))).status_code == 200
    assert (await client.post("/v1/responses", json=body, headers=bearer(other))).status_code == 404


async def test_client_disconnect_mid_stream_is_charged_for_what_was_sent(gateway) -> None:
    gw, _client = gateway
    body = orjson.dumps(
        {"model": "demo", "input": "a prompt", "stream": True, "mock_response": "one two three four five six"}
    )
    sent: list[dict[str, Any]] = []
    gone = asyncio.Event()
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if b"response.output_text.delta" in message.get("body", b""):
            gone.set()  # the client goes away after the first text delta...
            await asyncio.sleep(3600)  # ...and this write never completes

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/responses",
        "query_string": b"",
        "headers": [(b"authorization", f"Bearer {MASTER}".encode()), (b"content-type", b"application/json")],
    }
    await asyncio.wait_for(gw(scope, receive, send), timeout=30)
    assert sent[0]["status"] == 200
    assert not any(b"response.completed" in m.get("body", b"") for m in sent)
    (row,) = await spend_rows(gw)
    # Counted, not reported by the stream: the input's tokens and the delta that was sent.
    assert row["status"] == "partial" and row["prompt_tokens"] > 0 and row["completion_tokens"] > 0
    assert row["spend"] == pytest.approx(row["prompt_tokens"] * 1e-6 + row["completion_tokens"] * 2e-6)


async def test_stream_error_before_the_first_event_is_an_http_error(gateway) -> None:
    gw, client = gateway
    r = await client.post(
        "/v1/responses",
        json={"model": "plain", "input": "hi", "stream": True, "mock_response": "litellm.RateLimitError"},
        headers=admin_headers(),
    )
    assert r.status_code == 429 and r.json()["error"]["message"]
    assert await spend_rows(gw) == []


async def test_key_limits_and_budget_apply(gateway) -> None:
    gw, client = gateway
    key = await team_key(client, "team-a", rpm_limit=1)
    body = {"model": "demo", "input": "hi"}
    assert (await client.post("/v1/responses", json=body, headers=bearer(key))).status_code == 200
    r = await client.post("/v1/responses", json=body, headers=bearer(key))
    assert r.status_code == 429 and r.headers["retry-after"]
    broke = await new_key(client, max_budget=0.0)
    r = await client.post("/v1/responses", json=body, headers=bearer(broke))
    assert r.status_code == 400 and r.json()["error"]["type"] == "budget_exceeded"
    assert len(await spend_rows(gw)) == 1


async def test_completions_stream_text_completion_chunks_and_are_charged(gateway) -> None:
    gw, client = gateway
    r = await client.post(
        "/v1/completions", json={"model": "plain", "prompt": "hi", "stream": True}, headers=admin_headers()
    )
    assert r.status_code == 200 and r.headers["content-type"] == "text/event-stream"
    events = [line[6:] for line in r.text.split("\n\n") if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    chunks = [orjson.loads(e) for e in events[:-1]]
    assert chunks and all(c["object"] == "text_completion" for c in chunks)
    assert "".join(c["choices"][0]["text"] for c in chunks if c["choices"])
    (row,) = await spend_rows(gw)
    assert row["spend"] > 0 and row["request_id"] == r.headers["x-litellm-call-id"]


async def test_owners_are_shared_through_redis_before_the_database_write(
    tmp_path: Path, redis_prefix: str
) -> None:
    raw = mock_config(proxy_batch_write_at=3600)  # the database rows would come far too late
    raw["general_settings"]["database_url"] = f"sqlite:///{tmp_path / 'one.db'}"
    raw_two = mock_config(proxy_batch_write_at=3600)
    raw_two["general_settings"]["database_url"] = f"sqlite:///{tmp_path / 'two.db'}"
    raw["router_settings"] = raw_two["router_settings"] = {"redis_url": REDIS_URL}
    async with running_gateway(raw, tmp_path / "one", redis_prefix) as (gw1, c1):
        async with running_gateway(raw_two, tmp_path / "two", redis_prefix) as (gw2, c2):
            rid = (
                await c1.post("/v1/responses", json={"model": "demo", "input": "hi"}, headers=admin_headers())
            ).json()["id"]
            assert gw1.response_owners.pending == 1
            # The other instance has its own database, empty: Redis answers.
            assert await gw2.response_owners.owner(rid) == "master"
            assert await gw2.response_owners.owner("resp_other") is None
            key = await new_key(c2)
            body = {"model": "demo", "input": "x", "previous_response_id": rid}
            assert (await c2.post("/v1/responses", json=body, headers=bearer(key))).status_code == 404
            assert id_hash(rid) in repr(gw2.response_owners._local)


# --- the official openai client against a real gateway process ------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("responses-e2e")
    cfg = work / "config.yaml"
    cfg.write_text(yaml.safe_dump(mock_config(proxy_batch_write_at=0.2)))
    proc, url = start_gateway(cfg, {}, work)
    try:
        yield url
    finally:
        stop(proc)


def _http_team_key(base: str, team: str) -> str:
    admin = {"Authorization": f"Bearer {MASTER}"}
    assert httpx.post(f"{base}/team/new", json={"team_id": team}, headers=admin).status_code == 200
    return httpx.post(f"{base}/key/generate", json={"team_id": team}, headers=admin).json()["key"]


@pytest.mark.slow
def test_openai_client_creates_streams_and_is_refused_another_teams_id(served: str) -> None:
    import openai

    team_a = openai.OpenAI(base_url=served + "/v1", api_key=_http_team_key(served, "e2e-a"), max_retries=0)
    team_b = openai.OpenAI(base_url=served + "/v1", api_key=_http_team_key(served, "e2e-b"), max_retries=0)
    first = team_a.responses.create(model="demo", input="hi")
    assert first.output_text == "hello there" and first.usage.input_tokens > 0
    nxt = team_a.responses.create(model="demo", input="more", previous_response_id=first.id)
    assert nxt.previous_response_id == first.id and nxt.status == "completed"

    events = list(team_a.responses.create(model="demo", input="hi", stream=True))
    assert events[0].type == "response.created" and events[-1].type == "response.completed"
    assert "".join(e.delta for e in events if e.type == "response.output_text.delta") == "hello there"
    streamed = events[-1].response
    assert streamed.usage.output_tokens > 0

    for rid in (first.id, streamed.id):
        with pytest.raises(openai.NotFoundError) as caught:
            team_b.responses.create(model="demo", input="x", previous_response_id=rid)
        assert caught.value.code == "previous_response_not_found"
    # OpenAI's own client reads the /completions stream
    text_chunks = list(team_a.completions.create(model="plain", prompt="hi", stream=True))
    assert text_chunks and all(c.object == "text_completion" for c in text_chunks)
    assert "".join(c.choices[0].text for c in text_chunks if c.choices)


async def test_owners_older_than_the_retention_are_pruned(gateway) -> None:
    from datetime import timedelta

    from llmrelay.proxy import responses
    from llmrelay.proxy.store import utcnow

    gw, client = gateway
    r = await client.post("/v1/responses", json={"model": "demo", "input": "hi"}, headers=admin_headers())
    fresh = r.json()["id"]
    assert await gw.response_owners.flush()
    old = utcnow() - timedelta(seconds=responses.RETENTION + 60)
    async with gw.engine.begin() as conn:
        await conn.execute(
            sa.insert(response_owners),
            [
                {"response_hash": id_hash(f"resp_old{i}"), "owner": "master", "created_at": old}
                for i in range(3)
            ],
        )
    assert await gw.response_owners.prune(utcnow() - timedelta(seconds=responses.RETENTION)) == 3
    async with gw.engine.connect() as conn:
        left = (await conn.execute(sa.select(response_owners.c.response_hash))).scalars().all()
    assert left == [id_hash(fresh)]


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
def test_two_processes_on_postgres_and_redis_share_the_owners(
    tmp_path: Path, fresh_pg_url: str, redis_prefix: str
) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text(yaml.safe_dump(mock_config(proxy_batch_write_at=0.2)))
    env = {"DATABASE_URL": fresh_pg_url, "REDIS_URL": REDIS_URL, "LLMRELAY_REDIS_PREFIX": redis_prefix}
    procs, urls = [], []
    try:
        for i in range(2):
            (tmp_path / f"gw{i}").mkdir()
            proc, url = start_gateway(cfg, env, tmp_path / f"gw{i}")
            procs.append(proc)
            urls.append(url)
        a, b = _http_team_key(urls[0], "mp-a"), _http_team_key(urls[0], "mp-b")
        made = httpx.post(
            f"{urls[0]}/v1/responses", json={"model": "demo", "input": "hi"}, headers=bearer(a), timeout=30
        )
        assert made.status_code == 200, made.text
        body = {"model": "demo", "input": "more", "previous_response_id": made.json()["id"]}
        refused = httpx.post(f"{urls[1]}/v1/responses", json=body, headers=bearer(b), timeout=30)
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "previous_response_not_found"
        # The owner passes on the other process too; the conversation itself is the SDK's, kept in
        # the process that made it for providers reached through chat, and it says so (docs/gateway.md).
        other = httpx.post(f"{urls[1]}/v1/responses", json=body, headers=bearer(a), timeout=30)
        assert (
            other.status_code == 400 and "not available in this process" in other.json()["error"]["message"]
        )
        same = httpx.post(f"{urls[0]}/v1/responses", json=body, headers=bearer(a), timeout=30)
        assert same.status_code == 200, same.text
    finally:
        for proc in procs:
            stop(proc)
