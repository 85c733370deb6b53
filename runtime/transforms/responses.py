"""The Responses API wire shape: OpenAI's ``response`` object, its typed SSE events, and the
bridge between Responses items and chat messages.

Two uses:

- a dialect that serves ``POST /responses`` itself parses straight into the canonical Responses
  types (:func:`parse_response`, :class:`EventTranslator`), as the spec names them;
- every other provider is reached through chat completions: :func:`items_to_messages`,
  :func:`tools_to_chat`, :func:`tool_choice_to_chat` and :func:`text_to_response_format` turn a
  Responses request into a chat request; :func:`chat_to_output` and :class:`ChunkEventBuilder`
  turn the chat answer (whole, or chunk by chunk) back into Responses output items and events.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from ..adapter import Adapter, Call, loads
from ..responses_types import ResponseAPIUsage, ResponsesAPIResponse, ResponsesAPIStreamEvent

# --- native: the body is already a Responses object ------------------------------------------


def parse_response(wire: Any, call: Call, adapter: Adapter) -> ResponsesAPIResponse:
    return ResponsesAPIResponse.model_validate(wire)


class EventTranslator:
    """Native Responses stream: every SSE event's data is a typed event; ``error`` raises.

    ``response.failed`` and ``response.incomplete`` are events the caller reads (as the openai
    SDK yields them); an ``error`` event ends the stream with the mapped exception.
    """

    __slots__ = ("call", "adapter")

    def __init__(self, call: Call, adapter: Adapter) -> None:
        self.call = call
        self.adapter = adapter

    def feed(self, event: str | None, data: str) -> list[ResponsesAPIStreamEvent]:
        if not data or data == "[DONE]":
            return []
        payload = loads(data)
        if event == "error" or payload.get("type") == "error":
            raise self.adapter.stream_error(self.call, _error_payload(payload))
        return [ResponsesAPIStreamEvent.model_validate(payload)]

    def close(self) -> list[ResponsesAPIStreamEvent]:
        return []


def _error_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """An ``error`` event carries code and message at the top level; give it the usual shape."""
    if isinstance(payload.get("error"), dict):
        return payload
    return {"error": {k: payload.get(k) for k in ("message", "code", "param", "type") if payload.get(k)}}


# --- bridge, request side: Responses input -> chat messages ------------------------------------


def input_items(value: Any) -> list[dict[str, Any]]:
    """The request's ``input`` as a list of items (a string is one user message)."""
    if isinstance(value, str):
        return [{"type": "message", "role": "user", "content": value}]
    return [item.model_dump(exclude_none=True) if hasattr(item, "model_dump") else item for item in value]


