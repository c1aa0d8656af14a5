"""The process's repositories, built on first use from the settings."""
from __future__ import annotations

from ..config import settings
from .directory import Directory
from .due_index import DueIndex
from .records import Records

_records: Records | None = None
_due_index: DueIndex | None = None
_directory: Directory | None = None


def records() -> Records:
    global _records
    if _records is None:
        config = settings()
        _records = Records(config.table_name, config.id_block_size)
    return _records


def due_index() -> DueIndex:
    global _due_index
    if _due_index is None:
        _due_index = DueIndex(settings().table_name)
    return _due_index


def directory() -> Directory:
    global _directory
    if _directory is None:
        _directory = Directory(settings().table_name, records().ids)
    return _directory


def reset() -> None:
    global _records, _due_index, _directory
    _records = None
    _due_index = None
    _directory = None
