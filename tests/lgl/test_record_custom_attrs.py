"""`custom_attrs` on invitations and appeal requests (docs/lgl.md, "Custom attributes"): typed
values of attributes of the record's own item type, kept as a constituent keeps its own
(tests/lgl/test_custom_attrs.py) by one shared rule (domain/custom_attrs.py `keep`). Each test
runs over both kinds: by id or key, typed by the classification, shown with the definition on
get, lists and the write's answer; a new value replaces the old one and the others stay; null
or "" removes one; a body without custom_attrs keeps them; a value that cannot be kept is 422
naming its path with nothing stored; an attribute with values is not deleted.

One moto world serves the module; each test has an organisation of its own."""
from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, Org, make_org
from tests.contract.conftest import table_state
from tests.lgl.conftest import L, constituent, fields_named, lgl_error
from tests.lgl.test_custom_fields import SECTIONS, Maker, Section
from tests.lgl.worlds import acme, api, world  # noqa: F401  (one world for the module)

KINDS = ("invitations", "appeal_requests")


class Attrs(Maker):
    """One organisation's attributes of a section's item type (and a constituent's, which the
    section's records do not take), and a way to make its records."""
    SENT = "custom_attrs"

    def __init__(self, api: Api, org: Org, section: Section, *, constituents: bool = True) -> None:
        super().__init__(api, org, section)
        self.note = self.attribute("Seating note", key="seating")
        self.count = self.attribute("Party size", classification="integer", min_val="1", max_val="12")
        self.due = self.attribute("Reply by", classification="date")
        if constituents:
            self.attribute("Background Info", item_type="Constituent")

    def attribute(self, name: str, **fields: Any) -> int:
        made = self.api.post(f"{L}/attributes", self.org, {"name": name, "item_type": self.section.item_type,
                                                           **fields})
        assert made.status_code == 201, made.body
        return int(made.json["id"])


@pytest.fixture(params=KINDS)
def attrs(request, api, acme) -> Attrs:
    return Attrs(api, acme, SECTIONS[request.param])


@pytest.fixture(scope="module", params=KINDS)
def shared(request, world) -> Attrs:
    """A section's attributes in an organisation the module's refusal tests share (each makes
    its own constituent, so what they make does not meet)."""
    return Attrs(world, make_org(f"attrs-{request.param.replace('_', '-')}"), SECTIONS[request.param])


def values(record: dict[str, Any]) -> dict[str, str]:
    return {a["key"]: a["value"] for a in record["custom_attrs"]}


def test_typed_values_by_id_or_key_shown_with_their_definitions(api, acme, attrs):
    made = attrs.made([{"key": "seating", "value": "Near the stage"}, {"id": attrs.count, "value": 4},
                       {"key": "REPLY_BY", "value": "2027-01-15"}])
    assert made["custom_attrs"] == [
        {"id": attrs.note, "classification": "text", "name": "Seating note", "key": "seating", "ordinal": 100,
         "value": "Near the stage"},
        {"id": attrs.count, "classification": "integer", "name": "Party size", "key": "party_size", "ordinal": 100,
         "value": "4"},
        {"id": attrs.due, "classification": "date", "name": "Reply by", "key": "reply_by", "ordinal": 100,
         "value": "2027-01-15"}]
    assert api.get(attrs.path(made), acme).json == made
    listed = api.get(f"{L}/constituents/{made['constituent_id']}/{attrs.section.collection}", acme).json["items"]
    assert [item["custom_attrs"] for item in listed] == [made["custom_attrs"]]


def test_a_new_value_replaces_the_old_others_stay_and_null_or_empty_removes_one(api, acme, attrs):
    made = attrs.made([{"key": "seating", "value": "Table 4"}, {"key": "party_size", "value": "2"}])
    changed = attrs.changed(made, {"custom_attrs": [{"key": "party_size", "value": 3}]})
    assert values(changed) == {"seating": "Table 4", "party_size": "3"}
    twice = attrs.changed(made, {"custom_attrs": [{"key": "party_size", "value": 5}, {"key": "party_size",
                                                                                    "value": 6}]})
    assert values(twice)["party_size"] == "6"  # the later one wins
    untouched = attrs.changed(made, attrs.section.change)
    assert values(untouched) == {"seating": "Table 4", "party_size": "6"}  # a body without custom_attrs keeps them
    assert values(attrs.changed(made, {"custom_attrs": None})) == values(untouched)  # null: none sent
    removed = attrs.changed(made, {"custom_attrs": [{"key": "seating", "value": None}, {"key": "party_size",
                                                                                       "value": "  "}]})
    assert removed["custom_attrs"] == []
    assert api.get(attrs.path(made), acme).json == removed
    for attribute in (attrs.note, attrs.count):  # no record holds a value of them any more
        assert api.delete(f"{L}/attributes/{attribute}", acme).status_code == 204


