"""Routes of the Together face. Views only parse, call a domain service and shape the reply."""
from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any, Callable

from chalice import Response

from ... import auth
from ...domain import contact_logs, donations, donors, follow_ups, lifecycle, timestamps
from ...errors import BadRequest, FieldError, NotFound
from ..http import Call, Face, FaceRoutes, bearer_token, empty_response, json_body, json_response, query
from . import problems, render, schemas

PREFIX = "/api/v1"
FACE = Face("together", problems.render, bearer_token)
routes = FaceRoutes(FACE)
blueprint = routes.blueprint

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
IDEMPOTENCY_KEY_MAX = 255
SEARCH_MAX = 200


# ---- request helpers -------------------------------------------------------------------

def record_id(raw: str, label: str) -> int:
    """A path id; anything that is not a positive integer names no record (404)."""
    number = lifecycle.record_number(raw)
    if number is None:
        raise NotFound(f"{label} {raw} does not exist.")
    return number


def page_params(params: dict[str, str]) -> tuple[int, str | None]:
    limit = lifecycle.whole_number(params.get("limit", str(DEFAULT_LIMIT)))
    if limit is None or not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit must be an integer from 1 to {MAX_LIMIT}.",
                         [FieldError("limit", f"must be an integer from 1 to {MAX_LIMIT}")])
    return limit, params.get("cursor") or None


def expected_version(call: Call) -> int | None:
    """The version named by If-Match (`"3"`), None for no header or `*`."""
    raw = call.header("if-match")
    if raw is None or raw.strip() == "*":
        return None
    tag = raw.strip().removeprefix("W/")
    version = lifecycle.whole_number(tag[1:-1]) if len(tag) >= 3 and tag[0] == tag[-1] == '"' else None
    if version is None:
        raise BadRequest("If-Match must be one ETag as returned by this API, e.g. \"3\".",
                         [FieldError("If-Match", "is not an ETag of this API")])
    return version


def etag(record: dict[str, Any]) -> dict[str, str]:
    return {"ETag": f'"{record["version"]}"'}


def idempotency(call: Call, route: str, body: dict[str, Any]) -> lifecycle.IdempotencyClaim | None:
    key = call.header("idempotency-key")
    if key is not None and not (1 <= len(key) <= IDEMPOTENCY_KEY_MAX and key.isascii() and key.isprintable()):
        raise BadRequest("Idempotency-Key must be 1 to 255 printable ASCII characters (a UUID is ideal).",
                         [FieldError("Idempotency-Key", "must be 1 to 255 printable ASCII characters")])
    return lifecycle.claim(key, route, body)


# ---- one declaration per resource ------------------------------------------------------

@dataclass(frozen=True)
class Resource:
    path: str                      # "/contact-logs"
    label: str                     # "Contact log entry"
    service: ModuleType            # create/get/update/delete/search
    create_schema: type[schemas.Body]
    patch_schema: type[schemas.Body]
    render: Callable[[dict[str, Any]], dict[str, Any]]
    parse_id: Callable[[str, str], Any] = record_id
    # Stamp the key's team member as `created_by_id` on create. `recorded_by_id` stays null:
    # the seed says "Entries created over the API have null here".
    created_by: bool = False


def declare(resource: Resource, list_params: tuple[str, ...],
            search: Callable[[Call, dict[str, str], int, str | None], Any]) -> None:
    collection, item = PREFIX + resource.path, PREFIX + resource.path + "/{record}"
    name = resource.path.strip("/").replace("-", "_")

    def list_records(call: Call) -> Response:
        params = query(call.request, list_params + ("limit", "cursor"))
        limit, cursor = page_params(params)
        return json_response(render.page(search(call, params, limit, cursor), resource.render))

    def create_record(call: Call) -> Response:
        body = json_body(call.request)
        fields = resource.create_schema.parse(body)
        if resource.created_by:
            fields["created_by_id"] = call.principal.team_member_id
        created = resource.service.create(call.org, fields, idempotency(call, collection, body))
        record = created.record
        headers = {**etag(record), "Location": f"{collection}/{record['id']}"}
        if created.replayed:
            headers["Idempotent-Replayed"] = "true"
        return json_response(resource.render(record), 201, headers)

    def get_record(call: Call, record: str) -> Response:
        found = resource.service.get(call.org, resource.parse_id(record, resource.label))
        return json_response(resource.render(found), headers=etag(found))

    def update_record(call: Call, record: str) -> Response:
        record_ref = resource.parse_id(record, resource.label)
        version = expected_version(call)
        changes = resource.patch_schema.parse(json_body(call.request))
        updated = resource.service.update(call.org, record_ref, changes, version)
        return json_response(resource.render(updated), headers=etag(updated))

    def delete_record(call: Call, record: str) -> Response:
        resource.service.delete(call.org, resource.parse_id(record, resource.label), expected_version(call))
        return empty_response()

    for view, path, method, scope in (
        (list_records, collection, "GET", auth.READ),
        (create_record, collection, "POST", auth.WRITE),
        (get_record, item, "GET", auth.READ),
        (update_record, item, "PATCH", auth.WRITE),
        (delete_record, item, "DELETE", auth.WRITE),
    ):
        view.__name__ = f"{view.__name__}_{name}"
        routes.route(path, method, scope)(view)


