"""AWS clients (DynamoDB, EventBridge, SNS, Secrets Manager): created on first use, so moto
intercepts them and importing chalicelib stays cheap, with retries pinned (botocore's
defaults changed across versions) and timeouts a Lambda can afford.

Every client comes from one boto3 session per process: a session parses each service's
model once (a new session per client costs ~0.15 s of CPU, a client of a warm one ~0.01 s).
"""
from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config

RETRY_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 4},
    connect_timeout=3,
    read_timeout=10,
)

_lock = threading.Lock()
_clients: dict[str, Any] = {}
_session: boto3.session.Session | None = None


def client(service: str) -> Any:
    """The process's client for `service`; honours AWS_ENDPOINT_URL(_<SERVICE>)."""
    global _session
    found = _clients.get(service)
    if found is None:
        with _lock:
            found = _clients.get(service)
            if found is None:
                if _session is None:
                    _session = boto3.session.Session()
                found = _clients[service] = _session.client(service, config=RETRY_CONFIG)
    return found


def reset_clients() -> None:
    """Forget every client (tests start a new mock, the CLI and `make run` a new endpoint).

    The session (its parsed models and resolved credentials) is kept; `reset_session` drops
    it too, for a process whose credentials changed."""
    with _lock:
        _clients.clear()


def reset_session() -> None:
    global _session
    with _lock:
        _clients.clear()
        _session = None
