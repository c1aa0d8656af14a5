"""The API reference page (GET /docs) in a real headless Chromium, against the `make run` server.

Chromium is Debian's package (`make test` runs tools/ensure_chromium first; so does this
module when it is missing); no browser is downloaded. Every host but the local server is
unresolvable for it, so the page can only render from what the API serves. A screenshot of
each face's page is kept in test-artifacts/ (gitignored).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

import app as _app  # noqa: F401  (registers every route in http.ROUTES)
from chalicelib.faces import http
from chalicelib.faces.reference_page import ASSETS, FACES

from .local_stack import ROOT

pytestmark = pytest.mark.blackbox

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
BROWSER_TIMEOUT = 240  # a guard against a hung browser, not a speed test: a loaded 2-core machine renders the LGL document slowly


@pytest.fixture(scope="module")
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        subprocess.run([str(ROOT / "tools" / "ensure_chromium")], check=True, timeout=900)
    return CHROMIUM


def browse(chromium: str, url: str, *args: str) -> subprocess.CompletedProcess:
    """One headless Chromium run on `url`: offline but for 127.0.0.1, a fresh profile, no
    background traffic; it waits (virtual time) for the page's scripts and fetches."""
    with tempfile.TemporaryDirectory(prefix="docs-page-chromium-") as profile:
        return subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", "--disable-extensions", "--hide-scrollbars",
             "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
             f"--user-data-dir={profile}", "--virtual-time-budget=15000", *args, url],
            capture_output=True, text=True, timeout=BROWSER_TIMEOUT)


def rendered(chromium: str, url: str) -> str:
    done = browse(chromium, url, "--dump-dom")
    assert done.returncode == 0 and "</html>" in done.stdout, done.stderr[-2000:]
    return done.stdout


def requests_for(output: str, path_prefix: str) -> list[str]:
    """The request lines the local server logged (chalice's access log) for paths under a prefix."""
    return re.findall(rf'"GET ({re.escape(path_prefix)}[^ "]*) HTTP/1\.1" (\d+)', output)


def test_make_run_prints_the_page_address(server):
    assert f"API docs:  {server.base}/docs " in server.output()


@pytest.mark.parametrize("face", FACES)
def test_the_page_renders_the_face_picker_and_asks_for_the_face_document(server, chromium, face):
    before = len(server.output())
    dom = rendered(chromium, f"{server.base}/docs?face={face}")
    after = server.output()[before:]

    # Swagger UI ran: its layout is in the DOM, which only its scripts (served by the API) build.
    assert 'class="swagger-ui"' in dom, dom[:2000]
    # The face picker (Swagger UI's `urls` select) lists every face's document, in order.
    # (The document's servers list is a select too: only the options naming documents count.)
    options = re.findall(r'<option value="(openapi/[^"]*)">([^<]*)</option>', dom)
    assert options == [(f"openapi/{f}.json", f) for f in FACES], options
    assert '<option value="..">' in dom  # "Try it out" calls the API that served the document
    # Its scripts and style came from the API itself.
    assets = {path.split("?", 1)[0]: status for path, status in requests_for(after, "/docs/assets/")}
    assert assets == {f"/docs/assets/{name}": "200" for name in ASSETS}, after[-3000:]
    # `?face=` preselected this face: the browser asked for its document (relative URL), and no other.
    documents = [path for path, _ in requests_for(after, "/openapi/")]
    assert documents == [f"/openapi/{face}.json"], after[-3000:]


class Operations(HTMLParser):
    """Swagger UI's rendered operations, in order: (method, path) of each `.opblock`, from its
    `opblock-summary-method` text and its `opblock-summary-path`'s `data-path` (5.17 renders
    the path's text with <wbr> breaks, the attribute whole)."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks = 0
        self.methods: list[str] = []
        self.paths: list[str] = []
        self._in_method = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if "opblock" in classes:
            self.blocks += 1
        if "opblock-summary-method" in classes:
            self._in_method = True
            self.methods.append("")
        if "opblock-summary-path" in classes:
            self.paths.append(found.get("data-path") or "")

    def handle_endtag(self, tag: str) -> None:
        self._in_method = False

    def handle_data(self, data: str) -> None:
        if self._in_method:
            self.methods[-1] += data.strip()


def operations_in(dom: str) -> list[tuple[str, str]]:
    parser = Operations()
    parser.feed(dom)
    assert parser.blocks == len(parser.methods) == len(parser.paths), (parser.blocks, parser.methods, parser.paths)
    return list(zip(parser.methods, parser.paths))


def served_by(face: str) -> set[tuple[str, str]]:
    """What the face serves: its routes in ROUTES, and HEAD wherever GET is (the document
    describes both, and Swagger UI renders HEAD operations)."""
    routes = {(r.method, path) for r in http.ROUTES if r.face == face for path in r.paths}
    return routes | {(http.HEAD, path) for method, path in routes if method == "GET"}


@pytest.mark.parametrize("face", FACES)
def test_the_page_shows_every_operation_of_the_face_and_nothing_else(server, chromium, face):
    dom = rendered(chromium, f"{server.base}/docs?face={face}")

    # The document loaded and resolved: no load failure, no error pane.
    assert "Failed to load API definition" not in dom, dom[:3000]
    assert "errors-wrapper" not in dom, dom[:3000]
    # Each route of the face is an operation (docExpansion "list", Swagger UI's default, so
    # no click is needed), once; and nothing the face does not serve.
    shown = operations_in(dom)
    assert len(shown) == len(set(shown)), shown
    expected = served_by(face)
    assert set(shown) == expected, (sorted(expected - set(shown)), sorted(set(shown) - expected))


def test_the_page_keeps_a_screenshot_of_each_face(server, chromium):
    ARTIFACTS.mkdir(exist_ok=True)
    for face in FACES:
        shot = ARTIFACTS / f"docs-{face}.png"
        shot.unlink(missing_ok=True)
        done = browse(chromium, f"{server.base}/docs?face={face}", f"--screenshot={shot}", "--window-size=1280,2000")
        assert done.returncode == 0, done.stderr[-2000:]
        assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", face
        assert shot.stat().st_size > 10_000, f"{shot} looks blank"
