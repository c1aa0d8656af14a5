"""LGL's custom attributes (docs/lgl.md, "Custom attributes"): the definitions (`GET /attributes`,
made natively), a constituent's `custom_attrs` on create, update, show and `expand` (by id or key,
typed by the definition's classification, replaced by a new value, removed by null or ""), the
422s of a wrong value, the `custom_attr`, `custom_attr_from`, `custom_attr_to` and
`custom_attr_int` search terms with every operator, and a definition with values that cannot be
deleted (409).

One moto world serves the module; each test has an organisation of its own (the search tests
share one, built once and only read)."""
from __future__ import annotations

import itertools
from typing import Any

import pytest

from tests.conftest import Api, Org, make_org
from tests.contract.conftest import table_state
from tests.lgl.conftest import L, constituent, fields_named, found_ids as found, lgl_error
from tests.lgl.test_route_coverage import REFERENCE
from tests.lgl.worlds import acme, api, other, world  # noqa: F401  (one world for the module)


def attribute(api: Api, org: Org, name: str, **fields: Any) -> dict[str, Any]:
    """A definition, made natively (LGL only lists them)."""
    response = api.post(f"{L}/attributes", org, {"name": name, **fields})
    assert response.status_code == 201, response.body
    return {**response.json, "id": int(response.json["id"])}


@pytest.fixture
def defined(api, acme) -> dict[str, dict[str, Any]]:
    """The seed's Background Info and Test Number, a date, and an invitation's attribute."""
    return {"text": attribute(api, acme, "Background Info"),
            "integer": attribute(api, acme, "Test Number", classification="integer"),
            "date": attribute(api, acme, "Joined On", key="joined", classification="date"),
            "bounded": attribute(api, acme, "Rating", classification="integer", min_val="1", max_val="5"),
            "invitation": attribute(api, acme, "Diet", item_type="Invitation")}


def values(record: dict[str, Any]) -> dict[str, str]:
    return {a["key"]: a["value"] for a in record["custom_attrs"]}


# ---- the definitions -------------------------------------------------------------------------------

def test_the_definitions_are_listed_by_item_type_the_constituents_unless_asked(api, acme, defined):
    body = api.get(f"{L}/attributes", acme).json  # LGL's default: Constituent
    assert body["item_type"] == "attribute" and body["total_items"] == 4
    assert "diet" not in [a["key"] for a in body["items"]]
    constituents = api.get(f"{L}/attributes.json?item_type=Constituent&limit=2", acme).json
    assert (constituents["total_items"], constituents["items_count"], constituents["next_item"]) == (4, 2, 2)
    first = constituents["items"][0]
    endpoint = next(e for e in REFERENCE if e["path"] == "/api/v1/attributes")
    assert set(endpoint["response_fields"]) <= set(first)
    assert (first["name"], first["key"], first["classification"], first["item_type"], first["ordinal"]) == (
        "Background Info", "background_info", "text", "Constituent", 100)
    assert [a["key"] for a in api.get(f"{L}/attributes?item_type=Invitation", acme).json["items"]] == ["diet"]


def test_a_key_names_one_attribute_of_an_item_type(api, acme, defined):
    taken = api.post(f"{L}/attributes", acme, {"name": "Background", "key": "Background_Info"})
    assert taken.status_code == 409, taken.body
    assert fields_named(taken.json) == ["key"]
    renamed = api.patch(f"{L}/attributes/{defined['integer']['id']}", acme, {"key": "background_info"})
    assert renamed.status_code == 409 and fields_named(renamed.json) == ["key"]
    assert [a["key"] for a in api.get(f"{L}/attributes", acme).json["items"]].count("background_info") == 1
    elsewhere = api.post(f"{L}/attributes", acme, {"name": "Background", "key": "background_info",
                                                    "item_type": "AppealRequest"})
    assert elsewhere.status_code == 201, elsewhere.body  # another item type's keys are its own



# ---- a constituent's values --------------------------------------------------------------------------

def test_the_seeds_create_example_shows_the_value_with_its_definition(api, acme, defined):
    response = api.post(f"{L}/constituents", acme, {
        "first_name": "Joe", "last_name": "Doe", "custom_attrs": [{"key": "background_info",
                                                                   "value": "Founding member"}]})
    assert response.status_code == 200, response.body
    assert "X-Ignored-Fields" not in response.headers
    assert response.json["custom_attrs"] == [{"id": defined["text"]["id"], "classification": "text",
                                              "name": "Background Info", "key": "background_info", "ordinal": 100,
                                              "value": "Founding member"}]
    assert api.get(f"{L}/constituents/{response.json['id']}", acme).json["custom_attrs"] == \
        response.json["custom_attrs"]


