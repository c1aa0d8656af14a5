"""LGL's constituent search terms, as filters of the donor search (domain/donor_search.py).

Every term of the doc that this part of the face holds data for; the terms on class
affiliations and custom attributes arrive with those records (a 400 says so until then,
rather than an answer that could only be empty). An unknown
term is LGL's own 400: `Unknown query parameter: <term>`.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from ...domain import custom_attrs, donor_search, lifecycle, record_search, timestamps
from ...errors import FieldError
from .errors import ParameterError
from .params import bad

VALUE_MAX = 200
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NO_ZONE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")


def moment(term: str, value: str, *, end_of_day: bool = False) -> str:
    """A date (its start, or with `end_of_day` its last millisecond) or a timestamp (UTC when
    it names no zone), as stored timestamps are written."""
    text = value.strip()
    if _DATE.match(text) and end_of_day:
        text += "T23:59:59.999Z"
    elif _NO_ZONE.match(text):
        text += "Z"
    try:
        return timestamps.canonical_timestamp(text)
    except ValueError as exc:
        raise bad(term, f"must be a date (YYYY-MM-DD) or a timestamp (YYYY-MM-DDTHH:MM:SSZ): {exc}") from None


class Terms:
    """A search's terms: name -> builder of its filter from (org, value). `filters` turns the
    terms sent into filters (ANDed), and the latest `updated_from` (a search reads only what
    changed since it). An unknown term is LGL's 400 `Unknown query parameter: <term>`."""

    def __init__(self, builders: dict[str, Callable[[str, str], Any]], later: tuple[str, ...] = ()) -> None:
        self.builders = builders
        self.later = later  # documented terms on records not kept yet: a 400 that says so

    def filters(self, org: str, terms: list[tuple[str, str]]) -> tuple[list[Any], str | None]:
        filters, since = [], None
        for term, value in terms:
            if term in self.later:
                raise ParameterError(f"Search term {term} is not supported yet: it searches records this API "
                                     "does not keep yet", [FieldError(term, "not supported yet")])
            if term not in self.builders:
                raise ParameterError(f"Unknown query parameter: {term[:100]}", [FieldError(term[:100], "unknown term")])
            if len(value) > VALUE_MAX:
                raise bad(term, f"must be at most {VALUE_MAX} characters")
            filters.append(self.builders[term](org, value))
            if term == "updated_from":
                start = moment(term, value)
                since = max(since or start, start)
        return filters, since

    # ---- the shapes of LGL's term values ---------------------------------------------------

    @staticmethod
    def day(term: str, value: str) -> str:
        """A date (YYYY-MM-DD), or a timestamp's UTC date."""
        return moment(term, value)[:10]

    @staticmethod
    def ids(term: str, value: str) -> list[int]:
        out = []
        for part in value.split(","):
            number = lifecycle.record_number(part.strip()) if part.strip() else None
            if number is None:
                raise bad(term, f"takes ids separated by commas, not {part.strip()[:40]!r}")
            out.append(number)
        return out

    @staticmethod
    def const_keyword(org: str, value: str) -> Any:
        """Records of constituents with one of these keywords (`const_keyword=1,2`)."""
        donors = donor_search.with_keywords(org, Terms.ids("const_keyword", value))
        return record_search.field_in("dn", donors)

    @staticmethod
    def texts(value: str) -> list[str]:
        return [part.strip() for part in value.split(",") if part.strip()]

    @staticmethod
    def id_list(term: str, key: str, ops: tuple[str, ...],
                custom: Callable[[str, str, list[int]], Any] | None = None) -> Callable[[str, str], Any]:
        """`op|1,2,3`: `in` (one of them), `ni` (none of them), `bl` (none set); no op: `in`.
        `key`: the row field compared; `custom`: (org, op, ids) -> the filter, for ids of another kind."""
        def build(org: str, value: str) -> Any:
            op, bar, rest = value.partition("|")
            op = op.strip().lower()
            if not bar and op not in ops:
                op, rest = "in", value
            if op not in ops:
                raise bad(term, f"takes op|ids with op one of {', '.join(ops)}, not {value[:40]!r}")
            if op == "bl":
                return record_search.blank(key)
            ids = Terms.ids(term, rest)
            if custom is not None:
                return custom(org, op, ids)
            return record_search.field_in(key, ids) if op == "in" else record_search.field_not_in(key, ids)
        return build

    @staticmethod
    def amount(term: str, key: str) -> Callable[[str, str], Any]:
        """`op|number[|number2]`, op one of gte, lte, btw, gt, lt, eq, ne; compared exactly."""
        def build(org: str, value: str) -> Any:
            op, _, rest = value.partition("|")
            op = op.strip().lower()
            numbers = [part.strip() for part in rest.split("|") if part.strip()]
            if op not in record_search.COMPARISONS or not numbers or len(numbers) > (2 if op == "btw" else 1) \
                    or (op == "btw" and len(numbers) != 2):
                raise bad(term, "takes op|amount (op one of " + ", ".join(record_search.COMPARISONS)
                          + "; btw|low|high), not " + repr(value[:40]))
            try:
                amounts = [Decimal(n) for n in numbers]
            except InvalidOperation:
                raise bad(term, f"amounts are decimal numbers, not {value[:40]!r}") from None
            if not all(a.is_finite() for a in amounts):
                raise bad(term, "amounts are finite numbers")
            return record_search.compared(key, op, amounts[0], amounts[1] if len(amounts) > 1 else None)
        return build


