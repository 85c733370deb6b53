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
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

logger = logging.getLogger("llmrelay")


class CustomLogger:
    """Subclass and override any hook; register the instance in ``llmrelay.callbacks``."""

    def log_pre_api_call(self, model: str, messages: Any, kwargs: dict[str, Any]) -> None:
        pass

    def log_post_api_call(
        self, kwargs: dict[str, Any], response_obj: Any, start_time: float, end_time: float
    ) -> None:
        """After the provider answered (or failed), before the success or failure event."""

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


_CALL_TYPES = {
    "ModelResponse": "completion",
    "ResponsesAPIResponse": "responses",
    "EmbeddingResponse": "embedding",
    "ImageResponse": "image_generation",
    "TextCompletionResponse": "text_completion",
}


class _Fields:
    """The ``kwargs`` a callback receives, built once per call and only when a callback runs.

    Building them (the standard logging object dumps the response) happens on the callback
    worker or in the callback's task, never on the caller's path.
    """

    __slots__ = ("_built", "_lock", "args")

    def __init__(self, *args: Any) -> None:
        self.args = args
        self._built: dict[str, Any] | None = None
        self._lock = threading.Lock()

    def get(self) -> dict[str, Any]:
        with self._lock:
            if self._built is None:
                self._built = _log_fields(*self.args)
            return self._built


def _log_fields(
    kind: str, kwargs: dict[str, Any], result: Any, start: datetime, end: datetime, async_call: bool = False
) -> dict[str, Any]:
    """The keys LiteLLM's callbacks read from ``kwargs`` besides the call's own arguments.

    ``response_cost``, ``litellm_params["metadata"]``, ``standard_logging_object`` (LiteLLM's
    one-dict summary of the call), ``litellm_call_id``, ``call_type``, ``stream``, and for a
    stream ``complete_streaming_response`` (the assembled response).
    """
    optional = kwargs.get("optional_params") or {}
    # LiteLLM's logging metadata, wherever the SDK kept it (a call parameter or a control keyword)
    metadata = dict(
        optional.get("metadata")
        or optional.get("litellm_metadata")
        or kwargs.get("metadata")
        or kwargs.get("litellm_metadata")
        or {}
    )
    hidden = (getattr(result, "_hidden_params", None) or {}) if kind == "success" else {}
    provider = (
        kwargs.get("custom_llm_provider")
        or hidden.get("custom_llm_provider")
        or getattr(result, "llm_provider", None)
    )
    call_type = _CALL_TYPES.get(type(result).__name__, "completion")
    call_type = "a" + call_type if async_call else call_type
    stream = bool(kwargs.get("stream"))
    fields = {
        **kwargs,
        "start_time": start,
        "end_time": end,
        "stream": stream,
        "call_type": call_type,
        "litellm_call_id": kwargs.get("litellm_call_id") or str(uuid.uuid4()),
        "input": kwargs.get("messages"),
        "user": optional.get("user"),
        "custom_llm_provider": provider,
    }
    fields["litellm_params"] = {
        "metadata": metadata,
        "api_base": kwargs.get("api_base") or hidden.get("api_base"),
        "custom_llm_provider": provider,
        "litellm_call_id": fields["litellm_call_id"],
    }
    if kind == "success":
        fields["response_cost"] = hidden.get("response_cost")
        if stream:
            fields["complete_streaming_response"] = result
            fields["async_complete_streaming_response"] = result
    else:
        fields["exception"] = result
        fields["traceback_exception"] = "".join(traceback.format_exception(result)) if result else ""
    fields["standard_logging_object"] = _standard_logging_object(kind, fields, result, metadata, optional)
    return fields


