"""LGL's Constituent Management: create with nested records, show, update (append and
`remove_previous_*`), delete (one rule on every face), the search, and the same person seen
as an LGL constituent, a native donor and an MPDX contact."""
from __future__ import annotations

import pytest

from chalicelib.domain import lifecycle
from tests.conftest import dynamodb_calls, new_donation, new_donor, new_log
from tests.contract.conftest import table_state
from tests.lgl.conftest import L, constituent, fields_named, lgl_error

JSONAPI = {"Accept": "application/vnd.api+json", "Content-Type": "application/vnd.api+json"}
NESTED = ["class_affiliations", "relationships", "street_addresses", "phone_numbers", "email_addresses",
          "web_addresses", "categories", "groups", "memberships", "custom_attrs"]


def without_counters(state):
    return {k: v for k, v in state.items() if not k[1].startswith("COUNTER#")}


# ---- create ----------------------------------------------------------------------------------

def test_the_seeds_create_example_fills_what_lgl_derives(api, acme):
    """The doc's own request: numbers as strings, an e-mail, a keyword of the account's `tags`
    category, and every other nested array (what it names made first: a related constituent,
    a group, an attribute)."""
    tags = api.post(f"{L}/categories", acme, {"item_type": "Constituent", "name": "Tags", "key": "tags"}).json["id"]
    assert api.post(f"{L}/categories/{tags}/keywords", acme, {"name": "New Tag"}).status_code == 200
    assert api.post(f"{L}/groups", acme, {"name": "Board Member"}).status_code == 200
    assert api.post(f"{L}/attributes", acme, {"name": "Background Info"}).status_code == 201
    friend = constituent(api, acme, first_name="Balki", last_name="Bartokomous")
    response = api.post(f"{L}/constituents", acme, {
        "is_org": False, "external_constituent_id": "999", "first_name": "Joe", "last_name": "Doe",
        "class_affiliations": [{"class_affiliation_type_id": "515", "year": "2021"}],
        "relationships": [{"related_constituent_id": str(friend["id"]), "name": "Friend"}],
        "email_addresses": [{"address": "joe@example.org"}],
        "categories": [{"key": "tags", "keywords": [{"name": "New Tag"}]}],
        "groups": [{"group_name": "Board Member"}],
        "custom_attrs": [{"key": "background_info", "value": "Founding member"}]})
    assert response.status_code == 200, response.body
    joe = response.json
    today = lifecycle.now()[:10]
    assert {k: joe[k] for k in ("external_constituent_id", "sort_name", "addressee", "salutation",
                                "annual_report_name", "alt_salutation", "alt_addressee", "honorary_name",
                                "date_added", "constituent_contact_type_id", "constituent_contact_type_name")} == {
        "external_constituent_id": "999", "sort_name": "Doe, Joe", "addressee": "Joe Doe", "salutation": "Joe",
        "annual_report_name": "Joe Doe", "alt_salutation": "Joe", "alt_addressee": "Joe Doe",
        "honorary_name": "Joe Doe", "date_added": today, "constituent_contact_type_id": 1243,
        "constituent_contact_type_name": "Primary"}
    assert [k for k in joe if k in NESTED] == NESTED  # every nested array, in the doc's order
    [email] = joe["email_addresses"]
    assert (email["address"], email["email_address_type_id"], email["email_type_name"], email["is_preferred"]) == (
        "joe@example.org", 1, "Home", True)
    assert [(c["key"], [k["name"] for k in c["keywords"]]) for c in joe["categories"]] == [("tags", ["New Tag"])]
    assert [(a["class_affiliation_type_name"], a["year"]) for a in joe["class_affiliations"]] == [("Student", 2021)]
    assert [(r["related_constituent_id"], r["name"]) for r in joe["relationships"]] == [(friend["id"], "Friend")]
    assert [g["group_name"] for g in joe["groups"]] == ["Board Member"] and joe["memberships"] == []
    assert [(a["key"], a["value"]) for a in joe["custom_attrs"]] == [("background_info", "Founding member")]
    assert "X-Ignored-Fields" not in response.headers


