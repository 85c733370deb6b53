"""Errors in OpenAI's shape: ``{"error": {"message", "type", "param", "code"}}`` with its status."""

from __future__ import annotations

from typing import Any

import orjson

_TYPE_BY_STATUS = {
    400: "invalid_request_error",
    401: "auth_error",
    403: "permission_error",
    404: "not_found_error",
    408: "timeout",
    413: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
    503: "service_unavailable",
}


class ProxyError(Exception):
    """An error the gateway answers with; never carries a key or prompt text."""

    def __init__(
        self,
        status: int,
        message: str,
        type: str | None = None,
        code: str | int | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type or _TYPE_BY_STATUS.get(status, "api_error")
        self.code = code if code is not None else str(status)
        self.param = param
        self.headers = headers or {}

    def body(self) -> bytes:
        error = {"message": self.message, "type": self.type, "param": self.param, "code": self.code}
        return orjson.dumps({"error": error})


def from_sdk(exc: Exception) -> ProxyError:
    """Map an SDK exception (``llmrelay.exceptions.*``) to the answer the client gets."""
    status = int(getattr(exc, "status_code", 500) or 500)
    if status < 400 or status > 599:
        status = 500
    message = str(getattr(exc, "message", "") or exc) or type(exc).__name__
    headers = {}
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        headers["retry-after"] = str(max(1, int(float(retry_after) + 0.999)))
    return ProxyError(
        status,
        message,
        getattr(exc, "type", None) or _TYPE_BY_STATUS.get(status, "api_error"),
        getattr(exc, "code", None) or str(status),
        getattr(exc, "param", None),
        headers,
    )


def bad_request(message: str, param: str | None = None, code: str = "invalid_request") -> ProxyError:
    return ProxyError(400, message, "invalid_request_error", code, param)


def describe(value: Any) -> str:
    return type(value).__name__ if value is not None else "null"
