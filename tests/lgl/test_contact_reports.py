"""LGL's Contact Reports Management (docs/lgl.md, "Contact reports and notes"): a contact
report is the native face's contact-log entry and a Givebutter activity; its type maps to
a contact method and back losslessly through LGL; a follow-up set natively on it is raised
by the sweep; the account-wide list and every term and sort of `GET /contact_reports/search`.

One moto world serves the module; each test has an organisation of its own (the search
tests share one, built once and only read)."""
from __future__ import annotations

import itertools
from typing import Any

import pytest

from chalicelib.domain import contact_logs, follow_ups, lifecycle, lookups, organisations
from tests.conftest import Api, Org, make_org
from tests.contract.conftest import table_state
from tests.lgl.conftest import L, constituent, fields_named, lgl_error
from tests.lgl.test_route_coverage import REFERENCE
from tests.lgl.worlds import acme, api, other, world  # noqa: F401  (one world for the module)
from tests.store.test_follow_up_sweep import at, create_channels, use_settings

# LGL's default contact report types: (id, name, the native contact method, Givebutter's type)
DEFAULT_TYPES = [
    (2183, "Call", "PHONE", "phone_call"),
    (2184, "Email", "EMAIL", "email"),
    (2185, "Meeting", "MEETING", "meeting"),
    (2186, "Mailing", "LETTER", "note"),
    (2187, "Proposal", "OTHER", "note"),
    (2188, "Other", "OTHER", "note"),
]
# Each native contact method, and the LGL type an entry of it reads as.
METHOD_TYPES = [("PHONE", 2183, "Call"), ("EMAIL", 2184, "Email"), ("MEETING", 2185, "Meeting"),
                ("LETTER", 2186, "Mailing"), ("SMS", 2188, "Other"), ("OTHER", 2188, "Other")]


def report(api: Api, org: Org, constituent_id: Any, **fields: Any) -> dict[str, Any]:
    response = api.post(f"{L}/constituents/{constituent_id}/contact_reports", org, {"text": "Talked", **fields})
    assert response.status_code == 200, response.body
    return response.json


def native_log(api: Api, org: Org, donor_id: Any, **fields: Any) -> dict[str, Any]:
    body = {"donor_id": str(donor_id), "contact_method": "PHONE", "occurred_at": "2024-06-10T02:00:00.000Z",
            "notes": "Logged natively", **fields}
    response = api.post("/api/v1/contact-logs", org, body)
    assert response.status_code == 201, response.body
    return response.json


def member(org: Org) -> int:
    return organisations.add_member(org.org, first_name="Nick", last_name="Bicknell", email="nick@example.org")["id"]


# ---- create ----------------------------------------------------------------------------------

@pytest.mark.parametrize("type_field, value", [("contact_report_type_name", "Meeting"),
                                               ("contact_report_type_name", "meeting"),
                                               ("contact_report_type_id", 2185),
                                               ("contact_report_type_id", "2185")])
def test_a_report_is_made_with_its_type_by_name_or_id(api, acme, type_field, value):
    nick = member(acme)
    joe = constituent(api, acme)
    response = api.post(f"{L}/constituents/{joe['id']}/contact_reports.json", acme, {
        "name": "Lunch", type_field: value, "original_date": "2024-05-06", "text": "Talked about the gala",
        "team_member": "Nick Bicknell"})
    assert response.status_code == 200, response.body
    made = response.json
    assert {k: v for k, v in made.items() if k not in ("id", "created_at", "updated_at")} == {
        "api_version": "1.0", "constituent_id": joe["id"], "name": "Lunch", "contact_report_type_id": 2185,
        "contact_report_type_name": "Meeting", "original_date": "2024-05-06", "text": "Talked about the gala",
        "team_member": "Nick Bicknell", "team_member_email": "nick@example.org"}
    doc = next(e for e in REFERENCE if (e["method"], e["path"]) == (
        "POST", "/api/v1/constituents/{constituent_id}/contact_reports"))
    assert set(made) == set(doc["response_fields"]) | {"api_version"}
    assert api.get(f"{L}/contact_reports/{made['id']}", acme).json == made
    assert api.get(f"/api/v1/contact-logs/{made['id']}", acme).json["recorded_by_id"] == str(nick)


