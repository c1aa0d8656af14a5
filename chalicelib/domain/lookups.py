"""Lookup values ("types"): the kinds of e-mail address, phone number, street and web address,
contact report, mailing, volunteering, appeal and event an organisation uses (LGL's
`/types`), and the few value lists a constituent names (contact type, marital status).

Every organisation starts with LGL's default values, with the ids LGL's own accounts show
(phone 3 is Mobile everywhere): they are defined here, not stored, so a new organisation
costs no write and an existing one has them the day this code is deployed. Operators add
values with the CLI (`lookups add`); those are stored (kind LOOKUP, ids from 10001) and read
with one strongly consistent Query per organisation, kept for API_KEY_CACHE_SECONDS in a
warm Lambda (a value added is usable everywhere within that time).

References are resolved name-or-id: an id wins when both are sent; an unknown id or name is
a 422 naming the field and the values there are, never a value made up from a typo. Names
match any case, and a value's code too.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import Conflict, NotFound, ValidationFailed
from ..store.context import records
from ..store.kinds import LOOKUP_VALUE
from . import lifecycle
from ..warm_cache import WarmCache


@dataclass(frozen=True)
class Value:
    id: int
    name: str
    code: str | None
    ordinal: int = 100

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "display_name": self.name, "code": self.code,
                "ordinal": self.ordinal}


@dataclass(frozen=True)
class Table:
    key: str                  # "email_address_types"
    name: str                 # "Email Address Types"
    item_type: str            # one of its values, in LGL's lists: "email_address_type"
    defaults: tuple[Value, ...]
    listed: bool = True       # in GET /types (the constituent's own lists are not)


def _values(*rows: tuple[int, str, str | None, int]) -> tuple[Value, ...]:
    return tuple(Value(*row) for row in rows)


TABLES: dict[str, Table] = {t.key: t for t in (
    Table("contact_report_types", "Contact Report Types", "contact_report_type", _values(
        (2183, "Call", "call", 0), (2184, "Email", "email", 1), (2185, "Meeting", "meeting", 2),
        (2186, "Mailing", "letter", 3), (2187, "Proposal", "proposal", 4), (2188, "Other", "other", 5))),
    Table("email_address_types", "Email Address Types", "email_address_type", _values(
        (1, "Home", "home", 100), (2, "Work", "work", 100), (3, "Other", "other", 100),
        (4, "Assistant", "assistant", 101))),
    Table("mailing_types", "Mailing Types", "mailing_type", _values(
        (1907, "Acknowledgment", "acknowledgment", 0), (1908, "Reminder", "reminder", 1),
        (1909, "Appeal", "appeal", 2), (1910, "Newsletter", "newsletter", 3), (1911, "Other", "other", 4),
        (1912, "Invitation", "invitation", 5), (1913, "Honorary", "honorary", 6), (1914, "Memorial", "memorial", 7),
        (1915, "Annual Statement", "annual_statement", 8))),
    Table("street_address_types", "Street Address Types", "street_address_type", _values(
        (1, "Home", "home", 100), (2, "Work", "work", 100), (3, "Other", "other", 100), (4, "School", "school", 100))),
    Table("phone_number_types", "Phone Number Types", "phone_number_type", _values(
        (1, "Home", "home", 100), (2, "Work", "work", 100), (3, "Mobile", "mobile", 100), (4, "Other", "other", 100),
        (6, "Skype", "skype", 100), (5, "Fax", "fax", 101), (7, "Assistant", "assistant", 101),
        (8, "Pager", "pager", 102))),
    Table("web_address_types", "Web Address Types", "web_address_type", _values(
        (5, "Website", "website", 0), (6, "Facebook", "facebook", 1), (7, "Twitter", "twitter", 2),
        (8, "LinkedIn", "linkedin", 3))),
    Table("volunteering_categories", "Volunteering Categories", "volunteering_category", _values(
        (446, "General", "general", 0), (447, "Donor Management", "donor_management", 100))),
    Table("appeal_types", "Appeal Types", "appeal_type", ()),
    Table("event_types", "Event Types", "event_type", ()),
    # A constituent's own lists (no LGL endpoint lists them).
    Table("constituent_contact_types", "Constituent Contact Types", "constituent_contact_type", _values(
        (1243, "Primary", "primary", 0), (1244, "Secondary", "secondary", 1)), listed=False),
    Table("marital_statuses", "Marital Statuses", "marital_status", _values(
        (1, "Single", "single", 0), (2, "Married", "married", 1), (3, "Partnered", "partnered", 2),
        (4, "Separated", "separated", 3), (5, "Divorced", "divorced", 4), (6, "Widowed", "widowed", 5)),
        listed=False),
)}
LISTED = tuple(key for key, table in TABLES.items() if table.listed)
NAME_MAX = 100

_added_values: WarmCache[dict[str, list[Value]]] = WarmCache()


def clear_cache() -> None:
    _added_values.clear()


def table(key: str) -> Table:
    found = TABLES.get(key)
    if found is None:
        raise NotFound(f"There is no type {key[:100]!r}; the types are {', '.join(LISTED)}.")
    return found


def _added(org: str) -> dict[str, list[Value]]:
    """The values the organisation's operators added, by table (cached briefly)."""
    return _added_values.get(org, lambda: _read_added(org))


def _read_added(org: str) -> dict[str, list[Value]]:
    added: dict[str, list[Value]] = {}
    for record in records().every(org, LOOKUP_VALUE):
        added.setdefault(record["table"], []).append(
            Value(record["id"], record["name"], record.get("code"), record.get("ordinal", 100)))
    return added


def values(org: str, key: str) -> list[Value]:
    """The table's values for the organisation, by ordinal (then id), as LGL lists them."""
    found = table(key)
    return sorted((*found.defaults, *_added(org).get(key, ())), key=lambda v: (v.ordinal, v.id))


def resolve(org: str, key: str, *, value_id: Any = None, name: Any = None, id_field: str, name_field: str) -> Value:
    """The value an id or a name names (the id wins); 422 naming the field otherwise."""
    known = values(org, key)
    listing = ", ".join(f"{v.id} {v.name}" for v in known) or "none yet"
    if value_id is not None:
        for value in known:
            if value.id == value_id:
                return value
        raise ValidationFailed.on(id_field, f"{value_id} is not one of the {TABLES[key].name.lower()} ({listing})")
    wanted = str(name).strip().casefold()
    for value in known:
        if wanted in (value.name.casefold(), (value.code or "").casefold()):
            return value
    raise ValidationFailed.on(name_field, f"{str(name)[:NAME_MAX]!r} is not one of the {TABLES[key].name.lower()} "
                                          f"({listing})")


def add(org: str, key: str, name: str, *, code: str | None = None, ordinal: int = 100) -> Value:
    """A new value of a table, for the organisation (the operator CLI)."""
    found = table(key)
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise ValidationFailed.on("name", f"must be 1 to {NAME_MAX} characters")
    clear_cache()
    if any(v.name.casefold() == name.casefold() for v in values(org, key)):
        raise Conflict(f"{found.name} already has a value named {name!r}.")
    record = lifecycle.create(org, LOOKUP_VALUE, {"table": key, "name": name, "code": code,
                                                  "ordinal": ordinal}).record
    clear_cache()
    return Value(record["id"], record["name"], record.get("code"), record["ordinal"])
