"""Prometheus metrics on ``GET /metrics``, under LiteLLM's metric and label names.

Turned on as in LiteLLM: ``litellm_settings: {callbacks: ["prometheus"]}`` (or ``success_callback`` /
``failure_callback``). The names are LiteLLM's so that its Grafana dashboards keep working; labels
that llmrelay does not know (``team_alias``, ``user_email``, ``client_ip``, ``user_agent``) are left
out rather than sent empty. ``hashed_api_key`` is the key's SHA-256 (the gateway never holds the raw
key after authentication); calls with the master key are labelled ``master_key``, as in spend logs.

The hot path is one dict lookup per call: the labelled children of every metric are built once per
(key, deployment, model group, end user) and reused. ``/metrics`` is open, as in LiteLLM, unless
``litellm_settings.require_auth_for_metrics_endpoint`` is true; then only the master key or a
proxy admin may read it (the labels name every key, team and user with their spend).

Several workers (``--workers N``): set ``PROMETHEUS_MULTIPROC_DIR`` to an empty, writable directory
before start-up (LiteLLM's switch too); prometheus_client then keeps every worker's values in files
there and ``/metrics`` sums them, whichever worker answers. Clear the directory between runs.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

from .errors import ProxyError
from .http import Request, Response
from .store import utcnow

if TYPE_CHECKING:
    from .app import Gateway
    from .llm import Call

CALLBACK_NAME = "prometheus"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
MASTER_LABEL = "master_key"
CACHE_LIMIT = 10_000  # label combinations kept; past this the cache starts over (children stay registered)

# Who called: LiteLLM's user/key labels that llmrelay can fill.
CALLER = ("end_user", "hashed_api_key", "api_key_alias", "team", "user")
# Seconds; a model call lasts from milliseconds (cached, mock) to minutes (long generations).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300)
DEPLOYMENT = ("litellm_model_name", "model_id", "api_base", "api_provider", "requested_model")
DEPLOYMENT_CALLER = ("hashed_api_key", "api_key_alias", "team")
EXCEPTION = ("exception_status", "exception_class")


class GatewayMetrics:
    """The gateway's metrics in a registry of its own (one gateway per registry, as tests need)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        per_call = (*CALLER, "model", "model_id")
        per_token = (*CALLER, "model", "requested_model", "model_id")
        self.requests = Counter("litellm_requests_metric", "LLM calls that completed", per_call, registry=r)
        self.spend = Counter("litellm_spend_metric", "Spend in USD", per_call, registry=r)
        self.total_tokens = Counter(
            "litellm_total_tokens_metric", "Input + output tokens", per_token, registry=r
        )
        self.input_tokens = Counter("litellm_input_tokens_metric", "Input tokens", per_token, registry=r)
        self.output_tokens = Counter("litellm_output_tokens_metric", "Output tokens", per_token, registry=r)
        self.latency = Histogram(
            "litellm_request_total_latency_metric",
            "Seconds from admission to the end of the answer (whole stream included)",
            (*CALLER, "requested_model", "model", "model_id"),
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.failed = Counter(
            "litellm_llm_api_failed_requests_metric", "LLM calls that failed", (*CALLER, "model"), registry=r
        )
        deployment = (*DEPLOYMENT, *DEPLOYMENT_CALLER)
        self.deployment_total = Counter(
            "litellm_deployment_total_requests", "Calls per deployment", deployment, registry=r
        )
        self.deployment_success = Counter(
            "litellm_deployment_success_responses", "Successful calls per deployment", deployment, registry=r
        )
        self.deployment_failure = Counter(
            "litellm_deployment_failure_responses",
            "Failed calls per deployment",
            (*DEPLOYMENT, *EXCEPTION, *DEPLOYMENT_CALLER),
            registry=r,
        )
        self._children: dict[tuple[str | None, ...], tuple[Any, ...]] = {}

    # -- recording ------------------------------------------------------------------------------
    def observe(self, call: Call, prompt: int, completion: int, total: int, cost: float) -> None:
        """A call that was answered (fully or partly streamed): count it, its tokens and its spend."""
        req, spend, tot, inp, out, lat, dep_total, dep_ok = self._success_children(call)
        req.inc()
        if cost > 0:
            spend.inc(cost)
        tot.inc(total)
        inp.inc(prompt)
        out.inc(completion)
        lat.observe((utcnow(precise=True) - call.started).total_seconds())
        dep_total.inc()
        dep_ok.inc()

    def observe_failure(self, call: Call, error: BaseException) -> None:
        """A call the upstream (or the SDK) failed: LiteLLM's failure counters, with the status."""
        caller = _caller_labels(call)
        d = call.deployment
        self.failed.labels(*caller, d.model).inc()
        dep = _deployment_labels(call)
        who = (caller[1], caller[2], caller[3])
        self.deployment_total.labels(*dep, *who).inc()
        status = str(getattr(error, "status_code", None) or getattr(error, "status", None) or 500)
        self.deployment_failure.labels(*dep, status, type(error).__name__, *who).inc()

    def _success_children(self, call: Call) -> tuple[Any, ...]:
        caller = call.caller
        end_user = call.body.get("user")
        key = (caller.token, caller.key_alias, caller.team_id, caller.user_id)
        key += (call.deployment.model_id, call.deployment.model, call.model_group)
        key += (end_user if isinstance(end_user, str) else None,)
        found = self._children.get(key)
        if found is None:
            if len(self._children) >= CACHE_LIMIT:
                self._children.clear()
            found = self._children[key] = self._build_children(call)
        return found

    def _build_children(self, call: Call) -> tuple[Any, ...]:
        who = _caller_labels(call)
        d = call.deployment
        per_call = (*who, d.model, d.model_id)
        per_token = (*who, d.model, call.model_group, d.model_id)
        dep = (*_deployment_labels(call), who[1], who[2], who[3])
        return (
            self.requests.labels(*per_call),
            self.spend.labels(*per_call),
            self.total_tokens.labels(*per_token),
            self.input_tokens.labels(*per_token),
            self.output_tokens.labels(*per_token),
            self.latency.labels(*who, call.model_group, d.model, d.model_id),
            self.deployment_total.labels(*dep),
            self.deployment_success.labels(*dep),
        )

    # -- exposition -------------------------------------------------------------------------------
    def exposition(self) -> bytes:
        if os.environ.get(MULTIPROC_ENV):
            from prometheus_client import multiprocess

            # Every worker's files, summed; this process's registry would count its own values twice.
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)