def test_a_report_without_a_type_or_a_date_is_other_and_today(api, acme):
    joe = constituent(api, acme)
    made = report(api, acme, joe["id"])
    assert (made["contact_report_type_id"], made["contact_report_type_name"]) == (2188, "Other")
    assert made["original_date"] == lifecycle.now()[:10]
    assert (made["name"], made["team_member"], made["team_member_email"]) == (None, None, None)


@pytest.mark.parametrize("body", [{}, {"text": ""}, {"text": "   "}, {"text": None}, {"name": "No text"}])
def test_text_is_required_422_naming_text_and_nothing_is_stored(api, acme, body):
    joe = constituent(api, acme)
    before = table_state()
    response = lgl_error(api.post(f"{L}/constituents/{joe['id']}/contact_reports", acme, body), 422)
    assert fields_named(response) == ["text"]
    assert table_state() == before


@pytest.mark.parametrize("body, field", [
    ({"contact_report_type_name": "Fax"}, "contact_report_type_name"),
    ({"contact_report_type_id": 9}, "contact_report_type_id"),
    ({"team_member": "Nobody Here"}, "team_member"),
    ({"original_date": "2024-02-30"}, "original_date"),
])
def test_an_unknown_type_or_team_member_is_422_naming_it(api, acme, body, field):
    joe = constituent(api, acme)
    before = table_state()
    response = lgl_error(api.post(f"{L}/constituents/{joe['id']}/contact_reports", acme, {"text": "x", **body}), 422)
    assert fields_named(response) == [field]
    if field == "contact_report_type_name":
        assert "2183 Call" in response["description"] and "2187 Proposal" in response["description"]
    assert table_state() == before


def test_text_cannot_be_emptied_by_an_update(api, acme):
    joe = constituent(api, acme)
    made = report(api, acme, joe["id"])
    before = table_state()
    assert fields_named(lgl_error(api.patch(f"{L}/contact_reports/{made['id']}", acme, {"text": ""}), 422)) == [
        "text"]
    assert table_state() == before


# ---- one record, three faces ---------------------------------------------------------------------

def test_a_report_is_the_native_entry_and_a_givebutter_activity(api, acme):
    nick = member(acme)
    joe = constituent(api, acme)
    made = report(api, acme, joe["id"], name="Phone chat", contact_report_type_name="Call",
                  original_date="2024-05-06", text="Will give in June", team_member="nick@example.org")
    native = api.get(f"/api/v1/contact-logs/{made['id']}", acme).json
    assert {k: native[k] for k in ("id", "donor_id", "contact_method", "occurred_at", "notes", "recorded_by_id",
                                   "follow_up_at")} == {
        "id": str(made["id"]), "donor_id": str(joe["id"]), "contact_method": "PHONE",
        "occurred_at": "2024-05-06T00:00:00.000Z", "notes": "Will give in June", "recorded_by_id": str(nick),
        "follow_up_at": None}
    activity = api.get(f"/api/v1/donors/{joe['id']}/activity", acme).json["data"]
    assert [(a["type"], a["data"]["id"]) for a in activity] == [("contact_log", str(made["id"]))]
    givebutter = api.get(f"/v1/contacts/{joe['id']}/activities", acme).json["data"]
    assert [(a["id"], a["type"], a["occurred_at"]) for a in givebutter] == [
        (str(made["id"]), "phone_call", "2024-05-06T00:00:00.000Z")]
    assert givebutter[0]["data"] == '{"note": "Will give in June", "subject": "Phone chat", "timezone": null}'
    assert givebutter[0]["created_by"] == {"id": str(nick), "first_name": "Nick", "last_name": "Bicknell",
                                           "email": "nick@example.org"}
    # a change on one face is the change on the others
    api.patch(f"/api/v1/contact-logs/{made['id']}", acme, {"notes": "Gave in June"})
    assert api.get(f"{L}/contact_reports/{made['id']}", acme).json["text"] == "Gave in June"
    api.patch(f"/v1/contacts/{joe['id']}/activities/{made['id']}", acme, {"subject": "Call back"})
    assert api.get(f"{L}/contact_reports/{made['id']}", acme).json["name"] == "Call back"
    assert api.get(f"/api/v1/donors/{joe['id']}", acme).json["contact_log_count"] == 1


