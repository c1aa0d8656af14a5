"""The search index (GSI7): every live record of a kind as a compact row, for searches, exact
totals and offset pages that must not read whole records.

A kind declares its row (`Kind.search_row`: the fields searches read, packed as one JSON
string); its children add facets to it (`Kind.facet`: an e-mail's address, inside the parent's
`facets` map, maintained by the child's own write). The index projects only those and
`updated_at` (INCLUDE), sharded `SEARCH_SHARDS` ways by id and sorted by `updated_at`, so:

- every row is read with one Query per shard, the shards in parallel (one round trip of
  latency; ~0.5 MB a shard at 10,000 rows of a few hundred bytes);
- a warm Lambda keeps each organisation's rows and, per request, reads only the rows changed
  since it last looked (a key range per shard, usually empty) and the kind's exact count
  (sharded counters, strongly consistent): a count that disagrees with the cache means a
  record was deleted, and the rows are read again whole;
- "changed since" (`updated_from`) is a key range even on a cold Lambda.

Rows are decoded here from DynamoDB's wire form (a JSON string and a small map), which is
several times faster than boto3's deserializer on 10,000 nested items.
"""
from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from . import dynamo, keys
from .queries import in_parallel
from .schema import SEARCH, Kind
from .table import FACETS, SEARCH_ROW, UPDATED_AT

# A row changed this long before the newest the cache has seen is read again (GSI writes land
# a little out of order, and clocks of concurrent writers differ slightly).
OVERLAP_SECONDS = 5
# A warm cache is read again whole at least this often, whatever the deltas said.
FULL_READ_SECONDS = 300
CACHED_COLLECTIONS = 16  # (organisation, kind) pairs kept warm per Lambda


@dataclass(frozen=True)
class Row:
    id: int
    fields: dict[str, Any]     # the kind's search_row
    facets: dict[str, Any]     # facet key ("EMAIL#12") -> what that child adds
    updated_at: str


@dataclass
class _Warm:
    rows: dict[int, Row]
    newest: str
    read_at: float


@dataclass
class Reading:
    """What one read of the index cost: for benchmarks and tests."""
    rows_read: int = 0
    bytes_read: int = 0
    calls: int = 0
    whole: bool = False


