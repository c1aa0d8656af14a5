"""A record's client-set fields, declared once: their types and limits, what the domain checks,
and what the faces build their request and response models from.

A face parses a body into Python values (numbers sent as strings become numbers there);
`check` then holds every value to its field's rule and names the field that breaks one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Iterable

from ..errors import FieldError, ValidationFailed
from . import money

TEXT = "text"
LONG_TEXT = "long_text"
DATE = "date"
MONEY = "money"          # an amount >= 0, exact to the cent
HOURS = "hours"          # a number of hours >= 0, to the hundredth
INTEGER = "integer"
BOOLEAN = "boolean"
REF = "ref"              # the id of a record a catalogue or another kind holds
TYPES = (TEXT, LONG_TEXT, DATE, MONEY, HOURS, INTEGER, BOOLEAN, REF)

TEXT_MAX = 255
LONG_TEXT_MAX = 20_000
INTEGER_MAX = 2**53  # what JSON clients hold exactly
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Spec:
    """One client-set field. `ref` names what a REF field points at (a catalogue's key)."""
    name: str
    type: str = TEXT
    required: bool = False
    max_length: int | None = None
    ref: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"{self.name}: unknown field type {self.type}")
        if (self.type == REF) != (self.ref is not None):
            raise ValueError(f"{self.name}: a REF field names what it refers to, and only it")

    @property
    def longest(self) -> int | None:
        if self.type == TEXT:
            return self.max_length or TEXT_MAX
        if self.type == LONG_TEXT:
            return self.max_length or LONG_TEXT_MAX
        return None


def calendar_date(value: Any) -> str:
    """`YYYY-MM-DD` of a real day, else ValueError."""
    if not isinstance(value, str) or not _DATE.match(value.strip()):
        raise ValueError("must be a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ValueError(f"{value.strip()!r} is not a day of the calendar") from None


def _value(spec: Spec, value: Any) -> Any:
    """The value as stored, or ValueError saying what is wrong with it."""
    if spec.type in (TEXT, LONG_TEXT):
        if not isinstance(value, str):
            raise ValueError("must be a string")
        if len(value) > (spec.longest or 0):
            raise ValueError(f"must be at most {spec.longest} characters (got {len(value)})")
        return value
    if spec.type == DATE:
        return calendar_date(value)
    if spec.type == MONEY:
        return money.parse_amount(value, money.DEFAULT_CURRENCY, zero=True)
    if spec.type == HOURS:  # exact to the hundredth, as money is to the cent
        try:
            return money.parse_amount(value, money.DEFAULT_CURRENCY, zero=True)
        except ValueError as exc:
            raise ValueError(str(exc).replace(f"{money.DEFAULT_CURRENCY} amounts have", "hours have")) from None
    if spec.type in (INTEGER, REF):
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or value != int(value):
            raise ValueError("must be an integer")
        number = int(value)
        if not (0 if spec.type == INTEGER else 1) <= number <= INTEGER_MAX:
            raise ValueError(f"must be from {0 if spec.type == INTEGER else 1} to {INTEGER_MAX}")
        return number
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def check(specs: Iterable[Spec], record: dict[str, Any]) -> dict[str, Any]:
    """`record` with each declared field's value checked and normalised (empty text is
    no value); ValidationFailed naming every field that breaks its rule."""
    out = dict(record)
    errors: list[FieldError] = []
    for spec in specs:
        value = out.get(spec.name)
        if isinstance(value, str) and spec.type != LONG_TEXT and not value.strip():
            value = None
        if value is None:
            out.pop(spec.name, None)
            if spec.required:
                errors.append(FieldError(spec.name, "is required"))
            continue
        try:
            out[spec.name] = _value(spec, value)
        except ValueError as exc:
            errors.append(FieldError(spec.name, str(exc)))
    if errors:
        raise ValidationFailed("Invalid fields: " + "; ".join(f"{e.field} {e.message}" for e in errors), errors)
    return out


def keep_sent(record: dict[str, Any], sent: str, held: str, old: dict[str, Any] | None,
              apply: Callable[[Any, list[Any]], Any]) -> None:
    """An array sent as `sent` (popped from `record`) applied, in place, to what `old` (None:
    a new record) held in `held`: `apply(held before, the array)`; nothing held is no
    attribute. (LGL's custom_fields and custom_attrs.)"""
    if sent in record:
        value = apply((old or {}).get(held), record.pop(sent) or [])
        if value:
            record[held] = value
        else:
            record.pop(held, None)
