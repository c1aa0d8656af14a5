"""GET /docs and GET /docs/assets/{name}: public, offline, relative, allow-listed.

The browser test (tests/blackbox/test_docs_page.py) shows the page renders; these check
what it is made of, through Chalice's test client."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import app as _app  # noqa: F401  (registers every route)
from chalicelib.faces import http, reference_page
from chalicelib.faces.reference_page import ASSETS, FACES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def client():
    from chalice.test import Client

    from app import app

    with Client(app) as test_client:
        yield test_client


def get(client, path, **headers):
    return client.http.get(path, headers=headers)


def config_of(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="reference-config">(.*?)</script>', html, re.S)
    assert found, html
    return json.loads(found.group(1))


def test_the_page_offers_every_face_of_the_api():
    assert set(FACES) == {r.face for r in http.ROUTES}
    assert FACES[0] == "together"


def test_the_public_routes_are_not_scoped_routes():
    assert {(r.method, r.path) for r in http.PAGE_ROUTES} == {("GET", "/docs"), ("GET", "/docs/assets/{name}")}
    assert not {r.path for r in http.ROUTES} & {r.path for r in http.PAGE_ROUTES}


def test_the_page_needs_no_key_and_lists_each_face_document(client):
    response = get(client, "/docs")
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    config = config_of(response.body.decode())
    assert config == {"urls": [{"url": f"openapi/{face}.json", "name": face} for face in FACES],
                      "primary": "together"}


@pytest.mark.parametrize("face", FACES)
def test_face_preselects_a_face(client, face):
    response = get(client, f"/docs?face={face}")
    assert response.status_code == 200
    assert config_of(response.body.decode())["primary"] == face


def test_an_unknown_face_is_a_400_naming_the_faces(client):
    response = get(client, "/docs?face=nope")
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "together, lgl, givebutter, mpdx" in json.loads(response.body)["detail"]


def test_an_unknown_query_parameter_is_a_400(client):
    assert get(client, "/docs?fcae=mpdx").status_code == 400


def test_every_url_on_the_page_is_relative_and_served_here(client):
    html = get(client, "/docs").body.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(urls) == 6, urls
    assert 'href="data:,"' in html  # the icon: so the browser asks for no /favicon.ico
    for url in urls:
        if url == "data:,":
            continue
        assert not re.match(r"^(\w+:|/)", url), f"not relative: {url}"  # no scheme, no host, no root
        assert url.startswith("docs/assets/"), url
        name = url.removeprefix("docs/assets/").split("?", 1)[0]
        assert name in ASSETS
        assert get(client, "/" + url).status_code == 200, url
    assert "http://" not in html and "https://" not in html


def test_the_page_may_load_nothing_from_elsewhere(client):
    csp = get(client, "/docs").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    for kind in ("script-src", "style-src", "img-src", "connect-src", "font-src"):
        sources = directives[kind].split()
        assert set(sources) <= {"'self'", "'unsafe-inline'", "data:"}, kind
    assert "'unsafe-inline'" not in directives["script-src"]


def test_the_initializer_turns_off_the_online_validator():
    assert "validatorUrl: null" in reference_page.INITIALIZER


@pytest.mark.parametrize("name", sorted(ASSETS))
def test_each_asset_is_served_with_its_type_and_a_long_cache(client, name):
    response = get(client, f"/docs/assets/{name}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == ASSETS[name]
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert len(response.body) > 100


def test_the_bundle_is_swagger_ui_5_which_reads_openapi_3_1(client):
    bundle = get(client, "/docs/assets/swagger-ui-bundle.js").body.decode()
    versions = re.findall(r'"(5\.\d+\.\d+)"', bundle)
    assert versions and max(tuple(map(int, v.split("."))) for v in versions) >= (5, 17, 0), versions
    assert "SwaggerUIBundle" in bundle
    assert "SwaggerUIStandalonePreset" in get(client, "/docs/assets/swagger-ui-standalone-preset.js").body.decode()
    assert ".swagger-ui" in get(client, "/docs/assets/swagger-ui.css").body.decode()


@pytest.mark.parametrize("name", [
    "index.html", "swagger-initializer.js", "..%2F__init__.py", "..%2F..%2Fredoc%2Fvendor%2Fredoc.standalone.js",
    "%2E%2E", "swagger-ui.css%00", "SWAGGER-UI.CSS", "swagger-ui.css.map", "favicon-32x32.png", ".", "..",
])
def test_anything_not_allow_listed_is_a_404(client, name):
    response = get(client, f"/docs/assets/{name}")
    assert response.status_code == 404, (name, response.body[:200])
    assert response.headers["Content-Type"] == "application/problem+json"


def test_deeper_paths_are_not_routed(client):
    assert get(client, "/docs/assets/../../app.py").status_code in (403, 404)
    assert get(client, "/docs/assets/x/swagger-ui.css").status_code in (403, 404)


def test_importing_the_app_reads_no_asset_and_imports_no_bundle():
    """Cold start pays for neither: the files are read on the first request for them."""
    probe = ("import sys, app; from chalicelib.faces import reference_page as r; "
             "print(r.asset.cache_info().currsize, any(m.startswith('openapi_ui_bundles') for m in sys.modules))")
    env = {"API_KEY_PEPPER": "p" * 32, "TABLE_NAME": "t", "AWS_DEFAULT_REGION": "us-east-1", "PATH": ""}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "False"]
