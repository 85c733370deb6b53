"""The contract between the runtime and the generated adapters.

A generated adapter (``generated/<provider>/adapter.py``) subclasses :class:`Adapter`, fills
its class attributes from the provider's spec and compiles the spec's field mapping into the
``*_request`` / ``parse_*`` methods. Everything here is provider-neutral: it reads only those
class attributes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic_core import from_json, to_json

from . import exceptions


@dataclass(slots=True)
class Call:
    """Everything one SDK call needs, resolved and validated before any network I/O."""

    provider: str
    model: str  # the provider's own model name (no provider prefix)
    capability: str  # chat | embeddings | images | text_completion
    params: dict[str, Any]  # OpenAI-format parameters the caller set (None values removed)
    api_base: str
    api_key: str | None
    stream: bool = False
    include_usage: bool = False
    extra_headers: dict[str, str] = field(default_factory=dict)
    extra_body: dict[str, Any] = field(default_factory=dict)
    drop_params: bool = False
    timeout: float | None = None
    model_info: dict[str, Any] | None = None  # the model table row, with caller price overrides
    api_version: str | None = None  # the caller's api_version=, for specs that send one (query_params)
    base_model: str | None = None  # the model that prices a freely named deployment (LiteLLM's base_model)


@dataclass(slots=True)
class PreparedRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None


def dumps(obj: Any) -> bytes:
    return to_json(obj)


def loads(data: bytes | str) -> Any:
    return from_json(data)


class Adapter:
    """Base of every generated adapter. Class attributes come from the provider's spec."""

    provider: ClassVar[str]
    spec_path: ClassVar[str]
    api_base: ClassVar[str | None] = None
    api_base_env: ClassVar[tuple[str, ...]] = ()
    api_base_required: ClassVar[bool] = False
    api_key_env: ClassVar[tuple[str, ...]] = ()
    api_key_required: ClassVar[bool] = True
    auth_header: ClassVar[str | None] = "Authorization"
    auth_prefix: ClassVar[str] = "Bearer "
    auth_query: ClassVar[str | None] = None
    static_headers: ClassVar[dict[str, str]] = {}
    # A bearer token used when the call has no API key, and query parameters on every request;
    # each value is {param, env, default} (see call_value).
    auth_token: ClassVar[dict[str, Any] | None] = None
    query_params: ClassVar[dict[str, dict[str, Any]]] = {}
    # (host suffix, path prefix, auth header, auth prefix): the first whose suffix ends api_base's host.
    host_rules: ClassVar[tuple[tuple[str, str, str | None, str | None], ...]] = ()
    in_process: ClassVar[str | None] = None  # name of an in-process server (runtime/inprocess.py)
    capabilities: ClassVar[frozenset[str]] = frozenset()
    stream_decoder: ClassVar[str] = "sse"
    error_spec: ClassVar[dict[str, Any]] = {}
    # OpenAI parameters the provider accepts, and provider-specific ones passed as they are.
    supported_params: ClassVar[frozenset[str]] = frozenset()
    passthrough_params: ClassVar[frozenset[str]] = frozenset()
    finish_reasons: ClassVar[dict[str, str]] = {}
    fix_chunk: Any = None  # generated when the spec lists stream chunk_transforms
    # Named per-call values ({param, env, default}): ``{name}`` placeholders in the URL (a region in
    # the host) and the inputs of a request signer (runtime/signing.py) named by ``signer``.
    call_values: ClassVar[dict[str, dict[str, Any]]] = {}
    signer: ClassVar[dict[str, Any] | None] = None  # {name, args}; used when the call has no API key

    # --- connection ---------------------------------------------------------------------

    def resolve_api_base(self, api_base: str | None) -> str:
        base = api_base or next((os.environ[n] for n in self.api_base_env if os.environ.get(n)), None)
        base = base or self.api_base
        if not base:
            envs = " or ".join(self.api_base_env) or "api_base="
            exceptions.raise_error(
                "BadRequestError",
                f"provider {self.provider!r} needs an api_base: pass api_base= or set {envs}",
                llm_provider=self.provider,
            )
        return base.rstrip("/")  # type: ignore[union-attr]

    def resolve_api_key(
        self, api_key: str | None, model: str | None = None, params: dict[str, Any] | None = None
    ) -> str | None:
        key = api_key or next((os.environ[n] for n in self.api_key_env if os.environ.get(n)), None)
        if key is None and self.auth_token and _token_given(self.auth_token, params or {}):
            return None  # the token authenticates instead
        if key is None and self.api_key_required:
            envs = " or ".join(self.api_key_env)
            exceptions.raise_error(
                "AuthenticationError",
                f"missing API key for provider {self.provider!r}: pass api_key= or set {envs}",
                llm_provider=self.provider,
                model=model,
                status_code=401,
            )
        return key

    def headers(self, call: Call) -> dict[str, str]:
        headers = {"Content-Type": "application/json", **self.static_headers}
        if call.api_key and self.auth_header:
            rule = self.host_rule(call.api_base) if self.host_rules else None
            if rule is not None and rule[2] is not None:
                headers[rule[2]] = (rule[3] or "") + call.api_key
            else:
                headers[self.auth_header] = self.auth_prefix + call.api_key
        elif not call.api_key and self.auth_token and (token := _token(call, self.auth_token)):
            headers[self.auth_token["header"]] = self.auth_token["prefix"] + token
        if call.extra_headers:
            headers.update(call.extra_headers)
        return headers

    def url(self, call: Call, path: str, query: dict[str, str] | None = None) -> str:
        path = path.replace("{model}", call.model)
        # An api_base may carry its own query (…/chat/completions?api-version=…): it is kept, and wins.
        base, _, base_query = call.api_base.partition("?")
        rule = self.host_rule(base) if self.host_rules else None
        if rule is not None and rule[1] and not base.endswith(rule[1]) and not base.endswith(rule[1] + path):
            path = rule[1] + path
        # LiteLLM accepts an api_base that already ends with the endpoint path (https://host/v1/messages).
        url = base if path and base.endswith(path) else base + path
        params = dict(query or {})
        for name, source in self.query_params.items():
            if (value := call_value(call, source)) is not None:
                params[name] = value
        if base_query:
            from urllib.parse import parse_qsl

            params.update(parse_qsl(base_query, keep_blank_values=True))
        if self.auth_query and call.api_key:
            params[self.auth_query] = call.api_key
        if params:
            from urllib.parse import urlencode

            url += ("&" if "?" in url else "?") + urlencode(params)
        return url

    def host_rule(self, api_base: str) -> tuple[str, str, str | None, str | None] | None:
        from urllib.parse import urlsplit

        host = urlsplit(api_base).hostname or ""
        return next((rule for rule in self.host_rules if host.endswith(rule[0])), None)

    def finish_body(self, call: Call, body: dict[str, Any]) -> bytes:
        if call.extra_body:
            _deep_merge(body, call.extra_body)
        return dumps(body)

    def finish_request(self, call: Call, request: PreparedRequest) -> PreparedRequest:
        """Fill the URL's call-value placeholders, then sign the finished request if the spec says so."""
        from urllib.parse import quote

        values = {name: call_value(call, source) for name, source in self.call_values.items()}
        url = request.url.replace("{model_quoted}", quote(call.model, safe=""))
        for name, value in values.items():
            url = url.replace("{" + name + "}", value or "")
            # the call's api_base too: it is reported in _hidden_params
            call.api_base = call.api_base.replace("{" + name + "}", value or "")
        headers = request.headers
        if self.signer and not call.api_key:
            from .signing import sign

            args = self.signer.get("args", {})
            headers = sign(
                self.signer["name"], request.method, url, headers, request.body, values=values,
                provider=self.provider, model=call.model, **args,
            )  # fmt: skip
        return PreparedRequest(request.method, url, headers, request.body)

    # --- parameters -------------------------------------------------------------------------

    def check_params(self, call: Call, openai_params: frozenset[str]) -> None:
        """Refuse (or drop, with drop_params) OpenAI parameters this provider or model does not take."""
        from .registry import model_row

        row = model_row(self.provider, call.model) or {}
        refused_by_model = row.get("unsupported_params", ())
        unsupported = [
            k
            for k in call.params
            if k in openai_params and (k not in self.supported_params or k in refused_by_model)
        ]
        if not unsupported:
            return
        if call.drop_params:
            for key in unsupported:
                del call.params[key]
            return
        exceptions.raise_error(
            "UnsupportedParamsError",
            f"{self.provider} ({call.model}) does not support parameters: {', '.join(sorted(unsupported))}. "
            f"Supported: {', '.join(sorted(self.supported_params - set(refused_by_model)))}. "
            "Pass drop_params=True (or set llmrelay.drop_params = True) to drop them.",
            llm_provider=self.provider,
            model=call.model,
        )

    # --- errors ---------------------------------------------------------------------------

    def error(self, call: Call, status: int, content: bytes, headers: Any, response: Any = None) -> Exception:
        try:
            body: Any = loads(content) if content else None
        except ValueError:
            body = content.decode("utf-8", "replace").strip()
        return exceptions.classify(
            status,
            body,
            self.error_spec,
            llm_provider=self.provider,
            model=call.model,
            retry_after=_first_known(retry_after_seconds(headers), lambda: self._retry_after_in_body(body)),
            response=response,
        )

    def _retry_after_in_body(self, body: Any) -> float | None:
        for path in self.error_spec.get("retry_after_paths", ()):
            for value in _values_at(body, path.split(".")):
                seconds = _duration_seconds(value)
                if seconds is not None:
                    return seconds
        return None

    def stream_error(self, call: Call, payload: Any) -> Exception:
        """An error event inside a 200 stream; the status comes from the spec's code map."""
        status = self.error_spec.get("stream_status", 500)
        if isinstance(payload, dict):
            code = payload.get("error", {}).get("type") if isinstance(payload.get("error"), dict) else None
            status = self.error_spec.get("status_by_code", {}).get(code, status)
        return exceptions.classify(
            status, payload, self.error_spec, llm_provider=self.provider, model=call.model
        )


