"""Searching and listing 10,000 constituents: what a request reads, cold and warm.

Under moto, with tools.moto_rollback as the tests have it (a transaction costs its own items,
not copies of the whole table) and tools.moto_at_scale (an index Query paged as DynamoDB pages
it, and moto fast enough on ~50,000 items): one organisation of N constituents and a second,
smaller one. Every constituent is created through the API (LGL's `POST /api/v1/constituents`
with its nested e-mail, phone, street and web addresses, through chalice.test.Client), so the
table holds exactly what the API writes; under moto that is only ~10% slower than calling the
domain services in-process (moto's transactions dominate both). A few constituents are
changed a little later (what an `updated_from` search, the sync tools' poll, finds), and one
donor gets activities and gifts (the Givebutter list). The big organisation's constituents are
also in its groups, have keywords of a category and memberships of its levels, sent in the
same POST's `groups`, `categories` and `memberships` (Facets: a rng of their own, so the rest
of the seed is unchanged); the searches by them check their totals against the seed's.

Size: BENCH_CONSTITUENTS (default 10,000), e.g. `BENCH_CONSTITUENTS=400 python -m bench.search`
for a quick check.

Each request is made through the HTTP app, cold and then warm:

- **cold**: a fresh Lambda's process: every warm cache forgotten (`warm_cache.clear_all()`:
  API keys, team members, lookup values; `context.reset()`: the search index's rows, id
  blocks). The API key's lookup (one GetItem) is counted apart (KEY_LOOKUP); import time and
  the first boto3 client are in the cold import table;
- **warm**: the same request again, on the caches the cold one filled (WARM_RUNS times; the
  DynamoDB figures are the first repeat's, Python time the median).

Per request: DynamoDB calls, round trips (`calls.round_trips`: calls the store makes together
count once, every other call after the one before it), items read (Query: ScannedCount; BatchGetItem and GetItem: items
returned), bytes read (each response body as DynamoDB writes it, compact JSON: MotoClock),
Python time and a modelled latency:

    modelled = Python CPU ms + round trips x calls.LATENCY

Python CPU ms is the process's CPU time during the request (`time.process_time`, every thread:
the request's code, boto3's request signing and response parsing, the search index's decoding)
minus what moto spent answering the calls (each call's thread CPU time from botocore's
`before-send` to `before-parse`, in the calling thread, where moto runs). CPU time, not wall
time: the machine is shared, and under the GIL the request's Python runs one thread at a time
anyway. The garbage collector is off during a measured request (moto's objects are not the
Lambda's heap; a Lambda's collections of the request's own objects are not counted). The
network is the Meter's fixed latency per call (calls.LATENCY), once per round trip: it does
not grow with the bytes, so a large read's transfer time is not in it.
"""
from __future__ import annotations

import gc
import json
import os
import random
import statistics
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator
from urllib.parse import quote

from . import calls
from .calls import Api, Meter, describe, operations, round_trips

N = int(os.environ.get("BENCH_CONSTITUENTS", "10000"))  # the big organisation's constituents
OTHER = 300           # the second organisation's
UPDATED_LATER = 7     # constituents changed after the seed: what `updated_from` finds
ACTIVITIES, GIFTS = 40, 10  # the Givebutter donor's timeline
WARM_RUNS = 3
KEY_LOOKUP = "GetItem APIKEY"
BIG, SMALL = "acme", "other-org"
P = calls.P
JSONAPI = {"Accept": "application/vnd.api+json", "Content-Type": "application/vnd.api+json"}

FIRST = ["Maria", "James", "Linda", "Robert", "Patricia", "John", "Jennifer", "Michael", "Elizabeth",
         "David", "Barbara", "William", "Susan", "Richard", "Jessica", "Joseph", "Sarah", "Thomas",
         "Karen", "Charles", "Nancy", "Daniel", "Lisa", "Matthew", "Betty", "Anthony", "Sandra", "Mark",
         "Ashley", "Paul", "Emily", "Steven", "Donna", "Andrew", "Michelle", "Kenji", "Aisha", "Chen",
         "Olga", "Mateo"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
        "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
        "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez",
        "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Nguyen", "Hill",
        "Flores", "O'Brien"]
MIDDLE = ["A.", "B.", "C.", "J.", "Lynn", "Marie", "Ray", "Lee"]
ORG_WORDS = ["Family Foundation", "Trust", "& Sons", "Charitable Fund", "Hardware", "Dental Group",
             "Community Church", "Rotary Club"]
