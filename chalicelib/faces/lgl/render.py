"""Response bodies of the LGL face: LGL's envelopes and its records' shapes.

- a list: `{"api_version", "items_count", "total_items", "limit", "offset", "next_item",
  "next_link", "item_type", "items"}`, `next_item`/`next_link` absent on the last page;
- one object: its fields flat beside `api_version`;
- a delete: `{"api_version": "1.0", "result": "success"}`.
Ids go out as numbers, dates as YYYY-MM-DD, timestamps as YYYY-MM-DDTHH:MM:SSZ.
"""
from __future__ import annotations

import re
from typing import Any, Callable
from urllib.parse import urlencode

from ...domain import contact_points, lookups
from ...domain import custom_attrs as custom_attr_values
from ...domain import custom_fields as custom_field_values
from ...domain.contact_points import EMAILS, PHONES, STREETS, WEBS, Point
from .errors import API_VERSION
from .search import EXPANDS

CONSTITUENT = "Constituent"  # the item_type of a contact point's owner


def stamp(value: str | None) -> str | None:
    """`2026-06-10T02:00:00.000Z` as LGL writes it: `2026-06-10T02:00:00Z`."""
    return None if value is None else re.sub(r"\.\d+Z$", "Z", value)


def stamps(record: dict[str, Any]) -> dict[str, Any]:
    return {"created_at": stamp(record.get("created_at")), "updated_at": stamp(record.get("updated_at"))}


def one(item: dict[str, Any]) -> dict[str, Any]:
    return {"api_version": API_VERSION, **item}


def success() -> dict[str, Any]:
    return {"api_version": API_VERSION, "result": "success"}


def listing(items: list[dict[str, Any]], total: int, limit: int, offset: int, item_type: str,
            next_link: Callable[[int], str]) -> dict[str, Any]:
    body: dict[str, Any] = {"api_version": API_VERSION, "items_count": len(items), "total_items": total,
                            "limit": limit, "offset": offset}
    following = offset + len(items)
    if limit and following < total:
        body["next_item"] = following
        body["next_link"] = next_link(following)
    body.update(item_type=item_type, items=items)
    return body


def link_to(base: str, params: dict[str, list[str]]) -> Callable[[int], str]:
    """The URL of the page starting at an offset: the request's, every parameter kept but the
    key (`access_token` is not repeated in a body)."""
    kept = [(k, v) for k, values in params.items() if k not in ("offset", "access_token") for v in values]
    return lambda offset: f"{base}?{urlencode(kept + [('offset', offset)])}"


# ---- constituents ----------------------------------------------------------------------------

_PLAIN = ("prefix", "first_name", "middle_name", "last_name", "suffix", "spouse_name", "org_name", "job_title",
          "addressee", "salutation", "sort_name")
_MORE = ("deceased_date", "annual_report_name", "birthday", "gender", "maiden_name", "nick_name", "spouse_nick_name",
         "date_added", "alt_salutation", "alt_addressee", "honorary_name", "assistant_name")


def _named(org: str, table: str, value_id: Any) -> str | None:
    return lookups.name_of(org, table, value_id)


def constituent(org: str, donor: dict[str, Any]) -> dict[str, Any]:
    contact_type, marital = donor.get("constituent_contact_type_id"), donor.get("marital_status_id")
    return {
        "id": donor["id"],
        "external_constituent_id": donor.get("external_id"),
        "is_org": bool(donor.get("is_org")),
        "constituent_contact_type_id": contact_type,
        "constituent_contact_type_name": _named(org, "constituent_contact_types", contact_type),
        **{name: donor.get(name) for name in _PLAIN},
        "constituent_interest_level_id": None,
        "constituent_interest_level_name": None,
        "constituent_rating_id": None,
        "constituent_rating_name": None,
        "is_deceased": bool(donor.get("is_deceased")),
        **{name: donor.get(name) for name in _MORE},
        "marital_status_id": marital,
        "marital_status_name": _named(org, "marital_statuses", marital),
        "is_anon": bool(donor.get("is_anon")),
        **stamps(donor),
    }


def whole_constituent(org: str, donor: dict[str, Any], details: dict[str, list[dict[str, Any]]],
                      expand: set[str] | None,
                      others: dict[str, Callable[[str, dict[str, list[dict[str, Any]]]], list[dict[str, Any]]]]
                      ) -> dict[str, Any]:
    """The constituent with its nested arrays (all of them, or those of `expand`): its contact
    points, and what `others` render of its other details (an array no section keeps: [])."""
    out = constituent(org, donor)
    for name in EXPANDS:
        if expand is not None and name not in expand:
            continue
        point = NESTED.get(name)
        if point is not None:
            out[name] = [contact(org, point, r, nested=True) for r in details.get(point.kind.name, [])]
        else:
            out[name] = others[name](org, details) if name in others else []
    return out


