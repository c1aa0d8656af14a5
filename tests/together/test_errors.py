"""Every error leaves as application/problem+json, never in Chalice's {"Code", "Message"} shape."""
from __future__ import annotations

import base64
import json

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

import app as _app  # noqa: F401  (registers every face's routes into ROUTES)
from chalicelib.faces import http
from chalicelib.faces.http import ROUTES
from chalicelib.store import dynamo
from tests.conftest import (
    PATCH_BODIES, assert_problem, fill, new_donation, new_donor, new_log, request_for, route_id,
)

LOGS = "/api/v1/contact-logs"
VALID_LOG = {"donor_id": "1", "contact_method": "PHONE", "occurred_at": "2026-06-10T02:00:00Z"}
# The Together face's routes; every other face walks its own (tests/test_mpdx.py, tests/test_givebutter.py).
# Its own resources' (the catalogues it manages are walked by tests/contract like every route).
ROUTES = [r for r in ROUTES if r.face == "together" and r.scope is not None  # not /openapi (test_openapi.py)
          and r.path.split("/")[3] in ("contact-logs", "donors", "donations", "follow-ups")]
LIST_ROUTES = [r for r in ROUTES if r.method == "GET" and (not r.path.endswith("{record}"))]


@pytest.fixture
def records(api, acme):
    donor = new_donor(api, acme)
    log = new_log(api, acme, donor["id"], notes="original")
    donation = new_donation(api, acme, donor["id"])
    return {"donors": donor["id"], "contact-logs": log["id"], "donations": donation["id"]}


def entry_state(api, acme, entry_id: str = "1"):
    response = api.get(f"{LOGS}/{entry_id}", acme)
    return response.status_code, response.json, response.headers.get("ETag")


# ---- bodies ----------------------------------------------------------------------------


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", '"utf-8"'])
def test_json_with_a_utf8_charset_parameter_is_accepted(api, acme, records, charset):
    response = api.post(LOGS, acme, {**VALID_LOG, "donor_id": records["donors"]},
                        headers={"Content-Type": f"application/json; charset={charset}"})
    assert response.status_code == 201, response.body


BODY_ROUTES = [r for r in ROUTES if r.method in ("POST", "PUT", "PATCH")]


@pytest.mark.parametrize("route", BODY_ROUTES, ids=route_id)
@pytest.mark.parametrize("content_type", [None, "", "application/json; charset=utf-16",
                                          "application/json; charset=latin-1"])
