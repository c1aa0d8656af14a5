"""Writes: each record's change is one conditional write, and a unit of work commits the
writes of several records (of several kinds) as one DynamoDB transaction.

An update sets only the fields it changed and everything the store derives from the record
(index keys, search row); it never writes back what other writers maintain (a parent's
counters, facets and summaries of its children), and it holds only while the record is at the
version it read. A failed condition returns the current item, so the caller can merge again
without a second read.

What a child's change does to its parent (its counter, its facet, which child the parent shows
as preferred) is gathered per parent and written once: folded into the parent's own write when
the parent is in the unit, else as one blind update of just those attributes (DynamoDB takes one
operation per item in a transaction).
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from ..errors import Conflict, FieldError, IdempotencyMismatch, NotFound, PreconditionFailed, ServiceUnavailable
from . import dynamo, keys
from .ids import IdAllocator
from .queries import strip_keys
from .schema import (DERIVED_ATTRIBUTES, KEY_ATTRIBUTES, SEARCH, Kind, children_of, kind_named,
                     maintained_attributes, restricting_counters)
from .table import FACETS

IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600
MAX_TRANSACTION_ITEMS = 100  # DynamoDB's limit on one TransactWriteItems
_MAX_CONFLICT_RETRIES = 2
_NOT_FIELDS = KEY_ATTRIBUTES | {"id", "kind", "version"}  # version: every write moves it itself
_LIVE = "attribute_exists(PK) AND attribute_not_exists(deleted_at)"
_GONE = object()  # a facet removed

RecordKey = tuple[str, str, int]  # (org, kind name, id)


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
    children: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # created with it, by kind


class Rejected(Exception):
    """A write's condition failed: `role` names the failing part, `old` its current item."""

    def __init__(self, role: str, old: dict[str, Any] | None) -> None:
        super().__init__(role)
        self.role = role
        self.old = old


class Replayed(Exception):
    """The unit's Idempotency-Key was used before with the same request: `created` is what the
    first one answered (nothing was written this time)."""

    def __init__(self, created: "Created") -> None:
        super().__init__("replayed")
        self.created = created


class ConcurrentChange(PreconditionFailed):
    """The record changed since it was read; `current` is what it is now."""

    def __init__(self, current: dict[str, Any]) -> None:
        super().__init__("The record was changed by another request.")
        self.current = strip_keys(current)


class ParentChanged(PreconditionFailed):
    """A parent the unit wrote without reading was not as the unit expected (say, it no longer
    names the child it shows as preferred); `current` is the parent now."""

    def __init__(self, current: dict[str, Any]) -> None:
        super().__init__("The record's parent was changed by another request.")
        self.current = strip_keys(current)


DISTINCT = "distinct"  # the guard of a kind's `distinct` value


def guards_of(kind: Kind, record: dict[str, Any]) -> list[Guard]:
    """The uniqueness guards a live record holds: one per unique attribute it has a value of,
    and its `distinct` value within its parent (hashed: keys are bounded, values are not)."""
    guards = [Guard(name, str(record[name])) for name in kind.unique if record.get(name) not in (None, "")]
    if kind.distinct is not None and kind.parent is not None:
        digest = hashlib.sha256(kind.distinct(record).encode()).hexdigest()[:32]
        guards.append(Guard(DISTINCT, f"{record[kind.parent.field]}#{digest}"))
    return guards


class DuplicateValue(Conflict):
    """A child's `distinct` value is already another live child's of the same parent."""

    def __init__(self, holder: int | None) -> None:
        super().__init__(f"Its parent has this value already, as record {holder}.",
                         [FieldError(DISTINCT, f"its parent has this value already, as record {holder}")])
        self.holder = holder


def record_key(org: str, kind_name: str, record_id: int) -> dict[str, Any]:
    return dynamo.to_item({"PK": keys.org_pk(org), "SK": keys.record_sk(kind_name, record_id)})


@dataclass
class _Change:
    """One record's change in a unit: a create (old None), an update, or a delete (new None)."""
    org: str
    kind: Kind
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    deleted_at: str | None = None
    condition: tuple[str, dict[str, Any]] | None = None
    idempotency: IdempotencyClaim | None = None


