"""The contract every face keeps, and one description per face of how to call its routes.

The tests in this package walk (face, route) pairs from `http.ROUTES` (its scoped routes,
`SCOPED`; the public ones, `PUBLIC`, are the OpenAPI documents, tested in test_openapi.py): authentication,
scopes, tenancy, error shapes and fuzzing are written once and checked on every face.
A face is described by a `Face`: for each of its routes, which record each path variable
names and what a valid body is; how its errors and its successes look; what headers its
clients send. `test_guard.py` fails when a route in ROUTES has no description here, or a
face has none, so a new face (or route) cannot slip past the contract.

Records live in one world per test module (`world`), built once: tests that must not
change anything compare the whole table before and after (`table_state`), which is a
stronger "nothing changed" than any face's view of it, and covers both organisations.
"""
from __future__ import annotations

import copy
import itertools
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import pytest

from tests.conftest import (  # noqa: I001  (sets the test environment before moto and the app load)
    Api, Org, assert_problem, clean_account, make_org, new_donation, new_donor, new_log,
)

from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.dynamodb.models import dynamodb_backends  # noqa: E402

import app as _app  # noqa: F401  (registers every face's routes into ROUTES)
from chalicelib import warm_cache
from chalicelib.domain import catalogues
from chalicelib.store import context
from chalicelib.domain.fields import MONEY, REF
from chalicelib.faces.givebutter import schemas as givebutter_schemas
from chalicelib.faces.lgl.catalogues import filters as catalogue_filters
from chalicelib.faces.together.catalogues import body_model as catalogue_model
from chalicelib.faces.lgl import appeal_requests as lgl_appeal_requests
from chalicelib.faces.lgl import gifts as lgl_gifts
from chalicelib.faces.lgl import catalogues as lgl_catalogues
from chalicelib.faces.lgl import interactions as lgl_interactions
from chalicelib.faces.lgl import keywords as lgl_keywords
from chalicelib.faces.lgl import invitations as lgl_invitations
from chalicelib.faces.lgl import volunteer_times as lgl_volunteer_times
from chalicelib.faces.lgl import schemas as lgl_schemas
from chalicelib.faces.http import ROUTES, RouteSpec
from chalicelib.faces.mpdx import params as mpdx_params
from chalicelib.faces.mpdx.media import JSONAPI
from chalicelib.faces.together import schemas as together_schemas
from tests.givebutter.test_givebutter import FIELDS as ACTIVITY_FIELDS
from tests.givebutter.test_givebutter import assert_givebutter_error
from tests.mpdx.test_mpdx import assert_jsonapi_error

Records = dict[str, str]  # kind of record -> its id
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# The kinds of record a route can name. Each organisation's world has one of each:
#   donor        a donor without history (deletable)
#   log-donor    a donor with the contact log and the donation below
#   contact-log  a contact log of log-donor (with an open follow-up)
#   note         a note of log-donor (a contact-log entry typed as a note, LGL's /notes)
#   donation     a donation of log-donor
#   email-address, phone-number, street-address, web-address
#                contact points of donor (LGL's own records), none of them preferred
#   fund, campaign, appeal, event, gift-type, gift-category, payment-type, mailing-template
#                a value of each catalogue (native POST, LGL lists them)
#   category, group, membership-level
#                a value of each catalogue LGL manages itself (the category has no keywords)
#   keyword-category, keyword, assigned-keyword
#                a category with two keywords, the second assigned to log-donor
#   volunteer-time  a volunteer time of log-donor
#   appeal-request  log-donor's request in the appeal above
#   invitation   log-donor's invitation to the event above
# (and, under no kind, an appeal and an event named SPARE_APPEAL and SPARE_EVENT, which creates
# through a constituent name: log-donor is on the first ones' lists already)
CATALOGUES = catalogues.CATALOGUES.natively_managed()
LGL_MANAGED = [c for c in catalogues.CATALOGUES.listed() if c.lgl_managed]
KINDS = ("donor", "log-donor", "contact-log", "note", "donation", "email-address", "phone-number", "street-address",
         "web-address", *(c.item_type.replace("_", "-") for c in (*CATALOGUES, *LGL_MANAGED)), "keyword-category",
         "keyword", "assigned-keyword", "volunteer-time", "appeal-request", "invitation")
SPARE_APPEAL, SPARE_EVENT = "Spring Appeal", "Spring Gala"


