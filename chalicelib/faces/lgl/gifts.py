"""LGL's gifts: the native face's donations (docs/lgl.md, "A gift on the record").

`received_amount`/`received_date` and `amount`/`date` are both accepted and both emitted;
what a gift names (fund, campaign, appeal, event, gift type and category, payment type) by
`*_id` or `*_name` (the id wins); `team_member` by id, e-mail or "First Last".
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from chalice import Response

from ... import auth
from ...domain import catalogues, donations, fields, organisations, record_search
from ...domain.fields import Spec
from ...domain.gift_catalogues import APPEALS, EVENTS
from .. import spec_models
from ..http import Call
from . import params, schemas
from . import render as lgl_render
from .resources import ParentPath, Resource, declare, search_params
from .render import stamp
from .routes import PREFIX, _json, page, routes
from .search import Terms, moment

_REFERENCES = {field.removesuffix("_id"): field for field in donations.REFERENCES}
_NAMES = {f"{base}_name": schemas.Text for base in _REFERENCES}
_MONEY = spec_models.request_type(Spec("amount", fields.MONEY), lax=True)
GiftBody = spec_models.request_model(
    "GiftBody", schemas.Body, donations.SPECS, lax=True,
    extra={"received_amount": _MONEY, "amount": _MONEY,
           "received_date": spec_models.Day, "date": spec_models.Day,
           **{field: schemas.Id for field in donations.REFERENCES}, **_NAMES,
           "team_member": schemas.Text | int, "custom_fields": schemas.CustomFields})
GiftBody.__doc__ = "A gift: `received_amount` or `amount`, `received_date` or `date`; references by id or name."


def to_domain(org: str, sent: dict[str, Any]) -> dict[str, Any]:
    """LGL's gift fields as the donation's (`received_*` win over their short names)."""
    out = dict(sent)
    for long, short, domain in (("received_amount", "amount", "amount"), ("received_date", "date", "received_at")):
        long_value, short_value = out.pop(long, None), out.pop(short, None)
        if long in sent or short in sent:
            out[domain] = long_value if long_value is not None else short_value
    return out


def _ref(org: str, gift: dict[str, Any], field: str, unset: Any) -> dict[str, Any]:
    base = field.removesuffix("_id")
    value = gift.get(field)
    return {field: unset if value is None else value, f"{base}_name": donations.named(org, gift, field)}


def render(org: str, gift: dict[str, Any]) -> dict[str, Any]:
    member = organisations.known_member(org, gift.get("team_member_id"))
    deposit_date, deposited = donations.deposited(gift)
    received = str(gift["received_at"])[:10]
    out: dict[str, Any] = {"id": gift["id"], "constituent_id": gift["donor_id"], "external_id": gift.get("external_id"),
                           "is_anon": bool(gift.get("is_anon"))}
    out.update(_ref(org, gift, "gift_type_id", None))
    for field in ("gift_category_id", "campaign_id", "fund_id", "appeal_id", "event_id"):
        out.update(_ref(org, gift, field, 0))  # LGL shows an unset one as 0 (its name null)
    out.update(received_amount=gift["amount"], received_date=received, amount=gift["amount"], date=received)
    out.update(_ref(org, gift, "payment_type_id", None))
    out.update(check_number=gift.get("check_number"), deductible_amount=gift.get("deductible_amount", Decimal(0)),
               note=gift.get("note"), ack_template_name=gift.get("ack_template_name"), deposit_date=deposit_date,
               deposited_amount=deposited, parent_gift_id=gift.get("parent_gift_id"),
               parent_external_id=gift.get("parent_external_id"), auto_sync_to_qbo=bool(gift.get("auto_sync_to_qbo")))
    out.update({name: gift.get(name) for name in ("tribute_name", "tributee_name", "tribute_dedication",
                                                  "tribute_recipient_name", "tribute_recipient_salutation",
                                                  "tribute_recipient_email", "tribute_recipient_address",
                                                  "tribute_recipient_notification_template")})
    out.update(team_member=organisations.display_name(member), team_member_email=(member or {}).get("email"),
               custom_fields=lgl_render.custom_fields(org, gift), created_at=stamp(gift.get("created_at")),
               updated_at=stamp(gift.get("updated_at")))
    return out


def _create(org: str, constituent: int, fields: dict[str, Any]) -> dict[str, Any]:
    return donations.create(org, {**fields, "donor_id": constituent}).record


GIFTS = Resource(
    "gifts", "gift", "Gift", GiftBody, render,
    get=donations.get,
    update=lambda org, gift_id, fields: donations.update(org, gift_id, fields, None),
    delete=lambda org, gift_id: donations.delete(org, gift_id, None),
    parents=(ParentPath("constituents", donations.of_donor, _create),),
    fields=to_domain,
    names={"amount": "received_amount", "received_at": "received_date", "donor_id": "constituent_id"},
)
declare(GIFTS)


# ---- GET /gifts/search -----------------------------------------------------------------------

def _type_filter(catalogue: catalogues.Catalogue, type_field: str, key: str):
    """Gifts whose appeal (event) is of one of the types: an id filter over the gift's appeal."""
    def build(org: str, op: str, ids: list[int]) -> record_search.Filter:
        of_types = [v["id"] for v in catalogues.entries(org, catalogue) if v.get(type_field) in set(ids)]
        return record_search.field_in(key, of_types) if op == "in" else record_search.field_not_in(key, of_types)
    return build


