"""LGL's appeal requests (docs/lgl.md, "Appeal requests"): created through an appeal or a
constituent, listed per appeal and per constituent, one; derived names and what was raised."""
from __future__ import annotations

import pytest

from chalicelib.domain import organisations
from tests.lgl.conftest import L, constituent, fields_named, lgl_error


def appeal(api, org, name="Annual Appeal 2020", **fields):
    response = api.post(f"{L}/appeals", org, {"name": name, **fields})
    assert response.status_code == 201, response.body
    return response.json


def request_of(api, org, constituent_id, **fields):
    response = api.post(f"{L}/constituents/{constituent_id}/appeal_requests", org, fields)
    assert response.status_code == 200, response.body
    return response.json


def ids(response) -> list[int]:
    assert response.status_code == 200, response.body
    return [item["id"] for item in response.json["items"]]


@pytest.fixture
def annual(api, acme):
    return appeal(api, acme, date="2021-07-01")


@pytest.fixture
def larry(api, acme):
    return constituent(api, acme, first_name="Larry", last_name="Appleton")


def test_the_docs_example_creates_a_request_through_the_appeal(api, acme, annual, larry):
    response = api.post(f"{L}/appeals/{annual['id']}/appeal_requests", acme,
                        {"constituent_id": str(larry["id"]), "ask_amount": 100.0})
    assert response.status_code == 200, response.body
    made = response.json
    assert made == {"api_version": "1.0", "id": made["id"], "constituent_id": larry["id"],
                    "constituent_name": "Appleton, Larry", "appeal_id": int(annual["id"]),
                    "name": "Appeal: Annual Appeal 2020 (2021-07-01)", "raised": 0, "status": "open",
                    "ask_amount": 100, "assigned_to": None, "custom_fields": [], "custom_attrs": [],
                    "created_at": made["created_at"], "updated_at": made["created_at"]}
    assert api.get(f"{L}/appeal_requests/{made['id']}", acme).json == made
    assert api.get(f"{L}/appeal_requests/{made['id']}.json", acme).json == made


def test_a_request_through_the_constituent_names_the_appeal_by_id_or_name(api, acme, annual, larry):
    spring = appeal(api, acme, "Spring Appeal")
    by_name = request_of(api, acme, larry["id"], appeal_name="spring appeal", ask_amount="250.50")
    assert (by_name["appeal_id"], by_name["name"], by_name["ask_amount"]) == \
        (int(spring["id"]), "Appeal: Spring Appeal", 250.5)
    by_id = request_of(api, acme, larry["id"], appeal_id=annual["id"], appeal_name="Spring Appeal")  # the id wins
    assert by_id["appeal_id"] == int(annual["id"])
    path = f"{L}/constituents/{larry['id']}/appeal_requests"
    assert fields_named(lgl_error(api.post(path, acme, {"appeal_name": "Sprnig"}), 422)) == ["appeal_name"]
    assert fields_named(lgl_error(api.post(path, acme, {"appeal_id": 999}), 422)) == ["appeal_id"]
    assert fields_named(lgl_error(api.post(path, acme, {"ask_amount": 5}), 422)) == ["appeal_id"]
    assert api.get(path, acme).json["total_items"] == 2


def test_a_constituent_is_on_an_appeals_list_once(api, acme, annual, larry):
    first = request_of(api, acme, larry["id"], appeal_id=annual["id"])
    again = lgl_error(api.post(f"{L}/appeals/{annual['id']}/appeal_requests", acme, {"constituent_id": larry["id"]}),
                      409)
    assert fields_named(again) == ["appeal_id"] and str(first["id"]) in again["description"]
    other = request_of(api, acme, larry["id"], appeal_name=appeal(api, acme, "Spring")["name"])
    moved = api.patch(f"{L}/appeal_requests/{other['id']}", acme, {"appeal_id": annual["id"]})
    assert fields_named(lgl_error(moved, 409)) == ["appeal_id"]
    api.delete(f"{L}/appeal_requests/{first['id']}", acme)
    assert api.patch(f"{L}/appeal_requests/{other['id']}", acme, {"appeal_id": annual["id"]}).status_code == 200


