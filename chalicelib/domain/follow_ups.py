"""Follow-ups: the queue staff work through, and the sweep that raises what fell due.

The sweep (DESIGN.md §6, docs/follow-ups.md) reads only due entries from the sparse GSI3
and raises each once: it leases (entry, follow_up_at) with one conditional update, delivers
the `FollowUpDue` event and the SNS reminder, then records the raise. Overlapping or
repeated sweeps find the lease or the raise and skip; a sweep that dies between delivering
and recording is retried when its lease runs out, with the same event id, so a downstream
consumer can tell the duplicate. Moving `follow_up_at` re-arms the entry (contact_logs
drops SWEEP_STATE); completing, clearing or deleting it takes it out of GSI3.
"""
from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Callable
from zoneinfo import ZoneInfo

from .. import notify
from ..store import cursors
from ..store.context import due_index, records
from ..store.filters import Eq, Filter
from ..store.kinds import DONOR
from ..store.queries import Page
from . import organisations, timestamps
from .timestamps import OUT_OF_RANGE, format_timestamp, utcnow

log = logging.getLogger("donor_api.sweep")

# What the sweep keeps on an entry about its follow-up; a new date starts afresh.
SWEEP_STATE = ("follow_up_raised_for", "follow_up_raised_at", "raising_for", "raising_until", "raising_token")
# How many times the entry's follow_up_at has been changed: part of the event id, so a date
# moved away and back is a new follow-up to downstream consumers, not a duplicate.
ARMINGS = "follow_up_armings"
# How long a sweep may take between leasing a follow-up and recording its raise. Longer
# than any sweep Lambda's timeout, so a live sweep never loses its lease.
LEASE_SECONDS = 15 * 60
# The latest moment a sweep can run at: its lease must end by the last writable millisecond.
LATEST_SWEEP = datetime(9999, 12, 31, 23, 59, 59, 999000, timezone.utc) - timedelta(seconds=LEASE_SECONDS)
NOTES_EXCERPT_MAX = 200


# ---- the sweep -----------------------------------------------------------------------------

@dataclass
class SweepSummary:
    raised: int = 0
    skipped: int = 0      # already raised or leased by another sweep, moved, closed or deleted meanwhile
    failed: int = 0       # delivery failed: handed back, retried by the next sweep
    remaining: int = 0    # still due when this sweep ended (stopped for time, or failed)
    stopped_early: bool = False
    now: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"summary": True, **asdict(self)}


def sweep_moment(moment: datetime) -> datetime:
    """`moment`, if a sweep can run at it; ValueError if its lease would end after year 9999."""
    if moment > LATEST_SWEEP:
        raise ValueError(f"must be at most {format_timestamp(LATEST_SWEEP)}: a sweep's "
                         f"{LEASE_SECONDS // 60}-minute lease must end within year 9999")
    return moment


def sweep(now: datetime | None = None, *, should_stop: Callable[[], bool] = lambda: False,
          on_raised: Callable[[notify.Reminder], None] = lambda reminder: None) -> SweepSummary:
    """Raise every follow-up due at `now` (default: the current time) once."""
    moment = sweep_moment(now or utcnow())
    stamp = format_timestamp(moment)
    lease_until = format_timestamp(moment + timedelta(seconds=LEASE_SECONDS))
    summary = SweepSummary(now=stamp)
    names = _Names()
    index = due_index()
    for page in index.pages(stamp):
        for due in page:
            if should_stop():
                summary.stopped_early = True
                break
            entry, token = due.entry, uuid.uuid4().hex
            claimed = index.claim(due.org, entry["id"], entry["follow_up_at"], token=token, now=stamp,
                                  lease_until=lease_until)
            if claimed is None:
                summary.skipped += 1
                continue
            reminder = _reminder(due.org, claimed, stamp, names)
            try:
                notify.deliver(reminder)
            except notify.NotDelivered as exc:
                log.warning("follow-up %s not delivered, handed back: %s", reminder.event_id, exc)
                index.release(due.org, entry["id"], claimed["follow_up_at"], token=token)
                summary.failed += 1
                continue
            index.finish(due.org, entry["id"], claimed["follow_up_at"], token=token, raised_at=stamp)
            summary.raised += 1
            on_raised(reminder)
        if summary.stopped_early:
            break
    summary.remaining = index.count(stamp)
    return summary


def event_id(org: str, entry_id: int, follow_up_at: str, armings: int = 0) -> str:
    """The same for every raise of one follow-up (org, entry, date, how many times the date
    was set): a retried raise is detectable downstream, a re-armed one is not mistaken for it."""
    identity = f"{org}#{entry_id}#{follow_up_at}" + (f"#{armings}" if armings else "")
    return "fu_" + hashlib.sha256(identity.encode()).hexdigest()[:32]


class _Names:
    """Donor names for one sweep, each read once; team members come from the members cache."""

    def __init__(self) -> None:
        self._donors: dict[tuple[str, int], str] = {}

    def donor(self, org: str, donor_id: int) -> str:
        if (org, donor_id) not in self._donors:
            self._donors[(org, donor_id)] = display_name(records().get(org, DONOR, donor_id), donor_id)
        return self._donors[(org, donor_id)]

    def member(self, org: str, member_id: int | None) -> str | None:
        found = organisations.known_member(org, member_id)
        return f"{found['first_name']} {found['last_name']}" if found else None


