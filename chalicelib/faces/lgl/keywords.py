"""LGL's categories and keywords: managing them (the catalogues' routes, catalogues.py), a
category's keywords, and a constituent's keywords (assigning, removing, its categories)."""
from __future__ import annotations

from typing import Any

from chalice import Response

from ... import auth
from ...domain import catalogues, donors, keywords
from ...domain.constituent_catalogues import CATEGORIES, KEYWORDS
from ...domain.keywords import KEYWORD_ASSIGNMENT
from ...errors import NotFound, ValidationFailed
from ..http import Call, Param
from . import params, render, schemas
from .catalogues import EXTRAS, body_model, shown, value
from .resources import ParentPath, Resource, declare
from .routes import (CONSTITUENT_ID, NESTED_ARRAYS, PREFIX, WINDOW, NestedArray, _json, answer, body_of, item_id,
                     lgl_terms, page, routes, sliced)


def keyword(org: str, record: dict[str, Any]) -> dict[str, Any]:
    return shown(org, KEYWORDS, record)


def category(org: str, record: dict[str, Any], assigned: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A category with its keywords: all of them, or those `assigned` to a constituent."""
    values = catalogues.entries(org, KEYWORDS, category_id=record["id"]) if assigned is None else assigned
    return {**value(org, CATEGORIES, record), "keywords": [keyword(org, v) for v in values]}


EXTRAS["categories"] = lambda org, record: {"keywords": [keyword(org, v) for v in
                                                        catalogues.entries(org, KEYWORDS, category_id=record["id"])]}


def constituent_categories(org: str, assignments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [category(org, c, values) for c, values in keywords.categories_of(org, assignments)]


def _create_keyword(org: str, category_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    catalogues.get(org, CATEGORIES, category_id)  # 404 when there is no such category
    return catalogues.create(org, KEYWORDS, {**fields, "category_id": category_id}).record


def _keywords_of(org: str, category_id: int) -> list[dict[str, Any]]:
    catalogues.get(org, CATEGORIES, category_id)
    return catalogues.entries(org, KEYWORDS, category_id=category_id)


KEYWORD_BODY = body_model(KEYWORDS)
declare(Resource(
    "keywords", "keyword", "Keyword", KEYWORD_BODY, keyword,
    get=lambda org, value_id: catalogues.get(org, KEYWORDS, value_id),
    update=lambda org, value_id, fields: catalogues.update(org, KEYWORDS, value_id, fields, None),
    delete=lambda org, value_id: catalogues.delete(org, KEYWORDS, value_id, None),
    parents=(ParentPath("categories", _keywords_of, _create_keyword, label="category"),),
    extra_params={"DELETE": (Param("permanent", {"type": "integer", "enum": [0, 1], "default": 0},
                                   "Accepted as LGL documents it; a keyword still assigned or in use is never "
                                   "deleted (409), permanent or not"),)}))


class KeywordRef(schemas.Body):
    id: schemas.Id


@routes.route(PREFIX + "/constituents/{id}/keywords", "POST", auth.WRITE, path_params=(CONSTITUENT_ID,),
              body=KeywordRef, response="Result", status=200, aliases=_json(PREFIX + "/constituents/{id}/keywords"))
def assign_keyword(call: Call, id: str) -> Response:
    """Assign a keyword to a constituent (`{"id": <keyword id>}`). Assigning it again changes
    nothing; a keyword of a `single` category replaces the constituent's other one of it."""
    constituent = item_id(id)
    sent = body_of(call, KeywordRef)
    with lgl_terms():  # a keyword that is not there (another organisation's too) is a 404 of its own
        keyword_id = catalogues.get(call.org, KEYWORDS, sent["id"])["id"] if sent.get("id") else None
    if keyword_id is None:
        raise ValidationFailed.on("id", "is required: the keyword's id")
    with lgl_terms(id):
        keywords.assign(call.org, constituent, keyword_id)
    return answer(call, render.success())


@routes.route(PREFIX + "/constituents/{id}/keywords/{keyword_id}", "DELETE", auth.WRITE, response="Result", status=200,
              path_params=(CONSTITUENT_ID, Param("keyword_id", {"type": "string", "pattern": r"^[0-9]+(\.json)?$"},
                                                 "The keyword's id")))
def remove_keyword(call: Call, id: str, keyword_id: str) -> Response:
    """Take a keyword off a constituent (one it does not have: success too; no such keyword: 404)."""
    constituent, value_id = item_id(id), item_id(keyword_id)
    if catalogues.named(call.org, KEYWORDS, value_id) is None:
        raise NotFound(f"Item with id '{value_id}' not found")
    with lgl_terms(id):
        keywords.unassign(call.org, constituent, value_id)
    return answer(call, render.success())


@routes.route(PREFIX + "/constituents/{id}/categories", "GET", auth.READ, path_params=(CONSTITUENT_ID,),
              params=WINDOW, response="CategoryList", aliases=_json(PREFIX + "/constituents/{id}/categories"))
def constituent_categories_route(call: Call, id: str) -> Response:
    """The categories a constituent has keywords of, each with only those keywords."""
    window = params.window(call.request)
    with lgl_terms(id):
        _, details = donors.with_details(call.org, item_id(id))
    found = constituent_categories(call.org, keywords.assigned(details))
    return page(call, sliced(found, window), len(found), window, "category")


# ---- a constituent's `categories` array (create, update, show, expand) ------------------------------

def _category_of(org: str, sent: dict[str, Any], index: int) -> dict[str, Any]:
    field = f"categories[{index}]"
    return catalogues.resolve(org, CATEGORIES, value_id=sent.get("id"), name=sent.get("name") or sent.get("key"),
                              id_field=f"{field}.id", name_field=f"{field}.name", item_type="Constituent")


def _keyword_ids(org: str, category_id: int, sent: list[dict[str, Any]], index: int) -> list[int]:
    out = []
    for n, ref in enumerate(sent):
        field = f"categories[{index}].keywords[{n}]"
        out.append(catalogues.resolve(org, KEYWORDS, value_id=ref.get("id"), name=ref.get("name") or ref.get("short_code"),
                                      id_field=f"{field}.id", name_field=f"{field}.name", category_id=category_id)["id"])
    return out


def categories_plan(sent: list[dict[str, Any]], remove_previous: bool) -> donors.Nested:
    """The keywords sent per category are assigned (a category's `remove_previous_keywords`:
    its other keywords go); a keyword the constituent has already stays as it is."""
    def plan(org: str, details: donors.Details):
        ids, replace = [], set()
        for index, category_sent in enumerate(sent):
            found = _category_of(org, category_sent, index)
            ids += _keyword_ids(org, found["id"], category_sent.get("keywords") or [], index)
            if category_sent.get("remove_previous_keywords"):
                replace.add(found["id"])
        new, going = keywords.plan(org, keywords.assigned(details), ids, replace_categories=replace,
                                   field="categories")
        return ([(KEYWORD_ASSIGNMENT, fields) for fields in new], [(KEYWORD_ASSIGNMENT, a) for a in going])
    return plan


NESTED_ARRAYS["categories"] = NestedArray(
    categories_plan, lambda org, details: constituent_categories(org, keywords.assigned(details)))
