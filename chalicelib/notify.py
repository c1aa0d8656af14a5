"""Where raised follow-ups go: a `FollowUpDue` event on the stack's EventBridge bus and a
short reminder on its SNS topic."""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from . import aws
from .config import settings

EVENT_SOURCE = "donor-relations.follow-ups"
DETAIL_TYPE = "FollowUpDue"
SUBJECT_MAX = 100  # SNS refuses longer subjects


class NotDelivered(Exception):
    """A channel refused or could not be reached; the follow-up is handed back for the next sweep."""


@dataclass(frozen=True)
class Reminder:
    event_id: str            # stable per (org, entry, follow_up_at): duplicates are detectable
    organisation: str
    detail: dict[str, Any]   # the FollowUpDue event's detail
    subject: str
    text: str


def channels() -> list[str]:
    """The configured channels, for the sweep's summary."""
    config = settings()
    return [name for name, target in (("events", config.event_bus_name), ("sns", config.reminder_topic_arn))
            if target]


def deliver(reminder: Reminder) -> None:
    """Put the event, then publish the reminder; raises NotDelivered if either fails."""
    config = settings()
    try:
        if config.event_bus_name:
            response = aws.client("events").put_events(Entries=[{
                "EventBusName": config.event_bus_name,
                "Source": EVENT_SOURCE,
                "DetailType": DETAIL_TYPE,
                "Resources": [],
                "Detail": json.dumps(reminder.detail, sort_keys=True),
            }])
            if response.get("FailedEntryCount"):
                entry = response["Entries"][0]
                raise NotDelivered(f"EventBridge refused the event: {entry.get('ErrorCode')} "
                                   f"{entry.get('ErrorMessage')}")
        if config.reminder_topic_arn:
            aws.client("sns").publish(
                TopicArn=config.reminder_topic_arn,
                Subject=_subject(reminder.subject),
                Message=reminder.text,
                # Subscribers of a shared stack's topic filter on the organisation.
                MessageAttributes={
                    "organisation": {"DataType": "String", "StringValue": reminder.organisation},
                    "event_id": {"DataType": "String", "StringValue": reminder.event_id},
                },
            )
    except (ClientError, BotoCoreError) as exc:
        raise NotDelivered(str(exc)) from exc


def _subject(text: str) -> str:
    """At most 100 printable ASCII characters, as SNS requires of e-mail subjects (José → Jose)."""
    ascii_text = unicodedata.normalize("NFKD", " ".join(text.split())).encode("ascii", "ignore").decode()
    clean = "".join(c for c in ascii_text if " " <= c <= "~")
    return clean if len(clean) <= SUBJECT_MAX else clean[: SUBJECT_MAX - 3] + "..."
