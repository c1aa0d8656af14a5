"""Organisations never see or touch each other's records.

Ids are per organisation, so the other org's ids are chosen so that acme has no record
with the same id (acme's own record 1 must stay acme's). Every route that takes a
{record} is walked from http.ROUTES, so a new route cannot skip the check.
"""
from __future__ import annotations

import pytest

import app as _app  # noqa: F401  (registers every face's routes into ROUTES)
from chalicelib.faces.http import ROUTES
from tests.conftest import assert_problem, new_donation, new_donor, new_log

# The Together face's routes; the walks over every face's routes are in tests/contract/.
RECORD_ROUTES = [r for r in ROUTES if "{record}" in r.path and r.face == "together"]


@pytest.fixture
def world(api, acme, other):
    """acme: one donor/log/donation (ids 1). other: two of each (ids 1 and 2) plus an external id."""
    acme_donor = new_donor(api, acme, first_name="Acme", last_name="Donor")
    acme_log = new_log(api, acme, acme_donor["id"], notes="acme's note", follow_up_at="2026-06-25T00:00:00Z")
    acme_gift = new_donation(api, acme, acme_donor["id"], note="acme's gift")

    other_donors = [new_donor(api, other, first_name="Other", last_name=f"Donor{n}") for n in (1, 2)]
    other_donors[1] = api.patch(f"/api/v1/donors/{other_donors[1]['id']}", other,
                                {"external_id": "other-ext-2"}).json
    other_logs = [new_log(api, other, d["id"], notes=f"other's note {d['id']}",
                          follow_up_at="2026-06-25T00:00:00Z") for d in other_donors]
    other_gifts = [new_donation(api, other, d["id"], note=f"other's gift {d['id']}") for d in other_donors]
    return {
        "acme": {"donors": acme_donor, "contact-logs": acme_log, "donations": acme_gift},
        # other's records whose ids acme does not have
        "other": {"donors": other_donors[1], "contact-logs": other_logs[1], "donations": other_gifts[1]},
        "other_all": {"donors": other_donors, "contact-logs": other_logs, "donations": other_gifts},
    }


def other_state(api, other, world) -> dict:
    """Every record of the other org as its own key sees it: body and ETag, plus its lists."""
    state = {}
    for collection, records in world["other_all"].items():
        for record in records:
            response = api.get(f"/api/v1/{collection}/{record['id']}", other)
            assert response.status_code == 200, response.body
            state[(collection, record["id"])] = (response.json, response.headers["ETag"])
        listing = api.get(f"/api/v1/{collection}?limit=100", other)
        state[("list", collection)] = listing.json["data"]
    for donor in world["other_all"]["donors"]:
        state[("activity", donor["id"])] = api.get(f"/api/v1/donors/{donor['id']}/activity", other).json
    return state


def test_ids_are_per_organisation(api, acme, other, world):
    assert world["acme"]["donors"]["id"] == "1"
    assert world["other_all"]["donors"][0]["id"] == "1"
    assert world["acme"]["contact-logs"]["id"] == "1"
    assert world["other_all"]["contact-logs"][0]["id"] == "1"
    assert world["acme"]["donations"]["id"] == "1"
    assert world["other_all"]["donations"][0]["id"] == "1"
    # The same id names each org's own record.
    mine = api.get("/api/v1/donors/1", acme).json
    theirs = api.get("/api/v1/donors/1", other).json
    assert (mine["first_name"], theirs["first_name"]) == ("Acme", "Other")
    assert api.get("/api/v1/contact-logs/1", acme).json["notes"] == "acme's note"
    assert api.get("/api/v1/contact-logs/1", other).json["notes"] == "other's note 1"
    # A new org's next donor continues its own sequence, not the other's.
    assert new_donor(api, acme, first_name="Second")["id"] == "2"


