"""Response bodies of the LGL face as pydantic models, for its OpenAPI document (closed:
tests/contract/test_openapi.py validates real responses against them). Built lazily."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..spec_models import ExactNumber

Version = Literal["1.0"]
Stamp = Annotated[str, Field(json_schema_extra={"format": "date-time"}, description="YYYY-MM-DDTHH:MM:SSZ")]
Day = Annotated[str, Field(json_schema_extra={"format": "date"})]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class ErrorField(Model):
    field: str
    message: str


class Error(Model):
    """LGL's error: `error` a title ("Parameter Error", "Not Found"...), `description` what was wrong."""
    api_version: Version
    error: str
    description: str
    errors: list[ErrorField] = Field(description="Each field or parameter to blame (an addition to LGL's shape)")


class Result(Model):
    api_version: Version
    result: Literal["success"]


class Listing(Model):
    api_version: Version
    items_count: int = Field(description="The items in this page")
    total_items: int = Field(description="Every item that matches, exactly")
    limit: int
    offset: int
    next_item: int = Field(None, description="The offset of the next page; absent on the last",  # type: ignore
                           json_schema_extra=lambda schema: schema.pop("default"))
    next_link: str = Field(None, description="The next page's URL; absent on the last",  # type: ignore
                           json_schema_extra=lambda schema: schema.pop("default"))
    item_type: str


class _Stamped(Model):
    created_at: Stamp | None
    updated_at: Stamp | None


class _Owned(Model):
    item_id: int = Field(None, description="The constituent's id (on its own, not nested)",  # type: ignore
                         json_schema_extra=lambda schema: schema.pop("default"))
    item_type: Literal["Constituent"] = Field(None, json_schema_extra=lambda s: s.pop("default"))  # type: ignore


class EmailAddressFields(_Owned, _Stamped):
    id: int
    address: str
    email_address: str = Field(description="The same as `address`")
    email_address_type_id: int
    email_type_name: str | None
    is_preferred: bool
    not_current: bool
    parent_id: None


class PhoneNumberFields(_Owned, _Stamped):
    id: int
    number: str
    phone_number_type_id: int
    phone_type_name: str | None
    is_preferred: bool
    not_current: bool
    parent_id: None
    normalized_number: str | None = Field(description="Its digits")


class StreetAddressFields(_Owned, _Stamped):
    id: int
    street: str | None
    city: str | None
    state: str | None
    country: str | None
    postal_code: str | None
    county: str | None
    street_address_type_id: int
    street_type_name: str | None
    is_preferred: bool
    not_current: bool
    parent_id: None
    seasonal_from: str = Field(description="mm-dd")
    seasonal_to: str = Field(description="mm-dd")
    seasonal: bool | None
    lat: None
    lng: None
    zip5: str | None = Field(description="The postal code's first five digits, when it starts with five")
    verified: bool
    verified_on: None


class WebAddressFields(_Owned, _Stamped):
    id: int
    url: str
    web_address_type_id: int
    web_address_type_name: str | None
    is_preferred: bool
    parent_id: None


class ConstituentFields(_Stamped):
    id: int
    external_constituent_id: str | None
    is_org: bool
    constituent_contact_type_id: int | None
    constituent_contact_type_name: str | None
    prefix: str | None
    first_name: str | None
    middle_name: str | None
    last_name: str | None
    suffix: str | None
    spouse_name: str | None
    org_name: str | None
    job_title: str | None
    addressee: str | None
    salutation: str | None
    sort_name: str
    constituent_interest_level_id: None
    constituent_interest_level_name: None
    constituent_rating_id: None
    constituent_rating_name: None
    is_deceased: bool
    deceased_date: Day | None
    annual_report_name: str | None
    birthday: Day | None
    gender: str | None
    maiden_name: str | None
    nick_name: str | None
    spouse_nick_name: str | None
    date_added: Day | None
    alt_salutation: str | None
    alt_addressee: str | None
    honorary_name: str | None
    assistant_name: str | None
    marital_status_id: int | None
    marital_status_name: str | None
    is_anon: bool


