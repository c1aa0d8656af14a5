"""The sweep's side of the table: what is due (GSI3, sparse) and the conditional updates
that raise each follow-up once.

GSI3 holds an entry only while its follow-up is open, not yet raised for its current date
and the entry is live (kinds.py keeps it so on every write), so a query for keys up to
now reads due items and nothing else. Raising is two conditional updates on the entry:
`claim` takes a lease on (entry, follow_up_at) and moves its GSI3 key to the lease's end,
so overlapping sweeps skip it and a sweep that dies mid-raise is retried once the lease
runs out; `finish` records the raise and drops the entry from GSI3; `release` hands it
back at once when publishing failed. Each bumps `version`, so a client's read-then-write
that raced it re-merges onto the current record instead of writing the lease away.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from botocore.exceptions import ClientError

from . import dynamo, keys, queries
from .filters import Filter
from .kinds import CONTACT_LOG
from .queries import KeyRange, Page, strip_keys

PAGE_SIZE = 100
_LEASE_FIELDS = "raising_for, raising_until, raising_token"


@dataclass(frozen=True)
class Due:
    org: str
    entry: dict[str, Any]


class DueIndex:
    def __init__(self, table_name: str) -> None:
        self.table = table_name

    def pages(self, through: str, page_size: int = PAGE_SIZE) -> Iterator[list[Due]]:
        """Every due entry (GSI3 key at or before `through`), a page per Query, shard by shard."""
        for shard in range(keys.DUE_SHARDS):
            start: dict[str, Any] | None = None
            while True:
                request = self._due_query(shard, through, Limit=page_size)
                if start:
                    request["ExclusiveStartKey"] = start
                with dynamo.translated_errors():
                    response = dynamo.client().query(**request)
                items = [dynamo.from_item(i) for i in response.get("Items", [])]
                if items:
                    yield [Due(keys.parse_due_sk(i["GSI3SK"])[0], strip_keys(i)) for i in items]
                start = response.get("LastEvaluatedKey")
                if not start:
                    break

    def count(self, through: str) -> int:
        """How many entries are due at `through` (reads only those)."""
        total = 0
        for shard in range(keys.DUE_SHARDS):
            start: dict[str, Any] | None = None
            while True:
                request = self._due_query(shard, through, Select="COUNT")
                if start:
                    request["ExclusiveStartKey"] = start
                with dynamo.translated_errors():
                    response = dynamo.client().query(**request)
                total += response.get("Count", 0)
                start = response.get("LastEvaluatedKey")
                if not start:
                    break
        return total

    def claim(self, org: str, entry_id: int, follow_up_at: str, *, token: str, now: str,
              lease_until: str) -> dict[str, Any] | None:
        """Lease the raise of (entry, follow_up_at); the entry as it now is, or None when it
        is no longer due for that date (raised, leased by another sweep, moved, closed, gone)."""
        return self._update(
            org, entry_id,
            update="SET raising_for = :due, raising_until = :until, raising_token = :token, "
                   "GSI3SK = :lease_sk, version = version + :one",
            condition="attribute_exists(PK) AND attribute_not_exists(deleted_at) "
                      "AND follow_up_at = :due AND attribute_not_exists(follow_up_completed_at) "
                      "AND (attribute_not_exists(follow_up_raised_for) OR follow_up_raised_for <> :due) "
                      "AND (attribute_not_exists(raising_token) OR raising_for <> :due "
                      "OR raising_until <= :now)",
            values={":due": follow_up_at, ":until": lease_until, ":token": token, ":now": now,
                    ":lease_sk": keys.due_sk(lease_until, org, entry_id), ":one": 1},
        )

    def finish(self, org: str, entry_id: int, follow_up_at: str, *, token: str, raised_at: str) -> bool:
        """Record the raise; False when the lease was lost (the date moved or the entry went)."""
        return self._update(
            org, entry_id,
            update=f"SET follow_up_raised_for = :due, follow_up_raised_at = :at, version = version + :one "
                   f"REMOVE {_LEASE_FIELDS}, GSI3PK, GSI3SK",
            condition="raising_token = :token AND follow_up_at = :due AND attribute_not_exists(deleted_at)",
            values={":due": follow_up_at, ":at": raised_at, ":token": token, ":one": 1},
        ) is not None

    def release(self, org: str, entry_id: int, follow_up_at: str, *, token: str) -> bool:
        """Give the lease back so the next sweep retries at once (publishing failed)."""
        return self._update(
            org, entry_id,
            update=f"SET GSI3SK = :due_sk, version = version + :one REMOVE {_LEASE_FIELDS}",
            condition="raising_token = :token AND follow_up_at = :due",
            values={":due": follow_up_at, ":token": token, ":one": 1,
                    ":due_sk": keys.due_sk(follow_up_at, org, entry_id)},
        ) is not None

    # ---- the follow-up queue: an org's open follow-ups by due time (GSI6) --------------

    def queue(self, org: str, *, low: str | None, high: str | None, limit: int, cursor: str | None,
              filters: tuple[Filter, ...] = ()) -> Page:
        """A page of the org's open follow-ups due between `low` and `high` (either open)."""
        return queries.page(self.table, index="GSI6", pk=keys.follow_up_queue_pk(org),
                            key_range=KeyRange(low=low, high=high), limit=limit, cursor=cursor, filters=filters)

    def queue_due_times(self, org: str, filters: tuple[Filter, ...] = ()) -> list[str]:
        """The due time of every open follow-up of the org (for counts by window)."""
        return [item["follow_up_at"] for item in queries.read_all(
            self.table, index="GSI6", pk=keys.follow_up_queue_pk(org), attributes=("follow_up_at",), filters=filters)]

    # ---- internals ---------------------------------------------------------------------

    def _due_query(self, shard: int, through: str, **extra: Any) -> dict[str, Any]:
        return {
            "TableName": self.table,
            "IndexName": "GSI3",
            "KeyConditionExpression": "GSI3PK = :pk AND GSI3SK <= :through",
            "ExpressionAttributeValues": {":pk": {"S": keys.due_shard_pk(shard)},
                                          ":through": {"S": keys.due_through(through)}},
            **extra,
        }

    def _update(self, org: str, entry_id: int, *, update: str, condition: str,
                values: dict[str, Any]) -> dict[str, Any] | None:
        try:
            with dynamo.translated_errors():
                response = dynamo.client().update_item(
                    TableName=self.table,
                    Key=dynamo.to_item({"PK": keys.org_pk(org), "SK": keys.record_sk(CONTACT_LOG.name, entry_id)}),
                    UpdateExpression=update,
                    ConditionExpression=condition,
                    ExpressionAttributeValues={k: dynamo.to_value(v) for k, v in values.items()},
                    ReturnValues="ALL_NEW",
                )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return None
            raise
        return strip_keys(dynamo.from_item(response["Attributes"]))
