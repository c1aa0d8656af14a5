"""Routes of the Little Green Light face (REST API v1, docs/lgl.md): constituents, their
e-mail addresses, phone numbers, street and web addresses, the lookup types and the team.

The face's rules hold on every route: paths under /api/v1, each collection also at its `.json`
path (an item's `12.json` is item 12); the key as Bearer, HTTP Basic or `?access_token=`;
LGL's list, object, result and error envelopes; unknown query parameters ignored and unknown
body fields named in `X-Ignored-Fields`. Views only parse, call a domain service and shape
the reply.
"""
from __future__ import annotations

import base64
import binascii
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator
from urllib.parse import quote

from chalice import Response
from chalice.app import Request

from ... import auth
from ...domain import contact_points, donor_search, donors, lifecycle, lookups, organisations
from ...domain.contact_points import DISTINCT, EMAILS, PHONES, STREETS, WEBS, Point
from ...errors import Conflict, FieldError, NotFound, ValidationFailed
from ..http import (Call, ErrorStatus, Face, FaceRoutes, Param, RouteSpec, bearer_token, json_body, json_response,
                    note_in_log, request_url, with_body, with_common_errors, writes)
from . import errors, params, render, schemas
from .search import CONSTITUENT_TERMS, EXPANDS, LATER_SORTS, SORTS

PREFIX = "/api/v1"
IGNORED_HEADER = "X-Ignored-Fields"


def credentials(request: Request) -> str | None:
    """The key: `Authorization: Bearer <key>`, HTTP Basic (the key as user name, empty
    password) or `?access_token=<key>`, in that order."""
    token = bearer_token(request)
    if token:
        return token
    scheme, _, value = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() == "basic" and value.strip():
        try:
            user = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            return None  # not Basic credentials at all
        return user or None
    return params.first(request, "access_token") or None


def _with_query(route: RouteSpec) -> bool:
    return any(p.name in ("limit", "q[]") for p in route.params)


FACE = Face("lgl", errors.render, credentials, title="Little Green Light (REST API v1)",
            responses=f"{__package__}.responses", error_model="Error", errors=with_common_errors(
    ErrorStatus(400, "Parameter Error: a bad `limit`, `offset`, search term, `sort` or `expand`; malformed JSON",
                lambda r: _with_query(r) or with_body(r)),
    ErrorStatus(404, "No such item in your organisation (`Item with id '12' not found`)"),
    ErrorStatus(409, "Deleting a constituent with gifts, contact reports or volunteer times; an external id taken; "
                     "a value the constituent has already (an address changed to another of theirs, a second "
                     "request in one appeal, a second invitation to one event)", writes),
    ErrorStatus(415, "A body that is not `application/json` in UTF-8, or sent without a `Content-Type`", with_body),
    ErrorStatus(422, "Invalid fields, each named (in `description` and `errors`)", with_body),
), security={"basic": {"type": "http", "scheme": "basic", "description": "The key as the user name, no password"},
             "access_token": {"type": "apiKey", "in": "query", "name": "access_token"}})
routes = FaceRoutes(FACE)
blueprint = routes.blueprint

WINDOW = (Param("limit", {"type": "integer", "minimum": 0, "maximum": params.MAX_LIMIT,
                          "default": params.DEFAULT_LIMIT}, "Items per page; 0 answers only `total_items`"),
          Param("offset", {"type": "integer", "minimum": 0, "default": 0}, "Start at this item"))
ID = Param("id", {"type": "string", "pattern": r"^[0-9]+(\.json)?$"}, "The item's id (`12` or `12.json`)")
CONSTITUENT_ID = Param("id", {"type": "string", "pattern": r"^[0-9]+$"}, "The constituent's id")


# ---- request helpers -------------------------------------------------------------------------

def item_id(raw: str) -> int:
    number = lifecycle.record_number(raw.removesuffix(".json"))
    if number is None:
        raise _missing(raw)
    return number


def _missing(raw: str) -> NotFound:
    return NotFound(f"Item with id '{raw.removesuffix('.json')[:40]}' not found")


@contextmanager
def lgl_terms(raw_id: str | None = None, names: dict[str, str] | None = None) -> Iterator[None]:
    """The domain's errors in this face's words: LGL's not-found, its field names."""
    try:
        yield
    except NotFound as missing:
        if missing.errors:  # a record the body names (its field says which), not the path's
            fields = [FieldError(_renamed(e.field, names or {}), e.message) for e in missing.errors]
            raise NotFound("Item not found: " + "; ".join(f"{e.field} {e.message}" for e in fields), fields) from None
        raise (_missing(raw_id) if raw_id is not None else missing) from None
    except (ValidationFailed, Conflict) as failed:
        if not names or not failed.errors:
            raise
        fields = [FieldError(_renamed(e.field, names), e.message) for e in failed.errors]
        if isinstance(failed, Conflict):
            raise Conflict(failed.detail, fields) from None
        raise ValidationFailed("The request body has invalid fields: " + "; ".join(
            f"{e.field}: {e.message}" for e in fields), fields) from None


