"""Spend logs and spend totals, written in batches by one background task.

The request path only appends a row to a list. Every ``interval`` seconds (or sooner when a
batch fills) the writer inserts the rows and adds their cost to the key, team and user in
one transaction. Rows are keyed by request id: rows already present (a retried batch whose
commit reached the database but whose answer was lost) are skipped and add nothing to the
totals, so nothing is charged twice. The insert is one statement run with many parameter
sets, not a generated multi-row statement per batch size: SQLite caches a prepared statement
per distinct text, and varying batch sizes made that cache grow to tens of MB. When the database
is unreachable the rows stay buffered and the writer retries with backoff; shutdown flushes.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from .schema import keys, model_spend, spend_logs, teams, users

log = logging.getLogger("llmrelay.proxy")

MAX_BACKOFF = 5.0


class SpendWriter:
    def __init__(
        self,
        engine: AsyncEngine,
        interval: float = 1.0,
        batch_size: int = 250,
        spill_dir: Path | None = None,
        max_buffer: int = 200_000,
    ) -> None:
        self._engine = engine
        self._interval = interval
        self._batch_size = batch_size
        self._spill = Spill(spill_dir) if spill_dir is not None else None
        self._max_buffer = max_buffer
        self._rows: list[dict[str, Any]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.failures = 0  # consecutive failed flushes (health reports it)
        self.written = 0

    def add(self, row: dict[str, Any]) -> None:
        self._rows.append(row)
        if len(self._rows) >= self._batch_size:
            self._wake.set()
            if len(self._rows) > self._max_buffer and self._spill is not None:
                # A long database outage: move the older half to disk rather than grow without bound.
                half = len(self._rows) // 2
                self._spill.write(self._rows[:half])
                del self._rows[:half]

    @property
    def pending(self) -> int:
        return len(self._rows)

    def start(self) -> None:
        if self._spill is not None:
            # Rows a previous run could not write (the database was down at shutdown).
            self._rows[:0] = self._spill.claim()
        self._task = asyncio.create_task(self._run(), name="llmrelay-spend-writer")

    async def _run(self) -> None:
        backoff = self._interval
        while not self._stopping:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=backoff)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()
            ok = await self.flush()
            backoff = self._interval if ok else min(max(backoff * 2, 0.25), MAX_BACKOFF)

    async def flush(self) -> bool:
        """Write everything buffered; on failure keep the rows for the next try."""
        if not self._rows and self._spill is not None and self._spill.has_rows():
            self._rows.extend(self._spill.take())
        while self._rows:
            batch = self._rows[: self._batch_size]
            try:
                await self._write(batch)
            except Exception as exc:  # the database is down or the connection was cut
                self.failures += 1
                if self.failures in (1, 10) or self.failures % 100 == 0:
                    log.warning(
                        "spend write failed (%s rows buffered): %s", len(self._rows), type(exc).__name__
                    )
                return False
            del self._rows[: len(batch)]
            self.written += len(batch)
            self.failures = 0
        if self._spill is not None:
            self._spill.written()  # every row read back from disk is in the database now
        return True

    async def _write(self, batch: list[dict[str, Any]]) -> None:
        insert = _insert_for(self._engine)
        stmt = insert(spend_logs).on_conflict_do_nothing(index_elements=["request_id"])
        async with self._engine.begin() as conn:
            # Rows already in the table were committed by an earlier try whose answer was lost:
            # skip them, so their cost is not added twice.
            done = await _existing_ids(conn, [r["request_id"] for r in batch])
            new = [r for r in batch if r["request_id"] not in done]
            if not new:
                return
            await conn.execute(stmt, new)
            await _add_model_spend(conn, insert, new)
            totals = _totals(new)
            for table, pk, amounts in (
                (keys, "token", totals["key"]),
                (teams, "team_id", totals["team"]),
                (users, "user_id", totals["user"]),
            ):
                if amounts:
                    await conn.execute(
                        sa.update(table)
                        .where(table.c[pk] == sa.bindparam("_id"))
                        .values(spend=table.c.spend + sa.bindparam("_amount")),
                        [{"_id": k, "_amount": v} for k, v in sorted(amounts.items())],
                    )

    async def stop(self, deadline: float = 10.0) -> None:
        """Flush what is buffered, retrying until ``deadline`` seconds have passed."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        loop = asyncio.get_running_loop()
        end = loop.time() + deadline
        while not await self.flush() and loop.time() < end:
            await asyncio.sleep(0.25)
        if self._rows and self._spill is not None:
            path = self._spill.write(self._rows)
            log.error(
                "database unreachable at shutdown: %s spend rows saved to %s for the next start",
                len(self._rows),
                path,
            )
            self._rows.clear()
        elif self._rows:
            log.error(
                "shutdown with %s spend rows unwritten: the database stayed unreachable", len(self._rows)
            )


