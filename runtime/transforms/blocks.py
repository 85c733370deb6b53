"""Transforms for the content-block wire shape: a top-level system prompt, user/assistant messages
whose content is a list of typed blocks (text, image, document, tool_use, tool_result, thinking),
and a stream of typed SSE events (message_start, content_block_start/delta/stop, message_delta,
message_stop, ping, error).

Request side: ``messages_to_wire`` (input transform), ``stop_sequences`` and ``tools_to_wire``
(parameter transforms) and the request transforms that need several parameters at once.
Response side: ``parse_message`` and the stream translator ``EventTranslator``.

Behaviour follows LiteLLM's translation for this shape so that code moving from LiteLLM sends and
gets the same things; where this module differs, the docstring says so.
"""

from __future__ import annotations

import re
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
    Usage,
)

# The forced tool that carries a response_format schema; its input becomes the message content.
JSON_TOOL_NAME = "json_tool_call"
# Added when the history holds tool calls but the request has no tools: the API refuses
# tool_use / tool_result blocks without a tool list (LiteLLM adds the same placeholder).
DUMMY_TOOL = {
    "name": "dummy_tool",
    "description": "This is a dummy tool call",
    "input_schema": {"type": "object", "properties": {}},
}
_DATA_URL = re.compile(
    r"^data:(?P<media>[\w.+-]+/[\w.+-]+)?(?P<params>(;[^,;]*)*?);base64,(?P<data>.*)$", re.DOTALL
)
_EMAIL = re.compile(r"^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$")
_PHONE = re.compile(r"^\+?[\d\s()-]{7,}$")
_SYSTEM_ROLES = ("system", "developer")


def _bad_request(message: str, call: Call | None = None, param: str | None = None) -> None:
    exceptions.raise_error(
        "BadRequestError",
        message,
        llm_provider=call.provider if call else None,
        model=call.model if call else None,
        param=param,
    )


def _dumps(value: Any) -> str:
    return to_json(value).decode()


# --- messages --------------------------------------------------------------------------------


def messages_to_wire(call: Call, body: dict[str, Any], **_: Any) -> None:
    """OpenAI messages -> ``system`` + alternating user/assistant messages of content blocks.

    System (and developer) messages, wherever they are, become the top-level ``system``: a string
    when it is one plain text, else a list of text blocks (which is how ``cache_control`` travels).
    Tool results become ``tool_result`` blocks in a user message; consecutive messages of the same
    role are merged, since the API wants the roles to alternate.
    """
    system: list[dict[str, Any]] = []
    out: list[dict[str, Any]] = []
    for message in call.params["messages"]:
        role = message.get("role")
        if role in _SYSTEM_ROLES:
            system.extend(_text_blocks(message.get("content"), call))
            _apply_message_cache_control(message, system)
            continue
        wire_role, blocks = _message_blocks(message, call)
        if not blocks:
            continue  # the API rejects empty content (e.g. an assistant turn with content "")
        if out and out[-1]["role"] == wire_role:
            out[-1]["content"].extend(blocks)
        else:
            out.append({"role": wire_role, "content": blocks})
    _strip_final_assistant(out)
    if not out:
        # The API needs at least one message; LiteLLM sends a minimal user turn too.
        out.append({"role": "user", "content": [{"type": "text", "text": "."}]})
    if system:
        body["system"] = _system_value(system)
    body["messages"] = out


def _system_value(blocks: list[dict[str, Any]]) -> str | list[dict[str, Any]]:
    if len(blocks) == 1 and set(blocks[0]) == {"type", "text"}:
        return blocks[0]["text"]
    return blocks


def _message_blocks(message: dict[str, Any], call: Call) -> tuple[str, list[dict[str, Any]]]:
    role = message.get("role")
    if role == "assistant":
        blocks = _assistant_blocks(message, call)
        wire_role = "assistant"
    elif role in ("tool", "function"):
        blocks = [_tool_result_block(message, call)]
        wire_role = "user"
    elif role == "user":
        blocks = _content_blocks(message.get("content"), call)
        wire_role = "user"
    else:
        _bad_request(f"unsupported message role {role!r}", call, "messages")
        raise AssertionError
    _apply_message_cache_control(message, blocks)
    return wire_role, blocks


