"""Turn validated specs into template contexts, and render the templates.

Everything a template needs is computed here as plain data (sorted, so output is
deterministic); templates stay free of logic and never name a provider.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from .loader import LoadedSpec
from .schema import CallValue, Endpoint, Model, ParamTarget, ProviderSpec, TransformRef

# The request field that carries each endpoint's main input.
INPUT_KEYS = {
    "chat": "messages",
    "embeddings": "input",
    "images": "prompt",
    "text_completion": "prompt",
    "responses": "input",
}
# Method names on the adapter, and the canonical parser used when a dialect speaks OpenAI's format.
METHODS = {
    "chat": ("chat_request", "parse_chat", "parse_chat"),
    "embeddings": ("embeddings_request", "parse_embeddings", "parse_embedding"),
    "images": ("images_request", "parse_images", "parse_image"),
    "text_completion": ("text_completion_request", "parse_text_completion", "parse_text_completion"),
    "responses": ("responses_request", "parse_responses", "parse_responses"),
}
# The method that starts a stream translator; chat's keeps the name the runtime has always used.
STREAM_METHODS = {"chat": "new_stream", "responses": "new_responses_stream"}
# Endpoints compiled only when the capability is declared too (children inherit the endpoint
# from their dialect but not the capability: without it the runtime bridges through chat).
OPT_IN_ENDPOINTS = frozenset({"responses"})
USAGE_FIELDS = (
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "cached_tokens",
    "cache_creation_input_tokens",
    "reasoning_tokens",
)


@dataclass
class ParamLine:
    name: str
    parents: list[str]
    leaf: str
    transform: TransformRef | None
    values: dict[str, Any] | None


@dataclass
class EndpointContext:
    capability: str
    endpoint: Endpoint
    input_key: str
    build_method: str
    parse_method: str
    canonical_parser: str
    lines: list[ParamLine]
    known: list[str]
    defaults: list[tuple[list[str], str, Any]]
    usage: dict[str, list[str]] = field(default_factory=dict)
    stream_method: str = "new_stream"


def _split(path: str) -> tuple[list[str], str]:
    *parents, leaf = path.split(".")
    return parents, leaf


def _param_lines(params: dict[str, ParamTarget | None]) -> list[ParamLine]:
    lines = []
    for name, target in sorted(params.items()):
        if target is None or target.omit:
            continue
        parents, leaf = _split(target.to or name)
        lines.append(ParamLine(name, parents, leaf, target.transform, target.values))
    return lines


def _endpoint_context(capability: str, endpoint: Endpoint) -> EndpointContext:
    build, parse, canonical = METHODS[capability]
    all_params = {**endpoint.params, **endpoint.provider_params}
    known = sorted({INPUT_KEYS[capability], *all_params})
    defaults = [(*_split(path), value) for path, value in sorted(endpoint.defaults.items())]
    return EndpointContext(
        capability=capability,
        endpoint=endpoint,
        input_key=INPUT_KEYS[capability],
        build_method=build,
        parse_method=parse,
        canonical_parser=canonical,
        lines=_param_lines(all_params),
        known=known,
        defaults=defaults,
        usage=dict(endpoint.response.usage),
        stream_method=STREAM_METHODS.get(capability, f"new_{capability}_stream"),
    )


def _transform_modules(spec: ProviderSpec, endpoints: list[EndpointContext]) -> list[str]:
    modules = {"canonical"}
    for ctx in endpoints:
        ep = ctx.endpoint
        refs = [ep.input, ep.response.transform, *ep.response.transforms, *ep.request_transforms]
        refs += [line.transform for line in ctx.lines]
        if ep.stream:
            refs += ep.stream.chunk_transforms
            modules.add(ep.stream.translator.split(".")[0])
        modules.update(ref.name.split(".")[0] for ref in refs if ref is not None)
    return sorted(modules)


def supported_params(spec: ProviderSpec, capability: str) -> list[str]:
    endpoint = getattr(spec, capability)
    return sorted(name for name, target in endpoint.params.items() if target is not None) if endpoint else []


def adapter_context(loaded: LoadedSpec) -> dict[str, Any]:
    spec = loaded.spec
    endpoints = [
        _endpoint_context(cap, getattr(spec, cap))
        for cap in INPUT_KEYS
        if getattr(spec, cap) is not None and (cap not in OPT_IN_ENDPOINTS or cap in spec.capabilities)
    ]
    chat = spec.chat
    return {
        "spec": spec,
        "spec_path": loaded.path.as_posix(),
        "class_name": "".join(part.capitalize() for part in spec.name.split("_")) + "Adapter",
        "endpoints": endpoints,
        "modules": _transform_modules(spec, endpoints),
        "supported": supported_params(spec, "chat"),
        "passthrough": sorted(chat.provider_params) if chat else [],
        "capabilities": sorted(spec.capabilities),
        "error_spec": _error_spec(spec),
        "wire_module": spec.wire_module or (spec.name if spec.wire_openapi else None),
        "finish_reasons": dict(sorted(chat.response.finish_reasons.items())) if chat else {},
        "usage_fields": USAGE_FIELDS,
        "stream": chat.stream if chat else None,
    }


def _error_spec(spec: ProviderSpec) -> dict[str, Any]:
    errors = spec.errors
    return {
        "message_paths": list(errors.message_paths),
        "code_paths": list(errors.code_paths),
        "status": dict(sorted(errors.status.items())),
        "codes": dict(sorted(errors.codes.items())),
        "patterns": [p.model_dump() for p in errors.patterns],
        "stream_status": errors.stream_status,
        "status_by_code": dict(sorted(errors.status_by_code.items())),
        **({"retry_after_paths": list(errors.retry_after_paths)} if errors.retry_after_paths else {}),
    }


def model_row(spec: ProviderSpec, model: Model) -> dict[str, Any]:
    row: dict[str, Any] = {"litellm_provider": spec.name, "mode": model.mode}
    for key, value in model.model_dump(exclude={"supports", "aliases", "mode"}).items():
        if value is not None and value != []:
            row[key] = sorted(value) if isinstance(value, list) else value
    if model.max_output_tokens is not None:
        row["max_tokens"] = model.max_output_tokens
    for feature in sorted(model.supports):
        row[f"supports_{feature}"] = True
    return row


def model_rows(spec: ProviderSpec) -> list[tuple[str, dict[str, Any], list[str]]]:
    return [
        (name, model_row(spec, model), sorted(model.aliases)) for name, model in sorted(spec.models.items())
    ]


def registry_context(specs: dict[str, LoadedSpec]) -> dict[str, Any]:
    providers = []
    models: list[tuple[str, dict[str, Any]]] = []
    bare: dict[str, str] = {}
    aliases: dict[str, str] = {}
    unlisted: list[tuple[str, dict[str, Any]]] = []
    prefixes: list[tuple[str, str]] = []
    for name, loaded in sorted(specs.items()):
        spec = loaded.spec
        if spec.abstract:
            continue
        prefixes += [(prefix, name) for prefix in spec.bare_model_prefixes]
        if spec.unlisted_models is not None:
            unlisted.append((name, model_row(spec, spec.unlisted_models)))
        providers.append((name, f"llmrelay.generated.{name}.adapter:{adapter_context(loaded)['class_name']}"))
        for model_name, row, model_aliases in model_rows(spec):
            key = f"{name}/{model_name}"
            models.append((key, row))
            for alias in model_aliases:
                aliases[f"{name}/{alias}"] = key
            if spec.bare_model_names:
                for bare_name in (model_name, *model_aliases):
                    bare.setdefault(bare_name, key)
    return {
        "providers": providers,
        "models": models,
        "bare": sorted(bare.items()),
        "aliases": sorted(aliases.items()),
        "unlisted": unlisted,
        # longest first, so the most specific prefix wins
        "prefixes": sorted(prefixes, key=lambda item: (-len(item[0]), item[0])),
        "sources": sorted(loaded.path.as_posix() for loaded in specs.values()),
    }


def environment(templates_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["py"] = _py_literal
    return env


def _py_literal(value: Any) -> str:
    """A Python literal for a YAML value, with sorted dict keys for stable output."""
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: str(kv[0]))
        return "{" + ", ".join(f"{_py_literal(k)}: {_py_literal(v)}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_py_literal(v) for v in value) + "]"
    return repr(value)


# --- docs/providers.md: the provider reference page, compiled from the same specs ----------------

MILLION = 1_000_000


def per_million(cost: float | None) -> str:
    """A per-token USD cost as dollars per 1M tokens, exact and without float noise (``1.5e-07`` -> ``0.15``)."""
    if cost is None:
        return ""
    from decimal import Decimal

    value = (Decimal(repr(cost)) * MILLION).normalize()
    return format(value, "f")


def _count(value: int | None) -> str:
    return f"{value:,}" if value is not None else ""


def _call_value(source: CallValue) -> str:
    parts = [f"`{source.param}=`"] if source.param else []
    parts += [f"`{env}`" for env in source.env]
    text = " or ".join(parts) or "nothing"
    return text + (f", default `{source.default}`" if source.default is not None else "")


def _auth_lines(spec: ProviderSpec) -> list[str]:
    conn = spec.connection
    auth = conn.auth
    lines = []
    if conn.in_process:
        lines.append(f"none: answered in process by the runtime's `{conn.in_process}` server")
        return lines
    if auth.query:
        lines.append(f"the key as the query parameter `?{auth.query}=<key>`")
    elif auth.header:
        lines.append(f"the key in the header `{auth.header}: {auth.prefix}<key>`")
    for rule in conn.host_rules:
        if rule.auth and rule.auth.header:
            lines.append(
                f"on a host ending `{rule.host_suffix}`: `{rule.auth.header}: {rule.auth.prefix}<key>` instead"
            )
    if auth.token:
        lines.append(
            f"without a key, a token from {_call_value(auth.token)}"
            + (f" or the callable `{auth.token.provider_param}=`" if auth.token.provider_param else "")
            + f", sent as `{auth.token.header}: {auth.token.prefix}<token>`"
        )
    if auth.signer:
        lines.append(f"without a key, each request is signed by the `{auth.signer.name}` signer")
    return lines


def _transform_text(ref: TransformRef) -> str:
    return f"`{ref.name}`" + (f" ({_compact(ref.args)})" if ref.args else "")


def _compact(args: dict[str, Any]) -> str:
    import json

    text = json.dumps(args, sort_keys=True, separators=(", ", ": "))[1:-1]
    return text if len(text) <= 100 else text[:97] + "…"


def _target_text(target: ParamTarget) -> str:
    if target.omit:
        return "accepted, not sent in the body"
    text = f"sent as `{target.to}`" if target.to else "sent as is"
    if target.transform:
        text += f" via `{target.transform.name}`"
    if target.values:
        text += " (values mapped: " + ", ".join(f"{k}→{v}" for k, v in sorted(target.values.items())) + ")"
    return text


def runtime_chat_params() -> frozenset[str]:
    """The OpenAI chat parameters the runtime checks (``CHAT_PARAMS`` in runtime/params.py).

    Read with ``ast``, not imported: the generator must run even while generated/ is broken.
    """
    import ast

    source = Path(__file__).resolve().parent.parent / "runtime" / "params.py"
    for node in ast.parse(source.read_text()).body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "CHAT_PARAMS":
            assert isinstance(node.value, ast.Dict)
            return frozenset(key.value for key in node.value.keys if isinstance(key, ast.Constant))
    raise RuntimeError(f"{source}: CHAT_PARAMS not found")


def unsupported_params(endpoint: Endpoint, capability: str) -> list[str]:
    """OpenAI parameters refused (UnsupportedParamsError, or dropped with drop_params).

    Chat: every parameter the runtime checks that the spec does not map, plus those it marks null;
    other endpoints: those the spec marks null.
    """
    supported = {name for name, target in endpoint.params.items() if target is not None}
    nulls = {name for name, target in endpoint.params.items() if target is None}
    checked = runtime_chat_params() if capability == "chat" else frozenset()
    return sorted((checked | nulls) - supported)


def _endpoint_doc(spec: ProviderSpec, capability: str, endpoint: Endpoint) -> dict[str, Any]:
    base = spec.connection.api_base or "<api_base>"
    stream = endpoint.stream
    quirks = [f"request input via {_transform_text(endpoint.input)}"] if endpoint.input else []
    quirks += [f"request: {_transform_text(ref)}" for ref in endpoint.request_transforms]
    if endpoint.response.transform:
        quirks.append(f"response parsed by {_transform_text(endpoint.response.transform)}")
    quirks += [f"response fix: {_transform_text(ref)}" for ref in endpoint.response.transforms]
    if stream:
        quirks.append(f"stream: `{stream.decoder}` decoded, translated by `{stream.translator}`")
        quirks += [f"stream chunk fix: {_transform_text(ref)}" for ref in stream.chunk_transforms]
    return {
        "capability": capability,
        "path": endpoint.path,
        "url": base + endpoint.path,
        "stream_path": stream.path if stream and stream.path else None,
        "unsupported": unsupported_params(endpoint, capability),
        "provider_params": [(name, _target_text(t)) for name, t in sorted(endpoint.provider_params.items())],
        "finish_reasons": sorted(endpoint.response.finish_reasons.items()),
        "quirks": quirks,
    }


def _model_doc(name: str, model: Model) -> dict[str, Any]:
    return {
        "name": name.replace("|", "\\|"),  # a table cell
        "mode": model.mode,
        "context": _count(model.max_input_tokens),
        "max_output": _count(model.max_output_tokens),
        "input": per_million(model.input_cost_per_token),
        "output": per_million(model.output_cost_per_token),
        "cache_read": per_million(model.cache_read_input_token_cost),
        "cache_write": per_million(model.cache_creation_input_token_cost),
        "supports": ", ".join(sorted(model.supports)),
        "aliases": ", ".join(f"`{alias}`" for alias in sorted(model.aliases)),
        "refuses": ", ".join(f"`{p}`" for p in sorted(model.unsupported_params)),
    }


def _key_alternative(spec: ProviderSpec) -> str:
    auth = spec.connection.auth
    if spec.connection.in_process:
        return "no (in process)"
    if auth.token:
        return "no, or a token"
    if auth.signer:
        return "no, or signed credentials"
    return "no"


def _provider_doc(loaded: LoadedSpec) -> dict[str, Any]:
    spec = loaded.spec
    conn = spec.connection
    endpoints = [
        _endpoint_doc(spec, cap, getattr(spec, cap))
        for cap in INPUT_KEYS
        if getattr(spec, cap) is not None and (cap not in OPT_IN_ENDPOINTS or cap in spec.capabilities)
    ]
    models = [_model_doc(name, model) for name, model in sorted(spec.models.items())]
    key_required = conn.api_key_required and not conn.auth.token and not conn.in_process
    return {
        "name": spec.name,
        "display_name": spec.display_name,
        "spec_path": loaded.path.as_posix(),
        "extends": " → ".join(loaded.chain[1:]),
        "docs": list(spec.docs),
        "capabilities": sorted(spec.capabilities),
        "api_base": conn.api_base,
        "api_base_env": list(conn.api_base_env),
        "api_base_required": conn.api_base_required or (conn.api_base is None and not conn.in_process),
        "api_key_env": list(conn.api_key_env),
        "api_key_env_text": " or ".join(f"`{env}`" for env in conn.api_key_env),
        "api_base_env_text": " or ".join(f"`{env}`" for env in conn.api_base_env),
        "key_required": key_required,
        "key_required_text": "yes" if key_required else _key_alternative(spec),
        "auth": _auth_lines(spec),
        "headers": sorted(conn.headers.items()),
        "query_params": [(name, _call_value(src)) for name, src in sorted(conn.query_params.items())],
        "call_values": [(name, _call_value(src)) for name, src in sorted(conn.call_values.items())],
        "host_rules": [(r.host_suffix, r.path_prefix) for r in conn.host_rules if r.path_prefix],
        "bare_model_names": spec.bare_model_names,
        "endpoints": endpoints,
        "models": models,
        "has_cache_prices": any(m["cache_read"] or m["cache_write"] for m in models),
        "has_refusals": any(m["refuses"] for m in models),
        "unlisted": _model_doc("(any other)", spec.unlisted_models) if spec.unlisted_models else None,
    }


def providers_doc_context(specs: dict[str, LoadedSpec]) -> dict[str, Any]:
    providers = [_provider_doc(loaded) for _, loaded in sorted(specs.items()) if not loaded.spec.abstract]
    return {
        "providers": providers,
        "dialects": sorted(name for name, loaded in specs.items() if loaded.spec.abstract),
        "model_count": sum(len(p["models"]) for p in providers),
    }
