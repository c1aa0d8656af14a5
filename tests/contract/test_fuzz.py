"""Property-based fuzzing of the HTTP edge of every face: no client input gets a 5xx, and
every error leaves in the face's own shape (never Chalice's {"Code", "Message"}).

The routes, their valid requests, body fields and query parameters come from the Face
descriptions (tests/contract/conftest.py), so a new face is fuzzed by being described.

Hypothesis forbids function-scoped fixtures inside @given, so each test builds its own
world (`built_world`: a moto table, organisations with WRITE and READ keys, a few records
and a chalice test client) and runs a nested @given property against it. State accumulates
across examples (a fuzzed create may succeed, a fuzzed delete may remove a record), so no
property depends on one record existing: a path variable is either text from a strategy
or taken from the n-th set of records live right now.

Every write that gets a 4xx is also checked to have changed nothing: every item of the
table is the same before and after. A write that succeeds must have used a WRITE key.
"""
from __future__ import annotations

import itertools
import json
import logging
import os
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from tests.contract.conftest import (  # noqa: I001  (sets the test environment before moto and the app load)
    KINDS, Face, Records, World as Orgs, built_world, described, face_of, table_state,
)

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from chalicelib.faces.http import HTTP_METHODS, ROUTES, RouteSpec
from chalicelib.faces.mpdx.media import JSONAPI

PREFIX = "/api/v1"
ROUTES = described(ROUTES)  # every face's; the guard (test_guard.py) fails on a route not described
BODY_ROUTES = [r for r in ROUTES if r.method in ("POST", "PUT", "PATCH")]
LIST_ROUTES = [r for r in ROUTES if r.method == "GET" and face_of(r).route(r).params is not None
               and "{" not in r.path.rsplit("/", 1)[-1]]  # the activity timeline too
ITEM_ROUTES = [r for r in ROUTES if "{" in r.path]
HEADER_ROUTES = [r for r in ROUTES if r.method in ("POST", "PUT", "PATCH", "DELETE")]

