"""Budgets and RPM / TPM / parallel-request limits, in-process or shared through Redis.

A request names a list of :class:`Scope` (its key, team, user and model). ``acquire`` checks
every scope and, only if all pass, counts the request against all of them in one atomic step:
a plain function with no ``await`` in one process, one Lua script in Redis across processes.

- RPM is a sliding 60-second window (a log of request times), so a limit holds exactly, even
  across a minute boundary.
- TPM counts the actual tokens of finished calls in the current minute; a call is admitted
  while the minute's total is below the limit, so one in-flight call may overshoot.
- Spend is checked before the call and added after it; concurrent in-flight calls may
  together overshoot ``max_budget`` by at most their own cost.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

WINDOW_MS = 60_000


@dataclass(slots=True)
class Scope:
    name: str  # e.g. "key:<hash>", "team:<id>", "user:<id>", "model:<name>"
    rpm: int | None = None
    tpm: int | None = None
    parallel: int | None = None
    max_budget: float | None = None


@dataclass(slots=True)
class Verdict:
    ok: bool
    reason: str = ""  # "rpm" | "tpm" | "parallel" | "budget"
    scope: str = ""
    retry_after: float = 0.0
    spend: float = 0.0
    # For the x-ratelimit-* headers: the first scope (key, team, user, model order) with each limit.
    limit_requests: int | None = None
    remaining_requests: int | None = None
    limit_tokens: int | None = None
    remaining_tokens: int | None = None


def _minute(now_ms: int) -> int:
    return now_ms // 60_000


class LocalLimiter:
    """Counters in this process. Without awaits, acquire is atomic on the event loop."""

    def __init__(self) -> None:
        self._requests: dict[str, deque[int]] = {}
        self._tokens: dict[str, tuple[int, int]] = {}  # scope -> (minute, tokens)
        self._parallel: dict[str, int] = {}
        self._spend: dict[str, float] = {}

    async def acquire(self, scopes: list[Scope], request_id: str) -> Verdict:
        now = int(time.time() * 1000)
        for s in scopes:
            verdict = self._check(s, now)
            if verdict is not None:
                return verdict
        for s in scopes:
            if s.rpm is not None:
                self._requests.setdefault(s.name, deque()).append(now)
            if s.parallel is not None:
                self._parallel[s.name] = self._parallel.get(s.name, 0) + 1
        return self._remaining(scopes, now)

    def _check(self, s: Scope, now: int) -> Verdict | None:
        if s.max_budget is not None:
            spend = self._spend.get(s.name, 0.0)
            if spend >= s.max_budget:
                return Verdict(False, "budget", s.name, spend=spend)
        if s.rpm is not None:
            log = self._requests.get(s.name)
            if log:
                while log and log[0] <= now - WINDOW_MS:
                    log.popleft()
            if log is not None and len(log) >= s.rpm:
                retry = (log[0] + WINDOW_MS - now) / 1000 if log else 60.0
                return Verdict(False, "rpm", s.name, retry_after=max(retry, 0.001))
        if s.tpm is not None:
            minute, used = self._tokens.get(s.name, (0, 0))
            if minute == _minute(now) and used >= s.tpm:
                return Verdict(False, "tpm", s.name, retry_after=(60_000 - now % 60_000) / 1000)
        if s.parallel is not None and self._parallel.get(s.name, 0) >= s.parallel:
            return Verdict(False, "parallel", s.name, retry_after=1.0)
        return None

    def _remaining(self, scopes: list[Scope], now: int) -> Verdict:
        verdict = Verdict(True)
        s = next((s for s in scopes if s.rpm is not None), None)
        if s is not None and s.rpm is not None:
            verdict.limit_requests = s.rpm
            verdict.remaining_requests = max(s.rpm - len(self._requests.get(s.name, ())), 0)
        s = next((s for s in scopes if s.tpm is not None), None)
        if s is not None and s.tpm is not None:
            minute, used = self._tokens.get(s.name, (0, 0))
            verdict.limit_tokens = s.tpm
            verdict.remaining_tokens = max(s.tpm - (used if minute == _minute(now) else 0), 0)
        return verdict

    async def release(self, scopes: list[Scope], tokens: int, cost: float) -> None:
        minute = _minute(int(time.time() * 1000))
        for s in scopes:
            if s.parallel is not None:
                self._parallel[s.name] = max(self._parallel.get(s.name, 0) - 1, 0)
            if s.tpm is not None and tokens:
                m, used = self._tokens.get(s.name, (minute, 0))
                self._tokens[s.name] = (minute, (used if m == minute else 0) + tokens)
            if cost:
                self._spend[s.name] = self._spend.get(s.name, 0.0) + cost

    async def seed_spend(self, spends: dict[str, float]) -> None:
        """Spend read from the database; local unflushed spend may be ahead of it, so keep the larger."""
        for name, value in spends.items():
            self._spend[name] = max(self._spend.get(name, 0.0), float(value or 0.0))

    async def set_spend(self, name: str, value: float) -> None:
        self._spend[name] = value

    async def get_spend(self, name: str) -> float | None:
        return self._spend.get(name)

    async def close(self) -> None:
        return None


# KEYS: per scope 4 keys (requests zset, tokens-this-minute, parallel, spend).
# ARGV: now_ms, window_ms, member, then per scope: rpm, tpm, parallel, budget (-1 = none).
_ACQUIRE = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local member = ARGV[3]
local n = #KEYS / 4
for i = 0, n - 1 do
  local rk, tk, pk, sk = KEYS[i*4+1], KEYS[i*4+2], KEYS[i*4+3], KEYS[i*4+4]
  local rpm, tpm = tonumber(ARGV[4+i*4]), tonumber(ARGV[5+i*4])
  local par, budget = tonumber(ARGV[6+i*4]), tonumber(ARGV[7+i*4])
  if budget >= 0 then
    local spend = tonumber(redis.call('GET', sk) or '0')
    if spend >= budget then return {'budget', i, '0', tostring(spend)} end
  end
  if rpm >= 0 then
    redis.call('ZREMRANGEBYSCORE', rk, '-inf', now - window)
    if redis.call('ZCARD', rk) >= rpm then
      local oldest = redis.call('ZRANGE', rk, 0, 0, 'WITHSCORES')
      local retry = window
      if oldest[2] then retry = tonumber(oldest[2]) + window - now end
      return {'rpm', i, tostring(retry), '0'}
    end
  end
  if tpm >= 0 and tonumber(redis.call('GET', tk) or '0') >= tpm then
    return {'tpm', i, tostring(60000 - now % 60000), '0'}
  end
  if par >= 0 and tonumber(redis.call('GET', pk) or '0') >= par then
    return {'parallel', i, '1000', '0'}
  end
end
local rem_req, rem_tok = -1, -1
for i = 0, n - 1 do
  local rk, tk, pk = KEYS[i*4+1], KEYS[i*4+2], KEYS[i*4+3]
  local rpm, tpm, par = tonumber(ARGV[4+i*4]), tonumber(ARGV[5+i*4]), tonumber(ARGV[6+i*4])
  if rpm >= 0 then
    redis.call('ZADD', rk, now, member)
    redis.call('PEXPIRE', rk, window)
    if rem_req < 0 then rem_req = math.max(rpm - redis.call('ZCARD', rk), 0) end
  end
  if tpm >= 0 and rem_tok < 0 then rem_tok = math.max(tpm - tonumber(redis.call('GET', tk) or '0'), 0) end
  if par >= 0 then
    redis.call('INCR', pk)
    redis.call('PEXPIRE', pk, 600000)
  end
end
return {'ok', -1, tostring(rem_req), tostring(rem_tok)}
"""

