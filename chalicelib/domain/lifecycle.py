"""What every record shares: versions, timestamps, optimistic updates and soft deletes.

Update and delete read the record once (merged validation and the kind's index keys
depend on it) and then write once, on the condition that the version they read is still
current; the store writes only what the merge changed, never what other writers keep
(a parent's counters). With `If-Match` a changed version is a 412; without it the change
is merged again onto the fresh record (which the failed write returned), after a short
random pause that grows with each attempt, so contending writers spread out instead of
colliding again. Only a record changed faster than that for about a second answers 503
"write contention" (docs/api.md).
"""
from __future__ import annotations

import hashlib
import json
import random
import time
from dataclasses import dataclass
from typing import Any, Callable

from ..store import keys
from ..store.context import records
from ..store.queries import Page
from ..store.schema import Kind, referring_counters, restricting_counters
from ..store.writes import ConcurrentChange, Created, IdempotencyClaim, WriteContention
from ..errors import Conflict, NotFound, PreconditionFailed
from .timestamps import format_timestamp, utcnow

_MERGE_ATTEMPTS = 8
_FIRST_PAUSE_SECONDS = 0.005  # doubled each attempt, at most _MAX_PAUSE_SECONDS; jittered
_MAX_PAUSE_SECONDS = 0.25
MAX_ID = keys.MAX_ID  # ids beyond it were never issued

__all__ = ["Created", "IdempotencyClaim", "Page", "Service", "claim", "create", "fetch", "update", "delete"]


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


def new_record(fields: dict[str, Any]) -> dict[str, Any]:
    """A new record's fields as stored: version 1, created and updated now."""
    stamp = now()
    return {**fields, "version": 1, "created_at": stamp, "updated_at": stamp}


