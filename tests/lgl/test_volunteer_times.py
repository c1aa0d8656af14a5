"""LGL's volunteer times (docs/lgl.md, "Volunteer times"): a constituent's and the organisation's,
one, and their search; the category by id or name; hours exact; the constituent held."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from tests.conftest import dynamodb_calls, new_donation, new_log
from tests.lgl.conftest import L, constituent, fields_named, lgl_error

EXAMPLE = {"volunteering_category_name": "General", "description": "Donor management", "hours": "4",
           "date": "2018-01-02", "external_id": "678890"}


def volunteer(api, org, constituent_id, **fields):
    response = api.post(f"{L}/constituents/{constituent_id}/volunteer_times", org,
                        {"volunteering_category_id": 446, **fields})
    assert response.status_code == 200, response.body
    return response.json


def ids(response) -> list[int]:
    assert response.status_code == 200, response.body
    return [item["id"] for item in response.json["items"]]


def search(api, org, query: str):
    return api.get(f"{L}/volunteer_times/search?{query}", org)


# ---- create, read, change, delete --------------------------------------------------------------

def test_the_docs_example_creates_a_volunteer_time_with_its_category_resolved(api, acme):
    larry = constituent(api, acme, first_name="Larry", last_name="Appleton")
    response = api.post(f"{L}/constituents/{larry['id']}/volunteer_times", acme, EXAMPLE)
    assert response.status_code == 200, response.body
    made = response.json
    assert made == {"api_version": "1.0", "id": made["id"], "constituent_id": larry["id"], "external_id": "678890",
                    "volunteering_category_id": 446, "volunteering_category_name": "General",
                    "description": "Donor management", "hours": 4, "date": "2018-01-02", "end_date": None,
                    "completed_hours": None, "custom_fields": [], "created_at": made["created_at"],
                    "updated_at": made["created_at"]}
    datetime.strptime(made["created_at"], "%Y-%m-%dT%H:%M:%SZ")
    assert "X-Ignored-Fields" not in response.headers
    assert api.get(f"{L}/volunteer_times/{made['id']}", acme).json == made
    assert api.get(f"{L}/volunteer_times/{made['id']}.json", acme).json == made


def test_hours_are_exact_and_rendered_with_their_digits(api, acme):
    person = constituent(api, acme)
    made = volunteer(api, acme, person["id"], hours="2.25", completed_hours=1.5)
    raw = api.get(f"{L}/volunteer_times/{made['id']}", acme).body.decode()
    assert '"hours":2.25' in raw and '"completed_hours":1.5' in raw
    for bad in ("2.125", "-1", "four"):
        response = api.post(f"{L}/constituents/{person['id']}/volunteer_times", acme,
                            {"volunteering_category_id": 446, "hours": bad})
        assert fields_named(lgl_error(response, 422)) == ["hours"], bad
    assert "hours have at most 2 decimal places" in lgl_error(api.post(
        f"{L}/constituents/{person['id']}/volunteer_times", acme,
        {"volunteering_category_id": 446, "hours": "2.125"}), 422)["description"]


def test_an_external_id_sent_as_a_number_is_kept_as_its_digits(api, acme):
    person = constituent(api, acme)
    assert volunteer(api, acme, person["id"], external_id=678890)["external_id"] == "678890"


def test_the_category_by_id_wins_over_a_name_and_an_unknown_one_is_422_naming_it(api, acme):
    person = constituent(api, acme)
    path = f"{L}/constituents/{person['id']}/volunteer_times"
    both = api.post(path, acme, {"volunteering_category_id": "447", "volunteering_category_name": "General"}).json
    assert (both["volunteering_category_id"], both["volunteering_category_name"]) == (447, "Donor Management")
    assert api.post(path, acme, {"volunteering_category_name": "donor management"}).json[
        "volunteering_category_id"] == 447  # any case
    assert fields_named(lgl_error(api.post(path, acme, {"volunteering_category_name": "Genral"}), 422)) == \
        ["volunteering_category_name"]
    assert fields_named(lgl_error(api.post(path, acme, {"volunteering_category_id": 999}), 422)) == \
        ["volunteering_category_id"]
    assert fields_named(lgl_error(api.post(path, acme, {"hours": 2}), 422)) == ["volunteering_category_id"]
    assert api.get(path, acme).json["total_items"] == 2  # the refused ones made nothing


def test_the_date_defaults_to_today_and_the_end_date_is_not_before_it(api, acme):
    person = constituent(api, acme)
    made = volunteer(api, acme, person["id"])
    assert made["date"] == datetime.now(timezone.utc).date().isoformat()
    path = f"{L}/constituents/{person['id']}/volunteer_times"
    response = api.post(path, acme, {"volunteering_category_id": 446, "date": "2024-05-02", "end_date": "2024-05-01"})
    assert fields_named(lgl_error(response, 422)) == ["end_date"]
    assert fields_named(lgl_error(api.patch(f"{L}/volunteer_times/{made['id']}", acme, {"date": None}), 422)) == \
        ["date"]
    assert fields_named(lgl_error(api.post(path, acme, {"volunteering_category_id": 446, "date": "2024-02-30"}),
                                  422)) == ["date"]


def test_the_docs_update_example_changes_what_it_sends_its_custom_field_too(api, acme):
    sponsor = api.post(f"{L}/categories", acme, {"item_type": "VolunteerTime", "name": "Sponsor"}).json["id"]
    lgl = api.post(f"{L}/categories/{sponsor}/keywords", acme, {"name": "LGL"}).json["id"]
    person = constituent(api, acme)
    made = api.post(f"{L}/constituents/{person['id']}/volunteer_times", acme, EXAMPLE).json
    response = api.patch(f"{L}/volunteer_times/{made['id']}", acme, {
        "end_date": "2018-01-12", "completed_hours": "4",
        "custom_fields": [{"name": "Sponsor", "values": [{"name": "LGL"}]}]})
    assert response.status_code == 200, response.body
    assert "X-Ignored-Fields" not in response.headers
    changed = response.json
    assert (changed["end_date"], changed["completed_hours"]) == ("2018-01-12", 4)
    assert [(f["id"], f["item_type"], [v["id"] for v in f["values"]]) for f in changed["custom_fields"]] == \
        [(sponsor, "VolunteerTime", [lgl])]
    assert {k: changed[k] for k in ("description", "hours", "date", "external_id")} == \
        {"description": "Donor management", "hours": 4, "date": "2018-01-02", "external_id": "678890"}
    assert api.get(f"{L}/volunteer_times/{made['id']}", acme).json == changed


def test_a_constituent_id_moves_it_and_an_unknown_one_is_404_naming_it(api, acme):
    first, second = constituent(api, acme), constituent(api, acme, first_name="Ann")
    made = volunteer(api, acme, first["id"])
    moved = api.patch(f"{L}/volunteer_times/{made['id']}", acme, {"constituent_id": str(second["id"])})
    assert moved.json["constituent_id"] == second["id"]
    assert ids(api.get(f"{L}/constituents/{second['id']}/volunteer_times", acme)) == [made["id"]]
    assert ids(api.get(f"{L}/constituents/{first['id']}/volunteer_times", acme)) == []
    missing = lgl_error(api.patch(f"{L}/volunteer_times/{made['id']}", acme, {"constituent_id": 999}), 404)
    assert fields_named(missing) == ["constituent_id"]
    assert api.get(f"{L}/volunteer_times/{made['id']}", acme).json["constituent_id"] == second["id"]


def test_a_constituent_id_in_the_body_must_be_the_paths(api, acme):
    first, second = constituent(api, acme), constituent(api, acme, first_name="Ann")
    path = f"{L}/constituents/{first['id']}/volunteer_times"
    assert api.post(path, acme, {"volunteering_category_id": 446, "constituent_id": first["id"]}).status_code == 200
    wrong = api.post(path, acme, {"volunteering_category_id": 446, "constituent_id": second["id"]})
    assert fields_named(lgl_error(wrong, 422)) == ["constituent_id"]


def test_delete_then_404_and_delete_again_succeeds(api, acme):
    person = constituent(api, acme)
    made = volunteer(api, acme, person["id"])
    for _ in range(2):
        response = api.delete(f"{L}/volunteer_times/{made['id']}", acme)
        assert (response.status_code, response.json) == (200, {"api_version": "1.0", "result": "success"})
    lgl_error(api.get(f"{L}/volunteer_times/{made['id']}", acme), 404)
    lgl_error(api.patch(f"{L}/volunteer_times/{made['id']}", acme, {"hours": 1}), 404)
    assert api.get(f"{L}/volunteer_times", acme).json["total_items"] == 0


def test_a_constituent_with_volunteer_history_is_not_deleted(api, acme):
    person = constituent(api, acme)
    made = volunteer(api, acme, person["id"])
    refused = lgl_error(api.delete(f"{L}/constituents/{person['id']}", acme), 409)
    assert "volunteer time" in refused["description"]
    assert api.get(f"{L}/constituents/{person['id']}", acme).status_code == 200
    api.delete(f"{L}/volunteer_times/{made['id']}", acme)
    assert api.delete(f"{L}/constituents/{person['id']}", acme).status_code == 200


def test_another_organisations_volunteer_time_is_404_and_nothing_changes(api, acme, other):
    person = constituent(api, other)
    theirs = volunteer(api, other, person["id"], hours=3)
    for method, body in (("GET", None), ("PATCH", {"hours": 9}), ("DELETE", None)):
        lgl_error(api.call(method, f"{L}/volunteer_times/{theirs['id']}", acme, body), 404)
    lgl_error(api.post(f"{L}/constituents/{person['id']}/volunteer_times", acme, {"volunteering_category_id": 446}),
              404)
    lgl_error(api.get(f"{L}/constituents/{person['id']}/volunteer_times", acme), 404)
    assert api.get(f"{L}/volunteer_times/{theirs['id']}", other).json == theirs
    assert api.get(f"{L}/volunteer_times", acme).json["total_items"] == 0


# ---- lists ----------------------------------------------------------------------------------------

def test_a_constituents_and_the_organisations_lists_are_by_id_with_exact_totals_and_pages(api, acme):
    first, second = constituent(api, acme), constituent(api, acme, first_name="Ann")
    made = [volunteer(api, acme, person["id"], date=day)["id"]
            for person, day in ((first, "2023-09-19"), (second, "2023-09-20"), (first, "2018-01-02"),
                                (first, "2018-01-02"))]
    assert ids(api.get(f"{L}/volunteer_times", acme)) == made
    assert ids(api.get(f"{L}/volunteer_times.json", acme)) == made
    body = api.get(f"{L}/volunteer_times?limit=3", acme).json
    assert (body["items_count"], body["total_items"], body["next_item"], body["item_type"]) == \
        (3, 4, 3, "volunteer_time")
    last = api.get(f"{L}/volunteer_times?limit=3&offset=3", acme).json
    assert [i["id"] for i in last["items"]] == made[3:] and "next_item" not in last and "next_link" not in last
    mine = api.get(f"{L}/constituents/{first['id']}/volunteer_times?limit=2", acme).json
    assert ([i["id"] for i in mine["items"]], mine["total_items"], mine["next_item"]) == \
        ([made[0], made[2]], 3, 2)
    assert ids(api.get(f"{L}/constituents/{first['id']}/volunteer_times.json?offset=2", acme)) == [made[3]]
    assert api.get(f"{L}/volunteer_times?limit=0", acme).json["total_items"] == 4
    lgl_error(api.get(f"{L}/constituents/999/volunteer_times", acme), 404)


def test_a_volunteer_time_is_on_the_donors_timeline_but_not_in_the_native_activity_view(api, acme):
    """The native face's activity view shows contact logs and donations, as its document says:
    a volunteer time on the timeline is skipped there, never shown as something it is not."""
    person = constituent(api, acme)
    volunteer(api, acme, person["id"], date="2026-06-12")
    new_log(api, acme, str(person["id"]))
    new_donation(api, acme, str(person["id"]))
    activity = api.get(f"/api/v1/donors/{person['id']}/activity", acme)
    assert activity.status_code == 200, activity.body
    assert [a["type"] for a in activity.json["data"]] == ["contact_log", "donation"]
    one = api.get(f"/api/v1/donors/{person['id']}/activity?limit=1", acme).json
    assert [a["type"] for a in one["data"]] == ["contact_log"] and one["has_more"]
    gb = api.get(f"/v1/contacts/{person['id']}/activities", acme)
    assert gb.status_code == 200 and gb.json["meta"]["total"] == 1


# ---- search ----------------------------------------------------------------------------------------

@pytest.fixture
def seeded(api, acme):
    """Two constituents' volunteer times (LGL's search examples among them), and another org's."""
    larry, ray = constituent(api, acme, first_name="Larry", last_name="Appleton"), constituent(api, acme)
    times = {
        "a": volunteer(api, acme, larry["id"], volunteering_category_id=447, description="", hours=4,
                       date="2023-09-19", end_date="2023-09-19"),
        "b": volunteer(api, acme, ray["id"], hours=5, date="2023-09-20"),
        "c": volunteer(api, acme, larry["id"], description="Donor management", hours=4, date="2018-01-02",
                       end_date="2018-01-12"),
        "d": volunteer(api, acme, larry["id"], description="donor MANAGEMENT lunch", date="2018-01-02"),
    }
    return {"larry": larry["id"], "ray": ray["id"], **{k: v["id"] for k, v in times.items()}}


