"""Response bodies of the Givebutter face: the ContactActivityResource, every field present,
and Laravel's paginated list (`data`, `links`, `meta`)."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from ...domain import contact_logs

# Where a logged contact came from: created through the API (Together's or Givebutter's),
# as opposed to the transactions and messages Givebutter itself records.
SOURCE = "api"


def created_by(member_id: Any, member: dict[str, Any] | None) -> dict[str, Any] | None:
    """PublicUserResource; a member that no longer exists keeps its id, without names."""
    if member_id is None:
        return None
    member = member or {}
    return {"id": str(member_id), "first_name": member.get("first_name"),
            "last_name": member.get("last_name"), "email": member.get("email")}


def activity(entry: dict[str, Any], member: dict[str, Any] | None = None) -> dict[str, Any]:
    """A contact-log entry as a ContactActivityResource.

    The resource has no note, subject or timezone fields: they travel in `data`, a JSON
    string, as Givebutter's activities carry their details.
    """
    data = {"note": entry.get("notes"), "subject": entry.get("subject"), "timezone": entry.get("timezone")}
    return {
        "id": str(entry["id"]),
        "type": contact_logs.activity_type(entry),
        "source": SOURCE,
        "data": json.dumps(data, ensure_ascii=False),
        "resource": None,          # a logged contact concerns no transaction, plan or ticket
        "resource_type": None,
        "occurred_at": entry["occurred_at"],
        "created_at": entry["created_at"],
        "updated_at": entry["updated_at"],
        "created_by": created_by(contact_logs.creator_id(entry), member),
    }


def paginated(items: list[dict[str, Any]], total: int, page: int, per_page: int, base: str,
              keep: dict[str, str]) -> dict[str, Any]:
    """Laravel's LengthAwarePaginator: `items` (rendered) is page `page` of `total`; the links
    keep the query parameters in `keep`."""
    last_page = max(1, -(-total // per_page))
    first = (page - 1) * per_page + 1

    def link(number: int) -> str:
        return f"{base}?{urlencode({**keep, 'page': number})}"

    return {
        "data": items,
        "links": {
            "first": link(1),
            "last": link(last_page),
            "prev": link(page - 1) if page > 1 else None,
            "next": link(page + 1) if page < last_page else None,
        },
        "meta": {
            "current_page": page,
            "from": first if items else None,
            "last_page": last_page,
            "path": base,
            "per_page": per_page,
            "to": first + len(items) - 1 if items else None,
            "total": total,
        },
    }