def test_an_organisation_sorts_by_its_name_and_a_person_needs_a_name(api, acme):
    org = constituent(api, acme, first_name=None, last_name="Mansion", is_org=True,
                      org_name="Avengers Mansion Headquarters")
    assert (org["sort_name"], org["addressee"], org["salutation"]) == (
        "Avengers Mansion Headquarters", "Avengers Mansion Headquarters", None)
    body = lgl_error(api.post(f"{L}/constituents", acme, {"middle_name": "Only"}), 422)
    assert "last_name" in fields_named(body)
    body = lgl_error(api.post(f"{L}/constituents", acme, {"is_org": True, "last_name": "X"}), 422)
    assert "org_name" in fields_named(body)


def test_a_create_writes_the_constituent_and_its_contact_points_in_one_transaction(api, acme):
    constituent(api, acme, email_addresses=[{"address": "w@example.org"}], phone_numbers=[{"number": "555-0199"}],
                street_addresses=[{"city": "Bergen"}], web_addresses=[{"url": "https://w.example.org"}])
    # ids reserved (one block a kind) and the key verified: the next create is warm
    with dynamodb_calls() as calls:
        made = constituent(api, acme, email_addresses=[{"address": "a@example.org"}, {"address": "b@example.org"}],
                           phone_numbers=[{"number": "555-0100"}], street_addresses=[{"city": "Oslo"}],
                           web_addresses=[{"url": "https://a.example.org"}])
    assert calls == ["TransactWriteItems"]
    assert [e["is_preferred"] for e in made["email_addresses"]] == [True, False]


def test_an_external_id_taken_is_409_and_nothing_is_created(api, acme):
    constituent(api, acme, external_constituent_id="t00044")
    before = without_counters(table_state())
    body = lgl_error(api.post(f"{L}/constituents", acme, {"last_name": "X", "external_constituent_id": "t00044",
                                                        "email_addresses": [{"address": "x@example.org"}]}), 409)
    assert "external_id" in body["description"]
    assert without_counters(table_state()) == before


# ---- show --------------------------------------------------------------------------------------

def test_show_is_the_constituent_with_every_nested_array_in_one_query(api, acme):
    made = constituent(api, acme, email_addresses=[{"address": "a@example.org"}],
                       phone_numbers=[{"number": "(888) 555-0044", "phone_number_type_id": 3}],
                       street_addresses=[{"street": "711 Calhoun Street", "city": "Chicago", "state": "IL",
                                          "country": "US", "postal_code": "60603"}],
                       web_addresses=[{"url": "https://a.example.org"}, {"url": "https://b.example.org",
                                                                          "web_address_type_id": 6}])
    api.get(f"{L}/constituents/{made['id']}", acme)
    with dynamodb_calls() as calls:
        shown = api.get(f"{L}/constituents/{made['id']}", acme).json
    assert calls == ["Query"]
    assert shown == made
    assert shown["phone_numbers"][0]["normalized_number"] == "8885550044"
    assert shown["street_addresses"][0]["zip5"] == "60603"
    assert [w["web_address_type_name"] for w in shown["web_addresses"]] == ["Website", "Facebook"]
    assert "item_id" not in shown["email_addresses"][0]  # nested: its owner is the constituent around it


# ---- update --------------------------------------------------------------------------------------

@pytest.fixture
def joe(api, acme):
    return constituent(api, acme, external_constituent_id="999",
                       email_addresses=[{"address": "joe@example.org"}])


def test_the_seeds_patch_example_appends_and_keeps_what_was_derived(api, acme, joe):
    response = api.patch(f"{L}/constituents/{joe['id']}", acme, {
        "is_org": False, "first_name": "Joe", "last_name": "Doe", "middle_name": "Moe",
        "street_addresses": [{"street": "123 SE Tree", "city": "Seattle", "state": "WA", "postal_code": "98101"}]})
    assert response.status_code == 200
    after = response.json
    assert (after["middle_name"], after["addressee"], after["sort_name"]) == ("Moe", "Joe Doe", "Doe, Joe")
    assert after["email_addresses"] == joe["email_addresses"]  # appended to, not replaced
    [street] = after["street_addresses"]
    assert (street["street"], street["zip5"], street["is_preferred"], street["street_type_name"]) == (
        "123 SE Tree", "98101", True, "Home")
    assert api.get(f"{L}/constituents/{joe['id']}", acme).json == after