def _caller_labels(call: Call) -> tuple[str, str, str, str, str]:
    caller = call.caller
    end_user = call.body.get("user")
    return (
        end_user if isinstance(end_user, str) else "",
        caller.token or MASTER_LABEL,
        caller.key_alias or "",
        caller.team_id or "",
        caller.user_id or "",
    )


def _deployment_labels(call: Call) -> tuple[str, str, str, str, str]:
    d = call.deployment
    provider = d.model.split("/", 1)[0] if "/" in d.model else ""
    return (d.model, d.model_id, d.api_base or "", provider, call.model_group)


# -- hooks for the call path ------------------------------------------------------------------------


def record(
    gw: Gateway,
    call: Call,
    prompt: int,
    completion: int,
    total: int,
    cost: float,
    error: BaseException | None,
) -> None:
    """Called once per admitted call from ``llm.finish``; a no-op when metrics are off."""
    metrics = gw.metrics
    if metrics is None:
        return
    if error is not None:
        metrics.observe_failure(call, error)
    else:
        metrics.observe(call, prompt, completion, total, cost)


async def metrics_endpoint(gw: Gateway, request: Request) -> Response:
    if gw.metrics is None:
        raise ProxyError(
            404,
            "Metrics are off; add 'prometheus' to litellm_settings.callbacks to serve /metrics.",
            "not_found_error",
            "route_not_found",
        )
    if gw.cfg.require_auth_for_metrics:
        caller = await gw.auth.authenticate(request.api_key())
        if not caller.is_admin:
            raise ProxyError(403, "Only the master key or a proxy admin may read /metrics.", "auth_error")
    return Response(gw.metrics.exposition(), 200, [(b"content-type", CONTENT_TYPE_LATEST.encode())])
