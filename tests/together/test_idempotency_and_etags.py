"""Idempotency-Key on creates; ETag / If-Match on updates and deletes; racing updates."""
from __future__ import annotations

import time as real_time
from types import SimpleNamespace

import pytest

from chalicelib.domain import contact_logs, donors
from chalicelib.errors import PreconditionFailed
from chalicelib.store.writes import UnitOfWork
from chalicelib.store import writes as writes_module
from tests.conftest import new_donation, new_donor, new_log

DONORS = "/api/v1/donors"
LOGS = "/api/v1/contact-logs"
DONATIONS = "/api/v1/donations"


def key(value: str) -> dict[str, str]:
    return {"Idempotency-Key": value}


def text(response) -> str:
    return response.body.decode() if isinstance(response.body, bytes) else response.body


def count(api, org, path: str) -> int:
    sep = "&" if "?" in path else "?"
    response = api.get(f"{path}{sep}limit=100", org)
    assert response.status_code == 200, response.body
    return len(response.json["data"])


# ---- Idempotency-Key --------------------------------------------------------------------

def test_same_key_and_body_replays_the_first_donor_response(api, acme):
    body = {"first_name": "Jane", "last_name": "Doe", "external_id": "crm-1", "email": "j@example.org"}
    first = api.post(DONORS, acme, body, headers=key("create-jane-1"))
    assert first.status_code == 201, first.body
    assert "Idempotent-Replayed" not in first.headers

    again = api.post(DONORS, acme, body, headers=key("create-jane-1"))
    assert again.status_code == 201, again.body  # not a 409 on the external_id
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first.json
    assert text(again) == text(first)
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["ETag"] == first.headers["ETag"]
    assert count(api, acme, DONORS) == 1


def test_replayed_contact_log_creates_nothing_and_leaves_counters_alone(api, acme):
    donor = new_donor(api, acme)
    body = {"donor_id": donor["id"], "contact_method": "PHONE", "occurred_at": "2026-06-10T02:00:00Z",
            "follow_up_at": "2026-06-25T00:00:00Z"}
    first = api.post(LOGS, acme, body, headers=key("log-1"))
    second = api.post(LOGS, acme, body, headers=key("log-1"))
    third = api.post(LOGS, acme, body, headers=key("log-1"))
    assert first.status_code == second.status_code == third.status_code == 201
    assert first.json["id"] == second.json["id"] == third.json["id"]
    assert second.json == first.json and third.json == first.json
    assert second.headers["Idempotent-Replayed"] == "true"
    assert count(api, acme, LOGS) == 1
    assert count(api, acme, f"{LOGS}?follow_up=open") == 1
    assert api.get(f"{DONORS}/{donor['id']}", acme).json["contact_log_count"] == 1
    assert len(api.get(f"{DONORS}/{donor['id']}/activity", acme).json["data"]) == 1


def test_replayed_donation_keeps_exact_amount_and_counters(api, acme):
    donor = new_donor(api, acme)
    raw = f'{{"donor_id": "{donor["id"]}", "amount": 100.10, "received_at": "2026-06-01"}}'
    first = api.post(DONATIONS, acme, raw=raw, headers=key("gift-1"))
    again = api.post(DONATIONS, acme, raw=raw, headers=key("gift-1"))
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert text(again) == text(first)
    assert '"amount":100.1,' in text(again)
    assert count(api, acme, DONATIONS) == 1
    assert api.get(f"{DONORS}/{donor['id']}", acme).json["donation_count"] == 1


def test_same_key_with_a_different_body_is_422(api, acme):
    first = api.post(DONORS, acme, {"first_name": "Jane", "last_name": "Doe"}, headers=key("k-1"))
    assert first.status_code == 201
    other_body = api.post(DONORS, acme, {"first_name": "John", "last_name": "Doe"}, headers=key("k-1"))
    assert other_body.status_code == 422
    assert other_body.headers["Content-Type"] == "application/problem+json"
    assert other_body.json["status"] == 422
    assert "Idempotent-Replayed" not in other_body.headers
    assert count(api, acme, DONORS) == 1
    assert api.get(DONORS, acme).json["data"][0]["first_name"] == "Jane"


def test_same_key_in_another_org_is_independent(api, acme, other):
    body = {"first_name": "Jane", "last_name": "Doe"}
    mine = api.post(DONORS, acme, body, headers=key("shared-key"))
    theirs = api.post(DONORS, other, body, headers=key("shared-key"))
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert count(api, acme, DONORS) == 1 and count(api, other, DONORS) == 1
    # and a different body in the other org is not a mismatch with acme's use
    differs = api.post(DONORS, other, {"first_name": "John"}, headers=key("another-key"))
    assert differs.status_code == 201
    mine_again = api.post(DONORS, acme, {"first_name": "Ann"}, headers=key("another-key"))
    assert mine_again.status_code == 201
    assert "Idempotent-Replayed" not in mine_again.headers


