"""Catalogues: an organisation's few reference values that records name (funds, campaigns,
appeals, events, gift types and categories, payment types, mailing templates, the lookup
types' values...). LGL lists them; the native face and the operator CLI manage them.

Each catalogue is a declaration (`Catalogue`): its kind, its fields, what a reference by name
matches, the values every organisation starts with (`defaults`, with the ids LGL's accounts
show), and its order. The defaults are defined here, not stored: a new organisation costs no
write and an existing one has them the day the code is deployed. Changing or deleting a default
stores the organisation's own copy under the same id, which wins from then on.

Every catalogue of an organisation is read at once (one strongly consistent Query, deleted
values included) and kept for API_KEY_CACHE_SECONDS by a warm Lambda: a value added or changed
is seen everywhere within that time, at once by the Lambda that wrote it.

Deleting a value is a soft delete: it leaves every list and can no longer be named, but what
already names it keeps its id and still shows its name, so no reference dangles and no
financial history changes (docs/lgl.md, "Catalogues").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import Conflict, FieldError, NotFound, PreconditionFailed, ValidationFailed
from ..store.context import records
from ..store.schema import Kind, referring_counters
from ..warm_cache import WarmCache
from . import fields as f
from . import lifecycle
from .fields import Spec

Record = dict[str, Any]
NAME_MAX = 100


@dataclass(frozen=True)
class Catalogue:
    key: str                          # its collection in LGL: "funds"
    kind: Kind
    specs: tuple[Spec, ...]           # what a client sets
    name_field: str = "name"          # what a reference by name matches, and what must be unique
    also_named_by: tuple[str, ...] = ()  # other fields a reference by name matches ("code", "key")
    defaults: tuple[Record, ...] = ()  # every organisation's values, ids included
    ordered_by: tuple[str, ...] = ("ordinal",)  # then the id
    # Further rules on the whole value (say, a gift category's gift type must exist).
    rule: Callable[[str, Record], None] = lambda org, value: None
    # Listed on its own (LGL's `GET /api/v1/<key>`) and managed by the native face at that path;
    # the lookup types are listed under /types and added with the CLI instead.
    listed: bool = True
    # Managed through LGL itself (its POST/PATCH/DELETE: categories, groups, membership levels),
    # so not also through the native face at the same path.
    lgl_managed: bool = False
    # Names are unique among the values with the same value of this field (a category's keywords).
    unique_within: str | None = None
    # Fields filled when not sent, from the value as a whole (a key from the name): field -> rule.
    derived: tuple[tuple[str, Callable[[Record], Any]], ...] = ()
    # Fields that do not change while records refer to the value (an attribute's classification
    # and item type: the values kept were typed by it, on records of that type): 409 naming it.
    fixed_while_used: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def model(self) -> str:
        """Its name in the faces' documents: "Gift category" -> "GiftCategory"."""
        return self.label.title().replace(" ", "")

    @property
    def item_type(self) -> str:
        """One of its values, as LGL names it: "gift_category"."""
        return self.label.lower().replace(" ", "_")

    def spec(self, name: str) -> Spec:
        return next(s for s in self.specs if s.name == name)


# ---- reading -------------------------------------------------------------------------------

_values: WarmCache[dict[str, dict[int, Record]]] = WarmCache()


def forget(org: str | None = None) -> None:
    """Read the catalogues again on next use (this process); an operator command calls it."""
    _values.clear()


def _read(org: str) -> dict[str, dict[int, Record]]:
    """Every catalogue's stored values by kind name and id, deleted ones too."""
    out: dict[str, dict[int, Record]] = {}
    for record in records().catalogues(org):
        out.setdefault(record["kind"], {})[record["id"]] = record
    return out


def _default(catalogue: Catalogue, value: Record) -> Record:
    return {"version": 0, "created_at": None, "updated_at": None, **value}


def _by_id(org: str, catalogue: Catalogue) -> dict[int, Record]:
    """Every value, deleted ones too: the defaults, each replaced by the organisation's copy."""
    stored = _values.get(org, lambda: _read(org)).get(catalogue.kind.name, {})
    merged = {value["id"]: _default(catalogue, value) for value in catalogue.defaults}
    merged.update(stored)
    return merged


def _sort_key(catalogue: Catalogue) -> Callable[[Record], tuple]:
    def part(value: Any) -> tuple:
        return (value is None, value.casefold() if isinstance(value, str) else value if value is not None else 0)

    return lambda value: (*(part(value.get(name)) for name in catalogue.ordered_by), value["id"])


def entries(org: str, catalogue: Catalogue, **where: Any) -> list[Record]:
    """The live values, in the catalogue's order; `where`: only those with these field values."""
    values = [v for v in _by_id(org, catalogue).values() if not v.get("deleted_at")
              and all(v.get(k) == wanted for k, wanted in where.items())]
    return sorted(values, key=_sort_key(catalogue))


