"""LGL's contact reports and notes: the native face's contact-log entries (docs/lgl.md,
"Contact reports and notes"). A note is an entry typed as one (LGL's /notes, a Givebutter
`note` activity); every other entry is a contact report. Both are on the donor's timeline,
and a report can carry a follow-up through the native face, which the sweep raises.
"""
from __future__ import annotations

from typing import Any, Callable

from chalice import Response

from ... import auth
from ...domain import contact_logs, lookups, organisations, record_search
from ...errors import NotFound, ValidationFailed
from .. import spec_models
from ..http import Call
from . import params, schemas
from .render import stamp
from .resources import ParentPath, Resource, declare, search_params
from .routes import PREFIX, _json, page, routes
from .search import Terms, moment

Entry = dict[str, Any]


def _original_date(entry: Entry) -> str:
    return entry["occurred_at"][:10]


def _team(org: str, entry: Entry) -> dict[str, Any]:
    member = organisations.known_member(org, contact_logs.creator_id(entry))
    return {"team_member": organisations.display_name(member), "team_member_email": (member or {}).get("email")}


def report(org: str, entry: Entry) -> dict[str, Any]:
    type_id = contact_logs.report_type(org, entry)
    return {"id": entry["id"], "constituent_id": entry["donor_id"], "name": entry.get("subject"),
            "contact_report_type_id": type_id,
            "contact_report_type_name": lookups.name_of(org, "contact_report_types", type_id),
            "original_date": _original_date(entry), "text": entry.get("notes"), **_team(org, entry),
            "created_at": stamp(entry["created_at"]), "updated_at": stamp(entry["updated_at"])}


def note(org: str, entry: Entry) -> dict[str, Any]:
    type_id = entry.get("note_type_id")
    return {"id": entry["id"], "constituent_id": entry["donor_id"], "note_type_id": type_id,
            "note_type_name": lookups.name_of(org, "note_types", type_id), "text": entry.get("notes"),
            "external_id": entry.get("external_id"), "original_date": _original_date(entry), **_team(org, entry),
            "created_at": stamp(entry["created_at"]), "updated_at": stamp(entry["updated_at"])}


def _day(value: str | None) -> str | None:
    return None if value is None else f"{value}T00:00:00.000Z"


def report_fields(org: str, sent: dict[str, Any]) -> dict[str, Any]:
    """A contact report's fields as the entry's."""
    out = {k: v for k, v in sent.items() if k not in ("name", "text", "original_date")}
    if "name" in sent:
        out["subject"] = sent["name"]
    if "text" in sent:
        out["notes"] = sent["text"]
    if "original_date" in sent:
        out["occurred_at"] = _day(sent["original_date"])
    return out


def note_fields(org: str, sent: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in sent.items() if k not in ("text", "original_date")}
    if "text" in sent:
        out["notes"] = sent["text"]
    if "original_date" in sent:
        out["occurred_at"] = _day(sent["original_date"])
    return out


def _text_required(fields: dict[str, Any]) -> None:
    if not (fields.get("notes") or "").strip():
        raise ValidationFailed.on("notes", "is required")


def _of(notes: bool) -> Callable[[str, int], Entry]:
    """An entry that is a note (or a contact report), else not found: the other kind's id is
    no record of this collection."""
    def get(org: str, entry_id: int) -> Entry:
        entry = contact_logs.get(org, entry_id)
        if contact_logs.is_note(entry) != notes:
            raise NotFound(f"{contact_logs.LABEL} {entry_id} does not exist.")
        return entry
    return get


def _update(notes: bool):
    def update(org: str, entry_id: int, fields: dict[str, Any]) -> Entry:
        _of(notes)(org, entry_id)
        if "notes" in fields:
            _text_required(fields)
        return contact_logs.update(org, entry_id, fields, None)
    return update


def _delete(notes: bool):
    def delete(org: str, entry_id: int) -> None:
        entry = contact_logs.get_any(org, entry_id)  # a deleted one too: deleting again succeeds
        if entry is not None and contact_logs.is_note(entry) != notes:
            raise NotFound(f"{contact_logs.LABEL} {entry_id} does not exist.")
        contact_logs.delete(org, entry_id, None)
    return delete


def _create(notes: bool):
    def create(org: str, constituent: int, fields: dict[str, Any]) -> Entry:
        _text_required(fields)
        defaults: dict[str, Any] = {"occurred_at": contact_logs.today()}
        if notes:
            defaults.update(contact_method="OTHER", activity_type=contact_logs.NOTE)
        elif fields.get("contact_report_type_id") is None and fields.get("contact_report_type_name") is None:
            defaults["contact_report_type_id"] = contact_logs.METHOD_REPORT_TYPES["OTHER"]
        return contact_logs.create(org, {**defaults, **{k: v for k, v in fields.items() if v is not None},
                                         "donor_id": constituent}).record
    return create


