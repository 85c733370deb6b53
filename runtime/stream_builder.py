"""Rebuild a whole ``chat.completion`` from its stream chunks (LiteLLM's ``stream_chunk_builder``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .types import (
    ChatCompletionMessageToolCall,
    Choices,
    Function,
    Message,
    ModelResponse,
    ModelResponseStream,
    Usage,
)


class _ChoiceAccumulator:
    __slots__ = (
        "content",
        "reasoning",
        "thinking",
        "tools",
        "function",
        "finish",
        "role",
        "refusal",
        "logprobs",
    )

    def __init__(self) -> None:
        self.content: list[str] = []
        self.reasoning: list[str] = []
        self.thinking: list[dict[str, Any]] = []
        self.tools: dict[int, dict[str, Any]] = {}
        self.function: dict[str, str] | None = None
        self.finish: str | None = None
        self.role = "assistant"
        self.refusal: list[str] = []
        self.logprobs: list[dict[str, Any]] | None = None

    def add_logprobs(self, logprobs: Any) -> None:
        if logprobs is not None and logprobs.content:
            self.logprobs = (self.logprobs or []) + list(logprobs.content)

    def add(self, delta: Any, finish: str | None) -> None:
        if delta.role:
            self.role = delta.role
        if delta.content:
            self.content.append(delta.content)
        if delta.reasoning_content:
            self.reasoning.append(delta.reasoning_content)
        if delta.refusal:
            self.refusal.append(delta.refusal)
        if delta.thinking_blocks:
            self.thinking.extend(delta.thinking_blocks)
        for call in delta.tool_calls or ():
            self._add_tool_call(call)
        if delta.function_call is not None:
            self.function = self.function or {"name": "", "arguments": ""}
            self.function["name"] += delta.function_call.name or ""
            self.function["arguments"] += delta.function_call.arguments or ""
        if finish:
            self.finish = finish

    def _add_tool_call(self, call: Any) -> None:
        slot = self.tools.setdefault(call.index, {"id": None, "name": "", "arguments": []})
        if call.id:
            slot["id"] = call.id
        if call.function is not None:
            if call.function.name:
                slot["name"] += call.function.name
            if call.function.arguments:
                slot["arguments"].append(call.function.arguments)

    def message(self) -> Message:
        tool_calls = [
            ChatCompletionMessageToolCall(
                id=slot["id"], function=Function(name=slot["name"], arguments="".join(slot["arguments"]))
            )
            for _, slot in sorted(self.tools.items())
        ]
        return Message(
            role=self.role,  # type: ignore[arg-type]
            content="".join(self.content) or None,
            reasoning_content="".join(self.reasoning) or None,
            thinking_blocks=_merge_thinking(self.thinking) or None,
            tool_calls=tool_calls or None,
            function_call=Function(**self.function) if self.function else None,
            refusal="".join(self.refusal) or None,
        )


def _merge_thinking(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Join consecutive thinking deltas into whole blocks; a signature closes a block."""
    merged: list[dict[str, Any]] = []
    for block in blocks:
        last = merged[-1] if merged else None
        whole = block.get("type") == "redacted_thinking"  # redacted blocks always arrive whole
        if (
            not whole
            and last is not None
            and last.get("type") == block.get("type")
            and not last.get("signature")
        ):
            for key, value in block.items():
                if key in ("thinking", "data") and isinstance(value, str):
                    last[key] = last.get(key, "") + value
                elif value is not None:
                    last[key] = value
        else:
            merged.append(dict(block))
    return merged


