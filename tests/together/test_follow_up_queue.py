"""The follow-up queue: `GET /api/v1/follow-ups` and the windows behind it.

Windows depend on "now" and the caller's time zone. Boundary cases are tested on
follow_ups.Clock / follow_ups.queue with fixed moments; route tests freeze the route's clock
(`timestamps.utcnow`, which the queue reads for the first page) so they are deterministic,
and one test uses the real clock and derives its expectations from the response.
"""
from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from chalicelib import auth
from chalicelib.domain import contact_logs, follow_ups, organisations, timestamps
from chalicelib.store import dynamo
from tests.conftest import assert_problem, new_donor, new_log, walk
from tests.store.test_follow_up_sweep import DynamoCalls, at, stamp  # noqa: F401

QUEUE = "/api/v1/follow-ups"
LOGS = "/api/v1/contact-logs"
ENTRY_FIELDS = {"id", "donor_id", "contact_method", "occurred_at", "notes", "follow_up_at",
                "follow_up_completed_at", "recorded_by_id", "follow_up_raised_at", "created_at", "updated_at"}
NOW = at("2026-11-22T20:00:00Z")  # 15:00 in New York, 21:00 in Berlin


def clock(moment: str | datetime, zone: str) -> follow_ups.Clock:
    return follow_ups.Clock.at(at(moment) if isinstance(moment, str) else moment, ZoneInfo(zone))


@pytest.fixture
def frozen(monkeypatch):
    """Freeze the clock the queue route reads; returns a setter to move it."""
    def set_now(moment: datetime) -> None:
        monkeypatch.setattr(timestamps, "utcnow", lambda: moment)
    set_now(NOW)
    return set_now


def get(api, org, query: str = "", *, scope: str = "WRITE"):
    return api.get(QUEUE + (f"?{query}" if query else ""), org, scope=scope)


def ids(response) -> list[str]:
    assert response.status_code == 200, response.body
    return [item["id"] for item in response.json["data"]]


# ---- Clock: the windows' boundaries --------------------------------------------------------

@pytest.mark.parametrize("moment, zone, today_ends_at", [
    ("2026-11-22T20:00:00Z", "UTC", "2026-11-23T00:00:00.000Z"),
    ("2026-11-22T20:00:00Z", "America/New_York", "2026-11-23T05:00:00.000Z"),
    ("2026-11-22T20:00:00Z", "Europe/Berlin", "2026-11-22T23:00:00.000Z"),
    ("2026-11-22T23:30:00Z", "Europe/Berlin", "2026-11-23T23:00:00.000Z"),   # already tomorrow there
    ("2026-11-22T20:00:00Z", "Asia/Kolkata", "2026-11-23T18:30:00.000Z"),     # +05:30
    ("2026-11-22T20:00:00Z", "Asia/Kathmandu", "2026-11-23T18:15:00.000Z"),   # +05:45
    ("2026-11-22T10:30:00Z", "Pacific/Kiritimati", "2026-11-23T10:00:00.000Z"),  # +14
    ("2026-11-22T10:30:00Z", "Pacific/Pago_Pago", "2026-11-22T11:00:00.000Z"),   # -11
    # US spring forward (2026-03-08 02:00 EST -> 03:00 EDT): a 23-hour day ends at EDT midnight.
    ("2026-03-08T06:30:00Z", "America/New_York", "2026-03-09T04:00:00.000Z"),
    ("2026-03-08T12:00:00Z", "America/New_York", "2026-03-09T04:00:00.000Z"),
    ("2026-03-07T12:00:00Z", "America/New_York", "2026-03-08T05:00:00.000Z"),
    # US fall back (2026-11-01 02:00 EDT -> 01:00 EST): 01:30 happens twice; a 25-hour day.
    ("2026-11-01T05:30:00Z", "America/New_York", "2026-11-02T05:00:00.000Z"),
    ("2026-11-01T06:30:00Z", "America/New_York", "2026-11-02T05:00:00.000Z"),
    ("2026-11-01T03:00:00Z", "America/New_York", "2026-11-01T04:00:00.000Z"),  # still Oct 31 there
    # EU spring forward (2026-03-29 01:00 UTC).
    ("2026-03-28T23:30:00Z", "Europe/Berlin", "2026-03-29T22:00:00.000Z"),
    ("2026-03-29T00:30:00Z", "Europe/Berlin", "2026-03-29T22:00:00.000Z"),
    # Chile springs forward at midnight: 2026-09-06 00:00 does not exist; the day ends at 01:00 -03.
    ("2026-09-05T20:00:00Z", "America/Santiago", "2026-09-06T04:00:00.000Z"),
    ("2026-09-06T12:00:00Z", "America/Santiago", "2026-09-07T03:00:00.000Z"),
    # ...and falls back at midnight: 23:00-24:00 on 2026-04-04 happens twice; that day ends once.
    ("2026-04-05T02:30:00Z", "America/Santiago", "2026-04-05T04:00:00.000Z"),   # 23:30 -03
    ("2026-04-05T03:30:00Z", "America/Santiago", "2026-04-05T04:00:00.000Z"),   # 23:30 -04
    ("2026-04-05T04:30:00Z", "America/Santiago", "2026-04-06T04:00:00.000Z"),
])
def test_today_ends_at_the_next_local_midnight(moment, zone, today_ends_at):
    found = clock(moment, zone)
    assert found.now == stamp(at(moment))
    assert found.today_ends_at == today_ends_at
    assert found.time_zone == zone


