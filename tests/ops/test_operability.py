"""Operability (the issue's "Operable"): one CloudWatch embedded-metric document per request
on every face and per sweep run, valid per the EMF specification, and a request id on every
log record of a request, returned as X-Request-Id (docs/operations.md)."""
from __future__ import annotations

import json
import logging
import re
import time
import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from chalicelib import auth
from chalicelib.faces import http, request_metrics
from chalicelib.observability import emf, request_ids
from functions import sweep as sweep_function

JSONAPI = "application/vnd.api+json"
UNITS = emf.UNITS


# ---- the EMF specification, checked on a document ---------------------------------------

def assert_valid_emf(doc: dict[str, Any]) -> dict[str, Any]:
    """What CloudWatch requires of an EMF document, else it drops the metrics silently."""
    meta = doc["_aws"]
    assert isinstance(meta["Timestamp"], int)
    assert abs(meta["Timestamp"] - time.time() * 1000) < 60_000  # epoch milliseconds, now
    directives = meta["CloudWatchMetrics"]
    assert isinstance(directives, list) and directives
    for directive in directives:
        assert set(directive) == {"Namespace", "Dimensions", "Metrics"}
        assert re.fullmatch(r"[A-Za-z0-9._/#:\- ]{1,255}", directive["Namespace"])
        for names in directive["Dimensions"]:
            assert isinstance(names, list) and 0 < len(names) <= 30
            for name in names:  # a dimension is a top-level string member
                assert isinstance(doc[name], str) and 0 < len(doc[name]) <= 1024, name
        assert 0 < len(directive["Metrics"]) <= 100
        for metric in directive["Metrics"]:
            assert set(metric) <= {"Name", "Unit", "StorageResolution"}
            assert metric["Unit"] in UNITS
            value = doc[metric["Name"]]  # a metric is a top-level number (or a list of them)
            assert isinstance(value, (int, float)) and not isinstance(value, bool), metric
    return doc


def emf_documents(caplog) -> list[dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "donor_api.metrics"]


def request_lines(caplog) -> list[dict[str, Any]]:
    lines = [r.getMessage() for r in caplog.records if r.name == "donor_api"]
    return [json.loads(line) for line in lines if line.startswith('{"msg": "request"')]


@pytest.fixture
def captured(caplog):
    caplog.set_level(logging.INFO)
    return caplog


# ---- one document per request, on every face ---------------------------------------------

def _calls(donor_id: str) -> list[tuple[str, str, str, str, dict[str, str], int]]:
    """(face, method, concrete path, route pattern, extra headers, expected status)."""
    gb = f"/v1/contacts/{donor_id}/activities"
    return [
        ("together", "GET", "/api/v1/donors", "/api/v1/donors", {}, 200),
        ("together", "GET", f"/api/v1/donors/{donor_id}", "/api/v1/donors/{record}", {}, 200),
        ("together", "GET", "/api/v1/donors/99999", "/api/v1/donors/{record}", {}, 404),
        ("together", "GET", "/api/v1/follow-ups", "/api/v1/follow-ups", {}, 200),
        ("givebutter", "GET", gb, "/v1/contacts/{contact}/activities", {}, 200),
        ("givebutter", "GET", "/v1/contacts/99999/activities", "/v1/contacts/{contact}/activities", {}, 404),
        ("givebutter", "GET", gb + "/99999", "/v1/contacts/{contact}/activities/{activity}", {}, 404),
        ("mpdx", "GET", "/api/v2/organizations/contacts", "/api/v2/organizations/contacts", {"Accept": JSONAPI}, 200),
        ("mpdx", "GET", f"/api/v2/organizations/contacts/{donor_id}", "/api/v2/organizations/contacts/{record}",
         {"Accept": JSONAPI}, 200),
        ("mpdx", "GET", "/api/v2/organizations/contacts/99999", "/api/v2/organizations/contacts/{record}",
         {"Accept": JSONAPI}, 404),
    ]


CASES = [(face, pattern, status) for face, _, _, pattern, _, status in _calls("{donor}")]


