"""No lost updates: a write that lands between another write's read and its own write.

Each test runs a competitor right before the store commits the first write of the record
kind under test (the competitor read after us and writes before us), for every record
kind: a donor (its counters are kept by its children's writes), a contact-log entry (its
follow-up lease and raise are kept by the sweep) and a donation (its donor's counters
move with it). The end state is checked through the API and in the table.
"""
from __future__ import annotations

import os
from typing import Any, Callable

import boto3
import pytest

from chalicelib.domain import contact_logs, donations, donors, invitations
from chalicelib.store import keys
from chalicelib.store.context import due_index, records
from chalicelib.store.kinds import DONOR as DONOR_KIND
from chalicelib.store.writes import UnitOfWork
from tests.conftest import new_donation, new_donor, new_log

P = "/api/v1"


def before_next_write(monkeypatch, kind: str, competitor: Callable[[], Any]) -> dict:
    """Run `competitor` once, right before the next commit that writes a record of `kind`."""
    original = UnitOfWork.commit
    state = {"raced": False}

    def commit(self):
        if not state["raced"] and self.writes(kind):
            state["raced"] = True
            competitor()
        return original(self)

    monkeypatch.setattr(UnitOfWork, "commit", commit)
    return state


def stored(org: str, kind: str, record_id: Any) -> dict[str, Any]:
    table = boto3.resource("dynamodb", region_name="us-east-1").Table(os.environ["TABLE_NAME"])
    return table.get_item(Key={"PK": keys.org_pk(org), "SK": keys.record_sk(kind, int(record_id))})["Item"]


def live_children(api, org, donor_id: str) -> dict[str, int]:
    return {collection: len(api.get(f"{P}/{collection}?donor_id={donor_id}&limit=100", org).json["data"])
            for collection in ("contact-logs", "donations")}


# ---- the donor: counters kept by its children's writes -------------------------------------

@pytest.mark.parametrize("child", ["contact-log", "donation"])
def test_a_child_created_during_a_donor_patch_keeps_its_count_and_the_donor(api, acme, monkeypatch, child):
    """H1 of the hostile-clients review, deterministically: the PATCH read the donor before
    the child's counter moved and wrote after it."""
    donor_id = int(new_donor(api, acme)["id"])
    create = {"contact-log": lambda: contact_logs.create("acme", {"donor_id": donor_id, "contact_method": "PHONE",
                                                                  "occurred_at": "2026-05-01T00:00:00Z"}),
              "donation": lambda: donations.create("acme", {"donor_id": donor_id, "amount": "500.00"})}[child]
    state = before_next_write(monkeypatch, "DONOR", create)

    updated = api.patch(f"{P}/donors/{donor_id}", acme, {"notes": "edited"})

    assert state["raced"] and updated.status_code == 200
    assert updated.json == api.get(f"{P}/donors/{donor_id}", acme).json  # the response is what is stored
    donor = api.get(f"{P}/donors/{donor_id}", acme).json
    assert donor["notes"] == "edited"
    assert (donor["contact_log_count"], donor["donation_count"]) == \
        ((1, 0) if child == "contact-log" else (0, 1))
    refused = api.delete(f"{P}/donors/{donor_id}", acme)
    assert refused.status_code == 409
    assert api.get(f"{P}/donors/{donor_id}", acme).status_code == 200


def test_a_child_deleted_during_a_donor_patch_is_uncounted(api, acme, monkeypatch):
    donor = new_donor(api, acme)
    gift = new_donation(api, acme, donor["id"])
    state = before_next_write(monkeypatch, "DONOR", lambda: donations.delete("acme", int(gift["id"]), None))
    assert api.patch(f"{P}/donors/{donor['id']}", acme, {"city": "Lyon"}).status_code == 200
    assert state["raced"]
    after = api.get(f"{P}/donors/{donor['id']}", acme).json
    assert after["city"] == "Lyon" and after["donation_count"] == 0
    assert api.delete(f"{P}/donors/{donor['id']}", acme).status_code == 204


