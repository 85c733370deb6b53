"""llmrelay adapter for the shared side-by-side harness (``sdk_bench.py --adapter``).

Same interface as the harness's ``litellm_sdk.py``: init, complete, stream, acomplete, aclose.
It needs only llmrelay installed in the interpreter that runs the harness::

    .venv/bin/python <harness>/sdk_bench.py --adapter bench/adapters/ours_sdk.py \\
        --api-base http://127.0.0.1:9100/v1 --model openai/fake
"""

from __future__ import annotations

from typing import Any

_sdk: Any = None
_base: str | None = None
_model: str | None = None


def init(api_base: str, model: str) -> None:
    global _sdk, _base, _model
    import llmrelay

    _sdk, _base, _model = llmrelay, api_base, model


def complete(messages: list[dict[str, Any]]) -> str:
    r = _sdk.completion(model=_model, api_base=_base, api_key="x", messages=messages)
    return r.choices[0].message.content


def stream(messages: list[dict[str, Any]]) -> int:
    n = 0
    for _chunk in _sdk.completion(model=_model, api_base=_base, api_key="x", messages=messages, stream=True):
        n += 1
    return n


async def acomplete(messages: list[dict[str, Any]]) -> str:
    r = await _sdk.acompletion(model=_model, api_base=_base, api_key="x", messages=messages)
    return r.choices[0].message.content


async def aclose() -> None:
    from llmrelay import http

    await http.aclose_clients()
