"""LGL's E-mail, Phone Number, Street Address and Web Address Management, the lookup types and
the team: each endpoint as the seed documents it, name-or-id types, which one is preferred
(and what the native donor shows of it), duplicates, cost, and tenancy."""
from __future__ import annotations

import pytest

from chalicelib.domain import lookups, organisations
from tests.conftest import dynamodb_calls
from tests.contract.conftest import table_state
from tests.lgl.conftest import L, constituent, contact_point, fields_named, lgl_error

# collection: (a valid body, another, the seed's PATCH example, what it answers, the native face's field)
KINDS = {
    "email_addresses": ({"address": "joe@example.org"}, {"address": "jd@example.org"},
                        {"email_address_type_id": 2}, {"email_type_name": "Work"}, "email"),
    "phone_numbers": ({"number": "222-555-1212"}, {"number": "(888) 555-0044"},
                      {"phone_number_type_id": 2}, {"phone_type_name": "Work"}, "phone"),
    "street_addresses": ({"street": "123 SE Tree", "city": "Seattle", "state": "WA", "postal_code": "98101"},
                         {"street": "711 Calhoun Street", "city": "Chicago"},
                         {"street_address_type_id": 2}, {"street_type_name": "Work"}, "street"),
    "web_addresses": ({"url": "https://joe.example.org"}, {"url": "https://facebook.com/joe"},
                      {"web_address_type_id": 6}, {"web_address_type_name": "Facebook"}, None),
}
VALUE = {"email_addresses": "address", "phone_numbers": "number", "street_addresses": "street",
         "web_addresses": "url"}


@pytest.fixture
def joe(api, acme):
    return constituent(api, acme)


@pytest.mark.parametrize("collection", KINDS)
def test_each_kind_is_listed_created_shown_changed_and_deleted(api, acme, joe, collection):
    body, _, change, answered, _ = KINDS[collection]
    created = contact_point(api, acme, joe["id"], collection, **body)
    assert (created["api_version"], created["item_id"], created["item_type"]) == ("1.0", joe["id"], "Constituent")
    listed = api.get(f"{L}/constituents/{joe['id']}/{collection}", acme).json
    singular = {"email_addresses": "email_address", "phone_numbers": "phone_number",
                "street_addresses": "street_address", "web_addresses": "web_address"}[collection]
    assert listed["item_type"] == singular and listed["total_items"] == 1
    assert listed["items"] == [{k: v for k, v in created.items() if k != "api_version"}]
    item = f"{L}/{collection}/{created['id']}"
    assert api.get(item, acme).json == created
    changed = api.patch(item, acme, change).json
    assert {k: changed[k] for k in answered} == answered and changed["id"] == created["id"]
    assert api.delete(item, acme).json == {"api_version": "1.0", "result": "success"}
    assert api.delete(item, acme).json["result"] == "success"
    lgl_error(api.get(item, acme), 404)
    assert api.get(f"{L}/constituents/{joe['id']}/{collection}", acme).json["total_items"] == 0


def test_defaults_and_derived_fields_as_the_seed_shows(api, acme, joe):
    email = contact_point(api, acme, joe["id"], "email_addresses", email_address="alt@example.org")
    assert (email["address"], email["email_address"], email["email_address_type_id"], email["email_type_name"],
            email["not_current"], email["parent_id"]) == ("alt@example.org", "alt@example.org", 1, "Home", False, None)
    phone = contact_point(api, acme, joe["id"], "phone_numbers", number="222-555-1212")
    assert (phone["normalized_number"], phone["phone_number_type_id"], phone["phone_type_name"]) == (
        "2225551212", 1, "Home")
    street = contact_point(api, acme, joe["id"], "street_addresses", **KINDS["street_addresses"][0])
    assert {k: street[k] for k in ("zip5", "seasonal_from", "seasonal_to", "seasonal", "lat", "lng", "verified",
                                   "verified_on", "country", "county", "street_type_name")} == {
        "zip5": "98101", "seasonal_from": "01-01", "seasonal_to": "12-31", "seasonal": None, "lat": None,
        "lng": None, "verified": False, "verified_on": None, "country": None, "county": None,
        "street_type_name": "Home"}
    assert contact_point(api, acme, joe["id"], "street_addresses", city="Oslo", postal_code="0150")["zip5"] is None
    web = contact_point(api, acme, joe["id"], "web_addresses", url="https://joe.example.org")
    assert (web["web_address_type_id"], web["web_address_type_name"]) == (5, "Website") and "not_current" not in web