# FUZZ_SCALE=10 runs ten times the examples (a deeper local run); the default keeps the file near 70 s
# of one worker (measured over its 8 properties, 5 to 10 s each, over every face's routes).
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
FUZZ_SETTINGS = dict(
    deadline=None,
    database=None,  # examples depend on the world's state; a replayed one would mislead
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


def examples(n: int) -> int:
    return max(1, round(n * SCALE))


# ---- the world -------------------------------------------------------------------------------

@dataclass
class World:
    orgs: Orgs
    cursors: list[str] = field(default_factory=list)     # genuine cursors, to reuse on other lists
    known: dict | None = None                            # the last table state, while nothing changed
    live: list[Records] | None = None                    # the live record sets, while nothing changed

    @property
    def api(self):
        return self.orgs.api

    @property
    def org(self):
        return self.orgs.acme

    @property
    def ids(self) -> Records:
        return self.orgs.mine

    def key(self, scope: str) -> str:
        return self.org.write_key if scope == "WRITE" else self.org.read_key

    def snapshot(self, *, cached: bool = False) -> dict:
        """Every item of the table; `cached` reuses the last one when no request since could have changed it."""
        if cached and self.known is not None:
            return self.known
        self.known = table_state()
        return self.known

    def changed(self) -> None:
        self.known = self.live = None

    def record_set(self, n: int) -> Records:
        """The n-th (modulo) set of acme's live records: a donor, a contact log, its donor, a donation."""
        if self.live is None:
            lists = {}
            for collection in ("donors", "contact-logs", "donations"):
                response = self.api.get(f"{PREFIX}/{collection}?limit=100", self.org, scope="READ")
                assert response.status_code == 200, response.body
                lists[collection] = response.json["data"]
            size = max(1, *(len(v) for v in lists.values()))

            def pick(collection: str, i: int, name: str = "id") -> str:
                items = lists[collection]
                return str(items[i % len(items)][name]) if items else "1"

            # the world's other records (notes, contact points, catalogue values): gone once a fuzzed DELETE takes them
            points = {kind: self.ids[kind] for kind in KINDS if kind not in ("donor", "contact-log", "log-donor",
                                                                            "donation")}
            self.live = [{"donor": pick("donors", i), "contact-log": pick("contact-logs", i),
                          "log-donor": pick("contact-logs", i, "donor_id"), "donation": pick("donations", i),
                          **points} for i in range(size)]
        return self.live[n % len(self.live)]


class _ServerErrors(logging.Handler):
    """Collects the exceptions the app logs while answering (its 5xx path logs them)."""

    def __init__(self, into: list[BaseException]) -> None:
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.into.append(record.exc_info[1])


SERVER_ERRORS: list[BaseException] = []


@contextmanager
def world() -> Iterator[World]:
    """The contract world with two sets of acme's records (so that every list has a second page)."""
    handler = _ServerErrors(SERVER_ERRORS)
    logging.getLogger("donor_api").addHandler(handler)
    try:
        with built_world(sets=2) as orgs:
            w = World(orgs)
            api, org = orgs.api, orgs.acme
            for path in [f"{PREFIX}/{c}?limit=1" for c in ("donors", "contact-logs", "donations")] + [
                    f"{PREFIX}/donors/{orgs.mine['log-donor']}/activity?limit=1",
                    f"{PREFIX}/contact-logs?limit=1&follow_up=open",
                    f"{PREFIX}/donors?limit=1&sort=-name"]:
                cursor = api.get(path, org, scope="READ").json["next_cursor"]
                assert cursor, path
                w.cursors.append(cursor)
            yield w
    finally:
        logging.getLogger("donor_api").removeHandler(handler)


# ---- requests ----------------------------------------------------------------------------------

@dataclass
class Req:
    method: str
    route: RouteSpec               # whose path is filled at send time, and whose face answers
    record: tuple = ("live", 0)    # ("live", n): every path variable from the n-th live record set;
                                   # ("raw", text, slot) URL-quoted, or ("encoded", text, slot) as it
                                   # is, in the slot-th variable (modulo), the others live
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    scope: str = "WRITE"           # WRITE, READ or NONE (then headers carry any Authorization)

    @property
    def face(self) -> Face:
        return face_of(self.route)


def _fill(req: Req, w: World) -> str:
    ids = req.face.route(req.route).ids
    fixed = req.face.route(req.route).fixed
    if not ids:
        return req.route.path.format(**fixed)
    live = w.record_set(req.record[1] if req.record[0] == "live" else 0)
    values = {**fixed, **{var: live[kind] for var, kind in ids.items()}}
    if req.record[0] != "live":
        kind, text, slot = req.record
        var = list(ids)[slot % len(ids)]
        values[var] = text if kind == "encoded" else urllib.parse.quote(text, safe="")
    return req.route.path.format(**values)


def send(w: World, req: Req):
    """Send one request; assert no 5xx, the error shape, and that a refused write changed nothing."""
    write = req.method != "GET"
    url = _fill(req, w) + (f"?{req.query}" if req.query else "")
    before = w.snapshot(cached=True) if write else None
    headers = dict(req.headers)
    if req.scope != "NONE":
        headers["Authorization"] = f"Bearer {w.key(req.scope)}"
    headers_shown = ", ".join(f"{k!r}: {short(v)}" for k, v in req.headers.items())
    note(f"request: {req.method} {short(url)} scope={req.scope} headers={{{headers_shown}}} body={short(req.body)}")
    SERVER_ERRORS.clear()
    response = getattr(w.api.client.http, req.method.lower())(url, headers=headers, body=req.body)
    refused = 400 <= response.status_code < 500
    if write and not refused:
        w.changed()  # it may have changed something; the next write reads the table again
    check_response(req.face, response, SERVER_ERRORS[-1] if SERVER_ERRORS else None)
    if write and refused:
        after = w.snapshot()
        changed = {k: (before.get(k), after.get(k)) for k in set(before) | set(after) if before.get(k) != after.get(k)}
        assert not changed, f"a refused {req.method} ({response.status_code}) changed the data: {short(str(changed), 1500)}"
    if write and response.status_code < 300:  # a READ key never writes; nor does no key
        used = req.headers.get("Authorization", "") if req.scope == "NONE" else w.key(req.scope)
        assert w.org.write_key in used, f"a {req.scope} request wrote ({req.method}: {response.status_code}): {used!r}"
        assert req.method in {r.method for r in ROUTES if r.face == req.route.face and r.path == req.route.path}
    return response


def short(value: str | bytes | None, limit: int = 300) -> str:
    """A readable repr for failure reports: long runs of one character folded (`'0' * 5000`)."""
    if value is None:
        return "None"
    runs = [(key if isinstance(key, str) else bytes([key]), len(list(group)))
            for key, group in itertools.groupby(value)]
    if len(runs) <= 12 and any(n > 12 for _, n in runs):
        return " + ".join(repr(piece * n) if n <= 12 else f"{piece!r} * {n}" for piece, n in runs)
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(value)} long)"


