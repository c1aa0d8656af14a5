"""What one follow-up sweep reads and writes (DESIGN.md §9: the sweep reads only due items).

Under moto: two organisations, each with many entries that are NOT due (future follow-ups,
completed, cleared, no follow-up at all) and a few that are. One sweep,
counting DynamoDB calls and the items each Query read (`ScannedCount`), then a second sweep
straight after (the at-least-once schedule firing twice), which must raise nothing.
"""
from __future__ import annotations

import os
from collections import Counter
from datetime import timedelta
from typing import Any

from .calls import ENV, Meter

NOT_DUE_PER_ORG = 300
DUE_PER_ORG = 12


def _seed(org: str, now: Any) -> int:
    from chalicelib.domain import contact_logs, donors
    from chalicelib.domain.timestamps import format_timestamp

    donor = donors.create(org, {"first_name": "Jane", "last_name": "Doe"}).record["id"]
    past, future = format_timestamp(now - timedelta(days=2)), format_timestamp(now + timedelta(days=30))
    base = {"donor_id": donor, "contact_method": "PHONE", "occurred_at": format_timestamp(now - timedelta(days=9))}
    for n in range(NOT_DUE_PER_ORG):
        shape = n % 4
        if shape == 0:
            contact_logs.create(org, base)
        elif shape == 1:
            contact_logs.create(org, {**base, "follow_up_at": future})
        elif shape == 2:
            contact_logs.create(org, {**base, "follow_up_at": past, "follow_up_completed_at": past})
        else:
            entry = contact_logs.create(org, {**base, "follow_up_at": future}).record
            contact_logs.update(org, entry["id"], {"follow_up_at": None}, None)
    for _ in range(DUE_PER_ORG):
        contact_logs.create(org, {**base, "follow_up_at": past, "notes": "Call back about the appeal."})
    return DUE_PER_ORG


def measure() -> dict[str, Any]:
    os.environ.update(ENV)
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        os.environ.pop(name, None)
    import boto3
    from moto import mock_aws

    from chalicelib import aws, config
    from chalicelib.domain import follow_ups, organisations
    from chalicelib.domain.timestamps import utcnow
    from chalicelib.store import context, dynamo, table

    with mock_aws():
        config.reset(), aws.reset_clients(), context.reset()
        os.environ["EVENT_BUS_NAME"] = boto3.client("events").create_event_bus(Name="bench-bus")["EventBusArn"]
        os.environ["REMINDER_TOPIC_ARN"] = boto3.client("sns").create_topic(Name="bench-topic")["TopicArn"]
        config.reset()
        table.ensure_table(os.environ["TABLE_NAME"])
        now = utcnow()
        due = 0
        for org in ("acme", "globex"):
            organisations.create(org, org.title())
            due += _seed(org, now)
        meter = Meter(dynamo.client())
        first = follow_ups.sweep(now)
        first_calls = list(meter.calls)
        del meter.calls[:]
        second = follow_ups.sweep(now)
        second_calls = list(meter.calls)
        for name in ("EVENT_BUS_NAME", "REMINDER_TOPIC_ARN"):
            os.environ.pop(name, None)
        config.reset(), aws.reset_clients(), context.reset()
    return {"entries": 2 * (NOT_DUE_PER_ORG + DUE_PER_ORG), "due": due, "first": first, "second": second,
            "first_calls": first_calls, "second_calls": second_calls}


def _reads(calls: list[dict[str, Any]]) -> tuple[int, int]:
    """(items read by the due-index queries that fetch items, items counted by COUNT queries)."""
    fetched = sum(c.get("scanned") or 0 for c in calls
                  if c["op"] == "Query" and c["request"].get("Select") != "COUNT")
    counted = sum(c.get("scanned") or 0 for c in calls
                  if c["op"] == "Query" and c["request"].get("Select") == "COUNT")
    return fetched, counted


def run() -> tuple[str, bool]:
    """The Markdown report, and whether the sweep read only due items and raised each once."""
    m = measure()
    first_ops, second_ops = Counter(c["op"] for c in m["first_calls"]), Counter(c["op"] for c in m["second_calls"])
    read, counted = _reads(m["first_calls"])
    read_again, _ = _reads(m["second_calls"])
    scans = first_ops["Scan"] + second_ops["Scan"]
    ok = (read == m["due"] and m["first"].raised == m["due"] and m["second"].raised == 0
          and read_again == 0 and scans == 0)
    ops = ", ".join(f"{op} ×{n}" for op, n in sorted(first_ops.items()))
    report = "\n".join([
        "## One follow-up sweep",
        "",
        f"{m['entries']} contact-log entries in 2 organisations, {m['due']} of them due "
        f"(the rest: no follow-up, due in 30 days, completed, cleared).",
        "",
        "| sweep | raised | items read from the due index | DynamoDB calls |",
        "|---|---|---|---|",
        f"| first | {m['first'].raised} | {read} (+ {counted} counted for `remaining`) | {ops} |",
        f"| again at once (a duplicated schedule) | {m['second'].raised} | {read_again} | "
        + ", ".join(f"{op} ×{n}" for op, n in sorted(second_ops.items())) + " |",
        "",
        "Per raised follow-up: one `UpdateItem` to lease it, one to record the raise, and one "
        "`GetItem` per distinct donor (its name for the reminder); 4 shard queries per sweep, "
        "plus 4 `Select=COUNT` queries for `remaining`.",
        "",
        f"Reads only due items: {'yes' if ok else '**no**'}; Scan calls: {scans}.",
    ])
    return report, ok


if __name__ == "__main__":
    text, passed = run()
    print(text)
    raise SystemExit(0 if passed else 1)
