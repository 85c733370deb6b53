"""The response-ID codec: LiteLLM's plain layout, both directions."""

from __future__ import annotations

import base64

import llmrelay
import pytest
from llmrelay.ids import get_model_id_from_response_id, is_encoded_response_id

# Minted by LiteLLM's ResponsesAPIRequestUtils._build_responses_api_response_id("anthropic",
# "9f3c2a", "msg_01XFDUDYJgAACzvnptvVoYEL"): "resp_" + base64 of the layout below.
LITELLM_ID = (
    "resp_bGl0ZWxsbTpjdXN0b21fbGxtX3Byb3ZpZGVyOmFudGhyb3BpYzttb2RlbF9pZDo5ZjNjMmE7cmVzcG9uc2VfaWQ6"
    "bXNnXzAxWEZEVURZSmdBQUN6dm5wdHZWb1lFTA=="
)
LAYOUT = "litellm:custom_llm_provider:anthropic;model_id:9f3c2a;response_id:msg_01XFDUDYJgAACzvnptvVoYEL"


def test_the_fixture_is_the_plain_layout() -> None:
    assert base64.b64decode(LITELLM_ID[len("resp_") :]).decode() == LAYOUT


def test_encode_reproduces_litellm_bytes() -> None:
    assert llmrelay.encode_response_id("anthropic", "9f3c2a", "msg_01XFDUDYJgAACzvnptvVoYEL") == LITELLM_ID


def test_decode_an_id_litellm_minted() -> None:
    assert llmrelay.decode_response_id(LITELLM_ID) == {
        "custom_llm_provider": "anthropic",
        "model_id": "9f3c2a",
        "response_id": "msg_01XFDUDYJgAACzvnptvVoYEL",
    }


def test_litellm_without_a_router_deployment_writes_none() -> None:
    # LiteLLM's SDK (no router) formats a missing model_id as the text "None".
    plain = "litellm:custom_llm_provider:gemini;model_id:None;response_id:resp-xyz"
    minted = "resp_" + base64.b64encode(plain.encode()).decode()
    decoded = llmrelay.decode_response_id(minted)
    assert decoded == {"custom_llm_provider": "gemini", "model_id": None, "response_id": "resp-xyz"}
    assert llmrelay.encode_response_id("gemini", None, "resp-xyz") == minted


@pytest.mark.parametrize(
    "raw",
    [
        "resp_681e3e15125c8191afb05fabbf3b86d6047f076151f76bcc",  # OpenAI's own (valid base64 alphabet)
        "resp_abc",  # not base64 at all once padded
        "chatcmpl-123",  # no resp_ prefix
        "resp_" + base64.b64encode(b"\xff\xfe not text").decode(),  # base64, but not UTF-8
        "resp_" + base64.b64encode(b"litellm:something:else").decode(),  # text, but another layout
    ],
)
def test_plain_ids_decode_to_themselves(raw: str) -> None:
    assert llmrelay.decode_response_id(raw) == {
        "custom_llm_provider": None,
        "model_id": None,
        "response_id": raw,
    }
    assert not is_encoded_response_id(raw)


def test_round_trip_keeps_separators_inside_the_provider_id() -> None:
    encoded = llmrelay.encode_response_id("mock", "mock", "id;with;semicolons")
    assert llmrelay.decode_response_id(encoded)["response_id"] == "id;with;semicolons"


def test_stripped_padding_still_decodes() -> None:
    assert llmrelay.decode_response_id(LITELLM_ID.rstrip("="))["model_id"] == "9f3c2a"


def test_an_encoded_id_is_not_encoded_twice() -> None:
    assert llmrelay.encode_response_id("openai", "x", LITELLM_ID) == LITELLM_ID


def test_model_id_for_session_affinity() -> None:
    assert get_model_id_from_response_id(LITELLM_ID) == "9f3c2a"
    assert get_model_id_from_response_id("resp_681e3e15125c8191afb05fabbf3b86d6047f076151f76bcc") is None
    assert get_model_id_from_response_id(None) is None
