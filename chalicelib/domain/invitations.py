"""Invitations: a constituent invited to an event, and the additional guests they bring (LGL's
invitations; docs/lgl.md, "Invitations").

An invitation is a detail of its donor (never on the donor's timeline), deleted with it. An
additional guest has no constituent: it is an invitation of its own (`parent_invitation_id`
names its host's; `guest_first_name`, `guest_last_name` name the guest) that lives under its
host's donor, so that:
- a constituent's invitations are one Query of the donor's details (its own, not its guests');
- an event's invitations, hosts and guests, are one lookup (`EVENT`, keyed by the event's id;
  a guest is at its host's event);
- deleting a host deletes its guests in the same transaction, and deleting the constituent
  deletes both.
The host keeps `additional_guests`, its live guests, changed in the same transaction as the
guest (its version checked, so concurrent adds are all counted). A donor is invited to an
event once (a guard item holds it).

Attendances are kept on the invitation: one per date (a date sent again changes its notes),
each with an id of the organisation's. Adding one makes the invitation `attended`. `raised`
and `donated` are never stored: what the constituent gave to the event (the sum of their live
donations naming it), so a gift through any face moves them.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..errors import Conflict, FieldError, NotFound, ValidationFailed
from ..store.context import records
from ..store.kinds import DONOR, INVITATION
from ..store.records import delete_cost
from ..store.writes import MAX_TRANSACTION_ITEMS, ConcurrentChange, DuplicateValue
from . import catalogues, custom_attrs, custom_fields, donations, donors, lifecycle, organisations
from . import fields as f
from .fields import Spec
from .gift_catalogues import EVENTS

LABEL = INVITATION.label
RSVPS = {0: "no answer yet", 1: "Yes", 2: "No", 3: "Maybe", 4: "Unknown"}
MAX_GUESTS = 40          # a host's additional guests (its delete takes them with it)
MAX_ATTENDANCES = 100
NOTES_MAX = 5000
ATTENDANCE_NOTES_MAX = 1000
ATTENDANCE_IDS = "ATTENDANCE"  # the organisation's id sequence for attendances
ITEM_TYPE = "Invitation"  # what its custom fields' categories are on
SPECS = (
    Spec("event_id", f.REF, ref="events"),
    Spec("notes", f.LONG_TEXT, max_length=NOTES_MAX),
    Spec("rsvp", f.INTEGER, description="0 no answer yet, 1 Yes, 2 No, 3 Maybe, 4 Unknown"),
    Spec("attended", f.INTEGER, description="1 when they came (an attendance sets it)"),
    Spec("attendee_names", max_length=1000),
    Spec("guest_first_name", max_length=100, description="An additional guest's"),
    Spec("guest_last_name", max_length=100, description="An additional guest's"),
)
_GUEST_NAMES = ("guest_first_name", "guest_last_name")
# What a client never changes after the create: who is invited, where, and whose guest.
_FIXED = ("donor_id", "event_id", "parent_invitation_id", "is_a_guest")


# ---- rules -----------------------------------------------------------------------------------

def is_guest(invitation: dict[str, Any]) -> bool:
    return bool(invitation.get("parent_invitation_id"))


def _checked(org: str, invitation: dict[str, Any], old: dict[str, Any] | None = None) -> dict[str, Any]:
    """Rules on the invitation as a whole."""
    if invitation.get("donor_id") is None:
        raise ValidationFailed.on("donor_id", "is required")
    checked = f.check(SPECS, invitation)
    before = old or {}
    if checked.get("event_id") is None:
        raise ValidationFailed.on("event_id", "is required (or event_name)")
    if checked["event_id"] != before.get("event_id"):  # an unchanged one may name an event deleted since
        catalogues.resolve(org, EVENTS, value_id=checked["event_id"], id_field="event_id", name_field="event_id")
    checked.setdefault("rsvp", 0)
    if checked["rsvp"] not in RSVPS:
        raise ValidationFailed.on("rsvp", "must be " + ", ".join(f"{k} ({v})" for k, v in RSVPS.items()))
    checked.setdefault("attended", 0)
    if checked["attended"] not in (0, 1):
        raise ValidationFailed.on("attended", "must be 0 or 1")
    if not is_guest(checked):
        for name in _GUEST_NAMES:
            if checked.get(name) is not None:
                raise ValidationFailed.on(name, "names an additional guest: send it with parent_invitation_id "
                                                "(and is_a_guest)")
    member = checked.get("assigned_to_id")
    if member is not None and member != before.get("assigned_to_id") \
            and organisations.known_member(org, member) is None:
        raise ValidationFailed.on("assigned_to", f"{member} is not a team member")
    custom_fields.keep(org, ITEM_TYPE, checked, old)
    custom_attrs.keep(org, ITEM_TYPE, checked, old)
    checked.pop("is_a_guest", None)
    return {k: v for k, v in checked.items() if v is not None and v != []}


def _resolved(org: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The event by name made its id (an id sent wins); the team member by id, e-mail or
    "First Last" made an id; `parent_invitation_id` 0 is none."""
    out = donors.with_donor_resolved(org, fields)
    if "event_name" in out:
        name = out.pop("event_name")
        if out.get("event_id") is None and name is not None and str(name).strip():
            out["event_id"] = catalogues.resolve(org, EVENTS, name=name, id_field="event_id",
                                                 name_field="event_name")["id"]
    if "assigned_to" in out:
        out["assigned_to_id"] = organisations.resolve_member(org, out.pop("assigned_to"), field="assigned_to")
    if "parent_invitation_id" in out and not out["parent_invitation_id"]:
        out["parent_invitation_id"] = None
    return out


