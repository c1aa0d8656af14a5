"""LGL's volunteer times (docs/lgl.md, "Volunteer times"): a constituent's, the organisation's
(by id, exact `total_items`), one, and `GET /volunteer_times/search` with every documented term.

The category by `volunteering_category_id` or `volunteering_category_name` (the id wins);
`hours` and `completed_hours` exact; `external_id` kept as text (LGL types it a number, its
examples send text); `custom_fields` of VolunteerTime categories, as gifts keep theirs.
"""
from __future__ import annotations

from typing import Annotated, Any, Union

from chalice import Response
from pydantic import AfterValidator, Field

from ... import auth
from ...domain import record_search, volunteer_times
from ...errors import NotFound, ValidationFailed
from .. import spec_models
from ..http import Call
from . import params, schemas
from . import render as lgl_render
from .render import stamps
from .resources import ParentPath, Resource, constituent_as_donor, declare, search_params
from .routes import PREFIX, _json, page, routes
from .search import Terms, moment

ITEM_TYPE = "volunteer_time"
ExternalId = Annotated[Union[Annotated[str, Field(max_length=128)], int], AfterValidator(lambda v: str(v).strip())]
VolunteerTimeBody = spec_models.request_model(
    "VolunteerTimeBody", schemas.Body, volunteer_times.SPECS, lax=True,
    extra={"constituent_id": schemas.Id, "volunteering_category_name": schemas.Text, "external_id": ExternalId,
           "custom_fields": schemas.CustomFields})
VolunteerTimeBody.__doc__ = ("A volunteer time: its category by `volunteering_category_id` or "
                             "`volunteering_category_name` (required on create); hours exact to the hundredth.")


def render(org: str, time: dict[str, Any]) -> dict[str, Any]:
    return {"id": time["id"], "constituent_id": time["donor_id"], "external_id": time.get("external_id"),
            "volunteering_category_id": time.get(volunteer_times.CATEGORY),
            "volunteering_category_name": volunteer_times.category_name(org, time),
            "description": time.get("description"), "hours": time.get("hours"), "date": time["date"],
            "end_date": time.get("end_date"), "completed_hours": time.get("completed_hours"),
            "custom_fields": lgl_render.custom_fields(org, time),
            **stamps(time)}


def _create(org: str, constituent: int, fields: dict[str, Any]) -> dict[str, Any]:
    sent = fields.get("donor_id")
    if sent is not None and sent != constituent:
        raise ValidationFailed.on("donor_id", f"is the path's constituent ({constituent}): send none, or the same")
    return volunteer_times.create(org, {**fields, "donor_id": constituent}).record


VOLUNTEER_TIMES = Resource(
    "volunteer_times", ITEM_TYPE, "VolunteerTime", VolunteerTimeBody, render,
    get=volunteer_times.get, update=volunteer_times.update, delete=volunteer_times.delete,
    parents=(ParentPath("constituents", volunteer_times.of_donor, _create),),
    fields=constituent_as_donor,
    names={"donor_id": "constituent_id"},
    listing=volunteer_times.listed,
)
declare(VOLUNTEER_TIMES)


# ---- GET /volunteer_times/search -------------------------------------------------------------

class _OfConstituents:
    """The `constituent_id` term: records of these donors (a filter, and what narrows the read)."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = set(ids)

    def __call__(self, row: record_search.Row) -> bool:
        return row.fields.get("dn") in self.ids


TERMS = Terms({
    "date_from": lambda org, v: record_search.at_least("d", Terms.day("date_from", v)),
    "date_to": lambda org, v: record_search.at_most("d", Terms.day("date_to", v)),
    "description": lambda org, v: record_search.contains("t", v),
    "volunteering_category_id": lambda org, v: record_search.field_in(
        "vc", Terms.ids("volunteering_category_id", v)),
    "constituent_id": lambda org, v: _OfConstituents(Terms.ids("constituent_id", v)),
    "const_keyword": Terms.const_keyword,
    "updated_from": lambda org, v: record_search.updated_from(moment("updated_from", v)),
    "updated_to": lambda org, v: record_search.updated_to(moment("updated_to", v, end_of_day=True)),
})
SORTS = {
    "date": lambda: record_search.by_field("d"),
    "constituent_id": lambda: record_search.by_field("dn", number=True),
}


@routes.route(PREFIX + "/volunteer_times/search", "GET", auth.READ,
              params=search_params(tuple(TERMS.builders), tuple(SORTS)), response="VolunteerTimeList",
              aliases=_json(PREFIX + "/volunteer_times/search"))
def search_volunteer_times(call: Call) -> Response:
    """Active volunteer times matching every search term (no term: every one), newest first
    unless `sort` says (`date`, `constituent_id`; `!` reverses). `description` contains the
    value (any case); `volunteering_category_id` and `constituent_id` take ids separated by
    commas; dates take a date or a timestamp. A search by one constituent reads only theirs.
    `const_keyword`: of constituents with one of these keyword ids."""
    window = params.window(call.request)
    filters, since = TERMS.filters(call.org, params.terms(call.request))
    key, descending = params.sort(call.request, tuple(SORTS), "date")
    if params.first(call.request, "sort") is None:
        descending = True  # newest first by default
    donor_id = None
    named = [f.ids for f in filters if isinstance(f, _OfConstituents)]
    if named:
        common = set.intersection(*named)
        if not common:  # no volunteer time is of two constituents
            return page(call, [], 0, window, ITEM_TYPE)
        if len(common) == 1:
            donor_id = next(iter(common))
    try:
        found = volunteer_times.matching(call.org, filters, order=SORTS[key](), descending=descending,
                                         offset=window.offset, limit=window.limit, donor_id=donor_id,
                                         changed_since=since if donor_id is None else None)
    except NotFound:  # the constituent named is not one of the organisation's: nothing matches
        found = record_search.Found(total=0, records=[])
    return page(call, [render(call.org, t) for t in found.records], found.total, window, ITEM_TYPE)
