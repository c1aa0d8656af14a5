"""An LGL resource is one declaration: its collection, body model, renderer and domain calls.
`declare` registers what LGL serves of it, each at its `.json` path too:

    GET/POST   /api/v1/<parent>/{id}/<collection>   the parent's records (each parent path)
    GET        /api/v1/<collection>                 every record of the organisation (`listing`)
    GET/PATCH/DELETE /api/v1/<collection>/{id}      one record

A resource whose records show what other records hold (a constituent's name, what they gave)
renders a page at once (`render_page`), so that is read once for the page, not per record.

under the face's rules (routes.py): LGL's envelopes and errors, unknown body fields named in
X-Ignored-Fields, another organisation's record a 404. A search is declared beside it
(search.py), at `/api/v1/<collection>/search`, which wins over `{id}`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from chalice import Response

from ... import auth
from ..http import Call, Param
from . import params, render, schemas
from .routes import (ID, IGNORED_HEADER, PREFIX, WINDOW, _json, answer, body_of, item_id, lgl_terms, page, routes,
                     sliced)

Record = dict[str, Any]


def constituent_as_donor(org: str, sent: Record) -> Record:
    """LGL's fields -> the domain's, for a record whose only renamed field is its constituent."""
    out = dict(sent)
    if "constituent_id" in out:
        out["donor_id"] = out.pop("constituent_id")
    return out


@dataclass(frozen=True)
class ParentPath:
    """Where a resource's records are listed and created below a parent: `/constituents/{id}/gifts`."""
    collection: str                                   # "constituents"
    records: Callable[[str, int], list[Record]]       # (org, parent id) -> its records (404 when it is not)
    create: Callable[[str, int, Record], Record]      # (org, parent id, domain fields) -> the record
    label: str = "constituent"

    @property
    def param(self) -> Param:
        return Param("id", {"type": "string", "pattern": r"^[0-9]+$"}, f"The {self.label}'s id")


@dataclass(frozen=True)
class Resource:
    collection: str                                   # "gifts"
    item_type: str                                    # "gift"
    model: str                                        # its response models: "Gift", "GiftList"
    body: type[schemas.Body]
    render: Callable[[str, Record], Record]           # (org, record) -> LGL's object
    get: Callable[[str, int], Record]
    update: Callable[[str, int, Record], Record]      # (org, id, domain fields) -> the record
    delete: Callable[[str, int], None]
    parents: tuple[ParentPath, ...]
    fields: Callable[[str, Record], Record] = lambda org, sent: sent  # LGL's fields -> the domain's
    names: dict[str, str] = field(default_factory=dict)  # the domain's field -> LGL's (in errors)
    # Every record of the organisation, a page of them: (org, offset, limit) -> (total, the page).
    listing: Callable[[str, int, int], tuple[int, list[Record]]] | None = None
    extra_params: dict[str, tuple[Param, ...]] = field(default_factory=dict)  # method -> more query params
    # (org, a page of records) -> LGL's objects, what they show of other records read once
    render_page: Callable[[str, list[Record]], list[Record]] | None = None

    @property
    def label(self) -> str:
        return self.item_type.replace("_", " ")

    def rendered(self, org: str, records: list[Record]) -> list[Record]:
        if self.render_page is not None:
            return self.render_page(org, records)
        return [self.render(org, record) for record in records]

    def rendered_one(self, org: str, record: Record) -> Record:
        return render.one(self.rendered(org, [record])[0])


