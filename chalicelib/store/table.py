"""The table's schema, in one place: the CLI, `make run`, tests and infra build it from here."""
from __future__ import annotations

from botocore.exceptions import ClientError

from . import dynamo

INDEXES = ("GSI1", "GSI2", "GSI3", "GSI4", "GSI5", "GSI6", "GSI7")
TTL_ATTRIBUTE = "expires_at"
# GSI7, the search index, projects only the compact search fields of a record (docs/storage.md,
# "The search index"): its packed row, the facets its children maintain, and when it last changed.
SEARCH_INDEX = "GSI7"
SEARCH_ROW, FACETS, UPDATED_AT = "search_row", "facets", "updated_at"
PROJECTIONS: dict[str, tuple[str, ...]] = {SEARCH_INDEX: (SEARCH_ROW, FACETS, UPDATED_AT)}


def projection(index: str) -> dict:
    included = PROJECTIONS.get(index)
    if included is None:
        return {"ProjectionType": "ALL"}
    return {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(included)}


def definition(table_name: str) -> dict:
    attributes = [("PK", "S"), ("SK", "S")]
    indexes = []
    for name in INDEXES:
        attributes += [(f"{name}PK", "S"), (f"{name}SK", "S")]
        indexes.append({
            "IndexName": name,
            "KeySchema": [
                {"AttributeName": f"{name}PK", "KeyType": "HASH"},
                {"AttributeName": f"{name}SK", "KeyType": "RANGE"},
            ],
            "Projection": projection(name),
        })
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [
            {"AttributeName": "PK", "KeyType": "HASH"},
            {"AttributeName": "SK", "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": [
            {"AttributeName": n, "AttributeType": t} for n, t in attributes
        ],
        "GlobalSecondaryIndexes": indexes,
    }


def ensure_table(table_name: str) -> bool:
    """Create the table (and its TTL) if it is missing. Returns True when it was created."""
    client = dynamo.client()
    try:
        client.describe_table(TableName=table_name)
        return False
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
    client.create_table(**definition(table_name))
    client.get_waiter("table_exists").wait(
        TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    client.update_time_to_live(
        TableName=table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
    )
    return True
