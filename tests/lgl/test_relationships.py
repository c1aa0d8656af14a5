"""LGL's ConstituentRelationship Management (docs/lgl.md, "Relationships"): the seed's examples,
a constituent's relationships (create, list with exact totals and pages, get, update, delete),
the reciprocal on the related constituent (created, changed and deleted with it, in the same
transaction; both constituents show their side), the type and the reciprocal's type by id or
name and their 422s, the related constituent's rules, the nested `relationships` array (create,
show, update: appended unless `remove_previous_relationships`), `expand`, and deleting a
constituent, which takes the other sides of its relationships with it.

One moto world serves the module; each test has an organisation of its own."""
from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, Org, dynamodb_calls, new_donation
from tests.contract.conftest import table_state
from tests.lgl.conftest import L, constituent, fields_named, lgl_error
from tests.lgl.test_route_coverage import REFERENCE
from tests.lgl.worlds import acme, api, other, world  # noqa: F401  (one world for the module)

R = f"{L}/constituent_relationships"


def relate(api: Api, org: Org, constituent_id: Any, related_id: Any, **fields: Any) -> dict[str, Any]:
    response = api.post(f"{L}/constituents/{constituent_id}/constituent_relationships", org,
                        {"related_constituent_id": related_id, **fields})
    assert response.status_code == 200, response.body
    return response.json


def sides(api: Api, org: Org, constituent_id: Any) -> list[tuple]:
    """A constituent's relationships as (related, type, name, description), from its own list."""
    body = api.get(f"{L}/constituents/{constituent_id}/constituent_relationships", org).json
    return [(r["related_constituent_id"], r["relationship_type_id"], r["name"], r["description"])
            for r in body["items"]]


def flags(record: dict[str, Any]) -> tuple:
    return record["auto_soft_credit"], record["also_acknowledge"], record["share_address"], record["share_phone"]


@pytest.fixture
def pair(api, acme) -> tuple[dict[str, Any], dict[str, Any]]:
    return (constituent(api, acme, first_name="Larry", last_name="Appleton"),
            constituent(api, acme, first_name="Balki", last_name="Bartokomous"))


# ---- one relationship and its reciprocal ------------------------------------------------------------

def test_the_seeds_create_example_and_its_reciprocal(api, acme, pair):
    larry, balki = pair
    response = api.post(f"{L}/constituents/{larry['id']}/constituent_relationships", acme,
                        {"related_constituent_id": str(balki["id"]), "name": "Friend"})
    assert response.status_code == 200, response.body
    made = response.json
    assert {k: v for k, v in made.items() if k not in ("id", "reciprocal_relationship_id")} == {
        "api_version": "1.0", "relationship_type_id": 50, "constituent_id": larry["id"],
        "related_constituent_id": balki["id"], "name": "Friend", "description": None, "auto_soft_credit": False,
        "also_acknowledge": False, "share_address": None, "share_phone": None}
    endpoint = next(e for e in REFERENCE if e["method"] == "POST" and e["path"].endswith("/constituent_relationships"))
    assert set(endpoint["response_fields"]) <= set(made)
    reciprocal = api.get(f"{R}/{made['reciprocal_relationship_id']}", acme).json
    assert (reciprocal["constituent_id"], reciprocal["related_constituent_id"], reciprocal["name"],
            reciprocal["reciprocal_relationship_id"]) == (balki["id"], larry["id"], "Friend", made["id"])
    assert sides(api, acme, larry["id"]) == [(balki["id"], 50, "Friend", None)]
    assert sides(api, acme, balki["id"]) == [(larry["id"], 50, "Friend", None)]
    assert api.get(f"{L}/constituents/{balki['id']}", acme).json["relationships"] == [
        {k: v for k, v in reciprocal.items() if k != "api_version"}]


def test_the_seeds_update_example_changes_the_type_on_both_sides(api, acme, pair):
    larry, balki = pair
    made = relate(api, acme, larry["id"], balki["id"], name="Friend")
    response = api.patch(f"{R}/{made['id']}", acme, {"id": str(made["id"]), "name": "Family"})
    assert response.status_code == 200, response.body
    assert (response.json["relationship_type_id"], response.json["name"]) == (51, "Family")
    assert response.headers["X-Ignored-Fields"] == "id"  # the path names the relationship
    assert sides(api, acme, balki["id"]) == [(larry["id"], 51, "Family", None)]


