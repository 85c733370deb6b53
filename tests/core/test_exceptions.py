"""LiteLLM's exception names and constructors, openai compatibility, classification from spec data."""

from __future__ import annotations

import email.utils
import subprocess
import sys
import time

import httpx
import llmrelay
import openai
import pytest
from llmrelay import exceptions
from llmrelay.adapter import retry_after_seconds
from llmrelay.registry import get_adapter

# Every exception name `litellm` exports at top level, and the ones in LITELLM_EXCEPTION_TYPES.
LITELLM_NAMES = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "AuthenticationError",
    "BadGatewayError",
    "BadRequestError",
    "BudgetExceededError",
    "CallerCredentialAuthenticationError",
    "CallerCredentialRateLimitError",
    "ContentPolicyViolationError",
    "ContextWindowExceededError",
    "ImageFetchError",
    "InternalServerError",
    "InvalidRequestError",
    "JSONSchemaValidationError",
    "MalformedRequestFieldError",
    "MockException",
    "NotFoundError",
    "OpenAIError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "RateLimitError",
    "RejectedRequestError",
    "ServiceUnavailableError",
    "Timeout",
    "UnprocessableEntityError",
    "UnsupportedEndpointError",
    "UnsupportedParamsError",
    "VectorStoreSearchError",
]

# LiteLLM's keyword style: ErrorClass(message=..., llm_provider=..., model=...)
KEYWORD_STYLE = [
    n
    for n in LITELLM_NAMES
    if n
    not in ("APIError", "MockException", "BudgetExceededError", "JSONSchemaValidationError", "OpenAIError")
]


@pytest.mark.parametrize("name", LITELLM_NAMES)
def test_every_litellm_name_exists_in_the_exceptions_module(name: str) -> None:
    cls = getattr(exceptions, name)
    assert issubclass(cls, exceptions.LLMRelayError)
    assert cls.__name__ == name


@pytest.mark.parametrize("name", LITELLM_NAMES)
def test_every_litellm_name_is_a_top_level_attribute(name: str) -> None:
    assert getattr(llmrelay, name) is getattr(exceptions, name)
    assert name in llmrelay.__all__


def test_top_level_list_matches_the_hierarchy() -> None:
    assert set(llmrelay._EXCEPTIONS) == set(exceptions._HIERARCHY)


@pytest.mark.parametrize("name", KEYWORD_STYLE)
def test_keyword_construction_like_litellm(name: str) -> None:
    error = getattr(exceptions, name)(message="boom", llm_provider="openai", model="gpt-4o")
    assert (error.message, error.llm_provider, error.model) == ("boom", "openai", "gpt-4o")
    assert "boom" in str(error) and name in str(error) and "openai" in str(error)
    assert repr(error).startswith(f"{name}('boom', status_code={error.status_code}")


@pytest.mark.parametrize(
    ("name", "args", "status"),
    [
        ("NotFoundError", ("gone", "gpt-4o", "openai"), 404),  # (message, model, llm_provider)
        ("BadRequestError", ("bad", "gpt-4o", "openai"), 400),
        ("ContextWindowExceededError", ("long", "gpt-4o", "openai"), 400),
        ("Timeout", ("slow", "gpt-4o", "openai"), 408),
        ("RateLimitError", ("slow down", "openai", "gpt-4o"), 429),  # (message, llm_provider, model)
        ("AuthenticationError", ("who", "openai", "gpt-4o"), 401),
        ("ServiceUnavailableError", ("down", "openai", "gpt-4o"), 503),
    ],
)
def test_positional_order_follows_each_litellm_class(name: str, args: tuple[str, ...], status: int) -> None:
    error = getattr(exceptions, name)(*args)
    assert (error.message, error.model, error.llm_provider, error.status_code) == (
        args[0],
        "gpt-4o",
        "openai",
        status,
    )


def test_api_error_takes_status_code_first() -> None:
    error = exceptions.APIError(502, "upstream broke", "openai", "gpt-4o")
    assert (error.status_code, error.message, error.llm_provider) == (502, "upstream broke", "openai")
    mock = exceptions.MockException(status_code=418, message="teapot", llm_provider="mock", model="m")
    assert mock.status_code == 418 and isinstance(mock, openai.APIError)


