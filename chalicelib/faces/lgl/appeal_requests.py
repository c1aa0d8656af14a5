"""LGL's appeal requests (docs/lgl.md, "Appeal requests"): an appeal's and a constituent's,
created through either, and one.

Through `/appeals/{id}/appeal_requests` the body names the constituent (`constituent_id`,
required); through `/constituents/{id}/appeal_requests` the appeal (`appeal_id` or
`appeal_name`, the id winning). `assigned_to` takes a team member's id, e-mail or "First Last"
and shows the id. `constituent_name` (the constituent's sort name), `name` ("Appeal: <appeal>
(<its date>)") and `raised` (what the constituent gave to the appeal) are derived, read once a
page. `custom_fields` of AppealRequest categories are kept as gifts keep theirs, `custom_attrs`
of AppealRequest attributes as a constituent keeps its own.
"""
from __future__ import annotations

from typing import Any

from ...domain import appeal_requests, custom_attrs
from .. import spec_models
from . import schemas
from . import render as lgl_render
from .render import stamps
from .resources import ParentPath, Resource, constituent_as_donor, declare

AppealRequestBody = spec_models.request_model(
    "AppealRequestBody", schemas.Body, appeal_requests.SPECS, lax=True,
    extra={"constituent_id": schemas.Id, "appeal_name": schemas.Text, "assigned_to": schemas.Text | int,
           "custom_fields": schemas.CustomFields, "custom_attrs": schemas.CustomAttrs})
AppealRequestBody.__doc__ = ("An appeal request: the constituent (`constituent_id`) and the appeal (`appeal_id` or "
                             "`appeal_name`) where the path does not say them; `assigned_to` a team member's id, "
                             "e-mail or \"First Last\".")


def _name(org: str, request: dict[str, Any]) -> str:
    appeal = appeal_requests.appeal(org, request) or {}
    name = f"Appeal: {appeal.get('name')}"
    return f"{name} ({appeal['date']})" if appeal.get("date") else name


def render_page(org: str, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    donors, totals = appeal_requests.context(org, requests)
    return [{"id": r["id"], "constituent_id": r["donor_id"],
             "constituent_name": (donors.get(r["donor_id"]) or {}).get("sort_name"),
             "appeal_id": r["appeal_id"], "name": _name(org, r), "raised": appeal_requests.raised(totals, r),
             "status": r.get("status", appeal_requests.DEFAULT_STATUS), "ask_amount": r.get("ask_amount"),
             "assigned_to": r.get("assigned_to_id"), "custom_fields": lgl_render.custom_fields(org, r),
             "custom_attrs": lgl_render.custom_attrs(org, r.get(custom_attrs.HELD)), **stamps(r)}
            for r in requests]


def render(org: str, request: dict[str, Any]) -> dict[str, Any]:
    return render_page(org, [request])[0]


APPEAL_REQUESTS = Resource(
    "appeal_requests", "appeal_request", "AppealRequest", AppealRequestBody, render,
    get=appeal_requests.get, update=appeal_requests.update, delete=appeal_requests.delete,
    parents=(ParentPath("appeals", appeal_requests.of_appeal, appeal_requests.create_for_appeal, label="appeal"),
             ParentPath("constituents", appeal_requests.of_donor, appeal_requests.create_for_donor)),
    fields=constituent_as_donor,
    names={"donor_id": "constituent_id", "assigned_to_id": "assigned_to"},
    render_page=render_page,
)
declare(APPEAL_REQUESTS)