# ---- contact points ------------------------------------------------------------------------

def _flags(point: Point, record: dict[str, Any]) -> dict[str, Any]:
    out = {"is_preferred": bool(record.get("is_preferred"))}
    if point.has_current:
        out["not_current"] = bool(record.get("not_current"))
    return out


def _email(org: str, record: dict[str, Any]) -> dict[str, Any]:
    return {"address": record["address"], "email_address": record["address"],
            "email_address_type_id": record["type_id"], "email_type_name": contact_points.type_name(org, EMAILS, record),
            **_flags(EMAILS, record), "parent_id": None}


def _phone(org: str, record: dict[str, Any]) -> dict[str, Any]:
    return {"number": record["number"], "phone_number_type_id": record["type_id"],
            "phone_type_name": contact_points.type_name(org, PHONES, record), **_flags(PHONES, record),
            "parent_id": None, "normalized_number": record.get("normalized_number")}


def _street(org: str, record: dict[str, Any]) -> dict[str, Any]:
    return {**{name: record.get(name) for name in ("street", "city", "state", "country", "postal_code", "county")},
            "street_address_type_id": record["type_id"],
            "street_type_name": contact_points.type_name(org, STREETS, record), **_flags(STREETS, record),
            "parent_id": None, "seasonal_from": record.get("seasonal_from", "01-01"),
            "seasonal_to": record.get("seasonal_to", "12-31"), "seasonal": record.get("seasonal"),
            "lat": None, "lng": None, "zip5": record.get("zip5"), "verified": False, "verified_on": None}


def _web(org: str, record: dict[str, Any]) -> dict[str, Any]:
    return {"url": record["url"], "web_address_type_id": record["type_id"],
            "web_address_type_name": contact_points.type_name(org, WEBS, record), **_flags(WEBS, record),
            "parent_id": None}


_SHAPES = {EMAILS.kind.name: _email, PHONES.kind.name: _phone, STREETS.kind.name: _street, WEBS.kind.name: _web}
NESTED = {"email_addresses": EMAILS, "phone_numbers": PHONES, "street_addresses": STREETS, "web_addresses": WEBS}


def contact(org: str, point: Point, record: dict[str, Any], *, nested: bool = False) -> dict[str, Any]:
    """A contact point; on its own (not inside its constituent) with its owner's `item_id`."""
    owner = {} if nested else {"item_id": record["donor_id"], "item_type": CONSTITUENT}
    return {"id": record["id"], **owner, **_SHAPES[point.kind.name](org, record), **stamps(record)}


# ---- lookups -------------------------------------------------------------------------------

def type_value(value: lookups.Value) -> dict[str, Any]:
    return {"id": value["id"], "name": value["name"], "display_name": value["name"], "code": value.get("code"),
            "ordinal": value.get("ordinal", 100)}


def type_table(org: str, table: lookups.Table) -> dict[str, Any]:
    return {"name": table.name, "key": table.key,
            "values": [type_value(v) for v in lookups.values(org, table.key)]}


def team_member(member: dict[str, Any]) -> dict[str, Any]:
    role = member.get("role", "fundraiser")
    return {"id": member["id"], "first_name": member.get("first_name"), "last_name": member.get("last_name"),
            "email": member.get("email"), "role_id": ROLE_IDS.get(role), "is_admin": role == "admin",
            "is_primary_contact": bool(member.get("is_primary_contact")),
            "is_billing_contact": bool(member.get("is_billing_contact"))}


# Team members' roles as LGL role ids (stable, ours: LGL's are per account).
ROLE_IDS = {"admin": 1, "fundraiser": 2, "viewer": 3}


# ---- custom fields (keyword pick-lists on gifts, volunteer times, invitations, appeal requests) ----

_CATEGORY_FIELDS = ("item_type", "name", "key", "facet_type", "ordinal", "removable", "editable")
_VALUE_FIELDS = ("category_id", "name", "description", "short_code", "ordinal", "removable", "can_change",
                 "can_select")


def custom_attrs(org: str, values: dict[str, Any] | None) -> list[dict[str, Any]]:
    """A record's custom attribute values as LGL shows them: each with its attribute's definition."""
    return [{"id": definition["id"], "classification": definition.get("classification"),
             "name": definition.get("name"), "key": definition.get("key"), "ordinal": definition.get("ordinal"),
             "value": value} for definition, value in custom_attr_values.shown(org, values)]


def custom_fields(org: str, record: dict[str, Any]) -> list[dict[str, Any]]:
    """A record's custom fields as LGL shows them: each category with the values it holds."""
    return [{"id": category["id"], **{k: category.get(k) for k in _CATEGORY_FIELDS},
             "values": [{"id": v["id"], **{k: v.get(k) for k in _VALUE_FIELDS}} for v in values]}
            for category, values in custom_field_values.shown(org, record.get(custom_field_values.FIELD) or [])]