def _standard_logging_object(
    kind: str, fields: dict[str, Any], result: Any, metadata: dict[str, Any], optional: dict[str, Any]
) -> dict[str, Any]:
    """LiteLLM's ``StandardLoggingPayload``: the call summarised in plain JSON-ready values."""
    start, end = fields["start_time"], fields["end_time"]
    usage = getattr(result, "usage", None) if kind == "success" else None
    entry: dict[str, Any] = {
        "id": fields["litellm_call_id"],
        "call_type": fields["call_type"],
        "stream": fields["stream"],
        "status": "success" if kind == "success" else "failure",
        "model": fields.get("model"),
        "custom_llm_provider": fields["custom_llm_provider"],
        "api_base": fields["litellm_params"]["api_base"],
        "response_cost": fields.get("response_cost") or 0.0,
        "prompt_tokens": getattr(usage, "prompt_tokens", 0) or 0,
        "completion_tokens": getattr(usage, "completion_tokens", 0) or 0,
        "total_tokens": getattr(usage, "total_tokens", 0) or 0,
        "startTime": start.timestamp(),
        "endTime": end.timestamp(),
        "response_time": (end - start).total_seconds(),
        "messages": fields.get("messages"),
        "model_parameters": {
            k: v for k, v in optional.items() if k not in ("messages", "metadata", "litellm_metadata")
        },
        "metadata": metadata,
        "end_user": optional.get("user"),
        "hidden_params": dict(getattr(result, "_hidden_params", None) or {}) if kind == "success" else {},
        "response": result.model_dump() if kind == "success" and hasattr(result, "model_dump") else None,
        "error_str": None if kind == "success" else str(result),
        "error_information": None if kind == "success" else _error_information(result),
    }
    return entry


def _error_information(error: Any) -> dict[str, Any]:
    return {
        "error_code": str(getattr(error, "status_code", "") or ""),
        "error_class": type(error).__name__,
        "llm_provider": getattr(error, "llm_provider", None) or "",
        "error_message": str(error),
    }


def _deliver(hook: Callable[..., Any], fields: _Fields, result: Any, start: datetime, end: datetime) -> Any:
    return hook(fields.get(), result, start, end)


async def _adeliver(
    hook: Callable[..., Any], fields: _Fields, result: Any, start: datetime, end: datetime
) -> None:
    await hook(fields.get(), result, start, end)


def dispatch(kind: str, kwargs: dict[str, Any], result: Any, start: float, end: float) -> None:
    """Deliver one outcome (``success`` with the response, ``failure`` with the exception).

    ``start`` and ``end`` are epoch seconds; callbacks receive ``datetime`` objects, as LiteLLM's do
    (``(end_time - start_time).total_seconds()`` keeps working).
    """
    callbacks = active(kind)
    if not callbacks:
        return
    start_dt, end_dt = datetime.fromtimestamp(start), datetime.fromtimestamp(end)
    in_loop = _running_loop() is not None
    fields = _Fields(kind, kwargs, result, start_dt, end_dt, in_loop)
    for cb in callbacks:
        if isinstance(cb, CustomLogger):
            if _overridden(cb, cb.log_post_api_call):  # LiteLLM calls it for every outcome, first
                _submit(_deliver, (cb.log_post_api_call, fields, result, start_dt, end_dt))
            sync_hook = cb.log_success_event if kind == "success" else cb.log_failure_event
            async_hook = cb.async_log_success_event if kind == "success" else cb.async_log_failure_event
            if _overridden(cb, sync_hook):
                _submit(_deliver, (sync_hook, fields, result, start_dt, end_dt))
            if in_loop and _overridden(cb, async_hook):  # LiteLLM runs async hooks for async calls only
                _schedule(_adeliver(async_hook, fields, result, start_dt, end_dt))
        elif inspect.iscoroutinefunction(cb):
            _schedule(_adeliver(cb, fields, result, start_dt, end_dt))
        elif callable(cb):
            _submit(_deliver, (cb, fields, result, start_dt, end_dt))


def _overridden(instance: CustomLogger, bound: Any) -> bool:
    return getattr(type(instance), bound.__name__) is not getattr(CustomLogger, bound.__name__)