# KEYS: per scope (tokens-this-minute, parallel, spend). ARGV: tokens, cost, then per scope: tpm?, par?, budget?
_RELEASE = """
local tokens, cost = tonumber(ARGV[1]), tonumber(ARGV[2])
local n = #KEYS / 3
for i = 0, n - 1 do
  local tk, pk, sk = KEYS[i*3+1], KEYS[i*3+2], KEYS[i*3+3]
  if ARGV[3+i*3] == '1' and tokens > 0 then
    redis.call('INCRBY', tk, tokens)
    redis.call('EXPIRE', tk, 120)
  end
  if ARGV[4+i*3] == '1' and tonumber(redis.call('GET', pk) or '0') > 0 then redis.call('DECR', pk) end
  if ARGV[5+i*3] == '1' and cost > 0 then redis.call('INCRBYFLOAT', sk, cost) end
end
return 1
"""


class RedisLimiter:
    """The same counters in Redis, shared by every gateway process; each step is one Lua call."""

    def __init__(self, client: Any, prefix: str) -> None:
        self._redis = client
        self._prefix = prefix
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)

    def _keys(self, name: str, minute: int) -> tuple[str, str, str, str]:
        p = self._prefix
        return (f"{p}rpm:{name}", f"{p}tpm:{name}:{minute}", f"{p}par:{name}", f"{p}spend:{name}")

    async def acquire(self, scopes: list[Scope], request_id: str) -> Verdict:
        now = int(time.time() * 1000)
        minute = _minute(now)
        keys: list[str] = []
        args: list[Any] = [now, WINDOW_MS, request_id]
        for s in scopes:
            keys.extend(self._keys(s.name, minute))
            args.extend((_num(s.rpm), _num(s.tpm), _num(s.parallel), _num(s.max_budget)))
        if not keys:
            return Verdict(True)
        reason, index, a, b = await self._acquire(keys=keys, args=args)
        reason = reason.decode() if isinstance(reason, bytes) else reason
        if reason == "ok":
            rem_req, rem_tok = int(float(a)), int(float(b))
            return Verdict(
                True,
                limit_requests=next((s.rpm for s in scopes if s.rpm is not None), None),
                remaining_requests=rem_req if rem_req >= 0 else None,
                limit_tokens=next((s.tpm for s in scopes if s.tpm is not None), None),
                remaining_tokens=rem_tok if rem_tok >= 0 else None,
            )
        name = scopes[int(index)].name
        return Verdict(False, reason, name, retry_after=max(float(a) / 1000, 0.001), spend=float(b))

    async def release(self, scopes: list[Scope], tokens: int, cost: float) -> None:
        minute = _minute(int(time.time() * 1000))
        keys: list[str] = []
        args: list[Any] = [int(tokens), repr(float(cost))]
        for s in scopes:
            _rk, tk, pk, sk = self._keys(s.name, minute)
            keys.extend((tk, pk, sk))
            args.extend((_flag(s.tpm), _flag(s.parallel), _flag(s.max_budget)))
        if keys:
            await self._release(keys=keys, args=args)

    async def seed_spend(self, spends: dict[str, float]) -> None:
        """Start each shared counter from the database; NX keeps a live counter that is ahead."""
        if not spends:
            return
        async with self._redis.pipeline(transaction=False) as pipe:
            for name, value in spends.items():
                pipe.set(f"{self._prefix}spend:{name}", repr(float(value or 0.0)), nx=True)
            await pipe.execute()

    async def set_spend(self, name: str, value: float) -> None:
        await self._redis.set(f"{self._prefix}spend:{name}", repr(float(value)))

    async def get_spend(self, name: str) -> float | None:
        value = await self._redis.get(f"{self._prefix}spend:{name}")
        return None if value is None else float(value)

    async def close(self) -> None:
        await self._redis.aclose()


def _num(value: float | None) -> float:
    return -1 if value is None else value


def _flag(value: Any) -> str:
    return "0" if value is None else "1"


def retry_after_header(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
