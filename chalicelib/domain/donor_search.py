"""Searching an organisation's donors: filters over the search index's compact rows, an exact
total, any order and any offset, and then only the page's whole records (one batch read).

A row holds the donor's own searchable fields (store/kinds.py `_donor_row`: short keys) and
its contact points' facets (`EMAIL#12` -> address, `PHONE#3` -> number, `ADDRESS#5` ->
[street, city, state, postal code, country], `WEB#7` -> url). Faces build their filters
from the functions here (LGL's search terms, MPDX's filters) and ask `search` for a page.
Cost (docs/storage.md, "The search index"): the rows (a warm Lambda reads only what changed),
then one BatchGetItem for the page, and one more for the contact points when they are asked for.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterable

from ..store.context import records
from ..store.kinds import DONOR
from ..store.schema import children_of
from ..store.search_index import Row
from . import memberships, record_search
from .contact_points import digits

Filter = Callable[[Row], bool]
ORDERS = ("name", "external_id", "id", "created", "updated", "membership_level", "membership_end")


@dataclass
class Result:
    total: int
    donors: list[dict[str, Any]]
    contacts: dict[int, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)  # donor id -> kind -> records


def _facets(row: Row, kind: str) -> Iterable[Any]:
    prefix = f"{kind}#"
    return (value for key, value in row.facets.items() if key.startswith(prefix))


def _addresses(row: Row) -> Iterable[list[str]]:
    return (value for value in _facets(row, "ADDRESS") if isinstance(value, list))


# ---- filters ---------------------------------------------------------------------------------

def name_contains(text: str) -> Filter:
    """Every word of `text` is in one of the donor's names (any case)."""
    words = text.casefold().split()
    return lambda row: all(any(word in name for name in row.fields.get("n", ())) for word in words)


def email_contains(text: str) -> Filter:
    wanted = text.lower()
    return lambda row: any(wanted in address for address in _facets(row, "EMAIL"))


def phone_contains(text: str) -> Filter:
    """By digits when the text has any (`555-0100` finds `(555) 0100`), else as text."""
    wanted_digits, wanted = digits(text), text.casefold()
    if wanted_digits:
        return lambda row: any(wanted_digits in digits(number) for number in _facets(row, "PHONE"))
    return lambda row: any(wanted in number.casefold() for number in _facets(row, "PHONE"))


def _address_part(index: int, test: Callable[[str, str], bool], text: str) -> Filter:
    wanted = text.strip().casefold()
    return lambda row: any(test(wanted, (address[index] or "").casefold()) for address in _addresses(row))


def street_contains(text: str) -> Filter:
    return _address_part(0, lambda want, have: want in have, text)


def city_is(text: str) -> Filter:
    return _address_part(1, lambda want, have: want == have.strip(), text)


def state_is(text: str) -> Filter:
    return _address_part(2, lambda want, have: want == have.strip(), text)


def postal_code_starts(text: str) -> Filter:
    return _address_part(3, lambda want, have: have.startswith(want), text)


def country_contains(text: str) -> Filter:
    return _address_part(4, lambda want, have: want in have, text)


def changed_from(moment: str) -> Filter:
    return lambda row: row.updated_at >= moment


def changed_to(moment: str) -> Filter:
    return lambda row: row.updated_at <= moment


def external_id_is(value: str) -> Filter:
    return lambda row: row.fields.get("x") == value


def is_org(wanted: bool) -> Filter:
    return lambda row: bool(row.fields.get("o")) is wanted


def status_in(statuses: set[str | None]) -> Filter:
    return lambda row: row.fields.get("st") in statuses


def has_keyword(keyword_ids: Iterable[int]) -> Filter:
    """Donors with one of these keywords assigned (their keyword assignments' facets)."""
    wanted = set(keyword_ids)
    return lambda row: any(value in wanted for value in _facets(row, "TAG"))


def with_keywords(org: str, keyword_ids: Iterable[int]) -> set[int]:
    """The ids of the live donors with one of these keywords (from their search rows)."""
    keep = has_keyword(keyword_ids)
    return {row.id for row in records().search_rows(org, DONOR) if keep(row)}


# ---- class affiliations and custom attribute values ---------------------------------------------
# A class affiliation's facet is `CLASS#<id>` -> [type id, year (0: none)]; the donor's custom
# attribute values are its row's `ca` (attribute id as text -> text, integer or YYYY-MM-DD).

