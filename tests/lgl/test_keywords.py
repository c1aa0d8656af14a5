"""LGL's categories and keywords (docs/lgl.md, "Categories and keywords"): managing them, a
category's keywords, a constituent's keywords (assigned by id, in its `categories` array on
create and update, shown on its own and by `expand`, searched by `keyword` and, on contact
reports, `const_keyword`), `single` categories, and what happens to values still in use."""
from __future__ import annotations

from typing import Any

import pytest

from tests.contract.conftest import table_state
from tests.lgl.conftest import L, constituent, fields_named, lgl_error
from tests.lgl.worlds import acme, api, other, world  # noqa: F401  (one world for the module)


def category(api, org, name: str, **fields: Any) -> dict[str, Any]:
    made = api.post(f"{L}/categories", org, {"item_type": "Constituent", "name": name, **fields})
    assert made.status_code == 200, made.body
    return made.json


def keyword(api, org, category_id: int, name: str, **fields: Any) -> dict[str, Any]:
    made = api.post(f"{L}/categories/{category_id}/keywords", org, {"name": name, **fields})
    assert made.status_code == 200, made.body
    return made.json


def assign(api, org, constituent_id: int, keyword_id: Any):
    return api.post(f"{L}/constituents/{constituent_id}/keywords", org, {"id": keyword_id})


def shown(body: dict[str, Any]) -> dict[str, list[str]]:
    return {c["name"]: [k["name"] for k in c["keywords"]] for c in body["categories"]}


@pytest.fixture
def tags(api, acme) -> dict[str, Any]:
    interests = category(api, acme, "Interests")
    ack = category(api, acme, "Acknowledgment Preference", facet_type="single", key="ack_preferences")
    return {"interests": interests["id"], "ack": ack["id"],
            "arts": keyword(api, acme, interests["id"], "Arts")["id"],
            "sport": keyword(api, acme, interests["id"], "Sport", short_code="sp")["id"],
            "mail": keyword(api, acme, ack["id"], "Prefers mail")["id"],
            "email": keyword(api, acme, ack["id"], "Prefers email")["id"]}


def test_a_category_is_created_as_the_seed_shows_with_lgls_defaults(api, acme):
    made = api.post(f"{L}/categories.json", acme, {"item_type": "Constituent", "name": "My Cat", "key": "my_cat"})
    assert made.status_code == 200
    assert made.json == {"api_version": "1.0", "id": made.json["id"], "name": "My Cat", "item_type": "Constituent",
                         "key": "my_cat", "facet_type": "list", "ordinal": 100, "removable": True, "editable": True,
                         "display_format": "compact", "keywords": []}
    changed = api.patch(f"{L}/categories/{made.json['id']}", acme, {"facet_type": "single"}).json
    assert (changed["facet_type"], changed["name"]) == ("single", "My Cat")
    assert api.get(f"{L}/categories/{made.json['id']}", acme).json == changed


def test_a_keyword_is_created_with_lgls_defaults_and_listed_by_its_category(api, acme):
    tags = category(api, acme, "Tags")
    made = keyword(api, acme, tags["id"], "New keyword")
    assert {k: made[k] for k in ("category_id", "name", "description", "short_code", "ordinal", "removable",
                                 "can_change", "can_select")} == {
        "category_id": tags["id"], "name": "New keyword", "description": None, "short_code": None, "ordinal": 100,
        "removable": True, "can_change": True, "can_select": True}
    assert made["created_at"].endswith("Z") and "." not in made["created_at"]
    listed = api.get(f"{L}/categories/{tags['id']}/keywords", acme).json
    assert (listed["item_type"], listed["total_items"], listed["items"][0]["id"]) == ("keyword", 1, made["id"])
    shown_in_category = api.get(f"{L}/categories/{tags['id']}", acme).json["keywords"]
    assert shown_in_category == [{k: v for k, v in made.items() if k != "api_version"}]
    assert api.patch(f"{L}/keywords/{made['id']}", acme, {"short_code": "new_keyword"}).json["short_code"] == "new_keyword"


