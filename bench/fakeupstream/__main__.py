"""``python -m bench.fakeupstream --port N [--dialect openai|anthropic|gemini|all] ...``"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys

from .server import DIALECTS, Server, Settings, close_connections, start


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.fakeupstream", description=__doc__)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument(
        "--dialect",
        action="append",
        choices=[*DIALECTS, "all"],
        help="dialect(s) to answer; repeatable; default: all (their routes do not overlap)",
    )
    ap.add_argument("--chunks", type=int, default=20, help="content events per stream (default 20)")
    ap.add_argument("--delay-ms", type=float, default=0.0, help="latency before every answer")
    ap.add_argument("--chunk-delay-ms", type=float, default=0.0, help="sleep between stream events")
    ap.add_argument("--embed-dim", type=int, default=16, help="embedding vector length")
    ap.add_argument("--uvloop", action="store_true", help="serve on uvloop when it is installed")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    chosen = args.dialect or ["all"]
    dialects = DIALECTS if "all" in chosen else tuple(chosen)
    settings = Settings(
        chunks=max(1, args.chunks),
        delay=args.delay_ms / 1000,
        chunk_delay=args.chunk_delay_ms / 1000,
        embed_dim=args.embed_dim,
        dialects=dialects,
    )
    if args.uvloop:
        try:
            import uvloop

            asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        except ImportError:
            pass
    asyncio.run(serve(Server(settings), args.host, args.port))


async def serve(server: Server, host: str, port: int) -> None:
    listener = await start(server, host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    dialects = ",".join(server.settings.dialects)
    print(
        f"fake upstream ({dialects}) on http://{host}:{port} pid={os.getpid()}", file=sys.stderr, flush=True
    )
    await stop.wait()
    listener.close()
    close_connections(server)
    print(f"fake upstream stats: {json.dumps(server.stats)}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
