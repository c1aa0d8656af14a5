"""Donations through the Together face: exact money, currencies, dates, lists and soft delete."""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from decimal import Decimal

import boto3
import pytest

from chalicelib.store import keys
from tests.conftest import field_names, new_donation, new_donor

DONATIONS = "/api/v1/donations"
DONATION_FIELDS = {"id", "donor_id", "amount", "currency", "received_at", "payment_method", "check_number",
                   "fund_id", "fund", "campaign_id", "campaign", "appeal_id", "appeal", "note", "external_id",
                   "created_at", "updated_at"}


def stored_item(org: str, donation_id: str) -> dict:
    """The donation's item as DynamoDB holds it, read with a client of our own."""
    client = boto3.client("dynamodb", region_name="us-east-1")
    response = client.get_item(TableName=os.environ["TABLE_NAME"],
                               Key={"PK": {"S": keys.org_pk(org)}, "SK": {"S": keys.record_sk("GIFT", int(donation_id))}})
    return response["Item"]


def stored_amount(org: str, donation_id: str):
    table = boto3.resource("dynamodb", region_name="us-east-1").Table(os.environ["TABLE_NAME"])
    item = table.get_item(Key={"PK": keys.org_pk(org), "SK": keys.record_sk("GIFT", int(donation_id))})["Item"]
    return item["amount"]


def donation_count(api, org, donor_id) -> int:
    return api.get(f"/api/v1/donors/{donor_id}", org).json["donation_count"]


# ---- amounts --------------------------------------------------------------------------

def test_amount_sent_as_json_number_is_kept_exact(api, acme, donor):
    created = api.post(DONATIONS, acme, raw=json.dumps({"donor_id": donor["id"]})[:-1] + ', "amount": 100.10}')
    assert created.status_code == 201, created.body
    body_text = created.body.decode() if isinstance(created.body, bytes) else created.body
    assert '"amount":100.1,' in body_text
    assert "100.0999" not in body_text and "100.1000" not in body_text
    assert created.json["amount"] == 100.1

    fetched = api.get(f"{DONATIONS}/{created.json['id']}", acme)
    fetched_text = fetched.body.decode() if isinstance(fetched.body, bytes) else fetched.body
    assert '"amount":100.1,' in fetched_text

    item = stored_item("acme", created.json["id"])
    assert item["amount"] == {"N": "100.1"}
    amount = stored_amount("acme", created.json["id"])
    assert isinstance(amount, Decimal) and amount == Decimal("100.10")


def test_amount_sent_as_string_and_integral_amount_renders_without_fraction(api, acme, donor):
    created = api.post(DONATIONS, acme, {"donor_id": donor["id"], "amount": "25.00"})
    assert created.status_code == 201, created.body
    text = created.body.decode() if isinstance(created.body, bytes) else created.body
    assert '"amount":25,' in text
    assert "25.0" not in text
    assert stored_item("acme", created.json["id"])["amount"] == {"N": "25"}
    fetched = api.get(f"{DONATIONS}/{created.json['id']}", acme)
    assert '"amount":25,' in (fetched.body.decode() if isinstance(fetched.body, bytes) else fetched.body)
    listed = api.get(DONATIONS, acme)
    assert '"amount":25,' in (listed.body.decode() if isinstance(listed.body, bytes) else listed.body)


@pytest.mark.parametrize("raw_amount, rendered", [
    ("1000000.00", "1000000"),
    ('"1000000.00"', "1000000"),
    ("0.10", "0.1"),
    ('"0.01"', "0.01"),
    ("1e2", "100"),
    ("250", "250"),
    ('"999999999999.99"', "999999999999.99"),
])
def test_amount_renders_exactly_without_exponent(api, acme, donor, raw_amount, rendered):
    created = api.post(DONATIONS, acme, raw=f'{{"donor_id": {donor["id"]}, "amount": {raw_amount}}}')
    assert created.status_code == 201, created.body
    for response in (created, api.get(f"{DONATIONS}/{created.json['id']}", acme)):
        text = response.body.decode() if isinstance(response.body, bytes) else response.body
        assert f'"amount":{rendered},' in text


