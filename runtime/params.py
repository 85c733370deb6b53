"""The OpenAI request parameters llmrelay understands, and their validation.

Validation happens before any network I/O and names the parameter, what was given and what is
allowed. It is a table lookup per given parameter, cheap enough for the hot path.
"""

from __future__ import annotations

from typing import Any

from . import exceptions

_NUMBER = (int, float)

# OpenAI chat parameter -> accepted Python types (bool is rejected where a number is expected).
CHAT_PARAMS: dict[str, tuple[type, ...]] = {
    "temperature": _NUMBER,
    "top_p": _NUMBER,
    "n": (int,),
    "max_tokens": (int,),
    "max_completion_tokens": (int,),
    "stop": (str, list),
    "presence_penalty": _NUMBER,
    "frequency_penalty": _NUMBER,
    "logit_bias": (dict,),
    "logprobs": (bool,),
    "top_logprobs": (int,),
    "seed": (int,),
    "user": (str,),
    "tools": (list,),
    "tool_choice": (str, dict),
    "parallel_tool_calls": (bool,),
    "response_format": (dict,),
    "reasoning_effort": (str,),
    "stream_options": (dict,),
    "modalities": (list,),
    "audio": (dict,),
    "prediction": (dict,),
    "service_tier": (str,),
    "store": (bool,),
    "metadata": (dict,),
    "functions": (list,),
    "function_call": (str, dict),
    "web_search_options": (dict,),
    "verbosity": (str,),
}
CHAT_PARAM_NAMES = frozenset(CHAT_PARAMS)

EMBEDDING_PARAMS: dict[str, tuple[type, ...]] = {
    "dimensions": (int,),
    "encoding_format": (str,),
    "user": (str,),
}
IMAGE_PARAMS: dict[str, tuple[type, ...]] = {
    "n": (int,),
    "size": (str,),
    "quality": (str,),
    "style": (str,),
    "response_format": (str,),
    "user": (str,),
    "background": (str,),
    "output_format": (str,),
    "moderation": (str,),
}
TEXT_COMPLETION_PARAMS: dict[str, tuple[type, ...]] = {
    "max_tokens": (int,),
    "temperature": _NUMBER,
    "top_p": _NUMBER,
    "n": (int,),
    "stop": (str, list),
    "echo": (bool,),
    "logprobs": (int,),
    "best_of": (int,),
    "suffix": (str,),
    "presence_penalty": _NUMBER,
    "frequency_penalty": _NUMBER,
    "logit_bias": (dict,),
    "seed": (int,),
    "user": (str,),
    "stream_options": (dict,),
}

_ROLES = frozenset({"system", "user", "assistant", "tool", "function", "developer"})
_REASONING_EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh")


def _bad(message: str, param: str | None = None) -> None:
    exceptions.raise_error("BadRequestError", message, param=param, llm_provider=None)


def check_types(params: dict[str, Any], table: dict[str, tuple[type, ...]]) -> None:
    if table is CHAT_PARAMS:
        _litellm_habits(params)
    for name, value in params.items():
        allowed = table.get(name)
        if allowed is None:
            continue
        if isinstance(value, bool) and bool not in allowed:
            ok = False
        else:
            ok = isinstance(value, allowed)
        if not ok:
            names = " or ".join(t.__name__ for t in allowed)
            _bad(f"parameter {name!r} must be {names}, got {type(value).__name__}: {value!r:.80}", name)
    _check_values(params)


def _litellm_habits(params: dict[str, Any]) -> None:
    """Rewrite, in place, chat parameters LiteLLM users pass with LiteLLM's meaning.

    - ``response_format=MyPydanticModel`` becomes OpenAI's strict ``json_schema`` format.
    - ``metadata=`` is logging metadata for callbacks in LiteLLM, never sent to the provider
      (OpenAI refuses it with 400 unless ``store`` is on). It moves to ``litellm_metadata``,
      which no adapter sends; with ``store=True`` it stays OpenAI's stored-completion metadata.
    """
    fmt = params.get("response_format")
    if isinstance(fmt, type) and hasattr(fmt, "model_json_schema"):
        params["response_format"] = response_format_param(fmt)
    if "metadata" in params and not params.get("store"):
        params["litellm_metadata"] = params.pop("metadata")


