"""Per-org integer ids from a counter item, reserved in blocks.

An org's first records get small numbers (as LGL clients expect). A warm Lambda
reserves `id_block_size` ids with one atomic ADD and hands them out locally, so
most creates cost no round trip for their id. Ids left in a block when a Lambda
is recycled are skipped, never reused.
"""
from __future__ import annotations

import threading

from . import dynamo, keys


class IdAllocator:
    def __init__(self, table_name: str, block_size: int) -> None:
        self._table = table_name
        self._block = block_size
        self._lock = threading.Lock()
        self._ranges: dict[tuple[str, str], tuple[int, int]] = {}

    def next_id(self, org: str, kind: str, block: int | None = None) -> int:
        """The next id; `block=1` reserves just one (rare kinds created by short-lived processes)."""
        block = block or self._block
        with self._lock:
            nxt, last = self._ranges.get((org, kind), (1, 0))
            if nxt > last:
                last = self._reserve(org, kind, block)
                nxt = last - block + 1
            self._ranges[(org, kind)] = (nxt + 1, last)
            return nxt

    def prefetch(self, org: str, kinds: list[tuple[str, int | None]]) -> None:
        """Reserve blocks for every kind of `kinds` (name, block) whose block is used up, all at
        once (parallel calls: one round trip), so a write of several kinds' records pays at
        most one round trip for their ids."""
        from .queries import in_parallel

        with self._lock:
            wanted = [(kind, block or self._block) for kind, block in dict.fromkeys(kinds)
                      if self._ranges.get((org, kind), (1, 0))[0] > self._ranges.get((org, kind), (1, 0))[1]]
        reserved = in_parallel(lambda item: (item, self._reserve(org, *item)), wanted)
        with self._lock:
            for (kind, block), last in reserved:
                if self._ranges.get((org, kind), (1, 0))[0] > self._ranges.get((org, kind), (1, 0))[1]:
                    self._ranges[(org, kind)] = (last - block + 1, last)

    def _reserve(self, org: str, kind: str, block: int) -> int:
        with dynamo.translated_errors():
            response = dynamo.client().update_item(
                TableName=self._table,
                Key=dynamo.to_item({"PK": keys.org_pk(org), "SK": keys.counter_sk(kind)}),
                UpdateExpression="ADD last_id :block",
                ExpressionAttributeValues={":block": dynamo.to_value(block)},
                ReturnValues="UPDATED_NEW",
            )
        return int(dynamo.from_item(response["Attributes"])["last_id"])
