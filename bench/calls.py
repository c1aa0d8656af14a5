"""DynamoDB round trips per warm request, for every route in chalicelib.faces.http.ROUTES.

Under moto: build the table, one organisation with a READ and a WRITE key, and a few records
(through the API, which also primes the API key cache and each kind's id block). Then one
request per scenario through chalice.test.Client, counting DynamoDB calls with a botocore
`before-call` handler and the items each Query returned with an `after-call` handler.

A route with no scenario fails the run, so a new route shows up here by itself.
Exit status 1 when any Scan was made (DESIGN.md §9: 0 Scan anywhere).
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from typing import Any

ENV = {
    "API_KEY_PEPPER": "bench-pepper-not-a-secret-0123456789",
    "TABLE_NAME": "donor-relations-bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    "API_KEY_CACHE_SECONDS": "3600",  # warm: a verified key stays cached for the whole run
}
P = "/api/v1"
EXTERNAL_ID = "ext-donor-0001"
BUDGET = 1  # §9: one round trip per record operation (a transaction counts as one) or list page
COLD_PATH = {"GetItem APIKEY", "UpdateItem COUNTER"}  # key lookup and id-block reservation
STATUS = {"GET": 200, "POST": 201, "PUT": 200, "PATCH": 200, "DELETE": 204}


@dataclass(frozen=True)
class Scenario:
    method: str
    route: str     # the route's path template, as in ROUTES
    name: str
    url: str
    body: dict[str, Any] | None = None
    headers: dict[str, str] | None = None


@dataclass
class Row:
    route: str
    method: str
    scenario: str
    calls: list[dict[str, Any]]

    @property
    def budget(self) -> str:
        kind = {"POST": "create", "PUT": "update", "PATCH": "update", "DELETE": "delete"}.get(self.method)
        if kind is None:
            kind = "get" if self.route.endswith("}") else "list page"
        return f"{BUDGET} ({kind})"


class Meter:
    """Every DynamoDB call the client makes: operation, request, and for Query the items."""

    def __init__(self, client: Any) -> None:
        self.calls: list[dict[str, Any]] = []
        client.meta.events.register("before-call.dynamodb.*", self._before)
        client.meta.events.register("after-call.dynamodb.Query", self._after_query)

    def _before(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        self.calls.append({"op": model.name, "request": json.loads(params.get("body") or b"{}")})

    def _after_query(self, parsed: dict[str, Any], **_: Any) -> None:
        self.calls[-1]["items"] = parsed.get("Count", len(parsed.get("Items", [])))
        self.calls[-1]["scanned"] = parsed.get("ScannedCount")


def describe(call: dict[str, Any]) -> str:
    """`Query GSI2 → 3 items`, `GetItem UNIQUE`, `TransactWriteItems ×2`, ..."""
    op, request = call["op"], call["request"]
    if op == "Query":
        read = f" (read {call['scanned']})" if call.get("scanned") not in (None, call.get("items")) else ""
        return f"Query {request.get('IndexName', 'table')} → {call.get('items')} items{read}"
    if op == "TransactWriteItems":
        return f"TransactWriteItems ×{len(request['TransactItems'])}"
    key = request.get("Key") or request.get("Item") or {}
    sk = key.get("SK", {}).get("S", "")
    return f"{op} {sk.split('#')[0]}" if sk else op


class Api:
    """chalice.test.Client with JSON in and out, authenticated with the route's scope."""

    def __init__(self, client: Any, keys: dict[str, str]) -> None:
        self.client, self.keys = client, keys

    def call(self, method: str, url: str, body: Any = None, scope: str = "WRITE",
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
    api.call("POST", f"{P}/donors", {"first_name": "John", "last_name": "Roe"})
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
            "cursor": cursors}


def scenarios(s: dict[str, Any]) -> list[Scenario]:
    logs, donors, gifts = f"{P}/contact-logs", f"{P}/donors", f"{P}/donations"
    log_item, donor_item, gift_item = logs + "/{record}", donors + "/{record}", gifts + "/{record}"
    activity = donors + "/{record}/activity"
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
    ]


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
    from chalicelib.domain import organisations
    from chalicelib.faces.http import ROUTES
    from chalicelib.store import context, dynamo, table

    with mock_aws():
        config.reset(), aws.reset_clients(), context.reset(), auth.clear_cache()
        meter = Meter(dynamo.client())
        table.ensure_table(os.environ["TABLE_NAME"])
        organisations.create("acme", "Acme")
        keys = {scope: auth.create_key("acme", scope, label="bench")[0] for scope in (auth.READ, auth.WRITE)}
        rows = []
        with Client(app) as client:
            api = Api(client, keys)
            steps = plan(ROUTES, scenarios(seed(api)))
            for route, cases in steps:
                for case in cases:
                    start = len(meter.calls)
                    api.call(case.method, case.url, case.body, route.scope, case.headers)
                    row = Row(route.path, route.method, case.name, meter.calls[start:])
                    cold = [describe(c) for c in row.calls if describe(c) in COLD_PATH]
                    if cold:  # the setup failed to warm this request: its count would mislead
                        raise SystemExit(f"bench/calls.py: {case.method} {case.url} was not warm: {cold}")
                    rows.append(row)
        scans = sum(call["op"] == "Scan" for call in meter.calls)
        aws.reset_clients(), context.reset(), auth.clear_cache()
    return rows, scans


def render(rows: list[Row], scans: int) -> str:
    lines = ["| route | method | scenario | DynamoDB calls | operations | budget | within budget |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        n = len(row.calls)
        ok = "yes" if n <= BUDGET else f"**no** (+{n - BUDGET})"
        ops = ", ".join(describe(c) for c in row.calls) or "none"
        lines.append(f"| `{row.route}` | {row.method} | {row.scenario} | {n} | {ops} | {row.budget} | {ok} |")
    over = sum(len(r.calls) > BUDGET for r in rows)
    lines += ["", f"{len(rows)} warm requests over {len({(r.route, r.method) for r in rows})} routes; "
                  f"{over} over budget; Scan calls in the whole run: {scans}."]
    return "\n".join(lines)


def run() -> tuple[str, bool]:
    """The Markdown report and whether it passes (no Scan)."""
    rows, scans = measure()
    return "## DynamoDB calls per warm request\n\n" + render(rows, scans), scans == 0


if __name__ == "__main__":
    report, ok = run()
    print(report)
    sys.exit(0 if ok else 1)