def _renamed(field: str, names: dict[str, str]) -> str:
    """`type_id` -> `email_address_type_id`; `email_addresses.2.type_id` -> `email_addresses[2].email_address_type_id`."""
    if field in names:
        return names[field]
    head, _, rest = field.partition(".")
    if head in names and rest:
        index, _, inner = rest.partition(".")
        nested = NESTED_NAMES.get(head, {})
        return f"{names[head]}[{index}]" + (f".{nested.get(inner, inner)}" if inner else "")
    return field


def body_of(call: Call, model: type[schemas.Body]) -> dict[str, Any]:
    """The body's fields; the ones LGL would ignore are named in the reply's header and the log."""
    sent, ignored = schemas.parse(model, json_body(call.request))
    if ignored:
        note_in_log("ignored_fields", ignored)
        call.request.context.setdefault("lgl_ignored", ignored)
    return sent


IGNORED_HEADER_MAX = 2000  # characters of the header; the log line has every name


def answer(call: Call, body: dict[str, Any]) -> Response:
    ignored = call.request.context.get("lgl_ignored")
    headers = {IGNORED_HEADER: ignored_header(ignored)} if ignored else {}
    return json_response(body, headers=headers)


def ignored_header(names: list[str]) -> str:
    """The ignored fields' paths, comma separated; a name that is not plain printable ASCII (or
    holds a comma) percent-encoded, as a header value must be."""
    text = ", ".join(quote(name, safe=" []._-:@!$&'()*+;=/?~") for name in names)
    return text if len(text) <= IGNORED_HEADER_MAX else text[:IGNORED_HEADER_MAX - 3] + "..."


def page(call: Call, items: list[dict[str, Any]], total: int, window: params.Window, item_type: str) -> Response:
    query = call.request.query_params or {}
    link = render.link_to(request_url(call.request), {name: query.getlist(name) for name in query})
    return answer(call, render.listing(items, total, window.limit, window.offset, item_type, link))


def sliced(values: list[Any], window: params.Window) -> list[Any]:
    return values[window.offset:window.offset + window.limit] if window.limit else []


def _json(path: str) -> tuple[str, ...]:
    return (path + ".json",)


# ---- constituents --------------------------------------------------------------------------

_OWN_RENAMES = {"external_constituent_id": "external_id"}
_NESTED = {"email_addresses": EMAILS, "phone_numbers": PHONES, "street_addresses": STREETS,
           "web_addresses": WEBS}
_CONSTITUENT_NAMES = {"external_id": "external_constituent_id", **{p.kind.name: n for n, p in _NESTED.items()}}


@dataclass(frozen=True)
class NestedArray:
    """A constituent's nested array of records other than contact points (`categories`...),
    kept by a section of the face: `plan` makes the donor's change of what was sent (the
    items, and whether `remove_previous_<name>` was set); `render` shows the donor's."""
    plan: Callable[[list[dict[str, Any]], bool], donors.Nested]
    render: Callable[[str, dict[str, list[dict[str, Any]]]], list[dict[str, Any]]]


# Registered by the sections that keep them (keywords.py: `categories`...), by array name.
NESTED_ARRAYS: dict[str, NestedArray] = {}


@dataclass(frozen=True)
class OwnArray:
    """A constituent's array kept on the donor record itself (`custom_attrs`), by a section of
    the face: `fields` makes the donor's own field changes of what was sent; `render` shows the
    donor's."""
    fields: Callable[[str, list[dict[str, Any]]], dict[str, Any]]
    render: Callable[[str, dict[str, Any]], list[dict[str, Any]]]


OWN_ARRAYS: dict[str, OwnArray] = {}  # by array name (custom_attrs.py: `custom_attrs`)


