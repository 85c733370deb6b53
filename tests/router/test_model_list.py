"""The model list: deployment ids, groups, wildcards, aliases, env references and list editing."""

from __future__ import annotations

import hashlib
import json

import llmrelay
import pytest
from llmrelay.routing import deployments as dep

from tests.router.conftest import MESSAGES, make_router, mock_deployment


def _litellm_style_id(group: str, params: dict) -> str:
    """LiteLLM's _generate_model_id, restated: sha256 of the group then each key and value in order."""
    text = group
    for key, value in params.items():
        text += key
        text += (
            value if isinstance(value, str) else json.dumps(value) if isinstance(value, dict) else str(value)
        )
    return hashlib.sha256(text.encode()).hexdigest()


def test_deployment_id_is_litellms_hash_of_group_and_params() -> None:
    params = {"model": "openai/gpt-4o", "api_key": "os.environ/OPENAI_API_KEY", "rpm": 100, "extra": {"a": 1}}
    router = llmrelay.Router(model_list=[{"model_name": "gpt", "litellm_params": params}])
    (deployment,) = router.model_list
    assert deployment["model_info"]["id"] == _litellm_style_id("gpt", params)
    assert router.get_model_ids() == [deployment["model_info"]["id"]]


def test_explicit_model_info_id_is_kept_and_other_model_info_too() -> None:
    router = llmrelay.Router(
        model_list=[
            {
                "model_name": "gpt",
                "litellm_params": {"model": "mock/mock"},
                "model_info": {"id": 42, "tier": "a"},
            }
        ]
    )
    assert router.model_list[0]["model_info"] == {"id": "42", "tier": "a"}
    assert router.get_deployment("42")["model_name"] == "gpt"


def test_the_callers_list_is_not_modified() -> None:
    model_list = [{"model_name": "gpt", "litellm_params": {"model": "mock/mock"}}]
    router = llmrelay.Router(model_list=model_list)
    router.model_list[0]["litellm_params"]["model"] = "changed"
    assert model_list == [{"model_name": "gpt", "litellm_params": {"model": "mock/mock"}}]


@pytest.mark.parametrize(
    "bad",
    [
        {"litellm_params": {"model": "x"}},
        {"model_name": "gpt"},
        {"model_name": "gpt", "litellm_params": {"api_key": "k"}},
        "gpt",
    ],
)
def test_malformed_deployments_are_rejected(bad: object) -> None:
    with pytest.raises(ValueError):
        llmrelay.Router(model_list=[bad])


def test_names_ids_and_model_list_by_group() -> None:
    router = llmrelay.Router(
        model_list=[mock_deployment("gpt", "a"), mock_deployment("claude", "b"), mock_deployment("gpt", "c")]
    )
    assert router.get_model_names() == ["gpt", "claude"]
    gpt = router.get_model_list(model_name="gpt")
    assert [d["litellm_params"]["mock_response"] for d in gpt] == ["a", "c"]
    assert len(router.get_model_list()) == 3
    assert len(router.get_model_ids("gpt")) == 2


def test_add_delete_upsert_and_set_model_list() -> None:
    router = llmrelay.Router(model_list=[mock_deployment("gpt", "a")])
    added = router.add_deployment(mock_deployment("gpt", "b"))
    assert added is not None and len(router.get_model_list("gpt")) == 2
    assert router.add_deployment(mock_deployment("gpt", "b")) is None  # same id: not added twice
    deleted = router.delete_deployment(added["model_info"]["id"])
    assert deleted["litellm_params"]["mock_response"] == "b"
    assert router.delete_deployment("no-such-id") is None
    assert len(router.model_list) == 1

    router.upsert_deployment({**mock_deployment("gpt", "new"), "model_info": {"id": "x"}})
    router.upsert_deployment({**mock_deployment("gpt", "newer"), "model_info": {"id": "x"}})
    assert router.get_deployment("x")["litellm_params"]["mock_response"] == "newer"
    assert len(router.model_list) == 2

    router.set_model_list([mock_deployment("claude", "z")])
    assert router.get_model_names() == ["claude"]
    router.model_list = [mock_deployment("gemini", "g")]
    assert router.get_model_names() == ["gemini"]