# ---- the description of a face -------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    """How to call one route with a live record of the right organisation."""
    ids: dict[str, str] = field(default_factory=dict)       # path variable -> kind of record it names
    body: Callable[[Records], dict[str, Any]] | None = None  # a valid body (None: the route takes none)
    params: tuple[str, ...] | None = None   # the query parameters it knows; None: it ignores the query
    fields: tuple[str, ...] = ()            # body field names, read-only ones too (they seed the fuzzer)
    fixed: dict[str, str] = field(default_factory=dict)  # path variables that name no record: their value


@dataclass(frozen=True)
class Face:
    name: str
    routes: dict[tuple[str, str], Route]      # (method, path) -> how to call it
    assert_error: Callable[[Any, int], dict]  # the face's error shape, whatever the status
    error_fields: Callable[[dict], list[str]]  # what an error body names (fields, parameters)
    error_message: Callable[[dict], str]      # what an error body says
    assert_success: Callable[[Any], None]     # a 200/201 body in the face's shape
    headers: dict[str, str] = field(default_factory=dict)  # what the face's clients send every time
    lenient: bool = False  # unknown and repeated query parameters are ignored (LGL), not a 400

    def route(self, route: RouteSpec) -> Route:
        return self.routes[(route.method, route.path)]

    def path(self, route: RouteSpec, records: Records, **override: str) -> str:
        spec = self.route(route)
        values = {**spec.fixed, **{var: records[kind] for var, kind in spec.ids.items()}}
        return route.path.format(**{**values, **override})

    def body(self, route: RouteSpec, records: Records) -> dict[str, Any] | None:
        spec = self.route(route)
        return spec.body(records) if spec.body else None


def fields_of(model, read_only=()) -> tuple[str, ...]:
    return tuple(sorted(model.model_fields)) + tuple(sorted(getattr(model, "READ_ONLY", read_only)))


def _json_success(response) -> dict:
    assert response.headers["Content-Type"] == "application/json", response.headers
    body = json.loads(response.body)
    assert isinstance(body, dict), body
    assert not {"Code", "Message"} <= set(body), f"Chalice's default shape on a {response.status_code}: {body}"
    return body


def _givebutter_success(response) -> None:
    body = _json_success(response)
    activities = body["data"] if isinstance(body.get("data"), list) else [body]
    for activity in activities:
        assert set(activity) == ACTIVITY_FIELDS, activity


def _jsonapi_success(response) -> None:
    assert response.headers["Content-Type"] == JSONAPI, response.headers
    assert set(json.loads(response.body)) <= {"data", "meta"}


def _jsonapi_names(body: dict) -> list[str]:
    return [next(iter(e["source"].values())) for e in body["errors"] if "source" in e]


T = "/api/v1"
_LOG_BODY = {"contact_method": "PHONE", "occurred_at": "2026-06-10T02:00:00.000Z", "notes": "created by a test"}
TOGETHER = Face(
    name="together",
    routes={
        ("GET", f"{T}/contact-logs"): Route(params=("donor_id", "method", "follow_up", "limit", "cursor")),
        ("POST", f"{T}/contact-logs"): Route(body=lambda r: {"donor_id": r["log-donor"], **_LOG_BODY},
                                             fields=fields_of(together_schemas.ContactLogCreate)),
        ("GET", f"{T}/contact-logs/{{record}}"): Route(ids={"record": "contact-log"}),
        ("PATCH", f"{T}/contact-logs/{{record}}"): Route(ids={"record": "contact-log"},
                                                         body=lambda r: {"notes": "changed"},
                                                         fields=fields_of(together_schemas.ContactLogPatch)),
        ("DELETE", f"{T}/contact-logs/{{record}}"): Route(ids={"record": "contact-log"}),
        ("GET", f"{T}/donors"): Route(params=("q", "email", "external_id", "sort", "limit", "cursor")),
        ("POST", f"{T}/donors"): Route(body=lambda r: {"first_name": "New", "last_name": "Donor"},
                                       fields=fields_of(together_schemas.DonorFields)),
        ("GET", f"{T}/donors/{{record}}"): Route(ids={"record": "donor"}),
        ("PATCH", f"{T}/donors/{{record}}"): Route(ids={"record": "donor"}, body=lambda r: {"first_name": "Changed"},
                                                   fields=fields_of(together_schemas.DonorFields)),
        ("DELETE", f"{T}/donors/{{record}}"): Route(ids={"record": "donor"}),
        ("GET", f"{T}/donors/{{record}}/activity"): Route(ids={"record": "log-donor"}, params=("limit", "cursor")),
        ("GET", f"{T}/donations"): Route(params=("donor_id", "limit", "cursor")),
        ("POST", f"{T}/donations"): Route(body=lambda r: {"donor_id": r["log-donor"], "amount": "10.00",
                                                          "received_at": "2026-06-01"},
                                          fields=fields_of(together_schemas.DonationCreate)),
        ("GET", f"{T}/donations/{{record}}"): Route(ids={"record": "donation"}),
        ("PATCH", f"{T}/donations/{{record}}"): Route(ids={"record": "donation"}, body=lambda r: {"note": "changed"},
                                                      fields=fields_of(together_schemas.DonationPatch)),
        ("DELETE", f"{T}/donations/{{record}}"): Route(ids={"record": "donation"}),
        ("GET", f"{T}/follow-ups"): Route(params=("window", "due_after", "due_before", "tz", "donor_id",
                                                  "recorded_by_id", "limit", "cursor")),
    },
    assert_error=assert_problem,
    error_fields=lambda body: [e["field"] for e in body["errors"]],
    error_message=lambda body: body["detail"],
    assert_success=_json_success,
)