def test_a_child_created_during_a_donor_delete_refuses_the_delete(api, acme, monkeypatch):
    """The delete read a donor without children; the store re-checks the counters in the write."""
    donor_id = int(new_donor(api, acme)["id"])
    made: list[int] = []
    before_next_write(monkeypatch, "DONOR", lambda: made.append(int(new_donation(api, acme, str(donor_id))["id"])))
    response = api.delete(f"{P}/donors/{donor_id}", acme)
    assert response.status_code == 409
    assert api.get(f"{P}/donors/{donor_id}", acme).json["donation_count"] == 1
    assert api.get(f"{P}/donations/{made[0]}", acme).status_code == 200


def test_many_children_created_during_donor_patches_are_all_counted(api, acme, monkeypatch):
    """The hostile review's drift: PATCHes and child creates interleaved, round after round."""
    donor_id = int(new_donor(api, acme)["id"])
    for round_ in range(5):
        before_next_write(monkeypatch, "DONOR", lambda: contact_logs.create(
            "acme", {"donor_id": donor_id, "contact_method": "EMAIL", "occurred_at": "2026-05-01T00:00:00Z"}))
        donors.update("acme", donor_id, {"notes": f"round {round_}"}, None)
        monkeypatch.undo()
    assert stored("acme", "DONOR", donor_id)["contact_log_count"] == 5
    assert live_children(api, acme, str(donor_id))["contact-logs"] == 5


# ---- the contact-log entry: the sweep's lease and raise -------------------------------------

def _raise(entry: dict[str, Any]) -> None:
    """What a sweep does to one due entry: lease it, then record the raise."""
    index = due_index()
    leased = index.claim("acme", int(entry["id"]), entry["follow_up_at"], token="t-1",
                         now="2026-06-02T00:00:00.000Z", lease_until="2026-06-02T00:15:00.000Z")
    assert leased is not None
    assert index.finish("acme", int(entry["id"]), entry["follow_up_at"], token="t-1",
                        raised_at="2026-06-02T00:00:01.000Z")


def test_a_raise_during_an_entry_patch_is_kept(api, acme, donor, monkeypatch):
    entry = new_log(api, acme, donor["id"], follow_up_at="2026-06-01T00:00:00Z")
    state = before_next_write(monkeypatch, "LOG", lambda: _raise(entry))
    assert api.patch(f"{P}/contact-logs/{entry['id']}", acme, {"notes": "called back"}).status_code == 200
    assert state["raced"]
    item = stored("acme", "LOG", entry["id"])
    assert item["notes"] == "called back"
    assert item["follow_up_raised_for"] == "2026-06-01T00:00:00.000Z"
    assert "GSI3PK" not in item  # not armed again: it would be raised twice
    assert "GSI6PK" in item      # still open in the queue


def test_a_lease_during_an_entry_patch_is_kept(api, acme, donor, monkeypatch):
    entry = new_log(api, acme, donor["id"], follow_up_at="2026-06-01T00:00:00Z")
    lease = lambda: due_index().claim("acme", int(entry["id"]), entry["follow_up_at"], token="t-2",  # noqa: E731
                                      now="2026-06-02T00:00:00.000Z", lease_until="2026-06-02T00:15:00.000Z")
    before_next_write(monkeypatch, "LOG", lease)
    assert api.patch(f"{P}/contact-logs/{entry['id']}", acme, {"notes": "x"}).status_code == 200
    item = stored("acme", "LOG", entry["id"])
    assert (item["raising_token"], item["raising_until"]) == ("t-2", "2026-06-02T00:15:00.000Z")
    assert item["GSI3SK"].startswith("2026-06-02T00:15:00.000Z#")  # retried after the lease, not before


