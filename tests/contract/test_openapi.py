"""The OpenAPI documents (`GET /openapi/{face}.json`, docs/openapi/): valid OpenAPI 3.1, every
route the app serves documented and nothing else, the written files fresh, and real
responses of every route (successes and errors) valid against what the document says.

Response schemas are closed (`additionalProperties: false`, every field required), so a
field a renderer adds without its response model, or drops, fails here.
"""
from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec

from app import app
from chalicelib.faces import openapi
from chalicelib.faces.http import FACES as SERVED_FACES
from chalicelib.faces.http import HEAD, HTTP_METHODS, PAGE_ROUTES, ROUTES
from tests.contract.conftest import PUBLIC, SCOPED, WRITE_METHODS, call, described, face_of, route_id, send, table_state
from tools import openapi_docs

FACE_NAMES = sorted(SERVED_FACES)
DOCS = {name: openapi.document(name) for name in FACE_NAMES}
ROUTES_DESCRIBED = described(ROUTES)


# ---- the documents -----------------------------------------------------------------------------

def test_every_face_has_a_document():
    assert FACE_NAMES == ["givebutter", "lgl", "mpdx", "together"]


@pytest.mark.parametrize("face", FACE_NAMES)
def test_the_document_is_valid_openapi_3_1(face):
    assert DOCS[face]["openapi"].startswith("3.1")
    validate_spec(DOCS[face])


def _documented() -> set[tuple[str, str]]:
    return {(path, method.upper()) for doc in DOCS.values() for path, ops in doc["paths"].items() for method in ops}


def test_every_served_route_and_method_is_documented_and_nothing_else():
    """Read from Chalice's routing table: every method a path's views serve (HEAD too),
    not the 405 fallbacks, and not the reference page (it shows these documents; it is no
    face's API)."""
    page = {r.path for r in PAGE_ROUTES}
    served = {(path, method) for path, methods in app.routes.items() for method, entry in methods.items()
              if not entry.view_name.startswith("method_not_allowed") and path not in page}
    assert served, "no routes"
    assert _documented() == served


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_each_route_is_in_its_own_face_document_with_a_summary(route):
    op = DOCS[route.face]["paths"][route.path][route.method.lower()]
    assert op["summary"] and not op["summary"].startswith(route.method), "the view needs a docstring"
    assert str(route.status) in op["responses"]
    if route.scope is None:
        assert op["security"] == []
    else:
        assert "security" not in op and op["x-scope"] == route.scope


@pytest.mark.parametrize("route", [r for r in ROUTES_DESCRIBED if face_of(r).route(r).params is not None],
                         ids=route_id)
def test_documented_query_parameters_are_the_ones_the_contract_suite_knows(route):
    op = DOCS[route.face]["paths"][route.path][route.method.lower()]
    documented = {p["name"] for p in op["parameters"] if p["in"] == "query"}
    assert documented == set(face_of(route).route(route).params)


@pytest.mark.parametrize("face", FACE_NAMES)
def test_response_and_error_schemas_are_closed(face):
    """Every object schema of a response model forbids other members (request bodies too)."""
    open_ = [name for name, schema in DOCS[face]["components"]["schemas"].items()
             if schema.get("type") == "object" and "properties" in schema
             and schema.get("additionalProperties") is not False and name != "OpenAPIDocument"
             and schema.get("x-unknown-fields") != "ignored and named in X-Ignored-Fields"]
    assert open_ == []


def test_the_written_documents_are_fresh():
    """docs/openapi/ is what `make docs` writes now; run it after changing a route or a model."""
    for path, text in openapi_docs.written().items():
        assert path.exists(), f"{path} missing: run make docs"
        assert path.read_text() == text, f"{path} is stale: run make docs"
    assert {p.name for p in openapi_docs.OUT.glob("*.json")} == {f"{f}.json" for f in FACE_NAMES}


def test_the_written_format_is_stable():
    text = openapi.render("mpdx")
    assert text.endswith("}\n") and text.startswith('{\n  "components"')
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# ---- serving them ------------------------------------------------------------------------------