STREETS = ["Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Pine St", "Elm St", "Washington Blvd", "Lake Rd"]
CITIES = [("Portland", "OR", "972"), ("Salem", "OR", "973"), ("Seattle", "WA", "981"), ("Boise", "ID", "837"),
          ("Springfield", "IL", "627"), ("Austin", "TX", "787"), ("Denver", "CO", "802")]
DOMAINS = ["example.org", "mail.example.com", "example.net", "inbox.example"]
ACTIVITY_TYPES = ["phone_call", "meeting", "email", "note", "volunteer_activity"]
# The big organisation's groups, keywords and membership levels, and the share of its
# constituents in each group, with one of the keywords, with a membership (of those, lapsed):
GROUPS = {"Board": 0.02, "Volunteers": 0.10, "Major donors": 0.05}
INTERESTS = "Interests"  # a Constituent category
KEYWORDS = ["Education", "Environment", "Health", "Arts"]
WITH_KEYWORD = 0.30
LEVELS = ["Gold", "Silver"]
MEMBERS, LAPSED, RENEWED = 0.08, 0.25, 0.2  # RENEWED: of members, those with an earlier, lapsed one too


@dataclass
class Facets:
    """The big organisation's groups, keywords and levels (ids), and what the seed gave its
    constituents: how many are in each group, have each keyword, and whose latest membership
    is active (the bench checks the searches' totals against these)."""
    groups: dict[str, int]
    category: int
    keywords: dict[str, int]
    levels: dict[str, int]
    in_group: dict[int, int] = field(default_factory=dict)
    with_keyword: dict[int, int] = field(default_factory=dict)
    active: int = 0
    lapsed: int = 0

    def give(self, rng: random.Random, body: dict[str, Any]) -> None:
        """Groups, keywords and memberships for one constituent's body (its own rng, so the
        constituents' other fields are the seed's as before)."""
        groups = [self.groups[name] for name, share in GROUPS.items() if rng.random() < share]
        if groups:
            body["groups"] = [{"group_id": group, "date_start": f"20{rng.randint(10, 25)}-0{rng.randint(1, 9)}-01"}
                              for group in groups]
        for group in groups:
            self.in_group[group] = self.in_group.get(group, 0) + 1
        if rng.random() < WITH_KEYWORD:
            keywords = rng.sample(sorted(self.keywords.values()), rng.choice((1, 1, 1, 2)))
            body["categories"] = [{"id": self.category, "keywords": [{"id": k} for k in keywords]}]
            for keyword in keywords:
                self.with_keyword[keyword] = self.with_keyword.get(keyword, 0) + 1
        if rng.random() < MEMBERS:
            level = self.levels[rng.choice(LEVELS)]
            lapsed = rng.random() < LAPSED
            year = rng.randint(2022, 2025) if lapsed else rng.randint(2030, 2032)
            latest: dict[str, Any] = {"membership_level_id": level, "date_start": f"{year - 1}-0{rng.randint(1, 9)}-15"}
            if lapsed or rng.random() < 0.9:  # a few active ones never finish
                latest["finish_date"] = f"{year}-0{rng.randint(1, 9)}-14"
            body["memberships"] = [latest]
            if rng.random() < RENEWED:  # an earlier membership, finished before the latest one began
                body["memberships"].insert(0, {"membership_level_id": self.levels[rng.choice(LEVELS)],
                                               "date_start": "2019-01-01", "finish_date": "2020-12-31"})
            if lapsed:
                self.lapsed += 1
            else:
                self.active += 1


def make_facets(api: Api) -> Facets:
    """The big organisation's groups, category and keywords, and membership levels."""
    groups = {name: api.call("POST", f"{P}/groups", {"name": name}, status=200)["id"] for name in GROUPS}
    category = api.call("POST", f"{P}/categories", {"item_type": "Constituent", "name": INTERESTS},
                        status=200)["id"]
    keywords = {name: api.call("POST", f"{P}/categories/{category}/keywords", {"name": name}, status=200)["id"]
                for name in KEYWORDS}
    levels = {name: api.call("POST", f"{P}/membership_levels", {"name": name}, status=200)["id"]
              for name in LEVELS}
    return Facets(groups, category, keywords, levels)


