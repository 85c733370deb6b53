"""``/spend/logs``: spend rows filtered by key, team, user, request id and date, or a daily summary.

As in LiteLLM, a call with only ``start_date`` and ``end_date`` returns one entry per day with the
spend per user and per model; any other filter returns the rows themselves (newest first,
``limit`` rows at most). Every query is served by an index on ``(filter column, start_time)``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .errors import ProxyError, bad_request
from .http import Request, Response, json_response
from .schema import model_spend
from .schema import spend_logs as logs
from .store import hash_key

if TYPE_CHECKING:
    from .app import Gateway

MAX_ROWS = 10_000


def parse_date(value: str, name: str, end: bool = False) -> datetime:
    """``YYYY-MM-DD`` (an end date includes that whole day) or an ISO timestamp."""
    try:
        if len(value) == 10:
            day = datetime.strptime(value, "%Y-%m-%d")
            return day + timedelta(days=1) if end else day
        return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        raise bad_request(f"'{name}' must be a date (YYYY-MM-DD) or an ISO timestamp.", name) from None


def row_view(row: dict[str, Any]) -> dict[str, Any]:
    """A spend row under LiteLLM's JSON names."""
    return {
        "request_id": row["request_id"],
        "call_type": row["call_type"],
        "api_key": row["api_key"],
        "spend": row["spend"],
        "total_tokens": row["total_tokens"],
        "prompt_tokens": row["prompt_tokens"],
        "completion_tokens": row["completion_tokens"],
        "startTime": row["start_time"],
        "endTime": row["end_time"],
        "model": row["model"],
        "model_group": row["model_group"],
        "model_id": row["model_id"],
        "custom_llm_provider": row["custom_llm_provider"],
        "api_base": row["api_base"],
        "user": row["user_id"],
        "team_id": row["team_id"],
        "end_user": row["end_user"],
        "status": row["status"],
        "metadata": row["metadata"] or {},
        "messages": row["messages"],
        "response": row["response"],
    }


def build_filters(q: dict[str, str]) -> tuple[list[Any], bool]:
    """SQL conditions from the query; the flag says whether only a date range was given."""
    conds: list[Any] = []
    if q.get("api_key"):
        conds.append(logs.c.api_key == hash_key(q["api_key"]))
    if q.get("user_id"):
        conds.append(logs.c.user_id == q["user_id"])
    if q.get("team_id"):
        conds.append(logs.c.team_id == q["team_id"])
    if q.get("request_id"):
        conds.append(logs.c.request_id == q["request_id"])
    only_dates = not conds
    if q.get("start_date"):
        conds.append(logs.c.start_time >= parse_date(q["start_date"], "start_date"))
    if q.get("end_date"):
        conds.append(logs.c.start_time < parse_date(q["end_date"], "end_date", end=True))
    return conds, only_dates and bool(q.get("start_date") and q.get("end_date"))


def rows_query(conds: list[Any], limit: int) -> sa.Select:
    return sa.select(logs).where(*conds).order_by(logs.c.start_time.desc()).limit(limit)


def summary_queries(dialect: str, conds: list[Any]) -> list[sa.Select]:
    expr: Any = (
        sa.func.date(logs.c.start_time) if dialect == "sqlite" else sa.cast(logs.c.start_time, sa.Date)
    )
    day = expr.label("day")
    total = sa.func.sum(logs.c.spend).label("spend")
    return [
        sa.select(day, logs.c.user_id, total).where(*conds).group_by(day, logs.c.user_id),
        sa.select(day, logs.c.model, total).where(*conds).group_by(day, logs.c.model),
    ]


async def spend_logs(gw: Gateway, request: Request) -> Response:
    caller = await gw.auth.authenticate(request.api_key())
    q = dict(request.query)
    if not caller.is_admin:
        # A plain key sees only its own rows, whatever it asks for.
        if q.get("api_key") and hash_key(q["api_key"]) != caller.token:
            raise ProxyError(403, "A key may only read its own spend logs.", "permission_error", "403")
        q["api_key"] = caller.token or ""
    conds, only_dates = build_filters(q)
    summarize = q.get("summarize", "true").lower() != "false"
    async with gw.engine.connect() as conn:
        if only_dates and summarize:
            return json_response(await _summary(conn, gw.engine.dialect.name, conds))
        limit = min(int(q.get("limit") or 1000), MAX_ROWS) if str(q.get("limit", "1")).isdigit() else 1000
        rows = await conn.execute(rows_query(conds, limit))
        return json_response([row_view(dict(r._mapping)) for r in rows])


async def _summary(conn: Any, dialect: str, conds: list[Any]) -> list[dict[str, Any]]:
    by_user, by_model = summary_queries(dialect, conds)
    days: dict[str, dict[str, Any]] = defaultdict(lambda: {"spend": 0.0, "users": {}, "models": {}})
    for day, user, spend in await conn.execute(by_user):
        entry = days[str(day)]
        entry["spend"] += spend or 0.0
        entry["users"][user or "unknown"] = spend
    for day, model, spend in await conn.execute(by_model):
        days[str(day)]["models"][model] = spend
    return [{"startTime": day, **days[day]} for day in sorted(days)]


async def global_spend_models(gw: Gateway, request: Request) -> Response:
    """LiteLLM's ``/global/spend/models``: total spend per model, highest first (admin only)."""
    from .admin import require_admin

    require_admin(await gw.auth.authenticate(request.api_key()))
    raw = request.query.get("limit") or "10"
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise bad_request("'limit' must be an integer between 1 and 1000.", "limit")
    query = sa.select(model_spend).order_by(model_spend.c.spend.desc()).limit(int(raw))
    async with gw.engine.connect() as conn:
        rows = [dict(r._mapping) for r in await conn.execute(query)]
    return json_response(
        [
            {
                "model": r["model"],
                "total_spend": r["spend"],
                "prompt_tokens": r["prompt_tokens"],
                "completion_tokens": r["completion_tokens"],
                "requests": r["requests"],
            }
            for r in rows
        ]
    )
