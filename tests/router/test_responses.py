"""The Responses API through the router: deployment ids inside response IDs keep a conversation
on the deployment that holds it."""

from __future__ import annotations

import llmrelay
import pytest

from tests.router.conftest import make_router, mock_deployment


def _three() -> llmrelay.Router:
    return make_router(
        [mock_deployment("gpt", "a"), mock_deployment("gpt", "b"), mock_deployment("gpt", "c")]
    )


def test_a_response_id_names_the_deployment_that_answered() -> None:
    router = _three()
    response = router.responses(model="gpt", input="Hi")
    decoded = llmrelay.decode_response_id(response.id)
    assert decoded["model_id"] == response._hidden_params["model_id"]
    assert decoded["model_id"] in router.get_model_ids("gpt")
    assert response._hidden_params["additional_headers"]["x-litellm-model-group"] == "gpt"


def test_previous_response_id_continues_on_the_same_deployment() -> None:
    router = _three()
    for _ in range(5):  # several conversations, each started wherever the shuffle put it
        first = router.responses(model="gpt", input="Hi")
        owner = first._hidden_params["model_id"]
        follow_ups = [
            router.responses(model="gpt", input="More", previous_response_id=first.id) for _ in range(8)
        ]
        assert {r._hidden_params["model_id"] for r in follow_ups} == {owner}


async def test_async_follow_up_moves_only_when_its_deployment_is_benched() -> None:
    router = _three()
    first = await router.aresponses(model="gpt", input="Hi")
    owner = first._hidden_params["model_id"]
    router._state.cool(owner, 10, 429, "rate limited")
    moved = await router.aresponses(model="gpt", input="More", previous_response_id=first.id)
    assert moved._hidden_params["model_id"] != owner
    router._clock.advance(11)
    back = await router.aresponses(model="gpt", input="More", previous_response_id=first.id)
    assert back._hidden_params["model_id"] == owner


def test_responses_fall_back_like_chat() -> None:
    router = make_router(
        [mock_deployment("gpt", "litellm.InternalServerError"), mock_deployment("claude", "from claude")],
        fallbacks=[{"gpt": ["claude"]}],
        num_retries=0,
    )
    response = router.responses(model="gpt", input="Hi")
    assert response.output[0].content[0].text == "from claude"
    assert response._hidden_params["model_group"] == "claude"


def test_responses_need_a_model() -> None:
    with pytest.raises(llmrelay.BadRequestError, match="'model' is required"):
        _three().responses(input="Hi")
