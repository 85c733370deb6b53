"""Routing strategies: which of a group's healthy deployments takes the next call.

Each strategy is ``pick(deployments, state, rng, request) -> deployment | None`` over deployments
that are already known to be healthy (not cooling down) and of the best ``order``. The names
are LiteLLM's ``routing_strategy`` values.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import deployments as dep
from .state import RouterState


@dataclass
class Request:
    """What a strategy may look at: the estimated input tokens and the strategy's own arguments."""

    input_tokens: int = 0
    args: dict[str, Any] = field(default_factory=dict)


Strategy = Callable[[list[dict[str, Any]], RouterState, random.Random, Request], dict[str, Any] | None]


def simple_shuffle(
    group: list[dict[str, Any]], state: RouterState, rng: random.Random, request: Request
) -> dict[str, Any]:
    """A random pick, weighted by ``weight``, else ``rpm``, else ``tpm`` when the first deployment sets one.

    Like LiteLLM, the first deployment decides which key weighs; a deployment without it weighs 0.
    """
    for key in ("weight", "rpm", "tpm"):
        if dep.limit(group[0], key) is not None:
            weights = [dep.limit(d, key) or 0.0 for d in group]
            if sum(weights) > 0:
                return rng.choices(group, weights=weights)[0]
            break
    return rng.choice(group)


def least_busy(
    group: list[dict[str, Any]], state: RouterState, rng: random.Random, request: Request
) -> dict[str, Any]:
    """The deployment with the fewest calls in flight (ties broken at random)."""
    counts = [state.in_flight(d["model_info"]["id"]) for d in group]
    fewest = min(counts)
    return rng.choice([d for d, c in zip(group, counts, strict=True) if c == fewest])


def lowest_latency(
    group: list[dict[str, Any]], state: RouterState, rng: random.Random, request: Request
) -> dict[str, Any]:
    """The fastest deployment by its recent mean latency; an untried deployment counts as fastest.

    ``routing_strategy_args={"lowest_latency_buffer": 0.5}`` picks at random among deployments
    within 50% of the fastest, so traffic keeps measuring them all.
    """
    latencies = [state.latency(d["model_info"]["id"]) or 0.0 for d in group]
    best = min(latencies)
    buffer = float(request.args.get("lowest_latency_buffer") or 0.0)
    near = [d for d, lat in zip(group, latencies, strict=True) if lat <= best * (1 + buffer)]
    return rng.choice(near)


def usage_based(
    group: list[dict[str, Any]], state: RouterState, rng: random.Random, request: Request
) -> dict[str, Any] | None:
    """The deployment with the lowest tokens used this minute, skipping any whose ``tpm``/``rpm`` the call would exceed.

    Returns None when every deployment is at its limit (the router then raises a RateLimitError).
    """
    best: list[dict[str, Any]] = []
    best_tpm: int | None = None
    for d in group:
        used = state.minute(d["model_info"]["id"])
        tpm, rpm = dep.limit(d, "tpm"), dep.limit(d, "rpm")
        if tpm is not None and used.tpm + request.input_tokens > tpm:
            continue
        if rpm is not None and used.rpm + 1 > rpm:
            continue
        if best_tpm is None or used.tpm < best_tpm:
            best, best_tpm = [d], used.tpm
        elif used.tpm == best_tpm:
            best.append(d)
    return rng.choice(best) if best else None


def lowest_cost(
    group: list[dict[str, Any]], state: RouterState, rng: random.Random, request: Request
) -> dict[str, Any]:
    """The cheapest deployment by input + output price per token (``litellm_params`` prices first,
    then the model table); a deployment with no known price is tried last."""
    costs = [_price(d) for d in group]
    cheapest = min(costs)
    return rng.choice([d for d, c in zip(group, costs, strict=True) if c == cheapest])


def _price(deployment: dict[str, Any]) -> float:
    params = deployment["litellm_params"]
    info = deployment.get("model_info") or {}
    inp = params.get("input_cost_per_token", info.get("input_cost_per_token"))
    out = params.get("output_cost_per_token", info.get("output_cost_per_token"))
    if inp is None or out is None:
        from ..cost import get_model_info

        try:
            row = get_model_info(params["model"])
        except Exception:  # unknown model: no price to compare
            return float("inf")
        inp = row.get("input_cost_per_token") if inp is None else inp
        out = row.get("output_cost_per_token") if out is None else out
    return float(inp or 0.0) + float(out or 0.0)


STRATEGIES: dict[str, Strategy] = {
    "simple-shuffle": simple_shuffle,
    "least-busy": least_busy,
    "latency-based-routing": lowest_latency,
    "usage-based-routing": usage_based,
    "usage-based-routing-v2": usage_based,
    "cost-based-routing": lowest_cost,
}