def constituent(rng: random.Random, n: int) -> dict[str, Any]:
    """The LGL body of the n-th constituent: a person (one in 16 an organisation) with, about
    half the time each, one or two e-mail addresses, a phone and a street address; one in three
    with an external id."""
    last = rng.choice(LAST)
    if rng.random() < 1 / 16:
        body: dict[str, Any] = {"is_org": True, "org_name": f"{last} {rng.choice(ORG_WORDS)}"}
        handle = last.lower().replace("'", "")
        if rng.random() < 0.5:
            body["web_addresses"] = [{"url": f"https://www.{handle}{n}.example.org"}]
    else:
        first = rng.choice(FIRST)
        body = {"first_name": first, "last_name": last}
        if rng.random() < 0.2:
            body["middle_name"] = rng.choice(MIDDLE)
        if rng.random() < 0.05:
            body["nick_name"] = first[:3]
        handle = f"{first}.{last}".lower().replace("'", "")
    if rng.random() < 0.5:
        body["email_addresses"] = [{"address": f"{handle}{n}@{rng.choice(DOMAINS)}"}]
        if rng.random() < 0.3:
            body["email_addresses"].append({"address": f"{handle}.{n}@work.example.com"})
    if rng.random() < 0.5:
        body["phone_numbers"] = [{"number": f"({rng.randint(200, 999)}) 555-{rng.randint(0, 9999):04d}"}]
    if rng.random() < 0.5:
        city, state, zip3 = rng.choice(CITIES)
        body["street_addresses"] = [{"street": f"{rng.randint(1, 9999)} {rng.choice(STREETS)}", "city": city,
                                     "state": state, "postal_code": f"{zip3}{rng.randint(0, 99):02d}"}]
    if rng.random() < 1 / 3:
        body["external_constituent_id"] = f"crm-{n:06d}"
    return body


@dataclass(frozen=True)
class Case:
    name: str
    url: str
    headers: dict[str, str] | None = None
    total: Any = None  # how the answer's total is found: a function of the parsed body


@dataclass
class Measured:
    calls: list[dict[str, Any]]
    key_calls: list[dict[str, Any]]    # the API key's lookup (cold only), counted apart
    python_ms: list[float] = field(default_factory=list)
    total: int | None = None

    @property
    def round_trips(self) -> int:
        return round_trips(self.calls)

    @property
    def bytes_read(self) -> int:
        return sum(c.get("wire_bytes", 0) for c in self.calls)

    @property
    def items_read(self) -> int:
        return sum(_items_read(c) for c in self.calls)

    @property
    def python(self) -> float:
        return statistics.median(self.python_ms)

    @property
    def modelled_ms(self) -> float:
        return self.python + self.round_trips * calls.LATENCY * 1000


def _items_read(call: dict[str, Any]) -> int:
    if call["op"] == "Query":
        return call.get("scanned") or call.get("items") or 0
    return call.get("items") or 0


class MotoClock:
    """CPU seconds moto spent answering DynamoDB calls: each call's thread CPU time from
    botocore's `before-send` (registered first, so it runs before moto answers) to its
    `before-parse` (moto has answered; botocore parses next). Also notes on the Meter's call
    `wire_bytes`: its response body as DynamoDB writes it, compact JSON in UTF-8 (moto's has a
    space after every `:` and `,`, and escapes non-ASCII characters); counted as moto's time."""

    def __init__(self, client: Any, meter: Meter) -> None:
        self.seconds = 0.0
        self.meter = meter
        self._lock = threading.Lock()
        self._local = threading.local()
        client.meta.events.register_first("before-send.dynamodb.*", self._send)
        client.meta.events.register("before-parse.dynamodb.*", self._parse)

    def _send(self, **_: Any) -> None:
        self._local.start = time.thread_time()

    def _parse(self, response_dict: dict[str, Any], **_: Any) -> None:
        call = self.meter.current()
        if call is not None:
            body = response_dict.get("body") or b"{}"
            call["wire_bytes"] = len(json.dumps(json.loads(body), separators=(",", ":"),
                                                ensure_ascii=False).encode())
        start = getattr(self._local, "start", None)
        if start is not None:
            self._local.start = None
            with self._lock:
                self.seconds += time.thread_time() - start