@pytest.mark.parametrize("raw_amount", ["0", '"0.00"', "-5", '"-0.01"', "NaN", "Infinity", '"NaN"',
                                        "true", "false", "null", '"abc"', '"1,000.00"', '""', "[]",
                                        '"1000000000000.01"'])
def test_invalid_amounts_are_refused(api, acme, donor, raw_amount):
    response = api.post(DONATIONS, acme, raw=f'{{"donor_id": {donor["id"]}, "amount": {raw_amount}}}')
    assert response.status_code == 422, response.body
    assert response.headers["Content-Type"] == "application/problem+json"
    assert field_names(response) == ["amount"]
    assert api.get(DONATIONS, acme).json["data"] == []
    assert donation_count(api, acme, donor["id"]) == 0


@pytest.mark.parametrize("amount", ["1_000", "1_00", "\u0665\u0660", "\u0665", "\uff15", "1e3", "1.", ".5",
                                    " 25", "25 ", "+-1", "0x10", "\u00b2"])
def test_amount_strings_are_ascii_decimal_notation_only(api, acme, donor, amount):
    """Decimal() reads digit grouping and any script's digits; a typo must not become money."""
    response = api.post(DONATIONS, acme, {"donor_id": donor["id"], "amount": amount})
    assert response.status_code == 422, response.body
    assert field_names(response) == ["amount"]
    assert donation_count(api, acme, donor["id"]) == 0


@pytest.mark.parametrize("amount, stored", [("25", 25), ("+25.50", Decimal("25.5")), ("0.01", Decimal("0.01"))])
def test_amount_strings_in_decimal_notation_are_accepted(api, acme, donor, amount, stored):
    created = api.post(DONATIONS, acme, {"donor_id": donor["id"], "amount": amount})
    assert created.status_code == 201, created.body
    assert stored_amount("acme", created.json["id"]) == stored


def test_amount_is_required(api, acme, donor):
    response = api.post(DONATIONS, acme, {"donor_id": donor["id"]})
    assert response.status_code == 422
    assert field_names(response) == ["amount"]


# ---- currencies -----------------------------------------------------------------------

def test_currency_defaults_to_usd(api, acme, donor):
    assert new_donation(api, acme, donor["id"])["currency"] == "USD"


def test_lower_case_currency_is_accepted_and_upper_cased(api, acme, donor):
    created = new_donation(api, acme, donor["id"], currency="eur")
    assert created["currency"] == "EUR"
    assert stored_item("acme", created["id"])["currency"] == {"S": "EUR"}


@pytest.mark.parametrize("currency", ["XYZ", "US", "USDD", "12$", "usd ", 840])
def test_unknown_currency_is_refused(api, acme, donor, currency):
    response = api.post(DONATIONS, acme, {"donor_id": donor["id"], "amount": "10", "currency": currency})
    assert response.status_code == 422
    assert field_names(response) == ["currency"]
    assert api.get(DONATIONS, acme).json["data"] == []


def test_blank_currency_is_refused_not_silently_taken_as_usd(api, acme, donor):
    response = api.post(DONATIONS, acme, {"donor_id": donor["id"], "amount": "10", "currency": ""})
    assert response.status_code == 422, response.body
    assert field_names(response) == ["currency"]
    assert api.get(DONATIONS, acme).json["data"] == []


@pytest.mark.parametrize("currency, amount", [("USD", "1.234"), ("USD", "0.001"), ("JPY", "10.5"),
                                              ("JPY", "0.1"), ("BHD", "1.2345"), ("EUR", "3.999")])
def test_amount_beyond_the_currencys_minor_unit_is_refused(api, acme, donor, currency, amount):
    response = api.post(DONATIONS, acme, {"donor_id": donor["id"], "amount": amount, "currency": currency})
    assert response.status_code == 422
    assert field_names(response) == ["amount"]


@pytest.mark.parametrize("currency, raw_amount, rendered", [
    ("BHD", "1.234", "1.234"), ("JPY", "1000", "1000"), ("JPY", '"1000.00"', "1000"),
    ("USD", "1.20", "1.2"), ("KWD", '"0.005"', "0.005"),
])
def test_amount_within_the_minor_unit_is_accepted(api, acme, donor, currency, raw_amount, rendered):
    raw = f'{{"donor_id": "{donor["id"]}", "amount": {raw_amount}, "currency": "{currency}"}}'
    created = api.post(DONATIONS, acme, raw=raw)
    assert created.status_code == 201, created.body
    text = created.body.decode() if isinstance(created.body, bytes) else created.body
    assert f'"amount":{rendered},' in text
    assert created.json["currency"] == currency