def test_the_docs_example_search_by_description_newest_first(api, acme, seeded):
    s = seeded
    body = search(api, acme, "q[]=description=Donor+management&sort=date!&limit=5").json
    assert [i["id"] for i in body["items"]] == [s["d"], s["c"]]
    assert (body["total_items"], body["item_type"]) == (2, "volunteer_time")
    assert ids(search(api, acme, "q%5B%5D=description=donor%20management")) == [s["d"], s["c"]]


def test_no_term_finds_every_one_newest_first_and_each_sort_reverses(api, acme, seeded):
    s = seeded
    assert ids(search(api, acme, "")) == [s["b"], s["a"], s["d"], s["c"]]
    assert ids(search(api, acme, "sort=date")) == [s["c"], s["d"], s["a"], s["b"]]
    assert ids(search(api, acme, "sort=date!")) == [s["b"], s["a"], s["d"], s["c"]]
    by_constituent = ids(search(api, acme, "sort=constituent_id"))
    assert by_constituent == [s["a"], s["c"], s["d"], s["b"]]  # larry's (by id), then ray's
    assert ids(search(api, acme, "sort=constituent_id!")) == by_constituent[::-1]
    assert fields_named(lgl_error(search(api, acme, "sort=name"), 400)) == ["sort"]


def test_dates_categories_and_constituents(api, acme, seeded):
    s = seeded
    assert ids(search(api, acme, "q[]=date_from=2023-01-01")) == [s["b"], s["a"]]
    assert ids(search(api, acme, "q[]=date_to=2018-01-02")) == [s["d"], s["c"]]
    assert ids(search(api, acme, "q[]=date_from=2023-09-19T10:00:00Z;date_to=2023-09-19")) == [s["a"]]
    assert ids(search(api, acme, "q[]=volunteering_category_id=447")) == [s["a"]]
    assert ids(search(api, acme, "q[]=volunteering_category_id=446,447&sort=date")) == \
        [s["c"], s["d"], s["a"], s["b"]]
    assert ids(search(api, acme, f"q[]=constituent_id={s['ray']}")) == [s["b"]]
    assert ids(search(api, acme, f"q[]=constituent_id={s['ray']},{s['larry']}&limit=2")) == [s["b"], s["a"]]
    assert search(api, acme, f"q[]=constituent_id={s['ray']},{s['larry']}&limit=2").json["total_items"] == 4
    assert ids(search(api, acme, f"q[]=constituent_id={s['larry']}&q[]=description=lunch")) == [s["d"]]
    assert ids(search(api, acme, f"q[]=constituent_id={s['larry']}&q[]=constituent_id={s['ray']}")) == []
    assert search(api, acme, "q[]=constituent_id=999").json["total_items"] == 0
    for term in ("date_from=2023-13-01", "volunteering_category_id=general", "constituent_id=x"):
        assert fields_named(lgl_error(search(api, acme, f"q[]={term}"), 400)) == [term.split("=")[0]]


