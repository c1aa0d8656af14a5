"""A constituent's relationships to other constituents (LGL's ConstituentRelationship: "Larry
is Balki's cousin"): records of their own (store/kinds.py RELATIONSHIP), details of the donor.

A relationship is always one of a pair: its reciprocal is a record of the related donor,
pointing back (each record's `pair_id` names the other), written in the same transaction as
it, changed with it and deleted with it. Each side has its own type and description: the
reciprocal's type is the one sent as the reciprocal (`reciprocal_type_id`/`_name`, LGL's
`reciprocal_id`/`rec_name`), else the type's own reciprocal (Parent <-> Child, Friend <->
Friend), else the type itself; its description is the `reciprocal_description`. The flags of the
relationship (`auto_soft_credit`, `also_acknowledge`, `share_address`, `share_phone`) are the
pair's: the same on both sides, whichever side changes them. `auto_soft_credit` starts as the
type's when not sent.

The related donor is a live donor of the organisation, not the donor itself (a 422 naming
the field otherwise). A donor's delete takes the reciprocals of its relationships with it, in
the same write (donors.py): no donor is left related to one that is gone. Each side counts the
relationship type it names (store/kinds.py `refs`): a type in use is not deleted (409), so no
relationship ever names a type that is gone. A type's own reciprocal that is gone is no
reciprocal: the reciprocal side then takes the type itself.
"""
from __future__ import annotations

from typing import Any

from ..errors import FieldError, NotFound, ValidationFailed
from ..store.context import records
from ..store.kinds import DONOR, RELATIONSHIP
from ..store.writes import ConcurrentChange
from . import catalogues, donors, lifecycle
from . import fields as f
from .constituent_catalogues import RELATIONSHIP_TYPES
from .fields import Spec

Record = dict[str, Any]
TYPE_ID, TYPE_NAME = "relationship_type_id", "relationship_type_name"
RECIPROCAL_ID, RECIPROCAL_NAME = "reciprocal_type_id", "reciprocal_type_name"
RELATED = "related_donor_id"
SHARED = ("auto_soft_credit", "also_acknowledge", "share_address", "share_phone")  # the pair's, on both sides
SPECS = (Spec(TYPE_ID, f.REF, ref="relationship_types"), Spec("description", f.LONG_TEXT, max_length=2000),
         Spec("auto_soft_credit", f.BOOLEAN), Spec("also_acknowledge", f.BOOLEAN),
         Spec("share_address", f.INTEGER), Spec("share_phone", f.INTEGER))
# What a client sends (each optional on an update); `names` map them to what the client calls them.
INPUT = (RELATED, TYPE_ID, TYPE_NAME, RECIPROCAL_ID, RECIPROCAL_NAME, "description", "reciprocal_description",
         *SHARED)

__all__ = ["RELATIONSHIP", "create", "get", "update", "delete", "of_donor", "plan", "type_name"]


class _Fields:
    """How errors name the fields: the caller's names, under a prefix (`relationships[0].`)."""

    def __init__(self, names: dict[str, str] | None, prefix: str = "") -> None:
        self.names, self.prefix = names or {}, prefix

    def __call__(self, field: str) -> str:
        return f"{self.prefix}{self.names.get(field, field)}"

    def failed(self, field: str, message: str) -> ValidationFailed:
        return ValidationFailed.on(self(field), message)

    def check(self, record: Record) -> Record:
        try:
            return f.check(SPECS, record)
        except ValidationFailed as failed:
            errors = [FieldError(self(e.field), e.message) for e in failed.errors]
            raise ValidationFailed("Invalid fields: " + "; ".join(f"{e.field} {e.message}" for e in errors),
                                   errors) from None


def type_name(org: str, record: Record) -> str | None:
    return catalogues.name_of(org, RELATIONSHIP_TYPES, record.get(TYPE_ID))