def test_special_constructors() -> None:
    budget = exceptions.BudgetExceededError(current_cost=2.5, max_budget=1.0)
    assert (budget.current_cost, budget.max_budget) == (2.5, 1.0) and "2.5" in budget.message
    schema = exceptions.JSONSchemaValidationError(
        model="m", llm_provider="p", raw_response="{}", schema="{...}"
    )
    assert schema.raw_response == "{}" and isinstance(schema, exceptions.APIResponseValidationError)
    rejected = exceptions.RejectedRequestError("no", "m", "p", {"messages": []})
    assert rejected.request_data == {"messages": []} and isinstance(rejected, exceptions.BadRequestError)


def test_unprocessable_entity_is_422_and_an_openai_error() -> None:
    error = llmrelay.UnprocessableEntityError(message="bad schema", llm_provider="openai", model="gpt-4o")
    assert error.status_code == 422
    assert isinstance(error, openai.UnprocessableEntityError)


def test_subclasses_keep_litellm_hierarchy() -> None:
    assert issubclass(exceptions.ContextWindowExceededError, exceptions.BadRequestError)
    assert issubclass(exceptions.ContentPolicyViolationError, exceptions.BadRequestError)
    assert issubclass(exceptions.UnsupportedParamsError, exceptions.BadRequestError)
    assert issubclass(exceptions.MidStreamFallbackError, exceptions.ServiceUnavailableError)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("RateLimitError", openai.RateLimitError),
        ("AuthenticationError", openai.AuthenticationError),
        ("BadRequestError", openai.BadRequestError),
        ("ContextWindowExceededError", openai.BadRequestError),
        ("NotFoundError", openai.NotFoundError),
        ("Timeout", openai.APITimeoutError),
        ("APIConnectionError", openai.APIConnectionError),
        ("InternalServerError", openai.InternalServerError),
        ("ServiceUnavailableError", openai.APIStatusError),
        ("APIError", openai.APIError),
    ],
)
def test_except_openai_class_catches_llmrelay_error(ours: str, theirs: type) -> None:
    with pytest.raises(theirs):
        raise (
            getattr(llmrelay, ours)(message="x", llm_provider="openai", model="gpt-4o")
            if ours != "APIError"
            else (llmrelay.APIError(status_code=500, message="x", llm_provider="openai", model="gpt-4o"))
        )


def test_openai_status_error_attributes_are_available() -> None:
    error = llmrelay.RateLimitError(message="slow", llm_provider="openai", model="gpt-4o")
    assert error.response.status_code == 429
    assert error.request.method == "POST"
    assert error.request_id is None


def test_import_llmrelay_does_not_import_openai() -> None:
    code = "import sys, llmrelay; assert 'openai' not in sys.modules, 'openai imported'; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_exceptions_pickle_round_trip() -> None:
    import pickle

    error = llmrelay.RateLimitError(message="slow", llm_provider="openai", model="gpt-4o", retry_after=3.0)
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error) and back.retry_after == 3.0 and str(back) == str(error)


# --- classification from spec data -------------------------------------------------------------


def _classify(status: int, body: object, headers: dict[str, str] | None = None) -> exceptions.LLMRelayError:
    from llmrelay.adapter import Call, dumps

    adapter = get_adapter("openai")
    call = Call(provider="openai", model="gpt-4o", capability="chat", params={}, api_base="", api_key="k")
    return adapter.error(
        call, status, dumps(body) if not isinstance(body, bytes) else body, httpx.Headers(headers or {})
    )


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, "BadRequestError"),
        (401, "AuthenticationError"),
        (403, "PermissionDeniedError"),
        (404, "NotFoundError"),
        (408, "Timeout"),
        (422, "UnprocessableEntityError"),
        (429, "RateLimitError"),
        (500, "InternalServerError"),
        (502, "BadGatewayError"),
        (503, "ServiceUnavailableError"),
        (418, "BadRequestError"),
        (599, "InternalServerError"),
    ],
)
def test_status_decides_the_class_first(status: int, expected: str) -> None:
    error = _classify(status, {"error": {"message": "something", "type": "x", "code": None}})
    assert type(error).__name__ == expected
    assert (error.status_code, error.message, error.llm_provider, error.model) == (
        status,
        "something",
        "openai",
        "gpt-4o",
    )


