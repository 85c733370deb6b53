"""Streaming ``text_completion``: OpenAI's legacy ``/completions`` stream, from any provider.

A provider with its own completions endpoint streams ``text_completion`` chunks as Server-Sent
Events (``{id, object: "text_completion", created, model, choices: [{text, index, logprobs,
finish_reason}]}``, a usage chunk with ``choices: []`` when ``stream_options.include_usage`` is
set, then ``[DONE]``); they parse straight into :class:`TextCompletionResponse` chunks. A chat
model streams chat chunks, each turned into the same ``text_completion`` chunk (LiteLLM's
``TextCompletionStreamWrapper`` does the same).

:class:`TextCompletionStreamWrapper` is an iterator (``for``) or async iterator (``async for``)
*and* a context manager: leaving the block, :meth:`close` or the end of the stream releases the
connection. Its :attr:`usage` and :attr:`response_cost` are known however the stream ended.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx

from . import exceptions, hooks, http, main, params
from .adapter import Adapter, Call, loads
from .sse import DECODERS
from .transforms.canonical import stream_error
from .types import TextChoices, TextCompletionResponse, Usage

# --- transforms, one per wire shape -----------------------------------------------------------


def text_chunk_from_sse(call: Call, adapter: Adapter, data: str) -> TextCompletionResponse | None:
    """One ``/completions`` SSE data line as a chunk (None for ``[DONE]`` and keep-alives)."""
    if not data or data == "[DONE]":
        return None
    if data.startswith('{"error"'):
        raise stream_error(call, adapter, loads(data))
    return TextCompletionResponse.model_validate_json(data)


def text_chunk_from_chat(chunk: Any) -> TextCompletionResponse:
    """A ``chat.completion.chunk`` as a ``text_completion`` chunk: each choice's content delta
    becomes its ``text``; a usage-only chunk keeps ``choices: []``."""
    choices = [
        TextChoices(
            index=choice.index,
            text=(choice.delta.content if choice.delta is not None else None) or "",
            logprobs=None,
            finish_reason=choice.finish_reason,
        )
        for choice in chunk.choices
    ]
    return TextCompletionResponse(
        id=chunk.id,
        created=chunk.created,
        model=chunk.model,
        choices=choices,
        usage=chunk.usage,
        system_fingerprint=getattr(chunk, "system_fingerprint", None),
    )


# --- the calls --------------------------------------------------------------------------------


def text_completion_stream(model: str, prompt: Any, kwargs: dict[str, Any]) -> TextCompletionStreamWrapper:
    """``text_completion(stream=True)``: the provider's completions stream, or its chat stream."""
    from .utils import uses_chat_for_text

    if uses_chat_for_text(model, kwargs.get("custom_llm_provider")):
        chat = main.completion(model, _chat_messages(prompt, kwargs), **kwargs)
        return TextCompletionStreamWrapper(_from_chat(chat), None, chat.call, chat=chat)
    adapter, call, control = _prepare(model, prompt, kwargs)
    log = _log(model, control, call)
    try:
        if "mock_response" in control:
            return _logged(_mocked(adapter, call, control, async_=False), log)
        request = adapter.text_completion_request(call)  # type: ignore[attr-defined]
        response = http.send(adapter, call, request, main._retries(control), stream=True)
    except Exception as exc:
        if log is not None:
            main._report("failure", log[0], exc, log[1])
        raise
    stream = TextCompletionStreamWrapper(_native(adapter, call, response), None, call, response=response)
    return _logged(stream, log)


async def atext_completion_stream(
    model: str, prompt: Any, kwargs: dict[str, Any]
) -> TextCompletionStreamWrapper:
    """``atext_completion(stream=True)``; iterate the result with ``async for``."""
    from .utils import uses_chat_for_text

    if uses_chat_for_text(model, kwargs.get("custom_llm_provider")):
        chat = await main.acompletion(model, _chat_messages(prompt, kwargs), **kwargs)
        return TextCompletionStreamWrapper(None, _afrom_chat(chat), chat.call, chat=chat)
    adapter, call, control = _prepare(model, prompt, kwargs)
    log = _log(model, control, call)
    try:
        if "mock_response" in control:
            return _logged(_mocked(adapter, call, control, async_=True), log)
        request = adapter.text_completion_request(call)  # type: ignore[attr-defined]
        response = await http.asend(adapter, call, request, main._retries(control), stream=True)
    except Exception as exc:
        if log is not None:
            main._report("failure", log[0], exc, log[1])
        raise
    stream = TextCompletionStreamWrapper(None, _anative(adapter, call, response), call, response=response)
    return _logged(stream, log)


_Log = tuple[dict[str, Any], float]  # what callbacks receive, and when the call started


def _log(model: str, control: dict[str, Any], call: Call) -> _Log | None:
    """None when no callback listens, so the hot path builds nothing. (A chat model's stream is
    reported by its chat stream.)"""
    if not hooks.any_registered():
        return None
    return main._kwargs_for_log(model, None, control, call.params), time.time()


def _logged(stream: TextCompletionStreamWrapper, log: _Log | None) -> TextCompletionStreamWrapper:
    stream._log = log
    return stream


