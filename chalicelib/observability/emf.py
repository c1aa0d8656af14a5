"""CloudWatch embedded metric format (EMF): a JSON log line that CloudWatch Logs turns into
metrics, with no API call and no permission beyond writing the log.

Written by hand (about forty lines) rather than with `aws-embedded-metrics`, which imports
aiohttp (+143 ms measured on top of app.py's ~300 ms cold import: the §9 budget would not
hold), or aws-lambda-powertools' Metrics (+4 ms, but 7.6 MB shipped in the Lambda zip for
what `document` does). See docs/operations.md.

Spec: docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import Any, Mapping, Sequence

DEFAULT_NAMESPACE = "DonorApi"
log = logging.getLogger("donor_api.metrics")
log.setLevel(logging.INFO)  # the sweep's Lambda never imports app.py, which sets donor_api's
UNITS = frozenset({
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
    "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
    "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
    "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
})
MAX_DIMENSIONS = 30   # per dimension set
MAX_METRICS = 100     # per document


def namespace() -> str:
    return os.environ.get("METRICS_NAMESPACE") or DEFAULT_NAMESPACE


def service() -> str:
    """The `service` dimension: the Lambda function's name (one per stack), else "local"."""
    return os.environ.get("AWS_LAMBDA_FUNCTION_NAME") or "local"


def document(dimensions: Mapping[str, str], dimension_sets: Sequence[Sequence[str]],
             metrics: Mapping[str, tuple[float, str]], properties: Mapping[str, Any] | None = None, *,
             ns: str | None = None, timestamp_ms: int | None = None) -> dict[str, Any]:
    """One EMF document: `metrics` maps a name to (value, unit); every metric is published
    under each dimension set; `properties` travel along as searchable log fields only."""
    if not 0 < len(metrics) <= MAX_METRICS:
        raise ValueError(f"a document holds 1 to {MAX_METRICS} metrics, not {len(metrics)}")
    for names in dimension_sets:
        missing = [n for n in names if not dimensions.get(n)]
        if missing or len(names) > MAX_DIMENSIONS:
            raise ValueError(f"dimension set {list(names)}: no value for {missing} or over {MAX_DIMENSIONS}")
    for name, (_, unit) in metrics.items():
        if unit not in UNITS:
            raise ValueError(f"metric {name}: {unit!r} is not a CloudWatch unit")
    return {
        **(properties or {}),
        **{name: str(value) for name, value in dimensions.items()},
        **{name: value for name, (value, _) in metrics.items()},
        "_aws": {
            "Timestamp": int(time.time() * 1000) if timestamp_ms is None else timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": ns or namespace(),
                "Dimensions": [list(names) for names in dimension_sets],
                "Metrics": [{"Name": name, "Unit": unit} for name, (_, unit) in metrics.items()],
            }],
        },
    }


def emit(doc: Mapping[str, Any]) -> None:
    """In Lambda, one line on stdout: the runtime sends it to the log stream as it is (a line
    through `logging` would carry the runtime's prefix, and CloudWatch would not parse it).
    Elsewhere, the `donor_api.metrics` logger: `make run` prints it, tests capture it, and it
    never mixes into a command's own stdout (the CLI's JSON lines)."""
    line = json.dumps(doc, separators=(",", ":"), default=str)
    if in_lambda():
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
    else:
        log.info(line)


def in_lambda() -> bool:
    return bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME"))
