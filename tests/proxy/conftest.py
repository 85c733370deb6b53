"""Fixtures for the gateway tests: an in-process gateway, and the real Postgres and Redis.

Postgres and Redis tests use the services on this machine. When one is absent the test is
skipped, unless ``LLMRELAY_REQUIRE_SERVICES=1`` (set by CI), which makes it a failure. Each
run gets its own Postgres database (created and dropped) and its own Redis key prefix.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from llmrelay.proxy import config as gwconfig
from llmrelay.proxy.app import Gateway

MASTER = "sk-test-master-0123456789"
PG_ADMIN_DSN = os.environ.get("LLMRELAY_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("LLMRELAY_TEST_REDIS", "redis://127.0.0.1:6379/0")
REPO = Path(__file__).resolve().parents[2]


def _service_missing(what: str, why: str) -> None:
    message = f"{what} is not reachable ({why})"
    if os.environ.get("LLMRELAY_REQUIRE_SERVICES") == "1":
        pytest.fail(message + " and LLMRELAY_REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(message)


def mock_config(**general: Any) -> dict[str, Any]:
    """A config with offline mock models and known prices (1e-6 in, 2e-6 out per token)."""
    prices = {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6}
    return {
        "model_list": [
            {
                "model_name": "demo",
                "litellm_params": {"model": "mock/demo", "mock_response": "hello there", **prices},
            },
            {
                "model_name": "other",
                "litellm_params": {"model": "mock/other", "mock_response": "other", **prices},
            },
            {"model_name": "plain", "litellm_params": {"model": "mock/plain", **prices}},
            {
                "model_name": "limited",
                "litellm_params": {"model": "mock/limited", "mock_response": "x", "rpm": 2, **prices},
            },
        ],
        "general_settings": {"master_key": MASTER, **general},
    }


@asynccontextmanager
async def running_gateway(
    raw: dict[str, Any], base: Path, redis_prefix: str | None = None, database_url: str | None = None
) -> AsyncIterator[tuple[Gateway, httpx.AsyncClient]]:
    cfg = gwconfig.from_dict(raw, base_dir=base)
    if database_url:
        cfg.database_url = database_url
    gw = Gateway(cfg, redis_prefix=redis_prefix)
    await gw.startup()
    transport = httpx.ASGITransport(app=gw)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            yield gw, client
    finally:
        await gw.shutdown()


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[tuple[Gateway, httpx.AsyncClient]]:
    async with running_gateway(mock_config(), tmp_path) as pair:
        yield pair


def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {MASTER}"}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


# --- Postgres -------------------------------------------------------------------------------------


async def _pg(dsn: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh database on the real Postgres for this test session (dropped at the end)."""
    name = f"llmrelay_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_pg(PG_ADMIN_DSN, f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server, or no permission
        _service_missing("PostgreSQL", f"{type(exc).__name__}: {exc}")
    base = PG_ADMIN_DSN.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    asyncio.run(_pg(PG_ADMIN_DSN, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def fresh_pg_url(pg_url: str) -> Iterator[str]:
    """A database of its own for one test (for tests that must start from an empty schema)."""
    name = f"llmrelay_t_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg(PG_ADMIN_DSN, f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_DSN.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    asyncio.run(_pg(PG_ADMIN_DSN, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# --- Redis ----------------------------------------------------------------------------------------


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own on the real Redis; its keys are deleted afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        client.ping()
    except Exception as exc:
        _service_missing("Redis", f"{type(exc).__name__}: {exc}")
    prefix = f"llmrelay-test:{uuid.uuid4().hex[:12]}:"
    yield prefix
    keys = list(client.scan_iter(match=prefix + "*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


# --- processes --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen[bytes] | None = None, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            raise RuntimeError(
                f"process exited with {proc.returncode} before answering {url}:\n{out[-3000:]}"
            )
        try:
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


def start_upstream(*args: str) -> tuple[subprocess.Popen[bytes], str]:
    """The project's fake OpenAI upstream (bench/gateway_upstream.py) on a free port."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "bench" / "gateway_upstream.py"), "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    wait_http(f"http://127.0.0.1:{port}/health", proc)
    return proc, f"http://127.0.0.1:{port}/v1"


def start_gateway(
    config_path: Path,
    env: dict[str, str],
    workdir: Path,
    port: int | None = None,
    extra: tuple[str, ...] = (),
) -> tuple[subprocess.Popen[bytes], str]:
    port = port or free_port()
    full_env = {**os.environ, "LLMRELAY_HOME": str(workdir), **env}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llmrelay.proxy.cli",
            "--config",
            str(config_path),
            "--port",
            str(port),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=full_env,
        cwd=str(workdir),
    )
    wait_http(f"http://127.0.0.1:{port}/health/liveliness", proc)
    return proc, f"http://127.0.0.1:{port}"


def stop(proc: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
