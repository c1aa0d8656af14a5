"""A donor's `status` (MPDX's contact statuses) and `notes`, set through the Together face,
and what the donor text search covers."""
from __future__ import annotations

import pytest

from chalicelib.domain import donors
from chalicelib.errors import ValidationFailed
from tests.conftest import field_names, new_donor

DONORS = "/api/v1/donors"


@pytest.mark.parametrize("status", donors.STATUSES)
def test_every_status_of_the_seed_is_accepted_and_rendered(api, acme, status):
    created = new_donor(api, acme, status=status)
    assert created["status"] == status
    assert api.get(f"{DONORS}/{created['id']}", acme).json["status"] == status


def test_statuses_are_the_seeds_fourteen_split_active_and_hidden():
    assert len(donors.STATUSES) == len(set(donors.STATUSES)) == 14
    assert set(donors.ACTIVE_STATUSES) | set(donors.HIDDEN_STATUSES) == set(donors.STATUSES)
    assert not set(donors.ACTIVE_STATUSES) & set(donors.HIDDEN_STATUSES)
    assert set(donors.HIDDEN_STATUSES) == {"Not Interested", "Unresponsive", "Never Ask",
                                           "Research Abandoned", "Expired Referral"}


def test_a_donor_without_status_renders_null(api, acme):
    created = new_donor(api, acme)
    assert "status" in created and created["status"] is None
    assert created["notes"] is None


@pytest.mark.parametrize("status", ["active", "hidden", "null", "partner - pray", "Partner-Pray",
                                    " Never Ask", "", "Unknown", 1, True, ["Never Ask"], {"a": 1}])
def test_a_status_outside_the_list_is_422_naming_status(api, acme, status):
    response = api.post(DONORS, acme, {"last_name": "Doe", "status": status})
    assert response.status_code == 422, response.body
    assert field_names(response) == ["status"]
    assert api.get(DONORS, acme).json["data"] == []


def test_status_is_changed_and_cleared_with_patch(api, acme):
    donor = new_donor(api, acme, status="Never Contacted")
    changed = api.patch(f"{DONORS}/{donor['id']}", acme, {"status": "Partner - Financial"})
    assert changed.status_code == 200, changed.body
    assert changed.json["status"] == "Partner - Financial"
    assert changed.headers["ETag"] == '"2"'

    cleared = api.patch(f"{DONORS}/{donor['id']}", acme, {"status": None})
    assert cleared.status_code == 200
    assert cleared.json["status"] is None
    assert api.get(f"{DONORS}/{donor['id']}", acme).json["status"] is None

    bad = api.patch(f"{DONORS}/{donor['id']}", acme, {"status": "hidden"})
    assert bad.status_code == 422 and field_names(bad) == ["status"]
    assert api.get(f"{DONORS}/{donor['id']}", acme).json["status"] is None


def test_patching_other_fields_keeps_the_status(api, acme):
    donor = new_donor(api, acme, status="Call for Decision")
    changed = api.patch(f"{DONORS}/{donor['id']}", acme, {"first_name": "Janet"})
    assert changed.json["status"] == "Call for Decision"


def test_the_domain_refuses_an_unknown_status_whatever_the_face(acme):
    with pytest.raises(ValidationFailed) as refused:
        donors.create(acme.org, {"last_name": "Doe", "status": "active"})
    assert [e.field for e in refused.value.errors] == ["status"]


def test_notes_are_kept_rendered_and_limited(api, acme):
    donor = new_donor(api, acme, notes="Met at the spring gala")
    assert donor["notes"] == "Met at the spring gala"
    assert new_donor(api, acme, notes="x" * 5000)["notes"] == "x" * 5000
    too_long = api.post(DONORS, acme, {"last_name": "Doe", "notes": "x" * 5001})
    assert too_long.status_code == 422 and field_names(too_long) == ["notes"]


@pytest.mark.parametrize("q", ["gala", "GALA", "555 0100", "5550100", "555-0100", "(555) 0100",
                               "doe, jane", "jane doe", "jane.doe@example", "crm-9"])
def test_together_q_searches_names_email_phone_and_notes(api, acme, q):
    wanted = new_donor(api, acme, email="jane.doe@example.org", phone="+1 555 0100",
                       notes="Met at the spring GALA", external_id="crm-9")
    new_donor(api, acme, first_name="Other", last_name="Person", phone="+44 20 7946 0000")
    found = api.get(f"{DONORS}?q={q}", acme)
    assert found.status_code == 200, found.body
    assert [d["id"] for d in found.json["data"]] == [wanted["id"]]


def test_search_text_follows_changes(api, acme):
    donor = new_donor(api, acme, notes="likes sailing")
    assert [d["id"] for d in api.get(f"{DONORS}?q=sailing", acme).json["data"]] == [donor["id"]]
    api.patch(f"{DONORS}/{donor['id']}", acme, {"notes": None})
    assert api.get(f"{DONORS}?q=sailing", acme).json["data"] == []
