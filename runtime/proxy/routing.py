"""Deployment ``rpm``/``tpm`` under the SDK's Router, counted in the gateway's limiter.

The Router keeps its per-deployment minute counters in its own process. When the config gives
deployments ``rpm``/``tpm`` and the Router is on, the gateway installs this routing strategy
(the Router's public ``set_custom_routing_strategy`` hook): it takes the Router's own choice,
then counts the request against that deployment in the gateway's limiter (one Lua step in
Redis when configured, so the limit holds across every process); a deployment with no room
left is skipped and the Router chooses again among the rest. The tokens of the call are added
to the deployment that answered when the call ends (``llm.note_deployment``). When every
deployment of the group is full, the SDK's ``RateLimitError`` lets the Router fall back, else the
client gets a 429 with ``retry-after``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from .errors import ProxyError
from .limits import Scope

if TYPE_CHECKING:
    from .app import Gateway

log = logging.getLogger("llmrelay.proxy")


def deployment_scope(gw: Gateway, deployment: dict[str, Any]) -> Scope | None:
    """The shared limits of the Router's chosen deployment, as the gateway's config gives them."""
    found = gw.router.by_id.get(str((deployment.get("model_info") or {}).get("id")))
    if found is None or (found.rpm is None and found.tpm is None):
        return None
    return Scope(f"model:{found.model_id}", found.rpm, found.tpm)


class SharedDeploymentLimits:
    """A routing strategy object for ``Router.set_custom_routing_strategy``."""

    def __init__(self, gw: Gateway, router: Any) -> None:
        self._gw = gw
        self._router = router

    def get_available_deployment(
        self,
        model: str,
        messages: list[dict[str, Any]] | None = None,
        input: Any = None,
        specific_deployment: bool | None = False,
        request_kwargs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        # The gateway only makes async calls; a sync caller gets the Router's own (per-process) choice.
        return self._choose(model, messages, input, specific_deployment, request_kwargs, frozenset())

    async def async_get_available_deployment(
        self,
        model: str,
        messages: list[dict[str, Any]] | None = None,
        input: Any = None,
        specific_deployment: bool | None = False,
        request_kwargs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        from . import llm

        full: dict[str, float] = {}  # deployment id -> seconds until it has room again
        while True:
            chosen = self._choose(
                model, messages, input, specific_deployment, request_kwargs, frozenset(full)
            )
            scope = deployment_scope(self._gw, chosen)
            if scope is None:
                return chosen
            ident = scope.name.partition(":")[2]
            if ident in full:  # the Router had nothing else to offer: every candidate is full
                raise _over_limit(model, min(full.values()))
            try:
                verdict = await self._gw.limiter.acquire([scope], llm.next_call_id())
            except Exception as exc:  # Redis unreachable: refuse rather than run this deployment unlimited
                log.warning("deployment limit check failed: %s", type(exc).__name__)
                raise ProxyError(
                    503, "Rate-limit store unavailable; try again shortly.", "service_unavailable"
                ) from exc
            if verdict.ok:
                return chosen
            full[ident] = verdict.retry_after

    def _choose(
        self,
        model: str,
        messages: Any,
        input: Any,
        specific: bool | None,
        request_kwargs: dict[str, Any] | None,
        skip: frozenset[str],
    ) -> dict[str, Any]:
        # The Router's own selection (strategy, cooldowns, order, context checks, pins), minus
        # the deployments already found full. ``_select`` is the method its own path calls.
        return self._router._select(model, messages, input, bool(specific), request_kwargs, skip)


def _over_limit(model: str, retry_after: float) -> Exception:
    from llmrelay import exceptions

    return exceptions.get_class("RateLimitError")(
        message=(
            f"Rate limit reached for every deployment of model '{model}' (their rpm/tpm in the "
            f"gateway's config). Retry after {retry_after:.1f}s."
        ),
        llm_provider="",
        model=model,
        retry_after=retry_after,
    )


def install(gw: Gateway) -> None:
    """Route through the shared counters when the Router is on and a deployment has rpm/tpm."""
    router = gw.sdk_router
    if router is None or not any(d.rpm is not None or d.tpm is not None for d in gw.router.by_id.values()):
        return
    router.set_custom_routing_strategy(SharedDeploymentLimits(gw, router))