def _apply_message_cache_control(message: dict[str, Any], blocks: list[dict[str, Any]]) -> None:
    """A message-level ``cache_control`` marks the end of that message: its last block."""
    cache_control = message.get("cache_control")
    if cache_control and blocks:
        blocks[-1]["cache_control"] = cache_control


def _text_blocks(content: Any, call: Call) -> list[dict[str, Any]]:
    """System content: only text parts make sense there."""
    if content is None:
        return []
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    blocks = []
    for part in content:
        if isinstance(part, dict) and part.get("type") == "text" and part.get("text"):
            block: dict[str, Any] = {"type": "text", "text": part["text"]}
            if part.get("cache_control"):
                block["cache_control"] = part["cache_control"]
            blocks.append(block)
    return blocks


def _content_blocks(content: Any, call: Call) -> list[dict[str, Any]]:
    """User content (a string or OpenAI content parts) -> content blocks."""
    if content is None:
        return []
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    if not isinstance(content, list):
        _bad_request(
            f"message content must be a string or a list of parts, got {type(content).__name__}", call
        )
    blocks = []
    for part in content:
        block = _part_block(part, call)
        if block is not None:
            if isinstance(part, dict) and part.get("cache_control"):
                block["cache_control"] = part["cache_control"]
            blocks.append(block)
    return blocks


def _part_block(part: Any, call: Call) -> dict[str, Any] | None:
    if isinstance(part, str):
        return {"type": "text", "text": part} if part else None
    if not isinstance(part, dict):
        _bad_request(f"a content part must be an object, got {type(part).__name__}", call)
    kind = part.get("type")
    if kind == "text":
        text = part.get("text") or ""
        return {"type": "text", "text": text} if text else None
    if kind == "image_url":
        image = part.get("image_url")
        url = image.get("url") if isinstance(image, dict) else image
        if not isinstance(url, str) or not url:
            _bad_request("an image_url part needs image_url.url", call)
        return media_block(url)
    if kind == "file":
        return _file_block(part.get("file") or {}, call)
    if kind in ("input_audio", "audio"):
        _bad_request("audio input is not supported by this provider", call)
    # Already in the block shape (image/document with a source, search_result, …): send as is.
    return {k: v for k, v in part.items() if k != "cache_control"}


def media_block(url: str) -> dict[str, Any]:
    """An image (or PDF document) block from a data URL (base64 source) or a web URL (url source)."""
    match = _DATA_URL.match(url)
    if match:
        media_type = match.group("media") or "image/jpeg"
        kind = "document" if media_type == "application/pdf" else "image"
        return {
            "type": kind,
            "source": {"type": "base64", "media_type": media_type, "data": match.group("data")},
        }
    kind = "document" if url.split("?", 1)[0].lower().endswith(".pdf") else "image"
    return {"type": kind, "source": {"type": "url", "url": url}}


def _file_block(file: dict[str, Any], call: Call) -> dict[str, Any]:
    data = file.get("file_data")
    if isinstance(data, str) and data:
        return media_block(data)
    if file.get("file_id"):
        return {"type": "document", "source": {"type": "file", "file_id": file["file_id"]}}
    _bad_request("a file part needs file.file_data or file.file_id", call)
    raise AssertionError


def _assistant_blocks(message: dict[str, Any], call: Call) -> list[dict[str, Any]]:
    """Thinking blocks first (the API wants them before the text and tool_use they led to)."""
    blocks = [_thinking_block(b) for b in message.get("thinking_blocks") or () if isinstance(b, dict)]
    blocks.extend(_content_blocks(message.get("content"), call))
    for tool_call in message.get("tool_calls") or ():
        blocks.append(_tool_use_block(tool_call, call))
    return blocks


def _thinking_block(block: dict[str, Any]) -> dict[str, Any]:
    if block.get("type") == "redacted_thinking":
        return {"type": "redacted_thinking", "data": block.get("data", "")}
    out = {"type": "thinking", "thinking": block.get("thinking", "")}
    if block.get("signature") is not None:
        out["signature"] = block["signature"]
    return out