def _every(notes: bool):
    """A page of the organisation's notes (or contact reports), newest first, and how many."""
    def listing(org: str, offset: int, limit: int) -> tuple[int, list[Entry]]:
        found = contact_logs.find(org, [contact_logs.notes_filter(notes)], order=_newest, descending=True,
                                  offset=offset, limit=limit)
        return found.total, found.records
    return listing


def _newest(row) -> tuple:
    return (row.fields.get("d", ""), row.id)


_NAMES = {"subject": "name", "notes": "text", "occurred_at": "original_date", "donor_id": "constituent_id",
          "recorded_by_id": "team_member"}
ContactReportBody = spec_models.request_model("ContactReportBody", schemas.Body, (), lax=True, extra={
    "name": schemas.Text, "contact_report_type_id": schemas.Id, "contact_report_type_name": schemas.Text,
    "original_date": spec_models.Day, "text": schemas.LongText, "team_member": schemas.Text | int})
NoteBody = spec_models.request_model("NoteBody", schemas.Body, (), lax=True, extra={
    "note_type_id": schemas.Id, "note_type_name": schemas.Text, "text": schemas.LongText,
    "external_id": schemas.Text, "original_date": spec_models.Day, "team_member": schemas.Text | int})

CONTACT_REPORTS = Resource(
    "contact_reports", "contact_report", "ContactReport", ContactReportBody, report,
    get=_of(False), update=_update(False), delete=_delete(False),
    parents=(ParentPath("constituents", lambda org, c: contact_logs.of_donor_kind(org, c, notes=False),
                        _create(False)),),
    fields=report_fields, names=_NAMES, listing=_every(False))
NOTES = Resource(
    "notes", "note", "Note", NoteBody, note,
    get=_of(True), update=_update(True), delete=_delete(True),
    parents=(ParentPath("constituents", lambda org, c: contact_logs.of_donor_kind(org, c, notes=True),
                        _create(True)),),
    fields=note_fields, names={**_NAMES, "notes": "text"}, listing=_every(True))
declare(CONTACT_REPORTS)
declare(NOTES)


# ---- GET /contact_reports/search ---------------------------------------------------------------

def _report_type_is(org: str, value: str) -> record_search.Filter:
    wanted = set(Terms.ids("contact_report_type_id", value))
    return lambda row: contact_logs.report_type(org, {"contact_method": row.fields.get("m"),
                                                      "contact_report_type_id": row.fields.get("ty")}) in wanted


TERMS = Terms({
    "original_date_from": lambda org, v: record_search.at_least("d", moment("original_date_from", v)),
    "original_date_to": lambda org, v: record_search.at_most("d", moment("original_date_to", v, end_of_day=True)),
    "name": lambda org, v: record_search.contains("n", v),
    "text": lambda org, v: record_search.contains("t", v),
    "contact_report_type_id": _report_type_is,
    "constituent_id": lambda org, v: record_search.field_in("dn", Terms.ids("constituent_id", v)),
    "const_keyword": Terms.const_keyword,
    "updated_from": lambda org, v: record_search.updated_from(moment("updated_from", v)),
    "updated_to": lambda org, v: record_search.updated_to(moment("updated_to", v, end_of_day=True)),
})
SORTS = {"date": _newest, "name": record_search.by_field("n"), "constituent_id": record_search.by_field("dn", number=True)}


@routes.route(PREFIX + "/contact_reports/search", "GET", auth.READ,
              params=search_params(tuple(TERMS.builders), tuple(SORTS)), response="ContactReportList",
              aliases=_json(PREFIX + "/contact_reports/search"))
def search_contact_reports(call: Call) -> Response:
    """Active contact reports matching every search term (no term: all of them), newest first
    unless `sort` says. A search by `constituent_id` reads only that constituent's reports."""
    window = params.window(call.request)
    terms = params.terms(call.request)
    filters, since = TERMS.filters(call.org, terms)
    donors = [Terms.ids("constituent_id", v) for t, v in terms if t == "constituent_id"]
    donor = donors[0][0] if len(donors) == 1 and len(donors[0]) == 1 else None
    key, descending = params.sort(call.request, tuple(SORTS), "date")
    if params.first(call.request, "sort") is None:
        descending = True  # newest first
    try:
        found = contact_logs.find(call.org, [contact_logs.notes_filter(False), *filters],
                                     order=SORTS[key], descending=descending, offset=window.offset,
                                     limit=window.limit, donor_id=donor, changed_since=since)
    except NotFound:  # a constituent that does not exist has no reports
        found = record_search.Found(0, [])
    return page(call, [report(call.org, e) for e in found.records], found.total, window, "contact_report")
