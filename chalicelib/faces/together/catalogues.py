"""Managing catalogues on the native face: `POST /api/v1/<catalogue>` and
`GET/PATCH/DELETE /api/v1/<catalogue>/{id}` for funds, campaigns, appeals, events, gift types
and categories, payment types and mailing templates (docs/api.md, "Catalogues"), with the
native face's ETags, If-Match, Idempotency-Key and problem+json. Their lists are LGL's
(`GET /api/v1/funds`...), at the same path: one list for both faces' clients."""
from __future__ import annotations

from typing import Any

from ...domain import catalogues, constituent_catalogues, gift_catalogues  # noqa: F401  (declare them)
from ...domain.catalogues import Catalogue
from ...domain.fields import REF
from .. import spec_models
from . import schemas
from .routes import Resource, declare


def render(catalogue: Catalogue):
    """A value as the native face shows it: ids as strings, its version and stamps."""
    def value(org: str, record: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"id": str(record["id"])}
        for spec in catalogue.specs:
            out[spec.name] = record.get(spec.name)
            if spec.type == REF:
                out[spec.name] = None if record.get(spec.name) is None else str(record[spec.name])
        return {**out, "version": record["version"], "created_at": record.get("created_at"),
                "updated_at": record.get("updated_at")}
    return value


def body_model(catalogue: Catalogue) -> type[schemas.Body]:
    built = spec_models.request_model(f"{catalogue.model}Fields", schemas.Body, catalogue.specs, lax=False)
    built.READ_ONLY = frozenset({"id", "version", "created_at", "updated_at", "deleted_at"})
    return built


for _catalogue in catalogues.CATALOGUES.natively_managed():
    _body = body_model(_catalogue)
    declare(Resource(f"/{_catalogue.key}", _catalogue.label, catalogues.Service(_catalogue), _body, _body,
                     render(_catalogue), _catalogue.model, "", variable="id"), None, None)