def test_a_follow_up_set_natively_on_an_lgl_report_is_raised_by_the_sweep(api, acme, monkeypatch):
    channels = create_channels("lgl-reports")
    use_settings(monkeypatch, bus=channels.bus, topic=channels.topic_arn)
    joe = constituent(api, acme)
    made = report(api, acme, joe["id"], contact_report_type_name="Proposal", text="Sent the proposal")
    changed = api.patch(f"/api/v1/contact-logs/{made['id']}", acme, {"follow_up_at": "2026-02-01T09:00:00Z"})
    assert changed.status_code == 200, changed.body
    summary = follow_ups.sweep(at("2026-02-01T09:05:00Z"))
    assert (summary.raised, summary.failed) == (1, 0)
    [detail] = channels.details()
    assert {k: detail[k] for k in ("organisation", "entry_id", "donor_id", "contact_method", "follow_up_at",
                                   "notes_excerpt")} == {
        "organisation": acme.org, "entry_id": str(made["id"]), "donor_id": str(joe["id"]),
        "contact_method": "OTHER", "follow_up_at": "2026-02-01T09:00:00.000Z", "notes_excerpt": "Sent the proposal"}
    assert len(channels.reminders()) == 1
    assert follow_ups.sweep(at("2026-02-01T09:10:00Z")).raised == 0  # once
    native = api.get(f"/api/v1/contact-logs/{made['id']}", acme).json
    assert native["follow_up_raised_at"] is not None
    # the report LGL reads is unchanged by all this: still a Proposal
    assert api.get(f"{L}/contact_reports/{made['id']}", acme).json["contact_report_type_name"] == "Proposal"


# ---- report types <-> contact methods ---------------------------------------------------------------

def test_the_mapping_is_the_lookup_tables_defaults():
    defaults = {v["id"]: v["name"] for v in lookups.TABLES["contact_report_types"].catalogue.defaults}
    assert [(i, n) for i, n, _, _ in DEFAULT_TYPES] == list(defaults.items())
    assert sorted(m for m, _, _ in METHOD_TYPES) == sorted(contact_logs.METHODS)


@pytest.mark.parametrize("type_id, name, method, givebutter", DEFAULT_TYPES)
def test_each_report_type_gives_its_method_and_reads_back_as_itself(api, acme, type_id, name, method, givebutter):
    joe = constituent(api, acme)
    made = report(api, acme, joe["id"], contact_report_type_name=name)
    assert (made["contact_report_type_id"], made["contact_report_type_name"]) == (type_id, name)
    assert api.get(f"/api/v1/contact-logs/{made['id']}", acme).json["contact_method"] == method
    [activity] = api.get(f"/v1/contacts/{joe['id']}/activities", acme).json["data"]
    assert activity["type"] == givebutter
    # a change of something else natively or on Givebutter keeps the type LGL set
    api.patch(f"/api/v1/contact-logs/{made['id']}", acme, {"notes": "More"})
    api.patch(f"/v1/contacts/{joe['id']}/activities/{made['id']}", acme, {"subject": "S"})
    shown = api.get(f"{L}/contact_reports/{made['id']}", acme).json
    assert (shown["contact_report_type_id"], shown["contact_report_type_name"]) == (type_id, name)
    assert api.get(f"{L}/contact_reports/search?q[]=contact_report_type_id={type_id}", acme).json[
        "total_items"] == 1


