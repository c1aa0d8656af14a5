"""Every kind of record, declared whole (schema.py says what each part means).

A new kind costs a declaration here; the store serves its reads and keeps its keys,
counters, guards and cascades from it.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import keys
from .schema import CASCADE, CATALOGUE_PREFIX, RESTRICT, Kind, Lookup, Order, Parent, Ref, Summary, declare


def date_sort_value(value: str) -> str:
    """Dates and timestamps on one axis: a bare date sorts as 00:00 UTC of that day."""
    return value if "T" in value else f"{value}T00:00:00.000Z"


def follow_up_is_open(record: dict[str, Any]) -> bool:
    return bool(record.get("follow_up_at")) and not record.get("follow_up_completed_at")


def sweep_due_at(entry: dict[str, Any]) -> str:
    """When the sweep should next look at an open, unraised follow-up: its date, or the end
    of a sweep's lease on that date (a sweep that died mid-raise is retried after it)."""
    due = entry["follow_up_at"]
    if entry.get("raising_for") == due and entry.get("raising_until", "") > due:
        return entry["raising_until"]
    return due


def _follow_up_keys(org: str, entry: dict[str, Any]) -> dict[str, str]:
    """The follow-up queue (GSI6, by due time) and the sweep's due index (GSI3, across orgs)."""
    if not follow_up_is_open(entry):
        return {}
    due = entry["follow_up_at"]
    out = {"GSI6PK": keys.follow_up_queue_pk(org), "GSI6SK": keys.sort_key(due, entry["id"])}
    if entry.get("follow_up_raised_for") != due:
        out["GSI3PK"] = keys.due_pk(org, entry["id"])
        out["GSI3SK"] = keys.due_sk(sweep_due_at(entry), org, entry["id"])
    return out


def _occurred(entry: dict[str, Any]) -> str:
    return entry["occurred_at"]


def _received(gift: dict[str, Any]) -> str:
    return date_sort_value(gift["received_at"])


def _email(donor: dict[str, Any]) -> str | None:
    return donor["email"].lower() if donor.get("email") else None


# The name fields a name search looks in (LGL's "any name field contains").
NAME_FIELDS = ("prefix", "first_name", "middle_name", "last_name", "suffix", "nick_name", "org_name",
               "maiden_name", "spouse_name", "spouse_nick_name", "sort_name")


def _donor_row(donor: dict[str, Any]) -> dict[str, Any]:
    """A donor's compact row in the search index: what searches and sorts read (its contact
    points come as facets of its children). Short keys: every byte is read 10,000 times."""
    names = []
    for name in NAME_FIELDS:
        value = (donor.get(name) or "").casefold()
        if value and value not in names:
            names.append(value)
    row = {"s": donor.get("sort_name", ""), "n": names, "c": donor["created_at"]}
    optional = {"x": donor.get("external_id"), "o": 1 if donor.get("is_org") else None,
                "st": donor.get("status"), "t": (donor.get("notes") or "").casefold() or None,
                "d": donor.get("date_added")}
    row.update({k: v for k, v in optional.items() if v is not None})
    row.update(_custom_attrs_row(donor))
    return row


# ---- a constituent's custom attribute values (LGL's custom_attrs): a map on the donor itself,
# attribute id -> value (text, integer or YYYY-MM-DD); on its search row as `ca`, and each
# attribute it has a value of counts it (which cannot be deleted while any donor has one).

def _custom_attr_ids(donor: dict[str, Any]) -> list[int]:
    return [int(attribute_id) for attribute_id in (donor.get("custom_attrs") or {})]


def _custom_attrs_row(donor: dict[str, Any]) -> dict[str, Any]:
    values = {str(k): int(v) if isinstance(v, Decimal) else v for k, v in (donor.get("custom_attrs") or {}).items()}
    return {"ca": values} if values else {}


DONOR = declare(Kind(
    "DONOR", "Donor",
    order=Order(lambda donor: donor["sort_name"], text=True),
    lookups=(Lookup("EMAIL", "GSI4", value=_email),),
    unique=("external_id",),
    search_row=_donor_row,
    counted=True,
    refs=(Ref("CAT_ATTRIBUTE", "use_count", _custom_attr_ids),),
))


# ---- a donor's contact points: details of the donor (never on its timeline), deleted with it.
# Each shows on the donor's search row as a facet; the preferred one of each kind is the
# donor's own `email`, `phone`, postal address (its summary).