def test_values_by_id_or_key_typed_by_their_classification(api, acme, defined):
    joe = constituent(api, acme, custom_attrs=[
        {"id": defined["integer"]["id"], "key": "not_looked_at", "value": 42},
        {"key": "JOINED", "value": "2024-02-29"},
        {"key": "Background Info", "value": 1234},   # a name is a key too; a number sent as text is its digits
        {"id": str(defined["bounded"]["id"]), "value": "5"}])
    assert values(joe) == {"test_number": "42", "joined": "2024-02-29", "background_info": "1234", "rating": "5"}
    assert [a["key"] for a in joe["custom_attrs"]] == ["background_info", "test_number", "joined", "rating"]
    native = api.get(f"/api/v1/donors/{joe['id']}", acme).json
    assert "custom_attrs" not in native  # the native face does not show them


@pytest.mark.parametrize("item, field", [
    ({"key": "test_number", "value": "4.5"}, "custom_attrs[0].value"),
    ({"key": "test_number", "value": "forty"}, "custom_attrs[0].value"),
    ({"key": "test_number", "value": 4.5}, "custom_attrs[0].value"),
    ({"key": "test_number", "value": True}, "custom_attrs[0].value"),  # never the number 1
    ({"key": "background_info", "value": {"text": "x"}}, "custom_attrs[0].value"),
    ({"key": "rating", "value": 6}, "custom_attrs[0].value"),
    ({"key": "rating", "value": "0"}, "custom_attrs[0].value"),
    ({"key": "joined", "value": "2023-02-29"}, "custom_attrs[0].value"),
    ({"key": "joined", "value": "29/02/2024"}, "custom_attrs[0].value"),
    ({"key": "nope", "value": "x"}, "custom_attrs[0].key"),
    ({"id": 987654, "value": "x"}, "custom_attrs[0].id"),
    ({"key": "diet", "value": "vegan"}, "custom_attrs[0].key"),  # an invitation's attribute
    ({"value": "x"}, "custom_attrs[0].id"),
])
def test_a_value_that_cannot_be_kept_is_a_422_naming_it_and_nothing_is_stored(api, acme, defined, item, field):
    joe = constituent(api, acme)
    before = table_state()
    answer = lgl_error(api.patch(f"{L}/constituents/{joe['id']}", acme, {"custom_attrs": [item]}), 422)
    assert fields_named(answer) == [field], answer
    assert table_state() == before


def test_a_new_value_replaces_the_old_and_the_others_stay(api, acme, defined):
    joe = constituent(api, acme, custom_attrs=[{"key": "background_info", "value": "Founding member"},
                                               {"key": "test_number", "value": 1}])
    changed = api.patch(f"{L}/constituents/{joe['id']}", acme, {"custom_attrs": [{"key": "test_number",
                                                                                  "value": "7"}]}).json
    assert values(changed) == {"background_info": "Founding member", "test_number": "7"}
    twice = api.patch(f"{L}/constituents/{joe['id']}", acme, {"custom_attrs": [
        {"key": "test_number", "value": 8}, {"key": "test_number", "value": 9}]}).json
    assert values(twice)["test_number"] == "9"  # the later one wins
    untouched = api.patch(f"{L}/constituents/{joe['id']}", acme, {"middle_name": "Moe"}).json
    assert values(untouched) == {"background_info": "Founding member", "test_number": "9"}
    natively = api.patch(f"/api/v1/donors/{joe['id']}", acme, {"first_name": "Joseph"})
    assert natively.status_code == 200, natively.body
    assert values(api.get(f"{L}/constituents/{joe['id']}", acme).json) == values(untouched)


@pytest.mark.parametrize("removal", [None, "", "   "])
def test_null_or_an_empty_value_removes_it(api, acme, defined, removal):
    joe = constituent(api, acme, custom_attrs=[{"key": "background_info", "value": "Founding member"},
                                               {"key": "joined", "value": "2020-01-01"}])
    removed = api.patch(f"{L}/constituents/{joe['id']}", acme, {"custom_attrs": [
        {"key": "joined", "value": removal}]}).json
    assert values(removed) == {"background_info": "Founding member"}
    again = api.patch(f"{L}/constituents/{joe['id']}", acme, {"custom_attrs": [{"key": "joined", "value": removal}]})
    assert again.status_code == 200 and values(again.json) == {"background_info": "Founding member"}
    assert api.delete(f"{L}/attributes/{defined['date']['id']}", acme).status_code == 204  # no value left