def test_provider_error_code_refines_the_status() -> None:
    body = {
        "error": {
            "message": "This model's context is full",
            "type": "invalid_request_error",
            "code": "context_length_exceeded",
        }
    }
    error = _classify(400, body)
    assert isinstance(error, llmrelay.ContextWindowExceededError) and error.code == "context_length_exceeded"


def test_message_pattern_refines_a_generic_class() -> None:
    body = {
        "error": {
            "message": "This model's maximum context length is 128000 tokens.",
            "type": "invalid_request_error",
        }
    }
    assert isinstance(_classify(400, body), llmrelay.ContextWindowExceededError)


def test_message_pattern_never_overrides_a_specific_code() -> None:
    body = {
        "error": {"message": "too many tokens per min", "type": "requests", "code": "rate_limit_exceeded"}
    }
    assert type(_classify(429, body)).__name__ == "RateLimitError"


def test_non_json_error_body_becomes_the_message() -> None:
    error = _classify(502, b"<html>Bad Gateway</html>")
    assert isinstance(error, llmrelay.BadGatewayError) and error.message == "<html>Bad Gateway</html>"


# --- Retry-After -------------------------------------------------------------------------------


def test_retry_after_seconds_header() -> None:
    assert _classify(429, {"error": {"message": "slow"}}, {"retry-after": "7"}).retry_after == 7.0


def test_retry_after_ms_header_wins_and_is_converted() -> None:
    assert retry_after_seconds(httpx.Headers({"retry-after-ms": "1500", "retry-after": "9"})) == 1.5


def test_retry_after_http_date() -> None:
    when = email.utils.formatdate(time.time() + 120, usegmt=True)
    delay = retry_after_seconds(httpx.Headers({"retry-after": when}))
    assert delay is not None and 100 < delay <= 120


def test_retry_after_garbage_or_missing_is_none() -> None:
    assert retry_after_seconds(httpx.Headers({"retry-after": "soon"})) is None
    assert retry_after_seconds(httpx.Headers({})) is None


def test_error_from_upstream_carries_status_provider_model_and_retry_after(upstream) -> None:
    from tests.core.fake_upstream import Answer

    body = {
        "error": {
            "message": "Rate limit reached for gpt-4o-mini",
            "type": "requests",
            "code": "rate_limit_exceeded",
        }
    }
    upstream.queue(Answer(429, body, headers={"retry-after-ms": "2500", "x-request-id": "req_42"}))
    with pytest.raises(openai.RateLimitError) as info:
        llmrelay.completion(
            model="openai/gpt-4o-mini",
            messages=[{"role": "user", "content": "Hi"}],
            api_key="k",
            api_base=upstream.base,
            num_retries=0,
        )
    error = info.value
    assert isinstance(error, llmrelay.RateLimitError)
    assert (error.status_code, error.llm_provider, error.model, error.retry_after) == (
        429,
        "openai",
        "gpt-4o-mini",
        2.5,
    )
    assert error.code == "rate_limit_exceeded" and error.message == "Rate limit reached for gpt-4o-mini"
    assert error.request_id == "req_42"


def test_duration_text_in_an_error_body_is_read_as_seconds() -> None:
    from llmrelay.adapter import _duration_seconds, _values_at

    body = {"error": {"details": [{"reason": "QUOTA"}, {"retryDelay": "1.5s"}]}}
    assert _values_at(body, ["error", "details", "retryDelay"]) == ["1.5s"]
    assert [_duration_seconds(v) for v in ("37s", "2", 3, "soon", True)] == [37.0, 2.0, 3.0, None, None]