def _tool_use_block(tool_call: dict[str, Any], call: Call) -> dict[str, Any]:
    function = tool_call.get("function") or {}
    arguments = function.get("arguments") or "{}"
    try:
        tool_input = loads(arguments) if isinstance(arguments, str) else arguments
    except ValueError:
        _bad_request(
            f"tool call {tool_call.get('id')!r} has arguments that are not JSON: {arguments!r:.200}",
            call,
            "messages",
        )
    block = {"type": "tool_use", "id": tool_call.get("id"), "name": function.get("name"), "input": tool_input}
    if tool_call.get("cache_control"):
        block["cache_control"] = tool_call["cache_control"]
    return block


def _tool_result_block(message: dict[str, Any], call: Call) -> dict[str, Any]:
    tool_use_id = message.get("tool_call_id") or message.get("name")
    if not tool_use_id:
        _bad_request("a tool message needs tool_call_id", call, "messages")
    block: dict[str, Any] = {"type": "tool_result", "tool_use_id": tool_use_id}
    content = message.get("content")
    if isinstance(content, str):
        if content:
            block["content"] = content
    elif content:
        block["content"] = _content_blocks(content, call)
    return block


def _strip_final_assistant(messages: list[dict[str, Any]]) -> None:
    """A prefilled final assistant turn may not end in whitespace (the API rejects it)."""
    if not messages or messages[-1]["role"] != "assistant":
        return
    blocks = messages[-1]["content"]
    last = blocks[-1]
    if last.get("type") == "text":
        last["text"] = last["text"].rstrip()
        if not last["text"]:
            blocks.pop()
            if not blocks:
                messages.pop()


# --- parameters -------------------------------------------------------------------------


def stop_sequences(value: str | list[str]) -> list[str]:
    """``stop`` may be one string; ``stop_sequences`` is always a list."""
    return [value] if isinstance(value, str) else list(value)