# ---- class affiliations, relationships, custom attribute values ------------------------------------

class ClassAffiliationFields(Model):
    id: int
    constituent_id: int
    class_affiliation_type_id: int
    class_affiliation_type_name: str | None = Field(description="The type's name (an addition to LGL's fields)")
    year: int | None
    note: str | None


class ConstituentRelationshipFields(Model):
    """One side of a relationship (its reciprocal is the related constituent's)."""
    id: int
    relationship_type_id: int
    constituent_id: int
    related_constituent_id: int
    name: str | None = Field(description="The relationship type's name")
    description: str | None
    auto_soft_credit: bool
    also_acknowledge: bool
    share_address: int | None
    share_phone: int | None
    reciprocal_relationship_id: int | None = Field(
        description="The reciprocal's id: the related constituent's side (an addition to LGL's fields)")


class CustomAttrFields(Model):
    """A custom attribute's value, with its definition."""
    id: int = Field(description="The attribute's id")
    classification: str | None = Field(description="text, integer or date")
    name: str | None
    key: str | None
    ordinal: int | None
    value: str = Field(description="As text: an integer's digits, a date YYYY-MM-DD")


class ClassAffiliation(ClassAffiliationFields):
    api_version: Version


class ClassAffiliationList(Listing):
    items: list[ClassAffiliationFields]


class ConstituentRelationship(ConstituentRelationshipFields):
    api_version: Version


class ConstituentRelationshipList(Listing):
    items: list[ConstituentRelationshipFields]


def _catalogue_models() -> None:
    """The models of each catalogue LGL lists or manages (faces/lgl/catalogues.py), from its fields."""
    from pydantic import create_model

    from ...domain import catalogues
    from ...domain.fields import REF
    from ..spec_models import response_model, response_type
    from .catalogues import STAMPED, ref_name

    shown = [c for c in catalogues.CATALOGUES.catalogues.values() if c.listed or c.lgl_managed]
    for catalogue in sorted(shown, key=lambda c: c.key != "keywords"):  # categories hold keywords
        fields: dict[str, object] = {"id": int}
        for spec in catalogue.specs:
            fields[spec.name] = response_type(spec)
            if spec.type == REF:
                fields[ref_name(spec.name)] = str | None
        if catalogue.key == "categories":
            fields["keywords"] = list[globals()["KeywordFields"]]
        if catalogue.key in STAMPED:
            fields.update(created_at=Stamp | None, updated_at=Stamp | None)
        item = response_model(f"{catalogue.model}Fields", Model, fields)
        globals()[f"{catalogue.model}Fields"] = item
        globals()[catalogue.model] = create_model(catalogue.model, __base__=item, api_version=(Version, ...))
        globals()[f"{catalogue.model}List"] = create_model(f"{catalogue.model}List", __base__=Listing,
                                                           items=(list[item], ...))


_catalogue_models()


def _absent(description: str):  # an expand option's array: present only when asked for
    return Field(None, description=description, json_schema_extra=lambda schema: schema.pop("default"))


class ExpandedConstituent(ConstituentFields):
    """A constituent with the nested arrays asked for (all of them on its own)."""
    email_addresses: list[EmailAddressFields] = _absent("Its e-mail addresses")
    phone_numbers: list[PhoneNumberFields] = _absent("Its phone numbers")
    street_addresses: list[StreetAddressFields] = _absent("Its street addresses")
    web_addresses: list[WebAddressFields] = _absent("Its web addresses")
    class_affiliations: list[ClassAffiliationFields] = _absent("Its class affiliations")
    relationships: list[ConstituentRelationshipFields] = _absent("Its relationships (its sides of them)")
    categories: list[CategoryFields] = _absent(  # noqa: F821  (made by _catalogue_models)
        "The categories it has keywords of, each with those keywords")
    groups: list[GroupMembershipFields] = _absent("Its group memberships")
    memberships: list[MembershipFields] = _absent("Its memberships")
    custom_attrs: list[CustomAttrFields] = _absent("Its custom attribute values")


class Constituent(ExpandedConstituent):
    api_version: Version


