"""The HTTP edge shared by every face: routes with declared scopes, authentication,
exact JSON, and one middleware that answers every error in the face's own shape.

Chalice turns exceptions raised in a view into its own responses before middleware runs,
except subclasses of ChaliceUnhandledError; so each view's errors travel as `Escalated`
and the middleware renders them. Chalice's own error responses (bad JSON, 405, 415) are
reshaped by the same middleware.
"""
from __future__ import annotations

import contextvars
import json
import logging
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Protocol

from chalice import Blueprint, Chalice, Response
from chalice.app import ChaliceUnhandledError, Request

from .. import auth
from ..observability import request_ids
from . import request_metrics
from ..errors import (BadRequest, DomainError, FieldError, MethodNotAllowed, NotFound, ResponseTooLarge,
                      UnsupportedMediaType, ValidationFailed)

log = logging.getLogger("donor_api")
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
HEAD = "HEAD"  # served wherever GET is, by the GET view; the middleware drops the body
# AWS Lambda returns at most 6 MB (the whole invocation response, body JSON-escaped).
LAMBDA_RESPONSE_MAX = 6 * 1024 * 1024
# No body schema has 40 fields, nor a field name of 40 characters: far beyond that, a body is
# refused whole, before validation (whose work and error list grow with every member).
BODY_MEMBERS_MAX = 100
MEMBER_NAME_MAX = 100
_principal: contextvars.ContextVar[auth.Principal | None] = contextvars.ContextVar("principal", default=None)
_log_notes: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("log_notes", default=None)


def note_in_log(name: str, value: Any) -> None:
    """Add a field to this request's log line (say, the body fields a face ignored)."""
    notes = _log_notes.get()
    if notes is not None:
        notes[name] = value


class ErrorShape(Protocol):
    def __call__(self, error: DomainError, request: Request | None) -> Response: ...


@dataclass(frozen=True)
class Param:
    """A query, path or header parameter of a route: what `query` accepts, and what the
    OpenAPI document says of it (`schema` is JSON Schema: type, enum, limits, format)."""
    name: str
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"}, hash=False)
    description: str = ""


@dataclass(frozen=True)
class RouteSpec:
    """One declared route: how it is served (scope) and what its reference document says.

    `scope` None is a public route (no key). `params` are the query parameters the view
    accepts (`Call.query` refuses any other), `headers` the request headers it reads, `body`
    the pydantic model it parses the body with, `response` the model of its success body
    (None: no body) answered with `status` and `response_headers`: the name of a model in the
    face's `responses` module, imported only to build the document (a cold start skips it)."""
    face: str
    path: str
    method: str
    scope: str | None
    view: str = ""
    doc: str = ""
    params: tuple[Param, ...] = ()
    path_params: tuple[Param, ...] = ()
    headers: tuple[Param, ...] = ()
    body: type | None = None
    response: str | None = None
    status: int = 200
    response_headers: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()   # other paths served by the same view (LGL's `.json` forms)

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.path, *self.aliases)


def always(route: RouteSpec) -> bool:
    return True


def scoped(route: RouteSpec) -> bool:
    return route.scope is not None


def writes(route: RouteSpec) -> bool:
    return route.scope == auth.WRITE


def with_body(route: RouteSpec) -> bool:
    return route.body is not None


@dataclass(frozen=True)
class ErrorStatus:
    """A status the face answers in its error shape, and which routes can answer it."""
    status: int
    description: str
    applies: Callable[[RouteSpec], bool] = always


# The error statuses every face answers alike; a face adds its own (`with_common_errors`).
COMMON_ERRORS = (
    ErrorStatus(401, "No key, or an unknown or revoked key", scoped),
    ErrorStatus(403, "A READ key on a write route", writes),
    ErrorStatus(405, "A method the path does not serve; `Allow` lists those it does"),
    ErrorStatus(500, "An unexpected error (logged); a response beyond AWS Lambda's 6 MB"),
    ErrorStatus(503, "The data store is throttling or unreachable, or write contention; retry after "
                     "`Retry-After`", scoped),
)


def with_common_errors(*own: ErrorStatus) -> tuple[ErrorStatus, ...]:
    """A face's error statuses: its own and the common ones, by status."""
    return tuple(sorted((*own, *COMMON_ERRORS), key=lambda error: error.status))


@dataclass(frozen=True)
class Face:
    name: str
    render_error: ErrorShape
    credentials: Callable[[Request], str | None]
    title: str = ""
    media_type: str = "application/json"        # of its request and success bodies
    error_media_type: str = "application/json"
    responses: str = ""                          # the module of its response models (imported lazily)
    error_model: str = ""                        # the model of its error body, in `responses`
    errors: tuple[ErrorStatus, ...] = ()         # every error status it answers
    # Ways to send the key besides Bearer, as OpenAPI security schemes (name -> scheme).
    security: dict[str, dict[str, Any]] = field(default_factory=dict, hash=False)


