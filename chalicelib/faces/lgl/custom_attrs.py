"""LGL's custom attribute values on a constituent (docs/lgl.md, "Custom attributes"): its
`custom_attrs` array on create, update, show and `expand`, kept on the donor record itself. The
definitions are the `attributes` catalogue (`GET /api/v1/attributes`, catalogues.py)."""
from __future__ import annotations

from typing import Any

from ...domain import custom_attrs
from .routes import OWN_ARRAYS, OwnArray


def render(org: str, donor: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"id": definition["id"], "classification": definition.get("classification"),
             "name": definition.get("name"), "key": definition.get("key"), "ordinal": definition.get("ordinal"),
             "value": value} for definition, value in custom_attrs.shown(org, donor)]


OWN_ARRAYS["custom_attrs"] = OwnArray(
    lambda org, sent: {"custom_attrs": custom_attrs.resolve(org, sent)}, render)