def test_body_without_a_json_utf8_content_type_is_415(api, acme, records, route, content_type):
    """docs/api.md: bodies must be application/json; no Content-Type is no exception."""
    path, body = request_for(route, records)
    headers = {"Authorization": f"Bearer {acme.write_key}"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    before = entry_state(api, acme, records["contact-logs"])
    response = api.client.http.request(route.method, path, headers=headers, body=json.dumps(body))
    assert_problem(response, 415)
    assert entry_state(api, acme, records["contact-logs"]) == before
    assert len(api.get(LOGS, acme).json["data"]) == 1


def _unknown_fields(count: int) -> str:
    return "{" + ",".join(f'"f{n:06d}":1' for n in range(count)) + "}"


@pytest.mark.parametrize("raw", [_unknown_fields(20_000), '{"' + "n" * 200_000 + '": 1}'],
                         ids=["20000 unknown fields", "a 200000-character name"])
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_a_body_far_beyond_any_schema_gets_a_small_422(api, acme, records, raw, method):
    """An error must not grow with the body: a 6 MB body once drew a 32 MB 422 (over Lambda's 6 MB)."""
    path = LOGS if method == "POST" else f"{LOGS}/{records['contact-logs']}"
    before = entry_state(api, acme, records["contact-logs"])
    response = api.call(method, path, acme, raw=raw)
    body = assert_problem(response, 422, "body")
    assert len(response.body) < 1000, len(response.body)
    assert len(body["errors"]) == 1
    assert entry_state(api, acme, records["contact-logs"]) == before
    assert len(api.get(LOGS, acme).json["data"]) == 1


def test_a_body_with_as_many_members_as_allowed_names_each_unknown_one(api, acme, records):
    raw = _unknown_fields(http.BODY_MEMBERS_MAX)
    body = assert_problem(api.post(LOGS, acme, raw=raw), 422, "f000000")
    assert len(body["errors"]) > 90  # still each named, not refused whole


def test_no_response_exceeds_lambdas_limit(api, acme, records, monkeypatch):
    """A response too large for Lambda becomes an error in the face's shape, not an invocation error."""
    for n in range(5):
        new_log(api, acme, records["donors"], notes="n" * 1000)
    assert api.get(LOGS, acme).status_code == 200
    monkeypatch.setattr(http, "LAMBDA_RESPONSE_MAX", 4000)
    response = api.get(f"{LOGS}?limit=100", acme)
    body = assert_problem(response, 500)
    assert "6 MB" in body["detail"]
    assert len(response.body) < 4000
    assert api.get(f"{LOGS}/{records['contact-logs']}", acme).status_code == 200  # a small one still fits


# ---- query strings ---------------------------------------------------------------------


@pytest.mark.parametrize("route", LIST_ROUTES, ids=route_id)
@pytest.mark.parametrize("limit", ["0", "101", "abc", "-1", "1.5", "", "1e2", "²", "١٠١"])
def test_bad_limit_is_400(api, acme, records, route, limit):
    assert_problem(api.get(f"{fill(route.path, records)}?limit={limit}", acme), 400, "limit")


@pytest.mark.parametrize("limit", ["1", "100"])
def test_limit_bounds_are_accepted(api, acme, records, limit):
    assert api.get(f"{LOGS}?limit={limit}", acme).status_code == 200


@pytest.fixture
def cursor(api, acme, records):
    for n in range(3):
        new_log(api, acme, records["donors"], occurred_at=f"2026-01-0{n + 1}T00:00:00Z")
    page = api.get(f"{LOGS}?limit=1", acme).json
    assert page["next_cursor"]
    return page["next_cursor"]


def _tamper(cursor: str) -> list[str]:
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    payload, signature = raw[:-16], raw[-16:]
    data = json.loads(payload)
    data["k"] = {k: v.replace("0", "9") for k, v in data["k"].items()}
    forged = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    flipped = bytes([raw[0] ^ 1]) + raw[1:]
    return [
        base64.urlsafe_b64encode(forged + signature).decode().rstrip("="),  # new key, old signature
        base64.urlsafe_b64encode(flipped).decode().rstrip("="),  # one bit changed
        base64.urlsafe_b64encode(payload).decode().rstrip("="),  # signature dropped
        cursor[:-4],  # truncated
    ]


def test_forged_or_garbled_cursor_is_400(api, acme, cursor):
    garbage = ["abc", "!!!!", "A" * 40, base64.urlsafe_b64encode(b'{"k":{},"b":"x"}' + b"0" * 16).decode(),
               "é"] + _tamper(cursor)
    for value in garbage:
        assert_problem(api.get(f"{LOGS}?limit=1&cursor={value}", acme), 400, "cursor")
    # The real cursor still works.
    assert api.get(f"{LOGS}?limit=1&cursor={cursor}", acme).status_code == 200


def test_cursor_of_another_query_is_400(api, acme, records, cursor):
    assert_problem(api.get(f"{LOGS}?limit=1&method=PHONE&cursor={cursor}", acme), 400, "cursor")
    assert_problem(api.get(f"{LOGS}?limit=1&donor_id={records['donors']}&cursor={cursor}", acme), 400, "cursor")
    assert_problem(api.get(f"/api/v1/donations?limit=1&cursor={cursor}", acme), 400, "cursor")


def test_cursor_of_acme_used_by_other_is_400(api, acme, other, cursor):
    other_donor = new_donor(api, other)
    for n in range(3):
        new_log(api, other, other_donor["id"], occurred_at=f"2026-01-0{n + 1}T00:00:00Z")
    assert_problem(api.get(f"{LOGS}?limit=1&cursor={cursor}", other), 400, "cursor")


# ---- methods, ids, headers -------------------------------------------------------------


@pytest.mark.parametrize("value", ["garbage", "1", '"abc"', '""', '"1", "2"', "W/", '"-1"', '"²"'])
@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_malformed_if_match_is_400_and_changes_nothing(api, acme, records, value, method):
    before = entry_state(api, acme, records["contact-logs"])
    response = api.call(method, f"{LOGS}/{records['contact-logs']}", acme,
                        {"notes": "x"} if method == "PATCH" else None, headers={"If-Match": value})
    assert_problem(response, 400, "If-Match")
    assert entry_state(api, acme, records["contact-logs"]) == before


@pytest.mark.parametrize("record", ["abc", "1.5", "-1", "0", "1e3", "+1", "9" * 13, "99999999999999999999999", "²"])
@pytest.mark.parametrize("collection", ["contact-logs", "donations"])
@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_non_integer_or_out_of_range_path_id_is_404(api, acme, records, record, collection, method):
    body = PATCH_BODIES[collection] if method == "PATCH" else None
    assert_problem(api.call(method, f"/api/v1/{collection}/{record}", acme, body), 404)


@pytest.mark.parametrize("ref", ["9" * 13, "²", "0"])
def test_unusable_donor_ref_in_a_body_or_filter_is_404(api, acme, records, ref):
    assert_problem(api.post(LOGS, acme, {**VALID_LOG, "donor_id": ref}), 404)
    assert_problem(api.get(f"{LOGS}?donor_id={ref}", acme), 404)
    assert_problem(api.get(f"/api/v1/donors/{ref}", acme), 404)
    assert_problem(api.get(f"/api/v1/donors/{ref}/activity", acme), 404)
    assert len(api.get(LOGS, acme).json["data"]) == 1


def test_bad_idempotency_key_is_400(api, acme, records):
    body = {**VALID_LOG, "donor_id": records["donors"]}
    assert_problem(api.post(LOGS, acme, body, headers={"Idempotency-Key": "k" * 256}), 400, "Idempotency-Key")
    assert len(api.get(LOGS, acme).json["data"]) == 1


# ---- the data store failing ------------------------------------------------------------

class _FailingClient:
    """Stands in for the boto3 client: every call raises `error`."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls: list[str] = []

    def __getattr__(self, name: str):
        def call(*args, **kwargs):
            self.calls.append(name)
            raise self.error
        return call


def _client_error(code: str, operation: str = "Query") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "simulated"},
                        "ResponseMetadata": {"HTTPStatusCode": 400}}, operation)


@pytest.mark.parametrize("code", ["ThrottlingException", "RequestLimitExceeded", "InternalServerError"])
def test_other_throttling_codes_are_503(api, acme, records, monkeypatch, code):
    assert api.get(LOGS, acme).status_code == 200
    monkeypatch.setattr(dynamo, "client", lambda: _FailingClient(_client_error(code)))
    response = api.get(LOGS, acme)
    assert_problem(response, 503)
    assert response.headers["Retry-After"].isdigit()


def test_throttled_transaction_is_503(api, acme, records, monkeypatch):
    assert api.get(LOGS, acme).status_code == 200
    real = dynamo.client()

    class TransactionsThrottled:
        def __getattr__(self, name):
            if name == "transact_write_items":
                def call(**kwargs):
                    raise ClientError({"Error": {"Code": "TransactionCanceledException", "Message": "x"},
                                       "CancellationReasons": [{"Code": "ThrottlingError"}, {"Code": "None"}]},
                                      "TransactWriteItems")
                return call
            return getattr(real, name)

    monkeypatch.setattr(dynamo, "client", lambda: TransactionsThrottled())
    response = api.post(LOGS, acme, {**VALID_LOG, "donor_id": records["donors"]})
    assert_problem(response, 503)
    monkeypatch.undo()
    assert len(api.get(LOGS, acme).json["data"]) == 1


def test_unreachable_data_store_is_503(api, acme, records, monkeypatch):
    assert api.get(LOGS, acme).status_code == 200
    failing = _FailingClient(EndpointConnectionError(endpoint_url="http://dynamodb.invalid"))
    monkeypatch.setattr(dynamo, "client", lambda: failing)
    response = api.get(f"{LOGS}/{records['contact-logs']}", acme)
    assert_problem(response, 503)
    assert "Retry-After" in response.headers


@pytest.mark.parametrize("error", [
    _client_error("ValidationException"),
    _client_error("AccessDeniedException"),
    RuntimeError("boom"),
])
def test_unexpected_data_store_errors_are_500_problem_json_without_internals(api, acme, records, monkeypatch, error):
    assert api.get(LOGS, acme).status_code == 200
    monkeypatch.setattr(dynamo, "client", lambda: _FailingClient(error))
    response = api.get(f"{LOGS}/{records['contact-logs']}", acme)
    body = assert_problem(response, 500)
    text = json.dumps(body)
    assert "simulated" not in text and "boom" not in text and "Exception" not in text


# ---- a sweep: nothing in Chalice's default shape ---------------------------------------

def test_no_error_uses_chalices_default_shape(api, acme, records):
    d, log = records["donors"], records["contact-logs"]
    responses = [
        api.post(LOGS, acme, raw="{"),
        api.post(LOGS, acme, raw="[1]"),
        api.post(LOGS, acme, raw=""),
        api.post(LOGS, acme, VALID_LOG, headers={"Content-Type": "text/plain"}),
        api.call("PUT", f"/api/v1/donors/{d}", acme, {}),
        api.call("PUT", LOGS, acme, {}),
        api.call("DELETE", LOGS, acme),
        api.call("POST", f"/api/v1/donors/{d}/activity", acme, {}),
        api.get(f"{LOGS}?bogus=1", acme),
        api.get(f"{LOGS}?limit=0", acme),
        api.get(f"{LOGS}?cursor=nope", acme),
        api.get(f"{LOGS}/abc", acme),
        api.get(f"{LOGS}/999", acme),
        api.patch(f"{LOGS}/{log}", acme, {"notes": "x"}, headers={"If-Match": "nope"}),
        api.patch(f"{LOGS}/{log}", acme, {"notes": "x"}, headers={"If-Match": '"99"'}),
        api.patch(f"{LOGS}/{log}", acme, {"contact_method": "FAX"}),
        api.post(LOGS, acme, VALID_LOG, scope="READ"),
        api.get(LOGS, None),
        api.get(LOGS, None, headers={"Authorization": "Bearer nope-nope-nope-nope"}),
        api.delete(f"/api/v1/donors/{d}", acme),  # has history: 409
    ]
    statuses = []
    for response in responses:
        assert response.status_code >= 400
        statuses.append(response.status_code)
        assert_problem(response, response.status_code)
    assert set(statuses) >= {400, 401, 403, 404, 405, 409, 412, 415, 422}
