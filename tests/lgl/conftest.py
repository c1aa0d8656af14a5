"""Helpers of the LGL face's tests: its paths, its error shape, and constituents made through it."""
from __future__ import annotations

import json
from typing import Any

from tests.conftest import Api, Org

L = "/api/v1"


def lgl_error(response, status: int) -> dict[str, Any]:
    """LGL's error shape, and the body."""
    assert response.status_code == status, response.body
    assert response.headers["Content-Type"] == "application/json"
    body = json.loads(response.body)
    assert set(body) == {"api_version", "error", "description", "errors"}, body
    assert body["api_version"] == "1.0" and body["error"] and body["description"]
    return body


def fields_named(body: dict[str, Any]) -> list[str]:
    return [e["field"] for e in body["errors"]]


def constituent(api: Api, org: Org, **fields: Any) -> dict[str, Any]:
    """A constituent made through LGL (a person, unless fields say otherwise)."""
    body = {"first_name": "Joe", "last_name": "Doe", **fields}
    response = api.post(f"{L}/constituents", org, body)
    assert response.status_code == 200, response.body
    return response.json


def found_ids(api: Api, org: Org, query: str) -> set[int]:
    """The ids of every constituent a search finds (its exact total is what it lists)."""
    response = api.get(f"{L}/constituents/search?{query}&limit=100", org)
    assert response.status_code == 200, response.body
    assert response.json["total_items"] == len(response.json["items"])
    return {item["id"] for item in response.json["items"]}


def contact_point(api: Api, org: Org, constituent_id: Any, collection: str, **fields: Any) -> dict[str, Any]:
    response = api.post(f"{L}/constituents/{constituent_id}/{collection}", org, fields)
    assert response.status_code == 200, response.body
    return response.json
