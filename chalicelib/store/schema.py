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
    distinct a value unique among the live children of one parent (a guard item too)
    search_row  the record's compact row in the search index (GSI7): what searches, exact
             totals and offset pages read instead of whole records
    counted  the org keeps an exact count of its live records of the kind (sharded counters)
    refs     records of other kinds it refers to, which cannot go while referred to (a keyword
             assigned to a constituent): the referred record counts its referrers, kept by the
             referrer's own write, which fails when the referred record is gone
    facet    what a live child adds to its parent's `facets` (read with the parent's search row)
    summary  a child kind of which the parent shows one preferred record (the donor's e-mail
             is its preferred e-mail address): the parent's pointer to it and what it shows

A catalogue kind (its name starts with CATALOGUE_PREFIX: funds, campaigns, lookup values...)
holds an organisation's few reference values: every catalogue of an organisation is read
whole in one strongly consistent Query (`Records.catalogues`), deleted records included.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

from . import keys
from .table import FACETS, INDEXES, SEARCH_INDEX, SEARCH_ROW

CATALOGUE_PREFIX = "CAT_"  # kinds read together, whole (`Records.catalogues`)
RESTRICT = "restrict"
CASCADE = "cascade"

# Every attribute that is a key of the table or of one of its indexes: never a record field.
KEY_ATTRIBUTES = frozenset({"PK", "SK"} | {f"{index}{part}" for index in INDEXES for part in ("PK", "SK")})
INDEX_KEY_ATTRIBUTES = KEY_ATTRIBUTES - {"PK", "SK"}
# What the store derives from a record on every write (its index keys and its search row):
# written with each change, gone with a delete, never part of a record read back.
DERIVED_ATTRIBUTES = INDEX_KEY_ATTRIBUTES | {SEARCH_ROW}
NOT_RECORD_FIELDS = KEY_ATTRIBUTES | {SEARCH_ROW}
# Indexes with a fixed role; lookups use the others.
COLLECTIONS, LISTS, SEARCH = "GSI1", "GSI2", SEARCH_INDEX
_LOOKUP_INDEXES = tuple(i for i in INDEXES if i not in (COLLECTIONS, LISTS, SEARCH))

Record = dict[str, Any]


@dataclass(frozen=True)
class Parent:
    kind: str                      # the parent kind's name, e.g. "DONOR"
    field: str                     # the attribute holding the parent's id, e.g. "donor_id"
    counter: str | None = None     # the parent's attribute counting its live children of this kind
    on_delete: str = RESTRICT      # RESTRICT: the parent cannot go while it has any; CASCADE: they go with it


