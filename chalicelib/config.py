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
    pepper: str
    # Seconds a warm Lambda trusts a verified API key before asking the table
    # again; revocation therefore takes effect within this many seconds.
    key_cache_seconds: float
    # Ids reserved per round trip to an organisation's id counter.
    id_block_size: int

    @property
    def api_key_pepper(self) -> bytes:
        """The secret in every key digest; required wherever keys are checked or made."""
        if len(self.pepper) < 16:
            raise ConfigurationError(
                "API_KEY_PEPPER must be set to a secret of at least 16 characters"
            )
        return self.pepper.encode()

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
    )


def reset() -> None:
    """Forget the cached settings (tests and the CLI change the environment)."""
    settings.cache_clear()