def test_a_type_gives_its_reciprocal_unless_one_is_sent(api, acme, pair):
    larry, balki = pair
    parent = relate(api, acme, larry["id"], balki["id"], relationship_type_id=41)
    assert api.get(f"{R}/{parent['reciprocal_relationship_id']}", acme).json["name"] == "Child"
    mother = relate(api, acme, larry["id"], balki["id"], name="mother", rec_name="Daughter",
                    description="Larry's mother", reciprocal_description="Balki's daughter")
    other_side = api.get(f"{R}/{mother['reciprocal_relationship_id']}", acme).json
    assert (mother["relationship_type_id"], mother["description"]) == (42, "Larry's mother")
    assert (other_side["relationship_type_id"], other_side["description"]) == (45, "Balki's daughter")
    by_id = relate(api, acme, larry["id"], balki["id"], relationship_type_id=43, reciprocal_id=46, rec_name="Nope")
    assert api.get(f"{R}/{by_id['reciprocal_relationship_id']}", acme).json["relationship_type_id"] == 46
    both = relate(api, acme, larry["id"], balki["id"], relationship_type_id=47, name="Nope")
    assert (both["relationship_type_id"], both["name"]) == (47, "Spouse")


def test_a_type_without_a_reciprocal_is_its_own(api, acme, pair):
    larry, balki = pair
    made_type = api.post(f"{L}/relationship_types", acme, {"name": "Employer", "type_code": "other"})
    assert made_type.status_code == 201, made_type.body
    made = relate(api, acme, larry["id"], balki["id"], name="employer")
    assert sides(api, acme, balki["id"]) == [(larry["id"], int(made_type.json["id"]), "Employer", None)]


def test_a_type_in_use_on_either_side_is_not_deleted_until_no_relationship_names_it(api, acme, pair):
    larry, balki = pair
    made = relate(api, acme, larry["id"], balki["id"], name="Grandparent")  # its reciprocal: a Grandchild
    for type_id in (49, 52):
        refused = api.delete(f"{L}/relationship_types/{type_id}", acme)
        assert refused.status_code == 409, refused.body
    assert api.patch(f"{R}/{made['id']}", acme, {"name": "Friend"}).status_code == 200  # both sides Friends now
    assert api.delete(f"{L}/relationship_types/52", acme).status_code == 204
    assert api.delete(f"{L}/relationship_types/50", acme).status_code == 409
    assert api.delete(f"{L}/constituents/{balki['id']}", acme).status_code == 200  # the pair goes with Balki
    assert api.delete(f"{L}/relationship_types/50", acme).status_code == 204
    answer = lgl_error(api.post(f"{L}/constituents/{larry['id']}/constituent_relationships", acme,
                                {"related_constituent_id": constituent(api, acme)["id"], "name": "Friend"}), 422)
    assert fields_named(answer) == ["name"]


def test_a_type_whose_reciprocal_is_gone_is_its_own_reciprocal(api, acme, pair):
    larry, balki = pair
    assert api.delete(f"{L}/relationship_types/52", acme).status_code == 204  # Grandchild, Grandparent's reciprocal
    made = relate(api, acme, larry["id"], balki["id"], name="Grandparent")
    assert sides(api, acme, balki["id"]) == [(larry["id"], 49, "Grandparent", None)]
    assert api.get(f"{R}/{made['reciprocal_relationship_id']}", acme).status_code == 200


def test_the_flags_are_the_pairs(api, acme, pair):
    larry, balki = pair
    made = relate(api, acme, larry["id"], balki["id"], name="Spouse", auto_soft_credit="true", share_address="1")
    reciprocal = f"{R}/{made['reciprocal_relationship_id']}"
    assert flags(made) == flags(api.get(reciprocal, acme).json) == (True, False, 1, None)
    changed = api.patch(reciprocal, acme, {"also_acknowledge": True, "share_phone": 0, "auto_soft_credit": False})
    assert flags(changed.json) == flags(api.get(f"{R}/{made['id']}", acme).json) == (False, True, 1, 0)


def test_a_type_that_soft_credits_starts_the_pair_soft_crediting(api, acme, pair):
    larry, balki = pair
    made_type = api.post(f"{L}/relationship_types", acme, {"name": "Business partner", "auto_soft_credit": True})
    assert made_type.status_code == 201, made_type.body
    made = relate(api, acme, larry["id"], balki["id"], name="Business partner")
    assert made["auto_soft_credit"] and api.get(f"{R}/{made['reciprocal_relationship_id']}", acme).json[
        "auto_soft_credit"]
    assert not relate(api, acme, balki["id"], larry["id"], name="Business partner",
                      auto_soft_credit=False)["auto_soft_credit"]


