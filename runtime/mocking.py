"""``mock_response=``: answer a call without any network I/O (LiteLLM's testing habit).

The mock may be a string (the reply), an exception instance (raised), an exception named as
LiteLLM's tests write it (``"litellm.RateLimitError"``), a ``ModelResponse`` or a dict in the
``chat.completion`` shape.
"""

from __future__ import annotations

from typing import Any

from . import exceptions
from .adapter import Call
from .types import ModelResponse, ModelResponseStream, Usage

_PREFIXES = ("litellm.", "llmrelay.", "exceptions.")


def raise_mock_error(mock: Any, call: Call) -> None:
    if isinstance(mock, BaseException):
        raise mock
    if isinstance(mock, str) and mock.startswith(_PREFIXES) and mock.rsplit(".", 1)[-1].endswith(("Error", "Timeout")):
        error = exceptions.error_from_name(mock)
        error.llm_provider, error.model = call.provider, call.model
        raise error


def mock_model_response(call: Call, mock: Any) -> ModelResponse:
    if isinstance(mock, ModelResponse):
        return mock
    if isinstance(mock, dict):
        return ModelResponse.model_validate(mock)
    text = str(mock)
    prompt = _rough_tokens(str(call.params.get("messages")))
    completion = _rough_tokens(text)
    return ModelResponse(
        model=call.model,
        choices=[{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        usage=Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion),
    )


def _rough_tokens(text: str) -> int:
    return max(1, len(text) // 4)


def mock_chunks(response: ModelResponse, call: Call) -> list[ModelResponseStream]:
    """The response as a stream: role, content in a few pieces, finish, then usage."""
    message = response.choices[0].message if response.choices else None
    text = (message.content if message else None) or ""
    base = {"id": response.id, "created": response.created, "model": response.model}
    pieces = [text[i : i + 16] for i in range(0, len(text), 16)] or [""]
    chunks = [ModelResponseStream(**base, choices=[{"index": 0, "delta": {"role": "assistant", "content": pieces[0]}}])]
    chunks += [ModelResponseStream(**base, choices=[{"index": 0, "delta": {"content": p}}]) for p in pieces[1:]]
    chunks.append(ModelResponseStream(**base, choices=[{"index": 0, "delta": {}, "finish_reason": "stop"}]))
    chunks.append(ModelResponseStream(**base, choices=[], usage=response.usage))
    return chunks