def _digits(text: str) -> str:
    return "".join(c for c in text if c.isascii() and c.isdigit())


def _phone_text(number: str) -> str:
    return f"{number.lower()} {_digits(number)}".strip()


def _email_summary(email: dict[str, Any] | None) -> dict[str, Any]:
    address = email["address"] if email else None
    return {"email": address, "email_text": address.lower() if address else None}


def _phone_summary(phone: dict[str, Any] | None) -> dict[str, Any]:
    number = phone["number"] if phone else None
    return {"phone": number, "phone_text": _phone_text(number) if number else None}


ADDRESS_FIELDS = ("street", "city", "state", "postal_code", "country")


def _address_summary(address: dict[str, Any] | None) -> dict[str, Any]:
    return {name: (address or {}).get(name) for name in ADDRESS_FIELDS}


EMAIL_ADDRESS = declare(Kind(
    "EMAIL", "Email address",
    parent=Parent("DONOR", "donor_id", counter="email_address_count", on_delete=CASCADE),
    facet=lambda email: email["address"].lower(),
    distinct=lambda email: email["address"].strip().lower(),
    summary=Summary("preferred_email_id", "is_preferred", _email_summary, lookups=("EMAIL",)),
))
PHONE_NUMBER = declare(Kind(
    "PHONE", "Phone number",
    parent=Parent("DONOR", "donor_id", counter="phone_number_count", on_delete=CASCADE),
    facet=lambda phone: phone["number"],
    distinct=lambda phone: _digits(phone["number"]) or phone["number"].strip().lower(),
    summary=Summary("preferred_phone_id", "is_preferred", _phone_summary),
))
STREET_ADDRESS = declare(Kind(
    "ADDRESS", "Street address",
    parent=Parent("DONOR", "donor_id", counter="street_address_count", on_delete=CASCADE),
    facet=lambda address: [address.get(name) or "" for name in ADDRESS_FIELDS],
    distinct=lambda address: "|".join(" ".join((address.get(name) or "").lower().split())
                                      for name in (*ADDRESS_FIELDS, "county")),
    summary=Summary("preferred_address_id", "is_preferred", _address_summary),
))
WEB_ADDRESS = declare(Kind(
    "WEB", "Web address",
    parent=Parent("DONOR", "donor_id", counter="web_address_count", on_delete=CASCADE),
    facet=lambda web: web["url"],
    distinct=lambda web: web["url"].strip().rstrip("/").lower(),
    summary=Summary("preferred_web_id", "is_preferred", lambda web: {}),
))

# ---- what a constituent has of the catalogues below: detail children of the donor, deleted
# with it, each counted by the value it names (which cannot go while named), each a facet of
# the donor's search row (what the constituent search's terms read).

KEYWORD_ASSIGNMENT = declare(Kind(
    "TAG", "Keyword assignment",
    parent=Parent("DONOR", "donor_id", counter="keyword_count", on_delete=CASCADE),
    refs=(Ref("CAT_KEYWORD", "use_count", lambda tag: [tag["keyword_id"]]),),
    facet=lambda tag: tag["keyword_id"],
    distinct=lambda tag: str(tag["keyword_id"]),
))

# ---- a constituent's groups and memberships (LGL's Group Memberships and Membership sections;
# domain/memberships.py). A group holds a constituent once (its `distinct` group); a group or
# a level cannot go while a membership names it (its `use_count`). The facets carry what the
# constituent search's `groups` and `membership_*` terms and sorts read: a group's id; a
# membership's level id, start and finish dates ("" when none).

GROUP_MEMBERSHIP = declare(Kind(
    "GROUP_MEMBER", "Group membership",
    parent=Parent("DONOR", "donor_id", counter="group_membership_count", on_delete=CASCADE),
    refs=(Ref("CAT_GROUP", "use_count", lambda member: [member["group_id"]]),),
    facet=lambda member: member["group_id"],
    distinct=lambda member: str(member["group_id"]),
))
MEMBERSHIP = declare(Kind(
    "MEMBERSHIP", "Membership",
    parent=Parent("DONOR", "donor_id", counter="membership_count", on_delete=CASCADE),
    refs=(Ref("CAT_MEMBERSHIP_LEVEL", "use_count", lambda membership: [membership["membership_level_id"]]),),
    facet=lambda membership: [membership["membership_level_id"], membership.get("date_start") or "",
                              membership.get("finish_date") or ""],
))


