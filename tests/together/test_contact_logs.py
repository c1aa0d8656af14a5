"""Contact-log entries over the Together face: create, read, list, filter, page, update, delete.

Every test goes through the HTTP edge (chalice.test.Client) onto moto's DynamoDB.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import assert_problem, new_donor, new_log, walk

LOGS = "/api/v1/contact-logs"
FIELDS = {"id", "donor_id", "contact_method", "occurred_at", "notes", "follow_up_at",
          "follow_up_completed_at", "recorded_by_id", "follow_up_raised_at", "created_at", "updated_at"}
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


# ---- helpers ---------------------------------------------------------------------------

def ids(response) -> list[str]:
    assert response.status_code == 200, response.body
    return [entry["id"] for entry in response.json["data"]]


def fetch(api, org, entry_id: str):
    response = api.get(f"{LOGS}/{entry_id}", org)
    assert response.status_code == 200, response.body
    return response


def donor_counts(api, org, donor_id: str) -> int:
    response = api.get(f"/api/v1/donors/{donor_id}", org)
    assert response.status_code == 200, response.body
    return response.json["contact_log_count"]


def parse_stamp(value: str) -> datetime:
    assert STAMP.match(value), value
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


# ---- create ----------------------------------------------------------------------------

def test_create_answers_201_with_location_etag_and_every_field(api, acme, donor):
    before = datetime.now(timezone.utc) - timedelta(seconds=5)
    body = {"donor_id": donor["id"], "contact_method": "MEETING",
            "occurred_at": "2026-06-10T02:00:00.000Z", "notes": "Coffee with the board.",
            "follow_up_at": "2026-06-25T00:00:00.000Z"}
    response = api.post(LOGS, acme, body)

    assert response.status_code == 201, response.body
    assert response.headers["Content-Type"] == "application/json"
    entry = response.json
    assert set(entry) == FIELDS
    assert isinstance(entry["id"], str) and entry["id"].isdigit()
    assert entry["donor_id"] == donor["id"] and isinstance(entry["donor_id"], str)
    assert entry["contact_method"] == "MEETING"
    assert entry["occurred_at"] == "2026-06-10T02:00:00.000Z"
    assert entry["notes"] == "Coffee with the board."
    assert entry["follow_up_at"] == "2026-06-25T00:00:00.000Z"
    assert entry["follow_up_completed_at"] is None
    assert entry["recorded_by_id"] is None
    created = parse_stamp(entry["created_at"])
    assert before <= created <= datetime.now(timezone.utc) + timedelta(seconds=5)
    assert entry["updated_at"] == entry["created_at"]
    assert response.headers["ETag"] == '"1"'
    assert response.headers["Location"] == f"{LOGS}/{entry['id']}"

    # The Location names the stored entry, which reads back exactly as created.
    again = api.get(response.headers["Location"], acme)
    assert again.status_code == 200
    assert again.json == entry
    assert again.headers["ETag"] == '"1"'


def test_create_with_only_required_fields_renders_optional_ones_as_null(api, acme, donor):
    entry = new_log(api, acme, donor["id"])
    assert set(entry) == FIELDS
    assert entry["notes"] is None
    assert entry["follow_up_at"] is None
    assert entry["follow_up_completed_at"] is None
    assert entry["recorded_by_id"] is None


def test_backdated_occurred_at_is_kept(api, acme, donor):
    entry = new_log(api, acme, donor["id"], occurred_at="2019-03-01T09:30:15.250Z")
    assert entry["occurred_at"] == "2019-03-01T09:30:15.250Z"
    assert fetch(api, acme, entry["id"]).json["occurred_at"] == "2019-03-01T09:30:15.250Z"


@pytest.mark.parametrize("sent, stored", [
    ("2026-06-10T04:00:00+02:00", "2026-06-10T02:00:00.000Z"),
    ("2026-06-09T21:00:00-05:00", "2026-06-10T02:00:00.000Z"),
    ("2026-06-10T02:00:00Z", "2026-06-10T02:00:00.000Z"),
    ("2026-06-10T02:00:00.123456Z", "2026-06-10T02:00:00.123Z"),
    ("2026-06-10T07:30:00.5+05:30", "2026-06-10T02:00:00.500Z"),
])
def test_timestamps_with_offsets_are_normalised_to_utc_z(api, acme, donor, sent, stored):
    entry = new_log(api, acme, donor["id"], occurred_at=sent, follow_up_at=sent)
    assert entry["occurred_at"] == stored
    assert entry["follow_up_at"] == stored
    assert fetch(api, acme, entry["id"]).json["occurred_at"] == stored


def test_integer_donor_id_is_accepted_and_rendered_as_string(api, acme, donor):
    response = api.post(LOGS, acme, {"donor_id": int(donor["id"]), "contact_method": "SMS",
                                     "occurred_at": "2026-06-10T02:00:00Z"})
    assert response.status_code == 201, response.body
    assert response.json["donor_id"] == donor["id"]


SEED_BODY = """{
    "donor_id": "cm3donor0001abc123xyz456",
    "contact_method": "PHONE",
    "occurred_at": "2026-06-10T02:00:00.000Z",
    "notes": "Discussed the year-end appeal; keen to give again.",
    "follow_up_at": "2026-06-25T00:00:00.000Z"
  }"""


def test_seed_curl_examples_verbatim(api, acme):
    donor = new_donor(api, acme, external_id="cm3donor0001abc123xyz456")
    headers = {"Authorization": f"Bearer {acme.write_key}", "Content-Type": "application/json"}

    created = api.client.http.post(LOGS, headers=headers, body=SEED_BODY)
    assert created.status_code == 201, created.body
    entry = json.loads(created.body)
    assert entry["donor_id"] == donor["id"]  # the external_id resolved to the donor's own id
    assert entry["contact_method"] == "PHONE"
    assert entry["occurred_at"] == "2026-06-10T02:00:00.000Z"
    assert entry["notes"] == "Discussed the year-end appeal; keen to give again."
    assert entry["follow_up_at"] == "2026-06-25T00:00:00.000Z"
    assert entry["follow_up_completed_at"] is None
    assert entry["recorded_by_id"] is None

    listed = api.client.http.get(
        f"{LOGS}?donor_id=cm3donor0001abc123xyz456&follow_up=open",
        headers={"Authorization": f"Bearer {acme.write_key}"})
    assert listed.status_code == 200
    assert [e["id"] for e in json.loads(listed.body)["data"]] == [entry["id"]]

    completed = api.client.http.patch(
        f"{LOGS}/{entry['id']}", headers=headers,
        body='{ "follow_up_completed_at": "2026-06-20T00:00:00.000Z" }')
    assert completed.status_code == 200, completed.body
    assert json.loads(completed.body)["follow_up_completed_at"] == "2026-06-20T00:00:00.000Z"

    listed = api.client.http.get(
        f"{LOGS}?donor_id=cm3donor0001abc123xyz456&follow_up=open",
        headers={"Authorization": f"Bearer {acme.write_key}"})
    assert json.loads(listed.body)["data"] == []


@pytest.mark.parametrize("donor_ref", ["999", 999, "no-such-external-id"])
def test_create_for_missing_donor_is_404_and_stores_nothing(api, acme, donor, donor_ref):
    response = api.post(LOGS, acme, {"donor_id": donor_ref, "contact_method": "PHONE",
                                     "occurred_at": "2026-06-10T02:00:00Z"})
    assert_problem(response, 404)
    assert ids(api.get(LOGS, acme)) == []
    assert donor_counts(api, acme, donor["id"]) == 0


@pytest.mark.parametrize("change, field", [
    ({"donor_id": None}, "donor_id"),
    ({"contact_method": None}, "contact_method"),
    ({"occurred_at": None}, "occurred_at"),
    ({"contact_method": "FAX"}, "contact_method"),
    ({"contact_method": "phone"}, "contact_method"),
    ({"notes": "x" * 5001}, "notes"),
    ({"occurred_at": "yesterday"}, "occurred_at"),
    ({"occurred_at": "2026-02-30T10:00:00Z"}, "occurred_at"),
    ({"occurred_at": "2026-06-10T02:00:00"}, "occurred_at"),
    ({"follow_up_at": "next tuesday"}, "follow_up_at"),
    ({"follow_up_completed_at": "2026-06-20T00:00:00Z"}, "follow_up_completed_at"),
    ({"colour": "red"}, "colour"),
    ({"recorded_by_id": "7"}, "recorded_by_id"),
    ({"recorded_by_id": None}, "recorded_by_id"),
    ({"id": "42"}, "id"),
    ({"created_at": "2026-01-01T00:00:00Z"}, "created_at"),
])
def test_create_validation_is_422_naming_the_field_and_stores_nothing(api, acme, donor, change, field):
    body = {"donor_id": donor["id"], "contact_method": "PHONE", "occurred_at": "2026-06-10T02:00:00Z",
            **change}
    response = api.post(LOGS, acme, body)
    assert_problem(response, 422, field)
    assert ids(api.get(LOGS, acme)) == []
    assert donor_counts(api, acme, donor["id"]) == 0


@pytest.mark.parametrize("missing", ["donor_id", "contact_method", "occurred_at"])
def test_create_without_a_required_field_is_422_naming_it(api, acme, donor, missing):
    body = {"donor_id": donor["id"], "contact_method": "PHONE", "occurred_at": "2026-06-10T02:00:00Z"}
    del body[missing]
    assert_problem(api.post(LOGS, acme, body), 422, missing)
    assert ids(api.get(LOGS, acme)) == []


def test_notes_of_exactly_5000_characters_are_accepted(api, acme, donor):
    entry = new_log(api, acme, donor["id"], notes="n" * 5000)
    assert fetch(api, acme, entry["id"]).json["notes"] == "n" * 5000


# ---- read and list ---------------------------------------------------------------------

def test_get_one_answers_the_entry_with_its_etag(api, acme, donor):
    entry = new_log(api, acme, donor["id"], notes="hello")
    response = fetch(api, acme, entry["id"])
    assert response.json == entry
    assert response.headers["ETag"] == '"1"'


@pytest.mark.parametrize("entry_id", ["999", "0"])
def test_get_missing_entry_is_404(api, acme, donor, entry_id):
    new_log(api, acme, donor["id"])
    assert_problem(api.get(f"{LOGS}/{entry_id}", acme), 404)


def test_list_is_newest_first_by_occurred_at(api, acme, donor):
    made = {}
    for occurred in ("2026-03-01T00:00:00Z", "2026-06-01T00:00:00Z", "2025-12-31T23:59:59.999Z",
                     "2026-04-15T12:00:00Z", "2026-03-01T00:00:00.001Z"):
        made[occurred] = new_log(api, acme, donor["id"], occurred_at=occurred)["id"]
    response = api.get(LOGS, acme)
    assert ids(response) == [made["2026-06-01T00:00:00Z"], made["2026-04-15T12:00:00Z"],
                             made["2026-03-01T00:00:00.001Z"], made["2026-03-01T00:00:00Z"],
                             made["2025-12-31T23:59:59.999Z"]]
    assert response.json["has_more"] is False
    assert response.json["next_cursor"] is None
    assert all(set(e) == FIELDS for e in response.json["data"])


def test_list_order_follows_an_updated_occurred_at(api, acme, donor):
    older = new_log(api, acme, donor["id"], occurred_at="2026-01-01T00:00:00Z")
    newer = new_log(api, acme, donor["id"], occurred_at="2026-02-01T00:00:00Z")
    assert ids(api.get(LOGS, acme)) == [newer["id"], older["id"]]
    assert api.patch(f"{LOGS}/{older['id']}", acme, {"occurred_at": "2026-03-01T00:00:00Z"}).status_code == 200
    assert ids(api.get(LOGS, acme)) == [older["id"], newer["id"]]
    assert ids(api.get(f"{LOGS}?donor_id={donor['id']}", acme)) == [older["id"], newer["id"]]
    assert ids(api.get(f"{LOGS}?method=PHONE", acme)) == [older["id"], newer["id"]]


@pytest.mark.parametrize("sent, stored", [
    ("0226-06-10T02:00:00Z", "0226-06-10T02:00:00.000Z"),    # a one-digit typo of 2026
    ("0999-01-01T00:00:00Z", "0999-01-01T00:00:00.000Z"),
    ("0001-01-01", "0001-01-01T00:00:00.000Z"),
    ("0050-03-01T01:00:00+02:00", "0050-02-28T23:00:00.000Z"),
])
def test_years_before_1000_are_written_with_four_digits_and_can_be_sent_back(api, acme, donor, sent, stored):
    entry = new_log(api, acme, donor["id"], occurred_at=sent, follow_up_at=sent)
    assert entry["occurred_at"] == entry["follow_up_at"] == stored
    assert STAMP.match(stored)
    assert fetch(api, acme, entry["id"]).json["occurred_at"] == stored
    # What a client read it can write back unchanged (GET, edit, PATCH).
    again = api.patch(f"{LOGS}/{entry['id']}", acme, {"occurred_at": stored, "follow_up_at": stored,
                                                       "notes": "re-saved"})
    assert again.status_code == 200, again.body
    assert again.json["occurred_at"] == again.json["follow_up_at"] == stored


def test_years_before_1000_sort_before_later_years(api, acme, donor):
    made = {occurred: new_log(api, acme, donor["id"], occurred_at=occurred)["id"]
            for occurred in ("2026-06-01T00:00:00Z", "0999-06-01T00:00:00Z", "9999-12-31T00:00:00Z",
                             "0226-06-10T02:00:00Z", "1000-01-01T00:00:00Z", "0001-01-01T00:00:00Z")}
    newest_first = ["9999-12-31T00:00:00Z", "2026-06-01T00:00:00Z", "1000-01-01T00:00:00Z",
                    "0999-06-01T00:00:00Z", "0226-06-10T02:00:00Z", "0001-01-01T00:00:00Z"]
    assert ids(api.get(LOGS, acme)) == [made[o] for o in newest_first]
    assert [e["id"] for e in walk(api, acme, f"{LOGS}?limit=2&donor_id={donor['id']}")] == \
        [made[o] for o in newest_first]


@pytest.fixture
def filtered(api, acme):
    """Two donors' entries covering every filter combination; label -> entry id."""
    a = new_donor(api, acme, first_name="Ann")
    b = new_donor(api, acme, first_name="Bob")
    spec = {
        # label: (donor, method, occurred day, follow-up state)
        "a_phone_open": (a, "PHONE", "01", "open"),
        "a_phone_done": (a, "PHONE", "02", "done"),
        "a_meeting_open": (a, "MEETING", "03", "open"),
        "a_phone_none": (a, "PHONE", "04", None),
        "b_phone_open": (b, "PHONE", "05", "open"),
        "b_email_open": (b, "EMAIL", "06", "open"),
        "a_email_none": (a, "EMAIL", "07", None),
    }
    made = {}
    for label, (who, method, day, follow_up) in spec.items():
        fields = {"contact_method": method, "occurred_at": f"2026-05-{day}T10:00:00Z"}
        if follow_up:
            fields["follow_up_at"] = "2026-07-01T00:00:00Z"
        if follow_up == "done":
            fields["follow_up_completed_at"] = "2026-06-15T00:00:00Z"
        made[label] = new_log(api, acme, who["id"], **fields)["id"]
    made["a"], made["b"] = a["id"], b["id"]
    return made


