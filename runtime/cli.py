"""The ``llmrelay`` command: ``chat`` streams an answer, ``serve`` runs the gateway."""

from __future__ import annotations

import argparse
import sys


def _chat(args: argparse.Namespace) -> int:
    import llmrelay

    prompt = " ".join(args.prompt) if args.prompt else sys.stdin.read()
    messages = [{"role": "system", "content": args.system}] if args.system else []
    messages.append({"role": "user", "content": prompt})
    try:
        stream = llmrelay.completion(
            model=args.model, messages=messages, stream=True, temperature=args.temperature
        )
        with stream:
            for chunk in stream:
                for choice in chunk.choices:
                    if choice.delta.content:
                        sys.stdout.write(choice.delta.content)
                        sys.stdout.flush()
    except llmrelay.LLMRelayError as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write("\n")
    return 0


def _serve(argv: list[str]) -> int:
    try:
        from llmrelay.proxy.cli import main as serve_main
    except ImportError as exc:
        print(
            f"llmrelay serve needs the gateway extra ({exc.name} is missing): pip install 'llmrelay[proxy]'",
            file=sys.stderr,
        )
        return 2
    return serve_main(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        return _serve(argv[1:])
    parser = argparse.ArgumentParser(
        prog="llmrelay", description="One OpenAI-format API over every LLM provider."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    chat = sub.add_parser("chat", help="stream an answer to the terminal (keys come from the environment)")
    chat.add_argument(
        "-m", "--model", default="mock/mock", help="provider/model, e.g. anthropic/claude-sonnet-4-5"
    )
    chat.add_argument("-s", "--system", help="a system prompt")
    chat.add_argument("-t", "--temperature", type=float)
    chat.add_argument("prompt", nargs="*", help="the prompt (read from stdin when absent)")
    sub.add_parser("serve", help="run the OpenAI-compatible gateway (see `llmrelay serve --help`)")
    args = parser.parse_args(argv)
    return _chat(args)


if __name__ == "__main__":
    sys.exit(main())