def test_address_wins_over_email_address_when_both_are_sent(api, acme, joe):
    made = contact_point(api, acme, joe["id"], "email_addresses", address="a@example.org",
                         email_address="b@example.org")
    assert made["address"] == made["email_address"] == "a@example.org"


@pytest.mark.parametrize("sent, type_id", [({"email_type_name": "work"}, 2), ({"email_type_name": "ASSISTANT"}, 4),
                                           ({"email_address_type_id": 3, "email_type_name": "Work"}, 3),
                                           ({"email_address_type_id": "2"}, 2)])
def test_a_type_is_named_in_any_case_or_numbered_and_the_id_wins(api, acme, joe, sent, type_id):
    assert contact_point(api, acme, joe["id"], "email_addresses", address="t@example.org",
                         **sent)["email_address_type_id"] == type_id


@pytest.mark.parametrize("collection, sent, field", [
    ("email_addresses", {"email_type_name": "Holiday"}, "email_type_name"),
    ("email_addresses", {"email_address_type_id": 9}, "email_address_type_id"),
    ("phone_numbers", {"phone_type_name": "Telegraph"}, "phone_type_name"),
    ("street_addresses", {"street_address_type_id": 7}, "street_address_type_id"),
    ("web_addresses", {"web_address_type_id": 2}, "web_address_type_id"),  # LGL stored it, nameless
])
def test_an_unknown_type_is_422_naming_the_field_and_nothing_is_made(api, acme, joe, collection, sent, field):
    before = table_state()
    body = lgl_error(api.post(f"{L}/constituents/{joe['id']}/{collection}", acme,
                              {**KINDS[collection][0], **sent}), 422)
    assert fields_named(body) == [field] and "is not one of" in body["errors"][0]["message"]
    assert {k: v for k, v in table_state().items() if not k[1].startswith("COUNTER#")} == \
        {k: v for k, v in before.items() if not k[1].startswith("COUNTER#")}


def test_a_value_the_operators_added_resolves_by_name_and_is_listed(api, acme, joe):
    added = lookups.add("acme", "phone_number_types", "Satellite", code="sat")
    assert added["id"] >= 10001
    phone = contact_point(api, acme, joe["id"], "phone_numbers", number="555-0100", phone_type_name="satellite")
    assert (phone["phone_number_type_id"], phone["phone_type_name"]) == (added["id"], "Satellite")
    values = api.get(f"{L}/types/phone_number_types", acme).json["items"]
    assert {"id": added["id"], "name": "Satellite", "display_name": "Satellite", "code": "sat",
            "ordinal": 100} in values
    assert [v["name"] for v in api.get(f"{L}/types/phone_number_types", acme).json["items"]][:6] == [
        "Home", "Work", "Mobile", "Other", "Skype", "Satellite"]


# ---- which one is preferred, and what the donor shows ------------------------------------------

def donor(api, acme, joe) -> dict:
    return api.get(f"/api/v1/donors/{joe['id']}", acme).json


@pytest.mark.parametrize("collection", KINDS)
def test_the_first_is_preferred_and_asking_moves_the_preference(api, acme, joe, collection):
    first_body, second_body, _, _, native = KINDS[collection]
    first = contact_point(api, acme, joe["id"], collection, **first_body)
    second = contact_point(api, acme, joe["id"], collection, **second_body)
    assert (first["is_preferred"], second["is_preferred"]) == (True, False)
    if native:
        assert donor(api, acme, joe)[native] == first_body[VALUE[collection]]
    moved = api.patch(f"{L}/{collection}/{second['id']}", acme, {"is_preferred": True}).json
    assert moved["is_preferred"] is True
    assert api.get(f"{L}/{collection}/{first['id']}", acme).json["is_preferred"] is False
    if native:
        assert donor(api, acme, joe)[native] == second_body[VALUE[collection]]
    third = api.post(f"{L}/constituents/{joe['id']}/{collection}", acme,
                     {**first_body, VALUE[collection]: first_body[VALUE[collection]] + "x", "is_preferred": True}).json
    flags = {r["id"]: r["is_preferred"] for r in api.get(f"{L}/constituents/{joe['id']}/{collection}", acme).json["items"]}
    assert flags == {first["id"]: False, second["id"]: False, third["id"]: True}


