"""Contact-log entries: the contacts staff had with a donor, with an optional follow-up.

An entry may also carry an `activity_type`, a finer kind than its contact method (the
vocabulary of Givebutter's contact activities: a `volunteer_activity` is an `OTHER`
contact), and a `subject` and `timezone`. The type always agrees with the method: a new
type moves the method, and a method moved away from the type drops the type.
"""
from __future__ import annotations

from typing import Any

from ..store.context import records
from ..store.filters import Eq, Filter
from ..store.kinds import CONTACT_LOG, DONOR
from ..store.queries import Page
from . import donors, follow_ups, lifecycle
from ..errors import NotFound, ValidationFailed

LABEL = CONTACT_LOG.label
METHODS = ("PHONE", "MEETING", "EMAIL", "LETTER", "SMS", "OTHER")
NOTES_MAX = 5000
SUBJECT_MAX = 255
TIMEZONE_MAX = 255
EDITABLE = ("donor_id", "contact_method", "occurred_at", "notes", "follow_up_at", "follow_up_completed_at",
            "activity_type", "subject", "timezone")

# Each activity type is a kind of one contact method...
ACTIVITY_TYPE_METHODS = {
    "email": "EMAIL",
    "meeting": "MEETING",
    "note": "OTHER",
    "phone_call": "PHONE",
    "sms": "SMS",
    "completed_task": "OTHER",
    "volunteer_activity": "OTHER",
}
ACTIVITY_TYPES = tuple(ACTIVITY_TYPE_METHODS)
# ...and an entry without a type of its own reads as its method's usual type.
METHOD_ACTIVITY_TYPES = {
    "PHONE": "phone_call",
    "MEETING": "meeting",
    "EMAIL": "email",
    "SMS": "sms",
    "LETTER": "note",
    "OTHER": "note",
}


def creator_id(entry: dict[str, Any]) -> int | None:
    """The team member behind the entry: the one who recorded it (`recorded_by_id`, set when a
    person logs it, e.g. through a CRM's screens) or, for an entry created over the API, the
    team member of the API key that created it (`created_by_id`; None for a key without one)."""
    return entry.get("recorded_by_id") or entry.get("created_by_id")


def activity_type(entry: dict[str, Any]) -> str:
    """The entry's activity type: its own, or its contact method's usual one."""
    own = entry.get("activity_type")
    if own and ACTIVITY_TYPE_METHODS.get(own) == entry.get("contact_method"):
        return own
    return METHOD_ACTIVITY_TYPES[entry["contact_method"]]