@pytest.mark.parametrize("method, type_id, name", METHOD_TYPES)
def test_each_native_method_reads_as_its_usual_report_type(api, acme, method, type_id, name):
    joe = constituent(api, acme)
    entry = native_log(api, acme, joe["id"], contact_method=method)
    shown = api.get(f"{L}/contact_reports/{entry['id']}", acme).json
    assert (shown["contact_report_type_id"], shown["contact_report_type_name"]) == (type_id, name)
    assert (shown["text"], shown["original_date"], shown["name"]) == ("Logged natively", "2024-06-10", None)
    assert [r["id"] for r in api.get(f"{L}/constituents/{joe['id']}/contact_reports", acme).json["items"]] == [
        int(entry["id"])]


def test_a_native_change_of_method_drops_a_report_type_that_no_longer_agrees(api, acme):
    joe = constituent(api, acme)
    made = report(api, acme, joe["id"], contact_report_type_name="Proposal")
    api.patch(f"/api/v1/contact-logs/{made['id']}", acme, {"contact_method": "OTHER"})  # agrees: kept
    assert api.get(f"{L}/contact_reports/{made['id']}", acme).json["contact_report_type_name"] == "Proposal"
    api.patch(f"/api/v1/contact-logs/{made['id']}", acme, {"contact_method": "PHONE"})
    assert api.get(f"{L}/contact_reports/{made['id']}", acme).json["contact_report_type_name"] == "Call"
    api.patch(f"/api/v1/contact-logs/{made['id']}", acme, {"contact_method": "OTHER"})
    shown = api.get(f"{L}/contact_reports/{made['id']}", acme).json
    assert (shown["contact_report_type_id"], shown["contact_report_type_name"]) == (2188, "Other")  # dropped


def test_an_lgl_change_of_type_moves_the_native_method(api, acme):
    joe = constituent(api, acme)
    made = report(api, acme, joe["id"], contact_report_type_name="Call")
    changed = api.patch(f"{L}/contact_reports/{made['id']}", acme, {"contact_report_type_name": "Email"})
    assert changed.status_code == 200 and changed.json["contact_report_type_id"] == 2184
    assert api.get(f"/api/v1/contact-logs/{made['id']}", acme).json["contact_method"] == "EMAIL"
    changed = api.patch(f"{L}/contact_reports/{made['id']}", acme, {"contact_report_type_id": 2187})
    assert changed.json["contact_report_type_name"] == "Proposal"
    assert api.get(f"/api/v1/contact-logs/{made['id']}", acme).json["contact_method"] == "OTHER"


def test_an_organisations_own_report_type_is_an_other_contact_and_reads_back_as_itself(api, acme):
    visit = lookups.add(acme.org, "contact_report_types", "Site Visit", code="site_visit")["id"]
    joe = constituent(api, acme)
    made = report(api, acme, joe["id"], contact_report_type_name="site visit")
    assert (made["contact_report_type_id"], made["contact_report_type_name"]) == (visit, "Site Visit")
    assert api.get(f"/api/v1/contact-logs/{made['id']}", acme).json["contact_method"] == "OTHER"


# ---- update, delete --------------------------------------------------------------------------------

def test_an_update_changes_only_what_is_sent_and_a_delete_is_idempotent(api, acme):
    member(acme)
    joe = constituent(api, acme)
    made = report(api, acme, joe["id"], name="N", contact_report_type_name="Meeting", original_date="2024-01-02",
                  team_member="Nick Bicknell")
    changed = api.patch(f"{L}/contact_reports/{made['id']}", acme, {"original_date": "2024-01-03"}).json
    assert {k for k in made if made[k] != changed[k]} <= {"original_date", "updated_at"}
    assert changed["original_date"] == "2024-01-03"
    assert api.delete(f"{L}/contact_reports/{made['id']}", acme).json == {"api_version": "1.0",
                                                                          "result": "success"}
    assert lgl_error(api.get(f"{L}/contact_reports/{made['id']}", acme), 404)["description"] == (
        f"Item with id '{made['id']}' not found")
    assert api.delete(f"{L}/contact_reports/{made['id']}.json", acme).json["result"] == "success"
    assert api.get(f"/api/v1/contact-logs/{made['id']}", acme).status_code == 404
    assert api.get(f"{L}/contact_reports", acme).json["total_items"] == 0


