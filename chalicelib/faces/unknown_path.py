"""The answer to a path no route serves, readable by every face's clients.

`/api/v1` is shared by the native face and LGL's, so an unknown path there cannot know
whose client asked: the answer carries both shapes at once, RFC 9457 problem details
(`type`, `title`, `status`, `detail`, `errors`) and LGL's error (`api_version`, `error`,
`description`), as `application/problem+json` (a JSON parser reads it whatever the type).
`make run` answers it itself; a deployed stack's API Gateway answers it as a gateway
response (infra/stack.py), with the static detail below.
"""
from __future__ import annotations

from typing import Any

CONTENT_TYPE = "application/problem+json"
STATIC_DETAIL = "No such path."


def body(detail: str = STATIC_DETAIL) -> dict[str, Any]:
    return {"type": "urn:problem:not-found", "title": "Not found", "status": 404, "detail": detail, "errors": [],
            "api_version": "1.0", "error": "Not Found", "description": detail}
