"""Router test helpers: a clock the test moves, recorded sleeps, and loopback upstreams."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import llmrelay
import pytest

from tests.core.fake_upstream import FakeUpstream

MESSAGES = [{"role": "user", "content": "Hi"}]


class Clock:
    """Wall time that only moves when the test says so."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def mock_deployment(name: str, reply: Any = "ok", **params: Any) -> dict[str, Any]:
    """A deployment of the offline mock provider answering ``reply`` (text, or an error name)."""
    return {"model_name": name, "litellm_params": {"model": "mock/mock", "mock_response": reply, **params}}


def make_router(model_list: list[dict[str, Any]], seed: int = 7, **kwargs: Any) -> llmrelay.Router:
    """A Router with a test clock, sleeps recorded instead of slept, and a seeded random source."""
    router = llmrelay.Router(model_list=model_list, **kwargs)
    router._clock = Clock()
    router.slept = []  # type: ignore[attr-defined]
    router._sleep = router.slept.append  # type: ignore[attr-defined]

    async def asleep(seconds: float) -> None:
        router.slept.append(seconds)  # type: ignore[attr-defined]

    router._asleep = asleep
    router._rng = random.Random(seed)
    return router


def failures(router: llmrelay.Router, deployment_id: str) -> int:
    return router._state.minute(deployment_id).fail


@pytest.fixture(scope="session")
def _servers() -> Iterator[list[FakeUpstream]]:
    servers = [FakeUpstream(), FakeUpstream()]
    yield servers
    for server in servers:
        server.close()


@pytest.fixture
def upstreams(_servers: list[FakeUpstream]) -> list[FakeUpstream]:
    """Two scripted OpenAI-format servers on 127.0.0.1 (one per deployment), emptied for each test."""
    for server in _servers:
        server.answers.clear()
        server.seen.clear()
    return _servers


@pytest.fixture(autouse=True)
def _clean_callbacks() -> Iterator[None]:
    saved = (llmrelay.success_callback, llmrelay.failure_callback)
    yield
    llmrelay.success_callback, llmrelay.failure_callback = saved
