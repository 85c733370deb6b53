"""LiteLLM's proxy ``config.yaml``, read unchanged.

Sections: ``model_list``, ``litellm_settings``, ``router_settings``, ``general_settings``,
``environment_variables``. A string ``os.environ/NAME`` anywhere is replaced by that variable.
Unknown keys are warned about by name. A known LiteLLM setting that guards money or access and
that llmrelay does not implement stops start-up: ignoring it would silently open the gateway.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("llmrelay.proxy")


class ConfigError(ValueError):
    """The configuration cannot be served as written; the message says what to change."""


TOP_LEVEL = {"model_list", "litellm_settings", "router_settings", "general_settings", "environment_variables"}
# Known LiteLLM top-level sections that llmrelay does not implement and that carry no access rule.
TOP_LEVEL_IGNORED = {
    "callback_settings",
    "credential_list",
    "mcp_servers",
    "search_tools",
    "vector_store_registry",
}
TOP_LEVEL_REFUSED = {
    "guardrails": "guardrails filter what reaches a model",
}

GENERAL_IMPLEMENTED = {
    "master_key",
    "database_url",
    "store_prompts_in_spend_logs",
    "max_request_size_mb",
    "disable_spend_logs",
    "proxy_batch_write_at",
    "proxy_budget_rescheduler_min_time",
    "proxy_budget_rescheduler_max_time",
    "database_connection_pool_limit",
    "user_api_key_cache_ttl",
}
GENERAL_IGNORED = {
    "alerting",
    "alerting_threshold",
    "alert_types",
    "background_health_checks",
    "health_check_interval",
    "disable_master_key_return",
    "disable_reset_budget",
    "infer_model_from_keys",
    "otel",
    "ui_access_mode",
    "database_connection_timeout",
    "maximum_spend_logs_retention_period",
}
# Settings that restrict who may call what, or how much they may spend: refusing to start is
# the only safe answer while they are not implemented.
GENERAL_REFUSED = {
    "allowed_ips": "restricts which client IPs may call the gateway",
    "enforce_user_param": "requires every request to name an end user",
    "custom_auth": "replaces the key check with custom code",
    "enable_jwt_auth": "authenticates callers with JWTs",
    "litellm_jwtauth": "authenticates callers with JWTs",
    "allowed_routes": "restricts which routes keys may call",
    "admin_only_routes": "restricts routes to admins",
    "public_routes": "changes which routes need a key",
    "enforced_params": "requires parameters on every request",
    "key_management_system": "keeps keys in an external secret manager",
    "use_client_credentials_pass_through_routes": "changes auth for pass-through routes",
    "global_max_parallel_requests": "caps parallel requests across the gateway",
    "max_parallel_requests": "caps parallel requests across the gateway",
    "reject_clientside_metadata_tags": "restricts request metadata",
}

LITELLM_IMPLEMENTED = {
    "drop_params",
    "num_retries",
    "request_timeout",
    "set_verbose",
    "json_logs",
    "require_auth_for_metrics_endpoint",
}
# Callback lists: "prometheus" turns on /metrics (metrics.py); any other callback name is warned about.
CALLBACK_KEYS = ("callbacks", "success_callback", "failure_callback")
LITELLM_IGNORED = {
    "service_callback",
    "cache",
    "cache_params",
    "turn_off_message_logging",
    "redact_user_api_key_info",
    "telemetry",
    "modify_params",
    "default_team_settings",
    "force_ipv4",
}
# Router features LiteLLM also reads from litellm_settings; they go to the SDK's Router.
LITELLM_ROUTER_KEYS = {"fallbacks", "context_window_fallbacks", "content_policy_fallbacks", "allowed_fails"}
LITELLM_IMPLEMENTED |= LITELLM_ROUTER_KEYS
LITELLM_REFUSED = {
    "max_budget": "a budget for the whole gateway",
    "budget_duration": "a budget period for the whole gateway",
    "upperbound_key_generate_params": "caps what /key/generate may grant",
    "default_key_generate_params": "defaults that /key/generate must apply",
    "max_end_user_budget": "a budget per end user",
    "default_internal_user_params": "defaults for new users' budgets and models",
}

# Settings that make the gateway route through the SDK's Router (llmrelay.Router) instead of its
# own shuffle: strategies, fallbacks, cooldowns, aliases, retry policies.
ROUTER_FEATURES = {
    "routing_strategy_args",
    "fallbacks",
    "context_window_fallbacks",
    "content_policy_fallbacks",
    "default_fallbacks",
    "max_fallbacks",
    "model_group_alias",
    "allowed_fails",
    "allowed_fails_policy",
    "cooldown_time",
    "disable_cooldowns",
    "retry_after",
    "retry_policy",
    "enable_pre_call_checks",
}
ROUTER_IMPLEMENTED = {
    "routing_strategy",
    "num_retries",
    "timeout",
    "redis_host",
    "redis_port",
    "redis_password",
    "redis_url",
    *ROUTER_FEATURES,
}
ROUTER_IGNORED: set[str] = set()

MODEL_ENTRY_KEYS = {"model_name", "litellm_params", "model_info", "rpm", "tpm"}
# litellm_params keys the gateway consumes itself instead of forwarding to the SDK call.
GATEWAY_PARAMS = {"model", "rpm", "tpm", "weight", "order", "max_parallel_requests"}
PRICE_KEYS = (
    "input_cost_per_token",
    "output_cost_per_token",
    "cache_read_input_token_cost",
    "cache_creation_input_token_cost",
    "output_cost_per_reasoning_token",
)


@dataclass
class Deployment:
    """One entry of ``model_list``: a public model name served by one provider model."""

    model_name: str
    model: str
    params: dict[str, Any]
    model_info: dict[str, Any]
    model_id: str
    rpm: int | None = None
    tpm: int | None = None
    litellm_params: dict[str, Any] = field(default_factory=dict)  # as written (resolved), for the Router

    @property
    def api_base(self) -> str | None:
        return self.params.get("api_base")


@dataclass
class GatewayConfig:
    deployments: list[Deployment] = field(default_factory=list)
    master_key: str | None = None
    database_url: str | None = None
    redis_url: str | None = None
    store_prompts: bool = False
    disable_spend_logs: bool = False
    max_request_bytes: int = 4 * 1024 * 1024
    spend_flush_interval: float = 1.0
    budget_reset_interval: float = 10.0
    auth_cache_ttl: float = 5.0
    db_pool_size: int = 10
    num_retries: int | None = None
    timeout: float | None = None
    drop_params: bool | None = None
    router_kwargs: dict[str, Any] | None = None  # set when the config asks for the SDK's Router
    prometheus: bool = False  # litellm_settings callbacks name "prometheus": serve /metrics
    require_auth_for_metrics: bool = False
    base_dir: Path = field(default_factory=Path.cwd)
    warnings: list[str] = field(default_factory=list)

    def model_names(self) -> list[str]:
        return list(dict.fromkeys(d.model_name for d in self.deployments))

    def router_model_list(self) -> list[dict[str, Any]]:
        return [
            {
                "model_name": d.model_name,
                "litellm_params": d.litellm_params,
                "model_info": {**d.model_info, "id": d.model_id},
            }
            for d in self.deployments
        ]


def resolve_env(value: Any, where: str) -> Any:
    """Replace ``os.environ/NAME`` strings (recursively); a missing variable is an error."""
    if isinstance(value, str) and value.startswith("os.environ/"):
        name = value[len("os.environ/") :]
        if name not in os.environ:
            raise ConfigError(f"{where}: environment variable {name} is not set")
        return os.environ[name]
    if isinstance(value, dict):
        return {k: resolve_env(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_env(v, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def load(path: str | Path) -> GatewayConfig:
    import yaml

    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the top level must be a mapping")
    return from_dict(raw, base_dir=data_base())


def from_model(model: str) -> GatewayConfig:
    """``llmrelay serve --model openai/gpt-4o``: one deployment named after the model."""
    return from_dict({"model_list": [{"model_name": model, "litellm_params": {"model": model}}]}, data_base())


def data_base() -> Path:
    """Where ``data/llmrelay.db`` goes: ``$LLMRELAY_HOME`` or the working directory
    (``/data/`` is ignored by git, so running from a checkout leaves no tracked file behind)."""
    return Path(os.environ.get("LLMRELAY_HOME") or Path.cwd())


def from_dict(raw: dict[str, Any], base_dir: Path) -> GatewayConfig:
    cfg = GatewayConfig(base_dir=base_dir)
    _check_keys(raw, TOP_LEVEL, TOP_LEVEL_IGNORED, TOP_LEVEL_REFUSED, "config", cfg)
    for name, value in (raw.get("environment_variables") or {}).items():
        os.environ[str(name)] = str(resolve_env(value, f"environment_variables.{name}"))
    general = _section(raw, "general_settings")
    litellm = _section(raw, "litellm_settings")
    router = _section(raw, "router_settings")
    _check_keys(general, GENERAL_IMPLEMENTED, GENERAL_IGNORED, GENERAL_REFUSED, "general_settings", cfg)
    litellm = _apply_callbacks(cfg, litellm)
    _check_keys(litellm, LITELLM_IMPLEMENTED, LITELLM_IGNORED, LITELLM_REFUSED, "litellm_settings", cfg)
    _check_keys(router, ROUTER_IMPLEMENTED, ROUTER_IGNORED, {}, "router_settings", cfg)
    _apply_general(cfg, general)
    _apply_router(cfg, router, litellm)
    cfg.deployments = _deployments(raw.get("model_list") or [], cfg)
    return cfg


def _section(raw: dict[str, Any], name: str) -> dict[str, Any]:
    value = raw.get(name) or {}
    if not isinstance(value, dict):
        raise ConfigError(f"{name} must be a mapping, got {type(value).__name__}")
    return resolve_env(value, name)


def _check_keys(
    section: dict[str, Any],
    implemented: set[str],
    ignored: set[str],
    refused: dict[str, str],
    where: str,
    cfg: GatewayConfig,
) -> None:
    for key in section:
        if key in implemented:
            continue
        if key in refused:
            raise ConfigError(
                f"{where}.{key} is set, but llmrelay does not implement it ({refused[key]}); "
                "remove it, or keep LiteLLM for this deployment: starting without it would ignore an access "
                "or budget rule"
            )
        msg = (
            f"{where}.{key} is a LiteLLM setting llmrelay does not implement; it is ignored"
            if key in ignored
            else f"{where}.{key} is not a known setting; it is ignored"
        )
        cfg.warnings.append(msg)
        log.warning(msg)


def _apply_callbacks(cfg: GatewayConfig, litellm: dict[str, Any]) -> dict[str, Any]:
    """Take LiteLLM's callback lists out of ``litellm_settings``: "prometheus" turns metrics on,
    every other name is warned about (llmrelay has no logging integrations)."""
    rest = {k: v for k, v in litellm.items() if k not in CALLBACK_KEYS}
    for key in CALLBACK_KEYS:
        value = litellm.get(key)
        names = [value] if isinstance(value, str) else list(value or [])
        if "prometheus" in names:
            cfg.prometheus = True
        others = [str(n) for n in names if n != "prometheus"]
        if others:
            msg = f"litellm_settings.{key}: {', '.join(others)} is not implemented by llmrelay; it is ignored"
            cfg.warnings.append(msg)
            log.warning(msg)
    cfg.require_auth_for_metrics = bool(litellm.get("require_auth_for_metrics_endpoint", False))
    return rest


def _apply_general(cfg: GatewayConfig, general: dict[str, Any]) -> None:
    cfg.master_key = general.get("master_key") or os.environ.get("LITELLM_MASTER_KEY") or None
    cfg.database_url = general.get("database_url") or os.environ.get("DATABASE_URL") or None
    cfg.store_prompts = bool(general.get("store_prompts_in_spend_logs", False))
    cfg.disable_spend_logs = bool(general.get("disable_spend_logs", False))
    if "max_request_size_mb" in general:
        cfg.max_request_bytes = int(float(general["max_request_size_mb"]) * 1024 * 1024)
    if "proxy_batch_write_at" in general:
        cfg.spend_flush_interval = float(general["proxy_batch_write_at"])
    if "proxy_budget_rescheduler_min_time" in general:
        cfg.budget_reset_interval = float(general["proxy_budget_rescheduler_min_time"])
    if "user_api_key_cache_ttl" in general:
        # The promise is "refused everywhere within 5 s": never cache longer.
        cfg.auth_cache_ttl = min(float(general["user_api_key_cache_ttl"]), 5.0)
    if "database_connection_pool_limit" in general:
        cfg.db_pool_size = int(general["database_connection_pool_limit"])


def _apply_router(cfg: GatewayConfig, router: dict[str, Any], litellm: dict[str, Any]) -> None:
    strategy = router.get("routing_strategy", "simple-shuffle")
    features = {k: router[k] for k in ROUTER_FEATURES if k in router}
    features.update({k: litellm[k] for k in LITELLM_ROUTER_KEYS if k in litellm and k not in features})
    if features or strategy not in ("simple-shuffle", "shuffle"):
        cfg.router_kwargs = {"routing_strategy": strategy, **features}
        for name in ("num_retries", "timeout"):
            if name in router:
                cfg.router_kwargs[name] = router[name]
    cfg.redis_url = os.environ.get("REDIS_URL") or router.get("redis_url") or _redis_from_parts(router)
    retries = router.get("num_retries", litellm.get("num_retries"))
    cfg.num_retries = None if retries is None else int(retries)
    timeout = router.get("timeout", litellm.get("request_timeout"))
    cfg.timeout = None if timeout is None else float(timeout)
    if "drop_params" in litellm:
        cfg.drop_params = bool(litellm["drop_params"])


def _redis_from_parts(router: dict[str, Any]) -> str | None:
    host = router.get("redis_host") or os.environ.get("REDIS_HOST")
    if not host:
        return None
    port = router.get("redis_port") or os.environ.get("REDIS_PORT") or 6379
    password = router.get("redis_password") or os.environ.get("REDIS_PASSWORD")
    auth = f":{password}@" if password else ""
    return f"redis://{auth}{host}:{port}"


def _deployments(entries: list[Any], cfg: GatewayConfig) -> list[Deployment]:
    if not isinstance(entries, list):
        raise ConfigError("model_list must be a list")
    out = []
    for i, entry in enumerate(entries):
        where = f"model_list[{i}]"
        if not isinstance(entry, dict) or not entry.get("model_name"):
            raise ConfigError(f"{where}: each entry needs model_name and litellm_params")
        for key in entry:
            if key not in MODEL_ENTRY_KEYS:
                msg = f"{where}.{key} is not a known model_list key; it is ignored"
                cfg.warnings.append(msg)
                log.warning(msg)
        params = resolve_env(dict(entry.get("litellm_params") or {}), f"{where}.litellm_params")
        if not params.get("model"):
            raise ConfigError(f"{where}.litellm_params.model is required")
        info = resolve_env(dict(entry.get("model_info") or {}), f"{where}.model_info")
        out.append(_deployment(entry, params, info, i))
    return out


def _deployment(entry: dict[str, Any], params: dict[str, Any], info: dict[str, Any], i: int) -> Deployment:
    # Prices in litellm_params win over model_info's, which win over the SDK's model table.
    for key in PRICE_KEYS:
        if key in info and key not in params:
            params[key] = info[key]
    rpm = params.get("rpm", entry.get("rpm"))
    tpm = params.get("tpm", entry.get("tpm"))
    forwarded = {k: v for k, v in params.items() if k not in GATEWAY_PARAMS}
    return Deployment(
        model_name=str(entry["model_name"]),
        model=str(params["model"]),
        params=forwarded,
        model_info=info,
        model_id=str(info.get("id") or f"deployment-{i}"),
        rpm=None if rpm is None else int(rpm),
        tpm=None if tpm is None else int(tpm),
        litellm_params=dict(params),
    )