def test_resending_an_address_it_has_neither_duplicates_nor_fails(api, acme, joe):
    response = api.patch(f"{L}/constituents/{joe['id']}", acme, {
        "email_addresses": [{"address": "JOE@example.org", "email_address_type_id": 2}]})
    assert response.status_code == 200
    [email] = response.json["email_addresses"]
    assert email["id"] == joe["email_addresses"][0]["id"] and email["email_type_name"] == "Work"


def test_remove_previous_keeps_only_what_was_sent(api, acme, joe):
    first = joe["email_addresses"][0]
    added = api.patch(f"{L}/constituents/{joe['id']}", acme, {
        "email_addresses": [{"address": "two@example.org"}, {"address": "three@example.org"}]}).json
    assert len(added["email_addresses"]) == 3
    kept = api.patch(f"{L}/constituents/{joe['id']}", acme, {
        "remove_previous_email_addresses": True,
        "email_addresses": [{"address": "joe@example.org"}, {"address": "four@example.org"}]}).json
    assert [e["address"] for e in kept["email_addresses"]] == ["joe@example.org", "four@example.org"]
    assert kept["email_addresses"][0]["id"] == first["id"]  # a value sent again keeps its record
    gone = api.patch(f"{L}/constituents/{joe['id']}", acme, {"remove_previous_email_addresses": True,
                                                             "email_addresses": []}).json
    assert gone["email_addresses"] == []
    assert api.get(f"/api/v1/donors/{joe['id']}", acme).json["email"] is None
    lgl_error(api.get(f"{L}/email_addresses/{first['id']}", acme), 404)


def test_a_new_nested_address_marked_preferred_takes_the_preference(api, acme, joe):
    after = api.patch(f"{L}/constituents/{joe['id']}", acme, {
        "email_addresses": [{"address": "new@example.org", "is_preferred": True}]}).json
    assert [(e["address"], e["is_preferred"]) for e in after["email_addresses"]] == [
        ("joe@example.org", False), ("new@example.org", True)]
    assert api.get(f"/api/v1/donors/{joe['id']}", acme).json["email"] == "new@example.org"


def test_an_update_is_one_read_and_one_write(api, acme, joe):
    api.patch(f"{L}/constituents/{joe['id']}", acme, {"phone_numbers": [{"number": "555-0199"}]})  # warm ids
    with dynamodb_calls() as calls:
        assert api.patch(f"{L}/constituents/{joe['id']}", acme, {
            "nick_name": "Jo", "phone_numbers": [{"number": "555-0100"}]}).status_code == 200
    assert calls == ["Query", "TransactWriteItems"]


# ---- names and ids of lookups -------------------------------------------------------------------

def test_a_lookup_is_named_or_numbered_and_the_id_wins(api, acme):
    assert constituent(api, acme, marital_status_name="married")["marital_status_id"] == 2
    both = constituent(api, acme, marital_status_id=6, marital_status_name="Married")
    assert (both["marital_status_id"], both["marital_status_name"]) == (6, "Widowed")
    assert constituent(api, acme, constituent_contact_type_name="Secondary")["constituent_contact_type_id"] == 1244


@pytest.mark.parametrize("body, field", [({"marital_status_name": "Marrid"}, "marital_status_name"),
                                          ({"marital_status_id": 99}, "marital_status_id"),
                                          ({"constituent_contact_type_name": "Tertiary"},
                                           "constituent_contact_type_name")])
def test_an_unknown_lookup_is_422_naming_it_and_nothing_is_made(api, acme, body, field):
    before = table_state()
    answer = lgl_error(api.post(f"{L}/constituents", acme, {"last_name": "Typo", **body}), 422)
    assert fields_named(answer) == [field]
    assert without_counters(table_state()) == without_counters(before)


# ---- delete: one rule on every face ---------------------------------------------------------------

@pytest.mark.parametrize("history", ["gift", "contact log"])
def test_a_constituent_with_history_is_not_deleted_on_any_face(api, acme, joe, history):
    donor_id = str(joe["id"])
    (new_donation if history == "gift" else new_log)(api, acme, donor_id)
    before = table_state()
    body = lgl_error(api.delete(f"{L}/constituents/{donor_id}", acme), 409)
    assert "cannot be deleted" in body["description"] or "delete or move" in body["description"]
    assert api.delete(f"/api/v1/donors/{donor_id}", acme).status_code == 409
    assert table_state() == before


