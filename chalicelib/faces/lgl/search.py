"""LGL's constituent search terms, as filters of the donor search (domain/donor_search.py).

Every term of the doc that this part of the face holds data for; the terms on keywords,
groups, memberships, class affiliations and custom attributes arrive with those records
(a 400 says so until then, rather than an answer that could only be empty). An unknown
term is LGL's own 400: `Unknown query parameter: <term>`.
"""
from __future__ import annotations

import re
from typing import Callable

from ...domain import donor_search, timestamps
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


def _constituent_type(value: str) -> donor_search.Filter:
    if value.strip() not in ("0", "1"):
        raise bad("constituent_type", "must be 0 (individual) or 1 (organization)")
    return donor_search.is_org(value.strip() == "1")


CONSTITUENT_TERMS: dict[str, Callable[[str], donor_search.Filter]] = {
    "name": donor_search.name_contains,
    "eaddr": donor_search.email_contains,
    "phone_number": donor_search.phone_contains,
    "street": donor_search.street_contains,
    "city": donor_search.city_is,
    "state": donor_search.state_is,
    "postal_code": donor_search.postal_code_starts,
    "country": donor_search.country_contains,
    "external_id": donor_search.external_id_is,
    "constituent_type": _constituent_type,
    "updated_from": lambda value: donor_search.changed_from(moment("updated_from", value)),
    "updated_to": lambda value: donor_search.changed_to(moment("updated_to", value, end_of_day=True)),
}
LATER_TERMS = ("keyword", "groups", "membership_status", "membership_level", "membership_end_date_from",
               "membership_end_date_to", "class", "custom_attr", "custom_attr_from", "custom_attr_to",
               "custom_attr_int")
SORTS = {"name": "name", "external_id": "external_id", "lgl_id": "id", "date_created": "created",
         "date_updated": "updated"}
LATER_SORTS = ("membership_level", "membership_end_date_from")
EXPANDS = ("class_affiliations", "relationships", "street_addresses", "phone_numbers", "email_addresses",
           "web_addresses", "categories", "groups", "memberships", "custom_attrs")


def constituent_filters(terms: list[tuple[str, str]]) -> tuple[list[donor_search.Filter], str | None]:
    """The filters of the terms, and the earliest `updated_from` (the search reads only what
    changed since it)."""
    filters, since = [], None
    for term, value in terms:
        if term in LATER_TERMS:
            raise ParameterError(f"Search term {term} is not supported yet: it searches records this API does "
                                 "not keep yet", [FieldError(term, "not supported yet")])
        if term not in CONSTITUENT_TERMS:
            raise ParameterError(f"Unknown query parameter: {term[:100]}", [FieldError(term[:100], "unknown term")])
        if len(value) > VALUE_MAX:
            raise bad(term, f"must be at most {VALUE_MAX} characters")
        filters.append(CONSTITUENT_TERMS[term](value))
        if term == "updated_from":
            start = moment(term, value)
            since = max(since or start, start)
    return filters, since