def test_a_definition_with_values_is_not_deleted_and_nothing_shows_one_that_is_gone(api, acme, defined):
    joe = constituent(api, acme, custom_attrs=[{"key": "test_number", "value": 3}])
    ann = constituent(api, acme, first_name="Ann", custom_attrs=[{"key": "test_number", "value": 4}])
    path = f"{L}/attributes/{defined['integer']['id']}"
    refused = api.delete(path, acme)
    assert refused.status_code == 409, refused.body
    assert values(api.get(f"{L}/constituents/{joe['id']}", acme).json) == {"test_number": "3"}
    assert api.patch(f"{L}/constituents/{joe['id']}", acme, {"custom_attrs": [{"key": "test_number",
                                                                              "value": None}]}).status_code == 200
    assert api.delete(path, acme).status_code == 409  # Ann still has one
    assert api.delete(f"{L}/constituents/{ann['id']}", acme).status_code == 200  # her values go with her
    assert api.delete(path, acme).status_code == 204
    assert all(a["key"] != "test_number" for a in api.get(f"{L}/attributes", acme).json["items"])
    answer = lgl_error(api.patch(f"{L}/constituents/{joe['id']}", acme, {"custom_attrs": [
        {"key": "test_number", "value": 1}]}), 422)
    assert fields_named(answer) == ["custom_attrs[0].key"]


def test_a_definitions_classification_and_item_type_stay_while_it_has_values(api, acme, defined):
    """The values kept were typed by the classification, on records of its item type: a text
    value would otherwise be searched as a date, or shown on a kind that does not take it."""
    joe = constituent(api, acme, custom_attrs=[{"key": "background_info", "value": "abc"}])
    path = f"{L}/attributes/{defined['text']['id']}"
    for change in ({"classification": "date"}, {"item_type": "Invitation"}):
        before = table_state()
        refused = api.patch(path, acme, change)
        assert refused.status_code == 409, refused.body
        assert fields_named(refused.json) == list(change)
        assert table_state() == before
    assert api.patch(path, acme, {"name": "Background", "description": "Kept"}).status_code == 200  # others change
    assert api.patch(f"{L}/constituents/{joe['id']}", acme, {"custom_attrs": [
        {"key": "background_info", "value": None}]}).status_code == 200
    changed = api.patch(path, acme, {"classification": "date"})  # no value left
    assert changed.status_code == 200 and changed.json["classification"] == "date"


def test_a_renamed_definition_shows_its_new_name(api, acme, defined):
    joe = constituent(api, acme, custom_attrs=[{"key": "background_info", "value": "x"}])
    assert api.patch(f"{L}/attributes/{defined['text']['id']}", acme, {"name": "Background"}).status_code == 200
    [shown] = api.get(f"{L}/constituents/{joe['id']}", acme).json["custom_attrs"]
    assert (shown["name"], shown["key"], shown["value"]) == ("Background", "background_info", "x")


# ---- search and expand -----------------------------------------------------------------------------

_TOWNS = itertools.count(1)


@pytest.fixture(scope="module")
def town(world) -> tuple[Org, dict[str, int]]:
    """Constituents with values of every classification (and one with none), built once."""
    api = world
    org = make_org(f"attrs-{next(_TOWNS)}")
    for name, fields in (("Background Info", {}), ("Test Number", {"classification": "integer"}),
                         ("Joined", {"classification": "date"})):
        attribute(api, org, name, **fields)
    people = {
        "susan": {"background_info": "Ck returned to sender", "test_number": 10, "joined": "2019-05-04"},
        "ferris": {"background_info": "Day off; returned", "test_number": 45, "joined": "2020-01-01"},
        "mike": {"background_info": "Founding member", "test_number": -3, "joined": "2021-12-31"},
        "larry": {"test_number": 0},
        "none": {},
    }
    ids = {}
    for name, attrs in people.items():
        ids[name] = constituent(api, org, first_name=name, last_name="Town", custom_attrs=[
            {"key": key, "value": value} for key, value in attrs.items()])["id"]
    return org, ids


