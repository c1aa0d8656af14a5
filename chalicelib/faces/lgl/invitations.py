"""LGL's invitations (docs/lgl.md, "Invitations"): a constituent's, an event's, created through
either, and one; additional guests with them.

Through `/events/{id}/invitations` the body names the constituent (`constituent_id`); through
`/constituents/{id}/invitations` the event (`event_id` or `event_name`, the id winning). An
additional guest is created through either with `parent_invitation_id` (its host's invitation)
and `is_a_guest`, named by `guest_first_name`/`guest_last_name`: it has no `constituent_id`.
`guest_name` (a constituent's "First Last"), `parent_invitation_guest_name`, `name` ("Event:
<event>"), `raised`/`donated` (what the constituent gave to the event), `status`, `attended`
and `attendees` are derived, read once a page. `custom_fields` of Invitation categories are
kept as gifts keep theirs, `custom_attrs` of Invitation attributes as a constituent keeps its own.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field

from ...domain import custom_attrs, donors, invitations
from .. import spec_models
from . import schemas
from . import render as lgl_render
from .render import stamps
from .resources import ParentPath, Resource, constituent_as_donor, declare


class AttendanceBody(schemas.Body):
    date: spec_models.Day = Field(description="The day they came (YYYY-MM-DD)")
    notes: schemas.LongText | None = None


InvitationBody = spec_models.request_model(
    "InvitationBody", schemas.Body, invitations.SPECS, lax=True,
    extra={"constituent_id": schemas.Id, "event_name": schemas.Text,
           "parent_invitation_id": Annotated[int, Field(ge=0, le=10**12)], "is_a_guest": bool,
           "assigned_to": schemas.Text | int, "attendances": list[AttendanceBody],
           "custom_fields": schemas.CustomFields, "custom_attrs": schemas.CustomAttrs})
InvitationBody.__doc__ = ("An invitation: the constituent (`constituent_id`) and the event (`event_id` or "
                          "`event_name`) where the path does not say them; an additional guest with "
                          "`parent_invitation_id`, `is_a_guest` and the guest's names. Attendances sent are added "
                          "(one per date).")


def render_page(org: str, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    people, totals = invitations.context(org, found)
    out = []
    for invitation in found:
        guest = invitations.is_guest(invitation)
        invited = donors.full_name(people.get(invitation["donor_id"]))  # a guest's: its host's
        given = invitations.given(totals, invitation)
        attended = invitations.attended(invitation)
        event = invitations.event(org, invitation) or {}
        out.append({
            "id": invitation["id"], "constituent_id": None if guest else invitation["donor_id"],
            "guest_name": invitations.guest_name(invitation) if guest else invited, "is_a_guest": guest,
            "parent_invitation_id": invitation.get("parent_invitation_id") or 0,
            "parent_invitation_guest_name": invited if guest else None, "event_id": invitation["event_id"],
            "name": f"Event: {event.get('name')}", "notes": invitation.get("notes"),
            "rsvp": invitation.get("rsvp", 0), "attended": attended,
            "raised": Decimal(0) if given is None else given, "status": invitations.status(invitation),
            "donated": given is not None, "assigned_to": invitation.get("assigned_to_id"),
            "additional_guests": invitation.get("additional_guests", 0), "attendees": attended,
            "attendee_names": invitation.get("attendee_names"), "attend_count": 0,
            "attendances": [{"id": a["id"], "date": a["date"], "notes": a.get("notes")}
                            for a in invitation.get("attendances") or []],
            "custom_fields": lgl_render.custom_fields(org, invitation),
            "custom_attrs": lgl_render.custom_attrs(org, invitation.get(custom_attrs.HELD)), **stamps(invitation)})
    return out


def render(org: str, invitation: dict[str, Any]) -> dict[str, Any]:
    return render_page(org, [invitation])[0]


INVITATIONS = Resource(
    "invitations", "invitation", "Invitation", InvitationBody, render,
    get=invitations.get, update=invitations.update, delete=invitations.delete,
    parents=(ParentPath("constituents", invitations.of_donor, invitations.create_for_donor),
             ParentPath("events", invitations.of_event, invitations.create_for_event, label="event")),
    fields=constituent_as_donor,
    names={"donor_id": "constituent_id", "assigned_to_id": "assigned_to"},
    render_page=render_page,
)
declare(INVITATIONS)
