"""Tenancy on every route of every face: a request naming another organisation's record is
a 404 in the face's shape (the record does not exist for the caller), and nothing changes
in either organisation.

Every route whose request names a record (a path variable, or a record referenced in its
body) is walked; a route with several such places (a contact and its activity) is tried
with every mix of the caller's and the other organisation's records, except all the caller's.
The other organisation's ids are ones the caller has not issued, so a 404 cannot come
from the id alone (ids are per organisation).
"""
from __future__ import annotations

from itertools import product

import pytest

from chalicelib.faces.http import ROUTES, RouteSpec
from tests.contract.conftest import KINDS, call, described, face_of, route_id, table_state

MINE, THEIRS = "mine", "theirs"


def places(route: RouteSpec) -> list[str]:
    """Where the route's request names a record: its path variables, and `body` when the
    valid body refers to a record."""
    spec = face_of(route).route(route)
    one, two = {k: "1" for k in KINDS}, {k: "2" for k in KINDS}
    refers = spec.body is not None and spec.body(one) != spec.body(two)
    return list(spec.ids) + (["body"] if refers else [])


CASES = [
    pytest.param(route, dict(zip(places(route), choice)),
                 id=f"{route_id(route)} " + ",".join(f"{p}={c}" for p, c in zip(places(route), choice)))
    for route in described(ROUTES)
    for choice in product((MINE, THEIRS), repeat=len(places(route)))
    if THEIRS in choice
]


def test_every_route_that_names_a_record_is_walked():
    walked = {(c.values[0].face, c.values[0].method, c.values[0].path) for c in CASES}
    for route in described(ROUTES):
        if places(route):
            assert (route.face, route.method, route.path) in walked


@pytest.mark.parametrize("route, whose", CASES)
def test_another_orgs_record_is_404_and_nothing_changes(world, route, whose):
    face = face_of(route)
    spec = face.route(route)
    records = {MINE: world.mine, THEIRS: world.theirs}
    path = face.path(route, world.mine, **{var: records[whose[var]][kind] for var, kind in spec.ids.items()})
    body = face.body(route, records[whose.get("body", MINE)])

    before = table_state()
    face.assert_error(world.api.call(route.method, path, world.acme, body, headers=face.headers), 404)
    assert table_state() == before


@pytest.mark.parametrize("route", [r for r in described(ROUTES) if places(r) and r.method == "GET"], ids=route_id)
def test_the_owner_reads_the_same_records(world, route):
    """The 404s above are tenancy, not bad ids: the other organisation's key reads them.
    (For writes, test_auth_and_scopes.test_write_key_can_use_every_write_route shows the
    same requests succeed for the records' own organisation.)"""
    response = call(world, route, world.theirs, org=world.other, scope="READ")
    assert response.status_code == 200, response.body