class Bench:
    def __init__(self, client: Any, meter: Meter, clock: MotoClock, key: str) -> None:
        self.client, self.meter, self.clock, self.key = client, meter, clock, key

    def request(self, case: Case) -> tuple[list[dict[str, Any]], float, int | None]:
        """The calls one request made, its Python CPU milliseconds, and the total it answered."""
        headers = {"Authorization": f"Bearer {self.key}", **(case.headers or {})}
        gc.collect()
        gc.disable()  # moto's garbage is not the Lambda's: no collections in the middle of a request
        try:
            mark, moto_before = self.meter.mark(), self.clock.seconds
            cpu = time.process_time()
            response = self.client.http.get(case.url, headers=headers)
            cpu = time.process_time() - cpu - (self.clock.seconds - moto_before)
        finally:
            gc.enable()
        if response.status_code != 200:
            raise SystemExit(f"bench/search.py: GET {case.url} answered {response.status_code}: {response.body!r}")
        total = case.total(json.loads(response.body)) if case.total else None
        return self.meter.since(mark), cpu * 1000, total

    def cold(self, case: Case) -> Measured:
        from chalicelib import warm_cache
        from chalicelib.store import context

        warm_cache.clear_all()
        context.reset()
        made, ms, total = self.request(case)
        key = [c for c in made if describe(c) == KEY_LOOKUP]
        return Measured([c for c in made if describe(c) != KEY_LOOKUP], key, [ms], total)

    def warm(self, case: Case) -> Measured:
        runs = [self.request(case) for _ in range(WARM_RUNS)]
        cold = [describe(c) for made, _, _ in runs for c in made if describe(c) in calls.COLD_PATH]
        if cold:  # the cold request failed to warm this one: its figures would mislead
            raise SystemExit(f"bench/search.py: GET {case.url} was not warm: {cold}")
        return Measured(runs[0][0], [], [ms for _, ms, _ in runs], runs[0][2])


def _lgl_total(body: dict[str, Any]) -> int:
    return body["total_items"]


def _mpdx_total(body: dict[str, Any]) -> int:
    return body["meta"]["pagination"]["total_count"]


def _givebutter_total(body: dict[str, Any]) -> int:
    return body["meta"]["total"]


def _expect(total: int) -> Any:
    """The answer's total (LGL's), failing the bench when it is not the seed's."""
    def check(body: dict[str, Any]) -> int:
        found = _lgl_total(body)
        if found != total:
            raise SystemExit(f"bench/search.py: total {found}, the seed made {total}")
        return found
    return check


def cases(since: str, donor: int, facets: Facets) -> list[Case]:
    search, listing = f"{P}/constituents/search", f"{P}/constituents"
    contacts = "/api/v2/organizations/contacts"
    middle = N // 25 // 2 or 1
    volunteers, education = facets.groups["Volunteers"], facets.keywords["Education"]
    return [
        Case("LGL search, `q[]=name=garcia`", f"{search}?q[]=name=garcia", total=_lgl_total),
        Case("LGL search, `q[]=eaddr=garcia`", f"{search}?q[]=eaddr=garcia", total=_lgl_total),
        Case("LGL search, no term", search, total=_lgl_total),
        Case("LGL search, `q[]=updated_from=<after the seed>`", f"{search}?q[]=updated_from={quote(since)}",
             total=_lgl_total),
        Case("LGL search, `q[]=groups=<Volunteers>`", f"{search}?q[]=groups={volunteers}",
             total=_expect(facets.in_group.get(volunteers, 0))),
        Case("LGL search, `q[]=keyword=<Education>`", f"{search}?q[]=keyword={education}",
             total=_expect(facets.with_keyword.get(education, 0))),
        Case("LGL search, `q[]=membership_status=1` (active)", f"{search}?q[]=membership_status=1",
             total=_expect(facets.active)),
        Case("LGL search, `sort=membership_level`", f"{search}?sort=membership_level", total=_expect(N)),
        Case("LGL list, `offset=0&limit=25`", f"{listing}?offset=0&limit=25", total=_lgl_total),
        Case(f"LGL list, `offset={N // 2}&limit=25`", f"{listing}?offset={N // 2}&limit=25", total=_lgl_total),
        Case("MPDX contacts, page 1", f"{contacts}?page=1&per_page=25", JSONAPI, _mpdx_total),
        Case(f"MPDX contacts, page {middle}", f"{contacts}?page={middle}&per_page=25", JSONAPI, _mpdx_total),
        Case(f"Givebutter activities, page 1 ({ACTIVITIES} activities, {GIFTS} gifts)",
             f"/v1/contacts/{donor}/activities", total=_givebutter_total),
        Case("Givebutter activities, page 2", f"/v1/contacts/{donor}/activities?page=2",
             total=_givebutter_total),
    ]