def has_class(type_ids: Iterable[int] | None, first_year: int | None, last_year: int | None) -> Filter:
    """Donors with a class affiliation of one of the types (None: any type) whose year is in
    [first_year, last_year] (None: any year; an affiliation without a year is in no range)."""
    types = set(type_ids) if type_ids is not None else None

    def affiliation(value: Any) -> bool:
        if not isinstance(value, list) or len(value) != 2:
            return False
        type_id, year = value
        if types is not None and type_id not in types:
            return False
        if first_year is None and last_year is None:
            return True
        return bool(year) and (first_year is None or year >= first_year) and (last_year is None or year <= last_year)

    return lambda row: any(affiliation(value) for value in _facets(row, "CLASS"))


def _attribute(row: Row, attribute_id: int) -> Any:
    return (row.fields.get("ca") or {}).get(str(attribute_id))


_TEXT_TESTS: dict[str, Callable[[str, str], bool]] = {
    "ft": lambda have, want: want in have, "nft": lambda have, want: want not in have,
    "eq": lambda have, want: have == want, "ne": lambda have, want: have != want,
    "sw": lambda have, want: have.startswith(want),
    "bl": lambda have, want: not have, "nb": lambda have, want: bool(have),
}
TEXT_OPERATORS = tuple(_TEXT_TESTS)


def attribute_text(attribute_id: int, op: str, text: str) -> Filter:
    """An attribute's value compared as text, any case (`ft` contains, `nft` does not, `eq`,
    `ne`, `sw` starts with, `bl` blank, `nb` not blank); a donor without a value has the
    empty text (so `nft`, `ne` and `bl` keep it)."""
    test, wanted = _TEXT_TESTS[op], text.strip().casefold()
    return lambda row: test(str(_attribute(row, attribute_id) or "").strip().casefold(), wanted)


def attribute_dates(attribute_id: int, first: str | None, last: str | None) -> Filter:
    """A date attribute's value on or after `first` / on or before `last` (YYYY-MM-DD); a donor
    without a value is in no range."""
    def keep(row: Row) -> bool:
        value = _attribute(row, attribute_id)
        return isinstance(value, str) and (first is None or value >= first) and (last is None or value <= last)
    return keep


def attribute_number(attribute_id: int, compare: Callable[[Decimal], bool]) -> Filter:
    """An integer attribute's value that `compare` keeps; a donor without one is never kept."""
    def keep(row: Row) -> bool:
        value = _attribute(row, attribute_id)
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            return False
        return compare(Decimal(value))
    return keep


# ---- groups and memberships (domain/memberships.py): a group membership's facet is its group's
# id, a membership's its [level id, start, finish] ("" when none); the membership terms read
# the donor's latest membership only.

def in_groups(group_ids: Iterable[int]) -> Filter:
    """Donors in one of these groups (a membership of it, whatever its dates)."""
    wanted = set(group_ids)
    return lambda row: any(value in wanted for value in _facets(row, memberships.GROUP_MEMBERSHIP.name))


def _latest_membership(row: Row) -> tuple | None:
    """(id, level id, start, finish) of the donor's latest membership, or None."""
    prefix = f"{memberships.MEMBERSHIP.name}#"
    return memberships.latest((int(key[len(prefix):]), *value) for key, value in row.facets.items()
                              if key.startswith(prefix) and isinstance(value, list) and len(value) == 3)


def membership_status(active: bool, on: str | None = None) -> Filter:
    """Donors whose latest membership is active (finishes `on` or later, or never), or lapsed."""
    day = on or memberships.today()

    def keep(row: Row) -> bool:
        last = _latest_membership(row)
        return last is not None and memberships.is_active(last[3], day) is active
    return keep


def membership_level_in(level_ids: Iterable[int]) -> Filter:
    """Donors whose latest membership is of one of these levels."""
    wanted = set(level_ids)

    def keep(row: Row) -> bool:
        last = _latest_membership(row)
        return last is not None and last[1] in wanted
    return keep


def membership_ends_from(day: str) -> Filter:
    """Donors whose latest membership finishes on or after `day` (one that never does: not)."""
    def keep(row: Row) -> bool:
        last = _latest_membership(row)
        return last is not None and bool(last[3]) and last[3] >= day
    return keep


