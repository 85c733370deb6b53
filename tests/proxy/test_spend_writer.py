"""The spend writer: idempotent batches, and rows kept on disk when the database is gone at shutdown."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from llmrelay.proxy import db
from llmrelay.proxy.schema import keys, spend_logs
from llmrelay.proxy.spend import SpendWriter


def row(i: int, token: str = "tok") -> dict[str, Any]:
    now = datetime(2026, 5, 1, 12, 0, i % 60)
    return {
        "request_id": f"r{i}",
        "call_type": "acompletion",
        "api_key": token,
        "spend": 0.25,
        "total_tokens": 3,
        "prompt_tokens": 1,
        "completion_tokens": 2,
        "start_time": now,
        "end_time": now,
        "model": "mock/m",
        "status": "success",
        "metadata": {"user_api_key_alias": "a"},
    }


async def _engine(path: Path) -> Any:
    engine = db.create_engine(f"sqlite:///{path}")
    await db.migrate(engine)
    async with engine.begin() as conn:
        now = datetime(2026, 5, 1)
        await conn.execute(
            sa.insert(keys).values(token="tok", spend=0.0, blocked=False, created_at=now, updated_at=now)
        )
    return engine


async def _state(engine: Any) -> tuple[int, float]:
    async with engine.connect() as conn:
        count = (await conn.execute(sa.select(sa.func.count()).select_from(spend_logs))).scalar_one()
        spend = (await conn.execute(sa.select(keys.c.spend).where(keys.c.token == "tok"))).scalar_one()
    return count, spend


async def test_replayed_rows_are_not_charged_twice(tmp_path: Path) -> None:
    engine = await _engine(tmp_path / "a.db")
    try:
        writer = SpendWriter(engine, batch_size=3)
        for i in range(5):
            writer.add(row(i))
        assert await writer.flush()
        for i in range(3, 8):  # r3 and r4 again, as after a commit whose answer was lost
            writer.add(row(i))
        assert await writer.flush()
        assert await _state(engine) == (8, pytest.approx(8 * 0.25))
    finally:
        await engine.dispose()


async def test_rows_survive_a_shutdown_without_database(tmp_path: Path) -> None:
    spill = tmp_path / "data"
    broken = db.create_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")  # cannot be opened
    writer = SpendWriter(broken, spill_dir=spill)
    writer.start()
    for i in range(10):
        writer.add(row(i))
    await writer.stop(deadline=0.5)
    await broken.dispose()
    assert writer.pending == 0 and len(list(spill.glob("spend-spill-*.jsonl"))) == 1
    engine = await _engine(tmp_path / "b.db")
    try:
        again = SpendWriter(engine, spill_dir=spill)
        again.start()  # the next start replays them
        await again.stop()
        assert await _state(engine) == (10, pytest.approx(2.5))
        assert list(spill.iterdir()) == []
    finally:
        await engine.dispose()


async def test_a_long_outage_spills_to_disk_instead_of_growing(tmp_path: Path) -> None:
    spill = tmp_path / "data"
    broken = db.create_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
    writer = SpendWriter(broken, batch_size=10, spill_dir=spill, max_buffer=40)
    for i in range(100):
        writer.add(row(i))
    assert writer.pending <= 41 and any(spill.glob("spend-spill-*.jsonl"))
    await broken.dispose()
    engine = await _engine(tmp_path / "c.db")
    try:
        writer._engine = engine  # the database is back
        assert await writer.flush()
        assert await writer.flush()
        assert await _state(engine) == (100, pytest.approx(25.0))
        assert list(spill.iterdir()) == []
    finally:
        await engine.dispose()