@pytest.mark.parametrize("body, field", [
    ({"name": "Nemesis"}, "name"),
    ({"relationship_type_id": 999}, "relationship_type_id"),
    ({"name": "Friend", "rec_name": "Nemesis"}, "rec_name"),
    ({"name": "Friend", "reciprocal_id": 999}, "reciprocal_id"),
    ({"description": "no type"}, "relationship_type_id"),
    ({"name": "Friend", "related_constituent_id": None}, "related_constituent_id"),
    ({"name": "Friend", "related_constituent_id": "SELF"}, "related_constituent_id"),
    ({"name": "Friend", "related_constituent_id": "abc"}, "related_constituent_id"),
    ({"name": "Friend", "share_address": -1}, "share_address"),
])
def test_what_cannot_be_related_is_a_422_naming_it_and_nothing_is_stored(api, acme, pair, body, field):
    larry, balki = pair
    sent = {"related_constituent_id": balki["id"], **body}
    if sent["related_constituent_id"] == "SELF":
        sent["related_constituent_id"] = larry["id"]
    before = table_state()
    answer = lgl_error(api.post(f"{L}/constituents/{larry['id']}/constituent_relationships", acme, sent), 422)
    assert fields_named(answer) == [field], answer
    assert table_state() == before


def test_a_constituent_of_another_organisation_deleted_or_none_cannot_be_related(api, acme, other, pair):
    """Another organisation's constituent does not exist here: a 404 naming the body's field,
    as for a deleted one or an id no constituent has; nothing stored."""
    larry, balki = pair
    ours = {larry["id"], balki["id"]}  # ids are per organisation: theirs must not be one of ours
    theirs = next(c for c in (constituent(api, other, first_name="Cousin") for _ in range(3)) if c["id"] not in ours)
    assert api.delete(f"{L}/constituents/{balki['id']}", acme).status_code == 200
    before = table_state()
    for related in (theirs["id"], balki["id"], 987654):
        answer = lgl_error(api.post(f"{L}/constituents/{larry['id']}/constituent_relationships", acme,
                                    {"related_constituent_id": related, "name": "Friend"}), 404)
        assert fields_named(answer) == ["related_constituent_id"]
    assert table_state() == before
    for missing in (balki["id"], 987654):  # a constituent deleted, or none with that id
        lgl_error(api.post(f"{L}/constituents/{missing}/constituent_relationships", acme,
                           {"related_constituent_id": larry["id"], "name": "Friend"}), 404)


def test_a_constituents_relationships_are_the_full_list_envelope_with_exact_totals_and_pages(api, acme, pair):
    larry, balki = pair
    made = [relate(api, acme, larry["id"], balki["id"], relationship_type_id=t) for t in (41, 47, 50)]
    first = api.get(f"{L}/constituents/{larry['id']}/constituent_relationships?limit=2", acme).json
    assert {k: first[k] for k in ("items_count", "total_items", "limit", "offset", "next_item", "item_type")} == {
        "items_count": 2, "total_items": 3, "limit": 2, "offset": 0, "next_item": 2,
        "item_type": "constituent_relationship"}
    rest = api.get(f"{L}/constituents/{larry['id']}/constituent_relationships.json?offset=2", acme).json
    assert (rest["total_items"], rest["items_count"], rest["limit"]) == (3, 1, 25) and "next_item" not in rest
    assert [r["id"] for r in first["items"] + rest["items"]] == [m["id"] for m in made]
    assert [r[1] for r in sides(api, acme, balki["id"])] == [44, 47, 50]


def test_the_description_is_each_sides_own(api, acme, pair):
    larry, balki = pair
    made = relate(api, acme, larry["id"], balki["id"], name="Friend", description="from school")
    changed = api.patch(f"{R}/{made['id']}", acme, {"reciprocal_description": "Larry's friend"}).json
    assert changed["description"] == "from school"
    assert sides(api, acme, balki["id"]) == [(larry["id"], 50, "Friend", "Larry's friend")]
    cleared = api.patch(f"{R}/{made['id']}", acme, {"description": None}).json
    assert cleared["description"] is None and sides(api, acme, balki["id"])[0][3] == "Larry's friend"


