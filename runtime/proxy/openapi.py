"""The OpenAPI document at ``/openapi.json`` and a self-contained route list at ``/docs``.

The document is built from the route table, so it lists exactly what the gateway serves.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from .http import Request, Response, dumps

if TYPE_CHECKING:
    from .app import Gateway

_PUBLIC = {"/health/liveliness", "/health/liveness", "/health/readiness", "/openapi.json", "/docs"}


def _tag(path: str) -> str:
    if path.startswith(("/key", "/team", "/user")):
        return "management"
    if path.startswith("/spend"):
        return "spend"
    if path.startswith("/health") or path in ("/openapi.json", "/docs"):
        return "health"
    return "models"


def _summary(handler: Any) -> str:
    doc = (handler.__doc__ or handler.__module__.rsplit(".", 1)[-1]).strip().splitlines()[0]
    return f"{handler.__name__.replace('_', ' ')}: {doc}"


def build_document() -> dict[str, Any]:
    from . import app

    paths: dict[str, dict[str, Any]] = {}
    routes = [(m, p, h) for (m, p), h in app.ROUTES.items()]
    routes += [(m, prefix + "{id}" + suffix, h) for m, prefix, suffix, h in app.PARAM_ROUTES]
    for method, path, handler in sorted(routes, key=lambda r: (r[1], r[0])):
        op: dict[str, Any] = {
            "summary": _summary(handler),
            "tags": [_tag(path)],
            "responses": {"200": {"description": "OK"}, "4XX": {"$ref": "#/components/responses/Error"}},
        }
        if path not in _PUBLIC:
            op["security"] = [{"bearer": []}]
        if method == "POST":
            op["requestBody"] = {"content": {"application/json": {"schema": {"type": "object"}}}}
        paths.setdefault(path, {})[method.lower()] = op
    error = {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {k: {"type": "string"} for k in ("message", "type", "param", "code")},
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "llmrelay gateway", "version": _version()},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Error": {
                    "description": "OpenAI-shaped error",
                    "content": {"application/json": {"schema": error}},
                }
            },
        },
    }


def _version() -> str:
    import llmrelay

    return getattr(llmrelay, "__version__", "0")


async def openapi_json(gw: Gateway, request: Request) -> Response:
    return Response(dumps(build_document()))


async def docs(gw: Gateway, request: Request) -> Response:
    doc = build_document()
    rows = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            cells = (method.upper(), path, op["summary"], "key" if "security" in op else "public")
            rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>llmrelay gateway API</title>"
        "<style>body{font-family:sans-serif;margin:2em}td{padding:2px 12px}</style></head><body>"
        "<h1>llmrelay gateway</h1><p>Machine-readable: <a href='/openapi.json'>/openapi.json</a>. "
        "OpenAI routes are also served under <code>/v1</code>.</p>"
        "<table><tr><th>method</th><th>path</th><th>what</th><th>auth</th></tr>"
        + "".join(rows)
        + "</table></body></html>"
    )
    return Response(page.encode(), 200, [(b"content-type", b"text/html; charset=utf-8")])
