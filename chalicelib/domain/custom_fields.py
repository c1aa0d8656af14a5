"""`custom_fields`: keyword pick-lists on gifts, volunteer times, invitations and appeal
requests (LGL's categories of those item types, their keywords called `values`).

A record keeps the ids of its values (`custom_field_values`); each value's category is its
keyword's. Values sent are added to what the record has, unless the category is sent with
`remove_previous_values` (then only the values sent stay); a `single` category keeps one
value. A keyword a record holds cannot be deleted (store `Ref`), so no record shows a value
that is gone.

A kind of record keeps them by declaring it: its rules call `keep` with its item type, its
store kind refers to what it holds (`refs=(CUSTOM_FIELD_VALUES,)`, store/kinds.py), and on the
LGL face its body takes `custom_fields` (`schemas.CustomFields`) and its rendering shows them
(`render.custom_fields`).
"""
from __future__ import annotations

from typing import Any

from ..errors import ValidationFailed
from . import catalogues
from . import fields as f
from .constituent_catalogues import CATEGORIES, KEYWORDS

FIELD = "custom_field_values"
SENT = "custom_fields"  # LGL's custom_fields as sent: applied to what the record holds


def _category(org: str, item_type: str, sent: dict[str, Any], index: int) -> dict[str, Any]:
    where = f"custom_fields[{index}]"
    return catalogues.resolve(org, CATEGORIES, value_id=sent.get("id"), name=sent.get("name") or sent.get("key"),
                              id_field=f"{where}.id", name_field=f"{where}.name", item_type=item_type)


def applied(org: str, item_type: str, current: list[int], sent: list[dict[str, Any]]) -> list[int]:
    """The value ids a record of `item_type` holds once `sent` (LGL's custom_fields) is applied."""
    out = list(current)
    for index, field_sent in enumerate(sent):
        category = _category(org, item_type, field_sent, index)
        chosen = []
        for n, ref in enumerate(field_sent.get("values") or []):
            where = f"custom_fields[{index}].values[{n}]"
            chosen.append(catalogues.resolve(org, KEYWORDS, value_id=ref.get("id"), name=ref.get("name"),
                                             id_field=f"{where}.id", name_field=f"{where}.name",
                                             category_id=category["id"])["id"])
        if category.get("facet_type") == "single" and len(set(chosen)) > 1:
            raise ValidationFailed.on(f"custom_fields[{index}].values", f"{category['name']!r} holds one value")
        if field_sent.get("remove_previous_values") or category.get("facet_type") == "single" and chosen:
            out = [v for v in out if (catalogues.named(org, KEYWORDS, v) or {}).get("category_id") != category["id"]]
        out += [v for v in dict.fromkeys(chosen) if v not in out]
    return out


def keep(org: str, item_type: str, record: dict[str, Any], old: dict[str, Any] | None) -> None:
    """The custom_fields sent on `record` (if any) applied, in place, to what `old` (None: a
    new record) held; none held is no attribute."""
    f.keep_sent(record, SENT, FIELD, old, lambda held, sent: applied(org, item_type, held or [], sent))


def shown(org: str, value_ids: list[int]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """The record's categories with their values held, in the categories' order."""
    by_category: dict[int, list[dict[str, Any]]] = {}
    for value_id in value_ids:
        value = catalogues.named(org, KEYWORDS, value_id)
        if value is not None:
            by_category.setdefault(value["category_id"], []).append(value)
    order = {c["id"]: n for n, c in enumerate(catalogues.entries(org, CATEGORIES))}
    return [(catalogues.named(org, CATEGORIES, cid) or {"id": cid}, values)
            for cid, values in sorted(by_category.items(), key=lambda item: (order.get(item[0], 10**9), item[0]))]
