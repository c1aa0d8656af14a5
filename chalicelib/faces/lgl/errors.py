"""LGL's error shape: `{"api_version": "1.0", "error": "...", "description": "..."}`.

`error` is a short title by status ("Parameter Error" for a bad query parameter or search
term, as LGL's own example); `description` says what was wrong, naming the field or
parameter. `errors` lists each field to blame (`[{"field", "message"}]`, empty when none):
an addition LGL clients ignore and others can read.
"""
from __future__ import annotations

from chalice import Response
from chalice.app import Request

from ...errors import BadRequest, DomainError
from ..http import dumps

API_VERSION = "1.0"
TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
          409: "Conflict", 412: "Precondition Failed", 415: "Unsupported Media Type", 422: "Validation Error",
          500: "Internal Server Error", 503: "Service Unavailable"}


class ParameterError(BadRequest):
    """A query parameter or search term LGL's clients got wrong."""
    title = "Parameter Error"


def body(error: DomainError) -> dict:
    title = "Parameter Error" if isinstance(error, ParameterError) else TITLES.get(error.status, error.title)
    return {"api_version": API_VERSION, "error": title, "description": error.detail,
            "errors": [{"field": e.field, "message": e.message} for e in error.errors]}


def render(error: DomainError, request: Request | None) -> Response:
    return Response(body=dumps(body(error)), status_code=error.status,
                    headers={"Content-Type": "application/json", **error.headers})
