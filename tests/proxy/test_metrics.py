"""GET /metrics: LiteLLM's Prometheus metric names, counted where the gateway finishes a call."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from llmrelay.proxy import config as gwconfig
from llmrelay.proxy.store import hash_key
from prometheus_client.parser import text_string_to_metric_families

from .conftest import MASTER, admin_headers, bearer, mock_config, running_gateway

MSG = [{"role": "user", "content": "hi"}]


def metrics_config(**litellm: Any) -> dict[str, Any]:
    raw = mock_config()
    raw["litellm_settings"] = {"callbacks": ["prometheus"], **litellm}
    return raw


def samples(text: str, name: str, **labels: str) -> list[float]:
    """Values of the samples called ``name`` whose labels include ``labels``."""
    return [
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    ]


async def scrape(client: httpx.AsyncClient, headers: dict[str, str] | None = None) -> str:
    r = await client.get("/metrics", headers=headers or {})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return r.text


async def make_key(client: httpx.AsyncClient) -> tuple[str, str]:
    r = await client.post("/user/new", json={"user_id": "u-42"}, headers=admin_headers())
    assert r.status_code == 200, r.text
    team = (await client.post("/team/new", json={"team_alias": "ml"}, headers=admin_headers())).json()
    body = {"key_alias": "ci-key", "user_id": "u-42", "team_id": team["team_id"]}
    r = await client.post("/key/generate", json=body, headers=admin_headers())
    assert r.status_code == 200, r.text
    return r.json()["key"], team["team_id"]


# --- configuration ---------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["callbacks", "success_callback", "failure_callback"])
def test_prometheus_callback_turns_metrics_on_without_a_warning(key: str, tmp_path: Path) -> None:
    raw = mock_config()
    raw["litellm_settings"] = {key: ["prometheus"]}
    cfg = gwconfig.from_dict(raw, base_dir=tmp_path)
    assert cfg.prometheus is True
    assert cfg.warnings == []


def test_other_callbacks_are_still_warned_about(tmp_path: Path) -> None:
    raw = mock_config()
    raw["litellm_settings"] = {"success_callback": ["langfuse", "prometheus"], "callbacks": "datadog"}
    cfg = gwconfig.from_dict(raw, base_dir=tmp_path)
    assert cfg.prometheus is True
    assert len(cfg.warnings) == 2
    assert any("litellm_settings.success_callback: langfuse is not" in w for w in cfg.warnings)
    assert any("litellm_settings.callbacks: datadog is not" in w for w in cfg.warnings)
    assert not any("prometheus" in w for w in cfg.warnings)


def test_metrics_are_off_without_the_callback(tmp_path: Path) -> None:
    raw = mock_config()
    raw["litellm_settings"] = {"success_callback": ["langfuse"]}
    cfg = gwconfig.from_dict(raw, base_dir=tmp_path)
    assert cfg.prometheus is False
    assert cfg.require_auth_for_metrics is False


async def test_metrics_route_answers_404_when_off(tmp_path: Path) -> None:
    async with running_gateway(mock_config(), tmp_path) as (gw, client):
        assert gw.metrics is None
        r = await client.post(
            "/chat/completions", json={"model": "demo", "messages": MSG}, headers=admin_headers()
        )
        assert r.status_code == 200
        r = await client.get("/metrics", headers=admin_headers())
        assert r.status_code == 404
        assert "prometheus" in r.json()["error"]["message"]


# --- counting ----------------------------------------------------------------------------------------


async def test_calls_count_requests_tokens_spend_and_latency(tmp_path: Path) -> None:
    async with running_gateway(metrics_config(), tmp_path) as (_gw, client):
        key, team_id = await make_key(client)
        costs, prompt, completion = 0.0, 0, 0
        for _ in range(2):
            body = {"model": "demo", "messages": MSG, "user": "alice"}
            r = await client.post("/chat/completions", json=body, headers=bearer(key))
            assert r.status_code == 200, r.text
            costs += float(r.headers["x-litellm-response-cost"])
            prompt += r.json()["usage"]["prompt_tokens"]
            completion += r.json()["usage"]["completion_tokens"]
        text = await scrape(client)

    who = {
        "hashed_api_key": hash_key(key),
        "api_key_alias": "ci-key",
        "team": team_id,
        "user": "u-42",
        "end_user": "alice",
        "model": "mock/demo",
        "model_id": "deployment-0",
    }
    assert costs > 0 and prompt > 0 and completion > 0
    assert samples(text, "litellm_requests_metric_total", **who) == [2.0]
    assert samples(text, "litellm_spend_metric_total", **who) == [pytest.approx(costs)]
    per_token = {**who, "requested_model": "demo"}
    assert samples(text, "litellm_input_tokens_metric_total", **per_token) == [prompt]
    assert samples(text, "litellm_output_tokens_metric_total", **per_token) == [completion]
    assert samples(text, "litellm_total_tokens_metric_total", **per_token) == [prompt + completion]
    assert samples(text, "litellm_request_total_latency_metric_count", **per_token) == [2.0]
    deployment = {
        "litellm_model_name": "mock/demo",
        "model_id": "deployment-0",
        "api_provider": "mock",
        "requested_model": "demo",
        "hashed_api_key": hash_key(key),
    }
    assert samples(text, "litellm_deployment_success_responses_total", **deployment) == [2.0]
    assert samples(text, "litellm_deployment_total_requests_total", **deployment) == [2.0]
    assert samples(text, "litellm_llm_api_failed_requests_metric_total") == []


async def test_streamed_call_is_counted_with_its_spend(tmp_path: Path) -> None:
    async with running_gateway(metrics_config(), tmp_path) as (_gw, client):
        body = {"model": "demo", "messages": MSG, "stream": True, "stream_options": {"include_usage": True}}
        async with client.stream("POST", "/chat/completions", json=body, headers=admin_headers()) as r:
            assert r.status_code == 200
            raw = (await r.aread()).decode()
        assert raw.rstrip().endswith("data: [DONE]")
        text = await scrape(client)
    master = {"hashed_api_key": "master_key", "model": "mock/demo"}
    assert samples(text, "litellm_requests_metric_total", **master) == [1.0]
    [spend] = samples(text, "litellm_spend_metric_total", **master)
    assert spend > 0
    [tokens] = samples(text, "litellm_total_tokens_metric_total", **master)
    assert tokens > 0


async def test_upstream_error_counts_a_failure_and_no_success(tmp_path: Path) -> None:
    async with running_gateway(metrics_config(), tmp_path) as (_gw, client):
        key, team_id = await make_key(client)
        body = {"model": "plain", "messages": MSG, "mock_response": "litellm.RateLimitError"}
        r = await client.post("/chat/completions", json=body, headers=bearer(key))
        assert r.status_code == 429
        text = await scrape(client)
    who = {"hashed_api_key": hash_key(key), "api_key_alias": "ci-key", "team": team_id, "user": "u-42"}
    assert samples(text, "litellm_llm_api_failed_requests_metric_total", **who, model="mock/plain") == [1.0]
    failure = {"litellm_model_name": "mock/plain", "exception_status": "429", "hashed_api_key": hash_key(key)}
    [row] = [
        s.labels
        for f in text_string_to_metric_families(text)
        for s in f.samples
        if s.name == "litellm_deployment_failure_responses_total"
        and all(s.labels.get(k) == v for k, v in failure.items())
    ]
    assert row["exception_class"] == "RateLimitError"
    assert samples(text, "litellm_deployment_failure_responses_total", **failure) == [1.0]
    assert samples(text, "litellm_deployment_total_requests_total", litellm_model_name="mock/plain") == [1.0]
    assert samples(text, "litellm_requests_metric_total", model="mock/plain") == []
    assert samples(text, "litellm_spend_metric_total", model="mock/plain") == []


async def test_labels_never_carry_a_raw_key(tmp_path: Path) -> None:
    async with running_gateway(metrics_config(), tmp_path) as (_gw, client):
        key, _team = await make_key(client)
        for headers in (bearer(key), admin_headers()):
            r = await client.post(
                "/chat/completions", json={"model": "demo", "messages": MSG}, headers=headers
            )
            assert r.status_code == 200
        text = await scrape(client)
    assert key not in text
    assert MASTER not in text
    hashed = {s.labels.get("hashed_api_key") for f in text_string_to_metric_families(text) for s in f.samples}
    assert hashed - {None} == {hash_key(key), "master_key"}


# --- who may read /metrics -----------------------------------------------------------------------------


async def test_metrics_are_open_by_default_as_in_litellm(tmp_path: Path) -> None:
    async with running_gateway(metrics_config(), tmp_path) as (_gw, client):
        text = await scrape(client)  # no Authorization header
    assert "litellm_requests_metric" in text


async def test_require_auth_admits_only_the_master_key_or_an_admin(tmp_path: Path) -> None:
    raw = metrics_config(require_auth_for_metrics_endpoint=True)
    async with running_gateway(raw, tmp_path) as (_gw, client):
        key, _team = await make_key(client)
        assert (await client.get("/metrics")).status_code == 401
        assert (await client.get("/metrics", headers=bearer("sk-wrong"))).status_code == 401
        assert (await client.get("/metrics", headers=bearer(key))).status_code == 403
        admin_user = {"user_id": "ops", "user_role": "proxy_admin"}
        assert (await client.post("/user/new", json=admin_user, headers=admin_headers())).status_code == 200
        r = await client.post("/key/generate", json={"user_id": "ops"}, headers=admin_headers())
        admin_key = r.json()["key"]
        await scrape(client, bearer(admin_key))
        await scrape(client, admin_headers())


# --- several workers -----------------------------------------------------------------------------------

WORKER = """
import sys
from llmrelay.proxy.metrics import GatewayMetrics
m = GatewayMetrics()
m.requests.labels("", "h", "", "", "", "mock/demo", "d0").inc()
m.spend.labels("", "h", "", "", "", "mock/demo", "d0").inc(float(sys.argv[1]))
if len(sys.argv) > 2:
    sys.stdout.write(m.exposition().decode())
"""


def test_multiprocess_dir_sums_every_worker(tmp_path: Path) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for spend in ("0.25", "0.5"):
        subprocess.run([sys.executable, "-c", WORKER, spend], env=env, check=True)
    out = subprocess.run(
        [sys.executable, "-c", WORKER, "1.0", "show"], env=env, check=True, capture_output=True, text=True
    ).stdout
    assert samples(out, "litellm_requests_metric_total", model="mock/demo") == [3.0]
    assert samples(out, "litellm_spend_metric_total", model="mock/demo") == [pytest.approx(1.75)]