@pytest.mark.parametrize("query, expected", [
    ("donor_id={a}", ["a_email_none", "a_phone_none", "a_meeting_open", "a_phone_done", "a_phone_open"]),
    ("donor_id={b}", ["b_email_open", "b_phone_open"]),
    ("method=PHONE", ["b_phone_open", "a_phone_none", "a_phone_done", "a_phone_open"]),
    ("method=LETTER", []),
    ("follow_up=open", ["b_email_open", "b_phone_open", "a_meeting_open", "a_phone_open"]),
    ("donor_id={a}&method=PHONE", ["a_phone_none", "a_phone_done", "a_phone_open"]),
    ("donor_id={a}&follow_up=open", ["a_meeting_open", "a_phone_open"]),
    ("method=PHONE&follow_up=open", ["b_phone_open", "a_phone_open"]),
    ("donor_id={a}&method=PHONE&follow_up=open", ["a_phone_open"]),
    ("donor_id={b}&method=EMAIL&follow_up=open", ["b_email_open"]),
    ("donor_id={b}&method=MEETING&follow_up=open", []),
])
def test_filters_alone_and_combined(api, acme, filtered, query, expected):
    response = api.get(f"{LOGS}?{query.format(**filtered)}", acme)
    assert ids(response) == [filtered[label] for label in expected]
    assert response.json["has_more"] is False


