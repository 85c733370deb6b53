# Code generated from specs/gemini/provider.yaml by `make generate`. DO NOT EDIT.
"""Google Gemini (AI Studio) adapter, compiled from its provider mapping.

Docs: https://ai.google.dev/api/generate-content, https://ai.google.dev/api/embeddings, https://ai.google.dev/gemini-api/docs/function-calling, https://ai.google.dev/gemini-api/docs/thinking, https://ai.google.dev/gemini-api/docs/troubleshooting
"""

from __future__ import annotations

from typing import Any

from llmrelay.adapter import Adapter, Call, PreparedRequest, loads, usage_from_counts, wire_number
from llmrelay.transforms import parts
from llmrelay.types import Usage


class GeminiAdapter(Adapter):
    provider = "gemini"
    spec_path = "specs/gemini/provider.yaml"
    api_base = "https://generativelanguage.googleapis.com/v1beta"
    api_base_env = ("GEMINI_API_BASE",)
    api_base_required = False
    api_key_env = (
        "GEMINI_API_KEY",
        "GOOGLE_API_KEY",
    )
    api_key_required = True
    auth_header = "x-goog-api-key"
    auth_prefix = ""
    auth_query = None
    static_headers = {}
    in_process = None
    capabilities = frozenset(["chat", "embeddings", "errors", "reasoning", "stream", "tools", "tools_stream"])
    stream_decoder = "sse"
    supported_params = frozenset(
        [
            "frequency_penalty",
            "logprobs",
            "max_completion_tokens",
            "max_tokens",
            "metadata",
            "modalities",
            "n",
            "parallel_tool_calls",
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
            "web_search_options",
        ]
    )
    passthrough_params = frozenset(["cached_content", "safety_settings", "thinking", "top_k"])
    finish_reasons = {
        "BLOCKLIST": "content_filter",
        "FINISH_REASON_UNSPECIFIED": "stop",
        "IMAGE_PROHIBITED_CONTENT": "content_filter",
        "IMAGE_RECITATION": "content_filter",
        "IMAGE_SAFETY": "content_filter",
        "LANGUAGE": "stop",
        "MALFORMED_FUNCTION_CALL": "stop",
        "MAX_TOKENS": "length",
        "OTHER": "stop",
        "PROHIBITED_CONTENT": "content_filter",
        "RECITATION": "content_filter",
        "SAFETY": "content_filter",
        "SPII": "content_filter",
        "STOP": "stop",
    }
    error_spec = {
        "code_paths": ["error.details.reason", "error.status"],
        "codes": {
            "API_KEY_EXPIRED": "AuthenticationError",
            "API_KEY_INVALID": "AuthenticationError",
            "API_KEY_SERVICE_BLOCKED": "PermissionDeniedError",
            "DEADLINE_EXCEEDED": "Timeout",
            "NOT_FOUND": "NotFoundError",
            "PERMISSION_DENIED": "PermissionDeniedError",
            "RESOURCE_EXHAUSTED": "RateLimitError",
            "UNAUTHENTICATED": "AuthenticationError",
            "UNAVAILABLE": "ServiceUnavailableError",
        },
        "message_paths": ["error.message", "message"],
        "patterns": [
            {
                "error": "ContextWindowExceededError",
                "match": "input token count.*exceeds|exceeds the maximum number of tokens|context window",
            },
            {"error": "AuthenticationError", "match": "API key not valid"},
        ],
        "retry_after_paths": ["error.details.retryDelay"],
        "status": {},
        "status_by_code": {},
        "stream_status": 500,
    }

    # --- chat ------------------------------------------------------------------

    _CHAT_KNOWN = frozenset(
        [
            "audio",
            "cached_content",
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
            "safety_settings",
            "seed",
            "service_tier",
            "stop",
            "store",
            "stream_options",
            "temperature",
            "thinking",
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
        parts.write_contents(
            call,
            body,
            placeholder_models=["gemini-3"],
            placeholder_signature="skip_thought_signature_validator",
        )
        if (value := params.get("cached_content")) is not None:
            body["cachedContent"] = value
        if (value := params.get("frequency_penalty")) is not None:
            body.setdefault("generationConfig", {})["frequencyPenalty"] = value
        if (value := params.get("logprobs")) is not None:
            body.setdefault("generationConfig", {})["responseLogprobs"] = value
        if (value := params.get("max_completion_tokens")) is not None:
            body.setdefault("generationConfig", {})["maxOutputTokens"] = value
        if (value := params.get("max_tokens")) is not None:
            body.setdefault("generationConfig", {})["maxOutputTokens"] = value
        if (value := params.get("modalities")) is not None:
            value = parts.upper_list(value)
            body.setdefault("generationConfig", {})["responseModalities"] = value
        if (value := params.get("n")) is not None:
            body.setdefault("generationConfig", {})["candidateCount"] = value
        if (value := params.get("presence_penalty")) is not None:
            body.setdefault("generationConfig", {})["presencePenalty"] = value
        if (value := params.get("safety_settings")) is not None:
            body["safetySettings"] = value
        if (value := params.get("seed")) is not None:
            body.setdefault("generationConfig", {})["seed"] = value
        if (value := params.get("stop")) is not None:
            value = parts.as_list(value)
            body.setdefault("generationConfig", {})["stopSequences"] = value
        if (value := params.get("temperature")) is not None:
            body.setdefault("generationConfig", {})["temperature"] = value
        if (value := params.get("thinking")) is not None:
            value = parts.thinking_config(value)
            body.setdefault("generationConfig", {})["thinkingConfig"] = value
        if (value := params.get("top_k")) is not None:
            body.setdefault("generationConfig", {})["topK"] = value
        if (value := params.get("top_logprobs")) is not None:
            body.setdefault("generationConfig", {})["logprobs"] = value
        if (value := params.get("top_p")) is not None:
            body.setdefault("generationConfig", {})["topP"] = value
        for name, value in params.items():
            if name not in self._CHAT_KNOWN:
                body[name] = value  # unknown parameters pass through, as with LiteLLM
        parts.write_tools(call, body, search_tool="googleSearch")
        parts.write_response_format(call, body)
        parts.write_reasoning_effort(
            call,
            body,
            budgets={"high": 4096, "low": 1024, "medium": 2048, "minimal": 128, "none": 0, "xhigh": 4096},
            level_models=["gemini-3"],
            levels={
                "high": "high",
                "low": "low",
                "medium": "high",
                "minimal": "low",
                "none": "low",
                "xhigh": "high",
            },
            minimal_budgets=[
                ["gemini-2.5-flash-lite", 512],
                ["gemini-2.5-flash", 1],
                ["gemini-2.5-pro", 128],
            ],
        )
        if call.stream:
            url = self.url(call, "/models/{model}:streamGenerateContent", {"alt": "sse"})
        else:
            url = self.url(call, "/models/{model}:generateContent", {})
        return PreparedRequest("POST", url, self.headers(call), self.finish_body(call, body))

    def parse_chat(self, call: Call, data: bytes) -> Any:
        wire_response = loads(data)
        result = parts.parse_response(wire_response, call, self)
        return result

    def usage_from_wire(self, u: Any) -> Usage:
        """Canonical usage from the wire usage object (dict or model)."""
        return usage_from_counts(
            prompt_tokens=wire_number(u, "promptTokenCount") + wire_number(u, "toolUsePromptTokenCount"),
            completion_tokens=wire_number(u, "candidatesTokenCount") + wire_number(u, "thoughtsTokenCount"),
            total_tokens=wire_number(u, "totalTokenCount"),
            cached_tokens=wire_number(u, "cachedContentTokenCount"),
            reasoning_tokens=wire_number(u, "thoughtsTokenCount"),
        )

    def new_stream(self, call: Call) -> Any:
        return parts.StreamTranslator(call, self)

    # --- embeddings ------------------------------------------------------------

    _EMBEDDINGS_KNOWN = frozenset(["dimensions", "encoding_format", "input", "task_type", "user"])

    def embeddings_request(self, call: Call) -> PreparedRequest:
        params = call.params
        body: dict[str, Any] = {}
        parts.write_embed_requests(call, body, task_param="task_type")
        for name, value in params.items():
            if name not in self._EMBEDDINGS_KNOWN:
                body[name] = value  # unknown parameters pass through, as with LiteLLM
        url = self.url(call, "/models/{model}:batchEmbedContents", {})
        return PreparedRequest("POST", url, self.headers(call), self.finish_body(call, body))

    def parse_embeddings(self, call: Call, data: bytes) -> Any:
        wire_response = loads(data)
        result = parts.parse_embeddings(wire_response, call, self)
        return result
