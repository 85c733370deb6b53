# Code generated from specs/cohere/provider.yaml by `make generate`. DO NOT EDIT.
"""Cohere adapter, compiled from its provider mapping.

Docs: https://docs.cohere.com/reference/chat, https://docs.cohere.com/reference/chat-stream, https://docs.cohere.com/docs/streaming, https://docs.cohere.com/reference/embed, https://docs.cohere.com/reference/errors, https://docs.cohere.com/docs/reasoning
"""

from __future__ import annotations

from typing import Any

from llmrelay.adapter import Adapter, Call, PreparedRequest, loads
from llmrelay.transforms import blocks, typed_events


class CohereAdapter(Adapter):
    provider = "cohere"
    spec_path = "specs/cohere/provider.yaml"
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
    capabilities = frozenset(["chat", "embeddings", "errors", "reasoning", "stream", "tools", "tools_stream"])
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

    # --- embeddings ------------------------------------------------------------

    _EMBEDDINGS_KNOWN = frozenset(
        ["dimensions", "embedding_types", "encoding_format", "input", "input_type", "truncate"]
    )

    def embeddings_request(self, call: Call) -> PreparedRequest:
        params = call.params
        body: dict[str, Any] = {}
        body["model"] = call.model
        typed_events.write_embed_input(call, body)
        if (value := params.get("dimensions")) is not None:
            body["output_dimension"] = value
        if (value := params.get("embedding_types")) is not None:
            body["embedding_types"] = value
        if (value := params.get("encoding_format")) is not None:
            value = typed_events.embedding_types(value)
            body["embedding_types"] = value
        if (value := params.get("input_type")) is not None:
            body["input_type"] = value
        if (value := params.get("truncate")) is not None:
            body["truncate"] = value
        for name, value in params.items():
            if name not in self._EMBEDDINGS_KNOWN:
                body[name] = value  # unknown parameters pass through, as with LiteLLM
        body.setdefault("input_type", "search_document")
        url = self.url(call, "/v2/embed", {})
        return PreparedRequest("POST", url, self.headers(call), self.finish_body(call, body))

    def parse_embeddings(self, call: Call, data: bytes) -> Any:
        wire_response = loads(data)
        result = typed_events.parse_embeddings(wire_response, call, self)
        return result