def seed(api: Api, count: int, rng: random.Random, facets: Facets | None = None) -> list[int]:
    made, facet_rng = [], random.Random(20261208)  # not rng: the rest of the seed as before
    for n in range(count):
        body = constituent(rng, n)
        if facets is not None:
            facets.give(facet_rng, body)
        made.append(api.call("POST", f"{P}/constituents", body, status=200)["id"])
    return made


@contextmanager
def moto_store() -> Iterator[None]:
    """The store a big seed runs on: moto's DynamoDB in this process, patched to roll a
    transaction back by its own items and to page a Query as DynamoDB does (not re-sorting the
    table each time), with the table made; every cache forgotten before and after."""
    os.environ.update(calls.ENV)
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        os.environ.pop(name, None)
    from moto import mock_aws

    from tools import moto_at_scale, moto_rollback
    moto_rollback.install()
    moto_at_scale.install()

    from chalicelib import aws, config, warm_cache
    from chalicelib.store import context, table

    with mock_aws():
        config.reset(), aws.reset_clients(), context.reset(), warm_cache.clear_all()
        table.ensure_table(os.environ["TABLE_NAME"])
        try:
            yield
        finally:
            aws.reset_clients(), context.reset(), warm_cache.clear_all()


def measured(bench: Bench, meter: Meter, cases: list[Case]) -> list[tuple[Case, Measured, Measured]]:
    """Each case cold and warm, at the network's latency (the seed ran at moto's speed), with
    the seed's objects out of the collector's way."""
    gc.collect()
    gc.freeze()  # moto's tables are not the Lambda's heap: keep the collector off them
    meter.latency = calls.LATENCY
    try:
        return [(case, bench.cold(case), bench.warm(case)) for case in cases]
    finally:
        gc.unfreeze()


def measure() -> tuple[list[tuple[Case, Measured, Measured]], dict[str, Any]]:
    from chalice.test import Client

    from app import app
    from chalicelib import auth
    from chalicelib.domain import organisations
    from chalicelib.domain.timestamps import format_timestamp, utcnow
    from chalicelib.store import dynamo
    from chalicelib.store.search_index import OVERLAP_SECONDS

    info: dict[str, Any] = {"later": OVERLAP_SECONDS + 1}
    with moto_store():
        keys = {}
        for org in (BIG, SMALL):
            organisations.create(org, org.title())
            organisations.add_member(org, first_name="Pat", last_name="Lee", email=f"pat@{org}.example")
            keys[org] = {scope: auth.create_key(org, scope, label="bench")[0] for scope in (auth.READ, auth.WRITE)}
        meter = Meter(dynamo.client(), latency=0)  # the seed at moto's speed
        clock = MotoClock(dynamo.client(), meter)
        rng = random.Random(20261207)
        started = time.perf_counter()
        with Client(app) as client:
            big, small = Api(client, keys[BIG]), Api(client, keys[SMALL])
            seed(small, OTHER, rng)
            facets = make_facets(big)
            ids = seed(big, N, rng, facets)
            info["facets"] = facets
            donor = ids[0]
            for n in range(ACTIVITIES):
                big.call("POST", f"/v1/contacts/{donor}/activities",
                         {"type": ACTIVITY_TYPES[n % len(ACTIVITY_TYPES)], "note": f"Activity {n}",
                          "occurred_at": f"2026-0{1 + n % 9}-{10 + n % 18}T15:00:00Z"})
            for n in range(GIFTS):
                big.call("POST", f"{P}/donations", {"donor_id": donor, "amount": f"{25 + n}.00",
                                                     "received_at": f"2026-0{1 + n % 9}-05"})
            # The changes a sync tool polls for, a little after the seed (past the search
            # index's overlap window, as on a live organisation where most rows are old).
            time.sleep(OVERLAP_SECONDS + 1)
            since = format_timestamp(utcnow())
            time.sleep(0.01)
            for record in rng.sample(ids[1:], UPDATED_LATER):
                big.call("PATCH", f"{P}/constituents/{record}", {"nick_name": "Updated"})
            info["seed_seconds"] = time.perf_counter() - started
            info["items"] = dynamo.client().describe_table(TableName=os.environ["TABLE_NAME"])["Table"]["ItemCount"]
            results = measured(Bench(client, meter, clock, keys[BIG][auth.READ]), meter, cases(since, donor, facets))
            info["key"] = results[0][1].key_calls
        info["scans"] = sum(call["op"] == "Scan" for call in meter.calls)
    return results, info


