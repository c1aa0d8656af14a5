"""A constituent's groups and memberships: LGL's Group Memberships and Membership sections,
the constituent's `groups` and `memberships` arrays, the `groups` and `membership_*` search
terms, and the native face's read of them (docs/lgl.md, "Groups and memberships").

A group membership (store/kinds.py GROUP_MEMBERSHIP: a constituent in a group, from a start
to an end date) and a membership (MEMBERSHIP: a membership level, from a start to a finish
date, with a note) are detail records of the donor: deleted with it, each a facet of its
search row, each counted by the catalogue value it names (a group, a membership level),
which is not deleted while named (409). Both sections are one declaration each (`Section`).

- A constituent is in a group once (the kind's `distinct` group): adding it to a group it is
  in already applies what was sent to that membership (same id), on its own endpoint and in
  the nested array alike; moving a membership to a group the constituent is in already is 409.
- `is_current` is derived, never stored: a group membership without an end date, or ending
  today or later (UTC), is current.
- A constituent's *latest* membership is the one that finishes last: one without a finish
  date never finishes, so it is the latest; ties go to the later start, then the higher id.
  The search reads only it: `membership_status` 1 (active) when it has no finish date or
  finishes today or later (UTC), 0 (lapsed) when it finished before today (a constituent
  without memberships is neither); `membership_level` is its level; `membership_end_date_*`
  and the `membership_end_date_from` sort read its finish date (none when it has none).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from ..errors import Conflict, FieldError, ValidationFailed
from ..store.context import records
from ..store.kinds import DONOR, GROUP_MEMBERSHIP, MEMBERSHIP
from ..store.schema import Kind
from ..store.writes import DuplicateValue
from . import catalogues, lifecycle
from . import fields as f
from .catalogues import Catalogue
from .constituent_catalogues import GROUPS, MEMBERSHIP_LEVELS, KEYWORDS, CATEGORIES
from .fields import Spec
from .timestamps import utcnow

Record = dict[str, Any]
NOTE_MAX = 5000
_STAMPS = frozenset({"id", "version", "created_at", "updated_at", "donor_id", "kind", "deleted_at"})


@dataclass(frozen=True)
class Section:
    """One of a constituent's kinds of membership: the record, the catalogue value it names
    (`ref`, by id or by `ref_name`), its fields and which of them ends it."""
    kind: Kind
    catalogue: Catalogue
    ref: str              # "group_id"
    ref_name: str         # "group_name"
    specs: tuple[Spec, ...]
    end: str              # "date_end"

    @property
    def label(self) -> str:
        return self.kind.label.lower()

    @property
    def distinct(self) -> bool:
        """A constituent has one record per value (one membership per group)."""
        return self.kind.distinct is not None


GROUP_MEMBERSHIPS = Section(
    GROUP_MEMBERSHIP, GROUPS, "group_id", "group_name",
    (Spec("group_id", f.REF, ref="groups", description="The group (or `group_name`: the id wins)"),
     Spec("date_start", f.DATE), Spec("date_end", f.DATE, description="None: still in the group")),
    "date_end")
MEMBERSHIPS = Section(
    MEMBERSHIP, MEMBERSHIP_LEVELS, "membership_level_id", "membership_level_name",
    (Spec("membership_level_id", f.REF, ref="membership_levels",
          description="The level (or `membership_level_name`: the id wins)"),
     Spec("date_start", f.DATE), Spec("finish_date", f.DATE, description="None: it never finishes"),
     Spec("note", f.LONG_TEXT, max_length=NOTE_MAX)),
    "finish_date")
SECTIONS = (GROUP_MEMBERSHIPS, MEMBERSHIPS)


def today() -> str:
    """Today's date in UTC (what `is_current` and `membership_status` compare with)."""
    return utcnow().date().isoformat()


# ---- fields --------------------------------------------------------------------------------

def resolved(org: str, section: Section, fields: Record, at: str = "") -> Record:
    """`<ref>` / `<ref_name>` made the value's id (the id wins; an unknown id or name is a
    422 naming the field sent, prefixed by `at`: `groups[0].group_name`)."""
    out = dict(fields)
    name = out.pop(section.ref_name, None)
    value_id = out.get(section.ref)
    if value_id is not None or name is not None:
        out[section.ref] = catalogues.resolve(org, section.catalogue, value_id=value_id, name=name,
                                              id_field=at + section.ref, name_field=at + section.ref_name)["id"]
    return out


def checked(section: Section, record: Record, at: str = "") -> Record:
    """The record as stored: each field's rule, the value it names required, its end not
    before its start; ValidationFailed naming the field (prefixed by `at`)."""
    try:
        out = f.check(section.specs, record)
    except ValidationFailed as failed:
        if not at:
            raise
        raise ValidationFailed(failed.detail, [FieldError(at + e.field, e.message) for e in failed.errors]) from None
    if out.get(section.ref) is None:
        raise ValidationFailed.on(at + section.ref, f"is required: the {section.catalogue.label.lower()}'s id "
                                                     f"(or {section.ref_name})")
    start, end = out.get("date_start"), out.get(section.end)
    if start and end and end < start:
        raise ValidationFailed.on(at + section.end, f"{end} is before date_start {start}")
    return out


def _owned(record: Record) -> Record:
    return {k: v for k, v in record.items() if k not in _STAMPS}


def is_current(record: Record, on: str | None = None) -> bool:
    """A group membership is current without an end date, or until its end date (UTC)."""
    end = record.get("date_end")
    return not end or end >= (on or today())


# ---- one record at a time (LGL's own endpoints) --------------------------------------------

def in_details(section: Section, details: dict[str, list[Record]]) -> list[Record]:
    """The donor's records of the section (from its details), by id."""
    return sorted(details.get(section.kind.name, []), key=lambda r: r["id"])