def test_windows_never_overlap_at_their_boundaries():
    c = clock("2026-11-22T20:00:00.000Z", "America/New_York")
    assert c.window_of("2026-11-22T19:59:59.999Z") == "overdue"
    assert c.window_of("2026-11-22T20:00:00.000Z") == "due_today"      # due now is not overdue yet
    assert c.window_of("2026-11-23T04:59:59.999Z") == "due_today"
    assert c.window_of("2026-11-23T05:00:00.000Z") == "upcoming"
    assert c.window_of("2000-01-01T00:00:00.000Z") == "overdue"
    assert c.window_of("2999-01-01T00:00:00.000Z") == "upcoming"


@pytest.mark.parametrize("zone, window", [
    ("America/New_York", "due_today"),   # 18:30 local: still today
    ("America/Los_Angeles", "due_today"),
    ("UTC", "due_today"),
    ("Europe/Berlin", "upcoming"),       # 00:30 tomorrow local
    ("Asia/Tokyo", "due_today"),         # 08:30 local on the 23rd, and it is already the 23rd there
    ("Pacific/Pago_Pago", "due_today"),
])
def test_a_follow_up_at_23_30_utc_falls_in_the_zones_own_today(zone, window):
    c = clock("2026-11-22T20:00:00Z", zone)
    assert c.window_of("2026-11-22T23:30:00.000Z") == window
    assert clock("2026-11-22T23:45:00Z", zone).window_of("2026-11-22T23:30:00.000Z") == "overdue"


def test_on_a_25_hour_day_the_repeated_hour_is_still_today():
    c = clock("2026-11-01T05:30:00Z", "America/New_York")  # 01:30 EDT, the first time round
    assert c.window_of("2026-11-01T06:30:00.000Z") == "due_today"   # 01:30 EST, an hour later
    assert c.window_of("2026-11-02T04:59:59.999Z") == "due_today"   # 23:59:59.999 EST
    assert c.window_of("2026-11-02T05:00:00.000Z") == "upcoming"


# ---- the queue service with a fixed clock ---------------------------------------------------

@pytest.fixture
def queued(api, acme) -> dict[str, Any]:
    """Open follow-ups across three donors (created out of order), plus entries that are not
    in the queue. `order` is the queue's expected order."""
    donors = {name: new_donor(api, acme, first_name=name, external_id=f"ext-{name.lower()}")
              for name in ("Ann", "Bob", "Cy")}
    plan = [  # (name, donor, follow_up_at), deliberately not in due order
        ("e7", "Ann", "2027-01-01T00:00:00.000Z"),
        ("e3", "Cy", "2026-11-22T20:00:00.000Z"),
        ("e1", "Bob", "2026-11-20T09:00:00.000Z"),
        ("e6", "Cy", "2026-11-23T05:00:00.000Z"),
        ("e4", "Ann", "2026-11-22T23:30:00.000Z"),
        ("e8", "Bob", "2027-01-01T00:00:00.000Z"),   # ties with e7, created later: after it
        ("e2", "Ann", "2026-11-22T19:59:59.999Z"),
        ("e5", "Bob", "2026-11-23T04:59:59.999Z"),
    ]
    entries = {name: new_log(api, acme, donors[who]["id"], follow_up_at=due) for name, who, due in plan}
    not_queued = [
        new_log(api, acme, donors["Ann"]["id"]),
        new_log(api, acme, donors["Bob"]["id"], follow_up_at="2026-11-21T00:00:00Z",
                follow_up_completed_at="2026-11-21T01:00:00Z"),
    ]
    order = [entries[f"e{n}"]["id"] for n in range(1, 9)]
    return {"donors": donors, "entries": entries, "order": order, "not_queued": not_queued}


def _names(queued: dict, found_ids: list[str]) -> list[str]:
    by_id = {entry["id"]: name for name, entry in queued["entries"].items()}
    return [by_id[i] for i in found_ids]