def get(org: str, catalogue: Catalogue, value_id: int) -> Record:
    value = _by_id(org, catalogue).get(value_id)
    if value is None or value.get("deleted_at"):
        raise NotFound(f"{catalogue.label} {value_id} does not exist.")
    return value


def named(org: str, catalogue: Catalogue, value_id: Any) -> Record | None:
    """The value an id names, deleted or not (what a record that names it shows), or None."""
    if value_id is None:
        return None
    return _by_id(org, catalogue).get(value_id)


def name_of(org: str, catalogue: Catalogue, value_id: Any) -> str | None:
    value = named(org, catalogue, value_id)
    return None if value is None else value.get(catalogue.name_field)


def plural(noun: str) -> str:
    """"fund" -> "funds", "category" -> "categories", "marital status" -> "marital statuses"."""
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


def _folded(text: Any) -> str:
    """A name as references match it: any case, runs of white space as one space."""
    return " ".join(str(text or "").split()).casefold()


def resolve(org: str, catalogue: Catalogue, *, value_id: Any = None, name: Any = None, id_field: str,
            name_field: str, **where: Any) -> Record:
    """The live value an id or a name names (the id wins when both are sent); a 422 naming
    the field, with the values there are, otherwise. Names match any case, and the
    catalogue's other naming fields (a code, a key) too."""
    known = entries(org, catalogue, **where)
    listing = ", ".join(f"{v['id']} {v.get(catalogue.name_field)}" for v in known[:50]) or "none yet"
    if len(known) > 50:
        listing += f", and {len(known) - 50} more"
    what = plural(catalogue.label.lower())
    if value_id is not None:
        for value in known:
            if value["id"] == value_id:
                return value
        raise ValidationFailed.on(id_field, f"{value_id} is not one of the {what} ({listing})")
    wanted = _folded(name)
    for value in known:
        if any(_folded(value.get(n)) == wanted for n in (catalogue.name_field, *catalogue.also_named_by)):
            return value
    raise ValidationFailed.on(name_field, f"{str(name)[:NAME_MAX]!r} is not one of the {what} ({listing})")


# ---- writing -------------------------------------------------------------------------------

def _checked(org: str, catalogue: Catalogue, value: Record, old: Record | None = None) -> Record:
    """The value as stored, or a 422 naming what is wrong: each field's rule, a name another
    value has, a reference (changed or new) to a value that is not there."""
    for name, rule in catalogue.derived:
        if value.get(name) in (None, ""):
            value[name] = rule(value)
    value = f.check(catalogue.specs, value)
    for spec in catalogue.specs:
        if spec.type == f.REF and value.get(spec.name) is not None and value[spec.name] != (old or {}).get(spec.name):
            resolve(org, CATALOGUES[spec.ref], value_id=value[spec.name], id_field=spec.name, name_field=spec.name)
    name = " ".join(str(value.get(catalogue.name_field) or "").split())
    if not name:
        raise ValidationFailed.on(catalogue.name_field, "is required")
    if len(name) > NAME_MAX:
        raise ValidationFailed.on(catalogue.name_field, f"must be at most {NAME_MAX} characters")
    value[catalogue.name_field] = name
    scope = {catalogue.unique_within: value.get(catalogue.unique_within)} if catalogue.unique_within else {}
    others = [v for v in entries(org, catalogue, **scope) if v["id"] != value.get("id")]
    for naming in (catalogue.name_field, *catalogue.also_named_by):  # each names one value, or a reference
        mine = _folded(value.get(naming))                                  # by it would be ambiguous
        same = [v for v in others if mine and _folded(v.get(naming)) == mine]
        if same:
            held = "is named" if naming == catalogue.name_field else f"has {naming}"
            raise Conflict(f"{catalogue.label} {same[0]['id']} {held} {value[naming]!r} already.",
                           [FieldError(naming, f"is {catalogue.label.lower()} {same[0]['id']}'s {naming}")])
    catalogue.rule(org, value)
    return value


def _unchanged_while_used(catalogue: Catalogue, value: Record, old: Record) -> Record:
    """`value`, unless it changes a field fixed while the value is used: `old` as read for the
    write (its counters of the records referring to it as stored, not as cached)."""
    uses = sum(int(old.get(counter) or 0) for counter in referring_counters(catalogue.kind))
    for name in catalogue.fixed_while_used:
        if uses and value.get(name) != old.get(name):
            records_ = f"{uses} record" if uses == 1 else f"{uses} records"
            raise Conflict(f"{catalogue.label} {old['id']} is in use by {records_}: its {name} stays "
                           f"{old.get(name)!r}.", [FieldError(name, f"cannot change while in use by {records_}")])
    return value


def create(org: str, catalogue: Catalogue, sent: Record,
           idempotency: lifecycle.IdempotencyClaim | None = None) -> lifecycle.Created:
    value = _checked(org, catalogue, {k: v for k, v in sent.items() if v is not None})
    created = lifecycle.create(org, catalogue.kind, value, idempotency=idempotency)
    forget(org)
    return created


