"""DynamoDB calls and round trips per warm request, for every route in chalicelib.faces.http.ROUTES.

Under moto: build the table, one organisation with a READ and a WRITE key, and a few records
(through the API, which also primes the API key cache, each kind's id block, the lookup
values and the search index's warm rows). Then one request per scenario through
chalice.test.Client. A botocore `before-call` handler notes each DynamoDB call and when it
started, an `after-call` handler when it ended, the bytes its response carried and the items
it returned; both fire in the calling thread, so calls the store makes in parallel threads
(the search index's shard queries, BatchGetItem chunks) are told apart.

Round trips are counted from how the calls were made, not from when moto answered them: the
store makes calls in parallel only through `queries.in_parallel`, whose pool the bench runs
as `TaggedPool` (the same pool, each job noting which batch and job its thread is running).
Calls of one batch are one round trip; a job's own calls follow each other (a shard's second
page is one more), and jobs beyond the pool's threads wait for a free one; every other call
waits for the one before it. Timing cannot tell this under moto: moto answers in the calling
thread and holds the GIL, so on a large table a call issued with eight others can start only
after one of them has ended, and the same request measured 2 round trips one time and 3 the
next. The round trips of a request are its waves (`waves`).

Budgets are per operation kind, in round trips (BUDGETS). A route with no scenario fails
the run, so a new route shows up here by itself. Exit status 1 when any Scan was made
(DESIGN.md §9: 0 Scan anywhere); over-budget rows are reported, not failed.
"""
from __future__ import annotations

import itertools
import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

ENV = {
    "API_KEY_PEPPER": "bench-pepper-not-a-secret-0123456789",
    "TABLE_NAME": "donor-relations-bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    "API_KEY_CACHE_SECONDS": "3600",  # warm: a verified key stays cached for the whole run
    # The seed and the scenarios create more than the default block of 10 donors; the one
    # create in ten that reserves the next block is the cold path (COLD_PATH), not measured here.
    "ID_BLOCK_SIZE": "100",
}
P = "/api/v1"
EXTERNAL_ID = "ext-donor-0001"
# Round trips per request, by what it does (a transaction counts as one call): a read of one
# record, a create; an update or delete reads before its one conditional write; a list page
# with its exact total (the search index's rows and count, then the page's records).
BUDGETS = {"get": 1, "create": 1, "update": 2, "delete": 2, "list page": 2}
COLD_PATH = {"GetItem APIKEY", "UpdateItem COUNTER"}  # key lookup and id-block reservation
STATUS = {"GET": 200, "POST": 201, "PUT": 200, "PATCH": 200, "DELETE": 204}
LIST_ROUTES = {f"{P}/types/{{type}}"}  # GET routes ending in a path variable that answer a list
LATENCY = 0.005  # seconds each call waits in before-call: a network's latency (module docstring)


@dataclass(frozen=True)
class Scenario:
    method: str
    route: str     # the route's path template, as in ROUTES
    name: str
    url: str
    body: dict[str, Any] | None = None
    headers: dict[str, str] | None = None
    status: int | None = None  # the success status, when not STATUS's for the method (LGL: 200)
    kind: str | None = None    # the budget it falls under, when not kind_of's for the route
    # A GET made just before, not measured: what a warm Lambda has read (a catalogue write
    # forgets every catalogue; the next catalogue read of the Lambda reads them again).
    before: str | None = None
    # A kind whose ids are reserved one at a time (catalogues: dense ids) reserves one on every
    # create: its UpdateItem COUNTER is this request's own cost, not a cold path.
    reserves_id: bool = False


def kind_of(method: str, route: str) -> str:
    """Which budget a request of this route falls under."""
    kind = {"POST": "create", "PUT": "update", "PATCH": "update", "DELETE": "delete"}.get(method)
    if kind is None:
        kind = "get" if route.endswith("}") and route not in LIST_ROUTES else "list page"
    return kind


@dataclass
class Row:
    route: str
    method: str
    scenario: str
    calls: list[dict[str, Any]]
    kind: str  # which budget (BUDGETS)

    @property
    def budget(self) -> int:
        return BUDGETS[self.kind]

    @property
    def round_trips(self) -> int:
        return round_trips(self.calls)

    @property
    def bytes_read(self) -> int:
        return sum(c.get("bytes", 0) for c in self.calls)

    @property
    def waves(self) -> list[list[dict[str, Any]]]:
        return waves(self.calls)