@pytest.mark.parametrize("zone, windows", [
    ("America/New_York", {"overdue": ["e1", "e2"], "due_today": ["e3", "e4", "e5"], "upcoming": ["e6", "e7", "e8"]}),
    ("Europe/Berlin", {"overdue": ["e1", "e2"], "due_today": ["e3"], "upcoming": ["e4", "e5", "e6", "e7", "e8"]}),
    ("UTC", {"overdue": ["e1", "e2"], "due_today": ["e3", "e4"], "upcoming": ["e5", "e6", "e7", "e8"]}),
])
def test_queue_service_windows_and_counts_with_a_fixed_clock(queued, zone, windows):
    c = follow_ups.Clock.at(NOW, ZoneInfo(zone))
    everything = follow_ups.queue("acme", c, limit=100, cursor=None)
    assert _names(queued, [str(e["id"]) for e in everything.page.items]) == [f"e{n}" for n in range(1, 9)]
    assert everything.counts == {name: len(members) for name, members in windows.items()}
    for window, members in windows.items():
        found = follow_ups.queue("acme", c, window=window, limit=100, cursor=None)
        assert _names(queued, [str(e["id"]) for e in found.page.items]) == members
        assert found.counts == everything.counts  # counts ignore the window


# ---- the route: order, windows, counts ------------------------------------------------------

def test_queue_lists_open_follow_ups_earliest_first_across_donors(api, acme, queued, frozen):
    response = get(api, acme, "tz=America/New_York")
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"] == "application/json"
    body = response.json
    assert set(body) == {"data", "has_more", "next_cursor", "counts", "now", "today_ends_at", "time_zone"}
    assert [item["id"] for item in body["data"]] == queued["order"]
    assert body["has_more"] is False and body["next_cursor"] is None
    assert body["now"] == "2026-11-22T20:00:00.000Z"
    assert body["today_ends_at"] == "2026-11-23T05:00:00.000Z"
    assert body["time_zone"] == "America/New_York"
    assert body["counts"] == {"overdue": 2, "due_today": 3, "upcoming": 3}
    assert [item["window"] for item in body["data"]] == ["overdue"] * 2 + ["due_today"] * 3 + ["upcoming"] * 3
    first = body["data"][0]
    assert set(first) == ENTRY_FIELDS | {"window"}
    # Each item is the entry as the contact-logs route renders it, plus its window.
    entry = api.get(f"{LOGS}/{first['id']}", acme).json
    assert {k: v for k, v in first.items() if k != "window"} == entry
    assert [i["follow_up_at"] for i in body["data"]] == sorted(i["follow_up_at"] for i in body["data"])
    assert len({i["donor_id"] for i in body["data"]}) == 3


def test_default_time_zone_is_utc(api, acme, queued, frozen):
    body = get(api, acme).json
    assert body["time_zone"] == "UTC" and body["today_ends_at"] == "2026-11-23T00:00:00.000Z"
    assert body["counts"] == {"overdue": 2, "due_today": 2, "upcoming": 4}


@pytest.mark.parametrize("zone, expected", [
    ("America/New_York", {"overdue": ["e1", "e2"], "due_today": ["e3", "e4", "e5"], "upcoming": ["e6", "e7", "e8"]}),
    ("Europe/Berlin", {"overdue": ["e1", "e2"], "due_today": ["e3"], "upcoming": ["e4", "e5", "e6", "e7", "e8"]}),
])
def test_each_window_holds_its_follow_ups_and_the_counts_stay_whole(api, acme, queued, frozen, zone, expected):
    seen: list[str] = []
    for window, members in expected.items():
        response = get(api, acme, f"window={window}&tz={zone}")
        assert _names(queued, ids(response)) == members
        assert {item["window"] for item in response.json["data"]} == {window}
        assert response.json["counts"] == {name: len(m) for name, m in expected.items()}
        seen += ids(response)
    assert sorted(seen) == sorted(queued["order"])  # together the windows hold the whole queue


def test_queue_on_the_real_clock(api, acme, donor):
    """No frozen clock: pick a zone where it is not close to midnight, so a follow-up due in
    five minutes is due today there, and check every window against the response's clock."""
    real_now = datetime.now(timezone.utc)
    zone = next(name for name in ("UTC", "Asia/Tokyo", "America/Los_Angeles", "Asia/Kolkata", "Europe/Berlin")
                if 1 <= real_now.astimezone(ZoneInfo(name)).hour <= 22)
    soon = new_log(api, acme, donor["id"], follow_up_at=stamp(real_now + timedelta(minutes=5)))
    past = new_log(api, acme, donor["id"], follow_up_at=stamp(real_now - timedelta(days=3)))
    later = new_log(api, acme, donor["id"], follow_up_at=stamp(real_now + timedelta(days=400)))

    body = get(api, acme, f"tz={zone}").json
    assert body["now"] >= stamp(real_now) and body["time_zone"] == zone
    assert body["now"] < soon["follow_up_at"] < body["today_ends_at"]
    assert [i["id"] for i in body["data"]] == [past["id"], soon["id"], later["id"]]
    assert [i["window"] for i in body["data"]] == ["overdue", "due_today", "upcoming"]
    assert body["counts"] == {"overdue": 1, "due_today": 1, "upcoming": 1}
    local_end = datetime.fromisoformat(body["today_ends_at"].replace("Z", "+00:00")).astimezone(ZoneInfo(zone))
    assert (local_end.hour, local_end.minute, local_end.second) == (0, 0, 0)


