"""LGL's Gifts Management (docs/lgl.md, "A gift on the record" and "Searching gifts"): the
seed's create example with every name resolved, both spellings of amount and date, LGL's
0-versus-null, name-or-id references, money exact to the cent through every face, the gift
being the native face's donation, the per-constituent list, update, delete, and every term,
operator and sort of `GET /gifts/search`.

One moto world serves the module; each test has an organisation of its own (the search
tests share one, built once and only read)."""
from __future__ import annotations

import itertools
from typing import Any

import pytest

from chalicelib.domain import lifecycle, lookups, organisations
from tests.conftest import Api, Org, assert_problem, make_org
from tests.contract.conftest import table_state
from tests.lgl.conftest import L, constituent, fields_named, lgl_error
from tests.lgl.test_route_coverage import REFERENCE
from tests.lgl.worlds import acme, api, other, world  # noqa: F401  (one world for the module)


def catalogue_value(api: Api, org: Org, key: str, **fields: Any) -> int:
    """A value of a catalogue, made natively (LGL only lists them)."""
    response = api.post(f"{L}/{key}", org, fields)
    assert response.status_code == 201, response.body
    return int(response.json["id"])


def gift(api: Api, org: Org, constituent_id: Any, **fields: Any) -> dict[str, Any]:
    response = api.post(f"{L}/constituents/{constituent_id}/gifts", org, {"received_amount": "25", **fields})
    assert response.status_code == 200, response.body
    return response.json


def native_donation(api: Api, org: Org, donor_id: Any, **fields: Any) -> dict[str, Any]:
    body = {"donor_id": str(donor_id), "amount": "25.00", "received_at": "2026-06-01", **fields}
    response = api.post("/api/v1/donations", org, body)
    assert response.status_code == 201, response.body
    return response.json


@pytest.fixture
def named(api, acme) -> dict[str, int]:
    """The seed example's fund, campaign and appeal, its custom field, an event, and its team
    member Nick Bicknell."""
    field = api.post(f"{L}/categories", acme, {"item_type": "Gift", "name": "Test Gift Field #2"}).json["id"]
    assert api.post(f"{L}/categories/{field}/keywords", acme, {"name": "v1"}).status_code == 200
    return {"field": field, "fund": catalogue_value(api, acme, "funds", name="General"),
            "building": catalogue_value(api, acme, "funds", name="Building"),
            "campaign": catalogue_value(api, acme, "campaigns", name="Annual Giving"),
            "appeal": catalogue_value(api, acme, "appeals", name="Annual Appeal 2020"),
            "event": catalogue_value(api, acme, "events", name="Gala"),
            "member": organisations.add_member(acme.org, first_name="Nick", last_name="Bicknell",
                                               email="nick@example.org")["id"]}


# The doc's "Create Gift with Custom Field" request, as sent.
SEED_GIFT = {
    "gift_type_name": "Gift", "gift_category_name": "Donation", "campaign_name": "Annual Giving",
    "fund_name": "General", "appeal_name": "Annual Appeal 2020", "received_amount": 100,
    "received_date": "2021-07-01", "payment_type_name": "Credit Card", "deductible_amount": 100,
    "note": "See other note", "ack_template_name": "Donation Acknowledgment", "deposit_date": "2021-07-01",
    "deposited_amount": 100, "team_member": "1047042",
    "custom_fields": [{"name": "Test Gift Field #2", "values": [{"name": "v1"}]}]}


def _doc_fields(method: str, path: str) -> set[str]:
    endpoint = next(e for e in REFERENCE if (e["method"], e["path"]) == (method, path))
    return {f for f in endpoint["response_fields"] if "[]" not in f}


# ---- create ----------------------------------------------------------------------------------

@pytest.mark.parametrize("member", ["id", "email", "name"])
def test_the_seeds_create_example_resolves_every_name(api, acme, named, member):
    joe = constituent(api, acme)
    ref = {"id": str(named["member"]), "email": "NICK@example.org", "name": "nick   bicknell"}[member]
    response = api.post(f"{L}/constituents/{joe['id']}/gifts", acme, {**SEED_GIFT, "team_member": ref})
    assert response.status_code == 200, response.body
    made = response.json
    custom_fields = made["custom_fields"]
    assert {k: v for k, v in made.items() if k not in ("id", "created_at", "updated_at", "custom_fields")} == {
        "api_version": "1.0", "constituent_id": joe["id"], "external_id": None, "is_anon": False,
        "gift_type_id": 1, "gift_type_name": "Gift", "gift_category_id": 5937, "gift_category_name": "Donation",
        "campaign_id": named["campaign"], "campaign_name": "Annual Giving", "fund_id": named["fund"],
        "fund_name": "General", "appeal_id": named["appeal"], "appeal_name": "Annual Appeal 2020",
        "event_id": 0, "event_name": None, "received_amount": 100, "received_date": "2021-07-01",
        "amount": 100, "date": "2021-07-01", "payment_type_id": 1509, "payment_type_name": "Credit Card",
        "check_number": None, "deductible_amount": 100, "note": "See other note",
        "ack_template_name": "Donation Acknowledgment", "deposit_date": "2021-07-01", "deposited_amount": 100,
        "parent_gift_id": None, "parent_external_id": None, "auto_sync_to_qbo": False, "tribute_name": None,
        "tributee_name": None, "tribute_dedication": None, "tribute_recipient_name": None,
        "tribute_recipient_salutation": None, "tribute_recipient_email": None,
        "tribute_recipient_address": None, "tribute_recipient_notification_template": None,
        "team_member": "Nick Bicknell", "team_member_email": "nick@example.org"}
    assert [(f["id"], [v["name"] for v in f["values"]]) for f in custom_fields] == [(named["field"], ["v1"])]
    # every field of LGL's model, plus the example's `team_member` and the short `amount`/`date`
    assert set(made) == _doc_fields("POST", "/api/v1/constituents/{constituent_id}/gifts") | {
        "api_version", "team_member", "amount", "date"}
    assert "X-Ignored-Fields" not in response.headers
    assert api.get(f"{L}/gifts/{made['id']}.json", acme).json == made


