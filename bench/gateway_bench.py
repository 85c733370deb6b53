#!/usr/bin/env python3
"""Gateway benchmark: llmrelay's gateway (and optionally LiteLLM's proxy) against the project's
fake upstream, side by side, on loopback.

    python bench/gateway_bench.py [--duration 10] [--conns 1,10,50] [--peer-python /tmp/peer/bin/python]

Measured (printed, and written as JSON to bench/results/gateway.json; no assertion anywhere):
- start-up: spawn -> ``/health/liveliness`` answers, on an empty data folder and on a warm one;
- requests/s and p50/p99 latency at each connection count (wrk, one thread), directly against
  the upstream and through the gateway; added latency = gateway p50 - direct p50;
- peak RSS of the gateway process after the load;
- streaming: time to first byte and total time of 100 sequential 20-chunk streams.

The llmrelay run is the realistic one the issue asks for: requests use a virtual key that has
a budget, RPM/TPM limits and spend logging, so every request is authenticated, checked against
its budget and limits, and writes a spend row. The LiteLLM peer runs with its master key and no
database (its minimal set-up, as in ../shared/bench), so it does strictly less work per request.
Needs wrk (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MASTER = "sk-bench-master-0123456789abcdef"
STARTED: list[subprocess.Popen[bytes]] = []


def log(*parts: object) -> None:
    print("[gateway-bench]", *parts, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(
    cmd: list[str], env: dict[str, str] | None = None, cwd: str | None = None
) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        cmd,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    STARTED.append(proc)
    return proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def request(
    port: int, method: str, path: str, body: Any = None, key: str = MASTER
) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    payload = json.dumps(body).encode() if body is not None else None
    conn.request(
        method, path, payload, {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    )
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, dict(resp.getheaders()), data


def wait_ready(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if request(port, "GET", "/health/liveliness")[0] == 200:
                return time.perf_counter() - started
        except OSError:
            time.sleep(0.01)
    raise TimeoutError("server did not start")


def wrk(port: int, path: str, conns: int, duration: int, key: str, model: str) -> dict[str, Any]:
    env = {**os.environ, "BENCH_KEY": key, "BENCH_MODEL": model}
    cmd = [
        "wrk",
        "-t1",
        f"-c{conns}",
        f"-d{duration}s",
        "-s",
        str(HERE / "gateway_post.lua"),
        f"http://127.0.0.1:{port}{path}",
    ]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    match = re.search(r"BENCHJSON (\{.*\})", out)
    if not match:
        raise RuntimeError(f"no summary from wrk:\n{out}")
    return json.loads(match.group(1))


def rss_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM summed over the process and its children (workers)."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total = {"rss_kb": 0, "hwm_kb": 0}
    for p in pids:
        status = Path(f"/proc/{p}/status").read_text()
        total["rss_kb"] += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        total["hwm_kb"] += int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return total


def streams(port: int, key: str, n: int = 100) -> dict[str, float]:
    body = json.dumps(
        {"model": "fake", "stream": True, "messages": [{"role": "user", "content": "hi"}]}
    ).encode()
    ttfb, total = [], []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(n):
        t0 = time.perf_counter()
        conn.request(
            "POST",
            "/v1/chat/completions",
            body,
            {"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        resp = conn.getresponse()
        first = resp.read1(1)
        t1 = time.perf_counter()
        rest = resp.read()
        t2 = time.perf_counter()
        assert resp.status == 200 and b"[DONE]" in first + rest
        ttfb.append((t1 - t0) * 1e6)
        total.append((t2 - t0) * 1e6)
    conn.close()
    return {"ttfb_p50_us": round(statistics.median(ttfb)), "total_p50_us": round(statistics.median(total))}


def config_text(upstream_port: int) -> str:
    return f"""model_list:
  - model_name: fake
    litellm_params:
      model: openai/fake
      api_base: http://127.0.0.1:{upstream_port}/v1
      api_key: sk-fake
      input_cost_per_token: 0.000001
      output_cost_per_token: 0.000002
general_settings:
  master_key: {MASTER}
