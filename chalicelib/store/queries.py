"""Reads of the table or one of its indexes: an item by its key, a page at a time, or a
whole partition (or its projection). `Records` (records.py) names what to read; this module reads it."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Iterable, TypeVar

from ..errors import ServiceUnavailable
from . import cursors, dynamo
from .filters import Filter, expression
from .schema import NOT_RECORD_FIELDS

T = TypeVar("T")
R = TypeVar("R")
BATCH_GET_KEYS = 100  # DynamoDB's limit on one BatchGetItem
_PARALLEL_CALLS = 16  # a search reads its 8 index shards and its count at once: one round trip
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


@dataclass
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None


@dataclass(frozen=True)
class KeyRange:
    """Which sort keys of the partition: a prefix, or bounds (either may be open)."""
    prefix: str | None = None
    low: str | None = None
    high: str | None = None


EVERYTHING = KeyRange()


def strip_keys(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in NOT_RECORD_FIELDS}


def in_parallel(call: Callable[[T], R], args: list[T]) -> list[R]:
    """`call` on every argument, up to 16 at once (the reads of one request overlap: one round
    trip of latency for all of them); results in the order of `args`."""
    global _pool
    if len(args) <= 1:
        return [call(a) for a in args]
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=_PARALLEL_CALLS, thread_name_prefix="dynamodb")
    return list(_pool.map(call, args))


def batch_get(table: str, item_keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Items by (PK, SK), without their key attributes: BatchGetItem, 100 keys a call (the
    calls in parallel), keys DynamoDB left unprocessed asked again. Missing items are absent."""
    unique = list(dict.fromkeys(item_keys))
    chunks = [unique[i:i + BATCH_GET_KEYS] for i in range(0, len(unique), BATCH_GET_KEYS)]

    def fetch(chunk: list[tuple[str, str]]) -> list[dict[str, Any]]:
        request = {table: {"Keys": [dynamo.to_item({"PK": pk, "SK": sk}) for pk, sk in chunk]}}
        found: list[dict[str, Any]] = []
        for _ in range(10):
            with dynamo.translated_errors():
                response = dynamo.client().batch_get_item(RequestItems=request)
            found += response.get("Responses", {}).get(table, [])
            request = response.get("UnprocessedKeys") or {}
            if not request:
                return found
        raise ServiceUnavailable("The data store kept leaving keys unprocessed; retry shortly.")

    out: dict[tuple[str, str], dict[str, Any]] = {}
    for items in in_parallel(fetch, chunks):
        for raw in items:
            item = dynamo.from_item(raw)
            out[(item["PK"], item["SK"])] = strip_keys(item)
    return out


def get(table: str, pk: str, sk: str) -> dict[str, Any] | None:
    """One item by its key, without its key attributes, or None: one GetItem."""
    with dynamo.translated_errors():
        response = dynamo.client().get_item(TableName=table, Key=dynamo.to_item({"PK": pk, "SK": sk}))
    item = dynamo.from_item(response.get("Item"))
    return strip_keys(item) if item else None


def _key_condition(index: str | None, pk: str, key_range: KeyRange) -> tuple[str, dict[str, str], dict[str, Any]]:
    names = {"#pk": f"{index}PK" if index else "PK"}
    values: dict[str, Any] = {":pk": pk}
    condition = "#pk = :pk"
    sk = f"{index}SK" if index else "SK"
    if key_range.prefix is not None:
        names["#sk"], values[":prefix"] = sk, key_range.prefix
        condition += " AND begins_with(#sk, :prefix)"
    elif key_range.low is not None and key_range.high is not None:
        names["#sk"] = sk
        values.update({":low": key_range.low, ":high": key_range.high})
        condition += " AND #sk BETWEEN :low AND :high"
    elif key_range.low is not None or key_range.high is not None:  # DynamoDB refuses an empty bound
        names["#sk"] = sk
        values[":bound"] = key_range.low if key_range.low is not None else key_range.high
        condition += " AND #sk >= :bound" if key_range.low is not None else " AND #sk <= :bound"
    return condition, names, values


def _request(table: str, index: str | None, pk: str, key_range: KeyRange,
             filters: tuple[Filter, ...]) -> dict[str, Any]:
    condition, names, values = _key_condition(index, pk, key_range)
    request: dict[str, Any] = {"TableName": table, "KeyConditionExpression": condition}
    if index:
        request["IndexName"] = index
    if filters:
        request["FilterExpression"] = expression(filters, names, values)
    request["ExpressionAttributeNames"] = names
    request["ExpressionAttributeValues"] = {k: dynamo.to_value(v) for k, v in values.items()}
    return request


def page(table: str, *, index: str | None, pk: str, key_range: KeyRange = EVERYTHING,
         newest_first: bool = False, limit: int, cursor: str | None,
         filters: Iterable[Filter] = ()) -> Page:
    """One Query for one page. With filters, reads ahead (still one call) so pages stay full.

    The cursor is bound to the query (partition, range, order, filters): it pages nothing else."""
    filters = tuple(filters)
    request = _request(table, index, pk, key_range, filters)
    request["ScanIndexForward"] = not newest_first
    # One more than the page tells whether another page exists without a second call.
    request["Limit"] = (min(max(limit * 4, 100), 1000) if filters else limit) + 1
    binding = repr((index, pk, key_range.prefix, (key_range.low, key_range.high), newest_first, filters))
    if cursor:
        request["ExclusiveStartKey"] = dynamo.to_item(cursors.decode(cursor, binding))
    with dynamo.translated_errors():
        response = dynamo.client().query(**request)
    items = [dynamo.from_item(i) for i in response.get("Items", [])]
    pk_attr, sk_attr = (f"{index}PK", f"{index}SK") if index else ("PK", "SK")
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        next_cursor = cursors.encode({name: items[-1][name] for name in {"PK", "SK", pk_attr, sk_attr}}, binding)
    elif response.get("LastEvaluatedKey"):
        next_cursor = cursors.encode(dynamo.from_item(response["LastEvaluatedKey"]), binding)
    return Page([strip_keys(i) for i in items], next_cursor)


def read_all(table: str, *, index: str | None, pk: str, key_range: KeyRange = EVERYTHING,
             filters: Iterable[Filter] = (), attributes: tuple[str, ...] | None = None,
             consistent: bool = False) -> list[dict[str, Any]]:
    """Every matching item of a partition in key order, whole or only `attributes` (a compact
    projection, for counts and offset pages): one Query per MB read. `consistent`: a strongly
    consistent read (the table only, not an index)."""
    request = _request(table, index, pk, key_range, tuple(filters))
    if consistent:
        request["ConsistentRead"] = True
    if attributes is not None:
        projected = {f"#p{n}": a for n, a in enumerate(attributes)}
        request["ExpressionAttributeNames"].update(projected)
        request["ProjectionExpression"] = ", ".join(projected)
    out: list[dict[str, Any]] = []
    while True:
        with dynamo.translated_errors():
            response = dynamo.client().query(**request)
        out += [strip_keys(dynamo.from_item(i)) for i in response.get("Items", [])]
        if not response.get("LastEvaluatedKey"):
            return out
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
