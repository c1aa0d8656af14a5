"""The follow-up sweep's Lambda entry point, scheduled by each stack (infra/).

Thin: it asks chalicelib to raise what is due and stops while the invocation still has
STOP_BEFORE_MS left, so a long backlog is finished by the next scheduled run instead of
being cut off mid-raise. The result is logged as one JSON line, written as one embedded
metric document (raised/skipped/failed/remaining per run), and returned. Every log line of
a run carries its run id: the invocation's `aws_request_id`, or a fresh one.
"""
from __future__ import annotations

import json
import logging
import time
from typing import Any

from chalicelib.domain import follow_ups
from chalicelib.observability import emf, request_ids

STOP_BEFORE_MS = 15_000  # time kept back for the raise in flight and the closing count
log = logging.getLogger("donor_api.sweep")
log.setLevel(logging.INFO)  # app.py sets this for the API; this Lambda never imports it
request_ids.install()
DIMENSIONS = (("service",),)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    started = time.monotonic()
    remaining_ms = getattr(context, "get_remaining_time_in_millis", None)
    with request_ids.bound(getattr(context, "aws_request_id", None)) as run_id:
        summary = follow_ups.sweep(
            should_stop=(lambda: remaining_ms() < STOP_BEFORE_MS) if remaining_ms else (lambda: False),
            on_raised=lambda reminder: log.info(json.dumps({"msg": "follow-up raised", **reminder.detail})),
        )
        result = summary.as_dict()
        log.info(json.dumps({"msg": "sweep finished", **result}))  # its record carries run_id
        record_metrics(summary, round((time.monotonic() - started) * 1000, 1), run_id)
    return result


def record_metrics(summary: follow_ups.SweepSummary, ms: float, run_id: str) -> None:
    try:
        emf.emit(emf.document(
            {"service": emf.service()}, DIMENSIONS,
            {"sweep_raised": (summary.raised, "Count"), "sweep_skipped": (summary.skipped, "Count"),
             "sweep_failed": (summary.failed, "Count"), "sweep_remaining": (summary.remaining, "Count"),
             "sweep_duration": (ms, "Milliseconds")},
            {"run_id": run_id, "stopped_early": summary.stopped_early},
        ))
    except Exception:  # the run's work is done; its metrics must not fail it
        log.exception("sweep metrics not written")
