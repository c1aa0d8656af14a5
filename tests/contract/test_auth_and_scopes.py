"""Authentication and scopes on every route of every face.

No key or a bad one is a 401, a READ key on a write route a 403, each in the face's own
shape and with nothing in the table changed; the same requests with the right key succeed,
so the refusals are the key's doing, not the request's.
"""
from __future__ import annotations

import re

import pytest

from chalicelib.faces.http import ROUTES
from tests.contract.conftest import WRITE_METHODS, call, described, face_of, route_id, table_state

ROUTES = described(ROUTES)
FORGED = "dr_abcdefghij_" + "x" * 43  # a well-formed key no organisation has


AUTHORIZATIONS = [None, f"Bearer {FORGED}", "Bearer nope-nope-nope", "Basic {key}", "{key}", "Bearer {key}x"]


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_no_or_bad_key_is_401_in_the_faces_shape_and_changes_nothing(world, route):
    """Each missing or bad key (one request each) on every route; the table compared once
    around them all."""
    before = table_state()
    for authorization in AUTHORIZATIONS:
        headers = {"Authorization": authorization.format(key=world.acme.write_key)} if authorization else {}
        response = call(world, route, org=None, headers=headers)

        face_of(route).assert_error(response, 401)
        assert world.acme.write_key not in response.body.decode(), "a failed authentication echoed the key"
        # RFC 9110 11.6.1: a 401 names its scheme (RFC 6750's Bearer, with a realm).
        challenge = response.headers["WWW-Authenticate"]
        assert re.fullmatch(r'Bearer realm="[^"]+"(, error="invalid_token")?', challenge), challenge
        if authorization is None or authorization.startswith("Bearer "):
            assert ('error="invalid_token"' in challenge) is (authorization is not None), authorization
    assert table_state() == before


@pytest.mark.parametrize("route", [r for r in ROUTES if r.method in WRITE_METHODS], ids=route_id)
def test_read_key_on_a_write_route_is_403_and_changes_nothing(world, route):
    before = table_state()
    response = call(world, route, scope="READ")
    face_of(route).assert_error(response, 403)
    assert table_state() == before


@pytest.mark.parametrize("route", [r for r in ROUTES if r.method == "GET"], ids=route_id)
def test_read_key_reads_every_get_route_and_changes_nothing(world, route):
    assert route.scope == "READ"
    before = table_state()
    response = call(world, route, scope="READ")
    assert response.status_code == 200, response.body
    face_of(route).assert_success(response)
    assert table_state() == before


@pytest.mark.parametrize("route", [r for r in ROUTES if r.method in WRITE_METHODS], ids=route_id)
def test_write_key_can_use_every_write_route(world, own, route):
    """The 403s and 404s elsewhere are refusals: the same request with a WRITE key of the
    record's own organisation succeeds, and writes."""
    assert route.scope == "WRITE"
    before = table_state()
    org, records = own
    response = call(world, route, records, org=org)
    assert response.status_code in (200, 201, 204), response.body
    if response.status_code == 204:
        assert not response.body
    else:
        face_of(route).assert_success(response)
    assert table_state() != before, "a successful write changed nothing"
