"""Compatibility tests: LiteLLM user code run with ``import llmrelay as litellm``.

Every test starts with LiteLLM's default module settings and leaves them as it found them.
"""

from __future__ import annotations

from collections.abc import Iterator

import llmrelay
import pytest
from llmrelay import hooks, registry

_SETTINGS = {
    "success_callback": list,
    "failure_callback": list,
    "callbacks": list,
    "drop_params": lambda: False,
    "model_alias_map": dict,
    "api_base": lambda: None,
    "headers": lambda: None,
    "num_retries": lambda: None,
    "api_key": lambda: None,
}


@pytest.fixture(autouse=True)
def _litellm_defaults(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, default in _SETTINGS.items():
        monkeypatch.setattr(llmrelay, name, default())
    registered = dict(registry._registered)
    yield
    hooks.flush()
    registry._registered.clear()
    registry._registered.update(registered)
    registry._view = None  # llmrelay.model_cost is rebuilt from the table on next access
