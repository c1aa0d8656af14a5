"""How a kind of record is declared: its parent, its orders and lookups, its guards.

A `Kind` is the whole of what the store needs to keep a kind: every index key a live
record carries is derived here from the record itself (so sparse indexes cannot drift),
and `Records` serves every access pattern from the same declaration, so no code outside
the store names an index or builds a key. docs/architecture.md has the recipe.

    Parent   the kind it belongs to (any kind), what the parent counts, and what happens
             to the record when its parent goes: RESTRICT (the parent cannot go while it has
             any) or CASCADE (it goes with the parent, in the same write)
    timeline_at   on its parent's timeline (GSI1, newest first) at this value; without
             it a child keeps its own key range in the parent's collection (`TL#~#<KIND>#`),
             so the timeline never shows it while one query still reads the parent whole
    order    the kind's list order (GSI2); without one a kind is not listed by itself
    lookups  equality lookups (a kind's records with one value of an attribute, or a flag)
    unique   attributes unique among an org's live records of the kind (guard items)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from . import keys
from .table import INDEXES

RESTRICT = "restrict"
CASCADE = "cascade"

# Every attribute that is a key of the table or of one of its indexes: never a record field.
KEY_ATTRIBUTES = frozenset({"PK", "SK"} | {f"{index}{part}" for index in INDEXES for part in ("PK", "SK")})
INDEX_KEY_ATTRIBUTES = KEY_ATTRIBUTES - {"PK", "SK"}
# Indexes with a fixed role; lookups use the others.
COLLECTIONS, LISTS = "GSI1", "GSI2"
_LOOKUP_INDEXES = tuple(i for i in INDEXES if i not in (COLLECTIONS, LISTS))

Record = dict[str, Any]


@dataclass(frozen=True)
class Parent:
    kind: str                      # the parent kind's name, e.g. "DONOR"
    field: str                     # the attribute holding the parent's id, e.g. "donor_id"
    counter: str | None = None     # the parent's attribute counting its live children of this kind
    on_delete: str = RESTRICT      # RESTRICT: the parent cannot go while it has any; CASCADE: they go with it


@dataclass(frozen=True)
class Order:
    """A list order: the sort value of a record (ties broken by id)."""
    value: Callable[[Record], str]
    text: bool = False             # free text: case-folded, spaces collapsed, bounded in bytes


@dataclass(frozen=True)
class Lookup:
    """The records of a kind with one value of an attribute (`value`), or with a flag (`when`).

    A record whose value is None (or whose flag is false) is not in the lookup: lookups are
    sparse. `order` sorts a lookup's records (ties by id); without it, by id."""
    name: str                      # "METHOD", "EMAIL", "OPEN"
    index: str                     # which of the table's lookup indexes serves it
    value: Callable[[Record], str | None] | None = None
    when: Callable[[Record], bool] | None = None
    order: Callable[[Record], str] | None = None

    def partition(self, org: str, kind: str, record: Record) -> str | None:
        if self.when is not None:
            return keys.lookup_pk(org, kind, self.name) if self.when(record) else None
        value = self.value(record) if self.value else None
        return None if value is None else keys.lookup_pk(org, kind, self.name, value)


