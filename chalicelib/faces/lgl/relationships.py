"""LGL's ConstituentRelationship Management (docs/lgl.md, "Relationships"): a constituent's
relationships (list, add), one relationship (get, update, delete), and the constituent's
nested `relationships` array (create, update, show, expand). Each relationship has its
reciprocal on the related constituent, written, changed and deleted with it."""
from __future__ import annotations

from typing import Any

from ...domain import relationships
from ...domain.relationships import RELATIONSHIP
from . import schemas
from .resources import ParentPath, Resource, declare
from .routes import NESTED_ARRAYS, NestedArray

# LGL's fields -> the domain's, and back (in errors).
_IN = {"related_constituent_id": relationships.RELATED, "name": relationships.TYPE_NAME,
       "reciprocal_id": relationships.RECIPROCAL_ID, "rec_name": relationships.RECIPROCAL_NAME}
NAMES = {domain: lgl for lgl, domain in _IN.items()} | {"donor_id": "constituent_id"}


def to_domain(org: str, sent: dict[str, Any]) -> dict[str, Any]:
    return {_IN.get(k, k): v for k, v in sent.items()}


def render(org: str, record: dict[str, Any]) -> dict[str, Any]:
    return {"id": record["id"], "relationship_type_id": record["relationship_type_id"],
            "constituent_id": record["donor_id"], "related_constituent_id": record["related_donor_id"],
            "name": relationships.type_name(org, record), "description": record.get("description"),
            "auto_soft_credit": bool(record.get("auto_soft_credit")),
            "also_acknowledge": bool(record.get("also_acknowledge")),
            "share_address": record.get("share_address"), "share_phone": record.get("share_phone"),
            "reciprocal_relationship_id": record.get("pair_id")}


declare(Resource(
    "constituent_relationships", "constituent_relationship", "ConstituentRelationship", schemas.RelationshipBody,
    render,
    get=relationships.get,
    update=lambda org, record_id, fields: relationships.update(org, record_id, fields, NAMES),
    delete=relationships.delete,
    parents=(ParentPath("constituents", relationships.of_donor,
                        lambda org, donor_id, fields: relationships.create(org, donor_id, fields, NAMES)),),
    fields=to_domain,
    names=NAMES,
))


def _plan(sent: list[dict[str, Any]], remove_previous: bool):
    return relationships.plan([to_domain("", item) for item in sent], remove_previous, NAMES)


NESTED_ARRAYS["relationships"] = NestedArray(
    _plan, lambda org, details: [render(org, r) for r in details.get(RELATIONSHIP.name, [])])