def _choice(params: dict[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    value = params.get(name)
    if value is not None and value not in allowed:
        raise BadRequest(f"{name} must be one of {', '.join(allowed)}.",
                         [FieldError(name, f"must be one of {', '.join(allowed)}")])
    return value


def _search_contact_logs(call: Call, params: dict[str, str], limit: int, cursor: str | None):
    method = _choice(params, "method", contact_logs.METHODS)
    follow_up = _choice(params, "follow_up", ("open",))
    return contact_logs.search(call.org, donor=params.get("donor_id"), method=method,
                               open_follow_up=follow_up == "open", limit=limit, cursor=cursor)


def _search_donors(call: Call, params: dict[str, str], limit: int, cursor: str | None):
    order = _choice(params, "sort", ("name", "-name"))
    for name, most in (("q", SEARCH_MAX), ("email", schemas.EMAIL_MAX), ("external_id", donors.EXTERNAL_ID_MAX)):
        if len(params.get(name, "")) > most:
            raise BadRequest(f"{name} must be at most {most} characters.",
                             [FieldError(name, f"must be at most {most} characters")])
    return donors.search(call.org, text=params.get("q") or None, email=params.get("email") or None,
                         external_id=params.get("external_id"), newest_name_last=order == "-name",
                         limit=limit, cursor=cursor)


def _search_donations(call: Call, params: dict[str, str], limit: int, cursor: str | None):
    return donations.search(call.org, donor=params.get("donor_id"), limit=limit, cursor=cursor)


def _donor_ref(raw: str, label: str) -> str:
    return raw  # an id or an external_id; the domain resolves it (404 when neither exists)


declare(Resource("/contact-logs", contact_logs.LABEL, contact_logs, schemas.ContactLogCreate,
                 schemas.ContactLogPatch, render.contact_log, created_by=True),
        ("donor_id", "method", "follow_up"), _search_contact_logs)
declare(Resource("/donors", donors.LABEL, donors, schemas.DonorFields, schemas.DonorFields,
                 render.donor, parse_id=_donor_ref),
        ("q", "email", "external_id", "sort"), _search_donors)
declare(Resource("/donations", donations.LABEL, donations, schemas.DonationCreate,
                 schemas.DonationPatch, render.donation),
        ("donor_id",), _search_donations)


@routes.route(PREFIX + "/donors/{record}/activity", "GET", auth.READ)
def donor_activity(call: Call, record: str) -> Response:
    """The donor's contact logs and donations merged, newest first (the app's Activity view)."""
    limit, cursor = page_params(query(call.request, ("limit", "cursor")))
    return json_response(render.page(donors.collection(call.org, record, limit, cursor), render.activity))


# ---- the follow-up queue ---------------------------------------------------------------

QUEUE_PARAMS = ("window", "due_after", "due_before", "tz", "donor_id", "recorded_by_id", "limit", "cursor")


def _invalid(name: str, message: str) -> BadRequest:
    return BadRequest(f"{name} {message}.", [FieldError(name, message)])


def _moment(params: dict[str, str], name: str, zone: Any) -> str | None:
    if name not in params:
        return None
    try:
        return timestamps.format_timestamp(timestamps.parse_in_zone(params[name], zone))
    except ValueError as exc:
        raise _invalid(name, str(exc)) from None


@routes.route(PREFIX + "/follow-ups", "GET", auth.READ)
def follow_up_queue(call: Call) -> Response:
    """Open follow-ups across donors, by due time, with counts per window (docs/api.md)."""
    params = query(call.request, QUEUE_PARAMS)
    limit, cursor = page_params(params)
    as_of, cursor = follow_ups.resume(call.org, cursor)
    try:
        zone = timestamps.time_zone(params.get("tz", "UTC"))
    except ValueError as exc:
        raise _invalid("tz", str(exc)) from None
    window = _choice(params, "window", follow_ups.WINDOWS)
    due_after, due_before = _moment(params, "due_after", zone), _moment(params, "due_before", zone)
    if window and (due_after or due_before):
        raise _invalid("window", "cannot be combined with due_after or due_before")
    if due_after and due_before and due_after > due_before:
        raise _invalid("due_after", "must not be later than due_before")
    recorder = None
    if "recorded_by_id" in params:
        recorder = lifecycle.record_number(params["recorded_by_id"])
        if recorder is None:
            raise _invalid("recorded_by_id", "must be a team member id (a positive integer)")
    donor = donors.resolve_id(call.org, params["donor_id"]) if "donor_id" in params else None
    try:
        clock = follow_ups.Clock.at(as_of, zone)
    except ValueError as exc:  # today in `tz` leaves the years 0001-9999
        raise _invalid("tz", str(exc)) from None
    found = follow_ups.queue(call.org, clock, window=window, due_after=due_after, due_before=due_before,
                             donor_id=donor, recorder_id=recorder, limit=limit, cursor=cursor)
    body = render.page(found.page, lambda entry: render.queued(entry, clock))
    body.update(counts=found.counts, now=clock.now, today_ends_at=clock.today_ends_at,
                time_zone=clock.time_zone)
    return json_response(body)