def _type(org: str, sent: Record, id_field: str, name_field: str, named: _Fields) -> Record | None:
    """The type sent by id or name (the id wins), or None when neither was sent."""
    value_id, name = sent.get(id_field), sent.get(name_field)
    if value_id is None and name in (None, ""):
        return None
    return catalogues.resolve(org, RELATIONSHIP_TYPES, value_id=value_id, name=name,
                              id_field=named(id_field), name_field=named(name_field))


def _reciprocal_of(org: str, relationship_type: Record) -> int:
    """The type's own reciprocal while it is a live type, else the type itself."""
    reciprocal = catalogues.named(org, RELATIONSHIP_TYPES, relationship_type.get("reciprocal_id"))
    return reciprocal["id"] if reciprocal is not None and not reciprocal.get("deleted_at") else relationship_type["id"]


def _types_stored(org: str, *sides: Record | None) -> None:
    """The types the sides name, stored (a default's first use: catalogues.stored), so the
    sides' writes count them."""
    catalogues.stored(org, RELATIONSHIP_TYPES, [side[TYPE_ID] for side in sides if side is not None])


def _check_related(donor_id: Any, related_id: Any, live: dict[int, Record], named: _Fields) -> int:
    if isinstance(related_id, bool) or not isinstance(related_id, int):
        raise named.failed(RELATED, "is required: the related constituent's id")
    if related_id == donor_id:
        raise named.failed(RELATED, "must be another constituent: a constituent is not related to itself")
    if related_id not in live:  # none, or another organisation's: a 404 naming the field, as donors.referenced
        raise NotFound(f"Constituent {related_id} does not exist.",
                       [FieldError(named(RELATED), f"{related_id} does not exist")])
    return related_id


def _live_donors(org: str, ids: list[Any]) -> dict[int, Record]:
    wanted = [i for i in dict.fromkeys(ids) if isinstance(i, int) and not isinstance(i, bool)
              and 1 <= i <= lifecycle.MAX_ID]
    return {d["id"]: d for d in records().live_many(org, DONOR, wanted)} if wanted else {}


def _sides(org: str, donor_id: Any, sent: Record, this: Record | None, pair: Record | None,
           live: dict[int, Record], named: _Fields) -> tuple[Record, Record]:
    """The relationship's fields and its reciprocal's once `sent` is applied (to `this` and its
    `pair`, or to nothing on a create), each checked; the reciprocal's `donor_id` is the
    related donor."""
    new_this = {k: v for k, v in (this or {}).items() if k in (TYPE_ID, "description", RELATED, *SHARED)}
    new_pair = {k: v for k, v in (pair or {}).items() if k in (TYPE_ID, "description", *SHARED)}
    if this is None or (RELATED in sent and sent[RELATED] != this.get(RELATED)):
        new_this[RELATED] = _check_related(donor_id, sent.get(RELATED), live, named)
    chosen = _type(org, sent, TYPE_ID, TYPE_NAME, named)
    reciprocal = _type(org, sent, RECIPROCAL_ID, RECIPROCAL_NAME, named)
    if chosen is None and this is None:
        raise named.failed(TYPE_ID, "is required: a relationship type's id (or its name, as "
                                    f"{named(TYPE_NAME)})")
    if chosen is not None:
        new_this[TYPE_ID] = chosen["id"]
        new_pair[TYPE_ID] = reciprocal["id"] if reciprocal is not None else _reciprocal_of(org, chosen)
    elif reciprocal is not None:
        new_pair[TYPE_ID] = reciprocal["id"]
    if "description" in sent:
        new_this["description"] = sent["description"]
    if "reciprocal_description" in sent:
        new_pair["description"] = sent["reciprocal_description"]
    for flag in SHARED:
        if flag in sent:
            new_this[flag] = new_pair[flag] = sent[flag]
    if this is None and "auto_soft_credit" not in sent and chosen is not None and chosen.get("auto_soft_credit"):
        new_this["auto_soft_credit"] = new_pair["auto_soft_credit"] = True
    new_this, new_pair = named.check(new_this), named.check(new_pair)
    new_pair.update({"donor_id": new_this[RELATED], RELATED: donor_id})
    drop = lambda record: {k: v for k, v in record.items() if v is not None}  # noqa: E731
    return drop(new_this), drop(new_pair)