def test_donor_filter_accepts_the_external_id(api, acme):
    donor = new_donor(api, acme, external_id="crm-77")
    mine = new_log(api, acme, donor["id"])
    new_log(api, acme, new_donor(api, acme)["id"])
    assert ids(api.get(f"{LOGS}?donor_id=crm-77", acme)) == [mine["id"]]


@pytest.mark.parametrize("query, field", [
    ("method=FAX", "method"),
    ("follow_up=closed", "follow_up"),
])
def test_bad_filter_values_are_400_naming_the_parameter(api, acme, donor, query, field):
    assert_problem(api.get(f"{LOGS}?{query}", acme), 400, field)


@pytest.mark.parametrize("donor_ref", ["999", "no-such-donor"])
def test_donor_filter_for_a_missing_donor_is_404(api, acme, donor, donor_ref):
    new_log(api, acme, donor["id"])
    assert_problem(api.get(f"{LOGS}?donor_id={donor_ref}", acme), 404)


# ---- pagination ------------------------------------------------------------------------

@pytest.fixture
def paged(api, acme):
    """Seven matching entries for one donor (two sharing an occurred_at) among others."""
    a = new_donor(api, acme, first_name="Ann")
    b = new_donor(api, acme, first_name="Bob")
    entries = []  # (id, donor, method, occurred_at, open follow-up)
    days = ["03", "01", "07", "05", "05", "02", "06"]
    for day in days:
        e = new_log(api, acme, a["id"], occurred_at=f"2026-04-{day}T08:00:00Z",
                    follow_up_at="2026-08-01T00:00:00Z")
        entries.append((e["id"], a["id"], "PHONE", e["occurred_at"], True))
    for day, who, method, follow in (("04", b, "PHONE", True), ("06", a, "EMAIL", True),
                                     ("02", a, "PHONE", False), ("08", b, "LETTER", False)):
        extra = {"follow_up_at": "2026-08-01T00:00:00Z"} if follow else {}
        e = new_log(api, acme, who["id"], contact_method=method, occurred_at=f"2026-04-{day}T08:00:00Z", **extra)
        entries.append((e["id"], who["id"], method, e["occurred_at"], follow))
    return {"a": a["id"], "entries": entries}


