"""What every record shares: versions, timestamps, optimistic updates and soft deletes.

Update and delete read the record once (merged validation, index keys, parent counters
and uniqueness guards depend on it) and then write once, on the condition that the
version they read is still current. With `If-Match` a changed version is a 412; without
it the change is merged again onto the fresh record, a bounded number of times.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Callable, Iterable

from ..store import keys
from ..store.context import records
from ..store.records import ConcurrentChange, Created, Guard, IdempotencyClaim, Kind, Page
from ..errors import NotFound, PreconditionFailed, ServiceUnavailable
from .timestamps import format_timestamp, utcnow

_MERGE_ATTEMPTS = 3
MAX_ID = keys.MAX_ID  # ids beyond it were never issued

__all__ = ["Created", "Guard", "IdempotencyClaim", "Page", "claim", "create", "fetch", "update", "delete"]


def claim(key: str | None, route: str, body: Any) -> IdempotencyClaim | None:
    """The Idempotency-Key's claim on this request: same key and body replay, else conflict."""
    if key is None:
        return None
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return IdempotencyClaim(key, hashlib.sha256(f"{route}\n{canonical}".encode()).hexdigest())


_BEYOND_ANY_ID = 10**19


def whole_number(text: str) -> int | None:
    """The value of a string of ASCII digits (not `²`, `٣` or `1_000`), else None.

    Past 18 digits the exact value cannot matter (no id or limit is that large) and
    converting thousands of digits is refused by Python: it is reported as 10**19.
    """
    if not (text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0") or "0"
    return int(digits) if len(digits) <= 18 else _BEYOND_ANY_ID


def record_number(text: str) -> int | None:
    """The id a path segment names, or None when it can name no record (not a positive
    integer of at most MAX_ID): faces answer that with their own 404."""
    number = whole_number(text)
    return number if number is not None and 1 <= number <= MAX_ID else None


def now() -> str:
    return format_timestamp(utcnow())


def create(org: str, kind: Kind, fields: dict[str, Any], *, guards: Iterable[Guard] = (),
           idempotency: IdempotencyClaim | None = None) -> Created:
    stamp = now()
    record = {**fields, "version": 1, "created_at": stamp, "updated_at": stamp}
    return records().create(org, kind, record, guards=guards, idempotency=idempotency)


def fetch(org: str, kind: Kind, record_id: int, label: str) -> dict[str, Any]:
    record = records().get(org, kind, record_id)
    if record is None or record.get("deleted_at"):
        raise NotFound(f"{label} {record_id} does not exist.")
    return record


def _check_version(record: dict[str, Any], expected_version: int | None, label: str) -> None:
    if expected_version is not None and record["version"] != expected_version:
        raise PreconditionFailed(
            f"{label} {record['id']} is at version {record['version']}, not {expected_version}; "
            "fetch it again and reapply your change."
        )


def update(org: str, kind: Kind, record_id: int, label: str,
           merge: Callable[[dict[str, Any]], dict[str, Any]],
           expected_version: int | None,
           guards: Callable[[dict[str, Any]], list[Guard]] = lambda r: []) -> dict[str, Any]:
    """Apply `merge` (old record -> new fields, validated) as one conditional write."""
    for _ in range(_MERGE_ATTEMPTS):
        old = fetch(org, kind, record_id, label)
        _check_version(old, expected_version, label)
        merged = merge(old)
        if merged == old:
            return old  # nothing changed: no write, no new version
        new = {**merged, "version": old["version"] + 1, "updated_at": now()}
        try:
            return records().replace(org, kind, old, new, guards_before=guards(old), guards_after=guards(new))
        except ConcurrentChange as change:
            _check_version(change.current, expected_version, label)
    raise ServiceUnavailable(f"{label} {record_id} is being changed by other requests; retry shortly.")


def delete(org: str, kind: Kind, record_id: int, label: str, expected_version: int | None, *,
           guards: Callable[[dict[str, Any]], list[Guard]] = lambda r: [],
           refuse: Callable[[dict[str, Any]], Exception | None] = lambda r: None,
           condition: tuple[str, dict[str, Any]] | None = None) -> None:
    """Soft delete; deleting a deleted record succeeds again (idempotent).

    `refuse` explains why a record may not go; `condition` re-checks the same rule inside
    the write, so a concurrent change cannot slip between the read and the delete.
    """
    for _ in range(_MERGE_ATTEMPTS):
        old = records().get(org, kind, record_id)
        if old is None:
            raise NotFound(f"{label} {record_id} does not exist.")
        if old.get("deleted_at"):
            return
        _check_version(old, expected_version, label)
        refusal = refuse(old)
        if refusal:
            raise refusal
        try:
            expression, values = condition or (None, None)
            records().soft_delete(org, kind, old, now(), guards=guards(old),
                                  condition=expression, condition_values=values)
            return
        except ConcurrentChange as change:
            if change.current.get("deleted_at"):
                return
            _check_version(change.current, expected_version, label)
    raise ServiceUnavailable(f"{label} {record_id} is being changed by other requests; retry shortly.")
