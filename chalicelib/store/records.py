"""The repository every kind of record goes through: one keyed call per operation.

A kind declares its name, the index keys a live record carries and, for a donor's
children, the counter on the donor it maintains. Creates, replacements and deletes are
single conditional writes (a transaction when they touch a parent, a uniqueness guard
or an idempotency record); a failed condition returns the old item instead of costing a
second read.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from botocore.exceptions import ClientError

from ..errors import (Conflict, FieldError, IdempotencyMismatch, NotFound, PreconditionFailed,
                             ServiceUnavailable)
from . import cursors, dynamo, keys
from .ids import IdAllocator

KEY_ATTRIBUTES = frozenset(
    {"PK", "SK"} | {f"GSI{i}{part}" for i in range(1, 7) for part in ("PK", "SK")}
)
IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600
_MAX_CONFLICT_RETRIES = 2


@dataclass(frozen=True)
class Kind:
    name: str
    # (org, record) -> the GSI attributes a live record carries; sparse indexes are left out.
    index_keys: Callable[[str, dict[str, Any]], dict[str, str]]
    # For a donor's children: the donor attribute counting its live records of this kind.
    parent_counter: str | None = None


@dataclass(frozen=True)
class Guard:
    """Makes `field` unique among an org's live records of a kind."""
    field: str
    value: str


@dataclass(frozen=True)
class IdempotencyClaim:
    key: str
    fingerprint: str


@dataclass
class Created:
    record: dict[str, Any]
    replayed: bool = False


@dataclass(frozen=True)
class Eq:
    attribute: str
    value: Any


@dataclass(frozen=True)
class Contains:
    attribute: str
    text: str


@dataclass(frozen=True)
class OneOf:
    attribute: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class AnyOf:
    """Matches when every filter of at least one group matches."""
    groups: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Missing:
    """Matches items without the attribute."""
    attribute: str


Filter = Eq | Contains | OneOf | AnyOf | Missing


@dataclass
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None


@dataclass
class _Transaction:
    table: str
    operations: list[dict[str, Any]] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)

    def add(self, role: str, operation: str, **body: Any) -> None:
        body["TableName"] = self.table
        if "ConditionExpression" in body:
            body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        self.operations.append({operation: body})
        self.roles.append(role)


class Rejected(Exception):
    """A write's condition failed: `role` names the failing part, `old` its current item."""

    def __init__(self, role: str, old: dict[str, Any] | None) -> None:
        super().__init__(role)
        self.role = role
        self.old = old


def strip_keys(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in KEY_ATTRIBUTES}


