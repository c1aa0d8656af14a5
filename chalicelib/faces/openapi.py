"""The OpenAPI 3.1 document of a face, generated from its route declarations (`http.ROUTES`)
and the pydantic models that parse its requests and describe its responses.

Nothing here is maintained beside the code: paths, parameters, bodies, statuses, headers and
descriptions all come from `FaceRoutes.route` declarations, the views' docstrings and the
face's `ErrorStatus` table. Built on the first request for a face and cached (never at import:
app.py does not import this module). `make docs` writes the same documents to docs/openapi/.
"""
from __future__ import annotations

import copy
import importlib
import json
import re
from functools import lru_cache
from typing import Any

from pydantic.json_schema import models_json_schema

from .http import FACES, HEAD, REQUEST_ID_HEADER, ROUTES, Face, RouteSpec

OPENAPI_VERSION = "3.1.0"
REF = "#/components/schemas/{model}"
SECURITY_SCHEME = "bearer"

# Response headers every face sends alike, by name: what they mean.
HEADERS: dict[str, dict[str, Any]] = {
    REQUEST_ID_HEADER: {"description": "This request's id, also on every log line it wrote",
                        "schema": {"type": "string"}},
    "ETag": {"description": 'The record\'s version, e.g. "3": send it back in If-Match',
             "schema": {"type": "string"}},
    "Location": {"description": "The created record's path", "schema": {"type": "string"}},
    "Idempotent-Replayed": {"description": "`true` when this is the replay of an earlier request with the "
                                           "same Idempotency-Key (nothing was created)",
                            "schema": {"type": "string", "enum": ["true"]}},
    "WWW-Authenticate": {"description": 'The Bearer challenge: realm="donor-relations-api", with '
                                        'error="invalid_token" when a key was sent but is not valid',
                         "schema": {"type": "string"}},
    "Allow": {"description": "The methods the path serves (HEAD wherever GET is)", "schema": {"type": "string"}},
    "Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer", "minimum": 0}},
    "X-Ignored-Fields": {"description": "The body fields that were not used (unknown to this resource, or "
                                        "records not kept yet), comma separated; sent only when there are any",
                         "schema": {"type": "string"}},
}
OPTIONAL_HEADERS = ("Idempotent-Replayed", "X-Ignored-Fields")
for _name, _header in HEADERS.items():  # sent on every response that names them, but these
    _header["required"] = _name not in OPTIONAL_HEADERS
# Headers an error status always carries (errors.py).
ERROR_HEADERS = {401: ("WWW-Authenticate",), 405: ("Allow",), 503: ("Retry-After",)}


def faces() -> list[str]:
    return sorted(FACES)


@lru_cache(maxsize=None)
def compact(face_name: str) -> str:
    """The face's document as compact JSON, built once per process: what the route answers."""
    return json.dumps(build(face_name), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def document(face_name: str) -> dict[str, Any]:
    """The face's document (a fresh copy of the cached one: callers may change it)."""
    return json.loads(compact(face_name))


def render(face_name: str) -> str:
    """The document as written to docs/openapi/: sorted keys, 2-space indent, a final newline."""
    return json.dumps(document(face_name), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def build(face_name: str) -> dict[str, Any]:
    face = FACES[face_name]
    routes = [r for r in ROUTES if r.face == face_name]
    responses = importlib.import_module(face.responses)
    wanted: list[tuple[type, str]] = []
    for model, mode in ([(r.body, "validation") for r in routes]
                        + [(getattr(responses, r.response), "serialization") for r in routes if r.response]
                        + [(getattr(responses, face.error_model), "serialization")]):
        if model is not None and (model, mode) not in wanted:
            wanted.append((model, mode))
    refs, definitions = models_json_schema(wanted, ref_template=REF)
    refs = {(model.__name__ if mode == "serialization" else model, mode): ref
            for (model, mode), ref in refs.items()}
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        for n, path in enumerate(route.paths):  # an alias (LGL's `.json` form) is the same operation
            operations = paths.setdefault(path, {})
            operation = _operation(route, face, refs, path)
            if n:
                operation["operationId"] += f"_alias{n}"
                operation["summary"] += f" (also at {route.path})"
            operations[route.method.lower()] = operation
            if route.method == "GET":
                operations[HEAD.lower()] = _head(operations["get"])
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": f"Donor relations API: the {face.title or face.name} face",
            "version": "1",
            "description": f"Every route of the {face.name} face, generated from its declarations "
                           "(chalicelib/faces/openapi.py). Authenticate with `Authorization: Bearer <key>`; "
                           "every response carries X-Request-Id.",
        },
        # Relative to where the document is served (`<base>/openapi/<face>.json`): the API's base,
        # stage prefix included when deployed, so "Try it out" on /docs calls the same API.
        "servers": [{"url": "..", "description": "The API that serves this document"}],
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "headers": copy.deepcopy(HEADERS),
            "securitySchemes": {SECURITY_SCHEME: {
                "type": "http", "scheme": "bearer",
                "description": "An API key (`keys create`), with scope READ or WRITE"}, **face.security},
        },
        "security": [{name: []} for name in (SECURITY_SCHEME, *face.security)],
    }


