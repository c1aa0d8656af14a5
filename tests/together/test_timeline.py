"""A donor's activity: contact logs and donations merged, newest first (GET /donors/{id}/activity)."""
from __future__ import annotations

from tests.conftest import new_donation, new_donor, new_log, walk


def activity_path(donor_ref) -> str:
    return f"/api/v1/donors/{donor_ref}/activity"


def refs(items: list[dict]) -> list[tuple[str, str]]:
    return [(i["type"], i["data"]["id"]) for i in items]


def test_activity_merges_logs_and_donations_newest_first(api, acme):
    donor = new_donor(api, acme)
    log_jun10 = new_log(api, acme, donor["id"], occurred_at="2026-06-10T02:00:00.000Z")
    gift_jun01 = new_donation(api, acme, donor["id"], received_at="2026-06-01")
    log_may31 = new_log(api, acme, donor["id"], occurred_at="2026-05-31T23:59:59.999Z")
    gift_jun12 = new_donation(api, acme, donor["id"], received_at="2026-06-12T08:00:00+02:00")
    log_jun01 = new_log(api, acme, donor["id"], occurred_at="2026-06-01T00:00:01.000Z")

    response = api.get(activity_path(donor["id"]), acme)
    assert response.status_code == 200
    body = response.json
    assert body["has_more"] is False and body["next_cursor"] is None
    assert refs(body["data"]) == [
        ("donation", gift_jun12["id"]),   # 2026-06-12T06:00Z
        ("contact_log", log_jun10["id"]),  # 2026-06-10T02:00Z
        ("contact_log", log_jun01["id"]),  # 2026-06-01T00:00:01Z
        ("donation", gift_jun01["id"]),   # 2026-06-01 = 2026-06-01T00:00Z
        ("contact_log", log_may31["id"]),  # 2026-05-31T23:59:59.999Z
    ]


def test_activity_items_carry_type_occurred_at_and_the_rendered_record(api, acme):
    donor = new_donor(api, acme)
    log = new_log(api, acme, donor["id"], occurred_at="2026-06-10T02:00:00.000Z", notes="Called")
    gift = new_donation(api, acme, donor["id"], received_at="2026-06-01", amount="100.10")
    items = api.get(activity_path(donor["id"]), acme).json["data"]
    assert items == [
        {"type": "contact_log", "occurred_at": "2026-06-10T02:00:00.000Z", "data": log},
        {"type": "donation", "occurred_at": "2026-06-01", "data": gift},
    ]
    assert api.get(f"/api/v1/contact-logs/{log['id']}", acme).json == items[0]["data"]
    assert api.get(f"/api/v1/donations/{gift['id']}", acme).json == items[1]["data"]


def test_activity_of_a_donor_without_history_is_empty(api, acme):
    donor = new_donor(api, acme)
    response = api.get(activity_path(donor["id"]), acme)
    assert response.status_code == 200
    assert response.json == {"data": [], "has_more": False, "next_cursor": None}


def test_activity_shows_only_this_donors_records(api, acme):
    jane = new_donor(api, acme)
    john = new_donor(api, acme, first_name="John")
    mine = new_log(api, acme, jane["id"])
    new_log(api, acme, john["id"])
    new_donation(api, acme, john["id"])
    assert refs(api.get(activity_path(jane["id"]), acme).json["data"]) == [("contact_log", mine["id"])]


def test_soft_deleted_entries_are_excluded(api, acme):
    donor = new_donor(api, acme)
    keep_log = new_log(api, acme, donor["id"], occurred_at="2026-06-10T02:00:00.000Z")
    gone_log = new_log(api, acme, donor["id"], occurred_at="2026-06-11T02:00:00.000Z")
    keep_gift = new_donation(api, acme, donor["id"], received_at="2026-06-01")
    gone_gift = new_donation(api, acme, donor["id"], received_at="2026-06-12")
    assert len(api.get(activity_path(donor["id"]), acme).json["data"]) == 4

    assert api.delete(f"/api/v1/contact-logs/{gone_log['id']}", acme).status_code == 204
    assert api.delete(f"/api/v1/donations/{gone_gift['id']}", acme).status_code == 204
    items = api.get(activity_path(donor["id"]), acme).json["data"]
    assert refs(items) == [("contact_log", keep_log["id"]), ("donation", keep_gift["id"])]


def test_moving_a_record_to_another_donor_moves_it_between_timelines(api, acme):
    jane = new_donor(api, acme)
    john = new_donor(api, acme, first_name="John")
    log = new_log(api, acme, jane["id"])
    gift = new_donation(api, acme, jane["id"])
    assert api.patch(f"/api/v1/contact-logs/{log['id']}", acme, {"donor_id": john["id"]}).status_code == 200
    assert api.patch(f"/api/v1/donations/{gift['id']}", acme, {"donor_id": john["id"]}).status_code == 200
    assert api.get(activity_path(jane["id"]), acme).json["data"] == []
    assert sorted(refs(api.get(activity_path(john["id"]), acme).json["data"])) == sorted(
        [("contact_log", log["id"]), ("donation", gift["id"])])


