"""An organisation's history: 50,000 gifts and 20,000 contact reports, searched and listed
cold and warm (DESIGN.md §9: a page costs round trips, items and bytes in proportion to the
page, not to the organisation's history).

The world: one organisation of a few thousand constituents (LGL's `POST /api/v1/constituents`,
as bench.search makes them), a few funds, campaigns and appeals (the native face's
`POST /api/v1/funds`...), three team members, and over several years 50,000 gifts and 20,000
contact reports, spread unevenly: most constituents have a handful, a few major donors
hundreds (a Pareto weight each, capped). Three changed a little later (what `updated_from`
finds), as on a live organisation.

Gifts and reports are made by the face's own code, as `POST /api/v1/constituents/{id}/gifts`
(`.../contact_reports`) makes them after parsing its body (`schemas.parse` of the route's body
model, the resource's field mapping, its parent path's create: the domain's rules, catalogue
and team-member resolution, `lifecycle.new_record`), so every record is exactly what the route
stores. Only the write differs (`Seeder`): for the seed, the store's `create` adds each record
to one unit of work per constituent (`store.writes.UnitOfWork`, which builds the record's item
with its keys, index keys and search row, and the constituent's counter), and the unit's
record Puts go out as BatchWriteItem calls of 25 (plain puts: the ids are new, so the route's
condition that none exists holds), the counter as the one UpdateItem the unit built (moved
once by n instead of n times by 1), and the kinds' count shards are set once at the end
(`Records.recount`). The same items the routes' transactions write; one HTTP request each,
70,000 records would take most of an hour under moto.

Sizes: `python -m bench.history [--gifts N] [--reports N] [--constituents N]` (defaults
50,000, 20,000 and 3,000); progress goes to stderr, the Markdown report to stdout.

After seeding, the totals are checked through the API (a gift search and the contact-report
list with no term, a constituent's gifts and reports) before anything is measured. The
measuring is bench.search's: each request cold (a fresh Lambda's caches) then warm.
"""
from __future__ import annotations

import os
import random
import sys
import time
from collections import Counter
from typing import Any
from urllib.parse import quote

from . import calls, search
from .calls import Api, Meter, round_trips
from .search import Bench, Case, Measured, MotoClock

GIFTS, REPORTS, CONSTITUENTS = 50_000, 20_000, 3_000  # the defaults; `configure` (the command line) sets them
FIRST_YEAR, LAST_YEAR = 2021, 2025   # gifts received and reports made in these years
MONTH = ("2024-03-01", "2024-03-31")  # the one-month range searched
WEIGHT_CAP = 40        # a constituent's share of the history: min(Pareto(1.5), WEIGHT_CAP)
REPORTS_WANTED = 10    # the constituent searched by: the first with this many reports
CHANGED_GIFTS, CHANGED_REPORTS = 2, 1  # changed after the seed: what `updated_from` finds
ORG = "history"
P = calls.P

FUNDS = ["General Fund", "Building Fund", "Scholarship Fund", "Endowment", "Youth Programs", "Food Pantry"]
CAMPAIGNS = ["Annual Campaign", "Capital Campaign", "Giving Tuesday"]
APPEALS = ["Spring Appeal", "Year-End Appeal", "Gala Appeal", "Newsletter Appeal", "Memorial Appeal"]
TEAM = [("Pat", "Lee"), ("Sam", "Ortiz"), ("Kim", "Novak")]
AMOUNTS = [("10.00", 8), ("20.00", 10), ("25.00", 14), ("50.00", 16), ("75.00", 5), ("100.00", 14), ("150.00", 4),
           ("250.00", 8), ("500.00", 5), ("1000.00", 3), ("2500.00", 1), ("5000.00", 0.5)]
PAYMENT_TYPES = [(1507, 5), (1508, 30), (1509, 50), (1511, 10), (1512, 5)]  # cash, check, card, transfer, PayPal
CHECK = 1508
REPORT_TYPES = [(2183, 35), (2184, 30), (2185, 20), (2186, 8), (2187, 2), (2188, 5)]  # call, e-mail, meeting...
SUBJECTS = ["Thank-you call", "Year-end visit", "Gala follow-up", "Spring appeal", "Planned giving",
            "Volunteer interest", "Board prospect", "Pledge reminder", "Event invitation", "Site tour"]