class Meter:
    """Every DynamoDB call the client makes: operation, request, start and end (perf_counter
    seconds), the bytes of its response, and for Query, BatchGetItem and GetItem the items returned.

    botocore fires `before-call` and `after-call` in the thread making the call, so a call made
    in a worker thread is matched to its own end, and notes the `in_parallel` job it is part of
    (TaggedPool), if any. Each call sleeps `latency` seconds in `before-call` (0: none), as on a
    network."""

    def __init__(self, client: Any, latency: float = LATENCY) -> None:
        TaggedPool.install()
        self.calls: list[dict[str, Any]] = []
        self.latency = latency
        self._lock = threading.Lock()
        self._current = threading.local()
        client.meta.events.register("before-call.dynamodb.*", self._before)
        client.meta.events.register("after-call.dynamodb.*", self._after)

    def _before(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        call = {"op": model.name, "request": json.loads(params.get("body") or b"{}"),
                "thread": threading.current_thread().name, "start": time.perf_counter(),
                "job": getattr(_job, "tag", None)}
        with self._lock:
            self.calls.append(call)
        self._current.call = call
        if self.latency:
            time.sleep(self.latency)

    def _after(self, http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        call = getattr(self._current, "call", None)
        if call is None or call["op"] != model.name:
            return
        self._current.call = None
        call["end"] = time.perf_counter()
        call["bytes"] = len(http_response.content or b"") if http_response is not None else 0
        if model.name == "Query":
            call["items"] = parsed.get("Count", len(parsed.get("Items", [])))
            call["scanned"] = parsed.get("ScannedCount")
        elif model.name == "GetItem":
            call["items"] = int("Item" in parsed)
        elif model.name == "BatchGetItem":
            call["items"] = sum(len(items) for items in parsed.get("Responses", {}).values())
            call["keys"] = sum(len(ask.get("Keys", [])) for ask in call["request"].get("RequestItems", {}).values())

    def current(self) -> dict[str, Any] | None:
        """The call this thread is making (between its before-call and after-call), if any."""
        return getattr(self._current, "call", None)

    def mark(self) -> int:
        with self._lock:
            return len(self.calls)

    def since(self, mark: int) -> list[dict[str, Any]]:
        with self._lock:
            return self.calls[mark:]


_job = threading.local()  # in a TaggedPool thread: (batch, job, threads) of the job it runs


class TaggedPool(ThreadPoolExecutor):
    """The store's pool of parallel calls (`queries._pool`, which `in_parallel` maps its jobs
    over), as the bench runs it: the same threads, each job noting on its thread which batch
    (one `map`, one `in_parallel`) and which job of it the thread is running."""

    _batches = itertools.count(1)

    def map(self, fn: Any, *iterables: Any, timeout: float | None = None, chunksize: int = 1) -> Any:
        batch, threads = next(self._batches), self._max_workers

        def job(index: int, *args: Any) -> Any:
            _job.tag = (batch, index, threads)
            try:
                return fn(*args)
            finally:
                _job.tag = None

        return super().map(job, itertools.count(), *iterables, timeout=timeout, chunksize=chunksize)

    @classmethod
    def install(cls) -> None:
        """Give the store this pool (before its first parallel call, or in place of its own)."""
        from chalicelib.store import queries

        with queries._pool_lock:
            if not isinstance(queries._pool, cls):
                if queries._pool is not None:
                    queries._pool.shutdown(wait=False)
                queries._pool = cls(max_workers=queries._PARALLEL_CALLS, thread_name_prefix="dynamodb")


def round_trips(calls: list[dict[str, Any]]) -> int:
    """Round trips: calls made together (one `in_parallel`) count once, a job's calls in turn
    and every other call after the one before it (module docstring)."""
    return len(waves(calls))


def waves(calls: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The request's round trips in order, each the calls in flight together: a call made on
    its own is a wave of one; an `in_parallel` batch's jobs go to the pool's threads in order
    (a job waits for a free thread), and the k-th call of each job is in the k-th wave from
    where the job started."""
    out: list[list[dict[str, Any]]] = []
    done: set[int] = set()
    ordered = sorted(calls, key=lambda c: c["start"])
    for call in ordered:
        tag = call.get("job")
        if tag is None:
            out.append([call])
            continue
        batch, _, threads = tag
        if batch in done:
            continue
        done.add(batch)
        jobs: dict[int, list[dict[str, Any]]] = {}
        for made in ordered:
            if made.get("job") is not None and made["job"][0] == batch:
                jobs.setdefault(made["job"][1], []).append(made)
        free = [0] * max(1, min(threads, len(jobs)))  # the wave each thread is free from
        slots: dict[int, list[dict[str, Any]]] = {}
        for index in sorted(jobs):
            thread = min(range(len(free)), key=lambda t: free[t])
            begin = free[thread]
            for step, made in enumerate(jobs[index]):
                slots.setdefault(begin + step, []).append(made)
            free[thread] = begin + len(jobs[index])
        out += [slots[slot] for slot in sorted(slots)]
    return out


def _label(call: dict[str, Any]) -> str:
    op, request = call["op"], call["request"]
    if op == "Query":
        return f"Query {request.get('IndexName', 'table')}"
    if op in ("BatchGetItem", "TransactWriteItems"):
        return op
    return describe(call)


def describe(call: dict[str, Any]) -> str:
    """`Query GSI2 → 3 items`, `GetItem UNIQUE`, `TransactWriteItems ×2`, `BatchGetItem → 25 items`..."""
    op, request = call["op"], call["request"]
    if op == "Query":
        read = f" (read {call['scanned']})" if call.get("scanned") not in (None, call.get("items")) else ""
        return f"Query {request.get('IndexName', 'table')} → {call.get('items')} items{read}"
    if op == "TransactWriteItems":
        return f"TransactWriteItems ×{len(request['TransactItems'])}"
    if op == "BatchGetItem":
        return f"BatchGetItem → {call.get('items')} items"
    key = request.get("Key") or request.get("Item") or {}
    sk = key.get("SK", {}).get("S", "")
    return f"{op} {sk.split('#')[0]}" if sk else op


def describe_wave(wave: list[dict[str, Any]]) -> str:
    """One call as `describe` says it; overlapping calls grouped: `Query GSI7 ×8 → 40 items + Query table → 16 items (parallel)`."""
    if len(wave) == 1:
        return describe(wave[0])
    groups: dict[str, list[dict[str, Any]]] = {}
    for call in wave:
        groups.setdefault(_label(call), []).append(call)
    parts = []
    for label, group in groups.items():
        if len(group) == 1:
            parts.append(describe(group[0]))
            continue
        items = [c.get("items") for c in group]
        counted = f" → {sum(i or 0 for i in items)} items" if any(i is not None for i in items) else ""
        parts.append(f"{label} ×{len(group)}{counted}")
    return " + ".join(parts) + " (parallel)"


def operations(calls: list[dict[str, Any]]) -> str:
    return ", ".join(describe_wave(w) for w in waves(calls)) or "none"


class Api:
    """chalice.test.Client with JSON in and out, authenticated with the route's scope."""

    def __init__(self, client: Any, keys: dict[str, str]) -> None:
        self.client, self.keys = client, keys

    def call(self, method: str, url: str, body: Any = None, scope: str | None = "WRITE",
             headers: dict[str, str] | None = None, status: int | None = None) -> Any:
        key = {"Authorization": f"Bearer {self.keys[scope]}"} if scope else {}  # None: a public route
        all_headers = {**key, "Content-Type": "application/json", **(headers or {})}
        payload = json.dumps(body) if body is not None else None
        response = getattr(self.client.http, method.lower())(url, headers=all_headers, body=payload)
        expected = status or STATUS[method]
        if response.status_code != expected:
            raise RuntimeError(f"{method} {url} answered {response.status_code}, not {expected}: "
                               f"{response.body!r}")
        return json.loads(response.body) if response.body else None


def seed(api: Api) -> dict[str, Any]:
    """Records the scenarios read, change and delete; the id blocks get primed on the way."""
    donor = api.call("POST", f"{P}/donors", {"first_name": "Jane", "last_name": "Doe",
                                             "email": "jane@example.org", "external_id": EXTERNAL_ID})
    john = api.call("POST", f"{P}/donors", {"first_name": "John", "last_name": "Roe"})
    spare_donor = api.call("POST", f"{P}/donors", {"org_name": "Spare Trust", "is_org": True})
    log = {"donor_id": donor["id"], "contact_method": "PHONE", "occurred_at": "2026-06-10T02:00:00.000Z"}
    first_log = api.call("POST", f"{P}/contact-logs", {**log, "follow_up_at": "2026-06-25T00:00:00.000Z"})
    api.call("POST", f"{P}/contact-logs", {**log, "contact_method": "EMAIL", "follow_up_at": "2099-01-01"})
    spare_log = api.call("POST", f"{P}/contact-logs", log)
    gift = {"donor_id": donor["id"], "amount": "25.00", "received_at": "2026-06-01"}
    first_gift = api.call("POST", f"{P}/donations", gift)
    spare_gift = api.call("POST", f"{P}/donations", {**gift, "amount": "10.00"})
    cursors = {path: api.call("GET", f"{P}/{path}?limit=1", scope="READ")["next_cursor"]
               for path in ("contact-logs", "donors", "donations")}
    cursors["follow-ups"] = api.call("GET", f"{P}/follow-ups?limit=1", scope="READ")["next_cursor"]
    cursors["activity"] = api.call("GET", f"{P}/donors/{donor['id']}/activity?limit=1",
                                   scope="READ")["next_cursor"]
    activities = f"/v1/contacts/{donor['id']}/activities"
    activity = api.call("POST", activities, {"type": "volunteer_activity", "note": "Helped at the gala"})
    spare_activity = api.call("POST", activities, {"type": "note", "note": "Spare"})
    childless = api.call("POST", f"{P}/donors", {"first_name": "Solo", "last_name": "Donor"})
    return {"donor": donor["id"], "spare_donor": spare_donor["id"], "log": first_log["id"],
            "activity": activity["id"], "spare_activity": spare_activity["id"], "childless": childless["id"],
            "spare_log": spare_log["id"], "gift": first_gift["id"], "spare_gift": spare_gift["id"],
            "cursor": cursors, **seed_lgl(api, others=(donor["id"], john["id"]))}


# Each kind's values on the seeded constituent: the first is preferred; the second is patched
# (not preferred), the third made preferred by a patch and deleted last (then preferred), the
# fourth deleted (not preferred). NEW_POINTS are created by the scenarios.
POINTS = {
    "email_addresses": [{"address": f"{n}@jones.example.org"} for n in ("jo", "work", "old", "spare")],
    "phone_numbers": [{"number": f"(555) 010{n}"} for n in range(4)],
    "street_addresses": [{"street": f"{n} Main St", "city": "Springfield", "state": "IL", "postal_code": "62701"}
                         for n in range(1, 5)],
    "web_addresses": [{"url": f"https://{n}.jones.example.org"} for n in ("www", "blog", "old", "spare")],
}
NEW_POINTS = {
    "email_addresses": ({"address": "new@jones.example.org"}, {"address": "vip@jones.example.org"}),
    "phone_numbers": ({"number": "(555) 0110"}, {"number": "(555) 0111"}),
    "street_addresses": ({"street": "9 Oak Ave", "city": "Peoria", "state": "IL"},
                         {"street": "10 Elm Rd", "city": "Peoria", "state": "IL"}),
    "web_addresses": ({"url": "https://new.jones.example.org"}, {"url": "https://vip.jones.example.org"}),
}
TYPE_FIELD = {"email_addresses": "email_address_type_id", "phone_numbers": "phone_number_type_id",
              "street_addresses": "street_address_type_id", "web_addresses": "web_address_type_id"}


def seed_lgl(api: Api, others: tuple[int, int]) -> dict[str, Any]:
    """LGL's records: a constituent with four of each contact point, one to delete, and the
    search index's rows and the lookup values read once (a warm Lambda has them). `others`:
    two more donors, for records a constituent has once per appeal, event or group."""
    jo = api.call("POST", f"{P}/constituents", {"first_name": "Jo", "last_name": "Jones", **POINTS}, status=200)
    spare = api.call("POST", f"{P}/constituents", {
        "first_name": "Spare", "last_name": "Constituent", "email_addresses": [{"address": "spare@example.net"}],
        "phone_numbers": [{"number": "555-0199"}]}, status=200)
    records = seed_lgl_records(api, jo["id"], others)
    api.call("GET", f"{P}/constituents", scope="READ")  # the search index's rows, kept warm
    for name in ("email_address_types", "phone_number_types", "street_address_types", "web_address_types"):
        api.call("GET", f"{P}/types/{name}", scope="READ")
    return {"constituent": jo["id"], "spare_constituent": spare["id"], "since": jo["updated_at"], "others": others,
            "points": {name: [point["id"] for point in jo[name]] for name in POINTS}, **records}


# The catalogues the native face manages at LGL's list paths (POST 201, DELETE 204): a value to
# create, and a change to one.
NATIVE_CATALOGUES = {
    "funds": ({"name": "Bench Fund"}, {"description": "Changed"}),
    "campaigns": ({"name": "Bench Campaign"}, {"description": "Changed"}),
    "appeals": ({"name": "Bench Appeal"}, {"description": "Changed"}),
    "events": ({"name": "Bench Gala"}, {"description": "Changed"}),
    "gift_types": ({"name": "Bench Bequest"}, {"ordinal": 9}),
    "gift_categories": ({"display_name": "Bench Category", "gift_type_id": 7}, {"display_name": "Bench Grant"}),
    "payment_types": ({"name": "Bench Venmo", "key": "venmo"}, {"ordinal": 12}),
    "mailing_templates": ({"name": "Bench Thank-you"}, {"code": "bench_ty"}),
    "class_affiliation_types": ({"name": "Bench Alumnus"}, {"ordinal": 7}),
    "relationship_types": ({"name": "Bench Cousin"}, {"short_code": "cousin"}),
    "attributes": ({"name": "Bench Shirt size"}, {"description": "Changed"}),
}
# The catalogues LGL manages itself (POST and DELETE answer 200).
LGL_CATALOGUES = {
    "categories": ({"name": "Bench Interests", "item_type": "Constituent"}, {"ordinal": 3}),
    "groups": ({"name": "Bench Board"}, {"ordinal": 10}),
    "membership_levels": ({"name": "Bench Gold"}, {"name": "Bench Platinum"}),
}
CATALOGUE_LIST = f"{P}/funds"  # any catalogue's list reads them all (one Query), and the lookup values


def seed_lgl_records(api: Api, constituent: int, others: tuple[int, int]) -> dict[str, Any]:
    """LGL's gifts, contact reports, notes and volunteer times on the seeded constituent (one
    of each to change, one to delete), each kind's search rows read once; values of every
    catalogue to read, change and delete; a category with keywords, one of them assigned to
    the constituent; its appeal requests, invitations and memberships (`seed_lgl_sections`)."""
    on = f"{P}/constituents/{constituent}"
    values = {}
    for key, (body, _) in NATIVE_CATALOGUES.items():
        name_field, name = next(iter(body.items()))
        values[key] = [api.call("POST", f"{P}/{key}", {**body, name_field: f"{name} {n}"})["id"] for n in range(3)]
    for key, (body, _) in LGL_CATALOGUES.items():
        values[key] = [api.call("POST", f"{P}/{key}", {**body, "name": f"{body['name']} {n}"}, status=200)["id"]
                       for n in range(3)]
    category = values["categories"][0]
    keywords = [api.call("POST", f"{P}/categories/{category}/keywords", {"name": f"Keyword {n}"}, status=200)["id"]
                for n in range(4)]
    for keyword in keywords[:2]:
        api.call("POST", f"{on}/keywords", {"id": keyword}, status=200)
    made = {"gifts": [api.call("POST", f"{on}/gifts", {"received_amount": f"{10 * n}.00", "received_date":
                                                     f"2025-0{n}-15", "fund_id": values["funds"][0]},
                               status=200)["id"] for n in range(1, 5)],
            "contact_reports": [api.call("POST", f"{on}/contact_reports", {
                "text": f"Call {n}", "name": "Thank-you call", "contact_report_type_id": 2183,
                "original_date": f"2025-0{n}-20"}, status=200)["id"] for n in range(1, 5)],
            "notes": [api.call("POST", f"{on}/notes", {"text": f"Note {n}", "note_type_id": 1}, status=200)["id"]
                      for n in range(1, 5)],
            "volunteer_times": [api.call("POST", f"{on}/volunteer_times", {
                "volunteering_category_id": 446, "description": f"Gala set-up {n}", "hours": f"{n}.5",
                "date": f"2025-0{n}-10"}, status=200)["id"] for n in range(1, 5)],
            **seed_lgl_sections(api, constituent, others[0], values)}
    since = api.call("GET", f"{P}/gifts/{made['gifts'][0]}", scope="READ")["updated_at"]
    for path in ("gifts/search", "contact_reports", "notes", "volunteer_times"):  # each kind's rows, kept warm
        api.call("GET", f"{P}/{path}", scope="READ")
    api.call("GET", CATALOGUE_LIST, scope="READ")
    return {"lgl": made, "gifts_since": since, "values": values, "keywords": keywords}


def seed_lgl_sections(api: Api, constituent: int, second: int, values: dict[str, list[int]]
                      ) -> dict[str, list[int]]:
    """Appeal requests, invitations, group memberships and memberships to read, patch and
    delete, in that order (`record_scenarios`), naming the first two values of their catalogue
    (the third is deleted, not in use). A constituent is on an appeal's list, an event's and in
    a group once: the seeded constituent on the first value only (the scenarios add it to the
    second), another donor on both."""

    def add(collection: str, on: int, body: dict[str, Any]) -> int:
        return api.call("POST", f"{P}/constituents/{on}/{collection}", body, status=200)["id"]

    out = {}
    kinds = (("appeal_requests", "appeal_id", "appeals"), ("invitations", "event_id", "events"),
             ("group_memberships", "group_id", "groups"))
    for collection, ref, catalogue in kinds:
        first, other = values[catalogue][:2]
        out[collection] = [add(collection, constituent, {ref: first}), add(collection, second, {ref: first}),
                           add(collection, second, {ref: other})]
    levels = values["membership_levels"]
    out["memberships"] = [add("memberships", constituent, {"membership_level_id": level, "date_start": "2024-01-01"})
                          for level in (levels[0], levels[1], levels[0])]
    return out


def scenarios(s: dict[str, Any]) -> list[Scenario]:
    logs, donors, gifts = f"{P}/contact-logs", f"{P}/donors", f"{P}/donations"
    log_item, donor_item, gift_item = logs + "/{record}", donors + "/{record}", gifts + "/{record}"
    activity, memberships = donors + "/{record}/activity", donors + "/{record}/memberships"
    queue = f"{P}/follow-ups"
    gb_list, gb_item = "/v1/contacts/{contact}/activities", "/v1/contacts/{contact}/activities/{activity}"
    gb_activities = f"/v1/contacts/{s['donor']}/activities"
    contacts = "/api/v2/organizations/contacts"
    contact_item = contacts + "/{record}"
    jsonapi = {"Accept": "application/vnd.api+json", "Content-Type": "application/vnd.api+json"}
    new_log = {"donor_id": s["donor"], "contact_method": "MEETING", "occurred_at": "2026-06-11T09:00:00.000Z"}
    new_gift = {"donor_id": s["donor"], "amount": "40.00", "received_at": "2026-06-02"}
    S = Scenario
    return [
        S("GET", logs, "list page", logs),
        S("GET", logs, "list page, donor_id", f"{logs}?donor_id={s['donor']}"),
        S("GET", logs, "list page, donor_id as external_id", f"{logs}?donor_id={EXTERNAL_ID}"),
        S("GET", logs, "list page, method", f"{logs}?method=PHONE"),
        S("GET", logs, "list page, follow_up=open", f"{logs}?follow_up=open"),
        S("GET", logs, "list page, method + follow_up=open", f"{logs}?method=PHONE&follow_up=open"),
        S("GET", logs, "list page, donor_id + method + follow_up", f"{logs}?donor_id={s['donor']}&method=PHONE&follow_up=open"),
        S("GET", logs, "list page 2 (cursor)", f"{logs}?limit=1&cursor={s['cursor']['contact-logs']}"),
        S("POST", logs, "create", logs, new_log),
        S("POST", logs, "create, Idempotency-Key", logs, new_log, {"Idempotency-Key": "bench-log"}),
        S("POST", logs, "create, Idempotency-Key replayed", logs, new_log, {"Idempotency-Key": "bench-log"}),
        S("POST", logs, "create, donor_id as external_id", logs, {**new_log, "donor_id": EXTERNAL_ID}),
        S("GET", log_item, "get", f"{logs}/{s['log']}"),
        S("PATCH", log_item, "patch", f"{logs}/{s['log']}", {"notes": "Called back."}),
        S("PATCH", log_item, "patch, If-Match", f"{logs}/{s['log']}", {"notes": "Called again."}, {"If-Match": '"2"'}),
        S("DELETE", log_item, "delete", f"{logs}/{s['spare_log']}"),
        S("GET", donors, "list page", donors),
        S("GET", donors, "list page, q", f"{donors}?q=doe"),
        S("GET", donors, "list page, email", f"{donors}?email=jane@example.org"),
        S("GET", donors, "list page, email + q", f"{donors}?email=jane@example.org&q=jane"),
        S("GET", donors, "list page, sort=-name", f"{donors}?sort=-name"),
        S("GET", donors, "list page 2 (cursor)", f"{donors}?limit=1&cursor={s['cursor']['donors']}"),
        S("POST", donors, "create", donors, {"first_name": "Ann", "last_name": "Poe"}),
        S("POST", donors, "create, Idempotency-Key", donors, {"first_name": "Bo", "last_name": "Li"},
          {"Idempotency-Key": "bench-donor"}),
        S("POST", donors, "create, external_id (guard)", donors, {"last_name": "Ng", "external_id": "ext-2"}),
        S("GET", donor_item, "get", f"{donors}/{s['donor']}"),
        S("GET", donor_item, "get by external_id", f"{donors}/{EXTERNAL_ID}"),
        S("PATCH", donor_item, "patch", f"{donors}/{s['donor']}", {"nick_name": "JD"}),
        S("DELETE", donor_item, "delete", f"{donors}/{s['spare_donor']}"),
        S("GET", memberships, "groups, keywords and memberships", f"{donors}/{s['constituent']}/memberships",
          kind="get", before=CATALOGUE_LIST),
        S("GET", memberships, "by external_id", f"{donors}/{EXTERNAL_ID}/memberships", kind="get",
          before=CATALOGUE_LIST),
        S("GET", activity, "activity page", f"{donors}/{s['donor']}/activity"),
        S("GET", activity, "activity page, donor as external_id", f"{donors}/{EXTERNAL_ID}/activity"),
        S("GET", activity, "activity page 2 (cursor)", f"{donors}/{s['donor']}/activity?limit=1&cursor={s['cursor']['activity']}"),
        S("GET", queue, "queue page (+ window counts)", queue),
        S("GET", queue, "queue page, window=overdue, tz", f"{queue}?window=overdue&tz=America/New_York"),
        S("GET", queue, "queue page, donor_id + recorded_by_id", f"{queue}?donor_id={s['donor']}&recorded_by_id=1"),
        S("GET", queue, "queue page 2 (cursor)", f"{queue}?limit=1&cursor={s['cursor']['follow-ups']}"),
        S("GET", gb_list, "list page (+ exact total)", gb_activities),
        S("GET", gb_list, "list page, type + per_page", f"{gb_activities}?type=volunteer_activity&per_page=1"),
        S("POST", gb_list, "create", gb_activities, {"type": "phone_call", "note": "Thanked them"}),
        S("GET", gb_item, "get", f"{gb_activities}/{s['activity']}"),
        S("PUT", gb_item, "put", f"{gb_activities}/{s['activity']}", {"subject": "Gala"}),
        S("PATCH", gb_item, "patch", f"{gb_activities}/{s['activity']}", {"subject": "Gala night"}),
        S("DELETE", gb_item, "delete", f"{gb_activities}/{s['spare_activity']}"),
        S("GET", contacts, "list page (+ total_count)", contacts, headers=jsonapi),
        S("GET", contacts, "list page, filter[status] + sort=-name",
          f"{contacts}?filter[status]=active,null&sort=-name", headers=jsonapi),
        S("GET", contacts, "list page, filter[wildcard_search]", f"{contacts}?filter[wildcard_search]=jane",
          headers=jsonapi),
        S("GET", contacts, "list page 2", f"{contacts}?page=2&per_page=1", headers=jsonapi),
        S("GET", contact_item, "get", f"{contacts}/{s['donor']}", headers=jsonapi),
        S("DELETE", contact_item, "delete", f"{contacts}/{s['childless']}", headers=jsonapi),
        S("GET", gifts, "list page", gifts),
        S("GET", gifts, "list page, donor_id", f"{gifts}?donor_id={s['donor']}"),
        S("GET", gifts, "list page 2 (cursor)", f"{gifts}?limit=1&cursor={s['cursor']['donations']}"),
        S("POST", gifts, "create", gifts, new_gift),
        S("POST", gifts, "create, Idempotency-Key", gifts, new_gift, {"Idempotency-Key": "bench-gift"}),
        S("GET", gift_item, "get", f"{gifts}/{s['gift']}"),
        S("PATCH", gift_item, "patch", f"{gifts}/{s['gift']}", {"amount": "30.00"}),
        S("DELETE", gift_item, "delete", f"{gifts}/{s['spare_gift']}"),
        S("GET", "/openapi/{document}", "OpenAPI document (public, no key)", "/openapi/together.json"),
        *lgl_scenarios(s),
    ]


def lgl_scenarios(s: dict[str, Any]) -> list[Scenario]:
    """LGL's routes (create and delete answer 200)."""
    def S(method: str, route: str, name: str, url: str, body: dict[str, Any] | None = None,
          kind: str | None = None) -> Scenario:
        return Scenario(method, route, name, url, body, status=200, kind=kind)

    return _constituent_scenarios(s, S) + history_scenarios(s) + section_scenarios(s) + catalogue_scenarios(s)


def _constituent_scenarios(s: dict[str, Any], S: Any) -> list[Scenario]:
    constituents, one = f"{P}/constituents", f"{P}/constituents/{s['constituent']}"
    search = f"{constituents}/search"
    item = constituents + "/{id}"

    out = [
        S("GET", constituents, "list page (+ exact total)", constituents),
        S("GET", constituents, "list page at an offset", f"{constituents}?limit=1&offset=2"),
        S("GET", search, "search, name", f"{search}?q[]=name=jones"),
        S("GET", search, "search, eaddr", f"{search}?q[]=eaddr=jones.example"),
        S("GET", search, "search, no term", search),
        S("GET", search, "search, updated_from", f"{search}?q[]=updated_from={s['since']}"),
        S("GET", search, "search, expand (+ contact points)",
          f"{search}?q[]=name=jones&expand=email_addresses,phone_numbers,street_addresses,web_addresses"),
        S("POST", constituents, "create", constituents, {"first_name": "Ada", "last_name": "Poe"}),
        S("POST", constituents, "create, e-mail + phone + street + web", constituents, {
            "first_name": "Cy", "last_name": "Lu", "email_addresses": [{"address": "cy@example.net"}],
            "phone_numbers": [{"number": "555-0142"}], "street_addresses": [{"street": "5 Birch Ct", "city": "Ames"}],
            "web_addresses": [{"url": "https://cy.example.net"}]}),
        S("GET", item, "get (with every nested array)", one),
        S("PATCH", item, "patch", one, {"nick_name": "JJ"}),
        S("PATCH", item, "patch, nested e-mail added", one, {"email_addresses": [{"address": "jj@example.net"}]}),
        S("DELETE", item, "delete (with its contact points)", f"{constituents}/{s['spare_constituent']}"),
    ]
    for name, ids in s["points"].items():
        collection, point = constituents + "/{id}/" + name, f"{P}/{name}/{{id}}"
        new, preferred = NEW_POINTS[name]
        out += [
            S("GET", collection, "list page", f"{one}/{name}"),
            S("POST", collection, "create (not preferred)", f"{one}/{name}", new),
            S("POST", collection, "create, preferred", f"{one}/{name}", {**preferred, "is_preferred": True}),
            S("GET", point, "get", f"{P}/{name}/{ids[0]}"),
            S("PATCH", point, "patch (not preferred)", f"{P}/{name}/{ids[1]}", {TYPE_FIELD[name]: 2 if
                                                                               name != "web_addresses" else 6}),
            S("PATCH", point, "patch, make preferred", f"{P}/{name}/{ids[2]}", {"is_preferred": True}),
            S("DELETE", point, "delete (not preferred)", f"{P}/{name}/{ids[3]}"),
            S("DELETE", point, "delete the preferred one", f"{P}/{name}/{ids[2]}"),
        ]
    out += [
        S("GET", f"{P}/types", "list page", f"{P}/types"),
        S("GET", f"{P}/types/{{type}}", "list page", f"{P}/types/phone_number_types", kind="list page"),
        S("GET", f"{P}/team_members", "list page", f"{P}/team_members"),
    ]
    return out


def lgl(method: str, route: str, name: str, url: str, body: dict[str, Any] | None = None) -> Scenario:
    """An LGL request (200) of a record that shows catalogue values' names (a fund's, an
    appeal's, a group's...), measured with the catalogues read."""
    return Scenario(method, route, name, url, body, status=200, before=CATALOGUE_LIST)


def record_scenarios(collection: str, ids: list[int], change: dict[str, Any],
                     parents: dict[str, tuple[int, dict[str, Any]]]) -> list[Scenario]:
    """A kind of LGL record below its parents (`/constituents/{id}/gifts`): each parent path's
    list page and a create (`parents`: the parent's collection -> its id, the body), then
    `/gifts/{id}`: ids[0] read, ids[1] patched with `change`, ids[-1] deleted."""
    out = []
    for parent, (parent_id, new) in parents.items():
        listing, at = P + f"/{parent}/{{id}}/{collection}", f"{P}/{parent}/{parent_id}/{collection}"
        out += [lgl("GET", listing, "list page (+ exact total)", at), lgl("POST", listing, "create", at, new)]
    one = P + f"/{collection}/{{id}}"
    return out + [
        lgl("GET", one, "get", f"{P}/{collection}/{ids[0]}"),
        lgl("PATCH", one, "patch", f"{P}/{collection}/{ids[1]}", change),
        lgl("DELETE", one, "delete", f"{P}/{collection}/{ids[-1]}"),
    ]


def history_scenarios(s: dict[str, Any]) -> list[Scenario]:
    """LGL's gifts, contact reports, notes and volunteer times: per constituent, one record,
    the account's list and the searches (bench/history.py measures gifts and contact reports
    on 70,000 records, cold and warm)."""
    made, S = s["lgl"], lgl
    gifts, reports, times = f"{P}/gifts/search", f"{P}/contact_reports/search", f"{P}/volunteer_times/search"
    out = [
        S("GET", gifts, "search, date range", f"{gifts}?q[]=date_from=2025-01-01;date_to=2025-02-28"),
        S("GET", gifts, "search, gift_amount + funds", f"{gifts}?q[]=gift_amount=gte|20;funds=in|{s['values']['funds'][0]}"),
        S("GET", gifts, "search, no term", gifts),
        S("GET", gifts, "search, updated_from", f"{gifts}?q[]=updated_from={quote(s['gifts_since'])}"),
        S("GET", gifts, "search, sort=name (+ the constituents' rows)", f"{gifts}?sort=name"),
        S("GET", reports, "search, constituent_id (its own reports)", f"{reports}?q[]=constituent_id={s['constituent']}"),
        S("GET", reports, "search, text", f"{reports}?q[]=text=call"),
        S("GET", reports, "search, no term", reports),
        S("GET", f"{P}/contact_reports", "list page (+ exact total)", f"{P}/contact_reports"),
        S("GET", f"{P}/notes", "list page (+ exact total)", f"{P}/notes"),
        S("GET", times, "search, date range", f"{times}?q[]=date_from=2025-02-01;date_to=2025-03-31"),
        S("GET", times, "search, description", f"{times}?q[]=description=set-up"),
        S("GET", times, "search, constituent_id (their own)", f"{times}?q[]=constituent_id={s['constituent']}"),
        S("GET", times, "search, no term", times),
        S("GET", f"{P}/volunteer_times", "list page (+ exact total)", f"{P}/volunteer_times"),
    ]
    bodies = {"gifts": ({"received_amount": "75.00", "received_date": "2025-06-01"}, {"note": "Changed"}),
              "contact_reports": ({"text": "Met for coffee", "contact_report_type_id": 2185}, {"name": "Coffee"}),
              "notes": ({"text": "Prefers e-mail"}, {"text": "Prefers phone"}),
              "volunteer_times": ({"volunteering_category_id": 447, "hours": "2"}, {"hours": "3.25"})}
    for collection, (new, change) in bodies.items():
        out += record_scenarios(collection, made[collection], change, {"constituents": (s["constituent"], new)})
    return out


def section_scenarios(s: dict[str, Any]) -> list[Scenario]:
    """LGL's appeal requests and invitations (listed and created through the appeal or event
    and through the constituent), group memberships and memberships: the seeded constituent
    added to the second appeal, event, group or level; another donor to the first appeal's
    and event's lists (`seed_lgl_sections`)."""
    made, values, jo, third = s["lgl"], s["values"], s["constituent"], s["others"][1]
    out = []
    for collection, ref, parent, change in (("appeal_requests", "appeal_id", "appeals", {"ask_amount": "250.00"}),
                                            ("invitations", "event_id", "events", {"rsvp": 1})):
        first, second = values[parent][:2]
        out += record_scenarios(collection, made[collection], change, {
            parent: (first, {"constituent_id": third}), "constituents": (jo, {ref: second})})
    guest = {"parent_invitation_id": made["invitations"][0], "is_a_guest": True, "guest_first_name": "Sam",
             "guest_last_name": "Poe"}
    out.append(lgl("POST", P + "/events/{id}/invitations", "create, additional guest (of a host)",
                   f"{P}/events/{values['events'][0]}/invitations", guest))
    groups, levels = values["groups"], values["membership_levels"]
    out += record_scenarios("group_memberships", made["group_memberships"], {"date_start": "2016-01-01"},
                            {"constituents": (jo, {"group_id": groups[1]})})
    out.append(lgl("POST", P + "/constituents/{id}/group_memberships", "create, a group it is in already "
                   "(applied to that one)", f"{P}/constituents/{jo}/group_memberships",
                   {"group_id": groups[0], "date_end": "2030-12-31"}))
    out += record_scenarios("memberships", made["memberships"], {"note": "Renewed"},
                            {"constituents": (jo, {"membership_level_id": levels[1], "date_start": "2025-01-01"})})
    return out


def catalogue_scenarios(s: dict[str, Any]) -> list[Scenario]:
    """Catalogues: LGL's lists, the native face's create, get, update and delete of values at
    the same paths, LGL's own of categories, groups, membership levels and keywords, and a
    constituent's keywords. Each measured with the catalogues read (`before`): a write forgets them."""
    values, keywords, on = s["values"], s["keywords"], f"{P}/constituents/{s['constituent']}"

    def S(method: str, route: str, name: str, url: str, body: dict[str, Any] | None = None,
          status: int | None = None, reserves_id: bool = False) -> Scenario:
        return Scenario(method, route, name, url, body, status=status, before=CATALOGUE_LIST,
                        reserves_id=reserves_id)

    out = []
    for key, (new, change) in {**NATIVE_CATALOGUES, **LGL_CATALOGUES}.items():
        lgl = key in LGL_CATALOGUES
        status = 200 if lgl else None  # LGL answers 200; the native face 201 and 204
        listing, one, ids = f"{P}/{key}", P + f"/{key}/{{id}}", values[key]
        named = {k: f"{v} new" if isinstance(v, str) and k in ("name", "display_name") else v for k, v in new.items()}
        out += [
            S("GET", listing, "list page", listing),
            S("POST", listing, "create", listing, named, status, reserves_id=True),
            S("GET", one, "get", f"{listing}/{ids[0]}", status=status),
            S("PATCH", one, "patch", f"{listing}/{ids[1]}", change, status),
            S("DELETE", one, "delete (not in use)", f"{listing}/{ids[2]}", status=status),
        ]
    category, keyword = f"{P}/categories/{values['categories'][0]}/keywords", P + "/keywords/{id}"
    out += [
        S("GET", P + "/categories/{id}/keywords", "list page", category, status=200),
        S("POST", P + "/categories/{id}/keywords", "create", category, {"name": "Keyword new"}, 200, True),
        S("GET", keyword, "get", f"{P}/keywords/{keywords[0]}", status=200),
        S("PATCH", keyword, "patch", f"{P}/keywords/{keywords[1]}", {"short_code": "changed"}, 200),
        S("DELETE", keyword, "delete (not assigned)", f"{P}/keywords/{keywords[3]}", status=200),
        S("POST", P + "/constituents/{id}/keywords", "assign", f"{on}/keywords", {"id": keywords[2]}, 200),
        S("DELETE", P + "/constituents/{id}/keywords/{keyword_id}", "remove", f"{on}/keywords/{keywords[1]}",
          status=200),
        S("GET", P + "/constituents/{id}/categories", "list page", f"{on}/categories", status=200),
    ]
    return out


def plan(routes: list[Any], cases: list[Scenario]) -> list[tuple[Any, list[Scenario]]]:
    """Each declared route with its scenarios; a route without one (or a stale one) is an error."""
    by_route: dict[tuple[str, str], list[Scenario]] = {}
    for case in cases:
        by_route.setdefault((case.route, case.method), []).append(case)
    declared = {(r.path, r.method) for r in routes}
    missing = [f"{r.method} {r.path}" for r in routes if (r.path, r.method) not in by_route]
    stale = [f"{m} {p}" for p, m in by_route if (p, m) not in declared]
    if missing or stale:
        raise SystemExit("bench/calls.py: routes without a scenario: " + (", ".join(missing) or "none")
                         + "; scenarios for no declared route: " + (", ".join(stale) or "none"))
    return [(r, by_route[(r.path, r.method)]) for r in routes]


def measure() -> tuple[list[Row], int]:
    """The rows of the table, and how many Scan calls were made in the whole run."""
    os.environ.update(ENV)
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        os.environ.pop(name, None)
    from chalice.test import Client
    from moto import mock_aws

    from app import app
    from chalicelib import auth, aws, config
    from chalicelib.domain import lookups, organisations
    from chalicelib.faces.http import ROUTES
    from chalicelib.store import context, dynamo, table

    with mock_aws():
        config.reset(), aws.reset_clients(), context.reset(), auth.clear_cache()
        lookups.clear_cache()
        meter = Meter(dynamo.client())
        table.ensure_table(os.environ["TABLE_NAME"])
        organisations.create("acme", "Acme")
        organisations.add_member("acme", first_name="Pat", last_name="Lee", email="pat@acme.example")
        keys = {scope: auth.create_key("acme", scope, label="bench")[0] for scope in (auth.READ, auth.WRITE)}
        rows = []
        with Client(app) as client:
            api = Api(client, keys)
            steps = plan(ROUTES, scenarios(seed(api)))
            meter.latency = LATENCY  # the seed ran at moto's speed; the scenarios on a network's
            for route, cases in steps:
                for case in cases:
                    if case.before:
                        api.call("GET", case.before, scope="READ")
                    start = len(meter.calls)
                    api.call(case.method, case.url, case.body, route.scope, case.headers, case.status)
                    row = Row(route.path, route.method, case.name, meter.calls[start:],
                              case.kind or kind_of(route.method, route.path))
                    own = {"UpdateItem COUNTER"} if case.reserves_id else set()
                    cold = [describe(c) for c in row.calls if describe(c) in COLD_PATH - own]
                    if cold:  # the setup failed to warm this request: its count would mislead
                        raise SystemExit(f"bench/calls.py: {case.method} {case.url} was not warm: {cold}")
                    rows.append(row)
        scans = sum(call["op"] == "Scan" for call in meter.calls)
        aws.reset_clients(), context.reset(), auth.clear_cache()
    return rows, scans


def render(rows: list[Row], scans: int) -> str:
    lines = ["| route | method | scenario | DynamoDB calls | round trips | operations (one wave of overlapping calls each) "
             "| bytes read | budget (round trips) | within budget |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        n = row.round_trips
        ok = "yes" if n <= row.budget else f"**no** (+{n - row.budget})"
        ops = ", ".join(describe_wave(wave) for wave in row.waves) or "none"
        lines.append(f"| `{row.route}` | {row.method} | {row.scenario} | {len(row.calls)} | {n} | {ops} | "
                     f"{row.bytes_read:,} | {row.budget} ({row.kind}) | {ok} |")
    over = sum(r.round_trips > r.budget for r in rows)
    budgets = ", ".join(f"{kind} {n}" for kind, n in BUDGETS.items())
    lines += ["", f"{len(rows)} warm requests over {len({(r.route, r.method) for r in rows})} routes; "
                  f"{over} over budget; Scan calls in the whole run: {scans}. Budgets in round trips "
                  f"(calls in parallel count once): {budgets}. Bytes read: the DynamoDB responses' bodies."]
    return "\n".join(lines)


def run() -> tuple[str, bool]:
    """The Markdown report and whether it passes (no Scan)."""
    rows, scans = measure()
    return "## DynamoDB calls per warm request\n\n" + render(rows, scans), scans == 0


if __name__ == "__main__":
    report, ok = run()
    print(report)
    sys.exit(0 if ok else 1)