def test_deleting_the_preferred_one_promotes_the_oldest_current_one_left(api, acme, joe):
    ids = [contact_point(api, acme, joe["id"], "email_addresses", address=f"{n}@example.org",
                         not_current=(n == 1))["id"] for n in range(3)]
    api.delete(f"{L}/email_addresses/{ids[0]}", acme)
    assert api.get(f"{L}/email_addresses/{ids[2]}", acme).json["is_preferred"] is True  # 1 is not current
    assert api.get(f"{L}/email_addresses/{ids[1]}", acme).json["is_preferred"] is False
    assert donor(api, acme, joe)["email"] == "2@example.org"


def test_unpreferring_leaves_none_and_the_donor_shows_none(api, acme, joe):
    made = contact_point(api, acme, joe["id"], "email_addresses", address="a@example.org")
    assert api.patch(f"{L}/email_addresses/{made['id']}", acme, {"is_preferred": False}).json["is_preferred"] is False
    assert donor(api, acme, joe)["email"] is None
    assert api.get("/api/v1/donors?email=a@example.org", acme).json["data"] == []
    another = contact_point(api, acme, joe["id"], "email_addresses", address="b@example.org")
    assert another["is_preferred"] is True  # the constituent had no preferred one


def test_a_not_current_one_is_never_made_preferred_by_itself(api, acme, joe):
    made = contact_point(api, acme, joe["id"], "phone_numbers", number="555-0100", not_current=True)
    assert made["is_preferred"] is False and donor(api, acme, joe)["phone"] is None


def test_changing_the_preferred_address_changes_the_donors_email_and_its_lookup(api, acme, joe):
    made = contact_point(api, acme, joe["id"], "email_addresses", address="old@example.org")
    api.get("/api/v1/donors", acme)
    with dynamodb_calls() as calls:
        changed = api.patch(f"{L}/email_addresses/{made['id']}", acme, {"address": "New@example.org"})
    assert changed.status_code == 200 and calls == ["GetItem", "TransactWriteItems"]  # the donor is not read
    assert donor(api, acme, joe)["email"] == "New@example.org"
    assert [d["id"] for d in api.get("/api/v1/donors?email=new@example.org", acme).json["data"]] == [str(joe["id"])]
    assert api.get("/api/v1/donors?email=old@example.org", acme).json["data"] == []
    assert api.get(f"/api/v1/donors?q=new@example", acme).json["data"][0]["id"] == str(joe["id"])


# ---- duplicates ----------------------------------------------------------------------------------

def test_an_address_it_has_is_not_added_twice(api, acme, joe):
    made = contact_point(api, acme, joe["id"], "email_addresses", address="joe@example.org")
    again = contact_point(api, acme, joe["id"], "email_addresses", address=" JOE@example.org ",
                          email_address_type_id=2)
    assert again["id"] == made["id"] and again["email_address_type_id"] == 2
    assert api.get(f"{L}/constituents/{joe['id']}/email_addresses", acme).json["total_items"] == 1
    phone = contact_point(api, acme, joe["id"], "phone_numbers", number="(555) 010-0001")
    assert contact_point(api, acme, joe["id"], "phone_numbers", number="555.010.0001")["id"] == phone["id"]


def test_changing_one_to_anothers_value_is_409_and_changes_nothing(api, acme, joe):
    one = contact_point(api, acme, joe["id"], "web_addresses", url="https://a.example.org")
    other = contact_point(api, acme, joe["id"], "web_addresses", url="https://b.example.org")
    before = table_state()
    body = lgl_error(api.patch(f"{L}/web_addresses/{other['id']}", acme, {"url": "https://A.example.org/"}), 409)
    assert fields_named(body) == ["url"] and str(one["id"]) in body["description"]
    assert table_state() == before


def test_the_same_address_on_two_constituents_is_two_records(api, acme, joe):
    ann = constituent(api, acme, first_name="Ann")
    a = contact_point(api, acme, joe["id"], "email_addresses", address="family@example.org")
    b = contact_point(api, acme, ann["id"], "email_addresses", address="family@example.org")
    assert a["id"] != b["id"] and (a["item_id"], b["item_id"]) == (joe["id"], ann["id"])