# ---- due_after / due_before --------------------------------------------------------------

def test_due_after_is_inclusive_and_due_before_exclusive(api, acme, queued, frozen):
    entries = queued["entries"]
    response = get(api, acme, "due_after=2026-11-22T20:00:00Z&due_before=2026-11-23T05:00:00Z")
    assert _names(queued, ids(response)) == ["e3", "e4", "e5"]
    assert _names(queued, ids(get(api, acme, "due_after=2026-11-23T05:00:00.000Z"))) == ["e6", "e7", "e8"]
    assert _names(queued, ids(get(api, acme, "due_before=2026-11-22T20:00:00.000Z"))) == ["e1", "e2"]
    assert _names(queued, ids(get(api, acme, "due_before=2027-01-01T00:00:00.001Z"))) == \
        [f"e{n}" for n in range(1, 9)]
    assert ids(get(api, acme, f"due_after={quote(entries['e7']['follow_up_at'])}"
                              f"&due_before={quote(entries['e7']['follow_up_at'])}")) == []
    # Counts stay the window counts of the whole queue.
    assert response.json["counts"] == {"overdue": 2, "due_today": 2, "upcoming": 4}


def test_bare_dates_are_midnight_in_the_time_zone(api, acme, queued, frozen):
    # 2026-11-23 in New York starts at 05:00Z: e5 (04:59:59.999Z) is before it, e6 at it.
    assert _names(queued, ids(get(api, acme, "due_before=2026-11-23&tz=America/New_York"))) == \
        ["e1", "e2", "e3", "e4", "e5"]
    assert _names(queued, ids(get(api, acme, "due_after=2026-11-23&tz=America/New_York"))) == ["e6", "e7", "e8"]
    # In Berlin the same date starts at 2026-11-22T23:00Z.
    assert _names(queued, ids(get(api, acme, "due_after=2026-11-23&tz=Europe/Berlin"))) == \
        ["e4", "e5", "e6", "e7", "e8"]
    # Without tz, UTC.
    assert _names(queued, ids(get(api, acme, "due_after=2026-11-23&due_before=2026-11-24"))) == ["e5", "e6"]
    # An offset in the value wins over tz.
    assert _names(queued, ids(get(api, acme, "due_after=2026-11-23T00%3A00%3A00%2B01%3A00&tz=America/New_York"))) == \
        ["e4", "e5", "e6", "e7", "e8"]


def test_follow_ups_due_before_year_1000_are_overdue_and_first(api, acme, donor, frozen):
    made = {due: new_log(api, acme, donor["id"], follow_up_at=due)["id"]
            for due in ("2026-11-23T09:00:00Z", "0999-06-02T00:00:00Z", "2026-11-20T00:00:00Z",
                        "0226-06-11T00:00:00Z", "0001-01-01T00:00:00Z")}
    body = get(api, acme).json
    assert [i["follow_up_at"] for i in body["data"]] == [
        "0001-01-01T00:00:00.000Z", "0226-06-11T00:00:00.000Z", "0999-06-02T00:00:00.000Z",
        "2026-11-20T00:00:00.000Z", "2026-11-23T09:00:00.000Z"]
    assert [i["window"] for i in body["data"]] == ["overdue"] * 4 + ["upcoming"]
    assert body["counts"] == {"overdue": 4, "due_today": 0, "upcoming": 1}
    assert ids(get(api, acme, "window=overdue")) == [made[d] for d in ("0001-01-01T00:00:00Z", "0226-06-11T00:00:00Z",
                                                                       "0999-06-02T00:00:00Z", "2026-11-20T00:00:00Z")]
    assert ids(get(api, acme, "due_after=0999-01-01&due_before=2026-01-01")) == [made["0999-06-02T00:00:00Z"]]
    assert ids(get(api, acme, "due_before=0226-06-11T00:00:00.001Z")) == [made["0001-01-01T00:00:00Z"],
                                                                          made["0226-06-11T00:00:00Z"]]


# ---- filters ----------------------------------------------------------------------------