def _chat_messages(prompt: Any, kwargs: dict[str, Any]) -> list[dict[str, Any]]:
    """The one user message a streamed prompt becomes (a stream answers one prompt)."""
    from .utils import _prompts

    prompts = _prompts(prompt, kwargs)
    if len(prompts) != 1:
        exceptions.raise_error(
            "BadRequestError",
            f"a chat model streams one prompt at a time; got {len(prompts)}. Call without stream=True "
            "or once per prompt",
            param="prompt",
        )
    return [{"role": "user", "content": prompts[0]}]


def _prepare(model: str, prompt: Any, kwargs: dict[str, Any]) -> tuple[Adapter, Call, dict[str, Any]]:
    payload = main._check_prompt(prompt, "text")
    adapter, call, control = main._simple(
        "text_completion", params.TEXT_COMPLETION_PARAMS, model, payload, kwargs
    )
    call.params["stream"] = True  # the wire flag: stream is a control keyword, never a parameter
    options = call.params.get("stream_options")
    call.include_usage = bool(options and options.get("include_usage"))
    return adapter, call, control


def _mocked(
    adapter: Adapter, call: Call, control: dict[str, Any], *, async_: bool
) -> TextCompletionStreamWrapper:
    """``mock_response=`` streams the mocked answer: its choices, then its usage."""
    from .mocking import mock_result

    whole = main._attach(mock_result(call, control["mock_response"]), adapter, call, time.perf_counter())
    chunks = text_chunks_from_json(whole.model_dump_json().encode())
    if async_:
        return TextCompletionStreamWrapper(None, _aiterate(chunks), call)
    return TextCompletionStreamWrapper(iter(chunks), None, call)


async def _aiterate(chunks: list[TextCompletionResponse]) -> AsyncIterator[TextCompletionResponse]:
    for chunk in chunks:
        yield chunk


# --- chunk sources ----------------------------------------------------------------------------


def text_chunks_from_json(data: bytes) -> list[TextCompletionResponse]:
    """A whole ``text_completion`` JSON answer (a server that ignored ``stream: true``) as the
    chunks a stream of it would carry: its choices, then its usage in a chunk of its own."""
    whole = TextCompletionResponse.model_validate_json(data)
    head = {"id": whole.id, "created": whole.created, "model": whole.model}
    chunks = [TextCompletionResponse(**head, choices=whole.choices)]
    if whole.usage is not None:
        chunks.append(TextCompletionResponse(**head, usage=whole.usage))
    return chunks


def _is_json(response: httpx.Response) -> bool:
    return response.headers.get("content-type", "").startswith("application/json")


def _native(adapter: Adapter, call: Call, response: httpx.Response) -> Iterator[TextCompletionResponse]:
    decoder = DECODERS[adapter.stream_decoder]()
    try:
        if _is_json(response):
            yield from text_chunks_from_json(response.read())
            return
        for data in response.iter_bytes():
            yield from _parsed(adapter, call, decoder.feed(data))
        yield from _parsed(adapter, call, decoder.flush())
    except httpx.HTTPError as exc:
        raise http.transport_error(exc, call, adapter) from exc
    finally:
        response.close()


async def _anative(
    adapter: Adapter, call: Call, response: httpx.Response
) -> AsyncIterator[TextCompletionResponse]:
    decoder = DECODERS[adapter.stream_decoder]()
    try:
        if _is_json(response):
            for chunk in text_chunks_from_json(await response.aread()):
                yield chunk
            return
        async for data in response.aiter_bytes():
            for chunk in _parsed(adapter, call, decoder.feed(data)):
                yield chunk
        for chunk in _parsed(adapter, call, decoder.flush()):
            yield chunk
    except httpx.HTTPError as exc:
        raise http.transport_error(exc, call, adapter) from exc
    finally:
        await response.aclose()


def _parsed(adapter: Adapter, call: Call, events: list[Any]) -> list[TextCompletionResponse]:
    chunks = [text_chunk_from_sse(call, adapter, event.data) for event in events]
    return [chunk for chunk in chunks if chunk is not None]


def _from_chat(chat: Any) -> Iterator[TextCompletionResponse]:
    try:
        for chunk in chat:
            yield text_chunk_from_chat(chunk)
    finally:
        chat.close()


async def _afrom_chat(chat: Any) -> AsyncIterator[TextCompletionResponse]:
    try:
        async for chunk in chat:
            yield text_chunk_from_chat(chunk)
    finally:
        await chat.aclose()


# --- the stream object ------------------------------------------------------------------------