def _constituent_fields(org: str, sent: dict[str, Any]) -> tuple[dict[str, Any], donors.ContactChanges,
                                                                   list[donors.Nested]]:
    """The body as the donor's own fields, its nested contact points and its other nested records."""
    nested = [NESTED_ARRAYS[name].plan(sent.get(name) or [], bool(sent.get(f"remove_previous_{name}")))
              for name in NESTED_ARRAYS if name in sent or sent.get(f"remove_previous_{name}")]
    own = {_OWN_RENAMES.get(k, k): v for k, v in sent.items()
           if k not in _NESTED and k not in NESTED_ARRAYS and k not in OWN_ARRAYS
           and not k.startswith("remove_previous_")}
    for name, array in OWN_ARRAYS.items():
        if name in sent:
            own.update(array.fields(org, sent[name] or []))
    for table, id_field, name_field in (("constituent_contact_types", "constituent_contact_type_id",
                                         "constituent_contact_type_name"),
                                        ("marital_statuses", "marital_status_id", "marital_status_name")):
        value_id, name = own.pop(id_field, None), own.pop(name_field, None)
        if value_id is not None or name:
            own[id_field] = lookups.resolve(org, table, value_id=value_id, name=name, id_field=id_field,
                                            name_field=name_field)["id"]
        elif id_field in sent or name_field in sent:
            own[id_field] = None
    contacts = {point: ([_point_fields(point, r) for r in sent.get(name) or []],
                        bool(sent.get(f"remove_previous_{name}")))
                for name, point in _NESTED.items() if name in sent or sent.get(f"remove_previous_{name}")}
    return own, contacts, nested


def _whole(call: Call, donor: dict[str, Any], details: donors.Details) -> dict[str, Any]:
    return render.one(whole_constituent(call.org, donor, details))


def whole_constituent(org: str, donor: dict[str, Any], details: donors.Details,
                      expand: set[str] | None = None) -> dict[str, Any]:
    """The constituent with its nested arrays: all of them, or those of `expand`."""
    others = {name: nested.render for name, nested in NESTED_ARRAYS.items()}
    others.update({name: (lambda org, details, array=array: array.render(org, donor))
                   for name, array in OWN_ARRAYS.items()})
    return render.whole_constituent(org, donor, details, expand, others)


@routes.route(PREFIX + "/constituents", "GET", auth.READ, params=WINDOW, response="ConstituentList",
              aliases=_json(PREFIX + "/constituents"))
def list_constituents(call: Call) -> Response:
    """Every active constituent, by sort name, a page at a time (exact `total_items`)."""
    window = params.window(call.request)
    found = donor_search.search(call.org, order="name", offset=window.offset, limit=window.limit)
    return page(call, [render.constituent(call.org, d) for d in found.donors], found.total, window, "constituent")


@routes.route(PREFIX + "/constituents/search", "GET", auth.READ, params=(
    Param("q[]", {"type": "string"}, "A search term, `term=value` (repeat it, or join terms with `;`): "
          + ", ".join(CONSTITUENT_TERMS.builders)),
    Param("sort", {"type": "string", "enum": [*SORTS, *(f"{k}!" for k in SORTS)]}, "The order; `!` reverses it"),
    Param("expand", {"type": "string"}, "Nested arrays to add, comma separated: " + ", ".join(EXPANDS)),
    *WINDOW), response="ConstituentSearch", aliases=_json(PREFIX + "/constituents/search"))
def search_constituents(call: Call) -> Response:
    """Active constituents matching every search term (no term: all of them).

    Terms are ANDed; names, e-mails, phones, streets and countries match what contains the
    value (any case), city and state what equals it, postal codes what starts with it;
    `updated_from`/`updated_to` take a date or a timestamp. Sorted by name unless `sort` says."""
    window = params.window(call.request)
    filters, since = CONSTITUENT_TERMS.filters(call.org, params.terms(call.request))
    key, descending = params.sort(call.request, (*SORTS, *LATER_SORTS), "name")
    if key in LATER_SORTS:
        raise params.bad("sort", f"{key} is not supported yet: it sorts by records this API does not keep yet")
    expand = params.expand(call.request, EXPANDS)
    found = donor_search.search(call.org, filters, order=SORTS[key], descending=descending, offset=window.offset,
                                limit=window.limit, changed_since=since, contacts=bool(expand))
    items = [whole_constituent(call.org, d, found.contacts.get(d["id"], {}), expand) if expand
             else render.constituent(call.org, d) for d in found.donors]
    return page(call, items, found.total, window, "constituent")


@routes.route(PREFIX + "/constituents", "POST", auth.WRITE, body=schemas.ConstituentBody, response="Constituent",
              status=200, response_headers=(IGNORED_HEADER,), aliases=_json(PREFIX + "/constituents"))
