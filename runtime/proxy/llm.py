"""The OpenAI-compatible model routes: chat (stream and not), completions, embeddings, images, models.

One path for every call: authenticate (cached), pick a deployment, admit the request against
every budget and limit in one atomic step, call the SDK, answer, then release the limits and
queue the spend row. The client disconnecting cancels the upstream call; a stream that is cut
short is charged for what was streamed.
"""

from __future__ import annotations

import asyncio
import fnmatch
import itertools
import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson

from . import metrics
from .auth import Caller
from .config import Deployment
from .errors import ProxyError, bad_request, describe, from_sdk
from .http import ClientDisconnected, Request, Response, json_response, wait_disconnect
from .limits import Scope, Verdict, retry_after_header
from .store import utcnow

if TYPE_CHECKING:
    from .app import Gateway

log = logging.getLogger("llmrelay.proxy")

# Body fields a client may not set: they would redirect the call, leak the deployment's
# credentials or change the price the gateway charges.
FORBIDDEN_PARAMS = frozenset(
    {
        "api_key",
        "api_base",
        "base_url",
        "api_version",
        "custom_llm_provider",
        "extra_headers",
        "headers",
        "model_info",
        "base_model",  # would change what the caller is charged
        "azure_ad_token",
        "azure_ad_token_provider",
        "metadata_llmrelay",
        "litellm_call_id",
        "litellm_logging_obj",
        "litellm_metadata",  # carries the deployment id a Responses ID is minted under
        "input_cost_per_token",
        "output_cost_per_token",
        "cache_read_input_token_cost",
        "cache_creation_input_token_cost",
        "output_cost_per_reasoning_token",
        "input_cost_per_token_above_200k_tokens",
        "output_cost_per_token_above_200k_tokens",
        "output_cost_per_image",
    }
)
OWNED_BY = "llmrelay"  # /models answers name the gateway as the owner; clients only display it
CREATED = 1677610602  # models have no creation time here; OpenAI clients only need a number


class ModelRouter:
    """Public model name -> deployments; several deployments of one name are shuffled."""

    def __init__(self, deployments: list[Deployment]) -> None:
        self.by_name: dict[str, list[Deployment]] = {}
        self.by_id = {d.model_id: d for d in deployments}
        self.wildcards: list[Deployment] = []
        for d in deployments:
            (self.wildcards if "*" in d.model_name else self.by_name.setdefault(d.model_name, [])).append(d)

    def names(self) -> list[str]:
        return list(self.by_name)

    def pick(self, name: str) -> Deployment | None:
        found = self.by_name.get(name)
        if found:
            return found[0] if len(found) == 1 else random.choice(found)
        for d in self.wildcards:
            if fnmatch.fnmatchcase(name, d.model_name):
                # model_name "p/*" serving model "p/*": the requested name fills the wildcard.
                model = d.model.replace("*", name.split("/", 1)[-1]) if "*" in d.model else d.model
                return Deployment(d.model_name, model, d.params, d.model_info, d.model_id, d.rpm, d.tpm)
        return None


@dataclass(slots=True)
class Call:
    """What the gateway knows about one admitted model call."""

    request_id: str
    call_type: str
    caller: Caller
    deployment: Deployment
    model_group: str
    scopes: list[Scope]
    body: dict[str, Any]
    verdict: Verdict
    started: datetime = field(default_factory=lambda: utcnow(precise=True))
    released: bool = False


# Call ids: a random per-process prefix and a counter, unique across processes and much cheaper
# than a uuid4 per request.
_ID_PREFIX = uuid.uuid4().hex[:16]
_id_counter = itertools.count(1)


def next_call_id() -> str:
    return f"{_ID_PREFIX}-{next(_id_counter):x}"


# --- admission ---------------------------------------------------------------------------------


# A route's own check of an authenticated, well-formed request, run before any limit counts it.
PreCheck = Callable[["Gateway", Caller, dict[str, Any]], Awaitable[None]]


