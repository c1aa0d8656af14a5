"""Each kind of record declares its keys once; the repository does the rest.

A new kind costs a declaration here: its name, the index keys a live record carries
and, for a donor's children, the donor counter it maintains.
"""
from __future__ import annotations

from typing import Any

from . import keys
from .records import Kind


def date_sort_value(value: str) -> str:
    """Dates and timestamps on one axis: a bare date sorts as 00:00 UTC of that day."""
    return value if "T" in value else f"{value}T00:00:00.000Z"


def follow_up_is_open(record: dict[str, Any]) -> bool:
    return bool(record.get("follow_up_at")) and not record.get("follow_up_completed_at")


def _donor_indexes(org: str, donor: dict[str, Any]) -> dict[str, str]:
    out = {
        "GSI1PK": keys.donor_collection_pk(org, donor["id"]),
        "GSI1SK": keys.DONOR_HEAD_SK,
        "GSI2PK": keys.kind_list_pk(org, DONOR.name),
        "GSI2SK": keys.text_sort_key(donor["sort_name"], donor["id"]),
    }
    if donor.get("email"):
        out["GSI4PK"] = keys.kind_attribute_pk(org, DONOR.name, "EMAIL", donor["email"].lower())
        out["GSI4SK"] = keys.padded(donor["id"])
    return out


def _contact_log_indexes(org: str, entry: dict[str, Any]) -> dict[str, str]:
    occurred = entry["occurred_at"]
    out = {
        "GSI1PK": keys.donor_collection_pk(org, entry["donor_id"]),
        "GSI1SK": keys.timeline_sk(occurred, CONTACT_LOG.name, entry["id"]),
        "GSI2PK": keys.kind_list_pk(org, CONTACT_LOG.name),
        "GSI2SK": keys.sort_key(occurred, entry["id"]),
        "GSI4PK": keys.kind_attribute_pk(org, CONTACT_LOG.name, "METHOD", entry["contact_method"]),
        "GSI4SK": keys.sort_key(occurred, entry["id"]),
    }
    if follow_up_is_open(entry):
        due = entry["follow_up_at"]
        out["GSI5PK"] = keys.open_follow_up_pk(org)
        out["GSI5SK"] = keys.sort_key(occurred, entry["id"])
        out["GSI6PK"] = keys.follow_up_queue_pk(org)
        out["GSI6SK"] = keys.sort_key(due, entry["id"])
        if entry.get("follow_up_raised_for") != due:
            out["GSI3PK"] = keys.due_pk(org, entry["id"])
            out["GSI3SK"] = keys.due_sk(sweep_due_at(entry), org, entry["id"])
    return out


def sweep_due_at(entry: dict[str, Any]) -> str:
    """When the sweep should next look at an open, unraised follow-up: its date, or the end
    of a sweep's lease on that date (a sweep that died mid-raise is retried after it)."""
    due = entry["follow_up_at"]
    if entry.get("raising_for") == due and entry.get("raising_until", "") > due:
        return entry["raising_until"]
    return due


def _donation_indexes(org: str, donation: dict[str, Any]) -> dict[str, str]:
    received = date_sort_value(donation["received_at"])
    return {
        "GSI1PK": keys.donor_collection_pk(org, donation["donor_id"]),
        "GSI1SK": keys.timeline_sk(received, DONATION.name, donation["id"]),
        "GSI2PK": keys.kind_list_pk(org, DONATION.name),
        "GSI2SK": keys.sort_key(received, donation["id"]),
    }


DONOR = Kind("DONOR", _donor_indexes)
CONTACT_LOG = Kind("LOG", _contact_log_indexes, parent_counter="contact_log_count")
DONATION = Kind("GIFT", _donation_indexes, parent_counter="donation_count")
