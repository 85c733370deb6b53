"""The compiler's output is deterministic, headed, in sync with the specs, and provider-neutral at run time."""

from __future__ import annotations

import ast
import filecmp
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.__main__ import ROOT, render_all
from generator.loader import load_all


@pytest.fixture(scope="module")
def rendered_twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    cwd = Path.cwd()
    os.chdir(ROOT)  # spec paths in headers are relative to the repository root
    try:
        specs = load_all(Path("specs"))
        outs = []
        for name in ("first", "second"):
            out = tmp_path_factory.mktemp(name)
            render_all(specs, out)
            outs.append(out)
    finally:
        os.chdir(cwd)
    return outs[0], outs[1]


def _files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_same_specs_give_byte_identical_output(rendered_twice: tuple[Path, Path]) -> None:
    first, second = rendered_twice
    assert _files(first) == _files(second)
    mismatched = [
        str(rel) for rel in _files(first) if not filecmp.cmp(first / rel, second / rel, shallow=False)
    ]
    assert mismatched == []


def test_every_generated_file_says_where_it_came_from_and_not_to_edit_it(
    rendered_twice: tuple[Path, Path],
) -> None:
    first, _ = rendered_twice
    for rel in _files(first):
        head = (first / rel).read_text().splitlines()[0]
        assert head.startswith("# Code generated") and "DO NOT EDIT" in head, rel
    adapter_head = (first / "openai" / "adapter.py").read_text().splitlines()[0]
    assert "specs/openai/provider.yaml" in adapter_head


def test_committed_generated_code_matches_the_specs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_the_registry_lists_every_callable_provider(rendered_twice: tuple[Path, Path]) -> None:
    first, _ = rendered_twice
    tree = ast.parse((first / "registry.py").read_text())
    providers = next(
        node.value for node in tree.body if isinstance(node, ast.AnnAssign) and node.target.id == "PROVIDERS"
    )
    names = {key.value for key in providers.keys}
    specs = load_all(ROOT / "specs")
    assert names == {name for name, loaded in specs.items() if not loaded.spec.abstract}


# The runtime must not branch on a provider. Literals that look like provider names but are not
# provider logic are listed here with the reason.
_ALLOWED = {
    ("exceptions.py", "openai"),  # the `openai` *package*, imported to subclass its exceptions
    ("cli.py", "mock/mock"),  # the CLI's default model: the offline one, so it runs without keys
    ("llm.py", "openai"),  # /models `owned_by`, the constant LiteLLM's gateway answers with
    ("openapi.py", "openai"),  # the OpenAPI document's tag for the OpenAI-compatible routes
}


def _provider_literals(path: Path, providers: set[str]) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
            hit = value in providers or any(value.startswith(p + "/") for p in providers)
            if hit and (path.name, value) not in _ALLOWED:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {value!r}")
    return found


def test_the_runtime_names_no_provider() -> None:
    providers = set(load_all(ROOT / "specs"))
    offenders = [
        hit
        for path in sorted((ROOT / "runtime").rglob("*.py"))
        for hit in _provider_literals(path, providers)
    ]
    assert offenders == []
