"""Key, team and user management with LiteLLM's routes and request/response bodies.

Admin routes answer the master key or a key whose user has ``user_role: proxy_admin``. A plain
key may read its own key, its own team and its own user, never another's.
"""

from __future__ import annotations

import math
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import store
from .auth import Caller
from .errors import ProxyError, bad_request, describe
from .http import Request, Response, json_response
from .schema import keys, teams, users

if TYPE_CHECKING:
    from .app import Gateway

_NUM = (int, float)
# field -> accepted types, for every body field the routes store.
FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "key_alias": (str,),
    "team_alias": (str,),
    "user_alias": (str,),
    "user_email": (str,),
    "user_role": (str,),
    "user_id": (str,),
    "team_id": (str,),
    "key": (str,),
    "duration": (str,),
    "budget_duration": (str,),
    "models": (list,),
    "teams": (list,),
    "members_with_roles": (list,),
    "max_budget": _NUM,
    "spend": _NUM,
    "rpm_limit": (int,),
    "tpm_limit": (int,),
    "max_parallel_requests": (int,),
    "metadata": (dict,),
    "blocked": (bool,),
    "auto_create_key": (bool,),
}
# LiteLLM fields that only affect alerts, e-mails or UI grouping: accepted and not stored.
HARMLESS = {"tags", "soft_budget", "send_invite_email", "key_type", "organization_id", "user_alias_display"}
# LiteLLM fields that restrict money or access, not implemented here: refusing beats ignoring.
UNSUPPORTED = {
    "model_max_budget",
    "model_rpm_limit",
    "model_tpm_limit",
    "allowed_routes",
    "permissions",
    "aliases",
    "config",
    "guardrails",
    "allowed_cache_controls",
    "enforced_params",
    "object_permission",
}
MAX_INT = 2**62  # limits are stored as 64-bit integers
ROLES = {"proxy_admin", "proxy_admin_viewer", "internal_user", "internal_user_viewer", "team", "customer"}


def require_admin(caller: Caller) -> None:
    if not caller.is_admin:
        raise ProxyError(403, "This route needs the master key or an admin key.", "permission_error", "403")


async def _admin(gw: Gateway, request: Request) -> Caller:
    caller = await gw.auth.authenticate(request.api_key())
    require_admin(caller)
    return caller


def validate(body: dict[str, Any], allowed: set[str]) -> dict[str, Any]:
    """Check types and names; returns the storable fields."""
    for name in body:
        if name in UNSUPPORTED:
            raise bad_request(f"'{name}' is not supported by llmrelay; remove it.", name, "unsupported_param")
        if name not in allowed and name not in HARMLESS:
            raise bad_request(f"Unknown field '{name}'.", name, "unknown_field")
    out: dict[str, Any] = {}
    for name in allowed & body.keys():
        value = body[name]
        if value is None:
            out[name] = None
            continue
        types = FIELD_TYPES.get(name, (object,))
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            want = " or ".join(t.__name__ for t in types)
            raise bad_request(f"'{name}' must be {want}, got {describe(value)}.", name)
        if (
            isinstance(value, float | int)
            and not isinstance(value, bool)
            and (value < 0 or not math.isfinite(value))
        ):
            raise bad_request(f"'{name}' must be a non-negative number.", name)
        if isinstance(value, int) and value > MAX_INT:
            raise bad_request(f"'{name}' must be at most {MAX_INT}.", name)
        if name in ("models", "teams") and not all(isinstance(m, str) for m in body[name]):
            raise bad_request(f"'{name}' must be a list of strings.", name)
        out[name] = value
    for name in ("duration", "budget_duration"):
        if out.get(name):
            try:
                store.parse_duration(out[name])
            except ValueError as exc:
                raise bad_request(str(exc), name) from None
    if out.get("user_role") and out["user_role"] not in ROLES:
        raise bad_request(f"'user_role' must be one of {', '.join(sorted(ROLES))}.", "user_role")
    return out


