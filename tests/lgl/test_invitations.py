"""LGL's invitations (docs/lgl.md, "Invitations"): created through a constituent or an event,
additional guests with their host, attendances, derived names, what was raised; listed per
event and per constituent; deleted with their guests, or with their constituent."""
from __future__ import annotations

import pytest

from chalicelib.domain import organisations
from tests.lgl.conftest import L, constituent, fields_named, lgl_error

NEW = {"rsvp": 0, "attended": 0, "raised": 0, "status": "unknown", "donated": False, "assigned_to": None,
       "additional_guests": 0, "attendees": 0, "attendee_names": None, "attend_count": 0, "attendances": [],
       "custom_fields": [], "custom_attrs": []}


def event(api, org, name="Winter 2020 Fundraising Gala", **fields):
    response = api.post(f"{L}/events", org, {"name": name, **fields})
    assert response.status_code == 201, response.body
    return response.json


def invite(api, org, constituent_id, **fields):
    response = api.post(f"{L}/constituents/{constituent_id}/invitations", org, fields)
    assert response.status_code == 200, response.body
    return response.json


def guest_of(api, org, event_id, host_id, **fields):
    response = api.post(f"{L}/events/{event_id}/invitations", org,
                        {"parent_invitation_id": str(host_id), "is_a_guest": True, **fields})
    assert response.status_code == 200, response.body
    return response.json


def ids(response) -> list[int]:
    assert response.status_code == 200, response.body
    return [item["id"] for item in response.json["items"]]


@pytest.fixture
def gala(api, acme):
    return event(api, acme)


@pytest.fixture
def larry(api, acme):
    return constituent(api, acme, first_name="Larry", last_name="Appleton")


def test_the_docs_examples_invite_through_a_constituent_and_an_event(api, acme, gala, larry):
    board = event(api, acme, "Board weekend")
    made = invite(api, acme, larry["id"], event_id=gala["id"])
    assert made == {"api_version": "1.0", "id": made["id"], "constituent_id": larry["id"],
                    "guest_name": "Larry Appleton",
                    "is_a_guest": False, "parent_invitation_id": 0, "parent_invitation_guest_name": None,
                    "event_id": int(gala["id"]), "name": "Event: Winter 2020 Fundraising Gala", "notes": None, **NEW,
                    "created_at": made["created_at"], "updated_at": made["created_at"]}
    response = api.post(f"{L}/events/{board['id']}/invitations", acme,
                        {"constituent_id": str(larry["id"]), "notes": "Event note"})
    assert response.status_code == 200, response.body
    assert {k: response.json[k] for k in ("constituent_id", "event_id", "name", "notes", "guest_name")} == \
        {"constituent_id": larry["id"], "event_id": int(board["id"]), "name": "Event: Board weekend",
         "notes": "Event note", "guest_name": "Larry Appleton"}
    assert api.get(f"{L}/invitations/{made['id']}", acme).json == made
    assert api.get(f"{L}/invitations/{made['id']}.json", acme).json == made


def test_the_event_by_name_and_the_id_wins_and_unknown_ones_are_422(api, acme, gala, larry):
    board = event(api, acme, "Board weekend")
    assert invite(api, acme, larry["id"], event_name="board WEEKEND")["event_id"] == int(board["id"])
    ann = constituent(api, acme, first_name="Ann")
    assert invite(api, acme, ann["id"], event_id=gala["id"], event_name="Board weekend")["event_id"] == int(gala["id"])
    path = f"{L}/constituents/{ann['id']}/invitations"
    assert fields_named(lgl_error(api.post(path, acme, {"event_name": "Gala"}), 422)) == ["event_name"]
    assert fields_named(lgl_error(api.post(path, acme, {"event_id": 999}), 422)) == ["event_id"]
    assert fields_named(lgl_error(api.post(path, acme, {"notes": "x"}), 422)) == ["event_id"]
    assert fields_named(lgl_error(api.post(f"{L}/events/{gala['id']}/invitations", acme, {"notes": "x"}), 422)) == \
        ["constituent_id"]
    assert fields_named(lgl_error(api.post(f"{L}/events/{gala['id']}/invitations", acme,
                                           {"constituent_id": 999}), 404)) == ["constituent_id"]
    lgl_error(api.post(f"{L}/events/999/invitations", acme, {"constituent_id": ann["id"]}), 404)
    lgl_error(api.post(f"{L}/constituents/999/invitations", acme, {"event_id": gala["id"]}), 404)


def test_a_constituent_is_invited_to_an_event_once(api, acme, gala, larry):
    first = invite(api, acme, larry["id"], event_id=gala["id"])
    again = lgl_error(api.post(f"{L}/events/{gala['id']}/invitations", acme, {"constituent_id": larry["id"]}), 409)
    assert fields_named(again) == ["event_id"] and str(first["id"]) in again["description"]


