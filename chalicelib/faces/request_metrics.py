"""One CloudWatch embedded-metric document per request (see docs/operations.md).

Dimensions stay bounded: `route` is the route's pattern (`/api/v1/donors/{record}`), never
the concrete path; the status goes in as its class (2xx/3xx/4xx/5xx), the exact code as a
property. Two dimension sets, both under `service` (the function, so stacks sharing an
account and region stay apart):

- service, face, route, method: each route's traffic, latency percentiles and 5xx;
- service, face, status_class: each face's outcomes (the stacked 2xx/4xx/5xx graph).
"""
from __future__ import annotations

from typing import Any

from ..observability import emf

ROUTE = ("service", "face", "route", "method")
OUTCOME = ("service", "face", "status_class")
UNMATCHED = "(unmatched)"


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def document(face: str, route: str | None, method: str, status: int, ms: float,
             properties: dict[str, Any] | None = None) -> dict[str, Any]:
    return emf.document(
        {"service": emf.service(), "face": face, "route": route or UNMATCHED, "method": method,
         "status_class": status_class(status)},
        (ROUTE, OUTCOME),
        {"latency": (ms, "Milliseconds"), "requests": (1, "Count"), "errors_5xx": (int(status >= 500), "Count")},
        {"status": status, **(properties or {})},
    )


def record(face: str, route: str | None, method: str, status: int, ms: float,
           properties: dict[str, Any] | None = None) -> None:
    emf.emit(document(face, route, method, status, ms, properties))
