"""``make new-provider NAME=acme``: a commented spec skeleton and an empty cassette folder."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .capabilities import CAPABILITIES

ROOT = Path(__file__).resolve().parent.parent

SKELETON = """\
# {display} — an OpenAI-compatible provider. Fill in the facts from the provider's API docs,
# write cassettes under cassettes/{name}/<capability>/, then `make generate` and `make test`.
# The full set of keys is in docs/architecture.md; a typo'd key is an error, never ignored.
schema_version: 1
name: {name}
display_name: {display}
docs:
  - https://example.com/docs/api   # the API reference the facts below come from
extends: openai                    # inherit the OpenAI dialect; declare only the differences

connection:
  api_base: https://api.example.com/v1   # what LiteLLM's api_base means for this provider
  api_base_env: [{env}_API_BASE]
  api_key_env: [{env}_API_KEY]

# Capabilities you have cassettes for: {capabilities}
capabilities: [chat, stream]

# chat:
#   params:
#     logprobs: null                          # not supported: UnsupportedParamsError unless drop_params
#     max_completion_tokens: max_tokens       # renamed on the wire
#   provider_params:
#     top_k: top_k                            # a provider-specific parameter users pass
#   response:
#     transforms:
#       - {{name: canonical.rename_message_fields, args: {{fields: {{reasoning: reasoning_content}}}}}}

models: {{}}
#  some-model:
#    max_input_tokens: 128000
#    max_output_tokens: 8192
#    input_cost_per_token: 1.0e-07
#    output_cost_per_token: 2.0e-07
#    supports: [function_calling, tool_choice, system_messages]
"""


def scaffold(name: str) -> list[Path]:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise SystemExit(f"provider name {name!r} must be lower-case letters, digits and _ (e.g. acme_ai)")
    spec = ROOT / "specs" / name / "provider.yaml"
    if spec.exists():
        raise SystemExit(f"{spec.relative_to(ROOT)} exists already")
    spec.parent.mkdir(parents=True)
    display = name.replace("_", " ").title()
    spec.write_text(
        SKELETON.format(name=name, display=display, env=name.upper(), capabilities=", ".join(CAPABILITIES))
    )
    created = [spec]
    for capability in ("chat", "stream"):
        folder = ROOT / "cassettes" / name / capability
        folder.mkdir(parents=True, exist_ok=True)
        created.append(folder)
    return created


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m generator.scaffold NAME", file=sys.stderr)
        return 2
    for path in scaffold(argv[0]):
        print(f"created {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