# ---- a constituent's class affiliations and relationships: detail children of the donor,
# deleted with it, each counted by the type it names (a type in use is not deleted). A class
# affiliation's facet (type, year; 0 when none) is what the `class` search term reads; a
# relationship's (the related donor) names it for an `expand`. A relationship has its
# reciprocal on the related donor (`pair_id` names each other's), written, changed and deleted
# with it (domain/relationships.py; a donor's delete takes the reciprocals of its
# relationships with it, domain/donors.py).

CLASS_AFFILIATION = declare(Kind(
    "CLASS", "Class affiliation",
    parent=Parent("DONOR", "donor_id", counter="class_affiliation_count", on_delete=CASCADE),
    refs=(Ref("CAT_CLASS_AFFILIATION_TYPE", "use_count", lambda a: [a["class_affiliation_type_id"]]),),
    facet=lambda affiliation: [affiliation["class_affiliation_type_id"], affiliation.get("year") or 0],
))
RELATIONSHIP = declare(Kind(
    "REL", "Constituent relationship",
    parent=Parent("DONOR", "donor_id", counter="relationship_count", on_delete=CASCADE),
    refs=(Ref("CAT_RELATIONSHIP_TYPE", "use_count", lambda r: [r["relationship_type_id"]]),),
    facet=lambda relationship: relationship["related_donor_id"],
))


# ---- catalogues: an organisation's reference values, read whole together (schema.py;
# domain/catalogues.py). Created rarely: ids one at a time, dense; where the code defines
# values (LGL's defaults), the organisation's own start above them.

def declare_catalogue(name: str, label: str, first_id: int = 1) -> Kind:
    """A catalogue kind (`CAT_<name>`). The lookup tables declare theirs from their list
    (domain/lookups.py: one kind per table, values added from 10001)."""
    return declare(Kind(f"{CATALOGUE_PREFIX}{name}", label, id_block=1, first_id=first_id))


FUND = declare_catalogue("FUND", "Fund")
CAMPAIGN = declare_catalogue("CAMPAIGN", "Campaign")
APPEAL = declare_catalogue("APPEAL", "Appeal")
EVENT = declare_catalogue("EVENT", "Event")
GIFT_TYPE = declare_catalogue("GIFT_TYPE", "Gift type", 10_001)
GIFT_CATEGORY = declare_catalogue("GIFT_CATEGORY", "Gift category", 10_001)
PAYMENT_TYPE = declare_catalogue("PAYMENT_TYPE", "Payment type", 10_001)
MAILING_TEMPLATE = declare_catalogue("MAILING_TEMPLATE", "Mailing template", 10_001)
CATEGORY = declare_catalogue("CATEGORY", "Category")
# A keyword belongs to its category, which cannot go while it has keywords.
KEYWORD = declare(Kind("CAT_KEYWORD", "Keyword", id_block=1,
                       refs=(Ref("CAT_CATEGORY", "keyword_count", lambda k: [k["category_id"]]),)))
GROUP = declare_catalogue("GROUP", "Group")
MEMBERSHIP_LEVEL = declare_catalogue("MEMBERSHIP_LEVEL", "Membership level")
CLASS_AFFILIATION_TYPE = declare_catalogue("CLASS_AFFILIATION_TYPE", "Class affiliation type", 10_001)
RELATIONSHIP_TYPE = declare_catalogue("RELATIONSHIP_TYPE", "Relationship type", 10_001)
ATTRIBUTE = declare_catalogue("ATTRIBUTE", "Attribute")


def _compact(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v is not None and v != ""}


def _log_row(entry: dict[str, Any]) -> dict[str, Any]:
    """A contact-log entry's search row: when, which donor, how, its subject and text (what
    contact-report and note searches read)."""
    return _compact({"d": entry["occurred_at"], "dn": entry["donor_id"], "m": entry["contact_method"],
                     "at": entry.get("activity_type"), "ty": entry.get("contact_report_type_id"),
                     "n": entry.get("subject"), "t": entry.get("notes"), "c": entry["created_at"]})


def _gift_row(gift: dict[str, Any]) -> dict[str, Any]:
    """A donation's search row: its amount (as text: exact), date, donor and what it names."""
    return _compact({"a": str(gift["amount"]), "d": str(gift["received_at"])[:10], "dn": gift["donor_id"],
                     "c": gift["created_at"], "x": gift.get("external_id"), "g": gift.get("gift_type_id"),
                     "gc": gift.get("gift_category_id"), "f": gift.get("fund_id"), "p": gift.get("campaign_id"),
                     "ap": gift.get("appeal_id"), "e": gift.get("event_id"), "pt": gift.get("payment_type_id")})


