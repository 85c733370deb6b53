"""The schema of a provider's mapping file (``specs/<provider>/provider.yaml``).

A mapping is data only: paths, constants, value maps, renames, defaults, ``extends:`` and the
names of runtime transforms with literal arguments. Unknown keys are errors (``extra="forbid"``),
so a typo never passes silently; :func:`validate` turns pydantic's errors into messages that
name the file, the key path and what is allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .capabilities import CAPABILITIES

SCHEMA_VERSION = 1

ExceptionName = Literal[
    "APIError",
    "APIConnectionError",
    "Timeout",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "BadRequestError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "ServiceUnavailableError",
    "BadGatewayError",
    "ContextWindowExceededError",
    "ContentPolicyViolationError",
    "UnsupportedParamsError",
    "RejectedRequestError",
]
Capability = Literal[CAPABILITIES]  # type: ignore[valid-type]
Feature = Literal[
    "function_calling",
    "parallel_function_calling",
    "tool_choice",
    "vision",
    "response_schema",
    "reasoning",
    "prompt_caching",
    "system_messages",
    "web_search",
    "pdf_input",
    "audio_input",
    "audio_output",
    "adaptive_thinking",  # reasoning effort is sent as an effort level, not a token budget
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TransformRef(Strict):
    """A runtime transform, ``module.function`` inside ``llmrelay.transforms``, with literal args."""

    name: str = Field(pattern=r"^[a-z_]+\.[A-Za-z_][A-Za-z0-9_]*$")
    args: dict[str, Any] = {}


class ParamTarget(Strict):
    """Where an OpenAI parameter goes on the wire. In YAML a bare string means ``{to: ...}``."""

    to: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
    transform: TransformRef | None = None
    omit: bool = False  # accepted, handled by the runtime, never sent (e.g. stream_options)
    values: dict[str, Any] | None = None  # value map applied before sending (e.g. tool_choice names)

    @field_validator("transform", mode="before")
    @classmethod
    def _transform_shorthand(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value


class CallValue(Strict):
    """A value resolved per call: the call argument ``param``, else the first set ``env``, else ``default``.

    ``param`` names an SDK argument carried on the call (``api_version``) or a provider
    parameter the endpoints declare with ``omit: true`` (accepted, never sent in the body).
    """

    param: str | None = None
    env: list[str] = []
    default: str | None = None


class TokenAuth(CallValue):
    """A second credential (a bearer token), sent only when the call has no API key."""

    header: str = "Authorization"
    prefix: str = "Bearer "
    # A call argument holding a callable that returns the token (LiteLLM's azure_ad_token_provider),
    # asked once per request when no token is given; declare it ``omit: true`` in the endpoints.
    provider_param: str | None = None


class SignerRef(Strict):
    """A request signer from ``runtime/signing.py`` by name, with literal args (e.g. a service name).

    It reads the resolved ``connection.call_values`` (credentials, region) of each call.
    """

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    args: dict[str, Any] = {}


class Auth(Strict):
    header: str | None = "Authorization"
    prefix: str = "Bearer "
    query: str | None = None  # API key sent as a query parameter instead (e.g. ``key``)
    token: TokenAuth | None = None  # used when no API key is given; then the key is not required
    signer: SignerRef | None = None  # signs each request when no API key is given (runtime/signing.py)


class HostRule(Strict):
    """What changes when ``api_base`` is on a given host (one provider name, several kinds of endpoint)."""

    host_suffix: str  # matched against the end of api_base's host name (``.services.ai.azure.com``)
    path_prefix: str = ""  # put before every endpoint path, unless api_base already ends with it
    auth: Auth | None = None  # the API key header used on this host instead of connection.auth


class Connection(Strict):
    api_base: str | None = None
    api_base_env: list[str] = []
    api_base_required: bool = False
    api_key_env: list[str] = []
    api_key_required: bool = True
    auth: Auth = Auth()
    headers: dict[str, str] = {}
    query_params: dict[str, CallValue] = {}  # query parameters on every request (e.g. an API version)
    host_rules: list[HostRule] = []  # the first rule whose host_suffix matches api_base's host applies
    in_process: str | None = None  # name of a runtime in-process server (offline providers)
    # Named values resolved per call: ``{name}`` placeholders in api_base (a region in the host) and
    # the inputs of auth.signer. ``{model_quoted}`` in a path is the model, percent-encoded.
    call_values: dict[str, CallValue] = {}


class Response(Strict):
    wire_model: str | None = None  # class in the provider's generated wire module
    transform: TransformRef | None = None  # wire object -> canonical response; None: canonical JSON
    transforms: list[TransformRef] = []  # small in-place fixes applied to the canonical response
    finish_reasons: dict[str, str] = {}
    usage: dict[
        Literal[
            "prompt_tokens",
            "completion_tokens",
            "total_tokens",
            "cached_tokens",
            "cache_creation_input_tokens",
            "reasoning_tokens",
        ],
        list[str],
    ] = {}


class Stream(Strict):
    decoder: Literal["sse", "ndjson", "aws_eventstream"] = "sse"
    translator: str = Field(default="canonical.ChunkTranslator", pattern=r"^[a-z_]+\.[A-Za-z_][A-Za-z0-9_]*$")
    args: dict[str, Any] = {}
    path: str | None = None  # streaming uses another path (model placeholders allowed)
    query: dict[str, str] = {}
    chunk_transforms: list[TransformRef] = []


class Endpoint(Strict):
    path: str
    query: dict[str, str] = {}
    model_field: str | None = "model"  # None: the model goes in the path ({model})
    stream_field: str | None = "stream"  # None: streaming is chosen by the stream path only
    input: TransformRef | None = None  # messages / input / prompt -> wire; None: sent as they are
    params: dict[str, ParamTarget | None] = {}  # OpenAI parameter -> target; null: not supported
    provider_params: dict[str, ParamTarget] = {}  # provider-specific parameters LiteLLM users pass
    defaults: dict[str, Any] = {}  # wire path -> value when the request has none
    request_transforms: list[TransformRef] = []  # structured rewrites of the whole body
    response: Response = Response()
    stream: Stream | None = None

    @field_validator("params", "provider_params", mode="before")
    @classmethod
    def _param_shorthand(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: ({"to": v} if isinstance(v, str) else v) for k, v in value.items()}
        return value


class ErrorPattern(Strict):
    match: str
    error: ExceptionName


class Errors(Strict):
    message_paths: list[str] = ["error.message", "message"]
    code_paths: list[str] = ["error.code", "error.type"]
    status: dict[int, ExceptionName] = {}
    codes: dict[str, ExceptionName] = {}
    patterns: list[ErrorPattern] = []
    stream_status: int = 500  # status given to an error event inside a 200 stream
    status_by_code: dict[str, int] = {}  # in-stream error type -> status
    # Where a provider puts the wait before a retry in its error body ("37s", "1.5", seconds);
    # a path walks into every element of a list. Used when no Retry-After header came.
    retry_after_paths: list[str] = []


class Model(Strict):
    mode: Literal["chat", "embedding", "image_generation", "completion"] = "chat"
    max_input_tokens: int | None = None
    max_output_tokens: int | None = None
    output_vector_size: int | None = None
    input_cost_per_token: float | None = None
    output_cost_per_token: float | None = None
    cache_read_input_token_cost: float | None = None
    cache_creation_input_token_cost: float | None = None
    output_cost_per_reasoning_token: float | None = None
    input_cost_per_token_above_200k_tokens: float | None = None
    output_cost_per_token_above_200k_tokens: float | None = None
    output_cost_per_image: float | None = None
    supports: list[Feature] = []
    unsupported_params: list[str] = []  # OpenAI parameters this model refuses though its provider takes them
    aliases: list[str] = []
    deprecation_date: str | None = None


class ProviderSpec(Strict):
    schema_version: Literal[1]
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    display_name: str
    docs: list[str] = Field(min_length=1)
    extends: str | None = None
    abstract: bool = False  # a dialect base that is not itself callable
    bare_model_names: bool = False  # its models answer to their bare names (``gpt-4o``)
    # Bare names the table does not list but that are this provider's by their prefix (``gpt-``).
    bare_model_prefixes: list[str] = []
    wire_openapi: str | None = None  # OpenAPI subset file in the spec folder
    wire_module: str | None = None  # reuse another provider's generated wire models
    connection: Connection = Connection()
    capabilities: list[Capability] = []
    chat: Endpoint | None = None
    embeddings: Endpoint | None = None
    images: Endpoint | None = None
    text_completion: Endpoint | None = None
    # The Responses API, called natively only when ``responses`` is also a declared capability:
    # children of a dialect inherit the endpoint but list their own capabilities.
    responses: Endpoint | None = None
    errors: Errors = Errors()
    models: dict[str, Model] = {}
    # The row used for a model the table does not list (e.g. whatever a local server has pulled).
    unlisted_models: Model | None = None


class SpecError(Exception):
    pass


def _loc(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def validate(data: dict[str, Any], source: Path) -> ProviderSpec:
    """Validate a merged mapping; errors name the file, the key path and what is allowed."""
    try:
        return ProviderSpec.model_validate(data)
    except ValidationError as exc:
        lines = [f"{source}: invalid provider mapping"]
        for err in exc.errors():
            where = _loc(err["loc"])
            if err["type"] == "extra_forbidden":
                allowed = _allowed_keys(err["loc"][:-1])
                lines.append(f"  {where}: unknown key; allowed here: {allowed}")
            else:
                lines.append(f"  {where}: {err['msg']} (got {err.get('input')!r:.80})")
        raise SpecError("\n".join(lines)) from None


def _allowed_keys(loc: tuple[Any, ...]) -> str:
    model: Any = ProviderSpec
    for part in loc:
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            continue
        annotation = field.annotation
        model = next(
            (
                a
                for a in getattr(annotation, "__args__", (annotation,))
                if isinstance(a, type) and issubclass(a, BaseModel)
            ),
            model,
        )
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
    return ", ".join(sorted(getattr(model, "model_fields", {})))