def _check_values(params: dict[str, Any]) -> None:
    stop = params.get("stop")
    if isinstance(stop, list) and not all(isinstance(s, str) for s in stop):
        _bad("parameter 'stop' must be a string or a list of strings", "stop")
    effort = params.get("reasoning_effort")
    if isinstance(effort, str) and effort not in _REASONING_EFFORTS:
        _bad(
            f"reasoning_effort must be one of {', '.join(_REASONING_EFFORTS)}; got {effort!r}",
            "reasoning_effort",
        )
    for tool in params.get("tools") or ():
        # A provider's own tool entries carry no OpenAI "type" ({"googleSearch": {}} for Gemini).
        if not isinstance(tool, dict) or not tool:
            _bad(
                "each entry of 'tools' must be an object: {'type': 'function', 'function': {...}} "
                "or a provider's own tool entry such as {'googleSearch': {}}",
                "tools",
            )
        if "function" in tool and tool.get("type") != "function":
            _bad("a tool with a 'function' entry needs 'type': 'function'", "tools")
        if tool.get("type") == "function" and not isinstance((tool.get("function") or {}).get("name"), str):
            _bad("a function tool needs 'function': {'name': ..., 'parameters': {...}}", "tools")
    fmt = params.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") not in ("text", "json_object", "json_schema"):
        _bad("response_format.type must be 'text', 'json_object' or 'json_schema'", "response_format")


def check_messages(messages: Any) -> list[dict[str, Any]]:
    """Messages must be a non-empty list of objects with a known role."""
    if not isinstance(messages, list) or not messages:
        _bad("'messages' must be a non-empty list of message objects", "messages")
    if any(hasattr(m, "model_dump") for m in messages):
        # A response's Message sent back in the next turn (a LiteLLM habit): use its dict form,
        # in a new list so the caller's own list is left as it was.
        messages = [m.model_dump(exclude_none=True) if hasattr(m, "model_dump") else m for m in messages]
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            _bad(
                f"messages[{i}] must be an object with 'role' and 'content', got {type(message).__name__}",
                "messages",
            )
        role = message.get("role")
        if role not in _ROLES:
            _bad(f"messages[{i}].role must be one of {', '.join(sorted(_ROLES))}; got {role!r}", "messages")
        content = message.get("content")
        if content is not None and not isinstance(content, str | list):
            _bad(f"messages[{i}].content must be a string, a list of content parts or null", "messages")
        if content is None and role in ("user", "system", "developer"):
            _bad(f"messages[{i}] ({role}) has no content", "messages")
    return messages


# --- response_format=PydanticModel -------------------------------------------------------------


def response_format_param(model: type) -> dict[str, Any]:
    """A pydantic model class as OpenAI's strict ``json_schema`` response format.

    LiteLLM (like openai's ``parse()``) accepts ``response_format=MyModel``; the schema is made
    strict the way OpenAI requires it: every object closed (``additionalProperties: false``) with
    all its properties required, ``$ref`` siblings merged, ``None`` defaults dropped.
    """
    schema = model.model_json_schema()  # type: ignore[attr-defined]
    return {
        "type": "json_schema",
        "json_schema": {"schema": _strict(schema, schema), "name": model.__name__, "strict": True},
    }


def _strict(node: Any, root: dict[str, Any]) -> Any:
    if not isinstance(node, dict):
        return node
    for defs in ("$defs", "definitions"):
        for name, sub in (node.get(defs) or {}).items():
            node[defs][name] = _strict(sub, root)
    if node.get("type") == "object" and "additionalProperties" not in node:
        node["additionalProperties"] = False
    properties = node.get("properties")
    if isinstance(properties, dict):
        node["required"] = list(properties)
        node["properties"] = {k: _strict(v, root) for k, v in properties.items()}
    if isinstance(node.get("items"), dict):
        node["items"] = _strict(node["items"], root)
    if isinstance(node.get("anyOf"), list):
        node["anyOf"] = [_strict(v, root) for v in node["anyOf"]]
    all_of = node.get("allOf")
    if isinstance(all_of, list):
        if len(all_of) == 1:  # a single allOf (pydantic's way of adding a description to a $ref)
            node.update(_strict(all_of[0], root))
            node.pop("allOf")
        else:
            node["allOf"] = [_strict(v, root) for v in all_of]
    if "default" in node and node["default"] is None:
        node.pop("default")
    ref = node.get("$ref")
    if isinstance(ref, str) and len(node) > 1:  # OpenAI refuses $ref with sibling keys: inline it
        target = _resolve(root, ref)
        node.pop("$ref")
        return _strict({**target, **node}, root)
    return node


def _resolve(root: dict[str, Any], ref: str) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"response_format: cannot resolve $ref {ref!r}")
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part]
    return dict(node)