def stream_chunk_builder(
    chunks: Iterable[ModelResponseStream], messages: list[dict[str, Any]] | None = None
) -> ModelResponse:
    """The full response the chunks add up to: content, reasoning, tool calls and usage.

    Chunks may also be plain dicts (``chunk.model_dump()`` snapshots). Usage split over several
    chunks (the prompt count in one, the completion count in another) is combined; provider
    extras on the chunks (``citations``…) carry over to the response, the last value winning.
    """
    chunks = [_as_chunk(c) for c in chunks]
    if not chunks:
        raise ValueError("stream_chunk_builder needs at least one chunk")
    choices: dict[int, _ChoiceAccumulator] = {}
    usages: list[Usage] = []
    extras: dict[str, Any] = {}
    for chunk in chunks:
        if chunk.usage is not None:
            usages.append(chunk.usage)
        if chunk.__pydantic_extra__:
            extras.update((k, v) for k, v in chunk.__pydantic_extra__.items() if k not in _PER_CHUNK_FIELDS)
        for choice in chunk.choices:
            acc = choices.setdefault(choice.index, _ChoiceAccumulator())
            acc.add(choice.delta, choice.finish_reason)
            acc.add_logprobs(choice.logprobs)
    first = chunks[0]
    usage = _combined_usage(usages)
    response = ModelResponse(
        id=first.id,
        created=first.created,
        # a router upstream may name the request's model first and the serving model after it
        model=next((c.model for c in reversed(chunks) if c.model and c.model != first.model), first.model),
        system_fingerprint=next((c.system_fingerprint for c in chunks if c.system_fingerprint), None),
        choices=[
            Choices(
                index=index,
                message=acc.message(),
                finish_reason=acc.finish or "stop",
                logprobs={"content": acc.logprobs} if acc.logprobs is not None else None,
            )
            for index, acc in sorted(choices.items())
        ],
        usage=usage,
        **extras,
    )
    if usage is None and messages is not None:
        response.usage = _counted_usage(first.model or "", messages, response)
    return response


# Chunk-level fields that describe one chunk only and mean nothing on the whole response
# (OpenAI pads each chunk with a random `obfuscation` string).
_PER_CHUNK_FIELDS = frozenset({"obfuscation"})


def _as_chunk(chunk: Any) -> ModelResponseStream:
    if isinstance(chunk, ModelResponseStream):
        return chunk
    if isinstance(chunk, dict):
        return ModelResponseStream.model_validate({k: v for k, v in chunk.items() if not k.startswith("_")})
    raise TypeError(
        f"stream_chunk_builder takes chat.completion.chunk objects or dicts, got {type(chunk).__name__}"
    )


def _combined_usage(usages: list[Usage]) -> Usage | None:
    """One Usage from the chunks that carried one: the last non-zero count of each kind wins."""
    if len(usages) <= 1:
        return usages[0] if usages else None
    last = usages[-1]
    prompt = next((u.prompt_tokens for u in reversed(usages) if u.prompt_tokens), 0)
    completion = next((u.completion_tokens for u in reversed(usages) if u.completion_tokens), 0)
    if (prompt, completion) == (last.prompt_tokens, last.completion_tokens):
        return last  # the usual case: one final chunk holds every figure
    merged = last.model_copy()
    merged.prompt_tokens, merged.completion_tokens = prompt, completion
    merged.total_tokens = prompt + completion
    for name in (
        "prompt_tokens_details",
        "completion_tokens_details",
        "cache_read_input_tokens",
        "cache_creation_input_tokens",
    ):
        if getattr(merged, name) is None:
            setattr(
                merged,
                name,
                next((getattr(u, name) for u in reversed(usages) if getattr(u, name) is not None), None),
            )
    return merged


def rebuild_response(
    chunks: Iterable[ModelResponseStream], messages: list[dict[str, Any]] | None = None
) -> ModelResponse | None:
    """LiteLLM's public ``stream_chunk_builder``: None for no chunks, and usage always present.

    When no chunk carried usage it is counted: the completion from the rebuilt text, the prompt
    from ``messages`` (0 without them), as LiteLLM does. The stream wrapper uses
    :func:`stream_chunk_builder` instead, which leaves usage unset so the wrapper can fill in the
    figures the upstream sent but the caller did not ask to see.
    """
    chunks = list(chunks)
    if not chunks:
        return None
    response = stream_chunk_builder(chunks, messages)
    if response.usage is None:
        response.usage = _counted_usage(response.model or "", messages or [], response)
    return response


def _counted_usage(model: str, messages: list[dict[str, Any]], response: ModelResponse) -> Usage:
    from .tokens import token_counter

    prompt = token_counter(model=model, messages=messages) if messages else 0
    text = "".join((c.message.content or "") + (c.message.reasoning_content or "") for c in response.choices)
    completion = token_counter(model=model, text=text, count_response_tokens=True)
    return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)