async def admit(
    gw: Gateway, request: Request, call_type: str, required: str, check: PreCheck | None = None
) -> Call:
    caller = await gw.auth.authenticate(request.api_key())  # before reading a body of up to the limit
    body = await request.json()
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise bad_request(f"'model' must be a non-empty string, got {describe(model)}.", "model")
    _check_required(body, required)
    deployment = gw.router.pick(model)
    if deployment is None:
        raise ProxyError(
            404,
            f"The model '{model}' does not exist on this gateway; GET /v1/models lists the models you can use.",
            "invalid_request_error",
            "model_not_found",
            "model",
        )
    if not caller.allows_model(model):
        raise ProxyError(
            401,
            f"This key is not allowed to call model '{model}'.",
            "key_model_access_denied",
            "401",
            "model",
        )
    for name in FORBIDDEN_PARAMS.intersection(body):
        raise bad_request(f"'{name}' cannot be set by a client of the gateway.", name, "forbidden_param")
    scopes = list(caller.scopes)
    # With the SDK's Router the deployment is chosen inside the call: routing.py counts it there,
    # in the same limiter; here only the gateway's own pick gets a deployment scope.
    if gw.sdk_router is None and (deployment.rpm is not None or deployment.tpm is not None):
        scopes.append(Scope(f"model:{deployment.model_id}", deployment.rpm, deployment.tpm))
    if check is not None:
        await check(gw, caller, body)
    request_id = next_call_id()
    verdict = await _acquire(gw, scopes, request_id)
    return Call(request_id, call_type, caller, deployment, model, scopes, body, verdict)


def _check_required(body: dict[str, Any], required: str) -> None:
    value = body.get(required)
    if required == "messages":
        if not isinstance(value, list) or not value:
            raise bad_request(f"'messages' must be a non-empty array, got {describe(value)}.", "messages")
    elif value is None or value == "" or value == []:
        raise bad_request(f"'{required}' is required.", required)


async def _acquire(gw: Gateway, scopes: list[Scope], request_id: str) -> Verdict:
    try:
        verdict = await gw.limiter.acquire(scopes, request_id)
    except Exception as exc:  # Redis unreachable: refuse rather than run without limits
        log.warning("limit check failed: %s", type(exc).__name__)
        raise ProxyError(
            503, "Rate-limit store unavailable; try again shortly.", "service_unavailable"
        ) from exc
    if verdict.ok:
        return verdict
    kind, _, _ident = verdict.scope.partition(":")
    if verdict.reason == "budget":
        raise ProxyError(
            400,
            f"Budget has been exceeded for this {kind}: spend {verdict.spend:.6f} has reached its max_budget.",
            "budget_exceeded",
            "400",
        )
    what = {"rpm": "requests per minute", "tpm": "tokens per minute", "parallel": "parallel requests"}[
        verdict.reason
    ]
    raise ProxyError(
        429,
        f"Rate limit reached for this {kind}: {what} limit. Retry after {verdict.retry_after:.1f}s.",
        "rate_limit_error",
        "429",
        headers={"retry-after": retry_after_header(verdict.retry_after)},
    )


def sdk_kwargs(gw: Gateway, call: Call, skip: tuple[str, ...]) -> dict[str, Any]:
    kwargs = {k: v for k, v in call.body.items() if k not in skip and k != "metadata"}
    if gw.sdk_router is not None:
        kwargs["model"] = call.model_group  # the Router picks the deployment, retries, falls back
        return kwargs
    kwargs.update(call.deployment.params)
    kwargs["model"] = call.deployment.model
    cfg = gw.cfg
    if cfg.num_retries is not None:
        kwargs.setdefault("num_retries", cfg.num_retries)
    if cfg.timeout is not None:
        kwargs.setdefault("timeout", cfg.timeout)
    if cfg.drop_params is not None:
        kwargs.setdefault("drop_params", cfg.drop_params)
    return kwargs


# --- completion of a call: limits, spend, headers ----------------------------------------------------


