"""API keys: shown once, stored as an HMAC-SHA256 digest, scoped READ or WRITE.

A key looks like `dr_<key id>_<secret>`. The key id is public (logs and support use it);
the table keeps only HMAC(pepper, key), so a copy of the table cannot be used to call the
API. A verified key is trusted for `API_KEY_CACHE_SECONDS` (10 by default) in a warm
Lambda: revocation takes effect within that many seconds.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from typing import Any

from .config import settings
from .errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from .domain import organisations
from .domain.lifecycle import now
from .store.context import directory
from .warm_cache import WarmCache

READ = "READ"
WRITE = "WRITE"
SCOPES = (READ, WRITE)
KEY_PREFIX = "dr_"
_KEY_ID_ALPHABET = string.ascii_lowercase + string.digits


@dataclass(frozen=True)
class Principal:
    org: str
    key_id: str
    scope: str
    team_member_id: int | None = None

    def require(self, scope: str) -> None:
        if scope == WRITE and self.scope != WRITE:
            raise Forbidden(f"API key {self.key_id} is read-only; this request needs a WRITE key.")


def digest(api_key: str) -> str:
    return hmac.new(settings().api_key_pepper, api_key.encode(), hashlib.sha256).hexdigest()


_verified: WarmCache[Principal] = WarmCache()


def clear_cache() -> None:
    _verified.clear()


def authenticate(api_key: str | None) -> Principal:
    if not api_key:
        raise Unauthorized("Send your API key as 'Authorization: Bearer <key>'.")
    key_digest = digest(api_key)
    return _verified.get(key_digest, lambda: _verify(key_digest))


def _verify(key_digest: str) -> Principal:
    item = directory().api_key(key_digest)
    # The lookup is by digest; compare it again in constant time before trusting the item.
    if (not item or not hmac.compare_digest(item.get("digest", ""), key_digest)
            or item.get("revoked_at")):
        raise Unauthorized("The API key is not valid (unknown or revoked).", invalid_token=True)
    return Principal(item["org"], item["key_id"], item["scope"], item.get("team_member_id"))


def create_key(org: str, scope: str, *, label: str = "", team_member_id: int | None = None,
               plaintext: str | None = None) -> tuple[str, dict[str, Any]]:
    """A new key for `org`; returns (the key, shown only now; its stored record)."""
    if scope not in SCOPES:
        raise ValidationFailed.on("scope", f"must be one of {', '.join(SCOPES)}")
    organisations.get(org)
    if team_member_id is not None:
        organisations.member(org, team_member_id)
    key_id = "".join(secrets.choice(_KEY_ID_ALPHABET) for _ in range(10))
    prefix = f"{KEY_PREFIX}{key_id}"  # public: the key id, never part of the secret
    if plaintext is None:
        plaintext = f"{prefix}_{secrets.token_urlsafe(32)}"
    elif len(plaintext) < 16 or any(c.isspace() for c in plaintext):
        raise ValidationFailed.on("key", "a chosen key needs at least 16 characters and no spaces")
    key_digest = digest(plaintext)
    record = {
        "org": org, "key_id": key_id, "scope": scope, "label": label,
        "prefix": prefix if plaintext.startswith(prefix) else None, "team_member_id": team_member_id, "created_at": now(),
    }
    try:
        directory().add_api_key(key_digest, record)
    except Conflict:
        raise Conflict("That key is already in use (or was revoked); choose another.") from None
    return plaintext, record


def _public(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k != "digest"}


def list_keys(org: str) -> list[dict[str, Any]]:
    return [_public(item) for item in directory().api_keys(org)]


def revoke_key(org: str, key_id: str) -> dict[str, Any]:
    found = directory().api_keys(org, key_id)
    if not found:
        raise NotFound(f"Organisation {org} has no API key {key_id}.")
    item = found[0]
    revoked_at = item.get("revoked_at") or now()
    directory().set_api_key_attributes(item["digest"], {"revoked_at": revoked_at})
    clear_cache()
    return {**_public(item), "revoked_at": revoked_at}