@pytest.mark.parametrize("query, keep", [
    ("", lambda e, a: True),
    ("donor_id={a}", lambda e, a: e[1] == a),
    ("method=PHONE", lambda e, a: e[2] == "PHONE"),
    ("follow_up=open", lambda e, a: e[4]),
    ("donor_id={a}&method=PHONE&follow_up=open", lambda e, a: e[1] == a and e[2] == "PHONE" and e[4]),
])
def test_pagination_walks_every_entry_once_in_order(api, acme, paged, query, keep):
    a = paged["a"]
    expected = [e[0] for e in sorted((e for e in paged["entries"] if keep(e, a)),
                                     key=lambda e: (e[3], int(e[0])), reverse=True)]
    assert len(expected) >= 7
    query = query.format(a=a)
    _, pages = walk(api, acme, f"{LOGS}?{query}&limit=3" if query else f"{LOGS}?limit=3", pages=True)
    seen = [entry["id"] for page in pages for entry in page["data"]]
    assert seen == expected  # newest first, ties newest id first, no gaps
    assert len(seen) == len(set(seen))  # no duplicates
    sizes = [len(page["data"]) for page in pages]
    assert all(size == 3 for size in sizes[:-1]), sizes
    assert 1 <= sizes[-1] <= 3, sizes
    assert pages[-1]["has_more"] is False and pages[-1]["next_cursor"] is None


