# Code generated from specs/perplexity/provider.yaml by `make generate`. DO NOT EDIT.
"""Perplexity adapter, compiled from its provider mapping.

Docs: https://docs.perplexity.ai/api-reference/chat-completions-post, https://docs.perplexity.ai/guides/search-control-guide, https://docs.perplexity.ai/getting-started/pricing
"""

from __future__ import annotations

from typing import Any

from llmrelay.adapter import Adapter, Call, PreparedRequest
from llmrelay.transforms import canonical


class PerplexityAdapter(Adapter):
    provider = "perplexity"
    spec_path = "specs/perplexity/provider.yaml"
    api_base = "https://api.perplexity.ai"
    api_base_env = ("PERPLEXITY_API_BASE",)
    api_base_required = False
    api_key_env = (
        "PERPLEXITYAI_API_KEY",
        "PERPLEXITY_API_KEY",
    )
    api_key_required = True
    auth_header = "Authorization"
    auth_prefix = "Bearer "
    auth_query = None
    static_headers = {}
    in_process = None
    capabilities = frozenset(["chat", "errors", "reasoning", "stream"])
    stream_decoder = "sse"
    supported_params = frozenset(
        [
            "frequency_penalty",
            "max_completion_tokens",
            "max_tokens",
            "presence_penalty",
            "reasoning_effort",
            "response_format",
            "stream_options",
            "temperature",
            "top_p",
            "web_search_options",
        ]
    )
    passthrough_params = frozenset(
        [
            "disable_search",
            "return_images",
            "return_related_questions",
            "search_domain_filter",
            "search_mode",
            "search_recency_filter",
            "top_k",
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
        "message_paths": ["error.message", "message", "detail"],
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
            "disable_search",
            "frequency_penalty",
            "function_call",
            "functions",
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
            "reasoning_effort",
            "response_format",
            "return_images",
            "return_related_questions",
            "search_domain_filter",
            "search_mode",
            "search_recency_filter",
            "seed",
            "service_tier",
            "stop",
            "store",
            "stream_options",
            "temperature",
            "tool_choice",
            "tools",
            "top_k",
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
        if (value := params.get("disable_search")) is not None:
            body["disable_search"] = value
        if (value := params.get("frequency_penalty")) is not None:
            body["frequency_penalty"] = value
        if (value := params.get("max_completion_tokens")) is not None:
            body["max_tokens"] = value
        if (value := params.get("max_tokens")) is not None:
            body["max_tokens"] = value
        if (value := params.get("presence_penalty")) is not None:
            body["presence_penalty"] = value
        if (value := params.get("reasoning_effort")) is not None:
            body["reasoning_effort"] = value
        if (value := params.get("response_format")) is not None:
            body["response_format"] = value
        if (value := params.get("return_images")) is not None:
            body["return_images"] = value
        if (value := params.get("return_related_questions")) is not None:
            body["return_related_questions"] = value
        if (value := params.get("search_domain_filter")) is not None:
            body["search_domain_filter"] = value
        if (value := params.get("search_mode")) is not None:
            body["search_mode"] = value
        if (value := params.get("search_recency_filter")) is not None:
            body["search_recency_filter"] = value
        if (value := params.get("stream_options")) is not None:
            body["stream_options"] = value
        if (value := params.get("temperature")) is not None:
            body["temperature"] = value
        if (value := params.get("top_k")) is not None:
            body["top_k"] = value
        if (value := params.get("top_p")) is not None:
            body["top_p"] = value
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
        canonical.reasoning_tokens_from_usage_field(result, field="reasoning_tokens")
        return result

    def new_stream(self, call: Call) -> Any:
        return canonical.ChunkTranslator(call, self)

    def fix_chunk(self, chunk: Any) -> None:
        canonical.reasoning_tokens_from_usage_field(chunk, field="reasoning_tokens")
