"""Run one provider test both ways: through ``completion`` and through ``acompletion``."""

from __future__ import annotations

from typing import Any

import llmrelay
import pytest

both = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])


async def call(is_async: bool, **kwargs: Any) -> Any:
    if is_async:
        return await llmrelay.acompletion(**kwargs)
    return llmrelay.completion(**kwargs)


async def chunks(stream: Any, is_async: bool) -> list[Any]:
    if is_async:
        return [chunk async for chunk in stream]
    return list(stream)
