"""Donations: what a donor gave (LGL calls them gifts). Amounts are exact Decimals.

One record serves every face: the native face's `amount`/`received_at`/`payment_method`/
`fund`... and LGL's `received_amount`/`received_date`/`payment_type_id`/`fund_id`... are the
same fields (docs/lgl.md, "A gift on the record"). What a donation names (its fund, campaign,
appeal and event, gift type and category, payment type, acknowledgment template) are
catalogue values (gift_catalogues.py), named by id or by name; its team member is one of the
organisation's.

Donations written before payment types and funds were catalogues keep their `payment_method`
key and their free-text `fund`, `campaign` and `appeal`: `named_fund` and friends read either.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..errors import NotFound, ValidationFailed
from ..store.context import records
from ..store.kinds import DONATION
from ..store.queries import Page
from . import catalogues, custom_fields, donors, lifecycle, money, organisations, record_search
from . import fields as f
from .fields import Spec
from .gift_catalogues import (APPEALS, CAMPAIGNS, EVENTS, FUNDS, GIFT, GIFT_CATEGORIES, GIFT_TYPES,
                              MAILING_TEMPLATES, PAYMENT_TYPES)
from .timestamps import utcnow

LABEL = DONATION.label
# The native face's payment methods: payment types' keys ("credit" is LGL's key for a card).
PAYMENT_METHODS = ("cash", "check", "credit_card", "bank_transfer", "paypal", "stock", "crypto", "in_kind", "other")
_METHOD_KEYS = {"credit_card": "credit"}
NOTE_MAX = 5000
# What names a catalogue value: the field holding its id, and the catalogue.
REFERENCES = {"fund_id": FUNDS, "campaign_id": CAMPAIGNS, "appeal_id": APPEALS, "event_id": EVENTS,
              "gift_type_id": GIFT_TYPES, "gift_category_id": GIFT_CATEGORIES, "payment_type_id": PAYMENT_TYPES}
# Fields a client sets, besides donor_id, amount, currency, received_at and the references.
SPECS = (
    Spec("check_number", max_length=64),
    Spec("note", f.LONG_TEXT, max_length=NOTE_MAX),
    Spec("external_id", max_length=128),
    Spec("is_anon", f.BOOLEAN),
    Spec("deductible_amount", f.MONEY),
    Spec("ack_template_name", max_length=255, description="A mailing template's name, or `do_not_ack`"),
    Spec("deposit_date", f.DATE),
    Spec("deposited_amount", f.MONEY),
    Spec("parent_gift_id", f.REF, ref="gifts"),
    Spec("parent_external_id", max_length=128),
    Spec("auto_sync_to_qbo", f.BOOLEAN),
    Spec("tribute_name", max_length=255),
    Spec("tributee_name", max_length=255),
    Spec("tribute_dedication", f.LONG_TEXT, max_length=2000),
    Spec("tribute_recipient_name", max_length=255),
    Spec("tribute_recipient_salutation", max_length=255),
    Spec("tribute_recipient_email", max_length=254),
    Spec("tribute_recipient_address", f.LONG_TEXT, max_length=1000),
    Spec("tribute_recipient_notification_template", max_length=255),
)
EDITABLE = ("donor_id", "amount", "currency", "received_at", "team_member_id", *REFERENCES, *(s.name for s in SPECS),
            custom_fields.FIELD)
ITEM_TYPE = "Gift"  # what its custom fields' categories are on
DO_NOT_ACK = "do_not_ack"


# ---- what a donation names ------------------------------------------------------------------

def payment_type_of_method(org: str, method: str) -> int:
    """The payment type a native `payment_method` names (its key)."""
    return catalogues.resolve(org, PAYMENT_TYPES, name=_METHOD_KEYS.get(method, method), id_field="payment_type_id",
                              name_field="payment_method")["id"]


def payment_method(org: str, donation: dict[str, Any]) -> str | None:
    """The native face's `payment_method`: the payment type's key (a card is `credit_card`)."""
    if donation.get("payment_type_id") is None:
        return donation.get("payment_method")  # written before payment types were a catalogue
    value = catalogues.named(org, PAYMENT_TYPES, donation["payment_type_id"])
    key = (value or {}).get("key")
    return {v: k for k, v in _METHOD_KEYS.items()}.get(key, key)


def named(org: str, donation: dict[str, Any], field: str) -> str | None:
    """The name of what `field` (`fund_id`...) names; for a donation written before funds,
    campaigns and appeals were catalogues, its own text (`fund`)."""
    value_id = donation.get(field)
    if value_id is None:
        return donation.get(field.removesuffix("_id")) if field in ("fund_id", "campaign_id", "appeal_id") else None
    return catalogues.name_of(org, REFERENCES[field], value_id)


# ---- rules ----------------------------------------------------------------------------------

def _money(donation: dict[str, Any], name: str, currency: str, *, zero: bool) -> None:
    if donation.get(name) is None:
        return
    try:
        donation[name] = money.parse_amount(donation[name], currency, zero=zero)
    except ValueError as exc:
        raise ValidationFailed.on(name, str(exc)) from None


def _references(org: str, donation: dict[str, Any], old: dict[str, Any] | None) -> None:
    """Each reference that changed names a live value (an unchanged one may name a value
    deleted since: the donation keeps it)."""
    before = old or {}
    for field, catalogue in REFERENCES.items():
        value = donation.get(field)
        if value is not None and value != before.get(field):
            catalogues.resolve(org, catalogue, value_id=value, id_field=field, name_field=field)
    category, gift_type = donation.get("gift_category_id"), donation.get("gift_type_id")
    if category is not None and (category, gift_type) != (before.get("gift_category_id"), before.get("gift_type_id")):
        of_type = catalogues.named(org, GIFT_CATEGORIES, category)["gift_type_id"]
        if of_type != gift_type:
            raise ValidationFailed.on("gift_category_id", f"{category} is a category of gift type {of_type}, "
                                                          f"not of {gift_type}")
    template = donation.get("ack_template_name")
    if template and template != DO_NOT_ACK and template != before.get("ack_template_name"):
        donation["ack_template_name"] = catalogues.resolve(org, MAILING_TEMPLATES, name=template,
                                                           id_field="ack_template_name",
                                                           name_field="ack_template_name")["name"]
    parent = donation.get("parent_gift_id")
    if parent is not None and parent != before.get("parent_gift_id"):
        found = records().get(org, DONATION, parent)
        if parent == donation.get("id") or found is None or found.get("deleted_at"):
            raise ValidationFailed.on("parent_gift_id", f"{parent} is not another gift of this organisation")
    member = donation.get("team_member_id")
    if member is not None and member != before.get("team_member_id"):
        if organisations.known_member(org, member) is None:
            raise ValidationFailed.on("team_member", f"{member} is not a team member")


def _checked(org: str, donation: dict[str, Any], old: dict[str, Any] | None = None) -> dict[str, Any]:
    """Rules on the donation as a whole, whichever face wrote it."""
    if donation.get("donor_id") is None:
        raise ValidationFailed.on("donor_id", "is required")
    try:
        currency = donation.get("currency")
        currency = money.parse_currency(money.DEFAULT_CURRENCY if currency is None else currency)
    except ValueError as exc:
        raise ValidationFailed.on("currency", str(exc)) from None
    if donation.get("amount") is None:
        raise ValidationFailed.on("amount", "is required")
    checked = f.check([s for s in SPECS if s.type != f.MONEY], {**donation, "currency": currency})
    _money(checked, "amount", currency, zero=False)
    for spec in SPECS:
        if spec.type == f.MONEY:  # exact to the donation's own currency
            _money(checked, spec.name, currency, zero=True)
    checked.setdefault("received_at", utcnow().date().isoformat())
    if checked["received_at"] is None:
        raise ValidationFailed.on("received_at", "cannot be null")
    checked.setdefault("gift_type_id", GIFT)
    custom_fields.keep(org, ITEM_TYPE, checked, old)
    if checked.get("payment_type_id") is None and checked.get("payment_method"):  # written before payment types
        checked["payment_type_id"] = payment_type_of_method(org, checked["payment_method"])
    checked.pop("payment_method", None)
    _references(org, checked, old)
    if checked.get("check_number") and (catalogues.named(org, PAYMENT_TYPES, checked.get("payment_type_id"))
                                        or {}).get("key") != "check":
        raise ValidationFailed.on("check_number", "applies only when payment_method is 'check'")
    return {k: v for k, v in checked.items() if v is not None}


def _resolved(org: str, fields: dict[str, Any]) -> dict[str, Any]:
    """References by name made ids (an id sent wins over a name); the native face's
    `payment_method` a payment type; a team member by id, e-mail or name made an id."""
    out = donors.with_donor_resolved(org, fields)
    if "payment_method" in out:
        method = out.pop("payment_method")
        if "payment_type_id" not in out:
            out["payment_type_id"] = None if method is None else payment_type_of_method(org, method)
    for field, catalogue in REFERENCES.items():
        base = field.removesuffix("_id")
        for name_field in (f"{base}_name", base):  # LGL's `fund_name`, the native face's `fund`
            if name_field not in out:
                continue
            name = out.pop(name_field)
            if base in ("fund", "campaign", "appeal"):
                out[base] = None  # a free-text name of before catalogues goes with any change
            if out.get(field) is None and name is not None:
                out[field] = catalogues.resolve(org, catalogue, name=name, id_field=field, name_field=name_field)["id"]
            elif field not in out:
                out[field] = None
    if "team_member" in out:
        out["team_member_id"] = organisations.resolve_member(org, out.pop("team_member"), field="team_member")
    return out


def create(org: str, fields: dict[str, Any], idempotency=None) -> lifecycle.Created:
    return lifecycle.create(org, DONATION, _checked(org, _resolved(org, fields)), idempotency=idempotency)


def get(org: str, donation_id: int) -> dict[str, Any]:
    return lifecycle.fetch(org, DONATION, donation_id)


def update(org: str, donation_id: int, changes: dict[str, Any], expected_version: int | None) -> dict[str, Any]:
    resolved: list[dict[str, Any]] = []  # once the donation is known to exist (else a 404, whatever was sent)

    def merge(old: dict[str, Any]) -> dict[str, Any]:
        if not resolved:
            resolved.append(_resolved(org, changes))
        return _checked(org, {**old, **resolved[0]}, old)

    return lifecycle.update(org, DONATION, donation_id, merge, expected_version)


def delete(org: str, donation_id: int, expected_version: int | None) -> None:
    lifecycle.delete(org, DONATION, donation_id, expected_version)


def of_donor(org: str, donor_id: int) -> list[dict[str, Any]]:
    """A live donor's donations, newest first (404 when the donor is not): one Query."""
    return records().timeline_rows(org, donors.DONOR, donor_id, DONATION)