def _timed(values: dict[str, Any], now: datetime, creating: bool) -> dict[str, Any]:
    """Turn ``duration``/``budget_duration`` into the stored expiry and reset time."""
    row = dict(values)
    duration = row.pop("duration", None)
    if duration:
        row["expires"] = now + store.parse_duration(duration)
    elif "duration" in values and not creating:
        row["expires"] = None
    if row.get("budget_duration"):
        row["budget_reset_at"] = now + store.parse_duration(row["budget_duration"])
    elif "budget_duration" in values:
        row["budget_reset_at"] = None
    row["updated_at"] = now
    if creating:
        row["created_at"] = now
    return row


def key_view(row: dict[str, Any]) -> dict[str, Any]:
    view = {k: v for k, v in row.items()}
    view["token_id"] = row["token"]
    view["models"] = row.get("models") or []
    view["metadata"] = row.get("metadata") or {}
    return view


def entity_view(row: dict[str, Any]) -> dict[str, Any]:
    view = dict(row)
    view["models"] = row.get("models") or []
    view["metadata"] = row.get("metadata") or {}
    return view


# --- keys ----------------------------------------------------------------------------------------

KEY_INPUT = {
    "key_alias",
    "duration",
    "models",
    "max_budget",
    "budget_duration",
    "user_id",
    "team_id",
    "metadata",
    "rpm_limit",
    "tpm_limit",
    "max_parallel_requests",
    "spend",
    "blocked",
    "key",
}


async def create_key(gw: Gateway, fields: dict[str, Any], created_by: str | None) -> dict[str, Any]:
    now = store.utcnow()
    raw = fields.pop("key", None) or store.new_key()
    if not raw.startswith("sk-"):
        raise bad_request("A custom 'key' must start with 'sk-'.", "key")
    for ref, table, pk in (("team_id", teams, "team_id"), ("user_id", users, "user_id")):
        if fields.get(ref) and await store.fetch_one(gw.engine, table, pk, fields[ref]) is None:
            raise ProxyError(404, f"{ref} '{fields[ref]}' does not exist.", code="not_found", param=ref)
    token = store.hash_key(raw)
    if await store.fetch_one(gw.engine, keys, "token", token) is not None:
        raise ProxyError(409, "A key with this value already exists.", code="key_exists", param="key")
    row = _timed(fields, now, creating=True)
    row.update(token=token, key_name=store.abbreviate(raw), created_by=created_by)
    row.setdefault("spend", 0.0)
    row.setdefault("blocked", False)
    await store.insert(gw.engine, keys, row)
    await gw.invalidate(f"key:{token}")  # drops a negative cache entry on every instance
    saved = await store.fetch_one(gw.engine, keys, "token", token)
    assert saved is not None
    return {"key": raw, **key_view(saved)}


async def key_generate(gw: Gateway, request: Request) -> Response:
    caller = await _admin(gw, request)
    fields = validate(await request.json(), KEY_INPUT)
    return json_response(await create_key(gw, fields, caller.user_id or "master_key"))


async def _key_row(gw: Gateway, key: Any) -> dict[str, Any]:
    if not isinstance(key, str) or not key:
        raise bad_request("'key' is required.", "key")
    row = await store.fetch_one(gw.engine, keys, "token", store.hash_key(key))
    if row is None:
        raise ProxyError(404, "Key not found.", "not_found_error", "key_not_found", "key")
    return row


async def key_info(gw: Gateway, request: Request) -> Response:
    caller = await gw.auth.authenticate(request.api_key())
    key = request.query.get("key") or request.api_key()
    row = await _key_row(gw, key)
    if not caller.is_admin and row["token"] != caller.token:
        raise ProxyError(403, "A key may only read its own info.", "permission_error", "403")
    return json_response({"key": key, "info": key_view(row)})


async def key_update(gw: Gateway, request: Request) -> Response:
    await _admin(gw, request)
    body = await request.json()
    row = await _key_row(gw, body.get("key"))
    fields = validate({k: v for k, v in body.items() if k != "key"}, KEY_INPUT - {"key"})
    values = _timed(fields, store.utcnow(), creating=False)
    await store.update(gw.engine, keys, "token", row["token"], values)
    if "spend" in fields:
        await gw.limiter.set_spend(f"key:{row['token']}", float(fields["spend"] or 0.0))
    await gw.invalidate(f"key:{row['token']}")
    saved = await store.fetch_one(gw.engine, keys, "token", row["token"])
    assert saved is not None
    return json_response({"key": body["key"], **key_view(saved)})