G = "/v1/contacts/{contact}/activities"
_ACTIVITY = {"contact": "log-donor", "activity": "contact-log"}
_GB_FIELDS = fields_of(givebutter_schemas.ActivityCreate, givebutter_schemas.READ_ONLY) + ("timezone",)
GIVEBUTTER = Face(
    name="givebutter",
    routes={
        ("GET", G): Route(ids={"contact": "log-donor"}, params=("type", "page", "per_page")),
        ("POST", G): Route(ids={"contact": "log-donor"}, body=lambda r: {"type": "email", "note": "created by a test"},
                           fields=_GB_FIELDS),
        ("GET", G + "/{activity}"): Route(ids=_ACTIVITY),
        ("PUT", G + "/{activity}"): Route(ids=_ACTIVITY, body=lambda r: {"note": "changed"}, fields=_GB_FIELDS),
        ("PATCH", G + "/{activity}"): Route(ids=_ACTIVITY, body=lambda r: {"note": "changed"}, fields=_GB_FIELDS),
        ("DELETE", G + "/{activity}"): Route(ids=_ACTIVITY),
    },
    assert_error=assert_givebutter_error,
    error_fields=lambda body: list(body["errors"]),
    error_message=lambda body: body["message"],
    assert_success=_givebutter_success,
)

M = "/api/v2/organizations/contacts"
MPDX = Face(
    name="mpdx",
    routes={
        ("GET", M): Route(params=mpdx_params.LIST_PARAMETERS),
        ("GET", M + "/{record}"): Route(ids={"record": "donor"}, params=()),
        ("DELETE", M + "/{record}"): Route(ids={"record": "donor"}, params=()),
    },
    assert_error=assert_jsonapi_error,
    error_fields=_jsonapi_names,
    error_message=lambda body: " ".join(e["detail"] for e in body["errors"]),
    assert_success=_jsonapi_success,
    headers={"Content-Type": JSONAPI, "Accept": JSONAPI},
)



def assert_lgl_error(response, status: int) -> dict:
    """LGL's error shape, whatever the error."""
    assert response.status_code == status, response.body
    assert response.headers["Content-Type"] == "application/json", response.headers
    body = json.loads(response.body)
    assert set(body) == {"api_version", "error", "description", "errors"}, body
    assert body["api_version"] == "1.0"
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["description"], str) and body["description"]
    for error in body["errors"]:
        assert set(error) == {"field", "message"}
    return body


def _lgl_success(response) -> None:
    body = _json_success(response)
    assert body["api_version"] == "1.0", body


L = "/api/v1"
_LGL_POINTS = {"email_addresses": ("email-address", lgl_schemas.EmailAddressBody, {"address": "new@example.org"}),
               "phone_numbers": ("phone-number", lgl_schemas.PhoneNumberBody, {"number": "555-0199"}),
               "street_addresses": ("street-address", lgl_schemas.StreetAddressBody, {"street": "1 New Road"}),
               "web_addresses": ("web-address", lgl_schemas.WebAddressBody, {"url": "https://new.example.org"})}
