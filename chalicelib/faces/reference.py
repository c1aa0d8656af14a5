"""`GET /openapi/{face}.json`: each face's OpenAPI 3.1 document, public (no key).

Served by the Together face (its problem+json answers an unknown face with 404). API Gateway
takes only whole path segments as variables, so the route is `/openapi/{document}` and the
view reads `<face>.json` from it. The document is built on the first request (openapi.py,
imported then, not at cold start) and cached for the life of the Lambda.
"""
from __future__ import annotations

from chalice import Response

from ..errors import NotFound
from .givebutter import routes as _givebutter  # noqa: F401  (every face registered before the enum below)
from .http import FACES, Call, Param
from .lgl import routes as _lgl  # noqa: F401
from .mpdx import routes as _mpdx  # noqa: F401
from .together import routes as together

PATH = "/openapi/{document}"
DOCUMENTS = tuple(f"{name}.json" for name in sorted(FACES))


@together.routes.route(PATH, "GET", None, response="OpenAPIDocument", path_params=(
    Param("document", {"type": "string", "enum": list(DOCUMENTS)}, "`<face>.json`"),))
def openapi_document(call: Call, document: str) -> Response:
    """The OpenAPI 3.1 document of one face; no key needed.

    Generated from the routes' declarations and models; docs/openapi/ holds the same
    documents. An unknown face is 404."""
    name = document.removesuffix(".json")
    if document not in DOCUMENTS:
        raise NotFound(f"There is no API reference {document[:100]!r}; use one of {', '.join(DOCUMENTS)}.")
    from . import openapi  # on the first request only: a cold start does not pay for it

    return Response(body=openapi.compact(name), status_code=200, headers={"Content-Type": "application/json"})