def _next(old: Record, new: Record) -> Record:
    """`new` (the whole record) as `old`'s next version."""
    return {**new, "version": old["version"] + 1, "updated_at": lifecycle.now()}


def _merged(old: Record, fields: Record) -> Record:
    """`old` with the relationship fields recomputed (those not in `fields` are cleared)."""
    kept = {k: v for k, v in old.items() if k not in (TYPE_ID, "description", RELATED, *SHARED)}
    return {**kept, **fields}


# ---- one relationship ------------------------------------------------------------------------

def create(org: str, donor_id: int, sent: Record, names: dict[str, str] | None = None) -> Record:
    """A relationship of a live donor (404 when it is not) and its reciprocal, in one write."""
    named = _Fields(names)
    live = _live_donors(org, [donor_id, sent.get(RELATED)])
    if donor_id not in live:
        raise NotFound(f"{DONOR.label} {donor_id} does not exist.")
    this, pair = _sides(org, donor_id, sent, None, None, live, named)
    _types_stored(org, this, pair)
    this_id, pair_id = donors.new_id(org, RELATIONSHIP), donors.new_id(org, RELATIONSHIP)
    with records().unit_of_work() as unit:
        unit.create(org, RELATIONSHIP, lifecycle.new_record({**this, "donor_id": donor_id, "pair_id": pair_id}),
                    record_id=this_id)
        unit.create(org, RELATIONSHIP, lifecycle.new_record({**pair, "pair_id": this_id}), record_id=pair_id)
    return unit.stored[(org, RELATIONSHIP.name, this_id)]


def get(org: str, record_id: int) -> Record:
    return lifecycle.fetch(org, RELATIONSHIP, record_id)


def _pair_of(org: str, record: Record) -> Record | None:
    pair = records().get(org, RELATIONSHIP, record["pair_id"]) if record.get("pair_id") else None
    return pair if pair is not None and not pair.get("deleted_at") else None


def update(org: str, record_id: int, sent: Record, names: dict[str, str] | None = None) -> Record:
    """Change the fields sent, on this side and on its reciprocal, in one write."""
    named = _Fields(names)
    for _ in lifecycle.attempts(RELATIONSHIP, record_id):
        this = lifecycle.fetch(org, RELATIONSHIP, record_id)
        pair = _pair_of(org, this)
        moving = RELATED in sent and sent[RELATED] != this[RELATED]
        live = _live_donors(org, [sent[RELATED]]) if moving else {}
        fields, pair_fields = _sides(org, this["donor_id"], sent, this, pair, live, named)
        new_this = _merged(this, fields)
        new_pair = _merged(pair, pair_fields) if pair is not None else None
        if new_this == this and new_pair == pair:
            return this
        _types_stored(org, new_this, new_pair)
        try:
            with records().unit_of_work() as unit:
                unit.update(org, RELATIONSHIP, this, _next(this, new_this))
                if pair is not None and new_pair != pair:
                    unit.update(org, RELATIONSHIP, pair, _next(pair, new_pair))
        except ConcurrentChange:
            continue  # either side changed meanwhile: read both again
        return unit.stored[(org, RELATIONSHIP.name, record_id)]
    raise AssertionError("unreachable")


def delete(org: str, record_id: int) -> None:
    """Delete it and its reciprocal in one write; deleting it again succeeds (the reciprocal
    went with it)."""
    for _ in lifecycle.attempts(RELATIONSHIP, record_id):
        this = records().get(org, RELATIONSHIP, record_id)
        if this is None:
            raise NotFound(f"{RELATIONSHIP.label} {record_id} does not exist.")
        if this.get("deleted_at"):
            return
        pair = _pair_of(org, this)
        stamp = lifecycle.now()
        try:
            with records().unit_of_work() as unit:
                unit.delete(org, RELATIONSHIP, this, stamp)
                if pair is not None:
                    unit.delete(org, RELATIONSHIP, pair, stamp)
            return
        except ConcurrentChange:
            continue
    raise AssertionError("unreachable")