def changed_record(old: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """`old` with `changes`, as the next version (the store writes only what differs)."""
    return {**old, **changes, "version": old["version"] + 1, "updated_at": now()}


def create(org: str, kind: Kind, fields: dict[str, Any], *, idempotency: IdempotencyClaim | None = None) -> Created:
    return records().create(org, kind, new_record(fields), idempotency=idempotency)


def fetch(org: str, kind: Kind, record_id: int) -> dict[str, Any]:
    return records().live(org, kind, record_id)


def check_version(kind: Kind, record: dict[str, Any], expected_version: int | None) -> None:
    if expected_version is not None and record["version"] != expected_version:
        raise PreconditionFailed(
            f"{kind.label} {record['id']} is at version {record['version']}, not {expected_version}; "
            "fetch it again and reapply your change."
        )


def attempts(kind: Kind, record_id: int):
    """Attempt numbers, pausing (jittered, growing) before each retry; WriteContention after the last."""
    for attempt in range(_MERGE_ATTEMPTS):
        if attempt:
            time.sleep(random.uniform(0, min(_MAX_PAUSE_SECONDS, _FIRST_PAUSE_SECONDS * 2 ** attempt)))
        yield attempt
    raise WriteContention(f"{kind.label} {record_id} is being changed by other requests faster than this change "
                          "could be applied; retry after the number of seconds in Retry-After.")


def update(org: str, kind: Kind, record_id: int, merge: Callable[[dict[str, Any]], dict[str, Any]],
           expected_version: int | None) -> dict[str, Any]:
    """Apply `merge` (old record -> new fields, validated) as one conditional write."""
    old = fetch(org, kind, record_id)
    for _ in attempts(kind, record_id):
        check_version(kind, old, expected_version)
        merged = merge(old)
        if merged == old:
            return old  # nothing changed: no write, no new version
        new = {**merged, "version": old["version"] + 1, "updated_at": now()}
        try:
            return records().update(org, kind, old, new)
        except ConcurrentChange as change:
            old = change.current if _is(change.current, kind, record_id) else fetch(org, kind, record_id)
    raise AssertionError("unreachable")


def _is(record: dict[str, Any], kind: Kind, record_id: int) -> bool:
    """Whether a record a failed write returned is this one (a unit may hold others)."""
    return record.get("kind") == kind.name and record.get("id") == record_id


def _restricted(kind: Kind, record: dict[str, Any]) -> Exception | None:
    """Why the store will refuse to delete the record: children that must go first."""
    for counter in restricting_counters(kind):
        if record.get(counter):
            if counter in referring_counters(kind):
                return Conflict(f"{kind.label} {record['id']} is in use: {record[counter]} record(s) refer to it; "
                                "remove it from them first.")
            return Conflict(f"{kind.label} {record['id']} still has {record[counter]} record(s) counted in "
                            f"{counter}; delete or move them first.")
    return None


def delete(org: str, kind: Kind, record_id: int, expected_version: int | None, *,
           refuse: Callable[[dict[str, Any]], Exception | None] = lambda r: None,
           condition: tuple[str, dict[str, Any]] | None = None, current: dict[str, Any] | None = None,
           also: Callable[[str, dict[str, Any], dict[str, list[dict[str, Any]]] | None],
                          list[tuple[Kind, dict[str, Any]]]] | None = None) -> None:
    """Soft delete; deleting a deleted record succeeds again (idempotent). `current`: the
    record as the caller has just read it (of a kind without details going with it).

    The store refuses it while the record has RESTRICT children (its counters say so);
    `refuse` explains why a record may not go, and `condition` re-checks a rule of the
    caller's inside the write, so a concurrent change cannot slip between read and delete.
    `also`: (org, the record, its details as read or None) -> records of other parents that go
    in the same write (a donor's relationships' reciprocals on the related donors).
    """
    old, details = (current, None) if current is not None else records().to_delete(org, kind, record_id)
    for _ in attempts(kind, record_id):
        if old is None:
            raise NotFound(f"{kind.label} {record_id} does not exist.")
        if old.get("deleted_at"):
            return
        check_version(kind, old, expected_version)
        refusal = refuse(old) or _restricted(kind, old)
        if refusal:
            raise refusal
        try:
            records().delete(org, kind, old, now(), condition=condition, details=details,
                             also=also(org, old, details) if also else ())
            return
        except ConcurrentChange as change:  # the record, or one of the details going with it
            old, details = (change.current, None) if _is(change.current, kind, record_id) else \
                records().to_delete(org, kind, record_id)
    raise AssertionError("unreachable")


def _unchanged(record: dict[str, Any]) -> dict[str, Any]:
    return record


def _as_sent(org: str, fields: dict[str, Any]) -> dict[str, Any]:
    return fields


@dataclass(frozen=True)
class Service:
    """The domain side of a kind whose rules are one check of the record as a whole: a new
    such kind costs this declaration (docs/architecture.md). Kinds with rules of their own
    (a follow-up re-armed by a new date, a donor's derived names) wrap these functions."""
    kind: Kind
    check: Callable[[dict[str, Any]], dict[str, Any]] = _unchanged    # whole record -> stored fields, or ValidationFailed
    resolve: Callable[[str, dict[str, Any]], dict[str, Any]] = _as_sent  # references sent (an external id) -> ids

    def create(self, org: str, fields: dict[str, Any], idempotency: IdempotencyClaim | None = None) -> Created:
        return create(org, self.kind, self.check(self.resolve(org, fields)), idempotency=idempotency)

    def get(self, org: str, record_id: int) -> dict[str, Any]:
        return fetch(org, self.kind, record_id)

    def update(self, org: str, record_id: int, changes: dict[str, Any], expected_version: int | None) -> dict[str, Any]:
        changes = self.resolve(org, changes)
        return update(org, self.kind, record_id, lambda old: self.check({**old, **changes}), expected_version)

    def delete(self, org: str, record_id: int, expected_version: int | None) -> None:
        delete(org, self.kind, record_id, expected_version)
