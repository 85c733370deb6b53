from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator import scaffold
from generator.schema import validate


def test_the_skeleton_is_a_valid_mapping_once_merged_with_its_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scaffold, "ROOT", tmp_path)
    created = scaffold.scaffold("acme_ai")
    spec_path = tmp_path / "specs" / "acme_ai" / "provider.yaml"
    assert spec_path in created and (tmp_path / "cassettes" / "acme_ai" / "chat").is_dir()
    data = yaml.safe_load(spec_path.read_text())
    assert data["extends"] == "openai" and data["connection"]["api_key_env"] == ["ACME_AI_API_KEY"]
    spec = validate({**data, "extends": None}, spec_path)
    assert spec.name == "acme_ai"


def test_a_bad_name_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scaffold, "ROOT", tmp_path)
    with pytest.raises(SystemExit, match="lower-case"):
        scaffold.scaffold("Acme-AI")
