"""Health routes: ``/health/liveliness`` (the process answers), ``/health/readiness`` (the
database and Redis answer), ``/health`` (one real call per deployment, admin only, as LiteLLM)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .http import Request, Response, json_response

if TYPE_CHECKING:
    from .app import Gateway

CHECK_TIMEOUT = 5.0


async def liveliness(gw: Gateway, request: Request) -> Response:
    return json_response("I'm alive!")


async def readiness(gw: Gateway, request: Request) -> Response:
    db_status = await _check(_ping_db(gw)) if gw.engine is not None else "not configured"
    redis_status = await _check(gw.redis.ping()) if gw.redis is not None else None
    healthy = gw.ready and db_status == "connected" and redis_status in (None, "connected")
    body: dict[str, Any] = {
        "status": "healthy" if healthy else "unhealthy",
        "db": db_status,
        "cache": "redis" if gw.redis is not None else None,
        "redis": redis_status,
        "spend_rows_pending": gw.spend.pending if gw.spend is not None else 0,
        "litellm_version": _version(),
    }
    return json_response(body, 200 if healthy else 503)


async def _ping_db(gw: Gateway) -> None:
    async with gw.engine.connect() as conn:
        await conn.execute(sa.text("SELECT 1"))


async def _check(coro: Any) -> str:
    try:
        await asyncio.wait_for(coro, CHECK_TIMEOUT)
    except Exception as exc:
        return f"unreachable ({type(exc).__name__})"
    return "connected"


def _version() -> str:
    import llmrelay

    return getattr(llmrelay, "__version__", "unknown")


async def health(gw: Gateway, request: Request) -> Response:
    from . import admin

    caller = await gw.auth.authenticate(request.api_key())
    admin.require_admin(caller)
    results = await asyncio.gather(
        *(_probe(gw, d) for name in gw.router.names() for d in gw.router.by_name[name])
    )
    healthy = [r for r in results if "error" not in r]
    unhealthy = [r for r in results if "error" in r]
    return json_response(
        {
            "healthy_endpoints": healthy,
            "unhealthy_endpoints": unhealthy,
            "healthy_count": len(healthy),
            "unhealthy_count": len(unhealthy),
        }
    )


async def _probe(gw: Gateway, deployment: Any) -> dict[str, Any]:
    import llmrelay

    params = {k: v for k, v in deployment.params.items()}
    entry = {"model": deployment.model, "model_name": deployment.model_name, "api_base": deployment.api_base}
    try:
        await asyncio.wait_for(
            llmrelay.acompletion(
                model=deployment.model, messages=[{"role": "user", "content": "ping"}], max_tokens=1, **params
            ),
            CHECK_TIMEOUT * 2,
        )
    except Exception as exc:
        entry["error"] = f"{type(exc).__name__}: {getattr(exc, 'message', '') or exc}"[:300]
    return entry
