"""LGL's Class Affiliations Management (docs/lgl.md, "Class affiliations"): the seed's examples,
a constituent's affiliations (create, list with exact totals and pages, get, update, delete),
the type by id or name and its 422s, the constituent's nested `class_affiliations` array
(create, show, update: appended unless `remove_previous_class_affiliations`), `expand`, and
the `class` search term.

One moto world serves the module; each test has an organisation of its own."""
from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, Org
from tests.contract.conftest import table_state
from tests.lgl.conftest import L, constituent, fields_named, found_ids as found, lgl_error
from tests.lgl.test_route_coverage import REFERENCE
from tests.lgl.worlds import acme, api, other, world  # noqa: F401  (one world for the module)


def affiliation(api: Api, org: Org, constituent_id: Any, **fields: Any) -> dict[str, Any]:
    response = api.post(f"{L}/constituents/{constituent_id}/class_affiliations", org, fields)
    assert response.status_code == 200, response.body
    return response.json


def _doc_fields(method: str, path: str) -> set[str]:
    endpoint = next(e for e in REFERENCE if (e["method"], e["path"]) == (method, path))
    return set(endpoint["response_fields"])


def shown(record: dict[str, Any]) -> tuple:
    return record["class_affiliation_type_id"], record["year"], record["note"]


# ---- one affiliation -----------------------------------------------------------------------------

def test_the_seeds_create_and_update_examples(api, acme):
    larry = constituent(api, acme, first_name="Larry", last_name="Appleton")
    response = api.post(f"{L}/constituents/{larry['id']}/class_affiliations", acme,
                        {"year": "2023", "class_affiliation_type_id": "515"})
    assert response.status_code == 200, response.body
    made = response.json
    assert {k: v for k, v in made.items() if k != "id"} == {
        "api_version": "1.0", "constituent_id": larry["id"], "class_affiliation_type_id": 515,
        "class_affiliation_type_name": "Student", "year": 2023, "note": None}
    assert _doc_fields("POST", "/api/v1/constituents/{constituent_id}/class_affiliations") <= set(made)
    changed = api.patch(f"{L}/class_affiliations/{made['id']}", acme, {"year": "2024"})
    assert changed.status_code == 200, changed.body
    assert (changed.json["id"], shown(changed.json)) == (made["id"], (515, 2024, None))
    assert api.get(f"{L}/class_affiliations/{made['id']}.json", acme).json == changed.json


def test_the_type_by_name_or_id_the_id_winning(api, acme):
    joe = constituent(api, acme)
    by_name = affiliation(api, acme, joe["id"], class_affiliation_type_name="  grandPARENT ", year=1990)
    both = affiliation(api, acme, joe["id"], class_affiliation_type_id=516, class_affiliation_type_name="Nope")
    assert (by_name["class_affiliation_type_id"], by_name["class_affiliation_type_name"]) == (517, "Grandparent")
    assert (both["class_affiliation_type_id"], both["year"]) == (516, None)


@pytest.mark.parametrize("body, field", [
    ({"class_affiliation_type_name": "Teacher", "year": 2000}, "class_affiliation_type_name"),
    ({"class_affiliation_type_id": 999, "year": 2000}, "class_affiliation_type_id"),
    ({"year": 2000, "note": "no type"}, "class_affiliation_type_id"),
    ({"class_affiliation_type_id": 515, "year": "twenty"}, "year"),
    ({"class_affiliation_type_id": 515, "year": 0}, "year"),
    ({"class_affiliation_type_id": 515, "year": 10000}, "year"),
    ({"class_affiliation_type_id": "Student"}, "class_affiliation_type_id"),
])
def test_an_unknown_type_or_a_bad_year_is_a_422_naming_it_and_nothing_is_stored(api, acme, body, field):
    joe = constituent(api, acme)
    before = table_state()
    answer = lgl_error(api.post(f"{L}/constituents/{joe['id']}/class_affiliations", acme, body), 422)
    assert fields_named(answer) == [field], answer
    assert table_state() == before


def test_an_unknown_name_is_answered_with_the_types_there_are(api, acme):
    joe = constituent(api, acme)
    answer = lgl_error(api.post(f"{L}/constituents/{joe['id']}/class_affiliations", acme,
                                {"class_affiliation_type_name": "Teacher"}), 422)
    assert "'Teacher'" in answer["description"] and "515 Student" in answer["description"]