def create_constituent(call: Call) -> Response:
    """Add a constituent with its nested e-mail addresses, phone numbers, street and web addresses.

    Answers the whole constituent. The first current address of each kind is the preferred one
    unless another is marked `is_preferred`; the same value twice is kept once."""
    sent = body_of(call, schemas.ConstituentBody)
    with lgl_terms(names=_CONSTITUENT_NAMES):
        own, contacts, nested = _constituent_fields(call.org, sent)
        created = donors.create(call.org, own, contacts=contacts, nested=nested)
    return answer(call, _whole(call, created.record, created.children))


@routes.route(PREFIX + "/constituents/{id}", "GET", auth.READ, path_params=(ID,), response="Constituent")
def get_constituent(call: Call, id: str) -> Response:
    """One constituent with every nested array (one read)."""
    with lgl_terms(id):
        donor, details = donors.with_details(call.org, item_id(id))
    return answer(call, _whole(call, donor, details))


@routes.route(PREFIX + "/constituents/{id}", "PATCH", auth.WRITE, path_params=(ID,), body=schemas.ConstituentBody,
              response="Constituent", response_headers=(IGNORED_HEADER,))
def update_constituent(call: Call, id: str) -> Response:
    """Change the fields sent; nested records sent are added (`remove_previous_<array>`: the
    others go), a value the constituent has already is updated, not added twice."""
    constituent = item_id(id)
    sent = body_of(call, schemas.ConstituentBody)
    with lgl_terms(id, names=_CONSTITUENT_NAMES):
        own, contacts, nested = _constituent_fields(call.org, sent)
        donor, now = donors.update_whole(call.org, constituent, own, contacts=contacts, nested=nested)
    return answer(call, _whole(call, donor, now))


@routes.route(PREFIX + "/constituents/{id}", "DELETE", auth.WRITE, path_params=(ID,), response="Result",
              status=200)
def delete_constituent(call: Call, id: str) -> Response:
    """Delete a constituent with its addresses (docs/lgl.md, "Deleting a constituent").

    A constituent with gifts or contact reports is not deleted (409), on every face: financial
    history is never lost by accident. Deleting it again succeeds."""
    constituent = item_id(id)
    with lgl_terms(id):
        donors.delete(call.org, constituent, None)
    return answer(call, render.success())


# ---- a constituent's contact points: one declaration each -----------------------------------

@dataclass(frozen=True)
class ContactResource:
    point: Point
    collection: str             # "email_addresses"
    item_type: str              # "email_address"
    body: type[schemas.Body]
    renames: dict[str, str]     # this face's field -> the domain's
    model: str                  # its response model

    value: str                  # the field its `distinct` value is in (an address already there: 409)

    @property
    def names(self) -> dict[str, str]:
        """The domain's field -> this face's (for errors)."""
        return {**{domain: face for face, domain in self.renames.items() if face != "email_address"},
                DISTINCT: self.value}


def _point_fields(point: Point, sent: dict[str, Any]) -> dict[str, Any]:
    resource = RESOURCES[point.kind.name]
    out: dict[str, Any] = {}
    for name, value in sent.items():
        target = resource.renames.get(name, name)
        if name == "email_address" and sent.get("address"):
            continue  # both sent: `address` wins
        out[target] = value
    return out