def test_a_deleted_constituent_takes_its_contact_points_and_frees_their_values(api, acme, joe):
    email = joe["email_addresses"][0]["id"]
    assert api.delete(f"{L}/constituents/{joe['id']}", acme).json["result"] == "success"
    lgl_error(api.get(f"{L}/email_addresses/{email}", acme), 404)
    lgl_error(api.get(f"{L}/constituents/{joe['id']}/email_addresses", acme), 404)
    assert api.get(f"/api/v1/donors/{joe['id']}", acme).status_code == 404
    again = constituent(api, acme, external_constituent_id="999", email_addresses=[{"address": "joe@example.org"}])
    assert again["id"] != joe["id"]
    assert api.delete(f"{L}/constituents/{joe['id']}", acme).json["result"] == "success"  # again: success


# ---- one record, three faces -----------------------------------------------------------------------

def test_a_constituent_is_a_native_donor_and_an_mpdx_contact(api, acme):
    made = constituent(api, acme, email_addresses=[{"address": "joe@example.org"}],
                       phone_numbers=[{"number": "555-0100"}],
                       street_addresses=[{"street": "1 Main St", "city": "Oslo", "postal_code": "0150",
                                          "country": "NO"}])
    donor = api.get(f"/api/v1/donors/{made['id']}", acme).json
    assert (donor["email"], donor["phone"], donor["street"], donor["city"], donor["postal_code"],
            donor["country"], donor["sort_name"]) == ("joe@example.org", "555-0100", "1 Main St", "Oslo", "0150",
                                                      "NO", "Doe, Joe")
    contact = api.get(f"/api/v2/organizations/contacts/{made['id']}", acme, headers=JSONAPI).json["data"]
    assert contact["attributes"]["name"] == "Doe, Joe"
    assert contact["relationships"]["addresses"]["data"] == [{"id": str(made["id"]), "type": "addresses"}]

    changed = api.patch(f"/api/v1/donors/{made['id']}", acme, {"email": "jd@example.org", "city": "Bergen"})
    assert changed.status_code == 200
    after = api.get(f"{L}/constituents/{made['id']}", acme).json
    assert after["email_addresses"][0]["id"] == made["email_addresses"][0]["id"]
    assert after["email_addresses"][0]["address"] == "jd@example.org"
    assert after["street_addresses"][0]["city"] == "Bergen" and after["street_addresses"][0]["street"] == "1 Main St"
    assert api.get("/api/v1/donors?email=jd@example.org", acme).json["data"][0]["id"] == str(made["id"])


def test_a_native_donor_is_an_lgl_constituent_with_preferred_contact_points(api, acme):
    donor = new_donor(api, acme, email="jane@example.org", phone="555-0101", city="Paris")
    shown = api.get(f"{L}/constituents/{donor['id']}", acme).json
    assert [(e["address"], e["is_preferred"]) for e in shown["email_addresses"]] == [("jane@example.org", True)]
    assert [(p["number"], p["is_preferred"]) for p in shown["phone_numbers"]] == [("555-0101", True)]
    assert [(s["city"], s["is_preferred"]) for s in shown["street_addresses"]] == [("Paris", True)]
    assert api.patch(f"/api/v1/donors/{donor['id']}", acme, {"email": None}).status_code == 200
    assert api.get(f"{L}/constituents/{donor['id']}", acme).json["email_addresses"] == []


# ---- search ----------------------------------------------------------------------------------------

@pytest.fixture
def town(api, acme):
    """Four constituents with known names, e-mails, phones and addresses."""
    made = {
        "ann": constituent(api, acme, first_name="Ann", last_name="Archer", nick_name="Annie",
                           external_constituent_id="t001",
                           email_addresses=[{"address": "ann@alpha.org"}, {"address": "archer@beta.org"}],
                           phone_numbers=[{"number": "(555) 010-0001"}],
                           street_addresses=[{"street": "711 Calhoun Street", "city": "Chicago", "state": "IL",
                                              "postal_code": "60603", "country": "United States"}]),
        "bob": constituent(api, acme, first_name="Bob", last_name="Baker", external_constituent_id="t002",
                           email_addresses=[{"address": "bob@beta.org"}], phone_numbers=[{"number": "555-0200"}],
                           street_addresses=[{"street": "1 Main St", "city": "Seattle", "state": "WA",
                                              "postal_code": "98101", "country": "US"}]),
        "cia": constituent(api, acme, first_name=None, last_name="Fund", is_org=True, org_name="Chicago Arts Fund",
                           street_addresses=[{"city": "chicago", "state": "il", "postal_code": "60611"}]),
        "dee": constituent(api, acme, first_name="Dee", last_name="Dunn"),
    }
    return made


