"""The mapping schema rejects mistakes with messages that name the file, the key and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.loader import load_all, merge
from generator.schema import SpecError

MINIMAL = {
    "schema_version": 1,
    "name": "acme",
    "display_name": "Acme",
    "docs": ["https://acme.example/docs"],
    "connection": {"api_base": "https://api.acme.example/v1", "api_key_env": ["ACME_API_KEY"]},
    "capabilities": ["chat"],
    "chat": {"path": "/chat/completions", "params": {"temperature": "temperature"}},
}


def write_spec(root: Path, data: dict, name: str | None = None) -> Path:
    folder = root / (name or data["name"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "provider.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_a_minimal_mapping_validates(tmp_path: Path) -> None:
    write_spec(tmp_path, MINIMAL)
    loaded = load_all(tmp_path)
    assert loaded["acme"].spec.chat is not None
    assert loaded["acme"].spec.chat.params["temperature"].to == "temperature"


def test_a_typo_in_a_key_names_the_file_the_key_path_and_the_allowed_keys(tmp_path: Path) -> None:
    data = {**MINIMAL, "chat": {"path": "/chat/completions", "parmas": {}}}
    path = write_spec(tmp_path, data)
    with pytest.raises(SpecError) as err:
        load_all(tmp_path)
    message = str(err.value)
    assert str(path) in message
    assert "chat.parmas: unknown key" in message
    assert "params" in message and "provider_params" in message  # the allowed keys are listed


def test_a_wrong_type_names_the_key_and_the_value(tmp_path: Path) -> None:
    data = {**MINIMAL, "connection": {"api_base": "https://x", "api_key_required": "sometimes"}}
    write_spec(tmp_path, data)
    with pytest.raises(SpecError, match=r"connection\.api_key_required: .*sometimes"):
        load_all(tmp_path)


def test_an_unknown_capability_lists_the_allowed_ones(tmp_path: Path) -> None:
    write_spec(tmp_path, {**MINIMAL, "capabilities": ["chat", "telepathy"]})
    with pytest.raises(SpecError, match=r"capabilities\.1: .*'chat'.*telepathy"):
        load_all(tmp_path)


def test_the_schema_version_is_required(tmp_path: Path) -> None:
    write_spec(tmp_path, {**MINIMAL, "schema_version": 2})
    with pytest.raises(SpecError, match="schema_version must be 1, got 2"):
        load_all(tmp_path)


def test_the_name_must_match_the_folder(tmp_path: Path) -> None:
    write_spec(tmp_path, MINIMAL, name="other")
    with pytest.raises(SpecError, match="must match the folder name 'other'"):
        load_all(tmp_path)


def test_extends_an_unknown_provider_is_an_error(tmp_path: Path) -> None:
    write_spec(tmp_path, {**MINIMAL, "extends": "nobody"})
    with pytest.raises(SpecError, match="extends: unknown provider 'nobody'"):
        load_all(tmp_path)


def test_extends_cycles_are_reported(tmp_path: Path) -> None:
    write_spec(tmp_path, {**MINIMAL, "name": "a", "extends": "b"})
    write_spec(tmp_path, {**MINIMAL, "name": "b", "extends": "a"})
    with pytest.raises(SpecError, match="cycle"):
        load_all(tmp_path)


def test_expressions_are_not_transform_names(tmp_path: Path) -> None:
    chat = {"path": "/x", "params": {"stop": {"to": "stop", "transform": "lambda v: v"}}}
    write_spec(tmp_path, {**MINIMAL, "chat": chat})
    with pytest.raises(SpecError, match=r"chat\.params\.stop\.transform\.name"):
        load_all(tmp_path)


def test_a_child_inherits_merges_dicts_replaces_lists_and_nulls_mark_unsupported(tmp_path: Path) -> None:
    parent = {**MINIMAL, "chat": {"path": "/chat", "params": {"temperature": "temperature", "seed": "seed"}}}
    child = {
        "schema_version": 1,
        "name": "kid",
        "display_name": "Kid",
        "docs": ["https://kid.example"],
        "extends": "acme",
        "connection": {"api_base": "https://kid.example/v1"},
        "capabilities": ["chat", "stream"],
        "chat": {"params": {"seed": None, "max_tokens": "max_new_tokens"}},
    }
    write_spec(tmp_path, parent)
    write_spec(tmp_path, child)
    kid = load_all(tmp_path)["kid"]
    assert kid.chain == ("kid", "acme")
    assert kid.spec.connection.api_key_env == ["ACME_API_KEY"]  # inherited
    assert kid.spec.connection.api_base == "https://kid.example/v1"  # overridden
    assert kid.spec.capabilities == ["chat", "stream"]  # lists replace
    params = kid.spec.chat.params
    assert params["seed"] is None and params["temperature"].to == "temperature"
    assert params["max_tokens"].to == "max_new_tokens"
    assert kid.spec.models == {}  # models are never inherited


def test_merge_is_recursive_for_dicts_only() -> None:
    assert merge({"a": {"b": 1, "c": [1]}}, {"a": {"c": [2]}}) == {"a": {"b": 1, "c": [2]}}


def test_every_spec_in_the_repository_validates() -> None:
    specs = load_all(Path(__file__).resolve().parents[2] / "specs")
    assert "openai" in specs and "mock" in specs
