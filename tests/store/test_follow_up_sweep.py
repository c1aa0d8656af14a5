"""The follow-up sweep (DESIGN.md §6): each due follow-up raised once, through moto.

The sweep is driven in-process (`follow_ups.sweep(now=...)`) against moto's DynamoDB,
EventBridge, SNS and SQS: an EventBridge rule on the stack's bus and an SNS subscription
deliver into SQS queues, so what a downstream consumer would receive is what is asserted.

Helpers here (`use_settings`, `create_channels`, `Channels`, `DynamoCalls`, ...) are also
used by tests/test_follow_up_queue.py and tests/test_sweep_handler_and_cli.py.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError

from chalicelib import auth, aws, config, notify
from chalicelib.domain import contact_logs, follow_ups, organisations
from chalicelib.domain.timestamps import format_timestamp
from chalicelib.store import context, dynamo, keys, table
from chalicelib.store.kinds import CONTACT_LOG
from tests.conftest import make_org, new_donor, new_log

LOGS = "/api/v1/contact-logs"
TEST_TABLE = "donor-relations-test"  # tests/conftest.py's TABLE_NAME
LEASE = timedelta(seconds=follow_ups.LEASE_SECONDS)
MS = timedelta(milliseconds=1)


# ---- helpers shared with the other follow-up test files -------------------------------


def at(text: str) -> datetime:
    """A fixed moment: `at("2026-02-01T09:00:00Z")`."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def stamp(moment: datetime) -> str:
    return format_timestamp(moment)


def use_settings(monkeypatch, *, table_name: str = TEST_TABLE, bus: str = "", topic: str = "") -> None:
    """Point the process at a stack (table, bus, topic) and forget every cached client.

    Settings are read again at once: the Chalice test client swaps in .chalice/config.json's
    TABLE_NAME for the duration of each request, so settings first read inside a request
    would name the wrong table. (The boto3 clients do not depend on the settings.)"""
    monkeypatch.setenv("TABLE_NAME", table_name)
    monkeypatch.setenv("EVENT_BUS_NAME", bus)
    monkeypatch.setenv("REMINDER_TOPIC_ARN", topic)
    config.reset()
    context.reset()
    auth.clear_cache()
    assert config.settings().table_name == table_name


def drain(queue_url: str) -> list[dict[str, Any]]:
    """Every message waiting on an SQS queue (deleted as read)."""
    sqs = boto3.client("sqs", region_name="us-east-1")
    out: list[dict[str, Any]] = []
    while True:
        got = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                  MessageAttributeNames=["All"]).get("Messages", [])
        if not got:
            return out
        for message in got:
            out.append(message)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def _queue(name: str) -> tuple[str, str]:
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


@dataclass
class Channels:
    """A stack's bus and topic, each delivering into an SQS queue a test can read."""
    bus: str
    topic_arn: str
    events_queue: str
    reminders_queue: str   # SNS envelope (RawMessageDelivery off)
    received_events: list[dict[str, Any]] = field(default_factory=list)
    received_reminders: list[dict[str, Any]] = field(default_factory=list)

    def events(self) -> list[dict[str, Any]]:
        """Every EventBridge event delivered so far (the whole envelope)."""
        self.received_events += [json.loads(m["Body"]) for m in drain(self.events_queue)]
        return list(self.received_events)

    def details(self) -> list[dict[str, Any]]:
        return [event["detail"] for event in self.events()]

    def event_ids(self) -> list[str]:
        return [detail["event_id"] for detail in self.details()]

    def reminders(self) -> list[dict[str, Any]]:
        """Every SNS notification delivered so far (the SNS JSON envelope)."""
        self.received_reminders += [json.loads(m["Body"]) for m in drain(self.reminders_queue)]
        return list(self.received_reminders)


def create_channels(name: str) -> Channels:
    events, sns = boto3.client("events"), boto3.client("sns")
    bus = f"{name}-bus"
    events.create_event_bus(Name=bus)
    events_url, events_arn = _queue(f"{name}-events")
    events.put_rule(Name=f"{name}-follow-ups", EventBusName=bus,
                    EventPattern=json.dumps({"source": [notify.EVENT_SOURCE], "detail-type": [notify.DETAIL_TYPE]}))
    events.put_targets(Rule=f"{name}-follow-ups", EventBusName=bus, Targets=[{"Id": "queue", "Arn": events_arn}])
    topic = sns.create_topic(Name=f"{name}-reminders")["TopicArn"]
    reminders_url, reminders_arn = _queue(f"{name}-reminders")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=reminders_arn)
    return Channels(bus, topic, events_url, reminders_url)


def stored(org: str, entry_id: str | int) -> dict[str, Any]:
    """The entry's item as stored, index keys included."""
    response = dynamo.client().get_item(
        TableName=config.settings().table_name,
        Key=dynamo.to_item({"PK": keys.org_pk(org), "SK": keys.record_sk(CONTACT_LOG.name, int(entry_id))}))
    return dynamo.from_item(response["Item"])


def shard_of(org: str, entry_id: str | int) -> str:
    return keys.due_pk(org, int(entry_id))


def logs_due(api, org, donor_id: str, *moments: str, **fields) -> list[dict[str, Any]]:
    return [new_log(api, org, donor_id, follow_up_at=moment, **fields) for moment in moments]