def test_a_constituent_with_a_report_is_not_deleted(api, acme):
    joe = constituent(api, acme)
    made = report(api, acme, joe["id"])
    before = table_state()
    assert "contact" in lgl_error(api.delete(f"{L}/constituents/{joe['id']}", acme), 409)["description"]
    assert table_state() == before
    api.delete(f"{L}/contact_reports/{made['id']}", acme)
    assert api.delete(f"{L}/constituents/{joe['id']}", acme).json["result"] == "success"


def test_another_organisations_report_is_404_with_nothing_changed(api, acme, other):
    joe = constituent(api, acme)
    made = report(api, acme, joe["id"])
    before = table_state()
    lgl_error(api.get(f"{L}/contact_reports/{made['id']}", other), 404)
    lgl_error(api.patch(f"{L}/contact_reports/{made['id']}", other, {"text": "x"}), 404)
    lgl_error(api.delete(f"{L}/contact_reports/{made['id']}", other), 404)
    lgl_error(api.post(f"{L}/constituents/{joe['id']}/contact_reports", other, {"text": "x"}), 404)
    assert api.get(f"{L}/contact_reports", other).json["total_items"] == 0
    assert api.get(f"{L}/contact_reports/search?q[]=constituent_id={joe['id']}", other).json["total_items"] == 0
    assert table_state() == before


# ---- the account's reports -------------------------------------------------------------------------

def test_the_accounts_reports_newest_first_with_an_exact_total_and_no_notes(api, acme):
    joe, ann = constituent(api, acme), constituent(api, acme, first_name="Ann")
    made = [report(api, acme, (joe if n % 2 else ann)["id"], original_date=f"2024-0{n}-01") for n in range(1, 8)]
    api.post(f"{L}/constituents/{joe['id']}/notes", acme, {"text": "A note, not a report"})
    native = native_log(api, acme, ann["id"], occurred_at="2024-09-01T00:00:00Z")
    first = api.get(f"{L}/contact_reports?limit=3", acme).json
    assert (first["items_count"], first["total_items"], first["next_item"], first["item_type"]) == (
        3, 8, 3, "contact_report")
    assert [r["id"] for r in first["items"]] == [int(native["id"]), made[6]["id"], made[5]["id"]]
    last = api.get(f"{L}/contact_reports.json?limit=3&offset=6", acme).json
    assert [r["id"] for r in last["items"]] == [made[1]["id"], made[0]["id"]] and "next_item" not in last
    every = api.get(f"{L}/contact_reports?limit=500", acme).json["items"]
    assert len(every) == 8 and all("note_type_id" not in r for r in every)
    own = api.get(f"{L}/constituents/{joe['id']}/contact_reports", acme).json
    assert own["total_items"] == 4 and [r["id"] for r in own["items"]] == [made[n]["id"] for n in (6, 4, 2, 0)]


