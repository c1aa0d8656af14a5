"""moto's TransactWriteItems, rolled back by the items it names instead of by whole-table copies.

moto 5.2 makes a transaction atomic by deep-copying the whole table before it runs, once for
every item of the transaction (`DynamoDBBackend.transact_write_items`), and putting the copy
back when a part fails. That costs O(items x table) per transaction: on a table of a few
thousand items a 20-item transaction copies the table 20 times, which made the test suite
and `make run`'s embedded DynamoDB slower with every record they held.

`install()` keeps moto's own code and outcome (same checks, same errors, same rollback) but
snapshots only the items the transaction names, before it runs, and on failure puts exactly
those back: a transaction only ever writes the items it names. Used by the tests
(tests/conftest.py) and by `make run` (tools/run_local.py); never by the Lambda.
"""
from __future__ import annotations

import copy
from typing import Any

from moto.dynamodb import models
from moto.dynamodb.exceptions import (MockValidationException, MultipleTransactionsException,
                                      TransactionCanceledException)
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

_INSTALLED = "_rollback_by_item"


class _TablesUncopied:
    """The `copy` module as moto's backend module sees it, except that a Table "copies" to
    itself: the transaction's rollback of a whole table becomes a no-op, and ours does it."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def _key_of(table: Table, op_type: str, op: dict[str, Any]) -> tuple[DynamoType, DynamoType | None]:
    source = op["Item"] if op_type == "Put" else op["Key"]
    hash_value = DynamoType(source[table.hash_key_attr])
    range_value = DynamoType(source[table.range_key_attr]) if table.range_key_attr else None
    return hash_value, range_value


def _snapshot(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[Table, DynamoType, Any, Any]]:
    """(table, hash, range, a copy of the item or None) for every item the transaction names."""
    out = []
    for entry in transact_items:
        try:
            (op_type, op), = entry.items()
            table = backend.get_table(op["TableName"])
            hash_value, range_value = _key_of(table, op_type, op)
        except Exception:  # a malformed part: moto refuses it before writing it
            continue
        current = table.get_item(hash_value, range_value) if (range_value or not table.range_key_attr) else None
        out.append((table, hash_value, range_value, copy.deepcopy(current)))
    return out


def _restore(snapshot: list[tuple[Table, DynamoType, Any, Any]]) -> None:
    for table, hash_value, range_value, old in reversed(snapshot):
        if range_value is None:
            if old is None:
                table.items.pop(hash_value, None)
            else:
                table.items[hash_value] = old
        elif old is None:
            table.items.get(hash_value, {}).pop(range_value, None)
        else:
            table.items[hash_value][range_value] = old


def install() -> None:
    """Patch moto's DynamoDB backend (idempotent)."""
    backend = models.DynamoDBBackend
    if getattr(backend.transact_write_items, _INSTALLED, False):
        return
    original = backend.transact_write_items
    models.copy = _TablesUncopied()  # only the transaction deep-copies a Table there

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        snapshot = _snapshot(self, transact_items) if len(transact_items) <= 100 else []
        try:
            original(self, transact_items)
        except (TransactionCanceledException, MultipleTransactionsException, MockValidationException):
            _restore(snapshot)
            raise

    setattr(transact_write_items, _INSTALLED, True)
    backend.transact_write_items = transact_write_items
