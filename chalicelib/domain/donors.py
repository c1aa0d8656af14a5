"""Donors: the people and organisations who give (LGL calls them constituents).

A donor may be addressed by its integer id or, where a client carries ids from
another system, by its `external_id` (unique within the org).

A donor's e-mail addresses, phone numbers, street and web addresses are records of their
own (contact_points.py); the donor's `email`, `phone` and postal address fields are those of
its preferred ones, kept by the store. Writing them here (the native face's flat fields)
changes the preferred record; LGL's nested arrays add records. Either way one unit of work
writes the donor and its contact points together.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from ..store.context import records
from ..store.filters import AnyOf, Contains, Filter
from ..store.kinds import ADDRESS_FIELDS, CONTACT_LOG, DONATION, DONOR, RELATIONSHIP
from ..store.queries import Page
from ..store.schema import Kind
from ..store.writes import ConcurrentChange, DuplicateValue, Replayed
from . import contact_points, custom_attrs, lifecycle
from .contact_points import EMAILS, PHONES, POINTS, STREETS, Plan, Point
from ..errors import Conflict, FieldError, NotFound, ValidationFailed

LABEL = DONOR.label

# Fields of the donor itself a client may set (every face's); everything else on the record is
# derived, kept by its contact points, or server-maintained.
OWN_FIELDS = (
    "is_org", "prefix", "first_name", "middle_name", "last_name", "suffix", "nick_name",
    "org_name", "job_title", "external_id", "birthday", "is_deceased", "is_anon", "salutation", "addressee",
    "status", "notes",
    # LGL's constituent fields (docs/lgl.md has the mapping)
    "spouse_name", "spouse_nick_name", "maiden_name", "gender", "deceased_date", "annual_report_name",
    "alt_salutation", "alt_addressee", "honorary_name", "assistant_name", "date_added",
    "constituent_contact_type_id", "marital_status_id",
    # LGL's custom attribute values: attribute id -> value (custom_attrs.py); a change sends only
    # the values it sets or removes, merged into the donor's (`custom_attrs.applied`)
    "custom_attrs",
)
# The native face's flat contact fields: the preferred contact point of each kind.
CONTACT_FIELDS = ("email", "phone", *ADDRESS_FIELDS)
EDITABLE = OWN_FIELDS + CONTACT_FIELDS
EXTERNAL_ID_MAX = 128
NOTES_MAX = 5000
# What a text search (Together `q`) looks in besides the preferred e-mail and phone, lower-cased.
SEARCHED = ("sort_name", "first_name", "last_name", "nick_name", "org_name", "external_id", "notes")
DEFAULT_CONTACT_TYPE = 1243  # LGL's "Primary"

# Where the donor stands in the relationship (MPDX's contact statuses). No status is allowed.
ACTIVE_STATUSES = (
    "Never Contacted", "Ask in Future", "Cultivate Relationship", "Contact for Appointment",
    "Appointment Scheduled", "Call for Decision", "Partner - Financial", "Partner - Special",
    "Partner - Pray",
)
HIDDEN_STATUSES = ("Not Interested", "Unresponsive", "Never Ask", "Research Abandoned", "Expired Referral")
STATUSES = ACTIVE_STATUSES + HIDDEN_STATUSES

def resolve_id(org: str, ref: Any) -> int:
    """The donor's id from an integer id or its external_id; 404 when neither exists."""
    if isinstance(ref, int) and not isinstance(ref, bool):
        return _known_id(ref)
    text = str(ref).strip()
    number = lifecycle.whole_number(text)
    if number is not None:
        return _known_id(number)
    donor_id = _owner_of_external_id(org, text)
    if donor_id is None:
        raise NotFound(f"Donor {text[:EXTERNAL_ID_MAX]!r} does not exist.")
    return donor_id


def _owner_of_external_id(org: str, external_id: str) -> int | None:
    """The id of the live donor holding this external_id (its guard goes when it is deleted)."""
    if not external_id or "#" in external_id or len(external_id) > EXTERNAL_ID_MAX:
        return None
    return records().holder(org, DONOR, "external_id", external_id)