# ---- cost --------------------------------------------------------------------------------------

def test_a_second_address_is_one_write_its_get_one_read_its_update_a_read_and_a_write(api, acme, joe):
    contact_point(api, acme, joe["id"], "email_addresses", address="first@example.org")
    contact_point(api, acme, joe["id"], "email_addresses", address="warm@example.org")  # ids reserved
    with dynamodb_calls() as calls:
        made = contact_point(api, acme, joe["id"], "email_addresses", address="second@example.org")
    assert calls == ["TransactWriteItems"]
    with dynamodb_calls() as calls:
        api.get(f"{L}/email_addresses/{made['id']}", acme)
    assert calls == ["GetItem"]
    with dynamodb_calls() as calls:
        api.patch(f"{L}/email_addresses/{made['id']}", acme, {"not_current": True})
    assert calls == ["GetItem", "UpdateItem"]  # nothing of it shows on the donor: the record alone
    with dynamodb_calls() as calls:
        api.delete(f"{L}/email_addresses/{made['id']}", acme)
    assert calls == ["GetItem", "TransactWriteItems"]


# ---- tenancy -----------------------------------------------------------------------------------

@pytest.mark.parametrize("collection", KINDS)
def test_another_organisations_contact_point_does_not_exist_for_you(api, acme, other, collection):
    theirs = constituent(api, other)
    for n in range(3):  # ids acme has not issued
        made = contact_point(api, other, theirs["id"], collection,
                             **{**KINDS[collection][0], VALUE[collection]: f"{KINDS[collection][0][VALUE[collection]]}{n}"})
    before = table_state()
    for method in ("GET", "PATCH", "DELETE"):
        response = api.call(method, f"{L}/{collection}/{made['id']}", acme, KINDS[collection][2])
        assert lgl_error(response, 404)["description"] == f"Item with id '{made['id']}' not found"
    assert table_state() == before


# ---- lookup types and the team -------------------------------------------------------------------

def test_types_are_lgls_nine_with_their_values_by_ordinal(api, acme):
    body = api.get(f"{L}/types", acme).json
    assert (body["item_type"], body["total_items"]) == ("type", 9)
    by_key = {t["key"]: t for t in body["items"]}
    assert list(by_key) == ["contact_report_types", "email_address_types", "mailing_types", "street_address_types",
                            "phone_number_types", "web_address_types", "volunteering_categories", "appeal_types",
                            "event_types"]
    assert by_key["contact_report_types"]["values"][3] == {"id": 2186, "name": "Mailing", "display_name": "Mailing",
                                                           "code": "letter", "ordinal": 3}
    assert [v["id"] for v in by_key["phone_number_types"]["values"]] == [1, 2, 3, 4, 6, 5, 7, 8]
    assert [v["id"] for v in by_key["mailing_types"]["values"]] == list(range(1907, 1916))
    assert by_key["event_types"]["values"] == [] and by_key["web_address_types"]["values"][0]["name"] == "Website"


def test_one_types_values_are_its_items(api, acme):
    body = api.get(f"{L}/types/email_address_types", acme).json
    assert (body["item_type"], body["total_items"]) == ("email_address_type", 4)
    assert [v["name"] for v in body["items"]] == ["Home", "Work", "Other", "Assistant"]
    assert lgl_error(api.get(f"{L}/types/colours", acme), 404)["description"].startswith("Item with id 'colours'")
    assert api.get(f"{L}/types/email_address_types?limit=2&offset=2", acme).json["items"][0]["name"] == "Other"


def test_team_members_are_the_organisations_members(api, acme):
    organisations.add_member("acme", first_name="Tom", last_name="Talbott", email="tom@example.org", role="admin",
                             primary_contact=True, billing_contact=True)
    organisations.add_member("acme", first_name="Nick", last_name="Bicknell", email="nick@example.org")
    body = api.get(f"{L}/team_members", acme).json
    assert (body["item_type"], body["total_items"]) == ("team_member", 2)
    tom, nick = body["items"]
    assert tom == {"id": tom["id"], "first_name": "Tom", "last_name": "Talbott", "email": "tom@example.org",
                   "role_id": 1, "is_admin": True, "is_primary_contact": True, "is_billing_contact": True}
    assert (nick["role_id"], nick["is_admin"], nick["is_primary_contact"]) == (2, False, False)
