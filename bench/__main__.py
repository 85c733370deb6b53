"""``python -m bench`` (``make bench``): llmrelay's SDK figures against the local fake upstream.

    python -m bench                      # import time, then sync / stream / async for each dialect
    python -m bench --only import,sync   # a subset: import, sync, stream, async
    python -m bench --dialect openai     # one dialect (repeatable): openai, anthropic, gemini
    python -m bench transports           # async transports compared at --concurrency
    python -m bench --json               # also print one BENCHJSON line with every figure

It starts ``python -m bench.fakeupstream`` in its own process (so the server does not share the
client's GIL), then times, in this process:

- import: ``python -X importtime -c "import llmrelay"`` (cumulative µs), median of runs;
- cpu: µs of SDK work per call with no I/O, step by step (validation, wire request, httpx
  objects, parsing into ModelResponse, cost and _hidden_params);
- sync: µs per non-streaming call, bare httpx vs llmrelay, interleaved rounds (p50/p99);
- stream: µs to consume a whole 20-chunk stream, the same way;
- async: ``acompletion`` calls/s with --concurrency tasks, next to a bare aiohttp session.

Figures only: nothing here asserts a time. The machine is shared and noisy, so compare runs
made in the same sitting.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from . import clients
from .fakeupstream import spawn, stop


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(us: list[float]) -> dict[str, float]:
    return {
        "n": len(us),
        "p50_us": round(pct(us, 50), 1),
        "p99_us": round(pct(us, 99), 1),
        "mean_us": round(statistics.fmean(us), 1),
    }


def time_calls(fn: Callable[[], Any], n: int) -> list[float]:
    gc.collect()
    out = []
    clock = time.perf_counter_ns
    for _ in range(n):
        t0 = clock()
        result = fn()
        out.append((clock() - t0) / 1000)
        assert result, "empty result"
    return out


def interleaved(
    fns: dict[str, Callable[[], Any]], calls: int, rounds: int, warmup: int
) -> dict[str, dict[str, float]]:
    """Time each function in alternating rounds so machine noise hits every one alike."""
    for fn in fns.values():
        time_calls(fn, warmup)
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            samples[name] += time_calls(fn, calls // rounds)
    return {name: summary(us) for name, us in samples.items()}


async def throughput(afn: Callable[[], Awaitable[Any]], total: int, concurrency: int) -> dict[str, float]:
    await asyncio.gather(*(afn() for _ in range(concurrency)))  # warm the pool
    per_task = total // concurrency
    latencies: list[float] = []

    async def worker() -> None:
        clock = time.perf_counter_ns
        for _ in range(per_task):
            t0 = clock()
            assert await afn(), "empty result"
            latencies.append((clock() - t0) / 1000)

    gc.collect()
    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - t0
    return {"calls_per_s": round(per_task * concurrency / wall, 1), **summary(latencies)}


def run_async(make: Callable[[], Any], total: int, concurrency: int) -> dict[str, float]:
    async def go() -> dict[str, float]:
        client = make()
        try:
            return await throughput(client.acomplete, total, concurrency)
        finally:
            await client.aclose()

    return asyncio.run(go())


def import_time(runs: int) -> dict[str, float]:
    """Cumulative ``-X importtime`` of ``import llmrelay`` and the process wall time, medians."""
    cumulative, wall = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import llmrelay"],
            capture_output=True,
            text=True,
            check=True,
        )
        wall.append((time.perf_counter() - t0) * 1000)
        last = [ln for ln in out.stderr.splitlines() if ln.rstrip().endswith("| llmrelay")][-1]
        cumulative.append(int(last.split("|")[1]) / 1000)
    t0 = time.perf_counter()
    for _ in range(runs):
        subprocess.run([sys.executable, "-c", "pass"], check=True)
    bare = (time.perf_counter() - t0) * 1000 / runs
    return {
        "importtime_ms": round(statistics.median(cumulative), 2),
        "process_wall_ms": round(statistics.median(wall), 1),
        "bare_python_wall_ms": round(bare, 1),
    }


def cpu_figures(case: clients.Case, n: int = 3000) -> dict[str, float]:
    """µs of SDK work per non-streaming call with no I/O: each step the call takes, timed alone."""
    import timeit

    import httpx
    from llmrelay import http, main

    body = httpx.post(case.url, headers=case.headers, content=json.dumps(case.body)).content
    kwargs = {"api_base": case.api_base, "api_key": "x"}
    adapter, call, _ = main._prepare_chat(case.model, list(clients.MESSAGES), dict(kwargs))
    request = adapter.chat_request(call)
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    steps = {
        "validate_and_resolve": lambda: main._prepare_chat(case.model, list(clients.MESSAGES), dict(kwargs)),
        "build_wire_request": lambda: adapter.chat_request(call),
        "httpx_request_object": lambda: http._request(request, call),
        "httpx_response_object": lambda: httpx.Response(200, headers=headers, content=body),
        "parse_to_ModelResponse": lambda: adapter.parse_chat(call, body),
        "cost_and_hidden_params": lambda: main._attach(adapter.parse_chat(call, body), adapter, call, 0.0),
    }
    out = {name: timeit.timeit(fn, number=n) / n * 1e6 for name, fn in steps.items()}
    out["cost_and_hidden_params"] -= out["parse_to_ModelResponse"]
    out = {k: round(v, 1) for k, v in out.items()}
    out["total_us"] = round(sum(out.values()), 1)
    return out


def sdk_figures(case: clients.Case, parts: set[str], a: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "cpu" in parts:
        out["cpu"] = cpu_figures(case)
    raw, ours = clients.RawHttpx(case), clients.Ours(case)
    for part, attr in (("sync", "complete"), ("stream", "stream")):
        if part not in parts:
            continue
        calls = a.calls if part == "sync" else a.stream_calls
        res = interleaved(
            {"raw_httpx": getattr(raw, attr), "llmrelay": getattr(ours, attr)}, calls, a.rounds, a.warmup
        )
        res["added_p50_us"] = round(res["llmrelay"]["p50_us"] - res["raw_httpx"]["p50_us"], 1)
        res["added_mean_us"] = round(res["llmrelay"]["mean_us"] - res["raw_httpx"]["mean_us"], 1)
        out[part] = res
    raw.close()
    if "async" in parts:
        out["async"] = {
            "raw_aiohttp": run_async(lambda: clients.RawAiohttp(case), a.async_calls, a.concurrency),
            "llmrelay": run_async(lambda: clients.Ours(case), a.async_calls, a.concurrency),
        }
    return out


def transports(case: clients.Case, a: argparse.Namespace) -> dict[str, Any]:
    """httpx's API over different async transports, at the same concurrency, plus the SDK."""
    import httpx
    from llmrelay.http import AiohttpTransport

    def over(transport: Callable[[], Any], total: int) -> dict[str, float]:
        return run_async(lambda: clients.RawHttpxAsync(case, transport()), total, a.concurrency)

    results: dict[str, Any] = {
        "aiohttp.ClientSession (no httpx)": run_async(
            lambda: clients.RawAiohttp(case), a.async_calls, a.concurrency
        ),
        "httpx + llmrelay.http.AiohttpTransport": over(lambda: AiohttpTransport(), a.async_calls),
    }
    try:
        from httpx_aiohttp import AiohttpTransport as HttpxAiohttpTransport

        results["httpx + httpx_aiohttp.AiohttpTransport"] = over(
            lambda: HttpxAiohttpTransport(limits=httpx.Limits(max_connections=100)), a.async_calls
        )
    except ImportError:
        results["httpx + httpx_aiohttp.AiohttpTransport"] = "httpx-aiohttp not installed"
    # httpcore's pool collapses at this concurrency: fewer calls keep the run short.
    results["httpx.AsyncClient (httpcore pool)"] = over(
        lambda: httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=100)),
        max(a.concurrency * 4, a.async_calls // 5),
    )
    results["llmrelay.acompletion"] = run_async(lambda: clients.Ours(case), a.async_calls, a.concurrency)
    return results