async def finish(
    gw: Gateway,
    call: Call,
    usage: Any,
    cost: float | None,
    status: str | None = "success",
    stored: Any = None,
    error: BaseException | None = None,
) -> None:
    """Release the limits and queue the spend row (none when ``status`` is None); runs once per call.
    ``error``: the upstream failure, counted in the metrics (a client that left is not a failure)."""
    if call.released:
        return
    call.released = True
    prompt = int(getattr(usage, "prompt_tokens", 0) or 0) if usage is not None else 0
    completion = int(getattr(usage, "completion_tokens", 0) or 0) if usage is not None else 0
    total = int(getattr(usage, "total_tokens", 0) or 0) or prompt + completion
    cost = float(cost or 0.0)
    try:
        await gw.limiter.release(call.scopes, total, cost)
    except Exception as exc:
        log.warning("limit release failed: %s", type(exc).__name__)
    if gw.spend is not None and not gw.cfg.disable_spend_logs and status is not None:
        gw.spend.add(_spend_row(gw, call, prompt, completion, total, cost, status, stored))
    if status is not None or error is not None:
        metrics.record(gw, call, prompt, completion, total, cost, error)


def _spend_row(
    gw: Gateway, call: Call, prompt: int, completion: int, total: int, cost: float, status: str, stored: Any
) -> dict[str, Any]:
    caller = call.caller
    store = gw.cfg.store_prompts
    end_user = call.body.get("user")
    return {
        "request_id": call.request_id,
        "call_type": call.call_type,
        "api_key": caller.token or "master_key",
        "spend": cost,
        "total_tokens": total,
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "start_time": call.started,
        "end_time": utcnow(precise=True),
        "model": call.deployment.model,
        "model_group": call.model_group,
        "model_id": call.deployment.model_id,
        "custom_llm_provider": call.deployment.model.split("/", 1)[0]
        if "/" in call.deployment.model
        else None,
        "api_base": call.deployment.api_base,
        "user_id": caller.user_id,
        "team_id": caller.team_id,
        "end_user": end_user if isinstance(end_user, str) else None,
        "status": status,
        "metadata": _row_metadata(caller, call.body),
        "messages": _prompt_of(call.body) if store else None,
        "response": stored if store else None,
    }


def _row_metadata(caller: Caller, body: dict[str, Any]) -> dict[str, Any] | None:
    """The key's alias and the request's tags (``metadata.tags``, as LiteLLM records them)."""
    meta: dict[str, Any] = {}
    if caller.key_alias:
        meta["user_api_key_alias"] = caller.key_alias
    tags = body.get("metadata", {}).get("tags") if isinstance(body.get("metadata"), dict) else None
    if isinstance(tags, list) and all(isinstance(t, str) for t in tags):
        meta["tags"] = tags[:50]
    return meta or None


def _prompt_of(body: dict[str, Any]) -> Any:
    for name in ("messages", "prompt", "input"):
        if name in body:
            return body[name]
    return None


def call_headers(call: Call, cost: float | None) -> list[tuple[bytes, bytes]]:
    headers = [(b"x-litellm-call-id", call.request_id.encode())]
    if cost is not None:
        headers.append((b"x-litellm-response-cost", repr(float(cost)).encode()))
    headers.append((b"x-litellm-model-id", call.deployment.model_id.encode()))
    v = call.verdict
    if v.limit_requests is not None and v.remaining_requests is not None:
        headers.append((b"x-ratelimit-limit-requests", str(v.limit_requests).encode()))
        headers.append((b"x-ratelimit-remaining-requests", str(v.remaining_requests).encode()))
    if v.limit_tokens is not None and v.remaining_tokens is not None:
        headers.append((b"x-ratelimit-limit-tokens", str(v.limit_tokens).encode()))
        headers.append((b"x-ratelimit-remaining-tokens", str(v.remaining_tokens).encode()))
    return headers


# --- non-streaming calls ------------------------------------------------------------------------


async def _run_cancellable(request: Request, coro: Any) -> Any:
    """Await the SDK call in this task; a watcher cancels it if the client disconnects first."""
    me = asyncio.current_task()
    assert me is not None
    gone = False

    async def watch() -> None:
        nonlocal gone
        await wait_disconnect(request.receive)
        gone = True
        me.cancel()

    watcher = asyncio.ensure_future(watch())
    try:
        result = await coro
    except asyncio.CancelledError:
        if gone:
            raise ClientDisconnected from None
        raise
    finally:
        watcher.cancel()
    if gone and hasattr(me, "uncancel"):
        # The client left just as the call finished: withdraw the pending cancel so that
        # the limits are still released and the spend still recorded.
        me.uncancel()
    return result


