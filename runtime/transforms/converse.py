"""Transforms for the Converse wire shape: ``messages`` of typed content blocks (``{"text"}``,
``{"image"}``, ``{"document"}``, ``{"toolUse"}``, ``{"toolResult"}``, ``{"reasoningContent"}``,
``{"cachePoint"}``), a ``system`` list, ``inferenceConfig`` / ``toolConfig`` /
``additionalModelRequestFields``, and a stream of typed events (messageStart, contentBlockStart,
contentBlockDelta, contentBlockStop, messageStop, metadata) carried by the AWS event-stream framing.

Request side: ``route_prefix`` and ``messages_to_wire`` build the body; ``stop_sequences``,
``tools_to_wire`` are parameter transforms; ``tool_choice_to_wire`` and ``thinking_from_effort``
need several parameters at once. Response side: ``parse_converse`` and ``StreamTranslator``.
Behaviour follows LiteLLM's translation for this shape (its ``bedrock/converse`` route).
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from pydantic_core import to_json

from .. import exceptions
from ..adapter import Adapter, Call, loads
from ..types import (
    ChatCompletionMessageToolCall,
    Choices,
    Function,
    Message,
    ModelResponse,
    ModelResponseStream,
)

_DATA_URL = re.compile(r"^data:(?P<media>[\w.+-]+/[\w.+-]+)?(?:;[^,;]*)*?;base64,(?P<data>.*)$", re.DOTALL)
# Formats the image and document blocks accept, by media subtype.
_IMAGE_FORMATS = {"png": "png", "jpeg": "jpeg", "jpg": "jpeg", "gif": "gif", "webp": "webp"}
_DOCUMENT_FORMATS = {
    "pdf": "pdf",
    "csv": "csv",
    "msword": "doc",
    "vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "vnd.ms-excel": "xls",
    "vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "html": "html",
    "plain": "txt",
    "markdown": "md",
}
_SYSTEM_ROLES = ("system", "developer")
_CACHE_POINT = {"cachePoint": {"type": "default"}}


def _bad_request(message: str, call: Call, param: str | None = None) -> None:
    exceptions.raise_error(
        "BadRequestError", message, llm_provider=call.provider, model=call.model, param=param
    )


def _dumps(value: Any) -> str:
    return to_json(value).decode()


# --- request ---------------------------------------------------------------------------------


def route_prefix(call: Call, body: dict[str, Any], prefixes: list[str]) -> None:
    """``bedrock/converse/<modelId>`` names the API route, not the model: drop the route prefix."""
    for prefix in prefixes:
        if call.model.startswith(prefix):
            call.model = call.model[len(prefix) :]


def region_from_arn(call: Call, body: dict[str, Any], param: str) -> None:
    """A model ARN (``arn:aws:bedrock:<region>:…``) gives the region when the call names none."""
    parts = call.model.split(":")
    if call.model.startswith("arn:") and len(parts) > 3 and parts[3] and param not in call.params:
        call.params[param] = parts[3]


def messages_to_wire(call: Call, body: dict[str, Any], **_: Any) -> None:
    """OpenAI messages -> ``system`` text blocks + alternating user/assistant block messages.

    Tool results become ``toolResult`` blocks of a user turn; consecutive turns of one role are
    merged, since the API refuses two user (or assistant) messages in a row.
    """
    system: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    for message in call.params["messages"]:
        role = message.get("role")
        if role in _SYSTEM_ROLES:
            system.extend(_content_blocks(message.get("content"), call, message))
            continue
        if role == "assistant":
            wire_role, blocks = "assistant", _assistant_blocks(message, call)
        elif role in ("tool", "function"):
            wire_role, blocks = "user", [_tool_result(message)]
        else:
            wire_role, blocks = "user", _content_blocks(message.get("content"), call, message)
        if not blocks:
            continue
        if messages and messages[-1]["role"] == wire_role:
            messages[-1]["content"].extend(blocks)
        else:
            messages.append({"role": wire_role, "content": blocks})
    body["messages"] = messages
    if system:
        body["system"] = system


def _content_blocks(content: Any, call: Call, message: dict[str, Any]) -> list[dict[str, Any]]:
    parts = [content] if isinstance(content, str) else (content or [])
    blocks: list[dict[str, Any]] = []
    for part in parts:
        block = _part_block(part, call)
        if block is not None:
            blocks.append(block)
            if isinstance(part, dict) and part.get("cache_control"):
                blocks.append(dict(_CACHE_POINT))  # a cache checkpoint after the marked block
    if message.get("cache_control") and blocks:
        blocks.append(dict(_CACHE_POINT))
    return blocks


def _part_block(part: Any, call: Call) -> dict[str, Any] | None:
    if isinstance(part, str):
        return {"text": part} if part else None
    if not isinstance(part, dict):
        _bad_request(f"a content part must be an object, got {type(part).__name__}", call)
    kind = part.get("type")
    if kind == "text":
        return {"text": part["text"]} if part.get("text") else None  # the API refuses blank text
    if kind == "image_url":
        image = part.get("image_url")
        url = image.get("url") if isinstance(image, dict) else image
        return media_block(url if isinstance(url, str) else "", call)
    if kind == "file":
        file = part.get("file") or {}
        block = media_block(file.get("file_data") or "", call)
        if "document" in block:
            block["document"]["name"] = file.get("filename") or f"document-{uuid.uuid4().hex[:8]}"
        return block
    _bad_request(f"content part type {kind!r} is not supported by the Converse API", call)
    return None


def media_block(url: str, call: Call) -> dict[str, Any]:
    """A base64 data URL -> an ``image`` or ``document`` block (the bytes travel base64 in JSON).

    The API reads images only from bytes or S3; web URLs are refused here rather than fetched.
    """
    match = _DATA_URL.match(url)
    if not match:
        _bad_request("images and files must be base64 data URLs (data:<type>;base64,...)", call)
        raise AssertionError
    kind, _, subtype = (match.group("media") or "image/jpeg").partition("/")
    source = {"bytes": match.group("data")}
    if kind == "image" and subtype in _IMAGE_FORMATS:
        return {"image": {"format": _IMAGE_FORMATS[subtype], "source": source}}
    if subtype in _DOCUMENT_FORMATS:
        return {"document": {"format": _DOCUMENT_FORMATS[subtype], "source": source}}
    _bad_request(f"unsupported media type {kind}/{subtype}", call)
    raise AssertionError


def _assistant_blocks(message: dict[str, Any], call: Call) -> list[dict[str, Any]]:
    # Thinking comes first: the API checks that a tool-use turn starts with its signed reasoning.
    blocks = [_reasoning_block(b) for b in message.get("thinking_blocks") or () if isinstance(b, dict)]
    blocks += _content_blocks(message.get("content"), call, message)
    for tool_call in message.get("tool_calls") or ():
        function = tool_call.get("function") or {}
        arguments = function.get("arguments") or "{}"
        try:
            parsed = loads(arguments) if isinstance(arguments, str) else arguments
        except ValueError:
            _bad_request(f"tool call {tool_call.get('id')!r} has arguments that are not JSON", call)
        blocks.append(
            {"toolUse": {"toolUseId": tool_call.get("id"), "name": function.get("name"), "input": parsed}}
        )
    return blocks


def _reasoning_block(block: dict[str, Any]) -> dict[str, Any]:
    if block.get("type") == "redacted_thinking":
        return {"reasoningContent": {"redactedContent": block.get("data")}}
    text: dict[str, Any] = {"text": block.get("thinking") or ""}
    if block.get("signature"):
        text["signature"] = block["signature"]
    return {"reasoningContent": {"reasoningText": text}}


def _tool_result(message: dict[str, Any]) -> dict[str, Any]:
    content = message.get("content")
    if isinstance(content, list):
        texts = [
            {"text": p.get("text") or ""} for p in content if isinstance(p, dict) and p.get("type") == "text"
        ]
    else:
        texts = [{"text": content if isinstance(content, str) else _dumps(content)}]
    return {"toolResult": {"toolUseId": message.get("tool_call_id"), "content": texts}}


def stop_sequences(value: str | list[str]) -> list[str]:
    """``stop`` may be one string; an empty one means none (the API refuses blank sequences)."""
    if isinstance(value, str):
        return [value] if value else []
    return list(value)


def service_tier(value: str) -> dict[str, str]:
    """OpenAI's service_tier -> ``serviceTier: {type}``; the API has no "auto" (LiteLLM sends "default")."""
    return {"type": "default" if value == "auto" else value}


