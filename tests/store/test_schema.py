"""What a kind's declaration buys: keys, timeline and detail ranges, counters, cascades and
units of work, proven on kinds declared only here (a parent with a timeline child that
refuses its parent's delete and a detail child that goes with it, like the LGL face's
contact reports and e-mail addresses of a constituent)."""
from __future__ import annotations

import os

import boto3
import pytest

from chalicelib.domain import lifecycle
from chalicelib.errors import Conflict, NotFound
from chalicelib.store import keys, table
from chalicelib.store.context import records
from chalicelib.store.schema import (CASCADE, INDEX_KEY_ATTRIBUTES, KEY_ATTRIBUTES, RESTRICT, Kind, Order,
                                     Parent, Ref, declare, restricting_counters)
from tests.conftest import dynamodb_calls

PARENT = declare(Kind("TPARENT", "Test parent", order=Order(lambda r: r["name"], text=True), unique=("code",)))
EVENT = declare(Kind("TEVENT", "Test event", parent=Parent("TPARENT", "parent_id", "event_count", RESTRICT),
                     timeline_at=lambda r: r["at"], order=Order(lambda r: r["at"])))
DETAIL = declare(Kind("TDETAIL", "Test detail", parent=Parent("TPARENT", "parent_id", "detail_count", CASCADE),
                      unique=("address",)))
# A value details refer to (as a keyword its holders): it counts them, and cannot go while they hold it.
REFERRED = declare(Kind("TREFERRED", "Test referred"))
HOLDER = declare(Kind("THOLDER", "Test holder", parent=Parent("TPARENT", "parent_id", "holder_count", CASCADE),
                      refs=(Ref("TREFERRED", "use_count", lambda r: r.get("held") or []),)))


def parent(name: str = "P", **fields) -> dict:
    return lifecycle.create("acme", PARENT, {"name": name, **fields}).record


def detail(parent_id: int, address: str) -> dict:
    return lifecycle.create("acme", DETAIL, {"parent_id": parent_id, "address": address}).record


def event(parent_id: int, at: str) -> dict:
    return lifecycle.create("acme", EVENT, {"parent_id": parent_id, "at": at}).record


def raw(kind: str, record_id: int) -> dict:
    client = boto3.resource("dynamodb", region_name="us-east-1").Table(os.environ["TABLE_NAME"])
    return client.get_item(Key={"PK": keys.org_pk("acme"), "SK": keys.record_sk(kind, record_id)})["Item"]


def test_key_attributes_are_the_tables_index_keys():
    declared = {key["AttributeName"] for index in table.definition("t")["GlobalSecondaryIndexes"]
                for key in index["KeySchema"]}
    assert INDEX_KEY_ATTRIBUTES == declared
    assert KEY_ATTRIBUTES == declared | {"PK", "SK"}


def test_a_declaration_that_cannot_work_is_refused():
    with pytest.raises(ValueError, match="counter"):
        declare(Kind("TBAD", "Bad", parent=Parent("TPARENT", "parent_id", None, RESTRICT)))
    with pytest.raises(ValueError, match="declared twice"):
        declare(Kind("TPARENT", "Another", order=Order(lambda r: r["id"])))


def test_only_restrict_children_hold_the_parent(aws):
    assert restricting_counters(PARENT) == ("event_count",)


def test_the_timeline_shows_timeline_children_and_never_details(aws):
    p = parent()
    detail(p["id"], "a@example.org")
    events = [event(p["id"], f"2026-01-0{day}T00:00:00.000Z") for day in (1, 2)]
    page = records().timeline("acme", PARENT, p["id"], limit=10, cursor=None)
    assert [r["id"] for r in page.items] == [events[1]["id"], events[0]["id"]]
    assert {r["kind"] for r in page.items} == {"TEVENT"}


def test_the_aggregate_is_the_record_with_every_detail_in_one_query(aws):
    p = parent()
    details = [detail(p["id"], f"{n}@example.org") for n in range(3)]
    event(p["id"], "2026-01-01T00:00:00.000Z")
    with dynamodb_calls() as calls:
        head, children = records().aggregate("acme", PARENT, p["id"])
    assert calls == ["Query"]
    assert head["id"] == p["id"] and head["detail_count"] == 3 and head["event_count"] == 1
    assert [d["id"] for d in children["TDETAIL"]] == [d["id"] for d in details]
    assert "TEVENT" not in children
    assert [d["address"] for d in records().children("acme", PARENT, p["id"], DETAIL)] == \
        [d["address"] for d in details]


def test_a_child_of_a_missing_parent_is_refused_in_the_parents_words(aws):
    with pytest.raises(NotFound, match="Test parent 99 does not exist"):
        detail(99, "x@example.org")


