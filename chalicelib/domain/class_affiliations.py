"""A constituent's class affiliations (LGL's Class Affiliations: "Student, class of 2002"):
records of their own (store/kinds.py CLASS_AFFILIATION), details of the donor, deleted with it.

An affiliation names its type (a class affiliation type: a catalogue with LGL's defaults 515
Student, 516 Parent, 517 Grandparent) by id or by name, the id winning; an unknown one is a 422
naming the field. Each affiliation counts the type it names (store/kinds.py `refs`): a type in
use is not deleted (409), so no affiliation ever names a type that is gone. `year` is a
calendar year, `note` free text.
The donor's search row carries each affiliation's (type, year) as a facet: the `class` search
term reads it.
"""
from __future__ import annotations

from typing import Any

from ..errors import FieldError, ValidationFailed
from ..store.kinds import CLASS_AFFILIATION, DONOR
from . import catalogues, donors, lifecycle
from . import fields as f
from .constituent_catalogues import CLASS_AFFILIATION_TYPES
from .fields import Spec

Record = dict[str, Any]
TYPE_ID, TYPE_NAME = "class_affiliation_type_id", "class_affiliation_type_name"
YEAR_MIN, YEAR_MAX = 1, 9999
SPECS = (Spec(TYPE_ID, f.REF, ref="class_affiliation_types"), Spec("year", f.INTEGER),
         Spec("note", f.LONG_TEXT, max_length=2000))
EDITABLE = (TYPE_ID, "year", "note")

__all__ = ["CLASS_AFFILIATION", "create", "get", "update", "delete", "of_donor", "plan", "SPECS"]


def _resolved(org: str, fields: Record, prefix: str = "") -> Record:
    """The type by id or name made its id (the id wins; an unknown one: a 422 naming the field
    sent, `prefix` before it)."""
    out = {k: v for k, v in fields.items() if k != TYPE_NAME}
    value_id, name = fields.get(TYPE_ID), fields.get(TYPE_NAME)
    if value_id is not None or name is not None:
        out[TYPE_ID] = catalogues.resolve(org, CLASS_AFFILIATION_TYPES, value_id=value_id, name=name,
                                          id_field=f"{prefix}{TYPE_ID}", name_field=f"{prefix}{TYPE_NAME}")["id"]
    return out


def _checked(record: Record, prefix: str = "") -> Record:
    """The affiliation as a whole: a type, a year in the calendar's range."""
    checked = checked_fields(SPECS, record, prefix)
    if checked.get(TYPE_ID) is None:
        raise ValidationFailed.on(f"{prefix}{TYPE_ID}", "is required: a class affiliation type's id "
                                                         f"(or its name, as {TYPE_NAME})")
    year = checked.get("year")
    if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationFailed.on(f"{prefix}year", f"must be a year from {YEAR_MIN} to {YEAR_MAX}, not {year}")
    return {k: v for k, v in checked.items() if v is not None}


def checked_fields(specs: tuple[Spec, ...], record: Record, prefix: str = "") -> Record:
    """`fields.check`, each field an error names under `prefix` (`class_affiliations[0].`)."""
    try:
        return f.check(specs, record)
    except ValidationFailed as failed:
        errors = [FieldError(f"{prefix}{e.field}", e.message) for e in failed.errors]
        raise ValidationFailed("Invalid fields: " + "; ".join(f"{e.field} {e.message}" for e in errors),
                               errors) from None


def _own(fields: Record) -> Record:
    return {k: v for k, v in fields.items() if k in (*EDITABLE, TYPE_NAME)}


def create(org: str, donor_id: int, fields: Record) -> Record:
    """A new affiliation of a live donor (404 when it is not): one write."""
    record = _checked({**_resolved(org, _own(fields)), "donor_id": donor_id})
    catalogues.stored(org, CLASS_AFFILIATION_TYPES, [record[TYPE_ID]], lambda: lifecycle.fetch(org, DONOR, donor_id))
    return lifecycle.create(org, CLASS_AFFILIATION, record).record


def get(org: str, record_id: int) -> Record:
    return lifecycle.fetch(org, CLASS_AFFILIATION, record_id)


def update(org: str, record_id: int, changes: Record) -> Record:
    """Change the fields sent (null clears `year` or `note`; the type cannot be cleared)."""
    resolved: list[Record] = []  # once the record is known to exist (else a 404, whatever was sent)

    def merge(old: Record) -> Record:
        if not resolved:
            resolved.append(_resolved(org, _own(changes)))
        new = _checked({**old, **resolved[0]})
        catalogues.stored(org, CLASS_AFFILIATION_TYPES, [new[TYPE_ID]])
        return new

    return lifecycle.update(org, CLASS_AFFILIATION, record_id, merge, None)


def delete(org: str, record_id: int) -> None:
    lifecycle.delete(org, CLASS_AFFILIATION, record_id, None)


def of_donor(org: str, donor_id: int) -> list[Record]:
    """A live donor's affiliations, by id (404 when the donor is not): one Query."""
    _, details = donors.with_details(org, donor_id)
    return details.get(CLASS_AFFILIATION.name, [])


def plan(sent: list[Record], remove_previous: bool, field: str = "class_affiliations") -> donors.Nested:
    """The constituent's `class_affiliations` array as a change of its affiliations: an item
    with the `id` of one of them changes it; one of a type and year it has already changes
    that one (a class is never added twice); any other is added. `remove_previous`: the
    affiliations no item names go."""
    def make(org: str, details: donors.Details):
        existing = {r["id"]: r for r in details.get(CLASS_AFFILIATION.name, [])}
        creates: list[tuple[Any, Record]] = []
        updates: list[tuple[Any, Record, Record]] = []
        kept: set[int] = set()
        for index, item in enumerate(sent):
            prefix = f"{field}[{index}]."
            fields = _resolved(org, _own(item), prefix)
            old = _matching(existing, item.get("id"), fields, prefix)
            if old is None:
                creates.append((CLASS_AFFILIATION, _checked(fields, prefix)))
                continue
            kept.add(old["id"])
            new = _checked({**old, **fields}, prefix)
            if new != old:
                updates.append((CLASS_AFFILIATION, old, new))
        deletes = [(CLASS_AFFILIATION, r) for r in existing.values() if remove_previous and r["id"] not in kept]
        catalogues.stored(org, CLASS_AFFILIATION_TYPES, [r[TYPE_ID] for _, r in creates] +
                          [new[TYPE_ID] for _, _, new in updates])
        return creates, deletes, updates
    return make


def _matching(existing: dict[int, Record], record_id: Any, fields: Record, prefix: str) -> Record | None:
    if record_id is not None:
        if record_id not in existing:
            raise ValidationFailed.on(f"{prefix}id", f"{record_id} is not one of this constituent's class "
                                                     "affiliations")
        return existing[record_id]
    for record in existing.values():
        if record[TYPE_ID] == fields.get(TYPE_ID) and record.get("year") == fields.get("year"):
            return record
    return None
