"""The response-ID codec: where a Responses API answer came from, carried inside its ID.

A response that did not come from a provider's own Responses API gets the ID
``resp_`` + base64(``litellm:custom_llm_provider:<provider>;model_id:<deployment>;response_id:<id>``),
byte for byte the plain layout LiteLLM uses, so IDs minted by either library decode in the other
and a ``previous_response_id`` keeps working across a migration in both directions.

Anything that does not decode to that layout (OpenAI's own ``resp_68…`` IDs, IDs of other
systems) is returned as a plain, unencoded ID rather than an error.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import TypedDict

PREFIX = "resp_"
_LAYOUT = "litellm:custom_llm_provider:{};model_id:{};response_id:{}"
_PARSE = re.compile(r"^litellm:custom_llm_provider:([^;]*);model_id:([^;]*);response_id:(.*)$", re.DOTALL)
# LiteLLM formats a missing part with str.format, so an absent deployment reads "None".
_ABSENT = ("", "None")


class DecodedResponseId(TypedDict):
    """LiteLLM's ``DecodedResponseId`` keys: None where the ID carries no such part."""

    custom_llm_provider: str | None
    model_id: str | None
    response_id: str


def encode_response_id(custom_llm_provider: str | None, model_id: str | None, response_id: str) -> str:
    """The encoded ID for a provider's own ``response_id`` (an ID already encoded is kept)."""
    if is_encoded_response_id(response_id):
        return response_id
    plain = _LAYOUT.format(custom_llm_provider, model_id, response_id)
    return PREFIX + base64.b64encode(plain.encode("utf-8")).decode("ascii")


def decode_response_id(response_id: str) -> DecodedResponseId:
    """Split an encoded ID into provider, deployment and the provider's own ID.

    A plain ID comes back unchanged with ``custom_llm_provider`` and ``model_id`` set to None.
    """
    plain = _plain_text(response_id)
    match = _PARSE.match(plain) if plain is not None else None
    if match is None:
        return DecodedResponseId(custom_llm_provider=None, model_id=None, response_id=response_id)
    provider, model_id, original = match.groups()
    return DecodedResponseId(
        custom_llm_provider=None if provider in _ABSENT else provider,
        model_id=None if model_id in _ABSENT else model_id,
        response_id=original,
    )


def get_model_id_from_response_id(response_id: str | None) -> str | None:
    """The deployment an encoded ID names (LiteLLM's helper of the same name), for session affinity."""
    return decode_response_id(response_id)["model_id"] if response_id else None


def is_encoded_response_id(response_id: str) -> bool:
    decoded = decode_response_id(response_id)
    return decoded["custom_llm_provider"] is not None or decoded["model_id"] is not None


def _plain_text(response_id: str) -> str | None:
    if not isinstance(response_id, str) or not response_id.startswith(PREFIX):
        return None
    body = response_id[len(PREFIX) :]
    body += "=" * (-len(body) % 4)  # padding may be stripped in transit
    try:
        return base64.b64decode(body, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):  # not base64, or not text: a plain provider ID
        return None
