"""HTTP layer: pooled clients, timeouts, and the retry policy.

Sync calls share one ``httpx.Client`` (httpcore's pool, thread-safe). Async calls share one
``httpx.AsyncClient`` per event loop whose default transport is :class:`AiohttpTransport`, an
httpx transport over an aiohttp session: httpx's own async pool degrades badly under
concurrency on these machines (bench/README.md has the measurements), while every response
is still an ``httpx.Response`` and every failure an ``httpx`` exception.

The clients hold the configuration (mounts for in-process servers, proxies from the
environment as httpx reads them); a request goes straight to the transport the client picks
for its URL, skipping the per-request work of ``Client.send`` that an SDK call does not use
(cookie jars, auth flows, redirect handling, header merging).

An async client lives as long as its event loop: it is closed when the loop shuts down
(``asyncio.run``, ``asyncio.Runner``, pytest-asyncio), so no "Unclosed client session"
warning is left behind when a program runs one loop per request.

Adapters that declare ``in_process`` (the offline ``mock`` provider) are served by an in-process
transport mounted on their base URL, so they go through exactly the same code path.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
import weakref
from collections.abc import AsyncIterator
from typing import Any

import httpx

from . import __version__, exceptions
from .adapter import Adapter, Call, PreparedRequest

DEFAULT_TIMEOUT = 600.0
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_MAX_RETRIES = 2
_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=200, keepalive_expiry=30)
_MAX_BACKOFF = 8.0
_MAX_RETRY_AFTER = 60.0
_DEFAULT_HEADERS = {"User-Agent": f"llmrelay/{__version__}", "Accept-Encoding": "gzip, deflate"}

_sync_client: httpx.Client | None = None
_sync_lock = threading.Lock()
_async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary()
)
_loop_closers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncIterator[None]] = (
    weakref.WeakKeyDictionary()
)
_in_process_bases: dict[str, str] = {}  # base URL -> in-process server name
# Request extension: the transport may read the whole body before returning (not a stream).
READ_BODY = "llmrelay.read_body"
_urls: dict[str, httpx.URL] = {}  # parsed URLs; an SDK talks to few distinct endpoints
_extensions_cache: dict[tuple[float, bool], dict[str, Any]] = {}


# --- the aiohttp transport -----------------------------------------------------------------


def _aiohttp_error(exc: BaseException) -> httpx.TransportError | None:
    """The httpx exception a transport would raise for an aiohttp failure (None: not one)."""
    import aiohttp

    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(str(exc) or "connect timed out")
    if isinstance(exc, aiohttp.ServerTimeoutError | asyncio.TimeoutError):
        return httpx.ReadTimeout(str(exc) or "read timed out")
    if isinstance(exc, aiohttp.ClientProxyConnectionError | aiohttp.ClientHttpProxyError):
        return httpx.ProxyError(str(exc))
    if isinstance(exc, aiohttp.ClientConnectorError):  # refused, unreachable, DNS, TLS handshake
        return httpx.ConnectError(str(exc))
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return httpx.RemoteProtocolError(str(exc) or "server disconnected")
    if isinstance(exc, aiohttp.InvalidURL):
        return httpx.UnsupportedProtocol(str(exc))
    if isinstance(exc, aiohttp.ClientOSError):
        return httpx.ReadError(str(exc))
    if isinstance(exc, aiohttp.ClientError):
        return httpx.TransportError(str(exc))
    return None


class _AiohttpStream(httpx.AsyncByteStream):
    __slots__ = ("_response",)

    def __init__(self, response: Any) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except Exception as exc:
            mapped = _aiohttp_error(exc)
            if mapped is None:
                raise
            raise mapped from exc

    async def aclose(self) -> None:
        response = self._response
        if response.content.is_eof():
            response.release()  # fully read: the connection goes back to the pool
        else:
            response.close()  # closed early: the connection cannot be reused


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An httpx async transport over one aiohttp session (created on first use, in its loop).

    Timeouts come from the request's ``timeout`` extension as httpx sets them: ``connect``
    bounds establishing a connection, ``read`` each wait for bytes, ``pool`` the whole
    acquisition of a connection.
    """

    def __init__(self, limits: httpx.Limits = _LIMITS) -> None:
        self._limits = limits
        self._session: Any = None
        self._client_timeouts: dict[tuple[Any, ...], Any] = {}

    def _open(self) -> Any:
        import aiohttp
        from yarl import URL

        self._url_type = URL

        connector = aiohttp.TCPConnector(
            limit=self._limits.max_connections or 0,
            keepalive_timeout=self._limits.keepalive_expiry,
        )
        # Proxies are resolved by httpx (trust_env on the client mounts a proxy transport), so
        # aiohttp must not look them up again: with trust_env it does so in a thread per request.
        # No cookie jar: an API client must not carry one caller's cookies into another's calls.
        self._session = aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,
            trust_env=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            skip_auto_headers=("Accept", "Accept-Encoding", "User-Agent", "Content-Type"),
        )
        return self._session

    def _client_timeout(self, timeout: dict[str, float | None]) -> Any:
        key = (timeout.get("connect"), timeout.get("read"), timeout.get("pool"))
        value = self._client_timeouts.get(key)
        if value is None:
            import aiohttp

            value = aiohttp.ClientTimeout(total=None, connect=key[2], sock_connect=key[0], sock_read=key[1])
            self._client_timeouts[key] = value
        return value

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        session = self._session or self._open()
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
        try:
            body: Any = request.content or None
        except httpx.RequestNotRead:
            body = request.stream
        try:
            response = await session.request(
                request.method,
                # Already encoded by httpx: aiohttp must not re-normalise it (a signed path with
                # %3A would otherwise go out as ':' and no longer match its signature).
                self._url_type(str(request.url), encoded=True),
                headers=headers,
                data=body,
                allow_redirects=False,
                compress=False,
                timeout=self._client_timeout(request.extensions.get("timeout") or {}),
            )
            extensions = {"http_version": b"HTTP/1.1", "reason_phrase": (response.reason or "").encode()}
            if not request.extensions.get(READ_BODY):
                return httpx.Response(
                    response.status,
                    headers=response.raw_headers,
                    stream=_AiohttpStream(response),
                    request=request,
                    extensions=extensions,
                )
            try:  # the caller wants the whole body: read it here, without a stream per chunk
                content = await response.read()
            finally:
                response.release()
        except Exception as exc:
            mapped = _aiohttp_error(exc)
            if mapped is None:
                raise
            mapped.request = request
            raise mapped from exc
        return httpx.Response(
            response.status,
            headers=response.raw_headers,
            content=content,
            request=request,
            extensions=extensions,
        )

    async def aclose(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    def abandon(self) -> None:
        """Close the sockets without the event loop (it is closed already)."""
        session, self._session = self._session, None
        connector = getattr(session, "connector", None)
        if connector is not None:
            connector._close()


# --- clients ---------------------------------------------------------------------------------


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
    client = _sync_client
    if client is None:
        client = _new_sync_client()
    return client


def _new_sync_client() -> httpx.Client:
    global _sync_client
    with _sync_lock:
        if _sync_client is None:
            _sync_client = httpx.Client(
                timeout=DEFAULT_TIMEOUT,
                limits=_LIMITS,
                mounts=_mounts(False),
                trust_env=True,  # type: ignore[arg-type]
            )
        return _sync_client


def async_client() -> httpx.AsyncClient:
    loop = asyncio.get_running_loop()
    client = _async_clients.get(loop)
    if client is None:
        client = httpx.AsyncClient(
            timeout=DEFAULT_TIMEOUT,
            transport=AiohttpTransport(_LIMITS),
            mounts={**_env_proxy_mounts(), **_mounts(True)},  # type: ignore[arg-type]
        )
        _async_clients[loop] = client
        _close_with_loop(loop, client)
    return client


def _env_proxy_mounts() -> dict[str, httpx.AsyncBaseTransport | None]:
    """Proxies from HTTP(S)_PROXY / ALL_PROXY / NO_PROXY, read exactly as httpx reads them.

    httpx ignores the environment when a client is given its own transport, so the async
    client mounts them itself: proxied URLs go through httpx's proxy transport, the rest
    (and NO_PROXY hosts, mounted as ``None``) through the aiohttp transport.
    """
    from httpx._utils import get_environment_proxies

    return {
        pattern: None if url is None else httpx.AsyncHTTPTransport(proxy=url, limits=_LIMITS, trust_env=True)
        for pattern, url in get_environment_proxies().items()
    }


def _close_with_loop(loop: asyncio.AbstractEventLoop, client: httpx.AsyncClient) -> None:
    """Close ``client`` when ``loop`` shuts down.

    An async generator started in the loop is finalised by ``loop.shutdown_asyncgens()``,
    which ``asyncio.run``, ``asyncio.Runner`` and pytest-asyncio call before closing the loop;
    its ``finally`` closes the client while the loop can still run the close. A loop closed
    without that step has its client's sockets closed at the next ``async_client()`` call.
    """
    _sweep_closed_loops()
    loop_ref = weakref.ref(loop)

    async def closer() -> AsyncIterator[None]:
        try:
            yield
        finally:
            owner = loop_ref()
            if owner is not None:
                _loop_closers.pop(owner, None)
                if _async_clients.get(owner) is client:
                    del _async_clients[owner]
            await client.aclose()

    gen = closer()
    try:  # run to the first yield: registers the generator with the loop's shutdown hooks
        gen.__anext__().send(None)
    except StopIteration:
        pass
    _loop_closers[loop] = gen


def _sweep_closed_loops() -> None:
    for loop in [lp for lp in list(_loop_closers) if lp.is_closed()]:
        _loop_closers.pop(loop, None)
        client = _async_clients.pop(loop, None)
        transport = getattr(client, "_transport", None)
        if isinstance(transport, AiohttpTransport):
            transport.abandon()


def _url(url: str) -> httpx.URL:
    parsed = _urls.get(url)
    if parsed is None:
        if len(_urls) > 512:
            _urls.clear()
        parsed = _urls[url] = httpx.URL(url)
    return parsed


def _timeout(call: Call) -> dict[str, float]:
    """httpx's timeout extension for the call: its whole budget, but at most 10 s to connect."""
    total = call.timeout if call.timeout is not None else DEFAULT_TIMEOUT
    return {"connect": min(total, DEFAULT_CONNECT_TIMEOUT), "read": total, "write": total, "pool": total}


def _extensions(call: Call, stream: bool) -> dict[str, Any]:
    key = (call.timeout if call.timeout is not None else DEFAULT_TIMEOUT, stream)
    value = _extensions_cache.get(key)
    if value is None:
        value = {"timeout": _timeout(call)}
        if not stream:
            value[READ_BODY] = True
        _extensions_cache[key] = value
    return value


def _request(req: PreparedRequest, call: Call, stream: bool = False) -> httpx.Request:
    return httpx.Request(
        req.method,
        _url(req.url),
        headers={**_DEFAULT_HEADERS, **req.headers},
        content=req.body,
        extensions=_extensions(call, stream),
    )


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


def _send_once(client: httpx.Client, request: httpx.Request, stream: bool) -> httpx.Response:
    response = client._transport_for_url(request.url).handle_request(request)
    response.request = request
    if not stream:
        try:
            response.read()
        finally:
            response.close()
    return response


async def _asend_once(client: httpx.AsyncClient, request: httpx.Request, stream: bool) -> httpx.Response:
    response = await client._transport_for_url(request.url).handle_async_request(request)
    response.request = request
    if not stream:
        try:
            await response.aread()
        finally:
            await response.aclose()
    return response


def send(
    adapter: Adapter, call: Call, req: PreparedRequest, retries: int, stream: bool = False
) -> httpx.Response:
    """Send with retries on connection errors and retryable statuses; raise mapped errors.

    For a stream the response is returned unread (the caller owns closing it); retries happen
    only before the first byte of the body is consumed.
    """
    client = sync_client()
    attempt = 0
    while True:
        try:
            response = _send_once(client, _request(req, call, stream), stream)
        except httpx.HTTPError as exc:
            if attempt < retries:
                time.sleep(_backoff(attempt, None))
                attempt += 1
                continue
            raise _transport_error(exc, call, adapter) from exc
        if response.status_code < 400:
            return response
        try:
            content = response.read()
        except httpx.HTTPError as exc:
            raise _transport_error(exc, call, adapter) from exc
        finally:
            response.close()
        if attempt < retries and _should_retry(response.status_code):
            wait = adapter.error(call, response.status_code, content, response.headers).retry_after  # type: ignore[attr-defined]
            time.sleep(_backoff(attempt, wait))
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
            response = await _asend_once(client, _request(req, call, stream), stream)
        except httpx.HTTPError as exc:
            if attempt < retries:
                await asyncio.sleep(_backoff(attempt, None))
                attempt += 1
                continue
            raise _transport_error(exc, call, adapter) from exc
        if response.status_code < 400:
            return response
        try:
            content = await response.aread()
        except httpx.HTTPError as exc:
            raise _transport_error(exc, call, adapter) from exc
        finally:
            await response.aclose()
        if attempt < retries and _should_retry(response.status_code):
            wait = adapter.error(call, response.status_code, content, response.headers).retry_after  # type: ignore[attr-defined]
            await asyncio.sleep(_backoff(attempt, wait))
            attempt += 1
            continue
        raise adapter.error(call, response.status_code, content, response.headers, response)


def close_clients() -> None:
    """Close the shared sync client (async clients close with their event loop)."""
    global _sync_client
    if _sync_client is not None:
        _sync_client.close()
        _sync_client = None


async def aclose_clients() -> None:
    """Close the async client of the running event loop now (it is recreated on next use)."""
    client = _async_clients.pop(asyncio.get_running_loop(), None)
    if client is not None:
        await client.aclose()


def transport_error(exc: Any, call: Call, adapter: Adapter) -> Exception:
    """Map an httpx error raised while reading a stream body."""
    return _transport_error(exc, call, adapter)
