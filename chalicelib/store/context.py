"""The process's repository, built on first use from the settings."""
from __future__ import annotations

from ..config import settings
from .records import Records

_records: Records | None = None


def records() -> Records:
    global _records
    if _records is None:
        config = settings()
        _records = Records(config.table_name, config.id_block_size)
    return _records


def reset() -> None:
    global _records
    _records = None
