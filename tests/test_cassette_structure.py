"""Specs and cassettes agree: every declared capability is recorded, every recording is declared,
every cassette names its source, carries no credentials, and is replayed by some test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from generator.capabilities import CAPABILITIES
from generator.loader import load_all

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes"
SPECS = load_all(ROOT / "specs")
# Providers served in-process never cross the network, so there is nothing to record.
RECORDED = sorted(n for n, s in SPECS.items() if not s.spec.abstract and not s.spec.connection.in_process)
ALL_CASSETTES = sorted(CASSETTES.glob("*/*/*.yaml"))
_CREDENTIAL_HEADERS = {"authorization", "x-api-key", "api-key", "x-goog-api-key"}


def _cassette_id(path: Path) -> str:
    return path.relative_to(CASSETTES).with_suffix("").as_posix()


@pytest.mark.parametrize("provider", RECORDED)
def test_every_declared_capability_has_a_cassette(provider: str) -> None:
    declared = set(SPECS[provider].spec.capabilities)
    missing = sorted(cap for cap in declared if not list((CASSETTES / provider / cap).glob("*.yaml")))
    assert missing == [], (
        f"{provider} declares {missing} but cassettes/{provider}/<capability>/ has no cassette"
    )


def test_every_cassette_folder_is_a_declared_capability_of_a_known_provider() -> None:
    problems = []
    for folder in sorted(p for p in CASSETTES.glob("*/*") if p.is_dir()):
        provider, capability = folder.parent.name, folder.name
        if provider not in SPECS:
            problems.append(f"cassettes/{provider}: no such provider in specs/")
        elif capability not in CAPABILITIES:
            problems.append(
                f"cassettes/{provider}/{capability}: not a capability ({', '.join(CAPABILITIES)})"
            )
        elif capability not in SPECS[provider].spec.capabilities:
            problems.append(f"cassettes/{provider}/{capability}: {provider} does not declare {capability}")
    assert problems == []


@pytest.mark.parametrize("path", ALL_CASSETTES, ids=_cassette_id)
def test_every_cassette_names_its_source_and_holds_no_credentials(path: Path) -> None:
    data = yaml.safe_load(path.read_text())
    assert re.match(r"https?://", str(data.get("source", ""))), (
        "a cassette names the page it was written from"
    )
    assert data.get("interactions"), "a cassette holds at least one interaction"
    for interaction in data["interactions"]:
        request = interaction["request"]
        headers = {k.lower() for k in (request.get("headers") or {})}
        assert not headers & _CREDENTIAL_HEADERS, (
            f"credential header recorded: {headers & _CREDENTIAL_HEADERS}"
        )
        assert not re.search(r"[?&](key|api_key)=", request["uri"]), "credential query parameter recorded"


def test_every_cassette_is_replayed_by_a_test() -> None:
    sources = "\n".join(p.read_text() for p in (ROOT / "tests").rglob("*.py"))
    unused = [_cassette_id(p) for p in ALL_CASSETTES if _cassette_id(p) not in sources]
    assert unused == [], f"cassettes no test replays: {unused}"