def test_the_path_says_the_appeal_or_constituent_and_the_body_must_agree(api, acme, annual, larry):
    spring = appeal(api, acme, "Spring")
    ann = constituent(api, acme, first_name="Ann")
    through_appeal = f"{L}/appeals/{annual['id']}/appeal_requests"
    assert fields_named(lgl_error(api.post(through_appeal, acme, {"ask_amount": 5}), 422)) == ["constituent_id"]
    assert fields_named(lgl_error(api.post(through_appeal, acme, {"constituent_id": larry["id"],
                                                                   "appeal_id": spring["id"]}), 422)) == ["appeal_id"]
    assert api.post(through_appeal, acme, {"constituent_id": larry["id"], "appeal_id": annual["id"]}).status_code == 200
    unknown = lgl_error(api.post(through_appeal, acme, {"constituent_id": 999}), 404)
    assert fields_named(unknown) == ["constituent_id"]
    wrong = api.post(f"{L}/constituents/{larry['id']}/appeal_requests", acme,
                     {"appeal_id": spring["id"], "constituent_id": ann["id"]})
    assert fields_named(lgl_error(wrong, 422)) == ["constituent_id"]
    lgl_error(api.post(f"{L}/appeals/999/appeal_requests", acme, {"constituent_id": larry["id"]}), 404)
    lgl_error(api.post(f"{L}/constituents/999/appeal_requests", acme, {"appeal_id": spring["id"]}), 404)


def test_lists_per_appeal_and_per_constituent_by_id_with_exact_totals_and_pages(api, acme, annual, larry):
    spring = appeal(api, acme, "Spring")
    people = [larry] + [constituent(api, acme, first_name=f"P{n}") for n in range(3)]
    in_annual = [api.post(f"{L}/appeals/{annual['id']}/appeal_requests", acme,
                          {"constituent_id": p["id"]}).json["id"] for p in people]
    in_spring = request_of(api, acme, larry["id"], appeal_id=spring["id"])["id"]
    assert ids(api.get(f"{L}/appeals/{annual['id']}/appeal_requests", acme)) == in_annual
    page = api.get(f"{L}/appeals/{annual['id']}/appeal_requests.json?limit=3", acme).json
    assert (page["items_count"], page["total_items"], page["next_item"], page["item_type"]) == \
        (3, 4, 3, "appeal_request")
    assert ids(api.get(f"{L}/appeals/{annual['id']}/appeal_requests?limit=3&offset=3", acme)) == in_annual[3:]
    assert ids(api.get(f"{L}/appeals/{spring['id']}/appeal_requests", acme)) == [in_spring]
    assert ids(api.get(f"{L}/constituents/{larry['id']}/appeal_requests", acme)) == [in_annual[0], in_spring]
    empty = api.get(f"{L}/constituents/{people[1]['id']}/appeal_requests?limit=5&offset=1", acme).json
    assert (empty["items"], empty["total_items"]) == ([], 1) and "next_item" not in empty
    names = {i["constituent_id"]: i["constituent_name"]
             for i in api.get(f"{L}/appeals/{annual['id']}/appeal_requests", acme).json["items"]}
    assert names == {p["id"]: p["sort_name"] for p in people}
    lgl_error(api.get(f"{L}/appeals/999/appeal_requests", acme), 404)
    lgl_error(api.get(f"{L}/constituents/999/appeal_requests", acme), 404)


def test_raised_is_what_the_constituent_gave_to_the_appeal_through_any_face(api, acme, annual, larry):
    ann = constituent(api, acme, first_name="Ann")
    mine = request_of(api, acme, larry["id"], appeal_id=annual["id"])
    request_of(api, acme, ann["id"], appeal_id=annual["id"])
    api.post(f"{L}/constituents/{larry['id']}/gifts", acme, {"received_amount": "100.10", "appeal_id": annual["id"]})
    api.post("/api/v1/donations", acme, {"donor_id": str(larry["id"]), "amount": "0.25",
                                         "appeal_id": str(annual["id"])})
    api.post(f"{L}/constituents/{larry['id']}/gifts", acme, {"received_amount": "7"})  # no appeal
    api.post(f"{L}/constituents/{ann['id']}/gifts", acme, {"received_amount": "3", "appeal_name": annual["name"]})
    raw = api.get(f"{L}/appeal_requests/{mine['id']}", acme).body.decode()
    assert '"raised":100.35' in raw
    listed = api.get(f"{L}/appeals/{annual['id']}/appeal_requests", acme).json["items"]
    assert [(i["constituent_id"], i["raised"]) for i in listed] == [(larry["id"], 100.35), (ann["id"], 3)]
    assert api.get(f"{L}/constituents/{larry['id']}/appeal_requests", acme).json["items"][0]["raised"] == 100.35