def check_response(face: Face, response, server_error: BaseException | None = None) -> None:
    status = response.status_code
    if status >= 500:
        text = response.body.decode("utf-8", "replace") if isinstance(response.body, bytes) else response.body
        message = f"{status}: {short(text, 600)}"
        if server_error is None:
            raise AssertionError(message)
        # Chained, so that Hypothesis tells distinct server bugs apart and reports each one.
        raise AssertionError(f"{message}\nserver: {type(server_error).__name__}: "
                             f"{short(str(server_error), 600)}") from server_error
    if status >= 400:
        response.json = json.loads(response.body)
        face.assert_error(response, status)
        return
    if status == 204:
        assert not response.body
        return
    face.assert_success(response)


# ---- strategies: JSON values -------------------------------------------------------------------

class Raw(str):
    """JSON text written verbatim (numbers json.dumps cannot write, such as 1e999 or 40 digits)."""


def to_json(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    return json.dumps(value)  # NaN and Infinity too: Python's parser accepts them


SPECIAL_STRINGS = [
    "", " ", "\t", "null", "true", "0", "1", "-1", "01", "+1", "1.0", "1e3", "1E+2", "25.00", "0.001",
    "-5", "NaN", "-Infinity", "sNaN", "1e400", "1e-400", "999999999999", "1000000000000", "1000000000000.01",
    "²", "٣", "١٠١", "1_000", "0x10", "#", "a#b", "x y", "jane@example.org", "a@b.c", "not-an-email", "@.",
    "USD", "usd", "JPY", "BHD", "CLF", "XXX", "US", "USDD", "PHONE", "phone", "MEETING", "EMAIL", "check",
    "cash", "crypto", "2026-06-10", "2026-02-29", "2024-02-29", "2026-13-01", "0000-00-00", "9999-12-31",
    "2026-06-10T02:00:00Z", "2026-06-10T02:00:00.123456789+14:00", "2026-06-10t02:00z", "2026-06-10 02:00+0530",
    "2026-06-10T25:00:00Z", "2026-06-10T02:00:00", "2026-06-10T02:00:00+99:99", "0001-01-01T00:00:00-23:59",
    "9999-12-31T23:59:59+00:00", "\x00", "\u202e", "\ufeff", "\u00a0", "🙂", "\U0010ffff", "<script>",
    "' OR 1=1 --", "%00", "%2F", "../", "\\", "ext-mine0", "ext-mine1", "ext-theirs1", "ext 0", "ORG#acme",
    "phone_call", "completed_task", "America/New_York", "Etc/GMT+5", "../../etc/passwd", "contacts",
]
BIG_INTS = [0, -1, 1, 2**31, 2**53 + 1, 2**63, 2**64, -(2**63), 10**12 - 1, 10**12, 10**38, 10**39, 10**100]
NUMBER_LITERALS = st.from_regex(r"\A-?(0|[1-9][0-9]{0,40})(\.[0-9]{1,40})?([eE][+-]?[0-9]{1,7})?\Z").map(Raw)


def digit_runs() -> st.SearchStrategy[str]:
    """Very long numbers: Python's int() refuses more than 4300 digits."""
    lengths = st.one_of(st.sampled_from([12, 13, 40, 4300, 4301, 5000]), st.integers(1, 6000))
    return st.builds(lambda d, n: d * n, st.sampled_from("0123456789"), lengths)


def long_strings(max_size: int = 6000) -> st.SearchStrategy[str]:
    lengths = st.one_of(st.sampled_from([128, 129, 200, 201, 254, 255, 256, 1024, 1025, 5000, 5001, max_size]),
                        st.integers(0, max_size))
    return st.one_of(
        st.builds(lambda ch, n: ch * n, st.characters(codec="utf-8"), lengths),
        st.builds(lambda s, n: (s * n)[:n], st.text(min_size=1, max_size=8), lengths),
    )


def scalars(extra: list[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(), st.booleans(),
        st.integers(), st.integers(-(2**80), 2**80), st.sampled_from(BIG_INTS),
        st.floats(), st.sampled_from([1e308, -1e308, 5e-324, 1.5, 0.1, -0.0, 25.001]),
        NUMBER_LITERALS,
        st.text(max_size=40), st.sampled_from(SPECIAL_STRINGS + extra), long_strings(), digit_runs(),
    )


def json_values(extra: list[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        scalars(extra),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
        max_leaves=10,
    )


def json_bodies(route: RouteSpec, w: World) -> st.SearchStrategy[str]:
    """Objects mixing the route's fields (and read-only ones) with random names and any values."""
    spec = route_spec(route)
    names = list(spec.fields)
    extra: list[Any] = [w.ids["log-donor"], int(w.ids["log-donor"]), w.ids["contact-log"]]
    keys = st.one_of(st.sampled_from(names), st.sampled_from(names), st.text(max_size=20))
    fuzzed = st.dictionaries(keys, json_values(extra), max_size=8)
    valid = spec.body(w.ids)
    near_valid = st.builds(lambda changes, drop: {**{k: v for k, v in valid.items() if k not in drop}, **changes},
                           st.dictionaries(st.sampled_from(names), json_values(extra), max_size=3),
                           st.sets(st.sampled_from(sorted(valid)), max_size=2))
    return st.one_of(fuzzed, near_valid).map(to_json)


def deep(n: int, inner: str = "") -> str:
    return "[" * n + inner + "]" * n


RAW_BODIES = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(str.encode),
    json_values([]).map(lambda v: to_json(v).encode()),  # JSON, often not an object
    st.integers(1, 5_000).map(lambda n: deep(n).encode()),  # deep nesting
    st.integers(1, 5_000).map(lambda n: ('{"notes":' + deep(n) + "}").encode()),
    st.integers(1, 5_000).map(lambda n: ('{"a":' * n + "1" + "}" * n).encode()),
    st.integers(4000, 6000).map(lambda n: ('{"amount":' + "9" * n + "}").encode()),  # int digit limit
    st.sampled_from(["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252"]).map(
        lambda enc: json.dumps({"first_name": "Zoë", "last_name": "Ünal"}, ensure_ascii=False).encode(enc)),
    st.sampled_from([
        b"", b" ", b"\n", b"\x00", b"null", b"[]", b"{}", b"{", b"}", b'{"first_name":"a",}', b"{'a': 1}",
        b'{"first_name": "\\ud800"}', b'{"first_name": "\xed\xa0\x80"}', b'{"first_name": "\xff"}',
        b'{"amount": NaN}', b'{"amount": Infinity}', b'{"amount": -Infinity}', b'{"first_name":"a","first_name":1}',
        b'{"first_name": "a"} trailing', b'{"first_name": "a"}{"last_name": "b"}', b'\xef\xbb\xbf{}',
        b"first_name=Jane&last_name=Doe", b"<donor><first_name>Jane</first_name></donor>",
    ]),
)

CONTENT_TYPES = st.one_of(
    st.just("application/json"),
    st.sampled_from([
        "application/json; charset=utf-8", "application/json;charset=latin-1", "APPLICATION/JSON", "application/json;",
        " application/json ", "application/json, text/plain", "application/problem+json", "application/merge-patch+json",
        "text/plain", "text/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/octet-stream", "image/png", "*/*", "", ";", "application/", "/", "\u00e9/\u00e9",
        JSONAPI, "APPLICATION/VND.API+JSON", f"{JSONAPI}; charset=utf-8", f'{JSONAPI}; ext="x"',
        f'{JSONAPI}; profile="https://example.com/p"', "application/vnd.api",
    ]),
    st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=40),
)

# Header values as a server could receive them: no control characters.
HEADER_TEXT = st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=60)
IF_MATCH = st.one_of(
    st.sampled_from(["*", " * ", '"1"', 'W/"1"', '"2"', '"0"', '""', '"', "1", '"99999999999999999999"', '"²"',
                     '"1", "2"', ' "1" ', "W/", 'W/"*"', '"-1"', '"1.0"', "'1'", '"1', '"' + "1" * 4301 + '"']),
    st.integers(-5, 10**25).map(lambda n: f'"{n}"'),
    digit_runs().map(lambda n: f'"{n}"'),
    HEADER_TEXT,
)
IDEMPOTENCY_KEYS = st.one_of(
    st.sampled_from(["", " ", "k", "same-key", "other-key", "x" * 255, "x" * 256, "é" * 255, "€" * 255,
                     "🙂" * 255, "\u2028", "🙂"]),
    HEADER_TEXT,
    # Around the documented 1 to 255 characters, in 1- to 4-byte UTF-8; a short pattern repeated
    # (not 255 independent characters) so that a failure shrinks in seconds.
    st.builds(lambda pattern, n: (pattern * n)[:n],
              st.text(st.characters(exclude_categories=["Cc", "Cs"]), min_size=1, max_size=4),
              st.one_of(st.sampled_from([254, 255, 256]), st.integers(1, 300))),
    st.builds(lambda ch, n: ch * n, st.characters(min_codepoint=0x800, exclude_categories=["Cc", "Cs"]),
              st.one_of(st.sampled_from([1, 200, 254, 255]), st.integers(1, 256))),
    st.builds(lambda ch, n: ch * n, st.characters(min_codepoint=0x10000, categories=["L", "S"]),  # 4 bytes each
              st.sampled_from([1, 64, 254, 255])),
)
ACCEPT = st.one_of(
    st.sampled_from(["application/json", "application/problem+json", "*/*", "text/html", "image/png",
                     "application/octet-stream", "", JSONAPI, f"{JSONAPI}; charset=utf-8", f"{JSONAPI};q=0",
                     f'{JSONAPI}; ext="x"', f'{JSONAPI}; profile="a b", */*;q=0.1', "application/*;q=0.5",
                     f"{JSONAPI};q=", f'{JSONAPI}; profile="', f"{JSONAPI},", ",,", ";", "/", "text/html;q=1.0001",
                     f"{JSONAPI};q=2", "*/*;q=0"]),
    st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=60),
)