def test_categories_filter_by_item_type_and_names_are_unique_within_one(api, acme):
    category(api, acme, "Tags")
    gift_field = api.post(f"{L}/categories", acme, {"item_type": "Gift", "name": "Tags"})
    assert gift_field.status_code == 200  # another item type: another list
    assert [c["item_type"] for c in api.get(f"{L}/categories?item_type=Gift", acme).json["items"]] == ["Gift"]
    lgl_error(api.post(f"{L}/categories", acme, {"item_type": "Constituent", "name": "tags"}), 409)
    same_key = lgl_error(api.post(f"{L}/categories", acme, {"item_type": "Constituent", "name": "Labels",
                                                            "key": "TAGS"}), 409)
    assert fields_named(same_key) == ["key"]  # a reference by key would name two
    body = lgl_error(api.post(f"{L}/categories", acme, {"item_type": "Donor", "name": "X"}), 422)
    assert fields_named(body) == ["item_type"]


def test_assigning_a_keyword_twice_changes_nothing(api, acme, tags):
    joe = constituent(api, acme)
    assert assign(api, acme, joe["id"], str(tags["arts"])).json == {"api_version": "1.0", "result": "success"}
    before = table_state()
    assert assign(api, acme, joe["id"], tags["arts"]).status_code == 200
    assert table_state() == before
    assert shown(api.get(f"{L}/constituents/{joe['id']}", acme).json) == {"Interests": ["Arts"]}


def test_a_keyword_of_a_single_category_replaces_the_one_it_had(api, acme, tags):
    joe = constituent(api, acme)
    for kid in (tags["arts"], tags["sport"], tags["mail"], tags["email"]):
        assert assign(api, acme, joe["id"], kid).status_code == 200
    assert shown(api.get(f"{L}/constituents/{joe['id']}", acme).json) == {
        "Interests": ["Arts", "Sport"], "Acknowledgment Preference": ["Prefers email"]}
    listed = api.get(f"{L}/constituents/{joe['id']}/categories", acme).json
    assert (listed["total_items"], listed["item_type"]) == (2, "category")


def test_removing_a_keyword_and_one_the_constituent_does_not_have(api, acme, other, tags):
    joe = constituent(api, acme)
    assign(api, acme, joe["id"], tags["arts"])
    path = f"{L}/constituents/{joe['id']}/keywords/{tags['arts']}"
    assert api.delete(path, acme).json == {"api_version": "1.0", "result": "success"}
    assert api.delete(path, acme).status_code == 200  # not assigned any more: done
    assert shown(api.get(f"{L}/constituents/{joe['id']}", acme).json) == {}
    lgl_error(api.delete(f"{L}/constituents/{joe['id']}/keywords/999999", acme), 404)
    lgl_error(assign(api, acme, joe["id"], 999999), 404)
    lgl_error(api.delete(path, other), 404)  # another organisation's constituent


def test_a_keyword_of_another_item_type_is_refused(api, acme):
    gift_field = api.post(f"{L}/categories", acme, {"item_type": "Gift", "name": "Source"}).json
    web = keyword(api, acme, gift_field["id"], "Web")
    joe = constituent(api, acme)
    body = lgl_error(assign(api, acme, joe["id"], web["id"]), 422)
    assert fields_named(body) == ["id"]


