"""LiteLLM's exception names, each also an ``openai`` exception when that package is installed.

``except openai.RateLimitError`` keeps working for code that moved from LiteLLM, but importing
``openai`` costs ~350 ms, so the classes are built on first use (first attribute access on this
module), not when ``llmrelay`` is imported. Every class derives from :class:`LLMRelayError`,
which is always available and cheap.

Classification of a provider's error (status first, then the provider's error code, then a
message pattern) is driven by the data each spec declares; see :func:`classify`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# name -> (our parent, openai counterpart, default status). Parents come before children.
_HIERARCHY: dict[str, tuple[str | None, str | None, int]] = {
    "APIError": (None, "APIError", 500),
    "APIConnectionError": (None, "APIConnectionError", 500),
    "APIResponseValidationError": (None, "APIResponseValidationError", 500),
    "Timeout": (None, "APITimeoutError", 408),
    "AuthenticationError": (None, "AuthenticationError", 401),
    "PermissionDeniedError": (None, "PermissionDeniedError", 403),
    "NotFoundError": (None, "NotFoundError", 404),
    "BadRequestError": (None, "BadRequestError", 400),
    "UnprocessableEntityError": (None, "UnprocessableEntityError", 422),
    "RateLimitError": (None, "RateLimitError", 429),
    "InternalServerError": (None, "InternalServerError", 500),
    "ServiceUnavailableError": (None, "APIStatusError", 503),
    "BadGatewayError": (None, "APIStatusError", 502),
    "ContextWindowExceededError": ("BadRequestError", None, 400),
    "ContentPolicyViolationError": ("BadRequestError", None, 400),
    "UnsupportedParamsError": ("BadRequestError", None, 400),
    "RejectedRequestError": ("BadRequestError", None, 400),
    "BudgetExceededError": (None, None, 400),
}

# HTTP semantics shared by every provider; a spec's `errors.status` map overrides per status.
DEFAULT_STATUS_MAP: dict[int, str] = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    408: "Timeout",
    409: "APIError",
    413: "BadRequestError",
    422: "UnprocessableEntityError",
    429: "RateLimitError",
    500: "InternalServerError",
    502: "BadGatewayError",
    503: "ServiceUnavailableError",
    504: "Timeout",
}

# Statuses worth retrying (timeouts, conflicts, rate limits, server-side failures).
RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504, 529})


class LLMRelayError(Exception):
    """Base of every llmrelay error: ``status_code``, ``message``, ``llm_provider``, ``model``."""

    status_code: int = 500

    def __init__(
        self,
        message: str = "",
        llm_provider: str | None = None,
        model: str | None = None,
        response: Any = None,
        status_code: int | None = None,
        retry_after: float | None = None,
        code: str | None = None,
        param: str | None = None,
        body: Any = None,
        litellm_debug_info: str | None = None,
        max_retries: int | None = None,
        num_retries: int | None = None,
        **_: Any,
    ) -> None:
        Exception.__init__(self, message)
        if status_code is not None:
            self.status_code = status_code
        self.message = message
        self.llm_provider = llm_provider
        self.model = model
        self.retry_after = retry_after
        self.code = code
        self.param = param
        self.body = body
        self.litellm_debug_info = litellm_debug_info
        self.max_retries = max_retries
        self.num_retries = num_retries
        self.type = _TYPE_BY_STATUS.get(self.status_code, "api_error")
        self._response = response

    # openai's exceptions expose .response / .request / .request_id; build them lazily.
    @property
    def response(self) -> Any:
        if self._response is None:
            import httpx

            request = httpx.Request("POST", "https://llmrelay.invalid")
            self._response = httpx.Response(self.status_code, request=request)
        return self._response

    @response.setter
    def response(self, value: Any) -> None:
        self._response = value

    @property
    def request(self) -> Any:
        return self.response.request

    @property
    def request_id(self) -> str | None:
        return self.response.headers.get("x-request-id")

    def __str__(self) -> str:
        where = f"{self.llm_provider}" if self.llm_provider else "llmrelay"
        return f"llmrelay.{type(self).__name__}: {where}: {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status_code={self.status_code})"


_TYPE_BY_STATUS = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    408: "timeout",
    422: "invalid_request_error",
    429: "rate_limit_error",
}

_classes: dict[str, type[LLMRelayError]] = {}


def _openai_base(name: str | None) -> tuple[type, ...]:
    if name is None:
        return ()
    try:
        import openai
    except ImportError:
        return ()
    base = getattr(openai, name, None)
    return (base,) if isinstance(base, type) else ()


def _build() -> None:
    for name, (parent, openai_name, status) in _HIERARCHY.items():
        bases: tuple[type, ...] = (_classes[parent],) if parent else (LLMRelayError,)
        bases += _openai_base(openai_name)
        namespace = {"status_code": status, "__module__": __name__, "__init__": LLMRelayError.__init__}
        for attr in ("response", "request", "request_id", "__str__"):
            namespace[attr] = LLMRelayError.__dict__[attr]
        _classes[name] = type(name, bases, namespace)


def get_class(name: str) -> type[LLMRelayError]:
    """The exception class called ``name`` (e.g. ``"RateLimitError"``), built on first use."""
    if not _classes:
        _build()
    return _classes[name]


def __getattr__(name: str) -> type[LLMRelayError]:
    if name in _HIERARCHY:
        return get_class(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def raise_error(name: str, message: str, **kwargs: Any) -> None:
    raise get_class(name)(message, **kwargs)


def _lookup(data: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(data, list):
            data = data[0] if data else None
        if not isinstance(data, Mapping):
            return None
        data = data.get(part)
    return data


def classify(
    status: int,
    body: Any,
    spec: Mapping[str, Any],
    *,
    llm_provider: str,
    model: str | None,
    retry_after: float | None = None,
    response: Any = None,
) -> LLMRelayError:
    """Turn a provider's error answer into the right exception, from the spec's error data.

    ``spec`` holds ``status`` (status -> class), ``codes`` (provider error code or type -> class),
    ``patterns`` (list of ``{match, error}``, case-insensitive substrings or regexes of the
    message), ``message_paths``, ``code_paths``.
    """
    message = _first(body, spec.get("message_paths", ())) if isinstance(body, Mapping) else None
    if not isinstance(message, str) or not message:
        message = body if isinstance(body, str) and body else f"HTTP {status} from {llm_provider}"
    codes = [_first(body, (path,)) for path in spec.get("code_paths", ())] if isinstance(body, Mapping) else []
    name = spec.get("status", {}).get(status) or DEFAULT_STATUS_MAP.get(status)
    if name is None:
        name = "InternalServerError" if status >= 500 else "BadRequestError" if status >= 400 else "APIError"
    for code in codes:
        if isinstance(code, str) and code in spec.get("codes", {}):
            name = spec["codes"][code]
            break
    for rule in spec.get("patterns", ()):
        if re.search(rule["match"], message, re.IGNORECASE):
            name = rule["error"]
            break
    code = next((c for c in codes if isinstance(c, str | int)), None)
    return get_class(name)(
        message,
        llm_provider=llm_provider,
        model=model,
        status_code=status,
        retry_after=retry_after,
        code=None if code is None else str(code),
        body=body,
        response=response,
    )


def _first(body: Any, paths: Any) -> Any:
    for path in paths:
        value = _lookup(body, path)
        if value is not None:
            return value
    return None


def error_from_name(spec: str, message: str = "This is a mock exception") -> LLMRelayError:
    """Build an exception from a name as LiteLLM's tests write it: ``"litellm.RateLimitError"``."""
    name = spec.rsplit(".", 1)[-1]
    if name not in _HIERARCHY:
        raise ValueError(f"unknown exception name {spec!r}; known: {', '.join(sorted(_HIERARCHY))}")
    return get_class(name)(message, llm_provider=None, model=None)


__all__ = ["DEFAULT_STATUS_MAP", "LLMRelayError", "RETRYABLE_STATUSES", "classify", "get_class", *_HIERARCHY]
