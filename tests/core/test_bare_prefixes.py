"""Bare model names the table does not list resolve by the prefixes a spec declares (LiteLLM habit)."""

from __future__ import annotations

import llmrelay
import pytest
from llmrelay import registry


@pytest.mark.parametrize(
    "model, provider",
    [
        ("gpt-4.5-preview", "openai"),  # not in the table: the gpt- prefix says openai
        ("o1-mini", "openai"),
        ("claude-2.1", "anthropic"),
        ("gemini-1.5-pro", "gemini"),
    ],
)
def test_an_unlisted_bare_name_goes_to_the_provider_owning_its_prefix(model: str, provider: str) -> None:
    assert registry.split_model(model) == (provider, model)


def test_a_listed_bare_name_still_wins_and_is_priced() -> None:
    assert registry.split_model("gpt-4") == ("openai", "gpt-4")
    assert llmrelay.get_model_info("gpt-4")["input_cost_per_token"] == 3e-05


def test_a_name_no_prefix_claims_is_still_a_clear_error() -> None:
    with pytest.raises(llmrelay.BadRequestError, match="cannot tell the provider"):
        registry.split_model("mystery-model-7b")


def test_prefixes_are_not_inherited_by_compatible_providers() -> None:
    from llmrelay.generated.registry import BARE_PREFIXES

    assert {provider for _, provider in BARE_PREFIXES} == {"openai", "anthropic", "gemini"}
