"""Every kind of record, declared whole (schema.py says what each part means).

A new kind costs a declaration here; the store serves its reads and keeps its keys,
counters, guards and cascades from it.
"""
from __future__ import annotations

from typing import Any

from . import keys
from .schema import RESTRICT, Kind, Lookup, Order, Parent, declare


def date_sort_value(value: str) -> str:
    """Dates and timestamps on one axis: a bare date sorts as 00:00 UTC of that day."""
    return value if "T" in value else f"{value}T00:00:00.000Z"


def follow_up_is_open(record: dict[str, Any]) -> bool:
    return bool(record.get("follow_up_at")) and not record.get("follow_up_completed_at")


def sweep_due_at(entry: dict[str, Any]) -> str:
    """When the sweep should next look at an open, unraised follow-up: its date, or the end
    of a sweep's lease on that date (a sweep that died mid-raise is retried after it)."""
    due = entry["follow_up_at"]
    if entry.get("raising_for") == due and entry.get("raising_until", "") > due:
        return entry["raising_until"]
    return due


def _follow_up_keys(org: str, entry: dict[str, Any]) -> dict[str, str]:
    """The follow-up queue (GSI6, by due time) and the sweep's due index (GSI3, across orgs)."""
    if not follow_up_is_open(entry):
        return {}
    due = entry["follow_up_at"]
    out = {"GSI6PK": keys.follow_up_queue_pk(org), "GSI6SK": keys.sort_key(due, entry["id"])}
    if entry.get("follow_up_raised_for") != due:
        out["GSI3PK"] = keys.due_pk(org, entry["id"])
        out["GSI3SK"] = keys.due_sk(sweep_due_at(entry), org, entry["id"])
    return out


def _occurred(entry: dict[str, Any]) -> str:
    return entry["occurred_at"]


def _received(gift: dict[str, Any]) -> str:
    return date_sort_value(gift["received_at"])


def _email(donor: dict[str, Any]) -> str | None:
    return donor["email"].lower() if donor.get("email") else None


DONOR = declare(Kind(
    "DONOR", "Donor",
    order=Order(lambda donor: donor["sort_name"], text=True),
    lookups=(Lookup("EMAIL", "GSI4", value=_email),),
    unique=("external_id",),
))
CONTACT_LOG = declare(Kind(
    "LOG", "Contact log entry",
    parent=Parent("DONOR", "donor_id", counter="contact_log_count", on_delete=RESTRICT),
    timeline_at=_occurred,
    order=Order(_occurred),
    lookups=(Lookup("METHOD", "GSI4", value=lambda entry: entry["contact_method"], order=_occurred),
             Lookup("OPEN", "GSI5", when=follow_up_is_open, order=_occurred)),
    extra_keys=_follow_up_keys,
))
DONATION = declare(Kind(
    "GIFT", "Donation",
    parent=Parent("DONOR", "donor_id", counter="donation_count", on_delete=RESTRICT),
    timeline_at=_received,
    order=Order(_received),
))