async def key_delete(gw: Gateway, request: Request) -> Response:
    await _admin(gw, request)
    body = await request.json()
    names, aliases = body.get("keys"), body.get("key_aliases")
    if names is None and aliases is None:
        raise bad_request("Send 'keys' (a list of keys) or 'key_aliases'.", "keys")
    tokens: list[str] = []
    for name, value in (("keys", names), ("key_aliases", aliases)):
        if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
            raise bad_request(f"'{name}' must be a list of strings.", name)
    tokens = [store.hash_key(k) for k in names or []]
    for alias in aliases or []:
        tokens.extend(r["token"] for r in await store.keys_of(gw.engine, "key_alias", alias))
    deleted = await store.delete(gw.engine, keys, "token", tokens)
    if not deleted:
        raise ProxyError(404, "None of these keys exist.", "not_found_error", "key_not_found", "keys")
    for token in deleted:
        await gw.invalidate(f"key:{token}")
    gone = set(deleted)
    shown = [k for k in names or [] if store.hash_key(k) in gone] + list(aliases or [])
    return json_response({"deleted_keys": shown})


async def key_list(gw: Gateway, request: Request) -> Response:
    await _admin(gw, request)
    q = request.query
    page, size = _int_param(q, "page", 1, 1, 10**9), _int_param(q, "size", 10, 1, 100)
    filters = {"user_id": q.get("user_id"), "team_id": q.get("team_id"), "key_alias": q.get("key_alias")}
    rows, total = await store.list_keys(gw.engine, filters, page, size)
    full = q.get("return_full_object", "false").lower() == "true"
    return json_response(
        {
            "keys": [key_view(r) for r in rows] if full else [r["token"] for r in rows],
            "total_count": total,
            "current_page": page,
            "total_pages": max(1, math.ceil(total / size)),
        }
    )


def _int_param(q: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = q.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"'{name}' must be an integer.", name) from None
    if not low <= value <= high:
        raise bad_request(f"'{name}' must be between {low} and {high}.", name)
    return value


async def key_regenerate(gw: Gateway, request: Request) -> Response:
    await _admin(gw, request)
    body = await request.json() if request.header(b"content-length") not in (None, "0") else {}
    old = request.scope.get("path_param") or body.get("key")
    row = await _key_row(gw, old)
    fields = validate({k: v for k, v in body.items() if k not in ("key", "new_key")}, KEY_INPUT - {"key"})
    raw = body.get("new_key") or store.new_key()
    if not isinstance(raw, str) or not raw.startswith("sk-"):
        raise bad_request("'new_key' must start with 'sk-'.", "new_key")
    values = _timed(fields, store.utcnow(), creating=False)
    new_token = store.hash_key(raw)
    values.update(token=new_token, key_name=store.abbreviate(raw))
    await store.update(gw.engine, keys, "token", row["token"], values)
    # The spend so far moves to the new key's counter; the old key stops working now.
    await gw.limiter.set_spend(f"key:{new_token}", float(row.get("spend") or 0.0))
    await gw.invalidate(f"key:{row['token']}")
    await gw.invalidate(f"key:{new_token}")
    saved = await store.fetch_one(gw.engine, keys, "token", new_token)
    assert saved is not None
    return json_response({"key": raw, **key_view(saved)})


async def _set_blocked(gw: Gateway, request: Request, blocked: bool) -> Response:
    await _admin(gw, request)
    body = await request.json()
    row = await _key_row(gw, body.get("key"))
    await store.update(
        gw.engine, keys, "token", row["token"], {"blocked": blocked, "updated_at": store.utcnow()}
    )
    await gw.invalidate(f"key:{row['token']}")
    saved = await store.fetch_one(gw.engine, keys, "token", row["token"])
    assert saved is not None
    return json_response(key_view(saved))


async def key_block(gw: Gateway, request: Request) -> Response:
    return await _set_blocked(gw, request, True)


async def key_unblock(gw: Gateway, request: Request) -> Response:
    return await _set_blocked(gw, request, False)


# --- teams ---------------------------------------------------------------------------------------

