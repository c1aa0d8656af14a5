"""The DynamoDB client (chalicelib.aws: created on first use, retries pinned), values
converted in one place, and throttling turned into a domain error."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError, ConnectionError as EndpointUnreachable, HTTPClientError

from .. import aws
from ..errors import ServiceUnavailable

THROTTLING_CODES = frozenset({
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "LimitExceededException",
    "InternalServerError",
    "ServiceUnavailable",
})


class _Deserializer(TypeDeserializer):
    """Whole numbers come back as int (ids, versions, counts); others stay exact Decimals."""

    def _deserialize_n(self, value: str) -> Any:
        number = super()._deserialize_n(value)
        return int(number) if number == number.to_integral_value() else number


_serializer = TypeSerializer()
_deserializer = _Deserializer()


def client() -> Any:
    """The process's DynamoDB client; honours AWS_ENDPOINT_URL(_DYNAMODB)."""
    return aws.client("dynamodb")


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(v) for k, v in values.items() if v is not None}


def to_value(value: Any) -> dict[str, Any]:
    return _serializer.serialize(value)


def from_item(item: dict[str, Any] | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def is_throttle(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") in THROTTLING_CODES


@contextmanager
def translated_errors() -> Iterator[None]:
    """Throttling that outlived the SDK's retries, or an unreachable endpoint, is a 503."""
    try:
        yield
    except ClientError as exc:
        if is_throttle(exc):
            raise ServiceUnavailable(
                "The data store is busy; retry after the number of seconds in Retry-After."
            ) from exc
        raise
    except (EndpointUnreachable, HTTPClientError) as exc:
        raise ServiceUnavailable("The data store could not be reached; retry shortly.") from exc