def _reconciled(entry: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Make `activity_type` and `contact_method` agree after `changes` were applied."""
    kind = entry.get("activity_type")
    if kind is None:
        return entry
    if kind not in ACTIVITY_TYPE_METHODS:
        raise ValidationFailed.on("activity_type", f"must be one of {', '.join(ACTIVITY_TYPES)}")
    method = ACTIVITY_TYPE_METHODS[kind]
    if "activity_type" in changes and changes.get("contact_method") is None:
        return {**entry, "contact_method": method}  # a new type moves the method
    if entry.get("contact_method") != method:
        if "activity_type" in changes:
            raise ValidationFailed.on("activity_type", f"{kind} is a kind of {method}, "
                                                       f"not {entry.get('contact_method')}")
        return {k: v for k, v in entry.items() if k != "activity_type"}  # the type no longer holds
    return entry


def _checked(entry: dict[str, Any]) -> dict[str, Any]:
    """Rules on the entry as a whole, whichever face wrote it."""
    for required in ("donor_id", "contact_method", "occurred_at"):
        if entry.get(required) in (None, ""):
            raise ValidationFailed.on(required, "is required")
    if entry["contact_method"] not in METHODS:
        raise ValidationFailed.on("contact_method", f"must be one of {', '.join(METHODS)}")
    if entry.get("notes") is not None and len(entry["notes"]) > NOTES_MAX:
        raise ValidationFailed.on("notes", f"must be at most {NOTES_MAX} characters "
                                           f"(got {len(entry['notes'])})")
    if entry.get("follow_up_completed_at") and not entry.get("follow_up_at"):
        raise ValidationFailed.on("follow_up_completed_at", "there is no follow_up_at to complete")
    for name, most in (("subject", SUBJECT_MAX), ("timezone", TIMEZONE_MAX)):
        if entry.get(name) is not None and len(entry[name]) > most:
            raise ValidationFailed.on(name, f"must be at most {most} characters (got {len(entry[name])})")
    return {k: v for k, v in entry.items() if v is not None}


def create(org: str, fields: dict[str, Any], idempotency=None) -> lifecycle.Created:
    entry = donors.with_donor_resolved(org, fields)
    return lifecycle.create(org, CONTACT_LOG, _checked(_reconciled(entry, entry)), idempotency=idempotency)


def _of_donor(entry: dict[str, Any], donor_id: int | None) -> dict[str, Any]:
    """The entry, if it belongs to `donor_id` (when given); another donor's entry is not found."""
    if donor_id is not None and entry["donor_id"] != donor_id:
        raise NotFound(f"{LABEL} {entry['id']} does not exist.")
    return entry


def get(org: str, entry_id: int, *, donor_id: int | None = None) -> dict[str, Any]:
    return _of_donor(lifecycle.fetch(org, CONTACT_LOG, entry_id), donor_id)


def update(org: str, entry_id: int, changes: dict[str, Any], expected_version: int | None, *,
           donor_id: int | None = None) -> dict[str, Any]:
    """Apply `changes`; with `donor_id`, only to an entry of that donor (404 otherwise)."""
    changes = donors.with_donor_resolved(org, changes)

    def merge(old: dict[str, Any]) -> dict[str, Any]:
        _of_donor(old, donor_id)
        new = _reconciled({**old, **changes}, changes)
        if ("follow_up_at" in changes and changes["follow_up_at"] is None
                and "follow_up_completed_at" not in changes):
            new["follow_up_completed_at"] = None  # clearing the follow-up clears its completion
        elif (changes.get("follow_up_at") and changes["follow_up_at"] != old.get("follow_up_at")
              and "follow_up_completed_at" not in changes):
            new["follow_up_completed_at"] = None  # a moved date is a new, open follow-up
        if new.get("follow_up_at") != old.get("follow_up_at"):
            # A new date is a new follow-up: raised again when it falls due, even if it
            # returns to a date that was raised before.
            for sweep_state in follow_ups.SWEEP_STATE:
                new.pop(sweep_state, None)
            new[follow_ups.ARMINGS] = old.get(follow_ups.ARMINGS, 0) + 1
        return _checked(new)

    return lifecycle.update(org, CONTACT_LOG, entry_id, merge, expected_version)


def delete(org: str, entry_id: int, expected_version: int | None, *, donor_id: int | None = None) -> None:
    """Soft delete (idempotent); with `donor_id`, only an entry of that donor (404 otherwise)."""
    if donor_id is None:
        lifecycle.delete(org, CONTACT_LOG, entry_id, expected_version)
        return
    lifecycle.delete(org, CONTACT_LOG, entry_id, expected_version,
                     refuse=lambda old: None if old["donor_id"] == donor_id
                     else NotFound(f"{LABEL} {entry_id} does not exist."),
                     condition=("donor_id = :donor", {":donor": donor_id}))


def of_donor(org: str, donor_id: int, *, activity: str | None = None, offset: int = 0,
             limit: int = 25) -> tuple[int, list[dict[str, Any]]]:
    """A live donor's entries newest first (404 when the donor is not), optionally only those of
    one activity type: (how many there are, the page [offset, offset+limit)).

    One compact read of the donor's timeline (each entry's id, method, type and time: never
    whole records), then one batch read of the page's entries."""
    rows = records().timeline_rows(org, DONOR, donor_id, CONTACT_LOG, ("contact_method", "activity_type"))
    if activity is not None:
        rows = [row for row in rows if activity_type(row) == activity]
    page = rows[offset:offset + limit]
    return len(rows), records().live_many(org, CONTACT_LOG, [row["id"] for row in page])


def search(org: str, *, donor: Any = None, method: str | None = None, open_follow_up: bool = False,
           limit: int, cursor: str | None) -> Page:
    """Entries newest first (by occurred_at), from the index that narrows the most."""
    filters: list[Filter] = []
    if donor is not None:
        if method:
            filters.append(Eq("contact_method", method))
        if open_follow_up:
            filters.append(records().in_lookup(org, CONTACT_LOG, "OPEN"))
        return donors.collection(org, donor, limit, cursor, kinds=(CONTACT_LOG,), filters=tuple(filters))
    if open_follow_up:
        if method:
            filters.append(Eq("contact_method", method))
        return records().lookup(org, CONTACT_LOG, "OPEN", newest_first=True, limit=limit, cursor=cursor,
                                filters=filters)
    if method:
        return records().lookup(org, CONTACT_LOG, "METHOD", method, newest_first=True, limit=limit, cursor=cursor)
    return records().listed(org, CONTACT_LOG, newest_first=True, limit=limit, cursor=cursor)

