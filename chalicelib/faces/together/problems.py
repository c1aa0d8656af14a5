"""RFC 9457 problem details, the Together face's error shape."""
from __future__ import annotations

import re

from chalice import Response
from chalice.app import Request

from ...errors import DomainError
from ..http import dumps

PROBLEM_JSON = "application/problem+json"


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def render(error: DomainError, request: Request | None) -> Response:
    body = {
        "type": f"urn:problem:{_slug(error.title)}",
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        "errors": [{"field": e.field, "message": e.message} for e in error.errors],
    }
    if request is not None:
        body["instance"] = request.context.get("path") or request.path
    return Response(body=dumps(body), status_code=error.status,
                    headers={"Content-Type": PROBLEM_JSON, **error.headers})