def test_an_entry_moved_to_another_donor_during_that_donors_patch_is_counted(api, acme, monkeypatch):
    first, second = new_donor(api, acme), new_donor(api, acme, first_name="John")
    entry = new_log(api, acme, first["id"])
    before_next_write(monkeypatch, "DONOR",
                      lambda: contact_logs.update("acme", int(entry["id"]), {"donor_id": int(second["id"])}, None))
    assert api.patch(f"{P}/donors/{second['id']}", acme, {"notes": "x"}).status_code == 200
    assert stored("acme", "DONOR", first["id"]).get("contact_log_count", 0) == 0
    assert stored("acme", "DONOR", second["id"])["contact_log_count"] == 1


def test_concurrent_entry_patches_keep_both_changes(api, acme, donor, monkeypatch):
    entry = new_log(api, acme, donor["id"], notes="original")
    before_next_write(monkeypatch, "LOG", lambda: contact_logs.update("acme", int(entry["id"]), {"notes": "B"}, None))
    assert api.patch(f"{P}/contact-logs/{entry['id']}", acme, {"contact_method": "EMAIL"}).status_code == 200
    after = api.get(f"{P}/contact-logs/{entry['id']}", acme)
    assert (after.json["notes"], after.json["contact_method"], after.headers["ETag"]) == ("B", "EMAIL", '"3"')


# ---- the donation: its donor's counters move with it ----------------------------------------

def test_a_donation_moved_during_another_donations_patch_keeps_every_count(api, acme, monkeypatch):
    first, second = new_donor(api, acme), new_donor(api, acme, first_name="John")
    moved, patched = new_donation(api, acme, first["id"]), new_donation(api, acme, first["id"])
    before_next_write(monkeypatch, "GIFT",
                      lambda: donations.update("acme", int(moved["id"]), {"donor_id": int(second["id"])}, None))
    assert api.patch(f"{P}/donations/{patched['id']}", acme, {"note": "thanks sent"}).status_code == 200
    assert stored("acme", "DONOR", first["id"])["donation_count"] == 1
    assert stored("acme", "DONOR", second["id"])["donation_count"] == 1
    assert api.get(f"{P}/donations/{patched['id']}", acme).json["note"] == "thanks sent"


def test_a_donation_patched_during_its_own_move_keeps_both(api, acme, monkeypatch):
    first, second = new_donor(api, acme), new_donor(api, acme, first_name="John")
    gift = new_donation(api, acme, first["id"])
    before_next_write(monkeypatch, "GIFT",
                      lambda: donations.update("acme", int(gift["id"]), {"note": "from B"}, None))
    assert api.patch(f"{P}/donations/{gift['id']}", acme, {"donor_id": second["id"]}).status_code == 200
    after = api.get(f"{P}/donations/{gift['id']}", acme).json
    assert (after["donor_id"], after["note"]) == (second["id"], "from B")
    assert stored("acme", "DONOR", first["id"]).get("donation_count", 0) == 0
    assert stored("acme", "DONOR", second["id"])["donation_count"] == 1


def test_a_donation_moved_to_a_donor_deleted_meanwhile_is_404_and_stays(api, acme, monkeypatch):
    first, second = new_donor(api, acme), new_donor(api, acme, first_name="John")
    gift = new_donation(api, acme, first["id"])
    before_next_write(monkeypatch, "GIFT", lambda: donors.delete("acme", int(second["id"]), None))
    response = api.patch(f"{P}/donations/{gift['id']}", acme, {"donor_id": second["id"]})
    assert response.status_code == 404
    assert api.get(f"{P}/donations/{gift['id']}", acme).json["donor_id"] == first["id"]
    assert stored("acme", "DONOR", first["id"])["donation_count"] == 1


# ---- contention: merged again and again, then a documented answer ---------------------------