def test_an_organisation_is_named_by_its_name(api, acme, gala):
    avengers = constituent(api, acme, is_org=True, org_name="Avengers Mansion")
    assert invite(api, acme, avengers["id"], event_id=gala["id"])["guest_name"] == "Avengers Mansion"


# ---- additional guests ----------------------------------------------------------------------------

def test_the_docs_example_adds_a_guest_whom_the_host_counts(api, acme, gala, larry):
    host = invite(api, acme, larry["id"], event_id=gala["id"])
    guest = guest_of(api, acme, gala["id"], host["id"], guest_first_name="Max", guest_last_name="Million")
    assert {k: guest[k] for k in ("constituent_id", "guest_name", "is_a_guest", "parent_invitation_id",
                                  "parent_invitation_guest_name", "event_id", "name")} == \
        {"constituent_id": None, "guest_name": "Max Million", "is_a_guest": True, "parent_invitation_id": host["id"],
         "parent_invitation_guest_name": "Larry Appleton", "event_id": int(gala["id"]),
         "name": "Event: Winter 2020 Fundraising Gala"}
    assert {k: guest[k] for k in NEW} == NEW
    shown = api.get(f"{L}/invitations/{host['id']}", acme).json
    assert shown["additional_guests"] == 1 and shown["updated_at"] >= host["updated_at"]
    through_constituent = api.post(f"{L}/constituents/{larry['id']}/invitations", acme,
                                   {"parent_invitation_id": host["id"], "guest_first_name": "Nell",
                                    "is_a_guest": "true"})
    assert through_constituent.status_code == 200, through_constituent.body
    assert through_constituent.json["guest_name"] == "Nell"
    assert api.get(f"{L}/invitations/{host['id']}", acme).json["additional_guests"] == 2


def test_guests_are_listed_with_their_event_not_as_the_hosts_constituents(api, acme, gala, larry):
    host = invite(api, acme, larry["id"], event_id=gala["id"])
    guest = guest_of(api, acme, gala["id"], host["id"], guest_first_name="Max")
    ann = api.post(f"{L}/events/{gala['id']}/invitations", acme, {"constituent_id": constituent(api, acme)["id"]}).json
    assert ids(api.get(f"{L}/events/{gala['id']}/invitations", acme)) == [host["id"], guest["id"], ann["id"]]
    assert ids(api.get(f"{L}/constituents/{larry['id']}/invitations", acme)) == [host["id"]]


def test_a_guest_needs_a_live_host_of_the_path_and_is_no_constituent(api, acme, gala, larry):
    board = event(api, acme, "Board weekend")
    host = invite(api, acme, larry["id"], event_id=gala["id"])
    ann = constituent(api, acme, first_name="Ann")
    at_gala, at_board = f"{L}/events/{gala['id']}/invitations", f"{L}/events/{board['id']}/invitations"
    cases = [
        (at_gala, {"is_a_guest": True, "guest_first_name": "Max"}, 422, "parent_invitation_id"),
        (at_gala, {"is_a_guest": False, "parent_invitation_id": host["id"]}, 422, "is_a_guest"),
        (at_gala, {"parent_invitation_id": 999, "is_a_guest": True}, 404, "parent_invitation_id"),
        (at_board, {"parent_invitation_id": host["id"], "is_a_guest": True}, 422, "parent_invitation_id"),
        (at_gala, {"parent_invitation_id": host["id"], "constituent_id": ann["id"]}, 422, "constituent_id"),
        (at_gala, {"parent_invitation_id": host["id"], "event_id": board["id"]}, 422, "event_id"),
        (f"{L}/constituents/{ann['id']}/invitations", {"parent_invitation_id": host["id"], "is_a_guest": True},
         422, "parent_invitation_id"),
        (f"{L}/constituents/{ann['id']}/invitations", {"event_id": gala["id"], "guest_first_name": "Max"},
         422, "guest_first_name"),
    ]
    for path, body, status, field in cases:
        assert fields_named(lgl_error(api.post(path, acme, body), status)) == [field], body
    guest = guest_of(api, acme, gala["id"], host["id"], guest_last_name="Million")
    assert fields_named(lgl_error(api.post(at_gala, acme, {"parent_invitation_id": guest["id"]}), 422)) == \
        ["parent_invitation_id"]  # a guest's guest
    assert api.get(f"{L}/invitations/{host['id']}", acme).json["additional_guests"] == 1