def items_to_messages(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Chat messages for Responses input items.

    Consecutive ``function_call`` items become one assistant message with parallel tool calls;
    a ``reasoning`` item's summary becomes the next assistant message's ``reasoning_content``.
    """
    messages: list[dict[str, Any]] = []
    reasoning: list[str] = []
    for index, item in enumerate(items):
        kind = item.get("type") or ("message" if "role" in item else None)
        if kind == "message":
            message = _message(item, index)
            if message["role"] == "assistant" and reasoning:
                message["reasoning_content"], reasoning = "".join(reasoning), []
            messages.append(message)
        elif kind == "function_call":
            _add_tool_call(messages, item, reasoning)
            reasoning = []
        elif kind == "function_call_output":
            messages.append(
                {"role": "tool", "tool_call_id": item["call_id"], "content": _output_text(item.get("output"))}
            )
        elif kind == "reasoning":
            reasoning.extend(part.get("text", "") for part in item.get("summary") or [])
        else:
            raise ValueError(
                f"input[{index}]: item type {kind!r} cannot be sent through chat completions; "
                "supported: message, function_call, function_call_output, reasoning"
            )
    return messages


_ROLES = {"user": "user", "assistant": "assistant", "system": "system", "developer": "system"}


def _message(item: dict[str, Any], index: int) -> dict[str, Any]:
    role = _ROLES.get(item.get("role", ""))
    if role is None:
        raise ValueError(f"input[{index}].role must be one of {', '.join(_ROLES)}; got {item.get('role')!r}")
    content = item.get("content")
    if isinstance(content, list):
        parts = [_content_part(part) for part in content]
        if role != "user":  # only user turns take images and files; the others are text
            content = "".join(p.get("text", "") for p in parts)
        else:
            content = parts
    return {"role": role, "content": content}


def _content_part(part: dict[str, Any]) -> dict[str, Any]:
    kind = part.get("type")
    if kind in ("input_text", "output_text", "text"):
        return {"type": "text", "text": part.get("text", "")}
    if kind == "refusal":
        return {"type": "text", "text": part.get("refusal", "")}
    if kind == "input_image":
        image: dict[str, Any] = {"url": part.get("image_url") or part.get("file_id")}
        if part.get("detail"):
            image["detail"] = part["detail"]
        return {"type": "image_url", "image_url": image}
    if kind == "input_file":
        file = {k: part[k] for k in ("file_data", "file_id", "filename") if part.get(k)}
        if part.get("file_url"):
            file["file_id"] = part["file_url"]
        return {"type": "file", "file": file}
    return part  # a chat-format part already


def _add_tool_call(messages: list[dict[str, Any]], item: dict[str, Any], reasoning: list[str]) -> None:
    call = {
        "id": item.get("call_id") or item.get("id"),
        "type": "function",
        "function": {"name": item["name"], "arguments": item.get("arguments") or "{}"},
    }
    last = messages[-1] if messages else None
    if last is not None and last["role"] == "assistant" and (last.get("tool_calls") or not reasoning):
        last.setdefault("tool_calls", []).append(call)
        return
    message: dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": [call]}
    if reasoning:
        message["reasoning_content"] = "".join(reasoning)
    messages.append(message)


def _output_text(output: Any) -> str:
    if isinstance(output, str):
        return output
    if isinstance(output, list):
        return "".join(p.get("text", "") for p in output if isinstance(p, dict))
    return json.dumps(output, ensure_ascii=False)


def tools_to_chat(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Responses function tools (``{type, name, parameters}``) as chat tools (``{type, function}``)."""
    out = []
    for index, tool in enumerate(tools):
        if tool.get("type") == "function" and "function" in tool:
            out.append(tool)  # already chat-shaped
        elif tool.get("type") == "function":
            function = {k: tool[k] for k in ("name", "description", "parameters", "strict") if k in tool}
            out.append({"type": "function", "function": function})
        else:
            raise ValueError(
                f"tools[{index}]: tool type {tool.get('type')!r} cannot be sent through chat completions; "
                "only function tools can"
            )
    return out


def tool_choice_to_chat(choice: Any) -> Any:
    if isinstance(choice, dict) and choice.get("type") == "function" and "name" in choice:
        return {"type": "function", "function": {"name": choice["name"]}}
    return choice


def text_to_response_format(text: dict[str, Any]) -> dict[str, Any] | None:
    """``text.format`` as chat's ``response_format`` (None for plain text)."""
    fmt = text.get("format") or {}
    kind = fmt.get("type")
    if kind == "json_schema":
        schema = {k: fmt[k] for k in ("name", "schema", "strict", "description") if k in fmt}
        return {"type": "json_schema", "json_schema": schema}
    if kind == "json_object":
        return {"type": "json_object"}
    return None


# --- bridge, response side: chat answer -> Responses output ------------------------------------


def new_item_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def message_item(item_id: str, text: str, status: str = "completed") -> dict[str, Any]:
    content = [{"type": "output_text", "annotations": [], "text": text}] if status == "completed" else []
    return {"id": item_id, "type": "message", "status": status, "content": content, "role": "assistant"}


def function_call_item(call_id: str, name: str, arguments: str, status: str = "completed") -> dict[str, Any]:
    return {
        "id": "fc_" + call_id,
        "type": "function_call",
        "status": status,
        "arguments": arguments,
        "call_id": call_id,
        "name": name,
    }


def reasoning_item(item_id: str, text: str | None) -> dict[str, Any]:
    summary = [{"type": "summary_text", "text": text}] if text is not None else []
    return {"id": item_id, "type": "reasoning", "summary": summary}


def chat_to_output(message: Any) -> list[dict[str, Any]]:
    """Output items for a chat message: reasoning first, then the text, then tool calls."""
    items = []
    if message.reasoning_content:
        items.append(reasoning_item(new_item_id("rs"), message.reasoning_content))
    if message.content:
        items.append(message_item(new_item_id("msg"), message.content))
    for call in message.tool_calls or []:
        items.append(
            function_call_item(
                call.id or new_item_id("call"), call.function.name or "", call.function.arguments
            )
        )
    return items


def usage_from_chat(usage: Any) -> ResponseAPIUsage | None:
    if usage is None:
        return None
    return ResponseAPIUsage.model_validate(
        {
            "input_tokens": usage.prompt_tokens,
            "input_tokens_details": {"cached_tokens": usage.cached_tokens},
            "output_tokens": usage.completion_tokens,
            "output_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
            "total_tokens": usage.total_tokens or usage.prompt_tokens + usage.completion_tokens,
        }
    )


# Chat finish reasons that leave a response incomplete, and the reason Responses gives.
_INCOMPLETE = {"length": "max_output_tokens", "content_filter": "content_filter"}


def status_for(finish_reason: str | None) -> tuple[str, dict[str, Any] | None]:
    reason = _INCOMPLETE.get(finish_reason or "")
    return ("incomplete", {"reason": reason}) if reason else ("completed", None)


class ChunkEventBuilder:
    """Chat chunks in, Responses stream events out (OpenAI's order and fields).

    Items open as their first delta arrives (``output_item.added``, then ``content_part.added``
    or ``reasoning_summary_part.added``) and close when another kind of delta begins or the
    stream ends. :meth:`finish` closes what is open and emits ``response.completed`` with the
    final response, whose output is exactly the items streamed.
    """

    def __init__(self, base: dict[str, Any], encode: Callable[[str], str] | None = None) -> None:
        self.base = base  # the response's echoed request fields
        # The response ID every ``response.*`` event carries, made from the first chunk's ID
        # (OpenAI keeps one ID for the whole stream); item IDs stay the provider's own.
        self._encode = encode or (lambda raw: raw)
        self.response_id: str | None = None
        self.items: list[dict[str, Any]] = []
        self.sequence = 0
        self.started = False
        self.finish_reason: str | None = None
        self._open: dict[str, Any] | None = None  # the item receiving deltas
        self._tools: dict[int, dict[str, Any]] = {}  # chat tool-call index -> item

    def _event(self, kind: str, **fields: Any) -> ResponsesAPIStreamEvent:
        event = ResponsesAPIStreamEvent.model_validate(
            {"type": kind, "sequence_number": self.sequence, **fields}
        )
        self.sequence += 1
        return event

    def start(self, raw_id: str, model: str | None, created: int) -> list[ResponsesAPIStreamEvent]:
        self.started = True
        self.response_id = self._encode(raw_id)
        response = {**self.base, "id": self.response_id, "model": model, "created_at": created}
        response.update(status="in_progress", output=[], usage=None)
        return [
            self._event("response.created", response=response),
            self._event("response.in_progress", response=response),
        ]

    def feed(self, chunk: Any) -> list[ResponsesAPIStreamEvent]:
        events = [] if self.started else self.start(chunk.id, chunk.model, chunk.created)
        for choice in chunk.choices[:1]:  # the Responses API has one output
            delta = choice.delta
            if delta.reasoning_content:
                events += self._text_delta("reasoning", delta.reasoning_content)
            if delta.content:
                events += self._text_delta("message", delta.content)
            for call in delta.tool_calls or []:
                events += self._tool_delta(call)
            if choice.finish_reason:
                self.finish_reason = choice.finish_reason
        return events

    def _text_delta(self, kind: str, text: str) -> list[ResponsesAPIStreamEvent]:
        events = []
        if self._open is None or self._open["type"] != kind:
            events += self._close()
            events += self._open_text(kind)
        item = self._open
        assert item is not None
        item["_text"].append(text)
        index = item["_index"]
        if kind == "message":
            events.append(
                self._event(
                    "response.output_text.delta",
                    item_id=item["id"],
                    output_index=index,
                    content_index=0,
                    delta=text,
                    logprobs=[],
                )
            )
        else:
            events.append(
                self._event(
                    "response.reasoning_summary_text.delta",
                    item_id=item["id"],
                    output_index=index,
                    summary_index=0,
                    delta=text,
                )
            )
        return events

    def _open_text(self, kind: str) -> list[ResponsesAPIStreamEvent]:
        index = len(self.items)
        if kind == "message":
            item = message_item(new_item_id("msg"), "", status="in_progress")
            part_event, part = (
                "response.content_part.added",
                {"type": "output_text", "annotations": [], "text": ""},
            )
            where = {"content_index": 0}
        else:
            item = reasoning_item(new_item_id("rs"), None)
            part_event, part = "response.reasoning_summary_part.added", {"type": "summary_text", "text": ""}
            where = {"summary_index": 0}
        added = self._event("response.output_item.added", output_index=index, item=item)
        self._open = {**item, "_index": index, "_text": []}
        self.items.append(self._open)
        return [added, self._event(part_event, item_id=item["id"], output_index=index, part=part, **where)]

    def _tool_delta(self, call: Any) -> list[ResponsesAPIStreamEvent]:
        events = []
        item = self._tools.get(call.index)
        function = call.function
        if item is None:
            events += self._close()
            index = len(self.items)
            call_id = call.id or new_item_id("call")
            fresh = function_call_item(
                call_id, (function.name if function else None) or "", "", "in_progress"
            )
            events.append(self._event("response.output_item.added", output_index=index, item=fresh))
            item = {**fresh, "_index": index, "_text": []}
            self._tools[call.index] = item
            self.items.append(item)
            self._open = item
        if function and function.arguments:
            closed = self.items[item["_index"]]
            if closed is not item:  # a provider that interleaves parallel calls: keep the result whole
                closed["arguments"] += function.arguments
                return events
            item["_text"].append(function.arguments)
            events.append(
                self._event(
                    "response.function_call_arguments.delta",
                    item_id=item["id"],
                    output_index=item["_index"],
                    delta=function.arguments,
                )
            )
        return events

    def _close(self) -> list[ResponsesAPIStreamEvent]:
        item, self._open = self._open, None
        if item is None:
            return []
        text, index, item_id = "".join(item["_text"]), item["_index"], item["id"]
        if item["type"] == "message":
            done = message_item(item_id, text)
            part = done["content"][0]
            events = [
                self._event(
                    "response.output_text.done",
                    item_id=item_id,
                    output_index=index,
                    content_index=0,
                    text=text,
                    logprobs=[],
                ),
                self._event(
                    "response.content_part.done",
                    item_id=item_id,
                    output_index=index,
                    content_index=0,
                    part=part,
                ),
            ]
        elif item["type"] == "reasoning":
            done = reasoning_item(item_id, text)
            part = done["summary"][0]
            events = [
                self._event(
                    "response.reasoning_summary_text.done",
                    item_id=item_id,
                    output_index=index,
                    summary_index=0,
                    text=text,
                ),
                self._event(
                    "response.reasoning_summary_part.done",
                    item_id=item_id,
                    output_index=index,
                    summary_index=0,
                    part=part,
                ),
            ]
        else:
            done = function_call_item(item["call_id"], item["name"], text)
            events = [
                self._event(
                    "response.function_call_arguments.done",
                    item_id=item_id,
                    name=item["name"],
                    output_index=index,
                    arguments=text,
                )
            ]
        self.items[index] = done
        events.append(self._event("response.output_item.done", output_index=index, item=done))
        return events

    def finish(self, final: ResponsesAPIResponse) -> list[ResponsesAPIStreamEvent]:
        """Emit ``response.completed`` (or ``response.incomplete``) carrying ``final``."""
        kind = "response.incomplete" if final.status == "incomplete" else "response.completed"
        return [self._event(kind, response=final)]

    def close_items(self) -> list[ResponsesAPIStreamEvent]:
        """Close the open item; afterwards :attr:`items` is the finished output."""
        return self._close()
