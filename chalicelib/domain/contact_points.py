"""A donor's contact points: e-mail addresses, phone numbers, street addresses and web
addresses, each a record of its own (LGL serves them by id), each typed by a lookup table.

One of each kind may be preferred; the preferred one is what the donor shows as its own
`email`, `phone` and postal address on every face (the store keeps that summary in step,
store/schema.py `Summary`). The rules, whichever face writes:

- a new current contact point becomes preferred when asked (`is_preferred: true`) or when the
  donor has no preferred one of its kind; making one preferred un-prefers the other;
- deleting the preferred one makes the oldest current one left preferred; un-preferring it
  explicitly leaves none preferred (the donor then shows none);
- a value the donor already has (the same e-mail address in any case, the same phone digits,
  the same street address, the same URL) is not added twice: what was sent is applied to the
  one it has (a guard item per value holds this against concurrent writers too); changing
  one to another's value is a 409.

Cost: a contact point that does not change which one is preferred is written without reading
the donor (one transaction); one that does reads the donor with its contact points first
(one Query), so the choice holds against concurrent writers (the donor's version).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import FieldError, NotFound, ValidationFailed
from ..store.context import records
from ..store.kinds import DONOR, EMAIL_ADDRESS, PHONE_NUMBER, STREET_ADDRESS, WEB_ADDRESS
from ..store.schema import Kind
from ..store.writes import DISTINCT, ConcurrentChange, DuplicateValue, ParentChanged, UnitOfWork
from . import lifecycle, lookups

EMAIL_MAX = 254
TEXT_MAX = 255
URL_MAX = 2048
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_SEASON = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")
ADDRESS_PARTS = ("street", "city", "state", "postal_code", "county", "country")


def digits(text: str) -> str:
    return "".join(c for c in text if c.isascii() and c.isdigit())


def _text(record: dict[str, Any], name: str, most: int = TEXT_MAX, required: bool = False) -> None:
    value = record.get(name)
    if value is None or value == "":
        if required:
            raise ValidationFailed.on(name, "is required")
        record.pop(name, None)
        return
    if not isinstance(value, str):
        raise ValidationFailed.on(name, "must be a string")
    if len(value) > most:
        raise ValidationFailed.on(name, f"must be at most {most} characters (got {len(value)})")


def _email(record: dict[str, Any]) -> dict[str, Any]:
    _text(record, "address", EMAIL_MAX, required=True)
    record["address"] = record["address"].strip()
    if not _EMAIL.match(record["address"]):
        raise ValidationFailed.on("address", "is not an e-mail address")
    return record


def _phone(record: dict[str, Any]) -> dict[str, Any]:
    _text(record, "number", 64, required=True)
    record["normalized_number"] = digits(record["number"]) or None
    return record


def _street(record: dict[str, Any]) -> dict[str, Any]:
    for name in ADDRESS_PARTS:
        _text(record, name)
    if not any(record.get(name) for name in ADDRESS_PARTS):
        raise ValidationFailed.on("street", "an address needs a street, city, state, postal_code, county or country")
    for name, default in (("seasonal_from", "01-01"), ("seasonal_to", "12-31")):
        value = record.get(name) or default
        if not isinstance(value, str) or not _SEASON.match(value):
            raise ValidationFailed.on(name, "must be a day of the year as mm-dd, e.g. 01-31")
        record[name] = value
    postal = record.get("postal_code") or ""
    record["zip5"] = postal[:5] if re.match(r"^\d{5}", postal) else None
    return record


def _web(record: dict[str, Any]) -> dict[str, Any]:
    _text(record, "url", URL_MAX, required=True)
    return record


@dataclass(frozen=True)
class Point:
    kind: Kind
    types: str                                   # its lookup table
    default_type: int
    check: Callable[[dict[str, Any]], dict[str, Any]]   # the record as a whole -> stored fields
    has_current: bool = True                     # has `not_current` (web addresses do not)

    def same(self, a: dict[str, Any], b: dict[str, Any]) -> bool:
        """The same value (never two of them on one donor): the kind's `distinct` rule."""
        assert self.kind.distinct is not None
        return self.kind.distinct(a) == self.kind.distinct(b)

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def flag(self) -> str:
        assert self.kind.summary is not None
        return self.kind.summary.flag

    @property
    def pointer(self) -> str:
        assert self.kind.summary is not None
        return self.kind.summary.pointer

    def current(self, record: dict[str, Any]) -> bool:
        return not (self.has_current and record.get("not_current"))