def test_deleting_a_host_takes_its_guests_and_a_guest_leaves_its_host_counting_one_fewer(api, acme, gala, larry):
    host = invite(api, acme, larry["id"], event_id=gala["id"])
    guests = [guest_of(api, acme, gala["id"], host["id"], guest_first_name=n)["id"] for n in ("Max", "Nell")]
    assert api.delete(f"{L}/invitations/{guests[0]}", acme).json == {"api_version": "1.0", "result": "success"}
    assert api.delete(f"{L}/invitations/{guests[0]}", acme).status_code == 200
    assert api.get(f"{L}/invitations/{host['id']}", acme).json["additional_guests"] == 1
    assert api.delete(f"{L}/invitations/{host['id']}", acme).status_code == 200
    for gone in (host["id"], *guests):
        lgl_error(api.get(f"{L}/invitations/{gone}", acme), 404)
    assert ids(api.get(f"{L}/events/{gala['id']}/invitations", acme)) == []
    assert invite(api, acme, larry["id"], event_id=gala["id"])["id"]  # invited again


def test_a_constituent_goes_with_its_invitations_and_their_guests(api, acme, gala, larry):
    host = invite(api, acme, larry["id"], event_id=gala["id"])
    guest = guest_of(api, acme, gala["id"], host["id"], guest_first_name="Max")
    assert api.delete(f"{L}/constituents/{larry['id']}", acme).status_code == 200
    for gone in (host["id"], guest["id"]):
        lgl_error(api.get(f"{L}/invitations/{gone}", acme), 404)
    assert api.get(f"{L}/events/{gala['id']}/invitations", acme).json["total_items"] == 0


# ---- changes and attendances ---------------------------------------------------------------------

def test_the_docs_update_example_adds_attendances_and_makes_it_attended(api, acme, gala, larry):
    made = invite(api, acme, larry["id"], event_id=gala["id"], notes="Event note")
    response = api.patch(f"{L}/invitations/{made['id']}", acme, {"rsvp": "2", "attendances": [
        {"date": "2023-07-01", "notes": "attended"}, {"date": "2023-08-01", "notes": "attended"}]})
    assert response.status_code == 200, response.body
    changed = response.json
    assert {k: changed[k] for k in ("rsvp", "attended", "attendees", "status", "attend_count", "notes")} == \
        {"rsvp": 2, "attended": 1, "attendees": 1, "status": "attended", "attend_count": 0, "notes": "Event note"}
    first, second = changed["attendances"]
    assert (first["date"], first["notes"], second["date"]) == ("2023-07-01", "attended", "2023-08-01")
    assert first["id"] != second["id"]
    again = api.patch(f"{L}/invitations/{made['id']}", acme, {"attendances": [
        {"date": "2023-08-01", "notes": "left early"}, {"date": "2023-06-01"}]}).json["attendances"]
    assert [(a["date"], a["notes"]) for a in again] == [("2023-06-01", None), ("2023-07-01", "attended"),
                                                          ("2023-08-01", "left early")]
    assert [a["id"] for a in again][1:] == [first["id"], second["id"]]  # kept, not added twice
    assert api.get(f"{L}/invitations/{made['id']}", acme).json["attendances"] == again


def test_attendances_and_fields_are_checked(api, acme, gala, larry):
    made = invite(api, acme, larry["id"], event_id=gala["id"])
    item = f"{L}/invitations/{made['id']}"
    cases = [({"attendances": [{"notes": "no date"}]}, "attendances[0].date"),
             ({"attendances": [{"date": "2023-02-30"}]}, "attendances[0].date"),
             ({"rsvp": 5}, "rsvp"), ({"attended": 2}, "attended"), ({"assigned_to": "nobody"}, "assigned_to"),
             ({"constituent_id": constituent(api, acme)["id"]}, "constituent_id"),
             ({"event_id": event(api, acme, "Other")["id"]}, "event_id"), ({"is_a_guest": True}, "is_a_guest"),
             ({"guest_first_name": "Max"}, "guest_first_name")]
    for body, field in cases:
        assert fields_named(lgl_error(api.patch(item, acme, body), 422)) == [field], body
    assert api.get(item, acme).json == {k: v for k, v in made.items()}  # unchanged by any of them