def test_an_unknown_team_member_is_422_naming_team_member_and_stores_nothing(api, acme, named):
    joe = constituent(api, acme)
    before = table_state()
    for ref in ("Nobody Here", "nobody@example.org", "999"):
        body = lgl_error(api.post(f"{L}/constituents/{joe['id']}/gifts", acme,
                                  {"received_amount": 5, "team_member": ref}), 422)
        assert fields_named(body) == ["team_member"] and "Nick Bicknell" in body["description"]
    assert table_state() == before


def test_received_amount_and_date_or_amount_and_date_are_accepted_and_both_emitted(api, acme):
    joe = constituent(api, acme)
    short = gift(api, acme, joe["id"], received_amount=None, amount="12.50", date="2024-02-03")
    assert (short["received_amount"], short["received_date"], short["amount"], short["date"]) == (
        12.5, "2024-02-03", 12.5, "2024-02-03")
    both = gift(api, acme, joe["id"], received_amount="30", received_date="2024-05-06", amount="99",
                date="2020-01-01")
    assert (both["received_amount"], both["received_date"], both["amount"], both["date"]) == (
        30, "2024-05-06", 30, "2024-05-06")
    changed = api.patch(f"{L}/gifts/{short['id']}", acme, {"amount": "13", "date": "2024-02-04"}).json
    assert (changed["received_amount"], changed["received_date"]) == (13, "2024-02-04")
    listed = api.get(f"{L}/constituents/{joe['id']}/gifts", acme).json["items"]
    assert {(g["amount"], g["date"]) for g in listed} == {(13, "2024-02-04"), (30, "2024-05-06")}


def test_a_gift_without_an_amount_is_422_naming_received_amount(api, acme):
    joe = constituent(api, acme)
    body = lgl_error(api.post(f"{L}/constituents/{joe['id']}/gifts", acme, {"received_date": "2024-01-01"}), 422)
    assert fields_named(body) == ["received_amount"]
    body = lgl_error(api.post(f"{L}/constituents/{joe['id']}/gifts", acme, {"received_amount": "0"}), 422)
    assert fields_named(body) == ["received_amount"]


def test_deposit_date_and_amount_default_to_the_received_ones(api, acme):
    joe = constituent(api, acme)
    plain = gift(api, acme, joe["id"], received_amount="40", received_date="2024-03-01")
    assert (plain["deposit_date"], plain["deposited_amount"]) == ("2024-03-01", 40)
    moved = api.patch(f"{L}/gifts/{plain['id']}", acme, {"received_amount": "45", "received_date": "2024-03-02"})
    assert (moved.json["deposit_date"], moved.json["deposited_amount"]) == ("2024-03-02", 45)  # until set
    own = gift(api, acme, joe["id"], received_amount="40", received_date="2024-03-01", deposit_date="2024-03-05",
               deposited_amount="38.50")
    assert (own["deposit_date"], own["deposited_amount"]) == ("2024-03-05", 38.5)


def test_what_is_not_set_is_0_with_a_null_name_and_a_payment_type_null(api, acme):
    joe = constituent(api, acme)
    made = gift(api, acme, joe["id"], received_amount="5", received_date="2024-01-01")
    for base in ("gift_category", "campaign", "fund", "appeal", "event"):
        assert (made[f"{base}_id"], made[f"{base}_name"]) == (0, None), base
    assert (made["payment_type_id"], made["payment_type_name"]) == (None, None)
    assert (made["gift_type_id"], made["gift_type_name"]) == (1, "Gift")  # a gift names none: Gift
    assert (made["deductible_amount"], made["team_member"], made["team_member_email"]) == (0, None, None)
    assert (made["external_id"], made["parent_gift_id"], made["is_anon"], made["auto_sync_to_qbo"]) == (
        None, None, False, False)


def test_an_id_wins_over_a_name(api, acme, named):
    joe = constituent(api, acme)
    made = gift(api, acme, joe["id"], fund_id=named["fund"], fund_name="Building", payment_type_id=1508,
                payment_type_name="Cash", gift_type_id=7, gift_type_name="Gift",
                gift_category_id=5940, gift_category_name="Donation")
    assert (made["fund_id"], made["fund_name"]) == (named["fund"], "General")
    assert (made["payment_type_id"], made["payment_type_name"]) == (1508, "Check")
    assert (made["gift_type_id"], made["gift_category_id"]) == (7, 5940)
    # a name nobody has does not matter when the id is sent
    made = gift(api, acme, joe["id"], campaign_id=named["campaign"], campaign_name="No Such Campaign")
    assert made["campaign_name"] == "Annual Giving"


@pytest.mark.parametrize("field, listed", [
    ("gift_type_name", "1 Gift"), ("gift_category_name", "5937 Donation"), ("campaign_name", "Annual Giving"),
    ("fund_name", "General"), ("appeal_name", "Annual Appeal 2020"), ("event_name", "Gala"),
    ("payment_type_name", "1509 Credit Card")])
def test_an_unknown_name_is_422_naming_the_field_with_the_values_and_stores_nothing(api, acme, named, field,
                                                                                     listed):
    joe = constituent(api, acme)
    before = table_state()
    body = lgl_error(api.post(f"{L}/constituents/{joe['id']}/gifts", acme,
                              {"received_amount": "5", field: "Typo"}), 422)
    assert fields_named(body) == [field]
    assert "'Typo'" in body["description"] and listed in body["description"]
    id_field = field.replace("_name", "_id")
    body = lgl_error(api.post(f"{L}/constituents/{joe['id']}/gifts", acme,
                              {"received_amount": "5", id_field: 987654}), 422)
    assert fields_named(body) == [id_field]
    assert table_state() == before


def test_names_match_any_case_and_a_code_or_key(api, acme, named):
    joe = constituent(api, acme)
    made = gift(api, acme, joe["id"], fund_name="  GENERAL ", payment_type_name="credit", gift_type_name="pledge")
    assert (made["fund_id"], made["payment_type_id"], made["gift_type_id"]) == (named["fund"], 1509, 7)


