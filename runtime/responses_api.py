"""The Responses API: ``responses`` / ``aresponses`` (LiteLLM's names), for every provider.

A provider whose spec declares the ``responses`` capability is called at its own
``POST /responses``; its answers and stream events parse straight into the canonical types and
keep the provider's IDs. Every other provider is reached through chat completions: the
Responses request becomes a chat request, the chat answer becomes a Responses object whose ID
encodes the provider, the deployment and the provider's own response ID (``runtime/ids.py``).

A bridged provider keeps no conversation state, so ``previous_response_id`` is served from an
in-process store of the conversations this process created (bounded, least recently used
evicted). An ID the store does not hold (made by another process, or evicted) is an error that
says so: the history is never dropped silently.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

from . import exceptions, hooks, http, main, params, registry
from .adapter import Adapter, Call
from .ids import decode_response_id, encode_response_id
from .responses_types import ResponseAPIUsage, ResponsesAPIResponse, ResponsesAPIStreamEvent
from .sse import SSEDecoder
from .transforms import responses as bridge

# Responses parameters with no chat counterpart: echoed on the response, never sent.
_ECHO_ONLY = frozenset(
    {"metadata", "store", "include", "truncation", "stream_options", "safety_identifier", "prompt_cache_key"}
)
# Responses parameters chat completions cannot carry.
_NOT_BRIDGEABLE = frozenset({"background", "conversation", "prompt", "max_tool_calls"})
# Request fields echoed on a bridged response, with OpenAI's values when the caller set none.
_ECHO_DEFAULTS: dict[str, Any] = {
    "instructions": None,
    "max_output_tokens": None,
    "parallel_tool_calls": True,
    "previous_response_id": None,
    "reasoning": None,
    "store": True,
    "temperature": None,
    "text": {"format": {"type": "text"}},
    "tool_choice": "auto",
    "tools": [],
    "top_p": None,
    "truncation": "disabled",
    "user": None,
    "metadata": {},
}
STORE_SIZE = 1024  # conversations kept for previous_response_id on bridged providers


# --- the in-process conversation store ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Conversation:
    provider: str
    model: str
    messages: tuple[dict[str, Any], ...]  # chat messages so far, without the instructions


class ConversationStore:
    """A bounded LRU map from encoded response ID to the conversation that produced it."""

    def __init__(self, size: int = STORE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[str, Conversation] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, response_id: str, conversation: Conversation) -> None:
        with self._lock:
            self._items[response_id] = conversation
            self._items.move_to_end(response_id)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def get(self, response_id: str) -> Conversation | None:
        with self._lock:
            found = self._items.get(response_id)
            if found is not None:
                self._items.move_to_end(response_id)
            return found

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


STORE = ConversationStore()


# --- public calls ----------------------------------------------------------------------------------


def responses(input: Any = None, model: str | None = None, **kwargs: Any) -> Any:
    """Create a model response (OpenAI's ``POST /responses``) with any provider.

    Returns a :class:`ResponsesAPIResponse`, or with ``stream=True`` a :class:`ResponsesStream`
    of typed events (``response.created`` … ``response.output_text.delta`` … ``response.completed``).
    """
    plan = _plan(input, model, kwargs)
    if plan.native:
        return _native_sync(plan)
    return _bridge_sync(plan)


async def aresponses(input: Any = None, model: str | None = None, **kwargs: Any) -> Any:
    """Async :func:`responses`; with ``stream=True`` iterate the result with ``async for``."""
    plan = _plan(input, model, kwargs)
    if plan.native:
        return await _native_async(plan)
    return await _bridge_async(plan)


# --- planning: which path, and what the request holds ---------------------------------------------


@dataclass(slots=True)
class _Plan:
    model: str
    provider: str
    wire_model: str
    native: bool
    input: list[dict[str, Any]] | str
    kwargs: dict[str, Any]
    stream: bool


def _plan(input: Any, model: str | None, kwargs: dict[str, Any]) -> _Plan:
    if not model:
        exceptions.raise_error("BadRequestError", "'model' is required", param="model")
    if not (isinstance(input, str) and input) and not (isinstance(input, list) and input):
        exceptions.raise_error(
            "BadRequestError",
            "'input' must be a non-empty string or a non-empty list of input items",
            param="input",
        )
    provider, wire_model = registry.split_model(model, kwargs.get("custom_llm_provider"))
    adapter = registry.get_adapter(provider)
    # A mock answer never touches the network, so it always takes the chat path (which mocks).
    native = "responses" in adapter.capabilities and "mock_response" not in kwargs
    kwargs = {k: v for k, v in kwargs.items() if v is not None}
    text_format = kwargs.pop("text_format", None)
    if text_format is not None and "text" not in kwargs:
        kwargs["text"] = _text_param(text_format)
    if isinstance(input, list):  # output items sent back as input: plain dicts, without null fields
        input = bridge.input_items(input)
        bad = next((i for i, item in enumerate(input) if not isinstance(item, dict)), None)
        if bad is not None:
            exceptions.raise_error(
                "BadRequestError", f"input[{bad}] must be an input item object", param="input"
            )
    return _Plan(model, provider, wire_model, native, input, kwargs, bool(kwargs.get("stream")))


def _text_param(text_format: Any) -> dict[str, Any]:
    """LiteLLM's ``text_format=`` (a pydantic model class, or a chat ``response_format``) as
    the Responses ``text`` parameter: ``{"format": {"type": "json_schema", "name", "schema", "strict"}}``."""
    fmt = params.response_format_param(text_format) if isinstance(text_format, type) else text_format
    if not isinstance(fmt, dict):
        exceptions.raise_error(
            "BadRequestError",
            "text_format must be a pydantic model class or a response_format dict",
            param="text_format",
        )
    flat = {"type": fmt.get("type", "json_schema"), **(fmt.get("json_schema") or {})}
    return {"format": flat}


def _previous(plan: _Plan) -> dict[str, Any] | None:
    """The decoded previous_response_id, refused when it belongs to another provider."""
    previous = plan.kwargs.get("previous_response_id")
    if previous is None:
        return None
    decoded = decode_response_id(previous)
    owner = decoded["custom_llm_provider"]
    if owner is not None and owner != plan.provider:
        where = f"{owner}/{decoded['model_id']}" if decoded["model_id"] else owner
        exceptions.raise_error(
            "BadRequestError",
            f"previous_response_id {previous!r} was created by {where}; continue that conversation with "
            f"the same provider (model={owner}/...), not {plan.provider!r}",
            llm_provider=plan.provider,
            model=plan.wire_model,
            param="previous_response_id",
        )
    return dict(decoded)


# --- native: the provider's own /responses -------------------------------------------------------


def _native_call(plan: _Plan) -> tuple[Adapter, Call, dict[str, Any]]:
    control, call_params = main._split_kwargs(plan.kwargs)
    decoded = _previous(plan)
    if decoded is not None:
        call_params["previous_response_id"] = decoded["response_id"]  # the provider knows only its own ID
    call_params["input"] = plan.input
    adapter, call = main._make_call(plan.model, "responses", control, call_params)
    return adapter, call, control


def _native_sync(plan: _Plan) -> Any:
    started_wall, started = time.time(), time.perf_counter()
    adapter, call, control = _native_call(plan)
    log_kwargs = _log_kwargs(plan, call, control)
    if log_kwargs is not None:
        hooks.pre_call(plan.model, plan.input, log_kwargs)
    try:
        request = adapter.responses_request(call)  # type: ignore[attr-defined]
        if call.stream:
            response = http.send(adapter, call, request, main._retries(control), stream=True)
            events = _native_events(adapter, call, response, log_kwargs, started_wall)
            return ResponsesStream(events, None, call, source=response, prompt=plan.input)
        response = http.send(adapter, call, request, main._retries(control))
        result = _attach(adapter.parse_responses(call, response.content), call, started)  # type: ignore[attr-defined]
    except Exception as exc:
        main._report("failure", log_kwargs, exc, started_wall)
        raise
    main._report("success", log_kwargs, result, started_wall)
    return result


async def _native_async(plan: _Plan) -> Any:
    started_wall, started = time.time(), time.perf_counter()
    adapter, call, control = _native_call(plan)
    log_kwargs = _log_kwargs(plan, call, control)
    if log_kwargs is not None:
        await hooks.async_pre_call(plan.model, plan.input, log_kwargs)
    try:
        request = adapter.responses_request(call)  # type: ignore[attr-defined]
        if call.stream:
            response = await http.asend(adapter, call, request, main._retries(control), stream=True)
            events = _anative_events(adapter, call, response, log_kwargs, started_wall)
            return ResponsesStream(None, events, call, source=response, prompt=plan.input)
        response = await http.asend(adapter, call, request, main._retries(control))
        result = _attach(adapter.parse_responses(call, response.content), call, started)  # type: ignore[attr-defined]
    except Exception as exc:
        main._report("failure", log_kwargs, exc, started_wall)
        raise
    main._report("success", log_kwargs, result, started_wall)
    return result


def _log_kwargs(plan: _Plan, call: Call, control: dict[str, Any]) -> dict[str, Any] | None:
    """What callbacks receive (None when nobody listens, so the hot path builds nothing).

    The Responses ``input`` stands where chat's messages do, as LiteLLM logs it.
    """
    if not hooks.any_registered():
        return None
    return main._kwargs_for_log(plan.model, plan.input, control, call.params)


def _attach(result: ResponsesAPIResponse, call: Call, started: float) -> ResponsesAPIResponse:
    hidden = result._hidden_params
    hidden.update(custom_llm_provider=call.provider, model=call.model, api_base=call.api_base)
    hidden["model_id"] = f"{call.provider}/{call.model}"
    hidden["response_cost"] = main._cost(result, call)  # Responses usage reads as chat usage too
    result._response_ms = (time.perf_counter() - started) * 1000
    return result


def _native_events(
    adapter: Adapter, call: Call, response: Any, log_kwargs: dict[str, Any] | None, started: float
) -> Iterator[ResponsesAPIStreamEvent]:
    import httpx

    translator = adapter.new_responses_stream(call)  # type: ignore[attr-defined]
    decoder = SSEDecoder()  # the Responses API streams Server-Sent Events
    final: list[ResponsesAPIResponse] = []
    try:
        for data in response.iter_bytes():
            for event in decoder.feed(data):
                yield from _noted(translator.feed(event.event, event.data), final)
        for event in decoder.flush():
            yield from _noted(translator.feed(event.event, event.data), final)
        yield from _noted(translator.close(), final)
    except httpx.HTTPError as exc:
        error = http.transport_error(exc, call, adapter)
        main._report("failure", log_kwargs, error, started)
        raise error from exc
    except BaseException as exc:  # an error event, or the caller closed the stream early
        main._report("failure", log_kwargs, _reportable(exc, call), started)
        raise
    finally:
        response.close()
    _settle(final, call, log_kwargs, started)


async def _anative_events(
    adapter: Adapter, call: Call, response: Any, log_kwargs: dict[str, Any] | None, started: float
) -> AsyncIterator[ResponsesAPIStreamEvent]:
    import httpx

    translator = adapter.new_responses_stream(call)  # type: ignore[attr-defined]
    decoder = SSEDecoder()
    final: list[ResponsesAPIResponse] = []
    try:
        async for data in response.aiter_bytes():
            for event in decoder.feed(data):
                for item in _noted(translator.feed(event.event, event.data), final):
                    yield item
        for event in decoder.flush():
            for item in _noted(translator.feed(event.event, event.data), final):
                yield item
        for item in _noted(translator.close(), final):
            yield item
    except httpx.HTTPError as exc:
        error = http.transport_error(exc, call, adapter)
        main._report("failure", log_kwargs, error, started)
        raise error from exc
    except BaseException as exc:
        main._report("failure", log_kwargs, _reportable(exc, call), started)
        raise
    finally:
        await response.aclose()
    _settle(final, call, log_kwargs, started)


def _reportable(exc: BaseException, call: Call) -> BaseException:
    """Closing a stream before it ends is reported as a connection that did not finish."""
    if isinstance(exc, GeneratorExit | asyncio.CancelledError):
        return exceptions.get_class("APIConnectionError")(
            message="stream closed before it finished", llm_provider=call.provider, model=call.model
        )
    return exc


_FINAL_EVENTS = frozenset({"response.completed", "response.incomplete", "response.failed"})


def _noted(
    events: list[ResponsesAPIStreamEvent], final: list[ResponsesAPIResponse]
) -> list[ResponsesAPIStreamEvent]:
    """Pass events through, keeping the response the stream ends with."""
    for event in events:
        if event.type in _FINAL_EVENTS and event.response is not None:
            final.append(event.response)
    return events


def _settle(
    final: list[ResponsesAPIResponse], call: Call, log_kwargs: dict[str, Any] | None, started: float
) -> None:
    """The stream ended: price the final response and tell the callbacks."""
    if not final:
        return
    result = final[-1]
    result._hidden_params.update(custom_llm_provider=call.provider, model=call.model)
    result._hidden_params["response_cost"] = main._cost(result, call)
    main._report("success", log_kwargs, result, started)


# --- bridge: through chat completions -------------------------------------------------------------


@dataclass(slots=True)
class _Bridge:
    """A Responses request turned into a chat request, plus what the answer must echo."""

    history: tuple[dict[str, Any], ...]  # the earlier turns (from previous_response_id)
    turn: list[dict[str, Any]]  # this request's input, as chat messages
    system: list[dict[str, Any]]  # the instructions (never carried to the next turn)
    chat_kwargs: dict[str, Any]
    echo: dict[str, Any]
    store: bool
    model_id: str | None

    @property
    def messages(self) -> list[dict[str, Any]]:
        return [*self.system, *self.history, *self.turn]


def _bridge_request(plan: _Plan) -> _Bridge:
    kwargs = dict(plan.kwargs)
    history = _history(plan)
    echo = {k: kwargs.get(k, default) for k, default in _ECHO_DEFAULTS.items()}
    try:
        turn = bridge.items_to_messages(bridge.input_items(plan.input))
        chat_kwargs = _chat_kwargs(plan, kwargs)
    except ValueError as exc:
        exceptions.raise_error("BadRequestError", str(exc), llm_provider=plan.provider, model=plan.wire_model)
        raise AssertionError from exc
    instructions = kwargs.get("instructions")
    system = [{"role": "system", "content": instructions}] if instructions else []
    return _Bridge(history, turn, system, chat_kwargs, echo, bool(echo["store"]), _model_id(kwargs))


def _history(plan: _Plan) -> tuple[dict[str, Any], ...]:
    decoded = _previous(plan)
    if decoded is None:
        return ()
    previous = plan.kwargs["previous_response_id"]
    found = STORE.get(previous)
    if found is None:
        exceptions.raise_error(
            "BadRequestError",
            f"previous_response_id {previous!r}: the conversation history is not available in this "
            f"process. {plan.provider!r} is reached through chat completions and keeps no conversation "
            "state; llmrelay keeps the history of the responses this process created in memory (the last "
            f"{STORE.size}, with store=True). Send the earlier turns in 'input' instead.",
            llm_provider=plan.provider,
            model=plan.wire_model,
            param="previous_response_id",
        )
        raise AssertionError
    return found.messages


def _chat_kwargs(plan: _Plan, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Chat completion keywords for the Responses keywords (ValueError names what cannot go)."""
    refused = sorted(k for k in _NOT_BRIDGEABLE if k in kwargs)
    drop = kwargs.get("drop_params", main._package().drop_params)
    if refused and not drop:
        exceptions.raise_error(
            "UnsupportedParamsError",
            f"{plan.provider} answers Responses requests through chat completions, which cannot carry: "
            f"{', '.join(refused)}. Pass drop_params=True to drop them.",
            llm_provider=plan.provider,
            model=plan.wire_model,
        )
    skip = (
        _ECHO_ONLY
        | _NOT_BRIDGEABLE
        | {"instructions", "previous_response_id", "model_info", "litellm_metadata"}
    )
    out = {k: v for k, v in kwargs.items() if k not in skip}
    if "tools" in out:
        out["tools"] = bridge.tools_to_chat(out["tools"])
        if not out["tools"]:
            del out["tools"]
    if "tool_choice" in out:
        out["tool_choice"] = bridge.tool_choice_to_chat(out["tool_choice"])
    if "max_output_tokens" in out:
        out["max_tokens"] = out.pop("max_output_tokens")
    reasoning = out.pop("reasoning", None) or {}
    if reasoning.get("effort"):
        out["reasoning_effort"] = reasoning["effort"]
    text = out.pop("text", None) or {}  # text.verbosity is echoed only: OpenAI answers natively
    response_format = bridge.text_to_response_format(text)
    if response_format is not None:
        out["response_format"] = response_format
    if "top_logprobs" in out:
        out["logprobs"] = True
    return out


def _model_id(kwargs: dict[str, Any]) -> str | None:
    """The deployment ID a router passed (LiteLLM's ``model_info.id``), if any."""
    info = kwargs.get("model_info") or (kwargs.get("litellm_metadata") or {}).get("model_info") or {}
    return info.get("id") if isinstance(info, dict) else None


def _bridge_sync(plan: _Plan) -> Any:
    request = _bridge_request(plan)
    result = main.completion(plan.model, request.messages, **request.chat_kwargs)
    if plan.stream:
        return ResponsesStream(_bridge_events(plan, request, result), None, None, source=result)
    return _from_chat(plan, request, result)


async def _bridge_async(plan: _Plan) -> Any:
    request = _bridge_request(plan)
    result = await main.acompletion(plan.model, request.messages, **request.chat_kwargs)
    if plan.stream:
        return ResponsesStream(None, _abridge_events(plan, request, result), None, source=result)
    return _from_chat(plan, request, result)


def _encoded_id(plan: _Plan, request: _Bridge, hidden: dict[str, Any], raw_id: str) -> str:
    provider = hidden.get("custom_llm_provider") or plan.provider
    return encode_response_id(provider, request.model_id or hidden.get("model") or plan.wire_model, raw_id)


def _from_chat(plan: _Plan, request: _Bridge, chat: Any) -> ResponsesAPIResponse:
    choice = chat.choices[0]
    status, incomplete = bridge.status_for(choice.finish_reason)
    hidden = chat._hidden_params
    response = ResponsesAPIResponse.model_validate(
        {
            **request.echo,
            "id": _encoded_id(plan, request, hidden, chat.id),
            "created_at": chat.created,
            "model": chat.model or plan.wire_model,
            "status": status,
            "incomplete_details": incomplete,
            "output": bridge.chat_to_output(choice.message),
            "usage": bridge.usage_from_chat(chat.usage),
        }
    )
    response._hidden_params.update(hidden)
    response._response_ms = chat._response_ms
    _remember(plan, request, response, choice.message)
    return response


def _remember(plan: _Plan, request: _Bridge, response: ResponsesAPIResponse, message: Any) -> None:
    if not request.store:
        return
    reply = message.model_dump(exclude_none=True)
    reply.setdefault("content", None)
    STORE.put(
        response.id,
        Conversation(plan.provider, plan.wire_model, (*request.history, *request.turn, reply)),
    )


def _stream_final(
    plan: _Plan, request: _Bridge, settled: Any, builder: bridge.ChunkEventBuilder
) -> ResponsesAPIResponse:
    """The response a finished bridged stream describes: the streamed items, usage, and the
    encoded ID every event of the stream carried."""
    status, incomplete = bridge.status_for(builder.finish_reason)
    response = ResponsesAPIResponse.model_validate(
        {
            **request.echo,
            "id": builder.response_id or _encoded_id(plan, request, settled._hidden_params, settled.id),
            "created_at": settled.created,
            "model": settled.model or plan.wire_model,
            "status": status,
            "incomplete_details": incomplete,
            "output": builder.items,
            "usage": bridge.usage_from_chat(settled.usage),
        }
    )
    response._hidden_params.update(settled._hidden_params)
    _remember(plan, request, response, settled.choices[0].message)
    return response


def _bridge_events(plan: _Plan, request: _Bridge, stream: Any) -> Iterator[ResponsesAPIStreamEvent]:
    builder = _builder(plan, request, stream)
    try:
        for chunk in stream:
            yield from builder.feed(chunk)
        yield from _closing(plan, request, stream, builder)
    finally:
        stream.close()


async def _abridge_events(
    plan: _Plan, request: _Bridge, stream: Any
) -> AsyncIterator[ResponsesAPIStreamEvent]:
    builder = _builder(plan, request, stream)
    try:
        async for chunk in stream:
            for event in builder.feed(chunk):
                yield event
        for event in _closing(plan, request, stream, builder):
            yield event
    finally:
        await stream.aclose()


def _builder(plan: _Plan, request: _Bridge, stream: Any) -> bridge.ChunkEventBuilder:
    """The event builder, minting the encoded response ID from the first chunk's ID with the same
    inputs a non-stream call uses, so ``response.created`` already carries the final ID."""
    hidden = stream._hidden_params

    def encode(raw_id: str) -> str:
        return _encoded_id(plan, request, hidden, raw_id)

    return bridge.ChunkEventBuilder(dict(request.echo), encode)


def _closing(
    plan: _Plan, request: _Bridge, stream: Any, builder: bridge.ChunkEventBuilder
) -> list[ResponsesAPIStreamEvent]:
    """Close the open items, then ``response.completed`` with the final (encoded) response."""
    settled = stream.settled() or stream.assembled()
    if settled is None or not builder.started:
        exceptions.raise_error(
            "APIError",
            "the provider's stream ended without sending anything",
            llm_provider=plan.provider,
            model=plan.wire_model,
            status_code=502,
        )
    events = builder.close_items()
    return events + builder.finish(_stream_final(plan, request, settled, builder))


# --- the stream object ---------------------------------------------------------------------------


class ResponsesStream:
    """Typed Responses events, iterated with ``for`` (sync call) or ``async for`` (async call).

    A context manager too: leaving the block, or :meth:`close`, releases the connection. After
    the last event, :attr:`completed_response` holds the final response (the one carried by
    ``response.completed``). :attr:`usage` and :attr:`response_cost` are known however the
    stream ended: from the final response, or, for a stream closed early, from what was streamed
    (tokens counted when the provider sent no usage), so a gateway never counts for itself.
    """

    def __init__(
        self,
        events: Iterator[ResponsesAPIStreamEvent] | None,
        aevents: AsyncIterator[ResponsesAPIStreamEvent] | None,
        call: Call | None,
        *,
        source: Any = None,
        prompt: list[dict[str, Any]] | str | None = None,
    ) -> None:
        self._events = events
        self._aevents = aevents
        self.call = call
        # What holds the connection: a chat stream (bridged) or the HTTP response (native). Closed
        # directly too, because closing a generator that never started does not run its cleanup.
        self._source = source
        self._prompt = prompt  # the request's input, counted when a native stream ends early
        self._streamed: list[str] = []  # output deltas, counted when a native stream ends early
        self._counted: tuple[ResponseAPIUsage | None, float | None] | None = None
        self.completed_response: ResponsesAPIResponse | None = None

    def _seen(self, event: ResponsesAPIStreamEvent) -> ResponsesAPIStreamEvent:
        if event.type in _FINAL_EVENTS:
            self.completed_response = event.response
        elif event.type.endswith(".delta") and isinstance(getattr(event, "delta", None), str):
            self._streamed.append(event.delta)
        return event

    def __iter__(self) -> ResponsesStream:
        return self

    def __next__(self) -> ResponsesAPIStreamEvent:
        if self._events is None:
            raise TypeError("this stream came from aresponses(): iterate it with 'async for'")
        return self._seen(next(self._events))

    def __aiter__(self) -> ResponsesStream:
        return self

    async def __anext__(self) -> ResponsesAPIStreamEvent:
        if self._aevents is None:
            raise TypeError("this stream came from responses(): iterate it with 'for'")
        return self._seen(await self._aevents.__anext__())

    def close(self) -> None:
        if self._events is not None:
            self._events.close()  # type: ignore[attr-defined]
        if self._source is not None:
            self._source.close()

    async def aclose(self) -> None:
        if self._aevents is not None:
            await self._aevents.aclose()  # type: ignore[attr-defined]
        if self._source is not None:
            await self._source.aclose()

    def __enter__(self) -> ResponsesStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> ResponsesStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- usage and cost ---------------------------------------------------------------------

    @property
    def usage(self) -> ResponseAPIUsage | None:
        """The final response's usage; for a stream that ended early, the streamed part's."""
        final = self.completed_response
        if final is not None and final.usage is not None:
            return final.usage
        return self._count()[0]

    @property
    def response_cost(self) -> float | None:
        """The cost of what was streamed (None when the model has no known price)."""
        final = self.completed_response
        if final is not None and final.usage is not None:
            return final._hidden_params.get("response_cost")
        return self._count()[1]

    def _count(self) -> tuple[ResponseAPIUsage | None, float | None]:
        """Usage of a stream that ended before its final response: the counts the provider
        reported so far, and for any it did not, tokens counted in the input and in the deltas
        streamed. Priced like any response."""
        if self._counted is not None:
            return self._counted
        call = self.call or getattr(self._source, "call", None)  # bridged: the chat call
        if call is None:
            return None, None
        reported = getattr(self._source, "_usage", None)  # a bridged chat stream's upstream usage
        prompt = getattr(reported, "prompt_tokens", 0) or self._count_input(call)
        output = getattr(reported, "completion_tokens", 0) or self._count_output(call)
        usage = ResponseAPIUsage(input_tokens=prompt, output_tokens=output, total_tokens=prompt + output)
        counted = (usage, main._cost(_Priced(usage, call.model), call))
        if self._ended():
            self._counted = counted  # nothing more will stream: count once
        return counted

    def _count_input(self, call: Call) -> int:
        from .tokens import token_counter

        messages = call.params.get("messages")  # the bridged chat request, instructions and history included
        if not messages and self._prompt is not None:
            try:
                messages = bridge.items_to_messages(bridge.input_items(self._prompt))
            except (ValueError, TypeError, AttributeError):  # items with no chat form: their text
                return token_counter(model=f"{call.provider}/{call.model}", text=str(self._prompt))
        return token_counter(model=f"{call.provider}/{call.model}", messages=messages) if messages else 0

    def _count_output(self, call: Call) -> int:
        from .tokens import token_counter

        text = "".join(self._streamed)
        model = f"{call.provider}/{call.model}"
        return token_counter(model=model, text=text, count_response_tokens=True) if text else 0

    def _ended(self) -> bool:
        source = self._source
        if source is None:
            return True
        closed = getattr(source, "is_closed", None)  # an HTTP response
        return bool(closed) if closed is not None else bool(getattr(source, "_done", True))


@dataclass(frozen=True, slots=True)
class _Priced:
    """What pricing reads from a response: its usage and the model that served it."""

    usage: ResponseAPIUsage
    model: str