WORDS = ("thanked them for their gift discussed the spring appeal and the new building asked about volunteering "
         "at the food pantry mentioned their daughter is starting college interested in a planned gift will "
         "follow up next month left a voicemail sent the annual report met for coffee downtown toured the "
         "youth center excited about the scholarship fund prefers e-mail over phone calls").split()


def _progress(message: str) -> None:
    print(f"bench.history: {message}", file=sys.stderr, flush=True)


def _weighted(rng: random.Random, pairs: list[tuple[Any, float]]) -> Any:
    return rng.choices([v for v, _ in pairs], [w for _, w in pairs])[0]


def _day(rng: random.Random) -> str:
    year = rng.randint(FIRST_YEAR, LAST_YEAR)
    month = rng.randint(1, 12)
    return f"{year}-{month:02d}-{rng.randint(1, 28):02d}"


def gift(rng: random.Random, n: int, funds: list[int], campaigns: list[int], appeals: list[int]) -> dict[str, Any]:
    """The LGL body of the n-th gift (what `POST /constituents/{id}/gifts` is sent)."""
    body: dict[str, Any] = {"received_amount": _weighted(rng, AMOUNTS), "received_date": _day(rng),
                            "payment_type_id": _weighted(rng, PAYMENT_TYPES)}
    if rng.random() < 0.8:
        body["fund_id"] = rng.choice(funds)
    if rng.random() < 0.5:
        body["campaign_id"] = rng.choice(campaigns)
    if rng.random() < 0.4:
        body["appeal_id"] = rng.choice(appeals)
    if rng.random() < 0.3:
        body["gift_category_id"] = 5937  # Donation (of the default gift type, Gift)
    if body["payment_type_id"] == CHECK:
        body["check_number"] = str(rng.randint(1000, 9999))
    if rng.random() < 1 / 3:
        body["external_id"] = f"import-{n:06d}"
    if rng.random() < 0.15:
        body["note"] = f"In {'honor' if rng.random() < 0.5 else 'memory'} of {rng.choice(search.FIRST)} " \
                       f"{rng.choice(search.LAST)}"
    return body


