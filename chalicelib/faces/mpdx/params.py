"""Query parameters of the contacts list, JSON:API style; anything else is a 400 naming it.

    page, per_page                    1-based page number (default 1), page size (1-500, default 25)
    sort                              name | -name (default: by name, meta.sort null)
    filter[status]                    comma-separated statuses, or active / hidden / null
    filter[wildcard_search]           text in the name, e-mail, phone or notes (any case)
    filter[organization_id]           comma-separated organisation ids
"""
from __future__ import annotations

from dataclasses import dataclass, field

from chalice.app import Request

from ...domain import donors, lifecycle
from ...errors import BadRequest
from ..http import Param
from .errors import Parameter

PER_PAGE_DEFAULT = 25
PER_PAGE_MAX = 500
PAGE_MAX = 1_000_000_000
SEARCH_MAX = 200
ORGANIZATION_IDS_MAX = 1000  # characters of filter[organization_id]

SORTS = ("name", "-name")
PSEUDO_STATUSES = ("active", "hidden", "null")
FILTERS = ("status", "wildcard_search", "organization_id")
# What the list accepts, and what its OpenAPI document says of each parameter.
LIST_PARAMS = (
    Param("page", {"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": 1}, "Page number, from 1"),
    Param("per_page", {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX, "default": PER_PAGE_DEFAULT},
          "Page size"),
    Param("sort", {"type": "string", "enum": list(SORTS)}, "By name, A to Z or Z to A (absent: by name)"),
    Param("filter[status]", {"type": "string"},
          "Comma-separated: statuses (exact spelling), `active`, `hidden` or `null` (no status): "
          + ", ".join(PSEUDO_STATUSES + donors.STATUSES)),
    Param("filter[wildcard_search]", {"type": "string", "maxLength": SEARCH_MAX},
          "Text in the name, e-mail, phone, notes or external id (any case)"),
    Param("filter[organization_id]", {"type": "string", "maxLength": ORGANIZATION_IDS_MAX},
          "Comma-separated organisation ids; only yours has contacts"),
)
LIST_PARAMETERS = tuple(p.name for p in LIST_PARAMS)


@dataclass
class ListQuery:
    page: int = 1
    per_page: int = PER_PAGE_DEFAULT
    sort: str | None = None
    filters: dict[str, str] = field(default_factory=dict)  # as given, for meta.filter
    statuses: set[str | None] | None = None                 # None in it: no status
    text: str | None = None
    organizations: tuple[str, ...] | None = None


def bad(name: str, detail: str) -> BadRequest:
    return BadRequest(detail, [Parameter(name, detail)])


def single_values(request: Request, allowed: tuple[str, ...]) -> dict[str, str]:
    params = request.query_params or {}
    out: dict[str, str] = {}
    for name in params:
        if name not in allowed:
            hint = f"use {', '.join(allowed)}" if allowed else "this resource takes no query parameters"
            if name.startswith("page[") and "page" in allowed:
                hint = "pages are chosen with page and per_page"
            raise bad(name, f"Unknown query parameter {name[:100]!r}: {hint}.")
        values = params.getlist(name)
        if len(values) > 1:
            raise bad(name, f"Query parameter {name} was given {len(values)} times; give it once.")
        out[name] = values[0]
    return out


def _whole(params: dict[str, str], name: str, default: int, most: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    number = lifecycle.whole_number(raw)
    if number is None or not 1 <= number <= most:
        raise bad(name, f"{name} must be an integer from 1 to {most}.")
    return number


def _list(params: dict[str, str], name: str) -> list[str]:
    values = [v.strip() for v in params[name].split(",")]
    if not all(values):
        raise bad(name, f"{name} must be one or more comma-separated values, none empty.")
    return values


def list_query(request: Request) -> ListQuery:
    params = single_values(request, LIST_PARAMETERS)
    query = ListQuery(
        page=_whole(params, "page", 1, PAGE_MAX),
        per_page=_whole(params, "per_page", PER_PAGE_DEFAULT, PER_PAGE_MAX),
    )
    if "sort" in params:
        if params["sort"] not in SORTS:
            raise bad("sort", "sort must be name or -name.")
        query.sort = params["sort"]
    query.filters = {f: params[f"filter[{f}]"] for f in FILTERS if f"filter[{f}]" in params}

    if "status" in query.filters:
        query.statuses = set()
        for value in _list(params, "filter[status]"):
            if value == "active":
                query.statuses |= {*donors.ACTIVE_STATUSES, None}
            elif value == "hidden":
                query.statuses |= set(donors.HIDDEN_STATUSES)
            elif value == "null":
                query.statuses.add(None)
            elif value in donors.STATUSES:
                query.statuses.add(value)
            else:
                raise bad("filter[status]", f"{value[:100]!r} is not a status; use "
                          f"{', '.join(PSEUDO_STATUSES + donors.STATUSES)} (several comma-separated).")

    if "wildcard_search" in query.filters:
        text = params["filter[wildcard_search]"]
        if len(text) > SEARCH_MAX:
            raise bad("filter[wildcard_search]", f"filter[wildcard_search] must be at most {SEARCH_MAX} characters.")
        query.text = text or None  # empty: every contact matches

    if "organization_id" in query.filters:
        if len(params["filter[organization_id]"]) > ORGANIZATION_IDS_MAX:
            raise bad("filter[organization_id]",
                      f"filter[organization_id] must be at most {ORGANIZATION_IDS_MAX} characters.")
        query.organizations = tuple(_list(params, "filter[organization_id]"))
    return query