def test_numbers_and_booleans_sent_as_strings_are_accepted(api, acme, named):
    joe = constituent(api, acme)
    made = gift(api, acme, str(joe["id"]), received_amount="100.50", fund_id=str(named["fund"]), gift_type_id="7",
                gift_category_id="5941", payment_type_id="1509", deductible_amount="50", is_anon="true",
                team_member=str(named["member"]))
    assert (made["received_amount"], made["fund_id"], made["gift_type_id"], made["gift_category_id"]) == (
        100.5, named["fund"], 7, 5941)
    assert (made["payment_type_id"], made["deductible_amount"], made["is_anon"], made["team_member"]) == (
        1509, 50, True, "Nick Bicknell")


def test_a_category_of_another_gift_type_is_422(api, acme):
    joe = constituent(api, acme)
    body = lgl_error(api.post(f"{L}/constituents/{joe['id']}/gifts", acme,
                              {"received_amount": "5", "gift_category_name": "Grant"}), 422)  # a Pledge's
    assert fields_named(body) == ["gift_category_id"]


def test_a_catalogue_value_deleted_or_renamed_keeps_what_names_it(api, acme, named):
    joe = constituent(api, acme)
    made = gift(api, acme, joe["id"], fund_name="General", payment_type_name="Cash")
    assert api.patch(f"{L}/funds/{named['fund']}", acme, {"name": "General Fund"}).status_code == 200
    assert api.get(f"{L}/gifts/{made['id']}", acme).json["fund_name"] == "General Fund"
    assert api.delete(f"{L}/funds/{named['fund']}", acme).status_code == 204
    assert api.delete(f"{L}/payment_types/1507", acme).status_code == 204  # a default
    assert named["fund"] not in [f["id"] for f in api.get(f"{L}/funds", acme).json["items"]]
    shown = api.get(f"{L}/gifts/{made['id']}", acme).json
    assert (shown["fund_id"], shown["fund_name"], shown["payment_type_id"], shown["payment_type_name"]) == (
        named["fund"], "General Fund", 1507, "Cash")
    assert api.patch(f"{L}/gifts/{made['id']}", acme, {"note": "Still General"}).json["fund_id"] == named["fund"]
    assert api.get(f"/api/v1/donations/{made['id']}", acme).json["fund"] == "General Fund"
    before = table_state()
    assert fields_named(lgl_error(api.post(f"{L}/constituents/{joe['id']}/gifts", acme,
                                           {"received_amount": "5", "fund_name": "General Fund"}), 422)) == [
        "fund_name"]
    assert fields_named(lgl_error(api.post(f"{L}/constituents/{joe['id']}/gifts", acme,
                                           {"received_amount": "5", "payment_type_id": 1507}), 422)) == [
        "payment_type_id"]
    assert table_state() == before


def test_an_acknowledgment_template_a_parent_gift_and_a_check_number_are_checked(api, acme):
    joe = constituent(api, acme)
    acked = gift(api, acme, joe["id"], ack_template_name="donation ACKNOWLEDGMENT")
    assert acked["ack_template_name"] == "Donation Acknowledgment"
    assert gift(api, acme, joe["id"], ack_template_name="do_not_ack")["ack_template_name"] == "do_not_ack"
    child = gift(api, acme, joe["id"], parent_gift_id=acked["id"], parent_external_id="pledge001")
    assert (child["parent_gift_id"], child["parent_external_id"]) == (acked["id"], "pledge001")
    cheque = gift(api, acme, joe["id"], payment_type_name="Check", check_number="1001")
    assert cheque["check_number"] == "1001"
    before = table_state()
    for body, field in (({"ack_template_name": "Thank You Letter"}, "ack_template_name"),
                        ({"parent_gift_id": 999999}, "parent_gift_id"),
                        ({"check_number": "1002", "payment_type_name": "Cash"}, "check_number")):
        response = lgl_error(api.post(f"{L}/constituents/{joe['id']}/gifts", acme,
                                      {"received_amount": "5", **body}), 422)
        assert fields_named(response) == [field], body
    assert table_state() == before


# ---- money, exact through every face -----------------------------------------------------------

def test_money_sent_to_lgl_reads_exact_on_the_native_face(api, acme):
    joe = constituent(api, acme)
    made = api.post(f"{L}/constituents/{joe['id']}/gifts", acme,
                    raw='{"received_amount": 1234.56, "deductible_amount": 0.3, "received_date": "2024-01-02"}')
    assert made.status_code == 200, made.body
    assert b'"received_amount":1234.56,' in made.body and b'"deductible_amount":0.3,' in made.body
    native = api.get(f"/api/v1/donations/{made.json['id']}", acme)
    assert b'"amount":1234.56,' in native.body and native.json["currency"] == "USD"
    activity = api.get(f"/api/v1/donors/{joe['id']}/activity", acme)
    assert b'"amount":1234.56,' in activity.body
    assert [(a["type"], a["data"]["id"], a["data"]["amount"]) for a in activity.json["data"]] == [
        ("donation", str(made.json["id"]), 1234.56)]


@pytest.mark.parametrize("amount", ["19.99", "0.3", "0.1", "1234.56", "1000000.01"])
def test_money_sent_natively_reads_exact_on_lgl(api, acme, amount):
    joe = constituent(api, acme)
    donation = native_donation(api, acme, joe["id"], amount=amount)
    shown = api.get(f"{L}/gifts/{donation['id']}", acme)
    for field in ("received_amount", "amount", "deposited_amount"):
        assert f'"{field}":{amount},'.encode() in shown.body, shown.body
    listed = api.get(f"{L}/constituents/{joe['id']}/gifts", acme)
    assert f'"received_amount":{amount},'.encode() in listed.body
    found = api.get(f"{L}/gifts/search?q[]=gift_amount=eq|{amount}", acme).json
    assert [g["id"] for g in found["items"]] == [int(donation["id"])]


def test_an_amount_finer_than_a_cent_is_422_and_a_float_sum_is_not_a_cent(api, acme):
    joe = constituent(api, acme)
    before = table_state()
    for raw in ('{"received_amount": 0.30000000000000004}', '{"received_amount": "19.999"}',
                '{"received_amount": 1e400}'):
        body = lgl_error(api.post(f"{L}/constituents/{joe['id']}/gifts", acme, raw=raw), 422)
        assert fields_named(body) == ["received_amount"], raw
    assert table_state() == before