def optional_headers(**strategies: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, str]]:
    """Each named header absent or drawn from its strategy."""
    parts = {name: st.one_of(st.none(), s) for name, s in strategies.items()}
    return st.fixed_dictionaries(parts).map(lambda d: {k: v for k, v in d.items() if v is not None})


SCOPES = st.sampled_from(["WRITE", "WRITE", "WRITE", "WRITE", "READ"])

RECORD_TEXT = st.one_of(
    st.text(min_size=1, max_size=30),
    st.from_regex(r"\A[0-9]{1,30}\Z"),
    digit_runs(),
    st.sampled_from(["0", "-1", "+1", "1.0", "1e3", "²", "٣", "١", "1_000", "999999999999", "1000000000000",
                     "000000000001", " 1", "1 ", "%2F", "/", "..", ".", "ext-0", "ext-2", "a#b", "#", "\u00a0",
                     "1/activity", "?", "🙂", "\x00", "1" * 4301]),
    long_strings(3000).filter(bool),
)
SLOTS = st.integers(0, 3)
RECORDS = st.one_of(
    st.tuples(st.just("live"), st.integers(0, 50)),
    st.tuples(st.just("raw"), RECORD_TEXT, SLOTS),
    st.tuples(st.just("encoded"), st.sampled_from(["%2F", "%20", "%00", "%E2%80%AE", "%", "%zz", "%C2%B2",
                                                   "1%2F2", "%2e%2e"]), SLOTS),
)