def test_pagination_with_limit_three_over_seven_entries(api, acme, donor):
    made = [new_log(api, acme, donor["id"], occurred_at=f"2026-04-0{d}T08:00:00Z")["id"] for d in range(1, 8)]
    _, pages = walk(api, acme, f"{LOGS}?limit=3", pages=True)
    assert [[e["id"] for e in p["data"]] for p in pages] == [made[6:3:-1], made[3:0:-1], made[0:1]]
    assert [p["has_more"] for p in pages] == [True, True, False]


def test_default_page_is_25_entries(api, acme, donor):
    for n in range(26):
        new_log(api, acme, donor["id"], occurred_at=f"2026-04-01T08:{n:02d}:00Z")
    first = api.get(LOGS, acme)
    assert len(first.json["data"]) == 25
    assert first.json["has_more"] is True
    rest = api.get(f"{LOGS}?cursor={first.json['next_cursor']}", acme)
    assert len(rest.json["data"]) == 1
    assert rest.json["has_more"] is False


# ---- update ----------------------------------------------------------------------------

def test_patch_changes_only_the_fields_sent_and_bumps_the_version(api, acme, donor):
    entry = new_log(api, acme, donor["id"], contact_method="LETTER", notes="first draft",
                    follow_up_at="2026-06-25T00:00:00Z")
    response = api.patch(f"{LOGS}/{entry['id']}", acme, {"notes": "second draft"})
    assert response.status_code == 200, response.body
    assert response.headers["ETag"] == '"2"'
    updated = response.json
    assert updated["notes"] == "second draft"
    unchanged = {k: v for k, v in entry.items() if k not in ("notes", "updated_at")}
    assert {k: v for k, v in updated.items() if k not in ("notes", "updated_at")} == unchanged
    assert parse_stamp(updated["updated_at"]) >= parse_stamp(entry["updated_at"])

    stored = fetch(api, acme, entry["id"])
    assert stored.json == updated
    assert stored.headers["ETag"] == '"2"'

    third = api.patch(f"{LOGS}/{entry['id']}", acme, {"contact_method": "MEETING"})
    assert third.headers["ETag"] == '"3"'
    assert third.json["notes"] == "second draft"
    assert third.json["contact_method"] == "MEETING"


def test_patch_notes_to_null_clears_them(api, acme, donor):
    entry = new_log(api, acme, donor["id"], notes="temporary")
    response = api.patch(f"{LOGS}/{entry['id']}", acme, {"notes": None})
    assert response.status_code == 200
    assert fetch(api, acme, entry["id"]).json["notes"] is None


def test_patch_that_changes_nothing_keeps_the_etag(api, acme, donor):
    entry = new_log(api, acme, donor["id"], notes="same")
    response = api.patch(f"{LOGS}/{entry['id']}", acme, {"notes": "same"})
    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    assert fetch(api, acme, entry["id"]).json == entry


