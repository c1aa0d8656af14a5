"""Response bodies of the Givebutter face as pydantic models, for its OpenAPI document.

They describe what render.py and errors.py build (closed schemas, every field required:
tests/contract/test_openapi.py validates real responses against them). Built lazily.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...domain import contact_logs


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


DateTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


class PublicUser(Model):
    """PublicUserResource: the team member of the API key that logged the activity."""
    id: str
    first_name: str | None
    last_name: str | None
    email: str | None


class ContactActivity(Model):
    """ContactActivityResource: a contact-log entry."""
    id: str
    type: Literal[contact_logs.ACTIVITY_TYPES]  # type: ignore[valid-type]
    source: Literal["api"]
    data: str = Field(description='A JSON string: {"note": ..., "subject": ..., "timezone": ...}')
    resource: None
    resource_type: None
    occurred_at: DateTime
    created_at: DateTime
    updated_at: DateTime
    created_by: PublicUser | None


class Links(Model):
    first: str
    last: str
    prev: str | None
    next: str | None


class Meta(Model):
    current_page: int
    from_: int | None = Field(alias="from")
    last_page: int
    path: str
    per_page: int
    to: int | None
    total: int


class ContactActivityPage(Model):
    """Laravel's LengthAwarePaginator."""
    data: list[ContactActivity]
    links: Links
    meta: Meta


class Error(Model):
    """Laravel's error body: `message`, and the messages of each field to blame."""
    message: str
    errors: dict[str, list[str]]
