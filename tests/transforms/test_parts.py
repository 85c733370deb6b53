"""Unit tests for the contents/parts transforms (runtime/transforms/parts.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from llmrelay import exceptions, registry
from llmrelay.adapter import Call
from llmrelay.transforms import parts

ADAPTER = registry.get_adapter("gemini")


def make_call(model: str = "gemini-2.5-flash", capability: str = "chat", **params: Any) -> Call:
    return Call(
        provider="gemini",
        model=model,
        capability=capability,
        params=params,
        api_base="https://generativelanguage.googleapis.com/v1beta",
        api_key="k",
    )


def contents(messages: list[dict[str, Any]], model: str = "gemini-2.5-flash") -> dict[str, Any]:
    body: dict[str, Any] = {}
    parts.write_contents(
        make_call(model, messages=messages),
        body,
        placeholder_signature="skip_thought_signature_validator",
        placeholder_models=["gemini-3"],
    )
    return body


# --- messages -> contents ---------------------------------------------------------------------


def test_system_and_developer_messages_become_system_instruction():
    body = contents(
        [
            {"role": "system", "content": "Be terse."},
            {"role": "developer", "content": [{"type": "text", "text": "Answer in French."}]},
            {"role": "user", "content": "Hi"},
        ]
    )
    assert body["systemInstruction"] == {"parts": [{"text": "Be terse."}, {"text": "Answer in French."}]}
    assert body["contents"] == [{"role": "user", "parts": [{"text": "Hi"}]}]


def test_no_system_instruction_when_there_is_no_system_message():
    assert "systemInstruction" not in contents([{"role": "user", "content": "Hi"}])


def test_roles_map_to_user_and_model_and_consecutive_turns_merge():
    body = contents(
        [
            {"role": "user", "content": "a"},
            {"role": "user", "content": "b"},
            {"role": "assistant", "content": "c"},
            {"role": "assistant", "content": [{"type": "text", "text": "d"}]},
            {"role": "user", "content": ""},  # empty text is rejected by the API: dropped
        ]
    )
    assert body["contents"] == [
        {"role": "user", "parts": [{"text": "a"}, {"text": "b"}]},
        {"role": "model", "parts": [{"text": "c"}, {"text": "d"}]},
    ]


def test_media_parts():
    assert parts.media_part("data:image/png;base64,AAAA") == {
        "inlineData": {"mimeType": "image/png", "data": "AAAA"}
    }
    assert parts.media_part("https://x.test/cat.JPG?size=2") == {
        "fileData": {"mimeType": "image/jpeg", "fileUri": "https://x.test/cat.JPG?size=2"}
    }
    assert parts.media_part("gs://bucket/doc.pdf") == {
        "fileData": {"mimeType": "application/pdf", "fileUri": "gs://bucket/doc.pdf"}
    }
    assert parts.media_part("https://x.test/image", "image/webp") == {
        "fileData": {"mimeType": "image/webp", "fileUri": "https://x.test/image"}
    }
    assert parts.media_part("https://x.test/image") == {"fileData": {"fileUri": "https://x.test/image"}}


def test_user_content_parts_audio_and_files():
    body = contents(
        [
            {
                "role": "user",
                "content": [
                    {"type": "input_audio", "input_audio": {"data": "UklG", "format": "wav"}},
                    {"type": "file", "file": {"file_data": "data:application/pdf;base64,JVBE"}},
                    {
                        "type": "file",
                        "file": {
                            "file_id": "https://generativelanguage.googleapis.com/v1beta/files/abc",
                            "format": "video/mp4",
                        },
                    },
                    {
                        "type": "image_url",
                        "image_url": {"url": "https://x.test/a.png", "format": "image/png"},
                    },
                ],
            }
        ]
    )
    assert body["contents"][0]["parts"] == [
        {"inlineData": {"mimeType": "audio/wav", "data": "UklG"}},
        {"inlineData": {"mimeType": "application/pdf", "data": "JVBE"}},
        {
            "fileData": {
                "mimeType": "video/mp4",
                "fileUri": "https://generativelanguage.googleapis.com/v1beta/files/abc",
            }
        },
        {"fileData": {"mimeType": "image/png", "fileUri": "https://x.test/a.png"}},
    ]


def test_unknown_content_part_is_a_bad_request():
    with pytest.raises(exceptions.LLMRelayError, match="refusal_part"):
        contents([{"role": "user", "content": [{"type": "refusal_part"}]}])


def test_tool_calls_and_results_with_signatures():
    body = contents(
        [
            {"role": "user", "content": "weather?"},
            {
                "role": "assistant",
                "content": "Let me check.",
                "tool_calls": [
                    {
                        "id": "call_1__thought__SIG1",
                        "type": "function",
                        "function": {"name": "w", "arguments": '{"c": "P"}'},
                    },
                    {
                        "id": "call_2",
                        "type": "function",
                        "function": {"name": "t", "arguments": ""},
                        "provider_specific_fields": {"thought_signature": "SIG2"},
                    },
                ],
            },
            {"role": "tool", "tool_call_id": "call_1__thought__SIG1", "content": "15C"},
            {"role": "tool", "tool_call_id": "call_2", "content": [{"type": "text", "text": "noon"}]},
            {"role": "user", "content": "thanks"},
        ]
    )
    assert body["contents"][1] == {
        "role": "model",
        "parts": [
            {"text": "Let me check."},
            {"functionCall": {"name": "w", "args": {"c": "P"}}, "thoughtSignature": "SIG1"},
            {"functionCall": {"name": "t", "args": {}}, "thoughtSignature": "SIG2"},
        ],
    }
    # Results get their own user content, and the next user message another one.
    assert body["contents"][2] == {
        "role": "user",
        "parts": [
            {"functionResponse": {"name": "w", "response": {"content": "15C"}}},
            {"functionResponse": {"name": "t", "response": {"content": "noon"}}},
        ],
    }
    assert body["contents"][3] == {"role": "user", "parts": [{"text": "thanks"}]}


def test_placeholder_signature_only_for_listed_models():
    messages = [
        {"role": "user", "content": "x"},
        {
            "role": "assistant",
            "tool_calls": [{"id": "a", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
        },
        {"role": "tool", "tool_call_id": "a", "content": "y"},
    ]
    call_part = contents(messages, model="gemini-3-pro-preview")["contents"][1]["parts"][0]
    assert call_part["thoughtSignature"] == "skip_thought_signature_validator"
    assert "thoughtSignature" not in contents(messages)["contents"][1]["parts"][0]


def test_tool_result_without_a_matching_call_uses_its_name_or_fails():
    body = contents(
        [{"role": "user", "content": "x"}, {"role": "tool", "tool_call_id": "z", "name": "f", "content": "1"}]
    )
    assert body["contents"][1]["parts"][0]["functionResponse"]["name"] == "f"
    with pytest.raises(exceptions.LLMRelayError, match="answers no earlier assistant tool call"):
        contents([{"role": "user", "content": "x"}, {"role": "tool", "tool_call_id": "z", "content": "1"}])


def test_bad_arguments_are_a_bad_request():
    with pytest.raises(exceptions.LLMRelayError, match="must be a JSON object"):
        contents(
            [
                {
                    "role": "assistant",
                    "tool_calls": [{"id": "a", "function": {"name": "f", "arguments": "[1]"}}],
                }
            ]
        )


def test_reasoning_goes_back_as_thought_parts():
    with_blocks = contents(
        [
            {
                "role": "assistant",
                "content": "42",
                "reasoning_content": "thinking...",
                "thinking_blocks": [{"type": "thinking", "thinking": "thinking...", "signature": "S0"}],
                "provider_specific_fields": {"thought_signatures": ["S1"]},
            }
        ]
    )
    assert with_blocks["contents"][0]["parts"] == [
        {"text": "thinking...", "thought": True, "thoughtSignature": "S0"},
        {"text": "42", "thoughtSignature": "S1"},
    ]
    only_text = contents([{"role": "assistant", "content": "42", "reasoning_content": "hmm"}])
    assert only_text["contents"][0]["parts"] == [{"text": "hmm", "thought": True}, {"text": "42"}]


def test_tool_call_signature_sources():
    assert parts.tool_call_signature({"id": "call_x__thought__ABC"}) == "ABC"
    assert (
        parts.tool_call_signature(
            {"id": "x", "function": {"provider_specific_fields": {"thought_signature": "F"}}}
        )
        == "F"
    )
    assert parts.tool_call_signature({"id": "call_x"}) is None
    new_id = parts.tool_call_id("SIG")
    assert new_id.startswith("call_") and new_id.endswith("__thought__SIG")
    assert "__thought__" not in parts.tool_call_id(None)


# --- tools, tool_choice, response_format, small params -------------------------------------


def test_write_tools_declarations_native_entries_and_web_search():
    call = make_call(
        tools=[
            {
                "type": "function",
                "function": {
                    "name": "f",
                    "description": "d",
                    "parameters": {"type": "object", "properties": {}},
                },
            },
            {"type": "function", "function": {"name": "g"}},
            {"codeExecution": {}},
        ],
        web_search_options={"search_context_size": "low"},
        tool_choice={"type": "function", "function": {"name": "g"}},
    )
    body: dict[str, Any] = {}
    parts.write_tools(call, body, search_tool="googleSearch")
    assert body["tools"] == [
        {
            "functionDeclarations": [
                {"name": "f", "description": "d", "parameters": {"type": "object", "properties": {}}},
                {"name": "g"},
            ]
        },
        {"codeExecution": {}},
        {"googleSearch": {}},
    ]
    assert body["toolConfig"] == {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["g"]}}


def test_write_tools_leaves_body_alone_without_tools():
    body: dict[str, Any] = {}
    parts.write_tools(make_call(), body, search_tool="googleSearch")
    assert body == {}


@pytest.mark.parametrize(
    "choice, expected",
    [("auto", {"mode": "AUTO"}), ("none", {"mode": "NONE"}), ("required", {"mode": "ANY"})],
)
def test_function_calling_config(choice, expected):
    assert parts.function_calling_config(choice) == expected


def test_function_calling_config_rejects_unknown_choice():
    with pytest.raises(exceptions.LLMRelayError, match="tool_choice"):
        parts.function_calling_config("sometimes")


def test_clean_schema_drops_unsupported_keys_and_folds_null_and_refs():
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "additionalProperties": False,
        "$defs": {"Unit": {"type": "string", "enum": ["c", "f"], "title": "Unit"}},
        "properties": {
            "city": {"type": "string", "format": "uri", "minLength": 1},
            "when": {"type": "string", "format": "date-time"},
            "unit": {"$ref": "#/$defs/Unit"},
            "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
            "tags": {"type": "array", "items": {"type": ["string", "null"]}},
            "kind": {"const": "fixed"},
        },
        "required": ["city", "ghost"],
    }
    assert parts.clean_schema(schema) == {
        "type": "object",
        "properties": {
            "city": {"type": "string", "minLength": 1},
            "when": {"type": "string", "format": "date-time"},
            "unit": {"type": "string", "enum": ["c", "f"], "title": "Unit"},
            "note": {"default": None, "nullable": True, "type": "string"},
            "tags": {"type": "array", "items": {"type": "string", "nullable": True}},
            "kind": {"enum": ["fixed"]},
        },
        "required": ["city"],
    }


def test_clean_schema_ordered_adds_property_ordering_and_stops_recursion():
    ordered = parts.clean_schema(
        {"type": "object", "properties": {"b": {"type": "string"}, "a": {"type": "string"}}}, ordered=True
    )
    assert ordered["propertyOrdering"] == ["b", "a"]
    recursive = {
        "$defs": {"Node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/Node"}}}},
        "$ref": "#/$defs/Node",
    }
    cleaned = parts.clean_schema(recursive)
    depth = 0
    while "properties" in cleaned:
        cleaned, depth = cleaned["properties"]["next"], depth + 1
    assert cleaned == {"type": "object"} and depth > 10


@pytest.mark.parametrize(
    "fmt, expected",
    [
        ({"type": "json_object"}, {"responseMimeType": "application/json"}),
        ({"type": "text"}, {"responseMimeType": "text/plain"}),
        (
            {
                "type": "json_schema",
                "json_schema": {
                    "name": "x",
                    "schema": {
                        "type": "object",
                        "properties": {"a": {"type": "integer"}},
                        "additionalProperties": False,
                    },
                },
            },
            {
                "responseMimeType": "application/json",
                "responseSchema": {
                    "type": "object",
                    "properties": {"a": {"type": "integer"}},
                    "propertyOrdering": ["a"],
                },
            },
        ),
    ],
)
def test_write_response_format(fmt, expected):
    body: dict[str, Any] = {"generationConfig": {"temperature": 1}}
    parts.write_response_format(make_call(response_format=fmt), body)
    assert body["generationConfig"] == {"temperature": 1, **expected}


def test_small_param_transforms():
    assert parts.as_list("END") == ["END"]
    assert parts.as_list(["a", "b"]) == ["a", "b"]
    assert parts.upper_list(["text", "image"]) == ["TEXT", "IMAGE"]
    assert parts.thinking_config({"type": "enabled", "budget_tokens": 1024}) == {
        "includeThoughts": True,
        "thinkingBudget": 1024,
    }
    assert parts.thinking_config({"type": "enabled", "budget_tokens": 0}) == {"thinkingBudget": 0}
    assert parts.thinking_config({"type": "enabled"}) == {"includeThoughts": True}
    assert parts.thinking_config({"type": "disabled"}) == {"thinkingBudget": 0}


# --- responses --------------------------------------------------------------------------------


def _response(parts_: list[dict[str, Any]], finish: str = "STOP", **extra: Any) -> dict[str, Any]:
    return {
        "candidates": [
            {"content": {"role": "model", "parts": parts_}, "finishReason": finish, "index": 0, **extra}
        ],
        "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 2, "totalTokenCount": 7},
        "modelVersion": "gemini-2.5-flash",
        "responseId": "rid",
    }


@pytest.mark.parametrize(
    "reason, expected",
    [
        ("STOP", "stop"),
        ("MAX_TOKENS", "length"),
        ("SAFETY", "content_filter"),
        ("RECITATION", "content_filter"),
        ("BLOCKLIST", "content_filter"),
        ("PROHIBITED_CONTENT", "content_filter"),
        ("SPII", "content_filter"),
        ("OTHER", "stop"),
        ("SOMETHING_NEW", "stop"),
    ],
)
def test_finish_reasons(reason, expected):
    resp = parts.parse_response(_response([{"text": "x"}], reason), make_call(), ADAPTER)
    assert resp.choices[0].finish_reason == expected


def test_parse_response_text_thoughts_calls_and_code():
    resp = parts.parse_response(
        _response(
            [
                {"text": "plan", "thought": True},
                {"text": "Result: ", "thoughtSignature": "T1"},
                {"executableCode": {"language": "PYTHON", "code": "print(1)"}},
                {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "1"}},
                {"functionCall": {"name": "f", "args": {"q": "é"}}, "thoughtSignature": "T2"},
            ]
        ),
        make_call(),
        ADAPTER,
    )
    assert resp.id == "rid" and resp.model == "gemini-2.5-flash"
    message = resp.choices[0].message
    assert message.content == "Result: ```python\nprint(1)\n``````output\n1\n```"
    assert message.reasoning_content == "plan"
    assert message.thinking_blocks == [{"type": "thinking", "thinking": "plan"}]
    assert message.provider_specific_fields == {"thought_signatures": ["T1"]}
    (call,) = message.tool_calls
    assert json.loads(call.function.arguments) == {"q": "é"}
    assert call.id.endswith("__thought__T2")
    assert call.provider_specific_fields == {"thought_signature": "T2"}
    assert resp.choices[0].finish_reason == "tool_calls"


def test_parse_response_images_logprobs_and_safety():
    resp = parts.parse_response(
        _response(
            [{"inlineData": {"mimeType": "image/png", "data": "AAA"}}],
            safetyRatings=[{"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"}],
            logprobsResult={
                "topCandidates": [
                    {
                        "candidates": [
                            {"token": "Hi", "logProbability": -0.1},
                            {"token": "Yo", "logProbability": -2.5},
                        ]
                    }
                ],
                "chosenCandidates": [{"token": "Hi", "logProbability": -0.1}],
            },
        ),
        make_call(),
        ADAPTER,
    )
    choice = resp.choices[0]
    assert choice.message.images == [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AAA"}}]
    assert choice.logprobs.content == [
        {
            "token": "Hi",
            "logprob": -0.1,
            "bytes": None,
            "top_logprobs": [
                {"token": "Hi", "logprob": -0.1, "bytes": None},
                {"token": "Yo", "logprob": -2.5, "bytes": None},
            ],
        }
    ]
    assert resp.vertex_ai_safety_results == [
        [{"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"}]
    ]


def test_usage_sums_tool_prompt_and_thoughts():
    meta = {
        "promptTokenCount": 100,
        "cachedContentTokenCount": 40,
        "toolUsePromptTokenCount": 10,
        "candidatesTokenCount": 5,
        "thoughtsTokenCount": 20,
        "totalTokenCount": 135,
        "promptTokensDetails": [
            {"modality": "TEXT", "tokenCount": 90},
            {"modality": "AUDIO", "tokenCount": 10},
        ],
    }
    usage = parts.usage(meta, ADAPTER)
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (110, 25, 135)
    assert usage.prompt_tokens_details.cached_tokens == 40
    assert (usage.prompt_tokens_details.text_tokens, usage.prompt_tokens_details.audio_tokens) == (90, 10)
    assert usage.completion_tokens_details.reasoning_tokens == 20


def test_grounding_annotations_skip_supports_without_a_web_source():
    grounding = {
        "groundingChunks": [{"web": {"uri": "https://a.test", "title": "a"}}, {"retrievedContext": {}}],
        "groundingSupports": [
            {"segment": {"startIndex": 0, "endIndex": 3}, "groundingChunkIndices": [0]},
            {"segment": {"startIndex": 4, "endIndex": 9}, "groundingChunkIndices": [1]},
            {"segment": {"startIndex": 4, "endIndex": 9}, "groundingChunkIndices": []},
        ],
    }
    assert parts.grounding_annotations(grounding) == [
        {
            "type": "url_citation",
            "url_citation": {"start_index": 0, "end_index": 3, "url": "https://a.test", "title": "a"},
        }
    ]


# --- streams ----------------------------------------------------------------------------------


def _feed(translator: parts.StreamTranslator, payload: dict[str, Any]):
    return translator.feed(None, json.dumps(payload))


def test_stream_translator_two_candidates_tools_and_usage():
    t = parts.StreamTranslator(make_call(stream=True), ADAPTER)
    first = _feed(
        t,
        {
            "candidates": [
                {"index": 0, "content": {"parts": [{"text": "A"}]}},
                {"index": 1, "content": {"parts": [{"functionCall": {"name": "f", "args": {}}}]}},
            ],
            "responseId": "r1",
            "modelVersion": "gemini-2.5-flash",
        },
    )
    (chunk,) = first
    assert chunk.id == "r1" and chunk.model == "gemini-2.5-flash"
    a, b = chunk.choices
    assert (a.index, a.delta.role, a.delta.content) == (0, "assistant", "A")
    assert (b.index, b.delta.role, b.delta.tool_calls[0].index, b.delta.tool_calls[0].function.name) == (
        1,
        "assistant",
        0,
        "f",
    )
    second = _feed(
        t,
        {
            "candidates": [
                {"index": 0, "content": {"parts": [{"text": "B"}]}, "finishReason": "MAX_TOKENS"},
                {
                    "index": 1,
                    "content": {"parts": [{"functionCall": {"name": "g", "args": {"x": 1}}}]},
                    "finishReason": "STOP",
                },
            ],
            "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 4, "totalTokenCount": 7},
        },
    )
    a, b = second[0].choices
    assert (a.delta.role, a.delta.content, a.finish_reason) == (None, "B", "length")
    assert (b.delta.tool_calls[0].index, b.finish_reason) == (1, "tool_calls")
    (usage_chunk,) = t.close()
    assert usage_chunk.choices == [] and usage_chunk.usage.total_tokens == 7


def test_stream_translator_skips_empty_chunks_and_handles_blocked_prompt():
    t = parts.StreamTranslator(make_call(stream=True), ADAPTER)
    assert t.feed(None, "") == []
    assert _feed(t, {"usageMetadata": {"promptTokenCount": 3, "totalTokenCount": 3}}) == []
    (chunk,) = _feed(t, {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}})
    assert chunk.choices[0].finish_reason == "content_filter"
    assert chunk.choices[0].delta.role == "assistant"


def test_stream_translator_without_usage_ends_without_usage_chunk():
    t = parts.StreamTranslator(make_call(stream=True), ADAPTER)
    _feed(t, {"candidates": [{"content": {"parts": [{"text": "x"}]}, "finishReason": "STOP"}]})
    assert t.close() == []


def test_stream_translator_raises_in_stream_errors():
    t = parts.StreamTranslator(make_call(stream=True), ADAPTER)
    with pytest.raises(exceptions.get_class("RateLimitError")) as info:
        _feed(
            t,
            {
                "error": {
                    "code": 429,
                    "message": "Resource has been exhausted",
                    "status": "RESOURCE_EXHAUSTED",
                }
            },
        )
    assert info.value.status_code == 429
    with pytest.raises(exceptions.get_class("ServiceUnavailableError")):
        _feed(t, {"error": {"message": "overloaded", "status": "UNAVAILABLE"}})


# --- embeddings -------------------------------------------------------------------------------


def test_write_embed_requests():
    call = make_call(
        "gemini-embedding-001", "embeddings", input=["a", "b"], dimensions=64, task_type="CLUSTERING"
    )
    body: dict[str, Any] = {}
    parts.write_embed_requests(call, body)
    assert body == {
        "requests": [
            {
                "model": "models/gemini-embedding-001",
                "content": {"parts": [{"text": t}]},
                "outputDimensionality": 64,
                "taskType": "CLUSTERING",
            }
            for t in ("a", "b")
        ]
    }
    with pytest.raises(exceptions.LLMRelayError, match="text only"):
        parts.write_embed_requests(make_call("m", "embeddings", input=[[1, 2]]), {})


def test_parse_embeddings_counts_usage_locally():
    call = make_call("text-embedding-004", "embeddings", input=["hello there"])
    resp = parts.parse_embeddings({"embeddings": [{"values": [0.1, 0.2]}]}, call, ADAPTER)
    assert resp.data[0].embedding == [0.1, 0.2] and resp.data[0].index == 0
    assert resp.usage.prompt_tokens == resp.usage.total_tokens > 0


EFFORT_ARGS: dict[str, Any] = {
    "budgets": {"none": 0, "minimal": 128, "low": 1024, "medium": 2048, "high": 4096},
    "minimal_budgets": [["gemini-2.5-flash-lite", 512], ["gemini-2.5-flash", 1]],
    "levels": {"none": "low", "minimal": "low", "low": "low", "medium": "high", "high": "high"},
    "level_models": ["gemini-3"],
}


@pytest.mark.parametrize(
    "model, effort, expected",
    [
        ("gemini-2.5-pro", "low", {"includeThoughts": True, "thinkingBudget": 1024}),
        ("gemini-2.5-pro", "high", {"includeThoughts": True, "thinkingBudget": 4096}),
        ("gemini-2.5-pro", "none", {"includeThoughts": False, "thinkingBudget": 0}),
        ("gemini-2.5-pro", "minimal", {"includeThoughts": True, "thinkingBudget": 128}),
        ("gemini-2.5-flash-lite", "minimal", {"includeThoughts": True, "thinkingBudget": 512}),
        ("gemini-2.5-flash", "minimal", {"includeThoughts": True, "thinkingBudget": 1}),
        ("gemini-3-pro-preview", "medium", {"includeThoughts": True, "thinkingLevel": "high"}),
        ("gemini-3-flash-preview", "none", {"includeThoughts": False, "thinkingLevel": "low"}),
    ],
)
def test_write_reasoning_effort(model, effort, expected):
    body: dict[str, Any] = {}
    parts.write_reasoning_effort(make_call(model, reasoning_effort=effort), body, **EFFORT_ARGS)
    assert body == {"generationConfig": {"thinkingConfig": expected}}


def test_write_reasoning_effort_keeps_explicit_thinking_and_leaves_body_alone_without_effort():
    body: dict[str, Any] = {"generationConfig": {"thinkingConfig": {"thinkingBudget": 99}}}
    parts.write_reasoning_effort(make_call(reasoning_effort="high"), body, **EFFORT_ARGS)
    assert body == {"generationConfig": {"thinkingConfig": {"thinkingBudget": 99}}}
    empty: dict[str, Any] = {}
    parts.write_reasoning_effort(make_call(), empty, **EFFORT_ARGS)
    assert empty == {}
    with pytest.raises(exceptions.LLMRelayError, match="xhigh"):
        parts.write_reasoning_effort(make_call(reasoning_effort="xhigh"), {}, **EFFORT_ARGS)


def test_litellm_style_thinking_blocks_go_back_as_their_saved_parts():
    call_json = json.dumps({"functionCall": {"name": "f", "args": {"a": 1}}})
    body = contents(
        [
            {
                "role": "assistant",
                "content": "done",
                "thinking_blocks": [
                    {"type": "thinking", "thinking": call_json, "signature": "S1"},
                    {"type": "thinking", "thinking": json.dumps({"text": "done"}), "signature": "S2"},
                ],
                "tool_calls": [
                    {"id": "call_9", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}
                ],
            }
        ]
    )
    assert body["contents"][0]["parts"] == [
        {"functionCall": {"name": "f", "args": {"a": 1}}, "thoughtSignature": "S1"},
        {"text": "done", "thoughtSignature": "S2"},
    ]


def test_only_a_system_message_still_sends_contents():
    body = contents([{"role": "system", "content": "Say hi."}])
    assert body == {
        "systemInstruction": {"parts": [{"text": "Say hi."}]},
        "contents": [{"role": "user", "parts": [{"text": " "}]}],
    }


def test_usage_splits_output_tokens_by_modality():
    meta = {
        "promptTokenCount": 3,
        "candidatesTokenCount": 1300,
        "totalTokenCount": 1303,
        "candidatesTokensDetails": [
            {"modality": "TEXT", "tokenCount": 10},
            {"modality": "IMAGE", "tokenCount": 1290},
        ],
    }
    details = parts.usage(meta, ADAPTER).completion_tokens_details
    assert (details.text_tokens, details.image_tokens) == (10, 1290)