@dataclass(frozen=True)
class Ref:
    """What a record refers to that must not go while it does: `ids(record)` of kind `kind`,
    each counting its referrers in `counter` (RESTRICT, as a parent's counter of its children)."""
    kind: str
    counter: str
    ids: Callable[[Record], Any]   # record -> the ids it refers to (an iterable; empty: none)

    def of(self, record: Record | None) -> list[int]:
        return sorted(set(self.ids(record))) if record else []


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
class Summary:
    """A child kind of which the parent shows one preferred record (the donor's `email` is its
    preferred e-mail address). The child's `flag` marks it; the parent's `pointer` names it;
    `fields` are the parent attributes it shows (`fields(None)`: none is preferred).

    The store keeps them in step in the unit of work that changes the children: which child is
    preferred changes only with the parent in the unit (read, so its version is checked); the
    preferred child's own change updates the parent without reading it (on the condition
    that it is still the one the pointer names). `lookups` are the parent's lookups computed
    from these fields alone, moved with them."""
    pointer: str
    flag: str
    fields: Callable[[Record | None], dict[str, Any]]
    lookups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    name: str                                   # the key prefix: "DONOR", "LOG", "GIFT"
    label: str                                  # how messages name one: "Donor"
    parent: Parent | None = None
    timeline_at: Callable[[Record], str] | None = None
    order: Order | None = None
    lookups: tuple[Lookup, ...] = ()
    unique: tuple[str, ...] = ()
    # A value no two live children of one parent share (a donor's e-mail address, in any case):
    # record -> its normalised value; a guard item holds it, as for `unique`.
    distinct: Callable[[Record], str] | None = None
    # Keys that follow rules of their own (the follow-up sweep's due index): (org, record) -> attributes.
    extra_keys: Callable[[str, Record], dict[str, str]] | None = None
    # Ids reserved per round trip; 1 for kinds created rarely by short-lived processes (no gaps).
    id_block: int | None = None
    first_id: int = 1              # the first id issued (above values the code itself defines)
    search_row: Callable[[Record], dict[str, Any]] | None = None
    counted: bool = False
    facet: Callable[[Record], Any] | None = None
    summary: Summary | None = None
    refs: tuple[Ref, ...] = ()

    @property
    def catalogue(self) -> bool:
        return self.name.startswith(CATALOGUE_PREFIX)

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
        if self.search_row is not None:
            out[f"{SEARCH}PK"] = keys.search_pk(org, self.name, record["id"])
            out[f"{SEARCH}SK"] = keys.sort_key(record["updated_at"], record["id"])
        if self.extra_keys is not None:
            out.update(self.extra_keys(org, record))
        return out

    def derived(self, org: str, record: Record) -> dict[str, Any]:
        """Everything the store derives from a live record: its index keys and search row."""
        out: dict[str, Any] = self.index_keys(org, record)
        if self.search_row is not None:
            out[SEARCH_ROW] = json.dumps(self.search_row(record), separators=(",", ":"), ensure_ascii=False)
        return out

    def summary_keys(self, org: str, record_id: int, fields: dict[str, Any]) -> tuple[dict[str, str], set[str]]:
        """The keys of the lookups a child's summary moves, from the summary fields alone:
        (attributes to set, attributes to remove)."""
        sets: dict[str, str] = {}
        removes: set[str] = set()
        for child in children_of(self.name):
            for name in (child.summary.lookups if child.summary else ()):
                lookup = self.lookup(name)
                partition = lookup.partition(org, self.name, {**fields, "id": record_id})
                if partition is None:
                    removes |= {f"{lookup.index}PK", f"{lookup.index}SK"}
                else:
                    sets.update({f"{lookup.index}PK": partition, f"{lookup.index}SK": keys.padded(record_id)})
        return sets, removes


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
    if kind.catalogue and (kind.parent or kind.order or kind.lookups or kind.search_row or kind.counted):
        raise ValueError(f"{kind.name}: a catalogue is read whole; it has no parent, order, lookups or index rows")
    if (kind.facet or kind.summary) and kind.parent is None:
        raise ValueError(f"{kind.name}: facets and summaries are what a child shows on its parent")
    if kind.summary is not None:
        parent = _registry.kinds.get(kind.parent.kind)
        for name in kind.summary.lookups:
            if parent is None or parent.lookup(name).order is not None:
                raise ValueError(f"{kind.name}: summary lookup {name} must be an unordered lookup of its parent, "
                                 "declared first")
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


def referring_counters(kind: Kind) -> tuple[str, ...]:
    """The counters of `kind`'s records that other kinds' references keep."""
    return tuple(dict.fromkeys(ref.counter for k in _registry.kinds.values() for ref in k.refs if ref.kind == kind.name))


def maintained_attributes(kind: Kind) -> frozenset[str]:
    """Attributes of `kind`'s records that other records' writes maintain (never a record update's):
    its children's counters and facets, what the preferred ones show (summaries and their
    pointers), and the counts of what refers to it."""
    children = children_of(kind.name)
    out = {c.parent.counter for c in children if c.parent and c.parent.counter} | set(referring_counters(kind))
    if any(c.facet for c in children):
        out.add(FACETS)
    for child in children:
        if child.summary:
            out |= {child.summary.pointer, *child.summary.fields(None)}
    return frozenset(out)


def summarised_children(kind: Kind) -> tuple[Kind, ...]:
    return tuple(c for c in children_of(kind.name) if c.summary is not None)


def restricting_counters(kind: Kind) -> tuple[str, ...]:
    """The counters that must be zero before a record of `kind` can be deleted: of its RESTRICT
    children, and of what refers to it."""
    return tuple(c.parent.counter for c in children_of(kind.name)
                 if c.parent and c.parent.on_delete == RESTRICT and c.parent.counter) + referring_counters(kind)


def cascading_children(kind: Kind) -> tuple[Kind, ...]:
    return tuple(c for c in children_of(kind.name) if c.parent and c.parent.on_delete == CASCADE)
