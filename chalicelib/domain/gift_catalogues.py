"""What a gift names: its fund, campaign, appeal and event, its gift type and category, how it
was paid, and the template that acknowledges it. Each is a catalogue (catalogues.py): LGL
lists them, the native face and the operator CLI manage them, and every organisation starts
with LGL's default gift types, gift categories, payment types and mailing templates.
"""
from __future__ import annotations

from typing import Any

from ..errors import ValidationFailed
from ..store import kinds
from . import catalogues, lookups  # noqa: F401  (lookups: the tables REF fields name)
from .catalogues import CATALOGUES, Catalogue
from .fields import BOOLEAN, DATE, INTEGER, LONG_TEXT, MONEY, REF, Spec

_NAME = Spec("name", required=True, max_length=catalogues.NAME_MAX)
_CODE = Spec("code", max_length=100)
_DESCRIPTION = Spec("description", LONG_TEXT, max_length=5000)
_GOAL = Spec("financial_goal", MONEY)


def _dates_in_order(start: str, end: str):
    def rule(org: str, value: dict[str, Any]) -> None:
        if value.get(start) and value.get(end) and value[end] < value[start]:
            raise ValidationFailed.on(end, f"must not be before {start} ({value[start]})")
    return rule


FUNDS = CATALOGUES.add(Catalogue(
    "funds", kinds.FUND, (_NAME, _DESCRIPTION, _CODE, Spec("start_date", DATE), Spec("end_date", DATE), _GOAL),
    also_named_by=("code",), ordered_by=(), rule=_dates_in_order("start_date", "end_date")))
CAMPAIGNS = CATALOGUES.add(Catalogue(
    "campaigns", kinds.CAMPAIGN, (_NAME, _DESCRIPTION, _CODE, Spec("start_date", DATE), Spec("end_date", DATE), _GOAL),
    also_named_by=("code",), ordered_by=(), rule=_dates_in_order("start_date", "end_date")))
APPEALS = CATALOGUES.add(Catalogue(
    "appeals", kinds.APPEAL, (_NAME, _DESCRIPTION, _CODE, Spec("date", DATE), _GOAL, Spec("projected_amount", MONEY),
                              Spec("is_active", BOOLEAN), Spec("appeal_type_id", REF, ref="appeal_types")),
    also_named_by=("code",), ordered_by=()))
EVENTS = CATALOGUES.add(Catalogue(
    "events", kinds.EVENT, (_NAME, _DESCRIPTION, _CODE, Spec("date", DATE), Spec("end_date", DATE), _GOAL,
                            Spec("projected_amount", MONEY), Spec("event_type_id", REF, ref="event_types")),
    also_named_by=("code",), ordered_by=(),
    rule=_dates_in_order("date", "end_date")))
GIFT_TYPES = CATALOGUES.add(Catalogue(
    "gift_types", kinds.GIFT_TYPE, (_NAME, Spec("ordinal", INTEGER)),
    defaults=tuple({"id": i, "name": n, "ordinal": o} for i, n, o in (
        (1, "Gift", 1), (8, "In Kind", 2), (5, "Other Income", 3), (7, "Pledge", 4), (13, "Installment", 5),
        (9, "Soft Credit", 6)))))
GIFT = 1  # the gift type of a gift that names none


GIFT_CATEGORIES = CATALOGUES.add(Catalogue(
    "gift_categories", kinds.GIFT_CATEGORY,
    (Spec("display_name", required=True, max_length=catalogues.NAME_MAX),
     Spec("gift_type_id", REF, required=True, ref="gift_types")),
    name_field="display_name", ordered_by=(),
    defaults=tuple({"id": i, "display_name": n, "gift_type_id": t} for i, n, t in (
        (5937, "Donation", 1), (5938, "Matching Gift", 1), (5939, "Pledge Payment", 1), (5940, "Standard Pledge", 7),
        (5941, "Grant", 7)))))
PAYMENT_TYPES = CATALOGUES.add(Catalogue(
    "payment_types", kinds.PAYMENT_TYPE, (_NAME, Spec("key", max_length=50), Spec("ordinal", INTEGER)),
    also_named_by=("key",),
    defaults=tuple({"id": i, "name": n, "key": k, "ordinal": o} for o, (i, n, k) in enumerate((
        (1507, "Cash", "cash"), (1508, "Check", "check"), (1509, "Credit Card", "credit"), (1510, "Stock", "stock"),
        (1511, "Bank Transfer", "bank_transfer"), (1512, "PayPal", "paypal"), (1513, "Crypto", "crypto"),
        (1514, "In Kind", "in_kind"), (1515, "Other", "other"))))))
CHECK = 1508  # the payment type a check number belongs to
MAILING_TEMPLATES = CATALOGUES.add(Catalogue(
    "mailing_templates", kinds.MAILING_TEMPLATE,
    (_NAME, _CODE, Spec("mailing_type_id", REF, ref="mailing_types"), Spec("template_type", max_length=20)),
    also_named_by=("code",), ordered_by=(),
    defaults=(
        {"id": 174, "name": "Donation Acknowledgment", "code": "donation_ack", "mailing_type_id": 1907,
         "template_type": "letter"},
        {"id": 175, "name": "Pledge Acknowledgment", "code": "pledge_ack", "mailing_type_id": 1907,
         "template_type": "letter"})))
