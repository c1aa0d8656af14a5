"""Errors every face answers in its own shape, on every route: bodies that are not a JSON
object, the wrong media type, unknown or repeated query parameters, methods a path does not
serve (405 with `Allow`), and a throttled data store (503 with `Retry-After`). None of them
changes anything in the table.
"""
from __future__ import annotations

import json

import pytest

from chalicelib import auth, warm_cache
from chalicelib.faces.http import HTTP_METHODS, ROUTES
from chalicelib.store import dynamo
from tests.contract.conftest import call, described, face_of, route_id, send, served, table_state
from tests.together.test_errors import _client_error, _FailingClient

ROUTES = described(ROUTES)
BODY_ROUTES = [r for r in ROUTES if r.method in ("POST", "PUT", "PATCH")]
# Routes that refuse what they do not know (LGL's ignore it: tests/lgl/test_face_rules.py).
QUERY_ROUTES = [r for r in ROUTES if face_of(r).route(r).params is not None and not face_of(r).lenient]


def refused(world, route, status: int, **kw) -> dict:
    """Send the route's request (with `kw` changing it), assert the face's error shape and
    that nothing changed; the error body."""
    before = table_state()
    response = call(world, route, **kw)
    body = face_of(route).assert_error(response, status)
    assert table_state() == before
    return body


# ---- bodies ------------------------------------------------------------------------------------

NOT_JSON = ['{"donor_id": "1",', "{bad json}", "{'single': 'quotes'}", "nul", "\x00", '{"type": "email",}',
            '{"notes": "x"} trailing']
NOT_AN_OBJECT = ["[]", '[{"notes": "x"}]', '"text"', "42", "null", "true"]
NOT_PARSEABLE = ["[" * 5000, '{"notes": "\\ud800", "note": "\\ud800"}']  # too deep; an unpaired surrogate
EMPTY = [None, "", "   ", "\n"]  # None: no body at all


@pytest.mark.parametrize("route", BODY_ROUTES, ids=route_id)
def test_a_body_that_is_not_a_json_object_is_400_and_changes_nothing(world, route):
    """Every kind of broken body (one request each) on every body route; the table compared
    once around them all."""
    face = face_of(route)
    before = table_state()
    path = face.path(route, world.mine)
    for raw in NOT_JSON + NOT_AN_OBJECT + NOT_PARSEABLE + EMPTY:
        response = send(world.api, face, route.method, path, world.acme, raw=raw)  # raw None: no body at all
        body = face.assert_error(response, 400)
        if raw in NOT_JSON + NOT_AN_OBJECT + NOT_PARSEABLE:
            assert "body" in face.error_fields(body), (raw, body)
        if raw in NOT_JSON:
            assert "json" in face.error_message(body).lower(), (raw, body)
    assert table_state() == before


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml",
                                          "multipart/form-data; boundary=x"])
@pytest.mark.parametrize("route", BODY_ROUTES, ids=route_id)
def test_a_valid_body_of_another_media_type_is_415_and_changes_nothing(world, route, content_type):
    refused(world, route, 415, headers={"Content-Type": content_type})


# ---- query strings -----------------------------------------------------------------------------

@pytest.mark.parametrize("route", QUERY_ROUTES, ids=route_id)
def test_an_unknown_query_parameter_is_400_naming_it(world, route):
    face = face_of(route)
    path = face.path(route, world.mine) + "?colour=red"
    before = table_state()
    body = face.assert_error(send(world.api, face, route.method, path, world.acme, face.body(route, world.mine)), 400)
    assert table_state() == before
    assert "colour" in face.error_fields(body), body
    assert "colour" in face.error_message(body), body


@pytest.mark.parametrize("route, name", [(r, p) for r in QUERY_ROUTES for p in face_of(r).route(r).params],
                         ids=lambda v: route_id(v) if hasattr(v, "face") else v)
def test_a_repeated_query_parameter_is_400_naming_it(world, route, name):
    face = face_of(route)
    path = face.path(route, world.mine) + f"?{name}=1&{name}=1"
    before = table_state()
    body = face.assert_error(send(world.api, face, route.method, path, world.acme, face.body(route, world.mine)), 400)
    assert table_state() == before
    assert name in face.error_fields(body), body


# ---- methods -----------------------------------------------------------------------------------

UNSERVED = [(face, path, method) for (face, path), methods in served().items()
            for method in HTTP_METHODS if method not in methods]


@pytest.mark.parametrize("face_name, path, method", UNSERVED, ids=lambda v: v)
def test_an_unserved_method_is_405_with_allow_listing_the_served_ones(world, face_name, path, method):
    route = next(r for r in ROUTES if r.face == face_name and r.path == path)  # any, to fill the path
    face = face_of(route)
    before = table_state()
    response = send(world.api, face, method, face.path(route, world.mine), world.acme, {"notes": "x", "type": "email"})
    face.assert_error(response, 405)
    methods = served()[(face_name, path)]
    assert response.headers["Allow"] == ", ".join(sorted(methods | ({"HEAD"} if "GET" in methods else set())))
    assert table_state() == before


# ---- the data store throttling -----------------------------------------------------------------

@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_throttling_is_503_with_retry_after_on_every_route(world, monkeypatch, route):
    face = face_of(route)
    path, body = face.path(route, world.mine), face.body(route, world.mine)
    warm_cache.clear_all()  # what the route reads (lookup values, members...) comes from the store,
    auth.authenticate(world.acme.write_key)  # but the key is verified already
    failing = _FailingClient(_client_error("ProvisionedThroughputExceededException"))
    monkeypatch.setattr(dynamo, "client", lambda: failing)

    response = send(world.api, face, route.method, path, world.acme, body)

    assert failing.calls, "the request never reached the data store"
    error = face.assert_error(response, 503)
    retry_after = response.headers["Retry-After"]
    assert retry_after.isdigit() and int(retry_after) >= 1
    assert "ProvisionedThroughputExceeded" not in json.dumps(error)
