"""Two gateway processes sharing the real Postgres and Redis: exact limits and budgets, no lost
or doubled spend on SIGTERM, and a real database outage (through a TCP proxy) that loses nothing."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
import sqlalchemy as sa
import yaml
from llmrelay.proxy import db
from llmrelay.proxy.schema import keys, spend_logs
from llmrelay.proxy.store import hash_key

from .conftest import MASTER, REDIS_URL, start_gateway, start_upstream, stop
from .tcpproxy import TcpProxy

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
ADMIN = {"Authorization": f"Bearer {MASTER}"}
MSGS = [{"role": "user", "content": "hi"}]


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    proc, url = start_upstream()
    yield url
    stop(proc)


def write_config(path: Path, upstream: str) -> Path:
    params = {"model": "openai/fake", "api_base": upstream, "api_key": "sk-up"}
    prices = {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6}
    raw = {
        "model_list": [{"model_name": "fake", "litellm_params": {**params, **prices}}],
        "general_settings": {"master_key": MASTER, "proxy_batch_write_at": 0.2},
        "router_settings": {"num_retries": 0},
    }
    path.write_text(yaml.safe_dump(raw))
    return path


class Pair:
    """Two gateway processes on one Postgres database and one Redis prefix."""

    def __init__(self, tmp: Path, upstream: str, database_url: str, prefix: str) -> None:
        cfg = write_config(tmp / "config.yaml", upstream)
        env = {"DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "LLMRELAY_REDIS_PREFIX": prefix}
        self.procs: list[subprocess.Popen[bytes]] = []
        self.urls: list[str] = []
        for i in range(2):
            work = tmp / f"gw{i}"
            work.mkdir()
            proc, url = start_gateway(cfg, env, work)
            self.procs.append(proc)
            self.urls.append(url)

    def key(self, **fields: Any) -> str:
        r = httpx.post(f"{self.urls[0]}/key/generate", json=fields, headers=ADMIN)
        assert r.status_code == 200, r.text
        return r.json()["key"]

    def stop(self) -> None:
        for proc in self.procs:
            stop(proc)


@pytest.fixture
def pair(tmp_path: Path, upstream: str, fresh_pg_url: str, redis_prefix: str) -> Iterator[Pair]:
    p = Pair(tmp_path, upstream, fresh_pg_url, redis_prefix)
    yield p
    p.stop()


async def _chat(client: httpx.AsyncClient, url: str, key: str) -> httpx.Response | None:
    try:
        return await client.post(
            f"{url}/v1/chat/completions",
            json={"model": "fake", "messages": MSGS},
            headers={"Authorization": f"Bearer {key}"},
        )
    except httpx.TransportError:
        return None  # the process was stopped under us


async def _burst(urls: list[str], key: str, n: int) -> list[httpx.Response | None]:
    limits = httpx.Limits(max_connections=n)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        return await asyncio.gather(*(_chat(client, urls[i % len(urls)], key) for i in range(n)))


async def _db_rows(database_url: str, token: str) -> tuple[list[dict[str, Any]], float]:
    engine = db.create_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = [
                dict(r._mapping)
                for r in await conn.execute(sa.select(spend_logs).where(spend_logs.c.api_key == token))
            ]
            spend = (await conn.execute(sa.select(keys.c.spend).where(keys.c.token == token))).scalar_one()
        return rows, spend
    finally:
        await engine.dispose()


def test_rpm_limit_is_exact_across_two_processes(pair: Pair) -> None:
    key = pair.key(rpm_limit=10)
    answers = asyncio.run(_burst(pair.urls, key, 30))
    codes = sorted(a.status_code for a in answers if a is not None)
    assert codes == [200] * 10 + [429] * 20
    assert all("retry-after" in a.headers for a in answers if a is not None and a.status_code == 429)


def test_workers_share_limits_through_redis(
    tmp_path: Path, upstream: str, fresh_pg_url: str, redis_prefix: str
) -> None:
    cfg = write_config(tmp_path / "config.yaml", upstream)
    env = {"DATABASE_URL": fresh_pg_url, "REDIS_URL": REDIS_URL, "LLMRELAY_REDIS_PREFIX": redis_prefix}
    proc, url = start_gateway(cfg, env, tmp_path, extra=("--workers", "2"))
    try:
        r = httpx.post(f"{url}/key/generate", json={"rpm_limit": 10}, headers=ADMIN)
        key = r.json()["key"]
        answers = asyncio.run(_burst([url], key, 30))
        assert sorted(a.status_code for a in answers if a is not None) == [200] * 10 + [429] * 20
    finally:
        stop(proc)


def test_admin_changes_reach_the_other_process(pair: Pair) -> None:
    key = pair.key()
    auth = {"Authorization": f"Bearer {key}"}
    assert httpx.get(f"{pair.urls[1]}/v1/models", headers=auth).status_code == 200  # cached on B now
    r = httpx.post(f"{pair.urls[0]}/key/block", json={"key": key}, headers=ADMIN)
    assert r.status_code == 200
    # Redis pub/sub drops B's cached entry at once; the cache TTL (5 s) bounds it regardless.
    deadline = time.monotonic() + 5.0
    status = 200
    while status == 200 and time.monotonic() < deadline:
        status = httpx.get(f"{pair.urls[1]}/v1/models", headers=auth).status_code
    assert status == 401


def test_budget_is_exact_across_two_processes(pair: Pair, fresh_pg_url: str) -> None:
    probe = httpx.post(
        f"{pair.urls[0]}/v1/chat/completions", json={"model": "fake", "messages": MSGS}, headers=ADMIN
    )
    cost = float(probe.headers["x-litellm-response-cost"])
    key = pair.key(max_budget=cost * 3.5)
    codes = []
    for i in range(8):  # one at a time, alternating processes: the 4th starts below budget, then it is spent
        r = httpx.post(
            f"{pair.urls[i % 2]}/v1/chat/completions",
            json={"model": "fake", "messages": MSGS},
            headers={"Authorization": f"Bearer {key}"},
        )
        codes.append(r.status_code)
        if r.status_code == 400:
            assert r.json()["error"]["type"] == "budget_exceeded"
    assert codes == [200] * 4 + [400] * 4
    time.sleep(1.0)  # let both writers flush (interval 0.2 s)
    rows, spend = asyncio.run(_db_rows(fresh_pg_url, hash_key(key)))
    assert len(rows) == 4 and spend == pytest.approx(cost * 4)


def test_sigterm_mid_load_neither_loses_nor_doubles_spend(pair: Pair, fresh_pg_url: str) -> None:
    key = pair.key()

    async def load() -> list[httpx.Response | None]:
        async def killer() -> None:
            await asyncio.sleep(0.5)
            pair.procs[0].send_signal(signal.SIGTERM)

        async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=20)) as client:
            results: list[httpx.Response | None] = []

            async def worker(i: int) -> None:
                deadline = time.monotonic() + 2.0
                while time.monotonic() < deadline:
                    results.append(await _chat(client, pair.urls[i % 2], key))

            await asyncio.gather(killer(), *(worker(i) for i in range(10)))
            return results

    results = asyncio.run(load())
    # uvicorn re-raises SIGTERM after its graceful shutdown, so the exit status is -15 either way;
    # what proves the shutdown was graceful is that no row is missing below.
    assert pair.procs[0].wait(30) in (0, -signal.SIGTERM)
    ok = {r.headers["x-litellm-call-id"] for r in results if r is not None and r.status_code == 200}
    stop(pair.procs[1])  # flushes on the way out too
    rows, spend = asyncio.run(_db_rows(fresh_pg_url, hash_key(key)))
    assert len(ok) > 20
    assert {r["request_id"] for r in rows} == ok
    assert len(rows) == len(ok)
    assert spend == pytest.approx(sum(r["spend"] for r in rows))


def test_database_outage_keeps_requests_flowing_and_loses_no_spend(
    tmp_path: Path, upstream: str, fresh_pg_url: str, redis_prefix: str
) -> None:
    parsed = urlparse(fresh_pg_url)
    proxy = TcpProxy(parsed.hostname or "127.0.0.1", parsed.port or 5432)
    proxied = fresh_pg_url.replace(f"{parsed.hostname}:{parsed.port}", f"127.0.0.1:{proxy.port}")
    pair = Pair(tmp_path, upstream, proxied, redis_prefix)
    try:
        key = pair.key()
        ok: set[str] = set()

        def send(n: int) -> None:
            for i in range(n):
                r = httpx.post(
                    f"{pair.urls[i % 2]}/v1/chat/completions",
                    json={"model": "fake", "messages": MSGS},
                    headers={"Authorization": f"Bearer {key}"},
                    timeout=30,
                )
                assert r.status_code == 200, r.text
                ok.add(r.headers["x-litellm-call-id"])

        send(4)  # both processes have the key cached
        proxy.cut()
        assert httpx.get(f"{pair.urls[0]}/health/readiness").status_code == 503
        down = httpx.post(f"{pair.urls[0]}/key/generate", json={}, headers=ADMIN, timeout=30)
        assert down.status_code == 503 and down.json()["error"]["type"] == "service_unavailable"
        deadline = time.monotonic() + 6.0  # longer than the auth cache TTL
        while time.monotonic() < deadline:
            send(2)
        proxy.restore()
        rows: list[dict[str, Any]] = []
        wait_until = time.monotonic() + 30
        while time.monotonic() < wait_until:
            rows, spend = asyncio.run(_db_rows(fresh_pg_url, hash_key(key)))
            if len(rows) >= len(ok):
                break
            time.sleep(0.5)
        assert {r["request_id"] for r in rows} == ok
        assert spend == pytest.approx(sum(r["spend"] for r in rows))
        assert httpx.get(f"{pair.urls[0]}/health/readiness").status_code == 200
    finally:
        pair.stop()
        proxy.close()


def test_large_limits_fit_postgres_columns(pair: Pair) -> None:
    key = pair.key(rpm_limit=10**9, tpm_limit=10**12, max_budget=1e9)
    r = httpx.post(
        f"{pair.urls[1]}/v1/chat/completions",
        json={"model": "fake", "messages": MSGS},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert r.status_code == 200 and r.headers["x-ratelimit-limit-tokens"] == str(10**12)
    too_big = httpx.post(f"{pair.urls[0]}/key/generate", json={"tpm_limit": 2**63}, headers=ADMIN)
    assert too_big.status_code == 400 and too_big.json()["error"]["param"] == "tpm_limit"
