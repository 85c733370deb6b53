"""Deployments as LiteLLM writes them, and how a requested model name finds its deployments.

A deployment is ``{"model_name": group, "litellm_params": {"model": "provider/model", ...},
"model_info": {"id": ...}}``. Several deployments may share a ``model_name`` (one group, load
balanced); a ``model_name`` may be a wildcard such as ``openai/*`` or ``*``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from typing import Any

ENV_PREFIX = "os.environ/"

# litellm_params keys that steer routing and never reach the SDK call.
ROUTING_KEYS = frozenset(
    {
        "rpm",
        "tpm",
        "weight",
        "order",
        "max_parallel_requests",
        "cooldown_time",
        "stream_timeout",
        "tags",
        "region_name",
        "litellm_credential_name",
        "use_in_pass_through",
        "max_retries",
        "num_retries",
    }
)


def model_id(model_group: str, litellm_params: dict[str, Any]) -> str:
    """LiteLLM's default deployment id: sha256 over the group name and the params in order.

    Computed the same way, so ids (``x-litellm-model-id``) survive a migration in either direction.
    """
    text = model_group
    for key, value in litellm_params.items():
        for part in (key, value):
            text += (
                part if isinstance(part, str) else json.dumps(part) if isinstance(part, dict) else str(part)
            )
    return hashlib.sha256(text.encode()).hexdigest()


def normalize(deployment: Any) -> dict[str, Any]:
    """A deep copy in the canonical shape, with ``model_info.id`` filled in; bad shapes raise."""
    if hasattr(deployment, "model_dump"):  # a pydantic Deployment object
        deployment = deployment.model_dump(exclude_none=True)
    if not isinstance(deployment, dict):
        raise ValueError(f"a deployment must be a dict, got {type(deployment).__name__}")
    result = copy.deepcopy(deployment)
    name = result.get("model_name")
    params = result.get("litellm_params")
    if not isinstance(name, str) or not name:
        raise ValueError(f"deployment {deployment!r} has no 'model_name'")
    if not isinstance(params, dict) or not isinstance(params.get("model"), str):
        raise ValueError(f"deployment {name!r} needs 'litellm_params' with a 'model' string")
    info = result.get("model_info") or {}
    if not isinstance(info, dict):
        raise ValueError(f"deployment {name!r}: 'model_info' must be a dict")
    info = dict(info)
    if info.get("id") is None:
        info["id"] = model_id(name, params)
    else:
        info["id"] = str(info["id"])
    result["model_info"] = info
    return result


def resolve_env(value: Any) -> Any:
    """``"os.environ/NAME"`` reads ``NAME`` at call time (a missing variable gives None)."""
    if isinstance(value, str) and value.startswith(ENV_PREFIX):
        return os.environ.get(value[len(ENV_PREFIX) :])
    return value


def limit(deployment: dict[str, Any], key: str) -> float | None:
    """A deployment's ``rpm``/``tpm``/``weight``/``order``: litellm_params first, then top level, then model_info."""
    for holder in (deployment["litellm_params"], deployment, deployment.get("model_info") or {}):
        value = holder.get(key)
        if value is not None:
            value = resolve_env(value)
            try:
                return float(value)
            except (TypeError, ValueError):
                raise ValueError(
                    f"deployment {deployment['model_name']!r}: {key} must be a number, got {value!r}"
                ) from None
    return None


class Pattern:
    """A wildcard ``model_name`` (``openai/*``, ``*``, ``team-*/gpt-*``) compiled to a regex."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.regex = re.compile("^" + "(.*)".join(re.escape(p) for p in name.split("*")) + "$")
        # More literal characters = more specific: 'openai/gpt-*' beats 'openai/*' beats '*'.
        self.specificity = len(name) - name.count("*")

    def match(self, model: str) -> tuple[str, ...] | None:
        found = self.regex.match(model)
        return None if found is None else found.groups()


def fill_wildcard(deployment: dict[str, Any], requested: str, groups: tuple[str, ...]) -> dict[str, Any]:
    """The deployment a wildcard group serves for ``requested``: its ``*`` replaced by the matched text.

    ``model_name="openai/*"`` with ``model="openai/*"`` serves ``openai/gpt-4o`` as ``openai/gpt-4o``;
    ``model_name="*"`` with ``model="openai/*"`` serves ``gpt-4o`` as ``openai/gpt-4o``.
    """
    target = deployment["litellm_params"]["model"]
    if "*" not in target:
        return deployment
    pieces = target.split("*")
    if len(pieces) - 1 == len(groups):
        filled = pieces[0] + "".join(g + p for g, p in zip(groups, pieces[1:], strict=True))
    else:  # a different number of stars: the whole request replaces the last star
        filled = target.rsplit("*", 1)[0] + requested
    result = copy.copy(deployment)
    result["litellm_params"] = {**deployment["litellm_params"], "model": filled}
    return result


def fallback_groups(fallbacks: Any, model_group: str) -> list[str]:
    """The groups to try after ``model_group`` failed: its own entry, else the generic ``"*"`` one.

    ``fallbacks`` is LiteLLM's list of ``{group: [groups...]}`` dicts; a plain list of names
    (a per-request ``fallbacks=["claude"]``) applies to any group.
    """
    if not fallbacks:
        return []
    if isinstance(fallbacks, str):
        return [fallbacks]
    generic: list[str] = []
    for item in fallbacks:
        if isinstance(item, str):
            generic.append(item)
        elif isinstance(item, dict) and "model" in item and isinstance(item["model"], str) and len(item) > 1:
            generic.append(item["model"])  # client-side form {"model": ..., other params}
        elif isinstance(item, dict):
            if model_group in item:
                return _as_list(item[model_group])
            if "*" in item and not generic:
                generic = _as_list(item["*"])
    return generic


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])
