"""Organisations (tenants) and their team members; created by operators, not over HTTP."""
from __future__ import annotations

import re
from typing import Any

from ..store.context import directory
from ..store.directory import ORG_ID_PATTERN
from ..errors import Conflict, NotFound, ValidationFailed
from .lifecycle import now
from ..warm_cache import WarmCache

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ROLES = ("admin", "fundraiser", "viewer")


def create(org: str, name: str) -> dict[str, Any]:
    if not ORG_ID_PATTERN.match(org):
        raise ValidationFailed.on(
            "org", "must be 2-63 characters of lower-case letters, digits and '-', starting with a letter or digit"
        )
    if not name.strip():
        raise ValidationFailed.on("name", "is required")
    record = {"org": org, "name": name.strip(), "created_at": now()}
    try:
        directory().add_organisation(org, record)
    except Conflict:
        raise Conflict(f"Organisation {org} already exists.") from None
    return record


def get(org: str) -> dict[str, Any]:
    item = directory().organisation(org)
    if item is None:
        raise NotFound(f"Organisation {org} does not exist.")
    return item


def add_member(org: str, *, first_name: str, last_name: str, email: str, role: str = "fundraiser",
               primary_contact: bool = False, billing_contact: bool = False) -> dict[str, Any]:
    get(org)
    if not _EMAIL.match(email):
        raise ValidationFailed.on("email", "is not an e-mail address")
    if role not in ROLES:
        raise ValidationFailed.on("role", f"must be one of {', '.join(ROLES)}")
    added = directory().add_member(org, {"first_name": first_name, "last_name": last_name,
                                         "email": email.lower(), "role": role, "created_at": now(),
                                         "is_primary_contact": primary_contact, "is_billing_contact": billing_contact})
    _teams.clear()
    return added


def members(org: str) -> list[dict[str, Any]]:
    return directory().members(org)


def member(org: str, member_id: int) -> dict[str, Any]:
    item = directory().member(org, member_id)
    if item is None:
        raise NotFound(f"Organisation {org} has no team member {member_id}.")
    return item


_members: WarmCache[dict[str, Any] | None] = WarmCache()


def clear_member_cache() -> None:
    _members.clear()


def known_member(org: str, member_id: Any) -> dict[str, Any] | None:
    """The team member's record, or None when the id names no member (any more).

    Members change rarely and a list or a sweep names the same few again and again, so a
    warm Lambda keeps each one for API_KEY_CACHE_SECONDS (the window of verified keys)."""
    if member_id is None:
        return None
    return _members.get((org, int(member_id)), lambda: directory().member(org, int(member_id)))


_teams: WarmCache[list[dict[str, Any]]] = WarmCache()


def team(org: str) -> list[dict[str, Any]]:
    """The organisation's team members by id (kept briefly by a warm Lambda, as keys are)."""
    return _teams.get(org, lambda: sorted(members(org), key=lambda m: m["id"]))


def display_name(member: dict[str, Any] | None) -> str | None:
    """A team member as LGL shows one: "First Last"."""
    if member is None:
        return None
    return " ".join(part for part in (member.get("first_name"), member.get("last_name")) if part) or None


def resolve_member(org: str, ref: Any, *, field: str) -> int | None:
    """The id of the team member `ref` names: an id (a number, or digits in a string), an
    e-mail address (any case) or "First Last" (any case, spaces collapsed); None clears it.
    An unknown one is a 422 naming `field`, never a guess."""
    if ref is None or (isinstance(ref, str) and not ref.strip()):
        return None
    text = " ".join(str(ref).split())
    people = team(org)
    by_id = [m for m in people if text.isascii() and text.isdigit() and m["id"] == int(text)]
    by_email = [m for m in people if (m.get("email") or "").casefold() == text.casefold()]
    by_name = [m for m in people if (display_name(m) or "").casefold() == text.casefold()]
    found = by_id or by_email or by_name
    if len(found) == 1:
        return found[0]["id"]
    if len(found) > 1:
        raise ValidationFailed.on(field, f"{text[:100]!r} names {len(found)} team members "
                                         f"({', '.join(str(m['id']) for m in found)}): send the id or e-mail")
    known = ", ".join(f"{m['id']} {display_name(m)} <{m.get('email')}>" for m in people[:20]) or "none yet"
    raise ValidationFailed.on(field, f"{text[:100]!r} is not a team member (an id, e-mail or 'First Last'; "
                                     f"the team: {known})")
