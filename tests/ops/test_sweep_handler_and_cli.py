"""The sweep's two entry points: the scheduled Lambda (functions/sweep.py, wired into app.py)
and the operator CLI (`python -m chalicelib.cli followups sweep [--now ISO]`)."""
from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest

from chalicelib import cli
from chalicelib.domain import follow_ups
from chalicelib.store import context
from functions import sweep as sweep_function
from tests.conftest import new_log
from tests.store.test_follow_up_sweep import (LEASE, MS, T0, create_channels, logs_due,  # noqa: F401
                                        stamp, stored, use_settings)

SUMMARY_FIELDS = {"summary", "raised", "skipped", "failed", "remaining", "stopped_early", "now"}


@pytest.fixture
def channels(aws, monkeypatch):
    made = create_channels("ops")
    use_settings(monkeypatch, bus=made.bus, topic=made.topic_arn)
    return made


def ids_of(org: str, entries: list[dict]) -> set[str]:
    return {follow_ups.event_id(org, int(e["id"]), e["follow_up_at"]) for e in entries}


# ---- the Lambda handler --------------------------------------------------------------------

class FakeContext:
    """A Lambda context whose remaining time follows a script (the last value repeats)."""

    def __init__(self, *remaining_ms: int) -> None:
        self.script = list(remaining_ms)
        self.asked = 0

    def get_remaining_time_in_millis(self) -> int:
        self.asked += 1
        return self.script.pop(0) if len(self.script) > 1 else self.script[0]


