"""LGL's notes (docs/lgl.md, "Contact reports and notes"): a note is a contact-log entry typed
as one (Givebutter's `note` activity), listed per constituent and for the account, never a
contact report (and a report never a note); note types by name or id."""
from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain import lifecycle
from tests.conftest import Api, Org
from tests.contract.conftest import table_state
from tests.lgl.conftest import L, constituent, fields_named, lgl_error
from tests.lgl.worlds import acme, api, other, world  # noqa: F401  (one world for the module)

NOTE_FIELDS = {"api_version", "id", "constituent_id", "note_type_id", "note_type_name", "text", "external_id",
               "original_date", "team_member", "team_member_email", "created_at", "updated_at"}


def note(api: Api, org: Org, constituent_id: Any, **fields: Any) -> dict[str, Any]:
    response = api.post(f"{L}/constituents/{constituent_id}/notes", org, {"text": "Likes jazz", **fields})
    assert response.status_code == 200, response.body
    return response.json


@pytest.mark.parametrize("type_field, value", [("note_type_name", "Research"), ("note_type_name", "RESEARCH"),
                                               ("note_type_id", 2), ("note_type_id", "2")])
def test_a_note_is_made_with_its_type_by_name_or_id(api, acme, type_field, value):
    joe = constituent(api, acme)
    made = note(api, acme, joe["id"], **{type_field: value}, original_date="2024-03-04", external_id="n-1")
    assert set(made) == NOTE_FIELDS
    assert {k: made[k] for k in ("constituent_id", "note_type_id", "note_type_name", "text", "original_date",
                                 "external_id")} == {
        "constituent_id": joe["id"], "note_type_id": 2, "note_type_name": "Research", "text": "Likes jazz",
        "original_date": "2024-03-04", "external_id": "n-1"}
    assert api.get(f"{L}/notes/{made['id']}.json", acme).json == made


def test_a_note_without_a_type_or_date_has_none_and_today(api, acme):
    joe = constituent(api, acme)
    made = note(api, acme, joe["id"])
    assert (made["note_type_id"], made["note_type_name"], made["original_date"]) == (None, None,
                                                                                    lifecycle.now()[:10])


@pytest.mark.parametrize("body, field", [
    ({"text": "x", "note_type_name": "Gossip"}, "note_type_name"),
    ({"text": "x", "note_type_id": 99}, "note_type_id"),
    ({"note_type_id": 1}, "text"),
    ({"text": " "}, "text"),
])
def test_an_invalid_note_is_422_naming_the_field_and_stores_nothing(api, acme, body, field):
    joe = constituent(api, acme)
    before = table_state()
    response = lgl_error(api.post(f"{L}/constituents/{joe['id']}/notes", acme, body), 422)
    assert fields_named(response) == [field]
    if field == "note_type_name":
        assert "1 General" in response["description"] and "3 Biography" in response["description"]
    assert table_state() == before


def test_notes_per_constituent_and_for_the_account_without_reports(api, acme):
    joe, ann = constituent(api, acme), constituent(api, acme, first_name="Ann")
    first = note(api, acme, joe["id"], original_date="2024-01-01")
    second = note(api, acme, ann["id"], original_date="2024-02-01", note_type_name="Biography")
    third = note(api, acme, joe["id"], original_date="2024-03-01")
    api.post(f"{L}/constituents/{joe['id']}/contact_reports", acme, {"text": "A report, not a note"})
    joes = api.get(f"{L}/constituents/{joe['id']}/notes", acme).json
    assert (joes["item_type"], joes["total_items"]) == ("note", 2)
    assert [n["id"] for n in joes["items"]] == [third["id"], first["id"]]  # newest first
    every = api.get(f"{L}/notes?limit=2", acme).json
    assert (every["items_count"], every["total_items"], every["next_item"]) == (2, 3, 2)
    assert [n["id"] for n in every["items"]] == [third["id"], second["id"]]
    rest = api.get(f"{L}/notes.json?limit=2&offset=2", acme).json
    assert [n["id"] for n in rest["items"]] == [first["id"]] and "next_item" not in rest
    assert api.get(f"{L}/contact_reports", acme).json["total_items"] == 1
    assert api.get(f"{L}/constituents/{joe['id']}/contact_reports", acme).json["total_items"] == 1


