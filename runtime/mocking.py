"""``mock_response=``: answer a call without any network I/O (LiteLLM's testing habit).

The mock may be:

- a string: the reply (``n=`` gives that many identical choices; ``mock_tool_calls=`` adds tool calls);
- an exception instance: one of llmrelay's (or ``openai``'s) errors is raised as it is; any other
  exception becomes the llmrelay error for its ``status_code`` (500 when it has none), with the
  original as ``__cause__`` — LiteLLM wraps it the same way, so ``except llmrelay.APIError``-style
  handlers see it;
- an exception named as LiteLLM's tests write it (``"litellm.RateLimitError"``; any of LiteLLM's
  exception names, with a ``litellm.``, ``llmrelay.`` or ``exceptions.`` prefix);
- ``"Exception: mock_streaming_error"``: with ``stream=True`` the error is raised mid-stream,
  after the first chunk; without a stream it is raised at once;
- ``"Exception: content_filter_policy..."``: a 400 ``MockException``, as LiteLLM raises it;
- a ``ModelResponse`` or a dict in the ``chat.completion`` shape: returned as the response.

``embedding`` takes a vector (each input gets it), ``image_generation`` an image URL and
``text_completion`` the text, as LiteLLM's mocks do (see :func:`mock_result`).
"""

from __future__ import annotations

from typing import Any

from . import exceptions
from .adapter import Call
from .types import (
    EmbeddingResponse,
    ImageResponse,
    ModelResponse,
    ModelResponseStream,
    TextCompletionResponse,
    Usage,
)

_PREFIXES = ("litellm.", "llmrelay.", "exceptions.", "litellm.exceptions.", "llmrelay.exceptions.")
_STREAMING_ERROR = "Exception: mock_streaming_error"
_CONTENT_FILTER = "Exception: content_filter_policy"
_MOCK_MESSAGES = {
    "RateLimitError": "this is a mock rate limit error",
    "ContextWindowExceededError": "this is a mock context window exceeded error",
    "InternalServerError": "this is a mock internal server error",
}


def _named_error(mock: str) -> str | None:
    """The exception name in ``"litellm.RateLimitError"``, or None when the string is a reply."""
    if not mock.startswith(_PREFIXES):
        return None
    name = mock.rsplit(".", 1)[-1]
    return name if name in exceptions._HIERARCHY else None


def raise_mock_error(mock: Any, call: Call) -> None:
    """Raise what the mock asks for, before any response is built."""
    if isinstance(mock, BaseException):
        raise _as_api_error(mock, call)
    if not isinstance(mock, str):
        return
    name = _named_error(mock)
    if name is not None:
        message = _MOCK_MESSAGES.get(name, f"this is a mock {name}")
        error = exceptions.error_from_name(name, message)
        error.llm_provider, error.model = call.provider, call.model
        raise error
    if mock.startswith(_CONTENT_FILTER):
        raise _mock_exception(400, mock, call)
    if mock.startswith(_STREAMING_ERROR) and not call.stream:
        raise _mock_exception(500, "This is a mock error raised mid-stream", call)


def _as_api_error(error: BaseException, call: Call) -> BaseException:
    """An API error as it is; any other exception as the llmrelay error for its status code."""
    if not isinstance(error, Exception) or isinstance(error, (exceptions.LLMRelayError, *_openai_error())):
        return error
    status = getattr(error, "status_code", None)
    status = status if isinstance(status, int) and status >= 400 else 500
    name = exceptions.DEFAULT_STATUS_MAP.get(status) or (
        "InternalServerError" if status >= 500 else "BadRequestError"
    )
    wrapped = exceptions.get_class(name)(
        message=str(error) or type(error).__name__,
        llm_provider=call.provider,
        model=call.model,
        status_code=status,
    )
    wrapped.__cause__ = error
    return wrapped


def _openai_error() -> tuple[type, ...]:
    return exceptions._openai_base("APIError")


def _mock_exception(status: int, message: str, call: Call) -> exceptions.LLMRelayError:
    return exceptions.get_class("MockException")(
        status_code=status, message=message, llm_provider=call.provider, model=call.model
    )


