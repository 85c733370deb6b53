# Code generated from specs/bedrock/provider.yaml by `make generate`. DO NOT EDIT.
"""AWS Bedrock (Converse) adapter, compiled from its provider mapping.

Docs: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html, https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html, https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys-use.html, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html, https://docs.litellm.ai/docs/providers/bedrock
"""

from __future__ import annotations

from typing import Any

from llmrelay.adapter import Adapter, Call, PreparedRequest, loads, usage_from_counts, wire_number
from llmrelay.transforms import converse
from llmrelay.types import Usage


class BedrockAdapter(Adapter):
    provider = "bedrock"
    spec_path = "specs/bedrock/provider.yaml"
    api_base = "https://bedrock-runtime.{region}.amazonaws.com"
    api_base_env = ("AWS_BEDROCK_RUNTIME_ENDPOINT",)
    api_base_required = False
    api_key_env = ("AWS_BEARER_TOKEN_BEDROCK",)
    api_key_required = False
    auth_header = "Authorization"
    auth_prefix = "Bearer "
    auth_query = None
    static_headers = {}
    in_process = None
    call_values = {
        "access_key_id": {"default": None, "env": ["AWS_ACCESS_KEY_ID"], "param": "aws_access_key_id"},
        "profile": {"default": None, "env": [], "param": "aws_profile_name"},
        "region": {
            "default": "us-west-2",
            "env": ["AWS_REGION_NAME", "AWS_REGION", "AWS_DEFAULT_REGION"],
            "param": "aws_region_name",
        },
        "secret_access_key": {
            "default": None,
            "env": ["AWS_SECRET_ACCESS_KEY"],
            "param": "aws_secret_access_key",
        },
        "session_token": {"default": None, "env": ["AWS_SESSION_TOKEN"], "param": "aws_session_token"},
    }
    signer = {"args": {"service": "bedrock"}, "name": "aws_sigv4"}
    capabilities = frozenset(["chat", "errors", "reasoning", "stream", "tools", "tools_stream"])
    stream_decoder = "aws_eventstream"
    supported_params = frozenset(
        [
            "max_completion_tokens",
            "max_tokens",
            "reasoning_effort",
            "response_format",
            "service_tier",
            "stop",
            "stream_options",
            "temperature",
            "tool_choice",
            "tools",
            "top_p",
        ]
    )
    passthrough_params = frozenset(
        [
            "aws_access_key_id",
            "aws_profile_name",
            "aws_region_name",
            "aws_secret_access_key",
            "aws_session_token",
            "thinking",
            "top_k",
        ]
    )
    finish_reasons = {
        "content_filtered": "content_filter",
        "end_turn": "stop",
        "guardrail_intervened": "content_filter",
        "max_tokens": "length",
        "model_context_window_exceeded": "length",
        "stop_sequence": "stop",
        "tool_use": "tool_calls",
    }
    error_spec = {
        "code_paths": ["error.type"],
        "codes": {},
        "message_paths": ["message", "Message", "error.message"],
        "patterns": [
            {
                "error": "ContextWindowExceededError",
                "match": "(?i)input is too long|too many input tokens|prompt is too long|exceeds? the context|maximum context length",
            },
            {
                "error": "AuthenticationError",
                "match": "(?i)security token included in the request is (invalid|expired)|signature we calculated does not match|invalid api key|bearer token",
            },
        ],
        "status": {
            400: "BadRequestError",
            403: "PermissionDeniedError",
            404: "NotFoundError",
            408: "Timeout",
            424: "BadRequestError",
            429: "RateLimitError",
            500: "InternalServerError",
            503: "ServiceUnavailableError",
        },
        "status_by_code": {
            "internalServerException": 500,
            "modelStreamErrorException": 424,
            "modelTimeoutException": 408,
            "serviceUnavailableException": 503,
            "throttlingException": 429,
            "validationException": 400,
        },
        "stream_status": 500,
    }

    # --- chat ------------------------------------------------------------------

    _CHAT_KNOWN = frozenset(
        [
            "aws_access_key_id",
            "aws_profile_name",
            "aws_region_name",
            "aws_secret_access_key",
            "aws_session_token",
            "max_completion_tokens",
            "max_tokens",
            "messages",
            "reasoning_effort",
            "response_format",
            "service_tier",
            "stop",
            "stream_options",
            "temperature",
            "thinking",
            "tool_choice",
            "tools",
            "top_k",
            "top_p",
        ]
    )

    def chat_request(self, call: Call) -> PreparedRequest:
        params = call.params
        body: dict[str, Any] = {}
        converse.messages_to_wire(call, body)
        if (value := params.get("max_completion_tokens")) is not None:
            body.setdefault("inferenceConfig", {})["maxTokens"] = value
        if (value := params.get("max_tokens")) is not None:
            body.setdefault("inferenceConfig", {})["maxTokens"] = value
        if (value := params.get("service_tier")) is not None:
            value = converse.service_tier(value)
            body["serviceTier"] = value
        if (value := params.get("stop")) is not None:
            value = converse.stop_sequences(value)
            body.setdefault("inferenceConfig", {})["stopSequences"] = value
        if (value := params.get("temperature")) is not None:
            body.setdefault("inferenceConfig", {})["temperature"] = value
        if (value := params.get("thinking")) is not None:
            body.setdefault("additionalModelRequestFields", {})["thinking"] = value
        if (value := params.get("tools")) is not None:
            value = converse.tools_to_wire(value)
            body.setdefault("toolConfig", {})["tools"] = value
        if (value := params.get("top_k")) is not None:
            body.setdefault("additionalModelRequestFields", {})["top_k"] = value
        if (value := params.get("top_p")) is not None:
            body.setdefault("inferenceConfig", {})["topP"] = value
        for name, value in params.items():
            if name not in self._CHAT_KNOWN:
                body[name] = value  # unknown parameters pass through, as with LiteLLM
        converse.route_prefix(call, body, prefixes=["converse/"])
        converse.region_from_arn(call, body, param="aws_region_name")
        converse.thinking_from_effort(
            call,
            body,
            budgets={"high": 4096, "low": 1024, "medium": 2048, "minimal": 1024},
            models=["anthropic.claude"],
        )
        converse.tool_choice_to_wire(call, body)
        converse.response_format_tool(call, body, tool_name="json_tool_call")
        if call.stream:
            url = self.url(call, "/model/{model_quoted}/converse-stream", {})
        else:
            url = self.url(call, "/model/{model_quoted}/converse", {})
        request = PreparedRequest("POST", url, self.headers(call), self.finish_body(call, body))
        return self.finish_request(call, request)

    def parse_chat(self, call: Call, data: bytes) -> Any:
        wire_response = loads(data)
        result = converse.parse_converse(wire_response, call, self, json_tool="json_tool_call")
        return result

    def usage_from_wire(self, u: Any) -> Usage:
        """Canonical usage from the wire usage object (dict or model)."""
        return usage_from_counts(
            prompt_tokens=wire_number(u, "inputTokens")
            + wire_number(u, "cacheReadInputTokens")
            + wire_number(u, "cacheWriteInputTokens"),
            completion_tokens=wire_number(u, "outputTokens"),
            total_tokens=wire_number(u, "totalTokens"),
            cached_tokens=wire_number(u, "cacheReadInputTokens"),
            cache_creation_input_tokens=wire_number(u, "cacheWriteInputTokens"),
        )

    def new_stream(self, call: Call) -> Any:
        return converse.StreamTranslator(call, self, json_tool="json_tool_call")