def test_patch_with_a_stale_if_match_is_412_and_changes_nothing(api, acme, donor):
    entry = new_log(api, acme, donor["id"], notes="v1")
    assert api.patch(f"{LOGS}/{entry['id']}", acme, {"notes": "v2"}).status_code == 200
    stale = api.patch(f"{LOGS}/{entry['id']}", acme, {"notes": "v3"}, headers={"If-Match": '"1"'})
    assert_problem(stale, 412)
    assert fetch(api, acme, entry["id"]).json["notes"] == "v2"
    fresh = api.patch(f"{LOGS}/{entry['id']}", acme, {"notes": "v3"}, headers={"If-Match": '"2"'})
    assert fresh.status_code == 200
    assert fresh.headers["ETag"] == '"3"'


def test_completing_a_follow_up_removes_it_from_the_open_filter(api, acme, donor):
    entry = new_log(api, acme, donor["id"], follow_up_at="2026-06-25T00:00:00Z")
    other = new_log(api, acme, donor["id"], follow_up_at="2026-06-26T00:00:00Z")
    assert set(ids(api.get(f"{LOGS}?follow_up=open", acme))) == {entry["id"], other["id"]}

    response = api.patch(f"{LOGS}/{entry['id']}", acme, {"follow_up_completed_at": "2026-06-20T00:00:00.000Z"})
    assert response.status_code == 200, response.body
    assert response.json["follow_up_completed_at"] == "2026-06-20T00:00:00.000Z"
    assert response.json["follow_up_at"] == "2026-06-25T00:00:00.000Z"
    assert ids(api.get(f"{LOGS}?follow_up=open", acme)) == [other["id"]]
    assert ids(api.get(f"{LOGS}?donor_id={donor['id']}&follow_up=open", acme)) == [other["id"]]
    # Still listed without the filter.
    assert entry["id"] in ids(api.get(LOGS, acme))


def test_follow_up_completed_at_null_reopens_the_follow_up(api, acme, donor):
    entry = new_log(api, acme, donor["id"], follow_up_at="2026-06-25T00:00:00Z",
                    follow_up_completed_at="2026-06-20T00:00:00Z")
    assert ids(api.get(f"{LOGS}?follow_up=open", acme)) == []
    response = api.patch(f"{LOGS}/{entry['id']}", acme, {"follow_up_completed_at": None})
    assert response.status_code == 200
    assert response.json["follow_up_completed_at"] is None
    assert ids(api.get(f"{LOGS}?follow_up=open", acme)) == [entry["id"]]


def test_follow_up_at_null_clears_the_follow_up_and_its_completion(api, acme, donor):
    open_one = new_log(api, acme, donor["id"], follow_up_at="2026-06-25T00:00:00Z")
    done_one = new_log(api, acme, donor["id"], follow_up_at="2026-06-25T00:00:00Z",
                       follow_up_completed_at="2026-06-20T00:00:00Z")
    for entry in (open_one, done_one):
        response = api.patch(f"{LOGS}/{entry['id']}", acme, {"follow_up_at": None})
        assert response.status_code == 200, response.body
        stored = fetch(api, acme, entry["id"]).json
        assert stored["follow_up_at"] is None
        assert stored["follow_up_completed_at"] is None
    assert ids(api.get(f"{LOGS}?follow_up=open", acme)) == []


def test_moving_follow_up_at_on_a_completed_follow_up_reopens_it(api, acme, donor):
    entry = new_log(api, acme, donor["id"], follow_up_at="2026-06-25T00:00:00Z")
    api.patch(f"{LOGS}/{entry['id']}", acme, {"follow_up_completed_at": "2026-06-20T00:00:00Z"})
    assert ids(api.get(f"{LOGS}?follow_up=open", acme)) == []

    response = api.patch(f"{LOGS}/{entry['id']}", acme, {"follow_up_at": "2026-09-01T00:00:00Z"})
    assert response.status_code == 200, response.body
    assert response.json["follow_up_at"] == "2026-09-01T00:00:00.000Z"
    assert response.json["follow_up_completed_at"] is None
    assert ids(api.get(f"{LOGS}?follow_up=open", acme)) == [entry["id"]]


@pytest.mark.parametrize("same_instant", ["2026-06-25T00:00:00.000Z", "2026-06-25T02:00:00+02:00"])
def test_resending_the_same_follow_up_at_keeps_it_completed(api, acme, donor, same_instant):
    entry = new_log(api, acme, donor["id"], follow_up_at="2026-06-25T00:00:00Z",
                    follow_up_completed_at="2026-06-20T00:00:00Z")
    response = api.patch(f"{LOGS}/{entry['id']}", acme, {"follow_up_at": same_instant, "notes": "synced"})
    assert response.status_code == 200, response.body
    assert response.json["follow_up_completed_at"] == "2026-06-20T00:00:00.000Z"
    assert ids(api.get(f"{LOGS}?follow_up=open", acme)) == []


