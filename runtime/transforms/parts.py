"""Transforms for the contents/parts wire shape (``generateContent`` and its relatives).

Requests: ``messages`` become ``contents`` (roles ``user``/``model``, each a list of parts) and
``systemInstruction``; tools become ``functionDeclarations`` whose JSON Schema is trimmed to the
schema subset this shape accepts; ``tool_choice`` becomes ``toolConfig.functionCallingConfig``;
``response_format`` becomes ``responseMimeType`` / ``responseSchema``.

Responses: each candidate becomes a choice; ``thought`` parts become ``reasoning_content`` and
``thinking_blocks``; ``functionCall`` parts become ``tool_calls``; ``usageMetadata`` becomes usage.
In a stream every SSE ``data:`` is a whole response chunk, and function calls arrive whole.

Thought signatures: the model may attach an opaque ``thoughtSignature`` to a part, and needs it
back on the next turn. As LiteLLM does, a function call's signature travels inside the tool call
id (``call_<uuid>__thought__<signature>``), which survives clients that keep only id, name and
arguments, and also in ``provider_specific_fields.thought_signature``; a text part's signature is
kept in ``message.provider_specific_fields.thought_signatures``.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from .. import exceptions
from ..adapter import Adapter, Call, loads
from ..types import (
    ChatCompletionDeltaToolCall,
    ChatCompletionMessageToolCall,
    ChoiceLogprobs,
    Choices,
    Delta,
    Embedding,
    EmbeddingResponse,
    EmbeddingUsage,
    Function,
    Message,
    ModelResponse,
    ModelResponseStream,
    StreamingChoices,
    Usage,
)

SIGNATURE_SEPARATOR = "__thought__"  # LiteLLM's separator between a tool call id and its signature

# --- requests: messages -> contents ------------------------------------------------------


def write_contents(
    call: Call,
    body: dict[str, Any],
    placeholder_signature: str | None = None,
    placeholder_models: list[str] | tuple[str, ...] = (),
) -> None:
    """Input transform: ``messages`` -> ``contents`` and ``systemInstruction``.

    ``placeholder_signature`` is sent on function calls that carry no signature when the model
    name starts with one of ``placeholder_models`` (models that reject a call without one, e.g.
    history written by hand or by another provider).
    """
    placeholder = placeholder_signature if call.model.startswith(tuple(placeholder_models)) else None
    system, contents = messages_to_contents(call.params["messages"], placeholder)
    if system:
        body["systemInstruction"] = {"parts": system}
    # The API refuses a request without contents (e.g. only a system message); LiteLLM sends a
    # blank user turn then, and so do we.
    body["contents"] = contents or [{"role": "user", "parts": [{"text": " "}]}]


def messages_to_contents(
    messages: list[dict[str, Any]], placeholder_signature: str | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(system parts, contents). Consecutive messages of one role share a content, except that
    tool results get their own ``user`` content, right after the calls they answer."""
    system: list[dict[str, Any]] = []
    contents: list[dict[str, Any]] = []
    kinds: list[str] = []
    tool_names: dict[str, str] = {}  # tool call id -> function name, for the results
    for message in messages:
        role = message.get("role")
        if role in ("system", "developer"):
            system.extend(_content_parts(message.get("content")))
            continue
        if role == "assistant":
            wire_role, kind = "model", "message"
            parts = _assistant_parts(message, tool_names, placeholder_signature)
        elif role in ("tool", "function"):
            wire_role, kind = "user", "tool"
            parts = [_function_response(message, tool_names)]
        else:
            wire_role, kind = "user", "message"
            parts = _content_parts(message.get("content"))
        if not parts:
            continue
        if contents and contents[-1]["role"] == wire_role and kinds[-1] == kind:
            contents[-1]["parts"].extend(parts)
        else:
            contents.append({"role": wire_role, "parts": parts})
            kinds.append(kind)
    return system, contents


def _content_parts(content: Any) -> list[dict[str, Any]]:
    if content is None:
        return []
    if isinstance(content, str):
        return [{"text": content}] if content else []  # an empty text part is rejected
    parts = []
    for item in content:
        part = _content_part(item)
        if part is not None:
            parts.append(part)
    return parts