def with_donor_resolved(org: str, fields: dict[str, Any]) -> dict[str, Any]:
    """A child's fields with `donor_id` (an id or an external_id) made the donor's id."""
    if fields.get("donor_id") is None:
        return dict(fields)
    return {**fields, "donor_id": resolve_id(org, fields["donor_id"])}


def referenced(org: str, ref: Any, *, field: str = "donor_id") -> dict[str, Any]:
    """The live donor a body names (not the path): a NotFound naming `field` otherwise, so a
    face tells it from its path's record. One GetItem."""
    try:
        return records().live(org, DONOR, resolve_id(org, ref))
    except NotFound:
        shown = str(ref)[:EXTERNAL_ID_MAX]
        raise NotFound(f"{LABEL} {shown} does not exist.", [FieldError(field, f"{shown} does not exist")]) from None


def live_by_id(org: str, ids: Any) -> dict[int, dict[str, Any]]:
    """The live donors with these ids, by id (missing and deleted ones absent): one BatchGetItem."""
    return {donor["id"]: donor for donor in records().live_many(org, DONOR, sorted(set(ids)))}


def full_name(donor: dict[str, Any] | None) -> str | None:
    """A donor as a guest list names one: "First Last", or the organisation's name."""
    if donor is None:
        return None
    if donor.get("is_org"):
        return donor.get("org_name") or donor.get("sort_name")
    return " ".join(p for p in (donor.get("first_name"), donor.get("last_name")) if p) or donor.get("sort_name")


def _known_id(donor_id: int) -> int:
    if not 1 <= donor_id <= lifecycle.MAX_ID:
        raise NotFound(f"Donor {donor_id} does not exist.")
    return donor_id


def _derive(fields: dict[str, Any], *, new: bool = False) -> dict[str, Any]:
    """Check the donor as a whole and fill what the server derives: always its sort name and
    search text; for a new donor, the names LGL fills when they are not given (addressee,
    salutation, annual report, alternate and honorary names) and the date it was added."""
    out = {k: v for k, v in fields.items() if v is not None and v != ""}
    out["is_org"] = bool(fields.get("is_org"))
    if out["is_org"]:
        if not out.get("org_name"):
            raise ValidationFailed.on("org_name", "is required for an organisation (is_org: true)")
        sort_name = out["org_name"]
    else:
        first, last = out.get("first_name"), out.get("last_name")
        if not first and not last and not out.get("org_name"):
            raise ValidationFailed.on("last_name", "a person needs a first_name or a last_name")
        sort_name = ", ".join(p for p in (last, first) if p) or out["org_name"]
    if out.get("status") is not None and out["status"] not in STATUSES:
        raise ValidationFailed.on("status", f"must be one of {', '.join(STATUSES)}, or null")
    if new:
        _fill_names(out)
    out["sort_name"] = sort_name
    searched = [str(out[f]).lower() for f in SEARCHED if out.get(f)]
    out["search_text"] = " ".join(searched)
    return out


def _fill_names(donor: dict[str, Any]) -> None:
    """The names a new donor is given when they are not sent (LGL's examples: "Joe Doe", "Joe")."""
    if donor["is_org"]:
        donor.setdefault("addressee", donor.get("org_name"))
        donor.setdefault("alt_addressee", donor.get("addressee"))
    else:
        full = " ".join(donor[p] for p in ("prefix", "first_name", "last_name", "suffix") if donor.get(p))
        donor.setdefault("addressee", full or None)
        donor.setdefault("salutation", donor.get("first_name") or donor.get("last_name"))
        for name in ("annual_report_name", "alt_addressee", "honorary_name"):
            donor.setdefault(name, donor.get("addressee"))
        donor.setdefault("alt_salutation", donor.get("salutation"))
    donor.setdefault("constituent_contact_type_id", DEFAULT_CONTACT_TYPE)
    donor.setdefault("date_added", lifecycle.now()[:10])
    for name in [k for k, v in donor.items() if v is None]:
        del donor[name]


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isascii() and c.isdigit())


_PHONE_LIKE = re.compile(r"^[\d\s()+./-]+$")


# Where a text search looks: the donor's own search text, and what its preferred e-mail
# address and phone number put on it (the store keeps those with the contact points).
_TEXTS = ("search_text", "email_text", "phone_text")


