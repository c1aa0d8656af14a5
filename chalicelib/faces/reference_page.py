"""The interactive API reference: `GET /docs` and the Swagger UI files it loads.

Public (no key). The page picks a face with Swagger UI's `urls` option, one entry per face's
`openapi/{face}.json`; `?face=` preselects one. Every URL on the page is relative, so it works
under API Gateway's stage prefix (`/api/docs` loads `/api/docs/assets/...` and
`/api/openapi/...`), and nothing comes from the internet: Swagger UI's built files come from
the `openapi-ui-bundles` package (a runtime requirement: the Lambda ships it), served by
`GET /docs/assets/{name}` from an explicit allow-list, and a Content-Security-Policy keeps
the page to its own origin.

Import cost stays out of cold start: the package is located and its files read on the first
request that needs them (then kept: they never change while the process lives).
"""
from __future__ import annotations

import functools
import json
from typing import Callable

from chalice import Blueprint, Response

from ..errors import BadRequest, FieldError, NotFound
from . import http

# The faces the page offers, in the picker's order (tests check it is every face in ROUTES).
FACES = ("together", "lgl", "givebutter", "mpdx")
PAGE_PATH = "/docs"
ASSET_PATH = "/docs/assets/{name}"
BUNDLE = "openapi_ui_bundles.swagger_ui"  # its `vendor/` holds Swagger UI's built files
BUNDLE_DISTRIBUTION = "openapi-ui-bundles"
JS = "text/javascript; charset=utf-8"
# name -> Content-Type: the only files served; anything else is a 404, whatever its path.
# Text only: a binary body (Swagger UI's favicons) would need API Gateway's binary media types
# and an Accept header to match; the page gives an empty data: icon instead.
ASSETS = {
    "swagger-ui-bundle.js": JS,
    "swagger-ui-standalone-preset.js": JS,
    "swagger-ui.css": "text/css; charset=utf-8",
    "index.css": "text/css; charset=utf-8",  # Swagger UI's page style (no body margin)
    "reference-page.js": JS,  # ours, below: the initializer (no inline script under the CSP)
}
ASSET_CACHE = "public, max-age=31536000, immutable"  # the page adds ?v=<bundle version> to bust it
# The page's own origin only; Swagger UI styles elements inline and draws icons as data: URIs.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

INITIALIZER = """\
// Starts Swagger UI with the face picker the page describes in #reference-config.
(function () {
  var config = JSON.parse(document.getElementById("reference-config").textContent);
  window.ui = SwaggerUIBundle({
    urls: config.urls,
    "urls.primaryName": config.primary,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout"
  });
})();
"""

PAGE = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Donor-relations API reference</title>
<link rel="stylesheet" href="docs/assets/swagger-ui.css?v={version}">
<link rel="stylesheet" href="docs/assets/index.css?v={version}">
<link rel="icon" href="data:,">
</head>
<body>
<div id="swagger-ui"></div>
<script type="application/json" id="reference-config">{config}</script>
<script src="docs/assets/swagger-ui-bundle.js?v={version}"></script>
<script src="docs/assets/swagger-ui-standalone-preset.js?v={version}"></script>
<script src="docs/assets/reference-page.js?v={version}"></script>
</body>
</html>
"""

blueprint = Blueprint(__name__)


def document_url(face: str) -> str:
    """Where the page fetches a face's OpenAPI document, relative to the page."""
    return f"openapi/{face}.json"


@functools.lru_cache(maxsize=1)
def bundle_version() -> str:
    from importlib import metadata

    return metadata.version(BUNDLE_DISTRIBUTION)


@functools.lru_cache(maxsize=None)
def asset(name: str) -> str:
    """An allow-listed file's content."""
    if name == "reference-page.js":
        return INITIALIZER
    from importlib import resources

    path = resources.files(BUNDLE).joinpath("vendor", name)
    return path.read_text(encoding="utf-8")


def page(face: str | None) -> str:
    if face is not None and face not in FACES:
        raise BadRequest(f"There is no face {face[:40]!r}; choose one of {', '.join(FACES)}.",
                         [FieldError("face", f"must be one of {', '.join(FACES)}")])
    config = {"urls": [{"url": document_url(f), "name": f} for f in FACES], "primary": face or FACES[0]}
    # In a <script> element only "</" could end it early: escape "<" (JSON allows \\u003c).
    return PAGE.format(version=bundle_version(), config=json.dumps(config).replace("<", "\\u003c"))


def _public(path: str) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """A GET (and HEAD) route anyone may call; its errors leave in the fallback face's shape."""
    def register(view: Callable[..., Response]) -> Callable[..., Response]:
        def handler(**params: str) -> Response:
            try:
                return view(**params)
            except Exception as exc:
                raise http.Escalated(exc) from exc

        handler.__name__ = f"reference_{view.__name__}"
        blueprint.route(path, methods=["GET", http.HEAD], content_types=["*/*"])(handler)
        http.PAGE_ROUTES.append(http.RouteSpec("reference", path, "GET", None))
        return view

    return register


@_public(PAGE_PATH)
def reference_page() -> Response:
    face = http.query(blueprint.current_request, ("face",)).get("face")
    return Response(body=page(face), status_code=200, headers={
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-cache",
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    })


@_public(ASSET_PATH)
def reference_asset(name: str) -> Response:
    if name not in ASSETS:  # an explicit allow-list: no path from the request reaches the disk
        raise NotFound(f"There is no asset {name[:80]!r} here.")
    return Response(body=asset(name), status_code=200, headers={
        "Content-Type": ASSETS[name],
        "Cache-Control": ASSET_CACHE,
        "X-Content-Type-Options": "nosniff",
    })