# Every route the faces declare, with its scope: tests walk this so no route escapes.
ROUTES: list[RouteSpec] = []
# Routes outside every face's API (the reference page and its assets; public, scope None):
# not in ROUTES, so no face's document lists them; listed so 405s name what they serve.
PAGE_ROUTES: list[RouteSpec] = []
FACES: dict[str, Face] = {}
# Which face answers a path: by (path, method), as two faces may share a path (LGL lists
# `/api/v1/funds`, the native face creates funds there); by path alone for the methods none serves.
_FACE_OF_PATH: dict[tuple[str, str | None], Face] = {}


class Escalated(ChaliceUnhandledError):
    """Carries a view's exception past Chalice to the error middleware."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True)
class Call:
    """What a view gets: the request, who is calling, and the parsed parts it needs."""
    request: Request
    principal: auth.Principal | None
    route: RouteSpec | None = None

    @property
    def org(self) -> str:
        return self.principal.org

    def query(self) -> dict[str, str]:
        """The query parameters, each one the route declares (an unknown one is a 400)."""
        return query(self.request, self.route.param_names if self.route else ())

    def header(self, name: str) -> str | None:
        return self.request.headers.get(name)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization") or ""
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class FaceRoutes:
    """Declares a face's routes on a Blueprint, each with the scope it needs."""

    def __init__(self, face: Face) -> None:
        self.face = face
        self.blueprint = Blueprint(f"chalicelib.faces.{face.name}")
        FACES[face.name] = face

    def route(self, path: str, method: str, scope: str | None, *, params: tuple[Param, ...] = (),
              path_params: tuple[Param, ...] = (), headers: tuple[Param, ...] = (), body: type | None = None,
              response: str | None = None, status: int | None = None,
              response_headers: tuple[str, ...] = (), aliases: tuple[str, ...] = ()) -> Callable:
        """Register `view` for `method` on `path`, needing a key of `scope` (None: public).

        The rest declares what the view reads and answers (see RouteSpec); the OpenAPI
        document of the face is generated from these declarations and the view's docstring."""
        def register(view: Callable[..., Response]) -> Callable[..., Response]:
            spec = RouteSpec(self.face.name, path, method, scope, view=view.__name__,
                             doc=(view.__doc__ or "").strip(), params=params, path_params=path_params,
                             headers=headers, body=body, response=response,
                             status=status or {"POST": 201, "DELETE": 204}.get(method, 200),
                             response_headers=response_headers, aliases=aliases)

            def handler(**values: str) -> Response:
                request = self.blueprint.current_request
                try:
                    principal = None
                    if scope is not None:
                        principal = auth.authenticate(self.face.credentials(request))
                        _principal.set(principal)
                        principal.require(scope)
                    return view(Call(request, principal, spec), **values)
                except Exception as exc:  # every error leaves in the face's own shape
                    raise Escalated(exc) from exc

            handler.__name__ = f"{self.face.name}_{view.__name__}"
            # Any media type reaches the view: body parsers check it and answer in the face's shape.
            methods = [method, HEAD] if method == "GET" else [method]
            for served in spec.paths:
                self.blueprint.route(served, methods=methods, content_types=["*/*"])(handler)
                _FACE_OF_PATH[(served, method)] = self.face
                _FACE_OF_PATH.setdefault((served, None), self.face)
            ROUTES.append(spec)
            return view

        return register


def allowed_methods(path: str) -> str:
    """The `Allow` of a path: the methods its views serve, HEAD wherever GET is."""
    served = {r.method for r in (*ROUTES, *PAGE_ROUTES) if path in r.paths}
    return ", ".join(sorted(served | ({HEAD} if "GET" in served else set())))


def add_method_fallbacks(app: Chalice) -> None:
    """Answer methods a path does not serve with 405 and `Allow`, in the face's shape.

    Registered as routes so API Gateway forwards them instead of answering itself.
    """
    for path, methods in list(app.routes.items()):
        missing = [m for m in (*HTTP_METHODS, HEAD) if m not in methods]
        if not missing:
            continue

        def not_allowed(_allowed: str = allowed_methods(path), **_params: str) -> Response:
            raise Escalated(MethodNotAllowed(
                f"{app.current_request.method} is not supported here; use {_allowed}.",
                headers={"Allow": _allowed},
            ))

        not_allowed.__name__ = "method_not_allowed" + re.sub(r"\W+", "_", path)
        app.route(path, methods=missing, content_types=["*/*"])(not_allowed)


def face_for(request: Request | None) -> Face | None:
    if request is None:
        return None
    path = request.context.get("resourcePath", "")
    method = "GET" if request.method == HEAD else request.method
    return _FACE_OF_PATH.get((path, method)) or _FACE_OF_PATH.get((path, None))


