"""Request bodies of the Together face, validated with pydantic; unknown fields are refused."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt,
                      ValidationError)

from ...domain import contact_logs, donations, donors
from ...errors import FieldError, ValidationFailed
from ...domain.timestamps import canonical_timestamp, parse_date_or_timestamp


def _timestamp(value: str) -> str:
    return canonical_timestamp(value)


def _date_or_timestamp(value: str) -> str:
    return parse_date_or_timestamp(value)


def _calendar_date(value: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("must be a date in the form YYYY-MM-DD")
    return date.fromisoformat(value).isoformat()


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("is not an e-mail address")
    return value


def _external_id(value: str) -> str:
    if not value or any(c.isspace() or c == "#" for c in value):
        raise ValueError("must be non-empty, without spaces or '#'")
    return value


def _donor_ref(value: Union[int, str]) -> Union[int, str]:
    if isinstance(value, int):
        if value < 1:
            raise ValueError("must be a positive donor id")
        return value
    if not value.strip():
        raise ValueError("must be a donor id")
    return value.strip()


Timestamp = Annotated[str, AfterValidator(_timestamp)]
DateOrTimestamp = Annotated[str, AfterValidator(_date_or_timestamp)]
CalendarDate = Annotated[str, AfterValidator(_calendar_date)]
EMAIL_MAX = 254  # RFC 5321's longest address; also keeps index keys within DynamoDB's limits
Email = Annotated[str, Field(max_length=EMAIL_MAX), AfterValidator(_email)]
DonorRef = Annotated[Union[StrictInt, Annotated[str, Field(max_length=128)]], AfterValidator(_donor_ref)]
Text = Annotated[str, Field(max_length=255)]
LongText = Annotated[str, Field(max_length=contact_logs.NOTES_MAX)]
Method = Literal[contact_logs.METHODS]  # type: ignore[valid-type]
DonorStatus = Literal[donors.STATUSES]  # type: ignore[valid-type]
Amount = Union[Decimal, StrictInt, Annotated[str, Field(max_length=40)]]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")
    READ_ONLY: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def parse(cls, body: dict[str, Any]) -> dict[str, Any]:
        """The fields the client sent (explicit nulls kept), validated, or a 422 naming each field."""
        read_only = [FieldError(name, "is read-only") for name in body if name in cls.READ_ONLY]
        if read_only:
            raise ValidationFailed("Some fields are set by the server.", read_only)
        try:
            model = cls.model_validate(body)
        except ValidationError as exc:
            raise ValidationFailed("The request body has invalid fields.", _field_errors(exc)) from None
        return {name: getattr(model, name) for name in model.model_fields_set}


# A value that fits none of a union's members gets one message, not one per member.
_UNION_MESSAGES = {
    "donor_id": "must be a donor id: an integer, or a string (the id or the donor's external_id)",
    "amount": "must be a number or a decimal string such as \"25.00\"",
}


def _field_errors(exc: ValidationError) -> list[FieldError]:
    by_field: dict[str, list[dict[str, Any]]] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "body"
        by_field.setdefault(field, []).append(error)
    out = []
    for field, errors in by_field.items():
        kinds = {e["type"] for e in errors}
        if "extra_forbidden" in kinds:
            message = "is not a field of this resource"
        elif "missing" in kinds:
            message = "is required"
        elif len(errors) > 1 and field in _UNION_MESSAGES:
            message = _UNION_MESSAGES[field]
        else:
            message = errors[0]["msg"].removeprefix("Value error, ")
        out.append(FieldError(field, message))
    return out


_SERVER_FIELDS = frozenset({"id", "created_at", "updated_at", "version", "deleted_at"})


class ContactLogCreate(Body):
    READ_ONLY = _SERVER_FIELDS | {"recorded_by_id", "follow_up_raised_at"}
    donor_id: DonorRef
    contact_method: Method
    occurred_at: Timestamp
    notes: LongText | None = None
    follow_up_at: Timestamp | None = None
    follow_up_completed_at: Timestamp | None = None


class ContactLogPatch(Body):
    READ_ONLY = ContactLogCreate.READ_ONLY
    donor_id: DonorRef | None = None
    contact_method: Method | None = None
    occurred_at: Timestamp | None = None
    notes: LongText | None = None
    follow_up_at: Timestamp | None = None
    follow_up_completed_at: Timestamp | None = None


class DonorFields(Body):
    READ_ONLY = _SERVER_FIELDS | {"sort_name", "contact_log_count", "donation_count"}
    is_org: StrictBool | None = None
    prefix: Text | None = None
    first_name: Text | None = None
    middle_name: Text | None = None
    last_name: Text | None = None
    suffix: Text | None = None
    nick_name: Text | None = None
    org_name: Text | None = None
    job_title: Text | None = None
    email: Email | None = None
    phone: Annotated[str, Field(max_length=64)] | None = None
    street: Text | None = None
    city: Text | None = None
    state: Text | None = None
    postal_code: Annotated[str, Field(max_length=32)] | None = None
    country: Text | None = None
    external_id: Annotated[str, Field(max_length=donors.EXTERNAL_ID_MAX), AfterValidator(_external_id)] | None = None
    birthday: CalendarDate | None = None
    is_deceased: StrictBool | None = None
    is_anon: StrictBool | None = None
    salutation: Text | None = None
    addressee: Text | None = None
    status: DonorStatus | None = None  # null clears it
    notes: Annotated[str, Field(max_length=donors.NOTES_MAX)] | None = None


def _record_id(value: Union[int, str]) -> int:
    number = value if isinstance(value, int) else int(value) if str(value).isascii() and str(value).isdigit() else 0
    if not 1 <= number <= 10**12:
        raise ValueError("must be a record id (digits)")
    return number


RecordId = Annotated[Union[StrictInt, Annotated[str, Field(max_length=13)]], AfterValidator(_record_id)]


class DonationCreate(Body):
    READ_ONLY = _SERVER_FIELDS
    donor_id: DonorRef
    amount: Amount
    currency: Annotated[str, Field(max_length=3)] | None = None
    received_at: DateOrTimestamp | None = None
    payment_method: Annotated[str, Field(max_length=50, description="A payment type's key: " + ", ".join(
        donations.PAYMENT_METHODS) + " by default")] | None = None
    check_number: Annotated[str, Field(max_length=64)] | None = None
    fund_id: RecordId | None = Field(None, description="A fund's id (`GET /api/v1/funds`)")
    fund: Text | None = Field(None, description="A fund's name (or code): another way to set fund_id")
    campaign_id: RecordId | None = None
    campaign: Text | None = Field(None, description="A campaign's name (or code)")
    appeal_id: RecordId | None = None
    appeal: Text | None = Field(None, description="An appeal's name (or code)")
    note: LongText | None = None
    external_id: Annotated[str, Field(max_length=128)] | None = None


class DonationPatch(DonationCreate):
    donor_id: DonorRef | None = None
    amount: Amount | None = None