def test_a_search_by_one_constituent_reads_only_theirs(api, acme, seeded):
    s = seeded
    search(api, acme, "")  # the key verified and cached
    with dynamodb_calls() as calls:
        assert ids(search(api, acme, f"q[]=constituent_id={s['ray']}")) == [s["b"]]
    assert calls == ["Query", "BatchGetItem"]  # the donor's timeline; the page's records


def test_updated_from_and_to(api, acme, seeded):
    s = seeded
    assert len(ids(search(api, acme, "q[]=updated_from=2020-01-01"))) == 4
    assert ids(search(api, acme, "q[]=updated_to=2020-01-01")) == []
    today = datetime.now(timezone.utc).date().isoformat()
    api.patch(f"{L}/volunteer_times/{s['c']}", acme, {"hours": 6})
    changed = search(api, acme, f"q[]=updated_from={today}").json
    assert changed["total_items"] == 4
    stamp = api.get(f"{L}/volunteer_times/{s['c']}", acme).json["updated_at"]
    assert s["c"] in ids(search(api, acme, f"q[]=updated_from={stamp}"))


def test_const_keyword_finds_the_times_of_constituents_with_the_keyword(api, acme, seeded):
    s = seeded
    category = api.post(f"{L}/categories", acme, {"item_type": "Constituent", "name": "Board"}).json["id"]
    trustee, donor = (api.post(f"{L}/categories/{category}/keywords", acme, {"name": name}).json["id"]
                      for name in ("Trustee", "Donor"))
    assert api.post(f"{L}/constituents/{s['ray']}/keywords", acme, {"id": trustee}).status_code == 200
    assert ids(search(api, acme, f"q[]=const_keyword={trustee}")) == [s["b"]]
    assert ids(search(api, acme, f"q[]=const_keyword={donor},{trustee}")) == [s["b"]]
    assert ids(search(api, acme, f"q[]=const_keyword={donor}")) == []
    assert ids(search(api, acme, f"q[]=const_keyword={trustee};constituent_id={s['larry']}")) == []
    assert fields_named(lgl_error(search(api, acme, "q[]=const_keyword=x"), 400)) == ["const_keyword"]


def test_an_unknown_term_is_named(api, acme, seeded):
    unknown = lgl_error(search(api, acme, "q[]=badterm=1"), 400)
    assert (unknown["error"], unknown["description"]) == ("Parameter Error", "Unknown query parameter: badterm")


def test_a_search_page_shows_whole_volunteer_times(api, acme, seeded):
    item = search(api, acme, f"q[]=constituent_id={seeded['ray']}").json["items"][0]
    assert item == {k: v for k, v in api.get(f"{L}/volunteer_times/{seeded['b']}", acme).json.items()
                    if k != "api_version"}
    assert json.loads(search(api, acme, "limit=0").body)["items"] == []
