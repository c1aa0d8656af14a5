"""Opaque pagination cursors: a page's last key, signed and bound to the query it came from.

A cursor from one org (or one filter) is rejected for another: the binding is part of
what is signed, so a client can neither forge a start key nor move it across queries.
A list that carries more than the last key from page to page (the follow-up queue keeps
its first page's `now`) signs all of it here the same way.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from ..config import settings
from ..errors import BadRequest, FieldError


def _sign(payload: bytes) -> bytes:
    return hmac.new(settings().cursor_secret, payload, hashlib.sha256).digest()[:16]


def _binding_digest(binding: str) -> str:
    return hashlib.sha256(binding.encode()).hexdigest()[:16]


def encode(state: dict[str, Any], binding: str) -> str:
    """`state` (a page's last key, or what else a list resumes from) as an opaque cursor."""
    payload = json.dumps({"k": state, "b": _binding_digest(binding)},
                         separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(payload + _sign(payload)).decode().rstrip("=")


def decode(cursor: str, binding: str, parameter: str = "cursor") -> dict[str, Any]:
    """The state `encode` signed for this binding; BadRequest naming `parameter` otherwise."""
    invalid = BadRequest(
        f"{parameter} is not a cursor this list issued; start again without it",
        [FieldError(parameter, "unknown, expired or belongs to another query")],
    )
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (ValueError, TypeError):
        raise invalid from None
    payload, signature = raw[:-16], raw[-16:]
    if len(raw) <= 16 or not hmac.compare_digest(signature, _sign(payload)):
        raise invalid
    data: Any = json.loads(payload)
    if data.get("b") != _binding_digest(binding):
        raise invalid
    return data["k"]