@pytest.mark.parametrize("face", FACE_NAMES)
def test_each_document_is_served_without_a_key(world, face):
    response = world.api.get(f"/openapi/{face}.json")
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"] == "application/json"
    assert response.json == DOCS[face]
    check(world, "GET", "/openapi/{document}", response)


@pytest.mark.parametrize("name", ["littlegreenlight.json", "together", "together.yaml", "..json", "TOGETHER.json"])
def test_an_unknown_document_is_404_in_problem_json(world, name):
    response = world.api.get(f"/openapi/{name}")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json["instance"] == f"/openapi/{name}"
    check(world, "GET", "/openapi/{document}", response)


@pytest.mark.parametrize("method", [m for m in HTTP_METHODS if m != "GET"])
def test_other_methods_on_a_document_are_405_allowing_get_and_head(world, method):
    response = world.api.call(method, "/openapi/together.json", None, {})
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD"
    check(world, "GET", "/openapi/{document}", response, status_of_method=method)


def test_head_of_a_document_has_no_body(world):
    response = world.api.call(HEAD, "/openapi/mpdx.json")
    assert response.status_code == 200 and not response.body
    check(world, HEAD, "/openapi/{document}", response)


def test_public_routes_are_named_in_the_contract():
    assert {(r.face, r.method, r.path) for r in ROUTES if r not in SCOPED} == PUBLIC


# ---- real responses against the document ---------------------------------------------------------

def _schema_validator(face: str, schema: dict) -> Draft202012Validator:
    return Draft202012Validator({**schema, "components": DOCS[face]["components"]})


def _face_of_path(path: str, method: str) -> str:
    """The face whose document has the operation (two faces may share a path); for a method
    no face serves there, the first face of the path (its 405 is documented there)."""
    return next((r.face for r in ROUTES if r.path == path and r.method == method.upper()),
                next(r.face for r in ROUTES if r.path == path))


