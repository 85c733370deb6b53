"""What ``import llmrelay`` loads, pinned: it must stay cheap (issue 2: at most ~120 ms here).

Each check runs in a fresh interpreter and compares ``sys.modules`` before and after, so a
module imported at package level by mistake (an adapter, wire models, the gateway, httpx or
pydantic) fails the test by name. No time is measured here: ``python -m bench --only import``
prints the figure.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What the import may add besides llmrelay itself: the typing machinery its annotations use.
STDLIB_ALLOWED = {"typing", "_typing", "typing.io", "typing.re", "collections.abc", "importlib", "__future__"}
# Heavy or optional packages that load on first use only.
HEAVY = {
    "httpx",
    "httpcore",
    "anyio",
    "pydantic",
    "pydantic_core",
    "aiohttp",
    "yaml",
    "openai",
    "asyncio",
    "ssl",
    "email",
    "json",
    "tiktoken",
    "uvicorn",
    "sqlalchemy",
    "redis",
}

_PROBE = """
import json, sys
before = set(sys.modules)
import llmrelay
stage = {"import": sorted(set(sys.modules) - before)}
STEPS
print(json.dumps(stage))
"""


def _probe(steps: str = "") -> dict[str, list[str]]:
    code = _PROBE.replace("STEPS", steps)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def _top(modules: list[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_import_loads_only_the_package_module() -> None:
    loaded = set(_probe()["import"])
    assert loaded - STDLIB_ALLOWED == {"llmrelay"}


def test_import_loads_no_heavy_dependency() -> None:
    loaded = _probe()["import"]
    assert not _top(loaded) & HEAVY


def test_public_names_resolve_without_loading_adapters_wire_models_or_the_gateway() -> None:
    steps = 'llmrelay.completion; llmrelay.acompletion; llmrelay.ModelResponse\nstage["names"] = sorted(sys.modules)'
    loaded = _probe(steps)["names"]
    assert not [m for m in loaded if m.startswith("llmrelay.generated")]
    assert not [m for m in loaded if m.startswith("llmrelay.proxy")]
    assert "yaml" not in _top(loaded)


def test_a_call_loads_only_its_own_adapter() -> None:
    steps = (
        "llmrelay.completion(model='mock/mock-1', messages=[{'role': 'user', 'content': 'hi'}])\n"
        'stage["call"] = sorted(sys.modules)'
    )
    loaded = _probe(steps)["call"]
    generated = {m for m in loaded if m.startswith("llmrelay.generated")}
    assert generated == {
        "llmrelay.generated",
        "llmrelay.generated.registry",
        "llmrelay.generated.mock",
        "llmrelay.generated.mock.adapter",
    }
    assert not [m for m in loaded if m.startswith("llmrelay.proxy")]
    assert not _top(loaded) & {"aiohttp", "yaml", "uvicorn", "sqlalchemy"}  # a sync call needs none of them
