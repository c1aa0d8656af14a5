"""Shared fixtures: a fresh moto table per test, organisations with keys, and a client.

Every test runs against moto's DynamoDB through the real store code; nothing is faked
above boto3.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import botocore.loaders
import pytest

os.environ.update({
    "API_KEY_PEPPER": "test-pepper-not-a-secret-0123456789",
    "TABLE_NAME": "donor-relations-test",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
})
for _name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
    os.environ.pop(_name, None)

from moto import mock_aws  # noqa: E402

from tools import moto_at_scale, moto_rollback  # noqa: E402

moto_rollback.install()  # transactions roll back by their own items, not by whole-table copies
moto_at_scale.install()  # a Query pages as DynamoDB's does and does not re-sort the whole table each time

from chalicelib import auth, config, warm_cache  # noqa: E402
from chalicelib.aws import reset_clients  # noqa: E402
from chalicelib.domain import organisations  # noqa: E402
from chalicelib.store import context, dynamo, table  # noqa: E402

if TYPE_CHECKING:
    from chalicelib.faces.http import RouteSpec

PROBLEM_JSON = "application/problem+json"


def _forget_caches() -> None:
    config.reset()
    reset_clients()
    context.reset()
    warm_cache.clear_all()


@contextmanager
def clean_account():
    """A clean moto account with the table created; every cache forgotten before and after.
    The `aws` fixture, and tests that need one around a nested @given."""
    with mock_aws():
        _forget_caches()
        try:
            table.ensure_table(os.environ["TABLE_NAME"])
            yield
        finally:
            _forget_caches()


@pytest.fixture(autouse=True, scope="session")
def shared_service_models():
    """Speed only: a client made from a new boto3 Session (the tests' own `boto3.client(...)`
    calls and moto's backends make them) parses its service's JSON model again, a tenth of a
    second or more each. Parse each model file once per test process; they are only read."""
    memo: dict[Any, Any] = {}

    def shared(original):
        def cached(self, *args, **kwargs):
            key = (original.__name__, args, tuple(sorted(kwargs.items())))
            if key not in memo:
                memo[key] = original(self, *args, **kwargs)
            return memo[key]
        return cached

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.loaders.JSONFileLoader, "load_file",
                      shared(botocore.loaders.JSONFileLoader.load_file))
        for name in ("list_available_services", "determine_latest_version", "list_api_versions"):
            patch.setattr(botocore.loaders.Loader, name, shared(getattr(botocore.loaders.Loader, name)))
        yield


@pytest.fixture
def aws():
    with clean_account():
        yield


@contextmanager
def dynamodb_calls():
    """The names of the DynamoDB operations made inside the block, in order."""
    calls: list[str] = []

    def record(model, **_kwargs):
        calls.append(model.name)

    events = dynamo.client().meta.events
    events.register("before-call.dynamodb.*", record, unique_id="test-dynamodb-meter")
    try:
        yield calls
    finally:
        events.unregister("before-call.dynamodb.*", unique_id="test-dynamodb-meter")


@dataclass
class Org:
    org: str
    write_key: str
    read_key: str

    def headers(self, scope: str = "WRITE", **extra: str) -> dict[str, str]:
        key = self.write_key if scope == "WRITE" else self.read_key
        return {"Authorization": f"Bearer {key}", "Content-Type": "application/json", **extra}


def make_org(org: str) -> Org:
    organisations.create(org, org.title())
    write_key, _ = auth.create_key(org, auth.WRITE, label="tests")
    read_key, _ = auth.create_key(org, auth.READ, label="tests")
    return Org(org, write_key, read_key)


@pytest.fixture
def acme(aws) -> Org:
    return make_org("acme")


@pytest.fixture
def other(aws) -> Org:
    """A second organisation: its records must not exist for acme (and vice versa)."""
    return make_org("acme-corp")


class Api:
    """chalice.test.Client with JSON in and out; `.json` on every response."""

    def __init__(self, client) -> None:
        self.client = client

    def call(self, method: str, path: str, org: Org | None = None, body: Any = None, *,
             scope: str = "WRITE", headers: dict[str, str] | None = None, raw: str | None = None):
        all_headers = org.headers(scope) if org else {"Content-Type": "application/json"}
        all_headers.update(headers or {})
        payload = raw if raw is not None else (json.dumps(body) if body is not None else None)
        response = getattr(self.client.http, method.lower())(path, headers=all_headers, body=payload)
        response.json = json.loads(response.body) if response.body else None
        return response

    def get(self, path, org=None, **kw):
        return self.call("GET", path, org, **kw)

    def post(self, path, org=None, body=None, **kw):
        return self.call("POST", path, org, body, **kw)

    def patch(self, path, org=None, body=None, **kw):
        return self.call("PATCH", path, org, body, **kw)

    def delete(self, path, org=None, **kw):
        return self.call("DELETE", path, org, **kw)


@pytest.fixture
def api(aws):
    from chalice.test import Client

    from app import app

    with Client(app) as client:
        yield Api(client)


def new_donor(api: Api, org: Org, **fields) -> dict[str, Any]:
    body = {"first_name": "Jane", "last_name": "Doe", **fields}
    response = api.post("/api/v1/donors", org, body)
    assert response.status_code == 201, response.body
    return response.json


def new_log(api: Api, org: Org, donor_id: str, **fields) -> dict[str, Any]:
    body = {"donor_id": donor_id, "contact_method": "PHONE", "occurred_at": "2026-06-10T02:00:00.000Z", **fields}
    response = api.post("/api/v1/contact-logs", org, body)
    assert response.status_code == 201, response.body
    return response.json


def new_donation(api: Api, org: Org, donor_id: str, **fields) -> dict[str, Any]:
    body = {"donor_id": donor_id, "amount": "25.00", "received_at": "2026-06-01", **fields}
    response = api.post("/api/v1/donations", org, body)
    assert response.status_code == 201, response.body
    return response.json


@pytest.fixture
def donor(api, acme) -> dict[str, Any]:
    """One live donor of acme."""
    return new_donor(api, acme)


# ---- responses ---------------------------------------------------------------------------

def assert_problem(response, status: int, field: str | None = None) -> dict[str, Any]:
    """The problem+json shape, whatever the error; `field`, if given, is named in `errors`."""
    assert response.status_code == status, response.body
    assert response.headers["Content-Type"] == PROBLEM_JSON
    body = json.loads(response.body)
    assert isinstance(body, dict)
    assert not ({"Code", "Message"} & set(body)), f"Chalice's default error shape leaked: {body}"
    assert {"type", "title", "status", "detail", "errors"} <= set(body)
    assert isinstance(body["type"], str) and body["type"]
    assert isinstance(body["title"], str) and body["title"]
    assert body["status"] == status
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list)
    for error in body["errors"]:
        assert set(error) == {"field", "message"}
        assert isinstance(error["field"], str) and isinstance(error["message"], str)
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body


def field_names(response) -> list[str]:
    """The fields a problem response names, in order."""
    return [e["field"] for e in response.json["errors"]]


def walk(api: Api, org: Org, path: str, *, pages: bool = False, max_pages: int = 50):
    """Every item of a list, following next_cursor to the end.

    Returns the items; with `pages=True`, `(items, page_bodies)`, each page's JSON body in order.
    """
    items: list[dict] = []
    bodies: list[dict] = []
    cursor = None
    while True:
        sep = "&" if "?" in path else "?"
        response = api.get(path + (f"{sep}cursor={cursor}" if cursor else ""), org)
        assert response.status_code == 200, response.body
        page = response.json
        bodies.append(page)
        items += page["data"]
        cursor = page["next_cursor"]
        assert page["has_more"] is (cursor is not None), page
        if cursor is None:
            return (items, bodies) if pages else items
        assert cursor
        assert len(bodies) < max_pages, "pagination never ended"


# ---- the declared routes -----------------------------------------------------------------

# A valid body per collection, so that only what a test varies can stop a write.
CREATE_BODIES = {
    "contact-logs": lambda ids: {"donor_id": ids["donors"], "contact_method": "PHONE",
                                 "occurred_at": "2026-06-10T02:00:00.000Z", "notes": "created by a test"},
    "donors": lambda ids: {"first_name": "New", "last_name": "Donor"},
    "donations": lambda ids: {"donor_id": ids["donors"], "amount": "10.00", "received_at": "2026-06-01"},
}
PATCH_BODIES = {
    "contact-logs": {"notes": "changed"},
    "donors": {"first_name": "Changed"},
    "donations": {"note": "changed"},
}


def route_id(route: RouteSpec) -> str:
    return f"{route.method} {route.path}"


def collection_of(path: str) -> str:
    """`/api/v1/contact-logs/{record}` -> `contact-logs`."""
    parts = [p for p in path.split("/") if p]
    assert parts[:2] == ["api", "v1"], f"unexpected route prefix: {path}"
    return parts[2]


def fill(path: str, ids: dict[str, str]) -> str:
    """The route's path with {record} replaced by the id of its collection's record."""
    if "{record}" not in path:
        return path
    filled = path.replace("{record}", ids[collection_of(path)])
    assert "{" not in filled, f"unfilled path parameter in {path}"
    return filled


def request_for(route: RouteSpec, ids: dict[str, str]) -> tuple[str, dict | None]:
    """A request that the route would accept: its filled path and a valid body (or None)."""
    collection = collection_of(route.path)
    if route.method == "GET" and "{" not in route.path:
        return route.path, None  # a list (or the follow-up queue) needs no record
    assert collection in ids, f"no test record for {route_id(route)}: add one to the `records` fixture"
    path = fill(route.path, ids)
    if route.method == "POST":
        assert collection in CREATE_BODIES, f"no create body for {route_id(route)}"
        return path, CREATE_BODIES[collection](ids)
    if route.method in ("PATCH", "PUT"):
        assert collection in PATCH_BODIES, f"no patch body for {route_id(route)}"
        return path, PATCH_BODIES[collection]
    return path, None
