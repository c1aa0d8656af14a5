"""Runtime configuration, read from the environment once per process."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


class ConfigurationError(RuntimeError):
    """The deployment is missing a setting it cannot run without."""


@dataclass(frozen=True)
class Settings:
    table_name: str
    api_key_pepper: bytes
    # Seconds a warm Lambda trusts a verified API key before asking the table
    # again; revocation therefore takes effect within this many seconds.
    key_cache_seconds: float
    # Ids reserved per round trip to an organisation's id counter.
    id_block_size: int
    # Signs pagination cursors so they cannot be forged or moved across orgs.
    cursor_secret: bytes


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
    pepper = os.environ.get("API_KEY_PEPPER", "")
    if len(pepper) < 16:
        raise ConfigurationError(
            "API_KEY_PEPPER must be set to a secret of at least 16 characters"
        )
    return Settings(
        table_name=os.environ.get("TABLE_NAME", "donor-relations"),
        api_key_pepper=pepper.encode(),
        key_cache_seconds=float(_env_int("API_KEY_CACHE_SECONDS", 10, 0)),
        id_block_size=_env_int("ID_BLOCK_SIZE", 10, 1),
        cursor_secret=("cursor:" + pepper).encode(),
    )


def reset() -> None:
    """Forget the cached settings (tests and the CLI change the environment)."""
    settings.cache_clear()
