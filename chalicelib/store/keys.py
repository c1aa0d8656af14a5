"""Key builders for the single table (see docs/storage.md).

`#` delimits key parts; ids and org ids can never contain it, so `ORG#acme`
never prefixes `ORG#acme-corp#...` (every prefix query ends its org part with `#`).
"""
from __future__ import annotations

import re

ID_WIDTH = 12  # zero-padded so ids sort numerically inside a key
MAX_ID = 10**ID_WIDTH - 1
ORG_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def org_pk(org: str) -> str:
    return f"ORG#{org}"


def padded(record_id: int) -> str:
    return f"{record_id:0{ID_WIDTH}d}"


def record_sk(kind: str, record_id: int) -> str:
    return f"{kind}#{padded(record_id)}"


def org_meta_sk() -> str:
    return "ORG"


def counter_sk(kind: str) -> str:
    return f"COUNTER#{kind}"


def unique_sk(kind: str, field: str, value: str) -> str:
    """Guard item that makes `field` unique among an org's records of `kind`."""
    return f"UNIQUE#{kind}#{field}#{value}"


def idempotency_sk(key: str) -> str:
    return f"IDEMPOTENCY#{key}"


def api_key_pk(digest: str) -> str:
    return f"APIKEY#{digest}"


# GSI1: a donor's collection (the donor itself first, then its timeline newest first).
def donor_collection_pk(org: str, donor_id: int) -> str:
    return f"ORG#{org}#DONOR#{padded(donor_id)}"


DONOR_HEAD_SK = "TL#~"  # sorts after every timestamp: first in a newest-first query


def timeline_sk(timestamp: str, kind: str, record_id: int) -> str:
    return f"TL#{timestamp}#{kind}#{padded(record_id)}"


TIMELINE_PREFIX = "TL#"


# GSI2: every live record of a kind in an org, in the kind's list order.
def kind_list_pk(org: str, kind: str) -> str:
    return f"ORG#{org}#{kind}"


def sort_key(value: str, record_id: int) -> str:
    """For fixed-width values (timestamps): `<value>#<id>`."""
    return f"{value}#{padded(record_id)}"


def text_sort_key(value: str, record_id: int) -> str:
    """For free text (names): case-folded, spaces collapsed, and ended by \\x01, which sorts
    below every character left in it, so `Acme` comes before `Acme Trust`."""
    text = " ".join("".join(c for c in value if c >= " ").split()).casefold()
    return f"{text}\x01{padded(record_id)}"


# GSI3: open follow-ups due for a reminder, across every org (the sweep's index).
DUE_SHARDS = 4


def due_shard_pk(shard: int) -> str:
    return f"DUE#{shard}"


def due_pk(org: str, record_id: int) -> str:
    return due_shard_pk((sum(org.encode()) + record_id) % DUE_SHARDS)


def due_sk(due_at: str, org: str, record_id: int) -> str:
    return f"{due_at}#{org}#{padded(record_id)}"


def due_through(moment: str) -> str:
    """The highest GSI3SK of anything due at or before `moment` (`$` sorts after `#`)."""
    return f"{moment}$"


def parse_due_sk(sk: str) -> tuple[str, int]:
    """(org, record id) of a GSI3SK."""
    _, org, record_id = sk.split("#")
    return org, int(record_id)


# GSI4: a kind's records narrowed by one attribute (log method, donor e-mail).
def kind_attribute_pk(org: str, kind: str, attribute: str, value: str) -> str:
    return f"ORG#{org}#{kind}#{attribute}#{value}"


# GSI5: an org's contact-log entries whose follow-up is still open, by occurred_at.
def open_follow_up_pk(org: str) -> str:
    return f"ORG#{org}#LOG#OPEN"


# GSI6: the same open follow-ups by due time: the follow-up queue.
def follow_up_queue_pk(org: str) -> str:
    return f"ORG#{org}#FOLLOWUP"
