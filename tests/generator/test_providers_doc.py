"""docs/providers.md is compiled from the specs: it lists every provider and model, agrees with the
compiled adapters, is deterministic, and ``--check`` fails when the committed page is stale."""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path

import pytest
from llmrelay.params import CHAT_PARAM_NAMES

import generator.__main__ as gen
from generator.__main__ import ROOT, _diff_docs, render_docs
from generator.loader import LoadedSpec, load_all
from generator.render import per_million, runtime_chat_params


@pytest.fixture(scope="module")
def specs() -> dict[str, LoadedSpec]:
    cwd = Path.cwd()
    os.chdir(ROOT)  # spec paths on the page are relative to the repository root
    try:
        return load_all(Path("specs"))
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def page(specs: dict[str, LoadedSpec], tmp_path_factory: pytest.TempPathFactory) -> str:
    docs = tmp_path_factory.mktemp("docs")
    render_docs(specs, docs)
    return (docs / "providers.md").read_text()


def _sections(page: str) -> dict[str, str]:
    """Provider name -> its section (from its ``## name`` heading to the next one)."""
    parts = re.split(r"^## (\S+)\n", page, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _summary_rows(page: str) -> dict[str, list[str]]:
    rows = {}
    for line in _sections(page)["Summary"].splitlines():
        match = re.match(r"^\| \[`(\w+)`\]\(#\1\) \|(.*)\|$", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return rows


def _model_rows(section: str) -> dict[str, list[str]]:
    rows = {}
    for line in section.split("### Models", 1)[1].splitlines():
        match = re.match(r"^\| `([^`]+)` \|(.*)\|$", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return rows


def _callable(specs: dict[str, LoadedSpec]) -> dict[str, LoadedSpec]:
    return {name: loaded for name, loaded in specs.items() if not loaded.spec.abstract}


def test_the_page_says_it_is_generated_and_not_to_edit_it(page: str) -> None:
    head = page.splitlines()[0]
    assert "generated" in head.lower() and "DO NOT EDIT" in head and "make generate" in head


def test_the_summary_has_one_row_per_callable_provider_with_its_facts(
    page: str, specs: dict[str, LoadedSpec]
) -> None:
    rows = _summary_rows(page)
    assert list(rows) == sorted(_callable(specs))
    for name, loaded in _callable(specs).items():
        spec = loaded.spec
        display, extends, capabilities, key_env, base_env, _, _, models = rows[name]
        assert display == spec.display_name
        assert extends == (" → ".join(loaded.chain[1:]) or "—")
        assert capabilities == ", ".join(sorted(spec.capabilities))
        assert key_env == (", ".join(spec.connection.api_key_env) or "—")
        assert base_env == (", ".join(spec.connection.api_base_env) or "—")
        assert int(models) == len(spec.models)


def test_every_callable_provider_has_a_section_listing_every_model(
    page: str, specs: dict[str, LoadedSpec]
) -> None:
    sections = _sections(page)
    assert sorted(set(sections) - {"Summary"}) == sorted(_callable(specs))
    for name, loaded in _callable(specs).items():
        section = sections[name]
        for url in loaded.spec.docs:
            assert f"<{url}>" in section, (name, url)
        rows = _model_rows(section)
        assert sorted(rows) == sorted(loaded.spec.models), name
        for model_name, model in loaded.spec.models.items():
            mode, context, max_output, price_in, price_out, *rest = rows[model_name]
            assert mode == model.mode
            assert context == (f"{model.max_input_tokens:,}" if model.max_input_tokens else "")
            assert max_output == (f"{model.max_output_tokens:,}" if model.max_output_tokens else "")
            assert price_in == per_million(model.input_cost_per_token)
            assert price_out == per_million(model.output_cost_per_token)
            for alias in model.aliases:
                assert any(f"`{alias}`" in cell for cell in rest), alias


def test_prices_are_dollars_per_million_tokens_without_float_noise() -> None:
    assert per_million(1.5e-07) == "0.15"
    assert per_million(3e-06) == "3"
    assert per_million(1.25e-05) == "12.5"
    assert per_million(0.0) == "0"
    assert per_million(None) == ""


def test_the_api_base_default_and_the_request_url_are_shown(page: str, specs: dict[str, LoadedSpec]) -> None:
    sections = _sections(page)
    for name, loaded in _callable(specs).items():
        conn = loaded.spec.connection
        chat = loaded.spec.chat
        if conn.api_base:
            assert f"api_base default: `{conn.api_base}`" in sections[name], name
            if chat is not None:
                assert f"`{conn.api_base}{chat.path}` with the default api_base" in sections[name], name
        for env in conn.api_key_env:
            assert f"`{env}`" in sections[name], (name, env)


def _unsupported(section: str, capability: str) -> set[str]:
    block = section.split(f"### {capability}\n", 1)[1]
    line = next(line for line in block.splitlines() if line.startswith("- Unsupported OpenAI parameters:"))
    return set(re.findall(r"`([^`]+)`", line))


def test_unsupported_chat_parameters_are_exactly_those_the_compiled_adapter_refuses(
    page: str, specs: dict[str, LoadedSpec]
) -> None:
    # The page reads the runtime's parameter list from source; it must be the one the runtime uses.
    assert runtime_chat_params() == CHAT_PARAM_NAMES
    sections = _sections(page)
    for name, loaded in _callable(specs).items():
        if loaded.spec.chat is None:
            continue
        module = importlib.import_module(f"llmrelay.generated.{name}.adapter")
        adapter = next(
            obj
            for obj in vars(module).values()
            if isinstance(obj, type)
            and obj.__name__.endswith("Adapter")
            and obj.__module__ == module.__name__
        )
        refused = CHAT_PARAM_NAMES - adapter.supported_params
        nulls = {p for p, target in loaded.spec.chat.params.items() if target is None}
        assert _unsupported(sections[name], "chat") == refused | nulls, name


def test_provider_specific_parameters_are_listed(page: str, specs: dict[str, LoadedSpec]) -> None:
    sections = _sections(page)
    for name, loaded in _callable(specs).items():
        for param in loaded.spec.chat.provider_params if loaded.spec.chat else {}:
            assert f"  - `{param}`: " in sections[name], (name, param)


def test_the_same_specs_give_a_byte_identical_page(
    page: str, specs: dict[str, LoadedSpec], tmp_path: Path
) -> None:
    render_docs(specs, tmp_path)
    assert (tmp_path / "providers.md").read_text() == page
    assert not re.search(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", page)  # no timestamps


def test_the_committed_page_matches_the_specs(page: str) -> None:
    assert (ROOT / "docs" / "providers.md").read_text() == page, "run `make generate` and commit"


def test_diff_reports_a_stale_or_missing_page(page: str, tmp_path: Path) -> None:
    expected, actual = tmp_path / "expected", tmp_path / "actual"
    expected.mkdir()
    actual.mkdir()
    (expected / "providers.md").write_text(page)
    assert _diff_docs(expected, actual) == ["missing: docs/providers.md"]
    (actual / "providers.md").write_text(page)
    assert _diff_docs(expected, actual) == []
    (actual / "providers.md").write_text(page.replace("| chat |", "| embedding |", 1))
    assert _diff_docs(expected, actual) == ["out of date: docs/providers.md"]


def test_check_fails_when_the_committed_page_is_stale(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A checkout whose docs/providers.md is stale; everything else is the real tree (read only).
    for entry in ("specs", "templates", "runtime", "generated", "pyproject.toml"):
        (tmp_path / entry).symlink_to(ROOT / entry)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "providers.md").write_text(page.replace("| chat |", "| embedding |", 1))
    monkeypatch.setattr(gen, "ROOT", tmp_path)
    monkeypatch.chdir(tmp_path)  # main() changes directory; this restores it afterwards
    assert gen.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert "out of date: docs/providers.md" in err
    assert (tmp_path / "docs" / "providers.md").read_text() != page  # --check writes nothing
