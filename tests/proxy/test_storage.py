"""Migrations (SQLite and the real Postgres) and the query plans of the spend and key endpoints."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from llmrelay.proxy import db, responses, spendroutes, store
from llmrelay.proxy.schema import HEAD_REVISION, keys, metadata, spend_logs


async def _schema_diff(engine: Any) -> list[Any]:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    def diff(sync_conn: sa.Connection) -> list[Any]:
        return compare_metadata(MigrationContext.configure(sync_conn), metadata)

    async with engine.connect() as conn:
        return await conn.run_sync(diff)


async def test_sqlite_migrates_once_and_matches_the_schema(tmp_path) -> None:
    engine = db.create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        assert await db.migrate(engine) is True
        assert await db.migrate(engine) is False
        async with engine.connect() as conn:
            assert await db.current_revision(conn) == HEAD_REVISION
        assert await _schema_diff(engine) == []
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_postgres_migrations_apply_on_an_empty_database_under_a_lock(fresh_pg_url: str) -> None:
    engines = [db.create_engine(fresh_pg_url, pool_size=1) for _ in range(4)]
    try:
        # Four instances starting together: exactly one applies the migration, none fails.
        applied = await asyncio.gather(*(db.migrate(e) for e in engines))
        assert sorted(applied) == [False, False, False, True]
        async with engines[0].connect() as conn:
            assert await db.current_revision(conn) == HEAD_REVISION
            tables = await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
        assert {t.name for t in metadata.sorted_tables} <= tables
        assert await _schema_diff(engines[0]) == []
    finally:
        for e in engines:
            await e.dispose()


# --- query plans with 100,000 spend rows -----------------------------------------------------------

SEED_SQL = [
    """
    INSERT INTO llmrelay_spend_logs (request_id, call_type, api_key, spend, total_tokens, prompt_tokens,
        completion_tokens, start_time, end_time, model, model_group, user_id, team_id, status)
    SELECT 'req-' || g, 'acompletion', md5('key' || (g % 200)), 0.001, 30, 10, 20,
           timestamp '2026-01-01' + (g * interval '86 seconds'),
           timestamp '2026-01-01' + (g * interval '86 seconds') + interval '1 second',
           'mock/m' || (g % 5), 'm' || (g % 5), 'user' || (g % 300), 'team' || (g % 100), 'success'
    FROM generate_series(1, 100000) AS g
    """,
    """
    INSERT INTO llmrelay_verification_token (token, key_name, key_alias, user_id, team_id, spend, blocked,
        created_at, updated_at)
    SELECT md5('key' || g), 'sk-...' || g, 'alias' || g, 'user' || (g % 300), 'team' || (g % 100), 0, false,
           timestamp '2026-01-01' + g * interval '1 second', timestamp '2026-01-01'
    FROM generate_series(1, 20000) AS g
    """,
    """
    INSERT INTO llmrelay_response_owners (response_hash, owner, created_at)
    SELECT md5('resp' || g) || md5('r' || g), 'team:team' || (g % 100),
           timestamp '2026-01-01' + g * interval '26 seconds'
    FROM generate_series(1, 100000) AS g
    """,
    "ANALYZE",
]


def _node_types(plan: Any) -> list[str]:
    found = [plan["Node Type"]] if isinstance(plan, dict) and "Node Type" in plan else []
    if isinstance(plan, dict):
        for value in plan.values():
            if isinstance(value, list | dict):
                found += _node_types(value)
    elif isinstance(plan, list):
        for item in plan:
            found += _node_types(item)
    return found


async def _plan(conn: Any, stmt: Any) -> list[str]:
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = tuple(compiled.params[name] for name in compiled.positiontup)
    result = await conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(compiled), params)
    return _node_types(result.scalar())


def _endpoint_queries() -> dict[str, Any]:
    day = {"start_date": "2026-02-01", "end_date": "2026-02-01"}
    one_key = store.hash_key("sk-x")  # any key: the plan is the same
    filters = {
        "by key": {"api_key": one_key, **day},
        "by key, no dates": {"api_key": one_key},
        "by team": {"team_id": "team7", **day},
        "by user": {"user_id": "user7", **day},
        "by request id": {"request_id": "req-5"},
        "date range rows": day,
    }
    queries: dict[str, Any] = {}
    for name, q in filters.items():
        conds, _ = spendroutes.build_filters(q)
        queries[name] = spendroutes.rows_query(conds, 1000)
    conds, only_dates = spendroutes.build_filters(day)
    assert only_dates
    for i, stmt in enumerate(spendroutes.summary_queries("postgresql", conds)):
        queries[f"daily summary {i}"] = stmt
    queries["key by token"] = sa.select(keys).where(keys.c.token == one_key)
    for column in ("team_id", "user_id", "key_alias"):
        queries[f"keys by {column}"] = (
            sa.select(keys)
            .where(keys.c[column] == "team7")
            .order_by(keys.c.created_at, keys.c.token)
            .limit(10)
        )
    queries["budget resets due"] = sa.select(keys).where(
        keys.c.budget_reset_at.is_not(None), keys.c.budget_reset_at <= datetime(2026, 6, 1)
    )
    queries["response owner by id"] = responses.owner_query(responses.id_hash("resp_x"))
    # The retention pass: a batch of the oldest, then a delete of that batch by primary key.
    queries["response owners to prune"] = responses.prune_candidates(datetime(2026, 1, 2))
    batch = [f"{i:064x}" for i in range(responses.PRUNE_BATCH)]
    queries["response owners pruned"] = responses.prune_delete(batch)
    return queries


@pytest.mark.postgres
async def test_endpoint_queries_use_indexes_on_100k_spend_rows(fresh_pg_url: str) -> None:
    engine = db.create_engine(fresh_pg_url)
    try:
        await db.migrate(engine)
        async with engine.begin() as conn:
            for sql in SEED_SQL[:-1]:
                await conn.exec_driver_sql(sql)
        async with engine.connect() as conn:
            await conn.exec_driver_sql("COMMIT")
            await conn.exec_driver_sql(SEED_SQL[-1])
        async with engine.connect() as conn:
            count = (await conn.execute(sa.select(sa.func.count()).select_from(spend_logs))).scalar_one()
            assert count == 100_000
            plans = {name: await _plan(conn, stmt) for name, stmt in _endpoint_queries().items()}
        scans = {name: nodes for name, nodes in plans.items() if "Seq Scan" in nodes}
        assert scans == {}, f"sequential scans: {scans}"
        assert all(any("Index" in n for n in nodes) for nodes in plans.values()), plans
    finally:
        await engine.dispose()


async def test_sqlite_summary_groups_by_day(tmp_path) -> None:
    engine = db.create_engine(f"sqlite:///{tmp_path / 's.db'}")
    try:
        await db.migrate(engine)
        start = datetime(2026, 3, 1, 23, 0)
        rows = [
            {
                "request_id": f"r{i}",
                "call_type": "acompletion",
                "api_key": "k",
                "spend": 0.5,
                "total_tokens": 3,
                "prompt_tokens": 1,
                "completion_tokens": 2,
                "start_time": start + timedelta(hours=i),
                "end_time": start + timedelta(hours=i),
                "model": f"mock/{i % 2}",
                "user_id": "u",
                "status": "success",
            }
            for i in range(3)
        ]
        async with engine.begin() as conn:
            await conn.execute(sa.insert(spend_logs), rows)
        conds, _ = spendroutes.build_filters({"start_date": "2026-03-01", "end_date": "2026-03-02"})
        async with engine.connect() as conn:
            summary = await spendroutes._summary(conn, "sqlite", conds)
        assert summary == [
            {"startTime": "2026-03-01", "spend": 0.5, "users": {"u": 0.5}, "models": {"mock/0": 0.5}},
            {
                "startTime": "2026-03-02",
                "spend": 1.0,
                "users": {"u": 1.0},
                "models": {"mock/0": 0.5, "mock/1": 0.5},
            },
        ]
    finally:
        await engine.dispose()


async def test_upgrade_from_the_first_revision_keeps_and_totals_old_spend(tmp_path) -> None:
    """A database made by 0001 is brought to head on start, and 0002 totals its old rows."""
    from alembic import command
    from alembic.config import Config

    engine = db.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:

        def to_first(sync_conn: sa.Connection) -> None:
            cfg = Config()
            cfg.set_main_option("script_location", str(Path(db.__file__).parent / "migrations"))
            cfg.attributes["connection"] = sync_conn
            command.upgrade(cfg, "0001_initial")

        async with engine.begin() as conn:
            await conn.run_sync(to_first)
            now = datetime(2026, 4, 1)
            row = {
                "call_type": "acompletion",
                "api_key": "k",
                "total_tokens": 3,
                "prompt_tokens": 1,
                "completion_tokens": 2,
                "start_time": now,
                "end_time": now,
                "status": "success",
            }
            await conn.execute(
                sa.insert(spend_logs),
                [
                    {**row, "request_id": "a", "spend": 1.0, "model": "m1"},
                    {**row, "request_id": "b", "spend": 2.0, "model": "m1"},
                ],
            )
        assert await db.migrate(engine) is True
        async with engine.connect() as conn:
            assert await db.current_revision(conn) == HEAD_REVISION
            totals = (
                await conn.execute(sa.text("SELECT model, spend, requests FROM llmrelay_model_spend"))
            ).all()
        assert [tuple(t) for t in totals] == [("m1", 3.0, 2)]
    finally:
        await engine.dispose()