def test_donor_filter_by_id_or_external_id_and_counts_follow_it(api, acme, queued, frozen):
    ann = queued["donors"]["Ann"]
    by_id = get(api, acme, f"donor_id={ann['id']}&tz=America/New_York")
    assert _names(queued, ids(by_id)) == ["e2", "e4", "e7"]
    assert by_id.json["counts"] == {"overdue": 1, "due_today": 1, "upcoming": 1}
    by_external = get(api, acme, "donor_id=ext-ann&tz=America/New_York")
    assert by_external.json == by_id.json
    windowed = get(api, acme, "donor_id=ext-ann&tz=America/New_York&window=upcoming")
    assert _names(queued, ids(windowed)) == ["e7"]
    assert windowed.json["counts"] == by_id.json["counts"]


def test_unknown_donor_external_id_is_404_and_unknown_id_is_an_empty_queue(api, acme, queued, frozen):
    assert_problem(get(api, acme, "donor_id=no-such-donor"), 404)
    empty = get(api, acme, "donor_id=987654")
    assert empty.status_code == 200
    assert empty.json["data"] == [] and empty.json["counts"] == {"overdue": 0, "due_today": 0, "upcoming": 0}


def test_recorder_filter_and_counts_follow_it(api, acme, donor, frozen):
    ada = organisations.add_member("acme", first_name="Ada", last_name="L", email="ada@acme.example")
    bob = organisations.add_member("acme", first_name="Bob", last_name="M", email="bob@acme.example")

    ada_key = auth.create_key("acme", auth.WRITE, label="Ada", team_member_id=ada["id"])[0]

    def logged_by(member, due):
        """An entry a team member recorded (as a CRM's screens record it); None: one created
        over the API, with Ada's key, which records nobody (the seed: null over the API)."""
        fields = {"donor_id": int(donor["id"]), "contact_method": "PHONE",
                  "occurred_at": "2026-11-01T00:00:00.000Z", "follow_up_at": due}
        if member:
            return contact_logs.create("acme", {**fields, "recorded_by_id": member["id"]}).record
        response = api.post(LOGS, acme, {**fields, "donor_id": donor["id"]},
                            headers={"Authorization": f"Bearer {ada_key}"})
        assert response.status_code == 201, response.body
        assert response.json["recorded_by_id"] is None
        return {**response.json, "id": int(response.json["id"])}

    a1 = logged_by(ada, "2026-11-20T00:00:00.000Z")
    b1 = logged_by(bob, "2026-11-21T00:00:00.000Z")
    a2 = logged_by(ada, "2026-11-22T21:00:00.000Z")
    logged_by(None, "2026-11-22T21:30:00.000Z")
    a3 = logged_by(ada, "2026-12-25T00:00:00.000Z")

    mine = get(api, acme, f"recorded_by_id={ada['id']}")
    assert ids(mine) == [str(a1["id"]), str(a2["id"]), str(a3["id"])]
    assert {i["recorded_by_id"] for i in mine.json["data"]} == {str(ada["id"])}
    assert mine.json["counts"] == {"overdue": 1, "due_today": 1, "upcoming": 1}
    assert ids(get(api, acme, f"recorded_by_id={bob['id']}")) == [str(b1["id"])]
    nobody = get(api, acme, "recorded_by_id=4242")
    assert nobody.status_code == 200 and nobody.json["data"] == []
    assert nobody.json["counts"] == {"overdue": 0, "due_today": 0, "upcoming": 0}
    both = get(api, acme, f"recorded_by_id={ada['id']}&donor_id={donor['id']}&window=overdue")
    assert ids(both) == [str(a1["id"])]
    assert both.json["counts"] == mine.json["counts"]
    assert get(api, acme).json["counts"] == {"overdue": 2, "due_today": 2, "upcoming": 1}


# ---- pages -------------------------------------------------------------------------------

def test_pages_keep_the_first_pages_now_and_counts(api, acme, queued, frozen):
    items, pages = walk(api, acme, f"{QUEUE}?limit=3&tz=America/New_York", pages=True)
    assert [i["id"] for i in items] == queued["order"]
    assert [len(p["data"]) for p in pages] == [3, 3, 2]
    assert {p["now"] for p in pages} == {"2026-11-22T20:00:00.000Z"}
    assert all(p["counts"] == {"overdue": 2, "due_today": 3, "upcoming": 3} for p in pages)