def test_a_constituents_affiliations_have_exact_totals_and_pages(api, acme):
    joe = constituent(api, acme)
    made = [affiliation(api, acme, joe["id"], class_affiliation_type_id=515, year=2000 + n) for n in range(3)]
    first = api.get(f"{L}/constituents/{joe['id']}/class_affiliations?limit=2", acme).json
    assert (first["total_items"], first["items_count"], first["next_item"], first["item_type"]) == (
        3, 2, 2, "class_affiliation")
    rest = api.get(f"{L}/constituents/{joe['id']}/class_affiliations.json?limit=2&offset=2", acme).json
    assert (rest["total_items"], rest["items_count"]) == (3, 1) and "next_item" not in rest
    assert [r["id"] for r in first["items"] + rest["items"]] == [m["id"] for m in made]
    assert first["items"][0] == {k: v for k, v in made[0].items() if k != "api_version"}
    assert api.get(f"{L}/constituents/{joe['id']}/class_affiliations?limit=0", acme).json["total_items"] == 3


def test_an_update_changes_what_is_sent_and_null_clears(api, acme):
    joe = constituent(api, acme)
    made = affiliation(api, acme, joe["id"], class_affiliation_type_id=515, year=2002, note="U Chicago Alum")
    renamed = api.patch(f"{L}/class_affiliations/{made['id']}", acme, {"class_affiliation_type_name": "Parent"}).json
    assert shown(renamed) == (516, 2002, "U Chicago Alum")
    cleared = api.patch(f"{L}/class_affiliations/{made['id']}", acme, {"note": None, "year": None}).json
    assert shown(cleared) == (516, None, None)
    answer = lgl_error(api.patch(f"{L}/class_affiliations/{made['id']}", acme, {"class_affiliation_type_id": None}),
                       422)
    assert fields_named(answer) == ["class_affiliation_type_id"]


def test_delete_then_404_and_deleting_again_succeeds(api, acme):
    joe = constituent(api, acme)
    made = affiliation(api, acme, joe["id"], class_affiliation_type_id=515, year=2002)
    for _ in range(2):
        response = api.delete(f"{L}/class_affiliations/{made['id']}", acme)
        assert (response.status_code, response.json) == (200, {"api_version": "1.0", "result": "success"})
    lgl_error(api.get(f"{L}/class_affiliations/{made['id']}", acme), 404)
    lgl_error(api.patch(f"{L}/class_affiliations/{made['id']}", acme, {"year": 2003}), 404)
    assert api.get(f"{L}/constituents/{joe['id']}", acme).json["class_affiliations"] == []
    lgl_error(api.delete(f"{L}/class_affiliations/999999", acme), 404)


def test_another_organisations_affiliations_and_constituents_are_404_with_nothing_changed(api, acme, other):
    theirs = constituent(api, other)
    made = affiliation(api, other, theirs["id"], class_affiliation_type_id=515, year=2002)
    mine = constituent(api, acme)
    before = table_state()
    for method, path, body in (("GET", f"class_affiliations/{made['id']}", None),
                               ("PATCH", f"class_affiliations/{made['id']}", {"year": 1}),
                               ("DELETE", f"class_affiliations/{made['id']}", None),
                               ("GET", f"constituents/{theirs['id'] + 1000}/class_affiliations", None),
                               ("POST", f"constituents/{theirs['id'] + 1000}/class_affiliations",
                                {"class_affiliation_type_id": 515})):
        lgl_error(api.call(method, f"{L}/{path}", acme, body), 404)
    assert table_state() == before
    assert api.get(f"{L}/class_affiliations/{made['id']}", other).json["year"] == 2002
    assert mine["class_affiliations"] == []


def test_a_type_in_use_is_not_deleted_and_nothing_ever_names_one_that_is_gone(api, acme):
    joe = constituent(api, acme)
    made = affiliation(api, acme, joe["id"], class_affiliation_type_name="Grandparent", year=1999)
    nested = constituent(api, acme, class_affiliations=[{"class_affiliation_type_id": 517}])
    refused = api.delete(f"{L}/class_affiliation_types/517", acme)
    assert refused.status_code == 409, refused.body
    kept = api.get(f"{L}/class_affiliations/{made['id']}", acme).json
    assert (kept["class_affiliation_type_id"], kept["class_affiliation_type_name"]) == (517, "Grandparent")
    assert api.patch(f"{L}/class_affiliations/{made['id']}", acme, {"class_affiliation_type_id": 516}).status_code == 200
    assert api.delete(f"{L}/class_affiliation_types/517", acme).status_code == 409  # the nested one names it
    assert api.delete(f"{L}/constituents/{nested['id']}", acme).status_code == 200  # its affiliations go with it
    assert api.delete(f"{L}/class_affiliation_types/517", acme).status_code == 204
    assert [t["id"] for t in api.get(f"{L}/class_affiliation_types", acme).json["items"]] == [515, 516]
    answer = lgl_error(api.post(f"{L}/constituents/{joe['id']}/class_affiliations", acme,
                                {"class_affiliation_type_id": 517}), 422)
    assert fields_named(answer) == ["class_affiliation_type_id"]
    assert api.delete(f"{L}/class_affiliations/{made['id']}", acme).status_code == 200
    assert api.delete(f"{L}/class_affiliation_types/516", acme).status_code == 204  # no longer in use