# ---- dates -------------------------------------------------------------------------------

def test_date_only_received_at_stays_a_date(api, acme, donor):
    created = new_donation(api, acme, donor["id"], received_at="2026-06-01")
    assert created["received_at"] == "2026-06-01"
    assert api.get(f"{DONATIONS}/{created['id']}", acme).json["received_at"] == "2026-06-01"


@pytest.mark.parametrize("sent, stored", [
    ("2026-06-10T04:00:00+02:00", "2026-06-10T02:00:00.000Z"),
    ("2026-06-10T02:00:00Z", "2026-06-10T02:00:00.000Z"),
    ("2026-06-09T22:30:00.5-04:00", "2026-06-10T02:30:00.500Z"),
])
def test_datetime_received_at_is_normalised_to_utc(api, acme, donor, sent, stored):
    created = new_donation(api, acme, donor["id"], received_at=sent)
    assert created["received_at"] == stored


def test_received_at_defaults_to_today(api, acme, donor):
    before = datetime.now(timezone.utc).date()
    created = api.post(DONATIONS, acme, {"donor_id": donor["id"], "amount": "5"})
    after = datetime.now(timezone.utc).date()
    assert created.status_code == 201
    assert created.json["received_at"] in {before.isoformat(), after.isoformat()}


@pytest.mark.parametrize("received_at", ["2026-02-30", "2026-06-10T02:00:00", "06/10/2026", "soon"])
def test_invalid_received_at_is_refused(api, acme, donor, received_at):
    response = api.post(DONATIONS, acme, {"donor_id": donor["id"], "amount": "5", "received_at": received_at})
    assert response.status_code == 422
    assert field_names(response) == ["received_at"]


# ---- payment method and check number ------------------------------------------------------

@pytest.mark.parametrize("method", ["cash", "check", "credit_card", "bank_transfer", "paypal", "stock",
                                    "crypto", "in_kind", "other"])
def test_every_payment_method_is_accepted(api, acme, donor, method):
    assert new_donation(api, acme, donor["id"], payment_method=method)["payment_method"] == method


@pytest.mark.parametrize("method", ["bitcoin", "", "wire"])
def test_unknown_payment_method_is_refused(api, acme, donor, method):
    response = api.post(DONATIONS, acme, {"donor_id": donor["id"], "amount": "5", "payment_method": method})
    assert response.status_code == 422
    assert field_names(response) == ["payment_method"]


def test_check_number_is_kept_with_payment_method_check(api, acme, donor):
    created = new_donation(api, acme, donor["id"], payment_method="check", check_number="1001")
    assert created["check_number"] == "1001" and created["payment_method"] == "check"


@pytest.mark.parametrize("extra", [{}, {"payment_method": "cash"}, {"payment_method": "credit_card"}])
def test_check_number_without_payment_method_check_is_refused(api, acme, donor, extra):
    response = api.post(DONATIONS, acme, {"donor_id": donor["id"], "amount": "5", "check_number": "1001", **extra})
    assert response.status_code == 422
    assert field_names(response) == ["check_number"]
    assert api.get(DONATIONS, acme).json["data"] == []


def test_patch_away_from_check_keeping_the_number_is_refused(api, acme, donor):
    created = new_donation(api, acme, donor["id"], payment_method="check", check_number="1001")
    response = api.patch(f"{DONATIONS}/{created['id']}", acme, {"payment_method": "cash"})
    assert response.status_code == 422
    assert field_names(response) == ["check_number"]
    moved = api.patch(f"{DONATIONS}/{created['id']}", acme, {"payment_method": "cash", "check_number": None})
    assert moved.status_code == 200
    assert moved.json["payment_method"] == "cash" and moved.json["check_number"] is None


# ---- donors and rendering -----------------------------------------------------------------