@pytest.mark.parametrize("item, named", [
    ({"key": "party_size", "value": "two"}, "custom_attrs[0].value"),
    ({"key": "party_size", "value": 13}, "custom_attrs[0].value"),  # above its max_val
    ({"key": "party_size", "value": 2.5}, "custom_attrs[0].value"),
    ({"key": "reply_by", "value": "2027-02-30"}, "custom_attrs[0].value"),
    ({"key": "seating", "value": ["x"]}, "custom_attrs[0].value"),
    ({"key": "nope", "value": "x"}, "custom_attrs[0].key"),
    ({"id": 987_654, "value": "x"}, "custom_attrs[0].id"),
    ({"key": "background_info", "value": "x"}, "custom_attrs[0].key"),  # a constituent's attribute
    ({"value": "x"}, "custom_attrs[0].id"),
], ids=["not-a-number", "over-max", "fraction", "no-such-day", "not-text", "key", "id", "other-item-type",
        "no-attribute"])
def test_a_value_that_cannot_be_kept_is_a_422_naming_it_and_nothing_is_stored(shared, item, named):
    attrs = shared
    person = constituent(attrs.api, attrs.org)["id"]
    before = table_state()
    assert fields_named(lgl_error(attrs.create([item], person=person), 422)) == [named]
    assert table_state() == before
    made = attrs.made([{"key": "seating", "value": "Table 1"}], person=person)
    before = table_state()
    response = attrs.api.patch(attrs.path(made), attrs.org, {"custom_attrs": [{"key": "seating", "value": "Table 2"},
                                                                              item]})
    assert fields_named(lgl_error(response, 422)) == [named.replace("[0]", "[1]")]
    assert table_state() == before


def test_the_other_kinds_attributes_are_not_taken(api, acme):
    invitation = Attrs(api, acme, SECTIONS["invitations"])
    request = Attrs(api, acme, SECTIONS["appeal_requests"], constituents=False)
    answer = lgl_error(invitation.create([{"id": request.note, "value": "x"}]), 422)
    assert fields_named(answer) == ["custom_attrs[0].id"]
    answer = lgl_error(request.create([{"id": invitation.count, "value": 1}]), 422)
    assert fields_named(answer) == ["custom_attrs[0].id"]


def test_an_attribute_with_values_is_not_deleted_until_no_record_has_one(api, acme, attrs):
    first = attrs.made([{"key": "seating", "value": "Table 1"}])
    second = attrs.made([{"key": "seating", "value": "Table 2"}])
    path = f"{L}/attributes/{attrs.note}"
    assert api.delete(path, acme).status_code == 409
    assert api.delete(attrs.path(second), acme).status_code == 200
    assert api.delete(path, acme).status_code == 409  # the first still has one
    assert values(api.get(attrs.path(first), acme).json) == {"seating": "Table 1"}
    assert api.delete(f"{L}/constituents/{first['constituent_id']}", acme).status_code == 200  # gone with them
    assert api.delete(path, acme).status_code == 204


def test_an_additional_guest_keeps_its_own_and_its_hosts_delete_lets_them_go(api, acme):
    attrs = Attrs(api, acme, SECTIONS["invitations"])
    host = attrs.made([{"key": "seating", "value": "Table 1"}])
    guest = api.post(f"{L}/events/{attrs.needs['event_id']}/invitations", acme, {
        "parent_invitation_id": host["id"], "is_a_guest": True, "guest_first_name": "Max",
        "custom_attrs": [{"key": "party_size", "value": 1}]})
    assert guest.status_code == 200, guest.body
    assert values(guest.json) == {"party_size": "1"}
    event_list = api.get(f"{L}/events/{attrs.needs['event_id']}/invitations", acme).json["items"]
    assert [values(item) for item in event_list] == [{"seating": "Table 1"}, {"party_size": "1"}]
    assert api.delete(f"{L}/attributes/{attrs.count}", acme).status_code == 409
    assert api.delete(attrs.path(host), acme).status_code == 200  # its guest goes with it
    assert api.delete(f"{L}/attributes/{attrs.count}", acme).status_code == 204
    assert api.delete(f"{L}/attributes/{attrs.note}", acme).status_code == 204


def test_an_appeals_list_shows_each_requests_own(api, acme):
    attrs = Attrs(api, acme, SECTIONS["appeal_requests"])
    asked = [attrs.made([{"key": "seating", "value": text}]) for text in ("Call first", "Mail only")]
    listed = api.get(f"{L}/appeals/{attrs.needs['appeal_id']}/appeal_requests", acme).json["items"]
    assert [values(item) for item in listed] == [values(r) for r in asked] == \
        [{"seating": "Call first"}, {"seating": "Mail only"}]