def test_deleting_the_constituent_deletes_its_affiliations(api, acme):
    joe = constituent(api, acme)
    made = affiliation(api, acme, joe["id"], class_affiliation_type_id=515, year=2002)
    assert api.delete(f"{L}/constituents/{joe['id']}", acme).status_code == 200
    lgl_error(api.get(f"{L}/class_affiliations/{made['id']}", acme), 404)
    lgl_error(api.get(f"{L}/constituents/{joe['id']}/class_affiliations", acme), 404)


# ---- the constituent's nested array ---------------------------------------------------------------

def test_the_seeds_nested_create_and_update_append(api, acme):
    created = api.post(f"{L}/constituents", acme, {
        "first_name": "Joe", "last_name": "Doe",
        "class_affiliations": [{"class_affiliation_type_id": "515", "year": "2021"}]})
    assert created.status_code == 200, created.body
    assert "X-Ignored-Fields" not in created.headers
    [first] = created.json["class_affiliations"]
    assert (first["constituent_id"], shown(first)) == (created.json["id"], (515, 2021, None))
    updated = api.patch(f"{L}/constituents/{created.json['id']}", acme, {
        "middle_name": "Moe", "class_affiliations": [{"class_affiliation_type_id": "515", "year": "2022"}]})
    assert updated.status_code == 200, updated.body
    assert [shown(a) for a in updated.json["class_affiliations"]] == [(515, 2021, None), (515, 2022, None)]
    assert updated.json["class_affiliations"][0]["id"] == first["id"]
    shown_alone = api.get(f"{L}/constituents/{created.json['id']}", acme).json["class_affiliations"]
    assert shown_alone == updated.json["class_affiliations"]


def test_a_class_sent_again_or_by_id_is_changed_not_added(api, acme):
    joe = constituent(api, acme, class_affiliations=[{"class_affiliation_type_id": 515, "year": 2021}])
    [made] = joe["class_affiliations"]
    again = api.patch(f"{L}/constituents/{joe['id']}", acme, {
        "class_affiliations": [{"class_affiliation_type_name": "student", "year": 2021, "note": "again"}]}).json
    assert [(a["id"], shown(a)) for a in again["class_affiliations"]] == [(made["id"], (515, 2021, "again"))]
    by_id = api.patch(f"{L}/constituents/{joe['id']}", acme, {
        "class_affiliations": [{"id": made["id"], "year": "2020"}]}).json
    assert [(a["id"], shown(a)) for a in by_id["class_affiliations"]] == [(made["id"], (515, 2020, "again"))]


def test_remove_previous_keeps_only_what_is_sent(api, acme):
    joe = constituent(api, acme, class_affiliations=[{"class_affiliation_type_id": 515, "year": y}
                                                      for y in (2001, 2002, 2003)])
    kept = joe["class_affiliations"][1]
    response = api.patch(f"{L}/constituents/{joe['id']}", acme, {
        "remove_previous_class_affiliations": True,
        "class_affiliations": [{"id": kept["id"]}, {"class_affiliation_type_id": 517, "year": 1960}]})
    assert response.status_code == 200, response.body
    now = response.json["class_affiliations"]
    assert [shown(a) for a in now] == [(515, 2002, None), (517, 1960, None)] and now[0]["id"] == kept["id"]
    lgl_error(api.get(f"{L}/class_affiliations/{joe['class_affiliations'][0]['id']}", acme), 404)
    emptied = api.patch(f"{L}/constituents/{joe['id']}", acme, {"remove_previous_class_affiliations": True}).json
    assert emptied["class_affiliations"] == []
    assert api.get(f"{L}/constituents/{joe['id']}/class_affiliations", acme).json["total_items"] == 0


@pytest.mark.parametrize("items, field", [
    ([{"class_affiliation_type_name": "Teacher"}], "class_affiliations[0].class_affiliation_type_name"),
    ([{"class_affiliation_type_id": 515, "year": 2000}, {"year": 2001}], "class_affiliations[1].class_affiliation_type_id"),
    ([{"class_affiliation_type_id": 515, "year": 99999}], "class_affiliations[0].year"),
    ([{"id": 987654, "year": 2001}], "class_affiliations[0].id"),
])
def test_a_nested_affiliation_that_cannot_be_kept_is_a_422_naming_it(api, acme, items, field):
    joe = constituent(api, acme)
    before = table_state()
    answer = lgl_error(api.patch(f"{L}/constituents/{joe['id']}", acme, {"class_affiliations": items}), 422)
    assert fields_named(answer) == [field], answer
    assert table_state() == before


