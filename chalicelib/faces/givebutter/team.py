"""Who created an activity (Givebutter's `created_by`), from the org's team members.

Members change rarely and a list names the same few again and again, so a warm Lambda
keeps each one for `API_KEY_CACHE_SECONDS` (the same window as verified keys): a
rendered activity costs no read once its creator was seen.
"""
from __future__ import annotations

import threading
import time
from typing import Any

from ...config import settings
from ...domain import organisations
from ...errors import NotFound

_cache: dict[tuple[str, int], tuple[dict[str, Any] | None, float]] = {}
_lock = threading.Lock()


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def member(org: str, member_id: Any) -> dict[str, Any] | None:
    """The team member's record, or None when the id names no member (any more)."""
    if member_id is None:
        return None
    key = (org, int(member_id))
    with _lock:
        cached = _cache.get(key)
    if cached and cached[1] > time.monotonic():
        return cached[0]
    try:
        found: dict[str, Any] | None = organisations.member(org, key[1])
    except NotFound:
        found = None
    ttl = settings().key_cache_seconds
    if ttl > 0:
        with _lock:
            _cache[key] = (found, time.monotonic() + ttl)
    return found