async def _simple_call(
    gw: Gateway, request: Request, call_type: str, required: str, fn_name: str, check: PreCheck | None = None
) -> Response:
    call = await admit(gw, request, call_type, required, check)
    return await _complete(gw, request, call, fn_name)


async def _complete(
    gw: Gateway,
    request: Request,
    call: Call,
    fn_name: str,
    after: Callable[[Any], Awaitable[None]] | None = None,
) -> Response:
    """Call the SDK, answer, release the limits and queue the spend row; ``after`` sees the result
    before the client does (the Responses route records who owns the response ID there)."""
    kwargs = sdk_kwargs(gw, call, ("model",))
    try:
        result = await _run_cancellable(request, sdk_function(gw, fn_name)(**kwargs))
    except ClientDisconnected:
        await finish(gw, call, None, 0.0, status=None)
        raise
    except Exception as exc:
        await finish(gw, call, None, 0.0, status=None, error=exc)
        raise _as_proxy_error(exc) from None
    note_deployment(gw, call, result)
    cost = (getattr(result, "_hidden_params", None) or {}).get("response_cost")
    if after is not None:
        try:
            await after(result)
        except BaseException:
            await finish(gw, call, getattr(result, "usage", None), cost, "success")
            raise
    body = result.model_dump_json(exclude_none=True).encode()
    stored = orjson.loads(body) if gw.cfg.store_prompts else None
    await finish(gw, call, getattr(result, "usage", None), cost, "success", stored)
    return Response(body, 200, [(b"content-type", b"application/json"), *call_headers(call, cost)])


def sdk_function(gw: Gateway, name: str) -> Any:
    import llmrelay

    return getattr(gw.sdk_router if gw.sdk_router is not None else llmrelay, name)


def note_deployment(gw: Gateway, call: Call, result: Any) -> None:
    """The Router may have answered from another deployment (or a fallback group): record that one."""
    if gw.sdk_router is None:
        return
    hidden = getattr(result, "_hidden_params", None) or {}
    used = gw.router.by_id.get(str(hidden.get("model_id")))
    if used is not None:
        call.deployment = used
        if used.tpm is not None:
            # The tokens of the call go to the deployment that answered (routing.py admitted it).
            call.scopes.append(Scope(f"model:{used.model_id}", None, used.tpm))


def _as_proxy_error(exc: Exception) -> ProxyError:
    from llmrelay.exceptions import LLMRelayError

    if isinstance(exc, LLMRelayError):
        return from_sdk(exc)
    if isinstance(exc, ProxyError):
        return exc
    if isinstance(exc, TypeError | ValueError):
        return bad_request(str(exc))
    log.exception("SDK call failed", exc_info=exc)
    return ProxyError(500, f"Upstream call failed: {type(exc).__name__}", "internal_error")


async def chat_completions(gw: Gateway, request: Request) -> Response | None:
    call = await admit(gw, request, "acompletion", "messages")
    if call.body.get("stream"):
        await _stream_chat(gw, request, call)  # answers through request.send itself
        return None
    return await _complete(gw, request, call, "acompletion")


async def completions(gw: Gateway, request: Request) -> Response | None:
    call = await admit(gw, request, "atext_completion", "prompt")
    if call.body.get("stream"):
        await _stream_chat(gw, request, call, "atext_completion")  # text_completion chunks, then [DONE]
        return None
    return await _complete(gw, request, call, "atext_completion")


async def embeddings(gw: Gateway, request: Request) -> Response:
    return await _simple_call(gw, request, "aembedding", "input", "aembedding")


async def image_generations(gw: Gateway, request: Request) -> Response:
    return await _simple_call(gw, request, "aimage_generation", "prompt", "aimage_generation")


# --- streaming -------------------------------------------------------------------------------------

_open_streams: set[Any] = set()


async def _stream_chat(gw: Gateway, request: Request, call: Call, fn_name: str = "acompletion") -> None:
    kwargs = sdk_kwargs(gw, call, ("model",))
    try:
        stream = await sdk_function(gw, fn_name)(**kwargs)
        # Pull the first chunk before answering, so an upstream error is still an HTTP error.
        first = await stream.__anext__()
    except StopAsyncIteration:
        first = None
    except Exception as exc:
        await finish(gw, call, None, 0.0, status=None, error=exc)
        raise _as_proxy_error(exc) from None
    note_deployment(gw, call, stream)
    _open_streams.add(stream)
    try:
        await _pump(gw, request, call, stream, first)
    finally:
        _open_streams.discard(stream)