def route_spec(route: RouteSpec):
    return face_of(route).route(route)


def base_headers(route: RouteSpec) -> dict[str, str]:
    """What the face's clients send with every request (JSON, or JSON:API for MPDX)."""
    return {"Content-Type": "application/json", **face_of(route).headers}


def request_bodies(route: RouteSpec, w: World) -> st.SearchStrategy[bytes | None]:
    if route.method in ("POST", "PATCH", "PUT"):
        return json_bodies(route, w).map(str.encode)
    return st.one_of(st.none(), st.just(b""), st.just(b'{"notes": "x"}'))


# ---- properties ----------------------------------------------------------------------------------

# Hypothesis may shrink a failure for up to 5 minutes; against moto every attempt costs several
# requests, so a failing property would take minutes. Bound it (the pinned version reads this
# module global when shrinking starts; without it, the default applies). Its report then still
# says it gave up after "five minutes"; the example it shows is the smallest found in these seconds.
SHRINK_SECONDS = 5


@contextmanager
def bounded_shrinking(seconds: float) -> Iterator[None]:
    from hypothesis.internal.conjecture import engine

    default = getattr(engine, "MAX_SHRINKING_SECONDS", None)
    if default is None:
        yield
        return
    engine.MAX_SHRINKING_SECONDS = seconds
    try:
        yield
    finally:
        engine.MAX_SHRINKING_SECONDS = default