def tools_to_wire(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OpenAI function tools -> ``{toolSpec: {name, description, inputSchema: {json}}}``."""
    out = []
    for tool in tools:
        if "toolSpec" in tool or "cachePoint" in tool:
            out.append(tool)  # already in the wire shape
            continue
        function = tool.get("function") or {}
        spec: dict[str, Any] = {"name": function.get("name")}
        if function.get("description"):
            spec["description"] = function["description"]
        spec["inputSchema"] = {"json": function.get("parameters") or {"type": "object", "properties": {}}}
        out.append({"toolSpec": spec})
    return out


def tool_choice_to_wire(call: Call, body: dict[str, Any], **_: Any) -> None:
    """``auto`` -> ``{auto: {}}``, ``required`` -> ``{any: {}}``, a named function -> ``{tool: {name}}``.

    As in LiteLLM: the API has no "none", so it is refused (``UnsupportedParamsError``) unless
    drop_params, which drops it; with thinking on, a forced choice becomes ``auto`` (Claude
    refuses forced tool use while it reasons). Run after the thinking transforms.
    """
    choice = call.params.get("tool_choice")
    config = body.get("toolConfig")
    if choice is None or not isinstance(config, dict):
        return
    if choice == "none":
        if not call.drop_params:
            exceptions.raise_error(
                "UnsupportedParamsError",
                "Bedrock's Converse API has no tool_choice='none'; pass drop_params=True to drop it",
                llm_provider=call.provider,
                model=call.model,
            )
        return
    if choice == "auto":
        config["toolChoice"] = {"auto": {}}
    elif choice == "required":
        config["toolChoice"] = {"any": {}}
    elif isinstance(choice, dict) and (name := (choice.get("function") or {}).get("name")):
        config["toolChoice"] = {"tool": {"name": name}}
    else:
        _bad_request(f"unsupported tool_choice {choice!r}", call, "tool_choice")
    if _thinking_enabled(body) and "auto" not in config["toolChoice"]:
        config["toolChoice"] = {"auto": {}}


def response_format_tool(call: Call, body: dict[str, Any], tool_name: str) -> None:
    """``response_format`` json_object / json_schema -> one forced tool whose input is the answer.

    LiteLLM's JSON mode for this API: the schema becomes the tool's input schema (any object for
    json_object) and the tool is forced, unless thinking is on (Claude refuses forced tools then).
    """
    if not _json_mode(call):
        return
    fmt = call.params["response_format"]
    schema = fmt.get("response_schema")
    description = None
    if isinstance(fmt.get("json_schema"), dict):
        schema = fmt["json_schema"].get("schema")
        description = fmt["json_schema"].get("description")
    spec: dict[str, Any] = {"name": tool_name}
    if description:
        spec["description"] = description
    spec["inputSchema"] = {
        "json": schema or {"type": "object", "additionalProperties": True, "properties": {}}
    }
    config = body.setdefault("toolConfig", {})
    config.setdefault("tools", []).append({"toolSpec": spec})
    if not _thinking_enabled(body):
        config["toolChoice"] = {"tool": {"name": tool_name}}


def _json_mode(call: Call) -> bool:
    fmt = call.params.get("response_format")
    return isinstance(fmt, dict) and fmt.get("type") in ("json_object", "json_schema")


def _thinking_enabled(body: dict[str, Any]) -> bool:
    thinking = (body.get("additionalModelRequestFields") or {}).get("thinking")
    return isinstance(thinking, dict) and thinking.get("type") == "enabled"


def thinking_from_effort(
    call: Call, body: dict[str, Any], budgets: dict[str, int], models: list[str]
) -> None:
    """``reasoning_effort`` -> ``additionalModelRequestFields.thinking`` with a token budget, for the
    model families listed in ``models`` (substrings of the model id); an explicit ``thinking`` wins."""
    effort = call.params.get("reasoning_effort")
    extra = body.get("additionalModelRequestFields") or {}
    if effort is None or effort == "none" or "thinking" in extra:
        return
    if effort not in budgets:
        allowed = ", ".join([*sorted(budgets), "none"])
        _bad_request(f"reasoning_effort must be one of {allowed}; got {effort!r}", call, "reasoning_effort")
    if not any(family in call.model for family in models):
        _bad_request(f"reasoning_effort is not supported for {call.model}", call, "reasoning_effort")
    extra["thinking"] = {"type": "enabled", "budget_tokens": budgets[effort]}
    body["additionalModelRequestFields"] = extra


# --- response --------------------------------------------------------------------------------


def parse_converse(wire: Any, call: Call, adapter: Adapter, json_tool: str = "", **_: Any) -> ModelResponse:
    """A Converse answer -> ``chat.completion``: text -> content, toolUse -> tool_calls,
    reasoningContent -> ``reasoning_content`` + ``thinking_blocks``; stopReason and usage mapped
    from the spec; ``metrics.latencyMs`` kept in ``_hidden_params``. In JSON mode the input of
    the ``json_tool`` call is the content."""
    output = (wire.get("output") or {}).get("message") or {}
    texts: list[str] = []
    tool_calls: list[ChatCompletionMessageToolCall] = []
    thinking: list[dict[str, Any]] = []
    for block in output.get("content") or ():
        if "text" in block:
            texts.append(block["text"])
        elif "toolUse" in block:
            use = block["toolUse"]
            arguments = _dumps(use.get("input") if use.get("input") is not None else {})
            tool_calls.append(
                ChatCompletionMessageToolCall(
                    id=use.get("toolUseId"), function=Function(name=use.get("name"), arguments=arguments)
                )
            )
        elif "reasoningContent" in block:
            thinking.append(_thinking_block(block["reasoningContent"]))
    reason = wire.get("stopReason") or ""
    finish = adapter.finish_reasons.get(reason, reason or "stop")
    content = "".join(texts) or None
    answer = [t for t in tool_calls if _json_mode(call) and t.function.name == json_tool]
    if answer:
        content = answer[0].function.arguments
        tool_calls = [t for t in tool_calls if t not in answer]
        finish = finish if tool_calls else "stop"
    reasoning = "".join(b.get("thinking") or "" for b in thinking) or None
    message = Message(
        content=content,
        tool_calls=tool_calls or None,
        reasoning_content=reasoning,
        thinking_blocks=thinking or None,
    )
    response = ModelResponse(
        id=f"chatcmpl-{uuid.uuid4()}",
        model=call.model,
        choices=[Choices(index=0, message=message, finish_reason=finish)],
        usage=adapter.usage_from_wire(wire.get("usage") or {}),
    )
    if latency := (wire.get("metrics") or {}).get("latencyMs"):
        response._hidden_params["latency_ms"] = latency
    return response


def _thinking_block(content: dict[str, Any]) -> dict[str, Any]:
    if "redactedContent" in content:
        return {"type": "redacted_thinking", "data": content["redactedContent"]}
    text = content.get("reasoningText") or {}
    return {"type": "thinking", "thinking": text.get("text") or "", "signature": text.get("signature")}


# --- stream ----------------------------------------------------------------------------------


class StreamTranslator:
    """Converse stream events -> OpenAI ``chat.completion.chunk`` objects.

    messageStart gives the role chunk; contentBlockStart a tool call's id and name; contentBlockDelta
    text, reasoning or tool-argument pieces (tool-call ``index`` counts tool blocks only);
    messageStop the finish_reason chunk; metadata the usage-only chunk. An exception event
    (``throttlingException``, ``modelStreamErrorException``, …) raises the mapped exception.
    """

    __slots__ = ("call", "adapter", "id", "created", "tools", "tool_index", "usage_sent", "json_tool")

    def __init__(self, call: Call, adapter: Adapter, json_tool: str = "") -> None:
        self.call = call
        self.adapter = adapter
        self.id = f"chatcmpl-{uuid.uuid4()}"  # the API gives streams no id
        self.created = int(time.time())
        self.tools: dict[int, list[Any]] = {}  # content block index -> [tool-call index, any arguments]
        self.tool_index = -1
        self.usage_sent = False
        # In JSON mode the answer arrives as this tool's input: streamed as content instead.
        self.json_tool = json_tool if _json_mode(call) else None

    def feed(self, event: str | None, data: str) -> list[ModelResponseStream]:
        payload = loads(data) if data else {}
        handler = _HANDLERS.get(event or "")
        if handler is not None:
            return handler(self, payload)
        if event and (event.endswith("Exception") or "message" in payload):
            raise self.adapter.stream_error(
                self.call, {"error": {"type": event, "message": payload.get("message")}}
            )
        return []  # an event type this translator does not know carries nothing OpenAI has a field for

    def close(self) -> list[ModelResponseStream]:
        return []

    def _message_start(self, payload: dict[str, Any]) -> list[ModelResponseStream]:
        return [self._chunk({"role": payload.get("role") or "assistant", "content": ""})]

    def _block_start(self, payload: dict[str, Any]) -> list[ModelResponseStream]:
        use = (payload.get("start") or {}).get("toolUse")
        if not use:
            return []
        if use.get("name") == self.json_tool:
            self.tools[payload.get("contentBlockIndex", 0)] = [None, False]
            return []
        self.tool_index += 1
        self.tools[payload.get("contentBlockIndex", 0)] = [self.tool_index, False]
        tool_call = {
            "index": self.tool_index,
            "id": use.get("toolUseId"),
            "type": "function",
            "function": {"name": use.get("name"), "arguments": ""},
        }
        return [self._chunk({"tool_calls": [tool_call]})]

    def _block_delta(self, payload: dict[str, Any]) -> list[ModelResponseStream]:
        delta = payload.get("delta") or {}
        if "text" in delta:
            return [self._chunk({"content": delta["text"]})]
        if "toolUse" in delta:
            piece = delta["toolUse"].get("input") or ""
            state = self.tools.get(payload.get("contentBlockIndex", 0))
            if not piece or state is None:
                return []
            state[1] = True
            if state[0] is None:
                return [self._chunk({"content": piece})]
            return [self._chunk({"tool_calls": [{"index": state[0], "function": {"arguments": piece}}]})]
        if "reasoningContent" in delta:
            return [self._reasoning_chunk(delta["reasoningContent"])]
        return []

    def _reasoning_chunk(self, content: dict[str, Any]) -> ModelResponseStream:
        if "redactedContent" in content:
            block = {"type": "redacted_thinking", "data": content["redactedContent"]}
            return self._chunk({"thinking_blocks": [block]})
        text = content.get("text") or ""
        block = {"type": "thinking", "thinking": text}
        if content.get("signature"):
            block["signature"] = content["signature"]
        return self._chunk({"reasoning_content": text or None, "thinking_blocks": [block]})

    def _block_stop(self, payload: dict[str, Any]) -> list[ModelResponseStream]:
        state = self.tools.get(payload.get("contentBlockIndex", 0))
        if state is None or state[1]:
            return []
        # A tool called with no arguments streams no JSON at all; OpenAI would send "{}".
        state[1] = True
        if state[0] is None:
            return [self._chunk({"content": "{}"})]
        return [self._chunk({"tool_calls": [{"index": state[0], "function": {"arguments": "{}"}}]})]

    def _message_stop(self, payload: dict[str, Any]) -> list[ModelResponseStream]:
        reason = payload.get("stopReason") or ""
        finish = self.adapter.finish_reasons.get(reason, reason or "stop")
        if self.json_tool and finish == "tool_calls" and self.tool_index < 0:
            finish = "stop"  # the only tool called was the response_format one
        return [self._chunk({}, finish)]

    def _metadata(self, payload: dict[str, Any]) -> list[ModelResponseStream]:
        usage = payload.get("usage")
        if self.usage_sent or not isinstance(usage, dict):
            return []
        self.usage_sent = True
        chunk = ModelResponseStream(
            id=self.id,
            created=self.created,
            model=self.call.model,
            choices=[],
            usage=self.adapter.usage_from_wire(usage),
        )
        return [chunk]

    def _chunk(self, delta: dict[str, Any], finish_reason: str | None = None) -> ModelResponseStream:
        return ModelResponseStream.model_validate(
            {
                "id": self.id,
                "created": self.created,
                "model": self.call.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
            }
        )


_HANDLERS = {
    "messageStart": StreamTranslator._message_start,
    "contentBlockStart": StreamTranslator._block_start,
    "contentBlockDelta": StreamTranslator._block_delta,
    "contentBlockStop": StreamTranslator._block_stop,
    "messageStop": StreamTranslator._message_stop,
    "metadata": StreamTranslator._metadata,
}