async def _pump(gw: Gateway, request: Request, call: Call, stream: Any, first: Any) -> None:
    send = request.send
    headers = [
        (b"content-type", b"text/event-stream"),
        (b"cache-control", b"no-cache"),
        (b"x-accel-buffering", b"no"),
        *call_headers(call, None),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    task = asyncio.ensure_future(_forward(send, stream, first))
    watcher = asyncio.ensure_future(wait_disconnect(request.receive))
    try:
        await asyncio.wait((task, watcher), return_when=asyncio.FIRST_COMPLETED)
    finally:
        watcher.cancel()
        if not task.done():
            task.cancel()  # the client left: stop reading from the upstream
        await asyncio.gather(task, return_exceptions=True)
        await stream.aclose()  # releases the upstream connection; prices what was streamed
        complete = task.done() and not task.cancelled() and task.exception() is None
        status = "success" if complete else "partial"
        await finish(
            gw, call, stream.usage, stream.response_cost, status, _stored(gw, stream) if complete else None
        )


def _stored(gw: Gateway, stream: Any) -> Any:
    if not gw.cfg.store_prompts or not stream.chunks:
        return None
    return stream.assembled().model_dump(mode="json", exclude_none=True)


async def _forward(send: Any, stream: Any, first: Any) -> None:
    try:
        if first is not None:
            await send(_event(first))
            async for chunk in stream:
                await send(_event(chunk))
        await send({"type": "http.response.body", "body": b"data: [DONE]\n\n", "more_body": False})
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        # Headers are gone already: report the error as an SSE event, as OpenAI does.
        err = _as_proxy_error(exc)
        payload = b"data: " + err.body() + b"\n\n"
        await send({"type": "http.response.body", "body": payload, "more_body": False})
        raise


def _event(chunk: Any) -> dict[str, Any]:
    data = chunk.model_dump_json(exclude_none=True).encode()
    return {"type": "http.response.body", "body": b"data: " + data + b"\n\n", "more_body": True}


async def close_streams() -> None:
    for stream in list(_open_streams):
        await stream.aclose()


# --- models -----------------------------------------------------------------------------------------


def _visible_models(gw: Gateway, caller: Caller) -> list[str]:
    return [name for name in gw.router.names() if caller.allows_model(name)]


async def list_models(gw: Gateway, request: Request) -> Response:
    caller = await gw.auth.authenticate(request.api_key())
    data = [
        {"id": n, "object": "model", "created": CREATED, "owned_by": OWNED_BY}
        for n in _visible_models(gw, caller)
    ]
    return json_response({"object": "list", "data": data})


async def retrieve_model(gw: Gateway, request: Request) -> Response:
    caller = await gw.auth.authenticate(request.api_key())
    name = request.scope["path_param"]
    if name not in _visible_models(gw, caller):
        raise ProxyError(
            404, f"The model '{name}' does not exist on this gateway.", code="model_not_found", param="model"
        )
    return json_response({"id": name, "object": "model", "created": CREATED, "owned_by": OWNED_BY})


_SECRET_WORDS = ("key", "secret", "token", "password", "credential", "auth", "headers")


def _secret(name: str) -> bool:
    """Parameters that may carry credentials never leave the gateway (cost fields are fine)."""
    lowered = name.lower()
    return any(w in lowered for w in _SECRET_WORDS) and not lowered.endswith(("_cost", "_per_token"))


async def model_info(gw: Gateway, request: Request) -> Response:
    """LiteLLM's ``/model/info``: each deployment with its model table row (no credentials)."""
    import llmrelay

    caller = await gw.auth.authenticate(request.api_key())
    data = []
    for name in _visible_models(gw, caller):
        for d in gw.router.by_name[name]:
            try:
                info = dict(llmrelay.get_model_info(d.model))
            except Exception:
                info = {}
            info.update(d.model_info)
            info["id"] = d.model_id
            params = {k: v for k, v in d.params.items() if not _secret(k)}
            data.append(
                {"model_name": name, "litellm_params": {"model": d.model, **params}, "model_info": info}
            )
    return json_response({"data": data})
