"""Routes of the Givebutter face: a contact's activities, which are its contact-log entries.

`{contact}` is the donor's integer id, `{activity}` the entry's. Views only parse, call the
contact-log service and shape the reply; every error leaves in Givebutter's shape.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from chalice import Response

from ... import auth
from ...domain import contact_logs, lifecycle, organisations
from ...errors import FieldError, NotFound, ValidationFailed
from ..http import (Call, ErrorStatus, Face, FaceRoutes, Param, RouteSpec, bearer_token, empty_response,
                    json_body, json_response, request_url, with_body, with_common_errors)
from . import errors, render, schemas

PREFIX = "/v1"
COLLECTION = PREFIX + "/contacts/{contact}/activities"
ITEM = COLLECTION + "/{activity}"


def _with_body_or_query(route: RouteSpec) -> bool:  # a bad query value is a 422 here, as in Laravel
    return with_body(route) or bool(route.params)


FACE = Face("givebutter", errors.render, bearer_token, title="Givebutter",
            responses=f"{__package__}.responses", error_model="Error", errors=with_common_errors(
    ErrorStatus(400, "Malformed JSON, a body that is not an object, an unknown or repeated query parameter"),
    ErrorStatus(404, "No such contact or activity in your organisation"),
    ErrorStatus(415, "A body that is not `application/json` in UTF-8, or sent without a `Content-Type`", with_body),
    ErrorStatus(422, "Invalid fields or query values, each named in `errors`", _with_body_or_query),
))
routes = FaceRoutes(FACE)
blueprint = routes.blueprint

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
CONTACT = Param("contact", {"type": "string"}, "The contact's (donor's) id")
ACTIVITY = Param("activity", {"type": "string"}, "The activity's (contact-log entry's) id")
LIST_PARAMS = (
    Param("type", {"type": "string", "enum": list(contact_logs.ACTIVITY_TYPES)}, "Only activities of this type"),
    Param("page", {"type": "integer", "minimum": 1, "default": 1}, "Page number, from 1"),
    Param("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
          "Page size"),
)


# ---- request helpers -------------------------------------------------------------------

def _path_id(raw: str, what: str) -> int:
    """A path id; anything that is not a positive integer names nothing (404)."""
    number = lifecycle.record_number(raw)
    if number is None:
        raise NotFound(f"{what} {raw[:40]} not found.")
    return number


@contextmanager
def _givebutter_terms(missing: str) -> Iterator[None]:
    """The domain's errors in this face's words: its field names, its resource names."""
    try:
        yield
    except NotFound:
        raise NotFound(missing) from None
    except ValidationFailed as failed:
        fields = [FieldError(schemas.FACE_NAMES.get(e.field, e.field), e.message) for e in failed.errors]
        messages = [FieldError(e.field, e.message if e.message.startswith("The ")
                               else f"The {e.field} field {e.message}.") for e in fields]
        raise ValidationFailed(failed.detail, messages) from None


def _positive(params: dict[str, str], name: str, default: int, most: int | None = None) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    number = lifecycle.whole_number(raw)
    if number is None or number < 1 or (most is not None and number > most):
        limit = f"between 1 and {most}" if most else "at least 1"
        raise ValidationFailed.on(name, f"The {name} field must be an integer {limit}.")
    return number


def _rendered(call: Call, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [render.activity(entry, organisations.known_member(call.org, contact_logs.creator_id(entry)))
            for entry in entries]


# ---- views -----------------------------------------------------------------------------

@routes.route(COLLECTION, "GET", auth.READ, params=LIST_PARAMS, path_params=(CONTACT,),
              response="ContactActivityPage")
def list_activities(call: Call, contact: str) -> Response:
    """A contact's activities, newest first.

    `type` filters; `page`/`per_page` as Laravel pages (exact `total`, counted on a compact
    read of the contact's timeline; only the page's activities are read whole)."""
    params = call.query()
    wanted = params.get("type")
    if wanted is not None and wanted not in contact_logs.ACTIVITY_TYPES:
        raise ValidationFailed.on("type", f"The selected type is invalid; use one of "
                                          f"{', '.join(contact_logs.ACTIVITY_TYPES)}.")
    page = _positive(params, "page", 1)
    per_page = _positive(params, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    donor_id = _path_id(contact, "Contact")
    with _givebutter_terms(f"Contact {contact} not found."):
        total, shown = contact_logs.of_donor(call.org, donor_id, activity=wanted, offset=(page - 1) * per_page,
                                             limit=per_page)
    keep = {name: params[name] for name in ("type", "per_page") if name in params}
    return json_response(render.paginated(_rendered(call, shown), total, page, per_page,
                                          request_url(call.request), keep))


@routes.route(COLLECTION, "POST", auth.WRITE, path_params=(CONTACT,), body=schemas.ActivityCreate,
              response="ContactActivity", response_headers=("Location",))
def create_activity(call: Call, contact: str) -> Response:
    """Log an activity of the contact (a contact-log entry); `occurred_at` defaults to now."""
    donor_id = _path_id(contact, "Contact")
    fields = schemas.ActivityCreate.parse(json_body(call.request))
    if fields.get("occurred_at") is None:
        fields["occurred_at"] = lifecycle.now()
    fields = {**fields, "donor_id": donor_id, "created_by_id": call.principal.team_member_id}
    with _givebutter_terms(f"Contact {contact} not found."):
        created = contact_logs.create(call.org, fields).record
    location = f"{PREFIX}/contacts/{donor_id}/activities/{created['id']}"
    return json_response(_rendered(call, [created])[0], 201, {"Location": location})


@routes.route(ITEM, "GET", auth.READ, path_params=(CONTACT, ACTIVITY), response="ContactActivity")
def get_activity(call: Call, contact: str, activity: str) -> Response:
    """One activity of the contact."""
    donor_id, entry_id = _path_id(contact, "Contact"), _path_id(activity, "Activity")
    with _givebutter_terms(f"Activity {activity} not found."):
        entry = contact_logs.get(call.org, entry_id, donor_id=donor_id)
    return json_response(_rendered(call, [entry])[0])


def _update(call: Call, contact: str, activity: str) -> Response:
    donor_id, entry_id = _path_id(contact, "Contact"), _path_id(activity, "Activity")
    changes = schemas.ActivityUpdate.parse(json_body(call.request))
    with _givebutter_terms(f"Activity {activity} not found."):
        entry = contact_logs.update(call.org, entry_id, changes, None, donor_id=donor_id)
    return json_response(_rendered(call, [entry])[0])


@routes.route(ITEM, "PUT", auth.WRITE, path_params=(CONTACT, ACTIVITY), body=schemas.ActivityUpdate,
              response="ContactActivity")
def replace_activity(call: Call, contact: str, activity: str) -> Response:
    """Givebutter's documented update; like PATCH, it changes only the fields sent."""
    return _update(call, contact, activity)


@routes.route(ITEM, "PATCH", auth.WRITE, path_params=(CONTACT, ACTIVITY), body=schemas.ActivityUpdate,
              response="ContactActivity")
def patch_activity(call: Call, contact: str, activity: str) -> Response:
    """Change the fields sent of one activity."""
    return _update(call, contact, activity)


@routes.route(ITEM, "DELETE", auth.WRITE, path_params=(CONTACT, ACTIVITY))
def delete_activity(call: Call, contact: str, activity: str) -> Response:
    """Delete one activity; deleting it again answers 204 too."""
    donor_id, entry_id = _path_id(contact, "Contact"), _path_id(activity, "Activity")
    with _givebutter_terms(f"Activity {activity} not found."):
        contact_logs.delete(call.org, entry_id, None, donor_id=donor_id)
    return empty_response()
