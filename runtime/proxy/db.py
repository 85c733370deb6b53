"""Database engine and migrations: SQLite by default, Postgres via ``DATABASE_URL``.

Start-up reads the Alembic revision with one plain query and imports Alembic only when the
schema is behind. On Postgres the upgrade runs under an advisory lock, so instances starting
together apply it once and the others wait, re-check and go on.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from .schema import HEAD_REVISION

log = logging.getLogger("llmrelay.proxy")

# Arbitrary constant naming the gateway's migration lock (pg_advisory_lock takes a bigint).
MIGRATION_LOCK_ID = 7_413_512_203


def async_url(url: str) -> str:
    """Map a user's URL (``postgresql://``, ``postgres://``, ``sqlite:///``) to an async driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
    return url


def default_sqlite_url(base: Path) -> str:
    """The embedded database: ``<base>/data/llmrelay.db``, outside any tracked file."""
    folder = base / "data"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{folder / 'llmrelay.db'}"


def create_engine(url: str, pool_size: int = 10) -> AsyncEngine:
    url = async_url(url)
    if url.startswith("sqlite"):
        engine = create_async_engine(url)
        sa.event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # pre-ping replaces connections a database restart or network cut left dead.
    return create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets readers (admin routes) run while the spend writer commits.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def is_postgres(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"


async def current_revision(conn: AsyncConnection) -> str | None:
    def read(sync_conn: sa.Connection) -> str | None:
        if not sa.inspect(sync_conn).has_table("alembic_version"):
            return None
        return sync_conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()

    return await conn.run_sync(read)


async def migrate(engine: AsyncEngine) -> bool:
    """Bring the schema to :data:`HEAD_REVISION`; returns whether anything was applied."""
    async with engine.connect() as conn:
        if await current_revision(conn) == HEAD_REVISION:
            return False
        await conn.rollback()
        pg = is_postgres(engine)
        if pg:
            await conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_ID})
            await conn.commit()
        try:
            # Another instance may have finished while we waited for the lock.
            if await current_revision(conn) == HEAD_REVISION:
                return False
            await conn.run_sync(_upgrade)
            await conn.commit()
            log.info("database schema migrated to %s", HEAD_REVISION)
            return True
        finally:
            if pg:
                await conn.rollback()
                await conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_ID})
                await conn.commit()


def _upgrade(sync_conn: sa.Connection) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.attributes["connection"] = sync_conn
    command.upgrade(cfg, "head")