_LGL_CHANGES = {"email_addresses": {"email_address_type_id": 2}, "phone_numbers": {"phone_number_type_id": 2},
                "street_addresses": {"street_address_type_id": 2}, "web_addresses": {"web_address_type_id": 6}}
_LGL_ROUTES: dict[tuple[str, str], Route] = {
    ("GET", f"{L}/constituents"): Route(params=("limit", "offset")),
    ("POST", f"{L}/constituents"): Route(body=lambda r: {"first_name": "New", "last_name": "Constituent",
                                                         "email_addresses": [{"address": "new@example.org"}]},
                                         fields=fields_of(lgl_schemas.ConstituentBody)),
    ("GET", f"{L}/constituents/search"): Route(params=("q[]", "sort", "expand", "limit", "offset")),
    ("GET", f"{L}/constituents/{{id}}"): Route(ids={"id": "donor"}),
    ("PATCH", f"{L}/constituents/{{id}}"): Route(ids={"id": "donor"}, body=lambda r: {"first_name": "Changed"},
                                                 fields=fields_of(lgl_schemas.ConstituentBody)),
    ("DELETE", f"{L}/constituents/{{id}}"): Route(ids={"id": "donor"}),
    ("GET", f"{L}/types"): Route(params=("limit", "offset")),
    ("GET", f"{L}/types/{{type}}"): Route(fixed={"type": "phone_number_types"}, params=("limit", "offset")),
    ("GET", f"{L}/team_members"): Route(params=("limit", "offset")),
}
for _collection, (_kind, _model, _body) in _LGL_POINTS.items():
    _LGL_ROUTES.update({
        ("GET", f"{L}/constituents/{{id}}/{_collection}"): Route(ids={"id": "donor"}, params=("limit", "offset")),
        ("POST", f"{L}/constituents/{{id}}/{_collection}"): Route(ids={"id": "donor"}, body=lambda r, b=_body: dict(b),
                                                                   fields=fields_of(_model)),
        ("GET", f"{L}/{_collection}/{{id}}"): Route(ids={"id": _kind}),
        ("PATCH", f"{L}/{_collection}/{{id}}"): Route(ids={"id": _kind}, body=lambda r, c=_collection: dict(_LGL_CHANGES[c]),
                                                      fields=fields_of(_model)),
        ("DELETE", f"{L}/{_collection}/{{id}}"): Route(ids={"id": _kind}),
    })


def lgl_resource(collection: str, kind: str, model, body: dict[str, Any], change: dict[str, Any], *,
                 parents: dict[str, str] | None = None, listing: bool = False, search: bool = False,
                 bodies: dict[str, Callable[[Records], dict[str, Any]]] | None = None) -> None:
    """Describe the routes faces/lgl/resources.py declares for one resource: `kind` is the
    record its `{id}` names, `parents` the record each parent path's `{id}` names (a parent
    with a record of the kind: listing it shows something); `bodies`, a parent path's own
    valid body (else `body`)."""
    for parent, parent_kind in (parents or {"constituents": "log-donor"}).items():
        path = f"{L}/{parent}/{{id}}/{collection}"
        build = (bodies or {}).get(parent, lambda r: dict(body))
        _LGL_ROUTES[("GET", path)] = Route(ids={"id": parent_kind}, params=("limit", "offset"))
        _LGL_ROUTES[("POST", path)] = Route(ids={"id": parent_kind}, body=build, fields=fields_of(model))
    item = f"{L}/{collection}/{{id}}"
    _LGL_ROUTES.update({
        ("GET", item): Route(ids={"id": kind}),
        ("PATCH", item): Route(ids={"id": kind}, body=lambda r: dict(change), fields=fields_of(model)),
        ("DELETE", item): Route(ids={"id": kind}),
    })
    if listing:
        _LGL_ROUTES[("GET", f"{L}/{collection}")] = Route(params=("limit", "offset"))
    if search:
        _LGL_ROUTES[("GET", f"{L}/{collection}/search")] = Route(params=("q[]", "sort", "limit", "offset"))


lgl_resource("gifts", "donation", lgl_gifts.GiftBody, {"received_amount": "10.00", "received_date": "2026-06-01"},
             {"note": "changed"}, search=True)
