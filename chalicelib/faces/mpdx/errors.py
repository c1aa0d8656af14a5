"""JSON:API error documents, the MPDX face's error shape, for every status it answers.

    {"errors": [{"status": "400", "title": "Bad request", "detail": "...",
                 "source": {"parameter": "filter[status]"}}]}

`source` says what caused the error: `parameter` (a query parameter), `header` (a request
header) or `pointer` (a JSON Pointer into the request document). Each named cause is one
error object; an error without one has no `source`.
"""
from __future__ import annotations

from chalice import Response
from chalice.app import Request

from ...errors import DomainError, FieldError
from ..http import dumps
from .media import JSONAPI, Header


class Parameter(FieldError):
    """A FieldError about a query parameter (JSON:API `source.parameter`)."""


def _source(error: FieldError) -> dict[str, str]:
    if isinstance(error, Parameter):
        return {"parameter": error.field}
    if isinstance(error, Header):
        return {"header": error.field}
    if error.field == "body":
        return {"pointer": ""}
    return {"pointer": f"/data/attributes/{error.field}"}


def document(error: DomainError) -> dict:
    base = {"status": str(error.status), "title": error.title, "detail": error.detail}
    if not error.errors:
        return {"errors": [base]}
    single = len(error.errors) == 1
    return {"errors": [
        {**base, "detail": error.detail if single else f"{e.field}: {e.message}", "source": _source(e)}
        for e in error.errors
    ]}


def render(error: DomainError, request: Request | None) -> Response:
    return Response(body=dumps(document(error)), status_code=error.status,
                    headers={"Content-Type": JSONAPI, **error.headers})