def _content_part(item: dict[str, Any]) -> dict[str, Any] | None:
    kind = item.get("type")
    if kind == "text":
        return {"text": item["text"]} if item.get("text") else None
    if kind == "image_url":
        image = item["image_url"]
        if isinstance(image, str):
            return media_part(image)
        return media_part(image["url"], image.get("format"))
    if kind == "input_audio":
        audio = item["input_audio"]
        fmt = audio.get("format") or "wav"
        mime = fmt if "/" in fmt else f"audio/{fmt}"
        return {"inlineData": {"mimeType": mime, "data": audio["data"]}}
    if kind == "file":
        file = item["file"]
        source = file.get("file_data") or file.get("file_id")
        if not source:
            exceptions.raise_error("BadRequestError", "a 'file' content part needs 'file_data' or 'file_id'")
        return media_part(source, file.get("format"))
    exceptions.raise_error("BadRequestError", f"content part type {kind!r} is not supported by this provider")
    return None


# File extensions the API accepts by reference, and their MIME types (for URLs with no format).
_MIME_BY_EXTENSION = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "heic": "image/heic",
    "heif": "image/heif",
    "gif": "image/gif",
    "pdf": "application/pdf",
    "txt": "text/plain",
    "mp3": "audio/mp3",
    "wav": "audio/wav",
    "ogg": "audio/ogg",
    "flac": "audio/flac",
    "aac": "audio/aac",
    "mp4": "video/mp4",
    "mov": "video/mov",
    "mpeg": "video/mpeg",
    "mpg": "video/mpeg",
    "avi": "video/avi",
    "wmv": "video/wmv",
    "flv": "video/flv",
    "webm": "video/webm",
}


def media_part(url: str, fmt: str | None = None) -> dict[str, Any]:
    """A data URL becomes ``inlineData``; any other URL (https, gs://, a Files API URI) ``fileData``."""
    if url.startswith("data:"):
        header, _, data = url.partition(",")
        mime = header[5:].split(";", 1)[0] or fmt or "application/octet-stream"
        return {"inlineData": {"mimeType": fmt or mime, "data": data}}
    mime = fmt or _guess_mime(url)
    file_data = {"mimeType": mime, "fileUri": url} if mime else {"fileUri": url}
    return {"fileData": file_data}


def _guess_mime(url: str) -> str | None:
    path = url.split("?", 1)[0].split("#", 1)[0]
    name = path.rsplit("/", 1)[-1]
    if "." not in name:
        return None
    return _MIME_BY_EXTENSION.get(name.rsplit(".", 1)[-1].lower())