def test_the_docs_update_example_and_every_field(api, acme, annual, larry):
    organisations.add_member("acme", first_name="Tom", last_name="Talbott", email="tom@example.org")
    tom = organisations.members("acme")[0]["id"]
    made = api.post(f"{L}/appeals/{annual['id']}/appeal_requests", acme,
                    {"constituent_id": larry["id"], "ask_amount": 100.0}).json
    changed = api.patch(f"{L}/appeal_requests/{made['id']}", acme, {"ask_amount": "200"})
    assert changed.status_code == 200 and changed.json["ask_amount"] == 200
    for member in (tom, str(tom), "TOM@example.org", "tom  talbott"):
        response = api.patch(f"{L}/appeal_requests/{made['id']}", acme, {"assigned_to": member, "status": "Declined"})
        assert (response.json["assigned_to"], response.json["status"]) == (tom, "declined"), member
    assert fields_named(lgl_error(api.patch(f"{L}/appeal_requests/{made['id']}", acme, {"assigned_to": "Tim"}),
                                  422)) == ["assigned_to"]
    assert fields_named(lgl_error(api.patch(f"{L}/appeal_requests/{made['id']}", acme, {"status": "won"}),
                                  422)) == ["status"]
    assert fields_named(lgl_error(api.patch(f"{L}/appeal_requests/{made['id']}", acme, {"ask_amount": "1.005"}),
                                  422)) == ["ask_amount"]
    assert api.post(f"{L}/attributes", acme, {"name": "Priority", "item_type": "AppealRequest"}).status_code == 201
    cleared = api.patch(f"{L}/appeal_requests/{made['id']}", acme, {"assigned_to": None, "ask_amount": None,
                                                                    "custom_attrs": [{"key": "priority", "value": "1"}]})
    assert (cleared.json["assigned_to"], cleared.json["ask_amount"]) == (None, None)
    assert [(a["key"], a["value"]) for a in cleared.json["custom_attrs"]] == [("priority", "1")]
    assert "X-Ignored-Fields" not in cleared.headers
    ann = constituent(api, acme, first_name="Ann")
    moved = api.patch(f"{L}/appeal_requests/{made['id']}", acme, {"constituent_id": ann["id"]}).json
    assert (moved["constituent_id"], moved["constituent_name"]) == (ann["id"], ann["sort_name"])
    assert ids(api.get(f"{L}/constituents/{larry['id']}/appeal_requests", acme)) == []
    assert fields_named(lgl_error(api.patch(f"{L}/appeal_requests/{made['id']}", acme, {"constituent_id": 999}),
                                  404)) == ["constituent_id"]


def test_constituent_name_follows_a_renamed_constituent(api, acme, annual, larry):
    made = request_of(api, acme, larry["id"], appeal_id=annual["id"])
    api.patch(f"{L}/constituents/{larry['id']}", acme, {"last_name": "Appleby"})
    assert api.get(f"{L}/appeal_requests/{made['id']}", acme).json["constituent_name"] == "Appleby, Larry"


def test_delete_then_404_and_again_success_and_a_constituent_goes_with_its_requests(api, acme, annual, larry):
    made = request_of(api, acme, larry["id"], appeal_id=annual["id"])
    for _ in range(2):
        assert api.delete(f"{L}/appeal_requests/{made['id']}", acme).json == {"api_version": "1.0",
                                                                               "result": "success"}
    lgl_error(api.get(f"{L}/appeal_requests/{made['id']}", acme), 404)
    again = request_of(api, acme, larry["id"], appeal_id=annual["id"])  # its place on the list is free again
    assert api.delete(f"{L}/constituents/{larry['id']}", acme).status_code == 200
    lgl_error(api.get(f"{L}/appeal_requests/{again['id']}", acme), 404)
    assert ids(api.get(f"{L}/appeals/{annual['id']}/appeal_requests", acme)) == []


def test_another_organisations_request_appeal_and_constituent_are_404_and_nothing_changes(api, acme, other):
    appeal(api, other, "Their first"), constituent(api, other)  # their ids are ones acme has not issued
    their_appeal, theirs = appeal(api, other), constituent(api, other)
    made = request_of(api, other, theirs["id"], appeal_id=their_appeal["id"])
    mine, my_appeal = constituent(api, acme), appeal(api, acme, "Mine")
    for method, body in (("GET", None), ("PATCH", {"status": "closed"}), ("DELETE", None)):
        lgl_error(api.call(method, f"{L}/appeal_requests/{made['id']}", acme, body), 404)
    lgl_error(api.get(f"{L}/appeals/{their_appeal['id']}/appeal_requests", acme), 404)
    lgl_error(api.post(f"{L}/appeals/{my_appeal['id']}/appeal_requests", acme, {"constituent_id": theirs["id"]}), 404)
    assert fields_named(lgl_error(api.post(f"{L}/constituents/{mine['id']}/appeal_requests", acme,
                                           {"appeal_id": their_appeal["id"]}), 422)) == ["appeal_id"]
    assert api.get(f"{L}/appeal_requests/{made['id']}", other).json["status"] == "open"
    assert api.get(f"{L}/constituents/{mine['id']}/appeal_requests", acme).json["total_items"] == 0
