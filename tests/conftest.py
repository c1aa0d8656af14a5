"""Shared fixtures: a fresh moto table per test, organisations with keys, and a client.

Every test runs against moto's DynamoDB through the real store code; nothing is faked
above boto3.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

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

from chalicelib import auth, config  # noqa: E402
from chalicelib.domain import organisations  # noqa: E402
from chalicelib.store import context, dynamo, table  # noqa: E402


@pytest.fixture
def aws():
    """A clean moto account with the table created; every cache forgotten."""
    with mock_aws():
        config.reset()
        dynamo.reset_client()
        context.reset()
        auth.clear_cache()
        table.ensure_table(os.environ["TABLE_NAME"])
        yield
        dynamo.reset_client()
        context.reset()
        auth.clear_cache()


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