def _text_of(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return "".join(item.get("text", "") for item in content if isinstance(item, dict))


def _assistant_parts(
    message: dict[str, Any], tool_names: dict[str, str], placeholder: str | None
) -> list[dict[str, Any]]:
    parts = _thought_parts(message)
    text = _text_of(message.get("content"))
    if text and not _has_part(parts, {"text": text}):
        part: dict[str, Any] = {"text": text}
        signatures = (message.get("provider_specific_fields") or {}).get("thought_signatures")
        if signatures:
            part["thoughtSignature"] = signatures[0]
        parts.append(part)
    calls = list(message.get("tool_calls") or ())
    if message.get("function_call"):
        calls.append({"id": None, "function": message["function_call"]})
    for tool_call in calls:
        function = tool_call.get("function") or {}
        name = function.get("name") or ""
        if tool_call.get("id"):
            tool_names[tool_call["id"]] = name
        part = {"functionCall": {"name": name, "args": _arguments(function.get("arguments"), name)}}
        if _has_part(parts, part):
            continue  # already sent back whole, with its signature, from a thinking block
        signature = tool_call_signature(tool_call) or placeholder
        if signature:
            part["thoughtSignature"] = signature
        parts.append(part)
    return parts


def _has_part(parts: list[dict[str, Any]], part: dict[str, Any]) -> bool:
    return any(all(p.get(k) == v for k, v in part.items()) and not p.get("thought") for p in parts)


# Keys that mark a thinking block's text as a whole part saved as JSON (LiteLLM's format for
# signed parts), rather than reasoning prose.
_PART_KEYS = ("text", "functionCall", "inlineData", "executableCode", "codeExecutionResult")


def _thought_parts(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Reasoning sent back: thinking blocks (with their signatures) or else the reasoning text.

    A block whose text is a JSON part (as LiteLLM stores signed parts) goes back as that part."""
    parts = []
    for block in message.get("thinking_blocks") or ():
        if block.get("type") == "thinking" and block.get("thinking"):
            part = _saved_part(block["thinking"]) or {"text": block["thinking"], "thought": True}
            if block.get("signature"):
                part["thoughtSignature"] = block["signature"]
            parts.append(part)
    if not parts and message.get("reasoning_content"):
        parts.append({"text": message["reasoning_content"], "thought": True})
    return parts


def _saved_part(text: str) -> dict[str, Any] | None:
    if not text.startswith("{"):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, dict) and any(key in value for key in _PART_KEYS):
        return value
    return None


def _arguments(arguments: Any, name: str) -> dict[str, Any]:
    if isinstance(arguments, dict):
        return arguments
    if not arguments:
        return {}
    try:
        value = json.loads(arguments)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        exceptions.raise_error(
            "BadRequestError", f"tool call {name!r}: 'arguments' must be a JSON object, got {arguments!r:.80}"
        )
    return value  # type: ignore[return-value]


def tool_call_signature(tool_call: dict[str, Any]) -> str | None:
    """The thought signature a tool call carries: provider_specific_fields first, then its id."""
    for holder in (tool_call, tool_call.get("function") or {}):
        fields = holder.get("provider_specific_fields") or {}
        signature = fields.get("thought_signature")
        if signature:
            return signature
    call_id = tool_call.get("id") or ""
    if SIGNATURE_SEPARATOR in call_id:
        return call_id.split(SIGNATURE_SEPARATOR, 1)[1] or None
    return None


def _function_response(message: dict[str, Any], tool_names: dict[str, str]) -> dict[str, Any]:
    call_id = message.get("tool_call_id")
    name = tool_names.get(call_id) if call_id else None
    name = name or message.get("name")
    if not name:
        exceptions.raise_error(
            "BadRequestError",
            f"tool message with tool_call_id {call_id!r} answers no earlier assistant tool call; "
            "this provider needs the function's name (set 'name' on the tool message)",
        )
    # LiteLLM's shape for a tool result: the text under "content".
    return {"functionResponse": {"name": name, "response": {"content": _text_of(message.get("content"))}}}


# --- requests: tools, tool_choice, response_format, generation settings ---------------------


def write_tools(call: Call, body: dict[str, Any], search_tool: str) -> None:
    """Request transform: ``tools`` / ``web_search_options`` -> ``tools``; ``tool_choice`` -> ``toolConfig``.

    Function tools become one ``functionDeclarations`` entry; entries in the provider's own
    format (``{"googleSearch": {}}``, ``{"codeExecution": {}}``…) pass through unchanged;
    ``web_search_options`` adds the ``search_tool`` entry.
    """
    params = call.params
    declarations = []
    native = []
    for tool in params.get("tools") or ():
        if tool.get("type") == "function" and isinstance(tool.get("function"), dict):
            declarations.append(function_declaration(tool["function"]))
        else:
            native.append(tool)
    if params.get("web_search_options") is not None and not any(search_tool in t for t in native):
        native.append({search_tool: {}})
    tools = ([{"functionDeclarations": declarations}] if declarations else []) + native
    if tools:
        body["tools"] = tools
    choice = params.get("tool_choice")
    if choice is not None:
        body["toolConfig"] = {"functionCallingConfig": function_calling_config(choice)}


def function_declaration(function: dict[str, Any]) -> dict[str, Any]:
    declaration: dict[str, Any] = {"name": function["name"]}
    if function.get("description"):
        declaration["description"] = function["description"]
    if function.get("parameters"):
        declaration["parameters"] = clean_schema(function["parameters"])
    return declaration


_MODES = {"auto": "AUTO", "none": "NONE", "required": "ANY", "any": "ANY", "validated": "VALIDATED"}


def function_calling_config(choice: str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(choice, str):
        mode = _MODES.get(choice)
        if mode is None:
            exceptions.raise_error(
                "BadRequestError",
                f"tool_choice {choice!r} is not supported; use 'auto', 'none', 'required' or a function",
                param="tool_choice",
            )
        return {"mode": mode}
    name = (choice.get("function") or {}).get("name") or choice.get("name")
    if not name:
        exceptions.raise_error(
            "BadRequestError", "tool_choice object needs function.name", param="tool_choice"
        )
    return {"mode": "ANY", "allowedFunctionNames": [name]}


def write_response_format(call: Call, body: dict[str, Any]) -> None:
    """Request transform: ``response_format`` -> ``generationConfig.responseMimeType`` (+ ``responseSchema``)."""
    fmt = call.params.get("response_format")
    if not fmt:
        return
    config = body.setdefault("generationConfig", {})
    kind = fmt.get("type")
    if kind == "text":
        config["responseMimeType"] = "text/plain"
        return
    config["responseMimeType"] = "application/json"
    schema = (
        (fmt.get("json_schema") or {}).get("schema") if kind == "json_schema" else fmt.get("response_schema")
    )
    if schema:
        config["responseSchema"] = clean_schema(schema, ordered=True)


def write_reasoning_effort(
    call: Call,
    body: dict[str, Any],
    budgets: dict[str, int],
    levels: dict[str, str] | None = None,
    level_models: list[str] | tuple[str, ...] = (),
    minimal_budgets: list[list[Any]] | tuple[Any, ...] = (),
) -> None:
    """Request transform: ``reasoning_effort`` -> ``generationConfig.thinkingConfig``.

    Models whose name starts with one of ``level_models`` get ``thinkingLevel`` from ``levels``;
    the others a ``thinkingBudget`` from ``budgets`` (``minimal`` from the first
    ``[name fragment, budget]`` pair the model name contains). Thought summaries are included
    unless the effort is ``none``. A ``thinkingConfig`` already written (from ``thinking``) stays.
    """
    effort = call.params.get("reasoning_effort")
    config = body.setdefault("generationConfig", {})
    if effort is None or "thinkingConfig" in config:
        if not config:
            del body["generationConfig"]
        return
    thinking: dict[str, Any] = {"includeThoughts": effort != "none"}
    if levels and call.model.startswith(tuple(level_models)):
        thinking["thinkingLevel"] = levels.get(effort, effort)
    else:
        budget = budgets.get(effort)
        if effort == "minimal":
            budget = next((b for fragment, b in minimal_budgets if fragment in call.model), budget)
        if budget is None:
            exceptions.raise_error(
                "BadRequestError", f"reasoning_effort {effort!r} is not supported", param="reasoning_effort"
            )
        thinking["thinkingBudget"] = budget
    config["thinkingConfig"] = thinking


def as_list(value: Any) -> list[Any]:
    """Param transform: a single value becomes a one-item list (``stop`` -> ``stopSequences``)."""
    return list(value) if isinstance(value, list | tuple) else [value]


def upper_list(value: list[str]) -> list[str]:
    """Param transform: ``["text", "image"]`` -> ``["TEXT", "IMAGE"]`` (``modalities``)."""
    return [str(item).upper() for item in as_list(value)]


def thinking_config(value: dict[str, Any]) -> dict[str, Any]:
    """Param transform: Anthropic-style ``thinking`` -> ``thinkingConfig``, as LiteLLM maps it."""
    config: dict[str, Any] = {}
    kind = value.get("type")
    budget = value.get("budget_tokens")
    if kind == "enabled" and budget != 0:  # a zero budget turns thinking off: no summaries to include
        config["includeThoughts"] = True
    elif kind == "disabled":
        config["thinkingBudget"] = 0
    if isinstance(budget, int) and not isinstance(budget, bool):
        config["thinkingBudget"] = budget
    return config


# The Schema object's fields; anything else in a JSON Schema (``$schema``, ``additionalProperties``,
# ``strict``, ``$defs``…) is rejected by the API, so it is dropped.
_SCHEMA_KEYS = frozenset(
    {
        "type",
        "format",
        "title",
        "description",
        "nullable",
        "enum",
        "maxItems",
        "minItems",
        "properties",
        "required",
        "minProperties",
        "maxProperties",
        "minLength",
        "maxLength",
        "pattern",
        "example",
        "anyOf",
        "propertyOrdering",
        "default",
        "items",
        "minimum",
        "maximum",
    }
)
_FORMATS = frozenset({"enum", "date-time", "float", "double", "int32", "int64"})
_MAX_DEPTH = 32  # recursive $refs are cut here rather than expanded forever


def clean_schema(schema: Any, ordered: bool = False) -> Any:
    """A JSON Schema trimmed to the Schema subset: ``$ref``s inlined, ``type: [X, "null"]`` and
    ``anyOf`` with ``null`` turned into ``nullable``, unknown keys and formats dropped.
    ``ordered`` adds ``propertyOrdering`` (the order of ``properties``), as for response schemas."""
    if not isinstance(schema, dict):
        return schema
    defs = {**(schema.get("definitions") or {}), **(schema.get("$defs") or {})}
    return _clean(schema, defs, ordered, 0)


def _clean(schema: dict[str, Any], defs: dict[str, Any], ordered: bool, depth: int) -> dict[str, Any]:
    if depth > _MAX_DEPTH:
        return {"type": "object"}
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.rsplit("/", 1)[-1] in defs:
        target = defs[ref.rsplit("/", 1)[-1]]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: _clean(sub, defs, ordered, depth + 1) for name, sub in value.items()}
        elif key == "items" and isinstance(value, dict):
            out[key] = _clean(value, defs, ordered, depth + 1)
        elif key == "anyOf" and isinstance(value, list):
            out[key] = [_clean(sub, defs, ordered, depth + 1) for sub in value if isinstance(sub, dict)]
        elif key == "const":
            out["enum"] = [value]
        elif key in _SCHEMA_KEYS:
            out[key] = value
    _fold_null(out)
    if out.get("format") not in _FORMATS:
        out.pop("format", None)
    if isinstance(out.get("required"), list) and isinstance(out.get("properties"), dict):
        out["required"] = [name for name in out["required"] if name in out["properties"]]
    if ordered and isinstance(out.get("properties"), dict) and "propertyOrdering" not in out:
        out["propertyOrdering"] = list(out["properties"])
    return out


def _fold_null(out: dict[str, Any]) -> None:
    kind = out.get("type")
    if isinstance(kind, list):
        others = [t for t in kind if t != "null"]
        if len(others) < len(kind):
            out["nullable"] = True
        if len(others) == 1:
            out["type"] = others[0]
        else:
            del out["type"]
            out["anyOf"] = [{"type": t} for t in others]
    options = out.get("anyOf")
    if isinstance(options, list):
        others = [o for o in options if o.get("type") != "null"]
        if len(others) < len(options):
            out["nullable"] = True
            if len(others) == 1:
                del out["anyOf"]
                out.update({k: v for k, v in others[0].items() if k not in out or k == "type"})
            else:
                out["anyOf"] = others


# --- responses -----------------------------------------------------------------------------


class _Reading:
    """What one candidate's parts add up to (a whole response, or one stream chunk)."""

    __slots__ = ("text", "reasoning", "thinking", "tool_calls", "signatures", "images")

    def __init__(self) -> None:
        self.text: list[str] = []
        self.reasoning: list[str] = []
        self.thinking: list[dict[str, Any]] = []
        self.tool_calls: list[tuple[str, str, str | None]] = []  # (name, arguments JSON, signature)
        self.signatures: list[str] = []
        self.images: list[dict[str, Any]] = []

    def read(self, parts: list[dict[str, Any]]) -> _Reading:
        for part in parts:
            self._part(part)
        return self

    def _part(self, part: dict[str, Any]) -> None:
        signature = part.get("thoughtSignature")
        if "functionCall" in part:
            call = part["functionCall"]
            arguments = json.dumps(call.get("args") or {}, ensure_ascii=False)
            self.tool_calls.append((call.get("name") or "", arguments, signature))
            return
        if part.get("thought"):
            text = part.get("text") or ""
            self.reasoning.append(text)
            block: dict[str, Any] = {"type": "thinking", "thinking": text}
            if signature:
                block["signature"] = signature
            self.thinking.append(block)
            return
        if signature:
            self.signatures.append(signature)
        if part.get("text"):
            self.text.append(part["text"])
        elif "executableCode" in part:  # code execution: shown as LiteLLM shows it, as fenced blocks
            code = part["executableCode"]
            self.text.append(f"```{str(code.get('language', '')).lower()}\n{code.get('code', '')}\n```")
        elif "codeExecutionResult" in part:
            self.text.append(f"```output\n{part['codeExecutionResult'].get('output', '')}\n```")
        elif "inlineData" in part:  # generated images
            blob = part["inlineData"]
            url = f"data:{blob.get('mimeType', '')};base64,{blob.get('data', '')}"
            self.images.append({"type": "image_url", "image_url": {"url": url}})


def tool_call_id(signature: str | None) -> str:
    """A new tool call id, carrying the thought signature the way LiteLLM does."""
    base = f"call_{uuid.uuid4()}"
    return f"{base}{SIGNATURE_SEPARATOR}{signature}" if signature else base


def _finish(reason: str | None, adapter: Adapter, has_tool_calls: bool) -> str | None:
    if reason is None:
        return None
    mapped = adapter.finish_reasons.get(reason, "stop")
    return "tool_calls" if has_tool_calls and mapped == "stop" else mapped


def parse_response(wire: dict[str, Any], call: Call, adapter: Adapter) -> ModelResponse:
    """Response transform: a ``GenerateContentResponse`` (as parsed JSON) -> ``chat.completion``."""
    candidates = wire.get("candidates") or []
    choices = [_choice(candidate, position, adapter) for position, candidate in enumerate(candidates)]
    if not choices and (wire.get("promptFeedback") or {}).get("blockReason"):
        # A blocked prompt has no candidates: LiteLLM answers with an empty content_filter choice.
        choices = [Choices(index=0, message=Message(content=None), finish_reason="content_filter")]
    response = ModelResponse(model=wire.get("modelVersion") or call.model, choices=choices)
    if wire.get("responseId"):
        response.id = wire["responseId"]
    meta = wire.get("usageMetadata")
    if meta:
        response.usage = usage(meta, adapter)
    _attach_metadata(response, candidates, wire.get("promptFeedback"))
    return response


def _choice(candidate: dict[str, Any], position: int, adapter: Adapter) -> Choices:
    reading = _Reading().read((candidate.get("content") or {}).get("parts") or [])
    tool_calls = [
        ChatCompletionMessageToolCall(
            id=tool_call_id(signature),
            function=Function(name=name, arguments=arguments),
            **({"provider_specific_fields": {"thought_signature": signature}} if signature else {}),
        )
        for name, arguments, signature in reading.tool_calls
    ]
    message = Message(
        content="".join(reading.text) or None,
        reasoning_content="".join(reading.reasoning) or None,
        thinking_blocks=reading.thinking or None,
        tool_calls=tool_calls or None,
    )
    if reading.signatures:
        message.provider_specific_fields = {"thought_signatures": reading.signatures}  # type: ignore[attr-defined]
    if reading.images:
        message.images = reading.images  # type: ignore[attr-defined]
    if candidate.get("groundingMetadata"):
        message.annotations = grounding_annotations(candidate["groundingMetadata"]) or None
    finish = _finish(candidate.get("finishReason"), adapter, bool(tool_calls)) or "stop"
    return Choices(
        index=candidate.get("index", position),
        message=message,
        finish_reason=finish,
        logprobs=logprobs(candidate.get("logprobsResult")),
    )


def grounding_annotations(grounding: dict[str, Any]) -> list[dict[str, Any]]:
    """Search grounding -> OpenAI ``url_citation`` annotations (text span and first web source)."""
    sources = [chunk.get("web") or {} for chunk in grounding.get("groundingChunks") or ()]
    annotations = []
    for support in grounding.get("groundingSupports") or ():
        segment = support.get("segment") or {}
        indices = support.get("groundingChunkIndices") or []
        if not indices or indices[0] >= len(sources) or not sources[indices[0]]:
            continue
        source = sources[indices[0]]
        citation = {
            "start_index": segment.get("startIndex", 0),
            "end_index": segment.get("endIndex", 0),
            "url": source.get("uri", ""),
            "title": source.get("title", ""),
        }
        annotations.append({"type": "url_citation", "url_citation": citation})
    return annotations


def usage(meta: dict[str, Any], adapter: Adapter) -> Usage:
    """Canonical usage (counts summed as the spec says) plus the per-modality prompt split."""
    result: Usage = adapter.usage_from_wire(meta)  # type: ignore[attr-defined]
    _add_modalities(result.prompt_tokens_details, meta.get("promptTokensDetails"))
    _add_modalities(result.completion_tokens_details, meta.get("candidatesTokensDetails"))
    return result


def _add_modalities(details: Any, counts: list[dict[str, Any]] | None) -> None:
    for item in counts or ():
        field = _MODALITY_FIELDS.get(item.get("modality", ""))
        if field and details is not None:
            setattr(details, field, (getattr(details, field, None) or 0) + (item.get("tokenCount") or 0))


_MODALITY_FIELDS = {"TEXT": "text_tokens", "IMAGE": "image_tokens", "AUDIO": "audio_tokens"}


def logprobs(result: dict[str, Any] | None) -> ChoiceLogprobs | None:
    """``logprobsResult`` -> OpenAI's ``logprobs.content`` (chosen token plus its top alternatives)."""
    if not result or not result.get("chosenCandidates"):
        return None
    tops = result.get("topCandidates") or []
    content = []
    for i, chosen in enumerate(result["chosenCandidates"]):
        alternatives = tops[i].get("candidates") or [] if i < len(tops) else []
        content.append(
            {
                "token": chosen.get("token", ""),
                "logprob": chosen.get("logProbability", 0.0),
                "bytes": None,
                "top_logprobs": [
                    {"token": alt.get("token", ""), "logprob": alt.get("logProbability", 0.0), "bytes": None}
                    for alt in alternatives
                ],
            }
        )
    return ChoiceLogprobs(content=content)


# Candidate metadata LiteLLM exposes on the response under these names (one entry per candidate).
_METADATA = {
    "groundingMetadata": "vertex_ai_grounding_metadata",
    "urlContextMetadata": "vertex_ai_url_context_metadata",
    "safetyRatings": "vertex_ai_safety_results",
    "citationMetadata": "vertex_ai_citation_metadata",
}


def _attach_metadata(response: ModelResponse, candidates: list[dict[str, Any]], feedback: Any) -> None:
    for wire_name, name in _METADATA.items():
        values = [c[wire_name] for c in candidates if c.get(wire_name)]
        if values:
            setattr(response, name, values)
    if feedback:
        response._hidden_params["prompt_feedback"] = feedback


# --- streams -------------------------------------------------------------------------------


class StreamTranslator:
    """``streamGenerateContent?alt=sse``: each ``data:`` is a whole ``GenerateContentResponse``.

    Emits, per choice, ``role`` on its first delta, then content / reasoning / whole tool calls
    (id, name and the complete arguments in one delta), ``finish_reason`` when the candidate
    finishes, and at the end one usage-only chunk from the last ``usageMetadata``.
    """

    __slots__ = ("call", "adapter", "_id", "_model", "_created", "_meta", "_started", "_tools")

    def __init__(self, call: Call, adapter: Adapter) -> None:
        self.call = call
        self.adapter = adapter
        self._id: str | None = None
        self._model: str | None = None
        self._created = int(time.time())
        self._meta: dict[str, Any] | None = None
        self._started: set[int] = set()  # choices whose role was sent
        self._tools: dict[int, int] = {}  # choice index -> tool calls sent so far

    def feed(self, event: str | None, data: str) -> list[ModelResponseStream]:
        if not data or data == "[DONE]":
            return []
        payload = loads(data)
        if isinstance(payload, dict) and "error" in payload:
            raise self._error(payload, data)
        self._id = self._id or payload.get("responseId")
        self._model = self._model or payload.get("modelVersion")
        if payload.get("usageMetadata"):
            self._meta = payload["usageMetadata"]
        choices = [self._choice(c, position) for position, c in enumerate(payload.get("candidates") or [])]
        if not choices and (payload.get("promptFeedback") or {}).get("blockReason"):
            choices = [self._blocked()]
        choices = [c for c in choices if c is not None]
        return [self._chunk(choices)] if choices else []

    def close(self) -> list[ModelResponseStream]:
        if self._meta is None:
            return []
        return [self._chunk([], usage=usage(self._meta, self.adapter))]

    def _choice(self, candidate: dict[str, Any], position: int) -> StreamingChoices | None:
        index = candidate.get("index", position)
        reading = _Reading().read((candidate.get("content") or {}).get("parts") or [])
        first_tool = self._tools.get(index, 0)
        tool_calls = [
            ChatCompletionDeltaToolCall(
                index=first_tool + offset,
                id=tool_call_id(signature),
                type="function",
                function=Function(name=name, arguments=arguments),
                **({"provider_specific_fields": {"thought_signature": signature}} if signature else {}),
            )
            for offset, (name, arguments, signature) in enumerate(reading.tool_calls)
        ]
        self._tools[index] = first_tool + len(tool_calls)
        finish = _finish(candidate.get("finishReason"), self.adapter, self._tools[index] > 0)
        fields: dict[str, Any] = {}  # only the fields this chunk has: cheaper to validate
        if reading.text:
            fields["content"] = "".join(reading.text)
        if reading.reasoning:
            fields["reasoning_content"] = "".join(reading.reasoning)
            fields["thinking_blocks"] = reading.thinking
        if tool_calls:
            fields["tool_calls"] = tool_calls
        if reading.signatures:
            fields["provider_specific_fields"] = {"thought_signatures": reading.signatures}
        if reading.images:
            fields["images"] = reading.images
        if not fields and finish is None:
            return None  # nothing to say yet (e.g. a usage-only chunk)
        if index not in self._started:
            self._started.add(index)
            fields["role"] = "assistant"
        choice = StreamingChoices(index=index, delta=Delta(**fields), finish_reason=finish)
        if "logprobsResult" in candidate:
            choice.logprobs = logprobs(candidate["logprobsResult"])
        return choice

    def _blocked(self) -> StreamingChoices:
        self._started.add(0)
        return StreamingChoices(index=0, delta=Delta(role="assistant"), finish_reason="content_filter")

    def _chunk(self, choices: list[StreamingChoices], usage: Usage | None = None) -> ModelResponseStream:
        if self._id is None:  # no responseId: one id for the whole stream, as OpenAI's chunks share one
            self._id = f"chatcmpl-{uuid.uuid4().hex}"
        model = self._model or self.call.model
        return ModelResponseStream(
            id=self._id, model=model, created=self._created, choices=choices, usage=usage
        )

    def _error(self, payload: dict[str, Any], data: str) -> Exception:
        error = payload.get("error")
        code = error.get("code") if isinstance(error, dict) else None
        if isinstance(code, int) and code >= 400:
            return self.adapter.error(self.call, code, data.encode(), None)
        return self.adapter.stream_error(self.call, payload)


# --- embeddings ----------------------------------------------------------------------------


def write_embed_requests(call: Call, body: dict[str, Any], task_param: str = "task_type") -> None:
    """Input transform: ``input`` -> ``batchEmbedContents`` ``requests`` (one per text), with
    ``dimensions`` as ``outputDimensionality`` and the ``task_param`` provider parameter as ``taskType``."""
    params = call.params
    settings: dict[str, Any] = {}
    if params.get("dimensions") is not None:
        settings["outputDimensionality"] = params["dimensions"]
    if params.get(task_param) is not None:
        settings["taskType"] = params[task_param]
    model = f"models/{call.model}"
    requests = []
    for text in params["input"]:
        if not isinstance(text, str):
            exceptions.raise_error(
                "BadRequestError", "this provider embeds text only: 'input' must be strings, not token ids"
            )
        requests.append({"model": model, "content": {"parts": [{"text": text}]}, **settings})
    body["requests"] = requests


def parse_embeddings(wire: dict[str, Any], call: Call, adapter: Adapter) -> EmbeddingResponse:
    """Response transform: ``embeddings[].values`` -> OpenAI's embedding list.

    The API reports no token usage for embeddings, so usage is counted locally with
    ``token_counter`` (an approximation unless a tokenizer is available offline).
    """
    from ..tokens import token_counter

    data = [
        Embedding(index=i, embedding=item.get("values") or [])
        for i, item in enumerate(wire.get("embeddings") or [])
    ]
    tokens = sum(token_counter(model=call.model, text=text) for text in call.params["input"])
    return EmbeddingResponse(
        data=data, model=call.model, usage=EmbeddingUsage(prompt_tokens=tokens, total_tokens=tokens)
    )
