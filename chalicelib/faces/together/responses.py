"""Response bodies of the Together face as pydantic models, for its OpenAPI document.

Renderers (render.py, problems.py) build the bodies; these models only describe them.
`extra="forbid"` makes every schema closed, so a field a renderer emits that its model does
not name fails tests/contract/test_openapi.py, which validates real responses of every
route against the published document. Every field is required: renderers emit them all,
`null` where there is no value. Imported only to build a document (routes name their models),
so a cold start pays nothing.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from ...domain import contact_logs, donors, follow_ups


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


DateTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Id = Annotated[str, Field(description="A record id: digits, as a string")]


class ContactLog(Model):
    """A contact-log entry."""
    id: Id
    donor_id: Id
    contact_method: Literal[contact_logs.METHODS]  # type: ignore[valid-type]
    occurred_at: DateTime
    notes: str | None
    follow_up_at: DateTime | None
    follow_up_completed_at: DateTime | None
    recorded_by_id: Id | None = Field(description="The team member of the API key that created it")
    follow_up_raised_at: DateTime | None
    created_at: DateTime
    updated_at: DateTime


class QueuedContactLog(ContactLog):
    """An entry with an open follow-up, and the window its due time falls in."""
    window: Literal[follow_ups.WINDOWS]  # type: ignore[valid-type]


class Donor(Model):
    """A donor (Little Green Light's constituent)."""
    id: Id
    is_org: bool
    prefix: str | None
    first_name: str | None
    middle_name: str | None
    last_name: str | None
    suffix: str | None
    nick_name: str | None
    org_name: str | None
    job_title: str | None
    email: str | None
    phone: str | None
    street: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country: str | None
    external_id: str | None
    birthday: Annotated[str, Field(json_schema_extra={"format": "date"})] | None
    is_deceased: bool
    is_anon: bool
    salutation: str | None
    addressee: str | None
    status: Literal[donors.STATUSES] | None  # type: ignore[valid-type]
    notes: str | None
    sort_name: str
    contact_log_count: int
    donation_count: int
    created_at: DateTime
    updated_at: DateTime


class Donation(Model):
    """A donation; `amount` is exact to the currency's minor unit."""
    id: Id
    donor_id: Id
    amount: float
    currency: str
    received_at: str = Field(description="A date (YYYY-MM-DD) or a UTC date-time")
    check_number: str | None
    note: str | None
    external_id: str | None
    payment_method: str | None = Field(description="Its payment type's key (`GET /api/v1/payment_types`)")
    fund_id: Id | None
    fund: str | None = Field(description="The fund's name")
    campaign_id: Id | None
    campaign: str | None = Field(description="The campaign's name")
    appeal_id: Id | None
    appeal: str | None = Field(description="The appeal's name")
    created_at: DateTime
    updated_at: DateTime


class ContactLogActivity(Model):
    type: Literal["contact_log"]
    occurred_at: DateTime
    data: ContactLog


class DonationActivity(Model):
    type: Literal["donation"]
    occurred_at: str = Field(description="The donation's received_at")
    data: Donation


Activity = Annotated[Union[ContactLogActivity, DonationActivity], Field(discriminator="type")]


class Page(Model):
    has_more: bool
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


class ContactLogPage(Page):
    data: list[ContactLog]


class DonorPage(Page):
    data: list[Donor]


class DonationPage(Page):
    data: list[Donation]


class ActivityPage(Page):
    data: list[Activity]


class WindowCounts(Model):
    overdue: int
    due_today: int
    upcoming: int


class FollowUpQueue(Page):
    """A page of the queue, with counts per window (the filters but not the window applied)."""
    data: list[QueuedContactLog]
    counts: WindowCounts
    now: DateTime
    today_ends_at: DateTime
    time_zone: str


class ProblemField(Model):
    field: str
    message: str


class Problem(Model):
    """RFC 9457 problem details (`application/problem+json`)."""
    type: str = Field(description="urn:problem:<slug of the title>")
    title: str
    status: int
    detail: str
    errors: list[ProblemField]
    instance: str = Field(None, description="The request's path",  # type: ignore[assignment]
                          json_schema_extra=lambda schema: schema.pop("default"))  # absent, never null


class OpenAPIDocument(BaseModel):
    """An OpenAPI 3.1 document."""
    model_config = ConfigDict(extra="allow", defer_build=True)
    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]
    components: dict[str, Any]


def _catalogue_models() -> None:
    """A model per catalogue managed here (faces/together/catalogues.py), from its fields."""
    from ...domain import catalogues
    from ...domain.fields import REF
    from ..spec_models import response_model, response_type

    for catalogue in catalogues.CATALOGUES.natively_managed():
        fields: dict[str, Any] = {"id": Id}
        for spec in catalogue.specs:
            fields[spec.name] = Id | None if spec.type == REF else response_type(spec)
        fields.update(version=int, created_at=DateTime | None, updated_at=DateTime | None)
        globals()[catalogue.model] = response_model(catalogue.model, Model, fields)


_catalogue_models()


# ---- a donor's groups, keywords and memberships (GET /donors/{id}/memberships) ---------------------

Day = Annotated[str, Field(json_schema_extra={"format": "date"})]


class DonorGroup(Model):
    """The donor in a group (LGL's group membership)."""
    id: Id
    group_id: Id
    group: str | None = Field(description="The group's name")
    date_start: Day | None
    date_end: Day | None
    is_current: bool = Field(description="No end date, or an end date today or later (UTC)")
    created_at: DateTime
    updated_at: DateTime


class DonorKeyword(Model):
    """A keyword assigned to the donor (LGL's constituent keyword)."""
    id: Id
    keyword_id: Id
    keyword: str | None = Field(description="The keyword's name")
    category_id: Id
    category: str | None = Field(description="Its category's name")
    created_at: DateTime
    updated_at: DateTime


class DonorMembership(Model):
    """A membership of the donor at a level (LGL's membership)."""
    id: Id
    membership_level_id: Id
    membership_level: str | None = Field(description="The level's name")
    date_start: Day | None
    finish_date: Day | None
    note: str | None
    created_at: DateTime
    updated_at: DateTime


class DonorMemberships(Model):
    """What the donor is in and has: its groups, keywords and memberships, each by id."""
    donor_id: Id
    groups: list[DonorGroup]
    keywords: list[DonorKeyword]
    memberships: list[DonorMembership]
    latest_membership_id: Id | None = Field(description="The membership that finishes last (none: never)")
    membership_status: Literal["active", "lapsed"] | None = Field(
        description="By the latest membership: `active` when it finishes today or later (UTC) or never, "
                    "`lapsed` when it finished before today; null without memberships")