def of_donor(org: str, donor_id: int) -> list[Record]:
    """A live donor's relationships (its sides of them), by id (404 when it is not): one Query."""
    _, details = donors.with_details(org, donor_id)
    return details.get(RELATIONSHIP.name, [])


# ---- the constituent's `relationships` array ---------------------------------------------------

def plan(sent: list[Record], remove_previous: bool, names: dict[str, str] | None = None,
         field: str = "relationships") -> donors.Nested:
    """The constituent's `relationships` array as a change of its relationships (and their
    reciprocals): an item with the `id` of one of them changes it; one with the related
    constituent and type of one it has changes that one (a relationship is never added
    twice); any other is added with its reciprocal. `remove_previous`: the relationships no
    item names go, with their reciprocals."""
    def make(org: str, details: donors.Details):
        donor = (details.get(DONOR.name) or [{}])[0]
        donor_id = donor.get("id", donors.THIS_DONOR)
        existing = {r["id"]: r for r in details.get(RELATIONSHIP.name, [])}
        pairs = records().many(org, [(RELATIONSHIP, r["pair_id"]) for r in existing.values() if r.get("pair_id")]) \
            if existing and (sent or remove_previous) else {}
        pair_of = {r["id"]: pairs.get((RELATIONSHIP.name, r.get("pair_id"))) for r in existing.values()}
        live = _live_donors(org, [item.get(RELATED) for item in sent])
        creates: list[tuple[Any, Record]] = []
        updates: list[tuple[Any, Record, Record]] = []
        kept: set[int] = set()
        for index, item in enumerate(sent):
            named = _Fields(names, f"{field}[{index}].")
            old = _matching(org, existing, item, named)
            if old is None:
                this, pair = _sides(org, donor_id, item, None, None, live, named)
                this_id, pair_id = donors.new_id(org, RELATIONSHIP), donors.new_id(org, RELATIONSHIP)
                creates += [(RELATIONSHIP, {**this, "id": this_id, "pair_id": pair_id}),
                            (RELATIONSHIP, {**pair, "id": pair_id, "pair_id": this_id})]
                continue
            kept.add(old["id"])
            pair = pair_of.get(old["id"])
            moving = RELATED in item and item[RELATED] != old[RELATED]
            fields, pair_fields = _sides(org, old["donor_id"], item, old, pair, live if moving else {}, named)
            new_this = _merged(old, fields)
            if new_this != old:
                updates.append((RELATIONSHIP, old, new_this))
            if pair is not None and _merged(pair, pair_fields) != pair:
                updates.append((RELATIONSHIP, pair, _merged(pair, pair_fields)))
        _types_stored(org, *(fields for _, fields in creates), *(new for _, _, new in updates))
        deletes = []
        for record in existing.values():
            if remove_previous and record["id"] not in kept:
                deletes.append((RELATIONSHIP, record))
                if pair_of.get(record["id"]) is not None:
                    deletes.append((RELATIONSHIP, pair_of[record["id"]]))
        return creates, deletes, updates
    return make


def _matching(org: str, existing: dict[int, Record], item: Record, named: _Fields) -> Record | None:
    if item.get("id") is not None:
        if item["id"] not in existing:
            raise named.failed("id", f"{item['id']} is not one of this constituent's relationships")
        return existing[item["id"]]
    chosen = _type(org, item, TYPE_ID, TYPE_NAME, named)
    for record in existing.values():
        if record[RELATED] == item.get(RELATED) and chosen is not None and record[TYPE_ID] == chosen["id"]:
            return record
    return None
