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
# The names are LiteLLM's (``litellm.exceptions``), so ``import llmrelay as litellm`` code that
# raises or catches any of them keeps working.
_HIERARCHY: dict[str, tuple[str | None, str | None, int]] = {
    "OpenAIError": (None, "OpenAIError", 500),
    "APIError": (None, "APIError", 500),
    "MockException": (None, "APIError", 500),
    "APIConnectionError": (None, "APIConnectionError", 500),
    "APIResponseValidationError": (None, "APIResponseValidationError", 500),
    "JSONSchemaValidationError": ("APIResponseValidationError", None, 500),
    "Timeout": (None, "APITimeoutError", 408),
    "AuthenticationError": (None, "AuthenticationError", 401),
    "CallerCredentialAuthenticationError": ("AuthenticationError", None, 401),
    "PermissionDeniedError": (None, "PermissionDeniedError", 403),
    "NotFoundError": (None, "NotFoundError", 404),
    "BadRequestError": (None, "BadRequestError", 400),
    "InvalidRequestError": (None, "BadRequestError", 400),
    "UnprocessableEntityError": (None, "UnprocessableEntityError", 422),
    "RateLimitError": (None, "RateLimitError", 429),
    "CallerCredentialRateLimitError": ("RateLimitError", None, 429),
    "InternalServerError": (None, "InternalServerError", 500),
    "ServiceUnavailableError": (None, "APIStatusError", 503),
    "MidStreamFallbackError": ("ServiceUnavailableError", None, 503),
    "BadGatewayError": (None, "APIStatusError", 502),
    "ContextWindowExceededError": ("BadRequestError", None, 400),
    "ContentPolicyViolationError": ("BadRequestError", None, 400),
    "UnsupportedParamsError": ("BadRequestError", None, 400),
    "UnsupportedEndpointError": ("BadRequestError", None, 400),
    "EndpointNotSupportedByModelError": ("BadRequestError", None, 400),
    "RejectedRequestError": ("BadRequestError", None, 400),
    "ImageFetchError": ("BadRequestError", None, 400),
    "MalformedRequestFieldError": ("BadRequestError", None, 400),
    "VectorStoreSearchError": ("BadRequestError", None, 400),
    "PaymentRequiredError": ("BadRequestError", None, 402),
    "LiteLLMUnknownProvider": ("BadRequestError", None, 400),
    "BudgetExceededError": (None, None, 400),
}