def check(w, method: str, path: str, response, status_of_method: str | None = None) -> None:
    """The response's status is documented for the operation, its body valid against that
    response's schema in its Content-Type, and the headers the document names are there."""
    face = _face_of_path(path, "GET" if method.upper() == HEAD else method)
    ops = DOCS[face]["paths"][path]
    op = ops.get(method.lower()) or next(iter(ops.values()))  # a 405 is documented on every operation
    status = str(response.status_code)
    assert status in op["responses"], f"{method} {path} answered {status}, not documented: {response.body[:300]}"
    documented = op["responses"][status]
    headers = {k.lower() for k in response.headers}
    for name in documented.get("headers", {}):
        if DOCS[face]["components"]["headers"][name]["required"]:  # Idempotent-Replayed: only on a replay
            assert name.lower() in headers, f"{status} lacks documented header {name}"
    if "content" not in documented or (status_of_method or method) == HEAD:
        assert not response.body or status_of_method, response.body
        return
    media_type = response.headers["Content-Type"]
    assert media_type in documented["content"], (media_type, list(documented["content"]))
    body = json.loads(response.body)
    errors = sorted(_schema_validator(face, documented["content"][media_type]["schema"]).iter_errors(body),
                    key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


@pytest.mark.parametrize("route", [r for r in ROUTES_DESCRIBED if r.method not in WRITE_METHODS], ids=route_id)
def test_every_read_answers_what_its_document_says(world, route):
    response = call(world, route)
    assert response.status_code == route.status, response.body
    if route.path.endswith(("contact-logs", "donors", "donations", "follow-ups", "activities", "activity",
                            "contacts")):
        assert json.loads(response.body)["data"], "a list to check needs items"
    check(world, route.method, route.path, response)
    head = send(world.api, face_of(route), HEAD, face_of(route).path(route, world.mine), world.acme)
    assert head.status_code == route.status and not head.body
    check(world, HEAD, route.path, head)


@pytest.mark.parametrize("route", [r for r in ROUTES_DESCRIBED if r.method in WRITE_METHODS], ids=route_id)
def test_every_write_answers_what_its_document_says(world, own, route):
    org, records = own
    response = call(world, route, records, org)
    assert response.status_code == route.status, response.body
    check(world, route.method, route.path, response)


def _error_cases(route) -> list[tuple[str, dict]]:
    """Requests of the route that fail, each as `call` keywords, with what they test."""
    face = face_of(route)
    spec = face.route(route)
    cases = [("no key", {"org": None})]
    if route.method in WRITE_METHODS:
        cases.append(("READ key", {"scope": "READ"}))
    if spec.params is not None:
        if not face.lenient:  # a lenient face ignores what it does not know
            cases.append(("unknown query parameter", {"path_suffix": "?zzz=1"}))
        for param in route.params:
            if param.schema.get("type") == "integer":
                below = param.schema.get("minimum", 1) - 1
                cases.append((f"{param.name} out of range", {"path_suffix": f"?{param.name}={below}"}))
            if "enum" in param.schema:
                cases.append((f"{param.name} not in enum", {"path_suffix": f"?{param.name}=zzz"}))
    if spec.ids:
        cases.append(("no such record", {"records": {kind: "987654" for kind in spec.ids.values()}}))
    if spec.body is not None:
        if not face.lenient:
            cases.append(("unknown field", {"raw": json.dumps({"zzz": 1})}))
        cases.append(("not JSON", {"raw": "{"}))
        cases.append(("wrong media type", {"headers": {"Content-Type": "text/plain"}}))
    if any(h.name == "If-Match" for h in route.headers):
        cases.append(("stale If-Match", {"headers": {"If-Match": '"999"'}}))
    if route.face == "mpdx":
        cases.append(("not acceptable", {"headers": {"Accept": "text/html"}}))
    return cases


@pytest.mark.parametrize("route", ROUTES_DESCRIBED, ids=route_id)
def test_every_error_answers_what_its_document_says(world, route):
    """Each way the route's request can fail (one request each: no key, a READ key, bad
    parameters, no such record, bad bodies...) answers a documented status with a body valid
    against its documented schema; the table compared once around them all."""
    before = table_state()
    face = face_of(route)
    for label, kw in _error_cases(route):
        kw = dict(kw)
        suffix, records, raw = kw.pop("path_suffix", ""), kw.pop("records", None), kw.pop("raw", None)
        records = {**world.mine, **(records or {})}
        org = kw.pop("org", world.acme)
        path = face.path(route, records) + suffix
        body = None if raw is not None else face.body(route, records)
        response = send(world.api, face, route.method, path, org, body, raw=raw, **kw)
        assert response.status_code >= 400, (label, response.status_code, response.body)
        check(world, route.method, route.path, response)
    assert table_state() == before


@pytest.mark.parametrize("route", [r for r in ROUTES_DESCRIBED if r.method == "GET"], ids=route_id)
def test_every_unserved_method_answers_what_the_document_says(world, route):
    served = {r.method for r in ROUTES if r.path == route.path}
    method = next(m for m in ("PUT", "POST", "PATCH", "DELETE") if m not in served) if len(served) < 5 else None
    if method is None:
        pytest.skip("every method served")
    face = face_of(route)
    response = send(world.api, face, method, face.path(route, world.mine), world.acme, {})
    assert response.status_code == 405
    check(world, route.method, route.path, response, status_of_method=method)


def test_a_refused_delete_answers_409_as_documented(world, own):
    org, records = own
    for path in ("/api/v1/donors/{record}", "/api/v2/organizations/contacts/{record}", "/api/v1/constituents/{id}"):
        route = next(r for r in ROUTES if r.path == path and r.method == "DELETE")
        face = face_of(route)
        response = send(world.api, face, "DELETE", path.format(record=records["log-donor"], id=records["log-donor"]),
                        org)
        assert response.status_code == 409, response.body
        check(world, "DELETE", path, response)


def test_a_cold_start_builds_no_document():
    """app.py imports neither the generator nor the response models: the first request for a
    document pays for them, no other request does."""
    import subprocess
    import sys

    code = ("import sys, app; print(sorted(m for m in sys.modules if m == 'chalicelib.faces.openapi'"
            " or m.endswith('.responses')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
