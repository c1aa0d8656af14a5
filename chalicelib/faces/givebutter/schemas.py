"""Request bodies of the Givebutter face, validated with pydantic; unknown fields are refused.

Messages follow Laravel's wording, as Givebutter's API answers them.
"""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo
from datetime import datetime, time
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from ...domain import contact_logs
from ...domain.timestamps import format_timestamp, parse_timestamp, time_zone
from ...errors import FieldError, ValidationFailed

ActivityType = Literal[contact_logs.ACTIVITY_TYPES]  # type: ignore[valid-type]
Note = Annotated[str, Field(max_length=contact_logs.NOTES_MAX)]
Subject = Annotated[str, Field(max_length=contact_logs.SUBJECT_MAX)]
Zone = Annotated[str, Field(max_length=contact_logs.TIMEZONE_MAX)]

# What the face calls a field -> what the record calls it.
DOMAIN_NAMES = {"type": "activity_type", "note": "notes", "subject": "subject",
                "occurred_at": "occurred_at", "timezone": "timezone"}
FACE_NAMES = {domain: face for face, domain in DOMAIN_NAMES.items()} | {"contact_method": "type"}
READ_ONLY = frozenset({"id", "source", "data", "resource", "resource_type", "created_at", "updated_at",
                       "created_by"})

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NAIVE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$")


def _zone(name: str | None) -> ZoneInfo | None:
    """The IANA zone so named, or None (free text, or no zone database for it)."""
    if not name or not name.strip():
        return None
    try:
        return time_zone(name.strip())
    except ValueError:  # free text, an unknown or path-like name: not a usable zone
        return None


def occurred_at(value: str, zone_name: str | None) -> str:
    """An ISO 8601 date-time as canonical UTC. Without an offset it is read in `zone_name`
    (an IANA zone); a bare date without a usable zone is 00:00 UTC, a bare time is refused."""
    text = value.strip()
    zone = _zone(zone_name)
    try:
        date_only, naive = _DATE.match(text), _NAIVE.match(text)
        if zone is not None and (date_only or naive):
            parts = [int(p) for p in (naive or date_only).groups()[:6] if p is not None]
            fraction = (naive.group(7) or "") if naive else ""
            micro = int((fraction + "000000")[:6])
            local = datetime(*parts, microsecond=micro) if naive else datetime.combine(
                datetime(*parts).date(), time())
            return format_timestamp(local.replace(tzinfo=zone))
        if naive:
            raise ValueError("The occurred_at field must include a time zone ('Z' or '+02:00'), "
                             "or send timezone as an IANA zone name such as America/New_York.")
        return format_timestamp(parse_timestamp(text))
    except (OverflowError, ValueError) as exc:
        message = str(exc)
        if not message.startswith("The occurred_at"):
            message = f"The occurred_at field must be a valid date ({message or 'out of range'})."
        raise ValueError(message) from None


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")
    REQUIRED: ClassVar[frozenset[str]] = frozenset()

    # Declared before occurred_at, so its validator sees the zone of the same request.
    timezone: Zone | None = None

    @classmethod
    def parse(cls, body: dict[str, Any]) -> dict[str, Any]:
        """The fields sent (explicit nulls kept), in the record's names, or a 422 naming each."""
        problems = [FieldError(name, f"The {name} field is set by the server.")
                    for name in body if name in READ_ONLY]
        fields: dict[str, Any] = {}
        try:
            model = cls.model_validate({k: v for k, v in body.items() if k not in READ_ONLY})
            fields = {name: getattr(model, name) for name in model.model_fields_set}
        except ValidationError as exc:
            problems += _field_errors(exc)
        for name in cls.REQUIRED:
            if body.get(name) is None and name not in {p.field for p in problems}:
                problems.append(FieldError(name, f"The {name} field is required."))
        if problems:
            raise ValidationFailed("The given data was invalid.", _in_body_order(problems, body))
        return {DOMAIN_NAMES[name]: value for name, value in fields.items()}


class ActivityCreate(Body):
    REQUIRED = frozenset({"type"})
    type: ActivityType | None = None
    note: Note | None = None
    subject: Subject | None = None
    occurred_at: str | None = None

    @field_validator("occurred_at")
    @classmethod
    def _occurred_at(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else occurred_at(value, info.data.get("timezone"))


class ActivityUpdate(ActivityCreate):
    """Every field optional (PUT and PATCH alike change only what they send)."""
    REQUIRED = frozenset()

    @classmethod
    def parse(cls, body: dict[str, Any]) -> dict[str, Any]:
        kept = ("type", "occurred_at")  # the record cannot be without them
        cleared = [FieldError(name, f"The {name} field cannot be null; leave it out to keep it.")
                   for name in kept if name in body and body[name] is None]
        if not cleared:
            return super().parse(body)
        try:
            super().parse({k: v for k, v in body.items() if k not in kept or v is not None})
        except ValidationFailed as failed:
            cleared += failed.errors
        raise ValidationFailed("The given data was invalid.", _in_body_order(cleared, body))


def _in_body_order(problems: list[FieldError], body: dict[str, Any]) -> list[FieldError]:
    order = {name: n for n, name in enumerate(body)}
    return sorted(problems, key=lambda p: order.get(p.field, len(order)))


def _field_errors(exc: ValidationError) -> list[FieldError]:
    out: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "body"
        if name in out:
            continue
        kind, context = error["type"], error.get("ctx") or {}
        if kind == "extra_forbidden":
            message = f"The {name} field is not a field of a contact activity."
        elif kind == "missing":
            message = f"The {name} field is required."
        elif kind == "literal_error":
            message = (f"The selected {name} is invalid; use one of "
                       f"{', '.join(contact_logs.ACTIVITY_TYPES)}.")
        elif kind == "string_type":
            message = f"The {name} field must be a string."
        elif kind == "string_too_long":
            message = f"The {name} field must not be greater than {context.get('max_length')} characters."
        else:
            message = error["msg"].removeprefix("Value error, ")
        out[name] = message
    return [FieldError(name, message) for name, message in out.items()]