def catalogue_value(api, org, key: str, name: str) -> str:
    response = api.post(f"/api/v1/{key}", org, {"name": name})
    assert response.status_code == 201, response.body
    return response.json["id"]


def test_every_field_is_rendered(api, acme, donor):
    ids = {name: catalogue_value(api, acme, f"{name}s", title) for name, title in
           (("fund", "General"), ("campaign", "Spring"), ("appeal", "Letter 1"))}
    body = {"donor_id": donor["id"], "amount": "42.50", "currency": "GBP", "received_at": "2026-05-04",
            "payment_method": "check", "check_number": "77", "fund": "General", "campaign": "spring",
            "appeal_id": ids["appeal"], "note": "Thanks!", "external_id": "stripe_ch_1"}
    created = api.post(DONATIONS, acme, body)
    assert created.status_code == 201, created.body
    assert set(created.json) == DONATION_FIELDS
    assert created.json == {**body, "id": "1", "amount": 42.5, "campaign": "Spring", "appeal": "Letter 1",
                            **{f"{name}_id": value for name, value in ids.items()},
                            "created_at": created.json["created_at"], "updated_at": created.json["created_at"]}
    assert created.headers["ETag"] == '"1"'
    assert created.headers["Location"] == f"{DONATIONS}/1"
    assert api.get(f"{DONATIONS}/1", acme).json == created.json


def test_donor_may_be_named_by_integer_id_or_external_id(api, acme):
    donor = new_donor(api, acme, external_id="crm-7")
    by_int = api.post(DONATIONS, acme, {"donor_id": int(donor["id"]), "amount": 1})
    by_ref = api.post(DONATIONS, acme, {"donor_id": "crm-7", "amount": 2})
    assert by_int.status_code == by_ref.status_code == 201
    assert by_int.json["donor_id"] == by_ref.json["donor_id"] == donor["id"]
    assert donation_count(api, acme, donor["id"]) == 2


def test_donation_for_an_unknown_or_other_orgs_donor_is_refused(api, acme, other):
    theirs = new_donor(api, other)
    for donor_id in ("999", "no-such-ref", theirs["id"]):
        response = api.post(DONATIONS, acme, {"donor_id": donor_id, "amount": "5"})
        assert response.status_code == 404, (donor_id, response.body)
    assert api.get(DONATIONS, acme).json["data"] == []
    assert donation_count(api, other, theirs["id"]) == 0


def test_donor_donation_count_follows_creates_moves_and_deletes(api, acme):
    jane = new_donor(api, acme)
    john = new_donor(api, acme, first_name="John")
    first = new_donation(api, acme, jane["id"])
    new_donation(api, acme, jane["id"])
    assert donation_count(api, acme, jane["id"]) == 2
    moved = api.patch(f"{DONATIONS}/{first['id']}", acme, {"donor_id": john["id"]})
    assert moved.status_code == 200 and moved.json["donor_id"] == john["id"]
    assert donation_count(api, acme, jane["id"]) == 1
    assert donation_count(api, acme, john["id"]) == 1
    assert api.delete(f"{DONATIONS}/{first['id']}", acme).status_code == 204
    assert donation_count(api, acme, john["id"]) == 0


# ---- list -----------------------------------------------------------------------------------

def test_list_is_newest_first_by_received_at(api, acme, donor):
    sent = ["2026-01-05", "2026-03-01T10:00:00Z", "2026-03-01", "2025-12-31T23:59:59-05:00",
            "2026-03-01T00:00:01Z", "2025-12-31"]
    ids = {at: new_donation(api, acme, donor["id"], received_at=at)["id"] for at in sent}
    expected = ["2026-03-01T10:00:00Z", "2026-03-01T00:00:01Z", "2026-03-01", "2026-01-05",
                "2025-12-31T23:59:59-05:00", "2025-12-31"]
    listed = api.get(DONATIONS, acme).json
    assert [d["id"] for d in listed["data"]] == [ids[at] for at in expected]
    assert listed["has_more"] is False

    walked, cursor = [], None
    while True:
        page = api.get(f"{DONATIONS}?limit=2" + (f"&cursor={cursor}" if cursor else ""), acme).json
        walked += [d["id"] for d in page["data"]]
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    assert walked == [ids[at] for at in expected]