def mock_model_response(call: Call, mock: Any) -> ModelResponse:
    if isinstance(mock, ModelResponse):
        return mock
    if isinstance(mock, dict):
        return ModelResponse.model_validate(mock)
    streaming_error = isinstance(mock, str) and mock.startswith(_STREAMING_ERROR)
    text = "" if streaming_error else str(mock)
    count = call.params.get("n") or 1
    message: dict[str, Any] = {"role": "assistant", "content": text}
    tool_calls = call.params.get("mock_tool_calls")
    if tool_calls:
        message["tool_calls"] = tool_calls
    finish = "tool_calls" if tool_calls else "stop"
    choices = [{"index": i, "message": message, "finish_reason": finish} for i in range(count)]
    prompt = _rough_tokens(str(call.params.get("messages")))
    completion = _rough_tokens(text) * count
    response = ModelResponse(
        model=call.model,
        choices=choices,
        usage=Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion),
    )
    if streaming_error:
        response._hidden_params["mock_streaming_error"] = True
    return response


def _rough_tokens(text: str) -> int:
    """Mock usage is illustrative: about four characters a token, like the approximate counter."""
    return max(1, len(text) // 4)


def mock_chunks(response: ModelResponse, call: Call) -> list[Any]:
    """The response as a stream: per choice, role, content pieces, tool calls and finish; then usage.

    A ``mock_streaming_error`` mock ends the list with the exception, raised after the first chunk.
    """
    base = {"id": response.id, "created": response.created, "model": response.model}
    chunks: list[Any] = []
    for choice in response.choices:
        chunks += _choice_chunks(base, choice)
    if response.usage is not None:
        chunks.append(ModelResponseStream(**base, choices=[], usage=response.usage))
    if response._hidden_params.get("mock_streaming_error"):
        return [*chunks[:1], _mock_exception(500, "This is a mock error raised mid-stream", call)]
    return chunks


def _choice_chunks(base: dict[str, Any], choice: Any) -> list[ModelResponseStream]:
    message, index = choice.message, choice.index
    text = message.content or ""
    pieces = [text[i : i + 16] for i in range(0, len(text), 16)] or [""]
    first: dict[str, Any] = {"role": "assistant", "content": pieces[0]}
    if message.reasoning_content:
        first["reasoning_content"] = message.reasoning_content
    if message.thinking_blocks:
        first["thinking_blocks"] = message.thinking_blocks
    deltas = [first, *({"content": p} for p in pieces[1:])]
    for i, tool in enumerate(message.tool_calls or ()):
        function = {"name": tool.function.name, "arguments": tool.function.arguments}
        deltas.append({"tool_calls": [{"index": i, "id": tool.id, "type": "function", "function": function}]})
    chunks = [ModelResponseStream(**base, choices=[{"index": index, "delta": d}]) for d in deltas]
    finish = choice.finish_reason or "stop"
    chunks.append(
        ModelResponseStream(**base, choices=[{"index": index, "delta": {}, "finish_reason": finish}])
    )
    return chunks


# --- embeddings, images, legacy completions ---------------------------------------------------


def mock_result(call: Call, mock: Any) -> Any:
    """The mocked answer of an ``embedding``, ``image_generation`` or ``text_completion`` call."""
    raise_mock_error(mock, call)
    if call.capability == "embeddings":
        return _mock_embedding(call, mock)
    if call.capability == "images":
        return ImageResponse(data=[{"url": str(mock)}])
    return _mock_text_completion(call, mock)


def _mock_embedding(call: Call, mock: Any) -> EmbeddingResponse:
    if isinstance(mock, EmbeddingResponse):
        return mock
    vector = list(mock) if isinstance(mock, list | tuple) else [0.0] * 1536  # LiteLLM's default size
    inputs = call.params.get("input") or [""]
    prompt = sum(_rough_tokens(str(i)) for i in inputs)
    return EmbeddingResponse(
        model=call.model,
        data=[{"object": "embedding", "index": i, "embedding": vector} for i in range(len(inputs))],
        usage={"prompt_tokens": prompt, "total_tokens": prompt},
    )


def _mock_text_completion(call: Call, mock: Any) -> TextCompletionResponse:
    if isinstance(mock, TextCompletionResponse):
        return mock
    text = str(mock)
    count = call.params.get("n") or 1
    prompt = _rough_tokens(str(call.params.get("prompt")))
    completion = _rough_tokens(text) * count
    return TextCompletionResponse(
        model=call.model,
        choices=[{"index": i, "text": text, "finish_reason": "stop"} for i in range(count)],
        usage=Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion),
    )