def test_changing_the_reciprocals_type_alone(api, acme, pair):
    larry, balki = pair
    made = relate(api, acme, larry["id"], balki["id"], name="Parent")
    assert api.patch(f"{R}/{made['id']}", acme, {"rec_name": "Daughter"}).json["relationship_type_id"] == 41
    assert sides(api, acme, balki["id"])[0][1:3] == (45, "Daughter")


def test_changing_the_related_constituent_moves_the_reciprocal(api, acme, pair):
    larry, balki = pair
    cousin = constituent(api, acme, first_name="Cousin", last_name="Larry")
    made = relate(api, acme, larry["id"], balki["id"], name="Friend")
    moved = api.patch(f"{R}/{made['id']}", acme, {"related_constituent_id": cousin["id"]})
    assert moved.status_code == 200, moved.body
    assert moved.json["related_constituent_id"] == cousin["id"]
    assert sides(api, acme, balki["id"]) == []
    assert sides(api, acme, cousin["id"]) == [(larry["id"], 50, "Friend", None)]
    assert api.get(f"{L}/constituents/{balki['id']}", acme).json["relationships"] == []
    answer = lgl_error(api.patch(f"{R}/{made['id']}", acme, {"related_constituent_id": larry["id"]}), 422)
    assert fields_named(answer) == ["related_constituent_id"]


def test_one_write_creates_changes_and_deletes_both_sides(api, acme, pair):
    larry, balki = pair
    relate(api, acme, larry["id"], balki["id"], name="Parent")  # ids and catalogues warm (the types stored)
    relate(api, acme, larry["id"], balki["id"], name="Mother")
    with dynamodb_calls() as calls:
        made = relate(api, acme, larry["id"], balki["id"], name="Parent")
    assert calls.count("TransactWriteItems") == 1 and not {"PutItem", "UpdateItem"} & set(calls), calls
    with dynamodb_calls() as calls:
        assert api.patch(f"{R}/{made['id']}", acme, {"name": "Mother", "share_phone": 1}).status_code == 200
    assert calls.count("TransactWriteItems") == 1 and "UpdateItem" not in calls, calls
    with dynamodb_calls() as calls:
        assert api.delete(f"{R}/{made['id']}", acme).status_code == 200
    assert calls.count("TransactWriteItems") == 1 and "UpdateItem" not in calls, calls


def test_delete_takes_both_sides_then_404_and_deleting_again_succeeds(api, acme, pair):
    larry, balki = pair
    made = relate(api, acme, larry["id"], balki["id"], name="Friend")
    for _ in range(2):
        response = api.delete(f"{R}/{made['id']}", acme)
        assert (response.status_code, response.json) == (200, {"api_version": "1.0", "result": "success"})
    for record_id in (made["id"], made["reciprocal_relationship_id"]):
        lgl_error(api.get(f"{R}/{record_id}", acme), 404)
        lgl_error(api.patch(f"{R}/{record_id}", acme, {"description": "x"}), 404)
    assert sides(api, acme, larry["id"]) == sides(api, acme, balki["id"]) == []
    assert api.delete(f"{R}/{made['reciprocal_relationship_id']}", acme).status_code == 200
    lgl_error(api.delete(f"{R}/987654", acme), 404)


def test_deleting_the_reciprocal_deletes_the_relationship(api, acme, pair):
    larry, balki = pair
    made = relate(api, acme, larry["id"], balki["id"], name="Friend")
    assert api.delete(f"{R}/{made['reciprocal_relationship_id']}", acme).status_code == 200
    lgl_error(api.get(f"{R}/{made['id']}", acme), 404)
    assert api.get(f"{L}/constituents/{larry['id']}", acme).json["relationships"] == []


def test_another_organisations_relationships_are_404_with_nothing_changed(api, acme, other):
    a, b = constituent(api, other), constituent(api, other, first_name="B")
    theirs = relate(api, other, a["id"], b["id"], name="Friend")
    before = table_state()
    for method, body in (("GET", None), ("PATCH", {"name": "Family"}), ("DELETE", None)):
        lgl_error(api.call(method, f"{R}/{theirs['id']}", acme, body), 404)
    lgl_error(api.get(f"{L}/constituents/{a['id'] + 1000}/constituent_relationships", acme), 404)
    assert table_state() == before


# ---- the constituent's nested array ---------------------------------------------------------------