def fuzz(requests: Callable[[World], st.SearchStrategy[Req]], max_examples: int) -> None:
    """Build a world, then send every request the strategy draws (see `send` for the checks)."""
    with world() as w, bounded_shrinking(SHRINK_SECONDS):
        @settings(max_examples=examples(max_examples), **FUZZ_SETTINGS)
        @given(requests(w))
        def property_(req: Req) -> None:
            send(w, req)

        property_()


# Each property varies one part of the request and keeps the others valid, so that one bug
# (a path id that crashes, say) does not hide the others behind it.
LIVE = st.tuples(st.just("live"), st.integers(0, 50))


def test_json_bodies_never_5xx():
    """Every POST/PUT/PATCH route: objects of real and random fields, any JSON values."""
    fuzz(lambda w: st.one_of([
        st.builds(Req, st.just(r.method), st.just(r), LIVE,
                  headers=optional_headers(**{"Content-Type": CONTENT_TYPES, "Accept": ACCEPT}).map(
                      lambda h, r=r: {**base_headers(r), **h}),
                  body=json_bodies(r, w).map(str.encode), scope=SCOPES)
        for r in BODY_ROUTES
    ]), 160)


def test_raw_bodies_and_content_types_never_5xx():
    """Bytes that are not a JSON object (or not JSON, or deeply nested), any Content-Type or none."""
    fuzz(lambda w: st.one_of([
        st.builds(Req, st.just(r.method), st.just(r), LIVE,
                  headers=optional_headers(**{"Content-Type": CONTENT_TYPES}),
                  body=st.one_of(RAW_BODIES, st.none()), scope=SCOPES)
        for r in BODY_ROUTES
    ]), 150)


def query_strings(route: RouteSpec, w: World) -> st.SearchStrategy[str]:
    known = list(route_spec(route).params) or ["limit"]  # a route without parameters (a donor's memberships)
    names = st.one_of(st.sampled_from(known), st.sampled_from(known), st.text(max_size=12),
                      st.sampled_from(["LIMIT", "limit[]", "cursor ", "", "q", "email", "filter[]", "filter[status",
                                       "include", "page[size]", "Page", "limit", "page"]))
    values = st.one_of(
        st.text(max_size=40), st.just(""),
        st.sampled_from(["1", "25", "100", "101", "0", "-1", "1.5", "1e2", "²", "١٠١", "0" * 50 + "7",
                         "9" * 30, "PHONE", "EMAIL", "phone", "open", "closed", "name", "-name", "NAME",
                         "Mine0", "mine0@example.org", "MINE1@EXAMPLE.ORG", "ext-mine0", "ext-theirs1", "a#b", "#",
                         w.ids["log-donor"], "null", "true", "500", "501", "active", "hidden", "active,null",
                         "Never Ask", ",", "acme", "acme-corp", "phone_call", "email", "%", "\x00",
                         "name=mine", "eaddr=mine0", "updated_from=2026-01-01", "updated_to=x", "city=",
                         "name=a;eaddr=b", "keyword=1", "badterm=1", "=", "name", "lgl_id!", "name!", "!",
                         "email_addresses,phone_numbers", "groups", "bogus"]),
        st.sampled_from(w.cursors),
        st.builds(lambda c, n: c[:n], st.sampled_from(w.cursors), st.integers(0, 80)),  # truncated cursors
        long_strings(3000), digit_runs(),
    )
    pair = st.tuples(names, values)

    def encode(pairs: list[tuple[str, str]], bare: list[str]) -> str:
        parts = [f"{urllib.parse.quote(k, safe='')}={urllib.parse.quote(v, safe='')}" for k, v in pairs]
        return "&".join(parts + bare)

    structured = st.builds(encode, st.lists(pair, max_size=5),
                           st.lists(st.sampled_from(["", "limit", "flag", "=", "==", "&", "=x"]), max_size=2))
    repeated = st.builds(lambda p, n: encode([p] * n, []), pair, st.integers(2, 3))
    raw = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7e), max_size=60).map(
        lambda s: urllib.parse.quote(s, safe="=&%+;,"))  # stray %, + and ; reach the parser as they are
    return st.one_of(structured, structured, repeated, raw)


def test_list_query_strings_never_5xx():
    """Every GET list route: known and random parameters, any values, repeated, empty, cursors."""
    fuzz(lambda w: st.one_of([
        st.builds(Req, st.just("GET"), st.just(r), LIVE, query_strings(r, w),
                  scope=st.sampled_from(["READ", "READ", "WRITE"]))
        for r in LIST_ROUTES
    ]), 600)