@pytest.mark.parametrize("face, pattern, status", CASES, ids=[f"{f}-{s}-{p}" for f, p, s in CASES])
def test_one_valid_document_per_request_with_face_route_status_and_latency(api, acme, donor, captured,
                                                                            face, pattern, status):
    call = next(c for c in _calls(donor["id"]) if c[0] == face and c[3] == pattern and c[5] == status)
    _, method, path, _, headers, _ = call
    captured.clear()
    started = time.monotonic()
    response = api.call(method, path, acme, headers=headers)
    wall_ms = (time.monotonic() - started) * 1000
    assert response.status_code == status, response.body

    (doc,) = emf_documents(captured)
    assert_valid_emf(doc)
    (directive,) = doc["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "DonorApi"
    assert directive["Dimensions"] == [list(request_metrics.ROUTE), list(request_metrics.OUTCOME)]
    assert {m["Name"]: m["Unit"] for m in directive["Metrics"]} == {
        "latency": "Milliseconds", "requests": "Count", "errors_5xx": "Count"}
    assert (doc["service"], doc["face"], doc["route"], doc["method"]) == ("local", face, pattern, method)
    assert doc["route"] != path or "{" not in pattern  # the pattern, never an id
    assert (doc["status"], doc["status_class"]) == (status, f"{status // 100}xx")
    assert (doc["requests"], doc["errors_5xx"]) == (1, 0)
    assert 0 <= doc["latency"] <= wall_ms
    (line,) = request_lines(captured)
    assert doc["latency"] == line["ms"] and doc["request_id"] == line["request_id"] == response.headers["X-Request-Id"]
    assert doc["org"] == "acme"


def test_unauthenticated_and_405_requests_are_measured_too(api, captured):
    captured.clear()
    assert api.get("/v1/contacts/1/activities").status_code == 401
    assert api.call("PUT", "/api/v2/organizations/contacts", headers={"Accept": JSONAPI}).status_code == 405
    first, second = emf_documents(captured)
    assert (first["face"], first["status"], first["status_class"], first["org"]) == ("givebutter", 401, "4xx", None)
    assert (second["face"], second["route"], second["method"], second["status"]) == (
        "mpdx", "/api/v2/organizations/contacts", "PUT", 405)
    for doc in (first, second):
        assert_valid_emf(doc)


def test_a_server_error_counts_as_5xx(api, acme, captured, monkeypatch):
    def broken(_key):
        raise RuntimeError("the store is on fire")
    monkeypatch.setattr(auth, "authenticate", broken)
    captured.clear()
    response = api.get("/api/v1/donors", acme)
    assert response.status_code == 500
    doc = assert_valid_emf(emf_documents(captured)[-1])
    assert (doc["status"], doc["status_class"], doc["errors_5xx"], doc["requests"]) == (500, "5xx", 1, 1)


def test_in_lambda_the_document_is_one_raw_stdout_line(api, acme, capsys, monkeypatch, caplog):
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "donor-relations-acme-APIHandler-X1")
    monkeypatch.setenv("METRICS_NAMESPACE", "DonorApi/acme")
    capsys.readouterr()
    caplog.clear()
    response = api.get("/api/v1/donors", acme)
    (line,) = [l for l in capsys.readouterr().out.splitlines() if '"_aws"' in l]
    doc = assert_valid_emf(json.loads(line))  # the whole line is the document: no log prefix
    assert doc["service"] == "donor-relations-acme-APIHandler-X1"
    assert doc["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "DonorApi/acme"
    assert doc["request_id"] == response.headers["X-Request-Id"]
    assert emf_documents(caplog) == []  # not twice


def test_metrics_that_cannot_be_written_do_not_fail_the_request(api, acme, monkeypatch, captured):
    def broken(*_args, **_kwargs):
        raise OSError("stdout closed")
    monkeypatch.setattr(request_metrics.emf, "emit", broken)
    assert api.get("/api/v1/donors", acme).status_code == 200
    assert any(r.getMessage() == "request metrics not written" for r in captured.records)


@pytest.mark.parametrize("bad", [
    dict(dimensions={"face": ""}, sets=[["face"]], metrics={"requests": (1, "Count")}),
    dict(dimensions={"face": "mpdx"}, sets=[["route"]], metrics={"requests": (1, "Count")}),
    dict(dimensions={"face": "mpdx"}, sets=[["face"]], metrics={"requests": (1, "Requests")}),
    dict(dimensions={"face": "mpdx"}, sets=[["face"]], metrics={}),
])
def test_the_writer_refuses_what_cloudwatch_would_drop(bad):
    with pytest.raises(ValueError):
        emf.document(bad["dimensions"], bad["sets"], bad["metrics"])


def test_properties_never_overwrite_dimensions_or_metrics():
    doc = emf.document({"face": "mpdx"}, [["face"]], {"requests": (1, "Count")},
                       {"face": "spoofed", "requests": "many", "org": "acme"})
    assert (doc["face"], doc["requests"], doc["org"]) == ("mpdx", 1, "acme")


# ---- the request id ----------------------------------------------------------------------

def test_every_log_record_of_a_request_carries_its_id_library_lines_too(api, acme, caplog):
    caplog.set_level(logging.DEBUG)  # botocore's and moto's own lines included
    caplog.clear()
    response = api.get("/api/v1/donors", acme)
    request_id = response.headers["X-Request-Id"]
    uuid.UUID(request_id)  # the test client's Lambda context gives a uuid4, as chalice local does
    records = caplog.records
    assert {r.name.split(".")[0] for r in records} >= {"donor_api", "botocore"}
    assert {r.request_id for r in records} == {request_id}


def test_outside_a_request_records_say_none(caplog):
    request_ids.install()
    caplog.set_level(logging.INFO)
    logging.getLogger("donor_api.test").info("between requests")
    assert caplog.records[-1].request_id == request_ids.NONE


def test_each_request_gets_its_own_id_and_a_clients_id_is_only_logged(api, acme, captured):
    captured.clear()
    first = api.get("/api/v1/donors", acme, headers={"X-Request-Id": "client-chosen-1"})
    second = api.get("/api/v1/donors", acme, headers={"X-Request-Id": "client-chosen-1"})
    third = api.get("/api/v2/organizations/contacts/99999", acme, headers={"Accept": JSONAPI})
    ids = [r.headers["X-Request-Id"] for r in (first, second, third)]
    assert len(set(ids)) == 3 and "client-chosen-1" not in ids
    lines = request_lines(captured)
    assert [line["request_id"] for line in lines] == ids
    assert [line["client_request_id"] for line in lines] == ["client-chosen-1", "client-chosen-1", None]


def test_an_error_response_carries_the_id_too(api):
    response = api.get("/api/v1/donors")
    assert response.status_code == 401 and response.headers["X-Request-Id"]


def test_a_long_client_id_is_cut_in_the_log(api, acme, captured):
    captured.clear()
    api.get("/api/v1/donors", acme, headers={"X-Request-Id": "x" * 5000})
    (line,) = request_lines(captured)
    assert line["client_request_id"] == "x" * http.CLIENT_REQUEST_ID_MAX


@pytest.mark.parametrize("lambda_id, apigw_id, expected", [
    ("lambda-1", "apigw-1", "lambda-1"),  # deployed: the invocation's, which the runtime prints
    (None, "apigw-1", "apigw-1"),
    (None, None, None),                   # a fresh uuid4
])
def test_whose_id_is_ours(lambda_id, apigw_id, expected):
    request = SimpleNamespace(
        lambda_context=SimpleNamespace(aws_request_id=lambda_id) if lambda_id else None,
        context={"requestId": apigw_id} if apigw_id else {})
    ours = http.our_request_id(request)
    if expected:
        assert ours == expected
    else:
        assert uuid.UUID(ours).version == 4


# ---- the sweep ---------------------------------------------------------------------------

def test_a_sweep_run_logs_under_its_run_id_and_writes_its_metrics(aws, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    result = sweep_function.handler({}, SimpleNamespace(aws_request_id="run-7",
                                                        get_remaining_time_in_millis=lambda: 60_000))
    records = caplog.records
    assert any(r.name == "donor_api.sweep" for r in records) and any(r.name.startswith("botocore") for r in records)
    assert {r.request_id for r in records} == {"run-7"}
    (doc,) = emf_documents(caplog)
    assert_valid_emf(doc)
    assert doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["service"]]
    assert {k: doc[k] for k in ("sweep_raised", "sweep_skipped", "sweep_failed", "sweep_remaining")} == {
        "sweep_raised": result["raised"], "sweep_skipped": result["skipped"],
        "sweep_failed": result["failed"], "sweep_remaining": result["remaining"]}
    assert doc["run_id"] == "run-7" and doc["stopped_early"] is False


def test_sweep_runs_without_a_lambda_id_get_distinct_ones(aws, caplog):
    caplog.set_level(logging.INFO)
    sweep_function.handler({}, None)
    sweep_function.handler({}, None)
    finished = [r for r in caplog.records if r.name == "donor_api.sweep" and "sweep finished" in r.getMessage()]
    first, second = (r.request_id for r in finished)
    assert first != second and uuid.UUID(first) and uuid.UUID(second)
