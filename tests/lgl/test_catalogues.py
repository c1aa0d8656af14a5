"""Catalogues (funds, campaigns, appeals, events, gift types and categories, payment types,
mailing templates): LGL lists them as its examples show; the native face manages them."""
from __future__ import annotations

import pytest

from chalicelib.domain import catalogues
from tests.conftest import assert_problem
from tests.contract.conftest import table_state
from tests.lgl.conftest import L, lgl_error

LISTED = ("funds", "campaigns", "appeals", "events", "gift_types", "gift_categories", "payment_types",
          "mailing_templates")


def test_every_catalogue_lgl_lists_is_listed_and_managed():
    listed = [c.key for c in catalogues.CATALOGUES.listed()]
    assert set(LISTED) <= set(listed) and len(listed) == len(set(listed))


def test_new_organisations_start_with_lgls_defaults(api, acme):
    body = api.get(f"{L}/gift_types", acme).json
    assert (body["item_type"], body["total_items"]) == ("gift_type", 6)
    assert [(t["id"], t["name"], t["ordinal"]) for t in body["items"]] == [
        (1, "Gift", 1), (8, "In Kind", 2), (5, "Other Income", 3), (7, "Pledge", 4), (13, "Installment", 5),
        (9, "Soft Credit", 6)]
    payment = api.get(f"{L}/payment_types.json", acme).json["items"]
    assert payment[:4] == [{"id": 1507, "name": "Cash", "key": "cash", "ordinal": 0},
                           {"id": 1508, "name": "Check", "key": "check", "ordinal": 1},
                           {"id": 1509, "name": "Credit Card", "key": "credit", "ordinal": 2},
                           {"id": 1510, "name": "Stock", "key": "stock", "ordinal": 3}]
    categories = api.get(f"{L}/gift_categories", acme).json["items"]
    assert categories[0] == {"id": 5937, "display_name": "Donation", "gift_type_id": 1, "gift_type_name": "Gift"}
    templates = api.get(f"{L}/mailing_templates", acme).json["items"]
    assert templates[0] == {"id": 174, "name": "Donation Acknowledgment", "code": "donation_ack",
                            "mailing_type_id": 1907, "mailing_type_name": "Acknowledgment", "template_type": "letter"}
    for key in ("funds", "campaigns", "appeals", "events"):
        assert api.get(f"{L}/{key}", acme).json["total_items"] == 0


def test_lists_filter_by_their_references_and_page(api, acme):
    pledges = api.get(f"{L}/gift_categories?gift_type_id=7", acme).json
    assert [c["display_name"] for c in pledges["items"]] == ["Standard Pledge", "Grant"]
    assert api.get(f"{L}/mailing_templates?mailing_type_id=1908", acme).json["total_items"] == 0
    body = lgl_error(api.get(f"{L}/gift_categories?gift_type_id=x", acme), 400)
    assert body["error"] == "Parameter Error" and body["errors"][0]["field"] == "gift_type_id"
    page = api.get(f"{L}/payment_types?limit=4&offset=4", acme).json
    assert (page["items_count"], page["total_items"], page["next_item"]) == (4, 9, 8)


def test_a_fund_is_created_read_changed_and_listed_on_both_faces(api, acme):
    created = api.post(f"{L}/funds", acme, {"name": "Building Fund", "code": "bldg", "financial_goal": "25000.50",
                                            "start_date": "2026-01-01", "end_date": "2026-12-31"})
    assert created.status_code == 201, created.body
    fund = created.json
    assert created.headers["Location"] == f"{L}/funds/{fund['id']}" and created.headers["ETag"] == '"1"'
    assert (fund["name"], fund["financial_goal"], fund["version"]) == ("Building Fund", 25000.5, 1)
    assert api.get(f"{L}/funds/{fund['id']}", acme).json == fund
    listed = api.get(f"{L}/funds", acme).json["items"]
    assert listed == [{"id": int(fund["id"]), "name": "Building Fund", "description": None, "code": "bldg",
                       "start_date": "2026-01-01", "end_date": "2026-12-31", "financial_goal": 25000.5}]
    changed = api.patch(f"{L}/funds/{fund['id']}", acme, {"description": "The new wing", "code": None},
                        headers={"If-Match": '"1"'})
    assert changed.status_code == 200 and changed.json["version"] == 2
    assert (changed.json["description"], changed.json["code"]) == ("The new wing", None)
    assert_problem(api.patch(f"{L}/funds/{fund['id']}", acme, {"code": "x"}, headers={"If-Match": '"1"'}), 412)


