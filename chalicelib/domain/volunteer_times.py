"""Volunteer times: the hours a donor gave (LGL's volunteer times; docs/lgl.md, "Volunteer times").

A volunteer time is on its donor's timeline at its `date`, so one Query reads a donor's and a
search by constituent costs what that constituent has; searches and the organisation's list
read its compact search rows (record_search.py). It holds its donor (RESTRICT): a constituent
with volunteer history is not deleted, as one with gifts is not. Its category is a value of
the `volunteering_categories` lookup, named by id or by name (the id wins). Hours are exact
decimals, to the hundredth.
"""
from __future__ import annotations

from typing import Any

from ..errors import ValidationFailed
from ..store.context import records
from ..store.kinds import DONOR, VOLUNTEER_TIME
from . import custom_fields, donors, lifecycle, lookups, record_search
from . import fields as f
from .fields import Spec
from .timestamps import utcnow

LABEL = VOLUNTEER_TIME.label
CATEGORIES = "volunteering_categories"
CATEGORY = "volunteering_category_id"
DESCRIPTION_MAX = 5000
ITEM_TYPE = "VolunteerTime"  # what its custom fields' categories are on
# Fields a client sets, besides donor_id.
SPECS = (
    Spec("external_id", max_length=128, description="Its id in another system (kept as text)"),
    Spec(CATEGORY, f.REF, ref=CATEGORIES),
    Spec("description", f.LONG_TEXT, max_length=DESCRIPTION_MAX),
    Spec("hours", f.HOURS),
    Spec("date", f.DATE, description="The day it started (the day it is recorded when not sent)"),
    Spec("end_date", f.DATE),
    Spec("completed_hours", f.HOURS),
)


def _checked(org: str, time: dict[str, Any], old: dict[str, Any] | None = None) -> dict[str, Any]:
    """Rules on the volunteer time as a whole."""
    if time.get("donor_id") is None:
        raise ValidationFailed.on("donor_id", "is required")
    checked = f.check(SPECS, time)
    if old is None:
        checked.setdefault("date", utcnow().date().isoformat())
    if checked.get("date") is None:
        raise ValidationFailed.on("date", "cannot be null")
    category = checked.get(CATEGORY)
    if category is None:
        raise ValidationFailed.on(CATEGORY, "is required (or volunteering_category_name)")
    if category != (old or {}).get(CATEGORY):  # an unchanged one may name a value deleted since
        lookups.resolve(org, CATEGORIES, value_id=category, id_field=CATEGORY, name_field=CATEGORY)
    if checked.get("end_date") and checked["end_date"] < checked["date"]:
        raise ValidationFailed.on("end_date", f"must not be before date ({checked['date']})")
    custom_fields.keep(org, ITEM_TYPE, checked, old)
    return {k: v for k, v in checked.items() if v is not None}


def _resolved(org: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The category by name made its id (an id sent wins); the donor made its id."""
    out = donors.with_donor_resolved(org, fields)
    if "volunteering_category_name" in out:
        name = out.pop("volunteering_category_name")
        if out.get(CATEGORY) is None and name is not None and str(name).strip():
            out[CATEGORY] = lookups.resolve(org, CATEGORIES, name=name, id_field=CATEGORY,
                                            name_field="volunteering_category_name")["id"]
    return out


def create(org: str, fields: dict[str, Any], idempotency=None) -> lifecycle.Created:
    return lifecycle.create(org, VOLUNTEER_TIME, _checked(org, _resolved(org, fields)), idempotency=idempotency)


def get(org: str, time_id: int) -> dict[str, Any]:
    return lifecycle.fetch(org, VOLUNTEER_TIME, time_id)


def update(org: str, time_id: int, changes: dict[str, Any], expected_version: int | None = None) -> dict[str, Any]:
    """Change the fields sent; a `donor_id` moves it to that donor (which must be live)."""
    resolved: list[dict[str, Any]] = []  # once the record is known to exist (else a 404, whatever was sent)

    def merge(old: dict[str, Any]) -> dict[str, Any]:
        if not resolved:
            resolved.append(_resolved(org, changes))
            moved_to = resolved[0].get("donor_id")
            if moved_to is not None and moved_to != old["donor_id"]:
                donors.referenced(org, moved_to)
        return _checked(org, {**old, **resolved[0]}, old)

    return lifecycle.update(org, VOLUNTEER_TIME, time_id, merge, expected_version)


def delete(org: str, time_id: int, expected_version: int | None = None) -> None:
    lifecycle.delete(org, VOLUNTEER_TIME, time_id, expected_version)


def of_donor(org: str, donor_id: int) -> list[dict[str, Any]]:
    """A live donor's volunteer times by id, as LGL lists them (404 when the donor is not): one Query."""
    return sorted(records().timeline_rows(org, DONOR, donor_id, VOLUNTEER_TIME), key=lambda time: time["id"])


def listed(org: str, offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
    """The organisation's volunteer times by id: (how many, the page [offset, offset+limit)),
    counted on their compact rows, only the page read whole."""
    found = record_search.search(org, VOLUNTEER_TIME, order=record_search.by_id, offset=offset, limit=limit)
    return found.total, found.records


def category_name(org: str, time: dict[str, Any]) -> str | None:
    return lookups.name_of(org, CATEGORIES, time.get(CATEGORY))


def matching(org: str, filters=(), **options: Any) -> record_search.Found:
    """Live volunteer times every filter keeps, a page of them in an order, with the exact
    total (record_search.search over their compact rows; `options` are its: `donor_id` reads
    only that donor's)."""
    return record_search.search(org, VOLUNTEER_TIME, filters, **options)