def tools_to_wire(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OpenAI function tools -> ``{name, description, input_schema}``; hosted tools pass through."""
    return [_tool(tool) for tool in tools]


def _tool(tool: dict[str, Any]) -> dict[str, Any]:
    if "input_schema" in tool or tool.get("type") not in ("function", "custom", None):
        return tool  # already in the block shape, or a hosted tool (web_search_…, bash_…, computer_…)
    function = tool.get("function") or {}
    schema = function.get("parameters") or {"type": "object", "properties": {}}
    if schema.get("type") != "object":  # the API requires an object schema at the top
        schema = {**schema, "type": "object"}
        schema.setdefault("properties", {})
    out: dict[str, Any] = {"name": function.get("name"), "input_schema": schema}
    if function.get("description") is not None:
        out["description"] = function["description"]
    cache_control = tool.get("cache_control") or function.get("cache_control")
    if cache_control:
        out["cache_control"] = cache_control
    return out


# --- request transforms -----------------------------------------------------------------------


def _thinking_enabled(body: dict[str, Any]) -> bool:
    thinking = body.get("thinking")
    return isinstance(thinking, dict) and thinking.get("type") in ("enabled", "adaptive")


def thinking_from_effort(
    call: Call, body: dict[str, Any], budgets: dict[str, int], efforts: dict[str, str]
) -> None:
    """``reasoning_effort`` -> ``thinking``; an explicit ``thinking`` wins.

    A model the table marks ``adaptive_thinking`` gets ``{type: adaptive}`` plus
    ``output_config.effort``; the others ``{type: enabled, budget_tokens}``. A model the table says
    cannot reason refuses the parameter (``UnsupportedParamsError``, or dropped with drop_params),
    as LiteLLM only offers reasoning_effort for reasoning models.
    """
    effort = call.params.get("reasoning_effort")
    if effort is None or "thinking" in body or effort == "none":
        return
    if effort not in budgets:
        allowed = ", ".join([*sorted(budgets), "none"])
        _bad_request(f"reasoning_effort must be one of {allowed}; got {effort!r}", call, "reasoning_effort")
    from .. import registry

    row = registry.model_row(call.provider, call.model)
    if row is not None and not row.get("supports_reasoning"):
        if call.drop_params:
            return
        exceptions.raise_error(
            "UnsupportedParamsError",
            f"{call.provider}/{call.model} does not support reasoning_effort (the model has no extended thinking). "
            "Pass drop_params=True to drop it.",
            llm_provider=call.provider,
            model=call.model,
        )
    if row is not None and row.get("supports_adaptive_thinking") and effort in efforts:
        body["thinking"] = {"type": "adaptive"}
        body.setdefault("output_config", {})["effort"] = efforts[effort]
        return
    body["thinking"] = {"type": "enabled", "budget_tokens": budgets[effort]}


def response_format_tool(call: Call, body: dict[str, Any]) -> None:
    """``response_format`` (json_object / json_schema) -> a tool the model is made to call.

    Its input is the JSON answer; ``parse_message`` and the stream translator turn that call back
    into message content. With thinking on, the API refuses a forced tool, so the choice is left
    to the model then (as LiteLLM does). ``json_object`` gets an open object schema.
    """
    fmt = call.params.get("response_format")
    if not isinstance(fmt, dict) or fmt.get("type") not in ("json_object", "json_schema"):
        return
    schema = fmt.get("response_schema") or (fmt.get("json_schema") or {}).get("schema")
    input_schema: dict[str, Any] = {"type": "object"}
    if schema:
        input_schema.update(schema)
    else:
        input_schema.update(additionalProperties=True, properties={})
    body.setdefault("tools", []).append({"name": JSON_TOOL_NAME, "input_schema": input_schema})
    if not _thinking_enabled(body):
        body["tool_choice"] = {"type": "tool", "name": JSON_TOOL_NAME}


def tool_choice_to_wire(call: Call, body: dict[str, Any]) -> None:
    """``tool_choice`` + ``parallel_tool_calls`` -> ``tool_choice`` (auto / any / none / tool).

    ``parallel_tool_calls`` is the inverse of ``disable_parallel_tool_use`` and rides on the choice;
    alone it becomes ``{type: auto, disable_parallel_tool_use}`` (only when tools are sent: the
    API refuses a tool_choice without tools).
    """
    choice = _tool_choice(call.params.get("tool_choice"))
    parallel = call.params.get("parallel_tool_calls")
    if parallel is not None and call.params.get("tool_choice") != "none":
        if choice is not None:
            choice["disable_parallel_tool_use"] = not parallel
        elif body.get("tools"):
            choice = {"type": "auto", "disable_parallel_tool_use": not parallel}
    if choice is not None:
        body["tool_choice"] = choice


_CHOICE_TYPES = {"auto": "auto", "required": "any", "any": "any", "none": "none"}


def _tool_choice(value: Any) -> dict[str, Any] | None:
    if isinstance(value, str):
        kind = _CHOICE_TYPES.get(value)
        return {"type": kind} if kind else None
    if not isinstance(value, dict):
        return None
    name = (value.get("function") or {}).get("name")
    if name:
        return {"type": "tool", "name": name}
    if value.get("type") == "tool" and value.get("name"):
        return dict(value)  # already in the wire shape
    kind = _CHOICE_TYPES.get(value.get("type", ""))
    return {"type": kind} if kind else None


def web_search_tool(call: Call, body: dict[str, Any], tool_type: str, max_uses: dict[str, int]) -> None:
    """``web_search_options`` -> the provider's hosted web search tool."""
    options = call.params.get("web_search_options")
    if not isinstance(options, dict):
        return
    tool: dict[str, Any] = {"type": tool_type, "name": "web_search"}
    size = options.get("search_context_size")
    if size in max_uses:
        tool["max_uses"] = max_uses[size]
    approximate = (options.get("user_location") or {}).get("approximate")
    if isinstance(approximate, dict):
        location = {k: v for k, v in approximate.items() if k in ("city", "region", "country", "timezone")}
        tool["user_location"] = {"type": "approximate", **location}
    body.setdefault("tools", []).append(tool)


def history_tools(call: Call, body: dict[str, Any]) -> None:
    """Tool calls in the history but no tools in the request: add a placeholder tool."""
    if body.get("tools"):
        return
    for message in body.get("messages", ()):
        content = message.get("content")
        if isinstance(content, list) and any(b.get("type") in ("tool_use", "tool_result") for b in content):
            body["tools"] = [dict(DUMMY_TOOL)]
            return


def user_metadata(call: Call, body: dict[str, Any]) -> None:
    """``user`` (or LiteLLM's ``metadata={"user_id": …}``) -> ``metadata.user_id``.

    The API rejects ids that look like an email address or a phone number, so those are not sent.
    """
    metadata = call.params.get("metadata")
    user_id = metadata.get("user_id") if isinstance(metadata, dict) else None
    user_id = user_id or call.params.get("user")
    if isinstance(user_id, str) and user_id and not (_EMAIL.match(user_id) or _PHONE.match(user_id)):
        body["metadata"] = {"user_id": user_id}


def default_max_tokens(call: Call, body: dict[str, Any], fallback: int, thinking_headroom: int) -> None:
    """The API requires ``max_tokens``. Absent, LiteLLM sends the model's max output tokens (``fallback``
    for a model not in the table); with thinking on, the thinking budget plus ``thinking_headroom``."""
    if "max_tokens" in body:
        return
    thinking = body.get("thinking")
    if _thinking_enabled(body) and isinstance(thinking.get("budget_tokens"), int):  # type: ignore[union-attr]
        body["max_tokens"] = thinking["budget_tokens"] + thinking_headroom  # type: ignore[index]
        return
    from .. import registry

    row = registry.model_row(call.provider, call.model) or {}
    body["max_tokens"] = row.get("max_output_tokens") or fallback


# --- response ---------------------------------------------------------------------------------


def _json_mode(call: Call) -> bool:
    fmt = call.params.get("response_format")
    return isinstance(fmt, dict) and fmt.get("type") in ("json_object", "json_schema")


def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def thinking_block(block: Any) -> dict[str, Any]:
    """A thinking / redacted_thinking block as ``thinking_blocks`` carries it (signature kept)."""
    if _field(block, "type") == "redacted_thinking":
        return {"type": "redacted_thinking", "data": _field(block, "data")}
    return {
        "type": "thinking",
        "thinking": _field(block, "thinking") or "",
        "signature": _field(block, "signature"),
    }


def parse_message(wire: Any, call: Call, adapter: Adapter, **_: Any) -> ModelResponse:
    """A ``message`` -> ``chat.completion``: text -> content, tool_use -> tool_calls, thinking ->
    ``reasoning_content`` + ``thinking_blocks``; stop_reason and usage mapped from the spec."""
    if wire.type == "error":  # an error body that came with a 200
        raise adapter.stream_error(call, {"type": "error", "error": (wire.model_extra or {}).get("error")})
    texts: list[str] = []
    tool_calls: list[ChatCompletionMessageToolCall] = []
    thinking: list[dict[str, Any]] = []
    for block in wire.content or ():
        kind = block.type
        if kind == "text":
            texts.append(block.text or "")
        elif kind == "tool_use":
            arguments = _dumps(block.input if block.input is not None else {})
            tool_calls.append(
                ChatCompletionMessageToolCall(
                    id=block.id, function=Function(name=block.name, arguments=arguments)
                )
            )
        elif kind in ("thinking", "redacted_thinking"):
            thinking.append(thinking_block(block))
    finish_reason = adapter.finish_reasons.get(wire.stop_reason or "", wire.stop_reason or "stop")
    content = "".join(texts) or None
    if _json_mode(call) and tool_calls and all(t.function.name == JSON_TOOL_NAME for t in tool_calls):
        content, tool_calls, finish_reason = tool_calls[0].function.arguments, [], "stop"
    reasoning = "".join(b.get("thinking") or "" for b in thinking) or None
    message = Message(
        content=content,
        tool_calls=tool_calls or None,
        reasoning_content=reasoning,
        thinking_blocks=thinking or None,
    )
    usage = adapter.usage_from_wire(wire.usage or {})
    _estimate_reasoning_tokens(usage, reasoning)
    return ModelResponse(
        id=wire.id or f"msg_{uuid.uuid4().hex}",
        model=wire.model or call.model,
        choices=[Choices(index=0, message=message, finish_reason=finish_reason)],
        usage=usage,
    )


def _estimate_reasoning_tokens(usage: Usage, reasoning: str | None) -> None:
    """The API does not split thinking out of output_tokens; estimate it from the text as LiteLLM
    does (never above completion_tokens). Cost is unchanged: thinking is billed as output."""
    if not reasoning or usage.completion_tokens_details is None:
        return
    from ..tokens import token_counter

    estimate = token_counter(text=reasoning, count_response_tokens=True)
    usage.completion_tokens_details.reasoning_tokens = min(estimate, usage.completion_tokens)


# --- stream -----------------------------------------------------------------------------------


class EventTranslator:
    """Typed SSE events -> OpenAI ``chat.completion.chunk`` objects.

    message_start gives the role chunk (and input usage); content blocks give content, reasoning
    or tool-call deltas (tool-call ``index`` counts tool blocks only; id and name come on the first
    delta, argument pieces after); message_delta gives the finish_reason chunk (and output usage);
    message_stop gives the usage-only chunk. An ``error`` event raises the mapped exception.
    """

    __slots__ = (
        "call",
        "adapter",
        "id",
        "model",
        "created",
        "json_mode",
        "blocks",
        "tool_index",
        "usage",
        "reasoning",
        "usage_sent",
    )

    def __init__(self, call: Call, adapter: Adapter) -> None:
        self.call = call
        self.adapter = adapter
        self.id: str | None = None
        self.model: str | None = call.model
        self.created: int | None = None
        self.json_mode = _json_mode(call)
        # content block index -> [kind, tool index, whether any argument piece came]
        self.blocks: dict[int, list[Any]] = {}
        self.tool_index = -1
        self.usage: dict[str, Any] = {}
        self.reasoning: list[str] = []
        self.usage_sent = False

    def feed(self, event: str | None, data: str) -> list[ModelResponseStream]:
        if not data:
            return []
        payload = loads(data)
        kind = payload.get("type") or event
        handler = _HANDLERS.get(kind)
        return handler(self, payload) if handler is not None else []

    def close(self) -> list[ModelResponseStream]:
        """The body ended without message_stop: still hand over the usage seen so far."""
        return self._usage_chunk()

    # --- events ----------------------------------------------------------------------------

    def _message_start(self, payload: dict[str, Any]) -> list[ModelResponseStream]:
        message = payload.get("message") or {}
        self.id = message.get("id")
        self.model = message.get("model") or self.model
        self._add_usage(message.get("usage"))
        return [self._chunk({"role": "assistant", "content": ""})]

    def _block_start(self, payload: dict[str, Any]) -> list[ModelResponseStream]:
        block = payload.get("content_block") or {}
        index = payload.get("index", 0)
        kind = block.get("type")
        if kind == "tool_use":
            return self._tool_start(index, block)
        self.blocks[index] = [kind, None, False]
        if kind == "text" and block.get("text"):
            return [self._chunk({"content": block["text"]})]
        if kind == "thinking" and block.get("thinking"):
            return [self._thinking_chunk(block["thinking"], None)]
        if kind == "redacted_thinking":
            return [self._chunk({"thinking_blocks": [thinking_block(block)]})]
        return []

    def _tool_start(self, index: int, block: dict[str, Any]) -> list[ModelResponseStream]:
        initial = block.get("input")
        arguments = _dumps(initial) if initial else ""
        if self.json_mode and block.get("name") == JSON_TOOL_NAME:
            self.blocks[index] = ["json", None, bool(arguments)]
            return [self._chunk({"content": arguments})] if arguments else []
        self.tool_index += 1
        self.blocks[index] = ["tool_use", self.tool_index, bool(arguments)]
        call = {
            "index": self.tool_index,
            "id": block.get("id"),
            "type": "function",
            "function": {"name": block.get("name"), "arguments": arguments},
        }
        return [self._chunk({"tool_calls": [call]})]

    def _block_delta(self, payload: dict[str, Any]) -> list[ModelResponseStream]:
        delta = payload.get("delta") or {}
        kind = delta.get("type")
        if kind == "text_delta":
            return [self._chunk({"content": delta.get("text", "")})]
        if kind == "input_json_delta":
            return self._arguments(payload.get("index", 0), delta.get("partial_json") or "")
        if kind == "thinking_delta":
            return [self._thinking_chunk(delta.get("thinking", ""), None)]
        if kind == "signature_delta":
            return [self._thinking_chunk("", delta.get("signature"))]
        return []  # citations_delta and future delta types carry nothing OpenAI has a field for

    def _arguments(self, index: int, piece: str) -> list[ModelResponseStream]:
        state = self.blocks.get(index)
        if state is None or not piece:
            return []
        state[2] = True
        if state[0] == "json":
            return [self._chunk({"content": piece})]
        return [self._chunk({"tool_calls": [{"index": state[1], "function": {"arguments": piece}}]})]

    def _block_stop(self, payload: dict[str, Any]) -> list[ModelResponseStream]:
        state = self.blocks.get(payload.get("index", 0))
        if state is None or state[2] or state[0] not in ("tool_use", "json"):
            return []
        # A tool called with no arguments streams no JSON at all; OpenAI would send "{}".
        state[2] = True
        if state[0] == "json":
            return [self._chunk({"content": "{}"})]
        return [self._chunk({"tool_calls": [{"index": state[1], "function": {"arguments": "{}"}}]})]

    def _message_delta(self, payload: dict[str, Any]) -> list[ModelResponseStream]:
        self._add_usage(payload.get("usage"))
        reason = (payload.get("delta") or {}).get("stop_reason")
        finish = self.adapter.finish_reasons.get(reason or "", reason or "stop")
        if self.json_mode and finish == "tool_calls" and self.tool_index < 0:
            finish = "stop"  # the only tool called was the response_format one
        return [self._chunk({}, finish)]

    def _message_stop(self, payload: dict[str, Any]) -> list[ModelResponseStream]:
        return self._usage_chunk()

    def _error(self, payload: dict[str, Any]) -> list[ModelResponseStream]:
        raise self.adapter.stream_error(self.call, payload)

    # --- helpers ---------------------------------------------------------------------------

    def _add_usage(self, usage: Any) -> None:
        """message_start has the input counts; message_delta's counts are cumulative."""
        if isinstance(usage, dict):
            self.usage.update({k: v for k, v in usage.items() if v is not None})

    def _usage_chunk(self) -> list[ModelResponseStream]:
        if self.usage_sent or not self.usage:
            return []
        self.usage_sent = True
        usage = self.adapter.usage_from_wire(self.usage)
        _estimate_reasoning_tokens(usage, "".join(self.reasoning) or None)
        return [
            ModelResponseStream(
                id=self.id or "", created=self._created(), model=self.model, choices=[], usage=usage
            )
        ]

    def _thinking_chunk(self, text: str, signature: str | None) -> ModelResponseStream:
        block: dict[str, Any] = {"type": "thinking", "thinking": text}
        if signature is not None:
            block["signature"] = signature
        if text:
            self.reasoning.append(text)
        return self._chunk({"reasoning_content": text or None, "thinking_blocks": [block]})

    def _created(self) -> int:
        if self.created is None:
            import time

            self.created = int(time.time())
        return self.created

    def _chunk(self, delta: dict[str, Any], finish_reason: str | None = None) -> ModelResponseStream:
        # Validated from plain dicts in one pass: measurably cheaper per chunk than nested models.
        return ModelResponseStream.model_validate(
            {
                "id": self.id or "",
                "created": self._created(),
                "model": self.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
            }
        )


_HANDLERS = {
    "message_start": EventTranslator._message_start,
    "content_block_start": EventTranslator._block_start,
    "content_block_delta": EventTranslator._block_delta,
    "content_block_stop": EventTranslator._block_stop,
    "message_delta": EventTranslator._message_delta,
    "message_stop": EventTranslator._message_stop,
    "error": EventTranslator._error,
}