# Chalice's own error codes, and what they mean to a client.
_CHALICE_ERRORS: dict[str, type[DomainError]] = {
    "BadRequestError": BadRequest,
    "MethodNotAllowedError": MethodNotAllowed,
    "UnsupportedMediaType": UnsupportedMediaType,
    "NotFoundError": NotFound,
}


def error_middleware(fallback: Face) -> Callable[[Request, Callable[[Request], Response]], Response]:
    def middleware(request: Request, get_response: Callable[[Request], Response]) -> Response:
        started = time.monotonic()
        _principal.set(None)
        _log_notes.set({})
        face = face_for(request) or fallback
        with request_ids.bound(our_request_id(request)) as request_id:
            try:
                response = get_response(request)
                response = _reshape_chalice_error(response, face, request)
            except Escalated as escalated:
                response = _render(escalated.error, face, request)
            except Exception as exc:  # pragma: no cover - Chalice catches most before here
                response = _render(exc, face, request)
            if not _fits_lambda(response):
                response = _render(ResponseTooLarge(
                    "The response would exceed 6 MB, AWS Lambda's limit; ask for a smaller page."), face, request)
            if request.method == HEAD:  # GET's status and headers, never a body
                response.body = ""
            response.headers[REQUEST_ID_HEADER] = request_id
            ms = round((time.monotonic() - started) * 1000, 1)
            _log_request(request, response, ms, request_id)
            _record_metrics(face, request, response, ms, request_id)
        return response

    return middleware


REQUEST_ID_HEADER = "X-Request-Id"
CLIENT_REQUEST_ID_MAX = 128


def our_request_id(request: Request) -> str:
    """The Lambda invocation's id (the runtime prints it on every log line it writes and on
    START/END/REPORT; `chalice local` and chalice's test client make a uuid4 one), else API
    Gateway's, else a fresh uuid4.
    A client's X-Request-Id is never used as ours: it is logged as `client_request_id`."""
    lambda_context = getattr(request, "lambda_context", None)
    return (getattr(lambda_context, "aws_request_id", None) or request.context.get("requestId")
            or request_ids.new())


def _render(error: BaseException, face: Face, request: Request | None) -> Response:
    if not isinstance(error, DomainError):
        log.error("unhandled error", exc_info=error)
        error = DomainError("The server could not complete the request; it has been logged.")
    elif error.status >= 500:  # throttling or an unreachable store: operators want to see it
        log.warning("unavailable: %s", error.detail, exc_info=error.__cause__)
    return face.render_error(error, request)


def _fits_lambda(response: Response) -> bool:
    body = response.body
    if isinstance(body, (str, bytes)) and len(body) * 16 <= LAMBDA_RESPONSE_MAX:
        return True  # even escaped at 12 bytes a character, with room for the headers
    size = len(json.dumps(response.to_dict()).encode())
    if size > LAMBDA_RESPONSE_MAX:
        log.warning("response of %d bytes replaced: beyond Lambda's limit", size)
    return size <= LAMBDA_RESPONSE_MAX


def _reshape_chalice_error(response: Response, face: Face, request: Request | None) -> Response:
    body = response.body
    if response.status_code < 400 or not isinstance(body, dict) or set(body) != {"Code", "Message"}:
        return response
    kind = _CHALICE_ERRORS.get(body["Code"], DomainError)
    message = body["Message"]
    if kind is BadRequest and "json" in message.lower():
        message = "The request body is not valid JSON."
    # Chalice's own 405 lists every registered method, the 405 fallbacks too: say what is served.
    headers = {"Allow": allowed_methods(request.context.get("resourcePath", ""))} if (
        kind is MethodNotAllowed and request is not None) else {}
    return face.render_error(kind(message, headers=headers), request)


def _log_request(request: Request, response: Response, ms: float, request_id: str) -> None:
    principal = _principal.get()
    log.info(json.dumps({
        "msg": "request",
        "request_id": request_id,
        "apigw_request_id": request.context.get("requestId"),
        "client_request_id": (request.headers.get(REQUEST_ID_HEADER) or "")[:CLIENT_REQUEST_ID_MAX] or None,
        "method": request.method,
        "path": request.path,  # Chalice's path is the route's pattern, never ids or names
        "status": response.status_code,
        "key_id": principal.key_id if principal else None,  # never the key itself
        "org": principal.org if principal else None,
        "ms": ms,
        **(_log_notes.get() or {}),
    }))


def _record_metrics(face: Face, request: Request, response: Response, ms: float, request_id: str) -> None:
    principal = _principal.get()
    try:
        request_metrics.record(face.name, request.path, request.method,
                               response.status_code, ms,
                               {"request_id": request_id, "org": principal.org if principal else None})
    except Exception:  # metrics must never cost the client its answer
        log.exception("request metrics not written")