@pytest.mark.parametrize("body, field", [
    ({"code": "x"}, "name"),
    ({"name": "  "}, "name"),
    ({"name": "A", "end_date": "2026-01-01", "start_date": "2026-02-01"}, "end_date"),
    ({"name": "A", "start_date": "2026-02-30"}, "start_date"),
    ({"name": "A", "financial_goal": "1.005"}, "financial_goal"),
    ({"name": "A", "financial_goal": -1}, "financial_goal"),
    ({"name": "A", "colour": "red"}, "colour"),
])
def test_an_invalid_value_is_422_naming_the_field_and_stores_nothing(api, acme, body, field):
    before = table_state()
    assert_problem(api.post(f"{L}/funds", acme, body), 422, field)
    assert table_state() == before


def test_a_reference_must_name_a_value_there_is(api, acme):
    assert_problem(api.post(f"{L}/gift_categories", acme, {"display_name": "Bequest", "gift_type_id": 99}), 422,
                   "gift_type_id")
    assert_problem(api.post(f"{L}/gift_categories", acme, {"display_name": "Bequest"}), 422, "gift_type_id")
    made = api.post(f"{L}/gift_categories", acme, {"display_name": "Bequest", "gift_type_id": 7})
    assert made.status_code == 201 and int(made.json["id"]) >= 10001


def test_two_values_of_one_catalogue_never_share_a_name(api, acme):
    assert api.post(f"{L}/campaigns", acme, {"name": "Spring Drive"}).status_code == 201
    assert_problem(api.post(f"{L}/campaigns", acme, {"name": "spring  drive"}), 409, "name")
    assert api.post(f"{L}/funds", acme, {"name": "Spring Drive"}).status_code == 201  # another catalogue


def test_a_code_names_one_value_as_a_name_does(api, acme):
    """A reference by name matches a code too, so two values with one code would make it ambiguous."""
    made = api.post(f"{L}/funds", acme, {"name": "Building", "code": "BLD"})
    assert made.status_code == 201, made.body
    assert_problem(api.post(f"{L}/funds", acme, {"name": "Roof", "code": "bld "}), 409, "code")
    roof = api.post(f"{L}/funds", acme, {"name": "Roof", "code": "ROOF"})
    assert_problem(api.patch(f"{L}/funds/{roof.json['id']}", acme, {"code": "BLD"}), 409, "code")
    assert api.patch(f"{L}/funds/{made.json['id']}", acme, {"code": "BLD", "name": "Building fund"}).status_code == 200


def test_changing_or_deleting_a_default_keeps_the_organisations_own_copy(api, acme, other):
    renamed = api.patch(f"{L}/gift_types/1", acme, {"name": "Donation"})
    assert renamed.status_code == 200 and renamed.json["version"] == 1
    assert api.delete(f"{L}/payment_types/1510", acme).status_code == 204
    assert api.delete(f"{L}/payment_types/1510", acme).status_code == 204  # again: done already
    assert [t["name"] for t in api.get(f"{L}/gift_types", acme).json["items"]][0] == "Donation"
    assert 1510 not in [p["id"] for p in api.get(f"{L}/payment_types", acme).json["items"]]
    assert_problem(api.get(f"{L}/payment_types/1510", acme), 404)
    # the other organisation's defaults are its own
    assert api.get(f"{L}/gift_types", other).json["items"][0]["name"] == "Gift"
    assert 1510 in [p["id"] for p in api.get(f"{L}/payment_types", other).json["items"]]


def test_a_read_key_cannot_change_a_catalogue(api, acme):
    assert_problem(api.post(f"{L}/funds", acme, {"name": "X"}, scope="READ"), 403)
    assert_problem(api.delete(f"{L}/gift_types/1", acme, scope="READ"), 403)