# ---- one record, every face -----------------------------------------------------------------

def test_a_gift_made_natively_is_the_gift_lgl_shows(api, acme, named):
    joe = constituent(api, acme)
    donation = native_donation(api, acme, joe["id"], amount="50.00", received_at="2024-04-05", fund="General",
                               campaign_id=str(named["campaign"]), payment_method="check", check_number="1001",
                               note="By post", external_id="ext-9")
    shown = api.get(f"{L}/gifts/{donation['id']}", acme).json
    assert {k: shown[k] for k in ("id", "constituent_id", "received_amount", "received_date", "fund_id", "fund_name",
                                  "campaign_id", "campaign_name", "appeal_id", "payment_type_id",
                                  "payment_type_name", "check_number", "note", "external_id", "gift_type_id")} == {
        "id": int(donation["id"]), "constituent_id": joe["id"], "received_amount": 50,
        "received_date": "2024-04-05", "fund_id": named["fund"], "fund_name": "General",
        "campaign_id": named["campaign"], "campaign_name": "Annual Giving", "appeal_id": 0,
        "payment_type_id": 1508, "payment_type_name": "Check", "check_number": "1001", "note": "By post",
        "external_id": "ext-9", "gift_type_id": 1}
    assert [g["id"] for g in api.get(f"{L}/constituents/{joe['id']}/gifts", acme).json["items"]] == [shown["id"]]


def test_a_gift_made_on_lgl_is_the_donation_the_native_face_shows(api, acme, named):
    joe = constituent(api, acme)
    made = gift(api, acme, joe["id"], received_amount="75.25", received_date="2024-06-07", fund_name="General",
                campaign_name="Annual Giving", appeal_name="Annual Appeal 2020", payment_type_name="Credit Card",
                note="Online", external_id="lgl-1")
    native = api.get(f"/api/v1/donations/{made['id']}", acme).json
    assert {k: v for k, v in native.items() if k not in ("created_at", "updated_at")} == {
        "id": str(made["id"]), "donor_id": str(joe["id"]), "amount": 75.25, "currency": "USD",
        "received_at": "2024-06-07", "check_number": None, "note": "Online", "external_id": "lgl-1",
        "payment_method": "credit_card", "fund_id": str(named["fund"]), "fund": "General",
        "campaign_id": str(named["campaign"]), "campaign": "Annual Giving", "appeal_id": str(named["appeal"]),
        "appeal": "Annual Appeal 2020"}
    # a native change shows on LGL, and LGL's own fields the native face does not show are kept
    changed = api.patch(f"/api/v1/donations/{made['id']}", acme, {"fund": "Building", "note": "Changed"})
    assert changed.status_code == 200, changed.body
    shown = api.get(f"{L}/gifts/{made['id']}", acme).json
    assert (shown["fund_id"], shown["fund_name"], shown["note"]) == (named["building"], "Building", "Changed")
    assert (shown["appeal_name"], shown["payment_type_id"], shown["received_amount"]) == (
        "Annual Appeal 2020", 1509, 75.25)
    assert api.get(f"/api/v1/donors/{joe['id']}", acme).json["donation_count"] == 1


# ---- the per-constituent list ------------------------------------------------------------------

def test_a_constituents_gifts_page_with_exact_totals_newest_first(api, acme):
    joe, ann = constituent(api, acme), constituent(api, acme, first_name="Ann")
    made = [gift(api, acme, joe["id"], received_date=f"2024-0{n}-01") for n in range(1, 6)]
    theirs = gift(api, acme, ann["id"])
    first = api.get(f"{L}/constituents/{joe['id']}/gifts?limit=2", acme).json
    assert (first["items_count"], first["total_items"], first["next_item"], first["item_type"]) == (2, 5, 2, "gift")
    assert [g["id"] for g in first["items"]] == [made[4]["id"], made[3]["id"]]
    last = api.get(f"{L}/constituents/{joe['id']}/gifts.json?limit=2&offset=4", acme).json
    assert (last["items_count"], last["total_items"]) == (1, 5)
    assert "next_item" not in last and "next_link" not in last
    assert [g["id"] for g in last["items"]] == [made[0]["id"]]
    every = api.get(f"{L}/constituents/{joe['id']}/gifts", acme).json
    assert theirs["id"] not in [g["id"] for g in every["items"]] and every["total_items"] == 5
    assert api.get(f"{L}/constituents/{joe['id']}/gifts?limit=0", acme).json["total_items"] == 5
    lgl_error(api.get(f"{L}/constituents/999999/gifts", acme), 404)


def test_another_organisations_constituent_and_gift_are_404_with_nothing_changed(api, acme, other):
    joe = constituent(api, acme)
    made = gift(api, acme, joe["id"])
    before = table_state()
    lgl_error(api.get(f"{L}/constituents/{joe['id']}/gifts", other), 404)
    lgl_error(api.post(f"{L}/constituents/{joe['id']}/gifts", other, {"received_amount": "1"}), 404)
    lgl_error(api.get(f"{L}/gifts/{made['id']}", other), 404)
    lgl_error(api.patch(f"{L}/gifts/{made['id']}", other, {"note": "x"}), 404)
    lgl_error(api.delete(f"{L}/gifts/{made['id']}", other), 404)
    assert table_state() == before


# ---- update and delete -----------------------------------------------------------------------

def test_an_update_changes_only_what_is_sent(api, acme, named):
    joe = constituent(api, acme)
    made = gift(api, acme, joe["id"], **{**SEED_GIFT, "team_member": str(named["member"])})
    changed = api.patch(f"{L}/gifts/{made['id']}", acme, {"note": "Thanked", "fund_name": "Building"})
    assert changed.status_code == 200, changed.body
    after = changed.json
    assert {k for k in made if made[k] != after[k]} <= {"note", "fund_id", "fund_name", "updated_at"}
    assert (after["note"], after["fund_id"], after["fund_name"]) == ("Thanked", named["building"], "Building")
    assert api.get(f"{L}/gifts/{made['id']}", acme).json == after
    cleared = api.patch(f"{L}/gifts/{made['id']}", acme, {"fund_id": None, "payment_type_id": None}).json
    assert (cleared["fund_id"], cleared["fund_name"], cleared["payment_type_id"]) == (0, None, None)
    assert cleared["campaign_name"] == "Annual Giving"


