"""Routes of the MPDX face: the contacts list, one contact, and deleting one (JSON:API).

Views negotiate the media type, parse, call the donor service and shape the document;
errors leave as JSON:API error documents (errors.py).
"""
from __future__ import annotations

from chalice import Response

from ... import auth
from ...domain import donor_search, donors, lifecycle
from ...errors import Conflict, NotFound
from ..http import (Call, ErrorStatus, Face, FaceRoutes, Param, bearer_token, empty_response, json_response, scoped,
                    with_common_errors, writes)
from . import errors, media, params, render

PREFIX = "/api/v2/organizations"
CONTACTS = PREFIX + "/contacts"
FACE = Face("mpdx", errors.render, bearer_token, title="MPDX (JSON:API)", media_type=media.JSONAPI,
            error_media_type=media.JSONAPI, responses=f"{__package__}.responses", error_model="ErrorDocument", errors=with_common_errors(
    ErrorStatus(400, "An unknown or repeated query parameter, or a bad value (named in `source.parameter`)"),
    ErrorStatus(404, "No such contact in your organisation"),
    ErrorStatus(406, "An `Accept` that does not allow plain application/vnd.api+json", scoped),
    ErrorStatus(409, "Deleting a contact whose allow_deletion is false", writes),
    ErrorStatus(415, "A body not sent as application/vnd.api+json, or that type with a parameter other "
                     "than `profile`", scoped),
))
routes = FaceRoutes(FACE)
blueprint = routes.blueprint
RECORD = Param("record", {"type": "string", "pattern": "^[1-9][0-9]*$"},
               "The contact's (donor's) id; any other spelling is 404")


def document(body: dict) -> Response:
    return json_response(body, content_type=media.JSONAPI)


def negotiate(call: Call, *, write: bool = False) -> None:
    media.check_content_type(call.request, has_body_semantics=write)
    media.check_accept(call.request)


def contact_id(raw: str) -> int:
    """A contact id is the donor's id as a string; anything else names no contact (404),
    leading zeros too: `02` is not how contact 2 is spelled."""
    number = lifecycle.record_number(raw)
    if number is None or raw != str(number):
        raise NotFound(f"Contact {raw[:100]!r} does not exist.")
    return number


def _missing(contact: int) -> NotFound:
    return NotFound(f"Contact {contact} does not exist.")


@routes.route(CONTACTS, "GET", auth.READ, params=params.LIST_PARAMS, response="ContactList")
def list_contacts(call: Call) -> Response:
    """The organisation's contacts, by name, a page at a time.

    Filtered, counted (exact total_count) and paged on the search index's compact rows; only
    the page's donors are read whole."""
    negotiate(call)
    query = params.list_query(call.request)
    if query.organizations is not None and call.org not in query.organizations:
        found = donor_search.Result(total=0, donors=[])  # only the caller's organisation has contacts here
    else:
        filters = []
        if query.statuses is not None:
            filters.append(donor_search.status_in(query.statuses))
        if query.text:
            filters.append(donor_search.text_contains(query.text))
        found = donor_search.search(call.org, filters, order="name", descending=query.sort == "-name",
                                    offset=(query.page - 1) * query.per_page, limit=query.per_page)
    return document({
        "data": [render.contact(d, call.org) for d in found.donors],
        "meta": {
            "pagination": {
                "page": query.page,
                "per_page": query.per_page,
                "total_count": found.total,
                "total_pages": -(-found.total // query.per_page),
            },
            "sort": query.sort,
            "filter": query.filters,
        },
    })


@routes.route(CONTACTS + "/{record}", "GET", auth.READ, path_params=(RECORD,), response="ContactDocument")
def get_contact(call: Call, record: str) -> Response:
    """One contact."""
    negotiate(call)
    params.single_values(call.request, call.route.param_names)
    contact = contact_id(record)
    try:
        donor = donors.get(call.org, contact)
    except NotFound:
        raise _missing(contact) from None
    return document({"data": render.contact(donor, call.org)})


@routes.route(CONTACTS + "/{record}", "DELETE", auth.WRITE, path_params=(RECORD,))
def delete_contact(call: Call, record: str) -> Response:
    """Delete one contact.

    204, and 204 again for a contact already deleted (idempotent, as on every face);
    409 with nothing changed when the donor has history (allow_deletion false)."""
    negotiate(call, write=True)
    params.single_values(call.request, call.route.param_names)
    contact = contact_id(record)
    try:
        donors.delete(call.org, contact, None)
    except NotFound:
        raise _missing(contact) from None
    except Conflict as refused:
        raise Conflict(f"Contact {contact} cannot be deleted (allow_deletion is false): {refused.detail}") from None
    return empty_response()
