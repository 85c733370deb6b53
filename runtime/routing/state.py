"""What the router remembers between calls: cooldowns, per-minute counts, in-flight calls, latencies.

All of it is in-process and guarded by one lock, held only for a few dictionary operations and
never across I/O, so one :class:`RouterState` is safe from many threads and from many tasks of an
event loop at once. The clock is injected, so tests move time instead of sleeping.

Sharing this state between processes (what LiteLLM does with Redis) would need the same
operations as atomic Redis commands: ``INCR`` with a 60 s ``EXPIRE`` on keys named
``{deployment_id}:{minute}:{success|fail|rpm|tpm}``, ``SET id status EX cooldown_time`` for a
cooldown (its TTL is the cooldown), ``INCR``/``DECR`` for in-flight counts, and a capped
``LPUSH``/``LTRIM`` list per deployment for latencies. Reads for a pick would be one ``MGET``.
"""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

LATENCY_WINDOW = 10  # LiteLLM's max_latency_list_size
TIMEOUT_LATENCY_PENALTY = 1000.0  # seconds recorded for a timed-out call, as LiteLLM's latency router does


@dataclass
class Minute:
    """Counts for one deployment in one clock minute."""

    minute: int
    success: int = 0
    fail: int = 0
    rpm: int = 0
    tpm: int = 0


@dataclass
class Cooldown:
    until: float
    status: int
    reason: str


@dataclass
class RouterState:
    clock: Callable[[], float] = time.time
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _minutes: dict[str, Minute] = field(default_factory=dict)
    _cooldowns: dict[str, Cooldown] = field(default_factory=dict)
    _failures: dict[str, deque[float]] = field(default_factory=dict)  # failure times, allowed_fails mode
    _in_flight: dict[str, int] = field(default_factory=dict)
    _latency: dict[str, deque[float]] = field(default_factory=dict)
    _affinity: dict[str, tuple[str, float]] = field(default_factory=dict)  # key -> (deployment id, until)

    def _minute(self, deployment_id: str, now: float) -> Minute:
        minute = int(now // 60)
        current = self._minutes.get(deployment_id)
        if current is None or current.minute != minute:
            current = self._minutes[deployment_id] = Minute(minute)
        return current

    def minute(self, deployment_id: str) -> Minute:
        """A copy of this minute's counts for a deployment."""
        with self._lock:
            m = self._minute(deployment_id, self.clock())
            return Minute(m.minute, m.success, m.fail, m.rpm, m.tpm)

    # --- cooldowns ------------------------------------------------------------------------

    def cooling(self, ids: Iterable[str]) -> dict[str, Cooldown]:
        """The deployments among ``ids`` that are cooling down now."""
        now = self.clock()
        with self._lock:
            for key in [k for k, c in self._cooldowns.items() if c.until <= now]:
                del self._cooldowns[key]
            return {i: self._cooldowns[i] for i in ids if i in self._cooldowns}

    def cool(self, deployment_id: str, seconds: float, status: int, reason: str) -> None:
        with self._lock:
            self._cooldowns[deployment_id] = Cooldown(self.clock() + seconds, status, reason)

    def failures_in_window(self, deployment_id: str, window: float = 60.0) -> int:
        """Count one more failure (allowed_fails mode) and return how many fell within ``window``."""
        now = self.clock()
        with self._lock:
            times = self._failures.setdefault(deployment_id, deque())
            times.append(now)
            while times and times[0] <= now - window:
                times.popleft()
            return len(times)

    # --- outcomes -------------------------------------------------------------------------

    def record_success(self, deployment_id: str, latency: float | None, tokens: int) -> None:
        with self._lock:
            m = self._minute(deployment_id, self.clock())
            m.success += 1
            m.tpm += tokens
            if latency is not None:
                self._latency.setdefault(deployment_id, deque(maxlen=LATENCY_WINDOW)).append(latency)

    def record_failure(self, deployment_id: str, timed_out: bool = False) -> None:
        with self._lock:
            self._minute(deployment_id, self.clock()).fail += 1
            if timed_out:
                window = self._latency.setdefault(deployment_id, deque(maxlen=LATENCY_WINDOW))
                window.append(TIMEOUT_LATENCY_PENALTY)

    def take_request(self, deployment_id: str) -> None:
        """Count a request against this minute's rpm (usage-based routing counts before the call)."""
        with self._lock:
            self._minute(deployment_id, self.clock()).rpm += 1

    # --- in flight ------------------------------------------------------------------------

    def started(self, deployment_id: str) -> None:
        with self._lock:
            self._in_flight[deployment_id] = self._in_flight.get(deployment_id, 0) + 1

    def finished(self, deployment_id: str) -> None:
        with self._lock:
            left = self._in_flight.get(deployment_id, 0) - 1
            if left > 0:
                self._in_flight[deployment_id] = left
            else:
                self._in_flight.pop(deployment_id, None)

    def in_flight(self, deployment_id: str) -> int:
        with self._lock:
            return self._in_flight.get(deployment_id, 0)

    def latency(self, deployment_id: str) -> float | None:
        """Mean of the last few latencies (seconds, or seconds per output token), None when unknown."""
        with self._lock:
            window = self._latency.get(deployment_id)
            return sum(window) / len(window) if window else None

    def pinned(self, key: str) -> str | None:
        """The deployment a session (or caller) is pinned to, while the pin lasts."""
        with self._lock:
            found = self._affinity.get(key)
            if found is None or found[1] <= self.clock():
                self._affinity.pop(key, None)
                return None
            return found[0]

    def pin(self, key: str, deployment_id: str, ttl: float) -> None:
        with self._lock:
            self._affinity[key] = (deployment_id, self.clock() + ttl)

    def forget(self, deployment_id: str) -> None:
        """Drop everything about a deployment (it was deleted)."""
        with self._lock:
            for table in (self._minutes, self._cooldowns, self._failures, self._in_flight, self._latency):
                table.pop(deployment_id, None)  # type: ignore[attr-defined]

    def reset(self) -> None:
        with self._lock:
            for table in (
                self._minutes,
                self._cooldowns,
                self._failures,
                self._in_flight,
                self._latency,
                self._affinity,
            ):
                table.clear()  # type: ignore[attr-defined]


class ParallelLimits:
    """Per-deployment caps on calls in flight (``max_parallel_requests``): a call waits for a slot.

    Sync calls share a thread semaphore; async calls a semaphore of their own event loop (an
    asyncio primitive belongs to one loop, and a router may serve several, one after another).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._threads: dict[tuple[str, int], threading.BoundedSemaphore] = {}
        self._loops: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[tuple[str, int], asyncio.Semaphore]
        ]
        self._loops = weakref.WeakKeyDictionary()

    def for_threads(self, deployment_id: str, limit: int) -> threading.BoundedSemaphore:
        with self._lock:
            return self._threads.setdefault((deployment_id, limit), threading.BoundedSemaphore(limit))

    def for_loop(self, deployment_id: str, limit: int) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        with self._lock:
            table = self._loops.setdefault(loop, {})
            return table.setdefault((deployment_id, limit), asyncio.Semaphore(limit))
