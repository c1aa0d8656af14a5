"""Items that are not an organisation's records: the organisations themselves, their team
members and their API keys (written by operators, read on every request's way in)."""
from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from ..errors import Conflict
from . import dynamo, keys, queries
from .ids import IdAllocator
from .queries import KeyRange

ORG_ID_PATTERN = keys.ORG_ID_PATTERN
_API_KEY_SK = "APIKEY"


class Directory:
    def __init__(self, table_name: str, ids: IdAllocator) -> None:
        self.table = table_name
        self.ids = ids

    # ---- organisations -----------------------------------------------------------------

    def add_organisation(self, org: str, record: dict[str, Any]) -> None:
        """Conflict when the organisation exists."""
        self._put_new({"PK": keys.org_pk(org), "SK": keys.org_meta_sk(), **record})

    def organisation(self, org: str) -> dict[str, Any] | None:
        return self._get(keys.org_pk(org), keys.org_meta_sk())

    # ---- team members ------------------------------------------------------------------

    def add_member(self, org: str, record: dict[str, Any]) -> dict[str, Any]:
        """Store a new member (its id allocated here, one at a time: members are few, no gaps)."""
        record = {"id": self.ids.next_id(org, "MEMBER", block=1), **record}
        self._put_new({"PK": keys.org_pk(org), "SK": keys.record_sk("MEMBER", record["id"]), **record,
                       "GSI2PK": keys.kind_list_pk(org, "MEMBER"), "GSI2SK": keys.padded(record["id"])})
        return record

    def members(self, org: str) -> list[dict[str, Any]]:
        return queries.read_all(self.table, index="GSI2", pk=keys.kind_list_pk(org, "MEMBER"))

    def member(self, org: str, member_id: int) -> dict[str, Any] | None:
        return self._get(keys.org_pk(org), keys.record_sk("MEMBER", member_id))

    # ---- API keys (by the digest of the key; listed per organisation by key id) ---------

    def add_api_key(self, key_digest: str, record: dict[str, Any]) -> None:
        """Conflict when a key with this digest exists (live or revoked)."""
        self._put_new({"PK": keys.api_key_pk(key_digest), "SK": _API_KEY_SK, "digest": key_digest, **record,
                       "GSI2PK": keys.kind_list_pk(record["org"], _API_KEY_SK), "GSI2SK": record["key_id"]})

    def api_key(self, key_digest: str) -> dict[str, Any] | None:
        return self._get(keys.api_key_pk(key_digest), _API_KEY_SK)

    def api_keys(self, org: str, key_id: str | None = None) -> list[dict[str, Any]]:
        """The org's keys by key id (or only the one with `key_id`)."""
        exact = KeyRange(low=key_id, high=key_id) if key_id else queries.EVERYTHING
        return queries.read_all(self.table, index="GSI2", pk=keys.kind_list_pk(org, _API_KEY_SK), key_range=exact)

    def set_api_key_attributes(self, key_digest: str, values: dict[str, Any]) -> None:
        names = {f"#a{n}": name for n, name in enumerate(values)}
        with dynamo.translated_errors():
            dynamo.client().update_item(
                TableName=self.table, Key=dynamo.to_item({"PK": keys.api_key_pk(key_digest), "SK": _API_KEY_SK}),
                UpdateExpression="SET " + ", ".join(f"{n} = :{n[1:]}" for n in names),
                ConditionExpression="attribute_exists(PK)", ExpressionAttributeNames=names,
                ExpressionAttributeValues={f":{n[1:]}": dynamo.to_value(v) for n, v in zip(names, values.values())},
            )

    # ---- internals ---------------------------------------------------------------------

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        return queries.get(self.table, pk, sk)

    def _put_new(self, item: dict[str, Any]) -> None:
        try:
            with dynamo.translated_errors():
                dynamo.client().put_item(TableName=self.table, Item=dynamo.to_item(item),
                                         ConditionExpression="attribute_not_exists(PK)")
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise Conflict(f"{item['SK']} already exists.") from None
            raise
