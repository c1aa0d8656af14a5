"""`custom_fields` on volunteer times, invitations and appeal requests (docs/lgl.md, "Custom
fields"): keyword pick-lists of categories of the record's own item type, kept as gifts keep
theirs (tests/lgl/test_gifts.py) by one shared rule (domain/custom_fields.py). Each test runs
over the three kinds: by id, name, key or short code; appended unless
`remove_previous_values`; a `single` category keeps one value; an unknown or misplaced
category or value is 422 naming its path, with nothing stored; a keyword held is not deleted.

One moto world serves the module; each test has an organisation of its own."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Callable

import pytest

from chalicelib.domain import catalogues
from chalicelib.domain.constituent_catalogues import KEYWORDS
from tests.conftest import Api, Org, make_org
from tests.contract.conftest import table_state
from tests.lgl.conftest import L, constituent, fields_named, lgl_error
from tests.lgl.worlds import acme, api, world  # noqa: F401  (one world for the module)

_NAMES = itertools.count(1)


def _catalogue_value(api: Api, org: Org, key: str) -> int:
    made = api.post(f"{L}/{key}", org, {"name": f"{key} {next(_NAMES)}"})
    assert made.status_code == 201, made.body
    return int(made.json["id"])


@dataclass(frozen=True)
class Section:
    """A kind of record that keeps custom fields, as LGL serves it."""
    collection: str
    item_type: str
    # (api, org) -> what a new record needs besides its constituent (an appeal, an event...)
    needs: Callable[[Api, Org], dict[str, Any]]
    change: dict[str, Any]  # a change of another field
    cascades: bool  # deleted with its constituent (else it holds the constituent)


SECTIONS = {
    "volunteer_times": Section("volunteer_times", "VolunteerTime", lambda api, org: {"volunteering_category_id": 446},
                               {"description": "changed"}, cascades=False),
    "invitations": Section("invitations", "Invitation",
                           lambda api, org: {"event_id": _catalogue_value(api, org, "events")}, {"notes": "changed"},
                           cascades=True),
    "appeal_requests": Section("appeal_requests", "AppealRequest",
                               lambda api, org: {"appeal_id": _catalogue_value(api, org, "appeals")},
                               {"ask_amount": "50"}, cascades=True),
}


class Maker:
    """A section's records in one organisation, made and changed with one array of values
    (`SENT`: `custom_fields` here, `custom_attrs` in test_record_custom_attrs.py)."""
    SENT = ""

    def __init__(self, api: Api, org: Org, section: Section) -> None:
        self.api, self.org, self.section = api, org, section
        self.needs = section.needs(api, org)

    def create(self, sent: list[dict[str, Any]] | None = None, *, person: int | None = None):
        """POST a record of a constituent (a new one unless `person`), with these values."""
        person = person or constituent(self.api, self.org)["id"]
        body = {**self.needs, **({} if sent is None else {self.SENT: sent})}
        return self.api.post(f"{L}/constituents/{person}/{self.section.collection}", self.org, body)

    def made(self, sent: list[dict[str, Any]] | None = None, **options: Any) -> dict[str, Any]:
        response = self.create(sent, **options)
        assert response.status_code == 200, response.body
        assert "X-Ignored-Fields" not in response.headers
        return response.json

    def path(self, record: dict[str, Any]) -> str:
        return f"{L}/{self.section.collection}/{record['id']}"

    def changed(self, record: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        response = self.api.patch(self.path(record), self.org, body)
        assert response.status_code == 200, response.body
        assert "X-Ignored-Fields" not in response.headers
        return response.json


class Fields(Maker):
    """One organisation's custom fields of a section's item type, and a way to make its records."""
    SENT = "custom_fields"

    def __init__(self, api: Api, org: Org, section: Section) -> None:
        super().__init__(api, org, section)
        self.listed = self.category(section.item_type, "Source")
        self.single = self.category(section.item_type, "Channel", facet_type="single")
        self.web, self.mail = self.value(self.listed, "Web", short_code="W"), self.value(self.listed, "Mail")
        self.online, self.phone = self.value(self.single, "Online"), self.value(self.single, "Phone")
        self.gift_field = self.category("Gift", "Sponsor")  # a category of another item type
        self.gift_value = self.value(self.gift_field, "LGL")

    def category(self, item_type: str, name: str, **fields: Any) -> int:
        made = self.api.post(f"{L}/categories", self.org, {"item_type": item_type, "name": name, **fields})
        assert made.status_code == 200, made.body
        return made.json["id"]

    def value(self, category_id: int, name: str, **fields: Any) -> int:
        made = self.api.post(f"{L}/categories/{category_id}/keywords", self.org, {"name": name, **fields})
        assert made.status_code == 200, made.body
        return made.json["id"]

    def patch(self, record: dict[str, Any], custom_fields: list[dict[str, Any]]) -> dict[str, Any]:
        return self.changed(record, {self.SENT: custom_fields})


@pytest.fixture(params=list(SECTIONS))
def fields(request, api, acme) -> Fields:
    return Fields(api, acme, SECTIONS[request.param])


@pytest.fixture(scope="module", params=list(SECTIONS))
def shared(request, world) -> Fields:
    """A section's fields in an organisation the module's tests of refusals share (what they
    make does not meet: each its own constituent)."""
    return Fields(world, make_org(f"shared-{request.param.replace('_', '-')}"), SECTIONS[request.param])


def values_of(body: dict[str, Any]) -> dict[str, list[str]]:
    return {field["name"]: [v["name"] for v in field["values"]] for field in body["custom_fields"]}


def test_named_by_id_name_key_or_short_code_appended_and_replaced_as_asked(api, acme, fields):
    made = fields.made([{"name": "source", "values": [{"name": "W"}]},  # a value by its short code
                        {"id": fields.single, "values": [{"id": fields.online}]}])
    assert values_of(made) == {"Source": ["Web"], "Channel": ["Online"]}
    assert made["custom_fields"][0] == {
        "id": fields.listed, "item_type": fields.section.item_type, "name": "Source", "key": "source",
        "facet_type": "list", "ordinal": 100, "removable": True, "editable": True,
        "values": [{"id": fields.web, "category_id": fields.listed, "name": "Web", "description": None,
                    "short_code": "W", "ordinal": 100, "removable": True, "can_change": True, "can_select": True}]}
    appended = fields.patch(made, [{"key": "source", "values": [{"name": "mail"}]}])
    assert values_of(appended) == {"Source": ["Web", "Mail"], "Channel": ["Online"]}
    replaced = fields.patch(made, [{"name": "Source", "remove_previous_values": True, "values": [{"id": fields.mail}]},
                                   {"name": "Channel", "values": [{"name": "Phone"}]}])
    assert values_of(replaced) == {"Source": ["Mail"], "Channel": ["Phone"]}  # a single category keeps one
    again = fields.patch(made, [{"name": "Source", "values": [{"name": "Mail"}]}])
    assert values_of(again) == {"Source": ["Mail"], "Channel": ["Phone"]}  # sent again: not held twice
    other_change = api.patch(fields.path(made), acme, fields.section.change).json
    assert values_of(other_change) == values_of(again)  # a body without custom_fields keeps them
    cleared = fields.patch(made, [{"name": "Channel", "remove_previous_values": True, "values": []}])
    assert values_of(cleared) == {"Source": ["Mail"]}
    assert api.get(fields.path(made), acme).json == cleared
    listed = api.get(f"{L}/constituents/{made['constituent_id']}/{fields.section.collection}", acme).json["items"]
    assert [item["custom_fields"] for item in listed] == [cleared["custom_fields"]]


@pytest.mark.parametrize("sent, named", [
    ([{"name": "Nope", "values": [{"name": "Web"}]}], "custom_fields[0].name"),
    ([{"id": 999_999, "values": [{"name": "Web"}]}], "custom_fields[0].id"),
    ([{"name": "Source", "values": [{"name": "Web"}, {"name": "Fax"}]}], "custom_fields[0].values[1].name"),
    ([{"name": "Source", "values": [{"id": 999_999}]}], "custom_fields[0].values[0].id"),
    ([{"name": "Sponsor", "values": [{"name": "LGL"}]}], "custom_fields[0].name"),  # a Gift category
    ([{"name": "Source"}, {"name": "Channel", "values": [{"name": "Web"}]}],
     "custom_fields[1].values[0].name"),  # another category's value
    ([{"name": "Channel", "values": [{"name": "Online"}, {"name": "Phone"}]}], "custom_fields[0].values"),
], ids=["category", "category-id", "value", "value-id", "other-item-type", "other-category", "single-two"])
def test_an_unknown_or_misplaced_one_is_422_naming_it_and_nothing_is_stored(shared, sent, named):
    fields = shared
    person = constituent(fields.api, fields.org)["id"]
    before = table_state()
    assert fields_named(lgl_error(fields.create(sent, person=person), 422)) == [named]
    assert table_state() == before
    made = fields.made([{"name": "Source", "values": [{"name": "Mail"}]}], person=person)
    before = table_state()
    response = fields.api.patch(fields.path(made), fields.org, {"custom_fields": sent})
    assert fields_named(lgl_error(response, 422)) == [named]
    assert table_state() == before


def test_a_keyword_held_is_not_deleted_until_no_record_holds_it(api, acme, fields):
    first = fields.made([{"name": "Source", "values": [{"name": "Web"}, {"name": "Mail"}]}])
    second = fields.made([{"name": "Source", "values": [{"name": "Web"}]}])
    lgl_error(api.delete(f"{L}/keywords/{fields.web}", acme), 409)
    fields.patch(first, [{"name": "Source", "remove_previous_values": True, "values": [{"name": "Mail"}]}])
    assert api.delete(f"{L}/{fields.section.collection}/{second['id']}", acme).status_code == 200
    assert api.delete(f"{L}/keywords/{fields.web}", acme).status_code == 200  # let go by both
    lgl_error(api.delete(f"{L}/keywords/{fields.mail}", acme), 409)
    if fields.section.cascades:  # deleted with its constituent: it lets go of its keywords then
        assert api.delete(f"{L}/constituents/{first['constituent_id']}", acme).status_code == 200
    else:
        assert api.delete(fields.path(first), acme).status_code == 200
    assert api.delete(f"{L}/keywords/{fields.mail}", acme).status_code == 200
    assert api.delete(f"{L}/categories/{fields.listed}", acme).status_code == 200


def test_an_additional_guest_keeps_its_own_and_its_hosts_delete_lets_them_go(api, acme):
    fields = Fields(api, acme, SECTIONS["invitations"])
    host = fields.made([{"name": "Source", "values": [{"name": "Web"}]}])
    guest = api.post(f"{L}/events/{fields.needs['event_id']}/invitations", acme, {
        "parent_invitation_id": host["id"], "is_a_guest": True, "guest_first_name": "Max",
        "custom_fields": [{"name": "Channel", "values": [{"name": "Phone"}]}]})
    assert guest.status_code == 200, guest.body
    assert values_of(guest.json) == {"Channel": ["Phone"]}
    event_list = api.get(f"{L}/events/{fields.needs['event_id']}/invitations", acme).json["items"]
    assert [values_of(item) for item in event_list] == [{"Source": ["Web"]}, {"Channel": ["Phone"]}]
    lgl_error(api.delete(f"{L}/keywords/{fields.phone}", acme), 409)
    assert api.delete(fields.path(host), acme).status_code == 200  # its guest goes with it
    assert api.delete(f"{L}/keywords/{fields.phone}", acme).status_code == 200
    assert api.delete(f"{L}/keywords/{fields.web}", acme).status_code == 200


def test_a_host_whose_forty_guests_hold_more_than_one_write_can_take_is_deleted_whole(api, acme):
    """Forty guests with a value each, all different: more than one transaction holds with the
    host, so guests go first, a transaction at a time, and then the host with the rest."""
    fields = Fields(api, acme, SECTIONS["invitations"])
    values = [catalogues.create(acme.org, KEYWORDS, {"category_id": fields.listed, "name": f"Source {n}"}).record["id"]
              for n in range(40)]  # made directly: the keywords' routes are tested elsewhere
    host = fields.made([{"name": "Source", "values": [{"name": "Web"}]}])
    event = fields.needs["event_id"]
    for n, value in enumerate(values):
        guest = api.post(f"{L}/events/{event}/invitations", acme, {
            "parent_invitation_id": host["id"], "is_a_guest": True, "guest_first_name": f"Guest {n}",
            "custom_fields": [{"id": fields.listed, "values": [{"id": value}]}]})
        assert guest.status_code == 200, guest.body
    assert api.get(fields.path(host), acme).json["additional_guests"] == 40
    deleted = api.delete(fields.path(host), acme)
    assert deleted.status_code == 200, deleted.body
    assert api.get(f"{L}/events/{event}/invitations", acme).json["total_items"] == 0
    assert api.get(fields.path(host), acme).status_code == 404
    for value in (fields.web, values[0], values[-1]):  # the host, the first and the last guest let go of theirs
        assert api.delete(f"{L}/keywords/{value}", acme).status_code == 200


def test_an_appeals_list_shows_each_requests_own(api, acme):
    fields = Fields(api, acme, SECTIONS["appeal_requests"])
    asked = [fields.made([{"name": "Source", "values": [{"name": name}]}]) for name in ("Web", "Mail")]
    listed = api.get(f"{L}/appeals/{fields.needs['appeal_id']}/appeal_requests", acme).json["items"]
    assert [values_of(item) for item in listed] == [values_of(r) for r in asked] == \
        [{"Source": ["Web"]}, {"Source": ["Mail"]}]