def declare(resource: ContactResource) -> None:
    point, label = resource.point, resource.point.label.lower()
    collection = f"{PREFIX}/constituents/{{id}}/{resource.collection}"
    item = f"{PREFIX}/{resource.collection}/{{id}}"

    def list_points(call: Call, id: str) -> Response:
        window = params.window(call.request)
        with lgl_terms(id):
            found = contact_points.of_donor(call.org, point, item_id(id))
        items = [render.contact(call.org, point, r) for r in sliced(found, window)]
        return page(call, items, len(found), window, resource.item_type)

    def create_point(call: Call, id: str) -> Response:
        constituent = item_id(id)
        sent = body_of(call, resource.body)
        with lgl_terms(id, names=resource.names):
            created = contact_points.create(call.org, point, constituent, _point_fields(point, sent))
        return answer(call, render.one(render.contact(call.org, point, created)))

    def get_point(call: Call, id: str) -> Response:
        with lgl_terms(id):
            found = contact_points.get(call.org, point, item_id(id))
        return answer(call, render.one(render.contact(call.org, point, found)))

    def update_point(call: Call, id: str) -> Response:
        record = item_id(id)
        sent = body_of(call, resource.body)
        with lgl_terms(id, names=resource.names):
            updated = contact_points.update(call.org, point, record, _point_fields(point, sent))
        return answer(call, render.one(render.contact(call.org, point, updated)))

    def delete_point(call: Call, id: str) -> Response:
        record = item_id(id)
        with lgl_terms(id):
            contact_points.delete(call.org, point, record)
        return answer(call, render.success())

    list_points.__doc__ = f"A constituent's {label}es, by id." if label.endswith("ss") else \
        f"A constituent's {label}s, by id."
    create_point.__doc__ = (f"Add a {label} to a constituent.\n\nIt is preferred when asked, or when the "
                            "constituent has no current preferred one; a value it has already is updated instead.")
    get_point.__doc__ = f"One {label}."
    update_point.__doc__ = f"Change the fields sent of one {label}; `is_preferred: true` makes it the preferred one."
    delete_point.__doc__ = (f"Delete one {label} (again: success too); the oldest current one left becomes "
                            "preferred if this one was.")
    name = resource.collection
    for view, path, method, scope, declared in (
        (list_points, collection, "GET", auth.READ, dict(path_params=(CONSTITUENT_ID,), params=WINDOW,
                                                          response=f"{resource.model}List",
                                                          aliases=_json(collection))),
        (create_point, collection, "POST", auth.WRITE, dict(path_params=(CONSTITUENT_ID,), body=resource.body,
                                                             response=resource.model, status=200,
                                                             response_headers=(IGNORED_HEADER,),
                                                             aliases=_json(collection))),
        (get_point, item, "GET", auth.READ, dict(path_params=(ID,), response=resource.model)),
        (update_point, item, "PATCH", auth.WRITE, dict(path_params=(ID,), body=resource.body,
                                                       response=resource.model, response_headers=(IGNORED_HEADER,))),
        (delete_point, item, "DELETE", auth.WRITE, dict(path_params=(ID,), response="Result", status=200)),
    ):
        view.__name__ = f"{view.__name__}_{name}"
        routes.route(path, method, scope, **declared)(view)


RESOURCES = {r.point.kind.name: r for r in (
    ContactResource(EMAILS, "email_addresses", "email_address", schemas.EmailAddressBody,
                    {"email_address": "address", "email_address_type_id": "type_id", "email_type_name": "type_name"},
                    "EmailAddress", "address"),
    ContactResource(PHONES, "phone_numbers", "phone_number", schemas.PhoneNumberBody,
                    {"phone_number_type_id": "type_id", "phone_type_name": "type_name"}, "PhoneNumber", "number"),
    ContactResource(STREETS, "street_addresses", "street_address", schemas.StreetAddressBody,
                    {"street_address_type_id": "type_id", "street_type_name": "type_name"}, "StreetAddress", "street"),
    ContactResource(WEBS, "web_addresses", "web_address", schemas.WebAddressBody,
                    {"web_address_type_id": "type_id", "web_address_type_name": "type_name"}, "WebAddress", "url"),
)}
NESTED_NAMES = {point.kind.name: RESOURCES[point.kind.name].names for point in _NESTED.values()}
for _resource in RESOURCES.values():
    declare(_resource)


# ---- lookups and the team ------------------------------------------------------------------

@routes.route(PREFIX + "/types", "GET", auth.READ, params=WINDOW, response="TypeList",
              aliases=_json(PREFIX + "/types"))
def list_types(call: Call) -> Response:
    """Every lookup type with its values (by ordinal)."""
    window = params.window(call.request)
    tables = [lookups.TABLES[key] for key in lookups.LISTED]
    return page(call, [render.type_table(call.org, t) for t in sliced(tables, window)], len(tables), window, "type")


@routes.route(PREFIX + "/types/{type}", "GET", auth.READ, params=WINDOW, response="TypeValueList", path_params=(
    Param("type", {"type": "string", "enum": [*lookups.LISTED, *(f"{k}.json" for k in lookups.LISTED)]},
          "The type's key"),))
def list_type_values(call: Call, type: str) -> Response:
    """The values of one lookup type, by ordinal (then id)."""
    window = params.window(call.request)
    key = type.removesuffix(".json")
    if key not in lookups.LISTED:
        raise NotFound(f"Item with id '{key[:60]}' not found: the types are {', '.join(lookups.LISTED)}")
    values = lookups.values(call.org, key)
    return page(call, [render.type_value(v) for v in sliced(values, window)], len(values), window,
                lookups.TABLES[key].item_type)


@routes.route(PREFIX + "/team_members", "GET", auth.READ, params=WINDOW, response="TeamMemberList",
              aliases=_json(PREFIX + "/team_members"))
def list_team_members(call: Call) -> Response:
    """The organisation's team members (operators add them with the CLI), by id."""
    window = params.window(call.request)
    members = sorted(organisations.members(call.org), key=lambda m: m["id"])
    return page(call, [render.team_member(m) for m in sliced(members, window)], len(members), window, "team_member")