def _guest_asked(fields: dict[str, Any]) -> bool:
    """Whether the body creates an additional guest (`is_a_guest`, with its host's invitation)."""
    guest, host = fields.get("is_a_guest"), fields.get("parent_invitation_id")
    if guest and not host:
        raise ValidationFailed.on("parent_invitation_id", "is required for an additional guest (is_a_guest): "
                                                          "the host's invitation")
    if guest is False and host:
        raise ValidationFailed.on("is_a_guest", "is false, but parent_invitation_id names a host's invitation")
    return bool(host)


def _attendances(org: str, current: list[dict[str, Any]], sent: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`current` with the attendances sent: a new date is added (with a new id), a date it has
    already changes that one's notes (when sent). By date, then id."""
    out = [dict(a) for a in current]
    by_date = {a["date"]: a for a in out}
    added: list[dict[str, Any]] = []
    for index, attendance in enumerate(sent):
        field = f"attendances[{index}]"
        try:
            day = f.calendar_date(attendance.get("date"))
        except ValueError as exc:
            raise ValidationFailed.on(f"{field}.date", "is required" if attendance.get("date") is None
                                      else str(exc)) from None
        notes = attendance.get("notes")
        if notes is not None and (not isinstance(notes, str) or len(notes) > ATTENDANCE_NOTES_MAX):
            raise ValidationFailed.on(f"{field}.notes", f"must be text of at most {ATTENDANCE_NOTES_MAX} characters")
        entry = by_date.get(day)
        if entry is None:
            entry = by_date[day] = {"date": day}
            added.append(entry)
            out.append(entry)
        if "notes" in attendance:
            entry.pop("notes", None)
            if notes not in (None, ""):
                entry["notes"] = notes
    if len(out) > MAX_ATTENDANCES:
        raise ValidationFailed.on("attendances", f"an invitation has at most {MAX_ATTENDANCES} attendances")
    for entry in added:
        entry["id"] = records().ids.next_id(org, ATTENDANCE_IDS)
    return sorted(out, key=lambda a: (a["date"], a["id"]))


def attended(invitation: dict[str, Any]) -> int:
    """1 once they came: an attendance, or `attended` set."""
    return 1 if invitation.get("attendances") or invitation.get("attended") else 0


def status(invitation: dict[str, Any]) -> str:
    """LGL's statuses as its examples show them: "attended" once they came, else "unknown"."""
    return "attended" if attended(invitation) else "unknown"


# ---- creating ----------------------------------------------------------------------------------

def _same(fields: dict[str, Any], field: str, path_value: int, what: str) -> None:
    sent = fields.get(field)
    if sent is not None and sent != path_value:
        raise ValidationFailed.on(field, f"is the path's {what} ({path_value}): send none, or the same")


def _new(org: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The record of a new invitation, attendances numbered."""
    sent = fields.get("attendances") or []
    record = {k: v for k, v in fields.items() if k != "attendances"}
    return {**record, "attendances": _attendances(org, [], sent) if sent else []}


def _create_host(org: str, fields: dict[str, Any]) -> dict[str, Any]:
    invitation = _checked(org, _new(org, fields))
    try:
        return lifecycle.create(org, INVITATION, invitation).record
    except DuplicateValue as taken:
        raise Conflict(f"Donor {invitation['donor_id']} is invited to event {invitation['event_id']} already "
                       f"(invitation {taken.holder}).",
                       [FieldError("event_id", f"the constituent is invited to it already, as invitation "
                                               f"{taken.holder}")]) from None


def _host_of(org: str, host_id: int) -> dict[str, Any]:
    host = records().get(org, INVITATION, host_id)
    if host is None or host.get("deleted_at"):
        raise NotFound(f"{LABEL} {host_id} does not exist.",
                       [FieldError("parent_invitation_id", f"{host_id} does not exist")])
    if is_guest(host):
        raise ValidationFailed.on("parent_invitation_id", f"{host_id} is an additional guest's invitation: "
                                                          "name its host's")
    return host


def _create_guest(org: str, fields: dict[str, Any], *, donor_id: int | None, event_id: int | None) -> dict[str, Any]:
    """An additional guest of the host invitation `parent_invitation_id` names (of `donor_id`'s,
    to `event_id`, when the path says), and the host's count of them, in one transaction."""
    host_id = fields["parent_invitation_id"]
    for _ in lifecycle.attempts(INVITATION, host_id):
        host = _host_of(org, host_id)
        if donor_id is not None and host["donor_id"] != donor_id:
            raise ValidationFailed.on("parent_invitation_id", f"{host_id} is not an invitation of constituent "
                                                              f"{donor_id}")
        if event_id is not None and host["event_id"] != event_id:
            raise ValidationFailed.on("parent_invitation_id", f"{host_id} is an invitation to event "
                                                              f"{host['event_id']}, not {event_id}")
        sent_event = fields.get("event_id")
        if sent_event is not None and host["event_id"] != sent_event:
            raise ValidationFailed.on("event_id", f"is {sent_event}, but the host's invitation {host_id} is to "
                                                  f"event {host['event_id']} (a guest is at its host's event)")
        guests = host.get("additional_guests", 0)
        if guests >= MAX_GUESTS:
            raise ValidationFailed.on("parent_invitation_id", f"invitation {host_id} has {guests} additional "
                                                              f"guests, the most one may have")
        guest = _checked(org, _new(org, {**fields, "donor_id": host["donor_id"], "event_id": host["event_id"]}))
        try:
            with records().unit_of_work() as unit:
                unit.update(org, INVITATION, host, lifecycle.changed_record(host, {"additional_guests": guests + 1}))
                created = unit.create(org, INVITATION, lifecycle.new_record(guest))
        except (ConcurrentChange, NotFound):  # the host changed (or went): read it again
            continue
        return unit.stored[(org, INVITATION.name, created["id"])]
    raise AssertionError("unreachable")


def create_for_donor(org: str, donor_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    """An invitation of the donor the path names (404 when it is not live), to the event the
    body names; or, with `parent_invitation_id`, an additional guest of one of its invitations."""
    resolved = _resolved(org, fields)
    _same(resolved, "donor_id", donor_id, "constituent")
    resolved.pop("donor_id", None)
    if _guest_asked(resolved):
        return _create_guest(org, resolved, donor_id=donor_id, event_id=None)
    return _create_host(org, {**resolved, "donor_id": donor_id})


def create_for_event(org: str, event_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    """An invitation to the event the path names (404 when it is not live) of the donor the
    body names (required; a 404 naming it when it is not live); or, with
    `parent_invitation_id`, an additional guest of one of the event's invitations."""
    catalogues.get(org, EVENTS, event_id)
    resolved = _resolved(org, fields)
    _same(resolved, "event_id", event_id, "event")
    if _guest_asked(resolved):
        if resolved.get("donor_id") is not None:
            raise ValidationFailed.on("donor_id", "an additional guest is not a constituent: name them with "
                                                  "guest_first_name and guest_last_name (or invite the "
                                                  "constituent on their own)")
        return _create_guest(org, resolved, donor_id=None, event_id=event_id)
    if resolved.get("donor_id") is None:
        raise ValidationFailed.on("donor_id", "is required")
    donors.referenced(org, resolved["donor_id"])
    return _create_host(org, {**resolved, "event_id": event_id})


# ---- reading, changing, deleting ---------------------------------------------------------------

def get(org: str, invitation_id: int) -> dict[str, Any]:
    return lifecycle.fetch(org, INVITATION, invitation_id)


def _unchanged(old: dict[str, Any], sent: dict[str, Any]) -> None:
    """Who is invited, to what, and whose guest they are stay as created."""
    now = {"donor_id": None if is_guest(old) else old["donor_id"], "event_id": old["event_id"],
           "parent_invitation_id": old.get("parent_invitation_id"), "is_a_guest": is_guest(old)}
    for field in _FIXED:
        if field in sent and sent[field] is not None and sent[field] != now[field]:
            shown = "null" if now[field] is None else str(now[field]).lower() if isinstance(now[field], bool) \
                else now[field]
            raise ValidationFailed.on(field, f"cannot be changed (it is {shown}): delete the invitation and "
                                             "create another")


def update(org: str, invitation_id: int, changes: dict[str, Any], expected_version: int | None = None
           ) -> dict[str, Any]:
    """Change the fields sent; attendances sent are added (a date it has already: its notes)."""
    resolved: list[dict[str, Any]] = []  # once the invitation is known to exist

    def merge(old: dict[str, Any]) -> dict[str, Any]:
        if not resolved:
            resolved.append(_resolved(org, changes))
            _unchanged(old, resolved[0])
        sent = {k: v for k, v in resolved[0].items() if k not in _FIXED and k != "attendances"}
        merged = {**old, **sent}
        if resolved[0].get("attendances"):
            merged["attendances"] = _attendances(org, old.get("attendances") or [], resolved[0]["attendances"])
        return _checked(org, merged, old)

    return lifecycle.update(org, INVITATION, invitation_id, merge, expected_version)


def delete(org: str, invitation_id: int, expected_version: int | None = None) -> None:
    """Soft delete (again: success too). A host's additional guests go with it; a guest's host
    counts one fewer; either in one transaction, on the versions read."""
    for _ in lifecycle.attempts(INVITATION, invitation_id):
        old = records().get(org, INVITATION, invitation_id)
        if old is None:
            raise NotFound(f"{LABEL} {invitation_id} does not exist.")
        if old.get("deleted_at"):
            return
        lifecycle.check_version(INVITATION, old, expected_version)
        stamp = lifecycle.now()
        try:
            if is_guest(old):
                host = records().get(org, INVITATION, old["parent_invitation_id"])
                with records().unit_of_work() as unit:
                    unit.delete(org, INVITATION, old, stamp)
                    if host is not None and not host.get("deleted_at"):
                        unit.update(org, INVITATION, host, lifecycle.changed_record(
                            host, {"additional_guests": max(0, host.get("additional_guests", 0) - 1)}))
                return
            guests = [g for g in records().children(org, DONOR, old["donor_id"], INVITATION)
                      if g.get("parent_invitation_id") == invitation_id]
            if len(guests) < old.get("additional_guests", 0):
                continue  # a guest added a moment ago is not in the index yet: read again
            old, guests = _guests_beyond_one_write_deleted(org, old, guests, stamp)
            with records().unit_of_work() as unit:
                unit.delete(org, INVITATION, old, stamp)
                for guest in guests:
                    unit.delete(org, INVITATION, guest, stamp)
            return
        except (ConcurrentChange, NotFound):  # changed meanwhile, or gone (a delete again succeeds)
            continue
    raise AssertionError("unreachable")


def _guests_beyond_one_write_deleted(org: str, host: dict[str, Any], guests: list[dict[str, Any]], stamp: str
                                     ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """While the host and its guests are more than one transaction holds (each guest's custom
    fields and attributes count theirs), guests go first, a full transaction at a time, each
    with the host's count moved (on its version): a delete that fails half-way leaves the host
    with its guests counted right, and a retry finishes it. (the host as it is now, the guests
    left to delete with it)"""
    def cost(records: list[dict[str, Any]]) -> int:  # and the donor's counter
        return sum(delete_cost(INVITATION, record) for record in records) + 1

    while cost([host, *guests]) > MAX_TRANSACTION_ITEMS:
        batch = []
        while guests and cost([*batch, guests[0]]) + 1 <= MAX_TRANSACTION_ITEMS:  # and the host's write
            batch.append(guests.pop(0))
        with records().unit_of_work() as unit:
            for guest in batch:
                unit.delete(org, INVITATION, guest, stamp)
            unit.update(org, INVITATION, host, lifecycle.changed_record(
                host, {"additional_guests": max(0, host.get("additional_guests", 0) - len(batch))}))
        host = unit.stored[(org, INVITATION.name, host["id"])]
    return host, guests


def of_donor(org: str, donor_id: int) -> list[dict[str, Any]]:
    """A live donor's invitations by id, not its guests' (404 when the donor is not): one Query
    of its details."""
    _, details = records().aggregate(org, DONOR, donor_id)
    return sorted((i for i in details.get(INVITATION.name, []) if not is_guest(i)), key=lambda i: i["id"])


def of_event(org: str, event_id: int) -> list[dict[str, Any]]:
    """A live event's invitations, hosts and guests, by id (404 when the event is not): its
    lookup, read whole (one Query per MB)."""
    catalogues.get(org, EVENTS, event_id)
    return records().lookup_all(org, INVITATION, "EVENT", str(event_id))


def context(org: str, invitations: list[dict[str, Any]]
            ) -> tuple[dict[int, dict[str, Any]], dict[tuple[int, int], Decimal]]:
    """What a page of invitations shows of other records, read once for the page: their live
    donors by id (a guest's is its host's: it names the host) and what each invited donor
    gave to each event."""
    donor_ids = {i["donor_id"] for i in invitations}
    hosts = {i["donor_id"] for i in invitations if not is_guest(i)}
    return donors.live_by_id(org, donor_ids), donations.given_to(org, hosts, "event_id")


def given(totals: dict[tuple[int, int], Decimal], invitation: dict[str, Any]) -> Decimal | None:
    """What the invited constituent gave to the event (None: no gift; a guest: always None)."""
    if is_guest(invitation):
        return None
    return totals.get((invitation["donor_id"], invitation["event_id"]))


def guest_name(invitation: dict[str, Any]) -> str | None:
    return " ".join(invitation[n] for n in _GUEST_NAMES if invitation.get(n)) or None


def event(org: str, invitation: dict[str, Any]) -> dict[str, Any] | None:
    """The event it names (deleted since, too: it still shows its name)."""
    return catalogues.named(org, EVENTS, invitation["event_id"])
