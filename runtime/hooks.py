"""Logging callbacks: ``llmrelay.success_callback``, ``failure_callback``, ``callbacks`` and
the :class:`CustomLogger` base class.

Each call fires exactly one outcome: success (with the response — for a stream, the assembled
response once it ends — its usage and cost) or failure. Callbacks never run on the call's
critical path: sync callbacks go to a single background worker thread (flushed at interpreter
exit), async ones are scheduled as tasks on the running loop.
"""

from __future__ import annotations

import asyncio
import atexit
import inspect
import logging
import queue
import threading
import time
import traceback
from collections.abc import Callable
from datetime import datetime
from typing import Any

logger = logging.getLogger("llmrelay")


class CustomLogger:
    """Subclass and override any hook; register the instance in ``llmrelay.callbacks``."""

    def log_pre_api_call(self, model: str, messages: Any, kwargs: dict[str, Any]) -> None:
        pass

    def log_success_event(
        self, kwargs: dict[str, Any], response_obj: Any, start_time: float, end_time: float
    ) -> None:
        pass

    def log_failure_event(
        self, kwargs: dict[str, Any], response_obj: Any, start_time: float, end_time: float
    ) -> None:
        pass

    async def async_log_pre_api_call(self, model: str, messages: Any, kwargs: dict[str, Any]) -> None:
        pass

    async def async_log_success_event(
        self, kwargs: dict[str, Any], response_obj: Any, start_time: float, end_time: float
    ) -> None:
        pass

    async def async_log_failure_event(
        self, kwargs: dict[str, Any], response_obj: Any, start_time: float, end_time: float
    ) -> None:
        pass


def _package() -> Any:
    import llmrelay

    return llmrelay


def active(kind: str) -> list[Any]:
    """Registered callbacks for ``success`` or ``failure`` (functions and CustomLoggers)."""
    pkg = _package()
    named = pkg.success_callback if kind == "success" else pkg.failure_callback
    return [c for c in (*named, *pkg.callbacks) if not isinstance(c, str)]


def any_registered() -> bool:
    pkg = _package()
    return bool(pkg.success_callback or pkg.failure_callback or pkg.callbacks)


def pre_call(model: str, messages: Any, kwargs: dict[str, Any]) -> None:
    """Pre-call hooks run inline (they may inspect the request before it is sent)."""
    for cb in _package().callbacks:
        if isinstance(cb, CustomLogger):
            cb.log_pre_api_call(model, messages, kwargs)


async def async_pre_call(model: str, messages: Any, kwargs: dict[str, Any]) -> None:
    """Async calls run both pre-call hooks, the sync one first (as LiteLLM does)."""
    for cb in _package().callbacks:
        if isinstance(cb, CustomLogger):
            cb.log_pre_api_call(model, messages, kwargs)
            await cb.async_log_pre_api_call(model, messages, kwargs)


# --- background delivery ---------------------------------------------------------------

_queue: queue.SimpleQueue[tuple[Callable[..., Any], tuple[Any, ...]] | None] = queue.SimpleQueue()
_worker: threading.Thread | None = None
_worker_lock = threading.Lock()
_pending = 0
_idle = threading.Condition()


def _run_worker() -> None:
    global _pending
    while True:
        item = _queue.get()
        if item is None:
            return
        func, args = item
        try:
            func(*args)
        except Exception:  # a broken callback must never break the caller
            logger.exception("llmrelay callback %r failed", func)
        with _idle:
            _pending -= 1
            _idle.notify_all()


def _submit(func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    global _worker, _pending
    if _worker is None:
        with _worker_lock:
            if _worker is None:
                _worker = threading.Thread(target=_run_worker, name="llmrelay-callbacks", daemon=True)
                _worker.start()
                atexit.register(flush)
    with _idle:
        _pending += 1
    _queue.put((func, args))


def flush(timeout: float = 10.0) -> None:
    """Wait until every queued sync callback has run (also called at interpreter exit)."""
    deadline = time.monotonic() + timeout
    with _idle:
        while _pending and time.monotonic() < deadline:
            _idle.wait(deadline - time.monotonic())


_tasks: set[asyncio.Task[Any]] = set()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _schedule(coro: Any) -> None:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        _submit(asyncio.run, (coro,))
        return
    task = loop.create_task(coro)
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


def _log_fields(
    kind: str, kwargs: dict[str, Any], result: Any, start: datetime, end: datetime
) -> dict[str, Any]:
    """The keys LiteLLM's callbacks read from ``kwargs`` besides the call's own arguments."""
    fields = {**kwargs, "start_time": start, "end_time": end}
    if kind == "success":
        hidden = getattr(result, "_hidden_params", None) or {}
        fields["response_cost"] = hidden.get("response_cost")
        fields.setdefault("custom_llm_provider", hidden.get("custom_llm_provider"))
    else:
        fields["exception"] = result
        fields["traceback_exception"] = "".join(traceback.format_exception(result)) if result else ""
    return fields


def dispatch(kind: str, kwargs: dict[str, Any], result: Any, start: float, end: float) -> None:
    """Deliver one outcome (``success`` with the response, ``failure`` with the exception).

    ``start`` and ``end`` are epoch seconds; callbacks receive ``datetime`` objects, as LiteLLM's do
    (``(end_time - start_time).total_seconds()`` keeps working).
    """
    callbacks = active(kind)
    if not callbacks:
        return
    start_dt, end_dt = datetime.fromtimestamp(start), datetime.fromtimestamp(end)
    kwargs = _log_fields(kind, kwargs, result, start_dt, end_dt)
    in_loop = _running_loop() is not None
    for cb in callbacks:
        if isinstance(cb, CustomLogger):
            sync_hook = cb.log_success_event if kind == "success" else cb.log_failure_event
            async_hook = cb.async_log_success_event if kind == "success" else cb.async_log_failure_event
            if _overridden(cb, sync_hook):
                _submit(sync_hook, (kwargs, result, start_dt, end_dt))
            if in_loop and _overridden(cb, async_hook):  # LiteLLM runs async hooks for async calls only
                _schedule(async_hook(kwargs, result, start_dt, end_dt))
        elif inspect.iscoroutinefunction(cb):
            _schedule(cb(kwargs, result, start_dt, end_dt))
        elif callable(cb):
            _submit(cb, (kwargs, result, start_dt, end_dt))


def _overridden(instance: CustomLogger, bound: Any) -> bool:
    return getattr(type(instance), bound.__name__) is not getattr(CustomLogger, bound.__name__)