def membership_ends_to(day: str) -> Filter:
    """Donors whose latest membership finishes on or before `day`."""
    def keep(row: Row) -> bool:
        last = _latest_membership(row)
        return last is not None and bool(last[3]) and last[3] <= day
    return keep


def _membership_order(org: str, name: str) -> Callable[[Row], tuple]:
    """By the latest membership's level name, or its finish date; donors without one last."""
    if name == "membership_level":
        names: dict[Any, str] = {}

        def level(level_id: Any) -> str:
            if level_id not in names:
                names[level_id] = " ".join((memberships.level_name(org, level_id) or "").casefold().split())
            return names[level_id]

        def by_level(row: Row) -> tuple:
            last = _latest_membership(row)
            return (last is None, level(last[1]) if last else "", row.id)
        return by_level

    def by_finish(row: Row) -> tuple:
        last = _latest_membership(row)
        finish = last[3] if last else ""
        return (not finish, finish, row.id)
    return by_finish


def text_contains(text: str) -> Filter:
    """The native text search over the index (MPDX's wildcard): names, external id, notes,
    any e-mail address or phone number; a phone-like text also by its digits."""
    wanted = text.casefold()
    phone_like = all(c.isdigit() or c in " ()+./-" for c in text.strip())
    by_digits = digits(text) if phone_like and len(digits(text)) >= 3 else ""

    def matches(row: Row) -> bool:
        own = [*row.fields.get("n", ()), row.fields.get("x") or "", row.fields.get("t") or ""]
        if any(wanted in value.casefold() for value in own):
            return True
        if any(wanted in address for address in _facets(row, "EMAIL")):
            return True
        numbers = list(_facets(row, "PHONE"))
        return any(wanted in number.casefold() for number in numbers) or bool(
            by_digits and any(by_digits in digits(number) for number in numbers))

    return matches


# ---- the search ------------------------------------------------------------------------------

def _order(name: str, org: str) -> Callable[[Row], tuple]:
    if name in ("membership_level", "membership_end"):
        return _membership_order(org, name)
    if name == "name":
        return lambda row: (" ".join(row.fields.get("s", "").casefold().split()), row.id)
    if name == "external_id":  # donors without one last
        return lambda row: (row.fields.get("x") is None, row.fields.get("x") or "", row.id)
    if name == "created":
        return lambda row: (row.fields.get("c", ""), row.id)
    if name == "updated":
        return lambda row: (row.updated_at, row.id)
    return lambda row: (row.id,)


def search(org: str, filters: Iterable[Filter] = (), *, order: str = "name", descending: bool = False,
           offset: int = 0, limit: int = 25, changed_since: str | None = None,
           contacts: bool = False) -> Result:
    """The page [offset, offset+limit) of the live donors every filter keeps, in `order`, with
    the exact total. `changed_since` narrows the read itself (only rows changed since travel);
    `contacts`: the page's contact points too."""
    if order not in ORDERS:
        raise ValueError(f"unknown order {order}")
    filters = list(filters)
    rows = [row for row in records().search_rows(org, DONOR, changed_since=changed_since)
            if all(keep(row) for keep in filters)]
    rows.sort(key=_order(order, org), reverse=descending)
    donors = record_search.page_of(org, DONOR, rows, offset, limit)
    result = Result(total=len(rows), donors=donors)
    if contacts:
        result.contacts = contacts_of(org, donors)
    return result


def contacts_of(org: str, donors: list[dict[str, Any]]) -> dict[int, dict[str, list[dict[str, Any]]]]:
    """The details of these donors (contact points, keyword assignments, memberships...: every
    detail kind with a facet), by donor and kind, each by id: one batch read (the donors'
    facets name them)."""
    kinds = {kind.name: kind for kind in children_of(DONOR.name) if kind.facet and not kind.timeline_at}
    wanted = [(kinds[name], int(record_id)) for donor in donors for key in donor.get("facets", {})
              for name, _, record_id in [key.partition("#")] if name in kinds]
    found = records().many(org, wanted)
    out: dict[int, dict[str, list[dict[str, Any]]]] = {d["id"]: {name: [] for name in kinds} for d in donors}
    for (name, _), record in sorted(found.items(), key=lambda item: item[0][1]):
        if record["donor_id"] in out:
            out[record["donor_id"]][name].append(record)
    return out