def test_an_update_merged_again_after_each_change_succeeds_within_its_attempts(api, acme, donor, monkeypatch):
    """L9: seven other writers in a row do not turn a PATCH into a 503."""
    original, rounds, busy = UnitOfWork.commit, [], []

    def commit(self):
        if not busy and len(rounds) < 7 and self.writes("DONOR"):
            rounds.append(None)
            busy.append(None)  # the other writer's own commit is not raced
            donors.update("acme", int(donor["id"]), {"notes": f"other {len(rounds)}"}, None)
            busy.pop()
        return original(self)

    monkeypatch.setattr(UnitOfWork, "commit", commit)
    response = api.patch(f"{P}/donors/{donor['id']}", acme, {"city": "Oslo"})
    assert response.status_code == 200 and len(rounds) == 7
    assert (response.json["city"], response.json["notes"], response.headers["ETag"]) == ("Oslo", "other 7", '"9"')


def test_an_update_that_never_gets_through_is_503_write_contention(api, acme, donor, monkeypatch):
    original = UnitOfWork.commit

    def commit(self):
        if self.writes("DONOR") and not getattr(self, "competitor", False):
            other = UnitOfWork(self.table, self.ids)
            current = records().get("acme", DONOR_KIND, int(donor["id"]))
            other.update("acme", DONOR_KIND, current, {**current, "version": current["version"] + 1})
            other.competitor = True
            original(other)
        return original(self)

    monkeypatch.setattr(UnitOfWork, "commit", commit)
    response = api.patch(f"{P}/donors/{donor['id']}", acme, {"city": "Oslo"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.json["type"] == "urn:problem:write-contention"
    assert "retry" in response.json["detail"]
    monkeypatch.undo()
    assert api.get(f"{P}/donors/{donor['id']}", acme).json["city"] is None


# ---- LGL's invitations: a host's count of its guests, kept by the guests' writes -------------------

def _host_and_event(api, org) -> tuple[int, int, int]:
    donor_id = int(new_donor(api, org)["id"])
    event_id = api.post(f"{P}/events", org, {"name": "Gala"}).json["id"]
    host = invitations.create_for_donor("acme", donor_id, {"event_id": int(event_id)})
    return donor_id, int(event_id), host["id"]


def _add_guest(event_id: int, host_id: int, name: str) -> int:
    return invitations.create_for_event("acme", event_id, {"parent_invitation_id": host_id, "is_a_guest": True,
                                                           "guest_first_name": name})["id"]


def test_a_guest_added_during_its_hosts_patch_is_counted_and_the_patch_kept(api, acme, monkeypatch):
    _, event_id, host_id = _host_and_event(api, acme)
    guests: list[int] = []
    state = before_next_write(monkeypatch, "INVITATION", lambda: guests.append(_add_guest(event_id, host_id, "Max")))
    response = api.patch(f"{P}/invitations/{host_id}", acme, {"notes": "Table 4"})
    assert state["raced"] and response.status_code == 200
    assert (response.json["notes"], response.json["additional_guests"]) == ("Table 4", 1)
    assert stored("acme", "INVITATION", host_id)["additional_guests"] == 1


def test_concurrent_guests_of_one_host_are_all_counted(api, acme, monkeypatch):
    _, event_id, host_id = _host_and_event(api, acme)
    state = before_next_write(monkeypatch, "INVITATION", lambda: _add_guest(event_id, host_id, "Max"))
    _add_guest(event_id, host_id, "Nell")
    assert state["raced"]
    assert api.get(f"{P}/invitations/{host_id}", acme).json["additional_guests"] == 2


def test_a_guest_added_during_its_hosts_delete_goes_with_it(api, acme, monkeypatch):
    """The delete read the host's guests before this one came: the host's version refuses the
    write, and the delete reads them again."""
    donor_id, event_id, host_id = _host_and_event(api, acme)
    guests: list[int] = []
    state = before_next_write(monkeypatch, "INVITATION", lambda: guests.append(_add_guest(event_id, host_id, "Max")))
    assert api.delete(f"{P}/invitations/{host_id}", acme).status_code == 200
    assert state["raced"]
    for gone in (host_id, *guests):
        assert api.get(f"{P}/invitations/{gone}", acme).status_code == 404
    assert stored("acme", "DONOR", donor_id)["invitation_count"] == 0
