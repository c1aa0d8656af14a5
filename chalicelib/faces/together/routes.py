"""Routes of the Together face. Views only parse, call a domain service and shape the reply."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from chalice import Response

from ... import auth
from ...domain import contact_logs, donations, donors, follow_ups, lifecycle, timestamps
from ...errors import BadRequest, FieldError, NotFound
from ..http import (Call, ErrorStatus, Face, FaceRoutes, Param, RouteSpec, bearer_token, empty_response,
                    json_body, json_response, with_body, with_common_errors, writes)
from . import problems, render, schemas

PREFIX = "/api/v1"


def _with_if_match(route: RouteSpec) -> bool:
    return any(h.name == "If-Match" for h in route.headers)


FACE = Face("together", problems.render, bearer_token, title="Together (native)",
            responses=f"{__package__}.responses", error_media_type=problems.PROBLEM_JSON, error_model="Problem", errors=with_common_errors(
    ErrorStatus(400, "Malformed JSON, a body that is not an object, an unknown or repeated query parameter, "
                     "a bad `limit`, a cursor this list did not issue, a malformed `If-Match` or `Idempotency-Key`"),
    ErrorStatus(404, "No such record in your organisation"),
    ErrorStatus(409, "`external_id` taken; deleting a donor with history", writes),
    ErrorStatus(412, "Stale `If-Match`", _with_if_match),
    ErrorStatus(415, "A body that is not `application/json` in UTF-8, or sent without a `Content-Type`", with_body),
    ErrorStatus(422, "Invalid fields; an `Idempotency-Key` reused with another request", with_body),
))
routes = FaceRoutes(FACE)
blueprint = routes.blueprint

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
IDEMPOTENCY_KEY_MAX = 255
SEARCH_MAX = 200

PAGE_PARAMS = (
    Param("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
          "Page size"),
    Param("cursor", {"type": "string"}, "The `next_cursor` of the previous page"),
)
DONOR_REF = Param("donor_id", {"type": "string"},
                  "A donor's id, or its external_id; 404 if no such donor")
IF_MATCH = Param("If-Match", {"type": "string", "examples": ['"3"', "*"]},
                 "The ETag of the version this change is based on; 412 when stale. `*` matches any")
IDEMPOTENCY_KEY = Param("Idempotency-Key", {"type": "string", "minLength": 1, "maxLength": IDEMPOTENCY_KEY_MAX},
                        "Printable ASCII (a UUID is ideal): the same key and body within 24 hours replays "
                        "the first response, the same key with another body is 422")


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
    service: Any                   # a module or object: create/get/update/delete
    create_schema: type[schemas.Body]
    patch_schema: type[schemas.Body]
    render: Callable[[str, dict[str, Any]], dict[str, Any]]  # (org, record) -> body
    model: str                     # what `render` answers (a model of "py")
    page: str                      # a page of them
    parse_id: Callable[[str, str], Any] = record_id
    # Stamp the key's team member as `created_by_id` on create. `recorded_by_id` stays null:
    # the seed says "Entries created over the API have null here".
    created_by: bool = False
    # The item path's variable: `{record}`, or `{id}` where LGL has routes below the same path
    # (API Gateway takes one variable name per level).
    variable: str = "record"


def declare(resource: Resource, list_params: tuple[Param, ...] | None,
            search: Callable[[Call, dict[str, str], int, str | None], Any] | None) -> None:
    """Register the resource's routes: list (unless `list_params` is None: another face lists
    them at that path), create, get, update and delete."""
    collection, item = PREFIX + resource.path, PREFIX + resource.path + f"/{{{resource.variable}}}"
    name = resource.path.strip("/").replace("-", "_")
    label, labels = resource.label.lower(), resource.path.strip("/").replace("-", " ")

    def list_records(call: Call) -> Response:
        params = call.query()
        limit, cursor = page_params(params)
        return json_response(render.page(search(call, params, limit, cursor),
                                         lambda record: resource.render(call.org, record)))

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
        return json_response(resource.render(call.org, record), 201, headers)

    def get_record(call: Call, **path: str) -> Response:
        found = resource.service.get(call.org, resource.parse_id(path[resource.variable], resource.label))
        return json_response(resource.render(call.org, found), headers=etag(found))

    def update_record(call: Call, **path: str) -> Response:
        record_ref = resource.parse_id(path[resource.variable], resource.label)
        version = expected_version(call)
        changes = resource.patch_schema.parse(json_body(call.request))
        updated = resource.service.update(call.org, record_ref, changes, version)
        return json_response(resource.render(call.org, updated), headers=etag(updated))

    def delete_record(call: Call, **path: str) -> Response:
        resource.service.delete(call.org, resource.parse_id(path[resource.variable], resource.label),
                                expected_version(call))
        return empty_response()

    list_records.__doc__ = f"List {labels}, a page at a time (docs/api.md)."
    create_record.__doc__ = (f"Create a {label}.\n\nAnswers the {label} with its `Location` and `ETag`; "
                             "with `Idempotency-Key`, a repeat replays the first answer.")
    get_record.__doc__ = f"Get one {label}, with its version as `ETag`."
    update_record.__doc__ = (f"Change the fields sent of one {label}.\n\nWith `If-Match`, only if it is "
                             "still that version (412 otherwise); without, merged onto the latest.")
    delete_record.__doc__ = f"Delete one {label}; deleting it again answers 204 too."
    record = (Param(resource.variable, {"type": "string"}, f"The {label}'s id"
                    + (" or external_id" if resource.parse_id is _donor_ref else "")),)
    etag_headers = ("ETag",)
    for view, path, method, scope, declared in (
        *(() if list_params is None else ((list_records, collection, "GET", auth.READ,
                                           dict(params=list_params + PAGE_PARAMS, response=resource.page)),)),
        (create_record, collection, "POST", auth.WRITE, dict(
            headers=(IDEMPOTENCY_KEY,), body=resource.create_schema, response=resource.model,
            response_headers=("ETag", "Location", "Idempotent-Replayed"))),
        (get_record, item, "GET", auth.READ, dict(path_params=record, response=resource.model,
                                                  response_headers=etag_headers)),
        (update_record, item, "PATCH", auth.WRITE, dict(
            path_params=record, headers=(IF_MATCH,), body=resource.patch_schema, response=resource.model,
            response_headers=etag_headers)),
        (delete_record, item, "DELETE", auth.WRITE, dict(path_params=record, headers=(IF_MATCH,))),
    ):
        view.__name__ = f"{view.__name__}_{name}"
        routes.route(path, method, scope, **declared)(view)


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


def _enum(values: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


declare(Resource("/contact-logs", contact_logs.LABEL, contact_logs, schemas.ContactLogCreate,
                 schemas.ContactLogPatch, lambda org, entry: render.contact_log(entry), "ContactLog", "ContactLogPage",
                 created_by=True),
        (DONOR_REF, Param("method", _enum(contact_logs.METHODS), "One contact method"),
         Param("follow_up", _enum(("open",)), "`open`: only entries with a follow-up neither completed nor cleared")),
        _search_contact_logs)
declare(Resource("/donors", donors.LABEL, donors, schemas.DonorFields, schemas.DonorFields,
                 lambda org, donor: render.donor(donor), "Donor", "DonorPage", parse_id=_donor_ref),
        (Param("q", {"type": "string", "maxLength": SEARCH_MAX},
               "Text in the names, e-mail, external id, phone or notes (any case)"),
         Param("email", {"type": "string", "maxLength": schemas.EMAIL_MAX}, "An e-mail address, exactly"),
         Param("external_id", {"type": "string", "maxLength": donors.EXTERNAL_ID_MAX}, "An external id, exactly"),
         Param("sort", _enum(("name", "-name")), "By sort_name, A to Z (default) or Z to A")),
        _search_donors)
declare(Resource("/donations", donations.LABEL, donations, schemas.DonationCreate,
                 schemas.DonationPatch, render.donation, "Donation", "DonationPage"),
        (DONOR_REF,), _search_donations)


@routes.route(PREFIX + "/donors/{record}/activity", "GET", auth.READ, params=PAGE_PARAMS,
              path_params=(Param("record", {"type": "string"}, "The donor's id or external_id"),),
              response="ActivityPage")
def donor_activity(call: Call, record: str) -> Response:
    """The donor's contact logs and donations merged, newest first (the app's Activity view)."""
    limit, cursor = page_params(call.query())
    return json_response(render.page(donors.activity(call.org, record, limit, cursor),
                                     lambda item: render.activity(call.org, item)))


# ---- the follow-up queue ---------------------------------------------------------------

_MOMENT = {"type": "string"}
QUEUE_PARAMS = (
    Param("window", _enum(follow_ups.WINDOWS), "`overdue`: due before now; `due_today`: from now to the end of "
          "today in `tz`; `upcoming`: after today. Not with due_after or due_before"),
    Param("due_after", _MOMENT, "Due at or after this time (ISO 8601 with a zone, or a date: 00:00 in `tz`)"),
    Param("due_before", _MOMENT, "Due before this time (ISO 8601 with a zone, or a date: 00:00 in `tz`)"),
    Param("tz", {"type": "string", "default": "UTC", "examples": ["America/New_York"]},
          "The IANA time zone that defines today and bare dates"),
    Param("donor_id", {"type": "string"}, "One donor's follow-ups (id or external_id)"),
    Param("recorded_by_id", {"type": "integer", "minimum": 1}, "Follow-ups logged by one team member"),
    *PAGE_PARAMS,
)


def _invalid(name: str, message: str) -> BadRequest:
    return BadRequest(f"{name} {message}.", [FieldError(name, message)])


def _moment(params: dict[str, str], name: str, zone: Any) -> str | None:
    if name not in params:
        return None
    try:
        return timestamps.format_timestamp(timestamps.parse_in_zone(params[name], zone))
    except ValueError as exc:
        raise _invalid(name, str(exc)) from None


@routes.route(PREFIX + "/follow-ups", "GET", auth.READ, params=QUEUE_PARAMS, response="FollowUpQueue")
def follow_up_queue(call: Call) -> Response:
    """Open follow-ups across donors, by due time, with counts per window (docs/api.md)."""
    params = call.query()
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


# ---- a donor's groups, keywords and memberships: read here, written through LGL --------------------

@routes.route(PREFIX + "/donors/{record}/memberships", "GET", auth.READ,
              path_params=(Param("record", {"type": "string"}, "The donor's id or external_id"),),
              response="DonorMemberships")
def donor_memberships(call: Call, record: str) -> Response:
    """The donor's groups, keywords and memberships (LGL's group memberships, keywords and
    memberships: LGL's face writes them), with `membership_status` (one read)."""
    call.query()
    donor, details = donors.with_details(call.org, record)
    return json_response(render.donor_memberships(call.org, donor, details))