class SearchIndex:
    def __init__(self, table: str) -> None:
        self.table = table
        self._warm: OrderedDict[tuple[str, str], _Warm] = OrderedDict()
        self._lock = threading.Lock()
        self.last = Reading()

    # ---- reads -------------------------------------------------------------------------

    def rows(self, org: str, kind: Kind) -> list[Row]:
        """Every live record's row, current as of this request."""
        key = (org, kind.name)
        with self._lock:
            warm = self._warm.get(key)
        if warm is not None and time.monotonic() - warm.read_at < FULL_READ_SECONDS:
            # No row seen yet (none of the kind): everything is what changed (a key bound can't be "").
            since = _earlier(warm.newest, OVERLAP_SECONDS) if warm.newest else None
            changed, live = self._read(org, kind, since)
            rows = dict(warm.rows)
            for row in changed:
                rows[row.id] = row
            if len(rows) == live:
                self._keep(key, _Warm(rows, max([warm.newest] + [r.updated_at for r in changed]), warm.read_at))
                return list(rows.values())
        everything, live = self._read(org, kind, None)
        self.last.whole = True
        rows = {row.id: row for row in everything}
        self._keep(key, _Warm(rows, max((r.updated_at for r in everything), default=""), time.monotonic()))
        return list(rows.values())

    def changed_since(self, org: str, kind: Kind, since: str) -> list[Row]:
        """The rows of records changed at or after `since`: from the warm cache, else one key
        range per shard (only the changed rows travel)."""
        with self._lock:
            warm = (org, kind.name) in self._warm
        if warm:
            return [row for row in self.rows(org, kind) if row.updated_at >= since]
        changed, _ = self._read(org, kind, since, count=False)
        return changed

    def forget(self) -> None:
        with self._lock:
            self._warm.clear()

    # ---- internals ---------------------------------------------------------------------

    def _keep(self, key: tuple[str, str], warm: _Warm) -> None:
        with self._lock:
            self._warm[key] = warm
            self._warm.move_to_end(key)
            while len(self._warm) > CACHED_COLLECTIONS:
                self._warm.popitem(last=False)

    def _read(self, org: str, kind: Kind, since: str | None, count: bool = True) -> tuple[list[Row], int]:
        """Every shard's rows (changed since `since`), and the kind's live count, all at once."""
        self.last = Reading()
        jobs: list[Any] = [("shard", shard) for shard in range(keys.SEARCH_SHARDS)]
        if count:
            jobs.append(("count", None))

        def run(job: tuple[str, Any]) -> Any:
            what, shard = job
            if what == "count":
                return count_of(self.table, org, kind)
            return self._shard(org, kind, shard, since)

        results = in_parallel(run, jobs)
        rows = [row for shard_rows in results[:keys.SEARCH_SHARDS] for row in shard_rows]
        self.last.calls += len(jobs)
        return rows, (results[-1] if count else len(rows))

    def _shard(self, org: str, kind: Kind, shard: int, since: str | None) -> list[Row]:
        names = {"#pk": f"{SEARCH}PK"}
        values: dict[str, Any] = {":pk": {"S": keys.search_shard_pk(org, kind.name, shard)}}
        condition = "#pk = :pk"
        if since is not None:
            names["#sk"] = f"{SEARCH}SK"
            values[":since"] = {"S": since}
            condition += " AND #sk >= :since"
        request: dict[str, Any] = {"TableName": self.table, "IndexName": SEARCH, "KeyConditionExpression": condition,
                                   "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}
        out: list[Row] = []
        while True:
            with dynamo.translated_errors():
                response = dynamo.client().query(**request)
            items = response.get("Items", [])
            self.last.rows_read += len(items)
            self.last.bytes_read += sum(_size(item) for item in items)
            out += [_decode(item) for item in items if SEARCH_ROW in item]
            if not response.get("LastEvaluatedKey"):
                return out
            self.last.calls += 1
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def count_of(table: str, org: str, kind: Kind) -> int:
    """The org's live records of a counted kind: one strongly consistent Query of its shards."""
    assert kind.counted, f"{kind.name} is not counted"
    request = {"TableName": table, "ConsistentRead": True,
               "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
               "ExpressionAttributeValues": {":pk": {"S": keys.org_pk(org)},
                                             ":prefix": {"S": keys.count_prefix(kind.name)}}}
    total = 0
    while True:
        with dynamo.translated_errors():
            response = dynamo.client().query(**request)
        total += sum(int(item.get("live", {}).get("N", "0")) for item in response.get("Items", []))
        if not response.get("LastEvaluatedKey"):
            return total
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _decode(item: dict[str, Any]) -> Row:
    return Row(id=keys.record_id_of(item["SK"]["S"]), fields=json.loads(item[SEARCH_ROW]["S"]),
               facets=_plain(item[FACETS]) if FACETS in item else {}, updated_at=item[UPDATED_AT]["S"])


def _plain(value: dict[str, Any]) -> Any:
    """A DynamoDB wire value as Python (the few types rows hold)."""
    (kind, inner), = value.items()
    if kind == "S":
        return inner
    if kind == "M":
        return {k: _plain(v) for k, v in inner.items()}
    if kind == "L":
        return [_plain(v) for v in inner]
    if kind == "N":
        number = Decimal(inner)
        return int(number) if number == number.to_integral_value() else number
    if kind == "BOOL":
        return inner
    if kind == "NULL":
        return None
    if kind in ("SS", "NS"):
        return set(inner)
    return dynamo.from_item({"v": value})["v"]


def _size(item: dict[str, Any]) -> int:
    """Roughly the bytes DynamoDB charges for an item: its names and values as sent."""
    return len(json.dumps(item, separators=(",", ":")))


def _earlier(stamp: str, seconds: int) -> str:
    if not stamp:
        return ""
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    moment = moment - timedelta(seconds=seconds) if moment > datetime.min.replace(tzinfo=moment.tzinfo) + \
        timedelta(seconds=seconds) else moment
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
