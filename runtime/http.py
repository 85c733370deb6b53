"""HTTP layer: pooled clients, timeouts, and the retry policy.

Sync calls share one ``httpx.Client``. Async calls use an ``httpx.AsyncClient`` per event loop
over the aiohttp transport: httpx's own async pool degrades badly under concurrency on these
machines (bench/README.md has the measurements), while the httpx API stays the same.

Adapters that declare ``in_process`` (the offline ``mock`` provider) are served by an in-process
transport mounted on their base URL, so they go through exactly the same code path.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
import weakref
from typing import Any

import httpx

from . import exceptions
from .adapter import Adapter, Call, PreparedRequest, retry_after_seconds

DEFAULT_TIMEOUT = 600.0
DEFAULT_MAX_RETRIES = 2
_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=200, keepalive_expiry=30)
_MAX_BACKOFF = 8.0
_MAX_RETRY_AFTER = 60.0

_sync_client: httpx.Client | None = None
_sync_lock = threading.Lock()
_async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary()
)
_in_process_bases: dict[str, str] = {}  # base URL -> in-process server name


def register_in_process(adapter: Adapter, base: str) -> None:
    """Route requests for ``base`` to the adapter's in-process server (resets the clients)."""
    global _sync_client
    if adapter.in_process and _in_process_bases.get(base) != adapter.in_process:
        _in_process_bases[base] = adapter.in_process
        _sync_client = None
        _async_clients.clear()


def _mounts(is_async: bool) -> dict[str, httpx.BaseTransport | httpx.AsyncBaseTransport]:
    from .inprocess import transport_for

    return {base: transport_for(name, is_async) for base, name in _in_process_bases.items()}


def sync_client() -> httpx.Client:
    global _sync_client
    client = _sync_client
    if client is None:
        with _sync_lock:
            if _sync_client is None:
                _sync_client = httpx.Client(
                    timeout=DEFAULT_TIMEOUT, limits=_LIMITS, mounts=_mounts(False)  # type: ignore[arg-type]
                )
            client = _sync_client
    return client


def async_client() -> httpx.AsyncClient:
    loop = asyncio.get_running_loop()
    client = _async_clients.get(loop)
    if client is None:
        from httpx_aiohttp import AiohttpTransport

        client = httpx.AsyncClient(
            timeout=DEFAULT_TIMEOUT,
            transport=AiohttpTransport(limits=_LIMITS),
            mounts=_mounts(True),  # type: ignore[arg-type]
        )
        _async_clients[loop] = client
    return client


def _timeout(call: Call) -> httpx.Timeout:
    total = call.timeout if call.timeout is not None else DEFAULT_TIMEOUT
    return httpx.Timeout(total, connect=min(total, 10.0))


def _build(client: httpx.Client | httpx.AsyncClient, req: PreparedRequest, call: Call) -> httpx.Request:
    return client.build_request(req.method, req.url, headers=req.headers, content=req.body, timeout=_timeout(call))


def _backoff(attempt: int, retry_after: float | None) -> float:
    if retry_after is not None and 0 <= retry_after <= _MAX_RETRY_AFTER:
        return retry_after
    return min(_MAX_BACKOFF, 0.5 * 2**attempt) * (0.75 + random.random() / 2)


def _transport_error(exc: httpx.HTTPError, call: Call, adapter: Adapter) -> Exception:
    name = "Timeout" if isinstance(exc, httpx.TimeoutException) else "APIConnectionError"
    return exceptions.get_class(name)(
        f"{type(exc).__name__}: {exc or 'connection failed'} ({call.api_base})",
        llm_provider=adapter.provider,
        model=call.model,
    )


def _should_retry(status: int) -> bool:
    return status in exceptions.RETRYABLE_STATUSES


def send(adapter: Adapter, call: Call, req: PreparedRequest, retries: int, stream: bool = False) -> httpx.Response:
    """Send with retries on connection errors and retryable statuses; raise mapped errors.

    For a stream the response is returned unread (the caller owns closing it); retries happen
    only before the first byte of the body is consumed.
    """
    client = sync_client()
    attempt = 0
    while True:
        try:
            response = client.send(_build(client, req, call), stream=stream)
        except httpx.HTTPError as exc:
            if attempt < retries:
                time.sleep(_backoff(attempt, None))
                attempt += 1
                continue
            raise _transport_error(exc, call, adapter) from exc
        if response.status_code < 400:
            return response
        content = response.read()
        response.close()
        if attempt < retries and _should_retry(response.status_code):
            time.sleep(_backoff(attempt, retry_after_seconds(response.headers)))
            attempt += 1
            continue
        raise adapter.error(call, response.status_code, content, response.headers, response)


async def asend(
    adapter: Adapter, call: Call, req: PreparedRequest, retries: int, stream: bool = False
) -> httpx.Response:
    """Async twin of :func:`send`."""
    client = async_client()
    attempt = 0
    while True:
        try:
            response = await client.send(_build(client, req, call), stream=stream)
        except httpx.HTTPError as exc:
            if attempt < retries:
                await asyncio.sleep(_backoff(attempt, None))
                attempt += 1
                continue
            raise _transport_error(exc, call, adapter) from exc
        if response.status_code < 400:
            return response
        content = await response.aread()
        await response.aclose()
        if attempt < retries and _should_retry(response.status_code):
            await asyncio.sleep(_backoff(attempt, retry_after_seconds(response.headers)))
            attempt += 1
            continue
        raise adapter.error(call, response.status_code, content, response.headers, response)


def close_clients() -> None:
    """Close the shared sync client (async clients close with their event loop)."""
    global _sync_client
    if _sync_client is not None:
        _sync_client.close()
        _sync_client = None


def transport_error(exc: Any, call: Call, adapter: Adapter) -> Exception:
    """Map an httpx error raised while reading a stream body."""
    return _transport_error(exc, call, adapter)