lgl_resource("contact_reports", "contact-log", lgl_interactions.ContactReportBody,
             {"text": "Called about the gala", "contact_report_type_name": "Call"}, {"text": "changed"},
             listing=True, search=True)
lgl_resource("notes", "note", lgl_interactions.NoteBody, {"text": "Likes dogs"}, {"text": "changed"}, listing=True)
lgl_resource("volunteer_times", "volunteer-time", lgl_volunteer_times.VolunteerTimeBody,
             {"volunteering_category_name": "General", "hours": "4", "date": "2026-06-01"}, {"completed_hours": "4"},
             listing=True, search=True)
lgl_resource("appeal_requests", "appeal-request", lgl_appeal_requests.AppealRequestBody, {}, {"ask_amount": "200"},
             parents={"appeals": "appeal", "constituents": "log-donor"},
             bodies={"appeals": lambda r: {"constituent_id": r["donor"], "ask_amount": "100"},
                     "constituents": lambda r: {"appeal_name": SPARE_APPEAL}})
lgl_resource("invitations", "invitation", lgl_invitations.InvitationBody, {}, {"rsvp": "1"},
             parents={"constituents": "log-donor", "events": "event"},
             bodies={"constituents": lambda r: {"event_name": SPARE_EVENT},
                     "events": lambda r: {"constituent_id": r["donor"], "notes": "Event note"}})


def catalogue_body(catalogue, name: str) -> dict[str, Any]:
    """A valid new value: its name, the first value of what it must refer to, and an amount in
    each money field (so that what the documents say of money is checked against answers)."""
    body: dict[str, Any] = {catalogue.name_field: name, **({"item_type": "Constituent"} if catalogue.key == "categories"
                                                           else {})}
    for spec in catalogue.specs:
        if spec.type == REF and spec.required:
            body[spec.name] = catalogues.CATALOGUES[spec.ref].defaults[0]["id"]
        if spec.type == MONEY:
            body[spec.name] = "2500.50"
    return body


for _catalogue in CATALOGUES:
    _path, _kind = f"{L}/{_catalogue.key}", _catalogue.item_type.replace("_", "-")
    _fields = fields_of(catalogue_model(_catalogue))
    _LGL_ROUTES[("GET", _path)] = Route(params=(*catalogue_filters(_catalogue), "limit", "offset"))
    TOGETHER.routes.update({
        ("POST", _path): Route(body=lambda r, c=_catalogue: catalogue_body(c, f"New {c.label.lower()}"),
                               fields=_fields),
        ("GET", f"{_path}/{{id}}"): Route(ids={"id": _kind}),
        ("PATCH", f"{_path}/{{id}}"): Route(ids={"id": _kind}, fields=_fields,
                                            body=lambda r, c=_catalogue: {c.name_field: f"Changed {c.label.lower()}"}),
        ("DELETE", f"{_path}/{{id}}"): Route(ids={"id": _kind}),
    })

for _catalogue in LGL_MANAGED:
    _path, _kind = f"{L}/{_catalogue.key}", _catalogue.item_type.replace("_", "-")
    _fields = fields_of(lgl_catalogues.body_model(_catalogue))
    _LGL_ROUTES.update({
        ("GET", _path): Route(params=(*catalogue_filters(_catalogue), "limit", "offset")),
        ("POST", _path): Route(body=lambda r, c=_catalogue: catalogue_body(c, f"New {c.label.lower()}"), fields=_fields),
        ("GET", f"{_path}/{{id}}"): Route(ids={"id": _kind}),
        ("PATCH", f"{_path}/{{id}}"): Route(ids={"id": _kind}, fields=_fields,
                                            body=lambda r, c=_catalogue: {c.name_field: f"Changed {c.label.lower()}"}),
        ("DELETE", f"{_path}/{{id}}"): Route(ids={"id": _kind}),
    })
lgl_resource("keywords", "keyword", lgl_keywords.KEYWORD_BODY, {"name": "New keyword"}, {"short_code": "changed"},
             parents={"categories": "keyword-category"})
_LGL_ROUTES.update({
    ("POST", f"{L}/constituents/{{id}}/keywords"): Route(ids={"id": "donor"}, body=lambda r: {"id": r["keyword"]},
                                                         fields=("id",)),
    ("DELETE", f"{L}/constituents/{{id}}/keywords/{{keyword_id}}"): Route(ids={"id": "log-donor",
                                                                             "keyword_id": "assigned-keyword"}),
    ("GET", f"{L}/constituents/{{id}}/categories"): Route(ids={"id": "log-donor"}, params=("limit", "offset")),
})

