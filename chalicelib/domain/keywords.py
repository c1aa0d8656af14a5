"""A constituent's keywords: the values of its categories assigned to it (LGL's
`POST /constituents/{id}/keywords`, its `categories` array, the `keyword` search term).

An assignment is a record of its own (store/kinds.py KEYWORD_ASSIGNMENT), a detail of the
donor: deleted with it, counted by its keyword (which cannot be deleted while assigned), a
facet of the donor's search row. Assigning a keyword twice changes nothing; a keyword of a
`single` category replaces the constituent's other keyword of that category, in the same
write (the donor's version holds the choice against a concurrent assignment).
"""
from __future__ import annotations

from typing import Any

from ..errors import ValidationFailed
from ..store.context import records
from ..store.kinds import DONOR, KEYWORD_ASSIGNMENT
from . import catalogues, lifecycle
from .constituent_catalogues import CATEGORIES, KEYWORDS

Record = dict[str, Any]
__all__ = ["KEYWORD_ASSIGNMENT", "assign", "unassign", "plan", "categories_of", "assigned", "keyword"]


def keyword(org: str, keyword_id: Any, *, field: str = "id", item_type: str = "Constituent") -> Record:
    """A live keyword of a category of `item_type`, else a 422 naming `field`."""
    found = catalogues.resolve(org, KEYWORDS, value_id=keyword_id, id_field=field, name_field=field)
    category = catalogues.named(org, CATEGORIES, found["category_id"]) or {}
    if category.get("item_type") != item_type:
        raise ValidationFailed.on(field, f"keyword {keyword_id} is in a category of {category.get('item_type')} "
                                         f"records, not of {item_type} ones")
    return found


def assigned(details: dict[str, list[Record]]) -> list[Record]:
    """The donor's assignments (from its details), by id."""
    return sorted(details.get(KEYWORD_ASSIGNMENT.name, []), key=lambda a: a["id"])


def plan(org: str, existing: list[Record], keyword_ids: list[int], *, replace_categories: set[int] = frozenset(),
         field: str = "id") -> tuple[list[Record], list[Record]]:
    """What assigning `keyword_ids` does to a donor's `existing` assignments: (assignments to
    create, assignments to delete). A keyword it has already stays; a `single` category keeps
    only its new keyword; a category in `replace_categories` keeps only the keywords sent."""
    kept = {a["keyword_id"]: a for a in existing}
    wanted = [keyword(org, k, field=field) for k in dict.fromkeys(keyword_ids)]
    going: dict[int, Record] = {}
    for value in wanted:
        category = catalogues.named(org, CATEGORIES, value["category_id"]) or {}
        if category.get("facet_type") == "single":
            replace_categories = {*replace_categories, value["category_id"]}
            if sum(1 for w in wanted if w["category_id"] == value["category_id"]) > 1:
                raise ValidationFailed.on(field, f"category {category.get('name')!r} holds one keyword; "
                                                 "several were sent")
    sent = {value["id"] for value in wanted}
    for assignment in existing:
        if assignment["category_id"] in replace_categories and assignment["keyword_id"] not in sent:
            going[assignment["id"]] = assignment
    new = [{"keyword_id": v["id"], "category_id": v["category_id"]} for v in wanted if v["id"] not in kept]
    return new, list(going.values())


def write(unit: Any, org: str, donor_id: int, new: list[Record], going: list[Record]) -> None:
    """Add a plan's changes to a unit of work that holds the donor."""
    stamp = lifecycle.now()
    for assignment in going:
        unit.delete(org, KEYWORD_ASSIGNMENT, assignment, stamp)
    for fields in new:
        unit.create(org, KEYWORD_ASSIGNMENT, lifecycle.new_record({**fields, "donor_id": donor_id}))


def assign(org: str, donor_id: int, keyword_id: Any) -> None:
    """Assign a keyword to a live donor (404 when it is not); see the module's docstring."""
    for _ in lifecycle.attempts(DONOR, donor_id):
        donor, details = records().aggregate(org, DONOR, donor_id)
        new, going = plan(org, assigned(details), [keyword_id])
        if not new and not going:
            return
        try:
            with records().unit_of_work() as unit:
                unit.update(org, DONOR, donor, donor)  # its version holds the choice
                write(unit, org, donor_id, new, going)
            return
        except lifecycle.ConcurrentChange:
            continue


def unassign(org: str, donor_id: int, keyword_id: int) -> None:
    """Take a keyword off a live donor (404 when it is not); one it does not have: done."""
    for _ in lifecycle.attempts(DONOR, donor_id):
        _, details = records().aggregate(org, DONOR, donor_id)
        gone = [a for a in assigned(details) if a["keyword_id"] == keyword_id]
        if not gone:
            return
        try:
            with records().unit_of_work() as unit:
                for assignment in gone:
                    unit.delete(org, KEYWORD_ASSIGNMENT, assignment, lifecycle.now())
            return
        except lifecycle.ConcurrentChange:
            continue


def categories_of(org: str, assignments: list[Record]) -> list[tuple[Record, list[Record]]]:
    """The categories a donor has keywords of, each with only its assigned keywords, in the
    categories' order."""
    by_category: dict[int, list[Record]] = {}
    for assignment in assignments:
        value = catalogues.named(org, KEYWORDS, assignment["keyword_id"])
        if value is not None:
            by_category.setdefault(assignment["category_id"], []).append(value)
    order = {c["id"]: n for n, c in enumerate(catalogues.entries(org, CATEGORIES))}
    return [(catalogues.named(org, CATEGORIES, cid) or {"id": cid}, sorted(values, key=lambda v: (v.get("ordinal", 0), v["id"])))
            for cid, values in sorted(by_category.items(), key=lambda item: (order.get(item[0], 10**9), item[0]))]
