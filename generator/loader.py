"""Load every ``specs/<provider>/provider.yaml``, resolve ``extends:`` and validate.

Merging: a child's dicts merge into its parent's (recursively), lists and scalars replace, and
``null`` stays ``null`` (so a child can mark an inherited parameter unsupported). ``name``,
``display_name``, ``docs``, ``abstract``, ``bare_model_names`` and ``models`` are the child's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .schema import SCHEMA_VERSION, ProviderSpec, SpecError, validate

NOT_INHERITED = (
    "name",
    "display_name",
    "docs",
    "abstract",
    "bare_model_names",
    "bare_model_prefixes",
    "models",
    "extends",
    "wire_openapi",
)


@dataclass(frozen=True)
class LoadedSpec:
    spec: ProviderSpec
    path: Path  # the mapping file, relative to the repository root
    folder: Path
    chain: tuple[str, ...]  # this provider and its ancestors, nearest first


def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise SpecError(f"{path}: a provider mapping must be a YAML mapping at the top level")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise SpecError(f"{path}: schema_version must be {SCHEMA_VERSION}, got {version!r}")
    return data


def merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    out = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def load_all(specs_dir: Path) -> dict[str, LoadedSpec]:
    raw: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path in sorted(specs_dir.glob("*/provider.yaml")):
        data = _read(path)
        name = data.get("name")
        if name != path.parent.name:
            raise SpecError(f"{path}: name must match the folder name {path.parent.name!r}, got {name!r}")
        raw[name] = (path, data)
    return {name: _resolve(name, raw) for name in sorted(raw)}


def _resolve(name: str, raw: dict[str, tuple[Path, dict[str, Any]]]) -> LoadedSpec:
    path, data = raw[name]
    chain = [name]
    merged = data
    parent = data.get("extends")
    while parent:
        if parent not in raw:
            raise SpecError(f"{path}: extends: unknown provider {parent!r}; known: {', '.join(sorted(raw))}")
        if parent in chain:
            raise SpecError(f"{path}: extends: cycle through {' -> '.join([*chain, parent])}")
        chain.append(parent)
        parent_data = {k: v for k, v in raw[parent][1].items() if k not in NOT_INHERITED}
        merged = merge(parent_data, merged)
        parent = raw[parent][1].get("extends")
    merged = {**merged, "extends": data.get("extends")}
    if "wire_module" not in merged and len(chain) > 1:
        owner = next((p for p in chain[1:] if raw[p][1].get("wire_openapi")), None)
        if owner:
            merged["wire_module"] = owner
    return LoadedSpec(validate(merged, path), path, path.parent, tuple(chain))
