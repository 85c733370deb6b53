"""Reads and writes of keys, teams and users (the admin routes and the auth cache use these).

Every function takes the engine and runs one short transaction; none is called on the hot
path of a model request except on an auth-cache miss.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from .schema import keys, teams, users

_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h|d|w|mo)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "mo": 30 * 86400}


def utcnow(precise: bool = False) -> datetime:
    # Naive UTC everywhere: SQLite has no time zones, and one convention avoids mixing.
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    return now if precise else now.replace(microsecond=0)


def parse_duration(text: str) -> timedelta:
    """LiteLLM's durations: ``30s``, ``15m``, ``1h``, ``30d``, ``2w``, ``1mo`` (30 days)."""
    match = _DURATION.match(str(text))
    if not match:
        raise ValueError(f"invalid duration {text!r}: use a number and s, m, h, d, w or mo, e.g. '30d'")
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


def hash_key(key: str) -> str:
    """Keys are stored only as their SHA-256 (hex), as LiteLLM stores them."""
    if key.startswith("sk-") or not re.fullmatch(r"[0-9a-f]{64}", key):
        return hashlib.sha256(key.encode()).hexdigest()
    return key


def new_key() -> str:
    return "sk-" + secrets.token_urlsafe(32)


def abbreviate(key: str) -> str:
    return f"sk-...{key[-4:]}"


BUDGET_FIELDS = ("models", "max_budget", "budget_duration", "rpm_limit", "tpm_limit", "max_parallel_requests")
KEY_FIELDS = (*BUDGET_FIELDS, "key_alias", "user_id", "team_id", "metadata", "blocked", "spend")
TEAM_FIELDS = (*BUDGET_FIELDS, "team_alias", "members_with_roles", "metadata", "blocked", "spend")
USER_FIELDS = (*BUDGET_FIELDS, "user_alias", "user_email", "user_role", "teams", "metadata", "spend")


def budget_values(body: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Columns derived from a request body's budget fields (the reset time from the duration)."""
    values: dict[str, Any] = {}
    if body.get("budget_duration"):
        values["budget_reset_at"] = now + parse_duration(body["budget_duration"])
    return values


def row_dict(row: Any) -> dict[str, Any] | None:
    return None if row is None else dict(row._mapping)


async def fetch_one(engine: AsyncEngine, table: sa.Table, column: str, value: Any) -> dict[str, Any] | None:
    async with engine.connect() as conn:
        row = (await conn.execute(sa.select(table).where(table.c[column] == value))).first()
    return row_dict(row)


async def fetch_auth(engine: AsyncEngine, token: str) -> tuple[dict | None, dict | None, dict | None]:
    """A key with its team and user, for the auth cache."""
    async with engine.connect() as conn:
        key = row_dict((await conn.execute(sa.select(keys).where(keys.c.token == token))).first())
        if key is None:
            return None, None, None
        team = user = None
        if key["team_id"]:
            team = row_dict(
                (await conn.execute(sa.select(teams).where(teams.c.team_id == key["team_id"]))).first()
            )
        if key["user_id"]:
            user = row_dict(
                (await conn.execute(sa.select(users).where(users.c.user_id == key["user_id"]))).first()
            )
    return key, team, user


async def insert(engine: AsyncEngine, table: sa.Table, values: dict[str, Any]) -> None:
    async with engine.begin() as conn:
        await conn.execute(sa.insert(table).values(**values))


async def update(
    engine: AsyncEngine, table: sa.Table, column: str, value: Any, values: dict[str, Any]
) -> int:
    async with engine.begin() as conn:
        result = await conn.execute(sa.update(table).where(table.c[column] == value).values(**values))
    return result.rowcount


async def delete(engine: AsyncEngine, table: sa.Table, column: str, values: list[Any]) -> list[Any]:
    """Delete rows whose ``column`` is in ``values``; returns the values actually deleted."""
    async with engine.begin() as conn:
        result = await conn.execute(sa.select(table.c[column]).where(table.c[column].in_(values)))
        found = list(result.scalars())
        if found:
            await conn.execute(sa.delete(table).where(table.c[column].in_(found)))
    return found


async def list_keys(
    engine: AsyncEngine, filters: dict[str, Any], page: int, size: int
) -> tuple[list[dict[str, Any]], int]:
    conds = [keys.c[name] == value for name, value in filters.items() if value is not None]
    async with engine.connect() as conn:
        total = (await conn.execute(sa.select(sa.func.count()).select_from(keys).where(*conds))).scalar_one()
        rows = await conn.execute(
            sa.select(keys)
            .where(*conds)
            .order_by(keys.c.created_at, keys.c.token)
            .offset((page - 1) * size)
            .limit(size)
        )
        return [dict(r._mapping) for r in rows], int(total)


async def keys_of(engine: AsyncEngine, column: str, value: str) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        rows = await conn.execute(sa.select(keys).where(keys.c[column] == value).order_by(keys.c.created_at))
        return [dict(r._mapping) for r in rows]


async def due_budget_resets(engine: AsyncEngine, table: sa.Table, now: datetime) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(table).where(table.c.budget_reset_at.is_not(None), table.c.budget_reset_at <= now)
        )
        return [dict(r._mapping) for r in rows]


async def reset_budget(
    engine: AsyncEngine, table: sa.Table, pk: str, row: dict[str, Any], now: datetime
) -> bool:
    """Zero one row's spend for a new period; compare-and-set so only one instance wins."""
    next_reset = now + parse_duration(row["budget_duration"]) if row.get("budget_duration") else None
    async with engine.begin() as conn:
        result = await conn.execute(
            sa.update(table)
            .where(table.c[pk] == row[pk], table.c.budget_reset_at == row["budget_reset_at"])
            .values(spend=0.0, budget_reset_at=next_reset, updated_at=now)
        )
    return result.rowcount == 1