def test_moving_follow_up_at_and_completing_in_one_request_keeps_the_completion(api, acme, donor):
    entry = new_log(api, acme, donor["id"], follow_up_at="2026-06-25T00:00:00Z")
    response = api.patch(f"{LOGS}/{entry['id']}", acme, {"follow_up_at": "2026-07-01T00:00:00Z",
                                                         "follow_up_completed_at": "2026-07-01T09:00:00Z"})
    assert response.status_code == 200
    assert response.json["follow_up_completed_at"] == "2026-07-01T09:00:00.000Z"
    assert ids(api.get(f"{LOGS}?follow_up=open", acme)) == []


def test_completing_without_a_follow_up_is_422_naming_the_field(api, acme, donor):
    entry = new_log(api, acme, donor["id"])
    response = api.patch(f"{LOGS}/{entry['id']}", acme, {"follow_up_completed_at": "2026-06-20T00:00:00Z"})
    assert_problem(response, 422, "follow_up_completed_at")
    stored = fetch(api, acme, entry["id"])
    assert stored.json == entry
    assert stored.headers["ETag"] == '"1"'


def test_clearing_follow_up_at_while_completing_is_422(api, acme, donor):
    entry = new_log(api, acme, donor["id"], follow_up_at="2026-06-25T00:00:00Z")
    response = api.patch(f"{LOGS}/{entry['id']}", acme, {"follow_up_at": None,
                                                         "follow_up_completed_at": "2026-06-20T00:00:00Z"})
    assert_problem(response, 422, "follow_up_completed_at")
    assert fetch(api, acme, entry["id"]).json == entry


@pytest.mark.parametrize("change, field", [
    ({"contact_method": "FAX"}, "contact_method"),
    ({"contact_method": None}, "contact_method"),
    ({"notes": "x" * 5001}, "notes"),
    ({"notes": 12}, "notes"),
    ({"occurred_at": "not a date"}, "occurred_at"),
    ({"occurred_at": "2026-02-30T10:00:00Z"}, "occurred_at"),
    ({"occurred_at": "2026-06-10T02:00:00"}, "occurred_at"),
    ({"occurred_at": None}, "occurred_at"),
    ({"follow_up_at": "soon"}, "follow_up_at"),
    ({"follow_up_completed_at": "2026-13-01T00:00:00Z"}, "follow_up_completed_at"),
    ({"donor_id": None}, "donor_id"),
    ({"colour": "red"}, "colour"),
    ({"recorded_by_id": "7"}, "recorded_by_id"),
    ({"recorded_by_id": None}, "recorded_by_id"),
    ({"id": "99"}, "id"),
    ({"version": 7}, "version"),
    ({"updated_at": "2026-01-01T00:00:00Z"}, "updated_at"),
    ({"notes": "valid on its own", "contact_method": "FAX"}, "contact_method"),
    ({"notes": "valid on its own", "recorded_by_id": "7"}, "recorded_by_id"),
])
def test_patch_validation_is_422_naming_the_field_and_changes_nothing(api, acme, donor, change, field):
    entry = new_log(api, acme, donor["id"], notes="original", follow_up_at="2026-06-25T00:00:00Z")
    response = api.patch(f"{LOGS}/{entry['id']}", acme, change)
    assert_problem(response, 422, field)
    stored = fetch(api, acme, entry["id"])
    assert stored.json == entry
    assert stored.headers["ETag"] == '"1"'


def test_patch_donor_id_to_a_missing_donor_is_404_and_changes_nothing(api, acme, donor):
    entry = new_log(api, acme, donor["id"])
    assert_problem(api.patch(f"{LOGS}/{entry['id']}", acme, {"donor_id": "999"}), 404)
    assert fetch(api, acme, entry["id"]).json == entry
    assert donor_counts(api, acme, donor["id"]) == 1


def test_patch_donor_id_moves_the_entry_and_the_counts(api, acme):
    a = new_donor(api, acme, first_name="Ann")
    b = new_donor(api, acme, first_name="Bob", external_id="bob-1")
    entry = new_log(api, acme, a["id"])
    response = api.patch(f"{LOGS}/{entry['id']}", acme, {"donor_id": "bob-1"})
    assert response.status_code == 200, response.body
    assert response.json["donor_id"] == b["id"]
    assert (donor_counts(api, acme, a["id"]), donor_counts(api, acme, b["id"])) == (0, 1)
    assert ids(api.get(f"{LOGS}?donor_id={a['id']}", acme)) == []
    assert ids(api.get(f"{LOGS}?donor_id={b['id']}", acme)) == [entry["id"]]