def test_a_note_is_not_a_contact_report_and_a_report_is_not_a_note(api, acme):
    joe = constituent(api, acme)
    made = note(api, acme, joe["id"])
    reported = api.post(f"{L}/constituents/{joe['id']}/contact_reports", acme, {"text": "Called"}).json
    before = table_state()
    for path, body in ((f"{L}/contact_reports/{made['id']}", {"text": "x"}), (f"{L}/notes/{reported['id']}",
                                                                              {"text": "x"})):
        record_id = path.rsplit("/", 1)[1]
        assert lgl_error(api.get(path, acme), 404)["description"] == f"Item with id '{record_id}' not found"
        lgl_error(api.patch(path, acme, body), 404)
        lgl_error(api.delete(path, acme), 404)
    assert table_state() == before
    assert api.get(f"{L}/contact_reports/search?q[]=text=jazz", acme).json["total_items"] == 0


def test_a_givebutter_note_activity_is_an_lgl_note_and_an_lgl_note_is_one(api, acme):
    joe = constituent(api, acme)
    created = api.post(f"/v1/contacts/{joe['id']}/activities", acme,
                       {"type": "note", "note": "Prefers e-mail", "occurred_at": "2024-05-06T10:00:00Z"})
    assert created.status_code == 201, created.body
    shown = api.get(f"{L}/notes/{created.json['id']}", acme).json
    assert (shown["id"], shown["text"], shown["original_date"], shown["constituent_id"]) == (
        int(created.json["id"]), "Prefers e-mail", "2024-05-06", joe["id"])
    lgl_error(api.get(f"{L}/contact_reports/{created.json['id']}", acme), 404)
    made = note(api, acme, joe["id"], text="Has two dogs")
    activity = api.get(f"/v1/contacts/{joe['id']}/activities/{made['id']}", acme).json
    assert (activity["type"], activity["data"]) == (
        "note", '{"note": "Has two dogs", "subject": null, "timezone": null}')
    assert api.get(f"/api/v1/contact-logs/{made['id']}", acme).json["contact_method"] == "OTHER"
    # an activity of another type is a contact report, not a note
    task = api.post(f"/v1/contacts/{joe['id']}/activities", acme, {"type": "completed_task", "note": "Mailed"}).json
    assert api.get(f"{L}/contact_reports/{task['id']}", acme).json["contact_report_type_name"] == "Other"
    lgl_error(api.get(f"{L}/notes/{task['id']}", acme), 404)
    assert api.get(f"{L}/constituents/{joe['id']}/notes", acme).json["total_items"] == 2


def test_a_note_changed_to_another_method_natively_becomes_a_contact_report(api, acme):
    joe = constituent(api, acme)
    made = note(api, acme, joe["id"])
    api.patch(f"/api/v1/contact-logs/{made['id']}", acme, {"contact_method": "PHONE"})
    assert api.get(f"{L}/contact_reports/{made['id']}", acme).json["contact_report_type_name"] == "Call"
    lgl_error(api.get(f"{L}/notes/{made['id']}", acme), 404)


def test_a_note_is_changed_and_deleted(api, acme):
    joe = constituent(api, acme)
    made = note(api, acme, joe["id"], note_type_name="General")
    changed = api.patch(f"{L}/notes/{made['id']}", acme, {"note_type_name": "Biography", "text": "Born in Oslo"})
    assert changed.status_code == 200, changed.body
    assert {k for k in made if made[k] != changed.json[k]} <= {"note_type_id", "note_type_name", "text",
                                                               "updated_at"}
    assert (changed.json["note_type_id"], changed.json["text"]) == (3, "Born in Oslo")
    assert fields_named(lgl_error(api.patch(f"{L}/notes/{made['id']}", acme, {"text": ""}), 422)) == ["text"]
    assert api.delete(f"{L}/notes/{made['id']}", acme).json == {"api_version": "1.0", "result": "success"}
    lgl_error(api.get(f"{L}/notes/{made['id']}", acme), 404)
    assert api.delete(f"{L}/notes/{made['id']}", acme).json["result"] == "success"
    assert api.get(f"{L}/notes", acme).json["total_items"] == 0


def test_a_constituent_with_a_note_is_not_deleted_and_another_organisation_sees_no_note(api, acme, other):
    joe = constituent(api, acme)
    made = note(api, acme, joe["id"])
    before = table_state()
    lgl_error(api.delete(f"{L}/constituents/{joe['id']}", acme), 409)
    lgl_error(api.get(f"{L}/notes/{made['id']}", other), 404)
    lgl_error(api.delete(f"{L}/notes/{made['id']}", other), 404)
    assert api.get(f"{L}/notes", other).json["total_items"] == 0
    assert table_state() == before
