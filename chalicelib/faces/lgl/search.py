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

from ...domain import donor_search, lifecycle, record_search, timestamps
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
    "updated_from": lambda org, value: donor_search.changed_from(moment("updated_from", value)),
    "updated_to": lambda org, value: donor_search.changed_to(moment("updated_to", value, end_of_day=True)),
}, later=("class", "custom_attr", "custom_attr_from", "custom_attr_to", "custom_attr_int"))
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
