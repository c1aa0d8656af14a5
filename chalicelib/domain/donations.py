"""Donations: what a donor gave (LGL calls them gifts). Amounts are exact Decimals."""
from __future__ import annotations

from typing import Any

from ..store.context import records
from ..store.kinds import DONATION
from ..store.queries import Page
from . import donors, lifecycle, money
from ..errors import ValidationFailed
from .timestamps import utcnow

LABEL = DONATION.label
PAYMENT_METHODS = ("cash", "check", "credit_card", "bank_transfer", "paypal", "stock",
                   "crypto", "in_kind", "other")
EDITABLE = ("donor_id", "amount", "currency", "received_at", "payment_method", "check_number",
            "fund", "campaign", "appeal", "note", "external_id")


def _checked(donation: dict[str, Any]) -> dict[str, Any]:
    """Rules on the donation as a whole: the amount is exact in its currency's minor unit."""
    if donation.get("donor_id") is None:
        raise ValidationFailed.on("donor_id", "is required")
    try:
        currency = donation.get("currency")
        currency = money.parse_currency(money.DEFAULT_CURRENCY if currency is None else currency)
    except ValueError as exc:
        raise ValidationFailed.on("currency", str(exc)) from None
    if donation.get("amount") is None:
        raise ValidationFailed.on("amount", "is required")
    try:
        amount = money.parse_amount(donation["amount"], currency)
    except ValueError as exc:
        raise ValidationFailed.on("amount", str(exc)) from None
    if donation.get("check_number") and donation.get("payment_method") != "check":
        raise ValidationFailed.on("check_number", "applies only when payment_method is 'check'")
    checked = {**donation, "currency": currency, "amount": amount}
    checked.setdefault("received_at", utcnow().date().isoformat())
    if checked["received_at"] is None:
        raise ValidationFailed.on("received_at", "cannot be null")
    return {k: v for k, v in checked.items() if v is not None}


_service = lifecycle.Service(DONATION, check=_checked, resolve=donors.with_donor_resolved)
create, get, update, delete = _service.create, _service.get, _service.update, _service.delete


def search(org: str, *, donor: Any = None, limit: int, cursor: str | None) -> Page:
    """Donations newest first (by received_at), optionally for one donor."""
    if donor is not None:
        return donors.collection(org, donor, limit, cursor, kinds=(DONATION,))
    return records().listed(org, DONATION, newest_first=True, limit=limit, cursor=cursor)
