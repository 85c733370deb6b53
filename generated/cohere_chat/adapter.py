# Code generated from specs/cohere_chat/provider.yaml by `make generate`. DO NOT EDIT.
"""Cohere Chat adapter, compiled from its provider mapping.

Docs: https://docs.cohere.com/reference/chat, https://docs.cohere.com/reference/chat-stream
"""

from __future__ import annotations

from typing import Any

from llmrelay.adapter import Adapter, Call, PreparedRequest, loads
from llmrelay.transforms import blocks, canonical, typed_events


class CohereChatAdapter(Adapter):
    provider = "cohere_chat"
    spec_path = "specs/cohere_chat/provider.yaml"
    api_base = "https://api.cohere.com"
    api_base_env = ("COHERE_API_BASE",)
    api_base_required = False
    api_key_env = (
        "COHERE_API_KEY",
        "CO_API_KEY",
    )
    api_key_required = True
    auth_header = "Authorization"
    auth_prefix = "Bearer "
    auth_query = None
    static_headers = {}
    in_process = None
    capabilities = frozenset(["chat", "errors", "stream", "tools", "tools_stream"])
    stream_decoder = "sse"
    supported_params = frozenset(
        [
            "frequency_penalty",
            "max_completion_tokens",
            "max_tokens",
            "presence_penalty",
            "response_format",
            "seed",
            "stop",
            "stream_options",
            "temperature",
            "tool_choice",
            "tools",
            "top_p",
        ]
    )
    passthrough_params = frozenset(
        ["citation_options", "documents", "k", "p", "safety_mode", "strict_tools", "thinking", "top_k"]
    )
    finish_reasons = {
        "COMPLETE": "stop",
        "ERROR": "stop",
        "ERROR_TOXIC": "content_filter",
        "MAX_TOKENS": "length",
        "STOP_SEQUENCE": "stop",
        "TIMEOUT": "stop",
        "TOOL_CALL": "tool_calls",
    }
    error_spec = {
        "code_paths": [],
        "codes": {},
        "message_paths": ["message"],
        "patterns": [
            {"error": "AuthenticationError", "match": "(?i)invalid api token|no api key"},
            {
                "error": "ContextWindowExceededError",
                "match": "(?i)too many tokens|context length|prompt is too long",
            },
        ],
        "status": {498: "BadRequestError", 499: "BadRequestError", 500: "ServiceUnavailableError"},
        "status_by_code": {},
        "stream_status": 500,
    }

    # --- chat ------------------------------------------------------------------

    _CHAT_KNOWN = frozenset(
        [
            "citation_options",
            "documents",
            "frequency_penalty",
            "k",
            "max_completion_tokens",
            "max_tokens",
            "messages",
            "p",
            "presence_penalty",
            "response_format",
            "safety_mode",
            "seed",
            "stop",
            "stream_options",
            "strict_tools",
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
        body["model"] = call.model
        body["messages"] = params["messages"]
        if (value := params.get("citation_options")) is not None:
            body["citation_options"] = value
        if (value := params.get("documents")) is not None:
            body["documents"] = value
        if (value := params.get("frequency_penalty")) is not None:
            body["frequency_penalty"] = value
        if (value := params.get("k")) is not None:
            body["k"] = value
        if (value := params.get("max_completion_tokens")) is not None:
            body["max_tokens"] = value
        if (value := params.get("max_tokens")) is not None:
            body["max_tokens"] = value
        if (value := params.get("p")) is not None:
            body["p"] = value
        if (value := params.get("presence_penalty")) is not None:
            body["presence_penalty"] = value
        if (value := params.get("response_format")) is not None:
            value = typed_events.response_format_to_wire(value)
            body["response_format"] = value
        if (value := params.get("safety_mode")) is not None:
            body["safety_mode"] = value
        if (value := params.get("seed")) is not None:
            body["seed"] = value
        if (value := params.get("stop")) is not None:
            value = blocks.stop_sequences(value)
            body["stop_sequences"] = value
        if (value := params.get("strict_tools")) is not None:
            body["strict_tools"] = value
        if (value := params.get("temperature")) is not None:
            body["temperature"] = value
        if (value := params.get("thinking")) is not None:
            body["thinking"] = value
        if (value := params.get("tools")) is not None:
            body["tools"] = value
        if (value := params.get("top_k")) is not None:
            body["k"] = value
        if (value := params.get("top_p")) is not None:
            body["p"] = value
        for name, value in params.items():
            if name not in self._CHAT_KNOWN:
                body[name] = value  # unknown parameters pass through, as with LiteLLM
        canonical.strip_model_route(call, body, routes={"v2/": {}})
        typed_events.tool_choice_to_wire(call, body)
        if call.stream:
            body["stream"] = True
            url = self.url(call, "/v2/chat", {})
        else:
            url = self.url(call, "/v2/chat", {})
        return PreparedRequest("POST", url, self.headers(call), self.finish_body(call, body))

    def parse_chat(self, call: Call, data: bytes) -> Any:
        wire_response = loads(data)
        result = typed_events.parse_message(wire_response, call, self)
        return result

    def new_stream(self, call: Call) -> Any:
        return typed_events.EventTranslator(call, self)