def declare(resource: Resource) -> None:
    label, item = resource.label, f"{PREFIX}/{resource.collection}/{{id}}"
    declared: list[tuple[Callable[..., Response], str, str, str, dict[str, Any]]] = []

    def rendered(call: Call, records: list[Record], total: int, window: params.Window) -> Response:
        return page(call, resource.rendered(call.org, records), total, window, resource.item_type)

    for parent in resource.parents:
        path = f"{PREFIX}/{parent.collection}/{{id}}/{resource.collection}"

        def list_of_parent(call: Call, id: str, parent: ParentPath = parent) -> Response:
            window = params.window(call.request)
            with lgl_terms(id):
                found = parent.records(call.org, item_id(id))
            return rendered(call, sliced(found, window), len(found), window)

        def create_in_parent(call: Call, id: str, parent: ParentPath = parent) -> Response:
            parent_id = item_id(id)
            sent = body_of(call, resource.body)
            with lgl_terms(id, names=resource.names):
                created = parent.create(call.org, parent_id, resource.fields(call.org, sent))
            return answer(call, resource.rendered_one(call.org, created))

        list_of_parent.__doc__ = f"A {parent.label}'s {label}s, a page at a time (exact `total_items`)."
        create_in_parent.__doc__ = f"Add a {label} to a {parent.label}; answers the whole {label}."
        suffix = f"{resource.collection}_of_{parent.collection}"
        declared += [
            (list_of_parent, f"list_{suffix}", path, "GET", dict(
                path_params=(parent.param,), params=WINDOW, response=f"{resource.model}List", aliases=_json(path))),
            (create_in_parent, f"create_{suffix}", path, "POST", dict(
                path_params=(parent.param,), body=resource.body, response=resource.model, status=200,
                response_headers=(IGNORED_HEADER,), aliases=_json(path))),
        ]

    if resource.listing is not None:
        collection = f"{PREFIX}/{resource.collection}"

        def list_all(call: Call) -> Response:
            window = params.window(call.request)
            total, found = resource.listing(call.org, window.offset, window.limit)
            return rendered(call, found, total, window)

        list_all.__doc__ = f"Every {label} of the organisation, a page at a time (exact `total_items`)."
        declared.append((list_all, f"list_{resource.collection}", collection, "GET", dict(
            params=WINDOW, response=f"{resource.model}List", aliases=_json(collection))))

    def get_one(call: Call, id: str) -> Response:
        with lgl_terms(id):
            found = resource.get(call.org, item_id(id))
        return answer(call, resource.rendered_one(call.org, found))

    def update_one(call: Call, id: str) -> Response:
        record_id = item_id(id)
        sent = body_of(call, resource.body)
        with lgl_terms(id, names=resource.names):
            updated = resource.update(call.org, record_id, resource.fields(call.org, sent))
        return answer(call, resource.rendered_one(call.org, updated))

    def delete_one(call: Call, id: str) -> Response:
        record_id = item_id(id)
        with lgl_terms(id):
            resource.delete(call.org, record_id)
        return answer(call, render.success())

    get_one.__doc__ = f"One {label}."
    update_one.__doc__ = f"Change the fields sent of one {label}; answers the whole {label}."
    delete_one.__doc__ = f"Delete one {label} (deleting it again succeeds too)."
    declared += [
        (get_one, f"get_{resource.item_type}", item, "GET", dict(path_params=(ID,), response=resource.model)),
        (update_one, f"update_{resource.item_type}", item, "PATCH", dict(
            path_params=(ID,), body=resource.body, response=resource.model, response_headers=(IGNORED_HEADER,))),
        (delete_one, f"delete_{resource.item_type}", item, "DELETE", dict(
            path_params=(ID,), params=resource.extra_params.get("DELETE", ()), response="Result", status=200)),
    ]
    for view, name, path, method, options in declared:
        view.__name__ = name
        routes.route(path, method, auth.READ if method == "GET" else auth.WRITE, **options)(view)


def search_params(terms: tuple[str, ...], sorts: tuple[str, ...]) -> tuple[Param, ...]:
    """A search's query parameters: its terms (`q[]`), `sort`, `limit` and `offset`."""
    return (Param("q[]", {"type": "string"}, "A search term, `term=value` (repeat it, or join terms with `;`): "
                  + ", ".join(terms)),
            Param("sort", {"type": "string", "enum": [*sorts, *(f"{k}!" for k in sorts)]}, "The order; `!` reverses it"),
            *WINDOW)