LGL = Face(
    name="lgl",
    routes=_LGL_ROUTES,
    assert_error=assert_lgl_error,
    error_fields=lambda body: [e["field"] for e in body["errors"]],
    error_message=lambda body: body["description"],
    assert_success=_lgl_success,
    lenient=True,
)

FACES: dict[str, Face] = {face.name: face for face in (TOGETHER, GIVEBUTTER, MPDX, LGL)}

# Routes that need no key: not part of the scope, tenancy and fuzzing walks. The guard fails
# when a public route is added without being named here.
PUBLIC: set[tuple[str, str, str]] = {("together", "GET", "/openapi/{document}")}
SCOPED: list[RouteSpec] = [r for r in ROUTES if r.scope is not None]


# ---- what the tests walk ------------------------------------------------------------------------

def face_of(route: RouteSpec) -> Face:
    return FACES[route.face]


def route_id(route: RouteSpec) -> str:
    return f"{route.face} {route.method} {route.path}"


def described(routes=ROUTES) -> list[RouteSpec]:
    """The scoped routes the faces describe (the guard fails on any other)."""
    return [r for r in routes if r.scope is not None and r.face in FACES and (r.method, r.path) in FACES[r.face].routes]


def served() -> dict[tuple[str, str], set[str]]:
    """(face, path) -> every method served at the path (by any face; two may share one, as
    LGL's list of funds and the native face's create do), keyed by the face answering the
    methods none serves: the first to register the path."""
    methods: dict[str, set[str]] = {}
    first: dict[str, str] = {}
    for route in SCOPED:
        methods.setdefault(route.path, set()).add(route.method)
        first.setdefault(route.path, route.face)
    return {(first[path], path): served for path, served in methods.items()}


def send(api: Api, face: Face, method: str, path: str, org: Org | None = None, body: Any = None, *,
         scope: str = "WRITE", headers: dict[str, str] | None = None, raw: str | None = None):
    """A request as the face's clients send it (its headers), any header overridden."""
    return api.call(method, path, org, body, scope=scope, headers={**face.headers, **(headers or {})}, raw=raw)


ACME: Any = object()  # `call`'s default caller


def call(w: World, route: RouteSpec, records: Records | None = None, org: Org | None = ACME, **kw):
    """The route with a valid request for `records` (acme's by default), as `org` (acme by
    default; None sends no key)."""
    face = face_of(route)
    records = w.mine if records is None else records
    return send(w.api, face, route.method, face.path(route, records), w.acme if org is ACME else org,
                face.body(route, records), **kw)


# ---- the world ----------------------------------------------------------------------------------

@dataclass
class World:
    api: Api
    acme: Org
    other: Org
    mine: Records    # acme's records
    theirs: Records  # other's records, with ids acme has not issued


