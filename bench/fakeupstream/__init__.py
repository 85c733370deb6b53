"""The project's fake upstream servers: OpenAI, Anthropic and Gemini dialects on loopback.

From the command line (a separate process, as benchmarks want it)::

    python -m bench.fakeupstream --port 9100 --dialect openai [--chunks 20] [--delay-ms 0]

From tests (a server on a free port in a background thread)::

    with FakeUpstream() as upstream:
        llmrelay.completion(model="openai/fake", api_base=upstream.url + "/v1", ...)
        upstream.script(Reply(status=429, headers={"retry-after": "0.01"}))
        upstream.stats["requests"]

or in its own process with :func:`spawn`. See ``server.py`` for the routes.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from .server import DIALECTS, Recorded, Reply, Server, Settings, close_connections, start

__all__ = [
    "DIALECTS",
    "FakeUpstream",
    "Recorded",
    "Reply",
    "Server",
    "Settings",
    "free_port",
    "spawn",
    "stop",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FakeUpstream:
    """A fake upstream serving from a daemon thread with its own event loop."""

    def __init__(self, settings: Settings | None = None, *, record: bool = True, **options: Any) -> None:
        settings = settings or Settings(**options)
        settings.record = record
        self.server = Server(settings)
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._stop: asyncio.Event | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def stats(self) -> Any:
        return self.server.stats

    @property
    def requests(self) -> list[Recorded]:
        return self.server.requests

    @property
    def open_connections(self) -> int:
        return self.server.open_connections

    def script(self, *replies: Reply) -> None:
        self.server.script(*replies)

    def start(self) -> FakeUpstream:
        self._thread = threading.Thread(target=self._run, name="fake-upstream", daemon=True)
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError("fake upstream did not start")
        return self

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        listener = await start(self.server)
        self.port = listener.sockets[0].getsockname()[1]
        self._started.set()
        await self._stop.wait()
        listener.close()
        close_connections(self.server)
        await asyncio.sleep(0)  # let the transports finish closing before the loop ends

    def wait_for(self, predicate: Any, timeout: float = 5.0) -> bool:
        """Poll ``predicate()`` until it is true or ``timeout`` passes (for server-side effects)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.005)
        return bool(predicate())

    def close(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> FakeUpstream:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def spawn(
    port: int | None = None, *args: str, python: str = sys.executable
) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``python -m bench.fakeupstream`` in its own process; return it and its base URL."""
    port = port or free_port()
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
    }
    cmd = [python, "-m", "bench.fakeupstream", "--port", str(port), *args]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/health", timeout=1):
                return proc, url
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"fake upstream exited: {proc.stderr.read().decode() if proc.stderr else ''}"
                ) from None
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("fake upstream did not answer /health within 10 s")


def stop(proc: subprocess.Popen[bytes]) -> str:
    """Stop a server started by :func:`spawn`; return what it printed (its counters)."""
    proc.terminate()
    try:
        _, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return err.decode(errors="replace") if err else ""