class Records:
    def __init__(self, table_name: str, id_block_size: int) -> None:
        self.table = table_name
        self.ids = IdAllocator(table_name, id_block_size)

    # ---- reads -------------------------------------------------------------------------

    def get(self, org: str, kind: Kind, record_id: int) -> dict[str, Any] | None:
        """The record, live or soft-deleted, or None."""
        with dynamo.translated_errors():
            response = dynamo.client().get_item(
                TableName=self.table,
                Key=dynamo.to_item({"PK": keys.org_pk(org), "SK": keys.record_sk(kind.name, record_id)}),
            )
        item = dynamo.from_item(response.get("Item"))
        return strip_keys(item) if item else None

    def get_item(self, pk: str, sk: str) -> dict[str, Any] | None:
        """Any item by its key (orgs, keys, members, guards), without its key attributes."""
        with dynamo.translated_errors():
            response = dynamo.client().get_item(
                TableName=self.table, Key=dynamo.to_item({"PK": pk, "SK": sk})
            )
        item = dynamo.from_item(response.get("Item"))
        return strip_keys(item) if item else None

    def query_page(self, *, index: str | None, pk: str, sk_prefix: str | None = None,
                   newest_first: bool = False, limit: int, cursor: str | None,
                   filters: Iterable[Filter] = (), sk_range: tuple[str | None, str | None] = (None, None)
                   ) -> Page:
        """One Query for one page. With filters, reads ahead (still one call) so pages stay full."""
        filters = tuple(filters)
        pk_attr = f"{index}PK" if index else "PK"
        sk_attr = f"{index}SK" if index else "SK"
        names = {"#pk": pk_attr}
        values: dict[str, Any] = {":pk": pk}
        condition = "#pk = :pk"
        low, high = sk_range
        if sk_prefix is not None:
            names["#sk"] = sk_attr
            values[":prefix"] = sk_prefix
            condition += " AND begins_with(#sk, :prefix)"
        elif low is not None and high is not None:
            names["#sk"] = sk_attr
            values.update({":low": low, ":high": high})
            condition += " AND #sk BETWEEN :low AND :high"
        elif low is not None or high is not None:  # DynamoDB refuses an empty key value as a bound
            names["#sk"] = sk_attr
            values[":bound"] = low if low is not None else high
            condition += " AND #sk >= :bound" if low is not None else " AND #sk <= :bound"
        binding = repr((index, pk, sk_prefix, sk_range, newest_first, filters))
        request: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": condition,
            "ScanIndexForward": not newest_first,
            # One more than the page tells whether another page exists without a second call.
            "Limit": (min(max(limit * 4, 100), 1000) if filters else limit) + 1,
        }
        if index:
            request["IndexName"] = index
        if filters:
            expression = _filter_expression(filters, names, values)
            request["FilterExpression"] = expression
        request["ExpressionAttributeNames"] = names
        request["ExpressionAttributeValues"] = {k: dynamo.to_value(v) for k, v in values.items()}
        if cursor:
            request["ExclusiveStartKey"] = dynamo.to_item(cursors.decode(cursor, binding))
        with dynamo.translated_errors():
            response = dynamo.client().query(**request)
        items = [dynamo.from_item(i) for i in response.get("Items", [])]
        last_key = response.get("LastEvaluatedKey")
        next_cursor = None
        if len(items) > limit:
            items = items[:limit]
            next_cursor = cursors.encode(_key_of(items[-1], pk_attr, sk_attr), binding)
        elif last_key:
            next_cursor = cursors.encode(dynamo.from_item(last_key), binding)
        return Page([strip_keys(i) for i in items], next_cursor)

    def project(self, *, index: str, pk: str, attributes: tuple[str, ...],
                filters: Iterable[Filter] = ()) -> list[dict[str, Any]]:
        """These attributes of every item in an index partition (for counts over a small,
        sparse partition): one Query per MB read."""
        names = {"#pk": f"{index}PK", **{f"#p{n}": a for n, a in enumerate(attributes)}}
        values: dict[str, Any] = {":pk": pk}
        request: dict[str, Any] = {
            "TableName": self.table,
            "IndexName": index,
            "KeyConditionExpression": "#pk = :pk",
            "ProjectionExpression": ", ".join(f"#p{n}" for n in range(len(attributes))),
        }
        filters = tuple(filters)
        if filters:
            request["FilterExpression"] = _filter_expression(filters, names, values)
        request["ExpressionAttributeNames"] = names
        request["ExpressionAttributeValues"] = {k: dynamo.to_value(v) for k, v in values.items()}
        out: list[dict[str, Any]] = []
        while True:
            with dynamo.translated_errors():
                response = dynamo.client().query(**request)
            out += [dynamo.from_item(i) for i in response.get("Items", [])]
            if not response.get("LastEvaluatedKey"):
                return out
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    # ---- writes ------------------------------------------------------------------------

    def create(self, org: str, kind: Kind, record: dict[str, Any], *,
               guards: Iterable[Guard] = (), idempotency: IdempotencyClaim | None = None) -> Created:
        """Store a new record (its id is allocated here) in one write.

        Raises NotFound when a parent donor is missing or deleted, Conflict when a guard's
        value is taken, IdempotencyMismatch when the key was used for another request;
        returns the first response's record when the key replays an earlier request.
        """
        record = dict(record, id=self.ids.next_id(org, kind.name))
        tx = _Transaction(self.table)
        if idempotency:
            tx.add("idempotency", "Put", Item=dynamo.to_item(_idempotency_item(org, kind, record, idempotency)),
                   ConditionExpression="attribute_not_exists(PK) OR expires_at < :now",
                   ExpressionAttributeValues={":now": dynamo.to_value(int(time.time()))})
        if kind.parent_counter:
            self._count_child(tx, org, record["donor_id"], kind.parent_counter, +1)
        for guard in guards:
            self._claim_guard(tx, org, kind, guard, record["id"])
        tx.add("record", "Put", Item=dynamo.to_item(self._item(org, kind, record)),
               ConditionExpression="attribute_not_exists(PK)")
        try:
            self._write(tx)
        except Rejected as rejected:
            if rejected.role == "idempotency":
                return self._replay(rejected.old, idempotency)
            raise self._explain(rejected) from None
        return Created(record)

    def replace(self, org: str, kind: Kind, old: dict[str, Any], new: dict[str, Any], *,
                guards_before: Iterable[Guard] = (), guards_after: Iterable[Guard] = ()) -> dict[str, Any]:
        """Write `new` over `old` if nobody changed it since `old` was read (version check)."""
        tx = _Transaction(self.table)
        if kind.parent_counter and old["donor_id"] != new["donor_id"]:
            self._count_child(tx, org, old["donor_id"], kind.parent_counter, -1)
            self._count_child(tx, org, new["donor_id"], kind.parent_counter, +1)
        before = {g.field: g for g in guards_before}
        after = {g.field: g for g in guards_after}
        for name in set(before) | set(after):
            if before.get(name) != after.get(name):
                if name in before:
                    self._release_guard(tx, org, kind, before[name])
                if name in after:
                    self._claim_guard(tx, org, kind, after[name], old["id"])
        tx.add("record", "Put", Item=dynamo.to_item(self._item(org, kind, new)),
               ConditionExpression="version = :version AND attribute_not_exists(deleted_at)",
               ExpressionAttributeValues={":version": dynamo.to_value(old["version"])})
        try:
            self._write(tx)
        except Rejected as rejected:
            raise self._explain(rejected) from None
        return new

    def soft_delete(self, org: str, kind: Kind, old: dict[str, Any], deleted_at: str, *,
                    guards: Iterable[Guard] = (), condition: str | None = None,
                    condition_values: dict[str, Any] | None = None) -> None:
        """Mark `old` deleted and drop it from every index, if it is unchanged since read."""
        tx = _Transaction(self.table)
        if kind.parent_counter:
            self._count_child(tx, org, old["donor_id"], kind.parent_counter, -1)
        for guard in guards:
            self._release_guard(tx, org, kind, guard)
        deleted = dict(old, deleted_at=deleted_at, updated_at=deleted_at, version=old["version"] + 1)
        item = {"PK": keys.org_pk(org), "SK": keys.record_sk(kind.name, old["id"]), **deleted}
        expression = "version = :version AND attribute_not_exists(deleted_at)"
        values = {":version": old["version"], **(condition_values or {})}
        if condition:
            expression += f" AND ({condition})"
        tx.add("record", "Put", Item=dynamo.to_item(item), ConditionExpression=expression,
               ExpressionAttributeValues={k: dynamo.to_value(v) for k, v in values.items()})
        try:
            self._write(tx)
        except Rejected as rejected:
            raise self._explain(rejected) from None

    def put_plain(self, item: dict[str, Any], condition: str | None = None) -> None:
        """Write an item that is not an org record (orgs, keys, members); CLI paths only."""
        request: dict[str, Any] = {"TableName": self.table, "Item": dynamo.to_item(item)}
        if condition:
            request["ConditionExpression"] = condition
        try:
            with dynamo.translated_errors():
                dynamo.client().put_item(**request)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise Conflict(f"{item['SK']} already exists.") from None
            raise

    def set_attributes(self, pk: str, sk: str, values: dict[str, Any]) -> None:
        """Set attributes on an existing item that is not an org record (CLI paths only)."""
        names = {f"#a{n}": name for n, name in enumerate(values)}
        with dynamo.translated_errors():
            dynamo.client().update_item(
                TableName=self.table,
                Key=dynamo.to_item({"PK": pk, "SK": sk}),
                UpdateExpression="SET " + ", ".join(f"{n} = :{n[1:]}" for n in names),
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues={f":{n[1:]}": dynamo.to_value(v)
                                           for n, v in zip(names, values.values())},
            )

    # ---- internals ---------------------------------------------------------------------

    def _item(self, org: str, kind: Kind, record: dict[str, Any]) -> dict[str, Any]:
        return {
            "PK": keys.org_pk(org),
            "SK": keys.record_sk(kind.name, record["id"]),
            "kind": kind.name,
            **record,
            **kind.index_keys(org, record),
        }

    def _count_child(self, tx: _Transaction, org: str, donor_id: int, counter: str, delta: int) -> None:
        tx.add(f"donor:{donor_id}", "Update",
               Key=dynamo.to_item({"PK": keys.org_pk(org), "SK": keys.record_sk("DONOR", donor_id)}),
               UpdateExpression="ADD #counter :delta",
               ConditionExpression="attribute_exists(PK) AND attribute_not_exists(deleted_at)",
               ExpressionAttributeNames={"#counter": counter},
               ExpressionAttributeValues={":delta": dynamo.to_value(delta)})

    def _claim_guard(self, tx: _Transaction, org: str, kind: Kind, guard: Guard, record_id: int) -> None:
        tx.add(f"guard:{guard.field}", "Put",
               Item=dynamo.to_item({"PK": keys.org_pk(org),
                                    "SK": keys.unique_sk(kind.name, guard.field, guard.value),
                                    "record_id": record_id}),
               ConditionExpression="attribute_not_exists(PK)")

    def _release_guard(self, tx: _Transaction, org: str, kind: Kind, guard: Guard) -> None:
        tx.add(f"release:{guard.field}", "Delete",
               Key=dynamo.to_item({"PK": keys.org_pk(org),
                                   "SK": keys.unique_sk(kind.name, guard.field, guard.value)}))

    def _write(self, tx: _Transaction) -> None:
        for attempt in range(_MAX_CONFLICT_RETRIES + 1):
            try:
                with dynamo.translated_errors():
                    if len(tx.operations) == 1:
                        self._write_single(tx)
                    else:
                        dynamo.client().transact_write_items(TransactItems=tx.operations)
                return
            except ClientError as exc:
                error = exc.response.get("Error", {}).get("Code")
                if error == "ConditionalCheckFailedException":
                    raise Rejected(tx.roles[0], dynamo.from_item(exc.response.get("Item"))) from None
                if error != "TransactionCanceledException":
                    raise
                reasons = exc.response.get("CancellationReasons", [])
                for role, reason in zip(tx.roles, reasons):
                    if reason.get("Code") == "ConditionalCheckFailed":
                        raise Rejected(role, dynamo.from_item(reason.get("Item"))) from None
                codes = {r.get("Code") for r in reasons}
                if "ThrottlingError" in codes or "ProvisionedThroughputExceeded" in codes:
                    raise ServiceUnavailable("The data store is busy; retry shortly.") from None
                if "TransactionConflict" not in codes or attempt == _MAX_CONFLICT_RETRIES:
                    raise ServiceUnavailable(
                        "Another request was changing the same records; retry shortly."
                    ) from None

    def _write_single(self, tx: _Transaction) -> None:
        (operation, body), = tx.operations[0].items()
        call = {"Put": "put_item", "Update": "update_item", "Delete": "delete_item"}[operation]
        getattr(dynamo.client(), call)(**body)

    def _replay(self, old: dict[str, Any] | None, claim: IdempotencyClaim) -> Created:
        if old is None or old.get("fingerprint") != claim.fingerprint:
            raise IdempotencyMismatch(
                "This Idempotency-Key was already used with a different request; "
                "use a new key for a new request."
            )
        return Created(old["response"], replayed=True)

    def _explain(self, rejected: Rejected) -> Exception:
        role, old = rejected.role, rejected.old
        if role.startswith("donor:"):
            donor_id = role.split(":", 1)[1]
            return NotFound(f"Donor {donor_id} does not exist.")
        if role.startswith("guard:"):
            name = role.split(":", 1)[1]
            taken_by = old.get("record_id") if old else None
            message = f"is already used by record {taken_by}"
            return Conflict(f"{name} {message}.", [FieldError(name, message)])
        if role == "record":
            if old is None or old.get("deleted_at"):
                return NotFound("The record does not exist.")
            return ConcurrentChange(old)
        return Conflict("The write could not be applied.")


