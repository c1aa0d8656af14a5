"""LGL's Class Affiliations Management (docs/lgl.md, "Class affiliations"): a constituent's
affiliations (list, add), one affiliation (get, update, delete), and the constituent's nested
`class_affiliations` array (create, update, show, expand)."""
from __future__ import annotations

from typing import Any

from ...domain import catalogues, class_affiliations
from ...domain.class_affiliations import CLASS_AFFILIATION
from ...domain.constituent_catalogues import CLASS_AFFILIATION_TYPES
from . import schemas
from .resources import ParentPath, Resource, declare
from .routes import NESTED_ARRAYS, NestedArray


def render(org: str, record: dict[str, Any]) -> dict[str, Any]:
    type_id = record["class_affiliation_type_id"]
    return {"id": record["id"], "constituent_id": record["donor_id"], "class_affiliation_type_id": type_id,
            "class_affiliation_type_name": catalogues.name_of(org, CLASS_AFFILIATION_TYPES, type_id),
            "year": record.get("year"), "note": record.get("note")}


declare(Resource(
    "class_affiliations", "class_affiliation", "ClassAffiliation", schemas.ClassAffiliationBody, render,
    get=class_affiliations.get,
    update=class_affiliations.update,
    delete=class_affiliations.delete,
    parents=(ParentPath("constituents", class_affiliations.of_donor, class_affiliations.create),),
    names={"donor_id": "constituent_id"},
))

NESTED_ARRAYS["class_affiliations"] = NestedArray(
    class_affiliations.plan,
    lambda org, details: [render(org, r) for r in details.get(CLASS_AFFILIATION.name, [])])
