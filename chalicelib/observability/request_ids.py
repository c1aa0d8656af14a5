"""The id of the request (or sweep run) in progress, carried by every log record.

`bound(id)` makes `id` current for the block (a contextvar, so concurrent requests of the
threaded local server each see their own); `install()` makes every LogRecord created from
then on, ours and every library's, carry it as `record.request_id` (`NONE` outside a
request), so any handler's format can print `%(request_id)s`. Under Lambda the id is the
invocation's `aws_request_id`, which the runtime already prints on each line it writes.
"""
from __future__ import annotations

import contextvars
import logging
import uuid
from contextlib import contextmanager
from typing import Any, Iterator

NONE = "-"
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def current() -> str | None:
    return _current.get()


def new() -> str:
    """A fresh id where no platform gives one (local runs, tests, the CLI)."""
    return str(uuid.uuid4())


@contextmanager
def bound(request_id: str | None = None) -> Iterator[str]:
    """`request_id` (or a fresh one) is current inside the block."""
    token = _current.set(request_id or new())
    try:
        yield _current.get()  # type: ignore[misc]
    finally:
        _current.reset(token)


def install() -> None:
    """Every LogRecord made from now on carries `request_id`. Idempotent; chains to the
    factory in place (the Lambda runtime's, or another library's)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "adds_request_id", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = _current.get() or NONE
        return record

    factory.adds_request_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