def test_a_later_page_keeps_its_windows_while_the_clock_moves_on(api, acme, queued, frozen):
    first = get(api, acme, "limit=2&tz=America/New_York&window=due_today")
    assert _names(queued, ids(first)) == ["e3", "e4"]
    frozen(NOW + timedelta(hours=10))   # by now e3..e6 are overdue and it is tomorrow in New York
    second = get(api, acme, f"limit=2&tz=America/New_York&window=due_today&cursor={first.json['next_cursor']}")
    assert _names(queued, ids(second)) == ["e5"]
    assert second.json["now"] == first.json["now"] == "2026-11-22T20:00:00.000Z"
    assert second.json["today_ends_at"] == "2026-11-23T05:00:00.000Z"
    assert [i["window"] for i in second.json["data"]] == ["due_today"]
    assert second.json["counts"] == first.json["counts"]
    fresh = get(api, acme, "tz=America/New_York&window=due_today")
    assert fresh.json["now"] == stamp(NOW + timedelta(hours=10)) and ids(fresh) == []


def test_pages_of_a_window_whose_now_has_whole_milliseconds(api, acme, donor, frozen):
    # At this moment `now.timestamp() * 1000` comes out a hair under the whole number of
    # milliseconds in floating point; the cursor must still carry the first page's now exactly.
    moment = at("2004-03-07T10:35:35.554Z")
    frozen(moment)
    for due in ("2004-03-07T08:00:00Z", "2004-03-07T09:00:00Z", "2004-03-07T10:00:00Z"):
        new_log(api, acme, donor["id"], follow_up_at=due)
    items, pages = walk(api, acme, f"{QUEUE}?limit=1&window=overdue", pages=True)
    assert [i["follow_up_at"] for i in items] == ["2004-03-07T08:00:00.000Z", "2004-03-07T09:00:00.000Z",
                                                 "2004-03-07T10:00:00.000Z"]
    assert {p["now"] for p in pages} == {"2004-03-07T10:35:35.554Z"}


def test_a_cursor_only_continues_its_own_list(api, acme, other, queued, frozen):
    donor = new_donor(api, other)
    for due in ("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"):
        new_log(api, other, donor["id"], follow_up_at=due)
    mine = get(api, acme, "limit=2").json["next_cursor"]
    theirs = get(api, other, "limit=2").json["next_cursor"]
    windowed = get(api, acme, "limit=1&window=overdue").json["next_cursor"]
    assert mine and theirs and windowed

    assert_problem(get(api, acme, f"limit=2&cursor={theirs}"), 400, "cursor")
    assert_problem(get(api, other, f"limit=2&cursor={mine}"), 400, "cursor")
    assert_problem(get(api, acme, f"limit=1&window=upcoming&cursor={windowed}"), 400, "cursor")
    assert_problem(get(api, acme, f"limit=2&donor_id={queued['donors']['Ann']['id']}&cursor={mine}"), 400, "cursor")
    assert_problem(get(api, acme, f"limit=2&due_after=2026-01-01&cursor={mine}"), 400, "cursor")
    for forged in ("garbage", "123", "abc.def", f"x{mine}", mine[:-2], "1795377600000." + mine,
                   "99999999999999999.AAAA"):
        assert_problem(get(api, acme, f"limit=2&cursor={quote(forged)}"), 400, "cursor")
    assert get(api, acme, f"limit=2&cursor={mine}").status_code == 200


def _edited(cursor: str, old: str, new: str) -> str:
    """The cursor with `old` replaced by `new` inside its payload, signature kept."""
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    assert old.encode() in raw
    return base64.urlsafe_b64encode(raw.replace(old.encode(), new.encode())).decode().rstrip("=")


def test_no_character_of_a_queue_cursor_can_be_edited(api, acme, queued, frozen):
    first = get(api, acme, "limit=3")
    cursor = first.json["next_cursor"]
    # Every leading character (where a readable `now` would be) and a spread of the rest;
    # not the last, whose low bits base64 may not use.
    positions = sorted(set(range(16)) | set(range(16, len(cursor) - 1, 7)))
    for position in positions:
        other = "1" if cursor[position] != "1" else "2"
        edited = cursor[:position] + other + cursor[position + 1:]
        assert_problem(get(api, acme, f"limit=3&cursor={quote(edited)}"), 400, "cursor")
    assert get(api, acme, f"limit=3&cursor={cursor}").json["now"] == first.json["now"]


@pytest.mark.parametrize("edited_now", ["1970-01-01T00:00:00.000Z", "2036-11-22T20:00:00.000Z",
                                        "9999-12-31T23:59:59.999Z"])