def found(api, acme, query: str) -> list[str]:
    response = api.get(f"{L}/constituents/search?{query}", acme)
    assert response.status_code == 200, response.body
    assert response.json["items_count"] == len(response.json["items"])
    return [item["sort_name"] for item in response.json["items"]]


@pytest.mark.parametrize("query, expected", [
    ("q[]=name=ann", ["Archer, Ann"]),
    ("q[]=name=ANNIE", ["Archer, Ann"]),
    ("q[]=name=ann+archer", ["Archer, Ann"]),
    ("q[]=name=ann%20archer", ["Archer, Ann"]),
    ("q[]=name=arts+fund", ["Chicago Arts Fund"]),
    ("q[]=eaddr=beta.org", ["Archer, Ann", "Baker, Bob"]),
    ("q[]=eaddr=ARCHER@", ["Archer, Ann"]),
    ("q[]=phone_number=555-010", ["Archer, Ann"]),
    ("q[]=phone_number=5550200", ["Baker, Bob"]),
    ("q[]=street=calhoun", ["Archer, Ann"]),
    ("q[]=city=Chicago", ["Archer, Ann", "Chicago Arts Fund"]),
    ("q[]=city=chica", []),
    ("q[]=state=wa", ["Baker, Bob"]),
    ("q[]=postal_code=606", ["Archer, Ann", "Chicago Arts Fund"]),
    ("q[]=postal_code=06", []),
    ("q[]=country=united", ["Archer, Ann"]),
    ("q[]=external_id=t002", ["Baker, Bob"]),
    ("q[]=external_id=t00", []),
    ("q[]=constituent_type=1", ["Chicago Arts Fund"]),
    ("q[]=constituent_type=0", ["Archer, Ann", "Baker, Bob", "Dunn, Dee"]),
    ("q[]=city=chicago&q[]=constituent_type=0", ["Archer, Ann"]),
    ("q[]=city=chicago;constituent_type=0", ["Archer, Ann"]),
    ("q=city=chicago", ["Archer, Ann", "Chicago Arts Fund"]),
    ("q%5B%5D=state=IL", ["Archer, Ann", "Chicago Arts Fund"]),
    ("", ["Archer, Ann", "Baker, Bob", "Chicago Arts Fund", "Dunn, Dee"]),
])
def test_each_search_term_matches_as_documented(api, acme, town, query, expected):
    assert found(api, acme, query) == expected


def test_updated_from_and_to_take_dates_and_timestamps(api, acme, town, monkeypatch):
    monkeypatch.setattr(lifecycle, "now", lambda: "2030-01-01T10:00:00.000Z")
    assert api.patch(f"{L}/constituents/{town['dee']['id']}", acme, {"nick_name": "D"}).status_code == 200
    monkeypatch.undo()
    everyone = found(api, acme, "")
    assert found(api, acme, "q[]=updated_from=2030-01-01T10:00:00Z") == ["Dunn, Dee"]
    assert found(api, acme, "q[]=updated_from=2030-01-01T10:00:01Z") == []
    assert found(api, acme, "q[]=updated_from=2030-01-01") == ["Dunn, Dee"]
    assert found(api, acme, "q[]=updated_from=2030-01-01T10:00:00") == ["Dunn, Dee"]  # no zone: UTC
    assert found(api, acme, "q[]=updated_to=2029-12-31") == [n for n in everyone if n != "Dunn, Dee"]
    assert found(api, acme, "q[]=updated_to=2030-01-01") == everyone  # a date: through its whole day
    assert found(api, acme, "q[]=updated_to=2030-01-01T09:59:59Z") == [n for n in everyone if n != "Dunn, Dee"]
    assert found(api, acme, "q[]=updated_from=2030-01-01;updated_to=2030-01-01T23:00:00Z") == ["Dunn, Dee"]
    assert found(api, acme, "q[]=updated_from=2000-01-01") == everyone