def test_list_filtered_by_donor(api, acme):
    jane = new_donor(api, acme, external_id="jane-ref")
    john = new_donor(api, acme, first_name="John")
    mine = [new_donation(api, acme, jane["id"], received_at=f"2026-0{m}-01")["id"] for m in (1, 3, 2)]
    new_donation(api, acme, john["id"])
    listed = api.get(f"{DONATIONS}?donor_id={jane['id']}", acme)
    assert listed.status_code == 200
    assert [d["id"] for d in listed.json["data"]] == [mine[1], mine[2], mine[0]]
    assert {d["donor_id"] for d in listed.json["data"]} == {jane["id"]}
    by_ref = api.get(f"{DONATIONS}?donor_id=jane-ref", acme)
    assert by_ref.json["data"] == listed.json["data"]
    paged = api.get(f"{DONATIONS}?donor_id={jane['id']}&limit=2", acme).json
    assert [d["id"] for d in paged["data"]] == [mine[1], mine[2]] and paged["has_more"] is True
    rest = api.get(f"{DONATIONS}?donor_id={jane['id']}&limit=2&cursor={paged['next_cursor']}", acme).json
    assert [d["id"] for d in rest["data"]] == [mine[0]] and rest["has_more"] is False


def test_list_by_unknown_or_other_orgs_donor_is_404(api, acme, other):
    theirs = new_donor(api, other)
    new_donation(api, other, theirs["id"])
    assert api.get(f"{DONATIONS}?donor_id={theirs['id']}", acme).status_code == 404
    assert api.get(f"{DONATIONS}?donor_id=999", acme).status_code == 404
    assert api.get(f"{DONATIONS}?donor_id=no-such-ref", acme).status_code == 404
    assert api.get(DONATIONS, acme).json["data"] == []
    assert len(api.get(DONATIONS, other).json["data"]) == 1


# ---- update -------------------------------------------------------------------------------

def test_patch_changing_currency_revalidates_the_stored_amount(api, acme, donor):
    created = api.post(DONATIONS, acme, {"donor_id": donor["id"], "amount": "10.50"}).json
    response = api.patch(f"{DONATIONS}/{created['id']}", acme, {"currency": "JPY"})
    assert response.status_code == 422
    assert field_names(response) == ["amount"]
    assert api.get(f"{DONATIONS}/{created['id']}", acme).json == created

    ok = api.patch(f"{DONATIONS}/{created['id']}", acme, {"currency": "jpy", "amount": 1050})
    assert ok.status_code == 200, ok.body
    assert ok.json["currency"] == "JPY" and ok.json["amount"] == 1050
    assert ok.headers["ETag"] == '"2"'

    back = api.patch(f"{DONATIONS}/{created['id']}", acme, {"currency": "BHD", "amount": "1.2345"})
    assert back.status_code == 422
    assert api.get(f"{DONATIONS}/{created['id']}", acme).json == ok.json


def test_patch_amount_is_checked_against_the_stored_currency(api, acme, donor):
    created = new_donation(api, acme, donor["id"], amount="1000", currency="JPY")
    response = api.patch(f"{DONATIONS}/{created['id']}", acme, {"amount": "999.5"})
    assert response.status_code == 422
    assert field_names(response) == ["amount"]
    exact = api.patch(f"{DONATIONS}/{created['id']}", acme, raw='{"amount": 1234}')
    assert exact.status_code == 200
    assert '"amount":1234,' in (exact.body.decode() if isinstance(exact.body, bytes) else exact.body)


def test_patch_received_at_reorders_the_list(api, acme, donor):
    old = new_donation(api, acme, donor["id"], received_at="2026-01-01")
    new = new_donation(api, acme, donor["id"], received_at="2026-02-01")
    assert [d["id"] for d in api.get(DONATIONS, acme).json["data"]] == [new["id"], old["id"]]
    patched = api.patch(f"{DONATIONS}/{old['id']}", acme, {"received_at": "2026-03-01T09:00:00+01:00"})
    assert patched.json["received_at"] == "2026-03-01T08:00:00.000Z"
    assert [d["id"] for d in api.get(DONATIONS, acme).json["data"]] == [old["id"], new["id"]]