class ConcurrentChange(PreconditionFailed):
    """The record changed since it was read; `current` is what it is now."""

    def __init__(self, current: dict[str, Any]) -> None:
        super().__init__("The record was changed by another request.")
        self.current = strip_keys(current)


def _key_of(item: dict[str, Any], pk_attr: str, sk_attr: str) -> dict[str, str]:
    return {name: item[name] for name in {"PK", "SK", pk_attr, sk_attr}}


def _idempotency_item(org: str, kind: Kind, record: dict[str, Any], claim: IdempotencyClaim) -> dict[str, Any]:
    now = int(time.time())
    return {
        "PK": keys.org_pk(org),
        "SK": keys.idempotency_sk(claim.key),
        "fingerprint": claim.fingerprint,
        "kind": kind.name,
        "response": record,
        "created_epoch": now,
        "expires_at": now + IDEMPOTENCY_WINDOW_SECONDS,
    }


def _filter_expression(filters: tuple[Filter, ...], names: dict[str, str], values: dict[str, Any],
                       prefix: str = "f") -> str:
    parts = []
    for n, f in enumerate(filters):
        name = f"{prefix}{n}"
        if isinstance(f, AnyOf):
            groups = [_filter_expression(group, names, values, f"{name}_{g}_")
                      for g, group in enumerate(f.groups)]
            parts.append("(" + " OR ".join(f"({g})" for g in groups) + ")")
            continue
        names[f"#{name}"] = f.attribute
        if isinstance(f, Eq):
            values[f":{name}"] = f.value
            parts.append(f"#{name} = :{name}")
        elif isinstance(f, Contains):
            values[f":{name}"] = f.text
            parts.append(f"contains(#{name}, :{name})")
        elif isinstance(f, Missing):
            parts.append(f"attribute_not_exists(#{name})")
        else:
            options = []
            for m, v in enumerate(f.values):
                values[f":{name}_{m}"] = v
                options.append(f":{name}_{m}")
            parts.append(f"#{name} IN ({', '.join(options)})")
    return " AND ".join(parts)
