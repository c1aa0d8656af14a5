"""Methods on every path the app routes (read from Chalice's routing table, every face):
HEAD wherever GET is, and 405 with an `Allow` that lists exactly what the path serves."""
from __future__ import annotations

import re

import pytest

from app import app
from chalicelib.faces.http import HEAD, HTTP_METHODS, PAGE_ROUTES
from tests.contract.conftest import CATALOGUES

PATHS = sorted(app.routes)
PUBLIC_PATHS = {r.path for r in PAGE_ROUTES} | {"/openapi/{document}"}  # no key needed: the reference page, its assets, the documents


def served(path: str) -> set[str]:
    """What the path's views answer: every routed method but the 405 fallbacks."""
    return {method for method, entry in app.routes[path].items()
            if not entry.view_name.startswith("method_not_allowed")}


POINTS = {"email_addresses": "email-address", "phone_numbers": "phone-number", "street_addresses": "street-address",
          "web_addresses": "web-address"}


@pytest.fixture(scope="module")
def ids(world):
    """Live records of acme's (the module's world): a donor with its contact log (a Givebutter
    activity) and gift, and contact points. No test here changes them."""
    mine = world.mine
    return {"donor": mine["log-donor"], "log": mine["contact-log"], "note": mine["note"], "donation": mine["donation"],
            **{collection: mine[kind] for collection, kind in POINTS.items()},
            **{c.key: mine[c.item_type.replace("_", "-")] for c in CATALOGUES}}


def filled(path: str, ids: dict[str, str]) -> str:
    """The path naming live records: the donor, its contact log (a Givebutter activity), its gift;
    a public path names one of its files."""
    if path == "/openapi/{document}":
        return path.format(document="together.json")
    if path in PUBLIC_PATHS:
        return path.replace("{name}", "swagger-ui.css")
    record = {"contact-logs": ids["log"], "contact_reports": ids["log"], "notes": ids["note"],
              "donations": ids["donation"], "gifts": ids["donation"],
              **{c: ids[c] for c in POINTS}, **{c.key: ids[c.key] for c in CATALOGUES}}.get(path.split("/")[3],
                                                                                         ids["donor"])
    return (re.sub(r"\{record\}|\{contact\}|\{id\}", record, path).replace("{activity}", ids["log"])
            .replace("{type}", "phone_number_types"))


def call(api, method: str, path: str, key: str | None, body: str | None = None):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    return api.client.http.request(method, path, headers=headers, body=body)


def allow(response) -> set[str]:
    return {m.strip() for m in response.headers["Allow"].split(",")}


def test_every_path_with_get_serves_head():
    for path in PATHS:
        assert ("GET" in served(path)) == (HEAD in served(path)), path


@pytest.mark.parametrize("path", [p for p in PATHS if "GET" in served(p)])
@pytest.mark.parametrize("auth", ["key", "no key"])
def test_head_answers_as_get_without_a_body(world, ids, path, auth):
    api, acme = world.api, world.acme
    url = filled(path, ids)
    key = acme.read_key if auth == "key" else None
    get, head = call(api, "GET", url, key), call(api, HEAD, url, key)
    assert get.status_code == (200 if key or path in PUBLIC_PATHS else 401), get.body
    assert head.status_code == get.status_code
    def same_for_both(headers):  # each request has its own X-Request-Id (tests/test_operability.py)
        return {k: v for k, v in headers.items() if k.lower() != "x-request-id"}
    assert same_for_both(head.headers) == same_for_both(get.headers)
    assert get.body and not head.body


@pytest.mark.parametrize("path", PATHS)
def test_unserved_methods_are_405_with_allow_listing_exactly_what_is_served(world, ids, path):
    api, acme = world.api, world.acme
    url, methods = filled(path, ids), served(path)
    for method in (*HTTP_METHODS, HEAD, "TRACE"):  # TRACE: answered by Chalice itself, reshaped
        if method in methods:
            continue
        response = call(api, method, url, acme.write_key, "{}")
        assert response.status_code == 405, (method, response.body)
        assert allow(response) == methods, method
        assert bool(response.body) is (method != HEAD)


@pytest.mark.parametrize("path", PATHS)
def test_no_method_in_allow_answers_405(world, ids, path):
    """A 405's `Allow` never lists a method that itself answers 405 (asked with a READ key:
    a write answers 403, which is not 405, and changes nothing)."""
    api, acme = world.api, world.acme
    url = filled(path, ids)
    listed = allow(call(api, "TRACE", url, acme.read_key))
    assert listed == served(path)
    for method in listed:
        body = None if method in ("GET", HEAD, "DELETE") else "{}"
        assert call(api, method, url, acme.read_key, body).status_code != 405, method