def test_the_categories_array_on_create_and_update_appends_or_replaces(api, acme, tags):
    made = constituent(api, acme, categories=[{"name": "interests", "keywords": [{"name": "arts"}]},
                                              {"key": "ack_preferences", "keywords": [{"id": tags["mail"]}]}])
    assert shown(made) == {"Interests": ["Arts"], "Acknowledgment Preference": ["Prefers mail"]}
    path = f"{L}/constituents/{made['id']}"
    appended = api.patch(path, acme, {"categories": [{"id": tags["interests"], "keywords": [{"name": "SP"}]}]}).json
    assert shown(appended) == {"Interests": ["Arts", "Sport"], "Acknowledgment Preference": ["Prefers mail"]}
    replaced = api.patch(path, acme, {"categories": [{"name": "Interests", "remove_previous_keywords": True,
                                                      "keywords": [{"name": "Sport"}]},
                                                     {"name": "Acknowledgment Preference",
                                                      "keywords": [{"name": "Prefers email"}]}]}).json
    assert shown(replaced) == {"Interests": ["Sport"], "Acknowledgment Preference": ["Prefers email"]}
    assert shown(api.get(path, acme).json) == shown(replaced)


@pytest.mark.parametrize("sent, field", [
    ([{"name": "Nope", "keywords": [{"name": "Arts"}]}], "categories[0].name"),
    ([{"name": "Interests", "keywords": [{"name": "Nope"}]}], "categories[0].keywords[0].name"),
    ([{"name": "Interests", "keywords": [{"name": "Prefers mail"}]}], "categories[0].keywords[0].name"),
    ([{"name": "Acknowledgment Preference", "keywords": [{"name": "Prefers mail"}, {"name": "Prefers email"}]}],
     "categories"),
])
def test_an_unknown_category_or_keyword_is_422_naming_it_and_stores_nothing(api, acme, tags, sent, field):
    before = table_state()
    body = lgl_error(api.post(f"{L}/constituents", acme, {"first_name": "Ann", "categories": sent}), 422)
    assert fields_named(body) == [field]
    assert table_state() == before


def test_a_keyword_or_category_in_use_is_never_deleted(api, acme, tags):
    joe = constituent(api, acme)
    assign(api, acme, joe["id"], tags["arts"])
    before = table_state()
    lgl_error(api.delete(f"{L}/keywords/{tags['arts']}", acme), 409)
    lgl_error(api.delete(f"{L}/keywords/{tags['arts']}?permanent=1", acme), 409)
    lgl_error(api.delete(f"{L}/categories/{tags['interests']}", acme), 409)  # it has keywords
    assert table_state() == before
    assert api.delete(f"{L}/constituents/{joe['id']}/keywords/{tags['arts']}", acme).status_code == 200
    assert api.delete(f"{L}/keywords/{tags['arts']}", acme).status_code == 200
    assert api.delete(f"{L}/keywords/{tags['sport']}", acme).status_code == 200
    assert api.delete(f"{L}/categories/{tags['interests']}", acme).status_code == 200
    lgl_error(api.get(f"{L}/categories/{tags['interests']}", acme), 404)


def test_deleting_a_constituent_frees_its_keywords(api, acme, tags):
    joe = constituent(api, acme)
    assign(api, acme, joe["id"], tags["arts"])
    assert api.delete(f"{L}/constituents/{joe['id']}", acme).status_code == 200
    assert api.delete(f"{L}/keywords/{tags['arts']}", acme).status_code == 200


def test_the_keyword_term_and_expand_find_and_show_constituents_keywords(api, acme, tags):
    amy, bob = constituent(api, acme, first_name="Amy"), constituent(api, acme, first_name="Bob")
    assign(api, acme, amy["id"], tags["arts"])
    assign(api, acme, bob["id"], tags["sport"])
    found = api.get(f"{L}/constituents/search?q[]=keyword={tags['arts']}&expand=categories", acme).json
    assert (found["total_items"], found["items"][0]["id"]) == (1, amy["id"])
    assert shown(found["items"][0]) == {"Interests": ["Arts"]}
    both = api.get(f"{L}/constituents/search?q[]=keyword={tags['arts']},{tags['sport']}", acme).json
    assert both["total_items"] == 2
    body = lgl_error(api.get(f"{L}/constituents/search?q[]=keyword=arts", acme), 400)
    assert fields_named(body) == ["keyword"]
