"""LGL's list-only endpoints of catalogues (funds, campaigns, appeals, events, gift types and
categories, payment types, mailing templates...): one route each, from the catalogue's
declaration. LGL has no way to change them; the native face does (faces/together/catalogues.py)."""
from __future__ import annotations

from typing import Any

from chalice import Response

from ... import auth
from ...domain import catalogues, lifecycle
from ...domain.catalogues import Catalogue
from ...domain.fields import REF
from ..http import Call, Param
from . import params
from .routes import PREFIX, WINDOW, _json, page, routes, sliced


def ref_name(field: str) -> str:
    """The field naming what a REF field's id refers to: `gift_type_id` -> `gift_type_name`."""
    return field.removesuffix("_id") + "_name"


def value(org: str, catalogue: Catalogue, record: dict[str, Any]) -> dict[str, Any]:
    """A catalogue's value as LGL shows it: its fields, each reference with its name."""
    out: dict[str, Any] = {"id": record["id"]}
    for spec in catalogue.specs:
        out[spec.name] = record.get(spec.name)
        if spec.type == REF:
            out[ref_name(spec.name)] = catalogues.name_of(org, catalogues.CATALOGUES[spec.ref], record.get(spec.name))
    return out


def filters(catalogue: Catalogue) -> tuple[str, ...]:
    """What its list filters by: each reference (`?gift_type_id=1` of gift categories)."""
    return tuple(spec.name for spec in catalogue.specs if spec.type == REF)


def declare(catalogue: Catalogue) -> None:
    path = f"{PREFIX}/{catalogue.key}"

    def list_values(call: Call) -> Response:
        window = params.window(call.request)
        where = {}
        for name in filters(catalogue):
            raw = params.first(call.request, name)
            if raw:
                number = lifecycle.record_number(raw.strip())
                if number is None:
                    raise params.bad(name, f"must be an id (a positive integer), not {raw[:40]!r}")
                where[name] = number
        found = catalogues.entries(call.org, catalogue, **where)
        return page(call, [value(call.org, catalogue, v) for v in sliced(found, window)], len(found), window,
                    catalogue.item_type)

    list_values.__name__ = f"list_{catalogue.key}"
    list_values.__doc__ = (f"Every {catalogue.label.lower()} of the organisation (LGL lists them only; the native "
                           f"face's `/api/v1/{catalogue.key}/{{id}}` changes them).")
    wanted = tuple(Param(name, {"type": "integer", "minimum": 1}, f"Only those of this {name.removesuffix('_id')}")
                   for name in filters(catalogue))
    routes.route(path, "GET", auth.READ, params=(*wanted, *WINDOW), response=f"{catalogue.model}List",
                 aliases=_json(path))(list_values)