def test_a_deleted_deployment_takes_no_more_calls() -> None:
    router = make_router([mock_deployment("gpt", "a"), mock_deployment("gpt", "b")])
    router.delete_deployment(router.get_model_ids("gpt")[0])
    replies = {
        router.completion(model="gpt", messages=MESSAGES).choices[0].message.content for _ in range(10)
    }
    assert replies == {"b"}


def test_unknown_model_group_is_a_bad_request_naming_it() -> None:
    router = llmrelay.Router(model_list=[mock_deployment("gpt")])
    with pytest.raises(llmrelay.BadRequestError, match="model=gpt-5. There is no 'model_name'"):
        router.completion(model="gpt-5", messages=MESSAGES)


def test_wildcard_groups_fill_in_the_requested_model() -> None:
    router = llmrelay.Router(
        model_list=[
            {"model_name": "mock/*", "litellm_params": {"model": "mock/*"}},
            {"model_name": "team-*", "litellm_params": {"model": "mock/*", "mock_response": "team"}},
            {"model_name": "exact", "litellm_params": {"model": "mock/mock", "mock_response": "exact"}},
        ]
    )
    chosen = router.get_available_deployment("mock/mock-large")
    assert chosen["litellm_params"]["model"] == "mock/mock-large"
    assert router.get_available_deployment("team-small")["litellm_params"]["model"] == "mock/small"
    assert router.get_available_deployment("exact")["litellm_params"]["mock_response"] == "exact"
    # The wildcard deployment in the model list keeps its pattern.
    assert router.get_deployment(chosen["model_info"]["id"])["litellm_params"]["model"] == "mock/*"
    response = router.completion(model="mock/mock", messages=MESSAGES)
    assert response.model == "mock"  # the mock provider answered, reached through "mock/*"
    assert response._hidden_params["model_group"] == "mock/mock"


def test_the_most_specific_wildcard_wins() -> None:
    router = llmrelay.Router(
        model_list=[
            {"model_name": "*", "litellm_params": {"model": "mock/*", "mock_response": "any"}},
            {"model_name": "mock/gpt-*", "litellm_params": {"model": "mock/gpt-*", "mock_response": "gpt"}},
        ]
    )
    assert router.get_available_deployment("mock/gpt-4o")["litellm_params"]["mock_response"] == "gpt"
    catch_all = router.get_available_deployment("whatever")
    assert catch_all["litellm_params"] == {"model": "mock/whatever", "mock_response": "any"}


def test_model_group_alias() -> None:
    router = llmrelay.Router(
        model_list=[mock_deployment("gpt-4o", "real")],
        model_group_alias={"gpt-4": "gpt-4o", "old": {"model": "gpt-4o", "hidden": True}},
    )
    assert router.completion(model="gpt-4", messages=MESSAGES).choices[0].message.content == "real"
    assert router.completion(model="old", messages=MESSAGES).choices[0].message.content == "real"


def test_a_deployment_id_or_specific_deployment_picks_it_directly() -> None:
    router = make_router(
        [
            mock_deployment("gpt", "a"),
            {"model_name": "gpt", "litellm_params": {"model": "mock/other", "mock_response": "b"}},
        ]
    )
    second = router.get_model_ids("gpt")[1]
    assert {
        router.completion(model=second, messages=MESSAGES).choices[0].message.content for _ in range(5)
    } == {"b"}
    response = router.completion(model="mock/other", messages=MESSAGES, specific_deployment=True)
    assert response.choices[0].message.content == "b"


def test_os_environ_references_are_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    router = llmrelay.Router(
        model_list=[
            {
                "model_name": "gpt",
                "litellm_params": {"model": "mock/mock", "mock_response": "os.environ/ROUTER_REPLY"},
            }
        ]
    )
    monkeypatch.setenv("ROUTER_REPLY", "from the environment")
    assert (
        router.completion(model="gpt", messages=MESSAGES).choices[0].message.content == "from the environment"
    )
    # The model list keeps the reference, not the secret.
    assert router.model_list[0]["litellm_params"]["mock_response"] == "os.environ/ROUTER_REPLY"