def test_a_restrict_child_refuses_its_parents_delete_and_a_cascade_child_goes_with_it(aws):
    p = parent(code="c-1")
    d = detail(p["id"], "a@example.org")
    e = event(p["id"], "2026-01-01T00:00:00.000Z")
    with pytest.raises(Conflict):
        lifecycle.delete("acme", PARENT, p["id"], None)
    assert "deleted_at" not in raw("TDETAIL", d["id"])
    lifecycle.delete("acme", EVENT, e["id"], None)
    with dynamodb_calls() as calls:
        lifecycle.delete("acme", PARENT, p["id"], None)
    assert calls == ["Query", "TransactWriteItems"]  # the record with its details (one read), one write
    assert "deleted_at" in raw("TPARENT", p["id"]) and "deleted_at" in raw("TDETAIL", d["id"])
    assert not [name for name in raw("TDETAIL", d["id"]) if name in INDEX_KEY_ATTRIBUTES]
    # Their unique values are free again.
    again = parent(code="c-1")
    assert detail(again["id"], "a@example.org")["address"] == "a@example.org"


def test_a_cascade_larger_than_one_transaction_deletes_every_child(aws):
    p = parent()
    for first in range(0, 130, 45):  # a record and its guard each: 45 a transaction
        with records().unit_of_work() as unit:
            for n in range(first, min(first + 45, 130)):
                unit.create("acme", DETAIL, {"parent_id": p["id"], "address": f"{n}@x.org", "version": 1})
    assert records().live("acme", PARENT, p["id"])["detail_count"] == 130
    lifecycle.delete("acme", PARENT, p["id"], None)
    assert records().children("acme", PARENT, p["id"], DETAIL) == []
    with pytest.raises(NotFound):
        records().live("acme", PARENT, p["id"])


def test_a_cascade_counts_what_its_children_let_go_of_in_each_transaction(aws):
    """Each referred value a child lets go of is a write of the delete's unit too."""
    p = parent()
    referred = [lifecycle.create("acme", REFERRED, {}).record["id"] for _ in range(120)]
    for first in range(0, 120, 30):
        with records().unit_of_work() as unit:
            for n in range(first, first + 30):
                unit.create("acme", HOLDER, {"parent_id": p["id"], "held": [referred[n]], "version": 1})
    assert records().live("acme", REFERRED, referred[0])["use_count"] == 1
    with dynamodb_calls() as calls:
        lifecycle.delete("acme", PARENT, p["id"], None)
    assert calls.count("TransactWriteItems") == 3  # 120 children and 120 counts: 2 full units and the parent's
    assert records().children("acme", PARENT, p["id"], HOLDER) == []
    assert {records().live("acme", REFERRED, i).get("use_count") for i in referred} == {0}


def test_a_unit_of_work_writes_a_parent_and_its_children_in_one_transaction(aws):
    with dynamodb_calls() as calls:
        with records().unit_of_work() as unit:
            p = unit.create("acme", PARENT, {"name": "Nested", "version": 1})
            for address in ("a@x.org", "b@x.org"):
                unit.create("acme", DETAIL, {"parent_id": p["id"], "address": address, "version": 1})
    assert calls[-1:] == ["TransactWriteItems"] and calls.count("TransactWriteItems") == 1
    head, children = records().aggregate("acme", PARENT, p["id"])
    assert head["detail_count"] == 2 and len(children["TDETAIL"]) == 2


def test_a_failed_part_writes_nothing(aws):
    p = parent()
    kept, taken = detail(p["id"], "a@x.org"), detail(p["id"], "b@x.org")
    with pytest.raises(Conflict):
        with records().unit_of_work() as unit:
            unit.update("acme", DETAIL, kept, {**kept, "address": "c@x.org", "version": kept["version"] + 1})
            unit.create("acme", DETAIL, {"parent_id": p["id"], "address": taken["address"], "version": 1})
    assert records().live("acme", DETAIL, kept["id"])["address"] == "a@x.org"
    assert records().live("acme", PARENT, p["id"])["detail_count"] == 2
    assert detail(p["id"], "c@x.org")["address"] == "c@x.org"  # the update's claim was never made


def test_an_update_writes_only_what_changed_and_never_a_counter(aws):
    p = parent(note="n")
    detail(p["id"], "a@x.org")
    stale = dict(p)  # read before the detail existed: detail_count absent
    new = {**stale, "name": "Renamed", "version": stale["version"] + 1}
    new.pop("note")
    records().update("acme", PARENT, stale, new)
    item = raw("TPARENT", p["id"])
    assert item["detail_count"] == 1 and item["name"] == "Renamed" and "note" not in item
    assert item["GSI2SK"].startswith("renamed\x01")


def test_long_multibyte_names_keep_their_sort_key_within_dynamodbs_limit(aws):
    long_name = "😀" * 253 + "ΐ" * 255
    p = parent(long_name)
    assert len(raw("TPARENT", p["id"])["GSI2SK"].encode()) <= keys.TEXT_SORT_BYTES + 1 + keys.ID_WIDTH
    listed = records().listed("acme", PARENT, limit=5, cursor=None)
    assert [r["name"] for r in listed.items] == [long_name]
