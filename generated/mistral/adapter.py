# Code generated from specs/mistral/provider.yaml by `make generate`. DO NOT EDIT.
"""Mistral AI adapter, compiled from its provider mapping.

Docs: https://docs.mistral.ai/api/#tag/chat/operation/chat_completion_v1_chat_completions_post, https://docs.mistral.ai/capabilities/function_calling/, https://docs.mistral.ai/capabilities/reasoning/, https://docs.mistral.ai/api/#tag/embeddings
"""

from __future__ import annotations

from typing import Any

from llmrelay.adapter import Adapter, Call, PreparedRequest
from llmrelay.transforms import canonical


class MistralAdapter(Adapter):
    provider = "mistral"
    spec_path = "specs/mistral/provider.yaml"
    api_base = "https://api.mistral.ai/v1"
    api_base_env = (
        "MISTRAL_AZURE_API_BASE",
        "MISTRAL_API_BASE",
    )
    api_base_required = False
    api_key_env = (
        "MISTRAL_AZURE_API_KEY",
        "MISTRAL_API_KEY",
    )
    api_key_required = True
    auth_header = "Authorization"
    auth_prefix = "Bearer "
    auth_query = None
    static_headers = {}
    in_process = None
    capabilities = frozenset(["chat", "embeddings", "errors", "reasoning", "stream", "tools", "tools_stream"])
    stream_decoder = "sse"
    supported_params = frozenset(
        [
            "frequency_penalty",
            "max_completion_tokens",
            "max_tokens",
            "metadata",
            "n",
            "parallel_tool_calls",
            "prediction",
            "presence_penalty",
            "reasoning_effort",
            "response_format",
            "seed",
            "service_tier",
            "stop",
            "stream_options",
            "temperature",
            "tool_choice",
            "tools",
            "top_p",
        ]
    )
    passthrough_params = frozenset(["guardrails", "prompt_cache_key", "prompt_mode", "safe_prompt"])
    finish_reasons = {}
    error_spec = {
        "code_paths": ["error.code", "type", "code", "detail.type"],
        "codes": {
            "content_filter": "ContentPolicyViolationError",
            "content_policy_violation": "ContentPolicyViolationError",
            "context_length_exceeded": "ContextWindowExceededError",
            "insufficient_quota": "RateLimitError",
            "invalid_api_key": "AuthenticationError",
            "invalid_model": "BadRequestError",
            "model_not_found": "NotFoundError",
            "rate_limit_exceeded": "RateLimitError",
        },
        "message_paths": ["error.message", "message.detail.msg", "message", "detail.msg", "detail"],
        "patterns": [
            {
                "error": "ContextWindowExceededError",
                "match": "maximum context length|context length exceeded|too many tokens|prompt is too long",
            },
            {"error": "ContentPolicyViolationError", "match": "content management policy|safety system"},
        ],
        "status": {},
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
            "guardrails",
            "logit_bias",
            "logprobs",
            "max_completion_tokens",
            "max_tokens",
            "messages",
            "metadata",
            "modalities",
            "n",
            "parallel_tool_calls",
            "prediction",
            "presence_penalty",
            "prompt_cache_key",
            "prompt_mode",
            "reasoning_effort",
            "response_format",
            "safe_prompt",
            "seed",
            "service_tier",
            "stop",
            "store",
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

    def chat_request(self, call: Call) -> PreparedRequest:
        params = call.params
        body: dict[str, Any] = {}
        body["model"] = call.model
        body["messages"] = params["messages"]
        if (value := params.get("frequency_penalty")) is not None:
            body["frequency_penalty"] = value
        if (value := params.get("guardrails")) is not None:
            body["guardrails"] = value
        if (value := params.get("max_completion_tokens")) is not None:
            body["max_tokens"] = value
        if (value := params.get("max_tokens")) is not None:
            body["max_tokens"] = value
        if (value := params.get("metadata")) is not None:
            body["metadata"] = value
        if (value := params.get("n")) is not None:
            body["n"] = value
        if (value := params.get("parallel_tool_calls")) is not None:
            body["parallel_tool_calls"] = value
        if (value := params.get("prediction")) is not None:
            body["prediction"] = value
        if (value := params.get("presence_penalty")) is not None:
            body["presence_penalty"] = value
        if (value := params.get("prompt_cache_key")) is not None:
            body["prompt_cache_key"] = value
        if (value := params.get("prompt_mode")) is not None:
            body["prompt_mode"] = value
        if (value := params.get("reasoning_effort")) is not None:
            body["reasoning_effort"] = value
        if (value := params.get("response_format")) is not None:
            body["response_format"] = value
        if (value := params.get("safe_prompt")) is not None:
            body["safe_prompt"] = value
        if (value := params.get("seed")) is not None:
            body["random_seed"] = value
        if (value := params.get("service_tier")) is not None:
            body["service_tier"] = value
        if (value := params.get("stop")) is not None:
            body["stop"] = value
        if (value := params.get("temperature")) is not None:
            body["temperature"] = value
        if (value := params.get("tool_choice")) is not None:
            value = {"required": "any"}.get(value, value) if isinstance(value, str) else value
            body["tool_choice"] = value
        if (value := params.get("tools")) is not None:
            body["tools"] = value
        if (value := params.get("top_p")) is not None:
            body["top_p"] = value
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
        canonical.cached_tokens_from_usage_field(result, field="num_cached_tokens")
        return result

    def new_stream(self, call: Call) -> Any:
        return canonical.ChunkTranslator(call, self)

    def fix_chunk(self, chunk: Any) -> None:
        canonical.cached_tokens_from_usage_field(chunk, field="num_cached_tokens")

    # --- embeddings ------------------------------------------------------------

    _EMBEDDINGS_KNOWN = frozenset(["dimensions", "encoding_format", "input", "output_dtype", "user"])

    def embeddings_request(self, call: Call) -> PreparedRequest:
        params = call.params
        body: dict[str, Any] = {}
        body["model"] = call.model
        body["input"] = params["input"]
        if (value := params.get("dimensions")) is not None:
            body["output_dimension"] = value
        if (value := params.get("encoding_format")) is not None:
            body["encoding_format"] = value
        if (value := params.get("output_dtype")) is not None:
            body["output_dtype"] = value
        for name, value in params.items():
            if name not in self._EMBEDDINGS_KNOWN:
                body[name] = value  # unknown parameters pass through, as with LiteLLM
        url = self.url(call, "/embeddings", {})
        return PreparedRequest("POST", url, self.headers(call), self.finish_body(call, body))

    def parse_embeddings(self, call: Call, data: bytes) -> Any:
        result = canonical.parse_embedding(data)
        return result