# ---- request parsing -------------------------------------------------------------------

def json_body(request: Request, media_types: tuple[str, ...] = ("application/json",)) -> dict[str, Any]:
    """The body as a JSON object, numbers exact (Decimal), or a clear 4xx."""
    _require_media_type(request, media_types)
    raw = request.raw_body
    if not raw or not raw.strip():
        raise BadRequest("The request needs a JSON object body.")
    too_deep = BadRequest("The request body is nested too deeply.", [FieldError("body", "is nested too deeply")])
    try:
        body = json.loads(raw, parse_float=Decimal)
    except RecursionError:  # a few thousand '[' exhaust the parser's stack
        raise too_deep from None
    except (ValueError, UnicodeDecodeError) as exc:
        where = f" at line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise BadRequest(f"The request body is not valid JSON{where}.",
                         [FieldError("body", getattr(exc, "msg", str(exc)))]) from None
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.", [FieldError("body", "must be an object")])
    _require_few_members(body)
    try:  # "\ud800" parses, but cannot be stored or sent anywhere
        json.dumps(body, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest("The request body holds an unpaired surrogate escape (\\ud800-\\udfff).",
                         [FieldError("body", "is not valid Unicode")]) from None
    except RecursionError:  # parsed just under the limit, but too deep to encode again
        raise too_deep from None
    return body


def _require_media_type(request: Request, media_types: tuple[str, ...]) -> None:
    """415 unless the Content-Type is one of `media_types` (a body without one too), in UTF-8."""
    media_type, *parameters = (request.headers.get("content-type") or "").split(";")
    media_type = media_type.strip().lower()
    wanted = " or ".join(media_types)
    if media_type not in media_types:
        sent = f"not {media_type}" if media_type else "and say so in a Content-Type header"
        raise UnsupportedMediaType(f"Send the body as {wanted}, {sent}.")
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        charset = value.strip().strip('"')
        if name.strip().lower() == "charset" and charset.lower() != "utf-8":
            raise UnsupportedMediaType(f"Send the body as {wanted} in UTF-8 (charset=utf-8), not {charset[:40]}.")


def _require_few_members(body: dict[str, Any]) -> None:
    """Refuse a body far larger than any schema, so neither the work nor the 422 grows with it."""
    if len(body) > BODY_MEMBERS_MAX:
        message = f"has {len(body)} members; no resource has more than {BODY_MEMBERS_MAX} fields"
    elif any(len(name) > MEMBER_NAME_MAX for name in body):
        message = f"has a member name longer than {MEMBER_NAME_MAX} characters; no field's is"
    else:
        return
    raise ValidationFailed(f"The request body {message}.", [FieldError("body", message)])


def query(request: Request, allowed: tuple[str, ...]) -> dict[str, str]:
    """Query parameters, each at most once; an unknown one is named in a 400.
    Views call `Call.query`, which allows exactly the parameters their route declares."""
    params = request.query_params or {}
    out: dict[str, str] = {}
    for name in params:
        if name not in allowed:
            raise BadRequest(f"Unknown query parameter: {name}",
                             [FieldError(name, f"is not a parameter here; use {', '.join(allowed)}")])
        values = params.getlist(name)
        if len(values) > 1:
            raise BadRequest(f"Query parameter {name} was given {len(values)} times.",
                             [FieldError(name, "give it once")])
        out[name] = values[0]
    return out


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{{1,5}})?")
_SCHEMES = ("http", "https")


def request_url(request: Request) -> str:
    """The URL of the request's path as the client called it (no query string).

    The headers are the client's to forge: a `Host` that is not hostname[:port] gives a
    relative URL, and a proto other than http or https is ignored (http is assumed)."""
    path = request.context.get("path") or request.path
    host = request.headers.get("host") or ""
    if not _HOST.fullmatch(host):
        return path
    proto = (request.headers.get("x-forwarded-proto") or "").split(",")[0].strip().lower()
    return f"{proto if proto in _SCHEMES else 'http'}://{host}{path}"


# ---- responses -------------------------------------------------------------------------

def dumps(value: Any) -> str:
    """JSON with exact numbers: a Decimal keeps its digits, an integral one stays an integer."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return str(value.quantize(1)) if value == value.to_integral_value() else format(value, "f")
    return json.dumps(value, ensure_ascii=False)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None,
                  content_type: str = "application/json") -> Response:
    return Response(body=dumps(body), status_code=status,
                    headers={"Content-Type": content_type, **(headers or {})})


def empty_response(status: int = 204, headers: dict[str, str] | None = None) -> Response:
    return Response(body="", status_code=status, headers=headers or {})
