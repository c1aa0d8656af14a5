"""MPDX contacts as JSON:API resource objects, rendered from donor records.

attributes: allow_deletion (the donor rule: see docs/faces.md), created_at, name (the
donor's sort name: "Last, First", or the organisation's name), square_avatar (null: we
keep no pictures), updated_at and updated_in_db_at (both the record's last write).
relationships (linkage only; none of these is served as a resource yet):
- account_list: the organisation's one list of donors, `{"type": "account_lists", "id": <org id>}`;
- people: a person donor is its own one person, `{"type": "people", "id": <donor id>}`;
  an organisation donor has none;
- addresses: the donor's postal address, `{"type": "addresses", "id": <donor id>}`, when it
  has any address field; else none.
"""
from __future__ import annotations

import re
from typing import Any

from ...domain import donors

TYPE = "contacts"


def timestamp(value: str | None) -> str | None:
    """`2026-06-10T02:00:00.000Z` as MPDX writes it: `2026-06-10T02:00:00Z`."""
    return None if value is None else re.sub(r"\.\d+Z$", "Z", value)


def contact(donor: dict[str, Any], org: str) -> dict[str, Any]:
    donor_id = str(donor["id"])
    has_address = any(donor.get(f) for f in donors.ADDRESS_FIELDS)
    return {
        "id": donor_id,
        "type": TYPE,
        "attributes": {
            "allow_deletion": donors.deletable(donor),
            "created_at": timestamp(donor["created_at"]),
            "name": donor["sort_name"],
            "square_avatar": None,
            "updated_at": timestamp(donor["updated_at"]),
            "updated_in_db_at": timestamp(donor["updated_at"]),
        },
        "relationships": {
            "account_list": {"data": {"id": org, "type": "account_lists"}},
            "people": {"data": [] if donor.get("is_org") else [{"id": donor_id, "type": "people"}]},
            "addresses": {"data": [{"id": donor_id, "type": "addresses"}] if has_address else []},
        },
    }
