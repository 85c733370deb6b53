"""``llmrelay.Router``: LiteLLM's Router — retries, fallbacks, cooldowns and load balancing across deployments.

    router = Router(
        model_list=[
            {"model_name": "gpt", "litellm_params": {"model": "openai/gpt-4o", "api_key": "os.environ/OPENAI_API_KEY", "rpm": 100}},
            {"model_name": "gpt", "litellm_params": {"model": "azure/gpt-4o", "api_key": "...", "rpm": 300}},
            {"model_name": "claude", "litellm_params": {"model": "anthropic/claude-sonnet-4-5"}},
        ],
        fallbacks=[{"gpt": ["claude"]}],
        num_retries=2,
    )
    router.completion(model="gpt", messages=[{"role": "user", "content": "Hi"}])

A call goes: fallbacks (``_with_fallbacks``) → retries (``_with_retries``) → one attempt
(``_attempt``: pick a healthy deployment with the routing strategy, call the SDK with its
``litellm_params``, record the outcome, cool the deployment down when it keeps failing).
The router owns the retries: the SDK call underneath makes a single attempt, unless a
deployment sets ``max_retries`` itself. A stream is retried only until the SDK hands it back,
i.e. never after its first byte. Decisions follow LiteLLM's (``routing/policy.py``).

Each SDK call gets ``model_info`` (the deployment, whose ``id`` goes into Responses API IDs) and
``litellm_metadata`` (the caller's ``metadata`` plus ``model_group``/``deployment``) for callbacks;
as in LiteLLM, ``metadata`` is never sent upstream. Router state (``routing/state.py``) is
in-process: thread-safe and asyncio-safe, with what sharing it through Redis would take.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import exceptions
from .routing import deployments as dep
from .routing import errors, policy
from .routing.state import ParallelLimits, RouterState
from .routing.strategies import STRATEGIES, Request

logger = logging.getLogger("llmrelay.router")

DEFAULT_NUM_RETRIES = 2  # openai.DEFAULT_MAX_RETRIES, LiteLLM's default for a Router
DEFAULT_MAX_FALLBACKS = 5

# Per-request keyword arguments that steer the router and never reach the SDK.
_ROUTER_KWARGS = (
    "fallbacks",
    "context_window_fallbacks",
    "content_policy_fallbacks",
    "num_retries",
    "max_fallbacks",
    "disable_fallbacks",
    "mock_testing_fallbacks",
    "mock_testing_context_fallbacks",
    "mock_testing_content_policy_fallbacks",
    "mock_testing_rate_limit_error",
    "specific_deployment",
    "is_async",  # LiteLLM's embedding/text_completion take these; the method called already says it
    "is_retry",
    "is_fallback",
)

# Router arguments LiteLLM accepts that this router does not act on (shared Redis state, caching,
# alerting…). Accepted so configs load; a value other than the default is logged.
_ACCEPTED_UNUSED = frozenset(
    {
        "redis_url",
        "redis_host",
        "redis_port",
        "redis_password",
        "cache_responses",
        "cache_kwargs",
        "caching_groups",
        "client_ttl",
        "polling_interval",
        "default_priority",
        "set_verbose",
        "debug_level",
        "alerting_config",
        "provider_budget_config",
        "router_general_settings",
        "assistants_config",
        "enable_tag_filtering",
        "ignore_invalid_deployments",
        "search_tools",
        "tag_filtering_match_any",
        "routing_groups",
        "semaphore",
        "model_group_affinity_config",
        "enable_health_check_routing",
        "health_check_staleness_threshold",
        "health_check_ignore_transient_errors",
        "enable_weighted_failover",
    }
)

# What get_settings reports and update_settings changes (LiteLLM's list, less its max_retries alias).
_SETTINGS = (
    "routing_strategy_args",
    "routing_strategy",
    "allowed_fails",
    "cooldown_time",
    "num_retries",
    "timeout",
    "retry_after",
    "fallbacks",
    "context_window_fallbacks",
    "model_group_retry_policy",
)

# optional_pre_call_checks that pin a caller to the deployment it used first, and the
# request-metadata field each is keyed on (LiteLLM's names; the gateway sets user_api_key_hash).
_AFFINITY_CHECKS = {"session_affinity": "session_id", "deployment_affinity": "user_api_key_hash"}


def __getattr__(name: str) -> Any:
    if name == "RouterRateLimitError":
        return errors.router_rate_limit_error()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Completions:
    def __init__(self, router: Router) -> None:
        self._router = router

    def create(self, model: str, messages: list[dict[str, Any]] | None = None, **kwargs: Any) -> Any:
        return self._router.completion(model=model, messages=messages, **kwargs)


class _Chat:
    """``router.chat.completions.create(...)``: the OpenAI client's spelling of ``router.completion``."""

    def __init__(self, router: Router) -> None:
        self.completions = _Completions(router)


