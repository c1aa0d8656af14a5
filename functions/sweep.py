"""The follow-up sweep's Lambda entry point, scheduled by each stack (infra/).

Thin: it asks chalicelib to raise what is due and stops while the invocation still has
STOP_BEFORE_MS left, so a long backlog is finished by the next scheduled run instead of
being cut off mid-raise. The result is logged as one JSON line and returned.
"""
from __future__ import annotations

import json
import logging
from typing import Any

from chalicelib.domain import follow_ups

STOP_BEFORE_MS = 15_000  # time kept back for the raise in flight and the closing count
log = logging.getLogger("donor_api.sweep")
log.setLevel(logging.INFO)  # app.py sets this for the API; this Lambda never imports it


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    remaining_ms = getattr(context, "get_remaining_time_in_millis", None)
    summary = follow_ups.sweep(
        should_stop=(lambda: remaining_ms() < STOP_BEFORE_MS) if remaining_ms else (lambda: False),
        on_raised=lambda reminder: log.info(json.dumps({"msg": "follow-up raised", **reminder.detail})),
    )
    result = summary.as_dict()
    log.info(json.dumps({"msg": "sweep finished", **result}))
    return result