@pytest.mark.parametrize("value, who", [
    ("background_info|ft|Ck returned", {"susan"}),  # the seed's example
    ("background_info|ft|RETURNED", {"susan", "ferris"}),
    ("background_info|nft|returned", {"mike", "larry", "none"}),
    ("background_info|eq|founding MEMBER", {"mike"}),
    ("background_info|ne|Founding member", {"susan", "ferris", "larry", "none"}),
    ("background_info|sw|day", {"ferris"}),
    ("background_info|bl", {"larry", "none"}),
    ("background_info|bl|", {"larry", "none"}),
    ("background_info|nb", {"susan", "ferris", "mike"}),
    ("BACKGROUND_INFO|ft|returned", {"susan", "ferris"}),  # a key in any case
    ("test_number|eq|45", {"ferris"}),                       # an integer's digits as text
    ("joined|sw|2020", {"ferris"}),
])
def test_custom_attr_compares_text_with_each_operator(api, town, value, who):
    org, ids = town
    assert found(api, org, f"q[]=custom_attr={value}") == {ids[name] for name in who}


@pytest.mark.parametrize("query, who", [
    ("custom_attr_from=joined|2020-01-01", {"ferris", "mike"}),
    ("custom_attr_to=joined|2020-01-01", {"susan", "ferris"}),
    ("custom_attr_from=joined|2019-06-01;custom_attr_to=joined|2021-06-01", {"ferris"}),
    ("custom_attr_to=joined|2020-01-01T10:00:00Z", {"susan", "ferris"}),
])
def test_custom_attr_from_and_to_bound_a_date(api, town, query, who):
    org, ids = town
    assert found(api, org, f"q[]={query}") == {ids[name] for name in who}


@pytest.mark.parametrize("value, who", [
    ("test_number|gte|10", {"susan", "ferris"}),
    ("test_number|lte|0", {"mike", "larry"}),
    ("test_number|gt|10", {"ferris"}),
    ("test_number|lt|0", {"mike"}),
    ("test_number|eq|0", {"larry"}),
    ("test_number|ne|10", {"ferris", "mike", "larry"}),  # one without a value is never compared
    ("test_number|btw|0|10", {"susan", "larry"}),
    ("test_number|btw|10|0", {"susan", "larry"}),
    ("test_number|btw|-3|45", {"susan", "ferris", "mike", "larry"}),
    ("test_number|gte|9.5", {"susan", "ferris"}),
])
def test_custom_attr_int_compares_numbers_with_each_operator(api, town, value, who):
    org, ids = town
    assert found(api, org, f"q[]=custom_attr_int={value}") == {ids[name] for name in who}


@pytest.mark.parametrize("term, value", [
    ("custom_attr", "nope|ft|x"),
    ("custom_attr", "background_info|xx|x"),
    ("custom_attr", "background_info|ft"),
    ("custom_attr", "background_info"),
    ("custom_attr_from", "nope|2020-01-01"),
    ("custom_attr_from", "background_info|2020-01-01"),
    ("custom_attr_to", "joined|someday"),
    ("custom_attr_to", "joined"),
    ("custom_attr_int", "nope|eq|1"),
    ("custom_attr_int", "joined|eq|1"),
    ("custom_attr_int", "test_number|btw|1"),
    ("custom_attr_int", "test_number|eq|one"),
    ("custom_attr_int", "test_number|between|1|2"),
])
def test_an_unknown_key_or_a_bad_value_is_a_400_naming_the_term(api, town, term, value):
    org, _ = town
    answer = lgl_error(api.get(f"{L}/constituents/search?q[]={term}={value}", org), 400)
    assert fields_named(answer) == [term], answer


def test_expand_custom_attrs(api, town):
    org, ids = town
    body = api.get(f"{L}/constituents/search?q[]=custom_attr_int=test_number|eq|45&expand=custom_attrs", org).json
    [ferris] = body["items"]
    assert values(ferris) == {"background_info": "Day off; returned", "test_number": "45", "joined": "2020-01-01"}
    assert "class_affiliations" not in ferris
    plain = api.get(f"{L}/constituents/search?q[]=custom_attr_int=test_number|eq|45", org).json
    assert "custom_attrs" not in plain["items"][0]


def test_a_changed_value_is_searched_as_it_is_now(api, acme, defined):
    joe = constituent(api, acme, custom_attrs=[{"key": "test_number", "value": 5}])
    assert found(api, acme, "q[]=custom_attr_int=test_number|eq|5") == {joe["id"]}
    api.patch(f"{L}/constituents/{joe['id']}", acme, {"custom_attrs": [{"key": "test_number", "value": 6}]})
    assert found(api, acme, "q[]=custom_attr_int=test_number|eq|5") == set()
    api.patch(f"{L}/constituents/{joe['id']}", acme, {"custom_attrs": [{"key": "test_number", "value": None}]})
    assert found(api, acme, "q[]=custom_attr=test_number|bl") == {joe["id"]}