def test_the_seeds_nested_create_and_update_append(api, acme):
    balki = constituent(api, acme, first_name="Balki", last_name="Bartokomous")
    created = api.post(f"{L}/constituents", acme, {
        "first_name": "Joe", "last_name": "Doe",
        "relationships": [{"related_constituent_id": str(balki["id"]), "name": "Friend"}]})
    assert created.status_code == 200, created.body
    joe = created.json
    [friend] = joe["relationships"]
    assert (friend["constituent_id"], friend["related_constituent_id"], friend["relationship_type_id"]) == (
        joe["id"], balki["id"], 50)
    assert sides(api, acme, balki["id"]) == [(joe["id"], 50, "Friend", None)]
    updated = api.patch(f"{L}/constituents/{joe['id']}", acme, {
        "middle_name": "Moe", "relationships": [{"related_constituent_id": str(balki["id"]), "name": "Family"}]})
    assert updated.status_code == 200, updated.body
    assert [(r["id"], r["name"]) for r in updated.json["relationships"]] == [
        (friend["id"], "Friend"), (updated.json["relationships"][1]["id"], "Family")]
    assert [s[2] for s in sides(api, acme, balki["id"])] == ["Friend", "Family"]
    assert api.get(f"{L}/constituents/{joe['id']}", acme).json["relationships"] == updated.json["relationships"]


def test_a_relationship_sent_again_or_by_id_is_changed_not_added(api, acme, pair):
    larry, balki = pair
    made = relate(api, acme, larry["id"], balki["id"], name="Friend")
    again = api.patch(f"{L}/constituents/{larry['id']}", acme, {"relationships": [
        {"related_constituent_id": balki["id"], "relationship_type_id": 50, "description": "old friend",
         "reciprocal_description": "Larry's"}]}).json
    assert [(r["id"], r["description"]) for r in again["relationships"]] == [(made["id"], "old friend")]
    assert sides(api, acme, balki["id"]) == [(larry["id"], 50, "Friend", "Larry's")]
    by_id = api.patch(f"{L}/constituents/{larry['id']}", acme, {"relationships": [
        {"id": made["id"], "name": "Parent"}]}).json
    assert [(r["id"], r["name"]) for r in by_id["relationships"]] == [(made["id"], "Parent")]
    assert sides(api, acme, balki["id"]) == [(larry["id"], 44, "Child", "Larry's")]


def test_remove_previous_relationships_takes_the_reciprocals_too(api, acme, pair):
    larry, balki = pair
    cousin = constituent(api, acme, first_name="Cousin")
    gone = relate(api, acme, larry["id"], balki["id"], name="Friend")
    kept = relate(api, acme, larry["id"], cousin["id"], name="Sibling")
    response = api.patch(f"{L}/constituents/{larry['id']}", acme, {
        "remove_previous_relationships": True,
        "relationships": [{"id": kept["id"]}, {"related_constituent_id": balki["id"], "name": "Spouse"}]})
    assert response.status_code == 200, response.body
    assert [(r["related_constituent_id"], r["name"]) for r in response.json["relationships"]] == [
        (cousin["id"], "Sibling"), (balki["id"], "Spouse")]
    assert sides(api, acme, balki["id"]) == [(larry["id"], 47, "Spouse", None)]
    lgl_error(api.get(f"{R}/{gone['reciprocal_relationship_id']}", acme), 404)
    emptied = api.patch(f"{L}/constituents/{larry['id']}", acme, {"remove_previous_relationships": True}).json
    assert emptied["relationships"] == [] and sides(api, acme, balki["id"]) == sides(api, acme, cousin["id"]) == []


@pytest.mark.parametrize("items, field", [
    ([{"related_constituent_id": "RELATED", "name": "Nemesis"}], "relationships[0].name"),
    ([{"related_constituent_id": "SELF", "name": "Friend"}], "relationships[0].related_constituent_id"),
    ([{"related_constituent_id": "RELATED", "name": "Friend", "rec_name": "Nemesis"}], "relationships[0].rec_name"),
    ([{"id": 987654, "name": "Friend"}], "relationships[0].id"),
])
def test_a_nested_relationship_that_cannot_be_kept_is_a_422_naming_it(api, acme, pair, items, field):
    """(A related constituent that does not exist is a 404: test_a_new_constituent_cannot_be_related...)"""
    larry, balki = pair
    ids = {"RELATED": balki["id"], "SELF": larry["id"]}
    sent = [{k: ids.get(v, v) if k == "related_constituent_id" else v for k, v in item.items()} for item in items]
    before = table_state()
    answer = lgl_error(api.patch(f"{L}/constituents/{larry['id']}", acme, {"relationships": sent}), 422)
    assert fields_named(answer) == [field], answer
    assert table_state() == before


