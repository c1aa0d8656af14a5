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
from . import donors, follow_ups, lifecycle, lookups, organisations, record_search
from ..errors import NotFound, ValidationFailed

LABEL = CONTACT_LOG.label
METHODS = ("PHONE", "MEETING", "EMAIL", "LETTER", "SMS", "OTHER")
NOTES_MAX = 5000
SUBJECT_MAX = 255
TIMEZONE_MAX = 255
EDITABLE = ("donor_id", "contact_method", "occurred_at", "notes", "follow_up_at", "follow_up_completed_at",
            "activity_type", "subject", "timezone")
EXTERNAL_ID_MAX = 128

# LGL's contact report types and the contact methods (docs/lgl.md, "Contact reports"): a type
# by its code is a kind of one method, any other type (Proposal, an organisation's own) OTHER;
# a method reads as its usual type. An entry keeps the type LGL set while its method agrees,
# so a report written as "Proposal" reads back as "Proposal" and, natively, as OTHER.
REPORT_TYPE_CODE_METHODS = {"call": "PHONE", "email": "EMAIL", "meeting": "MEETING", "letter": "LETTER"}
METHOD_REPORT_TYPES = {"PHONE": 2183, "EMAIL": 2184, "MEETING": 2185, "LETTER": 2186, "SMS": 2188, "OTHER": 2188}
NOTE = "note"  # the activity type of a note (LGL's notes, Givebutter's `note` activities)

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


def method_of_report_type(org: str, type_id: int) -> str:
    code = (lookups.value_of(org, "contact_report_types", type_id) or {}).get("code")
    return REPORT_TYPE_CODE_METHODS.get(code or "", "OTHER")


def report_type(org: str, entry: dict[str, Any]) -> int:
    """The entry's contact report type: the one LGL set (while its method agrees), else its
    method's usual one."""
    own = entry.get("contact_report_type_id")
    if own is not None and method_of_report_type(org, own) == entry.get("contact_method"):
        return own
    return METHOD_REPORT_TYPES[entry["contact_method"]]


def is_note(entry: dict[str, Any]) -> bool:
    """A note (LGL's /notes, a Givebutter `note`), not a contact report: typed as one."""
    return entry.get("activity_type") == NOTE


def _report_typed(org: str, entry: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Make `contact_report_type_id` and `contact_method` agree after `changes`: a type LGL
    sets moves the method; a method moved away from the type drops the type."""
    own = entry.get("contact_report_type_id")
    if own is None:
        return entry
    method = method_of_report_type(org, own)
    if "contact_report_type_id" in changes and changes.get("contact_method") is None:
        return {**entry, "contact_method": method}
    if entry.get("contact_method") != method:
        return {k: v for k, v in entry.items() if k != "contact_report_type_id"}
    return entry


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
    for name, most in (("subject", SUBJECT_MAX), ("timezone", TIMEZONE_MAX), ("external_id", EXTERNAL_ID_MAX)):
        if entry.get(name) is not None and len(entry[name]) > most:
            raise ValidationFailed.on(name, f"must be at most {most} characters (got {len(entry[name])})")
    return {k: v for k, v in entry.items() if v is not None}


def _resolved(org: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The donor by id or external id; a team member (`team_member`) by id, e-mail or name as
    who recorded it; report and note types by id or name (the id wins)."""
    out = donors.with_donor_resolved(org, fields)
    if "team_member" in out:
        out["recorded_by_id"] = organisations.resolve_member(org, out.pop("team_member"), field="team_member")
    for table, field in (("contact_report_types", "contact_report_type"), ("note_types", "note_type")):
        name = out.pop(f"{field}_name", None)
        if out.get(f"{field}_id") is not None or name is not None:
            out[f"{field}_id"] = lookups.resolve(org, table, value_id=out.get(f"{field}_id"), name=name,
                                                 id_field=f"{field}_id", name_field=f"{field}_name")["id"]
    return out


def create(org: str, fields: dict[str, Any], idempotency=None) -> lifecycle.Created:
    entry = _resolved(org, fields)
    entry = _report_typed(org, entry, entry)
    return lifecycle.create(org, CONTACT_LOG, _checked(_reconciled(entry, entry)), idempotency=idempotency)


def _of_donor(entry: dict[str, Any], donor_id: int | None) -> dict[str, Any]:
    """The entry, if it belongs to `donor_id` (when given); another donor's entry is not found."""
    if donor_id is not None and entry["donor_id"] != donor_id:
        raise NotFound(f"{LABEL} {entry['id']} does not exist.")
    return entry


def get_any(org: str, entry_id: int) -> dict[str, Any] | None:
    """The entry, live or deleted, or None."""
    return records().get(org, CONTACT_LOG, entry_id)


def today() -> str:
    """00:00 UTC today: when an entry sent with no time happened."""
    return f"{lifecycle.now()[:10]}T00:00:00.000Z"


def get(org: str, entry_id: int, *, donor_id: int | None = None) -> dict[str, Any]:
    return _of_donor(lifecycle.fetch(org, CONTACT_LOG, entry_id), donor_id)


def update(org: str, entry_id: int, changes: dict[str, Any], expected_version: int | None, *,
           donor_id: int | None = None) -> dict[str, Any]:
    """Apply `changes`; with `donor_id`, only to an entry of that donor (404 otherwise)."""
    resolved: list[dict[str, Any]] = []  # once the entry is known to exist (else a 404, whatever was sent)

    def merge(old: dict[str, Any]) -> dict[str, Any]:
        _of_donor(old, donor_id)
        if not resolved:
            resolved.append(_resolved(org, changes))
        changes_ = resolved[0]
        new = _reconciled(_report_typed(org, {**old, **changes_}, changes_), changes_)
        if ("follow_up_at" in changes_ and changes_["follow_up_at"] is None
                and "follow_up_completed_at" not in changes_):
            new["follow_up_completed_at"] = None  # clearing the follow-up clears its completion
        elif (changes_.get("follow_up_at") and changes_["follow_up_at"] != old.get("follow_up_at")
              and "follow_up_completed_at" not in changes_):
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


def of_donor_kind(org: str, donor_id: int, *, notes: bool) -> list[dict[str, Any]]:
    """A live donor's contact reports (or notes), newest first (404 when the donor is not):
    one Query of its timeline."""
    return [e for e in records().timeline_rows(org, DONOR, donor_id, CONTACT_LOG) if is_note(e) == notes]


def find(org: str, filters: list[record_search.Filter], **page: Any) -> record_search.Found:
    """Entries every filter keeps, from their search rows (record_search.search's paging)."""
    return record_search.search(org, CONTACT_LOG, filters, **page)


def notes_filter(notes: bool) -> record_search.Filter:
    """Rows of notes (or of contact reports)."""
    return lambda row: (row.fields.get("at") == NOTE) == notes


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

