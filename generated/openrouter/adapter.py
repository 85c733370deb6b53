# Code generated from specs/openrouter/provider.yaml by `make generate`. DO NOT EDIT.
"""OpenRouter adapter, compiled from its provider mapping.

Docs: https://openrouter.ai/docs/api-reference/chat-completion, https://openrouter.ai/docs/api-reference/streaming, https://openrouter.ai/docs/use-cases/reasoning-tokens, https://openrouter.ai/docs/api-reference/errors
"""

from __future__ import annotations

from typing import Any

from llmrelay.adapter import Adapter, Call, PreparedRequest
from llmrelay.transforms import canonical


class OpenrouterAdapter(Adapter):
    provider = "openrouter"
    spec_path = "specs/openrouter/provider.yaml"
    api_base = "https://openrouter.ai/api/v1"
    api_base_env = ("OPENROUTER_API_BASE",)
    api_base_required = False
    api_key_env = (
        "OPENROUTER_API_KEY",
        "OR_API_KEY",
    )
    api_key_required = True
    auth_header = "Authorization"
    auth_prefix = "Bearer "
    auth_query = None
    static_headers = {}
    in_process = None
    capabilities = frozenset(["chat", "errors", "reasoning", "stream", "tools", "tools_stream"])
    stream_decoder = "sse"
    supported_params = frozenset(
        [
            "frequency_penalty",
            "function_call",
            "functions",
            "logit_bias",
            "logprobs",
            "max_completion_tokens",
            "max_tokens",
            "metadata",
            "modalities",
            "n",
            "parallel_tool_calls",
            "prediction",
            "presence_penalty",
            "reasoning_effort",
            "response_format",
            "seed",
            "stop",
            "stream_options",
            "temperature",
            "tool_choice",
            "tools",
            "top_logprobs",
            "top_p",
            "user",
            "verbosity",
            "web_search_options",
        ]
    )
    passthrough_params = frozenset(
        [
            "include_reasoning",
            "min_p",
            "models",
            "provider",
            "reasoning",
            "repetition_penalty",
            "route",
            "top_a",
            "top_k",
            "transforms",
            "usage",
        ]
    )
    finish_reasons = {}
    error_spec = {
        "code_paths": ["error.code", "error.type", "code"],
        "codes": {
            "content_filter": "ContentPolicyViolationError",
            "content_policy_violation": "ContentPolicyViolationError",
            "context_length_exceeded": "ContextWindowExceededError",
            "insufficient_quota": "RateLimitError",
            "invalid_api_key": "AuthenticationError",
            "model_not_found": "NotFoundError",
            "rate_limit_exceeded": "RateLimitError",
        },
        "message_paths": ["error.metadata.raw", "error.message", "message"],
        "patterns": [
            {
                "error": "ContextWindowExceededError",
                "match": "maximum context length|context length exceeded|too many tokens|prompt is too long",
            },
            {"error": "ContentPolicyViolationError", "match": "content management policy|safety system"},
        ],
        "status": {402: "BadRequestError"},
        "status_by_code": {},
        "stream_status": 500,
    }

    # --- chat ------------------------------------------------------------------

    _CHAT_KNOWN = frozenset(
        [
            "audio",
            "frequency_penalty",
            "function_call",
            "functions",
            "include_reasoning",
            "logit_bias",
            "logprobs",
            "max_completion_tokens",
            "max_tokens",
            "messages",
            "metadata",
            "min_p",
            "modalities",
            "models",
            "n",
            "parallel_tool_calls",
            "prediction",
            "presence_penalty",
            "provider",
            "reasoning",
            "reasoning_effort",
            "repetition_penalty",
            "response_format",
            "route",
            "seed",
            "service_tier",
            "stop",
            "store",
            "stream_options",
            "temperature",
            "tool_choice",
            "tools",
            "top_a",
            "top_k",
            "top_logprobs",
            "top_p",
            "transforms",
            "usage",
            "user",
            "verbosity",
            "web_search_options",
        ]
    )

    def chat_request(self, call: Call) -> PreparedRequest:
        params = call.params
        body: dict[str, Any] = {}
        body["model"] = call.model
        body["messages"] = params["messages"]
        if (value := params.get("frequency_penalty")) is not None:
            body["frequency_penalty"] = value
        if (value := params.get("function_call")) is not None:
            body["function_call"] = value
        if (value := params.get("functions")) is not None:
            body["functions"] = value
        if (value := params.get("include_reasoning")) is not None:
            body["include_reasoning"] = value
        if (value := params.get("logit_bias")) is not None:
            body["logit_bias"] = value
        if (value := params.get("logprobs")) is not None:
            body["logprobs"] = value
        if (value := params.get("max_completion_tokens")) is not None:
            body["max_completion_tokens"] = value
        if (value := params.get("max_tokens")) is not None:
            body["max_tokens"] = value
        if (value := params.get("metadata")) is not None:
            body["metadata"] = value
        if (value := params.get("min_p")) is not None:
            body["min_p"] = value
        if (value := params.get("modalities")) is not None:
            body["modalities"] = value
        if (value := params.get("models")) is not None:
            body["models"] = value
        if (value := params.get("n")) is not None:
            body["n"] = value
        if (value := params.get("parallel_tool_calls")) is not None:
            body["parallel_tool_calls"] = value
        if (value := params.get("prediction")) is not None:
            body["prediction"] = value
        if (value := params.get("presence_penalty")) is not None:
            body["presence_penalty"] = value
        if (value := params.get("provider")) is not None:
            body["provider"] = value
        if (value := params.get("reasoning")) is not None:
            body["reasoning"] = value
        if (value := params.get("reasoning_effort")) is not None:
            body["reasoning_effort"] = value
        if (value := params.get("repetition_penalty")) is not None:
            body["repetition_penalty"] = value
        if (value := params.get("response_format")) is not None:
            body["response_format"] = value
        if (value := params.get("route")) is not None:
            body["route"] = value
        if (value := params.get("seed")) is not None:
            body["seed"] = value
        if (value := params.get("stop")) is not None:
            body["stop"] = value
        if (value := params.get("stream_options")) is not None:
            body["stream_options"] = value
        if (value := params.get("temperature")) is not None:
            body["temperature"] = value
        if (value := params.get("tool_choice")) is not None:
            body["tool_choice"] = value
        if (value := params.get("tools")) is not None:
            body["tools"] = value
        if (value := params.get("top_a")) is not None:
            body["top_a"] = value
        if (value := params.get("top_k")) is not None:
            body["top_k"] = value
        if (value := params.get("top_logprobs")) is not None:
            body["top_logprobs"] = value
        if (value := params.get("top_p")) is not None:
            body["top_p"] = value
        if (value := params.get("transforms")) is not None:
            body["transforms"] = value
        if (value := params.get("usage")) is not None:
            body["usage"] = value
        if (value := params.get("user")) is not None:
            body["user"] = value
        if (value := params.get("verbosity")) is not None:
            body["verbosity"] = value
        if (value := params.get("web_search_options")) is not None:
            body["web_search_options"] = value
        for name, value in params.items():
            if name not in self._CHAT_KNOWN:
                body[name] = value  # unknown parameters pass through, as with LiteLLM
        if call.stream:
            body["stream"] = True
            url = self.url(call, "/chat/completions", {})
        else:
            url = self.url(call, "/chat/completions", {})
        return PreparedRequest("POST", url, self.headers(call), self.finish_body(call, body))

    def parse_chat(self, call: Call, data: bytes) -> Any:
        result = canonical.parse_chat(data)
        canonical.rename_message_fields(result, fields={"reasoning": "reasoning_content"})
        return result

    def new_stream(self, call: Call) -> Any:
        return canonical.ChunkTranslator(call, self)

    def fix_chunk(self, chunk: Any) -> None:
        canonical.rename_delta_fields(chunk, fields={"reasoning": "reasoning_content"})
