"""Fixtures for the SDK core tests: a loopback fake upstream and clean callback settings."""

from __future__ import annotations

from collections.abc import Iterator

import llmrelay
import pytest
from llmrelay import hooks

from tests.core.fake_upstream import FakeUpstream


@pytest.fixture
def upstream() -> Iterator[FakeUpstream]:
    server = FakeUpstream()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _clean_callbacks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts with no callbacks and LiteLLM's default settings."""
    monkeypatch.setattr(llmrelay, "success_callback", [])
    monkeypatch.setattr(llmrelay, "failure_callback", [])
    monkeypatch.setattr(llmrelay, "callbacks", [])
    monkeypatch.setattr(llmrelay, "drop_params", False)
    yield
    hooks.flush()