def test_call_arguments_merge_defaults_deployment_and_request() -> None:
    router = llmrelay.Router(
        model_list=[
            mock_deployment("gpt", "dep", temperature=0.1, rpm=10, order=1, max_retries=3, stream_timeout=5)
        ],
        default_litellm_params={"temperature": 0.9, "top_p": 0.5},
        timeout=30,
    )
    deployment = router.model_list[0]
    plan = router._plan("completion", {"messages": MESSAGES, "top_p": 0.2})
    sent = router._call_kwargs(deployment, plan, "gpt")
    assert sent["temperature"] == 0.1  # the deployment beats the router default
    assert sent["top_p"] == 0.2  # the request beats both
    assert sent["model"] == "mock/mock"
    assert sent["num_retries"] == 3  # the SDK retries only when the deployment asks it to
    assert sent["timeout"] == 30
    assert not {"rpm", "order", "stream_timeout", "max_retries"} & set(sent)
    streamed = router._call_kwargs(
        deployment, router._plan("completion", {"messages": MESSAGES, "stream": True}), "gpt"
    )
    assert streamed["timeout"] == 5


def test_fallback_groups_lookup() -> None:
    fallbacks = [{"gpt": ["claude", "gemini"]}, {"*": ["cheap"]}]
    assert dep.fallback_groups(fallbacks, "gpt") == ["claude", "gemini"]
    assert dep.fallback_groups(fallbacks, "other") == ["cheap"]
    assert dep.fallback_groups(["claude"], "gpt") == ["claude"]
    assert dep.fallback_groups([], "gpt") == []
    assert dep.fallback_groups([{"gpt": "claude"}], "gpt") == ["claude"]


def test_unknown_router_arguments_are_an_error_and_litellm_only_ones_are_accepted() -> None:
    with pytest.raises(TypeError, match="routing_stratgy"):
        llmrelay.Router(model_list=[], routing_stratgy="least-busy")
    with pytest.raises(ValueError, match="routing_strategy"):
        llmrelay.Router(model_list=[], routing_strategy="fastest")
    assert llmrelay.Router(model_list=[], set_verbose=False, cache_responses=False).model_list == []


def test_importing_llmrelay_does_not_load_the_router() -> None:
    import subprocess
    import sys

    code = "import sys, llmrelay; print('llmrelay.router' in sys.modules, 'llmrelay.routing' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
    assert "Router" in llmrelay.__all__


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("fallbacks", {"gpt": ["claude"]}),
        ("fallbacks", ["claude"]),
        ("context_window_fallbacks", [{"a": ["b"], "c": ["d"]}]),
        ("content_policy_fallbacks", [{}]),
    ],
)
def test_malformed_router_fallbacks_are_rejected_at_construction(name: str, value: object) -> None:
    with pytest.raises(ValueError, match=name):
        llmrelay.Router(model_list=[mock_deployment("gpt")], **{name: value})


def test_chat_completions_create_is_completion() -> None:
    router = make_router([mock_deployment("gpt", "via the OpenAI spelling")])
    response = router.chat.completions.create(model="gpt", messages=MESSAGES)
    assert response.choices[0].message.content == "via the OpenAI spelling"
    assert response._hidden_params["model_group"] == "gpt"


def test_visible_aliases_are_listed_like_groups() -> None:
    router = llmrelay.Router(
        model_list=[mock_deployment("gpt-4o", "real")],
        model_group_alias={"gpt-4": "gpt-4o", "secret": {"model": "gpt-4o", "hidden": True}},
    )
    assert router.get_model_names() == ["gpt-4o", "gpt-4"]
    listed = router.get_model_list()
    assert [d["model_name"] for d in listed] == ["gpt-4o", "gpt-4"]
    assert listed[1]["model_info"]["id"] == listed[0]["model_info"]["id"]  # the same deployment
    assert [d["model_name"] for d in router.get_model_list("secret")] == ["secret"]
    assert len(router.model_list) == 1  # the model list itself holds real deployments only


def test_metadata_reaches_callbacks_with_the_deployment_and_never_the_provider(upstreams: list) -> None:
    from llmrelay import hooks

    from tests.core.fake_upstream import Answer, chat_body

    server = upstreams[0]
    server.queue(Answer(200, chat_body("ok")))
    logged: list[dict] = []
    llmrelay.success_callback = [lambda kwargs, response, start, end: logged.append(kwargs)]
    router = make_router(
        [
            {
                "model_name": "gpt",
                "litellm_params": {
                    "model": "openai/gpt-4o-mini",
                    "api_base": server.base,
                    "api_key": "sk-test",
                },
            }
        ],
        default_litellm_params={"metadata": {"app": "demo"}},
    )
    router.completion(model="gpt", messages=MESSAGES, metadata={"tags": ["team-a"]})
    hooks.flush()
    assert "metadata" not in server.seen[0].body  # a logging field in LiteLLM, not an upstream parameter
    (kwargs,) = logged
    metadata = kwargs["litellm_metadata"]
    assert metadata["tags"] == ["team-a"] and metadata["model_group"] == "gpt"
    assert metadata["app"] == "demo"  # the router's default metadata is merged with the request's
    assert metadata["model_info"]["id"] == router.get_model_ids()[0]
    assert metadata["deployment"] == "openai/gpt-4o-mini"


