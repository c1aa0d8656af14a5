"""LGL's list-only endpoints of catalogues (funds, campaigns, appeals, events, gift types and
categories, payment types, mailing templates...): one route each, from the catalogue's
declaration. LGL has no way to change them; the native face does (faces/together/catalogues.py)."""
from __future__ import annotations

from typing import Any, Callable

from chalice import Response

from ... import auth
from ...domain import catalogues, lifecycle
from ...domain.catalogues import Catalogue
from ...domain.fields import REF
from .. import spec_models
from ..http import Call, Param
from . import params, render, schemas
from .render import stamp
from .routes import ID, IGNORED_HEADER, PREFIX, WINDOW, _json, answer, body_of, item_id, lgl_terms, page, routes, sliced


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
    """What its list filters by: each reference (`?gift_type_id=1` of gift categories) and
    what it is on (`?item_type=Gift` of categories and attributes)."""
    return tuple(spec.name for spec in catalogue.specs if spec.type == REF or spec.name == "item_type")


# What a list filters by when its query does not say: LGL's `GET /attributes` lists the
# constituents' attributes unless `item_type` names another ("default: Constituent").
DEFAULT_FILTERS: dict[str, dict[str, Any]] = {"attributes": {"item_type": "Constituent"}}


def declare(catalogue: Catalogue) -> None:
    path = f"{PREFIX}/{catalogue.key}"

    def list_values(call: Call) -> Response:
        window = params.window(call.request)
        where = dict(DEFAULT_FILTERS.get(catalogue.key, {}))
        for name in filters(catalogue):
            raw = params.first(call.request, name)
            if raw and name == "item_type":
                where[name] = raw.strip()
            elif raw:
                number = lifecycle.record_number(raw.strip())
                if number is None:
                    raise params.bad(name, f"must be an id (a positive integer), not {raw[:40]!r}")
                where[name] = number
        found = catalogues.entries(call.org, catalogue, **where)
        show = shown if catalogue.lgl_managed else value
        return page(call, [show(call.org, catalogue, v) for v in sliced(found, window)], len(found), window,
                    catalogue.item_type)

    list_values.__name__ = f"list_{catalogue.key}"
    list_values.__doc__ = (f"Every {catalogue.label.lower()} of the organisation (LGL lists them only; the native "
                           f"face's `/api/v1/{catalogue.key}/{{id}}` changes them).")
    default = DEFAULT_FILTERS.get(catalogue.key, {})
    wanted = tuple(Param(name, {"type": "string"} if name == "item_type" else {"type": "integer", "minimum": 1},
                         f"Only those of this {name.removesuffix('_id')}"
                         + (f" (default: {default[name]})" if name in default else "")) for name in filters(catalogue))
    routes.route(path, "GET", auth.READ, params=(*wanted, *WINDOW), response=f"{catalogue.model}List",
                 aliases=_json(path))(list_values)


# ---- catalogues LGL manages itself: categories, groups, membership levels ------------------------

# What a value shows besides its fields (a category its keywords): catalogue key -> (org, value) -> fields.
EXTRAS: dict[str, Callable[[str, dict[str, Any]], dict[str, Any]]] = {}
STAMPED = ("keywords",)  # the catalogues whose values LGL shows with created_at/updated_at


def shown(org: str, catalogue: Catalogue, record: dict[str, Any]) -> dict[str, Any]:
    """A value LGL manages as it shows one: its fields, anything more, its timestamps (keywords)."""
    extra = EXTRAS.get(catalogue.key)
    out = {**value(org, catalogue, record), **(extra(org, record) if extra else {})}
    if catalogue.key in STAMPED:
        out.update(created_at=stamp(record.get("created_at")), updated_at=stamp(record.get("updated_at")))
    return out


def body_model(catalogue: Catalogue) -> type[schemas.Body]:
    return spec_models.request_model(f"{catalogue.model}Body", schemas.Body, catalogue.specs, lax=True)


def declare_managed(catalogue: Catalogue) -> None:
    """LGL's create, get, update and delete of a catalogue's values (its list: `declare`)."""
    path, item = f"{PREFIX}/{catalogue.key}", f"{PREFIX}/{catalogue.key}/{{id}}"
    body = body_model(catalogue)
    label = catalogue.label.lower()

    def create_value(call: Call) -> Response:
        sent = body_of(call, body)
        with lgl_terms():
            created = catalogues.create(call.org, catalogue, sent).record
        return answer(call, render.one(shown(call.org, catalogue, created)))

    def get_value(call: Call, id: str) -> Response:
        with lgl_terms(id):
            found = catalogues.get(call.org, catalogue, item_id(id))
        return answer(call, render.one(shown(call.org, catalogue, found)))

    def update_value(call: Call, id: str) -> Response:
        value_id = item_id(id)
        sent = body_of(call, body)
        with lgl_terms(id):
            updated = catalogues.update(call.org, catalogue, value_id, sent, None)
        return answer(call, render.one(shown(call.org, catalogue, updated)))

    def delete_value(call: Call, id: str) -> Response:
        value_id = item_id(id)
        with lgl_terms(id):
            catalogues.delete(call.org, catalogue, value_id, None)
        return answer(call, render.success())

    create_value.__doc__ = f"Add a {label}; answers the whole {label}."
    get_value.__doc__ = f"One {label}."
    update_value.__doc__ = f"Change the fields sent of one {label}."
    delete_value.__doc__ = (f"Delete one {label} (again: success too); one still in use is not deleted (409): "
                            "nothing may show a value that is gone.")
    for view, name, route_path, method, options in (
        (create_value, "create", path, "POST", dict(body=body, response=catalogue.model, status=200,
                                                    response_headers=(IGNORED_HEADER,), aliases=_json(path))),
        (get_value, "get", item, "GET", dict(path_params=(ID,), response=catalogue.model)),
        (update_value, "update", item, "PATCH", dict(path_params=(ID,), body=body, response=catalogue.model,
                                                     response_headers=(IGNORED_HEADER,))),
        (delete_value, "delete", item, "DELETE", dict(path_params=(ID,), response="Result", status=200)),
    ):
        view.__name__ = f"{name}_{catalogue.item_type}"
        routes.route(route_path, method, auth.READ if method == "GET" else auth.WRITE, **options)(view)
