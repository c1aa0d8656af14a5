"""AWS clients (DynamoDB, EventBridge, SNS, Secrets Manager): created on first use, so moto
intercepts them and importing chalicelib stays cheap, with retries pinned (botocore's
defaults changed across versions) and timeouts a Lambda can afford."""
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


def client(service: str) -> Any:
    """The process's client for `service`; honours AWS_ENDPOINT_URL(_<SERVICE>)."""
    found = _clients.get(service)
    if found is None:
        with _lock:
            found = _clients.get(service)
            if found is None:
                found = _clients[service] = boto3.session.Session().client(service, config=RETRY_CONFIG)
    return found


def reset_clients() -> None:
    """Forget every client (tests start a new mock, the CLI and `make run` a new endpoint)."""
    with _lock:
        _clients.clear()