def test_the_now_a_cursor_carries_cannot_be_edited(api, acme, queued, frozen, edited_now):
    first = get(api, acme, "limit=3")
    assert first.json["now"] == "2026-11-22T20:00:00.000Z"
    cursor = first.json["next_cursor"]
    epoch_ms = str((NOW - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(milliseconds=1))
    assert "2026" not in cursor and epoch_ms not in cursor   # opaque: no readable now
    edited = _edited(cursor, first.json["now"], edited_now)
    assert_problem(get(api, acme, f"limit=3&cursor={edited}"), 400, "cursor")
    assert_problem(get(api, acme, f"limit=3&cursor={edited}&tz=Pacific/Kiritimati"), 400, "cursor")
    second = get(api, acme, f"limit=3&cursor={cursor}")
    assert second.json["now"] == first.json["now"]
    assert second.json["counts"] == first.json["counts"] == {"overdue": 2, "due_today": 2, "upcoming": 4}


# ---- what is in the queue ----------------------------------------------------------------

def test_closed_follow_ups_leave_the_queue_and_raised_ones_stay(api, acme, queued, frozen):
    entries = queued["entries"]
    body = get(api, acme, "tz=America/New_York").json
    assert body["counts"] == {"overdue": 2, "due_today": 3, "upcoming": 3}
    assert not {e["id"] for e in queued["not_queued"]} & {i["id"] for i in body["data"]}

    # Raised (by a sweep at the frozen now): still open, so still queued, with its raise.
    summary = follow_ups.sweep(NOW)
    assert summary.raised == 3   # e1, e2 and e3 (due exactly now)
    body = get(api, acme, "tz=America/New_York").json
    assert [i["id"] for i in body["data"]] == queued["order"]
    raised = {i["id"]: i["follow_up_raised_at"] for i in body["data"]}
    assert {n: raised[entries[n]["id"]] for n in ("e1", "e2", "e3")} == dict.fromkeys(("e1", "e2", "e3"), summary.now)
    assert raised[entries["e4"]["id"]] is None

    def path(name):
        return f"{LOGS}/{entries[name]['id']}"
    assert api.patch(path("e1"), acme, {"follow_up_completed_at": "2026-11-22T19:00:00Z"}).status_code == 200
    assert api.patch(path("e4"), acme, {"follow_up_at": None}).status_code == 200
    assert api.delete(path("e7"), acme).status_code == 204
    body = get(api, acme, "tz=America/New_York").json
    assert _names(queued, [i["id"] for i in body["data"]]) == ["e2", "e3", "e5", "e6", "e8"]
    assert body["counts"] == {"overdue": 1, "due_today": 2, "upcoming": 2}

    # Moving a follow-up moves it in the queue (and re-opens a completed one).
    moved = api.patch(path("e1"), acme, {"follow_up_at": "2028-01-01T00:00:00Z"})
    assert moved.status_code == 200 and moved.json["follow_up_completed_at"] is None
    body = get(api, acme, "tz=America/New_York").json
    assert _names(queued, [i["id"] for i in body["data"]]) == ["e2", "e3", "e5", "e6", "e8", "e1"]
    assert body["data"][-1]["follow_up_raised_at"] is None and body["data"][-1]["window"] == "upcoming"


def test_another_organisations_follow_ups_never_appear(api, acme, other, queued, frozen):
    donor = new_donor(api, other)
    theirs = new_log(api, other, donor["id"], follow_up_at="2026-11-22T21:00:00Z")
    mine = get(api, acme)
    assert ids(mine) == queued["order"]
    assert {i["donor_id"] for i in mine.json["data"]} == {d["id"] for d in queued["donors"].values()}
    assert get(api, other).json["data"] == [{**api.get(f"{LOGS}/{theirs['id']}", other).json, "window": "due_today"}]
    assert get(api, other).json["counts"] == {"overdue": 0, "due_today": 1, "upcoming": 0}
    # acme's donors mean nothing in the other org (its only donor has another id).
    cy = queued["donors"]["Cy"]["id"]
    assert cy != donor["id"]
    assert get(api, other, f"donor_id={cy}").json["data"] == []
    assert_problem(get(api, other, "donor_id=ext-ann"), 404)


def test_a_read_key_may_list_the_queue_and_no_key_may_not(api, acme, queued, frozen):
    assert ids(get(api, acme, "tz=UTC", scope="READ")) == queued["order"]
    assert_problem(api.get(QUEUE), 401)
    assert_problem(api.get(QUEUE, headers={"Authorization": "Bearer dr_nope_not-a-key-at-all"}), 401)


def test_an_empty_queue(api, acme, frozen):
    body = get(api, acme, "tz=Europe/Berlin").json
    assert body == {"data": [], "has_more": False, "next_cursor": None,
                    "counts": {"overdue": 0, "due_today": 0, "upcoming": 0},
                    "now": "2026-11-22T20:00:00.000Z", "today_ends_at": "2026-11-22T23:00:00.000Z",
                    "time_zone": "Europe/Berlin"}


# ---- bad requests ------------------------------------------------------------------------

@pytest.mark.parametrize("query, field", [
    ("tz=Mars/Olympus_Mons", "tz"),
    ("tz=../../etc/passwd", "tz"),
    ("tz=/etc/passwd", "tz"),
    ("tz=America/../../../etc/passwd", "tz"),
    ("tz=", "tz"),
    ("tz=" + "A" * 80, "tz"),
    ("window=soon", "window"),
    ("window=OVERDUE", "window"),
    ("window=overdue&due_after=2026-01-01", "window"),
    ("window=upcoming&due_before=2026-01-01T00:00:00Z", "window"),
    ("due_after=2026-02-01&due_before=2026-01-01", "due_after"),
    ("due_after=2026-13-01", "due_after"),
    ("due_after=2026-02-30", "due_after"),
    ("due_after=tomorrow", "due_after"),
    ("due_before=2026-06-10T02:00:00", "due_before"),   # no zone
    ("due_before=", "due_before"),
    ("recorded_by_id=abc", "recorded_by_id"),
    ("recorded_by_id=0", "recorded_by_id"),
    ("recorded_by_id=-1", "recorded_by_id"),
    ("recorded_by_id=1.5", "recorded_by_id"),
    ("recorded_by_id=", "recorded_by_id"),
    ("limit=0", "limit"),
    ("limit=101", "limit"),
    ("limit=ten", "limit"),
    ("status=open", "status"),
    ("follow_up=open", "follow_up"),
    ("window=overdue&window=upcoming", "window"),
    ("tz=UTC&tz=UTC", "tz"),
    ("cursor=not-a-cursor", "cursor"),
    # Dates and cursors at the ends of the years 0001-9999 (were 500: OverflowError).
    ("due_after=0001-01-01&tz=Asia/Tokyo", "due_after"),      # 0001-01-01 00:00 in Tokyo is year 0 in UTC
    ("due_before=0001-01-01&tz=Asia/Tokyo", "due_before"),
    ("due_after=0001-01-01T00:00:00%2B01:00", "due_after"),
    ("cursor=253402300799999.x", "cursor"),                    # now = 9999-12-31T23:59:59.999Z
    ("cursor=253402214400000.x&tz=Pacific/Kiritimati", "cursor"),
])
def test_bad_parameters_are_400_naming_the_field(api, acme, frozen, query, field):
    assert_problem(get(api, acme, query), 400, field)


def test_dates_at_the_ends_of_the_years_that_fit_are_accepted(api, acme, donor, frozen):
    first = new_log(api, acme, donor["id"], follow_up_at="0001-01-01T12:00:00Z")["id"]
    last = new_log(api, acme, donor["id"], follow_up_at="9999-12-31T12:00:00Z")["id"]
    assert ids(get(api, acme, "due_after=0001-01-01&tz=America/New_York")) == [first, last]
    assert ids(get(api, acme, "due_before=9999-12-31&tz=Pacific/Kiritimati")) == [first]
    assert ids(get(api, acme, "due_after=9999-12-31&tz=Pacific/Pago_Pago")) == [last]   # 11:00Z
    assert ids(get(api, acme, "due_after=9999-12-31T12:00:00.001Z")) == []


def test_due_after_equal_to_due_before_is_an_empty_range_not_an_error(api, acme, queued, frozen):
    response = get(api, acme, "due_after=2026-11-22T20:00:00Z&due_before=2026-11-22T20:00:00Z")
    assert response.status_code == 200 and response.json["data"] == []


# ---- cost --------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["", "window=due_today&tz=America/New_York", "donor_id={ann}&limit=2",
                                   "recorded_by_id=3&due_after=2026-01-01"])
