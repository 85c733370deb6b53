# Code generated from specs/azure/provider.yaml by `make generate`. DO NOT EDIT.
"""Azure OpenAI adapter, compiled from its provider mapping.

Docs: https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference, https://learn.microsoft.com/en-us/azure/ai-foundry/openai/concepts/content-filter, https://learn.microsoft.com/en-us/azure/ai-foundry/openai/how-to/quota, https://docs.litellm.ai/docs/providers/azure
"""

from __future__ import annotations

from typing import Any

from llmrelay.adapter import Adapter, Call, PreparedRequest, loads
from llmrelay.transforms import canonical, responses


class AzureAdapter(Adapter):
    provider = "azure"
    spec_path = "specs/azure/provider.yaml"
    api_base = None
    api_base_env = (
        "AZURE_API_BASE",
        "AZURE_OPENAI_ENDPOINT",
    )
    api_base_required = True
    api_key_env = (
        "AZURE_OPENAI_API_KEY",
        "AZURE_API_KEY",
    )
    api_key_required = True
    auth_header = "api-key"
    auth_prefix = ""
    auth_query = None
    static_headers = {}
    auth_token = {
        "default": None,
        "env": ["AZURE_AD_TOKEN"],
        "header": "Authorization",
        "param": "azure_ad_token",
        "prefix": "Bearer ",
        "provider_param": "azure_ad_token_provider",
    }
    query_params = {
        "api-version": {
            "default": "2025-02-01-preview",
            "env": ["AZURE_API_VERSION"],
            "param": "api_version",
        },
    }
    in_process = None
    capabilities = frozenset(
        [
            "chat",
            "embeddings",
            "errors",
            "images",
            "responses",
            "stream",
            "text_completion",
            "tools",
            "tools_stream",
        ]
    )
    stream_decoder = "sse"
    supported_params = frozenset(
        [
            "audio",
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
        ]
    )
    passthrough_params = frozenset(["azure_ad_token", "azure_ad_token_provider"])
    finish_reasons = {}
    error_spec = {
        "code_paths": ["error.innererror.code", "error.code", "error.type", "code"],
        "codes": {
            "DeploymentNotFound": "NotFoundError",
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
            "azure_ad_token",
            "azure_ad_token_provider",
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
        if (value := params.get("audio")) is not None:
            body["audio"] = value
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
        if (value := params.get("metadata")) is not None:
            body["metadata"] = value
        if (value := params.get("modalities")) is not None:
            body["modalities"] = value
        if (value := params.get("n")) is not None:
            body["n"] = value
        if (value := params.get("parallel_tool_calls")) is not None:
            body["parallel_tool_calls"] = value
        if (value := params.get("prediction")) is not None:
            body["prediction"] = value
        if (value := params.get("presence_penalty")) is not None:
            body["presence_penalty"] = value
        if (value := params.get("reasoning_effort")) is not None:
            body["reasoning_effort"] = value
        if (value := params.get("response_format")) is not None:
            body["response_format"] = value
        if (value := params.get("seed")) is not None:
            body["seed"] = value
        if (value := params.get("service_tier")) is not None:
            body["service_tier"] = value
        if (value := params.get("stop")) is not None:
            body["stop"] = value
        if (value := params.get("store")) is not None:
            body["store"] = value
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
        if (value := params.get("verbosity")) is not None:
            body["verbosity"] = value
        for name, value in params.items():
            if name not in self._CHAT_KNOWN:
                body[name] = value  # unknown parameters pass through, as with LiteLLM
        canonical.strip_model_route(
            call,
            body,
            routes={
                "gpt5_series/": {"max_tokens": "max_completion_tokens"},
                "o_series/": {"max_tokens": "max_completion_tokens"},
            },
        )
        canonical.rename_fields_for_models(
            call, body, fields={"max_tokens": "max_completion_tokens"}, prefixes=["o1", "o3", "o4", "gpt-5"]
        )
        if call.stream:
            body["stream"] = True
            url = self.url(call, "/openai/deployments/{model}/chat/completions", {})
        else:
            url = self.url(call, "/openai/deployments/{model}/chat/completions", {})
        return PreparedRequest("POST", url, self.headers(call), self.finish_body(call, body))

    def parse_chat(self, call: Call, data: bytes) -> Any:
        result = canonical.parse_chat(data)
        return result

    def new_stream(self, call: Call) -> Any:
        return canonical.PreambleChunkTranslator(call, self)

    # --- embeddings ------------------------------------------------------------

    _EMBEDDINGS_KNOWN = frozenset(
        ["azure_ad_token", "azure_ad_token_provider", "dimensions", "encoding_format", "input", "user"]
    )

    def embeddings_request(self, call: Call) -> PreparedRequest:
        params = call.params
        body: dict[str, Any] = {}
        body["model"] = call.model
        body["input"] = params["input"]
        if (value := params.get("dimensions")) is not None:
            body["dimensions"] = value
        if (value := params.get("encoding_format")) is not None:
            body["encoding_format"] = value
        if (value := params.get("user")) is not None:
            body["user"] = value
        for name, value in params.items():
            if name not in self._EMBEDDINGS_KNOWN:
                body[name] = value  # unknown parameters pass through, as with LiteLLM
        url = self.url(call, "/openai/deployments/{model}/embeddings", {})
        return PreparedRequest("POST", url, self.headers(call), self.finish_body(call, body))

    def parse_embeddings(self, call: Call, data: bytes) -> Any:
        result = canonical.parse_embedding(data)
        return result

    # --- images ----------------------------------------------------------------

    _IMAGES_KNOWN = frozenset(
        [
            "azure_ad_token",
            "azure_ad_token_provider",
            "background",
            "moderation",
            "n",
            "output_format",
            "prompt",
            "quality",
            "response_format",
            "size",
            "style",
            "user",
        ]
    )

    def images_request(self, call: Call) -> PreparedRequest:
        params = call.params
        body: dict[str, Any] = {}
        body["model"] = call.model
        body["prompt"] = params["prompt"]
        if (value := params.get("background")) is not None:
            body["background"] = value
        if (value := params.get("moderation")) is not None:
            body["moderation"] = value
        if (value := params.get("n")) is not None:
            body["n"] = value
        if (value := params.get("output_format")) is not None:
            body["output_format"] = value
        if (value := params.get("quality")) is not None:
            body["quality"] = value
        if (value := params.get("response_format")) is not None:
            body["response_format"] = value
        if (value := params.get("size")) is not None:
            body["size"] = value
        if (value := params.get("style")) is not None:
            body["style"] = value
        if (value := params.get("user")) is not None:
            body["user"] = value
        for name, value in params.items():
            if name not in self._IMAGES_KNOWN:
                body[name] = value  # unknown parameters pass through, as with LiteLLM
        url = self.url(call, "/openai/deployments/{model}/images/generations", {})
        return PreparedRequest("POST", url, self.headers(call), self.finish_body(call, body))

    def parse_images(self, call: Call, data: bytes) -> Any:
        result = canonical.parse_image(data)
        return result

    # --- text_completion -------------------------------------------------------

    _TEXT_COMPLETION_KNOWN = frozenset(
        [
            "azure_ad_token",
            "azure_ad_token_provider",
            "best_of",
            "echo",
            "frequency_penalty",
            "logit_bias",
            "logprobs",
            "max_tokens",
            "n",
            "presence_penalty",
            "prompt",
            "seed",
            "stop",
            "stream_options",
            "suffix",
            "temperature",
            "top_p",
            "user",
        ]
    )

    def text_completion_request(self, call: Call) -> PreparedRequest:
        params = call.params
        body: dict[str, Any] = {}
        body["model"] = call.model
        body["prompt"] = params["prompt"]
        if (value := params.get("best_of")) is not None:
            body["best_of"] = value
        if (value := params.get("echo")) is not None:
            body["echo"] = value
        if (value := params.get("frequency_penalty")) is not None:
            body["frequency_penalty"] = value
        if (value := params.get("logit_bias")) is not None:
            body["logit_bias"] = value
        if (value := params.get("logprobs")) is not None:
            body["logprobs"] = value
        if (value := params.get("max_tokens")) is not None:
            body["max_tokens"] = value
        if (value := params.get("n")) is not None:
            body["n"] = value
        if (value := params.get("presence_penalty")) is not None:
            body["presence_penalty"] = value
        if (value := params.get("seed")) is not None:
            body["seed"] = value
        if (value := params.get("stop")) is not None:
            body["stop"] = value
        if (value := params.get("stream_options")) is not None:
            body["stream_options"] = value
        if (value := params.get("suffix")) is not None:
            body["suffix"] = value
        if (value := params.get("temperature")) is not None:
            body["temperature"] = value
        if (value := params.get("top_p")) is not None:
            body["top_p"] = value
        if (value := params.get("user")) is not None:
            body["user"] = value
        for name, value in params.items():
            if name not in self._TEXT_COMPLETION_KNOWN:
                body[name] = value  # unknown parameters pass through, as with LiteLLM
        url = self.url(call, "/openai/deployments/{model}/completions", {})
        return PreparedRequest("POST", url, self.headers(call), self.finish_body(call, body))

    def parse_text_completion(self, call: Call, data: bytes) -> Any:
        result = canonical.parse_text_completion(data)
        return result

    # --- responses -------------------------------------------------------------

    _RESPONSES_KNOWN = frozenset(
        [
            "azure_ad_token",
            "azure_ad_token_provider",
            "background",
            "conversation",
            "include",
            "input",
            "instructions",
            "max_output_tokens",
            "max_tool_calls",
            "metadata",
            "parallel_tool_calls",
            "previous_response_id",
            "prompt",
            "prompt_cache_key",
            "reasoning",
            "safety_identifier",
            "service_tier",
            "store",
            "stream_options",
            "temperature",
            "text",
            "tool_choice",
            "tools",
            "top_logprobs",
            "top_p",
            "truncation",
            "user",
        ]
    )

    def responses_request(self, call: Call) -> PreparedRequest:
        params = call.params
        body: dict[str, Any] = {}
        body["model"] = call.model
        body["input"] = params["input"]
        if (value := params.get("background")) is not None:
            body["background"] = value
        if (value := params.get("conversation")) is not None:
            body["conversation"] = value
        if (value := params.get("include")) is not None:
            body["include"] = value
        if (value := params.get("instructions")) is not None:
            body["instructions"] = value
        if (value := params.get("max_output_tokens")) is not None:
            body["max_output_tokens"] = value
        if (value := params.get("max_tool_calls")) is not None:
            body["max_tool_calls"] = value
        if (value := params.get("metadata")) is not None:
            body["metadata"] = value
        if (value := params.get("parallel_tool_calls")) is not None:
            body["parallel_tool_calls"] = value
        if (value := params.get("previous_response_id")) is not None:
            body["previous_response_id"] = value
        if (value := params.get("prompt")) is not None:
            body["prompt"] = value
        if (value := params.get("prompt_cache_key")) is not None:
            body["prompt_cache_key"] = value
        if (value := params.get("reasoning")) is not None:
            body["reasoning"] = value
        if (value := params.get("safety_identifier")) is not None:
            body["safety_identifier"] = value
        if (value := params.get("service_tier")) is not None:
            body["service_tier"] = value
        if (value := params.get("store")) is not None:
            body["store"] = value
        if (value := params.get("stream_options")) is not None:
            body["stream_options"] = value
        if (value := params.get("temperature")) is not None:
            body["temperature"] = value
        if (value := params.get("text")) is not None:
            body["text"] = value
        if (value := params.get("tool_choice")) is not None:
            body["tool_choice"] = value
        if (value := params.get("tools")) is not None:
            body["tools"] = value
        if (value := params.get("top_logprobs")) is not None:
            body["top_logprobs"] = value
        if (value := params.get("top_p")) is not None:
            body["top_p"] = value
        if (value := params.get("truncation")) is not None:
            body["truncation"] = value
        if (value := params.get("user")) is not None:
            body["user"] = value
        for name, value in params.items():
            if name not in self._RESPONSES_KNOWN:
                body[name] = value  # unknown parameters pass through, as with LiteLLM
        if call.stream:
            body["stream"] = True
            url = self.url(call, "/openai/responses", {})
        else:
            url = self.url(call, "/openai/responses", {})
        return PreparedRequest("POST", url, self.headers(call), self.finish_body(call, body))

    def parse_responses(self, call: Call, data: bytes) -> Any:
        wire_response = loads(data)
        result = responses.parse_response(wire_response, call, self)
        return result

    def new_responses_stream(self, call: Call) -> Any:
        return responses.EventTranslator(call, self)