TERMS = Terms({
    "date_from": lambda org, v: record_search.at_least("d", Terms.day("date_from", v)),
    "date_to": lambda org, v: record_search.at_most("d", Terms.day("date_to", v)),
    "gift_types": Terms.id_list("gift_types", "g", ("in", "ni")),
    "appeal_types": Terms.id_list("appeal_types", "ap", ("in", "ni"), _type_filter(APPEALS, "appeal_type_id", "ap")),
    "event_types": Terms.id_list("event_types", "e", ("in", "ni"), _type_filter(EVENTS, "event_type_id", "e")),
    "gift_amount": Terms.amount("gift_amount", "a"),
    "payment_types": Terms.id_list("payment_types", "pt", ("in", "ni", "bl")),
    "campaigns": Terms.id_list("campaigns", "p", ("in", "ni", "bl")),
    "funds": Terms.id_list("funds", "f", ("in", "ni", "bl")),
    "appeals": Terms.id_list("appeals", "ap", ("in", "ni", "bl")),
    "events": Terms.id_list("events", "e", ("in", "ni", "bl")),
    "categories": Terms.id_list("categories", "gc", ("in", "ni", "bl")),
    "gift_ids": lambda org, v: record_search.id_in(Terms.ids("gift_ids", v)),
    "external_gift_ids": lambda org, v: record_search.field_in("x", Terms.texts(v)),
    "created_from": lambda org, v: record_search.at_least("c", moment("created_from", v)),
    "created_to": lambda org, v: record_search.at_most("c", moment("created_to", v, end_of_day=True)),
    "updated_from": lambda org, v: record_search.updated_from(moment("updated_from", v)),
    "updated_to": lambda org, v: record_search.updated_to(moment("updated_to", v, end_of_day=True)),
})


def _named_order(key: str, catalogue: catalogues.Catalogue):
    return lambda org: record_search.by_name_of(key, lambda value_id: catalogues.name_of(org, catalogue, value_id))


SORTS = {
    "name": record_search.by_donor_name,
    "gift_amount": lambda org: record_search.by_field("a", number=True),
    "date": lambda org: record_search.by_field("d"),
    "date_created": lambda org: record_search.by_field("c"),
    "date_updated": lambda org: record_search.by_updated,
    "fund": _named_order("f", donations.REFERENCES["fund_id"]),
    "appeal": _named_order("ap", APPEALS),
    "campaign": _named_order("p", donations.REFERENCES["campaign_id"]),
    "gift_type": _named_order("g", donations.REFERENCES["gift_type_id"]),
}


@routes.route(PREFIX + "/gifts/search", "GET", auth.READ, params=search_params(tuple(TERMS.builders), tuple(SORTS)),
              response="GiftList", aliases=_json(PREFIX + "/gifts/search"))
def search_gifts(call: Call) -> Response:
    """Active gifts matching every search term (no term: every gift), newest first unless
    `sort` says. Amounts compare exactly; dates take a date or a timestamp."""
    window = params.window(call.request)
    filters, since = TERMS.filters(call.org, params.terms(call.request))
    key, descending = params.sort(call.request, tuple(SORTS), "date")
    if key == "date" and params.first(call.request, "sort") is None:
        descending = True  # newest first by default
    found = donations.find(call.org, filters, order=SORTS[key](call.org), descending=descending,
                                 offset=window.offset, limit=window.limit, changed_since=since)
    return page(call, [render(call.org, g) for g in found.records], found.total, window, "gift")

