"""UTC ISO 8601 timestamps: one way in, one way out."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

OUT_OF_RANGE = "is outside the years 0001-9999 in UTC"
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# ISO 8601 extended format with a mandatory zone (Z or +hh:mm); fractions to nanoseconds.
_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})$"
)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def format_timestamp(value: datetime) -> str:
    """`2026-06-10T02:00:00.000Z`: UTC, milliseconds, as the Together API writes them.

    Always four year digits (`0226-06-10T…`): every index sorts and ranges these strings, so
    they must order as the instants do. Not strftime: glibc's %Y drops the zeros below 1000.
    """
    utc = value.astimezone(timezone.utc).replace(tzinfo=None)
    return utc.isoformat(timespec="milliseconds") + "Z"  # milliseconds truncated, as parsed


def parse_timestamp(text: str) -> datetime:
    """An ISO 8601 datetime with a zone (`Z` or an offset), or a bare date meaning 00:00 UTC.

    Raises ValueError with a message fit for a client.
    """
    if not isinstance(text, str):
        raise ValueError("must be an ISO 8601 datetime string")
    text = text.strip()
    if _DATE_ONLY.match(text):
        try:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), timezone.utc)
        except ValueError:
            raise ValueError(f"{text!r} is not a valid calendar date") from None
    if not _DATETIME.match(text):
        if re.match(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$", text):
            raise ValueError("must include a time zone, e.g. 'Z' or '+02:00'")
        raise ValueError("must be an ISO 8601 datetime such as 2026-06-10T02:00:00.000Z")
    normalized = text.replace("z", "Z").replace("Z", "+00:00")
    # Python accepts at most microseconds; keep the first six fraction digits.
    normalized = re.sub(r"(\.\d{6})\d+", r"\1", normalized)
    try:
        return datetime.fromisoformat(normalized).astimezone(timezone.utc)
    except ValueError:
        raise ValueError(f"{text!r} is not a valid date and time") from None
    except OverflowError:  # 0001-01-01T00:00+01:00 is before year 1 in UTC
        raise ValueError(f"{text!r} {OUT_OF_RANGE}") from None


def canonical_timestamp(text: str) -> str:
    return format_timestamp(parse_timestamp(text))


def parse_date_or_timestamp(text: str) -> str:
    """A bare date stays a date (`2026-06-10`); a datetime becomes canonical UTC."""
    if isinstance(text, str) and _DATE_ONLY.match(text.strip()):
        try:
            return date.fromisoformat(text.strip()).isoformat()
        except ValueError:
            raise ValueError(f"{text!r} is not a valid calendar date") from None
    return canonical_timestamp(text)


def time_zone(name: str) -> ZoneInfo:
    """An IANA time zone (`Europe/Berlin`, `UTC`); ValueError naming what is wrong."""
    if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        raise ValueError("must be an IANA time zone name such as UTC or America/New_York")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"{name!r} is not a known IANA time zone (e.g. UTC, Europe/Berlin)") from None


def parse_in_zone(text: str, zone: ZoneInfo) -> datetime:
    """Like parse_timestamp, but a bare date means 00:00 of that day in `zone`."""
    if isinstance(text, str) and _DATE_ONLY.match(text.strip()):
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            raise ValueError(f"{text!r} is not a valid calendar date") from None
        try:
            return datetime.combine(day, datetime.min.time(), zone).astimezone(timezone.utc)
        except OverflowError:  # 0001-01-01 in Tokyo begins in year 0 in UTC
            raise ValueError(f"{text!r} in {zone.key} {OUT_OF_RANGE}") from None
    return parse_timestamp(text)
