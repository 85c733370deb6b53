"""Shared fixtures: cassette replay (recording off, network blocked) and service gates."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import vcr

from tests import cassette_format

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes"
# Headers and query parameters that carry credentials never reach a cassette.
FILTER_HEADERS = ["authorization", "x-api-key", "api-key", "x-goog-api-key", "cookie", "set-cookie"]
FILTER_QUERY = ["key", "api_key"]
MATCH_ON = ["method", "scheme", "host", "port", "path", "query", "json_body"]


def make_vcr() -> vcr.VCR:
    recorder = vcr.VCR(
        serializer="llmrelay",
        record_mode="none",
        match_on=MATCH_ON,
        filter_headers=FILTER_HEADERS,
        filter_query_parameters=FILTER_QUERY,
        decode_compressed_response=False,
    )
    recorder.register_serializer("llmrelay", cassette_format)
    recorder.register_matcher("json_body", cassette_format.json_body)
    return recorder


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "cassette(path): replay cassettes/<path>.yaml; every interaction must play"
    )


@pytest.fixture
def cassette(request: pytest.FixtureRequest) -> Iterator[object]:
    """Replay the cassette named by the test's ``@pytest.mark.cassette("provider/capability/scenario")``.

    Recording is off; a request the cassette does not hold fails the test, and so does a recorded
    interaction the test never played.
    """
    marker = request.node.get_closest_marker("cassette")
    assert marker is not None, "use @pytest.mark.cassette('provider/capability/scenario')"
    path = CASSETTES / f"{marker.args[0]}.yaml"
    assert path.is_file(), f"no cassette at {path}"
    with make_vcr().use_cassette(str(path), allow_playback_repeats=False) as cass:
        yield cass
    unplayed = len(cass.data) - cass.play_count
    assert cass.all_played, f"{path.relative_to(ROOT)}: {unplayed} recorded interaction(s) never played"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Provider keys from the developer's shell must not leak into tests."""
    for name in list(os.environ):
        if name.endswith(("_API_KEY", "_API_BASE", "_BASE_URL")) and not name.startswith("LLMRELAY_TEST"):
            monkeypatch.delenv(name, raising=False)
