"""The clients the SDK benchmark compares: bare httpx/aiohttp calls and llmrelay calls.

Each dialect case knows its model string and learns the wire request (URL, headers, body) from
llmrelay's own adapter once, so the bare-client baseline sends exactly what the SDK sends and
parses the answer the way a minimal client would (``json.loads`` and one field). The
difference between the two is the SDK's own overhead.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MESSAGES = [{"role": "user", "content": "Say hello in one short sentence."}]


@dataclass
class Case:
    """One dialect to benchmark: the model to call and how a bare client reads its answers."""

    name: str
    model: str
    api_base: str
    text: Callable[[Any], str]  # the reply text from the decoded JSON answer
    url: str = ""
    stream_url: str = ""
    headers: dict[str, str] | None = None
    body: dict[str, Any] | None = None


def _openai_text(d: Any) -> str:
    return d["choices"][0]["message"]["content"]


def _anthropic_text(d: Any) -> str:
    return d["content"][0]["text"]


def _gemini_text(d: Any) -> str:
    return d["candidates"][0]["content"]["parts"][0]["text"]


CANDIDATES = {
    "openai": ("openai/fake", "/v1", _openai_text),
    "anthropic": ("anthropic/claude-sonnet-4-5", "", _anthropic_text),
    "gemini": ("gemini/gemini-2.5-flash", "/v1beta", _gemini_text),
}


def cases(upstream: str, names: list[str]) -> list[Case]:
    """The dialect cases llmrelay can call (a dialect whose spec is not there yet is skipped)."""
    from llmrelay import registry

    out = []
    for name in names:
        model, suffix, text = CANDIDATES[name]
        if model.split("/")[0] not in registry.providers():
            print(f"  (skipping {name}: no such provider in this build)")
            continue
        case = Case(name, model, upstream + suffix, text)
        _learn_wire(case)
        out.append(case)
    return out


def _learn_wire(case: Case) -> None:
    """Ask llmrelay's adapter what it would send, so the baseline sends the same request."""
    from llmrelay import main

    for stream in (False, True):
        kwargs = {"api_base": case.api_base, "api_key": "x", "stream": stream}
        adapter, call, _ = main._prepare_chat(case.model, [dict(m) for m in MESSAGES], kwargs)
        request = adapter.chat_request(call)
        if stream:
            case.stream_url = request.url
            stream_body = json.loads(request.body or b"{}")
        else:
            case.url = request.url
            case.headers = dict(request.headers)
            case.body = json.loads(request.body or b"{}")
    case.stream_body = stream_body  # type: ignore[attr-defined]


# --- bare clients ----------------------------------------------------------------------------


class RawHttpx:
    """What a program without an SDK would do with one shared ``httpx.Client``."""

    def __init__(self, case: Case) -> None:
        import httpx

        self.case = case
        self.client = httpx.Client(timeout=60)

    def complete(self) -> str:
        case = self.case
        r = self.client.post(case.url, headers=case.headers, content=json.dumps(case.body))
        r.raise_for_status()
        return case.text(json.loads(r.content))

    def stream(self) -> int:
        case = self.case
        n = 0
        body = json.dumps(case.stream_body)  # type: ignore[attr-defined]
        with self.client.stream("POST", case.stream_url, headers=case.headers, content=body) as r:
            r.raise_for_status()
            for line in r.iter_lines():
                if line.startswith("data: "):
                    data = line[6:]
                    if data == "[DONE]":
                        break
                    json.loads(data)
                    n += 1
        return n

    def close(self) -> None:
        self.client.close()


class RawAiohttp:
    """The async baseline: one ``aiohttp.ClientSession`` (created inside the running loop)."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.session: Any = None

    async def acomplete(self) -> str:
        import aiohttp

        if self.session is None:
            self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))
        case = self.case
        async with self.session.post(case.url, data=json.dumps(case.body), headers=case.headers) as r:
            r.raise_for_status()
            return case.text(json.loads(await r.read()))

    async def aclose(self) -> None:
        if self.session is not None:
            await self.session.close()
            self.session = None


class RawHttpxAsync:
    """A default ``httpx.AsyncClient`` (httpcore's pool), for the transport comparison."""

    def __init__(self, case: Case, transport: Any = None) -> None:
        self.case = case
        self.transport = transport
        self.client: Any = None

    async def acomplete(self) -> str:
        import httpx

        if self.client is None:
            limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
            self.client = httpx.AsyncClient(timeout=60, limits=limits, transport=self.transport)
        case = self.case
        r = await self.client.post(case.url, headers=case.headers, content=json.dumps(case.body))
        r.raise_for_status()
        return case.text(json.loads(r.content))

    async def aclose(self) -> None:
        if self.client is not None:
            await self.client.aclose()
            self.client = None


class Ours:
    """llmrelay, called the way a LiteLLM user calls it."""

    def __init__(self, case: Case) -> None:
        import llmrelay

        self.sdk = llmrelay
        self.case = case

    def complete(self) -> str:
        r = self.sdk.completion(
            model=self.case.model, api_base=self.case.api_base, api_key="x", messages=MESSAGES
        )
        return r.choices[0].message.content

    def stream(self) -> int:
        n = 0
        for _chunk in self.sdk.completion(
            model=self.case.model, api_base=self.case.api_base, api_key="x", messages=MESSAGES, stream=True
        ):
            n += 1
        return n

    async def acomplete(self) -> str:
        r = await self.sdk.acompletion(
            model=self.case.model, api_base=self.case.api_base, api_key="x", messages=MESSAGES
        )
        return r.choices[0].message.content

    async def aclose(self) -> None:
        from llmrelay import http

        await http.aclose_clients()