@dataclass
class _Effects:
    """What a unit's child changes do to one parent."""
    counts: dict[str, int] = field(default_factory=dict)
    facets: dict[str, Any] = field(default_factory=dict)        # facet key -> value, or _GONE
    summaries: dict[str, list[tuple[str, dict[str, Any]]]] = field(default_factory=dict)  # child kind -> events
    touched_at: str | None = None                                # when facets or summaries changed
    expected: dict[str, bool] = field(default_factory=dict)     # attribute -> must exist

    def touch(self, at: str) -> None:
        self.touched_at = max(self.touched_at or at, at)


@dataclass
class _Summary:
    """What a parent shows of its preferred children once the unit's changes are resolved."""
    fields: dict[str, Any] = field(default_factory=dict)
    pointer_is: dict[str, int] = field(default_factory=dict)  # blind refresh: pointer -> child it must name


@dataclass
class UnitOfWork:
    """Writes gathered to commit at once: `create`, `update` and `delete` add to it, `commit`
    sends them as one transaction (a single write as a plain call)."""
    table: str
    ids: IdAllocator
    operations: list[dict[str, Any]] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    _changes: dict[RecordKey, _Change] = field(default_factory=dict)
    _effects: dict[RecordKey, _Effects] = field(default_factory=dict)
    _counted: dict[tuple[str, str], int] = field(default_factory=dict)  # (org, count SK) -> delta
    _going: set[RecordKey] = field(default_factory=set)
    written: dict[str, Any] | None = None  # after a commit of one update: the record as stored
    stored: dict[RecordKey, dict[str, Any]] = field(default_factory=dict)  # after a commit: what was written

    def _add(self, role: str, operation: str, **body: Any) -> None:
        body["TableName"] = self.table
        if "ConditionExpression" in body:
            body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        self.operations.append({operation: body})
        self.roles.append(role)

    # ---- the three changes ---------------------------------------------------------------

    def create(self, org: str, kind: Kind, record: dict[str, Any], *,
               idempotency: IdempotencyClaim | None = None, record_id: int | None = None) -> dict[str, Any]:
        """Add a new record of `kind` (its id allocated now, unless given); returns it with its id."""
        if record_id is None:
            record_id = self.ids.next_id(org, kind.name, kind.id_block) + kind.first_id - 1
        record = dict(record, id=record_id)
        if any(child.facet for child in children_of(kind.name)):
            record.setdefault(FACETS, {})  # its children's facets are set inside this map
        self._join(org, kind, record)
        self._refer(org, kind, None, record)
        self._count(org, kind, record, +1)
        for guard in guards_of(kind, record):
            self._claim(org, kind, guard, record["id"])
        self._changes[(org, kind.name, record["id"])] = _Change(org, kind, None, record, idempotency=idempotency)
        return record

    def update(self, org: str, kind: Kind, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        """Set what `new` changed of `old` (and remove what it dropped), if the record is still
        at `old`'s version; moves parent counters, facets, summaries and uniqueness guards with it.
        `new` equal to `old` still checks the version (a parent read for its children's sake)."""
        if kind.parent and old[kind.parent.field] != new[kind.parent.field]:
            self._leave(org, kind, old)
            self._join(org, kind, new)
        else:
            self._change_in_place(org, kind, old, new)
        self._refer(org, kind, old, new)
        before = {g.field: g for g in guards_of(kind, old)}
        after = {g.field: g for g in guards_of(kind, new)}
        for name in set(before) | set(after):
            if before.get(name) != after.get(name):
                if name in before:
                    self._release(org, kind, before[name])
                if name in after:
                    self._claim(org, kind, after[name], old["id"])
        self._changes[(org, kind.name, old["id"])] = _Change(org, kind, old, new)
        return new

    def delete(self, org: str, kind: Kind, old: dict[str, Any], deleted_at: str, *,
               condition: tuple[str, dict[str, Any]] | None = None, with_parent: bool = False,
               before_parent: bool = False) -> None:
        """Mark `old` deleted (out of every index), if it is unchanged since read and none of
        its RESTRICT counters is above zero. `with_parent`: its parent goes in the same unit
        (a cascade), so the parent is not touched; `before_parent`: its parent goes in a unit
        right after this one (a cascade too large for one), so only the parent's counters and
        facets move, not which child it shows as preferred."""
        self._going.add((org, kind.name, old["id"]))
        if not with_parent:
            self._leave(org, kind, {**old, "updated_at": deleted_at}, keep_summary=before_parent)
        self._refer(org, kind, old, None)
        self._count(org, kind, old, -1)
        for guard in guards_of(kind, old):
            self._release(org, kind, guard)
        self._changes[(org, kind.name, old["id"])] = _Change(org, kind, old, None, deleted_at, condition)

    def claim(self) -> IdempotencyClaim | None:
        """The Idempotency-Key claim of the unit's create, if it has one."""
        return next((c.idempotency for c in self._changes.values() if c.idempotency), None)

    def writes(self, kind_name: str) -> bool:
        """Whether the unit changes a record of this kind (for tests that race a commit)."""
        return any(name == kind_name for _, name, _ in self._changes)

    def expect(self, org: str, kind: Kind, record_id: int, attribute: str, *, present: bool) -> None:
        """The write of this record (or of the parent a child's change touches) holds only if
        `attribute` is present (or absent); otherwise the unit fails with ParentChanged."""
        self._effects.setdefault((org, kind.name, record_id), _Effects()).expected[attribute] = present

    # ---- what children do to their parent -------------------------------------------------

    def _parent_effects(self, org: str, kind: Kind, record: dict[str, Any]) -> _Effects:
        assert kind.parent is not None
        return self._effects.setdefault((org, kind.parent.kind, record[kind.parent.field]), _Effects())

    def _join(self, org: str, kind: Kind, record: dict[str, Any]) -> None:
        """A live child arrives at its parent (which must be live)."""
        if kind.parent is None:
            return
        effects = self._parent_effects(org, kind, record)
        if kind.parent.counter:
            effects.counts[kind.parent.counter] = effects.counts.get(kind.parent.counter, 0) + 1
        if kind.facet and kind.facet(record) is not None:
            effects.facets[keys.facet_key(kind.name, record["id"])] = kind.facet(record)
            effects.touch(record["updated_at"])
        if kind.summary and record.get(kind.summary.flag):
            effects.summaries.setdefault(kind.name, []).append(("candidate", record))
            effects.touch(record["updated_at"])

    def _leave(self, org: str, kind: Kind, record: dict[str, Any], keep_summary: bool = False) -> None:
        """A child leaves its parent (deleted, or moved to another)."""
        if kind.parent is None:
            return
        effects = self._parent_effects(org, kind, record)
        if kind.parent.counter:
            effects.counts[kind.parent.counter] = effects.counts.get(kind.parent.counter, 0) - 1
        if kind.facet:
            effects.facets[keys.facet_key(kind.name, record["id"])] = _GONE
            effects.touch(record["updated_at"])
        if kind.summary and record.get(kind.summary.flag) and not keep_summary:
            effects.summaries.setdefault(kind.name, []).append(("lost", record))
            effects.touch(record["updated_at"])

    def _change_in_place(self, org: str, kind: Kind, old: dict[str, Any], new: dict[str, Any]) -> None:
        if kind.parent is None:
            return
        if kind.facet and kind.facet(old) != kind.facet(new):
            effects = self._parent_effects(org, kind, new)
            value = kind.facet(new)
            effects.facets[keys.facet_key(kind.name, new["id"])] = _GONE if value is None else value
            effects.touch(new["updated_at"])
        summary = kind.summary
        if summary is None:
            return
        was, now = bool(old.get(summary.flag)), bool(new.get(summary.flag))
        event = ("candidate" if now and not was else "lost" if was and not now
                 else "refresh" if now and summary.fields(old) != summary.fields(new) else None)
        if event:
            effects = self._parent_effects(org, kind, new)
            effects.summaries.setdefault(kind.name, []).append((event, new if now else old))
            effects.touch(new["updated_at"])

    def _refer(self, org: str, kind: Kind, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        """What the record refers to counts it: +1 for each id it starts referring to, -1 for
        each it no longer does (a blind write of the referred record, which must be live)."""
        for ref in kind.refs:
            before, after = set(ref.of(old)), set(ref.of(new))
            for ref_id, delta in [(i, -1) for i in sorted(before - after)] + [(i, +1) for i in sorted(after - before)]:
                effects = self._effects.setdefault((org, ref.kind, ref_id), _Effects())
                effects.counts[ref.counter] = effects.counts.get(ref.counter, 0) + delta

    def _count(self, org: str, kind: Kind, record: dict[str, Any], delta: int) -> None:
        """A counted kind's org-wide count moves with every create and delete."""
        if kind.counted:
            sk = keys.count_sk(kind.name, record["id"])
            self._counted[(org, sk)] = self._counted.get((org, sk), 0) + delta

    # ---- commit --------------------------------------------------------------------------

    def commit(self) -> None:
        """Send the writes; raises Rejected naming the first part whose condition failed."""
        self._build()
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

    def _build(self) -> None:
        """Turn the gathered changes and their effects into one operation per item."""
        summaries = {parent: self._resolve(parent, effects) for parent, effects in self._effects.items()}
        for key, change in self._changes.items():
            effects, summary = self._effects.get(key, _Effects()), summaries.get(key, _Summary())
            if change.old is None:
                self._put_new(change, effects, summary)
            elif change.new is None:
                self._soft_delete(change)
            else:
                self._write_update(change, effects, summary)
        for parent, effects in self._effects.items():
            if parent not in self._changes and parent not in self._going:
                self._touch_parent(parent, effects, summaries[parent])
        for (org, sk), delta in sorted(self._counted.items()):
            if delta:
                self._add(f"count:{sk}", "Update", Key=dynamo.to_item({"PK": keys.org_pk(org), "SK": sk}),
                          UpdateExpression="ADD #live :delta", ExpressionAttributeNames={"#live": "live"},
                          ExpressionAttributeValues={":delta": dynamo.to_value(delta)})
        # An Idempotency-Key's claim goes first: on a repeat it is the failure reported (a
        # replay), before any other part that the first request's success now fails (its guards).
        order = sorted(range(len(self.roles)), key=lambda i: self.roles[i] != "idempotency")
        self.operations = [self.operations[i] for i in order]
        self.roles = [self.roles[i] for i in order]

    def _resolve(self, parent: RecordKey, effects: _Effects) -> _Summary:
        """Which child the parent shows as preferred, of each kind the unit changed."""
        out = _Summary()
        in_unit = parent in self._changes
        for kind_name, events in effects.summaries.items():
            summary = kind_named(kind_name).summary
            assert summary is not None
            chosen = [record for event, record in events if event == "candidate"]
            if len(chosen) > 1:
                raise ValueError(f"{kind_name}: two children made preferred in one unit")
            lost = [record for event, record in events if event == "lost"]
            refreshed = [record for event, record in events if event == "refresh"]
            if (chosen or lost) and not in_unit:
                raise ValueError(f"{kind_name}: which child is preferred changes only with its parent in the unit")
            if chosen:
                out.fields.update({**summary.fields(chosen[0]), summary.pointer: chosen[0]["id"]})
            elif lost:
                out.fields.update({**summary.fields(None), summary.pointer: None})
            elif refreshed:
                out.fields.update(summary.fields(refreshed[-1]))
                if not in_unit:
                    out.pointer_is[summary.pointer] = refreshed[-1]["id"]
        return out

    def _put_new(self, change: _Change, effects: _Effects, summary: _Summary) -> None:
        record = dict(change.new or {})
        for counter, delta in effects.counts.items():
            record[counter] = record.get(counter, 0) + delta
        facets = dict(record.get(FACETS, {}))
        for key, value in effects.facets.items():
            if value is _GONE:
                facets.pop(key, None)
            else:
                facets[key] = value
        if FACETS in record or facets:
            record[FACETS] = facets
        record.update({k: v for k, v in summary.fields.items()})
        record = {k: v for k, v in record.items() if v is not None}
        key = (change.org, change.kind.name, record["id"])
        self.stored[key] = record
        claim = change.idempotency
        if claim:  # the key's record holds the response to replay: the record as created
            now = int(time.time())
            self._add("idempotency", "Put", Item=dynamo.to_item({
                "PK": keys.org_pk(change.org), "SK": keys.idempotency_sk(claim.key),
                "fingerprint": claim.fingerprint, "kind": change.kind.name, "response": record,
                "created_epoch": now, "expires_at": now + IDEMPOTENCY_WINDOW_SECONDS,
            }), ConditionExpression="attribute_not_exists(PK) OR expires_at < :now",
                ExpressionAttributeValues={":now": dynamo.to_value(now)})
        self._add(self._role(change.kind, record["id"]), "Put", Item=dynamo.to_item({
            "PK": keys.org_pk(change.org), "SK": keys.record_sk(change.kind.name, record["id"]),
            "kind": change.kind.name, **record, **change.kind.derived(change.org, record)}),
            ConditionExpression="attribute_not_exists(PK)")

    def _write_update(self, change: _Change, effects: _Effects, summary: _Summary) -> None:
        kind, old, new = change.kind, change.old or {}, dict(change.new or {})
        maintained = maintained_attributes(kind)
        new.update(summary.fields)
        if effects.touched_at and effects.touched_at > new.get("updated_at", ""):
            new["updated_at"] = effects.touched_at
        for name in maintained - set(summary.fields):
            if name in old:
                new[name] = old[name]  # what other writers keep is never taken from `new`
        changed = {k: v for k, v in new.items()
                   if k not in _NOT_FIELDS and (k not in maintained or k in summary.fields)
                   and v is not None and old.get(k) != v}
        removed = {k for k in old if k not in _NOT_FIELDS and (k not in maintained or k in summary.fields)
                   and new.get(k) is None}
        live_new = {k: v for k, v in new.items() if v is not None}
        derived = kind.derived(change.org, live_new)
        if FACETS in maintained and FACETS not in old:  # written before facets were kept: the map starts now
            changed[FACETS] = _applied({}, effects.facets)
            effects = _Effects(counts=effects.counts, expected=effects.expected)
        self._update(change.org, kind, old, sets={**changed, **derived},
                     removes=removed | (DERIVED_ATTRIBUTES - set(derived)), effects=effects)
        stored = {**live_new, "version": old["version"] + 1}
        if FACETS in changed:
            stored[FACETS] = changed[FACETS]
        elif effects.facets:
            stored[FACETS] = _applied(old.get(FACETS, {}), effects.facets)
        for counter, delta in effects.counts.items():
            stored[counter] = old.get(counter, 0) + delta
        self.stored[(change.org, kind.name, old["id"])] = stored

    def _soft_delete(self, change: _Change) -> None:
        kind, old = change.kind, change.old or {}
        clauses, values = ([change.condition[0]], dict(change.condition[1])) if change.condition else ([], {})
        names = {}
        for n, counter in enumerate(restricting_counters(kind)):
            names[f"#k{n}"] = counter
            clauses.append(f"(attribute_not_exists(#k{n}) OR #k{n} = :zero)")
            values[":zero"] = 0
        self._update(change.org, kind, old, sets={"deleted_at": change.deleted_at, "updated_at": change.deleted_at},
                     removes=set(DERIVED_ATTRIBUTES), condition=(" AND ".join(clauses), values), names=names)

    def _touch_parent(self, parent: RecordKey, effects: _Effects, summary: _Summary) -> None:
        """A parent the unit did not read: only what its children changed, in one blind write."""
        org, kind_name, parent_id = parent
        kind = kind_named(kind_name)
        expression = _Expression()
        if effects.touched_at:
            expression.set("updated_at", effects.touched_at)
            if kind.search_row is not None:
                expression.set(f"{SEARCH}SK", keys.sort_key(effects.touched_at, parent_id))
        if summary.fields:
            for name, value in summary.fields.items():
                expression.set_or_remove(name, value)
            lookup_sets, lookup_removes = kind.summary_keys(org, parent_id, summary.fields)
            for name, value in lookup_sets.items():
                expression.set(name, value)
            for name in lookup_removes:
                expression.remove(name)
            expression.add("version", 1)  # what the parent shows changed: readers' versions are stale
        expression.effects(effects)
        condition = [_LIVE]
        for pointer, child_id in summary.pointer_is.items():
            condition.append(f"{expression.name(pointer)} = {expression.value(child_id)}")
        for attribute, present in effects.expected.items():
            exists = "attribute_exists" if present else "attribute_not_exists"
            condition.append(f"{exists}({expression.name(attribute)})")
        role = f"parent:{kind_name}:{parent_id}"
        key = record_key(org, kind_name, parent_id)
        if expression.empty():
            self._add(role, "ConditionCheck", Key=key, ConditionExpression=" AND ".join(condition),
                      **expression.attributes())
            return
        self._add(role, "Update", Key=key, UpdateExpression=expression.text(),
                  ConditionExpression=" AND ".join(condition), **expression.attributes())

    # ---- internals -----------------------------------------------------------------------

    @staticmethod
    def _role(kind: Kind, record_id: int) -> str:
        return f"record:{kind.name}:{record_id}"

    def _update(self, org: str, kind: Kind, old: dict[str, Any], *, sets: dict[str, Any], removes: set[str],
                condition: tuple[str, dict[str, Any]] | None = None, names: dict[str, str] | None = None,
                effects: _Effects | None = None) -> None:
        expression = _Expression(names)
        expression.values[":version"], expression.values[":next"] = old["version"], old["version"] + 1
        expression.sets.append("version = :next")
        for name, value in sorted(sets.items()):
            expression.set(name, value)
        for name in sorted(removes - set(sets)):
            expression.remove(name)
        if effects is not None:
            expression.effects(effects)
        check = "version = :version AND attribute_not_exists(deleted_at)"
        extra, extra_values = condition or ("", {})
        if extra:
            check += f" AND {extra}"
            expression.values.update(extra_values)
        for attribute, present in (effects.expected.items() if effects else ()):
            check += f" AND {'attribute_exists' if present else 'attribute_not_exists'}({expression.name(attribute)})"
        self._add(self._role(kind, old["id"]), "Update", Key=record_key(org, kind.name, old["id"]),
                  UpdateExpression=expression.text(), ConditionExpression=check, **expression.attributes())

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


def _applied(facets: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = dict(facets)
    for key, value in changes.items():
        if value is _GONE:
            out.pop(key, None)
        else:
            out[key] = value
    return out


class _Expression:
    """An UpdateExpression built clause by clause, with its attribute names and values."""

    def __init__(self, names: dict[str, str] | None = None) -> None:
        self.names: dict[str, str] = dict(names or {})
        self.values: dict[str, Any] = {}
        self.sets: list[str] = []
        self.removes: list[str] = []
        self.adds: list[str] = []

    def name(self, attribute: str) -> str:
        for placeholder, existing in self.names.items():
            if existing == attribute:
                return placeholder
        placeholder = f"#a{len(self.names)}"
        self.names[placeholder] = attribute
        return placeholder

    def value(self, value: Any) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = value
        return placeholder

    def set(self, attribute: str, value: Any) -> None:
        self.sets.append(f"{self.name(attribute)} = {self.value(value)}")

    def remove(self, attribute: str) -> None:
        self.removes.append(self.name(attribute))

    def set_or_remove(self, attribute: str, value: Any) -> None:
        if value is None:
            self.remove(attribute)
        else:
            self.set(attribute, value)

    def add(self, attribute: str, delta: int) -> None:
        self.adds.append(f"{self.name(attribute)} {self.value(delta)}")

    def effects(self, effects: _Effects) -> None:
        """A parent's counters (ADD) and facets (paths inside its facets map)."""
        for counter, delta in sorted(effects.counts.items()):
            if delta:
                self.add(counter, delta)
        for key, value in sorted(effects.facets.items()):
            path = f"{self.name(FACETS)}.{self.name(key)}"
            if value is _GONE:
                self.removes.append(path)
            else:
                self.sets.append(f"{path} = {self.value(value)}")

    def empty(self) -> bool:
        return not (self.sets or self.removes or self.adds)

    def text(self) -> str:
        parts = []
        if self.sets:
            parts.append("SET " + ", ".join(self.sets))
        if self.removes:
            parts.append("REMOVE " + ", ".join(self.removes))
        if self.adds:
            parts.append("ADD " + ", ".join(self.adds))
        return " ".join(parts)

    def attributes(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.names:
            out["ExpressionAttributeNames"] = self.names
        if self.values:
            out["ExpressionAttributeValues"] = {k: dynamo.to_value(v) for k, v in self.values.items()}
        return out


class WriteContention(ServiceUnavailable):
    """Other requests kept changing the same record faster than this one could apply its
    change: retry after Retry-After (docs/api.md, "write contention")."""
    title = "Write contention"


def explain(rejected: Rejected) -> Exception:
    """The error a client sees for a failed condition."""
    role, old = rejected.role, rejected.old
    if role.startswith("parent:"):
        _, kind_name, parent_id = role.split(":")
        if old is None or old.get("deleted_at"):
            return NotFound(f"{kind_named(kind_name).label} {parent_id} does not exist.")
        return ParentChanged(old)
    if role.startswith("guard:"):
        name = role.split(":", 1)[1]
        taken_by = old.get("record_id") if old else None
        if name == DISTINCT:
            return DuplicateValue(taken_by)
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
