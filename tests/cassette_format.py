"""The cassette format: readable YAML that rebuilds the exact wire bytes on replay.

A cassette file (``cassettes/<provider>/<capability>/<scenario>.yaml``)::

    source: https://docs.example.com/api/messages     # the page or reference it was written from
    interactions:
      - request:
          method: POST
          uri: https://api.example.com/v1/messages
          headers: {content-type: application/json}
          json: {model: m, messages: [...]}           # compared by meaning with what the SDK sends
        response:
          status: 200
          headers: {content-type: application/json}
          json: {...}                                 # a JSON body, as YAML
          # or  sse: [{event: message_start, data: {...}}, {data: "[DONE]"}]
          # or  text: "raw body"

SSE events are rebuilt as ``event: <event>\\n`` (when present) ``data: <compact JSON or string>\\n\\n``.
JSON bodies are rebuilt compact (``separators=(",", ":")``), as most providers send them.
This module registers itself with vcrpy as the ``llmrelay`` serializer and provides the
``json_body`` matcher.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

_HTTP_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    408: "Request Timeout",
    413: "Payload Too Large",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    529: "Site Overloaded",
}


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def sse_bytes(events: list[dict[str, Any]]) -> str:
    out = []
    for item in events:
        if "comment" in item:
            out.append(f": {item['comment']}\n\n")
            continue
        data = item["data"]
        text = data if isinstance(data, str) else _compact(data)
        head = f"event: {item['event']}\n" if item.get("event") else ""
        out.append(head + "".join(f"data: {line}\n" for line in text.split("\n")) + "\n")
    return "".join(out)


def _headers(headers: dict[str, Any] | None) -> dict[str, list[str]]:
    return {k: (v if isinstance(v, list) else [str(v)]) for k, v in (headers or {}).items()}


def _request(req: dict[str, Any]) -> dict[str, Any]:
    body = _compact(req["json"]) if "json" in req else req.get("body")
    return {"method": req["method"], "uri": req["uri"], "headers": _headers(req.get("headers")), "body": body}


def _response(resp: dict[str, Any]) -> dict[str, Any]:
    status = resp["status"]
    code = status if isinstance(status, int) else status["code"]
    headers = _headers(resp.get("headers"))
    if "json" in resp:
        body = _compact(resp["json"])
        headers.setdefault("content-type", ["application/json"])
    elif "sse" in resp:
        body = sse_bytes(resp["sse"])
        headers.setdefault("content-type", ["text/event-stream"])
    elif "ndjson" in resp:
        body = "".join(_compact(line) + "\n" for line in resp["ndjson"])
        headers.setdefault("content-type", ["application/x-ndjson"])
    else:
        body = resp.get("text", "")
    return {
        "status": {"code": code, "message": _HTTP_REASONS.get(code, "")},
        "headers": headers,
        "body": {"string": body},
    }


def deserialize(text: str) -> dict[str, Any]:
    data = yaml.safe_load(text) or {}
    interactions = [
        {"request": _request(i["request"]), "response": _response(i["response"])}
        for i in data.get("interactions", [])
    ]
    return {"interactions": interactions, "version": 1}


def serialize(cassette: dict[str, Any]) -> str:
    """Write recorded interactions in the readable form (used only when recording is on)."""
    out = []
    for item in cassette["interactions"]:
        req, resp = item["request"], item["response"]
        request: dict[str, Any] = {
            "method": req["method"],
            "uri": req["uri"],
            "headers": req.get("headers", {}),
        }
        try:
            request["json"] = json.loads(req["body"]) if req.get("body") else None
        except (TypeError, ValueError):
            request["body"] = req.get("body")
        body = resp["body"]["string"]
        body = body.decode() if isinstance(body, bytes) else body
        response: dict[str, Any] = {"status": resp["status"]["code"], "headers": resp.get("headers", {})}
        try:
            response["json"] = json.loads(body)
        except ValueError:
            response["text"] = body
        out.append({"request": request, "response": response})
    return yaml.safe_dump({"source": "recorded", "interactions": out}, sort_keys=False, allow_unicode=True)


def json_body(r1: Any, r2: Any) -> None:
    """vcrpy matcher: request bodies equal by meaning (JSON), else byte-equal."""
    b1, b2 = _body_text(r1.body), _body_text(r2.body)
    try:
        j1, j2 = json.loads(b1), json.loads(b2)
    except (TypeError, ValueError):
        assert b1 == b2, f"bodies differ:\n  sent:     {b1!r:.300}\n  recorded: {b2!r:.300}"
        return
    assert j1 == j2, f"JSON bodies differ:\n  sent:     {_compact(j1)}\n  recorded: {_compact(j2)}"


def _body_text(body: Any) -> str:
    if body is None:
        return ""
    return body.decode("utf-8") if isinstance(body, bytes) else str(body)