def test_a_page_costs_two_queries_on_the_queue_index_and_no_scan(api, acme, queued, frozen, query):
    api.get(QUEUE, acme)  # the key is verified (and cached) before counting
    calls = DynamoCalls()
    scans: list[Any] = []
    dynamo.client().meta.events.register("before-call.dynamodb.Scan", lambda **kw: scans.append(kw))
    response = get(api, acme, query.format(ann=queued["donors"]["Ann"]["id"]))
    assert response.status_code == 200, response.body
    assert scans == []
    queries = calls.of("Query")
    assert len(queries) == 2
    assert {q["index"] for q in queries} == {"GSI6"}
    assert set(calls.operations()) <= {"Query", "GetItem"}


def test_a_donor_external_id_costs_one_more_read(api, acme, queued, frozen):
    api.get(QUEUE, acme)
    calls = DynamoCalls()
    assert get(api, acme, "donor_id=ext-bob").status_code == 200
    assert calls.operations() == {"Query": 2, "GetItem": 1}


def test_other_tenants_data_is_not_read(api, acme, other, queued, frozen):
    donor = new_donor(api, other)
    for day in range(1, 21):
        new_log(api, other, donor["id"], follow_up_at=f"2026-10-{day:02d}T00:00:00Z")
    calls = DynamoCalls()
    assert get(api, acme).status_code == 200
    queries = calls.of("Query")
    assert sum(q["scanned"] for q in queries) == 2 * len(queued["order"])
