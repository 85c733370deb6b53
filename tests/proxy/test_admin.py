"""Key, team and user management through the ASGI app, with LiteLLM's request/response shapes."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from llmrelay.proxy.schema import keys

from .conftest import MASTER, admin_headers, bearer


async def test_generate_returns_key_once_and_stores_only_its_hash(gateway) -> None:
    gw, client = gateway
    r = await client.post(
        "/key/generate",
        json={"key_alias": "alice", "models": ["demo"], "max_budget": 5.0},
        headers=admin_headers(),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    key = body["key"]
    assert key.startswith("sk-") and len(key) > 30
    assert body["token"] == hashlib.sha256(key.encode()).hexdigest()
    assert body["key_name"] == f"sk-...{key[-4:]}"
    assert body["models"] == ["demo"] and body["max_budget"] == 5.0 and body["key_alias"] == "alice"
    async with gw.engine.connect() as conn:
        rows = [dict(r._mapping) for r in await conn.execute(sa.select(keys))]
    assert len(rows) == 1
    assert key not in repr(rows)  # only the hash is stored
    info = (await client.get("/key/info", params={"key": key}, headers=admin_headers())).json()
    assert info["key"] == key and info["info"]["key_alias"] == "alice"
    assert "sk-" + key[3:] not in repr(info["info"])


async def test_admin_routes_refuse_plain_keys_and_missing_keys(gateway) -> None:
    _gw, client = gateway
    key = (await client.post("/key/generate", json={}, headers=admin_headers())).json()["key"]
    r = await client.post("/key/generate", json={}, headers=bearer(key))
    assert r.status_code == 403 and r.json()["error"]["type"] == "permission_error"
    r = await client.post("/key/generate", json={})
    assert r.status_code == 401 and r.json()["error"]["code"] == "no_api_key"
    r = await client.post("/team/new", json={}, headers=bearer("sk-wrong"))
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"


async def test_key_update_list_block_delete(gateway) -> None:
    _gw, client = gateway
    h = admin_headers()
    a = (await client.post("/key/generate", json={"key_alias": "a"}, headers=h)).json()["key"]
    b = (await client.post("/key/generate", json={"key_alias": "b"}, headers=h)).json()["key"]
    r = await client.post("/key/update", json={"key": a, "rpm_limit": 7, "metadata": {"env": "x"}}, headers=h)
    assert r.status_code == 200 and r.json()["rpm_limit"] == 7 and r.json()["metadata"] == {"env": "x"}
    listing = (await client.get("/key/list", params={"size": 1, "page": 2}, headers=h)).json()
    assert listing["total_count"] == 2 and listing["total_pages"] == 2 and len(listing["keys"]) == 1
    full = (
        await client.get("/key/list", params={"key_alias": "a", "return_full_object": "true"}, headers=h)
    ).json()
    assert [k["key_alias"] for k in full["keys"]] == ["a"]
    assert (await client.get("/v1/models", headers=bearer(a))).status_code == 200
    assert (await client.post("/key/block", json={"key": a}, headers=h)).json()["blocked"] is True
    r = await client.get("/v1/models", headers=bearer(a))
    assert r.status_code == 401 and r.json()["error"]["code"] == "blocked"
    await client.post("/key/unblock", json={"key": a}, headers=h)
    assert (await client.get("/v1/models", headers=bearer(a))).status_code == 200
    r = await client.post("/key/delete", json={"keys": [a]}, headers=h)
    assert r.json() == {"deleted_keys": [a]}
    assert (await client.get("/v1/models", headers=bearer(a))).status_code == 401
    assert (await client.get("/v1/models", headers=bearer(b))).status_code == 200
    r = await client.post("/key/delete", json={"keys": [a]}, headers=h)
    assert r.status_code == 404


async def test_regenerate_moves_the_key(gateway) -> None:
    _gw, client = gateway
    h = admin_headers()
    old = (await client.post("/key/generate", json={"key_alias": "r", "max_budget": 3}, headers=h)).json()[
        "key"
    ]
    r = await client.post(f"/key/{old}/regenerate", json={}, headers=h)
    assert r.status_code == 200, r.text
    new = r.json()["key"]
    assert new != old and r.json()["key_alias"] == "r" and r.json()["max_budget"] == 3
    assert (await client.get("/v1/models", headers=bearer(old))).status_code == 401
    assert (await client.get("/v1/models", headers=bearer(new))).status_code == 200


async def test_expired_key_is_refused(gateway) -> None:
    gw, client = gateway
    key = (await client.post("/key/generate", json={"duration": "1s"}, headers=admin_headers())).json()["key"]
    token = hashlib.sha256(key.encode()).hexdigest()
    async with gw.engine.begin() as conn:  # move the expiry into the past rather than sleeping
        await conn.execute(
            sa.update(keys).where(keys.c.token == token).values(expires=sa.func.datetime("now", "-1 hour"))
        )
    gw.auth.invalidate(f"key:{token}")
    r = await client.get("/v1/models", headers=bearer(key))
    assert r.status_code == 401 and r.json()["error"]["code"] == "expired_key"


async def test_bad_admin_input_names_the_field(gateway) -> None:
    _gw, client = gateway
    h = admin_headers()
    r = await client.post("/key/generate", json={"max_budget": "lots"}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["param"] == "max_budget"
    r = await client.post("/key/generate", json={"duration": "soon"}, headers=h)
    assert r.status_code == 400 and "duration" in r.json()["error"]["message"]
    r = await client.post("/key/generate", json={"model_max_budget": {"demo": 1}}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "unsupported_param"
    r = await client.post("/key/generate", json={"colour": "red"}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["param"] == "colour"
    r = await client.post("/key/generate", content=b"{not json", headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_json"
    r = await client.post("/key/generate", json={"team_id": "nope"}, headers=h)
    assert r.status_code == 404 and r.json()["error"]["param"] == "team_id"


async def test_teams_and_users(gateway) -> None:
    _gw, client = gateway
    h = admin_headers()
    team = (
        await client.post(
            "/team/new", json={"team_alias": "red", "models": ["demo"], "max_budget": 10}, headers=h
        )
    ).json()
    team_id = team["team_id"]
    assert team["team_alias"] == "red" and team["models"] == ["demo"] and team["spend"] == 0
    other = (await client.post("/team/new", json={"team_id": "blue"}, headers=h)).json()["team_id"]
    key = (await client.post("/key/generate", json={"team_id": team_id}, headers=h)).json()["key"]
    info = (await client.get("/team/info", params={"team_id": team_id}, headers=bearer(key))).json()
    assert info["team_id"] == team_id and info["team_info"]["max_budget"] == 10 and len(info["keys"]) == 1
    # A key never sees another team's data.
    r = await client.get("/team/info", params={"team_id": other}, headers=bearer(key))
    assert r.status_code == 403
    upd = (await client.post("/team/update", json={"team_id": team_id, "rpm_limit": 3}, headers=h)).json()
    assert upd["team_id"] == team_id and upd["data"]["rpm_limit"] == 3
    user = (
        await client.post(
            "/user/new", json={"user_id": "u1", "user_email": "u1@example.com", "teams": [team_id]}, headers=h
        )
    ).json()
    assert user["user_id"] == "u1" and user["key"].startswith("sk-")
    uinfo = (await client.get("/user/info", headers=bearer(user["key"]))).json()
    assert (
        uinfo["user_id"] == "u1"
        and [t["team_id"] for t in uinfo["teams"]] == [team_id]
        and len(uinfo["keys"]) == 1
    )
    assert (
        await client.get("/user/info", params={"user_id": "someone"}, headers=bearer(user["key"]))
    ).status_code == 403
    assert (await client.post("/team/delete", json={"team_ids": [team_id]}, headers=h)).json() == {
        "deleted_teams": [team_id]
    }
    assert (await client.get("/v1/models", headers=bearer(key))).status_code == 401  # its keys went with it


async def test_admin_user_key_administers(gateway) -> None:
    _gw, client = gateway
    admin_user = (
        await client.post("/user/new", json={"user_role": "proxy_admin"}, headers=admin_headers())
    ).json()
    r = await client.post("/key/generate", json={}, headers=bearer(admin_user["key"]))
    assert r.status_code == 200
    assert MASTER not in r.text


async def test_auth_cache_does_not_grow_without_bound(gateway, monkeypatch) -> None:
    from llmrelay.proxy import auth

    gw, client = gateway
    monkeypatch.setattr(auth, "PRUNE_ABOVE", 5)
    monkeypatch.setattr(auth, "NEGATIVE_TTL", 0.0)  # every unknown key's entry is already stale
    for i in range(20):
        assert (await client.get("/v1/models", headers=bearer(f"sk-random-{i}"))).status_code == 401
    assert len(gw.auth) <= 6