@dataclass(frozen=True)
class Kind:
    name: str                                   # the key prefix: "DONOR", "LOG", "GIFT"
    label: str                                  # how messages name one: "Donor"
    parent: Parent | None = None
    timeline_at: Callable[[Record], str] | None = None
    order: Order | None = None
    lookups: tuple[Lookup, ...] = ()
    unique: tuple[str, ...] = ()
    # Keys that follow rules of their own (the follow-up sweep's due index): (org, record) -> attributes.
    extra_keys: Callable[[str, Record], dict[str, str]] | None = None
    # Ids reserved per round trip; 1 for kinds created rarely by short-lived processes (no gaps).
    id_block: int | None = None

    def lookup(self, name: str) -> Lookup:
        for lookup in self.lookups:
            if lookup.name == name:
                return lookup
        raise KeyError(f"{self.name} declares no lookup {name}")

    def parent_kind(self) -> "Kind":
        assert self.parent is not None, f"{self.name} has no parent"
        return kind_named(self.parent.kind)

    def index_keys(self, org: str, record: Record) -> dict[str, str]:
        """Every index attribute a live record of this kind carries, derived from the record."""
        out: dict[str, str] = {}
        if children_of(self.name):
            out[f"{COLLECTIONS}PK"] = keys.collection_pk(org, self.name, record["id"])
            out[f"{COLLECTIONS}SK"] = keys.HEAD_SK
        if self.parent is not None:
            out[f"{COLLECTIONS}PK"] = keys.collection_pk(org, self.parent.kind, record[self.parent.field])
            out[f"{COLLECTIONS}SK"] = (keys.timeline_sk(self.timeline_at(record), self.name, record["id"])
                                       if self.timeline_at else keys.detail_sk(self.name, record["id"]))
        if self.order is not None:
            value = self.order.value(record)
            out[f"{LISTS}PK"] = keys.kind_list_pk(org, self.name)
            out[f"{LISTS}SK"] = (keys.text_sort_key(value, record["id"]) if self.order.text
                                 else keys.sort_key(value, record["id"]))
        for lookup in self.lookups:
            partition = lookup.partition(org, self.name, record)
            if partition is not None:
                out[f"{lookup.index}PK"] = partition
                out[f"{lookup.index}SK"] = (keys.sort_key(lookup.order(record), record["id"]) if lookup.order
                                            else keys.padded(record["id"]))
        if self.extra_keys is not None:
            out.update(self.extra_keys(org, record))
        return out


@dataclass
class _Registry:
    kinds: dict[str, Kind] = field(default_factory=dict)


_registry = _Registry()


def declare(kind: Kind) -> Kind:
    """Register a kind (once per name); checks what a declaration alone can get wrong."""
    if "#" in kind.name or not kind.name.isupper():
        raise ValueError(f"kind name {kind.name!r} must be upper-case, without '#'")
    existing = _registry.kinds.get(kind.name)
    if existing is not None and existing != kind:
        raise ValueError(f"kind {kind.name} is declared twice")
    indexes_used = [lookup.index for lookup in kind.lookups]
    if len(set(indexes_used)) != len(indexes_used):
        raise ValueError(f"{kind.name}: two lookups share an index (a record has one key per index)")
    for lookup in kind.lookups:
        if lookup.index not in _LOOKUP_INDEXES:
            raise ValueError(f"{kind.name}: lookup {lookup.name} needs one of {_LOOKUP_INDEXES}")
        if (lookup.value is None) == (lookup.when is None):
            raise ValueError(f"{kind.name}: lookup {lookup.name} takes a value or a flag (when), not both")
    if kind.parent is not None:
        if kind.parent.on_delete not in (RESTRICT, CASCADE):
            raise ValueError(f"{kind.name}: on_delete must be RESTRICT or CASCADE")
        if kind.parent.on_delete == RESTRICT and kind.parent.counter is None:
            raise ValueError(f"{kind.name}: a RESTRICT child needs a counter on its parent (the delete checks it)")
        if children_of(kind.name):
            raise ValueError(f"{kind.name} has children and a parent: one collection key per record")
    _registry.kinds[kind.name] = kind
    return kind


def kind_named(name: str) -> Kind:
    return _registry.kinds[name]


def children_of(parent: str) -> tuple[Kind, ...]:
    return tuple(k for k in _registry.kinds.values() if k.parent is not None and k.parent.kind == parent)


def maintained_counters(kind: Kind) -> frozenset[str]:
    """Attributes of `kind`'s records that its children's writes maintain (never a record update's)."""
    return frozenset(c.parent.counter for c in children_of(kind.name) if c.parent and c.parent.counter)


def restricting_counters(kind: Kind) -> tuple[str, ...]:
    """The counters that must be zero before a record of `kind` can be deleted."""
    return tuple(c.parent.counter for c in children_of(kind.name)
                 if c.parent and c.parent.on_delete == RESTRICT and c.parent.counter)


def cascading_children(kind: Kind) -> tuple[Kind, ...]:
    return tuple(c for c in children_of(kind.name) if c.parent and c.parent.on_delete == CASCADE)
