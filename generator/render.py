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
from .schema import Endpoint, Model, ParamTarget, ProviderSpec, TransformRef

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
    for name, loaded in sorted(specs.items()):
        spec = loaded.spec
        if spec.abstract:
            continue
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