def test_a_new_constituent_cannot_be_related_to_a_missing_one(api, acme):
    """A related constituent that does not exist (or is another organisation's) is a 404 naming
    the nested field, as any record a body names; nothing stored."""
    before = table_state()
    answer = lgl_error(api.post(f"{L}/constituents", acme, {
        "first_name": "Joe", "last_name": "Doe", "relationships": [{"related_constituent_id": 959463,
                                                                    "name": "Friend"}]}), 404)
    assert fields_named(answer) == ["relationships[0].related_constituent_id"]
    assert {k: v for k, v in table_state().items() if not k[1].startswith("COUNTER#")} == {
        k: v for k, v in before.items() if not k[1].startswith("COUNTER#")}


def test_expand_relationships(api, acme, pair):
    larry, balki = pair
    made = relate(api, acme, larry["id"], balki["id"], name="Friend")
    body = api.get(f"{L}/constituents/search?q[]=name=appleton&expand=relationships", acme).json
    [item] = body["items"]
    assert [r["id"] for r in item["relationships"]] == [made["id"]] and "class_affiliations" not in item
    both = api.get(f"{L}/constituents/search?expand=relationships,class_affiliations&sort=lgl_id", acme).json
    assert [[r["related_constituent_id"] for r in i["relationships"]] for i in both["items"]] == [
        [balki["id"]], [larry["id"]]]


# ---- deleting a constituent ------------------------------------------------------------------------

def test_deleting_a_constituent_deletes_the_other_sides_of_its_relationships_in_the_same_write(api, acme, pair):
    larry, balki = pair
    cousin = constituent(api, acme, first_name="Cousin")
    to_balki = relate(api, acme, larry["id"], balki["id"], name="Friend")
    to_cousin = relate(api, acme, cousin["id"], larry["id"], name="Parent")  # made from the other side
    unrelated = relate(api, acme, balki["id"], cousin["id"], name="Sibling")
    with dynamodb_calls() as calls:
        assert api.delete(f"{L}/constituents/{larry['id']}", acme).status_code == 200
    assert calls.count("TransactWriteItems") == 1, calls
    for record_id in (to_balki["id"], to_balki["reciprocal_relationship_id"], to_cousin["id"],
                      to_cousin["reciprocal_relationship_id"]):
        lgl_error(api.get(f"{R}/{record_id}", acme), 404)
    assert sides(api, acme, balki["id"]) == [(cousin["id"], 48, "Sibling", None)]
    assert sides(api, acme, cousin["id"]) == [(balki["id"], 48, "Sibling", None)]
    assert api.get(f"{R}/{unrelated['id']}", acme).status_code == 200
    searched = api.get(f"{L}/constituents/search?expand=relationships", acme).json["items"]
    assert all(r["related_constituent_id"] != larry["id"] for item in searched for r in item["relationships"])
    assert api.delete(f"{L}/constituents/{larry['id']}", acme).status_code == 200  # again: success


def test_a_constituent_with_gifts_keeps_its_relationships(api, acme, pair):
    larry, balki = pair
    made = relate(api, acme, larry["id"], balki["id"], name="Friend")
    new_donation(api, acme, str(larry["id"]))
    lgl_error(api.delete(f"{L}/constituents/{larry['id']}", acme), 409)
    assert api.get(f"{R}/{made['reciprocal_relationship_id']}", acme).status_code == 200


def test_a_constituent_with_many_relationships_is_deleted_with_every_other_side(api, acme):
    hub = constituent(api, acme, first_name="Hub")
    spokes = [constituent(api, acme, first_name=f"Spoke{n}")["id"] for n in range(40)]
    for start in range(0, 40, 10):
        response = api.patch(f"{L}/constituents/{hub['id']}", acme, {"relationships": [
            {"related_constituent_id": s, "name": "Friend"} for s in spokes[start:start + 10]]})
        assert response.status_code == 200, response.body
    assert api.get(f"{L}/constituents/{hub['id']}/constituent_relationships", acme).json["total_items"] == 40
    assert api.delete(f"{L}/constituents/{hub['id']}", acme).status_code == 200
    assert all(sides(api, acme, s) == [] for s in spokes)
    assert api.get(f"{L}/constituents/search?limit=0", acme).json["total_items"] == 40
