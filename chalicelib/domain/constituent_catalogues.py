"""What a constituent's records name: categories and their keywords (pick-lists, on
constituents and, as `custom_fields`, on gifts, volunteer times, invitations and appeal
requests), groups, membership levels, class affiliation types, relationship types and custom
attribute definitions. Each is a catalogue (catalogues.py).

Categories, keywords, groups and membership levels are managed through LGL itself (it has
their POST/PATCH/DELETE); the types and attribute definitions are list-only there, managed
through the native face and the operator CLI. A value still referred to is never deleted
(409): a keyword assigned to a constituent, a group with members, a level with memberships, a
category with keywords, a class affiliation type or a relationship type that an affiliation
or a relationship (either side) names, an attribute a constituent has a value of
(store/schema.py `Ref`): nothing ever shows a value that is gone. A default value (LGL's types)
is stored as the organisation's copy the first time something refers to it
(catalogues.stored), so that it can be counted.
"""
from __future__ import annotations

from ..errors import ValidationFailed
from ..store import kinds
from .catalogues import CATALOGUES, Catalogue, snake_key
from .fields import BOOLEAN, INTEGER, LONG_TEXT, REF, TEXT, Spec

ITEM_TYPES = ("Constituent", "Gift", "VolunteerTime", "Invitation", "AppealRequest")  # what a category is on
FACET_TYPES = ("single", "list")
CLASSIFICATIONS = ("text", "integer", "date")  # a custom attribute's type


def _one_of(field: str, allowed: tuple[str, ...]):
    def rule(org: str, value: dict) -> None:
        if value.get(field) is not None and value[field] not in allowed:
            raise ValidationFailed.on(field, f"must be one of {', '.join(allowed)}, not {value[field]!r}")
    return rule


CATEGORIES = CATALOGUES.add(Catalogue(
    "categories", kinds.CATEGORY,
    (Spec("name", required=True, max_length=100), Spec("item_type", required=True, max_length=30),
     Spec("key", max_length=100), Spec("facet_type", max_length=10), Spec("ordinal", INTEGER),
     Spec("removable", BOOLEAN), Spec("editable", BOOLEAN), Spec("display_format", max_length=20)),
    also_named_by=("key",), ordered_by=("ordinal",), lgl_managed=True, unique_within="item_type",
    derived=(("key", snake_key), ("facet_type", lambda v: "list"), ("ordinal", lambda v: 100),
             ("removable", lambda v: True), ("editable", lambda v: True), ("display_format", lambda v: "compact")),
    rule=lambda org, value: (_one_of("item_type", ITEM_TYPES)(org, value), _one_of("facet_type", FACET_TYPES)(org, value))))
KEYWORDS = CATALOGUES.add(Catalogue(
    "keywords", kinds.KEYWORD,
    (Spec("category_id", REF, required=True, ref="categories"), Spec("name", required=True, max_length=100),
     Spec("description", LONG_TEXT, max_length=2000), Spec("short_code", max_length=100), Spec("ordinal", INTEGER),
     Spec("removable", BOOLEAN), Spec("can_change", BOOLEAN), Spec("can_select", BOOLEAN)),
    also_named_by=("short_code",), ordered_by=("ordinal",), listed=False, lgl_managed=True,
    unique_within="category_id",
    derived=(("ordinal", lambda v: 100), ("removable", lambda v: True), ("can_change", lambda v: True),
             ("can_select", lambda v: True))))
GROUPS = CATALOGUES.add(Catalogue(
    "groups", kinds.GROUP, (Spec("name", required=True, max_length=100), Spec("key", max_length=100),
                            Spec("ordinal", INTEGER)),
    also_named_by=("key",), ordered_by=("ordinal",), lgl_managed=True,
    derived=(("key", snake_key), ("ordinal", lambda v: 0))))
MEMBERSHIP_LEVELS = CATALOGUES.add(Catalogue(
    "membership_levels", kinds.MEMBERSHIP_LEVEL, (Spec("name", required=True, max_length=100), Spec("ordinal", INTEGER)),
    ordered_by=("ordinal",), lgl_managed=True, derived=(("ordinal", lambda v: 0),)))
CLASS_AFFILIATION_TYPES = CATALOGUES.add(Catalogue(
    "class_affiliation_types", kinds.CLASS_AFFILIATION_TYPE,
    (Spec("name", required=True, max_length=100), Spec("ordinal", INTEGER)),
    defaults=tuple({"id": i, "name": n, "ordinal": o} for i, n, o in ((515, "Student", 0), (516, "Parent", 1),
                                                                       (517, "Grandparent", 2)))))
RELATIONSHIP_TYPES = CATALOGUES.add(Catalogue(
    "relationship_types", kinds.RELATIONSHIP_TYPE,
    (Spec("name", required=True, max_length=100), Spec("short_code", max_length=100), Spec("type_code", max_length=30),
     Spec("ordinal", INTEGER), Spec("reciprocal_id", REF, ref="relationship_types"), Spec("auto_soft_credit", BOOLEAN),
     Spec("is_spouse_partner", BOOLEAN)),
    also_named_by=("short_code",), ordered_by=(),
    defaults=tuple({"id": i, "name": n, "short_code": n, "type_code": t, "ordinal": i - 41, "reciprocal_id": r,
                    "auto_soft_credit": False, "is_spouse_partner": i == 47}
                   for i, n, t, r in ((41, "Parent", "family", 44), (42, "Mother", "family", 44),
                                      (43, "Father", "family", 44), (44, "Child", "family", 41),
                                      (45, "Daughter", "family", 41), (46, "Son", "family", 41),
                                      (47, "Spouse", "family", 47), (48, "Sibling", "family", 48),
                                      (49, "Grandparent", "family", 52), (50, "Friend", "other", 50),
                                      (51, "Family", "family", 51), (52, "Grandchild", "family", 49)))))
ATTRIBUTES = CATALOGUES.add(Catalogue(
    "attributes", kinds.ATTRIBUTE,
    (Spec("name", required=True, max_length=100), Spec("item_type", max_length=30), Spec("key", max_length=100),
     Spec("description", LONG_TEXT, max_length=2000), Spec("classification", TEXT, max_length=10),
     Spec("min_val", max_length=40), Spec("max_val", max_length=40), Spec("ordinal", INTEGER)),
    also_named_by=("key",), ordered_by=("ordinal",), unique_within="item_type",
    fixed_while_used=("classification", "item_type"),
    derived=(("key", snake_key), ("item_type", lambda v: "Constituent"), ("classification", lambda v: "text"),
             ("ordinal", lambda v: 100)),
    rule=lambda org, value: (_one_of("item_type", ("Constituent", "Invitation", "AppealRequest"))(org, value),
                             _one_of("classification", CLASSIFICATIONS)(org, value))))
