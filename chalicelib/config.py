"""Runtime configuration, read from the environment once per process.

The API key pepper comes from API_KEY_PEPPER when it is set (local runs, tests, the CLI);
a deployed stack sets API_KEY_PEPPER_SECRET_ARN instead, and the pepper is read from that
Secrets Manager secret on first use, once per process (boto3 is imported only then).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


class ConfigurationError(RuntimeError):
    """The deployment is missing a setting it cannot run without."""


@dataclass(frozen=True)
class Settings:
    table_name: str
    pepper: str
    # Seconds a warm Lambda trusts a verified API key before asking the table
    # again; revocation therefore takes effect within this many seconds.
    key_cache_seconds: float
    # Ids reserved per round trip to an organisation's id counter.
    id_block_size: int
    # Where the follow-up sweep raises what fell due: the stack's EventBridge bus and the
    # SNS topic staff subscribe to (empty: that channel is not configured).
    event_bus_name: str = ""
    reminder_topic_arn: str = ""
    # The Secrets Manager secret holding the pepper, used when `pepper` is empty.
    pepper_secret_arn: str = ""

    @property
    def api_key_pepper(self) -> bytes:
        """The secret in every key digest; required wherever keys are checked or made.

        API_KEY_PEPPER if set, else the secret API_KEY_PEPPER_SECRET_ARN names (read once)."""
        if self.pepper or not self.pepper_secret_arn:
            pepper, source = self.pepper, "API_KEY_PEPPER"
        else:
            pepper, source = _secret_string(self.pepper_secret_arn), f"the secret {self.pepper_secret_arn}"
        if len(pepper) < 16:
            raise ConfigurationError(
                "API_KEY_PEPPER must be set to a secret of at least 16 characters "
                "(or API_KEY_PEPPER_SECRET_ARN to a Secrets Manager secret holding one)"
                if source == "API_KEY_PEPPER" else
                f"{source} must hold a pepper of at least 16 characters"
            )
        return pepper.encode()

    @property
    def cursor_secret(self) -> bytes:
        """Signs pagination cursors so they cannot be forged or moved across orgs."""
        return b"cursor:" + self.api_key_pepper


def _env_int(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be an integer, got {raw!r}") from exc
    if value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, got {value}")
    return value


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings(
        table_name=os.environ.get("TABLE_NAME", "donor-relations"),
        pepper=os.environ.get("API_KEY_PEPPER", ""),
        key_cache_seconds=float(_env_int("API_KEY_CACHE_SECONDS", 10, 0)),
        id_block_size=_env_int("ID_BLOCK_SIZE", 10, 1),
        event_bus_name=os.environ.get("EVENT_BUS_NAME", ""),
        reminder_topic_arn=os.environ.get("REMINDER_TOPIC_ARN", ""),
        pepper_secret_arn=os.environ.get("API_KEY_PEPPER_SECRET_ARN", ""),
    )


# ---- secrets, read on first use --------------------------------------------------------

@lru_cache(maxsize=None)
def _secret_string(secret_id: str) -> str:
    """The secret's SecretString, fetched once per process (a failed fetch is not cached)."""
    from botocore.exceptions import BotoCoreError, ClientError

    from . import aws
    from .errors import ServiceUnavailable

    try:
        response = aws.client("secretsmanager").get_secret_value(SecretId=secret_id)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in ("ThrottlingException", "InternalServiceError", "InternalServiceErrorException"):
            raise ServiceUnavailable("The key store is busy; retry shortly.") from exc
        raise ConfigurationError(f"cannot read the secret {secret_id}: {code}") from exc
    except BotoCoreError as exc:
        raise ServiceUnavailable("The key store could not be reached; retry shortly.") from exc
    value = response.get("SecretString")
    if value is None:
        raise ConfigurationError(f"the secret {secret_id} holds binary data, not a string")
    return value


def reset() -> None:
    """Forget the cached settings and secrets (tests and the CLI change the environment)."""
    settings.cache_clear()
    _secret_string.cache_clear()