def display_name(donor: dict[str, Any] | None, donor_id: int) -> str:
    if donor is None:
        return f"donor {donor_id}"
    if donor.get("is_org"):
        return donor["org_name"]
    return " ".join(p for p in (donor.get("first_name"), donor.get("last_name")) if p) or donor["sort_name"]


def _excerpt(notes: str | None) -> str | None:
    if not notes:
        return None
    flat = " ".join(notes.split())
    return flat if len(flat) <= NOTES_EXCERPT_MAX else flat[: NOTES_EXCERPT_MAX - 1] + "…"


def _reminder(org: str, entry: dict[str, Any], raised_at: str, names: _Names) -> notify.Reminder:
    donor_name = names.donor(org, entry["donor_id"])
    recorder_id = entry.get("recorded_by_id")
    recorder = names.member(org, recorder_id)
    identity = event_id(org, entry["id"], entry["follow_up_at"], entry.get(ARMINGS, 0))
    detail = {
        "event_id": identity,
        "organisation": org,
        "entry_id": str(entry["id"]),
        "donor_id": str(entry["donor_id"]),
        "donor_name": donor_name,
        "contact_method": entry["contact_method"],
        "occurred_at": entry["occurred_at"],
        "follow_up_at": entry["follow_up_at"],
        "notes_excerpt": _excerpt(entry.get("notes")),
        "recorded_by_id": None if recorder_id is None else str(recorder_id),
        "recorded_by_name": recorder,
        "raised_at": raised_at,
    }
    lines = [
        f"Follow-up due {entry['follow_up_at']} for {donor_name} (donor {entry['donor_id']}).",
        f"Last contact: {entry['contact_method'].lower()} on {entry['occurred_at']}"
        + (f", recorded by {recorder}." if recorder else "."),
    ]
    if detail["notes_excerpt"]:
        lines.append(f"Notes: {detail['notes_excerpt']}")
    lines.append(f"Organisation {org}, contact-log entry {entry['id']} (event {identity}).")
    return notify.Reminder(identity, org, detail, f"Follow-up due: {donor_name}", "\n".join(lines))


# ---- the queue -----------------------------------------------------------------------------

WINDOWS = ("overdue", "due_today", "upcoming")


@dataclass(frozen=True)
class Clock:
    """`now` and the end of today in the caller's time zone: the windows' boundaries."""
    now: str
    today_ends_at: str
    time_zone: str

    @classmethod
    def at(cls, moment: datetime, zone: ZoneInfo) -> "Clock":
        """ValueError if today in `zone` does not lie within the years 0001-9999 (in UTC)."""
        try:
            local = moment.astimezone(zone)
            tomorrow = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), zone)
            return cls(format_timestamp(moment), format_timestamp(tomorrow), zone.key)
        except OverflowError:
            raise ValueError(f"today in {zone.key} at {format_timestamp(moment)} {OUT_OF_RANGE}") from None

    def window_of(self, follow_up_at: str) -> str:
        if follow_up_at < self.now:
            return "overdue"
        return "due_today" if follow_up_at < self.today_ends_at else "upcoming"

    def bounds(self, window: str) -> tuple[str | None, str | None]:
        """GSI6SK bounds (`<follow_up_at>#<id>`): a bare timestamp sorts before every key
        with that date, so a high bound excludes its own date and a low bound includes it."""
        return {"overdue": (None, self.now),
                "due_today": (self.now, self.today_ends_at),
                "upcoming": (self.today_ends_at, None)}[window]


@dataclass
class Queue:
    page: Page
    counts: dict[str, int]
    clock: Clock


def _queue_binding(org: str) -> str:
    return f"follow-up-queue#{org}"


def resume(org: str, cursor: str | None) -> tuple[datetime, str | None]:
    """Where a page of the queue starts: `now` and no page cursor for a first page; a later
    page keeps its first page's `now`, so windows and counts stay put while paging. The queue
    cursor signs that `now` with the page cursor (store.cursors): neither can be edited."""
    if cursor is None:
        return timestamps.utcnow(), None   # looked up here, so tests can freeze it
    state = cursors.decode(cursor, _queue_binding(org))
    return timestamps.parse_timestamp(state["now"]), state["page"]


def queue(org: str, clock: Clock, *, window: str | None = None, due_after: str | None = None,
          due_before: str | None = None, donor_id: int | None = None, recorder_id: int | None = None,
          limit: int, cursor: str | None) -> Queue:
    """Open follow-ups by due time (GSI6), with how many fall in each window.

    `cursor` is the page cursor `resume` returned; the page's `next_cursor` is a queue
    cursor for `resume`, carrying `clock.now`.
    One Query for the page and one for the counts (only the due times, donor and recorder
    of the open follow-ups are read back)."""
    filters: list[Filter] = []
    if donor_id is not None:
        filters.append(Eq("donor_id", donor_id))
    if recorder_id is not None:
        filters.append(Eq("recorded_by_id", recorder_id))
    low, high = clock.bounds(window) if window else (due_after, due_before)
    page = due_index().queue(org, low=low, high=high, limit=limit, cursor=cursor, filters=tuple(filters))
    if page.next_cursor:
        page = replace(page, next_cursor=cursors.encode({"now": clock.now, "page": page.next_cursor},
                                                        _queue_binding(org)))
    counts = dict.fromkeys(WINDOWS, 0)
    for due in due_index().queue_due_times(org, filters=tuple(filters)):
        counts[clock.window_of(due)] += 1
    return Queue(page, counts, clock)