def of_donor(org: str, section: Section, donor_id: int) -> list[Record]:
    """A live donor's records of the section, by id (404 when the donor is not): one Query."""
    _, details = records().aggregate(org, DONOR, donor_id)
    return in_details(section, details)


def get(org: str, section: Section, record_id: int) -> Record:
    return lifecycle.fetch(org, section.kind, record_id)


def add(org: str, section: Section, donor_id: int, fields: Record) -> Record:
    """A new record of a live donor (404 otherwise): one write. A group the donor is in
    already: what was sent applies to that membership instead (the same record)."""
    sent = resolved(org, section, fields)
    new = checked(section, sent)
    for _ in lifecycle.attempts(section.kind, donor_id):
        try:
            return records().create(org, section.kind, lifecycle.new_record({**new, "donor_id": donor_id})).record
        except DuplicateValue as duplicate:
            if duplicate.holder is None:
                raise
            holder = records().get(org, section.kind, duplicate.holder)
            if holder is None or holder.get("deleted_at") or holder.get("donor_id") != donor_id:
                continue  # it went meanwhile: add it again
            return _update(org, section, holder, sent)
    raise AssertionError("unreachable")


def update(org: str, section: Section, record_id: int, changes: Record) -> Record:
    """Change the fields sent (None clears one); moving a group membership to a group the
    constituent is in already is 409."""
    return _update(org, section, lifecycle.fetch(org, section.kind, record_id), resolved(org, section, changes))


def _update(org: str, section: Section, old: Record, changes: Record) -> Record:
    return lifecycle.update(org, section.kind, old["id"],
                            lambda current: checked(section, {**current, **changes}), None)


def delete(org: str, section: Section, record_id: int) -> None:
    """Delete one (deleting it again succeeds too)."""
    lifecycle.delete(org, section.kind, record_id, None)


# ---- a constituent's nested array -------------------------------------------------------------

Plan = tuple[list[Record], list[Record], list[tuple[Record, Record]]]  # (to create, to delete, (old, new) to update)


def plan(org: str, section: Section, existing: list[Record], sent: list[Record], remove_previous: bool,
         field: str) -> Plan:
    """What a constituent's nested array does to its records of the section: each entry is
    added, unless its `id` names one of the constituent's records or (groups) the constituent
    is in its group already: then what was sent applies to that record. With
    `remove_previous`, the records not sent go. Errors name `<field>[<index>].<field>`."""
    now = [dict(r) for r in existing]  # each existing record as it will be
    new: list[Record] = []
    sent_ids: set[int] = set()
    for index, entry in enumerate(sent):
        at = f"{field}[{index}]."
        record_id = entry.get("id")
        changes = resolved(org, section, {k: v for k, v in entry.items() if k != "id"}, at)
        target: Record | None = None
        if record_id is not None:
            target = next((r for r in now if r["id"] == record_id), None)
            if target is None:
                raise ValidationFailed.on(at + "id", f"{record_id} is not one of this constituent's {section.label}s")
        elif section.distinct and changes.get(section.ref) is not None:
            target = next((r for r in [*now, *new] if r.get(section.ref) == changes[section.ref]), None)
        merged = checked(section, {**(target or {}), **changes}, at)
        if section.distinct:
            clash = next((r for r in [*now, *new] if r is not target and r.get(section.ref) == merged[section.ref]),
                         None)
            if clash is not None:
                value = catalogues.name_of(org, section.catalogue, merged[section.ref])
                raise Conflict(f"The constituent is in {value!r} already (its {section.label} {clash.get('id')}).",
                               [FieldError(at + section.ref, f"the constituent is in {value!r} already")])
        if target is None:
            new.append(merged)
            continue
        target.clear()
        target.update(merged)
        if "id" in target:
            sent_ids.add(target["id"])
    deletes = [r for r in existing if remove_previous and r["id"] not in sent_ids]
    going = {r["id"] for r in deletes}
    updates = [(old, after) for old, after in zip(existing, now) if old["id"] not in going and after != old]
    return new, deletes, updates


# ---- what the search and the native face read ------------------------------------------------

def latest(memberships: Iterable[Any]) -> Any:
    """The membership that finishes last (module docstring), of (id, level, start, finish)
    tuples; None when there is none."""
    return max(memberships, key=lambda m: (not m[3], m[3] or "", m[2] or "", m[0]), default=None)


def latest_of(records_: Iterable[Record]) -> Record | None:
    """The donor's latest membership, of its membership records."""
    found = latest((r["id"], r.get("membership_level_id"), r.get("date_start"), r.get("finish_date"), r)
                   for r in records_)
    return None if found is None else found[4]


def is_active(finish: str | None, on: str | None = None) -> bool:
    """Whether a latest membership finishing then is active (no finish date: always)."""
    return not finish or finish >= (on or today())


def status(memberships: list[Record]) -> str | None:
    """`active` or `lapsed` by the latest membership; None without memberships."""
    last = latest_of(memberships)
    return None if last is None else "active" if is_active(last.get("finish_date")) else "lapsed"


def level_name(org: str, level_id: Any) -> str | None:
    return catalogues.name_of(org, MEMBERSHIP_LEVELS, level_id)


def group_name(org: str, group_id: Any) -> str | None:
    return catalogues.name_of(org, GROUPS, group_id)


def keyword_names(org: str, assignment: Record) -> tuple[str | None, str | None]:
    """(the keyword's name, its category's name) of a keyword assignment."""
    return (catalogues.name_of(org, KEYWORDS, assignment.get("keyword_id")),
            catalogues.name_of(org, CATEGORIES, assignment.get("category_id")))