def report(rng: random.Random) -> dict[str, Any]:
    """The LGL body of a contact report (what `POST /constituents/{id}/contact_reports` is sent)."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 60))]
    body: dict[str, Any] = {"text": " ".join(words).capitalize() + ".", "original_date": _day(rng),
                            "contact_report_type_id": _weighted(rng, REPORT_TYPES),
                            "team_member": f"{rng.choice(TEAM)[0].lower()}@{ORG}.example"}
    if rng.random() < 0.6:
        body["name"] = rng.choice(SUBJECTS)
    return body


class Seeder:
    """The store's `create` while seeding (on the one Records instance): each record goes into
    a unit of work (`store.writes.UnitOfWork`) holding its constituent's records, which builds
    their items as a create's own unit builds them. Once the constituent's records are made
    (`done`), the unit's operations are sent: each record's Put (its key, index keys and
    search row) as a plain put in BatchWriteItem calls of 25 (new ids: the condition that none
    exists holds), the constituent's counter update exactly as built (one UpdateItem, once by n
    where n creates would each add 1); the kinds' count shards are left to `Records.recount`
    (`finish`). Any other operation stops the seed: it would be something a batch cannot send."""

    BATCH = 25  # items a BatchWriteItem takes

    def __init__(self, store: Any) -> None:
        self.store, self.unit = store, None
        self.puts: list[dict[str, Any]] = []
        self.ids: dict[str, list[int]] = {}  # kind name -> the ids created
        self.calls = Counter()

    def create(self, org: str, kind: Any, record: dict[str, Any], *, idempotency: Any = None,
               record_id: int | None = None) -> Any:
        from chalicelib.store.writes import Created, UnitOfWork

        assert idempotency is None
        if self.unit is None:
            self.unit = UnitOfWork(self.store.table, self.store.ids)
        created = self.unit.create(org, kind, record, record_id=record_id)
        self.ids.setdefault(kind.name, []).append(created["id"])
        return Created(created)

    def done(self) -> None:
        """Send what the unit built for one constituent's records."""
        from chalicelib.store import dynamo

        unit, self.unit = self.unit, None
        if unit is None:
            return
        unit._build()  # what `commit` sends as one transaction
        for role, operation in zip(unit.roles, unit.operations):
            (name, body), = operation.items()
            if role.startswith("record:") and name == "Put" and body["ConditionExpression"] == "attribute_not_exists(PK)":
                self.puts.append(body["Item"])
            elif role.startswith("parent:DONOR:") and name == "Update":
                dynamo.client().update_item(**body)
                self.calls["UpdateItem"] += 1
            elif not role.startswith("count:"):
                raise SystemExit(f"bench/history.py: a seed unit built {name} {role}, which a batch cannot send")
        self._send(whole_batches=True)

    def _send(self, whole_batches: bool) -> None:
        from chalicelib.store import dynamo

        while len(self.puts) >= (self.BATCH if whole_batches else 1):
            batch, self.puts = self.puts[:self.BATCH], self.puts[self.BATCH:]
            request = {self.store.table: [{"PutRequest": {"Item": item}} for item in batch]}
            while request:
                request = dynamo.client().batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
                self.calls["BatchWriteItem"] += 1

    def finish(self, org: str, kinds: list[Any]) -> None:
        self._send(whole_batches=False)
        for kind in kinds:
            self.store.recount(org, kind)

    def __enter__(self) -> "Seeder":
        self.store.create = self.create  # this Records instance only, for the seed
        return self

    def __exit__(self, *exc: Any) -> None:
        del self.store.create


def seed_records(org: str, resource: Any, constituent: int, bodies: list[dict[str, Any]]) -> None:
    """Each body made as the resource's `POST /constituents/{id}/<collection>` makes it once
    the body is parsed (faces/lgl/resources.py `create_in_parent`)."""
    import json

    from chalicelib.faces.lgl import schemas

    parent = resource.parents[0]
    for body in bodies:
        sent, ignored = schemas.parse(resource.body, json.loads(json.dumps(body)))
        assert not ignored, ignored
        parent.create(org, constituent, resource.fields(org, sent))


def _shares(rng: random.Random, ids: list[int], count: int) -> list[int]:
    """`count` constituents drawn by a capped Pareto weight each: whose each record is."""
    weights = [min(rng.paretovariate(1.5), WEIGHT_CAP) for _ in ids]
    return rng.choices(ids, weights, k=count)