def _constituent_type(org: str, value: str) -> donor_search.Filter:
    if value.strip() not in ("0", "1"):
        raise bad("constituent_type", "must be 0 (individual) or 1 (organization)")
    return donor_search.is_org(value.strip() == "1")


def _plain(build: Callable[[str], Any]) -> Callable[[str, str], Any]:
    return lambda org, value: build(value)


# ---- class affiliations and custom attributes --------------------------------------------------

_YEAR = re.compile(r"^(\d{4})(-\d{2}(-\d{2})?)?$")


def _year(term: str, text: str) -> int | None:
    """The year of `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a class is a year: a date names its year)."""
    text = text.strip()
    if not text:
        return None
    match = _YEAR.match(text)
    if match is None or (match.group(3) and not _DATE.match(text)):
        raise bad(term, f"takes years or dates (YYYY or YYYY-MM-DD), not {text[:40]!r}")
    if match.group(3):
        Terms.day(term, text)  # a real day of the calendar
    return int(match.group(1))


def _class(org: str, value: str) -> donor_search.Filter:
    """`class=type[,type]|from[ to to]`: a class affiliation of one of the types (none sent:
    any) whose year is in the range; a date stands for its year, one alone for that year."""
    types_text, _, range_text = value.partition("|")
    types = Terms.ids("class", types_text) if types_text.strip() else None
    ends = re.split(r"\s+to\s+", range_text.strip(), flags=re.IGNORECASE) if range_text.strip() else []
    if len(ends) > 2:
        raise bad("class", f"takes type[,type]|from[ to to], not {value[:60]!r}")
    first = _year("class", ends[0]) if ends else None
    last = (_year("class", ends[1]) if len(ends) == 2 else first) if ends else None
    if types is None and first is None and last is None:
        raise bad("class", "takes class affiliation type ids, a year range or both: type[,type]|from[ to to]")
    if first is not None and last is not None and first > last:
        raise bad("class", f"its range starts after it ends ({first} to {last})")
    return donor_search.has_class(types, first, last)