class Spill:
    """Spend rows on disk (JSON lines) while the database cannot take them.

    Files are named by process id; a starting process claims every file by renaming it, reads
    the rows back into its buffer and deletes the file once they are all in the database. A crash
    in between leaves the claimed file for the next start: rows are idempotent, so replaying is safe.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._claimed: list[Path] = []
        self._pending: list[Path] = []

    def write(self, rows: list[dict[str, Any]]) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"spend-spill-{os.getpid()}.jsonl"
        with path.open("ab") as f:
            for row in rows:
                f.write(orjson.dumps(row, option=orjson.OPT_NAIVE_UTC) + b"\n")
            f.flush()
            os.fsync(f.fileno())
        if path not in self._pending:
            self._pending.append(path)
        return path

    def claim(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        if not self.folder.is_dir():
            return rows
        for path in sorted(self.folder.glob("spend-spill-*.jsonl")):
            claimed = path.with_name(f"claimed-{os.getpid()}-{path.name}")
            try:
                path.rename(claimed)  # atomic: two processes never claim one file
            except OSError:
                continue
            rows.extend(_read_rows(claimed))
            self._claimed.append(claimed)
        for path in sorted(self.folder.glob("claimed-*-spend-spill-*.jsonl")):
            if path not in self._claimed and not _owner_alive(path):
                rows.extend(_read_rows(path))  # claimed by a process that died before writing them
                self._claimed.append(path)
        if rows:
            log.warning("replaying %s spend rows saved while the database was unreachable", len(rows))
        return rows

    def has_rows(self) -> bool:
        return bool(self._pending)

    def take(self) -> list[dict[str, Any]]:
        """Read back this process's own spilled rows (all of one file at a time)."""
        path = self._pending.pop(0)
        claimed = path.with_name(f"claimed-{os.getpid()}-{path.name}")
        path.rename(claimed)
        self._claimed.append(claimed)
        return _read_rows(claimed)

    def written(self) -> None:
        for path in self._claimed:
            path.unlink(missing_ok=True)
        self._claimed.clear()


def _read_rows(path: Path) -> list[dict[str, Any]]:
    rows = []
    for line in path.read_bytes().splitlines():
        if line.strip():
            row = orjson.loads(line)
            for name in ("start_time", "end_time"):
                row[name] = datetime.fromisoformat(row[name]).replace(tzinfo=None)
            rows.append(row)
    return rows


def _owner_alive(path: Path) -> bool:
    pid = int(path.name.split("-", 2)[1])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# The id lookup always binds exactly this many values (padded with ""), so the database and the
# driver see one statement text and cache one prepared statement, whatever the batch size.
_ID_CHUNK = 100
_EXISTING = sa.select(spend_logs.c.request_id).where(
    spend_logs.c.request_id.in_([sa.bindparam(f"id{i}") for i in range(_ID_CHUNK)])
)


async def _existing_ids(conn: Any, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), _ID_CHUNK):
        chunk = ids[start : start + _ID_CHUNK]
        params = {f"id{i}": chunk[i] if i < len(chunk) else "" for i in range(_ID_CHUNK)}
        found.update((await conn.execute(_EXISTING, params)).scalars())
    return found


async def _add_model_spend(conn: Any, insert: Any, rows: list[dict[str, Any]]) -> None:
    per_model: dict[str, list[float]] = {}
    for row in rows:
        t = per_model.setdefault(row["model"], [0.0, 0, 0, 0])
        t[0] += row["spend"]
        t[1] += row["prompt_tokens"]
        t[2] += row["completion_tokens"]
        t[3] += 1
    stmt = insert(model_spend)
    stmt = stmt.on_conflict_do_update(
        index_elements=["model"],
        set_={
            "spend": model_spend.c.spend + stmt.excluded.spend,
            "prompt_tokens": model_spend.c.prompt_tokens + stmt.excluded.prompt_tokens,
            "completion_tokens": model_spend.c.completion_tokens + stmt.excluded.completion_tokens,
            "requests": model_spend.c.requests + stmt.excluded.requests,
        },
    )
    for model, (spend, prompt, completion, count) in sorted(per_model.items()):
        values = {
            "model": model,
            "spend": spend,
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "requests": count,
        }
        await conn.execute(stmt, values)


def _insert_for(engine: AsyncEngine) -> Any:
    from sqlalchemy.dialects import postgresql, sqlite

    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


def _totals(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    totals: dict[str, dict[str, float]] = {
        "key": defaultdict(float),
        "team": defaultdict(float),
        "user": defaultdict(float),
    }
    for row in rows:
        cost = row["spend"]
        if not cost:
            continue
        if row.get("api_key"):
            totals["key"][row["api_key"]] += cost
        if row.get("team_id"):
            totals["team"][row["team_id"]] += cost
        if row.get("user_id"):
            totals["user"][row["user_id"]] += cost
    return totals
