"""Response bodies of the Together face: ids as strings, every documented field present."""
from __future__ import annotations

from typing import Any

from ...domain import donations, follow_ups
from ...domain import keywords, memberships
from ...domain.memberships import GROUP_MEMBERSHIPS, MEMBERSHIPS
from . import schemas
from ...domain.lifecycle import Page


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def _stamps(record: dict[str, Any]) -> dict[str, Any]:
    return {"created_at": record["created_at"], "updated_at": record["updated_at"]}


def contact_log(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": _id(entry["id"]),
        "donor_id": _id(entry["donor_id"]),
        "contact_method": entry["contact_method"],
        "occurred_at": entry["occurred_at"],
        "notes": entry.get("notes"),
        "follow_up_at": entry.get("follow_up_at"),
        "follow_up_completed_at": entry.get("follow_up_completed_at"),
        "recorded_by_id": _id(entry.get("recorded_by_id")),
        "follow_up_raised_at": entry.get("follow_up_raised_at"),
        **_stamps(entry),
    }


def queued(entry: dict[str, Any], clock: follow_ups.Clock) -> dict[str, Any]:
    """A follow-up in the queue: its entry, and the window it falls in."""
    return {**contact_log(entry), "window": clock.window_of(entry["follow_up_at"])}


DONOR_FIELDS = tuple(schemas.DonorFields.model_fields)


def donor(record: dict[str, Any]) -> dict[str, Any]:
    fields = {name: record.get(name) for name in DONOR_FIELDS}
    fields["is_org"] = bool(record.get("is_org"))
    for flag in ("is_deceased", "is_anon"):
        fields[flag] = bool(record.get(flag))
    return {
        "id": _id(record["id"]),
        **fields,
        "sort_name": record["sort_name"],
        "contact_log_count": record.get("contact_log_count", 0),
        "donation_count": record.get("donation_count", 0),
        **_stamps(record),
    }


NATIVE_DONATION_FIELDS = ("amount", "currency", "received_at", "check_number", "note", "external_id")


def donation(org: str, record: dict[str, Any]) -> dict[str, Any]:
    """A donation as the native face shows it; its fund, campaign and appeal by id and name."""
    out = {"id": _id(record["id"]), "donor_id": _id(record["donor_id"]),
           **{name: record.get(name) for name in NATIVE_DONATION_FIELDS},
           "payment_method": donations.payment_method(org, record)}
    for name in ("fund", "campaign", "appeal"):
        out[f"{name}_id"] = _id(record.get(f"{name}_id"))
        out[name] = donations.named(org, record, f"{name}_id")
    return {**out, **_stamps(record)}


def activity(org: str, record: dict[str, Any]) -> dict[str, Any]:
    """A contact log or a donation of the donor's timeline (donors.activity reads only those)."""
    if record["kind"] == "LOG":
        return {"type": "contact_log", "occurred_at": record["occurred_at"], "data": contact_log(record)}
    if record["kind"] == "GIFT":
        return {"type": "donation", "occurred_at": record["received_at"], "data": donation(org, record)}
    raise ValueError(f"the activity view shows no {record['kind']} record")


def page(result: Page, render) -> dict[str, Any]:
    return {
        "data": [render(item) for item in result.items],
        "has_more": result.next_cursor is not None,
        "next_cursor": result.next_cursor,
    }



# ---- a donor's groups, keywords and memberships (GET /donors/{id}/memberships) ---------------------

def donor_memberships(org: str, donor: dict[str, Any], details: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """What the donor is in and has, as LGL keeps it: its groups, keywords and memberships,
    each with the name of what it names, and where its memberships leave it."""
    held = memberships.in_details(MEMBERSHIPS, details)
    groups = [{"id": _id(r["id"]), "group_id": _id(r["group_id"]), "group": memberships.group_name(org, r["group_id"]),
               "date_start": r.get("date_start"), "date_end": r.get("date_end"),
               "is_current": memberships.is_current(r), **_stamps(r)}
              for r in memberships.in_details(GROUP_MEMBERSHIPS, details)]
    tags = []
    for assignment in keywords.assigned(details):
        keyword, category = memberships.keyword_names(org, assignment)
        tags.append({"id": _id(assignment["id"]), "keyword_id": _id(assignment["keyword_id"]), "keyword": keyword,
                     "category_id": _id(assignment["category_id"]), "category": category, **_stamps(assignment)})
    levels = [{"id": _id(r["id"]), "membership_level_id": _id(r["membership_level_id"]),
               "membership_level": memberships.level_name(org, r["membership_level_id"]),
               "date_start": r.get("date_start"), "finish_date": r.get("finish_date"), "note": r.get("note"),
               **_stamps(r)} for r in held]
    latest = memberships.latest_of(held)
    return {"donor_id": _id(donor["id"]), "groups": groups, "keywords": tags, "memberships": levels,
            "latest_membership_id": _id(latest["id"]) if latest else None,
            "membership_status": memberships.status(held)}
