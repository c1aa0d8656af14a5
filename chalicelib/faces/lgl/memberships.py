"""LGL's Group Memberships and Membership sections (docs/lgl.md, "Groups and memberships"):
a constituent's group memberships and memberships on their own endpoints, and its `groups`
and `memberships` arrays (create, show, update, the search's `expand`)."""
from __future__ import annotations

from typing import Any

from ...domain import donors, memberships
from ...domain.contact_points import DISTINCT
from ...domain.memberships import GROUP_MEMBERSHIPS, MEMBERSHIPS, Section
from . import schemas
from .render import stamps
from .resources import ParentPath, Resource, declare
from .routes import NESTED_ARRAYS, NestedArray

Record = dict[str, Any]


def group_membership(org: str, record: Record) -> Record:
    """A group membership as LGL shows it (on its own and in its constituent's `groups`)."""
    return {"id": record["id"], "constituent_id": record["donor_id"], "group_id": record["group_id"],
            "group_name": memberships.group_name(org, record["group_id"]),
            "date_start": record.get("date_start"), "date_end": record.get("date_end"),
            "is_current": memberships.is_current(record), **stamps(record)}


def membership(org: str, record: Record) -> Record:
    """A membership as LGL shows it (on its own and in its constituent's `memberships`)."""
    return {"id": record["id"], "constituent_id": record["donor_id"],
            "membership_level_id": record["membership_level_id"],
            "membership_level_name": memberships.level_name(org, record["membership_level_id"]),
            "date_start": record.get("date_start"), "finish_date": record.get("finish_date"),
            "note": record.get("note"), **stamps(record)}


def _resource(section: Section, collection: str, item_type: str, model: str, body: type[schemas.Body],
              render) -> Resource:
    return Resource(
        collection, item_type, model, body, render,
        get=lambda org, record_id: memberships.get(org, section, record_id),
        update=lambda org, record_id, fields: memberships.update(org, section, record_id, fields),
        delete=lambda org, record_id: memberships.delete(org, section, record_id),
        parents=(ParentPath("constituents", lambda org, donor_id: memberships.of_donor(org, section, donor_id),
                            lambda org, donor_id, fields: memberships.add(org, section, donor_id, fields)),),
        names={DISTINCT: section.ref})


declare(_resource(GROUP_MEMBERSHIPS, "group_memberships", "group_membership", "GroupMembership",
                  schemas.GroupMembershipBody, group_membership))
declare(_resource(MEMBERSHIPS, "memberships", "membership", "Membership", schemas.MembershipBody, membership))


# ---- a constituent's `groups` and `memberships` arrays (create, update, show, expand) --------------

def _nested(section: Section, field: str, aliases: dict[str, str]):
    """The plan of a constituent's nested array of the section (domain/memberships.py `plan`):
    `aliases` are other names of a field (`name` of `group_name`), the field's own name winning."""
    def plan_of(sent: list[Record], remove_previous: bool) -> donors.Nested:
        entries = []
        for entry in sent:
            entry = dict(entry)
            for alias, name in aliases.items():
                value = entry.pop(alias, None)
                if entry.get(name) is None and value is not None:
                    entry[name] = value
            entries.append(entry)

        def plan(org: str, details: donors.Details):
            new, going, changed = memberships.plan(org, section, memberships.in_details(section, details), entries,
                                                   remove_previous, field)
            kind = section.kind
            return ([(kind, fields) for fields in new], [(kind, record) for record in going],
                    [(kind, old, after) for old, after in changed])
        return plan
    return plan_of


NESTED_ARRAYS["groups"] = NestedArray(
    _nested(GROUP_MEMBERSHIPS, "groups", {"name": "group_name"}),
    lambda org, details: [group_membership(org, r) for r in memberships.in_details(GROUP_MEMBERSHIPS, details)])
NESTED_ARRAYS["memberships"] = NestedArray(
    _nested(MEMBERSHIPS, "memberships", {}),
    lambda org, details: [membership(org, r) for r in memberships.in_details(MEMBERSHIPS, details)])
