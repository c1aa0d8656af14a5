"""Errors every layer raises (the store too); each face renders them in its own shape.

The domain never imports Chalice: the HTTP edge turns these into responses.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class DomainError(Exception):
    status = 500
    title = "Internal error"

    def __init__(self, detail: str, errors: list[FieldError] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


class BadRequest(DomainError):
    """The request itself is malformed (JSON, query string, cursor)."""
    status = 400
    title = "Bad request"


class ValidationFailed(DomainError):
    """The request is well-formed but a field's value is not acceptable."""
    status = 422
    title = "Validation failed"

    @classmethod
    def on(cls, field: str, message: str) -> "ValidationFailed":
        return cls(f"{field}: {message}", [FieldError(field, message)])


class Unauthorized(DomainError):
    """No usable API key. Every 401 carries a Bearer challenge (RFC 9110 11.6.1, RFC 6750 3);
    a key that was sent but is not valid adds `error="invalid_token"`."""
    status = 401
    title = "Unauthorized"
    REALM = "donor-relations-api"

    def __init__(self, detail: str, *, invalid_token: bool = False) -> None:
        challenge = f'Bearer realm="{self.REALM}"' + (', error="invalid_token"' if invalid_token else "")
        super().__init__(detail, headers={"WWW-Authenticate": challenge})


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class NotFound(DomainError):
    status = 404
    title = "Not found"


class MethodNotAllowed(DomainError):
    status = 405
    title = "Method not allowed"


class NotAcceptable(DomainError):
    status = 406
    title = "Not acceptable"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class PreconditionFailed(DomainError):
    status = 412
    title = "Precondition failed"


class ResponseTooLarge(DomainError):
    """A response beyond what AWS Lambda can return (6 MB): answered instead of an invocation error."""
    status = 500
    title = "Response too large"


class UnsupportedMediaType(DomainError):
    status = 415
    title = "Unsupported media type"


class IdempotencyMismatch(DomainError):
    """The Idempotency-Key was already used with a different request."""
    status = 422
    title = "Idempotency key reused"


class ServiceUnavailable(DomainError):
    status = 503
    title = "Service unavailable"

    def __init__(self, detail: str, retry_after: int = 1) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})
