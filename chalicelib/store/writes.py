"""Writes: each record's change is one conditional write, and a unit of work commits the
writes of several records (of several kinds) as one DynamoDB transaction.

An update sets only the fields it changed and every index key the record now carries; it
never writes back what other writers maintain (a parent's counters of its children), and
it holds only while the record is at the version it read. A failed condition returns the
current item, so the caller can merge again without a second read.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from ..errors import Conflict, FieldError, IdempotencyMismatch, NotFound, PreconditionFailed, ServiceUnavailable
from . import dynamo, keys
from .ids import IdAllocator
from .queries import strip_keys
from .schema import INDEX_KEY_ATTRIBUTES, KEY_ATTRIBUTES, Kind, kind_named, maintained_counters, restricting_counters

IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600
MAX_TRANSACTION_ITEMS = 100  # DynamoDB's limit on one TransactWriteItems
_MAX_CONFLICT_RETRIES = 2
_NOT_FIELDS = KEY_ATTRIBUTES | {"id", "kind", "version"}  # version: every write moves it itself


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


class Rejected(Exception):
    """A write's condition failed: `role` names the failing part, `old` its current item."""

    def __init__(self, role: str, old: dict[str, Any] | None) -> None:
        super().__init__(role)
        self.role = role
        self.old = old


class ConcurrentChange(PreconditionFailed):
    """The record changed since it was read; `current` is what it is now."""

    def __init__(self, current: dict[str, Any]) -> None:
        super().__init__("The record was changed by another request.")
        self.current = strip_keys(current)


def guards_of(kind: Kind, record: dict[str, Any]) -> list[Guard]:
    """The uniqueness guards a live record holds: one per unique attribute it has a value of."""
    return [Guard(name, str(record[name])) for name in kind.unique if record.get(name) not in (None, "")]


def record_key(org: str, kind_name: str, record_id: int) -> dict[str, Any]:
    return dynamo.to_item({"PK": keys.org_pk(org), "SK": keys.record_sk(kind_name, record_id)})