def _deep(total: int) -> int:
    """An offset halfway through `total` records, on a page boundary."""
    return (total // 2) // 25 * 25


def cases(since: str, info: dict[str, Any]) -> list[Case]:
    gifts, reports, total = f"{P}/gifts/search", f"{P}/contact_reports", search._lgl_total
    month = f"date_from={MONTH[0]};date_to={MONTH[1]}"
    typical, giver, reporter = info["typical"], info["giver"], info["reporter"]

    def has(name: str) -> str:
        return f"{info[name + '_gifts']:,} gifts, {info[name + '_reports']:,} reports"

    return [
        Case("gift search, one month (`date_from`, `date_to`)", f"{gifts}?q[]={month}", total=total),
        Case("gift search, one month, `sort=gift_amount!` (largest first)",
             f"{gifts}?q[]={month}&sort=gift_amount!", total=total),
        Case("gift search, one month + `gift_amount=gte\\|100` + `funds=in\\|<one fund>`",  # \\|: a Markdown cell
             f"{gifts}?q[]={month};gift_amount=gte|100;funds=in|{info['fund']}", total=total),
        Case("gift search, no term, `offset=0`", gifts, total=total),
        Case(f"gift search, no term, `offset={_deep(GIFTS):,}`", f"{gifts}?offset={_deep(GIFTS)}", total=total),
        Case("gift search, no term, `sort=name` (the constituents' names)", f"{gifts}?sort=name", total=total),
        Case("gift search, `updated_from=<after the seed>`", f"{gifts}?q[]=updated_from={quote(since)}", total=total),
        Case(f"a constituent's gifts ({has('typical')})", f"{P}/constituents/{typical}/gifts", total=total),
        Case(f"a constituent's gifts (the most gifts: {has('giver')})", f"{P}/constituents/{giver}/gifts",
             total=total),
        Case(f"contact-report search, `constituent_id` ({has('typical')})",
             f"{reports}/search?q[]=constituent_id={typical}", total=total),
        Case(f"contact-report search, `constituent_id` (the most reports: {has('reporter')})",
             f"{reports}/search?q[]=constituent_id={reporter}", total=total),
        Case("contact-report search, `updated_from=<after the seed>`",
             f"{reports}/search?q[]=updated_from={quote(since)}", total=total),
        Case("contact-report list, `offset=0`", reports, total=total),
        Case(f"contact-report list, `offset={_deep(REPORTS):,}`", f"{reports}?offset={_deep(REPORTS)}", total=total),
    ]


def measure() -> tuple[list[tuple[Case, Measured, Measured]], dict[str, Any]]:
    from chalice.test import Client

    from app import app
    from chalicelib import auth
    from chalicelib.domain import organisations
    from chalicelib.domain.timestamps import format_timestamp, utcnow
    from chalicelib.faces.lgl.gifts import GIFTS as GIFT_RESOURCE
    from chalicelib.faces.lgl.interactions import CONTACT_REPORTS
    from chalicelib.store import context, dynamo
    from chalicelib.store.kinds import CONTACT_LOG, DONATION
    from chalicelib.store.search_index import OVERLAP_SECONDS

    info: dict[str, Any] = {"later": OVERLAP_SECONDS + 1}
    with search.moto_store():
        organisations.create(ORG, ORG.title())
        for first, last in TEAM:
            organisations.add_member(ORG, first_name=first, last_name=last, email=f"{first.lower()}@{ORG}.example")
        keys = {scope: auth.create_key(ORG, scope, label="bench")[0] for scope in (auth.READ, auth.WRITE)}
        meter = Meter(dynamo.client(), latency=0)  # the seed at moto's speed
        clock = MotoClock(dynamo.client(), meter)
        rng = random.Random(20261208)
        started = time.perf_counter()
        with Client(app) as client:
            api = Api(client, keys)
            ids = search.seed(api, CONSTITUENTS, rng)
            info["constituents_seconds"] = time.perf_counter() - started
            _progress(f"{CONSTITUENTS:,} constituents through the API in {info['constituents_seconds']:.0f} s")

            def catalogue(key: str, names: list[str]) -> list[int]:
                return [int(api.call("POST", f"{P}/{key}", {"name": name}, status=201)["id"]) for name in names]

            funds, campaigns, appeals = catalogue("funds", FUNDS), catalogue("campaigns", CAMPAIGNS), \
                catalogue("appeals", APPEALS)
            info["fund"] = funds[1]
            givers, reporters = _shares(rng, ids, GIFTS), _shares(rng, ids, REPORTS)
            gift_bodies = [(giver, gift(rng, n, funds, campaigns, appeals)) for n, giver in enumerate(givers)]
            report_bodies = [(reporter, report(rng)) for reporter in reporters]
            seeding = time.perf_counter()
            by_constituent: dict[int, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {c: ([], []) for c in ids}
            for giver, body in gift_bodies:
                by_constituent[giver][0].append(body)
            for reporter, body in report_bodies:
                by_constituent[reporter][1].append(body)
            with Seeder(context.records()) as seeder:
                for constituent_id, (its_gifts, its_reports) in by_constituent.items():
                    seed_records(ORG, GIFT_RESOURCE, constituent_id, its_gifts)
                    seed_records(ORG, CONTACT_REPORTS, constituent_id, its_reports)
                    seeder.done()
                seeder.finish(ORG, [DONATION, CONTACT_LOG])
            info["records_seconds"] = time.perf_counter() - seeding
            _progress(f"{GIFTS:,} gifts and {REPORTS:,} contact reports in {info['records_seconds']:.0f} s")
            info["seed_calls"] = dict(seeder.calls)
            gift_counts, report_counts = Counter(givers), Counter(reporters)
            info["typical"] = min(ids, key=lambda c: (abs(report_counts[c] - REPORTS_WANTED), c))
            info["giver"] = max(ids, key=lambda c: (gift_counts[c], -c))
            info["reporter"] = max(ids, key=lambda c: (report_counts[c], -c))
            for name in ("typical", "giver", "reporter"):
                info[f"{name}_gifts"] = gift_counts[info[name]]
                info[f"{name}_reports"] = report_counts[info[name]]
            # The changes a sync tool polls for, a little after the seed (past the search
            # index's overlap window, as on a live organisation where most rows are old).
            time.sleep(OVERLAP_SECONDS + 1)
            since = format_timestamp(utcnow())
            time.sleep(0.01)
            for gift_id in rng.sample(seeder.ids["GIFT"], CHANGED_GIFTS):
                api.call("PATCH", f"{P}/gifts/{gift_id}", {"note": "Corrected"}, status=200)
            for entry_id in rng.sample(seeder.ids["LOG"], CHANGED_REPORTS):
                api.call("PATCH", f"{P}/contact_reports/{entry_id}", {"name": "Corrected"}, status=200)
            info["seed_seconds"] = time.perf_counter() - started
            info["items"] = dynamo.client().describe_table(TableName=os.environ["TABLE_NAME"])["Table"]["ItemCount"]
            info["checked"] = verify(api, info)
            _progress(f"seeded and checked in {info['seed_seconds']:.0f} s; measuring")
            measuring = time.perf_counter()
            results = search.measured(Bench(client, meter, clock, keys[auth.READ]), meter, cases(since, info))
            info["measure_seconds"] = time.perf_counter() - measuring
            _progress(f"measured in {info['measure_seconds']:.0f} s")
            info["key"] = results[0][1].key_calls
        info["scans"] = sum(call["op"] == "Scan" for call in meter.calls)
    return results, info


def verify(api: Api, info: dict[str, Any]) -> list[str]:
    """The totals the API answers are the records seeded; what was checked."""
    checks = [(f"{P}/gifts/search?limit=0", GIFTS), (f"{P}/contact_reports?limit=0", REPORTS),
              (f"{P}/contact_reports/search?limit=0", REPORTS)]
    for name in ("typical", "giver", "reporter"):
        checks += [(f"{P}/constituents/{info[name]}/gifts?limit=0", info[f"{name}_gifts"]),
                   (f"{P}/constituents/{info[name]}/contact_reports?limit=0", info[f"{name}_reports"])]
    done = []
    for url, expected in checks:
        answered = api.call("GET", url, scope="READ")["total_items"]
        if answered != expected:
            raise SystemExit(f"bench/history.py: GET {url} answered total_items {answered:,}, not {expected:,}")
        shown = url
        for name in ("typical", "giver", "reporter"):
            shown = shown.replace(f"/{info[name]}/", f"/{{{name}}}/")
        done.append(f"`GET {shown}` {answered:,}")
    return done


SOURCES = [  # where a request's reads go, for the breakdown table: (column, does the call read it)
    ("search rows (GSI7)", lambda c: c["op"] == "Query" and c["request"].get("IndexName") == "GSI7"),
    ("a constituent's collection (GSI1)", lambda c: c["op"] == "Query" and c["request"].get("IndexName") == "GSI1"),
    ("whole records (BatchGetItem)", lambda c: c["op"] == "BatchGetItem"),
    ("table Query (count shards, catalogues)", lambda c: c["op"] == "Query" and not c["request"].get("IndexName")),
]


def _source(m: Measured, match: Any) -> str:
    picked = [c for c in m.calls if match(c)]
    if not picked:
        return "–"
    return f"{sum(search._items_read(c) for c in picked):,} / {sum(c.get('wire_bytes', 0) for c in picked):,}"


def _other(m: Measured) -> str:
    rest = [c for c in m.calls if not any(match(c) for _, match in SOURCES)]
    if not rest:
        return "–"
    return f"{', '.join(sorted({calls.describe(c) for c in rest}))}: {sum(c.get('wire_bytes', 0) for c in rest):,}"


def render(results: list[tuple[Case, Measured, Measured]], info: dict[str, Any]) -> str:
    lines = [("| request | Lambda | total | DynamoDB calls | round trips | within 2 | items read | bytes read "
              "| Python ms | modelled ms | operations (one wave of overlapping calls each) |"),
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for case, cold, warm in results:
        lines += [search._row(case, "cold", cold), search._row(case, "warm", warm)]
    sources = ["| request | Lambda | " + " | ".join(name for name, _ in SOURCES) + " | other calls: bytes |",
               "|---|---|" + "---|" * (len(SOURCES) + 1)]
    for case, cold, warm in results:
        for state, m in (("cold", cold), ("warm", warm)):
            sources.append(f"| {case.name} | {state} | " + " | ".join(_source(m, match) for _, match in SOURCES)
                           + f" | {_other(m)} |")
    key = info["key"]
    key_note = (f"A cold Lambda first looks its API key up ({len(key)} GetItem, {round_trips(key)} round trip), "
                f"not counted above." if key else "The API key's lookup did not show on the cold requests.")
    return "\n".join([
        (f"One organisation of {CONSTITUENTS:,} constituents with {GIFTS:,} gifts and {REPORTS:,} contact reports "
         f"received and made {FIRST_YEAR}–{LAST_YEAR} ({info['items']:,} items in the table). Constituents through "
         f"the API in {info['constituents_seconds']:.0f} s; gifts and reports made by the routes' own code, their "
         f"items built by the store's unit of work and written in {info['seed_calls'].get('BatchWriteItem', 0):,} "
         f"BatchWriteItem and {info['seed_calls'].get('UpdateItem', 0):,} UpdateItem calls (the constituents' "
         f"counters), and the count shards set by `Records.recount`, in {info['records_seconds']:.0f} s; "
         f"{CHANGED_GIFTS} gifts and {CHANGED_REPORTS} report changed {info['later']} s after the seed; "
         f"{info['seed_seconds']:.0f} s in all, then {info['measure_seconds']:.0f} s measuring. Checked through "
         f"the API before measuring: " + ", ".join(info["checked"]) + ". Cold and warm, columns and modelled ms "
         f"as in the constituents' table; the month searched is {MONTH[0]} to {MONTH[1]}."),
        "",
        *lines,
        "",
        "Where the reads go (items read / bytes read):",
        "",
        *sources,
        "",
        f"{key_note} Scan calls: {info['scans']}.",
    ])


def configure(gifts: int = GIFTS, reports: int = REPORTS, constituents: int = CONSTITUENTS) -> None:
    """The history's size (the command line's options)."""
    global GIFTS, REPORTS, CONSTITUENTS
    GIFTS, REPORTS, CONSTITUENTS = gifts, reports, constituents


def run() -> tuple[str, bool]:
    """The Markdown report and whether it passes (no Scan)."""
    results, info = measure()
    return (f"## An organisation's history: {GIFTS:,} gifts and {REPORTS:,} contact reports (cold and warm)\n\n"
            + render(results, info), info["scans"] == 0)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.history", description=__doc__.split("\n\n")[0])
    parser.add_argument("--gifts", type=int, default=GIFTS, help="gifts to seed (default %(default)s)")
    parser.add_argument("--reports", type=int, default=REPORTS, help="contact reports to seed (default %(default)s)")
    parser.add_argument("--constituents", type=int, default=CONSTITUENTS,
                        help="constituents they belong to (default %(default)s)")
    args = parser.parse_args(argv)
    configure(args.gifts, args.reports, args.constituents)
    report_text, ok = run()
    print(report_text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