# Positional parameters, in the order LiteLLM's constructors take them (they differ per class:
# ``NotFoundError(message, model, llm_provider)`` but ``RateLimitError(message, llm_provider, model)``,
# ``APIError(status_code, message, ...)``). Keywords work the same for every class.
_PROVIDER_FIRST = ("message", "llm_provider", "model", "response")
_MODEL_FIRST = ("message", "model", "llm_provider", "response")
_STATUS_FIRST = ("status_code", "message", "llm_provider", "model", "request")
_POSITIONAL: dict[str, tuple[str, ...]] = {
    "OpenAIError": ("original_exception",),
    "APIError": _STATUS_FIRST,
    "MockException": _STATUS_FIRST,
    "APIConnectionError": ("message", "llm_provider", "model", "request"),
    "APIResponseValidationError": ("message", "llm_provider", "model"),
    "JSONSchemaValidationError": ("model", "llm_provider", "raw_response", "schema"),
    "Timeout": ("message", "model", "llm_provider"),
    "NotFoundError": _MODEL_FIRST,
    "BadRequestError": _MODEL_FIRST,
    "InvalidRequestError": ("message", "model", "llm_provider"),
    "UnprocessableEntityError": _MODEL_FIRST,
    "ContextWindowExceededError": _MODEL_FIRST,
    "ContentPolicyViolationError": _MODEL_FIRST,
    "ImageFetchError": _MODEL_FIRST,
    "VectorStoreSearchError": _MODEL_FIRST,
    "MalformedRequestFieldError": _MODEL_FIRST,
    "UnsupportedEndpointError": _MODEL_FIRST,
    "EndpointNotSupportedByModelError": ("message", "model", "llm_provider"),
    "PaymentRequiredError": _MODEL_FIRST,
    "RejectedRequestError": ("message", "model", "llm_provider", "request_data"),
    "MidStreamFallbackError": ("message", "model", "llm_provider", "original_exception", "response"),
    "UnsupportedParamsError": ("message", "llm_provider", "model", "status_code", "response"),
    "LiteLLMUnknownProvider": ("model", "custom_llm_provider"),
    "BudgetExceededError": ("current_cost", "max_budget", "message", "llm_provider"),
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
    """Base of every llmrelay error: ``status_code``, ``message``, ``llm_provider``, ``model``.

    Constructible the way LiteLLM's classes are: by keyword (``RateLimitError(message=...,
    llm_provider=..., model=...)``) or with each class's own positional order (``_POSITIONAL``).
    """

    status_code: int = 500
    _positional: tuple[str, ...] = _PROVIDER_FIRST

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(self._positional):
            raise TypeError(
                f"{type(self).__name__}() takes at most {len(self._positional)} positional arguments"
            )
        for name, value in zip(self._positional, args, strict=False):
            if name in kwargs:
                raise TypeError(f"{type(self).__name__}() got multiple values for argument {name!r}")
            kwargs[name] = value
        self._setup(**kwargs)

    def _setup(
        self,
        message: str | None = None,
        llm_provider: str | None = None,
        model: str | None = None,
        response: Any = None,
        status_code: int | None = None,
        retry_after: float | None = None,
        code: str | None = None,
        param: str | None = None,
        body: Any = None,
        request: Any = None,
        litellm_debug_info: str | None = None,
        max_retries: int | None = None,
        num_retries: int | None = None,
        custom_llm_provider: str | None = None,
        **extra: Any,
    ) -> None:
        if (
            status_code is None
            and response is not None
            and isinstance(getattr(response, "status_code", None), int)
        ):
            status_code = response.status_code
        if status_code is not None:
            self.status_code = int(status_code)
        self.llm_provider = llm_provider or custom_llm_provider
        self.model = model
        self.message = (
            message if message is not None else _default_message(type(self).__name__, self.model, extra)
        )
        Exception.__init__(self, self.message)
        self.retry_after = retry_after
        self.code = code
        self.param = param
        self.body = body
        self.litellm_debug_info = litellm_debug_info
        self.max_retries = max_retries
        self.num_retries = num_retries
        self.type = _TYPE_BY_STATUS.get(self.status_code, "api_error")
        self._response = response
        self._request = request
        for (
            key,
            value,
        ) in extra.items():  # class-specific fields (request_data, current_cost, raw_response...)
            setattr(self, key, value)

    # openai's exceptions expose .response / .request / .request_id; build them lazily.
    @property
    def response(self) -> Any:
        if self._response is None:
            import httpx

            self._response = httpx.Response(self.status_code, request=self.request)
        return self._response

    @response.setter
    def response(self, value: Any) -> None:
        self._response = value

    @property
    def request(self) -> Any:
        if self._request is None:
            if self._response is not None and getattr(self._response, "_request", None) is not None:
                self._request = self._response.request
            else:
                import httpx

                self._request = httpx.Request("POST", "https://llmrelay.invalid")
        return self._request

    @request.setter
    def request(self, value: Any) -> None:
        self._request = value

    @property
    def request_id(self) -> str | None:
        return self.response.headers.get("x-request-id")

    def __str__(self) -> str:
        where = (
            f" ({self.llm_provider}" + (f", model {self.model})" if self.model else ")")
            if self.llm_provider
            else ""
        )
        text = f"llmrelay.{type(self).__name__}{where}: {self.message}"
        if self.num_retries:
            text += f" (retried {self.num_retries} times)"
        return text

    def __repr__(self) -> str:
        fields = [repr(self.message), f"status_code={self.status_code}"]
        if self.llm_provider:
            fields.append(f"llm_provider={self.llm_provider!r}")
        if self.model:
            fields.append(f"model={self.model!r}")
        if self.retry_after is not None:
            fields.append(f"retry_after={self.retry_after}")
        return f"{type(self).__name__}({', '.join(fields)})"

    def __reduce__(self) -> Any:
        # Exceptions built with type() pickle by name; keep every attribute (the lazy response is rebuilt).
        state = {k: v for k, v in self.__dict__.items() if k not in ("_response", "_request")}
        return (_rebuild, (type(self).__name__, state))


def _rebuild(name: str, state: dict[str, Any]) -> LLMRelayError:
    error = get_class(name).__new__(get_class(name))
    error.__dict__.update(state, _response=None, _request=None)
    Exception.__init__(error, state.get("message", ""))
    return error


def _default_message(name: str, model: str | None, extra: dict[str, Any]) -> str:
    if name == "BudgetExceededError" and "current_cost" in extra:
        return f"Budget has been exceeded! Current cost: {extra['current_cost']}, Max budget: {extra.get('max_budget')}"
    if name == "JSONSchemaValidationError":
        return f"model={model} returned an invalid response={extra.get('raw_response')} for schema={extra.get('schema')}"
    if name == "LiteLLMUnknownProvider":
        return f"cannot tell the provider of model {model!r}: write it as 'provider/model'"
    if name == "OpenAIError" and extra.get("original_exception") is not None:
        return str(extra["original_exception"])
    return ""


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
        namespace: dict[str, Any] = {"status_code": status, "__module__": __name__, "__qualname__": name}
        # openai's classes define their own __init__ and attributes; ours must win in the MRO.
        for attr in ("__init__", "response", "request", "request_id", "__str__", "__repr__", "__reduce__"):
            namespace[attr] = LLMRelayError.__dict__[attr]
        if name in _POSITIONAL:
            namespace["_positional"] = _POSITIONAL[name]
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
    raise get_class(name)(message=message, **kwargs)


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
    codes = (
        [_first(body, (path,)) for path in spec.get("code_paths", ())] if isinstance(body, Mapping) else []
    )
    name = spec.get("status", {}).get(status) or DEFAULT_STATUS_MAP.get(status)
    if name is None:
        name = "InternalServerError" if status >= 500 else "BadRequestError" if status >= 400 else "APIError"
    by_code = next(
        (spec["codes"][c] for c in codes if isinstance(c, str) and c in spec.get("codes", {})), None
    )
    name = by_code or name
    for rule in spec.get("patterns", ()):
        # A message pattern decides when no provider code did, or refines the code's answer
        # (BadRequestError -> ContextWindowExceededError); it never contradicts a code.
        if by_code is not None and not issubclass(get_class(rule["error"]), get_class(by_code)):
            continue
        if re.search(rule["match"], message, re.IGNORECASE):
            name = rule["error"]
            break
    code = next((c for c in codes if isinstance(c, str | int)), None)
    return get_class(name)(
        message=message,
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
    return get_class(name)(message=message, llm_provider=None, model=None)


__all__ = ["DEFAULT_STATUS_MAP", "LLMRelayError", "RETRYABLE_STATUSES", "classify", "get_class", *_HIERARCHY]
