"""Provider and model lookup over the generated registry, plus caller overrides.

``llmrelay.generated.registry`` (compiled from specs/) maps provider names to lazily imported
adapter classes and holds the model table. This module resolves ``model=`` strings the way
LiteLLM does — ``provider/model``, or a bare name the table knows (``gpt-4o``,
``claude-sonnet-4-5``) — and layers ``register_model`` overrides on top of the table.
"""

from __future__ import annotations

import importlib
from typing import Any

from . import exceptions
from .adapter import Adapter

_adapters: dict[str, Adapter] = {}
_registered: dict[str, dict[str, Any]] = {}  # register_model entries, keyed like MODELS
_view: dict[str, dict[str, Any]] | None = None  # llmrelay.model_cost, built on first access


_registry_module: Any = None


def _generated() -> Any:
    """The generated registry, imported on first use (an import statement per call costs)."""
    global _registry_module
    if _registry_module is None:
        from .generated import registry

        _registry_module = registry
    return _registry_module


def providers() -> list[str]:
    return sorted(_generated().PROVIDERS)


def get_adapter(provider: str) -> Adapter:
    adapter = _adapters.get(provider)
    if adapter is None:
        target = _generated().PROVIDERS.get(provider)
        if target is None:
            exceptions.raise_error(
                "BadRequestError",
                f"unknown provider {provider!r}; known providers: {', '.join(providers())}",
                llm_provider=provider,
            )
        module_name, class_name = target.split(":")
        adapter = getattr(importlib.import_module(module_name), class_name)()
        _adapters[provider] = adapter
    return adapter


def split_model(model: str, custom_llm_provider: str | None = None) -> tuple[str, str]:
    """``(provider, provider's model name)`` for a ``model=`` string."""
    if not isinstance(model, str) or not model:
        exceptions.raise_error("BadRequestError", f"'model' must be a non-empty string, got {model!r}")
    table = _generated()
    if custom_llm_provider:
        prefix = custom_llm_provider + "/"
        return custom_llm_provider, model[len(prefix) :] if model.startswith(prefix) else model
    head, sep, rest = model.partition("/")
    if sep and head in table.PROVIDERS:
        return head, rest
    key = _registered.get(model, {}).get("_key") or table.BARE_MODELS.get(model)
    if key:
        # The table says which provider; the model sent is the name the caller wrote (a dated
        # snapshot such as gpt-4o-2024-08-06 must not become its alias' target gpt-4o).
        return key.partition("/")[0], model
    if not sep:
        provider = next((p for prefix, p in table.BARE_PREFIXES if model.startswith(prefix)), None)
        if provider is not None:
            return provider, model
    if sep:
        message = f"unknown provider {head!r} in model {model!r}; known providers: {', '.join(providers())}"
    else:
        message = (
            f"cannot tell the provider of model {model!r}: write it as 'provider/model' "
            f"(providers: {', '.join(providers())}) or pass custom_llm_provider="
        )
    # LiteLLM raises LiteLLMUnknownProvider (a BadRequestError) here too.
    exceptions.raise_error("LiteLLMUnknownProvider", message, model=model)
    raise AssertionError  # unreachable: raise_error raises


def model_row(provider: str, model: str) -> dict[str, Any] | None:
    """The model table row for a resolved model, with register_model overrides applied."""
    key = f"{provider}/{model}"
    row = _registered.get(key)
    if row is not None:
        return row
    table = _generated()
    row = table.MODELS.get(key)
    if row is None:
        alias = table.ALIASES.get(key)
        row = table.MODELS.get(alias) if alias else table.UNLISTED_MODELS.get(provider)
    return row


def lookup(model: str, custom_llm_provider: str | None = None) -> dict[str, Any] | None:
    try:
        provider, name = split_model(model, custom_llm_provider)
    except exceptions.LLMRelayError:
        return _registered.get(model) or _user_row(model)
    return model_row(provider, name) or _registered.get(model) or _user_row(model)


def _user_row(model: str) -> dict[str, Any] | None:
    """A row the caller wrote into ``llmrelay.model_cost`` directly (a LiteLLM habit)."""
    if _view is None:
        return None
    row = _view.get(model)
    if row is None or not isinstance(row, dict):
        return None
    return {**row, "_key": model}


def _load_rows(source: str) -> dict[str, dict[str, Any]]:
    """Rows from a JSON document: an http(s) URL (as LiteLLM's ``register_model(url)``) or a file path."""
    if source.startswith(("http://", "https://")):
        import httpx

        return httpx.get(source, timeout=10).raise_for_status().json()
    import json
    from pathlib import Path

    return json.loads(Path(source).read_text())


def register(model_cost: dict[str, dict[str, Any]] | str) -> dict[str, dict[str, Any]]:
    """Add or override model table rows (LiteLLM's ``register_model`` format, or a URL/path to one)."""
    if isinstance(model_cost, str):
        model_cost = _load_rows(model_cost)
    for name, info in model_cost.items():
        if not isinstance(info, dict):
            raise TypeError(f"register_model: the entry for {name!r} must be a dict of model info")
        provider = info.get("litellm_provider")
        base_name = name
        if provider and name.startswith(provider + "/"):
            base_name = name[len(provider) + 1 :]
        elif provider is None:
            head, sep, rest = name.partition("/")
            if sep and head in _generated().PROVIDERS:
                provider, base_name = head, rest
        if provider is None:
            try:
                provider, base_name = split_model(name)
            except exceptions.LLMRelayError:
                raise ValueError(
                    f"register_model: cannot tell the provider of {name!r}; set 'litellm_provider'"
                ) from None
        key = f"{provider}/{base_name}"
        merged = {**(model_row(provider, base_name) or {}), **info, "litellm_provider": provider, "_key": key}
        _registered[key] = merged
        _registered[name] = merged
        if _view is not None:
            public = {k: v for k, v in merged.items() if not k.startswith("_")}
            _view[key] = public
            _view[name] = public
    return model_cost


def litellm_key(key: str) -> str:
    """The name LiteLLM's table files a model under: the bare name when the model answers to one."""
    _provider, sep, bare = key.partition("/")
    return bare if sep and _generated().BARE_MODELS.get(bare) == key else key


def model_table() -> dict[str, dict[str, Any]]:
    """The whole model table as ``llmrelay.model_cost`` shows it: generated rows plus registered ones.

    Keys are ``provider/model`` and, as in LiteLLM's table, also the bare name of a model that
    answers to one (``model_cost["gpt-4o"]``). It is one dict, kept up to date by register_model;
    a row a caller adds to it directly is found by the cost and model-info helpers too.
    """
    global _view
    if _view is None:
        generated = _generated()
        table = dict(generated.MODELS)
        for bare, key in generated.BARE_MODELS.items():
            if key in generated.MODELS and key.endswith("/" + bare):
                table.setdefault(bare, generated.MODELS[key])
        for key, row in _registered.items():
            table[key] = {k: v for k, v in row.items() if not k.startswith("_")}
        _view = table
    return _view