def text_filter(text: str) -> Filter:
    """Matches donors whose names, external id, notes, preferred e-mail or phone hold `text`
    (any case); a query that looks like a phone number also matches by its digits alone
    (`555-0100` finds `+1 555 0100`)."""
    wanted = [text.lower()]
    digits = _digits(text)
    if _PHONE_LIKE.match(text) and len(digits) >= 3 and digits != text.strip():
        wanted.append(digits)
    return AnyOf(tuple((Contains(attribute, value),) for value in wanted for attribute in _TEXTS))


def deletable(donor: dict[str, Any]) -> bool:
    """Whether `delete` would delete this donor (the rule every face shows and applies)."""
    return _history_refusal(donor) is None


ContactChanges = dict[Point, tuple[list[dict[str, Any]], bool]]  # point -> (records sent, remove previous)


def _flat_contacts(fields: dict[str, Any], old: dict[str, Any] | None = None) -> dict[Point, dict[str, Any] | None]:
    """The native face's flat contact fields, as the preferred contact point of each kind:
    its new values, or None to remove it (an address whose every part is null)."""
    wanted: dict[Point, dict[str, Any] | None] = {}
    for point, name in ((EMAILS, "email"), (PHONES, "phone")):
        if name in fields:
            value = fields[name]
            wanted[point] = None if value in (None, "") else {"address" if point is EMAILS else "number": value}
    if any(name in fields for name in ADDRESS_FIELDS):
        address = {name: fields[name] if name in fields else (old or {}).get(name) for name in ADDRESS_FIELDS}
        wanted[STREETS] = None if not any(address.values()) else address
    return wanted


def _check_size(plans: list[Plan], more: int = 0) -> None:
    if sum(plan.size() for plan in plans) + more > contact_points.NESTED_MAX:
        raise ValidationFailed.on("body", f"at most {contact_points.NESTED_MAX} nested records can be written at once")


# A nested array of detail records written with the donor (LGL's `categories`, `groups`...):
# (org, the donor's details by kind) -> (records to create: (kind, fields), records to delete:
# (kind, record)[, records to change: (kind, record, the whole record it becomes)]); it raises a 422 naming
# what it cannot resolve. A record to create is the donor's unless its fields name another
# donor (`donor_id`: a relationship's reciprocal); THIS_DONOR in its fields stands for the
# donor's id (not known yet on a create), and an `id` in them is the id it gets (`new_id`).
Nested = Callable[[str, "Details"], tuple[list[tuple[Kind, dict[str, Any]]], ...]]
Details = dict[str, list[dict[str, Any]]]  # kind name -> the donor's detail records of it, by id
# (a plan's details also hold the donor itself under DONOR, when it exists already)
THIS_DONOR: Any = type("ThisDonor", (), {"__repr__": lambda self: "THIS_DONOR"})()


def new_id(org: str, kind: Kind) -> int:
    """An id for a record a nested plan creates, reserved now (so two new records can name each other)."""
    return records().ids.next_id(org, kind.name, kind.id_block) + kind.first_id - 1


def _planned(org: str, nested: list[Nested], details: Details):
    creates: list[tuple[Kind, dict[str, Any]]] = []
    deletes: list[tuple[Kind, dict[str, Any]]] = []
    updates: list[tuple[Kind, dict[str, Any], dict[str, Any]]] = []
    for plan in nested:
        made, gone, *changed = plan(org, details)
        creates += made
        deletes += gone
        updates += changed[0] if changed else []
    return creates, deletes, updates


def _write_nested(unit: Any, org: str, donor_id: int, creates, deletes, updates=()) -> None:
    stamp = lifecycle.now()
    this = lambda fields: {k: donor_id if v is THIS_DONOR else v for k, v in fields.items()}  # noqa: E731
    for kind, record in deletes:
        unit.delete(org, kind, record, stamp)
    for kind, old, new in updates:
        unit.update(org, kind, old, {**this(new), "version": old["version"] + 1, "updated_at": stamp})
    for kind, fields in creates:
        record = this({"donor_id": donor_id, **fields})
        record_id = record.pop("id", None)
        unit.create(org, kind, lifecycle.new_record(record), record_id=record_id)