def seed(api: Api, org: Org, tag: str) -> Records:
    donor = new_donor(api, org, first_name=tag.title(), last_name="Historied", external_id=f"ext-{tag}",
                      email=f"{tag}@example.org")
    log = new_log(api, org, donor["id"], notes=f"{tag}'s note", follow_up_at="2026-06-25T00:00:00Z")
    gift = new_donation(api, org, donor["id"], note=f"{tag}'s gift")
    note = api.post(f"{L}/constituents/{donor['id']}/notes", org, {"text": f"{tag}'s note"})
    assert note.status_code == 200, note.body
    bare = new_donor(api, org, first_name=tag.title(), last_name="Bare", status="Never Ask")
    points = {}
    for collection, (kind, _, _) in _LGL_POINTS.items():  # the bare donor's: a preferred one, then the one named
        for n in (1, 2):
            response = api.post(f"{L}/constituents/{bare['id']}/{collection}", org, _SEEDED[collection](tag, n))
            assert response.status_code == 200, response.body
        points[kind] = str(response.json["id"])
    for catalogue in (*CATALOGUES, *LGL_MANAGED):
        response = api.post(f"{L}/{catalogue.key}", org, catalogue_body(catalogue, f"{tag} {catalogue.label}"))
        assert response.status_code in (200, 201), response.body
        points[catalogue.item_type.replace("_", "-")] = str(response.json["id"])
    tags = api.post(f"{L}/categories", org, {"item_type": "Constituent", "name": f"{tag} tags"}).json["id"]
    keyword, assigned = (api.post(f"{L}/categories/{tags}/keywords", org, {"name": f"{tag} {n}"}).json["id"]
                         for n in ("keyword", "assigned keyword"))
    assert api.post(f"{L}/constituents/{donor['id']}/keywords", org, {"id": assigned}).status_code == 200
    points.update({"keyword-category": str(tags), "keyword": str(keyword), "assigned-keyword": str(assigned)})
    for key, name in (("appeals", SPARE_APPEAL), ("events", SPARE_EVENT)):  # once per organisation
        assert api.post(f"{L}/{key}", org, {"name": name}).status_code in (201, 409)
    for kind, path, body in (
            ("volunteer-time", f"constituents/{donor['id']}/volunteer_times", {"volunteering_category_id": 446}),
            ("appeal-request", f"appeals/{points['appeal']}/appeal_requests", {"constituent_id": donor["id"]}),
            ("invitation", f"events/{points['event']}/invitations", {"constituent_id": donor["id"]}),
    ):
        response = api.post(f"{L}/{path}", org, body)
        assert response.status_code == 200, response.body
        points[kind] = str(response.json["id"])
    points.update(_seed_memberships(api, org, donor["id"]))
    points.update(_seed_relations(api, org, tag, donor["id"], bare["id"]))
    return {"log-donor": donor["id"], "contact-log": log["id"], "note": str(note.json["id"]), "donation": gift["id"],
            "donor": bare["id"], **points}


_SEEDED = {"email_addresses": lambda tag, n: {"address": f"{tag}.{n}@example.org"},
           "phone_numbers": lambda tag, n: {"number": f"555-01{n}{len(tag)}"},
           "street_addresses": lambda tag, n: {"street": f"{n} {tag} Street"},
           "web_addresses": lambda tag, n: {"url": f"https://{tag}{n}.example.org"}}


@contextmanager
def built_world(sets: int = 1) -> Iterator[World]:
    """A clean account, two organisations and a client. acme has `sets` records of each kind
    (`mine` is the first); the other org has two sets, and `theirs` is its second, so that
    its ids are ones acme has not issued (ids are per organisation)."""
    from chalice.test import Client

    from app import app

    with clean_account(), Client(app) as client:
        api = Api(client)
        acme, other = make_org("acme"), make_org("acme-corp")
        mine = [seed(api, acme, f"mine{n}") for n in range(sets)][0]
        theirs = [seed(api, other, f"theirs{n}") for n in range(2)][1]
        assert not set(theirs.items()) & set(mine.items()), (mine, theirs)
        w = World(api, acme, other, mine, theirs)
        warm_keys(w)
        yield w


def warm_keys(w: World) -> None:
    """Every key verified and cached, so that a later request reaches the store only for its records."""
    for org in (w.acme, w.other):
        for scope in ("WRITE", "READ"):
            assert w.api.get("/api/v1/donors?limit=1", org, scope=scope).status_code == 200


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    """One world per module, for tests that change nothing (each proves it with `table_state`)."""
    with built_world() as w:
        yield w


_OWN = itertools.count(1)


@pytest.fixture(scope="module")
def _own_seeded(world) -> tuple[Org, Records, dict]:
    org = make_org(f"own-{next(_OWN)}")
    records = seed(world.api, org, "own")
    return org, records, _table_items()


@pytest.fixture
def own(world, _own_seeded) -> Iterator[tuple[Org, Records]]:
    """An organisation of its own in the module's world, with one record of each kind, for a
    test that changes data: the other tests' organisations stay as they were.

    Seeded once per module (forty-odd requests on a table that grows with every kind); after
    each test the table is put back as it was just after the seed, every item of it, and every
    cache forgotten, so each test starts from the same records as if seeded for it alone."""
    org, records, seeded = _own_seeded
    try:
        yield org, records
    finally:
        _table().items = copy.deepcopy(seeded)
        context.reset()
        warm_cache.clear_all()


def _table() -> Any:
    return dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_DEFAULT_REGION"]].get_table(os.environ["TABLE_NAME"])


def _table_items() -> dict:
    """A copy of every item moto holds for the table (its indexes are derived from them)."""
    return copy.deepcopy(_table().items)