class DynamoCalls:
    """What the process asks DynamoDB, counted on the client's own events."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self._pending: list[dict[str, Any]] = []
        events = dynamo.client().meta.events
        events.register("provide-client-params.dynamodb.*", self._before)
        events.register("after-call.dynamodb.*", self._after)

    def _before(self, params, model, **kwargs) -> None:
        self._pending.append({"operation": model.name, "index": params.get("IndexName"),
                              "select": params.get("Select")})

    def _after(self, parsed, model, **kwargs) -> None:
        call = self._pending.pop(0)
        assert call["operation"] == model.name
        call.update(items=len(parsed.get("Items", [])), count=parsed.get("Count"),
                    scanned=parsed.get("ScannedCount"))
        self.calls.append(call)

    def of(self, operation: str) -> list[dict[str, Any]]:
        return [c for c in self.calls if c["operation"] == operation]

    def operations(self) -> Counter:
        return Counter(c["operation"] for c in self.calls)


# ---- fixtures ----------------------------------------------------------------------------

@pytest.fixture
def stack(aws, monkeypatch) -> Channels:
    """The test table plus a bus and a topic, each read through an SQS queue."""
    channels = create_channels("stack")
    use_settings(monkeypatch, bus=channels.bus, topic=channels.topic_arn)
    return channels


@pytest.fixture
def org_a(stack, api, acme):
    return acme


# Fixed moments: every sweep below names its `now`.
DUE = "2026-02-01T09:00:00.000Z"
T0 = at("2026-02-01T09:05:00Z")


# ---- exactly once ------------------------------------------------------------------------

def test_each_due_follow_up_is_raised_once_and_a_repeated_sweep_raises_nothing(api, org_a, stack, donor):
    entries = logs_due(api, org_a, donor["id"], *[f"2026-02-01T0{h}:00:00Z" for h in range(1, 7)])

    first = follow_ups.sweep(T0)
    assert (first.raised, first.skipped, first.failed, first.remaining, first.stopped_early) == (6, 0, 0, 0, False)
    assert first.now == stamp(T0)
    again = follow_ups.sweep(T0)
    later = follow_ups.sweep(T0 + timedelta(days=30))
    for summary in (again, later):
        assert (summary.raised, summary.skipped, summary.failed, summary.remaining) == (0, 0, 0, 0)

    expected = sorted(follow_ups.event_id("acme", int(e["id"]), e["follow_up_at"]) for e in entries)
    assert sorted(stack.event_ids()) == expected  # each exactly once
    assert sorted(r["MessageAttributes"]["event_id"]["Value"] for r in stack.reminders()) == expected
    for entry in entries:
        item = stored("acme", entry["id"])
        assert item["follow_up_raised_at"] == stamp(T0)
        assert item["follow_up_raised_for"] == entry["follow_up_at"]
        assert "GSI3PK" not in item and "GSI3SK" not in item  # out of the due index
        assert not {"raising_for", "raising_until", "raising_token"} & set(item)


def test_a_sweep_started_while_another_delivers_raises_the_rest_and_the_first_skips_them(
        api, org_a, stack, donor, monkeypatch):
    entries = logs_due(api, org_a, donor["id"], *[f"2026-02-01T08:{m:02d}:00Z" for m in range(8)])
    real_deliver = notify.deliver
    delivered: list[str] = []
    inner: list[follow_ups.SweepSummary] = []

    def deliver(reminder: notify.Reminder) -> None:
        if not inner and not delivered:   # sweep A's first delivery: all of sweep B runs now
            inner.append(None)
            inner[0] = follow_ups.sweep(T0 + timedelta(seconds=1))
        delivered.append(reminder.event_id)
        real_deliver(reminder)

    monkeypatch.setattr(notify, "deliver", deliver)
    a = follow_ups.sweep(T0)
    b = inner[0]

    # A raised the one it was delivering; B (which could not see A's lease) raised the rest;
    # A then found every other entry of the page it had already read raised, and skipped it.
    first = next(e for e in entries if follow_ups.event_id("acme", int(e["id"]), e["follow_up_at"]) == delivered[-1])
    same_page = [e for e in entries if shard_of("acme", e["id"]) == shard_of("acme", first["id"])]
    assert len(same_page) >= 2
    assert (a.raised, a.skipped, a.failed, a.remaining) == (1, len(same_page) - 1, 0, 0)
    assert (b.raised, b.skipped, b.failed, b.remaining) == (len(entries) - 1, 0, 0, 0)
    assert a.raised + b.raised == len(entries)
    assert sorted(delivered) == sorted(set(delivered)) and len(delivered) == len(entries)
    assert Counter(stack.event_ids()) == Counter(
        {follow_ups.event_id("acme", int(e["id"]), e["follow_up_at"]): 1 for e in entries})
    assert stored("acme", first["id"])["follow_up_raised_at"] == stamp(T0)
    assert {stored("acme", e["id"])["follow_up_raised_at"] for e in entries if e is not first} == \
        {stamp(T0 + timedelta(seconds=1))}


def test_two_sweeps_that_read_the_same_page_raise_each_follow_up_once(api, org_a, stack, donor, monkeypatch):
    """B read its page before A leased anything (a true overlap), so B's page still lists
    the entry A is delivering: B's claim must find A's lease and skip it."""
    entries = logs_due(api, org_a, donor["id"], *[f"2026-02-01T08:{m:02d}:00Z" for m in range(8)])
    stale_pages = list(context.due_index().pages(stamp(T0)))
    assert sum(len(page) for page in stale_pages) == len(entries)
    real_deliver = notify.deliver
    delivered: list[str] = []
    inner: list[follow_ups.SweepSummary] = []

    def deliver(reminder: notify.Reminder) -> None:
        if not delivered and not inner:
            inner.append(None)
            with monkeypatch.context() as patched:
                patched.setattr(type(context.due_index()), "pages",
                                lambda self, through, page_size=100: iter(stale_pages))
                inner[0] = follow_ups.sweep(T0 + timedelta(seconds=1))
        delivered.append(reminder.event_id)
        real_deliver(reminder)

    monkeypatch.setattr(notify, "deliver", deliver)
    a = follow_ups.sweep(T0)
    b = inner[0]
    first = next(e for e in entries if follow_ups.event_id("acme", int(e["id"]), e["follow_up_at"]) == delivered[-1])
    same_page = [e for e in entries if shard_of("acme", e["id"]) == shard_of("acme", first["id"])]
    assert (b.raised, b.skipped, b.failed, b.remaining) == (len(entries) - 1, 1, 0, 0)  # skipped A's leased one
    assert (a.raised, a.skipped, a.failed, a.remaining) == (1, len(same_page) - 1, 0, 0)
    assert len(delivered) == len(set(delivered)) == len(entries)
    assert Counter(stack.event_ids()) == Counter(
        {follow_ups.event_id("acme", int(e["id"]), e["follow_up_at"]): 1 for e in entries})


def test_a_lease_held_by_a_sweep_that_crashed_is_retried_after_it_runs_out_with_the_same_event_id(
        api, org_a, stack, donor):
    (entry,) = logs_due(api, org_a, donor["id"], DUE)
    claimed = context.due_index().claim("acme", int(entry["id"]), DUE, token="crashed-sweep", now=stamp(T0),
                                        lease_until=stamp(T0 + LEASE))
    assert claimed is not None and claimed["raising_for"] == DUE
    # The lease moved the entry's due-index key to the lease's end.
    assert stored("acme", entry["id"])["GSI3SK"].startswith(stamp(T0 + LEASE) + "#")

    for moment in (T0 + timedelta(minutes=1), T0 + LEASE - MS):
        summary = follow_ups.sweep(moment)
        assert (summary.raised, summary.skipped, summary.failed, summary.remaining) == (0, 0, 0, 0)
    assert stack.events() == [] and stack.reminders() == []
    assert stored("acme", entry["id"]).get("follow_up_raised_at") is None

    retry = follow_ups.sweep(T0 + LEASE)  # the lease has run out: the entry is due again
    assert (retry.raised, retry.skipped, retry.failed, retry.remaining) == (1, 0, 0, 0)
    assert stack.event_ids() == [follow_ups.event_id("acme", int(entry["id"]), DUE)]
    item = stored("acme", entry["id"])
    assert item["follow_up_raised_at"] == stamp(T0 + LEASE) and item["follow_up_raised_for"] == DUE
    # The crashed sweep, should it wake up, can no longer record anything.
    assert context.due_index().finish("acme", int(entry["id"]), DUE, token="crashed-sweep",
                                      raised_at=stamp(T0)) is False
    assert stored("acme", entry["id"])["follow_up_raised_at"] == stamp(T0 + LEASE)
    assert follow_ups.sweep(T0 + 3 * LEASE).raised == 0


def test_a_sweep_that_died_after_delivering_is_redelivered_with_the_same_event_id(
        api, org_a, stack, donor, monkeypatch):
    (entry,) = logs_due(api, org_a, donor["id"], DUE)

    def die(*args, **kwargs):
        raise RuntimeError("Lambda timed out between delivering and recording")

    with monkeypatch.context() as patched:
        patched.setattr(type(context.due_index()), "finish", die)
        with pytest.raises(RuntimeError):
            follow_ups.sweep(T0)
    first = stack.event_ids()
    assert first == [follow_ups.event_id("acme", int(entry["id"]), DUE)]

    assert follow_ups.sweep(T0 + LEASE - MS).raised == 0  # still leased
    retried = follow_ups.sweep(T0 + LEASE)
    assert retried.raised == 1
    assert stack.event_ids() == first * 2  # delivered twice, with one id: a consumer can drop the copy
    assert [r["MessageAttributes"]["event_id"]["Value"] for r in stack.reminders()] == first * 2


def test_only_one_of_two_concurrent_claims_wins(api, org_a, donor):
    (entry,) = logs_due(api, org_a, donor["id"], DUE)
    index = context.due_index()
    lease = {"now": stamp(T0), "lease_until": stamp(T0 + LEASE)}
    assert index.claim("acme", int(entry["id"]), DUE, token="one", **lease) is not None
    assert index.claim("acme", int(entry["id"]), DUE, token="two", **lease) is None
    # Neither may claim a date the entry no longer has.
    assert index.claim("acme", int(entry["id"]), "2026-02-01T09:00:00.001Z", token="three",
                       now=stamp(T0 + 2 * LEASE), lease_until=stamp(T0 + 3 * LEASE)) is None
    assert index.finish("acme", int(entry["id"]), DUE, token="two", raised_at=stamp(T0)) is False
    assert index.finish("acme", int(entry["id"]), DUE, token="one", raised_at=stamp(T0)) is True
    assert index.claim("acme", int(entry["id"]), DUE, token="four", now=stamp(T0 + 2 * LEASE),
                       lease_until=stamp(T0 + 3 * LEASE)) is None  # raised: never again for this date


# ---- stopping for time, and resuming -----------------------------------------------------

@pytest.mark.parametrize("k", [0, 1, 3])
def test_a_sweep_stopped_for_time_leaves_the_rest_to_the_next_run(api, org_a, stack, donor, k):
    entries = logs_due(api, org_a, donor["id"], *[f"2026-02-01T07:{m:02d}:00Z" for m in range(7)])
    asked = 0

    def should_stop() -> bool:
        nonlocal asked
        asked += 1
        return asked > k

    first = follow_ups.sweep(T0, should_stop=should_stop)
    assert (first.raised, first.skipped, first.failed) == (k, 0, 0)
    assert first.stopped_early is True
    assert first.remaining == len(entries) - k
    assert len(stack.event_ids()) == k

    rest = follow_ups.sweep(T0 + timedelta(minutes=5))
    assert (rest.raised, rest.skipped, rest.remaining, rest.stopped_early) == (len(entries) - k, 0, 0, False)
    assert Counter(stack.event_ids()) == Counter(
        {follow_ups.event_id("acme", int(e["id"]), e["follow_up_at"]): 1 for e in entries})


def test_on_raised_hears_each_raise_after_it_was_delivered(api, org_a, stack, donor):
    entries = logs_due(api, org_a, donor["id"], DUE, "2026-02-01T08:00:00Z")
    heard: list[notify.Reminder] = []
    follow_ups.sweep(T0, on_raised=heard.append)
    assert sorted(r.event_id for r in heard) == sorted(stack.event_ids())
    assert sorted(r.detail["entry_id"] for r in heard) == sorted(e["id"] for e in entries)
    assert all(r.organisation == "acme" for r in heard)


# ---- what arms and disarms a follow-up ----------------------------------------------------

def test_a_past_follow_up_is_raised_by_the_next_sweep_and_the_entry_shows_it(api, org_a, stack, donor):
    entry = new_log(api, org_a, donor["id"], follow_up_at="2020-01-01T00:00:00Z")
    before = api.get(f"{LOGS}/{entry['id']}", org_a)
    assert before.json["follow_up_raised_at"] is None

    summary = follow_ups.sweep()  # the real clock
    assert summary.raised == 1

    after = api.get(f"{LOGS}/{entry['id']}", org_a)
    assert after.status_code == 200
    assert after.json["follow_up_raised_at"] == summary.now
    assert after.json["follow_up_at"] == "2020-01-01T00:00:00.000Z"
    assert after.json["follow_up_completed_at"] is None   # raised is not done
    assert int(after.headers["ETag"].strip('"')) > int(before.headers["ETag"].strip('"'))
    assert not {"raising_for", "raising_until", "raising_token", "follow_up_raised_for"} & set(after.json)
    # A client holding the pre-sweep ETag must re-read before writing.
    stale = api.patch(f"{LOGS}/{entry['id']}", org_a, {"notes": "called back"},
                      headers={"If-Match": before.headers["ETag"]})
    assert stale.status_code == 412
    fresh = api.patch(f"{LOGS}/{entry['id']}", org_a, {"notes": "called back"},
                      headers={"If-Match": after.headers["ETag"]})
    assert fresh.status_code == 200, fresh.body
    assert fresh.json["follow_up_raised_at"] == summary.now
    assert follow_ups.sweep().raised == 0  # an edit that keeps the date does not re-arm


def test_follow_ups_due_before_year_1000_are_past_and_raised_by_the_next_sweep(api, org_a, stack, donor):
    entries = logs_due(api, org_a, donor["id"], "0226-06-11T00:00:00Z", "0999-06-02T00:00:00Z",
                       "0001-01-01T00:00:00Z", "2099-01-01T00:00:00Z")
    assert [e["follow_up_at"] for e in entries] == ["0226-06-11T00:00:00.000Z", "0999-06-02T00:00:00.000Z",
                                                    "0001-01-01T00:00:00.000Z", "2099-01-01T00:00:00.000Z"]
    summary = follow_ups.sweep(T0)
    assert (summary.raised, summary.failed, summary.remaining) == (3, 0, 0)
    assert sorted(stack.event_ids()) == sorted(follow_ups.event_id("acme", int(e["id"]), e["follow_up_at"])
                                               for e in entries[:3])
    raised = [api.get(f"{LOGS}/{e['id']}", org_a).json["follow_up_raised_at"] for e in entries]
    assert raised == [stamp(T0)] * 3 + [None]


def test_a_future_follow_up_is_raised_exactly_when_it_falls_due(api, org_a, stack, donor):
    due = "2099-03-04T05:06:07.890Z"
    entry = new_log(api, org_a, donor["id"], follow_up_at=due)
    assert follow_ups.sweep().raised == 0
    assert follow_ups.sweep(at(due) - MS).raised == 0
    assert api.get(f"{LOGS}/{entry['id']}", org_a).json["follow_up_raised_at"] is None
    summary = follow_ups.sweep(at(due))  # due at or before now: inclusive
    assert summary.raised == 1
    assert stack.event_ids() == [follow_ups.event_id("acme", int(entry["id"]), due)]
    assert api.get(f"{LOGS}/{entry['id']}", org_a).json["follow_up_raised_at"] == due


def test_moving_the_date_re_arms_the_follow_up_with_a_new_event_id(api, org_a, stack, donor):
    first_due, second_due = "2026-03-01T09:00:00.000Z", "2026-03-05T09:00:00.000Z"
    entry = new_log(api, org_a, donor["id"], follow_up_at=first_due)
    assert follow_ups.sweep(at("2026-03-01T10:00:00Z")).raised == 1

    moved = api.patch(f"{LOGS}/{entry['id']}", org_a, {"follow_up_at": second_due})
    assert moved.status_code == 200, moved.body
    assert moved.json["follow_up_raised_at"] is None  # a new date is a new follow-up
    assert follow_ups.sweep(at("2026-03-01T11:00:00Z")).raised == 0   # not due yet
    assert follow_ups.sweep(at("2026-03-05T08:59:59.999Z")).raised == 0
    raised = follow_ups.sweep(at("2026-03-05T09:01:00Z"))
    assert raised.raised == 1

    ids = stack.event_ids()
    assert ids == [follow_ups.event_id("acme", int(entry["id"]), first_due),
                   follow_ups.event_id("acme", int(entry["id"]), second_due, 1)]
    assert ids[0] != ids[1]
    assert [d["follow_up_at"] for d in stack.details()] == [first_due, second_due]
    assert api.get(f"{LOGS}/{entry['id']}", org_a).json["follow_up_raised_at"] == "2026-03-05T09:01:00.000Z"


def test_moving_back_to_a_date_already_raised_re_arms_it(api, org_a, stack, donor):
    first_due, second_due = "2026-03-01T09:00:00.000Z", "2026-03-05T09:00:00.000Z"
    entry = new_log(api, org_a, donor["id"], follow_up_at=first_due)
    assert follow_ups.sweep(at("2026-03-01T10:00:00Z")).raised == 1
    assert api.patch(f"{LOGS}/{entry['id']}", org_a, {"follow_up_at": second_due}).status_code == 200
    back = api.patch(f"{LOGS}/{entry['id']}", org_a, {"follow_up_at": first_due})
    assert back.status_code == 200 and back.json["follow_up_raised_at"] is None

    again = follow_ups.sweep(at("2026-03-01T12:00:00Z"))
    assert again.raised == 1
    details = stack.details()
    assert [d["follow_up_at"] for d in details] == [first_due, first_due]
    assert [d["raised_at"] for d in details] == ["2026-03-01T10:00:00.000Z", "2026-03-01T12:00:00.000Z"]
    # A re-armed follow-up is a new one to consumers that drop duplicate ids: a new event id.
    assert details[0]["event_id"] != details[1]["event_id"]
    assert details[1]["event_id"] == follow_ups.event_id("acme", int(entry["id"]), first_due, 2)


def test_patching_the_same_instant_in_another_offset_does_not_re_arm(api, org_a, stack, donor):
    entry = new_log(api, org_a, donor["id"], follow_up_at=DUE)
    assert follow_ups.sweep(T0).raised == 1
    same = api.patch(f"{LOGS}/{entry['id']}", org_a, {"follow_up_at": "2026-02-01T10:00:00+01:00"})
    assert same.status_code == 200
    assert same.json["follow_up_raised_at"] == stamp(T0)
    assert follow_ups.sweep(T0 + timedelta(hours=1)).raised == 0


@pytest.mark.parametrize("close", [
    pytest.param(lambda api, org, entry: api.post(LOGS, org, {"donor_id": entry["donor_id"], "contact_method": "PHONE",
                                                             "occurred_at": "2026-01-10T00:00:00Z",
                                                             "follow_up_at": DUE,
                                                             "follow_up_completed_at": "2026-01-20T00:00:00Z"}),
                 id="created-completed"),
    pytest.param(lambda api, org, entry: api.patch(f"{LOGS}/{entry['id']}", org,
                                                   {"follow_up_completed_at": "2026-01-31T00:00:00Z"}),
                 id="completed"),
    pytest.param(lambda api, org, entry: api.patch(f"{LOGS}/{entry['id']}", org, {"follow_up_at": None}),
                 id="cleared"),
    pytest.param(lambda api, org, entry: api.delete(f"{LOGS}/{entry['id']}", org), id="deleted"),
])
def test_completed_cleared_or_deleted_follow_ups_are_never_raised(api, org_a, stack, donor, close):
    entry = new_log(api, org_a, donor["id"], follow_up_at=DUE)
    response = close(api, org_a, entry)
    assert response.status_code in (200, 201, 204), response.body
    if response.status_code == 201:  # the entry created already completed replaces the open one
        assert api.delete(f"{LOGS}/{entry['id']}", org_a).status_code == 204
    for moment in (T0, T0 + LEASE, at("2099-01-01T00:00:00Z")):
        summary = follow_ups.sweep(moment)
        assert (summary.raised, summary.skipped, summary.failed, summary.remaining) == (0, 0, 0, 0)
    assert stack.events() == [] and stack.reminders() == []


def test_reopening_a_completed_follow_up_that_was_never_raised_raises_it(api, org_a, stack, donor):
    entry = new_log(api, org_a, donor["id"], follow_up_at=DUE, follow_up_completed_at="2026-01-31T00:00:00Z")
    assert follow_ups.sweep(T0).raised == 0
    reopened = api.patch(f"{LOGS}/{entry['id']}", org_a, {"follow_up_completed_at": None})
    assert reopened.status_code == 200 and reopened.json["follow_up_completed_at"] is None
    assert follow_ups.sweep(T0).raised == 1
    assert stack.event_ids() == [follow_ups.event_id("acme", int(entry["id"]), DUE)]


def test_completing_a_raised_follow_up_and_reopening_it_does_not_raise_it_again(api, org_a, stack, donor):
    entry = new_log(api, org_a, donor["id"], follow_up_at=DUE)
    assert follow_ups.sweep(T0).raised == 1
    completed = api.patch(f"{LOGS}/{entry['id']}", org_a, {"follow_up_completed_at": "2026-02-02T00:00:00Z"})
    assert completed.status_code == 200
    assert api.patch(f"{LOGS}/{entry['id']}", org_a, {"follow_up_completed_at": None}).status_code == 200
    assert follow_ups.sweep(T0 + timedelta(days=2)).raised == 0
    assert len(stack.event_ids()) == 1


def test_clearing_a_raised_follow_up_clears_its_raise_and_setting_it_again_re_arms(api, org_a, stack, donor):
    entry = new_log(api, org_a, donor["id"], follow_up_at=DUE)
    assert follow_ups.sweep(T0).raised == 1
    cleared = api.patch(f"{LOGS}/{entry['id']}", org_a, {"follow_up_at": None})
    assert cleared.status_code == 200
    assert cleared.json["follow_up_at"] is None and cleared.json["follow_up_raised_at"] is None
    assert follow_ups.sweep(T0 + timedelta(days=1)).raised == 0
    assert api.patch(f"{LOGS}/{entry['id']}", org_a, {"follow_up_at": DUE}).status_code == 200
    assert follow_ups.sweep(T0 + timedelta(days=1)).raised == 1
    assert len(stack.event_ids()) == 2


def test_an_edit_while_a_lease_is_held_keeps_the_lease(api, org_a, stack, donor):
    (entry,) = logs_due(api, org_a, donor["id"], DUE)
    assert context.due_index().claim("acme", int(entry["id"]), DUE, token="slow", now=stamp(T0),
                                     lease_until=stamp(T0 + LEASE)) is not None
    edited = api.patch(f"{LOGS}/{entry['id']}", org_a, {"notes": "edited while a sweep was raising it"})
    assert edited.status_code == 200, edited.body
    item = stored("acme", entry["id"])
    assert item["raising_token"] == "slow" and item["GSI3SK"].startswith(stamp(T0 + LEASE))
    assert follow_ups.sweep(T0 + timedelta(minutes=1)).raised == 0
    assert follow_ups.sweep(T0 + LEASE).raised == 1
    assert stack.details()[0]["notes_excerpt"] == "edited while a sweep was raising it"


def test_moving_the_date_while_a_sweep_delivers_it_arms_the_new_date(api, org_a, stack, donor, monkeypatch):
    (entry,) = logs_due(api, org_a, donor["id"], DUE)
    new_due = "2026-02-03T09:00:00.000Z"
    real_deliver = notify.deliver

    def deliver(reminder):
        real_deliver(reminder)
        moved = api.patch(f"{LOGS}/{entry['id']}", org_a, {"follow_up_at": new_due})
        assert moved.status_code == 200, moved.body

    with monkeypatch.context() as patched:
        patched.setattr(notify, "deliver", deliver)
        assert follow_ups.sweep(T0).raised == 1
    item = stored("acme", entry["id"])
    assert item["follow_up_at"] == new_due
    assert "follow_up_raised_at" not in item and "raising_token" not in item  # the old lease was dropped
    assert follow_ups.sweep(T0 + timedelta(hours=1)).raised == 0
    assert follow_ups.sweep(at(new_due)).raised == 1
    assert [d["follow_up_at"] for d in stack.details()] == [DUE, new_due]


@pytest.mark.parametrize("change", ["complete", "delete"])
def test_closing_a_follow_up_while_a_sweep_delivers_it_is_kept(api, org_a, stack, donor, monkeypatch, change):
    (entry,) = logs_due(api, org_a, donor["id"], DUE)
    real_deliver = notify.deliver

    def deliver(reminder):
        real_deliver(reminder)
        if change == "complete":
            response = api.patch(f"{LOGS}/{entry['id']}", org_a, {"follow_up_completed_at": "2026-02-01T09:05:00Z"})
        else:
            response = api.delete(f"{LOGS}/{entry['id']}", org_a)
        assert response.status_code in (200, 204), response.body

    with monkeypatch.context() as patched:
        patched.setattr(notify, "deliver", deliver)
        assert follow_ups.sweep(T0).raised == 1
    item = stored("acme", entry["id"])
    if change == "complete":
        assert item["follow_up_completed_at"] == "2026-02-01T09:05:00.000Z"
    else:
        assert item["deleted_at"]
    assert "GSI3PK" not in item
    assert follow_ups.sweep(T0 + 2 * LEASE).raised == 0
    assert len(stack.events()) == 1


# ---- what is delivered -------------------------------------------------------------------

def test_follow_up_due_event_and_reminder_carry_the_entry(api, org_a, stack):
    member = organisations.add_member("acme", first_name="Ada", last_name="Lovelace", email="ada@acme.example")
    donor = new_donor(api, org_a, first_name="José", last_name="Núñez")
    # Ada recorded the entry (as a CRM's screens record it; over the API it records nobody).
    created = contact_logs.create("acme", {"donor_id": int(donor["id"]), "contact_method": "MEETING",
                                           "occurred_at": "2026-01-20T15:30:00.000Z",
                                           "notes": "Coffee  with\nthe board.", "follow_up_at": DUE,
                                           "recorded_by_id": member["id"]}).record
    assert api.get(f"{LOGS}/{created['id']}", org_a).json["recorded_by_id"] == str(member["id"])

    summary = follow_ups.sweep(T0)
    assert summary.raised == 1

    (event,) = stack.events()
    assert event["source"] == "donor-relations.follow-ups"
    assert event["detail-type"] == "FollowUpDue"
    identity = follow_ups.event_id("acme", created["id"], DUE)
    assert re.fullmatch(r"fu_[0-9a-f]{32}", identity)
    assert event["detail"] == {
        "event_id": identity,
        "organisation": "acme",
        "entry_id": str(created["id"]),
        "donor_id": donor["id"],
        "donor_name": "José Núñez",
        "contact_method": "MEETING",
        "occurred_at": "2026-01-20T15:30:00.000Z",
        "follow_up_at": DUE,
        "notes_excerpt": "Coffee with the board.",
        "recorded_by_id": str(member["id"]),
        "recorded_by_name": "Ada Lovelace",
        "raised_at": stamp(T0),
    }

    (reminder,) = stack.reminders()
    assert reminder["Type"] == "Notification" and reminder["TopicArn"] == stack.topic_arn
    assert reminder["Subject"] == "Follow-up due: Jose Nunez"  # SNS subjects are ASCII
    assert reminder["MessageAttributes"]["organisation"] == {"Type": "String", "Value": "acme"}
    assert reminder["MessageAttributes"]["event_id"] == {"Type": "String", "Value": identity}
    text = reminder["Message"]
    assert f"Follow-up due {DUE} for José Núñez (donor {donor['id']})." in text
    assert "Last contact: meeting on 2026-01-20T15:30:00.000Z, recorded by Ada Lovelace." in text
    assert "Notes: Coffee with the board." in text
    assert f"Organisation acme, contact-log entry {created['id']} (event {identity})." in text


def test_an_entry_recorded_by_a_member_who_is_gone_has_no_recorder_name(api, org_a, stack, donor):
    contact_logs.create("acme", {"donor_id": int(donor["id"]), "contact_method": "PHONE",
                                 "occurred_at": "2026-01-20T15:30:00.000Z", "follow_up_at": DUE,
                                 "recorded_by_id": 999})
    assert follow_ups.sweep(T0).raised == 1
    (detail,) = stack.details()
    assert detail["recorded_by_id"] == "999" and detail["recorded_by_name"] is None
    assert detail["notes_excerpt"] is None
    text = stack.reminders()[0]["Message"]
    assert "recorded by" not in text and "Notes:" not in text


@pytest.mark.parametrize("notes, excerpt", [
    (None, None),
    ("", None),
    ("short", "short"),
    ("  lines\n\tand   spaces  ", "lines and spaces"),
    ("a" * 200, "a" * 200),
    ("a" * 201, "a" * 199 + "…"),
    ("word " * 1000, ("word " * 40)[:199] + "…"),
])
def test_notes_excerpt_is_one_line_of_at_most_200_characters(api, org_a, stack, donor, notes, excerpt):
    body = {"notes": notes} if notes is not None else {}
    new_log(api, org_a, donor["id"], follow_up_at=DUE, **body)
    assert follow_ups.sweep(T0).raised == 1
    (detail,) = stack.details()
    assert detail["notes_excerpt"] == excerpt
    if excerpt:
        assert len(detail["notes_excerpt"]) <= follow_ups.NOTES_EXCERPT_MAX


@pytest.mark.parametrize("fields, name, subject", [
    ({"is_org": True, "org_name": "Fundação São João"}, "Fundação São João", "Follow-up due: Fundacao Sao Joao"),
    ({"first_name": "Jane", "last_name": None}, "Jane", "Follow-up due: Jane"),
    ({"is_org": True, "org_name": "The " + "Very " * 30 + "Long Trust"}, "The " + "Very " * 30 + "Long Trust",
     ("Follow-up due: The " + "Very " * 30)[:97] + "..."),
])
def test_donor_names_in_events_and_subjects(api, org_a, stack, fields, name, subject):
    body = {"first_name": None, "last_name": None, **fields}
    donor = new_donor(api, org_a, **body)
    new_log(api, org_a, donor["id"], follow_up_at=DUE)
    assert follow_ups.sweep(T0).raised == 1
    assert stack.details()[0]["donor_name"] == name
    (reminder,) = stack.reminders()
    assert reminder["Subject"] == subject
    assert len(reminder["Subject"]) <= notify.SUBJECT_MAX


def test_without_channels_the_sweep_still_raises_and_reports(api, acme, donor, monkeypatch):
    use_settings(monkeypatch)  # neither EVENT_BUS_NAME nor REMINDER_TOPIC_ARN
    assert notify.channels() == []
    entry = new_log(api, acme, donor["id"], follow_up_at=DUE)
    heard: list[notify.Reminder] = []
    assert follow_ups.sweep(T0, on_raised=heard.append).raised == 1
    assert [r.detail["entry_id"] for r in heard] == [entry["id"]]


def test_only_the_configured_channel_is_used(api, acme, donor, monkeypatch):
    channels = create_channels("events-only")
    use_settings(monkeypatch, bus=channels.bus)
    assert notify.channels() == ["events"]
    new_log(api, acme, donor["id"], follow_up_at=DUE)
    assert follow_ups.sweep(T0).raised == 1
    assert len(channels.events()) == 1 and channels.reminders() == []


# ---- stacks and tenants ------------------------------------------------------------------

def _seed_stack(monkeypatch, api, name: str, org_id: str, channels: Channels, dues: list[str]) -> list[dict]:
    use_settings(monkeypatch, table_name=f"{name}-table", bus=channels.bus, topic=channels.topic_arn)
    table.ensure_table(f"{name}-table")
    org = make_org(org_id)
    donor = new_donor(api, org, first_name=name.title(), last_name="Donor")
    return [new_log(api, org, donor["id"], follow_up_at=due, notes=f"{name} note") for due in dues]


def test_two_stacks_each_raise_only_their_own_follow_ups_into_their_own_channels(aws, api, monkeypatch):
    a_channels, b_channels = create_channels("stack-a"), create_channels("stack-b")
    a_entries = _seed_stack(monkeypatch, api, "stack-a", "acme", a_channels, [DUE, "2026-02-01T08:00:00Z"])
    b_entries = _seed_stack(monkeypatch, api, "stack-b", "beta-trust", b_channels, [DUE, "2099-01-01T00:00:00Z"])
    # In each stack the first entry has id 1: the event ids still differ by organisation.
    assert a_entries[0]["id"] == b_entries[0]["id"]

    use_settings(monkeypatch, table_name="stack-a-table", bus=a_channels.bus, topic=a_channels.topic_arn)
    a = follow_ups.sweep(T0)
    assert (a.raised, a.remaining) == (2, 0)
    assert sorted(a_channels.event_ids()) == sorted(
        follow_ups.event_id("acme", int(e["id"]), e["follow_up_at"]) for e in a_entries)
    assert {d["organisation"] for d in a_channels.details()} == {"acme"}
    assert {r["MessageAttributes"]["organisation"]["Value"] for r in a_channels.reminders()} == {"acme"}
    assert b_channels.events() == [] and b_channels.reminders() == []

    use_settings(monkeypatch, table_name="stack-b-table", bus=b_channels.bus, topic=b_channels.topic_arn)
    assert stored("beta-trust", b_entries[0]["id"]).get("follow_up_raised_at") is None  # A never touched B
    b = follow_ups.sweep(T0)
    assert (b.raised, b.remaining) == (1, 0)
    (detail,) = b_channels.details()
    assert detail["organisation"] == "beta-trust" and detail["notes_excerpt"] == "stack-b note"
    assert detail["event_id"] == follow_ups.event_id("beta-trust", int(b_entries[0]["id"]), DUE)
    assert detail["event_id"] not in a_channels.event_ids()
    assert [r["MessageAttributes"]["organisation"]["Value"] for r in b_channels.reminders()] == ["beta-trust"]
    assert len(a_channels.events()) == 2  # nothing more went to A's bus

    use_settings(monkeypatch, table_name="stack-a-table", bus=a_channels.bus, topic=a_channels.topic_arn)
    assert follow_ups.sweep(T0 + timedelta(days=1)).raised == 0


def test_one_shared_table_raises_every_organisation_and_tags_each_event(api, acme, other, stack, monkeypatch):
    sqs = boto3.client("sqs")
    acme_url, acme_arn = _queue("acme-only-reminders")
    boto3.client("sns").subscribe(
        TopicArn=stack.topic_arn, Protocol="sqs", Endpoint=acme_arn,
        Attributes={"RawMessageDelivery": "true", "FilterPolicy": json.dumps({"organisation": ["acme"]})})
    acme_donor, other_donor = new_donor(api, acme), new_donor(api, other, first_name="Otto")
    acme_entry = new_log(api, acme, acme_donor["id"], follow_up_at=DUE)
    other_entry = new_log(api, other, other_donor["id"], follow_up_at=DUE)
    assert acme_entry["id"] == other_entry["id"]  # ids are per organisation

    assert follow_ups.sweep(T0).raised == 2
    by_org = {d["organisation"]: d for d in stack.details()}
    assert set(by_org) == {"acme", "acme-corp"}
    assert by_org["acme"]["donor_name"] == "Jane Doe" and by_org["acme-corp"]["donor_name"] == "Otto Doe"
    assert by_org["acme"]["event_id"] != by_org["acme-corp"]["event_id"]
    assert sorted(r["MessageAttributes"]["organisation"]["Value"] for r in stack.reminders()) == ["acme", "acme-corp"]
    # A subscriber filtering on the organisation attribute gets only its own reminders.
    (raw,) = drain(acme_url)
    assert raw["MessageAttributes"]["organisation"]["StringValue"] == "acme"
    assert by_org["acme"]["event_id"] in raw["Body"]
    assert sqs.receive_message(QueueUrl=acme_url).get("Messages") is None


# ---- delivery failures -------------------------------------------------------------------

class _Refusing:
    """An EventBridge client that accepts the call but fails the entry (or cannot be reached)."""

    def __init__(self, unreachable: bool = False, fail_calls: set[int] | None = None) -> None:
        self.unreachable, self.fail_calls, self.calls = unreachable, fail_calls, 0
        self.real = boto3.client("events")

    def put_events(self, **kwargs):
        self.calls += 1
        if self.fail_calls is not None and self.calls not in self.fail_calls:
            return self.real.put_events(**kwargs)
        if self.unreachable:
            raise EndpointConnectionError(endpoint_url="https://events.us-east-1.amazonaws.com/")
        return {"FailedEntryCount": 1, "Entries": [{"ErrorCode": "InternalFailure", "ErrorMessage": "try later"}]}


def _assert_handed_back(org: str, entry: dict) -> None:
    item = stored(org, entry["id"])
    assert "follow_up_raised_at" not in item
    assert not {"raising_for", "raising_until", "raising_token"} & set(item)
    assert item["GSI3SK"].startswith(entry["follow_up_at"] + "#")  # due again at once


def test_a_missing_bus_fails_the_raise_and_the_next_sweep_delivers_it(api, acme, donor, monkeypatch):
    use_settings(monkeypatch, bus="late-bus")
    entries = logs_due(api, acme, donor["id"], DUE, "2026-02-01T08:00:00Z")
    failed = follow_ups.sweep(T0)
    assert (failed.raised, failed.skipped, failed.failed, failed.remaining) == (0, 0, 2, 2)
    for entry in entries:
        _assert_handed_back("acme", entry)
    again = follow_ups.sweep(T0 + timedelta(minutes=5))   # still failing: still not lost
    assert (again.raised, again.failed, again.remaining) == (0, 2, 2)

    channels = create_channels("late")   # the bus the settings name now exists
    assert channels.bus == "late-bus"
    fixed = follow_ups.sweep(T0 + timedelta(minutes=10))
    assert (fixed.raised, fixed.failed, fixed.remaining) == (2, 0, 0)
    assert sorted(channels.event_ids()) == sorted(
        follow_ups.event_id("acme", int(e["id"]), e["follow_up_at"]) for e in entries)
    assert follow_ups.sweep(T0 + timedelta(minutes=15)).raised == 0


@pytest.mark.parametrize("unreachable", [False, True], ids=["failed-entry", "unreachable"])
def test_a_refused_event_is_handed_back_and_raised_once_delivery_works(api, org_a, stack, donor,
                                                                       monkeypatch, unreachable):
    (entry,) = logs_due(api, org_a, donor["id"], DUE)
    refusing = _Refusing(unreachable=unreachable)
    with monkeypatch.context() as patched:
        patched.setitem(aws._clients, "events", refusing)
        summary = follow_ups.sweep(T0)
    assert refusing.calls == 1
    assert (summary.raised, summary.failed, summary.remaining) == (0, 1, 1)
    _assert_handed_back("acme", entry)
    assert stack.events() == [] and stack.reminders() == []  # the reminder waits for the event

    assert follow_ups.sweep(T0 + timedelta(minutes=5)).raised == 1
    assert stack.event_ids() == [follow_ups.event_id("acme", int(entry["id"]), DUE)]
    assert len(stack.reminders()) == 1


def test_one_failed_delivery_does_not_stop_the_others(api, org_a, stack, donor, monkeypatch):
    entries = logs_due(api, org_a, donor["id"], *[f"2026-02-01T06:{m:02d}:00Z" for m in range(5)])
    with monkeypatch.context() as patched:
        patched.setitem(aws._clients, "events", _Refusing(fail_calls={2}))
        summary = follow_ups.sweep(T0)
    assert (summary.raised, summary.failed, summary.remaining) == (4, 1, 1)
    assert len(stack.event_ids()) == 4
    assert follow_ups.sweep(T0 + timedelta(minutes=5)).raised == 1
    assert Counter(stack.event_ids()) == Counter(
        {follow_ups.event_id("acme", int(e["id"]), e["follow_up_at"]): 1 for e in entries})


def test_a_failed_reminder_after_the_event_retries_both_with_the_same_event_id(api, acme, donor, monkeypatch):
    channels = create_channels("half")
    use_settings(monkeypatch, bus=channels.bus, topic=channels.topic_arn.replace("half-reminders", "deleted-topic"))
    (entry,) = logs_due(api, acme, donor["id"], DUE)
    summary = follow_ups.sweep(T0)
    assert (summary.raised, summary.failed, summary.remaining) == (0, 1, 1)
    _assert_handed_back("acme", entry)

    use_settings(monkeypatch, bus=channels.bus, topic=channels.topic_arn)
    assert follow_ups.sweep(T0 + timedelta(minutes=5)).raised == 1
    identity = follow_ups.event_id("acme", int(entry["id"]), DUE)
    # The event went out twice (at least once), both times with the id a consumer dedupes on.
    assert channels.event_ids() == [identity, identity]
    assert [r["MessageAttributes"]["event_id"]["Value"] for r in channels.reminders()] == [identity]


# ---- reads: only what is due ---------------------------------------------------------------

def test_the_sweep_reads_only_due_items_and_never_scans(api, org_a, stack, donor, monkeypatch):
    # Raised ones: due, then raised by an earlier sweep.
    raised = logs_due(api, org_a, donor["id"], *[f"2026-01-0{d}T00:00:00Z" for d in range(1, 6)])
    assert follow_ups.sweep(T0).raised == len(raised)
    for i in range(12):
        new_log(api, org_a, donor["id"], follow_up_at=f"2026-0{3 + i % 6}-1{i % 9}T12:00:00Z")  # future
    for i in range(6):
        new_log(api, org_a, donor["id"], follow_up_at="2026-01-15T00:00:00Z",
                follow_up_completed_at="2026-01-16T00:00:00Z")                                  # completed
    for i in range(6):
        new_log(api, org_a, donor["id"], notes=f"no follow-up {i}")                             # none
    for entry in logs_due(api, org_a, donor["id"], *["2026-01-20T00:00:00Z"] * 3):              # deleted
        assert api.delete(f"{LOGS}/{entry['id']}", org_a).status_code == 204
    for entry in logs_due(api, org_a, donor["id"], "2026-01-21T00:00:00Z", "2026-01-22T00:00:00Z"):
        assert context.due_index().claim("acme", int(entry["id"]), entry["follow_up_at"], token="other",
                                         now=stamp(T0), lease_until=stamp(T0 + LEASE)) is not None  # leased
    other_org = make_org("zeta")
    other_donor = new_donor(api, other_org)
    new_log(api, other_org, other_donor["id"], follow_up_at="2026-09-09T00:00:00Z")           # future, elsewhere
    due = logs_due(api, org_a, donor["id"], "2026-01-25T00:00:00Z", "2026-01-26T00:00:00Z",
                   "2026-01-27T00:00:00Z", "2026-02-01T09:10:00Z")

    calls = DynamoCalls()
    scans: list[Any] = []
    dynamo.client().meta.events.register("before-call.dynamodb.Scan", lambda **kw: scans.append(kw))
    summary = follow_ups.sweep(T0 + timedelta(minutes=10))
    assert (summary.raised, summary.skipped, summary.failed, summary.remaining) == (len(due), 0, 0, 0)
    assert scans == []

    queries = calls.of("Query")
    assert {q["index"] for q in queries} == {"GSI3"}
    pages = [q for q in queries if q["select"] is None]
    counts = [q for q in queries if q["select"] == "COUNT"]
    assert len(pages) == len(counts) == keys.DUE_SHARDS
    assert sum(q["items"] for q in pages) == len(due)
    assert sum(q["scanned"] for q in pages) == len(due)      # nothing read that was not due
    assert sum(q["scanned"] for q in counts) == 0            # and once raised, nothing is due
    # Beyond the index: one claim and one finish per raise, and the names (each read once).
    ops = calls.operations()
    assert ops["UpdateItem"] == 2 * len(due)
    assert ops["GetItem"] == 1                               # the one donor's name
    assert set(ops) <= {"Query", "UpdateItem", "GetItem"}