class Lines(logging.Handler):
    """The sweep logger's messages, parsed (pytest's logging plugin is off in these runs)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(json.loads(record.getMessage()))


@pytest.fixture
def sweep_log():
    lines = Lines()
    logger = logging.getLogger("donor_api.sweep")
    logger.addHandler(lines)
    yield lines
    logger.removeHandler(lines)


def test_handler_stops_while_time_is_left_and_the_next_run_carries_on(api, acme, channels, donor, sweep_log):
    entries = logs_due(api, acme, donor["id"], *[f"2026-02-01T0{h}:00:00Z" for h in range(1, 6)])
    plenty = sweep_function.STOP_BEFORE_MS + 45_000
    first_context = FakeContext(plenty, plenty, sweep_function.STOP_BEFORE_MS - 1)
    first = sweep_function.handler({"source": "aws.events"}, first_context)
    assert set(first) == SUMMARY_FIELDS and first["summary"] is True
    assert (first["raised"], first["skipped"], first["failed"]) == (2, 0, 0)
    assert first["stopped_early"] is True and first["remaining"] == 3
    assert first_context.asked == 3
    json.dumps(first)  # the Lambda's result must serialise

    second = sweep_function.handler({}, FakeContext(plenty))
    assert (second["raised"], second["remaining"], second["stopped_early"]) == (3, 0, False)
    assert sorted(channels.event_ids()) == sorted(ids_of("acme", entries))  # each once

    raised_lines = [r for r in sweep_log.records if r["msg"] == "follow-up raised"]
    finished = [r for r in sweep_log.records if r["msg"] == "sweep finished"]
    assert sorted(r["event_id"] for r in raised_lines) == sorted(ids_of("acme", entries))
    assert all(r["organisation"] == "acme" and r["donor_name"] == "Jane Doe" for r in raised_lines)
    assert [{k: v for k, v in r.items() if k != "msg"} for r in finished] == [first, second]


def test_handler_keeps_exactly_stop_before_ms(api, acme, channels, donor):
    logs_due(api, acme, donor["id"], "2026-02-01T01:00:00Z", "2026-02-01T02:00:00Z")
    result = sweep_function.handler({}, FakeContext(sweep_function.STOP_BEFORE_MS, sweep_function.STOP_BEFORE_MS - 1))
    assert (result["raised"], result["stopped_early"], result["remaining"]) == (1, True, 1)


def test_handler_with_no_time_left_raises_nothing_and_loses_nothing(api, acme, channels, donor):
    entries = logs_due(api, acme, donor["id"], "2026-02-01T01:00:00Z", "2026-02-01T02:00:00Z")
    result = sweep_function.handler({}, FakeContext(1_000))
    assert (result["raised"], result["stopped_early"], result["remaining"]) == (0, True, 2)
    assert channels.events() == []
    for entry in entries:  # nothing was leased: the next run may take them at once
        assert "raising_token" not in stored("acme", entry["id"])
    assert sweep_function.handler({}, None)["raised"] == 2  # a context without a clock: no limit


def test_handler_with_nothing_due(aws, channels):
    result = sweep_function.handler({}, FakeContext(60_000))
    assert {k: result[k] for k in ("raised", "skipped", "failed", "remaining", "stopped_early")} == \
        {"raised": 0, "skipped": 0, "failed": 0, "remaining": 0, "stopped_early": False}


def test_the_app_wires_its_scheduled_function_to_the_handler(api, acme, channels, donor):
    """Chalice's local Lambda context gives a function 3 s, less than STOP_BEFORE_MS: the
    sweep stops before raising anything, which shows the wiring and the guard at once."""
    from app import app

    assert "follow_up_sweep" in app.handler_map
    logs_due(api, acme, donor["id"], "2026-02-01T01:00:00Z")
    result = api.client.lambda_.invoke("follow_up_sweep", {}).payload
    assert set(result) == SUMMARY_FIELDS
    assert (result["raised"], result["stopped_early"], result["remaining"]) == (0, True, 1)


# ---- the CLI -------------------------------------------------------------------------------

def run(capsys, *argv: str) -> tuple[int, list[dict[str, Any]], str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, [json.loads(line) for line in captured.out.splitlines() if line.strip()], captured.err


def test_cli_sweep_prints_each_raised_follow_up_then_a_summary(api, acme, channels, donor, capsys):
    due = logs_due(api, acme, donor["id"], "2026-02-01T07:00:00Z", "2026-02-01T08:00:00Z", "2026-02-01T09:05:00Z")
    later = new_log(api, acme, donor["id"], follow_up_at="2026-02-01T09:05:00.001Z")

    code, lines, err = run(capsys, "followups", "sweep", "--now", "2026-02-01T09:05:00Z")
    assert code == 0, err
    *raised, summary = lines
    assert summary == {"summary": True, "raised": 3, "skipped": 0, "failed": 0, "remaining": 0,
                       "stopped_early": False, "now": "2026-02-01T09:05:00.000Z"}
    assert all("summary" not in line for line in raised)
    assert {line["event_id"] for line in raised} == ids_of("acme", due)
    assert {line["entry_id"] for line in raised} == {e["id"] for e in due}
    assert all(line["organisation"] == "acme" and line["raised_at"] == "2026-02-01T09:05:00.000Z"
               for line in raised)
    # What the CLI printed is what went to the bus.
    assert sorted(channels.details(), key=lambda d: d["entry_id"]) == sorted(raised, key=lambda d: d["entry_id"])

    code, lines, _ = run(capsys, "followups", "sweep", "--now", "2026-02-01T10:05:00+01:00")  # the same moment
    assert code == 0
    assert lines == [{**summary, "raised": 0}]
    code, lines, _ = run(capsys, "followups", "sweep", "--now", "2026-02-02")  # a date: 00:00 UTC
    assert code == 0
    assert [line["entry_id"] for line in lines[:-1]] == [later["id"]]
    assert lines[-1]["now"] == "2026-02-02T00:00:00.000Z" and lines[-1]["raised"] == 1


def test_cli_sweep_without_now_uses_the_clock(api, acme, channels, donor, capsys):
    entry = new_log(api, acme, donor["id"], follow_up_at="2020-01-01T00:00:00Z")
    new_log(api, acme, donor["id"], follow_up_at="2099-01-01T00:00:00Z")
    code, lines, _ = run(capsys, "followups", "sweep")
    assert code == 0
    assert [line["entry_id"] for line in lines[:-1]] == [entry["id"]]
    assert lines[-1]["raised"] == 1 and lines[-1]["now"] > "2026-01-01"


def test_cli_resweep_after_a_crashed_lease_gives_the_same_event_id(api, acme, channels, donor, capsys):
    (entry,) = logs_due(api, acme, donor["id"], "2026-02-01T09:00:00Z")
    assert context.due_index().claim("acme", int(entry["id"]), entry["follow_up_at"], token="crashed",
                                     now=stamp(T0), lease_until=stamp(T0 + LEASE)) is not None
    code, lines, _ = run(capsys, "followups", "sweep", "--now", stamp(T0 + LEASE - MS))
    assert code == 0 and lines == [{"summary": True, "raised": 0, "skipped": 0, "failed": 0, "remaining": 0,
                                    "stopped_early": False, "now": stamp(T0 + LEASE - MS)}]
    code, lines, _ = run(capsys, "followups", "sweep", "--now", stamp(T0 + LEASE))
    assert code == 0
    assert [line["event_id"] for line in lines[:-1]] == [follow_ups.event_id("acme", int(entry["id"]),
                                                                               entry["follow_up_at"])]
    assert channels.event_ids() == [lines[0]["event_id"]]


def test_cli_reports_failed_deliveries_and_the_next_run_delivers(api, acme, donor, capsys, monkeypatch):
    use_settings(monkeypatch, bus="ops-bus")   # not created yet
    (entry,) = logs_due(api, acme, donor["id"], "2026-02-01T09:00:00Z")
    code, lines, _ = run(capsys, "followups", "sweep", "--now", stamp(T0))
    assert code == 1  # partly undelivered: scripts and cron see it
    assert lines == [{"summary": True, "raised": 0, "skipped": 0, "failed": 1, "remaining": 1,
                      "stopped_early": False, "now": stamp(T0)}]
    made = create_channels("ops")
    code, lines, _ = run(capsys, "followups", "sweep", "--now", stamp(T0 + timedelta(minutes=5)))
    assert code == 0 and lines[-1]["raised"] == 1
    assert made.event_ids() == [lines[0]["event_id"]] == [follow_ups.event_id("acme", int(entry["id"]),
                                                                                entry["follow_up_at"])]


@pytest.mark.parametrize("bad", ["yesterday", "2026-06-10T02:00:00", "2026-02-30T00:00:00Z", "", "1700000000",
                                 # the 15-minute lease would end after year 9999
                                 "9999-12-31T23:59:59.999Z", "9999-12-31T23:45:00Z", "9999-12-31T23:44:59.9995Z"])
def test_cli_sweep_with_a_bad_now_exits_2_and_raises_nothing(api, acme, channels, donor, capsys, bad):
    (entry,) = logs_due(api, acme, donor["id"], "2020-01-01T00:00:00Z")
    code, lines, err = run(capsys, "followups", "sweep", "--now", bad)
    assert code == 2
    assert lines == []
    assert "--now" in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if "error" in line]) == 1
    assert "follow_up_raised_at" not in stored("acme", entry["id"])
    assert channels.events() == []


def test_cli_sweep_at_the_latest_moment_a_lease_fits_in(api, acme, channels, donor, capsys):
    (entry,) = logs_due(api, acme, donor["id"], "9999-12-31T23:44:59.999Z")
    code, lines, err = run(capsys, "followups", "sweep", "--now", "9999-12-31T23:44:59.999Z")
    assert code == 0, err
    assert [line["entry_id"] for line in lines[:-1]] == [entry["id"]]
    assert lines[-1]["now"] == "9999-12-31T23:44:59.999Z" and lines[-1]["raised"] == 1


def test_a_sweep_whose_lease_would_end_after_year_9999_is_refused():
    with pytest.raises(ValueError, match="9999-12-31T23:44:59.999Z"):
        follow_ups.sweep(T0.replace(year=9999, month=12, day=31, hour=23, minute=59))


@pytest.mark.parametrize("argv", [["followups"], ["followups", "sweep", "--now"], ["followups", "sweep", "acme"],
                                  ["followups", "raise"]])
def test_cli_followups_usage_errors_exit_2(aws, capsys, argv):
    code, lines, err = run(capsys, *argv)
    assert code == 2 and lines == [] and err


def test_cli_sweep_against_a_missing_table_exits_1(aws, capsys, monkeypatch):
    use_settings(monkeypatch, table_name="no-such-table")
    code, lines, err = run(capsys, "followups", "sweep", "--now", stamp(T0))
    assert code == 1 and lines == []
    assert "ResourceNotFoundException" in err and "table create" in err
