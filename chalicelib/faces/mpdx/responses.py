"""Response documents of the MPDX face (JSON:API) as pydantic models, for its OpenAPI document.

They describe what routes.py, render.py and errors.py build (closed schemas, every field
required: tests/contract/test_openapi.py validates real responses against them). Imported only
to build a document: routes name their models, so a cold start pays nothing.
"""
from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from . import params


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


DateTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


class AccountListLinkage(Model):
    id: str = Field(description="Your organisation's id")
    type: Literal["account_lists"]


class PersonLinkage(Model):
    id: str
    type: Literal["people"]


class AddressLinkage(Model):
    id: str
    type: Literal["addresses"]


class AccountListRelationship(Model):
    data: AccountListLinkage


class PeopleRelationship(Model):
    data: list[PersonLinkage] = Field(max_length=1)


class AddressesRelationship(Model):
    data: list[AddressLinkage] = Field(max_length=1)


class ContactRelationships(Model):
    account_list: AccountListRelationship
    people: PeopleRelationship
    addresses: AddressesRelationship


class ContactAttributes(Model):
    allow_deletion: bool = Field(description="True when the donor has no donations and no contact logs: "
                                             "what DELETE will do")
    created_at: DateTime
    name: str
    square_avatar: None
    updated_at: DateTime
    updated_in_db_at: DateTime


class Contact(Model):
    """A contact: a donor as a JSON:API resource object."""
    id: str
    type: Literal["contacts"]
    attributes: ContactAttributes
    relationships: ContactRelationships


class Pagination(Model):
    page: int
    per_page: int
    total_count: int
    total_pages: int


class ContactListMeta(Model):
    pagination: Pagination
    sort: Literal[params.SORTS] | None  # type: ignore[valid-type]
    filter: dict[str, str] = Field(description="The filters given, by name (`status`, ...)")


class ContactList(Model):
    data: list[Contact]
    meta: ContactListMeta


class ContactDocument(Model):
    data: Contact


class ParameterSource(Model):
    parameter: str


class HeaderSource(Model):
    header: str


class PointerSource(Model):
    pointer: str


class ErrorObject(Model):
    status: str = Field(description="The HTTP status, as a string")
    title: str
    detail: str
    # Absent when no one parameter, header or member is to blame (never null).
    source: Union[ParameterSource, HeaderSource, PointerSource] = Field(  # type: ignore[assignment]
        None, json_schema_extra=lambda schema: schema.pop("default"))


class ErrorDocument(Model):
    """A JSON:API error document."""
    errors: list[ErrorObject] = Field(min_length=1)

