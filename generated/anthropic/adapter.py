# Code generated from specs/anthropic/provider.yaml by `make generate`. DO NOT EDIT.
"""Anthropic adapter, compiled from its provider mapping.

Docs: https://docs.anthropic.com/en/api/messages, https://docs.anthropic.com/en/api/messages-streaming, https://docs.anthropic.com/en/api/errors, https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking, https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching
"""

from __future__ import annotations

from typing import Any

from llmrelay.adapter import Adapter, Call, PreparedRequest, usage_from_counts, wire_number
from llmrelay.generated.anthropic import wire
from llmrelay.transforms import blocks
from llmrelay.types import Usage


class AnthropicAdapter(Adapter):
    provider = "anthropic"
    spec_path = "specs/anthropic/provider.yaml"
    api_base = "https://api.anthropic.com"
    api_base_env = (
        "ANTHROPIC_API_BASE",
        "ANTHROPIC_BASE_URL",
    )
    api_base_required = False
    api_key_env = ("ANTHROPIC_API_KEY",)
    api_key_required = True
    auth_header = "x-api-key"
    auth_prefix = ""
    auth_query = None
    static_headers = {"anthropic-version": "2023-06-01"}
    in_process = None
    capabilities = frozenset(["chat", "errors", "reasoning", "stream", "tools", "tools_stream"])
    stream_decoder = "sse"
    supported_params = frozenset(
        [
            "max_completion_tokens",
            "max_tokens",
            "metadata",
            "parallel_tool_calls",
            "reasoning_effort",
            "response_format",
            "stop",
            "stream_options",
            "temperature",
            "tool_choice",
            "tools",
            "top_p",
            "user",
            "web_search_options",
        ]
    )
    passthrough_params = frozenset(["thinking", "top_k"])
    finish_reasons = {
        "end_turn": "stop",
        "max_tokens": "length",
        "model_context_window_exceeded": "length",
        "pause_turn": "stop",
        "refusal": "content_filter",
        "stop_sequence": "stop",
        "tool_use": "tool_calls",
    }
    error_spec = {
        "code_paths": ["error.type"],
        "codes": {
            "api_error": "InternalServerError",
            "authentication_error": "AuthenticationError",
            "invalid_request_error": "BadRequestError",
            "not_found_error": "NotFoundError",
            "overloaded_error": "InternalServerError",
            "permission_error": "PermissionDeniedError",
            "rate_limit_error": "RateLimitError",
            "request_too_large": "BadRequestError",
            "timeout_error": "Timeout",
        },
        "message_paths": ["error.message", "message"],
        "patterns": [
            {
                "error": "ContextWindowExceededError",
                "match": "prompt is too long|prompt: length|exceed context limit|context window",
            },
            {"error": "ContentPolicyViolationError", "match": "content filtering policy"},
        ],
        "status": {413: "BadRequestError", 500: "InternalServerError", 529: "InternalServerError"},
        "status_by_code": {
            "api_error": 500,
            "authentication_error": 401,
            "invalid_request_error": 400,
            "not_found_error": 404,
            "overloaded_error": 529,
            "permission_error": 403,
            "rate_limit_error": 429,
            "request_too_large": 413,
            "timeout_error": 504,
        },
        "stream_status": 500,
    }

    # --- chat ------------------------------------------------------------------

    _CHAT_KNOWN = frozenset(
        [
            "max_completion_tokens",
            "max_tokens",
            "messages",
            "metadata",
            "parallel_tool_calls",
            "reasoning_effort",
            "response_format",
            "stop",
            "stream_options",
            "temperature",
            "thinking",
            "tool_choice",
            "tools",
            "top_k",
            "top_p",
            "user",
            "web_search_options",
        ]
    )

    def chat_request(self, call: Call) -> PreparedRequest:
        params = call.params
        body: dict[str, Any] = {}
        body["model"] = call.model
        blocks.messages_to_wire(call, body)
        if (value := params.get("max_completion_tokens")) is not None:
            body["max_tokens"] = value
        if (value := params.get("max_tokens")) is not None:
            body["max_tokens"] = value
        if (value := params.get("stop")) is not None:
            value = blocks.stop_sequences(value)
            body["stop_sequences"] = value
        if (value := params.get("temperature")) is not None:
            body["temperature"] = value
        if (value := params.get("thinking")) is not None:
            body["thinking"] = value
        if (value := params.get("tools")) is not None:
            value = blocks.tools_to_wire(value)
            body["tools"] = value
        if (value := params.get("top_k")) is not None:
            body["top_k"] = value
        if (value := params.get("top_p")) is not None:
            body["top_p"] = value
        for name, value in params.items():
            if name not in self._CHAT_KNOWN:
                body[name] = value  # unknown parameters pass through, as with LiteLLM
        blocks.thinking_from_effort(
            call,
            body,
            budgets={"high": 4096, "low": 1024, "medium": 2048, "minimal": 1024},
            efforts={"high": "high", "low": "low", "medium": "medium", "minimal": "low"},
        )
        blocks.response_format_tool(call, body)
        blocks.tool_choice_to_wire(call, body)
        blocks.web_search_tool(
            call, body, max_uses={"high": 10, "low": 1, "medium": 5}, tool_type="web_search_20250305"
        )
        blocks.history_tools(call, body)
        blocks.user_metadata(call, body)
        blocks.default_max_tokens(call, body, fallback=4096, thinking_headroom=4096)
        if call.stream:
            body["stream"] = True
            url = self.url(call, "/v1/messages", {})
        else:
            url = self.url(call, "/v1/messages", {})
        return PreparedRequest("POST", url, self.headers(call), self.finish_body(call, body))

    def parse_chat(self, call: Call, data: bytes) -> Any:
        wire_response = wire.Message.model_validate_json(data)
        result = blocks.parse_message(wire_response, call, self)
        return result

    def usage_from_wire(self, u: Any) -> Usage:
        """Canonical usage from the wire usage object (dict or model)."""
        return usage_from_counts(
            prompt_tokens=wire_number(u, "input_tokens")
            + wire_number(u, "cache_read_input_tokens")
            + wire_number(u, "cache_creation_input_tokens"),
            completion_tokens=wire_number(u, "output_tokens"),
            cached_tokens=wire_number(u, "cache_read_input_tokens"),
            cache_creation_input_tokens=wire_number(u, "cache_creation_input_tokens"),
        )

    def new_stream(self, call: Call) -> Any:
        return blocks.EventTranslator(call, self)
