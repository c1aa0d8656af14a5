"""Custom attribute values (LGL's `custom_attrs`): typed scalar values of the organisation's
attribute definitions (the `attributes` catalogue: a name, a key, an item type, Constituent,
Invitation or AppealRequest, and a classification, text, integer or date), on constituents,
invitations and appeal requests.

A record's values are a map attribute id -> value (text as sent, an integer, a date as
YYYY-MM-DD): the donor's own field `custom_attrs`, written with the donor (its search row
carries them, `ca`, for the `custom_attr*` search terms); an invitation's or an appeal
request's `custom_attr_values` (`keep`). Only attributes of the record's item type are taken.
A value of the wrong type is a 422 naming it (`custom_attrs[0].value`); a new value of an
attribute the record has replaces it; `null` or an empty value removes it. Each attribute a
record has a value of counts it (store/kinds.py `refs`): a definition with values is not
deleted (409), so no record ever shows a value of an attribute that is gone.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ..errors import ValidationFailed
from . import catalogues
from . import fields as f
from .constituent_catalogues import ATTRIBUTES

Record = dict[str, Any]
ITEM_TYPE = "Constituent"  # a donor's; an invitation's and an appeal request's say theirs
HELD = "custom_attr_values"  # an invitation's or appeal request's values (a donor's: `custom_attrs`)
SENT = "custom_attrs"  # LGL's custom_attrs as sent: [{id | key, value}], applied to what is held
TEXT_MAX = 2000
_INTEGER = re.compile(r"^[+-]?\d{1,16}$")

__all__ = ["resolve", "applied", "keep", "shown", "definition_by_key", "typed"]


def definition_by_key(org: str, key: str, item_type: str = ITEM_TYPE) -> Record | None:
    """The live attribute of `item_type` with this key (any case), or None."""
    wanted = key.strip().casefold()
    return next((a for a in catalogues.entries(org, ATTRIBUTES, item_type=item_type)
                 if str(a.get("key") or "").casefold() == wanted), None)


def _definition(org: str, item: Record, field: str, item_type: str) -> Record:
    """The attribute of `item_type` an item names, by `id` (which wins) or `key`; a 422 naming the field."""
    if item.get("id") is not None:
        return catalogues.resolve(org, ATTRIBUTES, value_id=item["id"], id_field=f"{field}.id", name_field=f"{field}.id",
                                  item_type=item_type)
    if item.get("key") not in (None, ""):
        found = definition_by_key(org, str(item["key"]), item_type)
        if found is None:  # by name too, as a reference by name does (and the 422 lists the keys there are)
            found = catalogues.resolve(org, ATTRIBUTES, name=item["key"], id_field=f"{field}.key",
                                       name_field=f"{field}.key", item_type=item_type)
        return found
    raise ValidationFailed.on(f"{field}.id", "names no attribute: send its `id` or its `key`")


def _bound(definition: Record, name: str) -> int | None:
    text = str(definition.get(name) or "").strip()
    return int(text) if _INTEGER.match(text) else None


def typed(definition: Record, value: Any, field: str) -> Any:
    """The value as its attribute's classification stores it, or a 422 naming `field`."""
    classification = definition.get("classification") or "text"
    if isinstance(value, float):  # JSON's 42.0 or 4.5: as the decimal written
        value = Decimal(repr(value))
    if classification == "integer":
        text = str(value).strip() if isinstance(value, (int, str, Decimal)) and not isinstance(value, bool) else ""
        if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
            text = str(int(value))
        if not _INTEGER.match(text):
            raise ValidationFailed.on(field, f"must be a whole number: {definition.get('name')!r} is an integer "
                                             f"attribute (not {str(value)[:40]!r})")
        number = int(text)
        low, high = _bound(definition, "min_val"), _bound(definition, "max_val")
        if (low is not None and number < low) or (high is not None and number > high):
            raise ValidationFailed.on(field, f"must be from {low if low is not None else '-'} to "
                                             f"{high if high is not None else '-'} ({definition.get('name')!r})")
        return number
    if classification == "date":
        try:
            return f.calendar_date(value)
        except ValueError as exc:
            raise ValidationFailed.on(field, f"{exc}: {definition.get('name')!r} is a date attribute") from None
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise ValidationFailed.on(field, "must be text")
    text = str(value)
    if len(text) > TEXT_MAX:
        raise ValidationFailed.on(field, f"must be at most {TEXT_MAX} characters (got {len(text)})")
    return text


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def resolve(org: str, sent: list[Record], item_type: str = ITEM_TYPE) -> dict[str, Any]:
    """The values sent as a change of a record's: attribute id (as text) -> its typed value,
    or None to remove it. An attribute sent twice: the later item wins."""
    out: dict[str, Any] = {}
    for index, item in enumerate(sent):
        where = f"{SENT}[{index}]"
        definition = _definition(org, item, where, item_type)
        value = item.get("value")
        out[str(definition["id"])] = None if _blank(value) else typed(definition, value, f"{where}.value")
    return out


def applied(values: dict[str, Any] | None, change: dict[str, Any]) -> dict[str, Any] | None:
    """A record's values with a change (from `resolve`) applied; None when none are left."""
    out = {str(k): v for k, v in (values or {}).items()}
    for key, value in change.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out or None


def keep(org: str, item_type: str, record: Record, old: Record | None) -> None:
    """The custom_attrs sent on `record` (if any) applied, in place, to what `old` (None: a new
    record) held; none held is no attribute."""
    f.keep_sent(record, SENT, HELD, old, lambda held, sent: applied(held, resolve(org, sent, item_type)))


def text_of(value: Any) -> str:
    """A value as LGL shows it (a string): an integer's digits, a date as YYYY-MM-DD."""
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else str(value)
    return str(value)


def shown(org: str, values: dict[str, Any] | None) -> list[tuple[Record, str]]:
    """A record's values with their definitions, in the attributes' order (ordinal, then id)."""
    values = values or {}
    out = []
    for definition in sorted((catalogues.named(org, ATTRIBUTES, int(k)) or {"id": int(k)} for k in values),
                             key=lambda d: (d.get("ordinal", 100), d["id"])):
        out.append((definition, text_of(values[str(definition["id"])])))
    return out
