"""Request and response models (pydantic) built from a record's field declarations
(domain/fields.py), so a resource declared once is parsed and documented by every face alike.

`lax` models take numbers and booleans sent as strings ("515", "true"), as LGL's clients send
them; strict ones (the native face) take JSON's own types. Every field of a request model is
optional: a PATCH sends some, and what a record requires is the domain's rule (a 422 naming it).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Union

from pydantic import AfterValidator, BaseModel, Field, StrictBool, StrictInt, create_model

from ..domain import fields as f
from ..domain.fields import Spec


def _date(value: str) -> str:
    return f.calendar_date(value)


Day = Annotated[str, AfterValidator(_date), Field(json_schema_extra={"format": "date"})]
Amount = Union[Decimal, StrictInt, Annotated[str, Field(max_length=40)]]
# Money and hours as every face answers them: the stored Decimal's digits, a JSON number.
ExactNumber = Annotated[float, Field(description="Exact: the digits stored, as a JSON number")]


def request_type(spec: Spec, *, lax: bool) -> Any:
    if spec.type in (f.TEXT, f.LONG_TEXT):
        return Annotated[str, Field(max_length=spec.longest)]
    if spec.type == f.DATE:
        return Day
    if spec.type in (f.MONEY, f.HOURS):
        return Union[Decimal, int, str] if lax else Amount
    if spec.type in (f.INTEGER, f.REF):
        return Annotated[int, Field(ge=0 if spec.type == f.INTEGER else 1, le=f.INTEGER_MAX)] if lax else \
            Annotated[StrictInt, Field(ge=0 if spec.type == f.INTEGER else 1, le=f.INTEGER_MAX)]
    return bool if lax else StrictBool


def response_type(spec: Spec) -> Any:
    return {f.TEXT: str, f.LONG_TEXT: str, f.DATE: Day, f.MONEY: ExactNumber, f.HOURS: ExactNumber, f.INTEGER: int,
            f.REF: int, f.BOOLEAN: bool}[spec.type] | None


def request_model(name: str, base: type[BaseModel], specs: tuple[Spec, ...], *, lax: bool,
                  extra: dict[str, Any] | None = None) -> type[BaseModel]:
    """A model of the fields, each optional; `extra`: more fields (name -> annotation)."""
    fields: dict[str, Any] = {s.name: (request_type(s, lax=lax) | None, Field(None, description=s.description or None))
                              for s in specs}
    fields.update({k: (v | None, None) for k, v in (extra or {}).items()})
    return create_model(name, __base__=base, **fields)


def response_model(name: str, base: type[BaseModel], fields: dict[str, Any]) -> type[BaseModel]:
    """A closed model of a rendered record: name -> annotation, each present (null allowed
    where the annotation says)."""
    return create_model(name, __base__=base, **{k: (v, ...) for k, v in fields.items()})
