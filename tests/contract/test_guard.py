"""The contract covers every route, and the routing table is one API Gateway accepts.

A face that registers a route without a description in conftest.FACES (no way to build a
request for it) fails here, before any contract test could silently skip it.
"""
from __future__ import annotations

import re

import pytest

from chalicelib.faces.http import ROUTES
from tests.contract.conftest import FACES, KINDS, PUBLIC, SCOPED, face_of, route_id

VARIABLE = re.compile(r"^\{(\w+)\}$")


def test_every_face_in_routes_is_described():
    faces = {r.face for r in ROUTES}
    assert faces, "no routes registered"
    assert faces <= set(FACES), f"faces without a contract description: {sorted(faces - set(FACES))}"


def test_public_routes_are_exactly_the_ones_named():
    """A route without a scope skips authentication: each is named in conftest.PUBLIC on purpose."""
    assert {(r.face, r.method, r.path) for r in ROUTES if r.scope is None} == PUBLIC


@pytest.mark.parametrize("face", sorted({r.face for r in ROUTES}))
def test_every_route_of_the_face_is_described_and_nothing_else(face):
    registered = {(r.method, r.path) for r in SCOPED if r.face == face}
    described = set(FACES[face].routes)
    assert registered - described == set(), "routes the contract suite cannot call: add them to conftest.FACES"
    assert described - registered == set(), "described routes the face does not register"


@pytest.mark.parametrize("route", SCOPED, ids=route_id)
def test_every_route_description_can_build_a_request(route):
    spec = face_of(route).route(route)
    variables = set(re.findall(r"\{(\w+)\}", route.path))
    assert set(spec.ids) | set(spec.fixed) == variables, f"path variables without a record kind: {variables - set(spec.ids)}"
    assert set(spec.ids.values()) <= set(KINDS)
    if route.method in ("POST", "PUT", "PATCH"):
        assert spec.body is not None, "a body route needs a valid body"
        assert spec.fields, "a body route needs its field names (the fuzzer draws on them)"
    else:
        assert spec.body is None
    if route.method == "GET" and not VARIABLE.match(route.path.rsplit("/", 1)[-1]):
        assert spec.params is not None, "a list route needs the query parameters it knows"


# ---- one variable name per path level (API Gateway refuses siblings that differ) ---------------

def sibling_variable_conflicts(paths) -> list[str]:
    """Places where routes sharing a prefix use different `{variable}` names at the same level.

    API Gateway allows one variable child per resource ("A sibling ({id}) of this resource
    already has a variable path part -- only one is allowed") and refuses the deploy;
    chalice.test.Client and `chalice local` match either name, so nothing else catches it.
    """
    seen: dict[str, dict[str, str]] = {}  # parent prefix -> variable name -> first path using it
    conflicts = []
    for path in sorted(paths):
        parts = [p for p in path.split("/") if p]
        for level, part in enumerate(parts):
            match = VARIABLE.match(part)
            if not match:
                continue
            parent = "/" + "/".join(parts[:level])
            names = seen.setdefault(parent, {})
            names.setdefault(match.group(1), path)
            if len(names) > 1 and match.group(1) not in list(names)[:1]:
                first_name, first_path = next(iter(names.items()))
                conflicts.append(f"{parent}: {{{first_name}}} in {first_path} but {{{match.group(1)}}} in {path}")
    return sorted(set(conflicts))


def test_no_sibling_routes_use_different_variable_names():
    from app import app

    assert app.routes
    assert sibling_variable_conflicts(app.routes) == []


@pytest.mark.parametrize("paths, conflicts", [
    (["/a/{id}", "/a/{name}/b"], ["/a: {id} in /a/{id} but {name} in /a/{name}/b"]),
    (["/a/{id}", "/a/{id}/b", "/a/{id}/b/{c}", "/a"], []),
    (["/x/{a}/y/{b}", "/x/{a}/y/{c}/z"], ["/x/{a}/y: {b} in /x/{a}/y/{b} but {c} in /x/{a}/y/{c}/z"]),
    (["/x/{a}", "/y/{b}"], []),  # different parents: allowed
    (["/v1/constituents/{id}", "/v1/constituents/{constituent_id}/phone_numbers",
      "/v1/categories/{id}", "/v1/categories/{category_id}/keywords"],
     ["/v1/categories: {category_id} in /v1/categories/{category_id}/keywords but {id} in /v1/categories/{id}",
      "/v1/constituents: {constituent_id} in /v1/constituents/{constituent_id}/phone_numbers but {id} in "
      "/v1/constituents/{id}"]),
])
def test_the_sibling_checker_finds_different_names_at_one_level(paths, conflicts):
    assert sibling_variable_conflicts(paths) == conflicts