def test_patch_of_a_missing_entry_is_404(api, acme, donor):
    assert_problem(api.patch(f"{LOGS}/999", acme, {"notes": "x"}), 404)
    assert ids(api.get(LOGS, acme)) == []


# ---- delete ----------------------------------------------------------------------------

def test_delete_is_a_soft_idempotent_delete_that_hides_the_entry_everywhere(api, acme, donor):
    gone = new_log(api, acme, donor["id"], occurred_at="2026-05-01T00:00:00Z",
                   follow_up_at="2026-06-25T00:00:00Z")
    kept = new_log(api, acme, donor["id"], occurred_at="2026-04-01T00:00:00Z",
                   follow_up_at="2026-06-25T00:00:00Z")
    activity = api.get(f"/api/v1/donors/{donor['id']}/activity", acme)
    assert [a["data"]["id"] for a in activity.json["data"]] == [gone["id"], kept["id"]]

    first = api.delete(f"{LOGS}/{gone['id']}", acme)
    assert first.status_code == 204
    assert not first.body
    second = api.delete(f"{LOGS}/{gone['id']}", acme)
    assert second.status_code == 204

    assert_problem(api.get(f"{LOGS}/{gone['id']}", acme), 404)
    assert ids(api.get(LOGS, acme)) == [kept["id"]]
    assert ids(api.get(f"{LOGS}?donor_id={donor['id']}", acme)) == [kept["id"]]
    assert ids(api.get(f"{LOGS}?method=PHONE", acme)) == [kept["id"]]
    assert ids(api.get(f"{LOGS}?follow_up=open", acme)) == [kept["id"]]
    activity = api.get(f"/api/v1/donors/{donor['id']}/activity", acme)
    assert activity.status_code == 200
    assert [(a["type"], a["data"]["id"]) for a in activity.json["data"]] == [("contact_log", kept["id"])]


def test_patch_of_a_deleted_entry_is_404(api, acme, donor):
    entry = new_log(api, acme, donor["id"])
    assert api.delete(f"{LOGS}/{entry['id']}", acme).status_code == 204
    assert_problem(api.patch(f"{LOGS}/{entry['id']}", acme, {"notes": "back from the dead"}), 404)
    assert_problem(api.get(f"{LOGS}/{entry['id']}", acme), 404)
    assert ids(api.get(LOGS, acme)) == []


def test_delete_of_a_missing_entry_is_404(api, acme, donor):
    assert_problem(api.delete(f"{LOGS}/999", acme), 404)


def test_donor_contact_log_count_follows_create_and_delete(api, acme, donor):
    assert donor_counts(api, acme, donor["id"]) == 0
    first = new_log(api, acme, donor["id"])
    new_log(api, acme, donor["id"])
    assert donor_counts(api, acme, donor["id"]) == 2
    assert api.delete(f"{LOGS}/{first['id']}", acme).status_code == 204
    assert donor_counts(api, acme, donor["id"]) == 1
    assert api.delete(f"{LOGS}/{first['id']}", acme).status_code == 204  # idempotent, not counted twice
    assert donor_counts(api, acme, donor["id"]) == 1
    # A refused create does not count either.
    bad = api.post(LOGS, acme, {"donor_id": donor["id"], "contact_method": "FAX",
                                "occurred_at": "2026-06-10T02:00:00Z"})
    assert bad.status_code == 422
    assert donor_counts(api, acme, donor["id"]) == 1


def test_an_entry_created_over_the_api_records_nobody_even_with_a_members_key(api, acme, donor):
    """The seed: "recorded_by_id — The user who logged it. Entries created over the API have
    null here." The key's team member is kept as the entry's creator (Givebutter's created_by)."""
    from chalicelib import auth
    from chalicelib.domain import contact_logs, organisations

    ada = organisations.add_member("acme", first_name="Ada", last_name="L", email="ada@acme.example")
    key = auth.create_key("acme", auth.WRITE, label="Ada", team_member_id=ada["id"])[0]
    response = api.post("/api/v1/contact-logs", None, {"donor_id": donor["id"], "contact_method": "PHONE",
                                                       "occurred_at": "2026-06-10T02:00:00Z"},
                        headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 201 and response.json["recorded_by_id"] is None
    assert api.get(f"/api/v1/contact-logs/{response.json['id']}", acme).json["recorded_by_id"] is None
    stored = contact_logs.get("acme", int(response.json["id"]))
    assert contact_logs.creator_id(stored) == ada["id"] and "created_by_id" not in response.json
