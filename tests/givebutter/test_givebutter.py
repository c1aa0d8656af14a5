"""The Givebutter face: a contact's activities (/v1/contacts/{contact}/activities), which are
the contact-log entries Together serves, in Givebutter's shapes.

Every test goes through the HTTP edge (chalice.test.Client) onto moto's DynamoDB.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import app as _app  # noqa: F401  (registers every face's routes into ROUTES)
from chalicelib import auth
from chalicelib.domain import organisations
from chalicelib.faces.http import ROUTES
from tests.conftest import dynamodb_calls, new_donation, new_donor, new_log

LOGS = "/api/v1/contact-logs"
FIELDS = {"id", "type", "source", "data", "resource", "resource_type", "occurred_at", "created_at",
          "updated_at", "created_by"}
TYPES = ("email", "meeting", "note", "phone_call", "sms", "completed_task", "volunteer_activity")
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
GIVEBUTTER_ROUTES = [r for r in ROUTES if r.face == "givebutter"]


@pytest.fixture(autouse=True)
def _forget_members():
    organisations.clear_member_cache()
    yield
    organisations.clear_member_cache()


# ---- helpers ---------------------------------------------------------------------------

def activities(contact) -> str:
    return f"/v1/contacts/{contact}/activities"


def activity_path(contact, activity) -> str:
    return f"/v1/contacts/{contact}/activities/{activity}"


def new_activity(api, org, contact, **fields) -> dict:
    body = {"type": "phone_call", "occurred_at": "2026-06-10T02:00:00.000Z", **fields}
    response = api.post(activities(contact), org, body)
    assert response.status_code == 201, response.body
    return response.json


def details(activity: dict) -> dict:
    """The activity's `data` string, decoded."""
    assert isinstance(activity["data"], str)
    return json.loads(activity["data"])


def assert_givebutter_error(response, status: int, field: str | None = None) -> dict:
    """Givebutter's shape, whatever the error: {"message": str, "errors": {field: [str]}}."""
    assert response.status_code == status, response.body
    assert response.headers["Content-Type"] == "application/json"
    body = json.loads(response.body)
    assert set(body) == {"message", "errors"}, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    for name, messages in body["errors"].items():
        assert isinstance(name, str)
        assert isinstance(messages, list) and messages
        assert all(isinstance(m, str) and m for m in messages)
    if field is not None:
        assert field in body["errors"], body
    return body


def together_logs(api, org) -> list[dict]:
    response = api.get(f"{LOGS}?limit=100", org)
    assert response.status_code == 200, response.body
    return response.json["data"]


def stored_state(api, org, donor_id) -> dict:
    """What every face shows of the org's contact logs for this donor."""
    donor = api.get(f"/api/v1/donors/{donor_id}", org).json
    return {
        "logs": together_logs(api, org),
        "timeline": api.get(f"/api/v1/donors/{donor_id}/activity?limit=100", org).json,
        "activities": api.get(activities(donor_id) + "?per_page=100", org).json,
        "count": donor["contact_log_count"] if donor else None,
    }


def member_key(org, **member) -> tuple[str, dict]:
    person = organisations.add_member(org.org, **{"first_name": "Ada", "last_name": "Lovelace",
                                                  "email": "ada@example.org", **member})
    key, _ = auth.create_key(org.org, auth.WRITE, label="staff", team_member_id=person["id"])
    return key, person


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


# ---- create ----------------------------------------------------------------------------