@dataclass
class UnitOfWork:
    """Writes gathered to commit at once: `create`, `update` and `delete` add to it, `commit`
    sends them as one transaction (a single write as a plain call). Counter changes of one
    parent are summed into one write, as DynamoDB allows one operation per item."""
    table: str
    ids: IdAllocator
    operations: list[dict[str, Any]] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    _counts: dict[tuple[str, str, int], dict[str, int]] = field(default_factory=dict)
    _checks: set[tuple[str, str, int]] = field(default_factory=set)
    _created: dict[tuple[str, str, int], tuple[int, dict[str, Any]]] = field(default_factory=dict)
    _going: set[tuple[str, str, int]] = field(default_factory=set)
    written: dict[str, Any] | None = None  # after a commit of one update: the record as stored

    def _add(self, role: str, operation: str, **body: Any) -> None:
        body["TableName"] = self.table
        if "ConditionExpression" in body:
            body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        self.operations.append({operation: body})
        self.roles.append(role)

    # ---- the three changes ---------------------------------------------------------------

    def create(self, org: str, kind: Kind, record: dict[str, Any], *,
               idempotency: IdempotencyClaim | None = None) -> dict[str, Any]:
        """Add a new record of `kind` (its id allocated now); returns it with its id."""
        record = dict(record, id=self.ids.next_id(org, kind.name, kind.id_block))
        if idempotency:
            now = int(time.time())
            self._add("idempotency", "Put", Item=dynamo.to_item({
                "PK": keys.org_pk(org), "SK": keys.idempotency_sk(idempotency.key),
                "fingerprint": idempotency.fingerprint, "kind": kind.name, "response": record,
                "created_epoch": now, "expires_at": now + IDEMPOTENCY_WINDOW_SECONDS,
            }), ConditionExpression="attribute_not_exists(PK) OR expires_at < :now",
                ExpressionAttributeValues={":now": dynamo.to_value(now)})
        self._count(org, kind, record, +1)
        for guard in guards_of(kind, record):
            self._claim(org, kind, guard, record["id"])
        item = {"PK": keys.org_pk(org), "SK": keys.record_sk(kind.name, record["id"]), "kind": kind.name,
                **record, **kind.index_keys(org, record)}
        self._created[(org, kind.name, record["id"])] = (len(self.operations), item)  # sent at commit
        self._add(self._role(kind, record["id"]), "Put", Item={}, ConditionExpression="attribute_not_exists(PK)")
        return record

    def update(self, org: str, kind: Kind, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        """Set what `new` changed of `old` (and remove what it dropped), if the record is still
        at `old`'s version; moves parent counters and uniqueness guards with it."""
        maintained = maintained_counters(kind)
        changed = {k: v for k, v in new.items()
                   if k not in _NOT_FIELDS and k not in maintained and v is not None and old.get(k) != v}
        removed = {k for k in old if k not in _NOT_FIELDS and k not in maintained and new.get(k) is None}
        index_keys = kind.index_keys(org, new)
        if kind.parent and old[kind.parent.field] != new[kind.parent.field]:
            self._count(org, kind, old, -1)
            self._count(org, kind, new, +1)
        before = {g.field: g for g in guards_of(kind, old)}
        after = {g.field: g for g in guards_of(kind, new)}
        for name in set(before) | set(after):
            if before.get(name) != after.get(name):
                if name in before:
                    self._release(org, kind, before[name])
                if name in after:
                    self._claim(org, kind, after[name], old["id"])
        self._update(org, kind, old, sets={**changed, **index_keys},
                     removes=removed | (INDEX_KEY_ATTRIBUTES - set(index_keys)))
        return new

    def delete(self, org: str, kind: Kind, old: dict[str, Any], deleted_at: str, *,
               condition: tuple[str, dict[str, Any]] | None = None, with_parent: bool = False) -> None:
        """Mark `old` deleted (out of every index), if it is unchanged since read and none of
        its RESTRICT counters is above zero. `with_parent`: its parent goes in the same unit
        (a cascade), so the parent's counter is not touched."""
        self._going.add((org, kind.name, old["id"]))
        if not with_parent:
            self._count(org, kind, old, -1)
        for guard in guards_of(kind, old):
            self._release(org, kind, guard)
        clauses, values = ([condition[0]], dict(condition[1])) if condition else ([], {})
        names = {}
        for n, counter in enumerate(restricting_counters(kind)):
            names[f"#k{n}"] = counter
            clauses.append(f"(attribute_not_exists(#k{n}) OR #k{n} = :zero)")
            values[":zero"] = 0
        self._update(org, kind, old, sets={"deleted_at": deleted_at, "updated_at": deleted_at},
                     removes=set(INDEX_KEY_ATTRIBUTES), condition=(" AND ".join(clauses), values), names=names)

    # ---- commit --------------------------------------------------------------------------

    def commit(self) -> None:
        """Send the writes; raises Rejected naming the first part whose condition failed."""
        self._flush_counts()
        if not self.operations:
            return
        if len(self.operations) > MAX_TRANSACTION_ITEMS:
            raise ValueError(f"a unit of work holds at most {MAX_TRANSACTION_ITEMS} writes")
        for attempt in range(_MAX_CONFLICT_RETRIES + 1):
            try:
                with dynamo.translated_errors():
                    if len(self.operations) == 1:
                        self._write_single()
                    else:
                        dynamo.client().transact_write_items(TransactItems=self.operations)
                return
            except ClientError as exc:
                error = exc.response.get("Error", {}).get("Code")
                if error == "ConditionalCheckFailedException":
                    raise Rejected(self.roles[0], dynamo.from_item(exc.response.get("Item"))) from None
                if error != "TransactionCanceledException":
                    raise
                reasons = exc.response.get("CancellationReasons", [])
                for role, reason in zip(self.roles, reasons):
                    if reason.get("Code") == "ConditionalCheckFailed":
                        raise Rejected(role, dynamo.from_item(reason.get("Item"))) from None
                codes = {r.get("Code") for r in reasons}
                if "ThrottlingError" in codes or "ProvisionedThroughputExceeded" in codes:
                    raise ServiceUnavailable("The data store is busy; retry shortly.") from None
                if "TransactionConflict" not in codes or attempt == _MAX_CONFLICT_RETRIES:
                    raise WriteContention("Another request was changing the same records; retry shortly.") from None

    # ---- internals -----------------------------------------------------------------------

    @staticmethod
    def _role(kind: Kind, record_id: int) -> str:
        return f"record:{kind.name}:{record_id}"

    def _update(self, org: str, kind: Kind, old: dict[str, Any], *, sets: dict[str, Any], removes: set[str],
                condition: tuple[str, dict[str, Any]] | None = None, names: dict[str, str] | None = None) -> None:
        names = dict(names or {})
        values: dict[str, Any] = {":version": old["version"], ":next": old["version"] + 1}
        assignments = ["version = :next"]
        for n, (name, value) in enumerate(sorted(sets.items())):
            names[f"#s{n}"], values[f":s{n}"] = name, value
            assignments.append(f"#s{n} = :s{n}")
        expression = "SET " + ", ".join(assignments)
        gone = sorted(removes - set(sets))
        if gone:
            names.update({f"#r{n}": name for n, name in enumerate(gone)})
            expression += " REMOVE " + ", ".join(f"#r{n}" for n in range(len(gone)))
        check = "version = :version AND attribute_not_exists(deleted_at)"
        extra, extra_values = condition or ("", {})
        if extra:
            check += f" AND {extra}"
            values.update(extra_values)
        self._add(self._role(kind, old["id"]), "Update", Key=record_key(org, kind.name, old["id"]),
                  UpdateExpression=expression, ConditionExpression=check, ExpressionAttributeNames=names,
                  ExpressionAttributeValues={k: dynamo.to_value(v) for k, v in values.items()})

    def _count(self, org: str, kind: Kind, record: dict[str, Any], delta: int) -> None:
        """The record's parent must be live; its counter of `kind` moves by `delta`."""
        if kind.parent is None:
            return
        parent = (org, kind.parent.kind, record[kind.parent.field])
        self._checks.add(parent)
        if kind.parent.counter:
            counts = self._counts.setdefault(parent, {})
            counts[kind.parent.counter] = counts.get(kind.parent.counter, 0) + delta

    def _flush_counts(self) -> None:
        for parent in sorted(self._checks):
            org, parent_kind, parent_id = parent
            if parent in self._going:
                continue
            counts = {c: d for c, d in self._counts.get(parent, {}).items() if d}
            if parent in self._created:  # created in this unit: it starts with the counts
                item = self._created[parent][1]
                for counter, delta in counts.items():
                    item[counter] = item.get(counter, 0) + delta
                continue
            role = f"parent:{parent_kind}:{parent_id}"
            live = "attribute_exists(PK) AND attribute_not_exists(deleted_at)"
            if not counts:
                self._add(role, "ConditionCheck", Key=record_key(org, parent_kind, parent_id), ConditionExpression=live)
                continue
            names = {f"#c{n}": c for n, c in enumerate(counts)}
            self._add(role, "Update", Key=record_key(org, parent_kind, parent_id),
                      UpdateExpression="ADD " + ", ".join(f"#c{n} :c{n}" for n in range(len(counts))),
                      ConditionExpression=live, ExpressionAttributeNames=names,
                      ExpressionAttributeValues={f":c{n}": dynamo.to_value(d) for n, d in enumerate(counts.values())})
        self._checks.clear()
        for index, item in self._created.values():
            self.operations[index]["Put"]["Item"] = dynamo.to_item(item)

    def _claim(self, org: str, kind: Kind, guard: Guard, record_id: int) -> None:
        self._add(f"guard:{guard.field}", "Put",
                  Item=dynamo.to_item({"PK": keys.org_pk(org), "SK": keys.unique_sk(kind.name, guard.field, guard.value),
                                       "record_id": record_id}),
                  ConditionExpression="attribute_not_exists(PK)")

    def _release(self, org: str, kind: Kind, guard: Guard) -> None:
        self._add(f"release:{guard.field}", "Delete",
                  Key=dynamo.to_item({"PK": keys.org_pk(org), "SK": keys.unique_sk(kind.name, guard.field, guard.value)}))

    def _write_single(self) -> None:
        (operation, body), = self.operations[0].items()
        if operation == "ConditionCheck":  # a check alone writes nothing: send it as a transaction
            dynamo.client().transact_write_items(TransactItems=self.operations)
            return
        if operation == "Update":  # the record as stored, counters others moved included
            response = dynamo.client().update_item(**body, ReturnValues="ALL_NEW")
            self.written = strip_keys(dynamo.from_item(response["Attributes"]))
            return
        call = {"Put": "put_item", "Delete": "delete_item"}[operation]
        getattr(dynamo.client(), call)(**body)


class WriteContention(ServiceUnavailable):
    """Other requests kept changing the same record faster than this one could apply its
    change: retry after Retry-After (docs/api.md, "write contention")."""
    title = "Write contention"


def explain(rejected: Rejected) -> Exception:
    """The error a client sees for a failed condition."""
    role, old = rejected.role, rejected.old
    if role.startswith("parent:"):
        _, kind_name, parent_id = role.split(":")
        return NotFound(f"{kind_named(kind_name).label} {parent_id} does not exist.")
    if role.startswith("guard:"):
        name = role.split(":", 1)[1]
        taken_by = old.get("record_id") if old else None
        message = f"is already used by record {taken_by}"
        return Conflict(f"{name} {message}.", [FieldError(name, message)])
    if role.startswith("record:"):
        _, kind_name, record_id = role.split(":")
        if old is None or old.get("deleted_at"):
            return NotFound(f"{kind_named(kind_name).label} {record_id} does not exist.")
        return ConcurrentChange(old)
    return Conflict("The write could not be applied.")


def replay(old: dict[str, Any] | None, claim: IdempotencyClaim) -> Created:
    """The first response of an Idempotency-Key sent again with the same request."""
    if old is None or old.get("fingerprint") != claim.fingerprint:
        raise IdempotencyMismatch(
            "This Idempotency-Key was already used with a different request; use a new key for a new request."
        )
    return Created(old["response"], replayed=True)