def test_every_field_an_update_sets(api, acme, gala, larry):
    organisations.add_member("acme", first_name="Tom", last_name="Talbott", email="tom@example.org")
    tom = organisations.members("acme")[0]["id"]
    made = invite(api, acme, larry["id"], event_id=gala["id"])
    assert api.post(f"{L}/attributes", acme, {"name": "Diet", "item_type": "Invitation"}).status_code == 201
    response = api.patch(f"{L}/invitations/{made['id']}", acme, {
        "rsvp": 1, "attended": "1", "assigned_to": "tom@example.org", "attendee_names": "Larry and Max",
        "notes": "Table 4", "constituent_id": larry["id"], "event_id": gala["id"], "parent_invitation_id": 0,
        "is_a_guest": False, "custom_fields": [], "custom_attrs": [{"key": "diet", "value": "vegan"}]})
    assert response.status_code == 200, response.body
    assert "X-Ignored-Fields" not in response.headers
    shown = response.json
    assert {k: shown[k] for k in ("rsvp", "attended", "status", "attendees", "assigned_to", "attendee_names",
                                  "notes", "custom_fields")} == \
        {"rsvp": 1, "attended": 1, "status": "attended", "attendees": 1, "assigned_to": tom,
         "attendee_names": "Larry and Max", "notes": "Table 4", "custom_fields": []}
    assert [(a["key"], a["value"]) for a in shown["custom_attrs"]] == [("diet", "vegan")]
    guest = guest_of(api, acme, gala["id"], made["id"], guest_first_name="Max")
    renamed = api.patch(f"{L}/invitations/{guest['id']}", acme, {"guest_last_name": "Million", "is_a_guest": True})
    assert renamed.json["guest_name"] == "Max Million"


# ---- what was raised -------------------------------------------------------------------------------

def test_raised_and_donated_are_what_the_constituent_gave_to_the_event(api, acme, gala, larry):
    host = invite(api, acme, larry["id"], event_id=gala["id"])
    guest = guest_of(api, acme, gala["id"], host["id"], guest_first_name="Max")
    ann = constituent(api, acme, first_name="Ann")
    invite(api, acme, ann["id"], event_id=gala["id"])
    api.post(f"{L}/constituents/{larry['id']}/gifts", acme, {"received_amount": "50.05", "event_id": gala["id"]})
    api.post(f"{L}/constituents/{larry['id']}/gifts", acme, {"received_amount": "20", "event_name": gala["name"]})
    api.post(f"{L}/constituents/{ann['id']}/gifts", acme, {"received_amount": "5"})  # not to the event
    shown = {i["id"]: (i["raised"], i["donated"]) for i in api.get(f"{L}/events/{gala['id']}/invitations",
                                                                      acme).json["items"]}
    assert list(shown.values()) == [(70.05, True), (0, False), (0, False)]
    assert '"raised":70.05' in api.get(f"{L}/invitations/{host['id']}", acme).body.decode()
    assert api.get(f"{L}/invitations/{guest['id']}", acme).json["donated"] is False


# ---- lists and tenancy -----------------------------------------------------------------------------

def test_lists_have_exact_totals_and_pages(api, acme, gala):
    people = [constituent(api, acme, first_name=f"P{n}") for n in range(4)]
    made = [invite(api, acme, p["id"], event_id=gala["id"])["id"] for p in people]
    page = api.get(f"{L}/events/{gala['id']}/invitations.json?limit=3", acme).json
    assert ([i["id"] for i in page["items"]], page["total_items"], page["next_item"], page["item_type"]) == \
        (made[:3], 4, 3, "invitation")
    assert ids(api.get(f"{L}/events/{gala['id']}/invitations?limit=3&offset=3", acme)) == made[3:]
    mine = api.get(f"{L}/constituents/{people[0]['id']}/invitations.json", acme).json
    assert ([i["id"] for i in mine["items"]], mine["total_items"]) == ([made[0]], 1)
    lgl_error(api.get(f"{L}/events/999/invitations", acme), 404)
    lgl_error(api.get(f"{L}/constituents/999/invitations", acme), 404)


def test_another_organisations_invitations_events_and_constituents_are_404(api, acme, other):
    event(api, other, "First"), constituent(api, other)  # their ids are ones acme has not issued
    their_event, theirs = event(api, other), constituent(api, other)
    made = invite(api, other, theirs["id"], event_id=their_event["id"])
    mine, my_event = constituent(api, acme), event(api, acme, "Mine")
    for method, body in (("GET", None), ("PATCH", {"rsvp": 1}), ("DELETE", None)):
        lgl_error(api.call(method, f"{L}/invitations/{made['id']}", acme, body), 404)
    lgl_error(api.get(f"{L}/events/{their_event['id']}/invitations", acme), 404)
    lgl_error(api.post(f"{L}/events/{my_event['id']}/invitations", acme, {"constituent_id": theirs["id"]}), 404)
    lgl_error(api.post(f"{L}/events/{my_event['id']}/invitations", acme,
                       {"parent_invitation_id": made["id"], "is_a_guest": True}), 404)
    assert api.get(f"{L}/invitations/{made['id']}", other).json["rsvp"] == 0
    assert api.get(f"{L}/constituents/{mine['id']}/invitations", acme).json["total_items"] == 0