def test_path_ids_and_methods_never_5xx():
    """Every route with a path variable, with random ids (digits, huge, unicode digits, %2F,
    spaces, very long) in one variable and live ones in the others, with its own method or any
    other (405)."""
    def requests(w: World) -> st.SearchStrategy[Req]:
        def for_route(r: RouteSpec) -> st.SearchStrategy[Req]:
            method = st.one_of(st.just(r.method), st.just(r.method), st.sampled_from(HTTP_METHODS))
            return st.builds(Req, method, st.just(r), RECORDS, headers=st.just(base_headers(r)),
                             body=request_bodies(r, w), scope=SCOPES)
        return st.one_of([for_route(r) for r in ITEM_ROUTES])

    fuzz(requests, 220)


def valid_bodies(r: RouteSpec, w: World) -> st.SearchStrategy[bytes | None]:
    spec = route_spec(r)
    if r.method == "POST":
        bodies = st.sampled_from([spec.body(w.ids), {**spec.body(w.ids), "external_id": "dup-ext"}])
    elif r.method in ("PATCH", "PUT"):
        bodies = st.sampled_from([spec.body(w.ids), {}])
    else:
        bodies = st.none()
    return bodies.map(lambda b: None if b is None else json.dumps(b).encode())


def test_if_match_never_5xx():
    """PUT/PATCH/DELETE on live records with valid bodies and any If-Match (an Idempotency-Key
    too, sometimes, which these routes ignore)."""
    fuzz(lambda w: st.one_of([
        st.builds(Req, st.just(r.method), st.just(r), LIVE,
                  headers=st.builds(lambda m, rest, r=r: {**base_headers(r), "If-Match": m, **rest}, IF_MATCH,
                                    optional_headers(**{"Idempotency-Key": IDEMPOTENCY_KEYS})),
                  body=valid_bodies(r, w), scope=SCOPES)
        for r in HEADER_ROUTES if r.method != "POST"
    ]), 110)


def test_idempotency_key_never_5xx():
    """POST with valid bodies and any Idempotency-Key: keys collide across examples (same key,
    other body -> 422) and replay (same key, same body -> 201 again)."""
    fuzz(lambda w: st.one_of([
        st.builds(Req, st.just(r.method), st.just(r), LIVE,
                  headers=st.builds(lambda k, rest, r=r: {**base_headers(r), "Idempotency-Key": k, **rest},
                                    IDEMPOTENCY_KEYS,
                                    optional_headers(**{"If-Match": IF_MATCH})),
                  body=valid_bodies(r, w), scope=SCOPES)
        for r in HEADER_ROUTES if r.method == "POST"
    ]), 150)


def test_authorization_headers_never_5xx():
    """Any Authorization value (no key, wrong scheme, unknown or odd keys) on any route: 401, shaped."""
    def requests(w: World) -> st.SearchStrategy[Req]:
        auth_values = st.one_of(
            st.sampled_from(["", "Bearer", "Bearer ", "bearer x", "Basic dXNlcjpwYXNz", "Token abc",
                             f"Bearer {w.org.read_key}x", f"Bearer  {w.org.write_key}", f"bearer {w.org.write_key}",
                             f"Bearer {w.org.write_key[:-1]}", "Bearer " + "k" * 5000]),
            HEADER_TEXT, HEADER_TEXT.map(lambda s: "Bearer " + s),
        )
        return st.one_of([
            st.builds(Req, st.just(r.method), st.just(r), LIVE,
                      headers=optional_headers(Authorization=auth_values).map(lambda h, r=r: {**base_headers(r), **h}),
                      body=request_bodies(r, w), scope=st.just("NONE"))
            for r in ROUTES
        ])

    fuzz(requests, 60)


def test_media_types_never_5xx():
    """Any Content-Type and Accept (JSON, JSON:API with parameters and q-values, garbage, none)
    on every route, with any key or none: the face negotiates or refuses in its own shape."""
    fuzz(lambda w: st.one_of([
        st.builds(Req, st.just(r.method), st.just(r), LIVE,
                  headers=optional_headers(**{"Content-Type": CONTENT_TYPES, "Accept": ACCEPT}),
                  body=request_bodies(r, w), scope=st.sampled_from(["WRITE", "READ", "NONE"]))
        for r in ROUTES
    ]), 150)
