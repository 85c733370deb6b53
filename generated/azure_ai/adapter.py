# Code generated from specs/azure_ai/provider.yaml by `make generate`. DO NOT EDIT.
"""Azure AI Foundry (model inference) adapter, compiled from its provider mapping.

Docs: https://learn.microsoft.com/en-us/rest/api/aifoundry/model-inference/get-chat-completions/get-chat-completions, https://learn.microsoft.com/en-us/azure/ai-foundry/model-inference/concepts/endpoints, https://docs.litellm.ai/docs/providers/azure_ai
"""

from __future__ import annotations

from typing import Any

from llmrelay.adapter import Adapter, Call, PreparedRequest
from llmrelay.transforms import canonical


class AzureAiAdapter(Adapter):
    provider = "azure_ai"
    spec_path = "specs/azure_ai/provider.yaml"
    api_base = None
    api_base_env = ("AZURE_AI_API_BASE",)
    api_base_required = True
    api_key_env = ("AZURE_AI_API_KEY",)
    api_key_required = True
    auth_header = "Authorization"
    auth_prefix = "Bearer "
    auth_query = None
    static_headers = {}
    host_rules = (
        (".services.ai.azure.com", "/models", "api-key", ""),
        (".openai.azure.com", "", "api-key", ""),
    )
    query_params = {
        "api-version": {"default": None, "env": [], "param": "api_version"},
    }
    in_process = None
    capabilities = frozenset(["chat", "errors", "stream", "tools"])
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
            "user",
        ]
    )
    passthrough_params = frozenset([])
    finish_reasons = {}
    error_spec = {
        "code_paths": ["error.innererror.code", "error.code", "error.type", "code"],
        "codes": {
            "ResponsibleAIPolicyViolation": "ContentPolicyViolationError",
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
        if (value := params.get("function_call")) is not None:
            body["function_call"] = value
        if (value := params.get("functions")) is not None:
            body["functions"] = value
        if (value := params.get("logit_bias")) is not None:
            body["logit_bias"] = value
        if (value := params.get("logprobs")) is not None:
            body["logprobs"] = value
        if (value := params.get("max_completion_tokens")) is not None:
            body["max_completion_tokens"] = value
        if (value := params.get("max_tokens")) is not None:
            body["max_tokens"] = value
        if (value := params.get("n")) is not None:
            body["n"] = value
        if (value := params.get("parallel_tool_calls")) is not None:
            body["parallel_tool_calls"] = value
        if (value := params.get("presence_penalty")) is not None:
            body["presence_penalty"] = value
        if (value := params.get("reasoning_effort")) is not None:
            body["reasoning_effort"] = value
        if (value := params.get("response_format")) is not None:
            body["response_format"] = value
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
        if (value := params.get("top_logprobs")) is not None:
            body["top_logprobs"] = value
        if (value := params.get("top_p")) is not None:
            body["top_p"] = value
        if (value := params.get("user")) is not None:
            body["user"] = value
        for name, value in params.items():
            if name not in self._CHAT_KNOWN:
                body[name] = value  # unknown parameters pass through, as with LiteLLM
        canonical.text_parts_as_string(call, body)
        if call.stream:
            body["stream"] = True
            url = self.url(call, "/chat/completions", {})
        else:
            url = self.url(call, "/chat/completions", {})
        return PreparedRequest("POST", url, self.headers(call), self.finish_body(call, body))

    def parse_chat(self, call: Call, data: bytes) -> Any:
        result = canonical.parse_chat(data)
        return result

    def new_stream(self, call: Call) -> Any:
        return canonical.PreambleChunkTranslator(call, self)
