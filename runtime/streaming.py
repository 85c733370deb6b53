"""Stream wrappers: OpenAI-shaped chunks out of any dialect's event stream, sync and async.

A :class:`CustomStreamWrapper` is an iterator (and async iterator) *and* a context manager; the
underlying HTTP response is always released — at the end, on error, on ``close()`` or when the
``with`` block exits. Callbacks fire exactly once: success with the assembled response when
the stream ends, failure when it breaks or is closed early.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx

from . import http
from .adapter import Adapter, Call
from .sse import DECODERS
from .types import ModelResponse, ModelResponseStream, Usage

logger = logging.getLogger("llmrelay")


class CustomStreamWrapper:
    """Iterate chunks with ``for`` (sync) or ``async for`` (async calls)."""

    def __init__(
        self,
        adapter: Adapter,
        call: Call,
        response: httpx.Response | None,
        translator: Any,
        *,
        finalize: Any = None,
        chunks: list[ModelResponseStream] | None = None,
    ) -> None:
        self.adapter = adapter
        self.call = call
        self.model = call.model
        self.custom_llm_provider = adapter.provider
        # LiteLLM's stream wrapper carries the call's metadata too (`stream._hidden_params["custom_llm_provider"]`).
        self._hidden_params: dict[str, Any] = {
            "custom_llm_provider": adapter.provider,
            "model": call.model,
            "model_id": f"{adapter.provider}/{call.model}",
            "api_base": call.api_base,
        }
        self._response = response
        self._translator = translator
        self._decoder = DECODERS[adapter.stream_decoder]()
        self._finalize = finalize  # callable(wrapper, error) run once when the stream ends
        self._pending: deque[ModelResponseStream] = deque()
        # mock_response streams have no HTTP response: their chunks come ready-made, and a trailing
        # exception in the list is raised after them (a mock mid-stream error).
        self._prefab = chunks is not None
        self._prefab_error: BaseException | None = None
        if chunks and isinstance(chunks[-1], BaseException):
            chunks, self._prefab_error = chunks[:-1], chunks[-1]
        self.chunks: list[ModelResponseStream] = []
        self._usage: Usage | None = None  # the last usage the upstream sent
        self._settle: Any = None  # set by the finalizer: (wrapper) -> priced, assembled response
        self._settled: ModelResponse | None = None
        self._accept(chunks or [])
        self._done = False
        self._deferred: Exception | None = None
        self._sync_iter: Iterator[bytes] | None = None
        self._async_iter: AsyncIterator[bytes] | None = None

    # --- sync -------------------------------------------------------------------------------

    def __iter__(self) -> CustomStreamWrapper:
        return self

    def __next__(self) -> ModelResponseStream:
        while not self._pending:
            if self._done:
                self._raise_deferred()
                raise StopIteration
            try:
                data = self._next_bytes()
                if data is None:
                    self._drain_end()
                else:
                    self._feed(data)
            except BaseException as exc:  # a broken stream (or Ctrl-C) ends the call as a failure
                self._end(exc)
                self._close_response()
                if not self._defer(exc):
                    raise
        return self._emit()

    def _next_bytes(self) -> bytes | None:
        if self._prefab or self._response is None:
            return self._prefab_end()
        if self._sync_iter is None:
            self._sync_iter = self._response.iter_bytes()
        try:
            return next(self._sync_iter)
        except StopIteration:
            self._close_response()  # the whole body was read: give the connection back now
            return None
        except httpx.HTTPError as exc:
            raise http.transport_error(exc, self.call, self.adapter) from exc

    def _close_response(self) -> None:
        if self._response is not None:
            self._response.close()

    def close(self) -> None:
        """Release the connection; a stream closed before its end is reported as a failure."""
        if not self._done:
            self._end(_closed_early())
        self._pending.clear()  # nothing more comes out of a closed stream
        self._close_response()

    def __enter__(self) -> CustomStreamWrapper:
        return self

    def __del__(self) -> None:
        # A sync stream dropped without close() would keep its pooled connection checked out.
        # (An async response cannot be closed from here: use `async with` or aclose().)
        response = getattr(self, "_response", None)
        if response is not None and self._async_iter is None and not response.is_closed:
            try:
                response.close()
            except Exception:  # never raise from a finalizer (e.g. at interpreter exit)
                pass

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- async ------------------------------------------------------------------------------

    def __aiter__(self) -> CustomStreamWrapper:
        return self

    async def __anext__(self) -> ModelResponseStream:
        while not self._pending:
            if self._done:
                self._raise_deferred()
                raise StopAsyncIteration
            try:
                data = await self._anext_bytes()
                if data is None:
                    self._drain_end()
                    await self._aclose_response()
                else:
                    self._feed(data)
            except BaseException as exc:  # includes cancellation: the stream is over either way
                self._end(exc)
                await self._aclose_response()
                if not self._defer(exc):
                    raise
        return self._emit()

    async def _anext_bytes(self) -> bytes | None:
        if self._prefab or self._response is None:
            return self._prefab_end()
        if self._async_iter is None:
            self._async_iter = self._response.aiter_bytes()
        try:
            return await self._async_iter.__anext__()
        except StopAsyncIteration:
            return None
        except httpx.HTTPError as exc:
            raise http.transport_error(exc, self.call, self.adapter) from exc

    async def aclose(self) -> None:
        if not self._done:
            self._end(_closed_early())
        self._pending.clear()
        await self._aclose_response()

    async def _aclose_response(self) -> None:
        if self._response is not None:
            await self._response.aclose()

    async def __aenter__(self) -> CustomStreamWrapper:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- shared -----------------------------------------------------------------------------

    def _feed(self, data: bytes) -> None:
        for event in self._decoder.feed(data):
            self._accept(self._translator.feed(event.event, event.data))

    def _accept(self, chunks: list[ModelResponseStream]) -> None:
        for chunk in chunks:
            if chunk.usage is not None:
                self._usage = chunk.usage
                if not self.call.include_usage:
                    if not chunk.choices:
                        continue  # a usage-only chunk the caller did not ask for: keep the figures only
                    chunk.usage = None  # OpenAI sends usage only when asked (stream_options.include_usage)
            self._pending.append(chunk)

    def _drain_end(self) -> None:
        """The body ended: flush the decoder and translator, then finish."""
        if self._translator is not None:
            for event in self._decoder.flush():
                self._accept(self._translator.feed(event.event, event.data))
            self._accept(self._translator.close())
        self._end(None)

    def _prefab_end(self) -> None:
        error, self._prefab_error = self._prefab_error, None
        if error is not None:
            raise error

    def _defer(self, exc: BaseException) -> bool:
        """Chunks decoded before an error event are still delivered; the error follows them."""
        if self._pending and isinstance(exc, Exception):
            self._deferred = exc
            return True
        return False

    def _raise_deferred(self) -> None:
        error, self._deferred = self._deferred, None
        if error is not None:
            raise error

    def _emit(self) -> ModelResponseStream:
        chunk = self._pending.popleft()
        self.chunks.append(chunk)
        return chunk

    def _end(self, error: BaseException | None) -> None:
        """Record the outcome once; callbacks learn it from the finalizer, never twice."""
        if self._done:
            return
        self._done = True
        if self._finalize is not None:
            try:
                self._finalize(self, error)
            except Exception:  # reporting must never break the caller's stream
                logger.exception("llmrelay: stream finalizer failed")

    def settled(self) -> ModelResponse | None:
        """The whole response with usage and cost, computed once and only when asked for.

        Until the stream ends this is None; the work (rebuilding, counting tokens when the upstream
        sent no usage, pricing) is kept off the stream's last ``next()`` unless callbacks need it.
        """
        if (
            self._settled is None
            and self._done
            and self._settle is not None
            and (self.chunks or self._pending)
        ):
            self._settled = self._settle(self)
        return self._settled

    @property
    def usage(self) -> Usage | None:
        settled = self.settled()
        return settled.usage if settled is not None else self._usage

    @property
    def response_cost(self) -> float | None:
        settled = self.settled()
        return settled._hidden_params.get("response_cost") if settled is not None else None

    def assembled(self) -> ModelResponse:
        """The whole response rebuilt from the chunks seen so far (delivered or decoded)."""
        from .stream_builder import stream_chunk_builder

        return stream_chunk_builder([*self.chunks, *self._pending])


def _closed_early() -> BaseException:
    from . import exceptions

    return exceptions.get_class("APIConnectionError")(
        message="stream closed before it finished", llm_provider=None
    )