def call_value(call: Call, source: dict[str, Any]) -> str | None:
    """A spec's ``{param, env, default}``: the call's argument, else the first set env var, else the default."""
    name = source.get("param")
    return _value(source, call.params, getattr(call, name, None) if name in _CALL_FIELDS else None)


def _value(source: dict[str, Any], params: dict[str, Any], argument: Any) -> str | None:
    name = source.get("param")
    value = argument if argument is not None else (params.get(name) if name else None)
    if value is None:
        value = next((os.environ[n] for n in source.get("env") or () if os.environ.get(n)), None)
    return value if value is not None else source.get("default")


def _token(call: Call, source: dict[str, Any]) -> str | None:
    """The bearer token: given (argument or env), else asked of the caller's token provider."""
    token = call_value(call, source)
    provider = call.params.get(source.get("provider_param") or "")
    return provider() if token is None and callable(provider) else token


def _token_given(source: dict[str, Any], params: dict[str, Any]) -> bool:
    """Whether the call carries a token or a token provider (checked without calling the provider)."""
    return _value(source, params, None) is not None or callable(
        params.get(source.get("provider_param") or "")
    )


_CALL_FIELDS = frozenset(Call.__dataclass_fields__)


def retry_after_seconds(headers: Any) -> float | None:
    if headers is None:
        return None
    for name in ("retry-after-ms", "retry-after"):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value)
        except ValueError:
            return _http_date_delay(value)
        return seconds / 1000 if name == "retry-after-ms" else seconds
    return None


