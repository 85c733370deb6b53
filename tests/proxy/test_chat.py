"""Model routes through the ASGI app with the SDK's offline mock provider: answers, errors,
limits, budgets and the spend they record."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from llmrelay.proxy.schema import keys, spend_logs
from llmrelay.proxy.store import utcnow

from .conftest import MASTER, admin_headers, bearer, mock_config, running_gateway

MSG = [{"role": "user", "content": "a secret prompt"}]


async def new_key(client: Any, **fields: Any) -> str:
    r = await client.post("/key/generate", json=fields, headers=admin_headers())
    assert r.status_code == 200, r.text
    return r.json()["key"]


async def spend_rows(gw: Any) -> list[dict[str, Any]]:
    assert await gw.spend.flush()
    async with gw.engine.connect() as conn:
        return [
            dict(r._mapping)
            for r in await conn.execute(sa.select(spend_logs).order_by(spend_logs.c.start_time))
        ]


async def key_spend(gw: Any, key: str) -> float:
    async with gw.engine.connect() as conn:
        token = hashlib.sha256(key.encode()).hexdigest()
        return (await conn.execute(sa.select(keys.c.spend).where(keys.c.token == token))).scalar_one()


async def test_chat_is_answered_priced_and_logged(gateway) -> None:
    gw, client = gateway
    key = await new_key(client, key_alias="k1")
    r = await client.post(
        "/v1/chat/completions", json={"model": "demo", "messages": MSG}, headers=bearer(key)
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["object"] == "chat.completion" and body["choices"][0]["message"]["content"] == "hello there"
    usage = body["usage"]
    cost = float(r.headers["x-litellm-response-cost"])
    assert cost == pytest.approx(usage["prompt_tokens"] * 1e-6 + usage["completion_tokens"] * 2e-6)
    (row,) = await spend_rows(gw)
    assert row["request_id"] == r.headers["x-litellm-call-id"]
    assert row["spend"] == pytest.approx(cost) and row["total_tokens"] == usage["total_tokens"]
    assert row["model_group"] == "demo" and row["model"] == "mock/demo" and row["status"] == "success"
    assert row["api_key"] == hashlib.sha256(key.encode()).hexdigest()
    assert row["messages"] is None and row["response"] is None  # prompts are not stored by default
    assert key not in repr(row) and "secret prompt" not in repr(row)
    assert await key_spend(gw, key) == pytest.approx(cost)


async def test_routes_without_v1_and_other_endpoints(gateway) -> None:
    _gw, client = gateway
    h = admin_headers()
    r = await client.post("/chat/completions", json={"model": "demo", "messages": MSG}, headers=h)
    assert r.status_code == 200
    r = await client.post("/v1/embeddings", json={"model": "demo", "input": "hi"}, headers=h)
    assert r.status_code == 200 and r.json()["data"][0]["object"] == "embedding"
    models = (await client.get("/models", headers=h)).json()
    assert [m["id"] for m in models["data"]] == ["demo", "other", "plain", "limited"]
    assert (await client.get("/v1/models/demo", headers=h)).json()["id"] == "demo"
    assert (await client.get("/v1/models/nope", headers=h)).status_code == 404


async def test_stream_sends_openai_chunks_and_is_charged(gateway) -> None:
    gw, client = gateway
    key = await new_key(client)
    body = {"model": "demo", "messages": MSG, "stream": True}
    r = await client.post("/v1/chat/completions", json=body, headers=bearer(key))
    assert r.status_code == 200 and r.headers["content-type"] == "text/event-stream"
    events = [line[6:] for line in r.text.split("\n\n") if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    chunks = [orjson.loads(e) for e in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert (
        "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
        == "hello there"
    )
    (row,) = await spend_rows(gw)
    assert row["spend"] > 0 and row["request_id"] == r.headers["x-litellm-call-id"]
    assert await key_spend(gw, key) == pytest.approx(row["spend"])


async def test_bad_requests_get_openai_errors_and_are_not_charged(gateway) -> None:
    gw, client = gateway
    key = await new_key(client, models=["demo"])
    h = bearer(key)
    cases = [
        (b"{oops", 400, "invalid_json"),
        (orjson.dumps({"model": "demo", "messages": "hi"}), 400, "invalid_request"),
        (orjson.dumps({"model": 5, "messages": MSG}), 400, "invalid_request"),
        (orjson.dumps({"model": "nope", "messages": MSG}), 404, "model_not_found"),
        (orjson.dumps({"model": "other", "messages": MSG}), 401, "401"),
        (orjson.dumps({"model": "demo", "messages": MSG, "api_base": "http://evil"}), 400, "forbidden_param"),
        (orjson.dumps({"model": "demo", "messages": MSG, "temperature": "hot"}), 400, None),
    ]
    for raw, status, code in cases:
        r = await client.post(
            "/v1/chat/completions", content=raw, headers={**h, "content-type": "application/json"}
        )
        assert r.status_code == status, (raw, r.text)
        error = r.json()["error"]
        assert set(error) == {"message", "type", "param", "code"} and error["message"]
        if code is not None:
            assert error["code"] == code, (raw, error)
    r = await client.post("/v1/chat/completions", json={"model": "demo", "messages": MSG})
    assert r.status_code == 401
    r = await client.post(
        "/v1/chat/completions", json={"model": "demo", "messages": MSG}, headers=bearer("sk-nope")
    )
    assert r.status_code == 401 and key not in r.text
    assert await spend_rows(gw) == []


async def test_oversized_body_is_refused(tmp_path) -> None:
    async with running_gateway(mock_config(max_request_size_mb=0.01), tmp_path) as (_gw, client):
        big = {"model": "demo", "messages": [{"role": "user", "content": "x" * 20_000}]}
        r = await client.post("/v1/chat/completions", json=big, headers=admin_headers())
        assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"


async def test_default_limit_admits_a_2mb_prompt(gateway) -> None:
    _gw, client = gateway
    big = {"model": "demo", "messages": [{"role": "user", "content": "x" * (2 * 1024 * 1024)}]}
    r = await client.post("/v1/chat/completions", json=big, headers=admin_headers())
    assert r.status_code == 200


async def test_provider_errors_keep_their_status(gateway) -> None:
    _gw, client = gateway
    body = {"model": "plain", "messages": MSG, "mock_response": "litellm.RateLimitError"}
    r = await client.post("/v1/chat/completions", json=body, headers=admin_headers())
    assert r.status_code == 429 and r.json()["error"]["type"] == "rate_limit_error"


async def test_key_rpm_limit_and_headers(gateway) -> None:
    gw, client = gateway
    key = await new_key(client, rpm_limit=2)
    answers = [
        await client.post(
            "/v1/chat/completions", json={"model": "demo", "messages": MSG}, headers=bearer(key)
        )
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert [a.headers["x-ratelimit-remaining-requests"] for a in answers[:2]] == ["1", "0"]
    assert answers[0].headers["x-ratelimit-limit-requests"] == "2"
    assert 1 <= int(answers[2].headers["retry-after"]) <= 60
    assert len(await spend_rows(gw)) == 2


async def test_team_limits_apply_on_top_of_the_key(gateway) -> None:
    _gw, client = gateway
    team = (await client.post("/team/new", json={"rpm_limit": 1}, headers=admin_headers())).json()["team_id"]
    key = await new_key(client, team_id=team, rpm_limit=100)
    codes = [
        (
            await client.post(
                "/v1/chat/completions", json={"model": "demo", "messages": MSG}, headers=bearer(key)
            )
        ).status_code
        for _ in range(2)
    ]
    assert codes == [200, 429]


async def test_model_rpm_from_config(gateway) -> None:
    _gw, client = gateway
    codes = [
        (
            await client.post(
                "/v1/chat/completions", json={"model": "limited", "messages": MSG}, headers=admin_headers()
            )
        ).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]


async def test_budget_stops_requests_before_the_provider(gateway) -> None:
    gw, client = gateway
    one = await client.post(
        "/v1/chat/completions", json={"model": "demo", "messages": MSG}, headers=admin_headers()
    )
    cost = float(one.headers["x-litellm-response-cost"])
    key = await new_key(client, max_budget=cost * 2.5)
    statuses = [
        (
            await client.post(
                "/v1/chat/completions", json={"model": "demo", "messages": MSG}, headers=bearer(key)
            )
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 400, 400]  # the third starts below the budget and crosses it
    r = await client.post(
        "/v1/chat/completions", json={"model": "demo", "messages": MSG}, headers=bearer(key)
    )
    assert r.json()["error"]["type"] == "budget_exceeded"
    rows = [row for row in await spend_rows(gw) if row["api_key"] != "master_key"]
    assert len(rows) == 3
    assert await key_spend(gw, key) == pytest.approx(cost * 3)


async def test_budget_period_resets(gateway) -> None:
    gw, client = gateway
    key = await new_key(client, max_budget=0.0000001, budget_duration="30d")
    h = bearer(key)
    assert (
        await client.post("/v1/chat/completions", json={"model": "demo", "messages": MSG}, headers=h)
    ).status_code == 200
    assert (
        await client.post("/v1/chat/completions", json={"model": "demo", "messages": MSG}, headers=h)
    ).status_code == 400
    await spend_rows(gw)
    token = hashlib.sha256(key.encode()).hexdigest()
    async with gw.engine.begin() as conn:  # the period is over (rather than waiting 30 days)
        await conn.execute(
            sa.update(keys)
            .where(keys.c.token == token)
            .values(budget_reset_at=utcnow() - timedelta(minutes=1))
        )
    assert await gw.reset_due_budgets() == 1
    assert await key_spend(gw, key) == 0
    assert (
        await client.post("/v1/chat/completions", json={"model": "demo", "messages": MSG}, headers=h)
    ).status_code == 200


async def test_parallel_limit(gateway) -> None:
    gw, client = gateway
    key = await new_key(client, max_parallel_requests=1)
    caller = await gw.auth.authenticate(key)
    assert (await gw.limiter.acquire(caller.scopes, "held")).ok  # one request in flight
    r = await client.post(
        "/v1/chat/completions", json={"model": "demo", "messages": MSG}, headers=bearer(key)
    )
    assert r.status_code == 429 and "parallel" in r.json()["error"]["message"]
    await gw.limiter.release(caller.scopes, 0, 0.0)
    r = await client.post(
        "/v1/chat/completions", json={"model": "demo", "messages": MSG}, headers=bearer(key)
    )
    assert r.status_code == 200


async def test_spend_logs_endpoint_filters_and_scopes(gateway) -> None:
    gw, client = gateway
    a, b = await new_key(client), await new_key(client)
    for key in (a, a, b):
        await client.post(
            "/v1/chat/completions", json={"model": "demo", "messages": MSG}, headers=bearer(key)
        )
    await spend_rows(gw)
    rows = (await client.get("/spend/logs", params={"api_key": a}, headers=admin_headers())).json()
    assert len(rows) == 2 and {r["api_key"] for r in rows} == {hashlib.sha256(a.encode()).hexdigest()}
    assert set(rows[0]) >= {"request_id", "spend", "startTime", "endTime", "model", "user", "team_id"}
    own = (await client.get("/spend/logs", headers=bearer(b))).json()
    assert len(own) == 1  # a plain key sees only its own rows
    assert (await client.get("/spend/logs", params={"api_key": a}, headers=bearer(b))).status_code == 403
    today = rows[0]["startTime"][:10]
    summary = (
        await client.get(
            "/spend/logs", params={"start_date": today, "end_date": today}, headers=admin_headers()
        )
    ).json()
    assert len(summary) == 1 and summary[0]["startTime"] == today
    assert summary[0]["spend"] == pytest.approx(sum(r["spend"] for r in await _all(client)))
    assert summary[0]["models"] == {"mock/demo": pytest.approx(summary[0]["spend"])}


async def _all(client: Any) -> list[dict[str, Any]]:
    return (await client.get("/spend/logs", params={"summarize": "false"}, headers=admin_headers())).json()


async def test_prompts_stored_only_when_configured(tmp_path) -> None:
    async with running_gateway(mock_config(store_prompts_in_spend_logs=True), tmp_path) as (gw, client):
        await client.post(
            "/v1/chat/completions", json={"model": "demo", "messages": MSG}, headers=admin_headers()
        )
        (row,) = await spend_rows(gw)
        assert row["messages"] == MSG and "hello there" in repr(row["response"])


async def test_client_disconnect_mid_stream_is_charged_for_what_was_sent(gateway) -> None:
    gw, _client = gateway
    body = orjson.dumps(
        {"model": "demo", "messages": MSG, "stream": True, "mock_response": "one two three four five"}
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
        if message["type"] == "http.response.body" and len(sent) == 3:
            gone.set()  # the client goes away after two chunks...
            await asyncio.sleep(3600)  # ...and this write never completes

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/chat/completions",
        "query_string": b"",
        "headers": [(b"authorization", f"Bearer {MASTER}".encode()), (b"content-type", b"application/json")],
    }
    await asyncio.wait_for(gw(scope, receive, send), timeout=30)
    assert sent[0]["status"] == 200
    assert not any(m.get("body", b"").startswith(b"data: [DONE]") for m in sent)
    (row,) = await spend_rows(gw)
    assert row["status"] == "partial" and row["completion_tokens"] > 0 and row["spend"] > 0


async def test_completions_and_images_routes(gateway) -> None:
    gw, client = gateway
    r = await client.post(
        "/v1/completions", json={"model": "plain", "prompt": "say hi"}, headers=admin_headers()
    )
    assert r.status_code == 200 and r.json()["object"] == "text_completion" and r.json()["choices"][0]["text"]
    r = await client.post(
        "/v1/images/generations", json={"model": "plain", "prompt": "a cat"}, headers=admin_headers()
    )
    assert r.status_code == 200 and r.json()["data"][0]["url"].startswith("https://")
    r = await client.post("/v1/completions", json={"model": "plain"}, headers=admin_headers())
    assert r.status_code == 400 and r.json()["error"]["param"] == "prompt"
    assert {row["call_type"] for row in await spend_rows(gw)} == {"atext_completion", "aimage_generation"}


async def test_health_routes_and_api_document(gateway) -> None:
    _gw, client = gateway
    assert (await client.get("/health/liveliness")).json() == "I'm alive!"
    ready = await client.get("/health/readiness")
    assert (
        ready.status_code == 200 and ready.json()["status"] == "healthy" and ready.json()["db"] == "connected"
    )
    assert (await client.get("/health")).status_code == 401  # it calls every model: admin only
    health = (await client.get("/health", headers=admin_headers())).json()
    assert health["healthy_count"] == 4 and health["unhealthy_count"] == 0
    doc = (await client.get("/openapi.json")).json()
    assert doc["openapi"].startswith("3.") and "post" in doc["paths"]["/v1/chat/completions"]
    assert "/key/generate" in doc["paths"] and "/key/{id}/regenerate" in doc["paths"]
    page = await client.get("/docs")
    assert page.status_code == 200 and "/v1/chat/completions" in page.text
    r = await client.get("/v1/chat/completions")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"
    assert (await client.get("/nowhere")).status_code == 404


async def test_ratelimit_headers_come_from_the_first_limited_scope(gateway) -> None:
    _gw, client = gateway
    team = (
        await client.post("/team/new", json={"rpm_limit": 5, "tpm_limit": 1000}, headers=admin_headers())
    ).json()
    key = await new_key(client, team_id=team["team_id"])  # the key itself has no limits
    r = await client.post(
        "/v1/chat/completions", json={"model": "demo", "messages": MSG}, headers=bearer(key)
    )
    assert (
        r.headers["x-ratelimit-limit-requests"] == "5" and r.headers["x-ratelimit-remaining-requests"] == "4"
    )
    assert (
        r.headers["x-ratelimit-limit-tokens"] == "1000"
        and r.headers["x-ratelimit-remaining-tokens"] == "1000"
    )
    r = await client.post(
        "/v1/chat/completions", json={"model": "demo", "messages": MSG}, headers=bearer(key)
    )
    used = 1000 - int(r.headers["x-ratelimit-remaining-tokens"])
    assert used > 0  # the first call's tokens now count against the minute


async def test_wildcard_deployments_and_request_tags(tmp_path) -> None:
    raw = mock_config()
    raw["model_list"].append(
        {
            "model_name": "mock/*",
            "litellm_params": {
                "model": "mock/*",
                "input_cost_per_token": 1e-6,
                "output_cost_per_token": 1e-6,
            },
        }
    )
    async with running_gateway(raw, tmp_path) as (gw, client):
        body = {"model": "mock/anything", "messages": MSG, "metadata": {"tags": ["job:nightly"]}}
        r = await client.post("/v1/chat/completions", json=body, headers=admin_headers())
        assert r.status_code == 200, r.text
        (row,) = await spend_rows(gw)
        assert row["model"] == "mock/anything" and row["model_group"] == "mock/anything"
        assert row["metadata"] == {"tags": ["job:nightly"]}


async def test_tpm_limit_counts_the_tokens_of_finished_calls(gateway) -> None:
    _gw, client = gateway
    key = await new_key(client, tpm_limit=10)  # one mock answer uses more than 10 tokens
    first = await client.post(
        "/v1/chat/completions", json={"model": "demo", "messages": MSG}, headers=bearer(key)
    )
    assert first.status_code == 200 and first.json()["usage"]["total_tokens"] > 10
    second = await client.post(
        "/v1/chat/completions", json={"model": "demo", "messages": MSG}, headers=bearer(key)
    )
    assert second.status_code == 429 and "tokens per minute" in second.json()["error"]["message"]


async def test_user_budget_applies_to_all_of_its_keys(gateway) -> None:
    _gw, client = gateway
    user = (
        await client.post(
            "/user/new", json={"user_id": "spender", "max_budget": 0.00001}, headers=admin_headers()
        )
    ).json()
    other_key = await new_key(client, user_id="spender")
    r = await client.post(
        "/v1/chat/completions", json={"model": "demo", "messages": MSG}, headers=bearer(user["key"])
    )
    assert r.status_code == 200 and float(r.headers["x-litellm-response-cost"]) >= 0.00001
    r = await client.post(
        "/v1/chat/completions", json={"model": "demo", "messages": MSG}, headers=bearer(other_key)
    )
    assert r.status_code == 400 and "user" in r.json()["error"]["message"]


async def test_router_settings_route_through_the_sdk_router(tmp_path) -> None:
    prices = {"input_cost_per_token": 1e-6, "output_cost_per_token": 1e-6}
    raw = {
        "model_list": [
            {
                "model_name": "primary",
                "litellm_params": {
                    "model": "mock/primary",
                    "mock_response": "litellm.InternalServerError",
                    **prices,
                },
                "model_info": {"id": "primary-1"},
            },
            {
                "model_name": "backup",
                "litellm_params": {"model": "mock/backup", "mock_response": "from the backup", **prices},
                "model_info": {"id": "backup-1"},
            },
        ],
        "router_settings": {"fallbacks": [{"primary": ["backup"]}], "num_retries": 0},
        "general_settings": {"master_key": MASTER},
    }
    async with running_gateway(raw, tmp_path) as (gw, client):
        assert gw.sdk_router is not None
        r = await client.post(
            "/v1/chat/completions", json={"model": "primary", "messages": MSG}, headers=admin_headers()
        )
        assert r.status_code == 200, r.text
        assert r.json()["choices"][0]["message"]["content"] == "from the backup"
        (row,) = await spend_rows(gw)
        # Charged to the deployment that answered, under the group the client asked for.
        assert (
            row["model_id"] == "backup-1"
            and row["model"] == "mock/backup"
            and row["model_group"] == "primary"
        )
        body = {"model": "primary", "messages": MSG, "stream": True}
        r = await client.post("/v1/chat/completions", json=body, headers=admin_headers())
        chunks = [orjson.loads(e[6:]) for e in r.text.split("\n\n") if e.startswith("data: {")]
        text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
        assert r.status_code == 200 and text == "from the backup"
        rows = await spend_rows(gw)
        assert len(rows) == 2 and rows[-1]["model_id"] == "backup-1" and rows[-1]["spend"] > 0


def test_an_unknown_routing_strategy_stops_startup(tmp_path) -> None:
    from llmrelay.proxy import config as gwconfig
    from llmrelay.proxy.app import Gateway
    from llmrelay.proxy.config import ConfigError

    raw = mock_config()
    raw["router_settings"] = {"routing_strategy": "coin-toss"}
    with pytest.raises(ConfigError, match="coin-toss"):
        Gateway(gwconfig.from_dict(raw, tmp_path))


async def test_spend_is_charged_to_the_model(gateway) -> None:
    gw, client = gateway
    key = await new_key(client)
    for model in ("demo", "demo", "other"):
        await client.post("/v1/chat/completions", json={"model": model, "messages": MSG}, headers=bearer(key))
    rows = await spend_rows(gw)
    r = await client.get("/global/spend/models", headers=admin_headers())
    assert r.status_code == 200
    totals = {m["model"]: m for m in r.json()}
    assert set(totals) == {"mock/demo", "mock/other"} and totals["mock/demo"]["requests"] == 2
    assert totals["mock/demo"]["total_spend"] == pytest.approx(
        sum(x["spend"] for x in rows if x["model"] == "mock/demo")
    )
    assert r.json()[0]["total_spend"] >= r.json()[1]["total_spend"]
    assert (await client.get("/global/spend/models", headers=bearer(key))).status_code == 403


async def test_model_info_never_shows_credentials(tmp_path) -> None:
    raw = mock_config()
    raw["model_list"][0]["litellm_params"].update(
        {
            "api_key": "sk-upstream-secret",
            "aws_secret_access_key": "aws-secret",
            "extra_headers": {"x-auth": "t"},
        }
    )
    async with running_gateway(raw, tmp_path) as (_gw, client):
        key = await new_key(client)
        r = await client.get("/model/info", headers=bearer(key))
        assert r.status_code == 200 and "demo" in r.text
        for secret in ("sk-upstream-secret", "aws-secret", "x-auth"):
            assert secret not in r.text
        demo = next(m for m in r.json()["data"] if m["model_name"] == "demo")
        assert demo["litellm_params"]["input_cost_per_token"] == 1e-6