def _summary(route: RouteSpec) -> tuple[str, str]:
    first, _, rest = route.doc.partition("\n\n")
    return " ".join(first.split()), re.sub(r"\n\s*", "\n", rest.strip())


def _parameter(param, where: str, required: bool = False) -> dict[str, Any]:
    out = {"name": param.name, "in": where, "required": required, "schema": dict(param.schema)}
    if param.description:
        out["description"] = param.description
    return out


def _header_refs(names) -> dict[str, Any]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in (*names, REQUEST_ID_HEADER)}


def _operation(route: RouteSpec, face: Face, refs: dict, path: str) -> dict[str, Any]:
    summary, description = _summary(route)
    declared = {p.name: p for p in route.path_params}
    path_vars = re.findall(r"\{(\w+)\}", path)
    parameters = [_parameter(declared.get(name) or _Plain(name), "path", required=True) for name in path_vars]
    parameters += [_parameter(p, "query") for p in route.params]
    parameters += [_parameter(p, "header") for p in route.headers]
    op: dict[str, Any] = {
        "operationId": f"{face.name}_{route.view}",
        "summary": summary or f"{route.method} {route.path}",
        "tags": [face.name],
        "parameters": parameters,
        "responses": {},
    }
    if description:
        op["description"] = description
    if route.scope is None:
        op["security"] = []  # public: no key needed
    else:
        op["x-scope"] = route.scope
        op["description"] = (description + "\n\n" if description else "") + f"Needs a {route.scope} key."
    if route.body is not None:
        op["requestBody"] = {"required": True,
                             "content": {face.media_type: {"schema": refs[(route.body, "validation")]}}}
    success: dict[str, Any] = {"description": _STATUS_TEXT.get(route.status, "Success"),
                               "headers": _header_refs(route.response_headers)}
    if route.response is not None:
        success["content"] = {face.media_type: {"schema": refs[(route.response, "serialization")]}}
    op["responses"][str(route.status)] = success
    error_schema = refs[(face.error_model, "serialization")]
    for error in face.errors:
        if error.applies(route):
            op["responses"][str(error.status)] = {
                "description": error.description,
                "headers": _header_refs(ERROR_HEADERS.get(error.status, ())),
                "content": {face.error_media_type: {"schema": error_schema}},
            }
    return op


def _head(get: dict[str, Any]) -> dict[str, Any]:
    """HEAD answers as GET, with the same status and headers and no body."""
    head = copy.deepcopy(get)
    head["operationId"] += "_head"
    head["summary"] = f"{get['summary']} (HEAD: status and headers only)"
    for response in head["responses"].values():
        response.pop("content", None)
    return head


class _Plain:
    def __init__(self, name: str) -> None:
        self.name, self.schema, self.description = name, {"type": "string"}, ""


_STATUS_TEXT = {200: "OK", 201: "Created", 204: "No content"}
