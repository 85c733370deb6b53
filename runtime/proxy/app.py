"""The gateway as a plain ASGI application: a dict of routes, a lifespan, shared state.

State that must agree across processes (limits, spend counters, auth invalidation) lives in
Redis when ``REDIS_URL`` is set and in this process otherwise; the database holds keys, teams,
users and spend logs. See docs/gateway.md for the whole picture.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError

from . import admin, health, llm, metrics, openapi, responses, routing, spendroutes, store
from .auth import AuthCache, Caller
from .config import GatewayConfig
from .errors import ProxyError
from .http import ClientDisconnected, Request, Response, error_response
from .limits import LocalLimiter, RedisLimiter
from .schema import keys, teams, users

log = logging.getLogger("llmrelay.proxy")

Handler = Callable[["Gateway", Request], Awaitable[Response | None]]

# OpenAI routes are served with and without the /v1 prefix.
OPENAI_ROUTES: dict[tuple[str, str], Handler] = {
    ("POST", "/chat/completions"): llm.chat_completions,
    ("POST", "/completions"): llm.completions,
    ("POST", "/embeddings"): llm.embeddings,
    ("POST", "/images/generations"): llm.image_generations,
    ("GET", "/models"): llm.list_models,
    ("POST", "/responses"): responses.create_response,
}
ROUTES: dict[tuple[str, str], Handler] = {
    **OPENAI_ROUTES,
    **{(m, "/v1" + p): h for (m, p), h in OPENAI_ROUTES.items()},
    ("POST", "/openai/deployments/chat/completions"): llm.chat_completions,
    ("GET", "/health"): health.health,
    ("GET", "/health/liveliness"): health.liveliness,
    ("GET", "/health/liveness"): health.liveliness,
    ("GET", "/health/readiness"): health.readiness,
    ("GET", "/openapi.json"): openapi.openapi_json,
    ("GET", "/docs"): openapi.docs,
    ("GET", "/model/info"): llm.model_info,
    ("GET", "/v1/model/info"): llm.model_info,
    ("POST", "/key/generate"): admin.key_generate,
    ("GET", "/key/info"): admin.key_info,
    ("POST", "/key/update"): admin.key_update,
    ("POST", "/key/delete"): admin.key_delete,
    ("GET", "/key/list"): admin.key_list,
    ("POST", "/key/regenerate"): admin.key_regenerate,
    ("POST", "/key/block"): admin.key_block,
    ("POST", "/key/unblock"): admin.key_unblock,
    ("POST", "/team/new"): admin.team_new,
    ("GET", "/team/info"): admin.team_info,
    ("POST", "/team/update"): admin.team_update,
    ("POST", "/team/delete"): admin.team_delete,
    ("GET", "/team/list"): admin.team_list,
    ("POST", "/user/new"): admin.user_new,
    ("GET", "/user/info"): admin.user_info,
    ("POST", "/user/update"): admin.user_update,
    ("POST", "/user/delete"): admin.user_delete,
    ("GET", "/spend/logs"): spendroutes.spend_logs,
    ("GET", "/global/spend/models"): spendroutes.global_spend_models,
    ("GET", "/metrics"): metrics.metrics_endpoint,
}
# Routes with one path parameter: prefix -> (suffix, handler by method).
PARAM_ROUTES: list[tuple[str, str, str, Handler]] = [
    ("GET", "/v1/models/", "", llm.retrieve_model),
    ("GET", "/models/", "", llm.retrieve_model),
    ("POST", "/key/", "/regenerate", admin.key_regenerate),
]


class Gateway:
    def __init__(self, cfg: GatewayConfig, redis_prefix: str | None = None) -> None:
        self.cfg = cfg
        self.redis_prefix = redis_prefix or os.environ.get("LLMRELAY_REDIS_PREFIX", "llmrelay:")
        self.engine: Any = None
        self.redis: Any = None
        self.limiter: LocalLimiter | RedisLimiter = LocalLimiter()
        self.spend: Any = None
        self.response_owners = responses.ResponseOwners(None)
        self.auth = AuthCache(cfg.master_key, None)
        self.router = llm.ModelRouter(cfg.deployments)
        self.sdk_router = build_sdk_router(cfg)
        self.metrics = metrics.GatewayMetrics() if cfg.prometheus else None
        routing.install(self)  # deployment rpm/tpm under the Router: counted in the shared limiter
        self._tasks: list[asyncio.Task[None]] = []
        self.migrate_on_start = True
        self.ready = False

    # -- ASGI ---------------------------------------------------------------------------------
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _http(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope["path"]
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        request = Request(scope, receive, send, path, self.cfg.max_request_bytes)
        handler = ROUTES.get((scope["method"], path)) or self._param_route(request)
        try:
            if handler is None:
                raise self._no_route(scope["method"], path)
            response = await handler(self, request)
        except ProxyError as err:
            response = error_response(err)
        except ClientDisconnected:
            return
        except (SQLAlchemyError, OSError, asyncio.TimeoutError) as exc:
            response = error_response(_database_error(exc))
        except Exception:
            log.exception("unhandled error on %s %s", scope["method"], path)
            response = error_response(ProxyError(500, "Internal error in the gateway.", "internal_error"))
        if response is not None:
            await response.send(send)

    def _param_route(self, request: Request) -> Handler | None:
        for method, prefix, suffix, handler in PARAM_ROUTES:
            path = request.path
            if request.method == method and path.startswith(prefix) and path.endswith(suffix):
                value = path[len(prefix) : len(path) - len(suffix)]
                if value:
                    request.scope["path_param"] = value
                    return handler
        return None

    def _no_route(self, method: str, path: str) -> ProxyError:
        allowed = sorted(m for (m, p) in ROUTES if p == path)
        if allowed:
            return ProxyError(
                405,
                f"{method} is not allowed on {path}; use {', '.join(allowed)}.",
                code="method_not_allowed",
            )
        return ProxyError(404, f"No route {path}.", "not_found_error", "route_not_found")

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.startup()
                except Exception as exc:
                    log.exception("start-up failed")
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    # -- start-up and shutdown -------------------------------------------------------------------
    async def startup(self) -> None:
        from . import db
        from .spend import SpendWriter

        url = self.cfg.database_url or db.default_sqlite_url(self.cfg.base_dir)
        self.engine = db.create_engine(url, self.cfg.db_pool_size)
        if self.migrate_on_start:
            await db.migrate(self.engine)
        if self.cfg.redis_url:
            import redis.asyncio as aioredis

            self.redis = aioredis.from_url(self.cfg.redis_url)
            self.limiter = RedisLimiter(self.redis, self.redis_prefix)
            self._tasks.append(asyncio.create_task(self._listen_invalidations(), name="llmrelay-auth-pubsub"))
        self.auth = AuthCache(
            self.cfg.master_key,
            lambda token: store.fetch_auth(self.engine, token),
            self.cfg.auth_cache_ttl,
            self._seed_spend,
        )
        spill = self.cfg.base_dir / "data"
        self.spend = SpendWriter(self.engine, self.cfg.spend_flush_interval, spill_dir=spill)
        self.spend.start()
        self.response_owners = responses.ResponseOwners(
            self.engine, self.redis, self.redis_prefix, self.cfg.spend_flush_interval
        )
        self.response_owners.start()
        self._tasks.append(asyncio.create_task(self._budget_resets(), name="llmrelay-budget-reset"))
        self.ready = True

    async def shutdown(self) -> None:
        self.ready = False
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if self.spend is not None:
            await self.spend.stop()
        await self.response_owners.stop()
        await llm.close_streams()
        if self.redis is not None:
            await self.limiter.close()
        if self.engine is not None:
            await self.engine.dispose()

    async def _seed_spend(self, caller: Caller) -> None:
        spends = {e.scope_name: e.spend for e in caller.entities if e.max_budget is not None}
        if spends:
            try:
                await self.limiter.seed_spend(spends)
            except Exception as exc:  # Redis down: the limiter call on this request will say so
                log.warning("could not seed spend counters: %s", type(exc).__name__)

    # -- cross-instance invalidation ------------------------------------------------------------------
    @property
    def _channel(self) -> str:
        return f"{self.redis_prefix}auth-invalidate"

    async def invalidate(self, what: str) -> None:
        """Drop a cached key/team/user here and, through Redis, on every other instance."""
        self.auth.invalidate(what)
        if self.redis is not None:
            try:
                await self.redis.publish(self._channel, what)
            except Exception as exc:
                log.warning("could not publish an auth invalidation: %s", type(exc).__name__)

    async def _listen_invalidations(self) -> None:
        while True:
            try:
                pubsub = self.redis.pubsub()
                await pubsub.subscribe(self._channel)
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        self.auth.invalidate(message["data"].decode())
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # Entries expire within the TTL anyway; reconnect and carry on.
                log.warning("auth invalidation channel lost (%s); reconnecting", type(exc).__name__)
                self.auth.invalidate("*")
                await asyncio.sleep(1.0)

    # -- budget periods --------------------------------------------------------------------------
    async def _budget_resets(self) -> None:
        while True:
            await asyncio.sleep(self.cfg.budget_reset_interval)
            try:
                await self.reset_due_budgets()
            except Exception as exc:
                log.warning("budget reset pass failed: %s", type(exc).__name__)

    async def reset_due_budgets(self) -> int:
        now = store.utcnow()
        count = 0
        for table, pk, kind in (
            (keys, "token", "key"),
            (teams, "team_id", "team"),
            (users, "user_id", "user"),
        ):
            for row in await store.due_budget_resets(self.engine, table, now):
                if await store.reset_budget(self.engine, table, pk, row, now):
                    await self.limiter.set_spend(f"{kind}:{row[pk]}", 0.0)
                    await self.invalidate(f"{kind}:{row[pk]}")
                    count += 1
        return count


def _database_error(exc: Exception) -> ProxyError:
    """A route's database failure: the client's values (400) or the database itself (503).
    (Model routes never wait on the database; this concerns the admin and spend routes.)"""
    if isinstance(exc, IntegrityError | DataError):
        reason = type(exc.orig).__name__
        return ProxyError(400, f"The database refused these values ({reason}).", code="invalid_values")
    log.warning("database error: %s", type(exc).__name__)
    return ProxyError(503, "The database is unavailable; try again shortly.", "service_unavailable")


def build_sdk_router(cfg: GatewayConfig) -> Any:
    """The SDK's Router, when the config asks for strategies, fallbacks, cooldowns or aliases."""
    if cfg.router_kwargs is None:
        return None
    from llmrelay import Router

    from .config import ConfigError

    try:
        return Router(model_list=cfg.router_model_list(), **cfg.router_kwargs)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"router_settings: {exc}") from exc


def app_factory() -> Gateway:
    """Entry point for ``--workers N``: each worker rebuilds the app from the CLI's settings."""
    from . import cli

    return cli.build_gateway_from_env()