# ---- GET /contact_reports/search ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def town(world) -> dict[str, Any]:
    """Five live reports of two constituents (Bob made first), a note, a deleted report and
    another organisation's report, on a clock that moves a minute a write; r2 changed last."""
    api = world
    org, stranger = make_org("report-search"), make_org("report-search-other")
    clock = (f"2025-01-01T{n // 60:02d}:{n % 60:02d}:00.000Z" for n in itertools.count(1))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lifecycle, "now", lambda: next(clock))
        bob = constituent(api, org, first_name="Bob", last_name="Baker")["id"]
        amy = constituent(api, org, first_name="Amy", last_name="Adams")["id"]
        r = {
            "r1": report(api, org, amy, name="Spring call", contact_report_type_name="Call",
                         original_date="2024-01-10", text="Talked about the gala"),
            "r2": report(api, org, amy, name="Lunch", contact_report_type_name="Meeting",
                         original_date="2024-02-10", text="Pledge discussed"),
            "r3": report(api, org, bob, name="Capital proposal", contact_report_type_name="Proposal",
                         original_date="2024-03-10", text="Sent the GALA brochure"),
        }
        r4 = native_log(api, org, bob, contact_method="EMAIL", occurred_at="2024-04-10T15:30:00Z",
                        notes="Thanks sent")
        r["r4"] = api.get(f"{L}/contact_reports/{r4['id']}", org).json
        r["r5"] = report(api, org, amy, name="Year end", contact_report_type_name="Other", original_date="2023-12-01",
                         text="Card")
        note = api.post(f"{L}/constituents/{amy}/notes", org, {"text": "Talked about the gala (a note)"}).json
        deleted = report(api, org, amy, name="Spring call", text="Talked about the gala", original_date="2024-01-10")
        assert api.delete(f"{L}/contact_reports/{deleted['id']}", org).status_code == 200
        theirs = constituent(api, stranger)["id"]
        report(api, stranger, theirs, name="Spring call", text="Talked about the gala", original_date="2024-01-10")
        changed = api.patch(f"{L}/contact_reports/{r['r2']['id']}", org, {"text": "Pledge discussed again"})
        assert changed.status_code == 200
        r["r2"] = changed.json
    return {"org": org, "reports": r, "amy": amy, "bob": bob, "note": note["id"],
            "deleted": deleted["id"]}


def found(api: Api, town: dict[str, Any], query: str) -> list[str]:
    response = api.get(f"{L}/contact_reports/search?{query}&limit=500", town["org"])
    assert response.status_code == 200, response.body
    body = response.json
    assert body["item_type"] == "contact_report"
    assert body["total_items"] == body["items_count"] == len(body["items"])
    labels = {r["id"]: label for label, r in town["reports"].items()}
    return [labels.get(item["id"], f"unknown {item['id']}") for item in body["items"]]


ALL = ["r1", "r2", "r3", "r4", "r5"]


@pytest.mark.parametrize("query, expected", [
    ("", ALL),
    ("q[]=original_date_from=2024-02-10", ["r2", "r3", "r4"]),
    ("q[]=original_date_from=2024-04-10T15:30:00Z", ["r4"]),
    ("q[]=original_date_from=2024-04-10T15:30:01Z", []),
    ("q[]=original_date_to=2024-02-10", ["r1", "r2", "r5"]),  # a date: through its whole day
    ("q[]=original_date_to=2024-02-09T23:59:59Z", ["r1", "r5"]),
    ("q[]=original_date_from=2024-01-01;original_date_to=2024-03-31", ["r1", "r2", "r3"]),
    ("q[]=name=CALL", ["r1"]),
    ("q[]=name=proposal", ["r3"]),
    ("q[]=name=A", ["r1", "r3", "r5"]),  # contains, any case; a report without a name is not found
    ("q[]=text=gala", ["r1", "r3"]),
    ("q[]=text=the+gala", ["r1", "r3"]),
    ("q[]=contact_report_type_id=2183", ["r1"]),
    ("q[]=contact_report_type_id=2184", ["r4"]),  # a native EMAIL entry reads as Email
    ("q[]=contact_report_type_id=2187,2188", ["r3", "r5"]),
    ("q[]=contact_report_type_id=2186", []),
    ("q[]=constituent_id={bob}", ["r3", "r4"]),
    ("q[]=constituent_id={amy},{bob}", ALL),
    ("q[]=constituent_id={amy};text=gala", ["r1"]),
    ("q[]=constituent_id={amy}&q[]=contact_report_type_id=2185", ["r2"]),
    ("q[]=constituent_id=999999", []),  # a constituent that does not exist has no reports
])
def test_each_contact_report_search_term(api, town, query, expected):
    assert sorted(found(api, town, query.format(**town))) == expected