TEAM_INPUT = {
    "team_id",
    "team_alias",
    "models",
    "max_budget",
    "budget_duration",
    "rpm_limit",
    "tpm_limit",
    "max_parallel_requests",
    "members_with_roles",
    "metadata",
    "blocked",
}


async def team_new(gw: Gateway, request: Request) -> Response:
    await _admin(gw, request)
    fields = validate(await request.json(), TEAM_INPUT)
    fields["team_id"] = fields.get("team_id") or str(uuid.uuid4())
    if await store.fetch_one(gw.engine, teams, "team_id", fields["team_id"]) is not None:
        raise ProxyError(
            409, f"Team '{fields['team_id']}' already exists.", code="team_exists", param="team_id"
        )
    row = _timed(fields, store.utcnow(), creating=True)
    row.setdefault("members_with_roles", [])
    await store.insert(gw.engine, teams, row)
    saved = await store.fetch_one(gw.engine, teams, "team_id", fields["team_id"])
    assert saved is not None
    return json_response(entity_view(saved))


async def _team_row(gw: Gateway, team_id: Any) -> dict[str, Any]:
    if not isinstance(team_id, str) or not team_id:
        raise bad_request("'team_id' is required.", "team_id")
    row = await store.fetch_one(gw.engine, teams, "team_id", team_id)
    if row is None:
        raise ProxyError(404, f"Team '{team_id}' not found.", "not_found_error", "team_not_found", "team_id")
    return row


async def team_info(gw: Gateway, request: Request) -> Response:
    caller = await gw.auth.authenticate(request.api_key())
    team_id = request.query.get("team_id") or caller.team_id
    if not caller.is_admin and team_id != caller.team_id:
        raise ProxyError(403, "A key may only read its own team.", "permission_error", "403")
    row = await _team_row(gw, team_id)
    team_keys = [key_view(k) for k in await store.keys_of(gw.engine, "team_id", row["team_id"])]
    return json_response({"team_id": row["team_id"], "team_info": entity_view(row), "keys": team_keys})


async def team_update(gw: Gateway, request: Request) -> Response:
    await _admin(gw, request)
    body = await request.json()
    row = await _team_row(gw, body.get("team_id"))
    fields = validate({k: v for k, v in body.items() if k != "team_id"}, TEAM_INPUT - {"team_id"} | {"spend"})
    await store.update(
        gw.engine, teams, "team_id", row["team_id"], _timed(fields, store.utcnow(), creating=False)
    )
    if "spend" in fields:
        await gw.limiter.set_spend(f"team:{row['team_id']}", float(fields["spend"] or 0.0))
    await gw.invalidate(f"team:{row['team_id']}")
    saved = await store.fetch_one(gw.engine, teams, "team_id", row["team_id"])
    assert saved is not None
    return json_response({"team_id": row["team_id"], "data": entity_view(saved)})


