"""The repository every kind of record goes through, one method per access pattern.

Each read is keyed on the caller's organisation and served from the kind's declaration
(schema.py): a record by id (GetItem), a kind's list in its order, a lookup, a parent's
timeline, a parent's children, a record with its details (one Query each). Writes go
through a unit of work (writes.py): `create`, `update` and `delete` commit one record's
change; `unit_of_work()` gathers several records' changes into one transaction.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

from ..errors import NotFound
from . import dynamo, keys, queries
from .filters import AnyOf, Eq, Filter, OneOf
from .ids import IdAllocator
from .queries import KeyRange, Page
from .schema import CATALOGUE_PREFIX, COLLECTIONS, LISTS, Kind, cascading_children, children_of
from .search_index import Row, SearchIndex, count_of
from .writes import (MAX_TRANSACTION_ITEMS, Created, IdempotencyClaim, Rejected, Replayed, UnitOfWork,
                     explain, guards_of, replay)

Details = dict[str, list[dict[str, Any]]]  # a record's detail children, by kind name

_TIMELINE = KeyRange(low=keys.TIMELINE_LOW, high=keys.HEAD_SK)  # the head, then its timeline
_AGGREGATE = KeyRange(prefix=keys.HEAD_SK)                        # the head, then its details


class Records:
    def __init__(self, table_name: str, id_block_size: int) -> None:
        self.table = table_name
        self.ids = IdAllocator(table_name, id_block_size)
        self.search_index = SearchIndex(table_name)

    # ---- reads -------------------------------------------------------------------------

    def get(self, org: str, kind: Kind, record_id: int) -> dict[str, Any] | None:
        """The record, live or soft-deleted, or None: one GetItem."""
        return queries.get(self.table, keys.org_pk(org), keys.record_sk(kind.name, record_id))

    def live(self, org: str, kind: Kind, record_id: int) -> dict[str, Any]:
        """The live record, or NotFound in the kind's words."""
        record = self.get(org, kind, record_id)
        if record is None or record.get("deleted_at"):
            raise NotFound(f"{kind.label} {record_id} does not exist.")
        return record

    def many(self, org: str, wanted: Iterable[tuple[Kind, int]]) -> dict[tuple[str, int], dict[str, Any]]:
        """Live records by (kind, id), of any kinds: BatchGetItem, 100 a call, in parallel.
        Returns {(kind name, id): record}; missing and deleted ones are absent."""
        pairs = [(kind.name, record_id) for kind, record_id in wanted]
        found = queries.batch_get(self.table, [(keys.org_pk(org), keys.record_sk(name, record_id))
                                               for name, record_id in pairs])
        out = {}
        for name, record_id in pairs:
            record = found.get((keys.org_pk(org), keys.record_sk(name, record_id)))
            if record is not None and not record.get("deleted_at"):
                out[(name, record_id)] = record
        return out

    def live_many(self, org: str, kind: Kind, ids: Iterable[int]) -> list[dict[str, Any]]:
        """The live records of one kind with these ids, in the order given (missing ones left out)."""
        ids = list(ids)
        found = self.many(org, [(kind, record_id) for record_id in ids])
        return [found[(kind.name, record_id)] for record_id in ids if (kind.name, record_id) in found]

    def every(self, org: str, kind: Kind) -> list[dict[str, Any]]:
        """Every live record of a kind of few records (lookup values), by id: one strongly
        consistent Query of the organisation's partition for the kind's key prefix."""
        items = queries.read_all(self.table, index=None, pk=keys.org_pk(org), key_range=KeyRange(prefix=f"{kind.name}#"),
                                 consistent=True)
        return [item for item in items if not item.get("deleted_at")]

    def catalogues(self, org: str) -> list[dict[str, Any]]:
        """Every record of every catalogue kind of the organisation (schema.py), deleted ones
        included (a deleted value still names what referred to it): one strongly consistent
        Query (one per MB)."""
        return queries.read_all(self.table, index=None, pk=keys.org_pk(org),
                                key_range=KeyRange(prefix=CATALOGUE_PREFIX), consistent=True)

    def search_rows(self, org: str, kind: Kind, *, changed_since: str | None = None) -> list[Row]:
        """The compact search rows of the kind's live records (the search index, GSI7): all of
        them, or those changed at or after `changed_since`."""
        if changed_since is not None:
            return self.search_index.changed_since(org, kind, changed_since)
        return self.search_index.rows(org, kind)

    def recount(self, org: str, kind: Kind) -> int:
        """Set the kind's count shards to what the org's live records are now (for records
        written before the kind was counted): one read of its list's ids, a write per shard.
        Creates and deletes while it runs can be missed: run it in a quiet moment."""
        ids = [item["id"] for item in queries.read_all(self.table, index=LISTS, pk=self._list_pk(org, kind),
                                                        attributes=("id",))]
        for shard in range(keys.COUNT_SHARDS):
            live = sum(1 for record_id in ids if record_id % keys.COUNT_SHARDS == shard)
            with dynamo.translated_errors():
                dynamo.client().put_item(TableName=self.table, Item=dynamo.to_item(
                    {"PK": keys.org_pk(org), "SK": keys.count_sk(kind.name, shard), "live": live}))
        return len(ids)

    def count(self, org: str, kind: Kind) -> int:
        """The exact number of the org's live records of a counted kind (one Query)."""
        return count_of(self.table, org, kind)

    def holder(self, org: str, kind: Kind, field: str, value: str) -> int | None:
        """The id of the live record holding a unique value, or None: one GetItem."""
        guard = queries.get(self.table, keys.org_pk(org), keys.unique_sk(kind.name, field, value))
        return int(guard["record_id"]) if guard else None

    def listed(self, org: str, kind: Kind, *, limit: int, cursor: str | None, newest_first: bool = False,
               filters: Iterable[Filter] = ()) -> Page:
        """A page of the kind's live records in its declared order (one Query)."""
        return queries.page(self.table, index=LISTS, pk=self._list_pk(org, kind), newest_first=newest_first,
                            limit=limit, cursor=cursor, filters=filters)

    def lookup(self, org: str, kind: Kind, name: str, value: str | None = None, *, limit: int,
               cursor: str | None, newest_first: bool = False, filters: Iterable[Filter] = ()) -> Page:
        """A page of the kind's live records in one of its declared lookups (one Query)."""
        declared = kind.lookup(name)
        return queries.page(self.table, index=declared.index, pk=keys.lookup_pk(org, kind.name, name, value),
                            newest_first=newest_first, limit=limit, cursor=cursor, filters=filters)

    def lookup_all(self, org: str, kind: Kind, name: str, value: str | None = None) -> list[dict[str, Any]]:
        """Every live record of the kind in one of its declared lookups, in the lookup's order
        (one Query per MB read)."""
        declared = kind.lookup(name)
        return queries.read_all(self.table, index=declared.index, pk=keys.lookup_pk(org, kind.name, name, value))

    @staticmethod
    def in_lookup(org: str, kind: Kind, name: str, value: str | None = None) -> Filter:
        """A filter keeping the records in one of the kind's lookups (to narrow another read,
        e.g. a parent's timeline), by the same rule that puts them there."""
        return Eq(f"{kind.lookup(name).index}PK", keys.lookup_pk(org, kind.name, name, value))

    def timeline(self, org: str, parent: Kind, parent_id: int, *, limit: int, cursor: str | None,
                 kinds: Iterable[Kind] | None = None, filters: Iterable[Filter] = ()) -> Page:
        """A page of a live parent's timeline, newest first, or NotFound: one Query a page.

        The parent's own item heads its timeline, so the first page also proves it is live
        without a second read; detail children (no timeline_at) are outside its key range."""
        first_page = cursor is None
        filters = tuple(filters)
        if kinds is not None:  # the head always passes, whatever narrows the children
            names = tuple(k.name for k in kinds)
            filters = (_head_or(parent, (OneOf("kind", names), *filters)),)
        elif filters:
            filters = (_head_or(parent, filters),)
        page = queries.page(self.table, index=COLLECTIONS, pk=keys.collection_pk(org, parent.name, parent_id),
                            key_range=_TIMELINE, newest_first=True, limit=limit + (1 if first_page else 0),
                            cursor=cursor, filters=filters)
        if first_page:
            if not page.items or page.items[0].get("kind") != parent.name:
                raise NotFound(f"{parent.label} {parent_id} does not exist.")
            page.items = page.items[1:]
        return page

    def timeline_rows(self, org: str, parent: Kind, parent_id: int, kind: Kind,
                      attributes: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        """Every live child of one kind on a live parent's timeline, newest first, whole or only
        these attributes (a compact read for exact counts and offset pages); NotFound when the
        parent is not live (it heads its timeline). One Query per MB."""
        wanted = None if attributes is None else tuple(dict.fromkeys(("id", "kind", *attributes)))
        items = queries.read_all(self.table, index=COLLECTIONS, pk=keys.collection_pk(org, parent.name, parent_id),
                                 key_range=_TIMELINE, attributes=wanted,
                                 filters=(_head_or(parent, (Eq("kind", kind.name),)),))
        if not items or items[-1].get("kind") != parent.name:
            raise NotFound(f"{parent.label} {parent_id} does not exist.")
        return items[:-1][::-1]

    def child_rows(self, org: str, parent: Kind, parent_id: int, kind: Kind) -> list[Row]:
        """A live parent's timeline children of one kind as search rows (`kind.search_row` of
        each, read whole from the parent's collection: what it has, not what the organisation
        has); NotFound when the parent is not live."""
        assert kind.search_row is not None, f"{kind.name} has no search row"
        return [Row(id=record["id"], fields=json.loads(json.dumps(kind.search_row(record))), facets={},
                    updated_at=record["updated_at"])
                for record in self.timeline_rows(org, parent, parent_id, kind)]

    def children(self, org: str, parent: Kind, parent_id: int, kind: Kind) -> list[dict[str, Any]]:
        """Every live child of one kind of a parent (its timeline order, or id order): whole."""
        pk = keys.collection_pk(org, parent.name, parent_id)
        if kind.timeline_at:
            return queries.read_all(self.table, index=COLLECTIONS, pk=pk, filters=(Eq("kind", kind.name),),
                                    key_range=_TIMELINE)
        return queries.read_all(self.table, index=COLLECTIONS, pk=pk,
                                key_range=KeyRange(prefix=keys.detail_prefix(kind.name)))

    def aggregate(self, org: str, kind: Kind, record_id: int) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
        """A live record with every detail child (the children not on its timeline), by kind:
        one Query (per MB); NotFound when the record is not live."""
        items = queries.read_all(self.table, index=COLLECTIONS, pk=keys.collection_pk(org, kind.name, record_id),
                                 key_range=_AGGREGATE)
        if not items or items[0].get("kind") != kind.name:
            raise NotFound(f"{kind.label} {record_id} does not exist.")
        details: dict[str, list[dict[str, Any]]] = {c.name: [] for c in children_of(kind.name) if not c.timeline_at}
        for item in items[1:]:
            details.setdefault(item["kind"], []).append(item)
        return items[0], details

    # ---- writes ------------------------------------------------------------------------

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """Gather writes of several records; they commit together when the block ends."""
        unit = UnitOfWork(self.table, self.ids)
        yield unit
        self.commit(unit)

    def commit(self, unit: UnitOfWork) -> None:
        """Commit the unit. Raises Replayed when its Idempotency-Key replays an earlier request,
        else the error a failed condition means (NotFound, Conflict, ConcurrentChange...)."""
        try:
            unit.commit()
        except Rejected as rejected:
            claim = unit.claim()
            if rejected.role == "idempotency" and claim:
                raise Replayed(replay(rejected.old, claim)) from None
            raise explain(rejected) from None

    def create(self, org: str, kind: Kind, record: dict[str, Any], *,
               idempotency: IdempotencyClaim | None = None, record_id: int | None = None) -> Created:
        """Store a new record (its id is allocated here, or `record_id`: a catalogue's stored
        copy of a value the code defines) in one write.

        Raises NotFound when its parent is missing or deleted, Conflict when a unique value
        is taken, IdempotencyMismatch when the key was used for another request; returns
        the first response's record when the key replays an earlier request."""
        unit = UnitOfWork(self.table, self.ids)
        created = unit.create(org, kind, record, idempotency=idempotency, record_id=record_id)
        try:
            self.commit(unit)
        except Replayed as replayed:
            return replayed.created
        return Created(unit.stored[(org, kind.name, created["id"])])

    def update(self, org: str, kind: Kind, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        """Write what `new` changed of `old` if nobody changed the record since `old` was read;
        the record as stored (with counters other writers moved meanwhile)."""
        with self.unit_of_work() as unit:
            unit.update(org, kind, old, new)
        # A single write returns the item as stored; a transaction (a move, a guard) returns
        # nothing: what it wrote, then.
        return unit.written or unit.stored[(org, kind.name, old["id"])]

    def to_delete(self, org: str, kind: Kind, record_id: int) -> tuple[dict[str, Any] | None, Details | None]:
        """The record a delete starts from (live, deleted or None) and, for a kind whose
        details go with it, those details, in one read: its aggregate (one Query), or a
        GetItem when it has no details to take or is not live."""
        if any(not child.timeline_at for child in cascading_children(kind)):
            try:
                return self.aggregate(org, kind, record_id)
            except NotFound:
                pass
        return self.get(org, kind, record_id), None

    def delete(self, org: str, kind: Kind, old: dict[str, Any], deleted_at: str, *,
               condition: tuple[str, dict[str, Any]] | None = None, details: Details | None = None,
               also: Iterable[tuple[Kind, dict[str, Any]]] = ()) -> None:
        """Soft-delete `old` and, with it, its CASCADE children (RESTRICT ones refuse it);
        `details`: its detail children as read with it (else they are read here); `also`:
        records of other parents that go in the same write (each unchanged since read).

        Children beyond what one transaction holds go first, in full transactions of their
        own (`also` before the record's own children); if the parent's write then fails, a
        retried delete finishes the rest."""
        cascading = cascading_children(kind)
        going: list[tuple[Kind, dict[str, Any]]] = []
        if details is None and any(not child.timeline_at and (child.parent.counter is None
                                                             or old.get(child.parent.counter))
                                   for child in cascading):  # the details come whole in one Query
            _, details = self.aggregate(org, kind, old["id"])
        if details is not None:
            going += [(child, record) for child in cascading if not child.timeline_at
                      for record in details.get(child.name, [])]
        going += [(child, record) for child in cascading if child.timeline_at
                  for record in self.children(org, kind, old["id"], child)]
        # Each delete costs its record's write and one per guard it releases and per value it
        # refers to (at most); the parent's own unit keeps room for its write, its guards, its
        # references and its parent's counter. A record of another parent also costs that
        # parent's write (once per parent).
        others = list(also)

        def cost_of_others(entries: list[tuple[Kind, dict[str, Any]]]) -> int:
            parents = {(k.parent.kind, r[k.parent.field]) for k, r in entries if k.parent is not None}
            return sum(delete_cost(k, r) for k, r in entries) + len(parents)

        room = MAX_TRANSACTION_ITEMS - (1 + delete_cost(kind, old))
        if cost_of_others(others) > room // 2:  # too many to go with it: they go first, in units of their own
            while others:
                batch: list[tuple[Kind, dict[str, Any]]] = []
                while others and cost_of_others([*batch, others[0]]) <= MAX_TRANSACTION_ITEMS:
                    batch.append(others.pop(0))
                with self.unit_of_work() as unit:
                    for other, record in batch:
                        unit.delete(org, other, record, deleted_at)
        room -= cost_of_others(others)
        while sum(delete_cost(child, record) for child, record in going) > room:
            batch, cost = [], 0
            while going and cost + delete_cost(*going[0]) <= MAX_TRANSACTION_ITEMS - 1:
                cost += delete_cost(*going[0])
                batch.append(going.pop(0))
            with self.unit_of_work() as unit:
                for child, record in batch:
                    unit.delete(org, child, record, deleted_at, before_parent=True)
        with self.unit_of_work() as unit:
            for other, record in others:
                unit.delete(org, other, record, deleted_at)
            for child, record in going:
                unit.delete(org, child, record, deleted_at, with_parent=True)
            unit.delete(org, kind, old, deleted_at, condition=condition)

    # ---- internals ---------------------------------------------------------------------

    @staticmethod
    def _list_pk(org: str, kind: Kind) -> str:
        if kind.order is None:
            raise ValueError(f"{kind.name} declares no list order")
        return keys.kind_list_pk(org, kind.name)


def delete_cost(kind: Kind, record: dict[str, Any]) -> int:
    """The writes a record's delete costs at most: its own, one per guard it releases, one per
    value it refers to (values several records refer to cost once: this is an upper bound)."""
    return 1 + len(guards_of(kind, record)) + sum(len(ref.of(record)) for ref in kind.refs)


def _head_or(parent: Kind, filters: tuple[Filter, ...]) -> Filter:
    return AnyOf(((Eq("kind", parent.name),), filters))
