"""Donors: the people and organisations who give (LGL calls them constituents).

A donor may be addressed by its integer id or, where a client carries ids from
another system, by its `external_id` (unique within the org).
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from ..store.context import records
from ..store.filters import AnyOf, Contains, Filter, Missing, OneOf
from ..store.kinds import DONOR
from ..store.queries import Page
from ..store.schema import Kind
from . import lifecycle
from ..errors import Conflict, NotFound, ValidationFailed

LABEL = DONOR.label

# Fields a client may set; everything else on the record is derived or server-maintained.
EDITABLE = (
    "is_org", "prefix", "first_name", "middle_name", "last_name", "suffix", "nick_name",
    "org_name", "job_title", "email", "phone", "street", "city", "state", "postal_code",
    "country", "external_id", "birthday", "is_deceased", "is_anon", "salutation", "addressee",
    "status", "notes",
)
EXTERNAL_ID_MAX = 128
NOTES_MAX = 5000
# What a text search (Together `q`, MPDX `filter[wildcard_search]`) looks in, lower-cased.
SEARCHED = ("sort_name", "first_name", "last_name", "nick_name", "org_name", "email", "external_id",
            "phone", "notes")

# Where the donor stands in the relationship (MPDX's contact statuses). No status is allowed.
ACTIVE_STATUSES = (
    "Never Contacted", "Ask in Future", "Cultivate Relationship", "Contact for Appointment",
    "Appointment Scheduled", "Call for Decision", "Partner - Financial", "Partner - Special",
    "Partner - Pray",
)
HIDDEN_STATUSES = ("Not Interested", "Unresponsive", "Never Ask", "Research Abandoned", "Expired Referral")
STATUSES = ACTIVE_STATUSES + HIDDEN_STATUSES
ADDRESS_FIELDS = ("street", "city", "state", "postal_code", "country")


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


def _known_id(donor_id: int) -> int:
    if not 1 <= donor_id <= lifecycle.MAX_ID:
        raise NotFound(f"Donor {donor_id} does not exist.")
    return donor_id


def _derive(fields: dict[str, Any]) -> dict[str, Any]:
    """Check the donor as a whole and fill what the server derives."""
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
    out["sort_name"] = sort_name
    searched = [str(out[f]).lower() for f in SEARCHED if out.get(f)]
    phone_digits = _digits(out.get("phone") or "")
    if phone_digits:  # so that "555-0100" finds "+1 555 0100" by its digits
        searched.append(phone_digits)
    out["search_text"] = " ".join(searched)
    return out


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isascii() and c.isdigit())


_PHONE_LIKE = re.compile(r"^[\d\s()+./-]+$")


def text_filter(text: str) -> Filter:
    """Matches donors whose search text holds `text` (any case); a query that looks like a
    phone number also matches by its digits alone (`555-0100` finds `+1 555 0100`)."""
    lowered = Contains("search_text", text.lower())
    digits = _digits(text)
    if _PHONE_LIKE.match(text) and len(digits) >= 3 and digits != text.strip():
        return AnyOf(((lowered,), (Contains("search_text", digits),)))
    return lowered


def deletable(donor: dict[str, Any]) -> bool:
    """Whether `delete` would delete this donor (the rule every face shows and applies)."""
    return _history_refusal(donor) is None


def create(org: str, fields: dict[str, Any], idempotency=None) -> lifecycle.Created:
    donor = _derive(fields)
    return lifecycle.create(org, DONOR, donor, idempotency=idempotency)


def get(org: str, ref: Any) -> dict[str, Any]:
    return lifecycle.fetch(org, DONOR, resolve_id(org, ref))


def update(org: str, ref: Any, changes: dict[str, Any], expected_version: int | None) -> dict[str, Any]:
    def merge(old: dict[str, Any]) -> dict[str, Any]:
        editable = {k: old.get(k) for k in EDITABLE}
        derived = _derive({**editable, **changes})
        server_kept = {k: v for k, v in old.items() if k not in EDITABLE and k not in derived
                       and k not in ("sort_name", "search_text")}
        return {**server_kept, **derived}

    return lifecycle.update(org, DONOR, resolve_id(org, ref), merge, expected_version)


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
    return None


def delete(org: str, ref: Any, expected_version: int | None) -> None:
    """Soft delete, refused (409) while the donor has contact logs or donations (every face
    applies this one rule; `deletable` shows it, the store re-checks it inside the write);
    deleting a deleted donor succeeds again."""
    lifecycle.delete(org, DONOR, resolve_id(org, ref), expected_version, refuse=_history_refusal)


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
    search_text = donor.get("search_text", "")
    digits = _digits(text)
    return text.lower() in search_text or bool(
        _PHONE_LIKE.match(text) and len(digits) >= 3 and digits in search_text)


# What a list that shows donors by name needs of each (MPDX contacts): read as a projection.
LISTED = ("id", "sort_name", "is_org", "status", *ADDRESS_FIELDS, "contact_log_count",
          "donation_count", "created_at", "updated_at")


def every_match(org: str, *, statuses: Iterable[str | None] | None = None, text: str | None = None,
                descending: bool = False) -> list[dict[str, Any]]:
    """Every live donor of the org matching the filters, by name (A→Z, or Z→A): their LISTED
    fields, for lists that count exactly and page by offset.

    `statuses` keeps donors with one of them (None in it: donors without a status); `text`
    is a text search. One Query over the org's donor name index per MB of it (the filters
    run in DynamoDB, so only matches travel).
    """
    filters: list[Filter] = []
    if statuses is not None:
        wanted = set(statuses)
        named = tuple(s for s in STATUSES if s in wanted)
        groups = ((OneOf("status", named),),) if named else ()
        if None in wanted:
            groups += ((Missing("status"),),)
        if not groups:
            return []
        filters.append(AnyOf(groups) if len(groups) > 1 else groups[0][0])
    if text:
        filters.append(text_filter(text))
    found = records().listed_all(org, DONOR, attributes=LISTED, filters=filters)  # by name, then id
    return found[::-1] if descending else found


def collection(org: str, ref: Any, limit: int, cursor: str | None, *,
               kinds: tuple[Kind, ...] | None = None, filters: tuple[Filter, ...] = ()) -> Page:
    """A live donor's timeline (or only its records of `kinds`), newest first, one query a
    page (the first also proves the donor is live); 404 when the donor is not."""
    return records().timeline(org, DONOR, resolve_id(org, ref), limit=limit, cursor=cursor, kinds=kinds,
                              filters=filters)
