"""Givebutter's error shape (Laravel's): `{"message": "...", "errors": {"field": ["..."]}}`.

A validation error (422) says its first problem in `message`, as Laravel does
("The type field is required. (and 1 more error)"); every other error says what went
wrong, with `errors` empty unless a field is to blame.
"""
from __future__ import annotations

from chalice import Response
from chalice.app import Request

from ...errors import DomainError
from ..http import dumps


def render(error: DomainError, request: Request | None) -> Response:
    errors: dict[str, list[str]] = {}
    for field_error in error.errors:
        errors.setdefault(field_error.field, []).append(field_error.message)
    message = error.detail
    if error.status == 422 and error.errors:
        message = error.errors[0].message
        more = len(error.errors) - 1
        if more:
            message += f" (and {more} more error{'s' if more > 1 else ''})"
    return Response(body=dumps({"message": message, "errors": errors}), status_code=error.status,
                    headers={"Content-Type": "application/json", **error.headers})