def find(org: str, filters: list[record_search.Filter], **page: Any) -> record_search.Found:
    """Donations every filter keeps, from their search rows (record_search.search's paging)."""
    return record_search.search(org, DONATION, filters, **page)


def search(org: str, *, donor: Any = None, limit: int, cursor: str | None) -> Page:
    """Donations newest first (by received_at), optionally for one donor."""
    if donor is not None:
        return donors.collection(org, donor, limit, cursor, kinds=(DONATION,))
    return records().listed(org, DONATION, newest_first=True, limit=limit, cursor=cursor)


def matching(org: str, filters=(), **options: Any) -> record_search.Found:
    """Live donations every filter keeps, a page of them in an order, with the exact total
    (record_search.search over their compact rows; `options` are its)."""
    return record_search.search(org, DONATION, filters, **options)


def deposited(donation: dict[str, Any]) -> tuple[str, Decimal]:
    """When and how much was deposited: as sent, else the received date and amount."""
    received = str(donation["received_at"])[:10]
    return donation.get("deposit_date") or received, donation.get("deposited_amount", donation["amount"])


# What a gift's search row calls the references a donor's giving is totalled by.
_ROW_KEYS = {"appeal_id": "ap", "event_id": "e"}


def given_to(org: str, donor_ids: Any, field: str) -> dict[tuple[int, int], Decimal]:
    """What each donor gave to each appeal (`field` "appeal_id") or event ("event_id"): the
    exact sum of their live donations naming it, by (donor id, its id). One donor: its own
    donations (one Query of its timeline); several: the organisation's donation rows (the
    search index, which a warm Lambda keeps and reads only the changes of)."""
    key, wanted = _ROW_KEYS[field], set(donor_ids)
    if not wanted:
        return {}
    if len(wanted) == 1:
        try:
            rows = records().child_rows(org, donors.DONOR, next(iter(wanted)), DONATION)
        except NotFound:
            rows = []
    else:
        rows = [row for row in records().search_rows(org, DONATION) if row.fields.get("dn") in wanted]
    out: dict[tuple[int, int], Decimal] = {}
    for row in rows:
        value = row.fields.get(key)
        if value is not None:
            pair = (row.fields["dn"], value)
            out[pair] = out.get(pair, Decimal(0)) + Decimal(str(row.fields["a"]))
    return out