def _row(case: Case, state: str, m: Measured) -> str:
    over = m.round_trips - calls.BUDGETS["list page"]
    within = "yes" if over <= 0 else f"**no** (+{over})"
    return (f"| {case.name} | {state} | {m.total:,} | {len(m.calls)} | {m.round_trips} | {within} | "
            f"{m.items_read:,} | {m.bytes_read:,} | {m.python:.0f} | {m.modelled_ms:.0f} | {operations(m.calls)} |")


def _per_item(results: list[tuple[Case, Measured, Measured]], match: Any) -> tuple[int, int]:
    picked = [c for _, cold, _ in results for c in cold.calls if match(c)]
    items = sum(_items_read(c) for c in picked)
    return (sum(c.get("wire_bytes", 0) for c in picked) // items if items else 0), items


def _facets_note(facets: Facets) -> str:
    groups = ", ".join(f"{name} {facets.in_group.get(id_, 0):,}" for name, id_ in facets.groups.items())
    keywords = ", ".join(f"{name} {facets.with_keyword.get(id_, 0):,}" for name, id_ in facets.keywords.items())
    return (f"Its constituents in groups ({groups}), with keywords of a category {INTERESTS} ({keywords}) and "
            f"memberships of levels {' and '.join(LEVELS)} ({facets.active:,} whose latest is active, "
            f"{facets.lapsed:,} lapsed), sent in their `groups`, `categories` and `memberships`.")


def render(results: list[tuple[Case, Measured, Measured]], info: dict[str, Any]) -> str:
    lines = [("| request | Lambda | total | DynamoDB calls | round trips | within 2 | items read | bytes read "
              "| Python ms | modelled ms | operations (one wave of overlapping calls each) |"),
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for case, cold, warm in results:
        lines += [_row(case, "cold", cold), _row(case, "warm", warm)]
    row_bytes, rows = _per_item(results, lambda c: c["request"].get("IndexName") == "GSI7")
    record_bytes, records = _per_item(results, lambda c: c["op"] == "BatchGetItem")
    measured = [c for _, cold, warm in results for c in cold.calls + warm.calls]
    moto_body = sum(c.get("bytes", 0) for c in measured) / max(1, sum(c.get("wire_bytes", 0) for c in measured))
    key = info["key"]
    key_note = (f"A cold Lambda first looks its API key up ({len(key)} GetItem, {round_trips(key)} round trip, "
                f"{sum(c.get('wire_bytes', 0) for c in key):,} bytes), not counted above." if key else
                "The API key's lookup did not show on the cold requests.")
    return "\n".join([
        (f"One organisation of {N:,} constituents (and one of {OTHER:,}); {info['items']:,} items in the table, "
        f"seeded through the API in {info['seed_seconds']:.0f} s; {UPDATED_LATER} constituents changed "
        f"{info['later']} s after the seed. {_facets_note(info['facets'])} Cold: a fresh Lambda's caches (`warm_cache.clear_all()`, "
        f"`context.reset()`); warm: the same request again (its figures the first repeat's, Python ms the "
        f"median of {WARM_RUNS}). Items read: Query ScannedCount, BatchGetItem and GetItem items. Bytes read: "
        f"DynamoDB's response bodies as compact JSON (moto's own are {moto_body:.2f}x that). Python ms: the "
        f"process's CPU time during the request outside moto's answers (garbage collector off). Modelled ms = "
        f"Python ms + round trips × {calls.LATENCY * 1000:.0f} ms (the Meter's latency a call; a large "
        f"response's transfer time is not in it)."),
        "",
        *lines,
        "",
        (f"A search row (GSI7) is {row_bytes:,} bytes on the wire on average ({rows:,} read cold in all); a whole "
         f"donor record (BatchGetItem) {record_bytes:,} bytes ({records:,} read). {key_note} "
         f"Scan calls: {info['scans']}."),
    ])


def run() -> tuple[str, bool]:
    """The Markdown report and whether it passes (no Scan)."""
    results, info = measure()
    return f"## Searching {N:,} constituents (cold and warm)\n\n" + render(results, info), info["scans"] == 0


if __name__ == "__main__":
    report, ok = run()
    print(report)
    sys.exit(0 if ok else 1)
