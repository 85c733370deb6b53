"""Redis going away (a real cut through a TCP proxy): model requests are refused with a 503
rather than served without limits, and everything works again once Redis is back."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from .conftest import REDIS_URL, admin_headers, bearer, mock_config, running_gateway
from .tcpproxy import TcpProxy

pytestmark = pytest.mark.redis
MSG = [{"role": "user", "content": "hi"}]


async def test_redis_outage_refuses_instead_of_running_unlimited(tmp_path: Path, redis_prefix: str) -> None:
    parsed = urlparse(REDIS_URL)
    proxy = TcpProxy(parsed.hostname or "127.0.0.1", parsed.port or 6379)
    raw = mock_config()
    raw["router_settings"] = {"redis_url": f"redis://127.0.0.1:{proxy.port}/0"}
    try:
        async with running_gateway(raw, tmp_path, redis_prefix=redis_prefix) as (_gw, client):
            created = await client.post("/key/generate", json={"rpm_limit": 100}, headers=admin_headers())
            h = bearer(created.json()["key"])
            body = {"model": "demo", "messages": MSG}
            assert (await client.post("/v1/chat/completions", json=body, headers=h)).status_code == 200
            proxy.cut()
            r = await client.post("/v1/chat/completions", json=body, headers=h)
            assert r.status_code == 503 and r.json()["error"]["type"] == "service_unavailable"
            ready = await client.get("/health/readiness")
            assert ready.status_code == 503 and ready.json()["redis"].startswith("unreachable")
            proxy.restore()
            r = await client.post("/v1/chat/completions", json=body, headers=h)
            assert r.status_code == 200
    finally:
        proxy.close()
