"""Who is calling: the master key, or a virtual key with its team and user, cached in memory.

A key's record is cached for at most ``ttl`` seconds (5 by default), so a deleted, expired or
blocked key is refused everywhere within that time; with Redis, admin changes are also
published and every instance drops the entry at once. When the database is unreachable, a
cached entry is kept (requests keep flowing), and an unknown key gets a 503.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .errors import ProxyError
from .limits import Scope
from .store import hash_key

log = logging.getLogger("llmrelay.proxy")

NEGATIVE_TTL = 1.0  # an unknown key is looked up again after this long
PRUNE_ABOVE = 10_000  # entries; beyond this, expired ones are dropped (random bad keys add up)


@dataclass(slots=True)
class Entity:
    """A key, team or user as the limiter sees it."""

    kind: str
    id: str
    spend: float = 0.0
    max_budget: float | None = None
    rpm_limit: int | None = None
    tpm_limit: int | None = None
    max_parallel_requests: int | None = None
    models: list[str] | None = None
    blocked: bool = False

    @property
    def limited(self) -> bool:
        limits = (self.max_budget, self.rpm_limit, self.tpm_limit, self.max_parallel_requests)
        return any(v is not None for v in limits)

    @property
    def scope_name(self) -> str:
        return f"{self.kind}:{self.id}"

    def scope(self) -> Scope:
        return Scope(
            self.scope_name, self.rpm_limit, self.tpm_limit, self.max_parallel_requests, self.max_budget
        )

    @classmethod
    def from_row(cls, kind: str, pk: str, row: dict[str, Any]) -> Entity:
        return cls(
            kind=kind,
            id=row[pk],
            spend=float(row.get("spend") or 0.0),
            max_budget=row.get("max_budget"),
            rpm_limit=row.get("rpm_limit"),
            tpm_limit=row.get("tpm_limit"),
            max_parallel_requests=row.get("max_parallel_requests"),
            models=row.get("models") or None,
            blocked=bool(row.get("blocked")),
        )


@dataclass(slots=True)
class Caller:
    """The authenticated caller of one request."""

    is_admin: bool
    token: str | None = None  # SHA-256 of the key; None for the master key
    key_alias: str | None = None
    team_id: str | None = None
    user_id: str | None = None
    expires: float | None = None  # unix time
    metadata: dict[str, Any] = field(default_factory=dict)
    entities: list[Entity] = field(default_factory=list)  # key first, then team, then user
    scopes: list[Scope] = field(default_factory=list)

    def allows_model(self, model: str) -> bool:
        """Every entity that restricts models must list this one (LiteLLM's rule)."""
        for entity in self.entities:
            if entity.models and model not in entity.models and "*" not in entity.models:
                if "all-proxy-models" not in entity.models:
                    return False
        return True


def caller_from_rows(key: dict[str, Any], team: dict | None, user: dict | None) -> Caller:
    entities = [Entity.from_row("key", "token", key)]
    if team is not None:
        entities.append(Entity.from_row("team", "team_id", team))
    if user is not None:
        entities.append(Entity.from_row("user", "user_id", user))
    expires = key.get("expires")
    return Caller(
        is_admin=bool(user and user.get("user_role") == "proxy_admin"),
        token=key["token"],
        key_alias=key.get("key_alias"),
        team_id=key.get("team_id"),
        user_id=key.get("user_id"),
        expires=_epoch(expires) if isinstance(expires, datetime) else None,
        metadata=key.get("metadata") or {},
        entities=entities,
        # Only entities with a limit or a budget: an unlimited key costs no Redis round trip.
        scopes=[e.scope() for e in entities if e.limited],
    )


def _epoch(dt: datetime) -> float:
    return (dt - datetime(1970, 1, 1)).total_seconds()


Loader = Callable[[str], Awaitable[tuple[dict | None, dict | None, dict | None]]]


class AuthCache:
    def __init__(
        self,
        master_key: str | None,
        loader: Loader | None,
        ttl: float = 5.0,
        on_load: Callable[[Caller], Awaitable[None]] | None = None,
    ) -> None:
        self._master_hash = hash_key(master_key) if master_key else None
        self._loader = loader
        self._ttl = ttl
        self._on_load = on_load
        self._entries: dict[str, tuple[Caller | None, float]] = {}
        self._pending: dict[str, asyncio.Future[Caller | None]] = {}
        self.master = Caller(is_admin=True)

    @property
    def auth_enabled(self) -> bool:
        return self._master_hash is not None

    async def authenticate(self, api_key: str | None) -> Caller:
        if self._master_hash is None:
            return self.master  # auth is off (loud warning at start-up)
        if not api_key:
            raise ProxyError(
                401, "No API key passed: send 'Authorization: Bearer sk-...'.", "auth_error", "no_api_key"
            )
        token = hash_key(api_key)
        if hmac.compare_digest(token, self._master_hash):
            return self.master
        caller = await self._lookup(token)
        if caller is None:
            raise ProxyError(401, "Invalid API key.", "auth_error", "invalid_api_key")
        self._check_usable(caller)
        return caller

    def _check_usable(self, caller: Caller) -> None:
        if caller.expires is not None and caller.expires <= time.time():
            raise ProxyError(401, "This API key has expired.", "auth_error", "expired_key")
        for entity in caller.entities:
            if entity.blocked:
                raise ProxyError(401, f"This API key's {entity.kind} is blocked.", "auth_error", "blocked")

    async def _lookup(self, token: str) -> Caller | None:
        entry = self._entries.get(token)
        now = time.monotonic()
        if entry is not None and entry[1] > now:
            return entry[0]
        pending = self._pending.get(token)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Caller | None] = asyncio.get_running_loop().create_future()
        self._pending[token] = future
        try:
            caller = await self._load(token, entry)
            future.set_result(caller)
            return caller
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters re-raise it themselves
            raise
        finally:
            self._pending.pop(token, None)

    async def _load(self, token: str, stale: tuple[Caller | None, float] | None) -> Caller | None:
        assert self._loader is not None
        try:
            key, team, user = await self._loader(token)
        except Exception as exc:
            if stale is not None and stale[0] is not None:
                # Database down: keep serving the last known record, and try again soon.
                self._entries[token] = (stale[0], time.monotonic() + 1.0)
                return stale[0]
            log.warning("auth lookup failed: %s", type(exc).__name__)
            raise ProxyError(
                503, "The key store is unavailable; try again shortly.", "service_unavailable"
            ) from exc
        if len(self._entries) > PRUNE_ABOVE:
            self._prune()
        if key is None:
            self._entries[token] = (None, time.monotonic() + NEGATIVE_TTL)
            return None
        caller = caller_from_rows(key, team, user)
        if self._on_load is not None:
            await self._on_load(caller)
        self._entries[token] = (caller, time.monotonic() + self._ttl)
        return caller

    def _prune(self) -> None:
        now = time.monotonic()
        for token in [t for t, (_c, expires) in self._entries.items() if expires <= now]:
            del self._entries[token]

    def __len__(self) -> int:
        return len(self._entries)

    def put(self, token: str, caller: Caller) -> None:
        self._entries[token] = (caller, time.monotonic() + self._ttl)

    def invalidate(self, what: str) -> None:
        """Drop cache entries: ``key:<hash>``, ``team:<id>``, ``user:<id>`` or ``*``."""
        if what == "*":
            self._entries.clear()
            return
        kind, _, ident = what.partition(":")
        if kind == "key":
            self._entries.pop(ident, None)
            return
        for token, (caller, _exp) in list(self._entries.items()):
            if caller is not None and any(e.kind == kind and e.id == ident for e in caller.entities):
                self._entries.pop(token, None)