def test_patch_unknown_field_or_read_only_field_is_refused(api, acme, donor):
    created = new_donation(api, acme, donor["id"])
    assert field_names(api.patch(f"{DONATIONS}/{created['id']}", acme, {"tip": 1})) == ["tip"]
    assert field_names(api.patch(f"{DONATIONS}/{created['id']}", acme, {"id": "9"})) == ["id"]
    assert api.get(f"{DONATIONS}/{created['id']}", acme).json == created


# ---- delete -----------------------------------------------------------------------------------

def test_delete_is_a_soft_delete_and_idempotent(api, acme, donor):
    keep = new_donation(api, acme, donor["id"], received_at="2026-01-01")
    gone = new_donation(api, acme, donor["id"], received_at="2026-02-01")
    assert donation_count(api, acme, donor["id"]) == 2

    assert api.delete(f"{DONATIONS}/{gone['id']}", acme).status_code == 204
    assert api.delete(f"{DONATIONS}/{gone['id']}", acme).status_code == 204
    assert donation_count(api, acme, donor["id"]) == 1  # decremented once, not twice
    assert api.get(f"{DONATIONS}/{gone['id']}", acme).status_code == 404
    assert api.patch(f"{DONATIONS}/{gone['id']}", acme, {"fund": "x"}).status_code == 404
    assert [d["id"] for d in api.get(DONATIONS, acme).json["data"]] == [keep["id"]]
    assert [d["id"] for d in api.get(f"{DONATIONS}?donor_id={donor['id']}", acme).json["data"]] == [keep["id"]]

    item = stored_item("acme", gone["id"])  # kept, marked deleted, out of every index
    assert "deleted_at" in item
    assert not any(name.startswith("GSI") for name in item)


def test_delete_unknown_donation_is_404(api, acme, other, donor):
    theirs_donor = new_donor(api, other)
    theirs = new_donation(api, other, theirs_donor["id"])
    assert api.delete(f"{DONATIONS}/999", acme).status_code == 404
    assert api.delete(f"{DONATIONS}/{theirs['id']}", acme).status_code == 404
    assert api.get(f"{DONATIONS}/{theirs['id']}", other).status_code == 200


# ---- funds, campaigns and appeals are records ----------------------------------------------

def test_a_fund_is_named_by_id_or_by_name_and_an_unknown_one_is_refused(api, acme, donor):
    general = catalogue_value(api, acme, "funds", "General")
    building = catalogue_value(api, acme, "funds", "Building")
    by_name = new_donation(api, acme, donor["id"], fund="general")
    assert (by_name["fund_id"], by_name["fund"]) == (general, "General")
    both = new_donation(api, acme, donor["id"], fund_id=building, fund="General")  # the id wins
    assert (both["fund_id"], both["fund"]) == (building, "Building")
    response = api.post(DONATIONS, acme, {"donor_id": donor["id"], "amount": 5, "fund": "Genral"})
    assert response.status_code == 422 and field_names(response) == ["fund"]
    assert "General" in response.json["errors"][0]["message"]  # the funds there are
    response = api.post(DONATIONS, acme, {"donor_id": donor["id"], "amount": 5, "campaign_id": "99"})
    assert response.status_code == 422 and field_names(response) == ["campaign_id"]
    cleared = api.patch(f"{DONATIONS}/{by_name['id']}", acme, {"fund": None})
    assert (cleared.json["fund_id"], cleared.json["fund"]) == (None, None)


def test_a_deleted_fund_still_names_its_donations_but_names_no_new_one(api, acme, donor):
    fund = catalogue_value(api, acme, "funds", "Old Appeal Fund")
    given = new_donation(api, acme, donor["id"], fund_id=fund)
    assert api.delete(f"/api/v1/funds/{fund}", acme).status_code == 204
    assert api.get(f"{DONATIONS}/{given['id']}", acme).json["fund"] == "Old Appeal Fund"
    assert api.patch(f"{DONATIONS}/{given['id']}", acme, {"note": "kept"}).status_code == 200
    response = api.post(DONATIONS, acme, {"donor_id": donor["id"], "amount": 5, "fund_id": fund})
    assert response.status_code == 422 and field_names(response) == ["fund_id"]