def test_same_key_on_another_route_with_another_body_is_422(api, acme):
    donor = new_donor(api, acme)
    log = api.post(LOGS, acme, {"donor_id": donor["id"], "contact_method": "PHONE",
                                "occurred_at": "2026-06-10T02:00:00Z"}, headers=key("reused"))
    assert log.status_code == 201
    gift = api.post(DONATIONS, acme, {"donor_id": donor["id"], "amount": "5"}, headers=key("reused"))
    assert gift.status_code == 422
    assert gift.headers["Content-Type"] == "application/problem+json"
    assert count(api, acme, DONATIONS) == 0
    assert api.get(f"{DONORS}/{donor['id']}", acme).json["donation_count"] == 0


def test_key_longer_than_255_is_400_and_255_is_fine(api, acme):
    too_long = api.post(DONORS, acme, {"last_name": "Doe"}, headers=key("k" * 256))
    assert too_long.status_code == 400
    assert too_long.json["errors"][0]["field"] == "Idempotency-Key"
    assert count(api, acme, DONORS) == 0
    longest = api.post(DONORS, acme, {"last_name": "Doe"}, headers=key("k" * 255))
    assert longest.status_code == 201
    assert api.post(DONORS, acme, {"last_name": "Doe"}, headers=key("k" * 255)).headers["Idempotent-Replayed"] == "true"
    assert count(api, acme, DONORS) == 1


def shift_clock(monkeypatch, seconds: float) -> None:
    """Move the repository's clock (only there) by `seconds`."""
    monkeypatch.setattr(writes_module, "time", SimpleNamespace(time=lambda: real_time.time() + seconds))


def test_key_still_replays_within_24_hours(api, acme, monkeypatch):
    body = {"first_name": "Jane", "last_name": "Doe"}
    first = api.post(DONORS, acme, body, headers=key("day-key"))
    shift_clock(monkeypatch, 24 * 3600 - 60)
    again = api.post(DONORS, acme, body, headers=key("day-key"))
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json["id"] == first.json["id"]
    assert count(api, acme, DONORS) == 1


def test_key_can_be_reused_after_24_hours(api, acme, monkeypatch):
    body = {"first_name": "Jane", "last_name": "Doe"}
    first = api.post(DONORS, acme, body, headers=key("day-key"))
    assert first.status_code == 201
    shift_clock(monkeypatch, 24 * 3600 + 1)
    later = api.post(DONORS, acme, body, headers=key("day-key"))
    assert later.status_code == 201
    assert "Idempotent-Replayed" not in later.headers
    assert later.json["id"] != first.json["id"]
    assert count(api, acme, DONORS) == 2
    # the key now stands for the new request
    replay = api.post(DONORS, acme, body, headers=key("day-key"))
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json["id"] == later.json["id"]
    assert count(api, acme, DONORS) == 2


def test_key_expired_may_carry_a_different_body(api, acme, monkeypatch):
    api.post(DONORS, acme, {"first_name": "Jane"}, headers=key("k"))
    shift_clock(monkeypatch, 24 * 3600 + 1)
    later = api.post(DONORS, acme, {"first_name": "John"}, headers=key("k"))
    assert later.status_code == 201
    assert later.json["first_name"] == "John"


# ---- ETag / If-Match ----------------------------------------------------------------------

@pytest.fixture(params=["donor", "contact_log", "donation"])
def resource(request, api, acme):
    """(item path, a valid change, the field it changes) for each resource."""
    donor = new_donor(api, acme)
    if request.param == "donor":
        return f"{DONORS}/{donor['id']}", {"city": "Paris"}, "city"
    if request.param == "contact_log":
        return f"{LOGS}/{new_log(api, acme, donor['id'])['id']}", {"notes": "Called back"}, "notes"
    return f"{DONATIONS}/{new_donation(api, acme, donor['id'])['id']}", {"note": "General"}, "note"


def test_get_gives_the_version_as_etag(api, acme, resource):
    path, change, _ = resource
    assert api.get(path, acme).headers["ETag"] == '"1"'
    assert api.patch(path, acme, change).headers["ETag"] == '"2"'
    assert api.get(path, acme).headers["ETag"] == '"2"'


def test_patch_with_current_if_match_succeeds_and_bumps_the_etag(api, acme, resource):
    path, change, field = resource
    response = api.patch(path, acme, change, headers={"If-Match": '"1"'})
    assert response.status_code == 200, response.body
    assert response.headers["ETag"] == '"2"'
    assert response.json[field] == change[field]
    second = api.patch(path, acme, {field: "again"}, headers={"If-Match": response.headers["ETag"]})
    assert second.status_code == 200 and second.headers["ETag"] == '"3"'