EMAILS = Point(EMAIL_ADDRESS, "email_address_types", 1, _email)
PHONES = Point(PHONE_NUMBER, "phone_number_types", 1, _phone)
STREETS = Point(STREET_ADDRESS, "street_address_types", 1, _street)
WEBS = Point(WEB_ADDRESS, "web_address_types", 5, _web, has_current=False)
POINTS = (EMAILS, PHONES, STREETS, WEBS)
NESTED_MAX = 50  # contact points one constituent write may carry (a transaction holds 100 writes)
_STAMPS = frozenset({"id", "version", "created_at", "updated_at", "donor_id", "kind", "deleted_at"})


# ---- fields ----------------------------------------------------------------------------

def resolved(org: str, point: Point, fields: dict[str, Any]) -> dict[str, Any]:
    """`type_id` / `type_name` made the type's id (the id wins; unknown ones are a 422)."""
    out = dict(fields)
    type_id, type_name = out.pop("type_id", None), out.pop("type_name", None)
    if type_id is not None or type_name is not None:
        out["type_id"] = lookups.resolve(org, point.types, value_id=type_id, name=type_name,
                                         id_field="type_id", name_field="type_name")["id"]
    return out


def at_index(point: Point, index: int, error: ValidationFailed) -> ValidationFailed:
    """A nested record's error, its fields prefixed with its kind and place: `EMAIL.2.address`."""
    fields = [FieldError(f"{point.kind.name}.{index}.{e.field}", e.message) for e in error.errors]
    return ValidationFailed(f"{point.label} {index}: {error.detail}", fields)


def all_resolved(org: str, point: Point, sent: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for index, fields in enumerate(sent):
        try:
            out.append(resolved(org, point, fields))
        except ValidationFailed as error:
            raise at_index(point, index, error) from None
    return out


def type_name(org: str, point: Point, record: dict[str, Any]) -> str | None:
    """The name of the record's type (a deleted type still names what it typed)."""
    return lookups.name_of(org, point.types, record.get("type_id"))


def _whole(point: Point, record: dict[str, Any]) -> dict[str, Any]:
    checked = point.check(dict(record))
    checked.setdefault("type_id", point.default_type)
    for flag in ("is_preferred",) + (("not_current",) if point.has_current else ()):
        checked[flag] = bool(checked.get(flag))
    return {k: v for k, v in checked.items() if v is not None}


# ---- what a write changes: a plan over one donor's contact points of a kind ---------------

@dataclass
class Plan:
    point: Point
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    deletes: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.creates or self.updates or self.deletes)

    def size(self) -> int:
        return len(self.creates) + len(self.updates) + len(self.deletes)


def _settle(point: Point, kept: list[dict[str, Any]], creates: list[dict[str, Any]],
            wanted: dict[str, Any] | None, promote: bool) -> None:
    """Set the preferred flag on the records the donor will have (kept: existing ones, by id;
    creates: new ones): `wanted` is the one asked for; else the preferred one stays; else,
    when `promote`, the first current new one, or else the oldest current one, is preferred."""
    everyone = kept + creates
    chosen = wanted
    if chosen is None:
        chosen = next((r for r in everyone if r.get(point.flag)), None)
    if chosen is None and promote:
        chosen = next((r for r in creates + kept if point.current(r)), None)
    for record in everyone:
        record[point.flag] = record is chosen


def _owned(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in _STAMPS}