def test_create_with_every_field_answers_the_whole_resource(api, acme, donor):
    before = datetime.now(timezone.utc) - timedelta(seconds=5)
    body = {"type": "meeting", "note": "Coffee with the board.", "subject": "Year-end appeal",
            "occurred_at": "2026-06-10T04:00:00+02:00", "timezone": "Europe/Berlin"}
    response = api.post(activities(donor["id"]), acme, body)

    assert response.status_code == 201, response.body
    assert response.headers["Content-Type"] == "application/json"
    activity = response.json
    assert set(activity) == FIELDS
    assert isinstance(activity["id"], str) and activity["id"].isdigit()
    assert activity["type"] == "meeting"
    assert activity["source"] == "api"
    assert details(activity) == {"note": "Coffee with the board.", "subject": "Year-end appeal",
                                 "timezone": "Europe/Berlin"}
    assert activity["resource"] is None and activity["resource_type"] is None
    assert activity["occurred_at"] == "2026-06-10T02:00:00.000Z"
    created = datetime.strptime(activity["created_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    assert before <= created <= datetime.now(timezone.utc) + timedelta(seconds=5)
    assert activity["updated_at"] == activity["created_at"]
    assert activity["created_by"] is None
    assert response.headers["Location"] == activity_path(donor["id"], activity["id"])

    again = api.get(response.headers["Location"], acme)
    assert again.status_code == 200 and again.json == activity


def test_create_with_only_the_type_defaults_the_rest(api, acme, donor):
    before = datetime.now(timezone.utc) - timedelta(seconds=5)
    response = api.post(activities(donor["id"]), acme, {"type": "note"})
    assert response.status_code == 201, response.body
    activity = response.json
    assert set(activity) == FIELDS
    assert details(activity) == {"note": None, "subject": None, "timezone": None}
    assert activity["created_by"] is None
    assert STAMP.match(activity["occurred_at"])
    occurred = datetime.strptime(activity["occurred_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    assert before <= occurred <= datetime.now(timezone.utc) + timedelta(seconds=5)


def test_null_optional_fields_are_accepted_and_occurred_at_null_is_now(api, acme, donor):
    response = api.post(activities(donor["id"]), acme,
                        {"type": "sms", "note": None, "subject": None, "occurred_at": None, "timezone": None})
    assert response.status_code == 201, response.body
    assert details(response.json) == {"note": None, "subject": None, "timezone": None}
    assert STAMP.match(response.json["occurred_at"])


@pytest.mark.parametrize("kind", TYPES)
def test_every_type_is_accepted_and_reads_back(api, acme, donor, kind):
    activity = new_activity(api, acme, donor["id"], type=kind)
    assert activity["type"] == kind
    assert api.get(activity_path(donor["id"], activity["id"]), acme).json["type"] == kind


def test_subject_of_255_characters_is_accepted(api, acme, donor):
    activity = new_activity(api, acme, donor["id"], subject="s" * 255, timezone="t" * 255)
    assert details(activity)["subject"] == "s" * 255
    assert details(activity)["timezone"] == "t" * 255


def test_created_by_is_the_keys_team_member(api, acme, donor):
    key, person = member_key(acme)
    response = api.post(activities(donor["id"]), None, {"type": "email"}, headers=bearer(key))
    assert response.status_code == 201, response.body
    assert response.json["created_by"] == {"id": str(person["id"]), "first_name": "Ada",
                                           "last_name": "Lovelace", "email": "ada@example.org"}
    # Together's recorded_by_id stays null (the seed: null for entries created over the API);
    # reads by any key show the creator.
    log = api.get(f"{LOGS}/{response.json['id']}", acme).json
    assert log["recorded_by_id"] is None
    shown = api.get(activity_path(donor["id"], response.json["id"]), acme, scope="READ").json
    assert shown["created_by"] == response.json["created_by"]
    listed = api.get(activities(donor["id"]), acme).json["data"]
    assert listed[0]["created_by"] == response.json["created_by"]


def test_a_together_log_recorded_by_a_member_shows_it_as_created_by(api, acme, donor):
    from chalicelib.domain import contact_logs

    person = organisations.add_member(acme.org, first_name="Bo", last_name="Ng", email="bo@example.org")
    entry = contact_logs.create(acme.org, {"donor_id": int(donor["id"]), "contact_method": "PHONE",
                                           "occurred_at": "2026-06-10T02:00:00.000Z",
                                           "recorded_by_id": person["id"]}).record
    shown = api.get(activity_path(donor["id"], entry["id"]), acme).json
    assert shown["created_by"] == {"id": str(person["id"]), "first_name": "Bo", "last_name": "Ng",
                                   "email": "bo@example.org"}


def test_updates_keep_the_creator(api, acme, donor):
    key, person = member_key(acme)
    created = api.post(activities(donor["id"]), None, {"type": "email"}, headers=bearer(key)).json
    updated = api.call("PUT", activity_path(donor["id"], created["id"]), acme, {"note": "by someone else"})
    assert updated.status_code == 200
    assert updated.json["created_by"]["id"] == str(person["id"])


@pytest.mark.parametrize("sent, zone, stored", [
    ("2026-06-10T04:00:00+02:00", None, "2026-06-10T02:00:00.000Z"),
    ("2026-06-10T02:00:00Z", None, "2026-06-10T02:00:00.000Z"),
    ("2023-11-07T05:31:56Z", "America/New_York", "2023-11-07T05:31:56.000Z"),  # an offset wins
    ("2026-06-10", None, "2026-06-10T00:00:00.000Z"),
    ("2024-01-05 10:00:00", "America/New_York", "2024-01-05T15:00:00.000Z"),
    ("2024-07-05T10:00", "America/New_York", "2024-07-05T14:00:00.000Z"),
    ("2024-01-05T10:00:00.5", "Asia/Kolkata", "2024-01-05T04:30:00.500Z"),
    ("2024-01-05", "Europe/Berlin", "2024-01-04T23:00:00.000Z"),
])
def test_occurred_at_is_stored_as_utc(api, acme, donor, sent, zone, stored):
    activity = new_activity(api, acme, donor["id"], occurred_at=sent, timezone=zone)
    assert activity["occurred_at"] == stored
    assert details(activity)["timezone"] == zone
    assert api.get(f"{LOGS}/{activity['id']}", acme).json["occurred_at"] == stored


@pytest.mark.parametrize("sent, stored", [
    ("0999-01-01T00:00:00Z", "0999-01-01T00:00:00.000Z"),
    ("0226-06-10T04:00:00+02:00", "0226-06-10T02:00:00.000Z"),
    ("0001-01-01", "0001-01-01T00:00:00.000Z"),
])
def test_years_before_1000_are_written_with_four_digits_and_can_be_sent_back(api, acme, donor, sent, stored):
    activity = new_activity(api, acme, donor["id"], occurred_at=sent)
    assert activity["occurred_at"] == stored and STAMP.match(stored)
    assert api.get(activity_path(donor["id"], activity["id"]), acme).json["occurred_at"] == stored
    assert api.get(f"{LOGS}/{activity['id']}", acme).json["occurred_at"] == stored
    again = api.call("PUT", activity_path(donor["id"], activity["id"]), acme, {"occurred_at": stored})
    assert again.status_code == 200, again.body
    assert again.json["occurred_at"] == stored


# ---- list ------------------------------------------------------------------------------

def test_list_is_newest_first_with_laravel_links_and_meta(api, acme, donor):
    made = [new_activity(api, acme, donor["id"], occurred_at=f"2026-06-{day:02d}T02:00:00Z")
            for day in (3, 9, 1, 7, 5)]
    newest_first = [a["id"] for a in sorted(made, key=lambda a: a["occurred_at"], reverse=True)]
    base = f"https://api.example.org{activities(donor['id'])}"
    headers = {"Host": "api.example.org", "X-Forwarded-Proto": "https"}

    first = api.get(activities(donor["id"]) + "?per_page=2", acme, headers=headers)
    assert first.status_code == 200, first.body
    assert first.headers["Content-Type"] == "application/json"
    assert set(first.json) == {"data", "links", "meta"}
    assert [a["id"] for a in first.json["data"]] == newest_first[:2]
    assert all(set(a) == FIELDS for a in first.json["data"])
    assert first.json["links"] == {"first": f"{base}?per_page=2&page=1", "last": f"{base}?per_page=2&page=3",
                                   "prev": None, "next": f"{base}?per_page=2&page=2"}
    assert first.json["meta"] == {"current_page": 1, "from": 1, "last_page": 3, "path": base,
                                  "per_page": 2, "to": 2, "total": 5}

    second = api.get(activities(donor["id"]) + "?per_page=2&page=2", acme, headers=headers).json
    assert [a["id"] for a in second["data"]] == newest_first[2:4]
    assert second["links"]["prev"] == f"{base}?per_page=2&page=1"
    assert second["links"]["next"] == f"{base}?per_page=2&page=3"
    assert (second["meta"]["from"], second["meta"]["to"], second["meta"]["current_page"]) == (3, 4, 2)

    last = api.get(activities(donor["id"]) + "?per_page=2&page=3", acme, headers=headers).json
    assert [a["id"] for a in last["data"]] == newest_first[4:]
    assert last["links"]["next"] is None
    assert (last["meta"]["from"], last["meta"]["to"]) == (5, 5)

    past = api.get(activities(donor["id"]) + "?per_page=2&page=9", acme, headers=headers).json
    assert past["data"] == []
    assert (past["meta"]["from"], past["meta"]["to"], past["meta"]["total"]) == (None, None, 5)
    assert past["links"]["next"] is None

    # Following `next` from the first page walks every activity once.
    seen, url = [], first.json["links"]["first"]
    while url:
        page = api.get(url.removeprefix("https://api.example.org"), acme, headers=headers).json
        seen += [a["id"] for a in page["data"]]
        url = page["links"]["next"]
    assert seen == newest_first


def test_list_defaults_to_page_1_of_20(api, acme, donor):
    for day in range(1, 23):
        new_activity(api, acme, donor["id"], occurred_at=f"2026-05-{day:02d}T00:00:00Z")
    body = api.get(activities(donor["id"]), acme).json
    assert len(body["data"]) == 20
    assert body["meta"]["per_page"] == 20 and body["meta"]["current_page"] == 1
    assert body["meta"]["total"] == 22 and body["meta"]["last_page"] == 2
    assert body["meta"]["path"].endswith(activities(donor["id"]))
    assert body["links"]["next"].endswith(f"{activities(donor['id'])}?page=2")
    assert len(api.get(activities(donor["id"]) + "?per_page=100", acme).json["data"]) == 22


@pytest.mark.parametrize("host, proto, base", [
    ("api.example.org", "javascript:alert(1)//", "http://api.example.org"),
    ("api.example.org", "HTTPS", "https://api.example.org"),
    ("api.example.org:8443", "ftp", "http://api.example.org:8443"),
    ("127.0.0.1:8000", None, "http://127.0.0.1:8000"),
    ("[::1]:8000", "https", "https://[::1]:8000"),
    ("evil.example/phish?", "https", ""),
    ("evil.example@x", "https", ""),
    ("a b", "https", ""),
    ("<script>", "https", ""),
    ("host:port", "https", ""),
    ("-bad.example", "https", ""),
])
def test_links_never_reflect_a_forged_host_or_scheme(api, acme, donor, host, proto, base):
    """Only http/https and a hostname[:port] make an absolute link; anything else is relative."""
    for day in (1, 2):
        new_activity(api, acme, donor["id"], occurred_at=f"2026-05-0{day}T00:00:00Z")
    headers = {"Host": host, **({"X-Forwarded-Proto": proto} if proto else {})}
    body = api.get(activities(donor["id"]) + "?per_page=1", acme, headers=headers).json
    assert body["meta"]["path"] == base + activities(donor["id"])
    assert body["links"]["next"] == f"{base}{activities(donor['id'])}?per_page=1&page=2"


def test_empty_list(api, acme, donor):
    body = api.get(activities(donor["id"]), acme).json
    assert body["data"] == []
    assert body["meta"] == {"current_page": 1, "from": None, "last_page": 1, "path": activities(donor["id"]),
                            "per_page": 20, "to": None, "total": 0}
    assert body["links"] == {"first": f"{activities(donor['id'])}?page=1",
                             "last": f"{activities(donor['id'])}?page=1", "prev": None, "next": None}


def test_type_filter_counts_and_pages_only_that_type(api, acme, donor):
    calls = [new_activity(api, acme, donor["id"], type="phone_call", occurred_at=f"2026-06-0{d}T00:00:00Z")
             for d in (1, 2, 3)]
    new_activity(api, acme, donor["id"], type="email")
    new_activity(api, acme, donor["id"], type="volunteer_activity")
    letter = new_log(api, acme, donor["id"], contact_method="LETTER")

    body = api.get(activities(donor["id"]) + "?type=phone_call&per_page=2", acme).json
    assert [a["id"] for a in body["data"]] == [calls[2]["id"], calls[1]["id"]]
    assert body["meta"]["total"] == 3 and body["meta"]["last_page"] == 2
    assert body["links"]["next"].endswith("?type=phone_call&per_page=2&page=2")
    assert [a["type"] for a in api.get(activities(donor["id"]) + "?type=volunteer_activity", acme).json["data"]] \
        == ["volunteer_activity"]
    # A LETTER log reads as a note; an OTHER log typed volunteer_activity does not.
    notes = api.get(activities(donor["id"]) + "?type=note", acme).json
    assert [a["id"] for a in notes["data"]] == [letter["id"]]
    assert api.get(activities(donor["id"]) + "?type=sms", acme).json["meta"]["total"] == 0


def test_list_shows_only_this_contacts_activities(api, acme):
    jane, john = new_donor(api, acme), new_donor(api, acme, first_name="John")
    mine = new_activity(api, acme, jane["id"])
    new_activity(api, acme, john["id"])
    new_donation(api, acme, jane["id"])  # the timeline's donations are not activities
    body = api.get(activities(jane["id"]), acme).json
    assert [a["id"] for a in body["data"]] == [mine["id"]]
    assert body["meta"]["total"] == 1


def test_list_is_one_compact_query_and_one_batch_read_of_the_page(api, acme, donor):
    for kind in TYPES:
        new_activity(api, acme, donor["id"], type=kind)
    new_donation(api, acme, donor["id"])
    assert api.get(activities(donor["id"]), acme).status_code == 200  # the key is verified and cached now
    with dynamodb_calls() as calls:
        body = api.get(activities(donor["id"]) + "?type=note&per_page=1&page=1", acme).json
    assert calls == ["Query", "BatchGetItem"]  # the timeline's compact rows, then the page whole
    assert body["meta"]["total"] == 1


def test_a_long_history_is_counted_compactly_and_only_the_page_read_whole(api, acme, donor, monkeypatch):
    from chalicelib import config
    from chalicelib.domain import contact_logs

    # The key stays verified however slow the machine: the calls counted are the read's own.
    monkeypatch.setenv("API_KEY_CACHE_SECONDS", "3600")
    config.reset()

    for day in range(1, 106):
        contact_logs.create(acme.org, {"donor_id": int(donor["id"]), "contact_method": "EMAIL",
                                       "occurred_at": f"2026-01-01T00:00:{day % 60:02d}.{day:03d}Z"})
    new_donation(api, acme, donor["id"], received_at="2026-01-01")
    api.get(activities(donor["id"]), acme)
    with dynamodb_calls() as calls:
        body = api.get(activities(donor["id"]) + "?per_page=100&page=2", acme).json
    assert calls == ["Query", "BatchGetItem"]
    assert body["meta"]["total"] == 105
    assert len(body["data"]) == 5
    everything = api.get(activities(donor["id"]) + "?per_page=100", acme).json["data"] + body["data"]
    assert len({a["id"] for a in everything}) == 105
    stamps = [a["occurred_at"] for a in everything]
    assert stamps == sorted(stamps, reverse=True)


def test_create_and_get_cost_one_call_each(api, acme, donor):
    new_activity(api, acme, donor["id"])  # reserves a block of ids, verifies the key
    with dynamodb_calls() as calls:
        created = new_activity(api, acme, donor["id"])
    assert calls == ["TransactWriteItems"]
    with dynamodb_calls() as calls:
        api.get(activity_path(donor["id"], created["id"]), acme)
    assert calls == ["GetItem"]


@pytest.mark.parametrize("query, field", [
    ("type=bogus", "type"),
    ("type=", "type"),
    ("type=PHONE", "type"),
    ("page=0", "page"),
    ("page=-1", "page"),
    ("page=x", "page"),
    ("per_page=0", "per_page"),
    ("per_page=101", "per_page"),
    ("per_page=1.5", "per_page"),
    ("per_page=" + "9" * 400, "per_page"),
])
def test_bad_list_parameters_are_422(api, acme, donor, query, field):
    assert_givebutter_error(api.get(f"{activities(donor['id'])}?{query}", acme), 422, field)


@pytest.mark.parametrize("query, field", [("colour=red", "colour"), ("limit=5", "limit"),
                                          ("page=1&page=2", "page")])
def test_unknown_or_repeated_list_parameters_are_400(api, acme, donor, query, field):
    assert_givebutter_error(api.get(f"{activities(donor['id'])}?{query}", acme), 400, field)


def test_huge_page_is_empty_not_an_error(api, acme, donor):
    new_activity(api, acme, donor["id"])
    body = api.get(f"{activities(donor['id'])}?page=999999999999", acme).json
    assert body["data"] == [] and body["meta"]["total"] == 1


# ---- show, update, delete --------------------------------------------------------------

def test_show_answers_the_activity(api, acme, donor):
    activity = new_activity(api, acme, donor["id"], note="hello")
    response = api.get(activity_path(donor["id"], activity["id"]), acme)
    assert response.status_code == 200
    assert response.json == activity


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_update_changes_only_the_fields_sent(api, acme, donor, method):
    activity = new_activity(api, acme, donor["id"], type="phone_call", note="first", subject="Hello",
                            timezone="Europe/Paris")
    path = activity_path(donor["id"], activity["id"])

    response = api.call(method, path, acme, {"note": "second"})
    assert response.status_code == 200, response.body
    updated = response.json
    assert details(updated) == {"note": "second", "subject": "Hello", "timezone": "Europe/Paris"}
    assert updated["type"] == "phone_call"
    assert updated["occurred_at"] == activity["occurred_at"]
    assert updated["created_at"] == activity["created_at"]
    assert updated["updated_at"] >= activity["updated_at"]
    assert api.get(path, acme).json == updated

    response = api.call(method, path, acme, {"type": "volunteer_activity", "subject": None,
                                             "occurred_at": "2025-01-01T00:00:00Z", "timezone": None})
    assert response.status_code == 200, response.body
    assert response.json["type"] == "volunteer_activity"
    assert response.json["occurred_at"] == "2025-01-01T00:00:00.000Z"
    assert details(response.json) == {"note": "second", "subject": None, "timezone": None}
    log = api.get(f"{LOGS}/{activity['id']}", acme).json
    assert log["contact_method"] == "OTHER" and log["notes"] == "second"


def test_empty_update_writes_nothing(api, acme, donor):
    activity = new_activity(api, acme, donor["id"])
    response = api.call("PUT", activity_path(donor["id"], activity["id"]), acme, {})
    assert response.status_code == 200
    assert response.json == activity


def test_note_null_clears_it(api, acme, donor):
    activity = new_activity(api, acme, donor["id"], note="to clear")
    response = api.patch(activity_path(donor["id"], activity["id"]), acme, {"note": None})
    assert details(response.json)["note"] is None
    assert api.get(f"{LOGS}/{activity['id']}", acme).json["notes"] is None


@pytest.mark.parametrize("field", ["type", "occurred_at"])
def test_update_cannot_null_a_required_field(api, acme, donor, field):
    activity = new_activity(api, acme, donor["id"])
    path = activity_path(donor["id"], activity["id"])
    assert_givebutter_error(api.call("PUT", path, acme, {field: None, "note": "not kept"}), 422, field)
    assert api.get(path, acme).json == activity


def test_delete_removes_it_from_every_face(api, acme, donor):
    keep = new_activity(api, acme, donor["id"], occurred_at="2026-06-01T00:00:00Z")
    gone = new_activity(api, acme, donor["id"], occurred_at="2026-06-02T00:00:00Z")
    path = activity_path(donor["id"], gone["id"])

    response = api.delete(path, acme)
    assert response.status_code == 204 and not response.body
    assert_givebutter_error(api.get(path, acme), 404)
    assert_givebutter_error(api.call("PUT", path, acme, {"note": "x"}), 404)
    assert [a["id"] for a in api.get(activities(donor["id"]), acme).json["data"]] == [keep["id"]]
    assert api.get(activities(donor["id"]), acme).json["meta"]["total"] == 1
    assert [log["id"] for log in together_logs(api, acme)] == [keep["id"]]
    assert api.get(f"{LOGS}/{gone['id']}", acme).status_code == 404
    timeline = api.get(f"/api/v1/donors/{donor['id']}/activity", acme).json["data"]
    assert [item["data"]["id"] for item in timeline] == [keep["id"]]
    assert api.get(f"/api/v1/donors/{donor['id']}", acme).json["contact_log_count"] == 1
    # Deleting again is idempotent, as on every face.
    assert api.delete(path, acme).status_code == 204


def test_a_contact_with_activities_cannot_be_deleted_until_they_are(api, acme, donor):
    activity = new_activity(api, acme, donor["id"])
    assert api.delete(f"/api/v1/donors/{donor['id']}", acme).status_code == 409
    assert api.delete(activity_path(donor["id"], activity["id"]), acme).status_code == 204
    assert api.delete(f"/api/v1/donors/{donor['id']}", acme).status_code == 204
    assert_givebutter_error(api.get(activities(donor["id"]), acme), 404)
    assert_givebutter_error(api.post(activities(donor["id"]), acme, {"type": "note"}), 404)


# ---- the same record through both faces ------------------------------------------------

@pytest.mark.parametrize("method, kind", [("PHONE", "phone_call"), ("MEETING", "meeting"), ("EMAIL", "email"),
                                          ("SMS", "sms"), ("LETTER", "note"), ("OTHER", "note")])
def test_a_together_log_is_an_activity(api, acme, donor, method, kind):
    log = new_log(api, acme, donor["id"], contact_method=method, notes="Called about the gala",
                  occurred_at="2026-06-10T04:00:00+02:00")
    activity = api.get(activity_path(donor["id"], log["id"]), acme).json
    assert activity == {
        "id": log["id"], "type": kind, "source": "api",
        "data": json.dumps({"note": "Called about the gala", "subject": None, "timezone": None}),
        "resource": None, "resource_type": None, "occurred_at": "2026-06-10T02:00:00.000Z",
        "created_at": log["created_at"], "updated_at": log["updated_at"], "created_by": None,
    }
    assert api.get(activities(donor["id"]), acme).json["data"] == [activity]


@pytest.mark.parametrize("kind, method", [("email", "EMAIL"), ("meeting", "MEETING"), ("note", "OTHER"),
                                          ("phone_call", "PHONE"), ("sms", "SMS"),
                                          ("completed_task", "OTHER"), ("volunteer_activity", "OTHER")])
def test_an_activity_is_a_together_log_and_on_the_timeline(api, acme, donor, kind, method):
    activity = new_activity(api, acme, donor["id"], type=kind, note="Helped at the food bank",
                            occurred_at="2026-06-10T02:00:00Z", subject="Saturday shift")
    log = api.get(f"{LOGS}/{activity['id']}", acme).json
    assert log["donor_id"] == donor["id"]
    assert log["contact_method"] == method
    assert log["notes"] == "Helped at the food bank"
    assert log["occurred_at"] == "2026-06-10T02:00:00.000Z"
    assert log["recorded_by_id"] is None
    assert (log["created_at"], log["updated_at"]) == (activity["created_at"], activity["updated_at"])
    assert together_logs(api, acme) == [log]
    filtered = api.get(f"{LOGS}?method={method}", acme).json["data"]
    assert [e["id"] for e in filtered] == [activity["id"]]
    timeline = api.get(f"/api/v1/donors/{donor['id']}/activity", acme).json["data"]
    assert timeline == [{"type": "contact_log", "occurred_at": "2026-06-10T02:00:00.000Z", "data": log}]
    assert api.get(f"/api/v1/donors/{donor['id']}", acme).json["contact_log_count"] == 1
    # ... and Givebutter reads back exactly what it wrote.
    assert api.get(activity_path(donor["id"], activity["id"]), acme).json == activity


def test_a_together_patch_keeps_what_only_givebutter_shows(api, acme, donor):
    activity = new_activity(api, acme, donor["id"], type="volunteer_activity", subject="Shift",
                            timezone="America/Chicago", note="before")
    response = api.patch(f"{LOGS}/{activity['id']}", acme, {"notes": "after", "follow_up_at": "2026-07-01T00:00:00Z"})
    assert response.status_code == 200, response.body
    shown = api.get(activity_path(donor["id"], activity["id"]), acme).json
    assert shown["type"] == "volunteer_activity"
    assert details(shown) == {"note": "after", "subject": "Shift", "timezone": "America/Chicago"}
    # A Givebutter update keeps the follow-up it does not show.
    api.call("PUT", activity_path(donor["id"], activity["id"]), acme, {"subject": "Shift 2"})
    assert api.get(f"{LOGS}/{activity['id']}", acme).json["follow_up_at"] == "2026-07-01T00:00:00.000Z"


def test_together_method_change_drops_a_type_it_no_longer_fits(api, acme, donor):
    activity = new_activity(api, acme, donor["id"], type="volunteer_activity")
    path = activity_path(donor["id"], activity["id"])

    same = api.patch(f"{LOGS}/{activity['id']}", acme, {"contact_method": "OTHER"})
    assert same.status_code == 200
    assert api.get(path, acme).json["type"] == "volunteer_activity"

    moved = api.patch(f"{LOGS}/{activity['id']}", acme, {"contact_method": "PHONE"})
    assert moved.status_code == 200
    assert api.get(path, acme).json["type"] == "phone_call"
    # Moving back does not bring the old type back: the entry reads as its method's usual type.
    api.patch(f"{LOGS}/{activity['id']}", acme, {"contact_method": "OTHER"})
    assert api.get(path, acme).json["type"] == "note"


def test_a_givebutter_type_change_moves_the_together_method(api, acme, donor):
    log = new_log(api, acme, donor["id"], contact_method="LETTER")
    path = activity_path(donor["id"], log["id"])
    assert api.get(path, acme).json["type"] == "note"
    assert api.call("PUT", path, acme, {"type": "completed_task"}).json["type"] == "completed_task"
    assert api.get(f"{LOGS}/{log['id']}", acme).json["contact_method"] == "OTHER"
    assert api.patch(path, acme, {"type": "sms"}).json["type"] == "sms"
    assert api.get(f"{LOGS}/{log['id']}", acme).json["contact_method"] == "SMS"


# ---- other organisations, other contacts, unusable ids ----------------------------------

def _route_path(route, contact, activity) -> str:
    return route.path.replace("{contact}", str(contact)).replace("{activity}", str(activity))


_BODIES = {"POST": {"type": "email", "note": "should not be stored"}, "PUT": {"note": "changed"},
           "PATCH": {"note": "changed"}}


@pytest.mark.parametrize("route", [r for r in GIVEBUTTER_ROUTES if "{activity}" in r.path],
                         ids=lambda r: f"{r.method} {r.path}")
def test_an_activity_of_another_contact_is_404(api, acme, route):
    jane, john = new_donor(api, acme), new_donor(api, acme, first_name="John")
    janes = new_activity(api, acme, jane["id"], note="Jane's")
    before = stored_state(api, acme, jane["id"])
    response = api.call(route.method, activity_path(john["id"], janes["id"]), acme, _BODIES.get(route.method))
    assert_givebutter_error(response, 404)
    assert stored_state(api, acme, jane["id"]) == before


@pytest.mark.parametrize("contact", ["0", "-1", "abc", "1.0", "1e3", "9" * 30, "999999"])
def test_unusable_contact_ids_are_404(api, acme, donor, contact):
    activity = new_activity(api, acme, donor["id"])
    for method, path in (("GET", activities(contact)), ("POST", activities(contact)),
                         ("GET", activity_path(contact, activity["id"])),
                         ("PUT", activity_path(contact, activity["id"])),
                         ("DELETE", activity_path(contact, activity["id"]))):
        response = api.call(method, path, acme, _BODIES.get(method))
        assert_givebutter_error(response, 404)
    assert [log["id"] for log in together_logs(api, acme)] == [activity["id"]]


@pytest.mark.parametrize("activity", ["0", "abc", "1.5", "9" * 30, "999999"])
def test_unusable_activity_ids_are_404(api, acme, donor, activity):
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        response = api.call(method, activity_path(donor["id"], activity), acme, _BODIES.get(method))
        assert_givebutter_error(response, 404)


# ---- bad input -------------------------------------------------------------------------

@pytest.mark.parametrize("body, fields", [
    ({}, ["type"]),
    ({"type": None}, ["type"]),
    ({"note": "no type"}, ["type"]),
    ({"type": "bogus"}, ["type"]),
    ({"type": "PHONE"}, ["type"]),
    ({"type": "Phone_Call"}, ["type"]),
    ({"type": 3}, ["type"]),
    ({"type": "email", "subject": "s" * 256}, ["subject"]),
    ({"type": "email", "timezone": "t" * 256}, ["timezone"]),
    ({"type": "email", "note": "n" * 5001}, ["note"]),
    ({"type": "email", "note": 5}, ["note"]),
    ({"type": "email", "subject": ["a"]}, ["subject"]),
    ({"type": "email", "occurred_at": "yesterday"}, ["occurred_at"]),
    ({"type": "email", "occurred_at": "2026-02-30T00:00:00Z"}, ["occurred_at"]),
    ({"type": "email", "occurred_at": "2026-13-01"}, ["occurred_at"]),
    ({"type": "email", "occurred_at": "2026-06-10T25:00:00Z"}, ["occurred_at"]),
    ({"type": "email", "occurred_at": "2026-06-10T02:00:00"}, ["occurred_at"]),  # no zone, no timezone
    ({"type": "email", "occurred_at": "2026-06-10T02:00:00", "timezone": "Mars/Olympus"}, ["occurred_at"]),
    ({"type": "email", "occurred_at": "0001-01-01T00:00:00+01:00"}, ["occurred_at"]),
    ({"type": "email", "occurred_at": "9999-12-31T23:59:59-01:00"}, ["occurred_at"]),
    ({"type": "email", "occurred_at": 1717984800}, ["occurred_at"]),
    ({"type": "email", "occurred_at": ""}, ["occurred_at"]),
    ({"type": "email", "contact_method": "PHONE"}, ["contact_method"]),
    ({"type": "email", "notes": "Together's name"}, ["notes"]),
    ({"type": "email", "colour": "red"}, ["colour"]),
    ({"type": "email", "id": "7"}, ["id"]),
    ({"type": "email", "created_by": None}, ["created_by"]),
    ({"type": "email", "source": "api", "data": "{}"}, ["source", "data"]),
    ({"type": "bogus", "subject": "s" * 256, "occurred_at": "nope", "extra": 1}, ["type", "subject", "occurred_at",
                                                                                 "extra"]),
])
def test_invalid_bodies_are_422_naming_each_field_and_store_nothing(api, acme, donor, body, fields):
    existing = new_activity(api, acme, donor["id"])
    before = stored_state(api, acme, donor["id"])

    response = api.post(activities(donor["id"]), acme, body)
    error = assert_givebutter_error(response, 422)
    assert sorted(error["errors"]) == sorted(fields)
    assert error["message"].startswith(error["errors"][fields[0]][0])
    if len(fields) > 1:
        assert error["message"].endswith(f"(and {len(fields) - 1} more error{'s' if len(fields) > 2 else ''})")

    # The same problems on an update (where a missing type is fine), with nothing changed.
    expected = [f for f in fields if f != "type" or "type" in body]
    if expected:
        again = api.call("PUT", activity_path(donor["id"], existing["id"]), acme, body)
        assert_givebutter_error(again, 422)
        assert sorted(again.json["errors"]) == sorted(expected)
    assert stored_state(api, acme, donor["id"]) == before


def test_field_messages_use_laravels_words(api, acme, donor):
    error = api.post(activities(donor["id"]), acme, {"subject": "s" * 256, "colour": 1}).json
    assert error["errors"]["subject"] == ["The subject field must not be greater than 255 characters."]
    assert error["errors"]["type"] == ["The type field is required."]
    assert error["errors"]["colour"] == ["The colour field is not a field of a contact activity."]
    assert error["message"] == "The subject field must not be greater than 255 characters. (and 2 more errors)"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_a_body_far_beyond_any_schema_gets_a_small_422(api, acme, donor, method):
    """A 6 MB body of unknown fields once drew a 35 MB 422; the error must not grow with the body."""
    existing = new_activity(api, acme, donor["id"])
    before = stored_state(api, acme, donor["id"])
    path = activities(donor["id"]) if method == "POST" else activity_path(donor["id"], existing["id"])
    raw = "{" + ",".join(f'"f{n:06d}":1' for n in range(20_000)) + "}"
    response = api.call(method, path, acme, raw=raw)
    body = assert_givebutter_error(response, 422, "body")
    assert len(response.body) < 1000, len(response.body)
    assert list(body["errors"]) == ["body"]
    assert stored_state(api, acme, donor["id"]) == before


@pytest.mark.parametrize("route", [r for r in GIVEBUTTER_ROUTES if r.method in ("POST", "PUT", "PATCH")],
                         ids=lambda r: f"{r.method} {r.path}")
@pytest.mark.parametrize("content_type", [None, "", "application/json; charset=utf-16"])
def test_body_without_a_json_utf8_content_type_is_415_and_stores_nothing(api, acme, donor, route, content_type):
    existing = new_activity(api, acme, donor["id"])
    before = stored_state(api, acme, donor["id"])
    path = route.path.replace("{contact}", donor["id"]).replace("{activity}", existing["id"])
    headers = bearer(acme.write_key)
    if content_type is not None:
        headers["Content-Type"] = content_type
    response = api.client.http.request(route.method, path, headers=headers, body=json.dumps({"type": "email"}))
    assert_givebutter_error(response, 415)
    assert stored_state(api, acme, donor["id"]) == before


def test_json_with_a_charset_is_accepted(api, acme, donor):
    response = api.post(activities(donor["id"]), acme, {"type": "email"},
                        headers={"Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 201


# ---- keys, scopes, methods -------------------------------------------------------------


def test_the_face_serves_the_documented_routes():
    assert {(r.method, r.path) for r in GIVEBUTTER_ROUTES} == {
        ("GET", "/v1/contacts/{contact}/activities"), ("POST", "/v1/contacts/{contact}/activities"),
        ("GET", "/v1/contacts/{contact}/activities/{activity}"),
        ("PUT", "/v1/contacts/{contact}/activities/{activity}"),
        ("PATCH", "/v1/contacts/{contact}/activities/{activity}"),
        ("DELETE", "/v1/contacts/{contact}/activities/{activity}"),
    }


# ---- nothing a client sends is a 5xx ---------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
_field_values = st.fixed_dictionaries({}, optional={
    "type": st.sampled_from(TYPES) | _json,
    "note": st.text(max_size=40) | _json,
    "subject": st.text(max_size=300) | _json,
    "occurred_at": st.sampled_from(["2026-06-10T02:00:00Z", "2026-06-10", "2026-06-10 02:00", "0001-01-01",
                                    "9999-12-31T23:59:59.999999999+14:00", "2026-06-10T02:00:00-23:59"])
    | st.text(max_size=30) | _json,
    "timezone": st.sampled_from(["America/New_York", "UTC", "../../etc/passwd", "Etc/GMT+5", "", "\x00"])
    | st.text(max_size=40) | _json,
}) | st.dictionaries(st.text(max_size=12), _json, max_size=4)
_fuzz = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


_query_text = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126,
                                             exclude_characters="#%&+=?/"), max_size=12)


