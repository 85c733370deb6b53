"""Reading LiteLLM's proxy config.yaml, and the CLI's refusals."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml
from llmrelay.proxy import cli, config
from llmrelay.proxy.config import ConfigError


def write(tmp_path: Path, raw: dict) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_litellm_config_is_read_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_KEY", "az-123")
    for name in ("REDIS_URL", "REDIS_HOST", "LITELLM_MASTER_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LLMRELAY_HOME", str(tmp_path))
    raw = {
        "model_list": [
            {
                "model_name": "gpt-4o",
                "litellm_params": {
                    "model": "azure/gpt-4o",
                    "api_key": "os.environ/AZURE_KEY",
                    "api_base": "https://example.invalid",
                    "rpm": 60,
                    "tpm": 1000,
                    "input_cost_per_token": 0.5,
                },
                "model_info": {"id": "dep-1", "output_cost_per_token": 0.25, "input_cost_per_token": 9.0},
            }
        ],
        "general_settings": {"master_key": "os.environ/MASTER", "store_prompts_in_spend_logs": True},
        "router_settings": {"num_retries": 3, "timeout": 30, "redis_host": "localhost", "redis_port": 6380},
        "litellm_settings": {"drop_params": True},
        "environment_variables": {"MASTER": "sk-from-env-section"},
    }
    cfg = config.load(write(tmp_path, raw))
    (dep,) = cfg.deployments
    assert dep.model == "azure/gpt-4o" and dep.model_id == "dep-1" and dep.rpm == 60 and dep.tpm == 1000
    assert dep.params["api_key"] == "az-123" and dep.api_base == "https://example.invalid"
    # litellm_params prices win over model_info's; model_info fills what litellm_params lacks.
    assert dep.params["input_cost_per_token"] == 0.5 and dep.params["output_cost_per_token"] == 0.25
    assert "rpm" not in dep.params and "model" not in dep.params
    assert cfg.master_key == "sk-from-env-section" and cfg.store_prompts
    assert cfg.num_retries == 3 and cfg.timeout == 30 and cfg.drop_params is True
    assert cfg.redis_url == "redis://localhost:6380" and cfg.database_url is None
    assert cfg.warnings == []


def test_unknown_keys_are_warned_by_name(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    raw = {
        "model_list": [{"model_name": "m", "litellm_params": {"model": "mock/m"}, "colour": "blue"}],
        "general_settings": {"master_key": "sk-x", "alerting": ["slack"], "mystery_setting": 1},
        "surprise": {},
    }
    with caplog.at_level(logging.WARNING, logger="llmrelay.proxy"):
        cfg = config.from_dict(raw, tmp_path)
    text = "\n".join(cfg.warnings)
    for name in (
        "model_list[0].colour",
        "general_settings.alerting",
        "general_settings.mystery_setting",
        "config.surprise",
    ):
        assert name in text
    assert "general_settings.mystery_setting" in caplog.text


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ("general_settings", "allowed_ips"),
        ("general_settings", "enforce_user_param"),
        ("general_settings", "custom_auth"),
        ("litellm_settings", "max_budget"),
        ("litellm_settings", "upperbound_key_generate_params"),
    ],
)
def test_unimplemented_access_or_money_settings_stop_startup(tmp_path: Path, section: str, key: str) -> None:
    raw = {"model_list": [], section: {key: True}}
    with pytest.raises(ConfigError, match=f"{section}.{key}.*does not implement"):
        config.from_dict(raw, tmp_path)


def test_missing_environment_variable_is_named(tmp_path: Path) -> None:
    raw = {
        "model_list": [
            {"model_name": "m", "litellm_params": {"model": "x/y", "api_key": "os.environ/NOPE_NOT_SET"}}
        ]
    }
    with pytest.raises(ConfigError, match="NOPE_NOT_SET"):
        config.from_dict(raw, tmp_path)


def test_cli_refuses_bad_configs_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused = write(tmp_path, {"model_list": [], "general_settings": {"allowed_ips": ["10.0.0.1"]}})
    assert cli.main(["--config", str(refused)]) == 2
    assert "allowed_ips" in capsys.readouterr().err
    fine = write(tmp_path, {"model_list": [{"model_name": "m", "litellm_params": {"model": "mock/m"}}]})
    assert cli.main(["--config", str(fine), "--workers", "2"]) == 2
    assert "REDIS_URL" in capsys.readouterr().err
    assert cli.main(["--config", str(tmp_path / "missing.yaml")]) == 2
    assert "cannot read config" in capsys.readouterr().err


def test_serve_one_model_without_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LITELLM_MASTER_KEY", raising=False)
    cfg = config.from_model("openai/gpt-4o")
    assert cfg.model_names() == ["openai/gpt-4o"] and cfg.deployments[0].model == "openai/gpt-4o"
    assert cfg.master_key is None  # auth off: the CLI warns and binds to 127.0.0.1


def test_example_config_loads() -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "config.yaml"
    cfg = config.load(example)
    assert cfg.master_key and [d.model for d in cfg.deployments][0].startswith("mock/")
    assert cfg.warnings == []


def test_the_public_example_key_binds_to_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict = {}

    def fake_run(app: object, **kwargs: object) -> None:
        seen.update(kwargs)

    import uvicorn

    monkeypatch.setattr(uvicorn, "run", fake_run)
    example = Path(__file__).resolve().parents[2] / "examples" / "config.yaml"
    assert cli.main(["--config", str(example), "--port", "4999"]) == 0
    assert seen["host"] == "127.0.0.1" and seen["port"] == 4999