def update(org: str, catalogue: Catalogue, value_id: int, changes: Record, expected_version: int | None) -> Record:
    """Change the fields sent (None clears one); a default's first change stores the
    organisation's copy of it."""
    old = get(org, catalogue, value_id)
    lifecycle.check_version(catalogue.kind, old, expected_version)
    merged = {k: v for k, v in {**old, **changes}.items() if v is not None}
    value = _checked(org, catalogue, merged, old)
    if value == old:
        return old
    if old["version"] == 0:  # a default: the organisation's copy, under its id
        copy = {k: v for k, v in value.items() if k not in ("id", "version", "created_at", "updated_at")}
        try:
            stored = records().create(org, catalogue.kind, lifecycle.new_record(copy), record_id=value_id).record
        except lifecycle.ConcurrentChange:
            raise PreconditionFailed(f"{catalogue.label} {value_id} was changed by another request; "
                                     "read it again and retry.") from None
    else:
        stored = lifecycle.update(org, catalogue.kind, value_id,  # None: cleared (check drops it)
                                  lambda current: _unchanged_while_used(
                                      catalogue, _checked(org, catalogue, {**current, **changes}, current), current),
                                  expected_version)
    forget(org)
    return stored


def stored(org: str, catalogue: Catalogue, value_ids: Any, first: Callable[[], Any] = lambda: None) -> None:
    """Each default among these values stored as the organisation's own copy, unchanged (one
    write, the first time one is referred to), so that what refers to it can be counted on it
    (store/schema.py `Ref`: the referrer's write counts it, a write of the stored value). A
    copy another request stored meanwhile serves as well. `first` runs before a copy is
    stored (a check that the referrer's write can happen: its parent is there)."""
    defaults = [v for v in (_by_id(org, catalogue).get(i) for i in dict.fromkeys(value_ids))
                if v is not None and v["version"] == 0]
    if defaults:
        first()
    for value in defaults:
        value_id = value["id"]
        copy = {k: v for k, v in value.items() if k not in ("id", "version", "created_at", "updated_at")}
        try:
            records().create(org, catalogue.kind, lifecycle.new_record(copy), record_id=value_id)
        except lifecycle.ConcurrentChange:
            pass  # stored meanwhile (a change or a delete of it: the referrer's write then says so)
    if defaults:
        forget(org)


def delete(org: str, catalogue: Catalogue, value_id: int, expected_version: int | None) -> None:
    """Soft delete (the module's docstring); deleting a deleted value succeeds again."""
    value = named(org, catalogue, value_id)
    if value is None:
        raise NotFound(f"{catalogue.label} {value_id} does not exist.")
    if value.get("deleted_at"):
        return
    lifecycle.check_version(catalogue.kind, value, expected_version)
    if value["version"] == 0:
        copy = {k: v for k, v in value.items() if k not in ("id", "version", "created_at", "updated_at")}
        stamp = lifecycle.now()
        try:
            records().create(org, catalogue.kind, {**lifecycle.new_record(copy), "deleted_at": stamp},
                             record_id=value_id)
        except lifecycle.ConcurrentChange:
            raise PreconditionFailed(f"{catalogue.label} {value_id} was changed by another request; "
                                     "read it again and retry.") from None
    else:
        lifecycle.delete(org, catalogue.kind, value_id, expected_version)
    forget(org)


@dataclass
class Registry:
    """Every catalogue by its key (what a REF field's `ref` names)."""
    catalogues: dict[str, Catalogue] = field(default_factory=dict)

    def add(self, catalogue: Catalogue) -> Catalogue:
        if catalogue.key in self.catalogues:
            raise ValueError(f"catalogue {catalogue.key} declared twice")
        self.catalogues[catalogue.key] = catalogue
        return catalogue

    def __getitem__(self, key: str) -> Catalogue:
        return self.catalogues[key]

    def listed(self) -> list[Catalogue]:
        return [c for c in self.catalogues.values() if c.listed]

    def natively_managed(self) -> list[Catalogue]:
        return [c for c in self.listed() if not c.lgl_managed]


def snake_key(value: Record, field: str = "name") -> str:
    """A key made of a name: "New Group" -> "new_group"."""
    return "_".join("".join(c if c.isalnum() else " " for c in str(value.get(field) or "").lower()).split())[:100]


CATALOGUES = Registry()


@dataclass(frozen=True)
class Service:
    """One catalogue's values as a resource a face serves (create/get/update/delete)."""
    catalogue: Catalogue

    def create(self, org: str, fields: Record, idempotency: lifecycle.IdempotencyClaim | None = None
               ) -> lifecycle.Created:
        return create(org, self.catalogue, fields, idempotency)

    def get(self, org: str, value_id: int) -> Record:
        return get(org, self.catalogue, value_id)

    def update(self, org: str, value_id: int, changes: Record, expected_version: int | None) -> Record:
        return update(org, self.catalogue, value_id, changes, expected_version)

    def delete(self, org: str, value_id: int, expected_version: int | None) -> None:
        delete(org, self.catalogue, value_id, expected_version)
