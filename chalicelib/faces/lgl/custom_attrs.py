"""LGL's custom attribute values on a constituent (docs/lgl.md, "Custom attributes"): its
`custom_attrs` array on create, update, show and `expand`, kept on the donor record itself. The
definitions are the `attributes` catalogue (`GET /api/v1/attributes`, catalogues.py)."""
from __future__ import annotations

from ...domain import custom_attrs
from . import render
from .routes import OWN_ARRAYS, OwnArray

OWN_ARRAYS["custom_attrs"] = OwnArray(
    lambda org, sent: {"custom_attrs": custom_attrs.resolve(org, sent)},
    lambda org, donor: render.custom_attrs(org, donor.get("custom_attrs")))