def _http_date_delay(value: str) -> float | None:
    import email.utils
    import time

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _deep_merge(target: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _deep_merge(target[key], value)
        else:
            target[key] = value


def wire_number(obj: Any, name: str) -> int:
    """A token count from a wire usage object, which may be a dict or a model; missing is 0."""
    value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
    return value if isinstance(value, int) else 0


def usage_from_counts(
    prompt_tokens: int = 0,
    completion_tokens: int = 0,
    total_tokens: int | None = None,
    cached_tokens: int = 0,
    cache_creation_input_tokens: int = 0,
    reasoning_tokens: int = 0,
) -> Any:
    """A canonical Usage from counts already summed the OpenAI way (prompt includes cache)."""
    from .types import CompletionTokensDetails, PromptTokensDetails, Usage

    return Usage(
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        total_tokens=total_tokens or prompt_tokens + completion_tokens,
        prompt_tokens_details=PromptTokensDetails(cached_tokens=cached_tokens),
        completion_tokens_details=CompletionTokensDetails(reasoning_tokens=reasoning_tokens),
        cache_read_input_tokens=cached_tokens or None,
        cache_creation_input_tokens=cache_creation_input_tokens or None,
    )


def _values_at(data: Any, parts: list[str]) -> list[Any]:
    """Every value at a dotted path, walking into each element of the lists on the way."""
    if isinstance(data, list):
        return [v for item in data for v in _values_at(item, parts)]
    if not parts:
        return [data]
    if not isinstance(data, dict) or parts[0] not in data:
        return []
    return _values_at(data[parts[0]], parts[1:])


def _duration_seconds(value: Any) -> float | None:
    """Seconds from ``37``, ``"37"``, ``"37s"`` or ``"1.5s"`` (protobuf Duration text)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value[:-1] if value.endswith("s") else value)
        except ValueError:
            return None
    return None


def _first_known(value: float | None, fallback: Any) -> float | None:
    return value if value is not None else fallback()