"""


def measure_server(
    name: str,
    cmd: list[str],
    port: int,
    workdir: Path,
    args: argparse.Namespace,
    virtual_key: bool,
    env: dict[str, str],
) -> dict[str, Any]:
    result: dict[str, Any] = {"cmd": " ".join(cmd)}
    starts = []
    for _ in range(2):  # first on an empty data folder (migrations run), then warm
        proc = spawn(cmd, env, str(workdir))
        starts.append(round(wait_ready(port, proc), 3))
        if len(starts) < 2:
            stop(proc)
    result["startup_s"] = {"cold": starts[0], "warm": starts[1]}
    key = MASTER
    if virtual_key:
        fields = {"max_budget": 1e9, "rpm_limit": 10**9, "tpm_limit": 10**12, "key_alias": "bench"}
        status, _, data = request(port, "POST", "/key/generate", fields)
        assert status == 200, data
        key = json.loads(data)["key"]
    status, headers, data = request(
        port,
        "POST",
        "/v1/chat/completions",
        {"model": "fake", "messages": [{"role": "user", "content": "hi"}]},
        key,
    )
    assert status == 200, data
    result["rss_after_start"] = rss_kb(proc.pid)
    result["load"] = {}
    for conns in args.conns:
        wrk(port, "/v1/chat/completions", conns, 2, key, "fake")  # warm-up
        result["load"][f"c{conns}"] = wrk(port, "/v1/chat/completions", conns, args.duration, key, "fake")
        log(name, f"c{conns}", result["load"][f"c{conns}"])
    result["rss_after_load"] = rss_kb(proc.pid)
    result["stream"] = streams(port, key)
    stop(proc)
    return result


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=int, default=10, help="seconds of wrk per connection count")
    p.add_argument("--conns", default="1,10,50")
    p.add_argument("--python", default=sys.executable, help="interpreter with llmrelay[proxy] installed")
    p.add_argument("--peer-python", help="interpreter of a venv with litellm[proxy] (measured side by side)")
    p.add_argument("--out", default=str(HERE / "results" / "gateway.json"))
    args = p.parse_args()
    args.conns = [int(c) for c in args.conns.split(",")]
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    report: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "nproc": os.cpu_count(),
        "duration_s": args.duration,
    }
    up_port = free_port()
    upstream = spawn([args.python, str(HERE / "gateway_upstream.py"), "--port", str(up_port)])
    try:
        wait_ready_upstream(up_port, upstream)
        report["direct"] = {}
        for conns in args.conns:
            report["direct"][f"c{conns}"] = wrk(
                up_port, "/v1/chat/completions", conns, args.duration, "x", "fake"
            )
        report["direct"]["stream"] = streams(up_port, "x")
        with tempfile.TemporaryDirectory(prefix="gw-bench-") as tmp:
            work = Path(tmp)
            cfg = work / "config.yaml"
            cfg.write_text(config_text(up_port))
            port = free_port()
            bindir = Path(args.python).parent
            ours = [
                str(bindir / "python"),
                "-m",
                "llmrelay.proxy.cli",
                "--config",
                str(cfg),
                "--port",
                str(port),
            ]
            report["llmrelay"] = measure_server(
                "llmrelay", ours, port, work, args, True, {"LLMRELAY_HOME": str(work)}
            )
            if args.peer_python:
                peer_bin = Path(args.peer_python).parent
                peer = [str(peer_bin / "litellm"), "--config", str(cfg), "--port", str(port)]
                env = {"LITELLM_LOCAL_MODEL_COST_MAP": "True"}
                report["litellm"] = measure_server("litellm", peer, port, work, args, False, env)
    finally:
        for proc in STARTED:
            stop(proc)
    summarize(report)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1))
    log("written", args.out)
    return 0


def wait_ready_upstream(port: int, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(500):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("upstream exited") from None
            time.sleep(0.01)
    raise TimeoutError("upstream did not start")


def summarize(report: dict[str, Any]) -> None:
    direct = report["direct"]
    rows = [("system", "conns", "req/s", "p50 ms", "p99 ms", "added p50 ms", "non-2xx")]
    for name in ("llmrelay", "litellm"):
        if name not in report:
            continue
        for label, load in report[name]["load"].items():
            added = (load["p50_us"] - direct[label]["p50_us"]) / 1000
            rows.append(
                (
                    name,
                    label[1:],
                    f"{load['rps']:.0f}",
                    f"{load['p50_us'] / 1000:.2f}",
                    f"{load['p99_us'] / 1000:.2f}",
                    f"{added:.2f}",
                    str(load["non2xx"]),
                )
            )
    for label, load in direct.items():
        if label.startswith("c"):
            rows.append(
                (
                    "direct",
                    label[1:],
                    f"{load['rps']:.0f}",
                    f"{load['p50_us'] / 1000:.2f}",
                    f"{load['p99_us'] / 1000:.2f}",
                    "-",
                    str(load["non2xx"]),
                )
            )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))
    for name in ("llmrelay", "litellm"):
        if name in report:
            r = report[name]
            print(
                f"{name}: start-up cold {r['startup_s']['cold']} s, warm {r['startup_s']['warm']} s; "
                f"peak RSS {r['rss_after_load']['hwm_kb'] / 1024:.0f} MiB; stream TTFB p50 {r['stream']['ttfb_p50_us'] / 1000:.2f} ms "
                f"(direct {direct['stream']['ttfb_p50_us'] / 1000:.2f} ms)"
            )


if __name__ == "__main__":
    raise SystemExit(main())
