"""``llmrelay serve``: parse the arguments, load the config, run the ASGI server.

The lead's CLI (``llmrelay.cli``) calls :func:`main` with the arguments after ``serve``. Heavy
imports (uvicorn, SQLAlchemy, redis) happen inside, so ``llmrelay --help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import Any

ENV_ARGS = "LLMRELAY_SERVE_ARGS"
# The master key examples/config.yaml ships with: it is public, so it never binds beyond loopback by default.
EXAMPLE_MASTER_KEY = (
    "sk-llmrelay-example-master-key"  # how --workers N hands the parsed arguments to each worker
)
log = logging.getLogger("llmrelay.proxy")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="llmrelay serve", description="Run the OpenAI-compatible gateway.")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--config", "-c", help="LiteLLM-format proxy config.yaml")
    src.add_argument("--model", "-m", help="serve one model with no config, e.g. openai/gpt-4o")
    p.add_argument("--host", help="bind address (default 0.0.0.0 with a master key, else 127.0.0.1)")
    p.add_argument("--port", "-p", type=int, default=4000, help="port (default 4000)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (above 1 needs REDIS_URL)")
    p.add_argument("--debug", action="store_true", help="verbose logs, including each request")
    return p


def load_config(args: argparse.Namespace) -> Any:
    from . import config

    if args.config:
        return config.load(args.config)
    if args.model:
        return config.from_model(args.model)
    raise config.ConfigError("pass --config config.yaml or --model provider/model")


def build_gateway(args: argparse.Namespace) -> Any:
    from .app import Gateway

    return Gateway(load_config(args))


def build_gateway_from_env() -> Any:
    args = parser().parse_args(json.loads(os.environ[ENV_ARGS]))
    _logging(args.debug)
    gateway = build_gateway(args)
    gateway.migrate_on_start = False  # the parent process migrated before starting the workers
    return gateway


def _logging(debug: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not debug:
        logging.getLogger("httpx").setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(argv)
    _logging(args.debug)
    try:
        import uvicorn
    except ImportError:
        print("llmrelay serve needs the gateway extra: pip install 'llmrelay[proxy]'", file=sys.stderr)
        return 2
    from .app import Gateway, build_sdk_router
    from .config import ConfigError

    try:
        cfg = load_config(args)
        _check_workers(cfg, args.workers)
        gateway = Gateway(cfg) if args.workers == 1 else build_sdk_router(cfg)
    except ConfigError as exc:
        print(f"llmrelay serve: {exc}", file=sys.stderr)
        return 2
    public_key = cfg.master_key == EXAMPLE_MASTER_KEY
    host = args.host or ("0.0.0.0" if cfg.master_key and not public_key else "127.0.0.1")
    if public_key:
        log.warning(
            "the master key is the one printed in examples/config.yaml: binding to %s; change it before exposing the gateway",
            host,
        )
    if not cfg.master_key:
        log.warning(
            "NO MASTER KEY: authentication is OFF and every caller is an admin. Set general_settings.master_key "
            "(or LITELLM_MASTER_KEY) before exposing this gateway; binding to %s.",
            host,
        )
    run_kwargs: dict[str, Any] = {
        "host": host,
        "port": args.port,
        "loop": "uvloop" if _has("uvloop") else "asyncio",
        "http": "httptools" if _has("httptools") else "h11",
        "lifespan": "on",
        "access_log": args.debug,
        "log_level": "debug" if args.debug else "warning",
        "timeout_graceful_shutdown": 30,
        # No X-Forwarded-For rewriting and no Server header: less work per request.
        "proxy_headers": False,
        "server_header": False,
    }
    log.info(
        "llmrelay gateway on http://%s:%s serving %s",
        host,
        args.port,
        ", ".join(cfg.model_names()) or "no models",
    )
    if args.workers > 1:
        _migrate_first(cfg)
        os.environ[ENV_ARGS] = json.dumps(argv)
        uvicorn.run("llmrelay.proxy.app:app_factory", factory=True, workers=args.workers, **run_kwargs)
        return 0
    uvicorn.run(gateway, **run_kwargs)
    return 0


def _check_workers(cfg: Any, workers: int) -> None:
    from .config import ConfigError

    if workers < 1:
        raise ConfigError("--workers must be at least 1")
    if workers > 1 and not cfg.redis_url:
        raise ConfigError(
            f"--workers {workers} needs REDIS_URL: rate limits, budgets and auth invalidation must be shared "
            "between worker processes to stay exact; set REDIS_URL (and DATABASE_URL for Postgres) or use one worker"
        )


def _migrate_first(cfg: Any) -> None:
    import asyncio

    from . import db

    async def run() -> None:
        engine = db.create_engine(cfg.database_url or db.default_sqlite_url(cfg.base_dir))
        try:
            await db.migrate(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


if __name__ == "__main__":
    raise SystemExit(main())
