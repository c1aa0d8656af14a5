"""Scopes and authentication: the declared routes, key storage and header parsing
(the walks of every route with every face's keys are in tests/contract/).

A route added without a scope, or a write route declared READ, fails here.
"""
from __future__ import annotations

import hashlib
import hmac
import json

import boto3
import pytest

import app as _app  # noqa: F401  (registers every face's routes into ROUTES)
from chalicelib import auth
from chalicelib.faces.http import PAGE_ROUTES, ROUTES
from tests.conftest import PROBLEM_JSON, assert_problem, route_id

# ---- the declared routes ---------------------------------------------------------------

def test_routes_are_declared():
    assert ROUTES, "no routes registered"
    assert {r.method for r in ROUTES} >= {"GET", "POST", "PATCH", "DELETE"}


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_every_route_declares_a_known_scope(route):
    """A known scope, or None for the public OpenAPI documents (and nothing else)."""
    assert route.scope in ("READ", "WRITE") or (route.scope is None and route.path == "/openapi/{document}")


@pytest.mark.parametrize("route", [r for r in ROUTES if r.method != "GET"], ids=route_id)
def test_every_non_get_route_needs_write(route):
    assert route.scope == "WRITE"


def test_routes_match_what_the_app_serves():
    """Every (path, method) the app serves is a declared route, scoped or public (or HEAD of a
    declared GET), or a 405 fallback, and vice versa."""
    from app import app

    declared = {(path, r.method) for r in (*ROUTES, *PAGE_ROUTES) for path in r.paths}
    heads = {(path, "HEAD") for path, method in declared if method == "GET"}
    served = set()
    for path, methods in app.routes.items():
        for method, entry in methods.items():
            if entry.view_name.startswith("method_not_allowed"):
                continue
            served.add((path, method))
    assert served == declared | heads
    assert len(declared) == sum(len(r.paths) for r in (*ROUTES, *PAGE_ROUTES)), "a route is declared twice"


# ---- the READ key on every route -------------------------------------------------------


# ---- authentication --------------------------------------------------------------------


@pytest.mark.parametrize("header", [
    "Bearer",
    "Bearer ",
    "Bearer dr_nope",
    "Bearer {key}x",
    "Bearer {key_prefix}",
])
def test_wrong_or_truncated_bearer_values_are_401(api, acme, header):
    value = header.format(key=acme.write_key, key_prefix=acme.write_key[:-1])
    response = api.get("/api/v1/donors", None, headers={"Authorization": value})
    assert_problem(response, 401)


@pytest.mark.parametrize("header", [
    "Basic {key}",
    "Token {key}",
    "{key}",
    "ApiKey {key}",
])
def test_authorization_scheme_must_be_bearer(api, acme, header):
    response = api.get("/api/v1/donors", None, headers={"Authorization": header.format(key=acme.write_key)})
    assert_problem(response, 401)
    # The same key as a Bearer token works.
    ok = api.get("/api/v1/donors", None, headers={"Authorization": f"Bearer {acme.write_key}"})
    assert ok.status_code == 200


@pytest.mark.parametrize("where", ["x-api-key", "query"])
def test_key_outside_the_authorization_header_is_not_accepted(api, acme, where):
    if where == "query":
        response = api.get(f"/api/v1/donors?api_key={acme.write_key}", None)
        assert response.status_code in (400, 401)
        assert response.headers["Content-Type"] == PROBLEM_JSON
    else:
        response = api.get("/api/v1/donors", None, headers={"X-Api-Key": acme.write_key})
        assert_problem(response, 401)


def test_revoked_key_is_401_even_after_it_was_cached(api, acme):
    key, record = auth.create_key(acme.org, auth.WRITE, label="to revoke")
    headers = {"Authorization": f"Bearer {key}"}
    assert api.get("/api/v1/donors", None, headers=headers).status_code == 200  # now cached

    revoked = auth.revoke_key(acme.org, record["key_id"])
    assert revoked["revoked_at"]

    assert_problem(api.get("/api/v1/donors", None, headers=headers), 401)
    assert_problem(api.post("/api/v1/donors", None, {"first_name": "Late"}, headers=headers), 401)
    # Only that key: the org's other keys still work, and nothing was created.
    listed = api.get("/api/v1/donors", acme)
    assert listed.status_code == 200
    assert listed.json["data"] == []
    assert api.get("/api/v1/donors", acme, scope="READ").status_code == 200


def test_revoking_a_read_key_leaves_the_write_key_working(api, acme):
    (read_key_id,) = [k["key_id"] for k in auth.list_keys(acme.org) if k["scope"] == "READ"]
    assert api.get("/api/v1/donors", acme, scope="READ").status_code == 200
    auth.revoke_key(acme.org, read_key_id)
    assert_problem(api.get("/api/v1/donors", acme, scope="READ"), 401)
    assert api.get("/api/v1/donors", acme).status_code == 200


def _strings(value) -> list[str]:
    """Every string inside a DynamoDB attribute value, at any depth."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(k) + _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def test_keys_are_stored_only_as_digests(api, acme):
    import os

    table = os.environ["TABLE_NAME"]
    client = boto3.client("dynamodb", region_name="us-east-1")
    items, start = [], None
    while True:
        page = client.scan(TableName=table, **({"ExclusiveStartKey": start} if start else {}))
        items += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    key_items = [i for i in items if i.get("SK", {}).get("S") == "APIKEY"]
    assert len(key_items) == 2

    everything = json.dumps(items)
    for key in (acme.write_key, acme.read_key):
        secret = key.split("_", 2)[2]
        assert key not in everything
        assert secret not in everything
        for item in items:
            for text in _strings(item):
                assert key not in text and secret not in text
        expected = auth.digest(key)
        stored = [i for i in key_items if i["digest"]["S"] == expected]
        assert len(stored) == 1, "the key's digest is what the table keeps"
        assert stored[0]["PK"]["S"] == f"APIKEY#{expected}"
        # A keyed digest (HMAC with the pepper), not a plain hash a table copy could be matched against.
        assert expected == hmac.new(os.environ["API_KEY_PEPPER"].encode(), key.encode(),
                                    hashlib.sha256).hexdigest()
        assert hashlib.sha256(key.encode()).hexdigest() not in everything


def test_key_listing_never_shows_the_digest_or_key(api, acme):
    listed = auth.list_keys(acme.org)
    assert len(listed) == 2
    for item in listed:
        assert "digest" not in item
        text = json.dumps(item, default=str)
        assert acme.write_key not in text and acme.read_key not in text


def test_failed_auth_responses_never_echo_the_key(api, acme):
    for headers in ({"Authorization": f"Basic {acme.write_key}"},
                    {"Authorization": f"Bearer {acme.write_key}zz"}):
        response = api.get("/api/v1/donors", None, headers=headers)
        assert response.status_code == 401
        assert acme.write_key not in response.body.decode()