def create(org: str, fields: dict[str, Any], idempotency=None, *, contacts: ContactChanges | None = None,
           nested: list[Nested] = ()) -> lifecycle.Created:
    """A new donor with its contact points and other nested records, in one write: the native
    face's flat `email`, `phone` and address fields, or LGL's nested arrays."""
    own = {k: v for k, v in fields.items() if k not in CONTACT_FIELDS}
    if "custom_attrs" in own:
        own["custom_attrs"] = custom_attrs.applied(None, own["custom_attrs"])
    donor = _derive(own, new=True)
    plans = [contact_points.set_preferred(point, [], values)
             for point, values in _flat_contacts(fields).items()]
    plans += [contact_points.append(point, [], contact_points.all_resolved(org, point, sent))
              for point, (sent, _) in (contacts or {}).items()]
    creates, _, _ = _planned(org, list(nested), {})
    _check_size(plans, len(creates))
    if not any(plans) and not creates:
        return lifecycle.create(org, DONOR, donor, idempotency=idempotency)
    records().ids.prefetch(org, [(k.name, k.id_block) for k in (DONOR, *(p.point.kind for p in plans if p.creates),
                                                                  *(kind for kind, _ in creates))])
    try:
        with records().unit_of_work() as unit:
            created = unit.create(org, DONOR, lifecycle.new_record(donor), idempotency=idempotency)
            for plan in plans:
                contact_points.add_to(unit, org, plan, created["id"])
            _write_nested(unit, org, created["id"], creates, [])
    except Replayed as replayed:
        return replayed.created
    details_now = _after({}, plans, unit.stored, [], created["id"])
    return lifecycle.Created(unit.stored[(org, DONOR.name, created["id"])], children=details_now)


def get(org: str, ref: Any) -> dict[str, Any]:
    return lifecycle.fetch(org, DONOR, resolve_id(org, ref))


def with_contacts(org: str, ref: Any) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """A live donor and its contact points by kind (each by id): one Query."""
    donor, details = records().aggregate(org, DONOR, resolve_id(org, ref))
    return donor, {point.kind.name: sorted(details.get(point.kind.name, []), key=lambda r: r["id"])
                   for point in POINTS}


def with_details(org: str, ref: Any) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """A live donor and every detail child (contact points, keywords, memberships...) by kind,
    each by id: one Query."""
    donor, details = records().aggregate(org, DONOR, resolve_id(org, ref))
    return donor, {name: sorted(children, key=lambda r: r["id"]) for name, children in details.items()}