def test_changing_the_date_reorders_the_timeline(api, acme):
    donor = new_donor(api, acme)
    log = new_log(api, acme, donor["id"], occurred_at="2026-01-01T00:00:00.000Z")
    gift = new_donation(api, acme, donor["id"], received_at="2026-02-01")
    assert refs(api.get(activity_path(donor["id"]), acme).json["data"])[0] == ("donation", gift["id"])
    api.patch(f"/api/v1/contact-logs/{log['id']}", acme, {"occurred_at": "2026-03-01T00:00:00Z"})
    items = api.get(activity_path(donor["id"]), acme).json["data"]
    assert refs(items) == [("contact_log", log["id"]), ("donation", gift["id"])]
    assert items[0]["occurred_at"] == "2026-03-01T00:00:00.000Z"


def test_pagination_walks_every_entry_once_in_order(api, acme):
    donor = new_donor(api, acme)
    expected = []
    for day in range(1, 14):
        if day % 2:
            entry = new_log(api, acme, donor["id"], occurred_at=f"2026-03-{day:02d}T12:00:00.000Z")
            expected.append(("contact_log", entry["id"]))
        else:
            entry = new_donation(api, acme, donor["id"], received_at=f"2026-03-{day:02d}")
            expected.append(("donation", entry["id"]))
    expected.reverse()

    for limit in (1, 3, 5, 13, 25):
        items, pages = walk(api, acme, f"{activity_path(donor['id'])}?limit={limit}", pages=True)
        assert refs(items) == expected, limit
        assert len(pages) == max(1, -(-13 // limit)), limit  # no trailing empty page


def test_first_page_is_exactly_limit_items(api, acme):
    donor = new_donor(api, acme)
    for day in range(1, 6):
        new_log(api, acme, donor["id"], occurred_at=f"2026-03-{day:02d}T12:00:00.000Z")
    page = api.get(f"{activity_path(donor['id'])}?limit=2", acme).json
    assert len(page["data"]) == 2 and page["has_more"] is True
    assert all(i["type"] == "contact_log" for i in page["data"])


def test_unknown_donor_is_404(api, acme):
    for ref in ("999", "no-such-ref", "0", "-1"):
        response = api.get(activity_path(ref), acme)
        assert response.status_code == 404, ref
        assert response.headers["Content-Type"] == "application/problem+json"


def test_other_orgs_donor_is_404(api, acme, other):
    theirs = new_donor(api, other, external_id="their-ref")
    new_log(api, other, theirs["id"])
    assert api.get(activity_path(theirs["id"]), acme).status_code == 404
    assert api.get(activity_path("their-ref"), acme).status_code == 404
    assert len(api.get(activity_path(theirs["id"]), other).json["data"]) == 1


def test_deleted_donor_is_404(api, acme):
    donor = new_donor(api, acme)
    assert api.delete(f"/api/v1/donors/{donor['id']}", acme).status_code == 204
    assert api.get(activity_path(donor["id"]), acme).status_code == 404


def test_donor_by_external_id(api, acme):
    donor = new_donor(api, acme, external_id="cm3donor0001abc123xyz456")
    log = new_log(api, acme, "cm3donor0001abc123xyz456")
    gift = new_donation(api, acme, donor["id"], received_at="2026-06-20")
    by_ref = api.get(activity_path("cm3donor0001abc123xyz456"), acme)
    assert by_ref.status_code == 200
    assert refs(by_ref.json["data"]) == [("donation", gift["id"]), ("contact_log", log["id"])]
    assert by_ref.json == api.get(activity_path(donor["id"]), acme).json


def test_cursor_is_tied_to_the_donor_and_org(api, acme, other):
    jane = new_donor(api, acme)
    john = new_donor(api, acme, first_name="John")
    for day in range(1, 4):
        new_log(api, acme, jane["id"], occurred_at=f"2026-03-{day:02d}T12:00:00.000Z")
        new_log(api, acme, john["id"], occurred_at=f"2026-03-{day:02d}T12:00:00.000Z")
    theirs = new_donor(api, other)
    cursor = api.get(f"{activity_path(jane['id'])}?limit=1", acme).json["next_cursor"]
    assert cursor
    assert api.get(f"{activity_path(john['id'])}?limit=1&cursor={cursor}", acme).status_code == 400
    assert api.get(f"{activity_path(theirs['id'])}?limit=1&cursor={cursor}", other).status_code == 400
    assert api.get(f"{activity_path(jane['id'])}?limit=1&cursor=garbage", acme).status_code == 400


def test_activity_needs_only_a_read_key(api, acme):
    donor = new_donor(api, acme)
    assert api.get(activity_path(donor["id"]), acme, scope="READ").status_code == 200
    assert api.get(activity_path(donor["id"])).status_code == 401