def test_a_contact_point_change_counts_as_a_change_of_its_constituent(api, acme, town):
    since = api.get(f"{L}/constituents/{town['dee']['id']}", acme).json["updated_at"]
    api.post(f"{L}/constituents/{town['bob']['id']}/phone_numbers", acme, {"number": "555-0999"})
    assert "Baker, Bob" in found(api, acme, f"q[]=updated_from={since}")


@pytest.mark.parametrize("sort, expected", [
    ("name", ["Archer, Ann", "Baker, Bob", "Chicago Arts Fund", "Dunn, Dee"]),
    ("name!", ["Dunn, Dee", "Chicago Arts Fund", "Baker, Bob", "Archer, Ann"]),
    ("external_id", ["Archer, Ann", "Baker, Bob", "Chicago Arts Fund", "Dunn, Dee"]),
    ("lgl_id!", ["Dunn, Dee", "Chicago Arts Fund", "Baker, Bob", "Archer, Ann"]),
    ("date_created", ["Archer, Ann", "Baker, Bob", "Chicago Arts Fund", "Dunn, Dee"]),
    ("date_updated!", ["Dunn, Dee", "Chicago Arts Fund", "Baker, Bob", "Archer, Ann"]),
])
def test_every_sort_key_and_its_reverse(api, acme, town, sort, expected):
    assert found(api, acme, f"sort={sort}") == expected


def test_external_id_sorts_those_without_one_last_and_reversed_first(api, acme, town):
    assert found(api, acme, "sort=external_id") == ["Archer, Ann", "Baker, Bob", "Chicago Arts Fund", "Dunn, Dee"]
    assert found(api, acme, "sort=external_id!") == ["Dunn, Dee", "Chicago Arts Fund", "Baker, Bob", "Archer, Ann"]


@pytest.mark.parametrize("query, name", [("sort=height", "sort"), ("sort=membership_levels", "sort"),
                                         ("expand=emails", "expand"), ("q[]=constituent_type=2", "constituent_type"),
                                         ("q[]=updated_from=yesterday", "updated_from"), ("q[]=name", "q[]"),
                                         ("q[]=custom_attr=a|ft|b", "custom_attr"),  # no attribute has key a
                                         ("q[]=class=x", "class"),
                                         ("q[]=membership_status=2", "membership_status"),
                                         ("q[]=groups=one", "groups")])
def test_a_bad_search_is_a_parameter_error(api, acme, town, query, name):
    body = lgl_error(api.get(f"{L}/constituents/search?{query}", acme), 400)
    assert body["error"] == "Parameter Error" and fields_named(body) == [name], body


def test_expand_adds_the_nested_arrays_asked_for(api, acme, town):
    items = api.get(f"{L}/constituents/search?q[]=name=ann&expand=email_addresses,groups", acme).json["items"]
    [ann] = items
    assert [e["address"] for e in ann["email_addresses"]] == ["ann@alpha.org", "archer@beta.org"]
    assert ann["groups"] == [] and "phone_numbers" not in ann and "street_addresses" not in ann
    plain = api.get(f"{L}/constituents/search?q[]=name=ann", acme).json["items"][0]
    assert not set(plain) & set(NESTED)


def test_a_filtered_search_counts_exactly_beyond_its_page(api, acme, town):
    body = api.get(f"{L}/constituents/search?q[]=constituent_type=0&limit=1&offset=1", acme).json
    assert (body["total_items"], body["items_count"], body["next_item"]) == (3, 1, 2)
    assert [i["sort_name"] for i in body["items"]] == ["Baker, Bob"]


def test_a_search_finds_only_live_constituents(api, acme, town):
    api.delete(f"{L}/constituents/{town['dee']['id']}", acme)
    assert found(api, acme, "q[]=name=dee") == []
    assert api.get(f"{L}/constituents", acme).json["total_items"] == 3


def test_a_search_reads_the_index_then_only_the_pages_records(api, acme, town):
    api.get(f"{L}/constituents/search", acme)
    with dynamodb_calls() as calls:
        body = api.get(f"{L}/constituents/search?q[]=city=chicago&expand=email_addresses", acme).json
    assert body["items_count"] == 2
    assert "Scan" not in calls and "GetItem" not in calls
    assert calls.count("BatchGetItem") == 2  # the page, then its contact points
    assert set(calls) == {"Query", "BatchGetItem"}