class ConstituentList(Listing):
    items: list[ConstituentFields]


class ConstituentSearch(Listing):
    items: list[ExpandedConstituent]


class EmailAddress(EmailAddressFields):
    api_version: Version


class PhoneNumber(PhoneNumberFields):
    api_version: Version


class StreetAddress(StreetAddressFields):
    api_version: Version


class WebAddress(WebAddressFields):
    api_version: Version


class EmailAddressList(Listing):
    items: list[EmailAddressFields]


class PhoneNumberList(Listing):
    items: list[PhoneNumberFields]


class StreetAddressList(Listing):
    items: list[StreetAddressFields]


class WebAddressList(Listing):
    items: list[WebAddressFields]


class TypeValue(Model):
    id: int
    name: str
    display_name: str
    code: str | None
    ordinal: int


class TypeTable(Model):
    name: str
    key: str
    values: list[TypeValue]


class TypeList(Listing):
    items: list[TypeTable]


class TypeValueList(Listing):
    items: list[TypeValue]


class TeamMember(Model):
    id: int
    first_name: str | None
    last_name: str | None
    email: str | None
    role_id: int | None
    is_admin: bool
    is_primary_contact: bool
    is_billing_contact: bool


class TeamMemberList(Listing):
    items: list[TeamMember]


Amount = ExactNumber


class CustomFieldValue(Model):
    id: int
    category_id: int
    name: str
    description: str | None
    short_code: str | None
    ordinal: int | None
    removable: bool | None
    can_change: bool | None
    can_select: bool | None


class CustomField(Model):
    """A category of the record's item type, with the values (keywords) the record holds."""
    id: int
    item_type: str | None
    name: str | None
    key: str | None
    facet_type: str | None
    ordinal: int | None
    removable: bool | None
    editable: bool | None
    values: list[CustomFieldValue]


class GiftFields(_Stamped):
    """A gift (the native face's donation)."""
    id: int
    constituent_id: int
    external_id: str | None
    is_anon: bool
    gift_type_id: int | None
    gift_type_name: str | None
    gift_category_id: int = Field(description="0 when none")
    gift_category_name: str | None
    campaign_id: int = Field(description="0 when none")
    campaign_name: str | None
    fund_id: int = Field(description="0 when none")
    fund_name: str | None
    appeal_id: int = Field(description="0 when none")
    appeal_name: str | None
    event_id: int = Field(description="0 when none")
    event_name: str | None
    received_amount: Amount
    received_date: Day
    amount: Amount = Field(description="The same as `received_amount`")
    date: Day = Field(description="The same as `received_date`")
    payment_type_id: int | None
    payment_type_name: str | None
    check_number: str | None
    deductible_amount: Amount
    note: str | None
    ack_template_name: str | None
    deposit_date: Day = Field(description="As sent, else the received date")
    deposited_amount: Amount = Field(description="As sent, else the received amount")
    parent_gift_id: int | None
    parent_external_id: str | None
    auto_sync_to_qbo: bool
    tribute_name: str | None
    tributee_name: str | None
    tribute_dedication: str | None
    tribute_recipient_name: str | None
    tribute_recipient_salutation: str | None
    tribute_recipient_email: str | None
    tribute_recipient_address: str | None
    tribute_recipient_notification_template: str | None
    team_member: str | None = Field(description="\"First Last\"")
    team_member_email: str | None
    custom_fields: list[CustomField]


class Gift(GiftFields):
    api_version: Version


class GiftList(Listing):
    items: list[GiftFields]


class ContactReportFields(_Stamped):
    """A contact report (the native face's contact-log entry)."""
    id: int
    constituent_id: int
    name: str | None
    contact_report_type_id: int
    contact_report_type_name: str | None
    original_date: Day
    text: str | None
    team_member: str | None = Field(description="\"First Last\": who recorded it, else the key's team member")
    team_member_email: str | None


class ContactReport(ContactReportFields):
    api_version: Version


class ContactReportList(Listing):
    items: list[ContactReportFields]