async def team_delete(gw: Gateway, request: Request) -> Response:
    await _admin(gw, request)
    body = await request.json()
    ids = body.get("team_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise bad_request("'team_ids' must be a non-empty list of team ids.", "team_ids")
    deleted = await store.delete(gw.engine, teams, "team_id", ids)
    if not deleted:
        raise ProxyError(404, "None of these teams exist.", "not_found_error", "team_not_found", "team_ids")
    for team_id in deleted:
        # A team's keys go with it, as in LiteLLM: they must stop working everywhere.
        tokens = [k["token"] for k in await store.keys_of(gw.engine, "team_id", team_id)]
        await store.delete(gw.engine, keys, "token", tokens)
        await gw.invalidate(f"team:{team_id}")
        for token in tokens:
            await gw.invalidate(f"key:{token}")
    return json_response({"deleted_teams": deleted})


async def team_list(gw: Gateway, request: Request) -> Response:
    await _admin(gw, request)
    import sqlalchemy as sa

    async with gw.engine.connect() as conn:
        rows = await conn.execute(sa.select(teams).order_by(teams.c.created_at))
        return json_response([entity_view(dict(r._mapping)) for r in rows])


# --- users ---------------------------------------------------------------------------------------

USER_INPUT = {
    "user_id",
    "user_alias",
    "user_email",
    "user_role",
    "teams",
    "models",
    "max_budget",
    "budget_duration",
    "rpm_limit",
    "tpm_limit",
    "max_parallel_requests",
    "metadata",
    "auto_create_key",
    "key_alias",
    "duration",
}


async def user_new(gw: Gateway, request: Request) -> Response:
    caller = await _admin(gw, request)
    fields = validate(await request.json(), USER_INPUT)
    auto_key = fields.pop("auto_create_key", True)
    key_alias, duration = fields.pop("key_alias", None), fields.pop("duration", None)
    fields["user_id"] = fields.get("user_id") or str(uuid.uuid4())
    fields.setdefault("user_role", "internal_user")
    if await store.fetch_one(gw.engine, users, "user_id", fields["user_id"]) is not None:
        raise ProxyError(
            409, f"User '{fields['user_id']}' already exists.", code="user_exists", param="user_id"
        )
    await store.insert(gw.engine, users, _timed(fields, store.utcnow(), creating=True))
    saved = await store.fetch_one(gw.engine, users, "user_id", fields["user_id"])
    assert saved is not None
    out = entity_view(saved)
    if auto_key is not False:
        key_fields = {"user_id": fields["user_id"], "key_alias": key_alias, "duration": duration}
        created = await create_key(
            gw, {k: v for k, v in key_fields.items() if v}, caller.user_id or "master_key"
        )
        out.update(
            key=created["key"],
            token=created["token"],
            key_name=created["key_name"],
            expires=created["expires"],
        )
    return json_response(out)


async def _user_row(gw: Gateway, user_id: Any) -> dict[str, Any]:
    if not isinstance(user_id, str) or not user_id:
        raise bad_request("'user_id' is required.", "user_id")
    row = await store.fetch_one(gw.engine, users, "user_id", user_id)
    if row is None:
        raise ProxyError(404, f"User '{user_id}' not found.", "not_found_error", "user_not_found", "user_id")
    return row


async def user_info(gw: Gateway, request: Request) -> Response:
    caller = await gw.auth.authenticate(request.api_key())
    user_id = request.query.get("user_id") or caller.user_id
    if not caller.is_admin and user_id != caller.user_id:
        raise ProxyError(403, "A key may only read its own user.", "permission_error", "403")
    row = await _user_row(gw, user_id)
    user_keys = [key_view(k) for k in await store.keys_of(gw.engine, "user_id", row["user_id"])]
    user_teams = []
    for team_id in row.get("teams") or []:
        team = await store.fetch_one(gw.engine, teams, "team_id", team_id)
        if team is not None:
            user_teams.append(entity_view(team))
    return json_response(
        {"user_id": row["user_id"], "user_info": entity_view(row), "keys": user_keys, "teams": user_teams}
    )


async def user_update(gw: Gateway, request: Request) -> Response:
    await _admin(gw, request)
    body = await request.json()
    row = await _user_row(gw, body.get("user_id"))
    allowed = USER_INPUT - {"user_id", "auto_create_key", "key_alias", "duration"} | {"spend"}
    fields = validate({k: v for k, v in body.items() if k != "user_id"}, allowed)
    await store.update(
        gw.engine, users, "user_id", row["user_id"], _timed(fields, store.utcnow(), creating=False)
    )
    if "spend" in fields:
        await gw.limiter.set_spend(f"user:{row['user_id']}", float(fields["spend"] or 0.0))
    await gw.invalidate(f"user:{row['user_id']}")
    saved = await store.fetch_one(gw.engine, users, "user_id", row["user_id"])
    assert saved is not None
    return json_response(entity_view(saved))


async def user_delete(gw: Gateway, request: Request) -> Response:
    await _admin(gw, request)
    body = await request.json()
    ids = body.get("user_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise bad_request("'user_ids' must be a non-empty list of user ids.", "user_ids")
    deleted = await store.delete(gw.engine, users, "user_id", ids)
    for user_id in deleted:
        tokens = [k["token"] for k in await store.keys_of(gw.engine, "user_id", user_id)]
        await store.delete(gw.engine, keys, "token", tokens)
        await gw.invalidate(f"user:{user_id}")
        for token in tokens:
            await gw.invalidate(f"key:{token}")
    return json_response({"deleted_users": deleted})
