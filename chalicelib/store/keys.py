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


# GSI1: a record's collection: the record itself (its head), its timeline children newest
# first, and its detail children (not on the timeline) in a key range of their own:
#   TL#<timestamp>#<KIND>#<id>   timeline children        (TIMELINE_LOW .. HEAD_SK)
#   TL#~                         the head                 (sorts after every timestamp)
#   TL#~#<KIND>#<id>             detail children          (after the head)
# so the timeline is BETWEEN TL# AND TL#~, and begins_with(TL#~) is the head with its details.
def collection_pk(org: str, kind: str, record_id: int) -> str:
    return f"ORG#{org}#{kind}#{padded(record_id)}"


TIMELINE_LOW = "TL#"
HEAD_SK = "TL#~"


def timeline_sk(timestamp: str, kind: str, record_id: int) -> str:
    return f"TL#{timestamp}#{kind}#{padded(record_id)}"


def detail_prefix(kind: str) -> str:
    return f"{HEAD_SK}#{kind}#"


def detail_sk(kind: str, record_id: int) -> str:
    return f"{detail_prefix(kind)}{padded(record_id)}"


# GSI2: every live record of a kind in an org, in the kind's list order.
def kind_list_pk(org: str, kind: str) -> str:
    return f"ORG#{org}#{kind}"


def sort_key(value: str, record_id: int) -> str:
    """For fixed-width values (timestamps): `<value>#<id>`."""
    return f"{value}#{padded(record_id)}"


# DynamoDB caps a sort key at 1,024 bytes; free text keeps this many bytes of its sort form
# (names that agree on their first 400 bytes sort by id).
TEXT_SORT_BYTES = 400


def text_sort_key(value: str, record_id: int) -> str:
    """For free text (names): case-folded, spaces collapsed, cut to TEXT_SORT_BYTES of UTF-8
    (never inside a character), and ended by \\x01, which sorts below every character left
    in it, so `Acme` comes before `Acme Trust`."""
    text = " ".join("".join(c for c in value if c >= " ").split()).casefold()
    text = text.encode()[:TEXT_SORT_BYTES].decode(errors="ignore")
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


# GSI7: the search index, a kind's compact search rows in shards (read in parallel), each
# shard by when its records last changed, so that "changed since" reads only what changed.
SEARCH_SHARDS = 8


def search_shard_pk(org: str, kind: str, shard: int) -> str:
    return f"ORG#{org}#{kind}#SEARCH#{shard}"


def search_pk(org: str, kind: str, record_id: int) -> str:
    return search_shard_pk(org, kind, record_id % SEARCH_SHARDS)


def record_id_of(sk: str) -> int:
    """The id in a record's SK (`DONOR#000000000012` -> 12)."""
    return int(sk.rsplit("#", 1)[1])


# An organisation's live records of a counted kind, in shards that concurrent writers rarely
# share (a record counts in shard id % COUNT_SHARDS; the total is one Query of them all).
COUNT_SHARDS = 16


def count_prefix(kind: str) -> str:
    return f"COUNT#{kind}#"


def count_sk(kind: str, record_id: int) -> str:
    return f"{count_prefix(kind)}{record_id % COUNT_SHARDS:02d}"


# A parent's facets: what each of its children adds to its search row, by child.
def facet_key(kind: str, record_id: int) -> str:
    return f"{kind}#{record_id}"


# GSI4/GSI5: a kind's records with one value of an attribute (a log's method, a donor's
# e-mail), or with a flag (an open follow-up): the kind's declared lookups.
def lookup_pk(org: str, kind: str, name: str, value: str | None = None) -> str:
    return f"ORG#{org}#{kind}#{name}" + ("" if value is None else f"#{value}")


# GSI6: the open follow-ups by due time: the follow-up queue.
def follow_up_queue_pk(org: str) -> str:
    return f"ORG#{org}#FOLLOWUP"