def test_session_affinity_keeps_a_session_on_its_first_deployment() -> None:
    router = make_router(
        [mock_deployment("gpt", "a"), mock_deployment("gpt", "b"), mock_deployment("gpt", "c")],
        optional_pre_call_checks=["session_affinity"],
        deployment_affinity_ttl_seconds=600,
    )

    def reply(session: str) -> str:
        response = router.completion(model="gpt", messages=MESSAGES, metadata={"session_id": session})
        return response.choices[0].message.content

    for session in ("s1", "s2", "s3", "s4"):
        first = reply(session)
        assert {reply(session) for _ in range(10)} == {first}
    # without a session id, calls still spread
    spread = {router.completion(model="gpt", messages=MESSAGES).choices[0].message.content for _ in range(30)}
    assert spread == {"a", "b", "c"}
    # a pin lasts deployment_affinity_ttl_seconds, then the next call pins the session anew
    assert router._state.pinned("session_affinity:gpt:s1") is not None
    router._clock.advance(601)
    assert router._state.pinned("session_affinity:gpt:s1") is None
    renewed = reply("s1")
    assert {reply("s1") for _ in range(5)} == {renewed}


def test_a_pinned_session_moves_when_its_deployment_cools_down() -> None:
    router = make_router(
        [mock_deployment("gpt", "a", api_key="a"), mock_deployment("gpt", "b", api_key="b")],
        optional_pre_call_checks=["session_affinity"],
    )
    first = router.completion(model="gpt", messages=MESSAGES, metadata={"session_id": "s"})
    first_id = first._hidden_params["model_id"]
    router._state.cool(first_id, 30, 429, "rate limited")
    moved = router.completion(model="gpt", messages=MESSAGES, metadata={"session_id": "s"})
    assert moved._hidden_params["model_id"] != first_id
    # and stays on the new one after the old one recovers
    router._clock.advance(31)
    again = router.completion(model="gpt", messages=MESSAGES, metadata={"session_id": "s"})
    assert again._hidden_params["model_id"] == moved._hidden_params["model_id"]


def test_deployment_affinity_pins_a_callers_key_hash() -> None:
    router = make_router(
        [mock_deployment("gpt", "a"), mock_deployment("gpt", "b"), mock_deployment("gpt", "c")],
        optional_pre_call_checks=["deployment_affinity"],
    )
    key_hash = hashlib.sha256(b"sk-team-a").hexdigest()
    replies = {
        router.completion(model="gpt", messages=MESSAGES, metadata={"user_api_key_hash": key_hash})
        .choices[0]
        .message.content
        for _ in range(15)
    }
    assert len(replies) == 1


def test_settings_can_be_read_and_changed_on_a_live_router() -> None:
    router = make_router(
        [mock_deployment("gpt", "litellm.InternalServerError"), mock_deployment("claude", "claude")],
        num_retries=4,
    )
    settings = router.get_settings()
    assert settings["num_retries"] == 4 and settings["routing_strategy"] == "simple-shuffle"
    assert settings["cooldown_time"] == 5.0 and settings["fallbacks"] == []
    router.update_settings(num_retries=0, fallbacks=[{"gpt": ["claude"]}], routing_strategy="least-busy")
    assert router.completion(model="gpt", messages=MESSAGES).choices[0].message.content == "claude"
    assert router.routing_strategy == "least-busy"
    with pytest.raises(ValueError, match="model_list"):
        router.update_settings(model_list=[])
    with pytest.raises(ValueError, match="one key"):
        router.update_settings(fallbacks=[{"a": ["b"], "c": ["d"]}])
    assert router.get_model_info(router.get_model_ids("claude")[0])["model_name"] == "claude"
