"""Contact-log entries: the contacts staff had with a donor, with an optional follow-up."""
from __future__ import annotations

from typing import Any

from ..store import keys
from ..store.context import records
from ..store.kinds import CONTACT_LOG
from ..store.records import Eq, Filter, Page
from . import donors, lifecycle
from ..errors import ValidationFailed

LABEL = "Contact log entry"
METHODS = ("PHONE", "MEETING", "EMAIL", "LETTER", "SMS", "OTHER")
NOTES_MAX = 5000
EDITABLE = ("donor_id", "contact_method", "occurred_at", "notes", "follow_up_at", "follow_up_completed_at")


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
    return {k: v for k, v in entry.items() if v is not None}


def create(org: str, fields: dict[str, Any], idempotency=None) -> lifecycle.Created:
    entry = donors.with_donor_resolved(org, fields)
    return lifecycle.create(org, CONTACT_LOG, _checked(entry), idempotency=idempotency)


def get(org: str, entry_id: int) -> dict[str, Any]:
    return lifecycle.fetch(org, CONTACT_LOG, entry_id, LABEL)


def update(org: str, entry_id: int, changes: dict[str, Any], expected_version: int | None) -> dict[str, Any]:
    changes = donors.with_donor_resolved(org, changes)

    def merge(old: dict[str, Any]) -> dict[str, Any]:
        new = {**old, **changes}
        if ("follow_up_at" in changes and changes["follow_up_at"] is None
                and "follow_up_completed_at" not in changes):
            new["follow_up_completed_at"] = None  # clearing the follow-up clears its completion
        elif (changes.get("follow_up_at") and changes["follow_up_at"] != old.get("follow_up_at")
              and "follow_up_completed_at" not in changes):
            new["follow_up_completed_at"] = None  # a moved date is a new, open follow-up
        return _checked(new)

    return lifecycle.update(org, CONTACT_LOG, entry_id, LABEL, merge, expected_version)


def delete(org: str, entry_id: int, expected_version: int | None) -> None:
    lifecycle.delete(org, CONTACT_LOG, entry_id, LABEL, expected_version)


def search(org: str, *, donor: Any = None, method: str | None = None, open_follow_up: bool = False,
           limit: int, cursor: str | None) -> Page:
    """Entries newest first (by occurred_at), from the index that narrows the most."""
    filters: list[Filter] = []
    if donor is not None:
        if method:
            filters.append(Eq("contact_method", method))
        if open_follow_up:
            filters.append(Eq("GSI5PK", keys.open_follow_up_pk(org)))
        return donors.collection(org, donor, limit, cursor, kinds=(CONTACT_LOG.name,), filters=tuple(filters))
    if open_follow_up:
        if method:
            filters.append(Eq("contact_method", method))
        return records().query_page(index="GSI5", pk=keys.open_follow_up_pk(org), newest_first=True,
                                    limit=limit, cursor=cursor, filters=filters)
    if method:
        pk = keys.kind_attribute_pk(org, CONTACT_LOG.name, "METHOD", method)
        return records().query_page(index="GSI4", pk=pk, newest_first=True, limit=limit, cursor=cursor)
    return records().query_page(index="GSI2", pk=keys.kind_list_pk(org, CONTACT_LOG.name),
                                newest_first=True, limit=limit, cursor=cursor)

