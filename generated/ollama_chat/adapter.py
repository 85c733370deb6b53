# Code generated from specs/ollama_chat/provider.yaml by `make generate`. DO NOT EDIT.
"""Ollama (chat API) adapter, compiled from its provider mapping.

Docs: https://github.com/ollama/ollama/blob/main/docs/api.md, https://docs.ollama.com/api/chat, https://docs.ollama.com/api/embed, https://docs.ollama.com/capabilities/thinking, https://docs.ollama.com/capabilities/tool-calling, https://docs.ollama.com/modelfile#valid-parameters-and-values
"""

from __future__ import annotations

from typing import Any

from llmrelay.adapter import Adapter, Call, PreparedRequest, loads, usage_from_counts, wire_number
from llmrelay.transforms import ndjson_chat, parts
from llmrelay.types import Usage


class OllamaChatAdapter(Adapter):
    provider = "ollama_chat"
    spec_path = "specs/ollama_chat/provider.yaml"
    api_base = "http://localhost:11434"
    api_base_env = ("OLLAMA_API_BASE",)
    api_base_required = False
    api_key_env = ("OLLAMA_API_KEY",)
    api_key_required = False
    auth_header = "Authorization"
    auth_prefix = "Bearer "
    auth_query = None
    static_headers = {}
    in_process = None
    capabilities = frozenset(["chat", "embeddings", "errors", "reasoning", "stream", "tools", "tools_stream"])
    stream_decoder = "ndjson"
    supported_params = frozenset(
        [
            "frequency_penalty",
            "functions",
            "max_completion_tokens",
            "max_tokens",
            "metadata",
            "reasoning_effort",
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
        [
            "format",
            "keep_alive",
            "min_p",
            "mirostat",
            "mirostat_eta",
            "mirostat_tau",
            "num_batch",
            "num_ctx",
            "num_gpu",
            "num_keep",
            "num_predict",
            "num_thread",
            "repeat_last_n",
            "repeat_penalty",
            "tfs_z",
            "think",
            "top_k",
            "typical_p",
        ]
    )
    finish_reasons = {"length": "length", "load": "stop", "stop": "stop", "unload": "stop"}
    error_spec = {
        "code_paths": [],
        "codes": {},
        "message_paths": ["error"],
        "patterns": [
            {"error": "NotFoundError", "match": "not found, try pulling it first|model '.*' not found"},
            {
                "error": "BadRequestError",
                "match": "does not support (tools|thinking|insert|generate|embeddings)",
            },
        ],
        "status": {},
        "status_by_code": {},
        "stream_status": 500,
    }

    # --- chat ------------------------------------------------------------------

    _CHAT_KNOWN = frozenset(
        [
            "audio",
            "format",
            "frequency_penalty",
            "function_call",
            "functions",
            "keep_alive",
            "logit_bias",
            "logprobs",
            "max_completion_tokens",
            "max_tokens",
            "messages",
            "metadata",
            "min_p",
            "mirostat",
            "mirostat_eta",
            "mirostat_tau",
            "modalities",
            "n",
            "num_batch",
            "num_ctx",
            "num_gpu",
            "num_keep",
            "num_predict",
            "num_thread",
            "parallel_tool_calls",
            "prediction",
            "presence_penalty",
            "reasoning_effort",
            "repeat_last_n",
            "repeat_penalty",
            "response_format",
            "seed",
            "service_tier",
            "stop",
            "store",
            "stream_options",
            "temperature",
            "tfs_z",
            "think",
            "tool_choice",
            "tools",
            "top_k",
            "top_logprobs",
            "top_p",
            "typical_p",
            "user",
            "verbosity",
            "web_search_options",
        ]
    )

    def chat_request(self, call: Call) -> PreparedRequest:
        params = call.params
        body: dict[str, Any] = {}
        body["model"] = call.model
        ndjson_chat.write_messages(call, body)
        if (value := params.get("format")) is not None:
            body["format"] = value
        if (value := params.get("frequency_penalty")) is not None:
            body.setdefault("options", {})["repeat_penalty"] = value
        if (value := params.get("keep_alive")) is not None:
            body["keep_alive"] = value
        if (value := params.get("max_completion_tokens")) is not None:
            body.setdefault("options", {})["num_predict"] = value
        if (value := params.get("max_tokens")) is not None:
            body.setdefault("options", {})["num_predict"] = value
        if (value := params.get("min_p")) is not None:
            body.setdefault("options", {})["min_p"] = value
        if (value := params.get("mirostat")) is not None:
            body.setdefault("options", {})["mirostat"] = value
        if (value := params.get("mirostat_eta")) is not None:
            body.setdefault("options", {})["mirostat_eta"] = value
        if (value := params.get("mirostat_tau")) is not None:
            body.setdefault("options", {})["mirostat_tau"] = value
        if (value := params.get("num_batch")) is not None:
            body.setdefault("options", {})["num_batch"] = value
        if (value := params.get("num_ctx")) is not None:
            body.setdefault("options", {})["num_ctx"] = value
        if (value := params.get("num_gpu")) is not None:
            body.setdefault("options", {})["num_gpu"] = value
        if (value := params.get("num_keep")) is not None:
            body.setdefault("options", {})["num_keep"] = value
        if (value := params.get("num_predict")) is not None:
            body.setdefault("options", {})["num_predict"] = value
        if (value := params.get("num_thread")) is not None:
            body.setdefault("options", {})["num_thread"] = value
        if (value := params.get("repeat_last_n")) is not None:
            body.setdefault("options", {})["repeat_last_n"] = value
        if (value := params.get("repeat_penalty")) is not None:
            body.setdefault("options", {})["repeat_penalty"] = value
        if (value := params.get("seed")) is not None:
            body.setdefault("options", {})["seed"] = value
        if (value := params.get("stop")) is not None:
            value = parts.as_list(value)
            body.setdefault("options", {})["stop"] = value
        if (value := params.get("temperature")) is not None:
            body.setdefault("options", {})["temperature"] = value
        if (value := params.get("tfs_z")) is not None:
            body.setdefault("options", {})["tfs_z"] = value
        if (value := params.get("think")) is not None:
            body["think"] = value
        if (value := params.get("top_k")) is not None:
            body.setdefault("options", {})["top_k"] = value
        if (value := params.get("top_p")) is not None:
            body.setdefault("options", {})["top_p"] = value
        if (value := params.get("typical_p")) is not None:
            body.setdefault("options", {})["typical_p"] = value
        for name, value in params.items():
            if name not in self._CHAT_KNOWN:
                body[name] = value  # unknown parameters pass through, as with LiteLLM
        body.setdefault("options", {})
        body.setdefault("stream", False)
        ndjson_chat.write_tools(call, body)
        ndjson_chat.write_response_format(call, body)
        ndjson_chat.write_reasoning_effort(call, body, level_models=["gpt-oss"])
        if call.stream:
            body["stream"] = True
            url = self.url(call, "/api/chat", {})
        else:
            url = self.url(call, "/api/chat", {})
        return PreparedRequest("POST", url, self.headers(call), self.finish_body(call, body))

    def parse_chat(self, call: Call, data: bytes) -> Any:
        wire_response = loads(data)
        result = ndjson_chat.parse_response(wire_response, call, self)
        return result

    def usage_from_wire(self, u: Any) -> Usage:
        """Canonical usage from the wire usage object (dict or model)."""
        return usage_from_counts(
            prompt_tokens=wire_number(u, "prompt_eval_count"),
            completion_tokens=wire_number(u, "eval_count"),
        )

    def new_stream(self, call: Call) -> Any:
        return ndjson_chat.StreamTranslator(call, self)

    # --- embeddings ------------------------------------------------------------

    _EMBEDDINGS_KNOWN = frozenset(
        ["dimensions", "encoding_format", "input", "keep_alive", "truncate", "user"]
    )

    def embeddings_request(self, call: Call) -> PreparedRequest:
        params = call.params
        body: dict[str, Any] = {}
        body["model"] = call.model
        ndjson_chat.write_embed_input(call, body)
        if (value := params.get("dimensions")) is not None:
            body["dimensions"] = value
        if (value := params.get("keep_alive")) is not None:
            body["keep_alive"] = value
        if (value := params.get("truncate")) is not None:
            body["truncate"] = value
        for name, value in params.items():
            if name not in self._EMBEDDINGS_KNOWN:
                body[name] = value  # unknown parameters pass through, as with LiteLLM
        url = self.url(call, "/api/embed", {})
        return PreparedRequest("POST", url, self.headers(call), self.finish_body(call, body))

    def parse_embeddings(self, call: Call, data: bytes) -> Any:
        wire_response = loads(data)
        result = ndjson_chat.parse_embeddings(wire_response, call, self)
        return result