def _attribute(org: str, term: str, key: str, classifications: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The constituent attribute with this key, else a 400 naming the term."""
    definition = custom_attrs.definition_by_key(org, key) if key.strip() else None
    if definition is None:
        raise bad(term, f"names no custom attribute of constituents: {key.strip()[:60]!r} is not an attribute's key")
    classification = definition.get("classification") or "text"
    if classifications is not None and classification not in classifications:
        raise bad(term, f"compares {' or '.join(classifications)} attributes: {key.strip()[:60]!r} is a "
                        f"{classification} attribute")
    return definition


def _custom_attr(org: str, value: str) -> donor_search.Filter:
    """`custom_attr=key|op|value`, op one of ft, nft, eq, ne, sw, bl, nb (bl and nb take no value)."""
    key, _, rest = value.partition("|")
    op, _, text = rest.partition("|")
    op = op.strip().lower()
    if op not in donor_search.TEXT_OPERATORS:
        raise bad("custom_attr", f"takes key|op|value with op one of {', '.join(donor_search.TEXT_OPERATORS)}, "
                                 f"not {value[:60]!r}")
    if op not in ("bl", "nb") and not text.strip():
        raise bad("custom_attr", f"takes key|{op}|value: a value to compare")
    definition = _attribute(org, "custom_attr", key)
    return donor_search.attribute_text(definition["id"], op, text)


def _custom_attr_date(term: str) -> Callable[[str, str], Any]:
    """`custom_attr_from=key|YYYY-MM-DD` (on or after), `custom_attr_to` (on or before), of a date attribute."""
    def build(org: str, value: str) -> donor_search.Filter:
        key, bar, day = value.partition("|")
        if not bar or not day.strip():
            raise bad(term, f"takes key|YYYY-MM-DD, not {value[:60]!r}")
        definition = _attribute(org, term, key, ("date",))
        when = Terms.day(term, day)
        return donor_search.attribute_dates(definition["id"], when if term == "custom_attr_from" else None,
                                            when if term == "custom_attr_to" else None)
    return build


_NUMBER_TESTS: dict[str, Callable[[Decimal, Decimal, Decimal], bool]] = {
    "eq": lambda v, a, b: v == a, "ne": lambda v, a, b: v != a, "gt": lambda v, a, b: v > a,
    "gte": lambda v, a, b: v >= a, "lt": lambda v, a, b: v < a, "lte": lambda v, a, b: v <= a,
    "btw": lambda v, a, b: min(a, b) <= v <= max(a, b),
}


def _custom_attr_int(org: str, value: str) -> donor_search.Filter:
    """`custom_attr_int=key|op|number[|number2]`, op one of gte, lte, btw (inclusive), gt, lt, eq, ne."""
    key, _, rest = value.partition("|")
    parts = [part.strip() for part in rest.split("|")]
    op, numbers = parts[0].lower(), [p for p in parts[1:] if p]
    if op not in _NUMBER_TESTS or len(numbers) != (2 if op == "btw" else 1) or len(parts) - 1 != len(numbers):
        raise bad("custom_attr_int", "takes key|op|number (op one of " + ", ".join(_NUMBER_TESTS)
                  + "; key|btw|low|high), not " + repr(value[:60]))
    try:
        bounds = [Decimal(n) for n in numbers]
    except InvalidOperation:
        raise bad("custom_attr_int", f"compares numbers, not {value[:60]!r}") from None
    if not all(b.is_finite() for b in bounds):
        raise bad("custom_attr_int", "compares finite numbers")
    definition = _attribute(org, "custom_attr_int", key, ("integer",))
    test, low, high = _NUMBER_TESTS[op], bounds[0], bounds[-1]
    return donor_search.attribute_number(definition["id"], lambda number: test(number, low, high))


CONSTITUENT_TERMS = Terms({
    "name": _plain(donor_search.name_contains),
    "eaddr": _plain(donor_search.email_contains),
    "phone_number": _plain(donor_search.phone_contains),
    "street": _plain(donor_search.street_contains),
    "city": _plain(donor_search.city_is),
    "state": _plain(donor_search.state_is),
    "postal_code": _plain(donor_search.postal_code_starts),
    "country": _plain(donor_search.country_contains),
    "external_id": _plain(donor_search.external_id_is),
    "constituent_type": _constituent_type,
    "keyword": lambda org, value: donor_search.has_keyword(Terms.ids("keyword", value)),
    "class": _class,
    "custom_attr": _custom_attr,
    "custom_attr_from": _custom_attr_date("custom_attr_from"),
    "custom_attr_to": _custom_attr_date("custom_attr_to"),
    "custom_attr_int": _custom_attr_int,
    "updated_from": lambda org, value: donor_search.changed_from(moment("updated_from", value)),
    "updated_to": lambda org, value: donor_search.changed_to(moment("updated_to", value, end_of_day=True)),
})
SORTS = {"name": "name", "external_id": "external_id", "lgl_id": "id", "date_created": "created",
         "date_updated": "updated", "membership_level": "membership_level",
         "membership_end_date_from": "membership_end"}
LATER_SORTS: tuple[str, ...] = ()


# ---- groups and memberships (domain/memberships.py: the membership terms read each constituent's
# latest membership, the one that finishes last) ----------------------------------------------------

def _membership_status(org: str, value: str) -> donor_search.Filter:
    if value.strip() not in ("0", "1"):
        raise bad("membership_status", "must be 0 (lapsed) or 1 (active)")
    return donor_search.membership_status(value.strip() == "1")


CONSTITUENT_TERMS.builders.update({
    "groups": lambda org, value: donor_search.in_groups(Terms.ids("groups", value)),
    "membership_status": _membership_status,
    "membership_level": lambda org, value: donor_search.membership_level_in(Terms.ids("membership_level", value)),
    "membership_end_date_from": lambda org, value: donor_search.membership_ends_from(
        Terms.day("membership_end_date_from", value)),
    "membership_end_date_to": lambda org, value: donor_search.membership_ends_to(
        Terms.day("membership_end_date_to", value)),
})

EXPANDS = ("class_affiliations", "relationships", "street_addresses", "phone_numbers", "email_addresses",
           "web_addresses", "categories", "groups", "memberships", "custom_attrs")