def table_state() -> dict[tuple[str, str], dict]:
    """Every item in the table, every organisation's: what "nothing changed" compares.

    Read from moto's own store (what a Scan would return, without a Scan's serialising of
    every item through boto3: the tests compare it thousands of times). Except the id
    counters: a create reserves its id before its write, so a refused create (an
    Idempotency-Key reused with another body) may skip ids, as docs/storage.md says."""
    return {(item.hash_key.value, item.range_key.value): item.to_json()["Attributes"]
            for item in _table().all_items()
            if not item.range_key.value.startswith("COUNTER#")}


# ---- group memberships and memberships (faces/lgl/memberships.py) --------------------------------
#   group-membership  log-donor in the group "Volunteers"
#   membership        log-donor's membership at the level "Gold"
# Both values have the same name in every organisation, so that a body names them alike for
# any organisation's records (the bodies name no record: another organisation's constituent
# is the 404 tenancy wants, never an unknown group's 422).
KINDS += ("group-membership", "membership")
SHARED_GROUP, SHARED_LEVEL = "Volunteers", "Gold"


def _value_named(api: Api, org: Org, key: str, name: str) -> str:
    """The id of the catalogue value with this name (made when the organisation has none)."""
    made = api.post(f"{L}/{key}", org, {"name": name})
    if made.status_code == 200:
        return str(made.json["id"])
    assert made.status_code == 409, made.body
    return str(next(v["id"] for v in api.get(f"{L}/{key}?limit=500", org).json["items"] if v["name"] == name))


def _seed_memberships(api: Api, org: Org, donor_id: str) -> Records:
    group = _value_named(api, org, "groups", SHARED_GROUP)
    level = _value_named(api, org, "membership_levels", SHARED_LEVEL)
    member = api.post(f"{L}/constituents/{donor_id}/group_memberships", org, {"group_id": group})
    assert member.status_code == 200, member.body
    membership = api.post(f"{L}/constituents/{donor_id}/memberships", org, {
        "membership_level_id": level, "date_start": "2025-01-01", "finish_date": "2025-12-31"})
    assert membership.status_code == 200, membership.body
    return {"group-membership": str(member.json["id"]), "membership": str(membership.json["id"])}


lgl_resource("group_memberships", "group-membership", lgl_schemas.GroupMembershipBody,
             {"group_name": SHARED_GROUP, "date_start": "2024-02-01"}, {"date_start": "2016-01-01"})
lgl_resource("memberships", "membership", lgl_schemas.MembershipBody,
             {"membership_level_name": SHARED_LEVEL, "date_start": "2026-01-01", "finish_date": "2026-12-31"},
             {"note": "changed"})
TOGETHER.routes[("GET", f"{T}/donors/{{record}}/memberships")] = Route(ids={"record": "log-donor"}, params=())


# ---- class affiliations and relationships (faces/lgl/affiliations.py, relationships.py) ----------
#   class-affiliation  log-donor's class affiliation (LGL's default type 515, Student)
#   relationship       log-donor's relationship to donor (a Parent: its reciprocal, a Child, is donor's)
# The bodies name a default type every organisation has, and the relationship's names the
# records' own donor: another organisation's constituent is a 404, never a 422.
KINDS += ("class-affiliation", "relationship")


def _seed_relations(api: Api, org: Org, tag: str, donor: str, bare: str) -> Records:
    affiliation = api.post(f"{L}/constituents/{donor}/class_affiliations", org,
                           {"class_affiliation_type_id": 515, "year": 2000 + len(tag), "note": f"{tag}'s class"})
    relationship = api.post(f"{L}/constituents/{donor}/constituent_relationships", org,
                            {"related_constituent_id": bare, "name": "Parent"})
    assert affiliation.status_code == relationship.status_code == 200, (affiliation.body, relationship.body)
    return {"class-affiliation": str(affiliation.json["id"]), "relationship": str(relationship.json["id"])}


lgl_resource("class_affiliations", "class-affiliation", lgl_schemas.ClassAffiliationBody,
             {"year": "2023", "class_affiliation_type_id": "515"}, {"year": "2024"})
lgl_resource("constituent_relationships", "relationship", lgl_schemas.RelationshipBody, {}, {"name": "Family"},
             bodies={"constituents": lambda r: {"related_constituent_id": r["donor"], "name": "Friend"}})
