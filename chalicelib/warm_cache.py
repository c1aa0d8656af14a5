"""What a warm Lambda keeps for a few seconds: verified keys, team members, lookup values.

Each is a `WarmCache`: values by key, each kept for API_KEY_CACHE_SECONDS (0 keeps nothing),
safe across the threads of `chalice local`. Every cache is registered, so `clear_all()` (tests,
an operator command that changed what they hold) forgets them all at once and no cache can
be missed.
"""
from __future__ import annotations

import threading
import time
from typing import Callable, Generic, Hashable, TypeVar

from .config import settings

V = TypeVar("V")
_ALL: list["WarmCache"] = []


class WarmCache(Generic[V]):
    def __init__(self) -> None:
        self._values: dict[Hashable, tuple[V, float]] = {}
        self._lock = threading.Lock()
        _ALL.append(self)

    def get(self, key: Hashable, load: Callable[[], V]) -> V:
        """The value kept for `key`, or `load()`'s (kept for the configured seconds)."""
        with self._lock:
            kept = self._values.get(key)
        if kept is not None and kept[1] > time.monotonic():
            return kept[0]
        value = load()
        ttl = settings().key_cache_seconds
        if ttl > 0:
            with self._lock:
                self._values[key] = (value, time.monotonic() + ttl)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def clear_all() -> None:
    for cache in _ALL:
        cache.clear()