def test_an_invalid_update_is_422_and_changes_nothing(api, acme, named):
    joe = constituent(api, acme)
    made = gift(api, acme, joe["id"])
    before = table_state()
    lgl_error(api.patch(f"{L}/gifts/{made['id']}", acme, {"fund_name": "Typo", "note": "x"}), 422)
    lgl_error(api.patch(f"{L}/gifts/{made['id']}", acme, {"received_amount": "-1"}), 422)
    lgl_error(api.patch(f"{L}/gifts/{made['id']}", acme, {"team_member": "Nobody"}), 422)
    assert table_state() == before


def test_a_deleted_gift_is_404_and_deleting_it_again_succeeds(api, acme):
    joe = constituent(api, acme)
    made = gift(api, acme, joe["id"])
    assert api.delete(f"{L}/gifts/{made['id']}", acme).json == {"api_version": "1.0", "result": "success"}
    body = lgl_error(api.get(f"{L}/gifts/{made['id']}", acme), 404)
    assert body["description"] == f"Item with id '{made['id']}' not found"
    assert_problem(api.get(f"/api/v1/donations/{made['id']}", acme), 404)
    assert api.delete(f"{L}/gifts/{made['id']}.json", acme).json == {"api_version": "1.0", "result": "success"}
    lgl_error(api.patch(f"{L}/gifts/{made['id']}", acme, {"note": "x"}), 404)
    assert api.get(f"{L}/constituents/{joe['id']}/gifts", acme).json["total_items"] == 0
    lgl_error(api.delete(f"{L}/gifts/99999", acme), 404)  # one that never was


def test_a_constituent_with_a_gift_is_not_deleted_on_lgl_or_natively(api, acme):
    joe = constituent(api, acme)
    made = gift(api, acme, joe["id"])
    before = table_state()
    body = lgl_error(api.delete(f"{L}/constituents/{joe['id']}", acme), 409)
    assert "donation" in body["description"]
    assert_problem(api.delete(f"/api/v1/donors/{joe['id']}", acme), 409)
    assert table_state() == before
    api.delete(f"{L}/gifts/{made['id']}", acme)
    assert api.delete(f"{L}/constituents/{joe['id']}", acme).json["result"] == "success"


# ---- GET /gifts/search -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def town(world) -> dict[str, Any]:
    """Seven live gifts of three constituents and one deleted, on a clock that moves a minute
    a write; names sort otherwise than ids (Building Fund is made before Annual Fund)."""
    api = world
    org = make_org("gift-search")
    clock = (f"2025-01-01T{n // 60:02d}:{n % 60:02d}:00.000Z" for n in itertools.count(1))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lifecycle, "now", lambda: next(clock))
        cy = constituent(api, org, first_name="Cy", last_name="Clark")["id"]
        amy = constituent(api, org, first_name="Amy", last_name="Adams")["id"]
        bob = constituent(api, org, first_name="Bob", last_name="Baker")["id"]
        mail = lookups.add(org.org, "appeal_types", "Mail")["id"]
        online = lookups.add(org.org, "appeal_types", "Online")["id"]
        dinner = lookups.add(org.org, "event_types", "Dinner")["id"]
        sale = lookups.add(org.org, "event_types", "Sale")["id"]
        ids = {
            "building": catalogue_value(api, org, "funds", name="Building Fund"),
            "annual": catalogue_value(api, org, "funds", name="Annual Fund"),
            "zeta": catalogue_value(api, org, "campaigns", name="Zeta Campaign"),
            "alpha": catalogue_value(api, org, "campaigns", name="Alpha Campaign"),
            "spring": catalogue_value(api, org, "appeals", name="Spring Appeal", appeal_type_id=mail),
            "fall": catalogue_value(api, org, "appeals", name="Fall Appeal", appeal_type_id=online),
            "gala": catalogue_value(api, org, "events", name="Gala", event_type_id=dinner),
            "auction": catalogue_value(api, org, "events", name="Auction", event_type_id=sale),
            "mail": mail, "online": online, "dinner": dinner, "sale": sale}
        g = {
            "g1": gift(api, org, amy, received_amount="19.99", received_date="2024-01-15", gift_category_id=5937,
                       fund_id=ids["annual"], campaign_id=ids["zeta"], appeal_id=ids["spring"],
                       event_id=ids["gala"], payment_type_id=1509, external_id="ext-1"),
            "g2": gift(api, org, amy, received_amount="19.98", received_date="2024-02-15", gift_type_id=7,
                       gift_category_id=5940, fund_id=ids["building"], campaign_id=ids["alpha"],
                       appeal_id=ids["fall"], event_id=ids["auction"], payment_type_id=1508, external_id="ext-2"),
            "g3": gift(api, org, bob, received_amount="20.00", received_date="2024-03-15", fund_id=ids["annual"]),
            "g4": gift(api, org, bob, received_amount="0.3", received_date="2024-03-15", gift_type_id=8,
                       campaign_id=ids["zeta"], appeal_id=ids["spring"], payment_type_id=1507),
            "g5": gift(api, org, cy, received_amount="1234.56", received_date="2024-05-01", gift_category_id=5938,
                       fund_id=ids["building"], appeal_id=ids["fall"], event_id=ids["gala"], payment_type_id=1509),
            "g6": gift(api, org, cy, received_amount="19.99", received_date="2023-12-31", payment_type_id=1510),
        }
        # a neighbour of 19.99 no float comparison could tell apart: 19.991 (a currency of three digits)
        g7 = native_donation(api, org, cy, amount="19.991", currency="KWD", received_at="2024-06-01")
        g["g7"] = api.get(f"{L}/gifts/{g7['id']}", org).json
        deleted = gift(api, org, amy, received_amount="19.99", received_date="2024-01-15", fund_id=ids["annual"])
        assert api.delete(f"{L}/gifts/{deleted['id']}", org).status_code == 200
        later = api.patch(f"{L}/gifts/{g['g2']['id']}", org, {"note": "Updated last"})
        assert later.status_code == 200
        g["g2"] = later.json
    return {"org": org, "gifts": g, "deleted": deleted["id"], **ids}