def test_the_other_orgs_external_id_is_unknown_to_acme(api, acme, other, world):
    before = other_state(api, other, world)
    assert_problem(api.get("/api/v1/donors/other-ext-2", acme), 404)
    assert_problem(api.get("/api/v1/donors/other-ext-2/activity", acme), 404)
    assert_problem(api.patch("/api/v1/donors/other-ext-2", acme, {"first_name": "Hijacked"}), 404)
    assert_problem(api.delete("/api/v1/donors/other-ext-2", acme), 404)
    assert_problem(api.get("/api/v1/contact-logs?donor_id=other-ext-2", acme), 404)
    assert_problem(api.post("/api/v1/contact-logs", acme, {
        "donor_id": "other-ext-2", "contact_method": "PHONE", "occurred_at": "2026-06-10T02:00:00Z"}), 404)
    assert other_state(api, other, world) == before
    # acme may use the same external_id for its own donor: it is unique per org only.
    mine = new_donor(api, acme, external_id="other-ext-2")
    assert api.get("/api/v1/donors/other-ext-2", acme).json["id"] == mine["id"]
    assert other_state(api, other, world) == before


@pytest.mark.parametrize("collection", ["contact-logs", "donations"])
def test_list_filter_with_the_other_orgs_donor_is_404(api, acme, other, world, collection):
    donor_id = world["other"]["donors"]["id"]
    assert_problem(api.get(f"/api/v1/{collection}?donor_id={donor_id}", acme), 404)


def test_lists_show_only_the_orgs_own_records(api, acme, other, world):
    for collection, record in world["acme"].items():
        listing = api.get(f"/api/v1/{collection}", acme)
        assert [r["id"] for r in listing.json["data"]] == [record["id"]]
        assert listing.json["data"][0] == api.get(f"/api/v1/{collection}/{record['id']}", acme).json
    assert [e["id"] for e in api.get("/api/v1/contact-logs?follow_up=open", acme).json["data"]] == ["1"]
    assert api.get("/api/v1/contact-logs?follow_up=open", acme).json["data"][0]["notes"] == "acme's note"
    assert [e["notes"] for e in api.get("/api/v1/contact-logs?method=PHONE", acme).json["data"]] == ["acme's note"]
    activity = api.get("/api/v1/donors/1/activity", acme).json["data"]
    assert sorted(a["type"] for a in activity) == ["contact_log", "donation"]
    assert {a["data"].get("notes") or a["data"].get("note") for a in activity} == {"acme's note", "acme's gift"}


@pytest.mark.parametrize("collection, body", [
    ("contact-logs", {"contact_method": "PHONE", "occurred_at": "2026-06-10T02:00:00Z"}),
    ("donations", {"amount": "5.00", "received_at": "2026-06-01"}),
])
def test_creating_for_the_other_orgs_donor_is_404_and_stores_nothing(api, acme, other, world, collection, body):
    before = other_state(api, other, world)
    acme_list = api.get(f"/api/v1/{collection}", acme).json["data"]
    target = world["other"]["donors"]["id"]
    for ref in (target, int(target), "other-ext-2"):
        assert_problem(api.post(f"/api/v1/{collection}", acme, {"donor_id": ref, **body}), 404)
    assert api.get(f"/api/v1/{collection}", acme).json["data"] == acme_list
    assert other_state(api, other, world) == before


@pytest.mark.parametrize("collection", ["contact-logs", "donations"])
def test_moving_a_record_to_the_other_orgs_donor_is_404(api, acme, other, world, collection):
    before = other_state(api, other, world)
    mine = world["acme"][collection]
    stored = api.get(f"/api/v1/{collection}/{mine['id']}", acme)
    response = api.patch(f"/api/v1/{collection}/{mine['id']}", acme, {"donor_id": world["other"]["donors"]["id"]})
    assert_problem(response, 404)
    again = api.get(f"/api/v1/{collection}/{mine['id']}", acme)
    assert (again.json, again.headers["ETag"]) == (stored.json, stored.headers["ETag"])
    assert other_state(api, other, world) == before


def test_a_cursor_of_one_org_does_not_page_another(api, acme, other, world):
    for n in range(3):
        new_log(api, other, world["other_all"]["donors"][0]["id"], occurred_at=f"2026-01-0{n + 1}T00:00:00Z")
    page = api.get("/api/v1/contact-logs?limit=1", other).json
    assert page["next_cursor"]
    assert_problem(api.get(f"/api/v1/contact-logs?limit=1&cursor={page['next_cursor']}", acme), 400)