class NoteFields(_Stamped):
    """A note (a contact-log entry typed as a note)."""
    id: int
    constituent_id: int
    note_type_id: int | None
    note_type_name: str | None
    text: str | None
    external_id: str | None
    original_date: Day
    team_member: str | None
    team_member_email: str | None


class Note(NoteFields):
    api_version: Version


class NoteList(Listing):
    items: list[NoteFields]
Hours = Annotated[float, Field(description="Exact: the hours stored (to the hundredth), as a JSON number")]


class VolunteerTimeFields(_Stamped):
    """A volunteer time (on its constituent's timeline at its date)."""
    id: int
    constituent_id: int
    external_id: str | None
    volunteering_category_id: int
    volunteering_category_name: str | None
    description: str | None
    hours: Hours | None
    date: Day
    end_date: Day | None
    completed_hours: Hours | None
    custom_fields: list[CustomField]


class VolunteerTime(VolunteerTimeFields):
    api_version: Version


class VolunteerTimeList(Listing):
    items: list[VolunteerTimeFields]


class AppealRequestFields(_Stamped):
    """A constituent's place on an appeal's list."""
    id: int
    constituent_id: int
    constituent_name: str | None = Field(description="The constituent's sort name")
    appeal_id: int
    name: str = Field(description="\"Appeal: <appeal name> (<appeal date>)\"")
    raised: Amount = Field(description="What the constituent gave to the appeal: their gifts naming it")
    status: Literal["open", "responded", "declined", "closed"]
    ask_amount: Amount | None
    assigned_to: int | None = Field(description="A team member's id")
    custom_fields: list[CustomField]
    custom_attrs: list[CustomAttrFields]


class AppealRequest(AppealRequestFields):
    api_version: Version


class AppealRequestList(Listing):
    items: list[AppealRequestFields]


class Attendance(Model):
    id: int
    date: Day
    notes: str | None


class InvitationFields(_Stamped):
    """An invitation to an event: a constituent's, or an additional guest's (no constituent)."""
    id: int
    constituent_id: int | None = Field(description="Null for an additional guest")
    guest_name: str | None = Field(description="The constituent's \"First Last\" (an organisation's name), or the "
                                               "guest's")
    is_a_guest: bool
    parent_invitation_id: int = Field(description="An additional guest's host invitation; 0 when none")
    parent_invitation_guest_name: str | None
    event_id: int
    name: str = Field(description="\"Event: <event name>\"")
    notes: str | None
    rsvp: Literal[0, 1, 2, 3, 4] = Field(description="0 no answer yet, 1 Yes, 2 No, 3 Maybe, 4 Unknown")
    attended: Literal[0, 1]
    raised: Amount = Field(description="What the constituent gave to the event: their gifts naming it")
    status: Literal["unknown", "attended"]
    donated: bool = Field(description="Whether the constituent gave to the event")
    assigned_to: int | None = Field(description="A team member's id")
    additional_guests: int
    attendees: int
    attendee_names: str | None
    attend_count: int = Field(description="Always 0, as LGL's examples show it")
    attendances: list[Attendance]
    custom_fields: list[CustomField]
    custom_attrs: list[CustomAttrFields]


class Invitation(InvitationFields):
    api_version: Version


class InvitationList(Listing):
    items: list[InvitationFields]


# ---- group memberships and memberships (faces/lgl/memberships.py) -------------------------------

class GroupMembershipFields(_Stamped):
    """A constituent in a group."""
    id: int
    constituent_id: int
    group_id: int
    group_name: str | None
    date_start: Day | None
    date_end: Day | None
    is_current: bool = Field(description="Derived: no end date, or an end date today or later (UTC)")


class GroupMembership(GroupMembershipFields):
    api_version: Version


class GroupMembershipList(Listing):
    items: list[GroupMembershipFields]


class MembershipFields(_Stamped):
    """A constituent's membership at a level."""
    id: int
    constituent_id: int
    membership_level_id: int
    membership_level_name: str | None
    date_start: Day | None
    finish_date: Day | None
    note: str | None


class Membership(MembershipFields):
    api_version: Version


class MembershipList(Listing):
    items: list[MembershipFields]