class TextCompletionStreamWrapper:
    """``text_completion`` chunks, iterated with ``for`` (sync call) or ``async for`` (async call)."""

    def __init__(
        self,
        chunks: Iterator[TextCompletionResponse] | None,
        achunks: AsyncIterator[TextCompletionResponse] | None,
        call: Call,
        *,
        chat: Any = None,
        response: httpx.Response | None = None,
    ) -> None:
        self._chunks = chunks
        self._achunks = achunks
        self.call = call
        self.model = call.model
        self.custom_llm_provider = call.provider
        self._hidden_params: dict[str, Any] = {
            "custom_llm_provider": call.provider,
            "model": call.model,
            "model_id": f"{call.provider}/{call.model}",
            "api_base": call.api_base,
        }
        self._chat = chat  # the chat stream a chat model answers through
        # Closed directly too: closing a generator that never started does not run its cleanup.
        self._response = response
        self._text: list[str] = []
        self._usage: Usage | None = None  # the usage the upstream sent
        self.chunks: list[TextCompletionResponse] = []  # every chunk seen, as CustomStreamWrapper keeps them
        self._log: _Log | None = None
        self._ended = False  # the outcome is reported once: success at the end, failure otherwise

    def _seen(self, chunk: TextCompletionResponse) -> TextCompletionResponse:
        if chunk.usage is not None:
            self._usage = chunk.usage
        self._text.extend(choice.text for choice in chunk.choices if choice.text)
        self.chunks.append(chunk)
        return chunk

    def assembled(self) -> TextCompletionResponse:
        """The whole ``text_completion`` the chunks seen so far make: each choice's text joined,
        its last finish reason, and the stream's usage (counted when the upstream sent none)."""
        texts: dict[int, list[str]] = {}
        finish: dict[int, str | None] = {}
        for chunk in self.chunks:
            for choice in chunk.choices:
                texts.setdefault(choice.index, []).append(choice.text)
                finish[choice.index] = choice.finish_reason or finish.get(choice.index)
        first = self.chunks[0] if self.chunks else TextCompletionResponse(model=self.call.model)
        choices = [
            TextChoices(index=i, text="".join(texts[i]), finish_reason=finish[i]) for i in sorted(texts)
        ]
        whole = TextCompletionResponse(
            id=first.id, created=first.created, model=first.model, choices=choices, usage=self.usage
        )
        whole._hidden_params.update(self._hidden_params, response_cost=self.response_cost)
        return whole

    def __iter__(self) -> TextCompletionStreamWrapper:
        return self

    def __next__(self) -> TextCompletionResponse:
        if self._chunks is None:
            raise TypeError("this stream came from atext_completion(): iterate it with 'async for'")
        while True:
            try:
                chunk = self._seen(next(self._chunks))
            except StopIteration:
                self._end(None)
                raise
            except Exception as exc:
                self._end(exc)
                raise
            if chunk.choices or self.call.include_usage:
                return chunk  # a usage chunk the caller did not ask for is kept, not delivered

    def __aiter__(self) -> TextCompletionStreamWrapper:
        return self

    async def __anext__(self) -> TextCompletionResponse:
        if self._achunks is None:
            raise TypeError("this stream came from text_completion(): iterate it with 'for'")
        while True:
            try:
                chunk = self._seen(await self._achunks.__anext__())
            except StopAsyncIteration:
                self._end(None)
                raise
            except Exception as exc:
                self._end(exc)
                raise
            if chunk.choices or self.call.include_usage:
                return chunk

    def _end(self, error: BaseException | None) -> None:
        """Tell the callbacks how the stream ended, once: the whole response, or the error."""
        if self._ended:
            return
        self._ended = True
        if self._log is not None:
            kwargs, started = self._log
            if error is None:
                main._report("success", kwargs, self.assembled(), started)
            else:
                main._report("failure", kwargs, error, started)

    def _closed_early(self) -> None:
        if not self._ended:
            self._end(
                exceptions.get_class("APIConnectionError")(
                    message="stream closed before it finished",
                    llm_provider=self.call.provider,
                    model=self.call.model,
                )
            )

    def close(self) -> None:
        self._closed_early()
        if self._chunks is not None and hasattr(self._chunks, "close"):
            self._chunks.close()
        if self._chat is not None:
            self._chat.close()
        if self._response is not None:
            self._response.close()

    async def aclose(self) -> None:
        self._closed_early()
        if self._achunks is not None and hasattr(self._achunks, "aclose"):
            await self._achunks.aclose()
        if self._chat is not None:
            await self._chat.aclose()
        if self._response is not None:
            await self._response.aclose()

    def __enter__(self) -> TextCompletionStreamWrapper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> TextCompletionStreamWrapper:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- usage and cost ---------------------------------------------------------------------

    @property
    def usage(self) -> Usage | None:
        """The upstream's usage, or the prompt's and the streamed text's tokens counted."""
        if self._chat is not None:
            return self._chat.usage
        if self._usage is not None:
            return self._usage
        from .tokens import token_counter

        model = f"{self.call.provider}/{self.call.model}"
        prompt = self.call.params.get("prompt")
        prompts = [prompt] if isinstance(prompt, str) else [str(p) for p in prompt or []]
        prompt_tokens = sum(token_counter(model=model, text=p) for p in prompts)
        text = "".join(self._text)
        completion = token_counter(model=model, text=text, count_response_tokens=True) if text else 0
        return Usage(
            prompt_tokens=prompt_tokens, completion_tokens=completion, total_tokens=prompt_tokens + completion
        )

    @property
    def response_cost(self) -> float | None:
        if self._chat is not None:
            return self._chat.response_cost
        return main._cost(TextCompletionResponse(model=self.call.model, usage=self.usage), self.call)
