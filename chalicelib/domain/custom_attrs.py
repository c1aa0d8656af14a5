"""A constituent's custom attribute values (LGL's `custom_attrs`): typed scalar values of the
organisation's attribute definitions (the `attributes` catalogue: a name, a key and a
classification, text, integer or date).

The values are the donor's own field `custom_attrs`, a map attribute id -> value (text as sent,
an integer, a date as YYYY-MM-DD), written with the donor; its search row carries them (`ca`)
for the `custom_attr*` search terms. A value of the wrong type is a 422 naming it
(`custom_attrs[0].value`); a new value of an attribute the donor has replaces it; `null` or an
empty value removes it. Each attribute a donor has a value of counts it (store/kinds.py DONOR
`refs`): a definition with values is not deleted (409), so no constituent ever shows a value of
an attribute that is gone.
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
ITEM_TYPE = "Constituent"
TEXT_MAX = 2000
_INTEGER = re.compile(r"^[+-]?\d{1,16}$")

__all__ = ["resolve", "applied", "shown", "definition_by_key", "typed"]


def definition_by_key(org: str, key: str) -> Record | None:
    """The live constituent attribute with this key (any case), or None."""
    wanted = key.strip().casefold()
    return next((a for a in catalogues.entries(org, ATTRIBUTES, item_type=ITEM_TYPE)
                 if str(a.get("key") or "").casefold() == wanted), None)


def _definition(org: str, item: Record, field: str) -> Record:
    """The attribute an item names, by `id` (which wins) or `key`; a 422 naming the field."""
    if item.get("id") is not None:
        return catalogues.resolve(org, ATTRIBUTES, value_id=item["id"], id_field=f"{field}.id", name_field=f"{field}.id",
                                  item_type=ITEM_TYPE)
    if item.get("key") not in (None, ""):
        found = definition_by_key(org, str(item["key"]))
        if found is None:  # by name too, as a reference by name does (and the 422 lists the keys there are)
            found = catalogues.resolve(org, ATTRIBUTES, name=item["key"], id_field=f"{field}.key",
                                       name_field=f"{field}.key", item_type=ITEM_TYPE)
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


def resolve(org: str, sent: list[Record], field: str = "custom_attrs") -> dict[str, Any]:
    """The values sent as a change of the donor's: attribute id (as text) -> its typed value,
    or None to remove it. An attribute sent twice: the later item wins."""
    out: dict[str, Any] = {}
    for index, item in enumerate(sent):
        where = f"{field}[{index}]"
        definition = _definition(org, item, where)
        value = item.get("value")
        out[str(definition["id"])] = None if _blank(value) else typed(definition, value, f"{where}.value")
    return out


def applied(values: dict[str, Any] | None, change: dict[str, Any]) -> dict[str, Any] | None:
    """The donor's values with a change (from `resolve`) applied; None when none are left."""
    out = {str(k): v for k, v in (values or {}).items()}
    for key, value in change.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out or None


def text_of(value: Any) -> str:
    """A value as LGL shows it (a string): an integer's digits, a date as YYYY-MM-DD."""
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else str(value)
    return str(value)


def shown(org: str, donor: Record) -> list[tuple[Record, str]]:
    """The donor's values with their definitions, in the attributes' order (ordinal, then id)."""
    values = donor.get("custom_attrs") or {}
    out = []
    for definition in sorted((catalogues.named(org, ATTRIBUTES, int(k)) or {"id": int(k)} for k in values),
                             key=lambda d: (d.get("ordinal", 100), d["id"])):
        out.append((definition, text_of(values[str(definition["id"])])))
    return out