def test_another_constituents_affiliation_cannot_be_changed_through_ones_array(api, acme):
    joe, ann = constituent(api, acme), constituent(api, acme, first_name="Ann")
    theirs = affiliation(api, acme, ann["id"], class_affiliation_type_id=515, year=2000)
    answer = lgl_error(api.patch(f"{L}/constituents/{joe['id']}", acme, {
        "class_affiliations": [{"id": theirs["id"], "year": 1900}]}), 422)
    assert fields_named(answer) == ["class_affiliations[0].id"]
    assert api.get(f"{L}/class_affiliations/{theirs['id']}", acme).json["year"] == 2000


# ---- search and expand -----------------------------------------------------------------------------

@pytest.fixture
def alumni(api, acme) -> dict[str, int]:
    """Mike Brady of the seed (Student 1978, Parent 2001), and others around him."""
    made = {
        "brady": [(515, 1978), (516, 2001)],
        "grandma": [(517, 2009)],
        "late_parent": [(516, 2010)],
        "student": [(515, 2005)],
        "yearless": [(516, None)],
        "none": [],
    }
    out = {}
    for name, classes in made.items():
        out[name] = constituent(api, acme, first_name=name, last_name="Alum", class_affiliations=[
            {"class_affiliation_type_id": t, **({"year": y} if y else {})} for t, y in classes])["id"]
    return out


@pytest.mark.parametrize("value, who", [
    ("516,517|2000 to 2009", {"brady", "grandma"}),          # the seed's example
    ("516,517|2000+to+2009", {"brady", "grandma"}),
    ("516|2001", {"brady"}),
    ("516|2001-06-30", {"brady"}),                           # a date names its year
    ("516|2000-01-01 to 2001-01-01", {"brady"}),
    ("515|1970 to 1980", {"brady"}),
    ("|2005 to 2010", {"grandma", "late_parent", "student"}),  # any type
    ("516", {"brady", "late_parent", "yearless"}),          # any year, an affiliation without one too
    ("515,516,517|1900 to 2100", {"brady", "grandma", "late_parent", "student"}),
    ("517|2010 to 2020", set()),
])
def test_the_class_term_finds_a_type_in_a_year_range(api, acme, alumni, value, who):
    assert found(api, acme, f"q[]=class={value}") == {alumni[name] for name in who}


def test_the_class_term_is_one_affiliation_of_that_type_in_that_range(api, acme, alumni):
    """Brady is a Student (1978) and a Parent (2001): no Student affiliation of his is in 2001."""
    assert alumni["brady"] not in found(api, acme, "q[]=class=515|2001")
    assert found(api, acme, "q[]=class=515|1978;class=516|2001") == {alumni["brady"]}


@pytest.mark.parametrize("value", ["", "abc|2000", "516|20", "516|2001 to 1999", "516|2001-02-30",
                                   "516|2000 to 2001 to 2002"])
def test_a_bad_class_value_is_a_400_naming_the_term(api, acme, value):
    answer = lgl_error(api.get(f"{L}/constituents/search?q[]=class={value}", acme), 400)
    assert fields_named(answer) == ["class"]


def test_the_seeds_search_example_with_expand(api, acme, alumni):
    body = api.get(f"{L}/constituents/search?q[]=class=516,517|2000 to 2009&expand=class_affiliations&limit=5",
                   acme).json
    assert (body["total_items"], body["items_count"]) == (2, 2)
    brady = next(item for item in body["items"] if item["id"] == alumni["brady"])
    assert [shown(a) for a in brady["class_affiliations"]] == [(515, 1978, None), (516, 2001, None)]
    assert "relationships" not in brady and "email_addresses" not in brady
    plain = api.get(f"{L}/constituents/search?q[]=class=516,517|2000 to 2009", acme).json
    assert "class_affiliations" not in plain["items"][0]


def test_a_deleted_or_changed_affiliation_is_searched_as_it_is_now(api, acme, alumni):
    brady = api.get(f"{L}/constituents/{alumni['brady']}", acme).json
    parent = brady["class_affiliations"][1]
    assert api.patch(f"{L}/class_affiliations/{parent['id']}", acme, {"year": 2015}).status_code == 200
    assert alumni["brady"] not in found(api, acme, "q[]=class=516|2000 to 2009")
    assert alumni["brady"] in found(api, acme, "q[]=class=516|2015")
    assert api.delete(f"{L}/class_affiliations/{parent['id']}", acme).status_code == 200
    assert alumni["brady"] not in found(api, acme, "q[]=class=516")