def found(api: Api, town: dict[str, Any], query: str) -> list[str]:
    """The labels of the gifts a search finds, in its order (every one: an exact total)."""
    response = api.get(f"{L}/gifts/search?{query}&limit=500", town["org"])
    assert response.status_code == 200, response.body
    body = response.json
    assert body["item_type"] == "gift" and body["total_items"] == body["items_count"] == len(body["items"])
    labels = {g["id"]: label for label, g in town["gifts"].items()}
    return [labels.get(item["id"], f"unknown {item['id']}") for item in body["items"]]


def test_the_town_is_as_the_search_tests_expect(town):
    gifts = town["gifts"]
    assert sorted(gifts) == [f"g{n}" for n in range(1, 8)]
    assert [gifts[f"g{n}"]["id"] for n in range(1, 8)] == sorted(g["id"] for g in gifts.values())
    assert gifts["g2"]["updated_at"] > max(g["updated_at"] for k, g in gifts.items() if k != "g2")
    assert gifts["g7"]["received_amount"] == 19.991 and gifts["g4"]["received_amount"] == 0.3


ALL = ["g1", "g2", "g3", "g4", "g5", "g6", "g7"]


@pytest.mark.parametrize("query, expected", [
    ("", ALL),
    ("q[]=date_from=2024-03-15", ["g3", "g4", "g5", "g7"]),
    ("q[]=date_from=2024-03-15T23:59:00Z", ["g3", "g4", "g5", "g7"]),  # a timestamp: its day
    ("q[]=date_to=2024-03-15", ["g1", "g2", "g3", "g4", "g6"]),
    ("q[]=date_to=2024-03-14T12:00:00Z", ["g1", "g2", "g6"]),
    ("q[]=date_to=2999-12-31", ALL),  # what LGL's sync clients send to mean "everything"
    ("q[]=date_from=2024-01-01;date_to=2024-02-28", ["g1", "g2"]),
    ("q[]=date_from=2024-01-01&q[]=date_to=2024-02-28", ["g1", "g2"]),
    ("q[]=gift_types=in|7,8", ["g2", "g4"]),
    ("q[]=gift_types=ni|1", ["g2", "g4"]),
    ("q[]=gift_types=1", ["g1", "g3", "g5", "g6", "g7"]),  # no op: in
    ("q[]=gift_amount=eq|19.99", ["g1", "g6"]),  # not 19.98, not 19.991
    ("q[]=gift_amount=eq|19.990", ["g1", "g6"]),
    ("q[]=gift_amount=ne|19.99", ["g2", "g3", "g4", "g5", "g7"]),
    ("q[]=gift_amount=gt|19.99", ["g3", "g5", "g7"]),
    ("q[]=gift_amount=gte|19.99", ["g1", "g3", "g5", "g6", "g7"]),
    ("q[]=gift_amount=lt|19.99", ["g2", "g4"]),
    ("q[]=gift_amount=lte|19.99", ["g1", "g2", "g4", "g6"]),
    ("q[]=gift_amount=btw|19.98|20", ["g1", "g2", "g3", "g6", "g7"]),
    ("q[]=gift_amount=btw|19.991|19.991", ["g7"]),
    ("q[]=gift_amount=eq|0.3", ["g4"]),
    ("q[]=gift_amount=eq|1234.56", ["g5"]),
    ("q[]=payment_types=in|1509", ["g1", "g5"]),
    ("q[]=payment_types=ni|1509,1510", ["g2", "g3", "g4", "g7"]),  # those without one are not one of them
    ("q[]=payment_types=bl", ["g3", "g7"]),
    ("q[]=payment_types=bl|", ["g3", "g7"]),
    ("q[]=categories=in|5937,5938", ["g1", "g5"]),
    ("q[]=categories=ni|5937", ["g2", "g3", "g4", "g5", "g6", "g7"]),
    ("q[]=categories=bl", ["g3", "g4", "g6", "g7"]),
    ("q[]=gift_ids={g1},{g3}", ["g1", "g3"]),
    ("q[]=gift_ids={deleted}", []),  # only live gifts are found
    ("q[]=external_gift_ids=ext-1, ext-2,nope", ["g1", "g2"]),
    ("q[]=funds=in|{annual};gift_amount=eq|19.99", ["g1"]),  # ANDed, joined by ;
    ("q[]=funds=in|{annual}&q[]=gift_amount=eq|19.99", ["g1"]),  # ANDed, repeated
    ("q=funds=in|{annual}", ["g1", "g3"]),
    ("q%5B%5D=funds=in|{annual}", ["g1", "g3"]),
    ("q[]=funds=in|{annual}&q[]=funds=in|{building}", []),
])
def test_each_gift_search_term_and_operator(api, town, query, expected):
    ids = {k: (v["id"] if isinstance(v, dict) else v) for k, v in {**town, **town["gifts"]}.items()
           if k not in ("org", "gifts")}
    assert sorted(found(api, town, query.format(**ids))) == expected


@pytest.mark.parametrize("term, op_in, op_ni, op_bl", [
    ("campaigns", ["g1", "g4"], ["g2", "g3", "g5", "g6", "g7"], ["g3", "g5", "g6", "g7"]),
    ("funds", ["g1", "g3"], ["g2", "g4", "g5", "g6", "g7"], ["g4", "g6", "g7"]),
    ("appeals", ["g1", "g4"], ["g2", "g3", "g5", "g6", "g7"], ["g3", "g6", "g7"]),
    ("events", ["g1", "g5"], ["g2", "g3", "g4", "g6", "g7"], ["g3", "g4", "g6", "g7"]),
])
def test_each_reference_term_takes_in_ni_and_bl(api, town, term, op_in, op_ni, op_bl):
    first = {"campaigns": "zeta", "funds": "annual", "appeals": "spring", "events": "gala"}[term]
    assert sorted(found(api, town, f"q[]={term}=in|{town[first]}")) == op_in
    assert sorted(found(api, town, f"q[]={term}=ni|{town[first]}")) == op_ni
    assert sorted(found(api, town, f"q[]={term}=bl")) == op_bl