def test_patch_with_stale_if_match_is_412_and_changes_nothing(api, acme, resource):
    path, change, field = resource
    api.patch(path, acme, change)
    before = api.get(path, acme)
    stale = api.patch(path, acme, {field: "lost"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.headers["Content-Type"] == "application/problem+json"
    after = api.get(path, acme)
    assert after.json == before.json
    assert after.headers["ETag"] == '"2"'


def test_patch_with_if_match_star_applies(api, acme, resource):
    path, change, field = resource
    api.patch(path, acme, change)
    response = api.patch(path, acme, {field: "starred"}, headers={"If-Match": "*"})
    assert response.status_code == 200
    assert response.json[field] == "starred"
    assert response.headers["ETag"] == '"3"'


def test_delete_with_stale_if_match_is_412_and_deletes_nothing(api, acme, resource):
    path, change, _ = resource
    api.patch(path, acme, change)
    stale = api.delete(path, acme, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert api.get(path, acme).status_code == 200
    current = api.delete(path, acme, headers={"If-Match": '"2"'})
    assert current.status_code == 204
    assert api.get(path, acme).status_code == 404


@pytest.mark.parametrize("header", ["1", '"abc"', '"1", "2"', '""'])
def test_malformed_if_match_is_400_and_changes_nothing(api, acme, resource, header):
    path, change, _ = resource
    before = api.get(path, acme).json
    response = api.patch(path, acme, change, headers={"If-Match": header})
    assert response.status_code == 400
    assert api.get(path, acme).json == before


def test_patch_that_changes_nothing_keeps_the_version(api, acme):
    donor = new_donor(api, acme, city="Paris")
    same = api.patch(f"{DONORS}/{donor['id']}", acme, {"city": "Paris"}, headers={"If-Match": '"1"'})
    assert same.status_code == 200
    assert same.headers["ETag"] == '"1"'
    assert same.json == donor


# ---- racing updates -------------------------------------------------------------------------

def race_once(monkeypatch, competitor) -> dict:
    """Make the next commit of a write run `competitor` first: it reads after our read, writes before our write."""
    original = UnitOfWork.commit
    state = {"raced": False}

    def replace(self, *args, **kwargs):
        if not state["raced"]:
            state["raced"] = True
            competitor()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(UnitOfWork, "commit", replace)
    return state


def test_racing_updates_without_if_match_lose_nothing(api, acme, monkeypatch):
    donor = new_donor(api, acme)
    log = new_log(api, acme, donor["id"], notes="original")
    entry_id = int(log["id"])
    state = race_once(monkeypatch, lambda: contact_logs.update("acme", entry_id, {"notes": "from B"}, None))

    result = contact_logs.update("acme", entry_id, {"contact_method": "EMAIL"}, None)
    assert state["raced"]
    assert result["notes"] == "from B" and result["contact_method"] == "EMAIL"
    assert result["version"] == 3
    stored = api.get(f"{LOGS}/{entry_id}", acme)
    assert stored.json["notes"] == "from B"
    assert stored.json["contact_method"] == "EMAIL"
    assert stored.headers["ETag"] == '"3"'


def test_racing_updates_with_if_match_the_loser_gets_precondition_failed(api, acme, monkeypatch):
    donor = new_donor(api, acme)
    log = new_log(api, acme, donor["id"], notes="original")
    entry_id = int(log["id"])
    race_once(monkeypatch, lambda: contact_logs.update("acme", entry_id, {"notes": "from B"}, 1))

    with pytest.raises(PreconditionFailed):
        contact_logs.update("acme", entry_id, {"contact_method": "EMAIL"}, 1)
    stored = api.get(f"{LOGS}/{entry_id}", acme)
    assert stored.json["notes"] == "from B"
    assert stored.json["contact_method"] == "PHONE"
    assert stored.headers["ETag"] == '"2"'


def test_racing_patch_over_http_with_if_match_is_412(api, acme, monkeypatch):
    donor = new_donor(api, acme)
    log = new_log(api, acme, donor["id"])
    race_once(monkeypatch, lambda: contact_logs.update("acme", int(log["id"]), {"notes": "from B"}, None))
    response = api.patch(f"{LOGS}/{log['id']}", acme, {"notes": "from A"}, headers={"If-Match": '"1"'})
    assert response.status_code == 412
    assert api.get(f"{LOGS}/{log['id']}", acme).json["notes"] == "from B"


def test_racing_donor_updates_keep_both_changes_and_the_right_guards(api, acme, monkeypatch):
    donor = new_donor(api, acme, external_id="ref-a")
    donor_id = int(donor["id"])
    race_once(monkeypatch, lambda: donors.update("acme", donor_id, {"external_id": "ref-b"}, None))

    result = donors.update("acme", donor_id, {"city": "Paris"}, None)
    assert result["external_id"] == "ref-b" and result["city"] == "Paris"
    assert api.get(f"{DONORS}/ref-b", acme).json["city"] == "Paris"
    assert api.get(f"{DONORS}/ref-a", acme).status_code == 404
    assert api.post(DONORS, acme, {"last_name": "X", "external_id": "ref-b"}).status_code == 409
    assert api.post(DONORS, acme, {"last_name": "Y", "external_id": "ref-a"}).status_code == 201
