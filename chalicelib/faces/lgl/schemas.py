"""Request bodies of the LGL face, validated with pydantic in lax mode: numbers sent as
strings ("515") are numbers, "true"/"false" are booleans, as LGL's own examples send them.

Unknown fields are accepted, as LGL accepts them (generated clients send a neighbouring
model's fields), and named: `parse` returns their paths, which the route answers in the
`X-Ignored-Fields` header and writes to the request's log line. Empty `{}` entries of nested
arrays are dropped. A value of the wrong type is a 422 naming the field
(`email_addresses[0].email_address_type_id`).
"""
from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from ...domain import contact_points
from ...errors import FieldError, ValidationFailed

Text = Annotated[str, Field(max_length=255)]
LongText = Annotated[str, Field(max_length=5000)]


def _calendar_date(value: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError("must be a date in the form YYYY-MM-DD")
    return date.fromisoformat(value.strip()).isoformat()


def _external_id(value: Union[str, int]) -> str:
    text = str(value).strip()
    if not text or any(c.isspace() or c == "#" for c in text):
        raise ValueError("must be non-empty, without spaces or '#'")
    return text


CalendarDate = Annotated[str, AfterValidator(_calendar_date)]
Id = Annotated[int, Field(ge=1, le=10**12)]
ExternalId = Annotated[Union[Annotated[str, Field(max_length=128)], int], AfterValidator(_external_id)]


class Body(BaseModel):
    model_config = ConfigDict(extra="allow", defer_build=True, json_schema_extra={
        "additionalProperties": True, "x-unknown-fields": "ignored and named in X-Ignored-Fields"})


class EmailAddressBody(Body):
    address: Annotated[str, Field(max_length=contact_points.EMAIL_MAX)] | None = None
    email_address: Annotated[str, Field(max_length=contact_points.EMAIL_MAX)] | None = Field(
        None, description="Another name of `address`")
    email_address_type_id: Id | None = None
    email_type_name: Text | None = None
    is_preferred: bool | None = None
    not_current: bool | None = None


class PhoneNumberBody(Body):
    number: Annotated[str, Field(max_length=64)] | None = None
    phone_number_type_id: Id | None = None
    phone_type_name: Text | None = None
    is_preferred: bool | None = None
    not_current: bool | None = None


class StreetAddressBody(Body):
    street: Text | None = None
    street_address_type_id: Id | None = None
    street_type_name: Text | None = None
    city: Text | None = None
    state: Text | None = None
    postal_code: Annotated[str, Field(max_length=32)] | None = None
    county: Text | None = None
    country: Text | None = None
    seasonal_from: Annotated[str, Field(max_length=5)] | None = Field(None, description="mm-dd")
    seasonal_to: Annotated[str, Field(max_length=5)] | None = Field(None, description="mm-dd")
    seasonal: bool | None = None
    is_preferred: bool | None = None
    not_current: bool | None = None


class WebAddressBody(Body):
    url: Annotated[str, Field(max_length=contact_points.URL_MAX)] | None = None
    web_address_type_id: Id | None = None
    web_address_type_name: Text | None = None
    is_preferred: bool | None = None


class KeywordRefBody(Body):
    id: Id | None = None
    name: Text | None = None
    short_code: Text | None = None


class CategoryKeywordsBody(Body):
    """A category of the constituent's keywords: the category by id, name or key; its keywords
    by id or name (or short code); `remove_previous_keywords` (on update): only these stay."""
    id: Id | None = None
    name: Text | None = None
    key: Text | None = None
    remove_previous_keywords: bool | None = None
    keywords: list[KeywordRefBody] | None = None


class CustomFieldValueBody(Body):
    id: Id | None = None
    name: Text | None = None


class CustomFieldBody(Body):
    """A custom field (a category of the record's item type) by id, name or key, and its values
    (keywords) by id or name; `remove_previous_values`: only the values sent stay."""
    id: Id | None = None
    name: Text | None = None
    key: Text | None = None
    remove_previous_values: bool | None = None
    values: list[CustomFieldValueBody] | None = None


# A body's `custom_fields` (gifts, volunteer times, invitations, appeal requests: domain/custom_fields.py).
CustomFields = list[CustomFieldBody]


# ---- a constituent's groups and memberships (faces/lgl/memberships.py) ---------------------------

class GroupMembershipBody(Body):
    """A constituent in a group: the group by `group_id` or `group_name` (the id wins; a name
    matches the group's name or key, any case). `is_current` is derived from `date_end`."""
    group_id: Id | None = None
    group_name: Text | None = None
    date_start: CalendarDate | None = None
    date_end: CalendarDate | None = None


class ConstituentGroupBody(GroupMembershipBody):
    """An entry of a constituent's `groups`: `id` names one of its group memberships (what is
    sent applies to it); else the group named: the membership the constituent has in it, or a
    new one."""
    id: Id | None = Field(None, description="One of the constituent's group memberships")
    name: Text | None = Field(None, description="Another name of `group_name`")


class MembershipBody(Body):
    """A membership: the level by `membership_level_id` or `membership_level_name` (the id wins)."""
    membership_level_id: Id | None = None
    membership_level_name: Text | None = None
    date_start: CalendarDate | None = None
    finish_date: CalendarDate | None = None
    note: LongText | None = None


class ConstituentMembershipBody(MembershipBody):
    """An entry of a constituent's `memberships`: `id` names one of its memberships (what is
    sent applies to it); without it, a new membership."""
    id: Id | None = Field(None, description="One of the constituent's memberships")


# ---- class affiliations, relationships and custom attribute values (a constituent's arrays and
# their own endpoints) -----------------------------------------------------------------------------

class ClassAffiliationBody(Body):
    """A class affiliation: its type by id or by name (the id wins), its year, a note."""
    class_affiliation_type_id: Id | None = None
    class_affiliation_type_name: Text | None = Field(None, description="The type by name (an addition to LGL's "
                                                                       "fields); the id wins when both are sent")
    year: int | None = None
    note: LongText | None = None


class ClassAffiliationItem(ClassAffiliationBody):
    """In a constituent's `class_affiliations`: `id` names one it has (changed, not added)."""
    id: Id | None = None


class RelationshipBody(Body):
    """A relationship to another constituent: its type by id or `name` (the id wins), the
    reciprocal's type by `reciprocal_id` or `rec_name` (else the type's own reciprocal)."""
    related_constituent_id: Id | None = None
    relationship_type_id: Id | None = None
    name: Text | None = Field(None, description="The relationship type's name")
    description: LongText | None = None
    reciprocal_id: Id | None = Field(None, description="The reciprocal relationship's type")
    rec_name: Text | None = Field(None, description="The reciprocal relationship's type, by name")
    reciprocal_description: LongText | None = None
    share_address: Annotated[int, Field(ge=0, le=2**31)] | None = None
    share_phone: Annotated[int, Field(ge=0, le=2**31)] | None = None
    auto_soft_credit: bool | None = None
    also_acknowledge: bool | None = None


class RelationshipItem(RelationshipBody):
    """In a constituent's `relationships`: `id` names one it has (changed, not added)."""
    id: Id | None = None


class CustomAttrBody(Body):
    """A custom attribute's value: the attribute by `id` (which wins) or `key`; `value` of its
    classification (text, a whole number, a date YYYY-MM-DD); null or empty removes it."""
    id: Id | None = None
    key: Text | None = None
    value: Any = Field(None, description="Text, a whole number or a date (YYYY-MM-DD), as the attribute's "
                                         "classification says (checked there, not coerced here)")


# A body's `custom_attrs` (constituents, invitations, appeal requests: domain/custom_attrs.py).
CustomAttrs = list[CustomAttrBody]


class ConstituentBody(Body):
    external_constituent_id: ExternalId | None = None
    is_org: bool | None = None
    constituent_contact_type_id: Id | None = None
    constituent_contact_type_name: Text | None = None
    prefix: Text | None = None
    first_name: Text | None = None
    middle_name: Text | None = None
    last_name: Text | None = None
    suffix: Text | None = None
    spouse_name: Text | None = None
    org_name: Text | None = None
    job_title: Text | None = None
    addressee: Text | None = None
    salutation: Text | None = None
    is_deceased: bool | None = None
    deceased_date: CalendarDate | None = None
    annual_report_name: Text | None = None
    birthday: CalendarDate | None = None
    gender: Text | None = None
    maiden_name: Text | None = None
    nick_name: Text | None = None
    spouse_nick_name: Text | None = None
    date_added: CalendarDate | None = None
    alt_salutation: Text | None = None
    alt_addressee: Text | None = None
    honorary_name: Text | None = None
    assistant_name: Text | None = None
    marital_status_id: Id | None = None
    marital_status_name: Text | None = None
    is_anon: bool | None = None
    email_addresses: list[EmailAddressBody] | None = None
    phone_numbers: list[PhoneNumberBody] | None = None
    street_addresses: list[StreetAddressBody] | None = None
    web_addresses: list[WebAddressBody] | None = None
    remove_previous_email_addresses: bool | None = None
    remove_previous_phone_numbers: bool | None = None
    remove_previous_street_addresses: bool | None = None
    remove_previous_web_addresses: bool | None = None
    categories: list[CategoryKeywordsBody] | None = None
    groups: list[ConstituentGroupBody] | None = None
    remove_previous_groups: bool | None = None
    memberships: list[ConstituentMembershipBody] | None = None
    remove_previous_memberships: bool | None = None
    # class affiliations, relationships and custom attribute values
    class_affiliations: list[ClassAffiliationItem] | None = None
    remove_previous_class_affiliations: bool | None = None
    relationships: list[RelationshipItem] | None = None
    remove_previous_relationships: bool | None = None
    custom_attrs: CustomAttrs | None = None


NESTED = ("email_addresses", "phone_numbers", "street_addresses", "web_addresses")


def _cleaned(body: dict[str, Any]) -> dict[str, Any]:
    return {k: [e for e in v if e != {}] if isinstance(v, list) else v for k, v in body.items()}


def _extras(model: BaseModel, path: str = "") -> list[str]:
    out = [f"{path}{name}" for name in (model.model_extra or {})]
    for name in _declared(model):
        value = getattr(model, name)
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    out += _extras(item, f"{path}{name}[{index}].")
    return out


def _location(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


def parse(model: type[Body], body: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(the fields sent, explicit nulls kept, nested records as dicts; the ignored fields' paths)."""
    try:
        parsed = model.model_validate(_cleaned(body))
    except ValidationError as exc:
        errors = []
        for error in exc.errors():
            if error["type"] == "union_tag_invalid":
                continue
            errors.append(FieldError(_location(error["loc"][:-1] if error["loc"] and error["loc"][-1] in ("str", "int")
                                               else error["loc"]), error["msg"].removeprefix("Value error, ")))
        unique = list({(e.field, e.message): e for e in errors}.values())
        raise ValidationFailed(f"The request body has invalid fields: {', '.join(e.field for e in unique)}.",
                               unique) from None
    sent = {name: _plain(getattr(parsed, name)) for name in _declared(parsed)}
    return sent, _extras(parsed)


def _declared(model: BaseModel) -> list[str]:
    """The fields sent that the model declares (its extras are in model_fields_set too)."""
    return [name for name in model.model_fields_set if name in type(model).model_fields]


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, BaseModel):
        return {name: _plain(getattr(value, name)) for name in _declared(value)}
    return value