@pytest.mark.parametrize("term, value, expected", [
    ("appeal_types", "in|{mail}", ["g1", "g4"]),
    ("appeal_types", "in|{mail},{online}", ["g1", "g2", "g4", "g5"]),
    ("appeal_types", "ni|{mail}", ["g2", "g3", "g5", "g6", "g7"]),
    ("event_types", "in|{dinner}", ["g1", "g5"]),
    ("event_types", "ni|{dinner}", ["g2", "g3", "g4", "g6", "g7"]),
    ("event_types", "in|{sale}", ["g2"]),
])
def test_appeal_and_event_types_search_through_the_appeals_and_events_type(api, town, term, value, expected):
    assert sorted(found(api, town, f"q[]={term}={value.format(**town)}")) == expected


def test_created_and_updated_take_dates_and_timestamps(api, town):
    gifts = town["gifts"]
    third = gifts["g3"]["created_at"]  # 2025-01-01T00:MM:00Z
    assert sorted(found(api, town, f"q[]=created_from={third}")) == ["g3", "g4", "g5", "g6", "g7"]
    assert sorted(found(api, town, f"q[]=created_to={third}")) == ["g1", "g2", "g3"]
    assert sorted(found(api, town, f"q[]=created_from={third.removesuffix('Z')}")) == [
        "g3", "g4", "g5", "g6", "g7"]  # no zone: UTC
    assert sorted(found(api, town, "q[]=created_from=2025-01-01")) == ALL
    assert found(api, town, "q[]=created_to=2024-12-31") == []
    assert sorted(found(api, town, "q[]=created_to=2025-01-01")) == ALL  # a date: through its whole day
    last = gifts["g2"]["updated_at"]
    assert found(api, town, f"q[]=updated_from={last}") == ["g2"]
    assert sorted(found(api, town, f"q[]=updated_to={last}")) == ALL
    before_last = max(g["updated_at"] for k, g in gifts.items() if k != "g2")
    assert sorted(found(api, town, f"q[]=updated_to={before_last}")) == ["g1", "g3", "g4", "g5", "g6", "g7"]
    assert sorted(found(api, town, "q[]=updated_from=2025-01-01;updated_to=2025-01-01")) == ALL
    assert found(api, town, "q[]=updated_from=2025-01-02") == []


@pytest.mark.parametrize("sort, expected", [
    (None, ["g7", "g5", "g4", "g3", "g2", "g1", "g6"]),  # newest first
    ("name", ["g1", "g2", "g3", "g4", "g5", "g6", "g7"]),  # Adams, Baker, Clark (made Clark first)
    ("gift_amount", ["g4", "g2", "g1", "g6", "g7", "g3", "g5"]),  # as numbers, not text
    ("date", ["g6", "g1", "g2", "g3", "g4", "g5", "g7"]),
    ("date_created", ["g1", "g2", "g3", "g4", "g5", "g6", "g7"]),
    ("date_updated", ["g1", "g3", "g4", "g5", "g6", "g7", "g2"]),
    ("fund", ["g1", "g3", "g2", "g5", "g4", "g6", "g7"]),  # Annual Fund, Building Fund, none
    ("appeal", ["g2", "g5", "g1", "g4", "g3", "g6", "g7"]),  # Fall Appeal, Spring Appeal, none
    ("campaign", ["g2", "g1", "g4", "g3", "g5", "g6", "g7"]),  # Alpha Campaign, Zeta Campaign, none
    ("gift_type", ["g1", "g3", "g5", "g6", "g7", "g4", "g2"]),  # Gift, In Kind, Pledge
])
def test_each_sort_key_and_its_reverse(api, town, sort, expected):
    if sort is None:
        assert found(api, town, "") == expected
        return
    assert found(api, town, f"sort={sort}") == expected
    assert found(api, town, f"sort={sort}!") == expected[::-1]


def test_a_search_pages_with_exact_totals(api, town):
    org = town["org"]
    first = api.get(f"{L}/gifts/search?sort=date_created&limit=3", org).json
    assert (first["items_count"], first["total_items"], first["next_item"]) == (3, 7, 3)
    assert "offset=3" in first["next_link"] and "limit=3" in first["next_link"]
    last = api.get(f"{L}/gifts/search.json?sort=date_created&limit=3&offset=6", org).json
    assert (last["items_count"], last["total_items"]) == (1, 7) and "next_item" not in last
    assert [g["id"] for g in last["items"]] == [town["gifts"]["g7"]["id"]]
    counted = api.get(f"{L}/gifts/search?q[]=gift_amount=eq|19.99&limit=0", org).json
    assert (counted["items_count"], counted["total_items"], counted["items"]) == (0, 2, [])
    whole = [{k: v for k, v in town["gifts"][label].items() if k != "api_version"} for label in ("g3", "g1")]
    assert api.get(f"{L}/gifts/search?q[]=funds=in|{town['annual']}", org).json["items"] == whole


@pytest.mark.parametrize("query, named", [
    ("q[]=badterm=1", "badterm"),
    ("q[]=gift_amount=zz|1", "gift_amount"),
    ("q[]=gift_amount=eq|abc", "gift_amount"),
    ("q[]=gift_amount=eq", "gift_amount"),
    ("q[]=gift_amount=btw|1", "gift_amount"),
    ("q[]=gift_amount=eq|1|2", "gift_amount"),
    ("q[]=gift_amount=eq|NaN", "gift_amount"),
    ("q[]=gift_types=bl", "gift_types"),
    ("q[]=appeal_types=bl", "appeal_types"),
    ("q[]=funds=in|x", "funds"),
    ("q[]=funds=zz|1", "funds"),
    ("q[]=categories=in|1,,2", "categories"),
    ("q[]=date_from=2024-13-45", "date_from"),
    ("q[]=date_to=yesterday", "date_to"),
    ("q[]=gift_ids=a", "gift_ids"),
    ("q[]=created_from=soon", "created_from"),
    ("q[]=updated_to=2024-02-30", "updated_to"),
    ("q[]=funds", "q[]"),
    ("sort=amount", "sort"),
    ("limit=501", "limit"),
])
def test_a_bad_term_operator_or_value_is_400_naming_it(api, town, query, named):
    body = lgl_error(api.get(f"{L}/gifts/search?{query}", town["org"]), 400)
    assert body["error"] == "Parameter Error" and fields_named(body) == [named], body
    if named == "badterm":
        assert body["description"] == "Unknown query parameter: badterm"