CONTACT_LOG = declare(Kind(
    "LOG", "Contact log entry",
    parent=Parent("DONOR", "donor_id", counter="contact_log_count", on_delete=RESTRICT),
    timeline_at=_occurred,
    order=Order(_occurred),
    lookups=(Lookup("METHOD", "GSI4", value=lambda entry: entry["contact_method"], order=_occurred),
             Lookup("OPEN", "GSI5", when=follow_up_is_open, order=_occurred)),
    extra_keys=_follow_up_keys,
    search_row=_log_row,
    counted=True,
))
def _custom_field_values(record: dict[str, Any]) -> list[int]:
    """The keywords a record holds as `custom_fields` (domain/custom_fields.py): each cannot go meanwhile."""
    return record.get("custom_field_values") or []


def _custom_attr_values(record: dict[str, Any]) -> list[int]:
    """The attributes a record has values of as `custom_attrs` (domain/custom_attrs.py `keep`)."""
    return [int(attribute_id) for attribute_id in (record.get("custom_attr_values") or {})]


# What a kind that keeps `custom_fields` declares (gifts, volunteer times, appeal requests, invitations),
# and one that keeps `custom_attrs` beside them (appeal requests, invitations; a donor: its own map).
CUSTOM_FIELD_VALUES = Ref("CAT_KEYWORD", "use_count", _custom_field_values)
CUSTOM_ATTR_VALUES = Ref("CAT_ATTRIBUTE", "use_count", _custom_attr_values)


DONATION = declare(Kind(
    "GIFT", "Donation",
    parent=Parent("DONOR", "donor_id", counter="donation_count", on_delete=RESTRICT),
    timeline_at=_received,
    order=Order(_received),
    search_row=_gift_row,
    counted=True,
    refs=(CUSTOM_FIELD_VALUES,),
))


# ---- what a donor does besides giving and talking: volunteering, and its place on an appeal's
# and an event's lists (LGL's volunteer times, appeal requests and invitations; docs/lgl.md).

def _volunteer_row(time: dict[str, Any]) -> dict[str, Any]:
    """A volunteer time's search row: its date, donor, category, description and creation."""
    return _compact({"d": time["date"], "dn": time["donor_id"], "vc": time.get("volunteering_category_id"),
                     "t": time.get("description"), "c": time["created_at"]})


VOLUNTEER_TIME = declare(Kind(
    "VOLUNTEER", "Volunteer time",
    parent=Parent("DONOR", "donor_id", counter="volunteer_time_count", on_delete=RESTRICT),
    timeline_at=lambda time: date_sort_value(time["date"]),
    search_row=_volunteer_row,
    counted=True,
    refs=(CUSTOM_FIELD_VALUES,),
))
# A constituent's place on an appeal's list: a detail of the donor (never on its timeline), gone
# with it; listed per appeal by a lookup; one per donor and appeal.
APPEAL_REQUEST = declare(Kind(
    "APPEAL_REQUEST", "Appeal request",
    parent=Parent("DONOR", "donor_id", counter="appeal_request_count", on_delete=CASCADE),
    lookups=(Lookup("APPEAL", "GSI4", value=lambda request: str(request["appeal_id"])),),
    distinct=lambda request: str(request["appeal_id"]),
    refs=(CUSTOM_FIELD_VALUES, CUSTOM_ATTR_VALUES),
))


def _invitation_distinct(invitation: dict[str, Any]) -> str:
    """One invitation per donor and event; an additional guest is one of a kind (it lives
    under its host's donor, and a host may bring several)."""
    if invitation.get("parent_invitation_id"):
        return f"guest:{invitation['id']}"
    return f"event:{invitation['event_id']}"


# An invitation to an event: a detail of the donor, gone with it. An additional guest has no
# donor of its own: it lives under its host invitation's donor (so the host's constituent's
# one Query reads it, and the host's delete takes it). Listed per event by a lookup.
INVITATION = declare(Kind(
    "INVITATION", "Invitation",
    parent=Parent("DONOR", "donor_id", counter="invitation_count", on_delete=CASCADE),
    lookups=(Lookup("EVENT", "GSI4", value=lambda invitation: str(invitation["event_id"])),),
    distinct=_invitation_distinct,
    refs=(CUSTOM_FIELD_VALUES, CUSTOM_ATTR_VALUES),
))