def show(title: str, figures: Any, indent: int = 0) -> None:
    pad = "  " * indent
    if not isinstance(figures, dict):
        print(f"{pad}{title}: {figures}")
        return
    if all(not isinstance(v, dict) for v in figures.values()):
        print(f"{pad}{title}: " + "  ".join(f"{k}={v}" for k, v in figures.items()))
        return
    print(f"{pad}{title}")
    for key, value in figures.items():
        show(key, value, indent + 1)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("command", nargs="?", default="sdk", choices=["sdk", "transports"])
    ap.add_argument(
        "--only",
        default="import,cpu,sync,stream,async",
        help="comma list of: import, cpu, sync, stream, async",
    )
    ap.add_argument("--dialect", action="append", choices=list(clients.CANDIDATES), help="default: all three")
    ap.add_argument("--calls", type=int, default=2000, help="timed sync calls per client")
    ap.add_argument("--stream-calls", type=int, default=1000, help="timed streams per client")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds the calls are split into")
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--async-calls", type=int, default=3000)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--import-runs", type=int, default=7)
    ap.add_argument("--upstream", help="use a running fake upstream at this URL instead of starting one")
    ap.add_argument("--json", action="store_true", help="also print a BENCHJSON line")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    a = parse_args(argv)
    parts = set(a.only.split(","))
    results: dict[str, Any] = {"python": sys.version.split()[0]}
    if a.command == "sdk" and "import" in parts:
        results["import"] = import_time(a.import_runs)
        show("import llmrelay", results["import"])
    proc = None
    upstream = a.upstream
    if upstream is None:
        proc, upstream = spawn(None, "--chunks", "20")
    try:
        for case in clients.cases(upstream, a.dialect or list(clients.CANDIDATES)):
            if a.command == "transports":
                results[f"transports/{case.name}"] = transports(case, a)
                show(
                    f"async transports, {case.name}, concurrency {a.concurrency}",
                    results[f"transports/{case.name}"],
                )
                continue
            figures = sdk_figures(case, parts - {"import"}, a)
            results[case.name] = figures
            show(f"{case.name} ({case.model})", figures)
    finally:
        if proc is not None:
            stop(proc)
    if a.json:
        print("BENCHJSON " + json.dumps(results))


if __name__ == "__main__":
    main()