def test_a_search_sees_a_gift_made_changed_or_deleted_since_its_last_read(api, acme):
    joe = constituent(api, acme)
    assert api.get(f"{L}/gifts/search", acme).json["total_items"] == 0
    made = gift(api, acme, joe["id"], received_amount="19.99")
    assert [g["id"] for g in api.get(f"{L}/gifts/search?q[]=gift_amount=eq|19.99", acme).json["items"]] == [
        made["id"]]
    api.patch(f"{L}/gifts/{made['id']}", acme, {"received_amount": "20"})
    assert api.get(f"{L}/gifts/search?q[]=gift_amount=eq|19.99", acme).json["total_items"] == 0
    api.delete(f"{L}/gifts/{made['id']}", acme)
    assert api.get(f"{L}/gifts/search", acme).json["total_items"] == 0


def test_a_search_finds_only_the_organisations_own_gifts(api, acme, other):
    joe = constituent(api, acme)
    gift(api, acme, joe["id"], received_amount="19.99")
    assert api.get(f"{L}/gifts/search?q[]=gift_amount=eq|19.99", other).json["total_items"] == 0


# ---- custom fields (keyword pick-lists of Gift categories) ----------------------------------------

@pytest.fixture
def gift_fields(api, acme) -> dict[str, Any]:
    def category(name: str, **fields: Any) -> int:
        made = api.post(f"{L}/categories", acme, {"item_type": "Gift", "name": name, **fields})
        assert made.status_code == 200, made.body
        return made.json["id"]

    def value(category_id: int, name: str) -> int:
        return api.post(f"{L}/categories/{category_id}/keywords", acme, {"name": name}).json["id"]

    listed, single = category("Source"), category("Channel", facet_type="single")
    constituent_category = api.post(f"{L}/categories", acme, {"item_type": "Constituent", "name": "Tags"}).json["id"]
    return {"listed": listed, "single": single, "web": value(listed, "Web"), "mail": value(listed, "Mail"),
            "online": value(single, "Online"), "phone": value(single, "Phone"),
            "tag": value(constituent_category, "Donor"), "constituent": constituent(api, acme)["id"]}


def values_of(body: dict[str, Any]) -> dict[str, list[str]]:
    return {field["name"]: [v["name"] for v in field["values"]] for field in body["custom_fields"]}


def test_custom_fields_are_named_by_id_or_name_append_and_replace_as_asked(api, acme, gift_fields):
    made = gift(api, acme, gift_fields["constituent"], custom_fields=[
        {"name": "Source", "values": [{"name": "web"}]}, {"id": gift_fields["single"], "values": [{"id": gift_fields["online"]}]}])
    assert values_of(made) == {"Source": ["Web"], "Channel": ["Online"]}
    assert made["custom_fields"][0] == {
        "id": gift_fields["listed"], "item_type": "Gift", "name": "Source", "key": "source", "facet_type": "list",
        "ordinal": 100, "removable": True, "editable": True,
        "values": [{"id": gift_fields["web"], "category_id": gift_fields["listed"], "name": "Web", "description": None,
                    "short_code": None, "ordinal": 100, "removable": True, "can_change": True, "can_select": True}]}
    path = f"{L}/gifts/{made['id']}"
    appended = api.patch(path, acme, {"custom_fields": [{"key": "source", "values": [{"name": "Mail"}]}]}).json
    assert values_of(appended) == {"Source": ["Web", "Mail"], "Channel": ["Online"]}
    replaced = api.patch(path, acme, {"custom_fields": [{"name": "Source", "remove_previous_values": True,
                                                         "values": [{"name": "Mail"}]},
                                                        {"name": "Channel", "values": [{"name": "Phone"}]}]}).json
    assert values_of(replaced) == {"Source": ["Mail"], "Channel": ["Phone"]}  # a single field keeps one
    again = api.patch(path, acme, {"custom_fields": [{"name": "Source", "values": [{"name": "Mail"}]}]}).json
    assert values_of(again) == {"Source": ["Mail"], "Channel": ["Phone"]}  # sent again: not twice
    assert values_of(api.get(path, acme).json) == values_of(again)


@pytest.mark.parametrize("sent, field", [
    ([{"name": "Nope", "values": [{"name": "Web"}]}], "custom_fields[0].name"),
    ([{"name": "Source", "values": [{"name": "Fax"}]}], "custom_fields[0].values[0].name"),
    ([{"name": "Tags", "values": [{"name": "Donor"}]}], "custom_fields[0].name"),  # a Constituent category
    ([{"name": "Source", "values": [{"name": "Online"}]}], "custom_fields[0].values[0].name"),  # another category's
    ([{"name": "Channel", "values": [{"name": "Online"}, {"name": "Phone"}]}], "custom_fields[0].values"),
])
def test_an_unknown_or_misplaced_custom_field_value_is_422_naming_it(api, acme, gift_fields, sent, field):
    before = table_state()
    body = lgl_error(api.post(f"{L}/constituents/{gift_fields['constituent']}/gifts", acme,
                              {"received_amount": "5", "custom_fields": sent}), 422)
    assert fields_named(body) == [field]
    assert table_state() == before


def test_a_value_a_gift_holds_cannot_be_deleted_until_the_gift_lets_it_go(api, acme, gift_fields):
    made = gift(api, acme, gift_fields["constituent"], custom_fields=[{"name": "Source", "values": [{"name": "Web"}]}])
    lgl_error(api.delete(f"{L}/keywords/{gift_fields['web']}", acme), 409)
    assert api.delete(f"{L}/gifts/{made['id']}", acme).status_code == 200
    assert api.delete(f"{L}/keywords/{gift_fields['web']}", acme).status_code == 200
