"""Deployment ``rpm``/``tpm`` when the SDK's Router routes: counted in the gateway's limiter, so
they hold across processes through Redis, and a full deployment is skipped, not over-used."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from .conftest import MASTER, REDIS_URL, admin_headers, running_gateway
from .test_chat import MSG, spend_rows

PRICES = {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6}


def router_config(db: Path, redis: bool = False, **group_limits: Any) -> dict[str, Any]:
    """Group "g": deployment g-1 (rpm 2) and g-2 (rpm 1); a fallback group "backup" when asked."""
    raw: dict[str, Any] = {
        "model_list": [
            {
                "model_name": "g",
                "litellm_params": {"model": "mock/one", "mock_response": "one", "rpm": 2, **PRICES},
                "model_info": {"id": "g-1"},
            },
            {
                "model_name": "g",
                "litellm_params": {"model": "mock/two", "mock_response": "two", "rpm": 1, **PRICES},
                "model_info": {"id": "g-2"},
            },
            {
                "model_name": "t",
                "litellm_params": {"model": "mock/t", "mock_response": "a few words", "tpm": 5, **PRICES},
                "model_info": {"id": "t-1"},
            },
            {
                "model_name": "backup",
                "litellm_params": {"model": "mock/backup", "mock_response": "backup", **PRICES},
                "model_info": {"id": "backup-1"},
            },
        ],
        # Any of these turns the SDK's Router on.
        "router_settings": {"routing_strategy": "least-busy", "num_retries": 0, **group_limits},
        "general_settings": {"master_key": MASTER, "database_url": f"sqlite:///{db}"},
    }
    if redis:
        raw["router_settings"]["redis_url"] = REDIS_URL
    return raw


async def _ask(client: Any, model: str) -> Any:
    return await client.post(
        "/v1/chat/completions", json={"model": model, "messages": MSG}, headers=admin_headers()
    )


async def test_a_full_deployment_is_skipped_and_then_the_group_refused(tmp_path: Path) -> None:
    async with running_gateway(router_config(tmp_path / "gw.db"), tmp_path) as (gw, client):
        assert gw.sdk_router is not None
        answers = [await _ask(client, "g") for _ in range(4)]
        assert [r.status_code for r in answers] == [200, 200, 200, 429]
        assert float(answers[-1].headers["retry-after"]) > 0
        assert "every deployment of model 'g'" in answers[-1].json()["error"]["message"]
        rows = await spend_rows(gw)
        assert Counter(r["model_id"] for r in rows) == {"g-1": 2, "g-2": 1}


async def test_a_full_group_falls_back(tmp_path: Path) -> None:
    raw = router_config(tmp_path / "gw.db", fallbacks=[{"g": ["backup"]}])
    async with running_gateway(raw, tmp_path) as (gw, client):
        answers = [await _ask(client, "g") for _ in range(4)]
        assert all(r.status_code == 200 for r in answers), [r.text for r in answers]
        assert answers[-1].json()["choices"][0]["message"]["content"] == "backup"
        rows = await spend_rows(gw)
        assert Counter(r["model_id"] for r in rows) == {"g-1": 2, "g-2": 1, "backup-1": 1}


async def test_tpm_counts_the_tokens_of_the_deployment_that_answered(tmp_path: Path) -> None:
    async with running_gateway(router_config(tmp_path / "gw.db"), tmp_path) as (gw, client):
        first = await _ask(client, "t")
        assert first.status_code == 200 and first.json()["usage"]["total_tokens"] > 5
        second = await _ask(client, "t")
        assert second.status_code == 429, second.text
        (row,) = await spend_rows(gw)
        assert row["model_id"] == "t-1"


@pytest.mark.redis
async def test_deployment_rpm_holds_across_two_gateways_through_redis(
    tmp_path: Path, redis_prefix: str
) -> None:
    one = router_config(tmp_path / "one.db", redis=True)
    two = router_config(tmp_path / "two.db", redis=True)
    async with running_gateway(one, tmp_path / "a", redis_prefix) as (gw1, c1):
        async with running_gateway(two, tmp_path / "b", redis_prefix) as (gw2, c2):
            codes = [(await _ask(c, "g")).status_code for c in (c1, c2, c1, c2, c1, c2)]
            assert sorted(codes) == [200, 200, 200, 429, 429, 429]
            rows = await spend_rows(gw1) + await spend_rows(gw2)
            assert Counter(r["model_id"] for r in rows) == {"g-1": 2, "g-2": 1}


async def test_responses_go_through_the_router_and_its_shared_limits(tmp_path: Path) -> None:
    async with running_gateway(router_config(tmp_path / "gw.db"), tmp_path) as (gw, client):
        answers = [
            await client.post("/v1/responses", json={"model": "g", "input": "hi"}, headers=admin_headers())
            for _ in range(4)
        ]
        assert [r.status_code for r in answers] == [200, 200, 200, 429]
        texts = {r.json()["output"][0]["content"][0]["text"] for r in answers[:3]}
        assert texts == {"one", "two"}
        rows = await spend_rows(gw)
        assert Counter(r["model_id"] for r in rows) == {"g-1": 2, "g-2": 1}
        assert {r["call_type"] for r in rows} == {"aresponses"} and all(r["spend"] > 0 for r in rows)


async def test_an_unreachable_limit_store_refuses_rather_than_runs_unlimited(tmp_path: Path) -> None:
    async with running_gateway(router_config(tmp_path / "gw.db"), tmp_path) as (gw, client):
        real = gw.limiter.acquire

        async def acquire(scopes: Any, request_id: str) -> Any:
            if any(s.name.startswith("model:") for s in scopes):
                raise ConnectionError("limit store cut")
            return await real(scopes, request_id)

        gw.limiter.acquire = acquire  # type: ignore[method-assign]
        r = await _ask(client, "g")
        assert r.status_code == 503 and r.json()["error"]["type"] == "service_unavailable"
        assert await spend_rows(gw) == []
