"""Searching an organisation's records of one kind (gifts, contact reports, notes, volunteer
times...) with exact totals, any order and any offset: filters over the kind's compact search
rows (store/kinds.py declares each kind's row), then only the page's whole records.

Where the rows come from is chosen by what the search narrows to:
- one donor's records: that donor's own records (one Query of its collection), so a search by
  constituent costs what that constituent has, not what the organisation has;
- records changed since a time (`updated_from`): only the rows changed since then;
- otherwise every row of the kind (a warm Lambda keeps them and reads only what changed).
Filters are functions of a row's fields (`Row.fields`); the builders below are what the faces'
search terms are made of.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterable

from ..store.context import records
from ..store.kinds import DONOR
from ..store.schema import Kind
from ..store.search_index import Row

Filter = Callable[[Row], bool]
Order = Callable[[Row], Any]


@dataclass
class Found:
    total: int
    records: list[dict[str, Any]]


# ---- filters ---------------------------------------------------------------------------------

def field_in(key: str, values: Iterable[Any]) -> Filter:
    wanted = set(values)
    return lambda row: row.fields.get(key) in wanted


def field_not_in(key: str, values: Iterable[Any]) -> Filter:
    """Not one of them (a record without a value is not one of them either)."""
    wanted = set(values)
    return lambda row: row.fields.get(key) not in wanted


def blank(key: str) -> Filter:
    return lambda row: row.fields.get(key) in (None, "", 0)


def id_in(ids: Iterable[int]) -> Filter:
    wanted = set(ids)
    return lambda row: row.id in wanted


def at_least(key: str, low: str) -> Filter:
    """A text or ISO date/time field at or after `low` (records without one are left out)."""
    return lambda row: row.fields.get(key) is not None and str(row.fields[key]) >= low


def at_most(key: str, high: str) -> Filter:
    return lambda row: row.fields.get(key) is not None and str(row.fields[key]) <= high


def updated_from(moment: str) -> Filter:
    return lambda row: row.updated_at >= moment


def updated_to(moment: str) -> Filter:
    return lambda row: row.updated_at <= moment


def contains(key: str, text: str) -> Filter:
    wanted = text.casefold()
    return lambda row: wanted in str(row.fields.get(key) or "").casefold()


_COMPARE: dict[str, Callable[[Decimal, Decimal, Decimal | None], bool]] = {
    "eq": lambda v, a, b: v == a, "ne": lambda v, a, b: v != a, "gt": lambda v, a, b: v > a,
    "gte": lambda v, a, b: v >= a, "lt": lambda v, a, b: v < a, "lte": lambda v, a, b: v <= a,
    "btw": lambda v, a, b: a <= v <= (b if b is not None else a),
}
COMPARISONS = tuple(_COMPARE)


def compared(key: str, op: str, first: Decimal, second: Decimal | None = None) -> Filter:
    """An exact comparison of a decimal field (money compared to the cent, never as floats)."""
    test = _COMPARE[op]
    return lambda row: row.fields.get(key) is not None and test(Decimal(str(row.fields[key])), first, second)


# ---- orders ----------------------------------------------------------------------------------

def by_field(key: str, *, number: bool = False) -> Order:
    """Rows by a field (those without one last), then by id."""
    if number:
        return lambda row: (row.fields.get(key) is None, Decimal(str(row.fields.get(key) or 0)), row.id)
    return lambda row: (row.fields.get(key) is None, str(row.fields.get(key) or "").casefold(), row.id)


def by_name_of(key: str, names: Callable[[Any], str | None]) -> Order:
    """Rows by the name of what a field refers to (a fund's name), those without one last."""
    def order(row: Row) -> tuple:
        name = names(row.fields.get(key))
        return (name is None, (name or "").casefold(), row.id)
    return order


def by_updated(row: Row) -> tuple:
    return (row.updated_at, row.id)


def by_id(row: Row) -> tuple:
    return (row.id,)


def by_donor_name(org: str) -> Order:
    """Rows by their donor's sort name (read from the donors' search rows)."""
    names = {row.id: " ".join(str(row.fields.get("s", "")).casefold().split())
             for row in records().search_rows(org, DONOR)}
    return lambda row: (names.get(row.fields.get("dn"), "\uffff"), row.id)


# ---- the search ------------------------------------------------------------------------------

def search(org: str, kind: Kind, filters: Iterable[Filter] = (), *, order: Order = by_id, descending: bool = False,
           offset: int = 0, limit: int = 25, donor_id: int | None = None,
           changed_since: str | None = None) -> Found:
    """The page [offset, offset+limit) of the live records every filter keeps, in `order`, with
    the exact total; `donor_id` narrows the read to one donor's records (a NotFound when that
    donor is not live), `changed_since` to the rows changed since then."""
    filters = list(filters)
    if donor_id is not None:
        rows = records().child_rows(org, DONOR, donor_id, kind)
    else:
        rows = records().search_rows(org, kind, changed_since=changed_since)
    rows = [row for row in rows if all(keep(row) for keep in filters)]
    rows.sort(key=order, reverse=descending)
    return Found(total=len(rows), records=page_of(org, kind, rows, offset, limit))


def page_of(org: str, kind: Kind, rows: list[Row], offset: int, limit: int) -> list[dict[str, Any]]:
    """The live records of the rows [offset, offset+limit), in their order: one batch read; a
    record deleted since its row was read is replaced by the next ones, so the page is never
    short while more match."""
    page_rows = rows[offset:offset + limit] if limit else []
    found = records().live_many(org, kind, [row.id for row in page_rows])
    more = rows[offset + limit:]
    while more and len(found) < len(page_rows):
        found += records().live_many(org, kind, [row.id for row in more[:len(page_rows) - len(found)]])
        more = more[len(page_rows):]
    return found