class CustomRoutingStrategyBase:
    """Subclass and pass an instance to :meth:`Router.set_custom_routing_strategy` (LiteLLM's name).

    Both methods return one deployment dict from ``router.model_list``. As in LiteLLM, a subclass may
    implement only the one its calls use (async calls ask the async method), so neither is abstract;
    the other raises ``NotImplementedError`` if it is ever asked.
    """

    async def async_get_available_deployment(
        self,
        model: str,
        messages: list[dict[str, Any]] | None = None,
        input: Any = None,
        specific_deployment: bool | None = False,
        request_kwargs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        raise NotImplementedError(
            f"{type(self).__name__} does not implement async_get_available_deployment (asked by async calls)"
        )

    def get_available_deployment(
        self,
        model: str,
        messages: list[dict[str, Any]] | None = None,
        input: Any = None,
        specific_deployment: bool | None = False,
        request_kwargs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        raise NotImplementedError(
            f"{type(self).__name__} does not implement get_available_deployment (asked by sync calls)"
        )


@dataclass
class _Table:
    """An immutable snapshot of the model list and its indexes (replaced whole on every change)."""

    deployments: list[dict[str, Any]]
    by_name: dict[str, list[dict[str, Any]]]
    by_id: dict[str, dict[str, Any]]
    patterns: list[tuple[dep.Pattern, list[dict[str, Any]]]]

    @classmethod
    def build(cls, deployments: list[dict[str, Any]]) -> _Table:
        by_name: dict[str, list[dict[str, Any]]] = {}
        for d in deployments:
            by_name.setdefault(d["model_name"], []).append(d)
        patterns = [(dep.Pattern(name), group) for name, group in by_name.items() if "*" in name]
        patterns.sort(key=lambda p: -p[0].specificity)
        by_id: dict[str, dict[str, Any]] = {}
        for d in deployments:
            by_id.setdefault(d["model_info"]["id"], d)
        return cls(deployments, by_name, by_id, patterns)

    def group(self, model: str) -> list[dict[str, Any]]:
        """The deployments serving ``model``: its exact group, else the most specific wildcard group."""
        exact = self.by_name.get(model)
        if exact is not None:
            return exact
        for pattern, group in self.patterns:
            matched = pattern.match(model)
            if matched is not None:
                return [dep.fill_wildcard(d, model, matched) for d in group]
        return []


@dataclass
class _Plan:
    """One router call: what to call, with what, and what happened so far."""

    fn: str
    kwargs: dict[str, Any]
    fallbacks: list[Any]
    context_window_fallbacks: list[Any]
    content_policy_fallbacks: list[Any]
    num_retries: int
    max_fallbacks: int
    disable_fallbacks: bool
    specific_deployment: bool
    mock: str | None = None  # mock_testing_* for the first model group
    mock_rate_limit: bool = False
    attempted_retries: int = 0
    attempted_fallbacks: int = 0
    tried: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)  # deployments that failed during this call


class Router:
    """Load balancing, retries, fallbacks and cooldowns over a list of deployments (LiteLLM's ``Router``)."""

    def __init__(
        self,
        model_list: list[dict[str, Any]] | None = None,
        *,
        routing_strategy: str = "simple-shuffle",
        routing_strategy_args: dict[str, Any] | None = None,
        num_retries: int | None = None,
        retry_after: float = 0,
        retry_policy: Any = None,
        model_group_retry_policy: dict[str, Any] | None = None,
        max_fallbacks: int | None = None,
        fallbacks: list[Any] | None = None,
        default_fallbacks: list[str] | None = None,
        context_window_fallbacks: list[Any] | None = None,
        content_policy_fallbacks: list[Any] | None = None,
        model_group_alias: dict[str, Any] | None = None,
        allowed_fails: int | None = None,
        allowed_fails_policy: Any = None,
        cooldown_time: float | None = None,
        disable_cooldowns: bool = False,
        timeout: float | None = None,
        stream_timeout: float | None = None,
        default_litellm_params: dict[str, Any] | None = None,
        enable_pre_call_checks: bool = False,
        default_max_parallel_requests: int | None = None,
        optional_pre_call_checks: list[str] | None = None,
        deployment_affinity_ttl_seconds: float = 3600,
        **kwargs: Any,
    ) -> None:
        self._check_unused(kwargs)
        if routing_strategy not in STRATEGIES:
            raise ValueError(f"routing_strategy {routing_strategy!r} is not one of: {', '.join(STRATEGIES)}")
        self.routing_strategy = routing_strategy
        self.routing_strategy_args = dict(routing_strategy_args or {})
        if num_retries is None:
            import llmrelay

            num_retries = llmrelay.num_retries
        self.num_retries = DEFAULT_NUM_RETRIES if num_retries is None else int(num_retries)
        self.retry_after = float(retry_after or 0)
        self.retry_policy = retry_policy
        self.model_group_retry_policy = dict(model_group_retry_policy or {})
        self.max_fallbacks = DEFAULT_MAX_FALLBACKS if max_fallbacks is None else int(max_fallbacks)
        self.fallbacks: list[Any] = _validated_fallbacks(fallbacks, "fallbacks")
        if default_fallbacks:
            self.fallbacks.append({"*": list(default_fallbacks)})
        self.context_window_fallbacks = _validated_fallbacks(
            context_window_fallbacks, "context_window_fallbacks"
        )
        self.content_policy_fallbacks = _validated_fallbacks(
            content_policy_fallbacks, "content_policy_fallbacks"
        )
        self.model_group_alias = dict(model_group_alias or {})
        self.allowed_fails = allowed_fails
        self.allowed_fails_policy = allowed_fails_policy
        self.cooldown_time = policy.DEFAULT_COOLDOWN_TIME if cooldown_time is None else float(cooldown_time)
        self.disable_cooldowns = bool(disable_cooldowns)
        self.timeout = timeout
        self.stream_timeout = stream_timeout
        self.default_litellm_params = dict(default_litellm_params or {})
        self.enable_pre_call_checks = bool(enable_pre_call_checks)
        self.default_max_parallel_requests = default_max_parallel_requests
        self.optional_pre_call_checks = list(optional_pre_call_checks or [])
        unknown_checks = set(self.optional_pre_call_checks) - {
            *_AFFINITY_CHECKS,
            "responses_api_deployment_check",
        }
        if unknown_checks:
            logger.warning(
                "llmrelay Router: optional_pre_call_checks %s have no effect here", sorted(unknown_checks)
            )
        self.deployment_affinity_ttl_seconds = float(deployment_affinity_ttl_seconds)
        self._parallel = ParallelLimits()
        # Injection points for tests: a clock for cooldowns and minutes, a timer for latencies,
        # the sleeps between retries, and the random source of the strategies.
        self._state = RouterState()
        self._timer: Callable[[], float] = time.perf_counter
        self._sleep: Callable[[float], Any] = time.sleep
        self._asleep: Callable[[float], Any] = asyncio.sleep
        self._rng = random.Random()
        self._table_lock = threading.Lock()
        self._table = _Table.build([])
        self.set_model_list(model_list or [])
        self.chat = _Chat(self)  # router.chat.completions.create(...), as on an OpenAI client

    @staticmethod
    def _check_unused(kwargs: dict[str, Any]) -> None:
        unknown = sorted(set(kwargs) - _ACCEPTED_UNUSED)
        if unknown:
            raise TypeError(f"Router() got unexpected keyword argument(s): {', '.join(unknown)}")
        for key, value in kwargs.items():
            if value not in (None, False, {}, [], "INFO"):
                logger.warning("llmrelay Router: %s is accepted for compatibility and has no effect", key)

    @property
    def _clock(self) -> Callable[[], float]:
        return self._state.clock

    @_clock.setter
    def _clock(self, clock: Callable[[], float]) -> None:
        self._state.clock = clock

    # --- the model list ----------------------------------------------------------------------

    @property
    def model_list(self) -> list[dict[str, Any]]:
        """The deployments, each with ``model_info.id``; replace it with :meth:`set_model_list`."""
        return self._table.deployments

    @model_list.setter
    def model_list(self, model_list: list[dict[str, Any]]) -> None:
        self.set_model_list(model_list)

    def set_model_list(self, model_list: list[dict[str, Any]]) -> None:
        """Replace every deployment (state of deployments that remain is kept)."""
        if not isinstance(model_list, list):
            raise ValueError("model_list must be a list of deployments")
        # Like LiteLLM, identical deployments (same group and params, so the same id) are all kept:
        # listing one twice doubles its share of simple-shuffle traffic; they cool down together.
        normalized = [dep.normalize(item) for item in model_list]
        seen = {d["model_info"]["id"] for d in normalized}
        with self._table_lock:
            old = self._table
            self._table = _Table.build(normalized)
        for gone in set(old.by_id) - seen:
            self._state.forget(gone)

    def add_deployment(self, deployment: dict[str, Any]) -> dict[str, Any] | None:
        """Add one deployment; returns it, or None when a deployment with its id already exists."""
        d = dep.normalize(deployment)
        with self._table_lock:
            if d["model_info"]["id"] in self._table.by_id:
                return None
            self._table = _Table.build([*self._table.deployments, d])
        return d

    def upsert_deployment(self, deployment: dict[str, Any]) -> dict[str, Any]:
        """Add a deployment, or replace the one with the same id."""
        d = dep.normalize(deployment)
        with self._table_lock:
            rest = [x for x in self._table.deployments if x["model_info"]["id"] != d["model_info"]["id"]]
            self._table = _Table.build([*rest, d])
        return d

    def delete_deployment(self, id: str) -> dict[str, Any] | None:
        """Remove the deployment with this ``model_info.id``; returns it, or None when there is none."""
        with self._table_lock:
            found = self._table.by_id.get(id)
            if found is None:
                return None
            self._table = _Table.build([d for d in self._table.deployments if d is not found])
        self._state.forget(id)
        return found

    def get_deployment(self, model_id: str) -> dict[str, Any] | None:
        return self._table.by_id.get(model_id)

    def get_model_info(self, id: str) -> dict[str, Any] | None:
        """LiteLLM's name for :meth:`get_deployment`: the whole deployment with this id, or None."""
        return self.get_deployment(id)

    def get_settings(self) -> dict[str, Any]:
        """The adjustable settings (the names :meth:`update_settings` takes), as LiteLLM reports them."""
        return {name: getattr(self, name) for name in _SETTINGS}

    def update_settings(self, **kwargs: Any) -> None:
        """Change settings on a live router; a name it does not take is an error."""
        unknown = sorted(set(kwargs) - set(_SETTINGS))
        if unknown:
            raise ValueError(
                f"update_settings: {', '.join(unknown)} cannot be changed; allowed: {', '.join(_SETTINGS)}"
            )
        if "routing_strategy" in kwargs and kwargs["routing_strategy"] not in STRATEGIES:
            raise ValueError(
                f"routing_strategy {kwargs['routing_strategy']!r} is not one of: {', '.join(STRATEGIES)}"
            )
        for name in ("fallbacks", "context_window_fallbacks"):
            if name in kwargs:
                kwargs[name] = _validated_fallbacks(kwargs[name], name)
        for name, value in kwargs.items():
            setattr(self, name, value)

    def get_model_ids(self, model_name: str | None = None) -> list[str]:
        table = self._table
        chosen = table.deployments if model_name is None else table.group(model_name)
        return [d["model_info"]["id"] for d in chosen]

    def get_model_names(self) -> list[str]:
        """The model group names in the order they first appear, then the visible aliases."""
        names = list(self._table.by_name)
        return names + [a for a in self._visible_aliases() if a not in names]

    def get_model_list(self, model_name: str | None = None) -> list[dict[str, Any]]:
        """All deployments, or those serving ``model_name`` (wildcards filled in). As in LiteLLM, a
        visible ``model_group_alias`` appears as copies of its target's deployments under its name."""
        table = self._table
        if model_name is None:
            aliased = [d for alias in self._visible_aliases() for d in self._aliased(alias)]
            return [*table.deployments, *aliased]
        if model_name in self.model_group_alias:
            return self._aliased(model_name)
        return list(table.group(model_name))

    def _visible_aliases(self) -> list[str]:
        return [
            alias
            for alias, target in self.model_group_alias.items()
            if not (isinstance(target, dict) and target.get("hidden"))
        ]

    def _aliased(self, alias: str) -> list[dict[str, Any]]:
        return [{**d, "model_name": alias} for d in self._table.group(self._alias(alias))]

    def reset(self) -> None:
        """Forget cooldowns, counts and latencies, and clear the global success/failure callbacks
        (what LiteLLM's ``Router.reset()`` does, commonly called between tests)."""
        import llmrelay

        llmrelay.success_callback = []
        llmrelay.failure_callback = []
        self._state.reset()

    def set_custom_routing_strategy(self, CustomRoutingStrategy: Any) -> None:  # noqa: N803 (LiteLLM's name)
        """Let an object with ``get_available_deployment`` / ``async_get_available_deployment``
        (a :class:`CustomRoutingStrategyBase`) choose deployments; retries, fallbacks and cooldown
        bookkeeping stay the router's."""
        self.get_available_deployment = CustomRoutingStrategy.get_available_deployment  # type: ignore[method-assign]
        self.async_get_available_deployment = CustomRoutingStrategy.async_get_available_deployment  # type: ignore[method-assign]

    @property
    def model_names(self) -> list[str]:
        return self.get_model_names()

    def get_cooldown_deployments(self) -> list[str]:
        """Ids of the deployments cooling down now."""
        return list(self._state.cooling(self._table.by_id))

    # --- choosing a deployment ---------------------------------------------------------------

    def _alias(self, model: str) -> str:
        alias = self.model_group_alias.get(model)
        if isinstance(alias, dict):
            alias = alias.get("model")
        return alias if isinstance(alias, str) else model

    def get_available_deployment(
        self,
        model: str,
        messages: list[dict[str, Any]] | None = None,
        input: Any = None,
        specific_deployment: bool | None = False,
        request_kwargs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The deployment the next call for ``model`` would use (raises when none is available)."""
        return self._select(model, messages, input, bool(specific_deployment), request_kwargs)

    async def async_get_available_deployment(
        self,
        model: str,
        messages: list[dict[str, Any]] | None = None,
        input: Any = None,
        specific_deployment: bool | None = False,
        request_kwargs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return self._select(model, messages, input, bool(specific_deployment), request_kwargs)

    def _select(
        self,
        model: str,
        messages: Any,
        input: Any,
        specific: bool,
        request_kwargs: dict[str, Any] | None = None,
        skip: set[str] | frozenset[str] = frozenset(),
    ) -> dict[str, Any]:
        table = self._table
        model = self._alias(model)
        direct = table.by_id.get(model)
        if direct is None and specific:
            direct = next((d for d in table.deployments if d["litellm_params"]["model"] == model), None)
        if direct is not None:  # a deployment id (or, with specific_deployment, its model) names it exactly
            return direct
        group = table.group(model)
        if not group:
            raise errors.unknown_model(model)
        candidates = self._candidates(model, group, messages)
        # A retry goes to a deployment this call has not failed on yet, when there is one.
        candidates = [d for d in candidates if d["model_info"]["id"] not in skip] or candidates
        pins = self._affinity_keys(model, request_kwargs)
        chosen = (
            _previous_response_deployment(request_kwargs, candidates)
            or self._pinned(pins, candidates)
            or self._pick(model, candidates, messages, input)
        )
        for key in pins:
            self._state.pin(key, chosen["model_info"]["id"], self.deployment_affinity_ttl_seconds)
        return chosen

    def _pinned(self, pins: list[str], candidates: list[dict[str, Any]]) -> dict[str, Any] | None:
        """A pinned caller keeps its deployment while that one is available."""
        for key in pins:
            pinned = self._state.pinned(key)
            match = next((d for d in candidates if d["model_info"]["id"] == pinned), None)
            if match is not None:
                return match
        return None

    def _affinity_keys(self, model: str, request_kwargs: dict[str, Any] | None) -> list[str]:
        """Keys of the pins that apply: ``optional_pre_call_checks=["session_affinity"]`` pins
        ``metadata.session_id``; ``["deployment_affinity"]`` pins ``metadata.user_api_key_hash``."""
        if not self.optional_pre_call_checks or not request_kwargs:
            return []
        metadata = {
            **(request_kwargs.get("litellm_metadata") or {}),
            **(request_kwargs.get("metadata") or {}),
        }
        keys = []
        for check, field_name in _AFFINITY_CHECKS.items():
            value = metadata.get(field_name)
            if check in self.optional_pre_call_checks and value:
                keys.append(f"{check}:{model}:{value}")
        return keys

    def _candidates(self, model: str, group: list[dict[str, Any]], messages: Any) -> list[dict[str, Any]]:
        """The group's deployments that may take the call: not cooling down, of the best ``order``,
        and (with ``enable_pre_call_checks``) with room for the messages."""
        cooling = self._state.cooling(d["model_info"]["id"] for d in group)
        healthy = [d for d in group if d["model_info"]["id"] not in cooling]
        if not healthy:
            raise self._no_deployments(model, cooling)
        healthy = policy.best_order(healthy)
        if self.enable_pre_call_checks and messages:
            healthy = self._fits_context(model, healthy, messages)
        return healthy

    def _pick(
        self, model: str, candidates: list[dict[str, Any]], messages: Any, input: Any
    ) -> dict[str, Any]:
        usage_based = self.routing_strategy.startswith("usage-based")
        request = Request(args=self.routing_strategy_args)
        if usage_based:
            request.input_tokens = _count_tokens(candidates[0], messages, input)
        chosen = STRATEGIES[self.routing_strategy](candidates, self._state, self._rng, request)
        if chosen is None:
            raise errors.over_limits(model)
        if usage_based:
            self._state.take_request(chosen["model_info"]["id"])
        return chosen

    def _no_deployments(self, model: str, cooling: dict[str, Any]) -> exceptions.LLMRelayError:
        now = self._clock()
        wait = max((c.until for c in cooling.values()), default=now) - now
        return errors.no_deployments(model, wait, list(cooling), self.enable_pre_call_checks)

    def _fits_context(self, model: str, group: list[dict[str, Any]], messages: Any) -> list[dict[str, Any]]:
        """Drop deployments whose context window the messages exceed (``enable_pre_call_checks``)."""
        fits = []
        for d in group:
            window = _max_input_tokens(d)
            if window is None or _count_tokens(d, messages, None) <= window:
                fits.append(d)
        if not fits:
            raise errors.context_window_everywhere(model)
        return fits

    # --- public calls --------------------------------------------------------------------------

    def completion(self, model: str, messages: list[dict[str, Any]] | None = None, **kwargs: Any) -> Any:
        return self._run("completion", model, {"messages": messages, **kwargs})

    async def acompletion(
        self, model: str, messages: list[dict[str, Any]] | None = None, **kwargs: Any
    ) -> Any:
        return await self._arun("completion", model, {"messages": messages, **kwargs})

    def embedding(self, model: str, input: Any = None, **kwargs: Any) -> Any:
        return self._run("embedding", model, {"input": input, **kwargs})

    async def aembedding(self, model: str, input: Any = None, **kwargs: Any) -> Any:
        return await self._arun("embedding", model, {"input": input, **kwargs})

    def image_generation(self, prompt: str, model: str, **kwargs: Any) -> Any:
        return self._run("image_generation", model, {"prompt": prompt, **kwargs})

    async def aimage_generation(self, prompt: str, model: str, **kwargs: Any) -> Any:
        return await self._arun("image_generation", model, {"prompt": prompt, **kwargs})

    def text_completion(self, model: str, prompt: Any = None, **kwargs: Any) -> Any:
        return self._run("text_completion", model, {"prompt": prompt, **kwargs})

    async def atext_completion(self, model: str, prompt: Any = None, **kwargs: Any) -> Any:
        return await self._arun("text_completion", model, {"prompt": prompt, **kwargs})

    def responses(self, input: Any = None, model: str | None = None, **kwargs: Any) -> Any:
        """The Responses API through the router. A ``previous_response_id`` the SDK minted for one of
        this router's deployments continues on that deployment while it is available."""
        return self._run("responses", _required(model), {"input": input, **kwargs})

    async def aresponses(self, input: Any = None, model: str | None = None, **kwargs: Any) -> Any:
        return await self._arun("responses", _required(model), {"input": input, **kwargs})

    # --- fallbacks ---------------------------------------------------------------------------

    def _plan(self, fn: str, kwargs: dict[str, Any]) -> _Plan:
        options = {k: kwargs.pop(k) for k in _ROUTER_KWARGS if k in kwargs}
        mock = next((flag for flag in errors.MOCK_FALLBACK_FLAGS if options.get(flag)), None)
        num_retries = options.get("num_retries")
        return _Plan(
            fn=fn,
            kwargs=kwargs,
            fallbacks=_listed(options.get("fallbacks", self.fallbacks)),
            context_window_fallbacks=_listed(
                options.get("context_window_fallbacks", self.context_window_fallbacks)
            ),
            content_policy_fallbacks=_listed(
                options.get("content_policy_fallbacks", self.content_policy_fallbacks)
            ),
            num_retries=self.num_retries if num_retries is None else int(num_retries),
            max_fallbacks=int(options.get("max_fallbacks", self.max_fallbacks)),
            disable_fallbacks=bool(options.get("disable_fallbacks")),
            specific_deployment=bool(options.get("specific_deployment")),
            mock=mock,
            mock_rate_limit=bool(options.get("mock_testing_rate_limit_error")),
        )

    def _run(self, fn: str, model: str, kwargs: dict[str, Any]) -> Any:
        plan = self._plan(fn, kwargs)
        try:
            return self._with_fallbacks(plan, model)
        except exceptions.LLMRelayError as error:
            errors.annotate(error, model, dep.fallback_groups(plan.fallbacks, model))
            raise

    async def _arun(self, fn: str, model: str, kwargs: dict[str, Any]) -> Any:
        plan = self._plan(fn, kwargs)
        try:
            return await self._awith_fallbacks(plan, model)
        except exceptions.LLMRelayError as error:
            errors.annotate(error, model, dep.fallback_groups(plan.fallbacks, model))
            raise

    def _with_fallbacks(self, plan: _Plan, group: str) -> Any:
        plan.tried.add(group)
        try:
            self._raise_mock_fallback(plan, group)
            return self._with_retries(plan, group)
        except Exception as error:
            last: Exception = error
            for target in self._fallback_targets(plan, group, error):
                plan.attempted_fallbacks += 1
                logger.info("llmrelay Router: falling back from %s to %s after %r", group, target, last)
                try:
                    return self._with_fallbacks(plan, target)
                except Exception as fallback_error:
                    last = fallback_error
            if last is error:
                raise
            raise last from error

    async def _awith_fallbacks(self, plan: _Plan, group: str) -> Any:
        plan.tried.add(group)
        try:
            self._raise_mock_fallback(plan, group)
            return await self._awith_retries(plan, group)
        except Exception as error:
            last: Exception = error
            for target in self._fallback_targets(plan, group, error):
                plan.attempted_fallbacks += 1
                logger.info("llmrelay Router: falling back from %s to %s after %r", group, target, last)
                try:
                    return await self._awith_fallbacks(plan, target)
                except Exception as fallback_error:
                    last = fallback_error
            if last is error:
                raise
            raise last from error

    def _fallback_targets(self, plan: _Plan, group: str, error: BaseException) -> list[str]:
        """The groups to try after ``group`` failed with ``error``, in order.

        A context-window error goes to ``context_window_fallbacks`` and a content-policy error to
        ``content_policy_fallbacks`` when those are configured (and only there); every other error
        to ``fallbacks`` (with ``default_fallbacks`` as the ``"*"`` entry). Groups already tried in
        this call are skipped, and at most ``max_fallbacks`` fallbacks are made per call.
        """
        if plan.disable_fallbacks:
            return []
        if (
            isinstance(error, errors.error_class("ContextWindowExceededError"))
            and plan.context_window_fallbacks
        ):
            targets = dep.fallback_groups(plan.context_window_fallbacks, group)
        elif (
            isinstance(error, errors.error_class("ContentPolicyViolationError"))
            and plan.content_policy_fallbacks
        ):
            targets = dep.fallback_groups(plan.content_policy_fallbacks, group)
        else:
            targets = dep.fallback_groups(plan.fallbacks, group)
        room = max(plan.max_fallbacks - plan.attempted_fallbacks, 0)
        return [t for t in targets if t not in plan.tried][:room]

    # --- retries -----------------------------------------------------------------------------

    def _with_retries(self, plan: _Plan, group: str) -> Any:
        budget: int | None = None
        attempt = 0
        while True:
            try:
                return self._attempt(plan, group, first=attempt == 0)
            except Exception as error:
                budget = self._retry_budget(plan, group, error, budget)
                if attempt >= budget:
                    errors.note_retries(error, attempt, budget)
                    raise
                self._sleep(self._backoff(error, attempt, group))
            attempt += 1
            plan.attempted_retries += 1

    async def _awith_retries(self, plan: _Plan, group: str) -> Any:
        budget: int | None = None
        attempt = 0
        while True:
            try:
                return await self._aattempt(plan, group, first=attempt == 0)
            except Exception as error:
                budget = self._retry_budget(plan, group, error, budget)
                if attempt >= budget:
                    errors.note_retries(error, attempt, budget)
                    raise
                await self._asleep(self._backoff(error, attempt, group))
            attempt += 1
            plan.attempted_retries += 1

    def _retry_budget(self, plan: _Plan, group: str, error: BaseException, budget: int | None) -> int:
        """How many retries this call may make in all; 0 once the error should not be retried.

        A ``retry_policy`` (or ``model_group_retry_policy[group]``) entry for the error's class sets the
        count and skips ``policy.should_retry``, as in LiteLLM; otherwise that rule decides.
        """
        retry_policy = self.model_group_retry_policy.get(group, self.retry_policy)
        from_policy = policy.policy_value(retry_policy, policy.RETRY_POLICY_KEYS, error)
        if from_policy is not None:
            return from_policy
        if not self._should_retry(plan, group, error):
            return 0
        return plan.num_retries if budget is None else budget

    def _should_retry(self, plan: _Plan, group: str, error: BaseException) -> bool:
        healthy, everyone = self._health(group)
        return policy.should_retry(
            error,
            healthy=healthy,
            everyone=everyone,
            context_window_fallbacks=bool(plan.context_window_fallbacks),
            content_policy_fallbacks=bool(plan.content_policy_fallbacks),
            fallbacks=bool(plan.fallbacks),
        )

    def _health(self, group: str) -> tuple[int, int]:
        table = self._table
        direct = table.by_id.get(group)
        deployments = [direct] if direct is not None else table.group(self._alias(group))
        cooling = self._state.cooling(d["model_info"]["id"] for d in deployments)
        return len(deployments) - len(cooling), len(deployments)

    def _backoff(self, error: BaseException, attempt: int, group: str) -> float:
        healthy, _ = self._health(group)
        return policy.backoff(error, attempt, healthy, self.retry_after, self._rng)

    # --- one attempt -------------------------------------------------------------------------

    def _attempt(self, plan: _Plan, group: str, first: bool) -> Any:
        deployment, kwargs = self._prepare(plan, group, first)
        deployment_id = deployment["model_info"]["id"]
        limit = self._parallel_limit(deployment)
        slot = self._parallel.for_threads(deployment_id, limit) if limit else contextlib.nullcontext()
        self._state.started(deployment_id)
        started = self._timer()
        try:
            with slot:
                response = _sdk(plan.fn)(**kwargs)
        except Exception as error:
            plan.failed.add(deployment_id)
            self._failed(deployment, error)
            raise
        finally:
            self._state.finished(deployment_id)
        return self._succeeded(plan, group, deployment, response, started)

    async def _aattempt(self, plan: _Plan, group: str, first: bool) -> Any:
        deployment, kwargs = await self._aprepare(plan, group, first)
        deployment_id = deployment["model_info"]["id"]
        limit = self._parallel_limit(deployment)
        slot = self._parallel.for_loop(deployment_id, limit) if limit else contextlib.nullcontext()
        self._state.started(deployment_id)
        started = self._timer()
        try:
            async with slot:  # type: ignore[attr-defined]
                response = await _sdk("a" + plan.fn)(**kwargs)
        except Exception as error:
            plan.failed.add(deployment_id)
            self._failed(deployment, error)
            raise
        finally:
            self._state.finished(deployment_id)
        return self._succeeded(plan, group, deployment, response, started)

    def _parallel_limit(self, deployment: dict[str, Any]) -> int | None:
        """``max_parallel_requests`` of the deployment, else the router's default; None: no cap.

        (LiteLLM also derives a cap from ``rpm``/``tpm``; here those only weigh and limit per minute.)
        """
        own = dep.limit(deployment, "max_parallel_requests")
        value = own if own is not None else self.default_max_parallel_requests
        return int(value) if value else None

    def _check_mock_rate_limit(self, plan: _Plan, group: str, first: bool) -> None:
        """``mock_testing_rate_limit_error=True`` fails the first attempt with a RateLimitError."""
        if first and plan.mock_rate_limit:
            plan.mock_rate_limit = False
            raise errors.mock_rate_limit(group)

    def _prepare(self, plan: _Plan, group: str, first: bool) -> tuple[dict[str, Any], dict[str, Any]]:
        self._check_mock_rate_limit(plan, group, first)
        if _custom_strategy(self):  # set_custom_routing_strategy: that object decides
            deployment = _chosen(self.get_available_deployment(**self._selection_args(plan, group)), group)
        else:
            deployment = self._select_for(plan, group)
        return deployment, self._call_kwargs(deployment, plan, group)

    async def _aprepare(self, plan: _Plan, group: str, first: bool) -> tuple[dict[str, Any], dict[str, Any]]:
        self._check_mock_rate_limit(plan, group, first)
        if _custom_strategy(self):
            chosen = await self.async_get_available_deployment(**self._selection_args(plan, group))
            deployment = _chosen(chosen, group)
        else:
            deployment = self._select_for(plan, group)
        return deployment, self._call_kwargs(deployment, plan, group)

    @staticmethod
    def _selection_args(plan: _Plan, group: str) -> dict[str, Any]:
        return {
            "model": group,
            "messages": plan.kwargs.get("messages"),
            "input": plan.kwargs.get("input"),
            "specific_deployment": plan.specific_deployment,
            "request_kwargs": plan.kwargs,
        }

    def _select_for(self, plan: _Plan, group: str) -> dict[str, Any]:
        """The router's own choice, skipping deployments this call already failed on."""
        kwargs = plan.kwargs
        messages, input = kwargs.get("messages"), kwargs.get("input")
        return self._select(group, messages, input, plan.specific_deployment, kwargs, plan.failed)

    def _call_kwargs(self, deployment: dict[str, Any], plan: _Plan, group: str) -> dict[str, Any]:
        """The SDK call's arguments: router defaults < the deployment's litellm_params < the request."""
        params = deployment["litellm_params"]
        sent = {k: dep.resolve_env(v) for k, v in params.items() if k not in dep.ROUTING_KEYS}
        kwargs = {**self.default_litellm_params, **sent, **plan.kwargs, "model": sent["model"]}
        # The router retries (on another deployment when it can); the SDK underneath tries once.
        kwargs["num_retries"] = int(params.get("max_retries") or 0)
        # Which deployment this is, where LiteLLM passes it: `model_info`, and the call's metadata
        # (for callbacks and response IDs). As in LiteLLM, `metadata` is for logging, never sent upstream.
        kwargs["model_info"] = deployment["model_info"]
        kwargs["litellm_metadata"] = {
            **(kwargs.get("litellm_metadata") or {}),
            **(self.default_litellm_params.get("metadata") or {}),  # merged, not replaced, as in LiteLLM
            **(kwargs.pop("metadata", None) or {}),
            "model_group": group,
            "deployment": sent["model"],
            "model_info": deployment["model_info"],
        }
        if kwargs.get("timeout") is None:
            stream_timeout = params.get("stream_timeout", self.stream_timeout)
            timeout = stream_timeout if kwargs.get("stream") and stream_timeout is not None else self.timeout
            if timeout is not None:
                kwargs["timeout"] = timeout
        return kwargs

    def _succeeded(
        self, plan: _Plan, group: str, deployment: dict[str, Any], response: Any, started: float
    ) -> Any:
        elapsed = self._timer() - started
        if _is_stream(response):
            # A stream's outcome is known only when it ends: count it then (its usage, or its
            # mid-stream error). The time until it was handed back stands for time to first token.
            self._watch_stream(deployment, response, elapsed)
        else:
            self._record_success(deployment, getattr(response, "usage", None), elapsed)
        return self._stamp(plan, group, deployment, response)

    def _record_success(self, deployment: dict[str, Any], usage: Any, elapsed: float) -> None:
        total = int(getattr(usage, "total_tokens", 0) or 0)
        output = int(getattr(usage, "completion_tokens", 0) or 0)
        # Latency per output token, as LiteLLM's latency router measures it, so long answers do not
        # make a deployment look slow.
        latency = elapsed / output if output > 0 and elapsed > 0 else elapsed
        self._state.record_success(deployment["model_info"]["id"], latency, total)

    def _watch_stream(self, deployment: dict[str, Any], stream: Any, elapsed: float) -> None:
        previous = stream._finalize

        def finalize(wrapper: Any, error: BaseException | None) -> None:
            if previous is not None:
                previous(wrapper, error)
            if error is None:
                self._state.record_success(deployment["model_info"]["id"], elapsed, _stream_tokens(wrapper))
            elif not isinstance(
                error, errors.error_class("APIConnectionError")
            ):  # closed early or cut off: not the model's fault
                self._failed(deployment, error)

        stream._finalize = finalize

    def _stamp(self, plan: _Plan, group: str, deployment: dict[str, Any], response: Any) -> Any:
        """Which deployment answered, where LiteLLM puts it: ``_hidden_params`` and its headers."""
        hidden = getattr(response, "_hidden_params", None)
        if not isinstance(hidden, dict):
            try:
                response._hidden_params = hidden = {}
            except AttributeError:
                return response
        deployment_id = deployment["model_info"]["id"]
        hidden["model_id"] = deployment_id
        hidden["model_group"] = group
        hidden["model_info"] = deployment["model_info"]
        headers = hidden.setdefault("additional_headers", {})
        headers.update(
            {
                "x-litellm-model-id": deployment_id,
                "x-litellm-model-group": group,
                "x-litellm-attempted-retries": plan.attempted_retries,
                "x-litellm-attempted-fallbacks": plan.attempted_fallbacks,
            }
        )
        return response

    def _failed(self, deployment: dict[str, Any], error: BaseException) -> None:
        deployment_id = deployment["model_info"]["id"]
        self._state.record_failure(deployment_id, timed_out=isinstance(error, errors.error_class("Timeout")))
        seconds = policy.cooldown_seconds(deployment, error, self.cooldown_time)
        if seconds > 0 and self._should_cool_down(deployment, error):
            logger.info("llmrelay Router: cooling %s down for %ss after %r", deployment_id, seconds, error)
            self._state.cool(deployment_id, seconds, policy.status_of(error), str(error))

    def _should_cool_down(self, deployment: dict[str, Any], error: BaseException) -> bool:
        """Only some failures count (``policy.cooldown_required``). Without ``allowed_fails`` or
        ``allowed_fails_policy``, LiteLLM's failure-share rule decides (``policy.cool_by_failure_share``);
        with them, more than that many failures within a minute bench the deployment."""
        status = policy.status_of(error)
        if self.disable_cooldowns or not policy.cooldown_required(error, status):
            return False
        deployment_id = deployment["model_info"]["id"]
        if self.allowed_fails is None and self.allowed_fails_policy is None:
            siblings = len(self._table.by_name.get(deployment["model_name"], ())) > 1
            minute = self._state.minute(deployment_id)
            return policy.cool_by_failure_share(status, siblings, minute.success, minute.fail)
        allowed = policy.policy_value(self.allowed_fails_policy, policy.ALLOWED_FAILS_POLICY_KEYS, error)
        if allowed is None:
            allowed = policy.DEFAULT_ALLOWED_FAILS if self.allowed_fails is None else self.allowed_fails
        return self._state.failures_in_window(deployment_id) > allowed

    def _raise_mock_fallback(self, plan: _Plan, group: str) -> None:
        """``mock_testing_fallbacks=True`` (and the context/content variants) fail the first group at once."""
        flag, plan.mock = plan.mock, None
        if flag is not None:
            configured = getattr(plan, errors.MOCK_FALLBACK_FLAGS[flag][2])
            raise errors.mock_fallback(flag, group, configured)


# --- helpers -----------------------------------------------------------------------------------


# SDK calls that live outside runtime/main.py, by module
_SDK_MODULES = {"responses": "responses_api", "aresponses": "responses_api"}


def _sdk(name: str) -> Callable[..., Any]:
    """The SDK function the router calls (``completion``, ``aembedding``, ``responses``…)."""
    module = importlib.import_module(f".{_SDK_MODULES.get(name, 'main')}", __package__)
    return getattr(module, name)


def _previous_response_deployment(
    request_kwargs: dict[str, Any] | None, candidates: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The deployment that created ``previous_response_id`` (its ID carries the deployment id), so a
    conversation continues where its earlier turns are stored — while that deployment is available.
    (LiteLLM does this with ``optional_pre_call_checks=["responses_api_deployment_check"]``; here it
    is always on, since another deployment cannot continue the conversation.)"""
    previous = (request_kwargs or {}).get("previous_response_id")
    if not isinstance(previous, str):
        return None
    from .ids import decode_response_id

    model_id = decode_response_id(previous)["model_id"]
    return next((d for d in candidates if d["model_info"]["id"] == model_id), None)


def _custom_strategy(router: Router) -> bool:
    """Whether set_custom_routing_strategy replaced the router's own choice."""
    return "get_available_deployment" in vars(router) or "async_get_available_deployment" in vars(router)


def _required(model: str | None) -> str:
    if not model:
        raise errors.error_class("BadRequestError")(message="'model' is required", param="model")
    return model


def _chosen(deployment: Any, group: str) -> dict[str, Any]:
    """A custom strategy may return any deployment-shaped dict; make sure it has an id."""
    if not isinstance(deployment, dict) or not isinstance(deployment.get("litellm_params"), dict):
        raise ValueError(f"the routing strategy returned {deployment!r} for model={group}, not a deployment")
    info = deployment.get("model_info") or {}
    if info.get("id") is None:
        return dep.normalize({"model_name": group, **deployment})
    return deployment


def _is_stream(response: Any) -> bool:
    from .streaming import CustomStreamWrapper

    return isinstance(response, CustomStreamWrapper)


def _stream_tokens(stream: Any) -> int:
    usage = stream.usage
    return int(getattr(usage, "total_tokens", 0) or 0)


def _validated_fallbacks(value: Any, name: str) -> list[Any]:
    """LiteLLM's check: a list of one-key dicts, ``[{"gpt": ["claude"]}]``."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"{name} must be a list of {{model_group: [fallback groups]}} dicts, got {value!r}")
    for item in value:
        if not isinstance(item, dict) or len(item) != 1:
            raise ValueError(
                f"{name}: {item!r} must be a dict with exactly one key, e.g. {{'gpt': ['claude']}}"
            )
    return list(value)


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return [value] if isinstance(value, str | dict) else list(value)


def _max_input_tokens(deployment: dict[str, Any]) -> int | None:
    info = deployment.get("model_info") or {}
    window = info.get("max_input_tokens") or deployment["litellm_params"].get("max_input_tokens")
    if window is not None:
        return int(window)
    from .cost import get_model_info

    try:
        return get_model_info(deployment["litellm_params"]["model"]).get("max_input_tokens")
    except Exception:  # a model the table does not know: no window to check against
        return None


def _count_tokens(deployment: dict[str, Any], messages: Any, input: Any) -> int:
    from .tokens import token_counter

    model = deployment["litellm_params"]["model"]
    if messages:
        return int(token_counter(model=model, messages=messages))
    if input:
        return int(
            token_counter(model=model, text=input if isinstance(input, str) else [str(i) for i in input])
        )
    return 0