def _merged(old: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    if "custom_attrs" in changes:  # the values sent, set or removed among the donor's
        changes = {**changes, "custom_attrs": custom_attrs.applied(old.get("custom_attrs"), changes["custom_attrs"])}
    own = {k: old.get(k) for k in OWN_FIELDS}
    derived = _derive({**own, **{k: v for k, v in changes.items() if k not in CONTACT_FIELDS}})
    server_kept = {k: v for k, v in old.items() if k not in OWN_FIELDS and k not in derived
                   and k not in ("sort_name", "search_text")}
    return {**server_kept, **derived}


Contacts = dict[str, list[dict[str, Any]]]  # kind name -> the donor's contact points of it, by id


def update(org: str, ref: Any, changes: dict[str, Any], expected_version: int | None) -> dict[str, Any]:
    """Apply `changes` (the native face's flat contact fields among them) as one write."""
    donor_id = resolve_id(org, ref)
    if not _flat_contacts(changes):
        return lifecycle.update(org, DONOR, donor_id, lambda old: _merged(old, changes), expected_version)
    return update_whole(org, donor_id, changes, expected_version)[0]


def update_whole(org: str, ref: Any, changes: dict[str, Any], expected_version: int | None = None, *,
                 contacts: ContactChanges | None = None, nested: list[Nested] = ()) -> tuple[dict[str, Any], Details]:
    """Apply `changes`, the contact points sent with them (LGL's nested arrays, appended unless
    their `remove previous` is set) and the other nested records, as one write after one read
    of the donor with its details; returns both as they now are."""
    donor_id = resolve_id(org, ref)
    resolved = {point: contact_points.all_resolved(org, point, sent) for point, (sent, _) in (contacts or {}).items()}
    for _ in lifecycle.attempts(DONOR, donor_id):
        old, existing = with_details(org, donor_id)
        lifecycle.check_version(DONOR, old, expected_version)
        plans = [contact_points.set_preferred(point, existing.get(point.kind.name, []), values)
                 for point, values in _flat_contacts(changes, old).items()]
        plans += [contact_points.append(point, existing.get(point.kind.name, []), resolved[point], remove)
                  for point, (_, remove) in (contacts or {}).items()]
        creates, deletes, updates = _planned(org, list(nested), {**existing, DONOR.name: [old]})
        _check_size(plans, len(creates) + len(deletes) + len(updates))
        records().ids.prefetch(org, [*((p.point.kind.name, p.point.kind.id_block) for p in plans if p.creates),
                                     *((kind.name, kind.id_block) for kind, _ in creates)])
        merged = _merged(old, changes)
        if merged == old and not any(plans) and not creates and not deletes and not updates:
            return old, existing  # nothing changed: no write, no new version
        new = {**merged, "version": old["version"] + 1, "updated_at": lifecycle.now()}
        try:
            with records().unit_of_work() as unit:
                unit.update(org, DONOR, old, new)
                for plan in plans:
                    contact_points.add_to(unit, org, plan, donor_id)
                _write_nested(unit, org, donor_id, creates, deletes, updates)
        except (ConcurrentChange, DuplicateValue):
            continue  # changed meanwhile: merge and plan again on what it is now
        return unit.stored[(org, DONOR.name, donor_id)], _after(existing, plans, unit.stored, deletes, donor_id)
    raise AssertionError("unreachable")


def _after(existing: Details, plans: list[Plan], stored: dict, deletes: list[tuple[Kind, dict[str, Any]]],
           donor_id: int) -> Details:
    """The donor's details once the plans were written (what the unit stored of them; not the
    records of other donors it wrote, a relationship's reciprocal)."""
    out = {name: {r["id"]: r for r in values} for name, values in existing.items()}
    for point in POINTS:
        out.setdefault(point.kind.name, {})
    for plan in plans:
        for gone in plan.deletes:
            out[plan.point.kind.name].pop(gone["id"], None)
    for kind, gone in deletes:
        out.get(kind.name, {}).pop(gone["id"], None)
    for (_, name, record_id), record in stored.items():
        if name != DONOR.name and not record.get("deleted_at") and record.get("donor_id") == donor_id:
            out.setdefault(name, {})[record_id] = record
    return {name: [values[i] for i in sorted(values)] for name, values in out.items()}


def backfill(org: str) -> dict[str, int]:
    """Bring donors written before contact points were records of their own up to date (the
    operator CLI's `search-index backfill`): each gets its flat e-mail, phone and address as
    preferred contact points, its facets and its search row; then the org's donor count is set.
    Idempotent: a donor already brought up to date is left alone."""
    migrated, cursor = 0, None
    while True:
        page = records().listed(org, DONOR, limit=100, cursor=cursor)
        for donor in page.items:
            if "facets" in donor:
                continue
            flat = {name: donor[name] for name in CONTACT_FIELDS if donor.get(name)}
            plans = [contact_points.set_preferred(point, [], values) for point, values in _flat_contacts(flat).items()]
            with records().unit_of_work() as unit:  # its search text no longer holds what its contact points do
                unit.update(org, DONOR, donor, {**_merged(donor, {}), "version": donor["version"] + 1})
                for plan in plans:
                    contact_points.add_to(unit, org, plan, donor["id"])
            migrated += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    return {"migrated": migrated, "donors": records().recount(org, DONOR)}


def _history_refusal(donor: dict[str, Any]) -> Exception | None:
    logs, gifts = donor.get("contact_log_count", 0), donor.get("donation_count", 0)
    if gifts:
        return Conflict(
            f"Donor {donor['id']} has {gifts} donation(s); a donor with financial history "
            "cannot be deleted. Delete or move the donations first."
        )
    if logs:
        return Conflict(
            f"Donor {donor['id']} has {logs} contact log entr{'y' if logs == 1 else 'ies'}; "
            "delete or move them to another donor first."
        )
    volunteered = donor.get("volunteer_time_count", 0)
    if volunteered:
        return Conflict(
            f"Donor {donor['id']} has {volunteered} volunteer time(s); a donor with volunteer history "
            "cannot be deleted. Delete or move them first."
        )
    return None


def delete(org: str, ref: Any, expected_version: int | None) -> None:
    """Soft delete, refused (409) while the donor has contact logs, donations or volunteer times (every face
    applies this one rule; `deletable` shows it, the store re-checks it inside the write);
    deleting a deleted donor succeeds again. Its details go with it, and the other side of each
    of its relationships (on the related donors) in the same write: no donor is left related
    to one that is gone."""
    lifecycle.delete(org, DONOR, resolve_id(org, ref), expected_version, refuse=_history_refusal,
                     also=_reciprocals)


def _reciprocals(org: str, donor: dict[str, Any], details: Details | None) -> list[tuple[Kind, dict[str, Any]]]:
    """The reciprocals of a donor's relationships: live records of the related donors (one
    BatchGetItem; its relationships read first when the delete did not read its details)."""
    if not donor.get("relationship_count"):
        return []
    if details is None or RELATIONSHIP.name not in details:
        details = {RELATIONSHIP.name: records().children(org, DONOR, donor["id"], RELATIONSHIP)}
    pairs = [(RELATIONSHIP, r["pair_id"]) for r in details[RELATIONSHIP.name] if r.get("pair_id")]
    found = records().many(org, pairs) if pairs else {}
    return [(RELATIONSHIP, record) for _, record in sorted(found.items()) if record["donor_id"] != donor["id"]]


def by_external_id(org: str, external_id: str) -> dict[str, Any] | None:
    """The live donor whose external_id is exactly this (digits included), or None."""
    donor_id = _owner_of_external_id(org, external_id)
    donor = records().get(org, DONOR, donor_id) if donor_id else None
    return donor if donor and not donor.get("deleted_at") else None


def search(org: str, *, text: str | None, email: str | None, newest_name_last: bool,
           limit: int, cursor: str | None, external_id: str | None = None) -> Page:
    """Donors by name (A→Z, or Z→A), optionally narrowed by e-mail, a search text or an
    exact external_id (the one lookup that also finds all-digit external ids)."""
    if external_id is not None:
        donor = by_external_id(org, external_id)
        matches = donor and (not email or (donor.get("email") or "").lower() == email.lower()) \
            and (not text or _matches_text(donor, text))
        return Page([donor] if matches else [], None)
    filters = [text_filter(text)] if text else []
    if email:
        return records().lookup(org, DONOR, "EMAIL", email.lower(), limit=limit, cursor=cursor, filters=filters)
    return records().listed(org, DONOR, newest_first=newest_name_last, limit=limit, cursor=cursor, filters=filters)


def _matches_text(donor: dict[str, Any], text: str) -> bool:
    """`text_filter`, in memory (for a donor already read)."""
    texts = [donor.get(attribute) or "" for attribute in _TEXTS]
    digits = _digits(text)
    wanted = [text.lower()] + ([digits] if _PHONE_LIKE.match(text) and len(digits) >= 3 else [])
    return any(value in searched for value in wanted for searched in texts)


def collection(org: str, ref: Any, limit: int, cursor: str | None, *,
               kinds: tuple[Kind, ...] | None = None, filters: tuple[Filter, ...] = ()) -> Page:
    """A live donor's timeline (or only its records of `kinds`), newest first, one query a
    page (the first also proves the donor is live); 404 when the donor is not."""
    return records().timeline(org, DONOR, resolve_id(org, ref), limit=limit, cursor=cursor, kinds=kinds,
                              filters=filters)


# What the native face's activity view shows of a donor's timeline: its contact logs and
# donations. Other timeline children (LGL's volunteer times) are not in its document: a client
# that switches on an activity's type must never meet one it does not know.
ACTIVITY_KINDS = (CONTACT_LOG, DONATION)


def activity(org: str, ref: Any, limit: int, cursor: str | None) -> Page:
    """A live donor's contact logs and donations, newest first, one query a page."""
    return collection(org, ref, limit, cursor, kinds=ACTIVITY_KINDS)
