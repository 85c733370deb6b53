"""``POST /v1/responses``: the Responses API through ``llmrelay.aresponses``, bound to the caller.

The route runs the same path as chat (auth, model access, admit, SDK call, spend row) and adds
one rule from DESIGN.md: a response ID is bound to whoever created it, so another team's key
cannot continue it. Every response ID the gateway returns is recorded with its owner (the
caller's team, else its key, else the master key): in this process at once, in Redis (when
configured) before the client sees it, and in the database by a batched background writer. A
``previous_response_id`` whose owner is not the caller gets the same 404 as an unknown ID.

Streams are sent as OpenAI sends them, ``event: <type>`` + ``data: <json>``; a client that
hangs up cancels the upstream call and is charged for what was streamed (the tokens of the
input and of the deltas sent, counted when the stream did not reach its final usage).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import orjson
import sqlalchemy as sa

from . import llm
from .auth import Caller
from .errors import ProxyError, bad_request, describe
from .http import Request, Response, wait_disconnect
from .schema import response_owners
from .store import utcnow

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from .app import Gateway

log = logging.getLogger("llmrelay.proxy")

LOCAL_SIZE = 100_000  # owners kept in this process (least recently used dropped; Redis/DB answer)
RETENTION = 30 * 24 * 3600  # seconds; OpenAI keeps a stored response for 30 days
REDIS_TTL = RETENTION
PRUNE_EVERY = 3600.0  # seconds between passes deleting owners older than RETENTION
PRUNE_BATCH = 200  # rows per delete statement, so a pass never holds a long lock
MAX_BACKOFF = 5.0
FINAL_EVENTS = frozenset({"response.completed", "response.incomplete", "response.failed"})


# --- who owns a response ID --------------------------------------------------------------------


def owner_of(caller: Caller) -> str:
    """Responses are shared within a team; a key without a team owns its own."""
    if caller.team_id:
        return f"team:{caller.team_id}"
    if caller.token:
        return f"key:{caller.token}"
    return "master"


def id_hash(response_id: str) -> str:
    return hashlib.sha256(response_id.encode()).hexdigest()


class ResponseOwners:
    """Response ID -> owner: a local LRU, Redis with a TTL when configured, and the database.

    ``record`` is one Redis write at most (awaited, so another instance can check the ID as soon
    as the client has it); the database rows are written in batches off the request path.
    ``owner`` asks the local map, then Redis, then the database (one primary-key read, only for
    requests that continue a response this process has not seen).
    """

    def __init__(
        self,
        engine: AsyncEngine | None,
        redis: Any = None,
        prefix: str = "llmrelay:",
        interval: float = 1.0,
        local_size: int = LOCAL_SIZE,
    ) -> None:
        self._engine = engine
        self._redis = redis
        self._prefix = f"{prefix}resp:"
        self._interval = interval
        self._local: OrderedDict[str, str] = OrderedDict()
        self._local_size = local_size
        self._rows: list[dict[str, Any]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def record(self, response_id: str, owner: str) -> None:
        digest = id_hash(response_id)
        if self._local.get(digest) == owner:
            return
        self._remember(digest, owner)
        self._rows.append({"response_hash": digest, "owner": owner, "created_at": utcnow()})
        if self._redis is not None:
            try:
                await self._redis.set(self._prefix + digest, owner, ex=REDIS_TTL, nx=True)
            except Exception as exc:  # the database row still lands; other instances read it there
                log.warning("could not record a response owner in Redis: %s", type(exc).__name__)

    async def owner(self, response_id: str) -> str | None:
        digest = id_hash(response_id)
        found = self._local.get(digest)
        if found is not None:
            self._local.move_to_end(digest)
            return found
        if self._redis is not None:
            try:
                value = await self._redis.get(self._prefix + digest)
            except Exception as exc:
                log.warning("response owner lookup in Redis failed: %s", type(exc).__name__)
            else:
                if value is not None:
                    found = value.decode() if isinstance(value, bytes) else str(value)
        if found is None and self._engine is not None:
            found = await self._read(digest)
        if found is not None:
            self._remember(digest, found)
        return found

    async def refusal_lookups(self, response_id: str) -> None:
        """The lookups an unknown ID costs (Redis, then the database), made for a refused known ID
        too, so the time a refusal takes does not tell another team that the ID exists."""
        digest = id_hash(response_id)
        if self._redis is not None:
            try:
                await self._redis.get(self._prefix + digest)
            except Exception:
                pass
        if self._engine is not None:
            await self._read(digest)

    def _remember(self, digest: str, owner: str) -> None:
        self._local[digest] = owner
        self._local.move_to_end(digest)
        while len(self._local) > self._local_size:
            self._local.popitem(last=False)

    async def _read(self, digest: str) -> str | None:
        query = owner_query(digest)
        try:
            async with self._engine.connect() as conn:  # type: ignore[union-attr]
                return (await conn.execute(query)).scalar()
        except Exception as exc:
            log.warning("response owner lookup failed: %s", type(exc).__name__)
            raise ProxyError(
                503, "The response store is unavailable; try again shortly.", "service_unavailable"
            ) from exc

    # -- the batched writer --------------------------------------------------------------------
    @property
    def pending(self) -> int:
        return len(self._rows)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="llmrelay-response-owners")

    async def _run(self) -> None:
        backoff = self._interval
        next_prune = time.monotonic() + 60.0  # not during start-up
        while not self._stopping:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=backoff)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()
            ok = await self.flush()
            backoff = self._interval if ok else min(max(backoff * 2, 0.25), MAX_BACKOFF)
            if ok and time.monotonic() >= next_prune:
                next_prune = time.monotonic() + PRUNE_EVERY
                try:
                    await self.prune(utcnow() - timedelta(seconds=RETENTION))
                except Exception as exc:
                    log.warning("response owner retention pass failed: %s", type(exc).__name__)

    async def prune(self, cutoff: datetime) -> int:
        """Delete owners recorded before ``cutoff``, in batches; returns how many went."""
        if self._engine is None:
            return 0
        total = 0
        while True:
            async with self._engine.begin() as conn:
                hashes = list((await conn.execute(prune_candidates(cutoff))).scalars())
                if hashes:
                    await conn.execute(prune_delete(hashes))
            total += len(hashes)
            if len(hashes) < PRUNE_BATCH or self._stopping:
                return total

    async def flush(self) -> bool:
        """Write the buffered owners; on failure keep them for the next try (idempotent by hash)."""
        if not self._rows or self._engine is None:
            return True
        from .spend import _insert_for

        batch = self._rows[:500]
        stmt = _insert_for(self._engine)(response_owners).on_conflict_do_nothing(
            index_elements=["response_hash"]
        )
        try:
            async with self._engine.begin() as conn:
                await conn.execute(stmt, batch)
        except Exception as exc:
            log.warning("response owner write failed (%s buffered): %s", len(self._rows), type(exc).__name__)
            return False
        del self._rows[: len(batch)]
        if self._rows:
            self._wake.set()
        return True

    async def stop(self, deadline: float = 5.0) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        loop = asyncio.get_running_loop()
        end = loop.time() + deadline
        while self._rows and loop.time() < end:
            if not await self.flush():
                await asyncio.sleep(0.25)
        if self._rows:
            # Fails closed: those IDs cannot be continued from another process after a restart.
            log.error("shutdown with %s response owners unwritten", len(self._rows))


def owner_query(digest: str) -> sa.Select:
    return sa.select(response_owners.c.owner).where(response_owners.c.response_hash == digest)


def prune_candidates(cutoff: datetime) -> sa.Select:
    """One batch of the retention pass: the oldest owners (by the created_at index)."""
    return (
        sa.select(response_owners.c.response_hash)
        .where(response_owners.c.created_at < cutoff)
        .order_by(response_owners.c.created_at)
        .limit(PRUNE_BATCH)
    )


def prune_delete(hashes: list[str]) -> sa.Delete:
    """Delete by primary key (DELETE has no LIMIT on Postgres, and a sub-select joins by hash)."""
    return sa.delete(response_owners).where(response_owners.c.response_hash.in_(hashes))


# --- the route ---------------------------------------------------------------------------------


def _not_found(response_id: str) -> ProxyError:
    """OpenAI's answer for a previous_response_id it does not hold; the same for another team's."""
    return ProxyError(
        404,
        f"Previous response with id '{response_id}' not found.",
        "invalid_request_error",
        "previous_response_not_found",
        "previous_response_id",
    )


async def _pre_check(gw: Gateway, caller: Caller, body: dict[str, Any]) -> None:
    previous = body.get("previous_response_id")
    if previous is not None and (not isinstance(previous, str) or not previous):
        raise bad_request(
            f"'previous_response_id' must be a non-empty string, got {describe(previous)}.",
            "previous_response_id",
        )


async def check_previous(gw: Gateway, caller: Caller, body: dict[str, Any]) -> None:
    """Refuse a previous_response_id the caller does not own (same answer as an unknown ID)."""
    previous = body.get("previous_response_id")
    if previous is None:
        return
    found = await gw.response_owners.owner(previous)
    if found != owner_of(caller):
        if found is not None:
            await gw.response_owners.refusal_lookups(previous)
        raise _not_found(previous)


async def create_response(gw: Gateway, request: Request) -> Response | None:
    """Create a model response (OpenAI's Responses API), streamed as typed SSE events on request."""
    call = await llm.admit(gw, request, "aresponses", "input", _pre_check)
    # After admission on purpose: an ID the memory and Redis do not know costs a database read, so
    # the caller's rate limits bound how many it can make. A refusal is charged nothing.
    try:
        await check_previous(gw, call.caller, call.body)
    except BaseException:
        await llm.finish(gw, call, None, 0.0, status=None)
        raise
    owner = owner_of(call.caller)

    async def record(result: Any) -> None:
        if getattr(result, "id", None):
            await gw.response_owners.record(result.id, owner)

    if call.body.get("stream"):
        await _stream(gw, request, call, owner)  # answers through request.send itself
        return None
    return await llm._complete(gw, request, call, "aresponses", record)


# --- streaming ---------------------------------------------------------------------------------


class StreamTally:
    """What a Responses stream has sent: response IDs, text deltas, and its final response."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.deltas: list[str] = []
        self.final: Any = None

    def new_id(self, event: Any) -> str | None:
        """The response ID this event carries, when not seen before (it is recorded before sending)."""
        response = getattr(event, "response", None)
        rid = getattr(response, "id", None)
        if not rid or rid in self.ids:
            return None
        self.ids.add(rid)
        return rid

    def see(self, event: Any) -> None:
        if event.type in FINAL_EVENTS and getattr(event, "response", None) is not None:
            self.final = event.response
        delta = getattr(event, "delta", None)
        if isinstance(delta, str):  # text, refusal, reasoning and tool-argument deltas
            self.deltas.append(delta)


async def _stream(gw: Gateway, request: Request, call: llm.Call, owner: str) -> None:
    kwargs = llm.sdk_kwargs(gw, call, ("model",))
    try:
        stream = await llm.sdk_function(gw, "aresponses")(**kwargs)
        # Pull the first event before answering, so an upstream error is still an HTTP error.
        first = await stream.__anext__()
    except StopAsyncIteration:
        first = None
    except Exception as exc:
        await llm.finish(gw, call, None, 0.0, status=None, error=exc)
        raise llm._as_proxy_error(exc) from None
    llm.note_deployment(gw, call, stream)
    llm._open_streams.add(stream)
    try:
        await _pump(gw, request, call, stream, first, owner)
    finally:
        llm._open_streams.discard(stream)


async def _pump(gw: Gateway, request: Request, call: llm.Call, stream: Any, first: Any, owner: str) -> None:
    send = request.send
    headers = [
        (b"content-type", b"text/event-stream"),
        (b"cache-control", b"no-cache"),
        (b"x-accel-buffering", b"no"),
        *llm.call_headers(call, None),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    tally = StreamTally()
    task = asyncio.ensure_future(_forward(gw, send, stream, first, tally, owner))
    watcher = asyncio.ensure_future(wait_disconnect(request.receive))
    try:
        await asyncio.wait((task, watcher), return_when=asyncio.FIRST_COMPLETED)
    finally:
        watcher.cancel()
        if not task.done():
            task.cancel()  # the client left: stop reading from the upstream
        await asyncio.gather(task, return_exceptions=True)
        await stream.aclose()  # releases the upstream connection
        complete = task.done() and not task.cancelled() and task.exception() is None
        usage, cost = _charge(call, tally)
        keep = complete and tally.final is not None and gw.cfg.store_prompts
        stored = tally.final.model_dump(mode="json", exclude_none=True) if keep else None
        await llm.finish(gw, call, usage, cost, "success" if complete else "partial", stored)


async def _forward(gw: Gateway, send: Any, stream: Any, first: Any, tally: StreamTally, owner: str) -> None:
    try:
        if first is not None:
            await _send_event(gw, send, first, tally, owner)
            async for event in stream:
                await _send_event(gw, send, event, tally, owner)
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        # Headers are gone already: report the error as an SSE error event, as OpenAI does.
        err = llm._as_proxy_error(exc)
        data = {"type": "error", "code": err.code, "message": err.message, "param": err.param}
        payload = b"event: error\ndata: " + orjson.dumps(data) + b"\n\n"
        await send({"type": "http.response.body", "body": payload, "more_body": False})
        raise


async def _send_event(gw: Gateway, send: Any, event: Any, tally: StreamTally, owner: str) -> None:
    rid = tally.new_id(event)
    if rid is not None:
        await gw.response_owners.record(rid, owner)
    tally.see(event)
    data = event.model_dump_json(exclude_none=True).encode()
    body = b"event: " + event.type.encode() + b"\ndata: " + data + b"\n\n"
    await send({"type": "http.response.body", "body": body, "more_body": True})


def _charge(call: llm.Call, tally: StreamTally) -> tuple[Any, float]:
    """Usage and cost of a stream: the final response's when it came, else counted from what was sent."""
    final = tally.final
    if final is not None and getattr(final, "usage", None) is not None:
        cost = (getattr(final, "_hidden_params", None) or {}).get("response_cost")
        if cost is None:
            cost = _price(call, final.usage.input_tokens, final.usage.output_tokens)
        return final.usage, float(cost or 0.0)
    from llmrelay.responses_types import ResponseAPIUsage

    prompt, completion = _count_tokens(call, tally)
    usage = ResponseAPIUsage(input_tokens=prompt, output_tokens=completion, total_tokens=prompt + completion)
    return usage, _price(call, prompt, completion)


def _count_tokens(call: llm.Call, tally: StreamTally) -> tuple[int, int]:
    import llmrelay

    model = call.deployment.model
    text = [_input_text(call.body.get("instructions")), _input_text(call.body.get("input"))]
    prompt = llmrelay.token_counter(model=model, text="\n".join(t for t in text if t))
    completion = (
        llmrelay.token_counter(model=model, text="".join(tally.deltas), count_response_tokens=True)
        if tally.deltas
        else 0
    )
    return int(prompt), int(completion)


def _input_text(value: Any) -> str:
    """The text of a Responses input (a string, or items whose content holds text parts)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(_input_text(v) for v in value)
    if isinstance(value, dict):
        parts = [value.get(k) for k in ("text", "content", "arguments", "output")]
        return "\n".join(_input_text(p) for p in parts if p)
    return ""


def _price(call: llm.Call, prompt: int, completion: int) -> float:
    import llmrelay
    from llmrelay.cost import PRICE_KEYS

    overrides = {k: v for k, v in call.deployment.params.items() if k in PRICE_KEYS}
    overrides.update({k: v for k, v in call.deployment.model_info.items() if k in PRICE_KEYS})
    try:
        return float(sum(llmrelay.cost_per_token(call.deployment.model, prompt, completion, **overrides)))
    except Exception as exc:  # a model with no known price: the tokens still count
        log.warning("could not price a cut-short stream: %s", type(exc).__name__)
        return 0.0