def test_a_search_by_a_constituent_that_does_not_exist_is_an_empty_list(api, town):
    body = api.get(f"{L}/contact_reports/search?q[]=constituent_id=999999", town["org"]).json
    assert (body["items_count"], body["total_items"], body["items"]) == (0, 0, [])


def test_updated_from_and_to(api, town):
    last = town["reports"]["r2"]["updated_at"]
    assert found(api, town, f"q[]=updated_from={last}") == ["r2"]
    assert sorted(found(api, town, f"q[]=updated_to={last}")) == ALL
    before = max(r["updated_at"] for k, r in town["reports"].items() if k != "r2")
    assert sorted(found(api, town, f"q[]=updated_to={before}")) == ["r1", "r3", "r4", "r5"]
    assert sorted(found(api, town, "q[]=updated_from=2025-01-01;updated_to=2025-01-01")) == ALL
    assert found(api, town, "q[]=updated_from=2025-01-02") == []
    assert found(api, town, f"q[]=updated_from={last}&q[]=constituent_id={town['bob']}") == []


def test_notes_and_deleted_reports_are_never_found(api, town):
    ids = [r["id"] for r in api.get(f"{L}/contact_reports/search?q[]=text=gala&limit=500", town["org"]).json["items"]]
    assert town["note"] not in ids and town["deleted"] not in ids
    every = api.get(f"{L}/contact_reports?limit=500", town["org"]).json
    assert sorted(r["id"] for r in every["items"]) == sorted(r["id"] for r in town["reports"].values())


@pytest.mark.parametrize("sort, expected", [
    (None, ["r4", "r3", "r2", "r1", "r5"]),  # newest first
    ("date", ["r5", "r1", "r2", "r3", "r4"]),
    ("name", ["r3", "r2", "r1", "r5", "r4"]),  # Capital, Lunch, Spring, Year end; r4 has no name
    ("constituent_id", ["r3", "r4", "r1", "r2", "r5"]),  # Bob's id is the smaller
])
def test_each_sort_and_its_reverse(api, town, sort, expected):
    if sort is None:
        assert found(api, town, "") == expected
        assert found(api, town, "q[]=constituent_id={amy}".format(**town)) == ["r2", "r1", "r5"]
        return
    assert found(api, town, f"sort={sort}") == expected
    assert found(api, town, f"sort={sort}!") == expected[::-1]


@pytest.mark.parametrize("query, named, description", [
    ("q[]=const_keyword=x", "const_keyword", None),
    ("q[]=badterm=1", "badterm", "Unknown query parameter: badterm"),
    ("q[]=constituent_id=bob", "constituent_id", None),
    ("q[]=contact_report_type_id=1,x", "contact_report_type_id", None),
    ("q[]=original_date_from=2024-13-01", "original_date_from", None),
    ("q[]=updated_to=never", "updated_to", None),
    ("sort=gift_amount", "sort", None),
    ("offset=-1", "offset", None),
])
def test_a_bad_term_or_sort_is_400_naming_it(api, town, query, named, description):
    body = lgl_error(api.get(f"{L}/contact_reports/search?{query}", town["org"]), 400)
    assert body["error"] == "Parameter Error" and fields_named(body) == [named]
    if description:
        assert body["description"].startswith(description)


def test_const_keyword_finds_the_reports_of_constituents_with_the_keyword(api, town):
    org = town["org"]
    category = api.post(f"{L}/categories", org, {"item_type": "Constituent", "name": "Board"}).json["id"]
    keyword = api.post(f"{L}/categories/{category}/keywords", org, {"name": "Trustee"}).json["id"]
    assert api.post(f"{L}/constituents/{town['amy']}/keywords", org, {"id": keyword}).status_code == 200
    assert found(api, town, f"q[]=const_keyword={keyword}") == ["r2", "r1", "r5"]  # Amy's, newest first
    assert found(api, town, f"q[]=const_keyword={keyword + 100}") == []