def _merged(point: Point, record: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """`record` (its stamps kept) with `changes` applied, checked whole; its flag unchanged."""
    stamps = {k: v for k, v in record.items() if k in _STAMPS}
    sent = {k: v for k, v in changes.items() if k != "is_preferred"}
    return {**stamps, **_whole(point, {**_owned(record), **sent, point.flag: record.get(point.flag, False)})}


def append(point: Point, existing: list[dict[str, Any]], incoming: list[dict[str, Any]],
           remove_previous: bool = False) -> Plan:
    """LGL's nested arrays: the incoming records are added (a value the donor has already is
    updated with what was sent instead); with `remove_previous`, the others go. `plan.targets`
    is the record each incoming one became (an existing one has an id)."""
    plan = Plan(point)
    changed: dict[int, dict[str, Any]] = {r["id"]: dict(r) for r in existing}
    creates: list[dict[str, Any]] = []
    matched: set[int] = set()
    wanted, declined = None, False
    for index, fields in enumerate(incoming):
        try:
            candidate = _merged(point, {point.flag: False}, fields)
            same = next((r for r in [*changed.values(), *creates] if point.same(r, candidate)), None)
            replaced = None if same is None else _merged(point, same, fields)
        except ValidationFailed as error:
            raise at_index(point, index, error) from None
        if same is None or replaced is None:
            target = candidate
            creates.append(target)
        else:
            target = same
            same.clear()
            same.update(replaced)
            if "id" in same:
                matched.add(same["id"])
        plan.targets.append(target)
        if fields.get("is_preferred"):
            wanted = target
        elif fields.get("is_preferred") is False and target.get(point.flag):
            target[point.flag], declined = False, True
    kept = [changed[r["id"]] for r in existing if not remove_previous or r["id"] in matched]
    plan.deletes = [r for r in existing if remove_previous and r["id"] not in matched]
    _settle(point, kept, creates, wanted, promote=not declined)
    kept_ids = {r["id"] for r in kept}
    plan.updates = [(old, changed[old["id"]]) for old in existing
                    if old["id"] in kept_ids and changed[old["id"]] != old]
    plan.creates = creates
    return plan


def set_preferred(point: Point, existing: list[dict[str, Any]], values: dict[str, Any] | None) -> Plan:
    """The native face's `email`, `phone` and address fields: what the preferred one is. New
    values change it (or add a preferred one); None removes it (none is preferred then)."""
    plan = Plan(point)
    preferred = next((r for r in existing if r.get(point.flag)), None)
    if values is None:
        if preferred is not None:
            plan.deletes.append(preferred)
        return plan
    wanted = _whole(point, {**(preferred or {}), **values})
    same = next((r for r in existing if r is not preferred and point.same(r, wanted)), None)
    if same is None and preferred is not None:
        new = _merged(point, preferred, values)
        if new != preferred:
            plan.updates.append((preferred, new))
        return plan
    if same is not None:  # the donor has it already, not preferred: it becomes the preferred one
        plan.updates.append((same, {**same, point.flag: True}))
        if preferred is not None:
            plan.updates.append((preferred, {**preferred, point.flag: False}))
        return plan
    plan.creates.append({**_whole(point, values), point.flag: True})
    return plan


def one_change(point: Point, existing: list[dict[str, Any]], record_id: int, changes: dict[str, Any] | None) -> Plan:
    """One contact point changed (or deleted: `changes` None), the flags settled around it."""
    plan = Plan(point)
    target = next((r for r in existing if r["id"] == record_id), None)
    if target is None:
        raise NotFound(f"{point.label} {record_id} does not exist.")
    others = {r["id"]: dict(r) for r in existing if r["id"] != record_id}
    if changes is None:
        plan.deletes.append(target)
        kept = list(others.values())
        _settle(point, kept, [], None, promote=bool(target.get(point.flag)))
    else:
        new = _merged(point, target, changes)
        twin = next((r for r in others.values() if point.same(r, new)), None)
        if twin is not None:
            raise DuplicateValue(twin["id"])
        wanted = new if changes.get("is_preferred") else None
        if changes.get("is_preferred") is False:
            new[point.flag] = False
        kept = [new, *others.values()]
        _settle(point, kept, [], wanted, promote=False)
        if new != target:
            plan.updates.append((target, new))
    plan.updates += [(old, others[old["id"]]) for old in existing
                     if old["id"] in others and others[old["id"]] != old]
    return plan


def add_to(unit: UnitOfWork, org: str, plan: Plan, donor_id: int) -> list[dict[str, Any]]:
    """The plan's writes, in `unit`; returns the records it creates."""
    stamp = lifecycle.now()
    for old in plan.deletes:
        unit.delete(org, plan.point.kind, old, stamp)
    for old, new in plan.updates:
        unit.update(org, plan.point.kind, old, {**new, "version": old["version"] + 1, "updated_at": stamp})
    return [unit.create(org, plan.point.kind, lifecycle.new_record({**fields, "donor_id": donor_id}))
            for fields in plan.creates]


# ---- one contact point at a time (LGL's own endpoints) ------------------------------------

def of_donor(org: str, point: Point, donor_id: int) -> list[dict[str, Any]]:
    """A live donor's contact points of a kind, by id (404 when the donor is not live)."""
    _, details = records().aggregate(org, DONOR, donor_id)
    return sorted(details.get(point.kind.name, []), key=lambda r: r["id"])


def get(org: str, point: Point, record_id: int) -> dict[str, Any]:
    return lifecycle.fetch(org, point.kind, record_id)


def _with_donor(org: str, point: Point, donor_id: int, build: Callable[[list[dict[str, Any]]], Plan],
                record_id: int | None = None) -> tuple[UnitOfWork, list[dict[str, Any]]]:
    """Read the donor with its contact points, plan, and write with the donor's version
    checked (so the choice of the preferred one holds); again on a concurrent change."""
    for _ in lifecycle.attempts(point.kind, record_id or donor_id):
        donor, details = records().aggregate(org, DONOR, donor_id)
        existing = sorted(details.get(point.kind.name, []), key=lambda r: r["id"])
        plan = build(existing)
        try:
            with records().unit_of_work() as unit:
                unit.update(org, DONOR, donor, donor)
                created = add_to(unit, org, plan, donor_id)
            return unit, created
        except (ConcurrentChange, ParentChanged, DuplicateValue):
            continue  # another writer changed the donor's contact points meanwhile: plan again
    raise AssertionError("unreachable")


def create(org: str, point: Point, donor_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    """A new contact point of a live donor (404 otherwise); a value it has already is updated."""
    fields = resolved(org, point, fields)
    candidate = _whole(point, fields)
    if not fields.get("is_preferred"):
        candidate[point.flag] = False
        try:  # the common case: the donor has a preferred one already and this is another
            with records().unit_of_work() as unit:
                if point.current(candidate):
                    unit.expect(org, DONOR, donor_id, point.pointer, present=True)
                record = unit.create(org, point.kind, lifecycle.new_record({**candidate, "donor_id": donor_id}))
            return unit.stored[(org, point.kind.name, record["id"])]
        except DuplicateValue as duplicate:  # the donor has this value already: what was sent applies to it
            if duplicate.holder is not None:
                return update(org, point, duplicate.holder, fields)
        except ParentChanged:
            pass  # it has none: this one becomes preferred, with the donor read
    plans: list[Plan] = []

    def build(existing: list[dict[str, Any]]) -> Plan:
        plans.append(append(point, existing, [fields]))
        return plans[-1]

    unit, created = _with_donor(org, point, donor_id, build)
    if created:
        return unit.stored[(org, point.kind.name, created[0]["id"])]
    target = plans[-1].targets[0]  # a value the donor had: that record, as now stored
    return unit.stored.get((org, point.kind.name, target["id"]), target)


def update(org: str, point: Point, record_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    changes = resolved(org, point, changes)
    old = lifecycle.fetch(org, point.kind, record_id)
    for _ in lifecycle.attempts(point.kind, record_id):
        if "is_preferred" in changes and bool(changes["is_preferred"]) != bool(old.get(point.flag)):
            break  # which one is preferred changes: with the donor read
        new = _merged(point, old, changes)
        if new == old:
            return old
        try:
            return records().update(org, point.kind, old, {**new, "version": old["version"] + 1,
                                                          "updated_at": lifecycle.now()})
        except ConcurrentChange as change:
            old = change.current
        except ParentChanged:
            break  # the donor's preferred one moved meanwhile: settle it with the donor read
    unit, _ = _with_donor(org, point, old["donor_id"],
                          lambda existing: one_change(point, existing, record_id, changes), record_id)
    return unit.stored.get((org, point.kind.name, record_id)) or lifecycle.fetch(org, point.kind, record_id)


def delete(org: str, point: Point, record_id: int) -> None:
    """Delete one (deleting it again succeeds too); the preferred one passes its place on."""
    old = records().get(org, point.kind, record_id)
    if old is None:
        raise NotFound(f"{point.label} {record_id} does not exist.")
    if old.get("deleted_at"):
        return
    if not old.get(point.flag):
        try:
            lifecycle.delete(org, point.kind, record_id, None, current=old)
            return
        except ParentChanged:
            pass
    try:
        _with_donor(org, point, old["donor_id"], lambda existing: one_change(point, existing, record_id, None),
                    record_id)
    except NotFound:
        current = records().get(org, point.kind, record_id)
        if current is None or not current.get("deleted_at"):
            raise
