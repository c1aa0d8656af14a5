"""Lookup values ("types"): the kinds of e-mail address, phone number, street and web address,
contact report, mailing, volunteering, appeal and event an organisation uses (LGL's
`/types`), and the few value lists a constituent names (contact type, marital status).

Each table is a catalogue (catalogues.py) of its own: every organisation starts with LGL's
default values, with the ids LGL's own accounts show (phone 3 is Mobile everywhere), defined
here, not stored; operators add values with the CLI (`lookups add`, ids from 10001), and a
warm Lambda sees them within API_KEY_CACHE_SECONDS.

References are resolved name-or-id: an id wins when both are sent; an unknown id or name is
a 422 naming the field and the values there are, never a value made up from a typo. Names
match any case, and a value's code too.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import NotFound
from ..store import kinds
from . import catalogues
from .catalogues import Catalogue
from .fields import INTEGER, Spec

Value = dict[str, Any]  # id, name, code, ordinal (and the stamps of a stored one)


@dataclass(frozen=True)
class Table:
    key: str                  # "email_address_types"
    name: str                 # "Email Address Types"
    item_type: str            # one of its values, in LGL's lists: "email_address_type"
    catalogue: Catalogue
    listed: bool = True       # in GET /types (the constituent's own lists are not)


_SPECS = (Spec("name", required=True), Spec("code", max_length=100), Spec("ordinal", INTEGER))


def _table(key: str, name: str, kind_name: str, rows: tuple[tuple[int, str, str | None, int], ...],
           listed: bool = True) -> Table:
    kind = kinds.declare_catalogue(kind_name, kind_name.replace("_", " ").capitalize(), first_id=10_001)
    defaults = tuple({"id": i, "name": n, "code": c, "ordinal": o} for i, n, c, o in rows)
    return Table(key, name, kind_name.lower(), catalogues.CATALOGUES.add(
        Catalogue(key, kind, _SPECS, also_named_by=("code",), defaults=defaults, listed=False)), listed)


TABLES: dict[str, Table] = {t.key: t for t in (
    _table("contact_report_types", "Contact Report Types", "CONTACT_REPORT_TYPE", (
        (2183, "Call", "call", 0), (2184, "Email", "email", 1), (2185, "Meeting", "meeting", 2),
        (2186, "Mailing", "letter", 3), (2187, "Proposal", "proposal", 4), (2188, "Other", "other", 5))),
    _table("email_address_types", "Email Address Types", "EMAIL_ADDRESS_TYPE", (
        (1, "Home", "home", 100), (2, "Work", "work", 100), (3, "Other", "other", 100),
        (4, "Assistant", "assistant", 101))),
    _table("mailing_types", "Mailing Types", "MAILING_TYPE", (
        (1907, "Acknowledgment", "acknowledgment", 0), (1908, "Reminder", "reminder", 1),
        (1909, "Appeal", "appeal", 2), (1910, "Newsletter", "newsletter", 3), (1911, "Other", "other", 4),
        (1912, "Invitation", "invitation", 5), (1913, "Honorary", "honorary", 6), (1914, "Memorial", "memorial", 7),
        (1915, "Annual Statement", "annual_statement", 8))),
    _table("street_address_types", "Street Address Types", "STREET_ADDRESS_TYPE", (
        (1, "Home", "home", 100), (2, "Work", "work", 100), (3, "Other", "other", 100), (4, "School", "school", 100))),
    _table("phone_number_types", "Phone Number Types", "PHONE_NUMBER_TYPE", (
        (1, "Home", "home", 100), (2, "Work", "work", 100), (3, "Mobile", "mobile", 100), (4, "Other", "other", 100),
        (6, "Skype", "skype", 100), (5, "Fax", "fax", 101), (7, "Assistant", "assistant", 101),
        (8, "Pager", "pager", 102))),
    _table("web_address_types", "Web Address Types", "WEB_ADDRESS_TYPE", (
        (5, "Website", "website", 0), (6, "Facebook", "facebook", 1), (7, "Twitter", "twitter", 2),
        (8, "LinkedIn", "linkedin", 3))),
    _table("volunteering_categories", "Volunteering Categories", "VOLUNTEERING_CATEGORY", (
        (446, "General", "general", 0), (447, "Donor Management", "donor_management", 100))),
    _table("appeal_types", "Appeal Types", "APPEAL_TYPE", ()),
    _table("event_types", "Event Types", "EVENT_TYPE", ()),
    # A constituent's own lists (no LGL endpoint lists them).
    _table("constituent_contact_types", "Constituent Contact Types", "CONSTITUENT_CONTACT_TYPE", (
        (1243, "Primary", "primary", 0), (1244, "Secondary", "secondary", 1)), listed=False),
    _table("note_types", "Note Types", "NOTE_TYPE", (
        (1, "General", "general", 0), (2, "Research", "research", 1), (3, "Biography", "biography", 2)), listed=False),
    _table("marital_statuses", "Marital Statuses", "MARITAL_STATUS", (
        (1, "Single", "single", 0), (2, "Married", "married", 1), (3, "Partnered", "partnered", 2),
        (4, "Separated", "separated", 3), (5, "Divorced", "divorced", 4), (6, "Widowed", "widowed", 5)),
        listed=False),
)}
LISTED = tuple(key for key, table in TABLES.items() if table.listed)


def clear_cache() -> None:
    catalogues.forget()


def table(key: str) -> Table:
    found = TABLES.get(key)
    if found is None:
        raise NotFound(f"There is no type {key[:100]!r}; the types are {', '.join(LISTED)}.")
    return found


def values(org: str, key: str) -> list[Value]:
    """The table's values for the organisation, by ordinal (then name and id), as LGL lists them."""
    return catalogues.entries(org, table(key).catalogue)


def value_of(org: str, key: str, value_id: Any) -> Value | None:
    """The value an id names (deleted or not), or None."""
    return catalogues.named(org, table(key).catalogue, value_id)


def name_of(org: str, key: str, value_id: Any) -> str | None:
    return catalogues.name_of(org, table(key).catalogue, value_id)


def resolve(org: str, key: str, *, value_id: Any = None, name: Any = None, id_field: str, name_field: str) -> Value:
    """The value an id or a name names (the id wins); 422 naming the field otherwise."""
    return catalogues.resolve(org, table(key).catalogue, value_id=value_id, name=name, id_field=id_field,
                              name_field=name_field)


def add(org: str, key: str, name: str, *, code: str | None = None, ordinal: int = 100) -> Value:
    """A new value of a table, for the organisation (the operator CLI)."""
    return catalogues.create(org, table(key).catalogue, {"name": name, "code": code, "ordinal": ordinal}).record
