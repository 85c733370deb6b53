"""``token_counter``: exact where a tokenizer is available offline, an approximation otherwise.

Exact counting uses tiktoken when it is installed (``llmrelay[tokenizers]``) *and* its encoding
files can be loaded without a download (tiktoken fetches them on first use, which fails
offline): set ``TIKTOKEN_CACHE_DIR`` to a folder holding them. Otherwise the count is an
approximation (about 4 characters a token, plus OpenAI's per-message overhead), and
``token_counter(..., return_details=True)`` says which one was used.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic_core import to_json

# OpenAI's chat format adds a few tokens per message and per reply.
_PER_MESSAGE = 3
_PER_NAME = 1
_REPLY_PRIMING = 3


@functools.lru_cache(maxsize=8)
def _encoding(model: str) -> Any:
    """A tiktoken encoding for the model, or None when none can be had offline."""
    try:
        import tiktoken
    except ImportError:
        return None
    name = "o200k_base" if any(tag in model for tag in ("gpt-4o", "gpt-4.1", "gpt-5", "o1", "o3", "o4")) else "cl100k_base"
    try:
        return tiktoken.get_encoding(name)
    except Exception:  # no network and no cached file: fall back to the approximation
        return None


def _approximate(text: str) -> int:
    return (len(text) + 3) // 4 if text else 0


def _text_of(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return to_json(content).decode()


def _count(text: str, encoding: Any) -> int:
    return len(encoding.encode(text, disallowed_special=())) if encoding is not None else _approximate(text)


def token_counter(
    model: str = "",
    text: str | list[str] | None = None,
    messages: list[dict[str, Any]] | None = None,
    count_response_tokens: bool = False,
    tools: list[dict[str, Any]] | None = None,
    return_details: bool = False,
    **_: Any,
) -> Any:
    """Tokens in ``messages`` (with chat overhead) or in ``text``.

    With ``return_details=True`` returns ``{"tokens": n, "exact": bool, "method": ...}``.
    """
    encoding = _encoding(model.rsplit("/", 1)[-1])
    total = 0
    if messages is not None:
        for message in messages:
            total += _PER_MESSAGE + _count(_text_of(message.get("content")), encoding)
            total += _count(str(message.get("role", "")), encoding)
            if message.get("name"):
                total += _PER_NAME + _count(str(message["name"]), encoding)
            if message.get("tool_calls"):
                total += _count(to_json(message["tool_calls"]).decode(), encoding)
        total += _REPLY_PRIMING
    if text is not None:
        joined = text if isinstance(text, str) else "".join(text)
        total += _count(joined, encoding)
    if tools:
        total += _count(to_json(tools).decode(), encoding)
    if not return_details:
        return total
    method = f"tiktoken:{encoding.name}" if encoding is not None else "approximate:4-chars-per-token"
    return {"tokens": total, "exact": encoding is not None, "method": method}
