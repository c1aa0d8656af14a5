"""LGL's Group Memberships and Membership sections (docs/lgl.md, "Groups and memberships"): a
constituent's group memberships and memberships on their own endpoints and in its `groups`
and `memberships` arrays (create, show, update: appended unless `remove_previous_*`), a
group a constituent is in once, names or ids of groups and levels, the search's `groups` and
`membership_*` terms, sorts and expands, a group or level in use never deleted, and the
native face's read of a donor's groups, keywords and memberships."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from chalicelib.domain import memberships
from tests.contract.conftest import table_state
from tests.lgl.conftest import L, constituent, fields_named, lgl_error
from tests.lgl.worlds import acme, api, other, world  # noqa: F401  (one world for the module)

STAMPED = ("created_at", "updated_at")


def value(api, org, key: str, name: str, **fields: Any) -> int:
    """A new group (`groups`) or membership level (`membership_levels`)."""
    made = api.post(f"{L}/{key}", org, {"name": name, **fields})
    assert made.status_code == 200, made.body
    return made.json["id"]


def group_member(api, org, constituent_id: int, **fields: Any) -> dict[str, Any]:
    made = api.post(f"{L}/constituents/{constituent_id}/group_memberships", org, fields)
    assert made.status_code == 200, made.body
    return made.json


def member(api, org, constituent_id: int, **fields: Any) -> dict[str, Any]:
    made = api.post(f"{L}/constituents/{constituent_id}/memberships", org, fields)
    assert made.status_code == 200, made.body
    return made.json


def day(offset: int) -> str:
    """Today (UTC, as the API reckons it) plus `offset` days."""
    return (date.fromisoformat(memberships.today()) + timedelta(days=offset)).isoformat()


def groups_of(body: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    return [(g["group_name"], g["date_start"], g["date_end"]) for g in body["groups"]]


def levels_of(body: dict[str, Any]) -> list[tuple[str, Any, Any, Any]]:
    return [(m["membership_level_name"], m["date_start"], m["finish_date"], m["note"]) for m in body["memberships"]]


@pytest.fixture
def board(api, acme) -> dict[str, int]:
    """The seed's groups and levels: Board Member, Staff; Gold, Silver."""
    return {"board": value(api, acme, "groups", "Board Member"), "staff": value(api, acme, "groups", "Staff"),
            "gold": value(api, acme, "membership_levels", "Gold"),
            "silver": value(api, acme, "membership_levels", "Silver")}


# ---- group memberships ---------------------------------------------------------------------------

def test_the_seeds_group_membership_examples(api, acme, board):
    """The create example's `groups: [{"group_name": "Board Member"}]`, then the group
    membership's own GET, the PATCH example (`date_start`), DELETE."""
    joe = constituent(api, acme, groups=[{"group_name": "Board Member"}])
    [shown] = joe["groups"]
    assert {k: v for k, v in shown.items() if k not in ("id", *STAMPED)} == {
        "constituent_id": joe["id"], "group_id": board["board"], "group_name": "Board Member",
        "date_start": None, "date_end": None, "is_current": True}
    path = f"{L}/group_memberships/{shown['id']}"
    got = api.get(path, acme).json
    assert got == {"api_version": "1.0", **shown}
    assert api.get(path + ".json", acme).json == got
    changed = api.patch(path, acme, {"date_start": "2016-01-01"}).json
    assert (changed["date_start"], changed["group_id"], changed["created_at"]) == (
        "2016-01-01", board["board"], shown["created_at"])
    assert changed["updated_at"] >= shown["updated_at"]
    assert api.delete(path, acme).json == {"api_version": "1.0", "result": "success"}
    lgl_error(api.get(path, acme), 404)
    assert api.delete(path, acme).json == {"api_version": "1.0", "result": "success"}  # again: success
    assert api.get(f"{L}/constituents/{joe['id']}", acme).json["groups"] == []


def test_group_memberships_are_added_by_id_name_or_key_and_listed_by_id_with_exact_totals(api, acme, board):
    volunteer = value(api, acme, "groups", "Volunteer")
    joe = constituent(api, acme)
    path = f"{L}/constituents/{joe['id']}/group_memberships"
    first = group_member(api, acme, joe["id"], group_id=str(board["board"]), date_start="2020-01-01")
    second = api.post(path + ".json", acme, {"group_name": "STAFF"}).json
    third = group_member(api, acme, joe["id"], group_name="volunteer", date_end=day(30))
    assert [first["group_id"], second["group_id"], third["group_id"]] == [board["board"], board["staff"], volunteer]
    page = api.get(path + "?limit=2", acme).json
    assert (page["item_type"], page["total_items"], page["items_count"], page["next_item"]) == (
        "group_membership", 3, 2, 2)
    assert [i["id"] for i in page["items"]] == [first["id"], second["id"]]
    last = api.get(path + ".json?limit=2&offset=2", acme).json
    assert (last["total_items"], last["items_count"], [i["id"] for i in last["items"]]) == (3, 1, [third["id"]])
    assert "next_item" not in last and "next_link" not in last
    assert api.get(path + "?limit=0", acme).json["total_items"] == 3
    assert api.get(f"{L}/group_memberships/{third['id']}", acme).json["is_current"] is True


def test_a_group_sent_again_is_the_same_membership_updated_on_every_path(api, acme, board):
    joe = constituent(api, acme, groups=[{"group_name": "Board Member"}, {"group_id": board["board"],
                                                                          "date_start": "2015-05-05"}])
    [first] = joe["groups"]
    assert first["date_start"] == "2015-05-05"  # one membership: the second entry applied to the first
    again = group_member(api, acme, joe["id"], group_name="board member", date_end="2030-12-31")
    assert (again["id"], again["date_start"], again["date_end"]) == (first["id"], "2015-05-05", "2030-12-31")
    path = f"{L}/constituents/{joe['id']}"
    updated = api.patch(path, acme, {"groups": [{"group_id": board["board"], "date_start": "2016-01-01"}]}).json
    assert [(g["id"], g["date_start"], g["date_end"]) for g in updated["groups"]] == [
        (first["id"], "2016-01-01", "2030-12-31")]
    before = table_state()
    unchanged = api.patch(path, acme, {"groups": [{"group_name": "Board Member"}]})
    assert unchanged.status_code == 200 and table_state() == before  # nothing new to write
    assert api.get(f"{L}/constituents/{joe['id']}/group_memberships", acme).json["total_items"] == 1


def test_is_current_is_derived_from_the_end_date_and_a_sent_one_is_named_as_ignored(api, acme, board):
    joe = constituent(api, acme)
    made = api.post(f"{L}/constituents/{joe['id']}/group_memberships", acme,
                    {"group_id": board["board"], "is_current": False})
    assert made.json["is_current"] is True and made.headers["X-Ignored-Fields"] == "is_current"
    path = f"{L}/group_memberships/{made.json['id']}"
    for end, current in ((day(-1), False), (day(0), True), (day(1), True), (None, True)):
        assert api.patch(path, acme, {"date_end": end}).json["is_current"] is current, end


@pytest.mark.parametrize("sent, field", [
    ({"group_name": "Nope"}, "group_name"),
    ({"group_id": 999999}, "group_id"),
    ({"date_start": "2020-01-01"}, "group_id"),
    ({"group_name": "Staff", "date_start": "2020-02-01", "date_end": "2020-01-31"}, "date_end"),
    ({"group_name": "Staff", "date_start": "2020-13-01"}, "date_start"),
])
def test_a_group_membership_that_names_no_group_or_bad_dates_is_422_and_stores_nothing(api, acme, board, sent,
                                                                                    field):
    joe = constituent(api, acme)
    before = table_state()
    body = lgl_error(api.post(f"{L}/constituents/{joe['id']}/group_memberships", acme, sent), 422)
    assert fields_named(body) == [field]
    assert table_state() == before


def test_the_group_id_wins_over_its_name_and_an_unknown_name_lists_the_groups(api, acme, board):
    joe = constituent(api, acme)
    made = group_member(api, acme, joe["id"], group_id=board["staff"], group_name="Board Member")
    assert made["group_name"] == "Staff"
    body = lgl_error(api.post(f"{L}/constituents/{joe['id']}/group_memberships", acme, {"group_name": "Bored"}), 422)
    assert "'Bored'" in body["description"] and "Board Member" in body["description"]


def test_moving_a_membership_to_a_group_the_constituent_is_in_is_409(api, acme, board):
    joe = constituent(api, acme, groups=[{"group_name": "Board Member"}, {"group_name": "Staff"}])
    board_membership, staff_membership = joe["groups"]
    before = table_state()
    body = lgl_error(api.patch(f"{L}/group_memberships/{staff_membership['id']}", acme,
                               {"group_id": board["board"]}), 409)
    assert fields_named(body) == ["group_id"]
    assert table_state() == before
    volunteer = value(api, acme, "groups", "Volunteer")
    moved = api.patch(f"{L}/group_memberships/{staff_membership['id']}", acme, {"group_name": "Volunteer"}).json
    assert (moved["id"], moved["group_id"]) == (staff_membership["id"], volunteer)
    assert group_member(api, acme, joe["id"], group_name="Staff")["id"] not in (board_membership["id"],
                                                                               staff_membership["id"])


def test_another_organisations_constituent_or_membership_is_404_and_nothing_changes(api, acme, other, board):
    joe = constituent(api, acme, groups=[{"group_name": "Board Member"}],
                      memberships=[{"membership_level_name": "Gold"}])
    value(api, other, "groups", "Board Member")
    value(api, other, "membership_levels", "Gold")
    before = table_state()
    for collection, body in (("group_memberships", {"group_name": "Board Member"}),
                             ("memberships", {"membership_level_name": "Gold"})):
        lgl_error(api.get(f"{L}/constituents/{joe['id']}/{collection}", other), 404)
        lgl_error(api.post(f"{L}/constituents/{joe['id']}/{collection}", other, body), 404)
        record = joe["groups" if collection == "group_memberships" else "memberships"][0]["id"]
        lgl_error(api.get(f"{L}/{collection}/{record}", other), 404)
        lgl_error(api.patch(f"{L}/{collection}/{record}", other, {"date_start": "2020-01-01"}), 404)
        lgl_error(api.delete(f"{L}/{collection}/{record}", other), 404)
        lgl_error(api.get(f"{L}/constituents/999999/{collection}", acme), 404)
    assert table_state() == before


# ---- memberships -------------------------------------------------------------------------------------

def test_the_seeds_membership_examples(api, acme, board):
    """The POST example (a level by name, its dates), GET, the PATCH example (`Silver`), DELETE."""
    joe = constituent(api, acme)
    made = member(api, acme, joe["id"], membership_level_name="Gold", date_start="2012-01-01",
                  finish_date="2024-01-01")
    assert {k: v for k, v in made.items() if k not in ("id", *STAMPED)} == {
        "api_version": "1.0", "constituent_id": joe["id"], "membership_level_id": board["gold"],
        "membership_level_name": "Gold", "date_start": "2012-01-01", "finish_date": "2024-01-01", "note": None}
    path = f"{L}/memberships/{made['id']}"
    assert api.get(path, acme).json == made
    changed = api.patch(path, acme, {"membership_level_name": "Silver"}).json
    assert (changed["membership_level_id"], changed["membership_level_name"], changed["finish_date"]) == (
        board["silver"], "Silver", "2024-01-01")
    noted = api.patch(path + ".json", acme, {"note": "Renewed by phone", "finish_date": None}).json
    assert (noted["note"], noted["finish_date"]) == ("Renewed by phone", None)
    assert api.delete(path, acme).json == {"api_version": "1.0", "result": "success"}
    lgl_error(api.get(path, acme), 404)
    assert api.delete(path, acme).json == {"api_version": "1.0", "result": "success"}


def test_memberships_are_appended_and_listed_by_id_with_exact_totals(api, acme, board):
    joe = constituent(api, acme)
    made = [member(api, acme, joe["id"], membership_level_id=board["gold"], date_start=f"20{n}0-01-01",
                   finish_date=f"20{n}0-12-31") for n in (1, 2)]
    made.append(member(api, acme, joe["id"], membership_level_name="gold", date_start="2010-01-01",
                       finish_date="2010-12-31"))  # the same level and dates again: another membership
    path = f"{L}/constituents/{joe['id']}/memberships"
    page = api.get(path + "?limit=2&offset=1", acme).json
    assert (page["item_type"], page["total_items"], page["items_count"]) == ("membership", 3, 2)
    assert [i["id"] for i in page["items"]] == [m["id"] for m in made[1:]] and "next_item" not in page
    assert api.get(path + ".json?limit=1", acme).json["next_item"] == 1


@pytest.mark.parametrize("sent, field", [
    ({"membership_level_name": "Platinum"}, "membership_level_name"),
    ({"membership_level_id": 999999, "membership_level_name": "Gold"}, "membership_level_id"),  # the id wins
    ({"date_start": "2020-01-01"}, "membership_level_id"),
    ({"membership_level_name": "Gold", "date_start": "2020-01-02", "finish_date": "2020-01-01"}, "finish_date"),
    ({"membership_level_name": "Gold", "note": "x" * 5001}, "note"),
])
def test_a_membership_that_names_no_level_or_bad_fields_is_422_and_stores_nothing(api, acme, board, sent, field):
    joe = constituent(api, acme)
    before = table_state()
    body = lgl_error(api.post(f"{L}/constituents/{joe['id']}/memberships", acme, sent), 422)
    assert fields_named(body) == [field]
    assert table_state() == before


# ---- the constituent's nested arrays ------------------------------------------------------------------

def test_nested_groups_and_memberships_are_appended_unless_remove_previous(api, acme, board):
    joe = constituent(api, acme, groups=[{"group_name": "Board Member"}],
                      memberships=[{"membership_level_name": "Gold", "date_start": "2022-09-18",
                                    "finish_date": "2023-09-18"}])
    assert groups_of(joe) == [("Board Member", None, None)]
    assert levels_of(joe) == [("Gold", "2022-09-18", "2023-09-18", None)]
    path = f"{L}/constituents/{joe['id']}"
    appended = api.patch(path, acme, {"groups": [{"name": "Staff", "date_start": "2024-01-01"}],
                                      "memberships": [{"membership_level_id": board["silver"],
                                                       "date_start": "2023-09-19"}]}).json
    assert groups_of(appended) == [("Board Member", None, None), ("Staff", "2024-01-01", None)]
    assert levels_of(appended) == [("Gold", "2022-09-18", "2023-09-18", None), ("Silver", "2023-09-19", None, None)]
    assert api.get(path, acme).json == {**appended, "api_version": "1.0"}
    [gold, silver] = appended["memberships"]
    replaced = api.patch(path, acme, {"remove_previous_groups": True, "groups": [{"group_name": "staff",
                                                                                  "date_end": "2030-01-01"}],
                                      "remove_previous_memberships": True,
                                      "memberships": [{"id": gold["id"], "note": "Founding member"}]}).json
    assert [(g["id"], g["date_start"], g["date_end"]) for g in replaced["groups"]] == [
        (appended["groups"][1]["id"], "2024-01-01", "2030-01-01")]  # sent again: its record kept
    assert [(m["id"], m["note"]) for m in replaced["memberships"]] == [(gold["id"], "Founding member")]
    lgl_error(api.get(f"{L}/memberships/{silver['id']}", acme), 404)
    emptied = api.patch(path, acme, {"remove_previous_groups": True, "remove_previous_memberships": True}).json
    assert (emptied["groups"], emptied["memberships"]) == ([], [])
    assert api.get(f"{L}/constituents/{joe['id']}/group_memberships", acme).json["total_items"] == 0


def test_nested_entries_with_an_id_change_that_record(api, acme, board):
    joe = constituent(api, acme, groups=[{"group_name": "Board Member"}],
                      memberships=[{"membership_level_name": "Gold"}])
    path = f"{L}/constituents/{joe['id']}"
    [group], [level] = joe["groups"], joe["memberships"]
    changed = api.patch(path, acme, {"groups": [{"id": group["id"], "date_end": day(-1)}],
                                     "memberships": [{"id": level["id"], "membership_level_name": "Silver"}]}).json
    assert [(g["id"], g["is_current"]) for g in changed["groups"]] == [(group["id"], False)]
    assert [(m["id"], m["membership_level_name"]) for m in changed["memberships"]] == [(level["id"], "Silver")]
    other_joe = constituent(api, acme, first_name="Other", memberships=[{"membership_level_name": "Gold"}])
    before = table_state()
    body = lgl_error(api.patch(path, acme, {"memberships": [{"id": other_joe["memberships"][0]["id"],
                                                             "note": "not mine"}]}), 422)
    assert fields_named(body) == ["memberships[0].id"]
    body = lgl_error(api.patch(path, acme, {"groups": [{"group_name": "Staff"},
                                                       {"id": group["id"], "group_name": "Staff"}]}), 409)
    assert fields_named(body) == ["groups[1].group_id"]
    assert table_state() == before


@pytest.mark.parametrize("sent, field", [
    ({"groups": [{"group_name": "Board Member"}, {"group_name": "Nope"}]}, "groups[1].group_name"),
    ({"groups": [{"group_id": 999999}]}, "groups[0].group_id"),
    ({"groups": [{"date_start": "2020-01-01"}]}, "groups[0].group_id"),
    ({"memberships": [{"membership_level_name": "Nope"}]}, "memberships[0].membership_level_name"),
    ({"memberships": [{"membership_level_name": "Gold", "date_start": "2020-02-02", "finish_date": "2020-02-01"}]},
     "memberships[0].finish_date"),
])
def test_an_unknown_group_or_level_in_a_nested_array_is_422_naming_it_and_stores_nothing(api, acme, board, sent,
                                                                                       field):
    before = table_state()
    body = lgl_error(api.post(f"{L}/constituents", acme, {"first_name": "Ann", **sent}), 422)
    assert fields_named(body) == [field]
    assert table_state() == before
    joe = constituent(api, acme)
    before = table_state()
    body = lgl_error(api.patch(f"{L}/constituents/{joe['id']}", acme, sent), 422)
    assert fields_named(body) == [field]
    assert table_state() == before


# ---- in use: never deleted -------------------------------------------------------------------------

def test_a_group_or_level_in_use_is_never_deleted_and_deleting_the_constituent_frees_them(api, acme, board):
    joe = constituent(api, acme, groups=[{"group_name": "Board Member"}],
                      memberships=[{"membership_level_name": "Gold"}])
    before = table_state()
    for path in (f"{L}/groups/{board['board']}", f"{L}/membership_levels/{board['gold']}"):
        body = lgl_error(api.delete(path, acme), 409)
        assert "in use" in body["description"]
    assert table_state() == before
    assert api.get(f"{L}/groups/{board['board']}", acme).json["name"] == "Board Member"
    renamed = api.patch(f"{L}/groups/{board['board']}", acme, {"name": "Board"}).json  # renaming is fine
    assert renamed["name"] == "Board"
    assert api.get(f"{L}/group_memberships/{joe['groups'][0]['id']}", acme).json["group_name"] == "Board"
    assert api.delete(f"{L}/memberships/{joe['memberships'][0]['id']}", acme).status_code == 200
    assert api.delete(f"{L}/membership_levels/{board['gold']}", acme).status_code == 200  # no membership left
    assert api.delete(f"{L}/constituents/{joe['id']}", acme).status_code == 200
    lgl_error(api.get(f"{L}/group_memberships/{joe['groups'][0]['id']}", acme), 404)  # gone with it
    assert api.delete(f"{L}/groups/{board['board']}", acme).status_code == 200


# ---- the search --------------------------------------------------------------------------------------

@pytest.fixture
def town(api, acme, board) -> dict[str, Any]:
    """Ann (Board, Staff; Gold lapsed, then Silver active), Bob (Staff; Gold, never finishing),
    Cy (Silver lapsed), Dee (nothing)."""
    ann = constituent(api, acme, first_name="Ann", last_name="Archer",
                      groups=[{"group_name": "Board Member"}, {"group_name": "Staff", "date_end": "2020-01-01"}],
                      memberships=[{"membership_level_name": "Gold", "date_start": "2020-01-01",
                                    "finish_date": "2021-01-01"},
                                   {"membership_level_name": "Silver", "date_start": "2021-01-02",
                                    "finish_date": day(10)}])
    bob = constituent(api, acme, first_name="Bob", last_name="Baker", groups=[{"group_name": "Staff"}],
                      memberships=[{"membership_level_name": "Gold", "date_start": "2019-05-05"}])
    cy = constituent(api, acme, first_name="Cy", last_name="Cole",
                     memberships=[{"membership_level_name": "Silver", "finish_date": day(-1)}])
    dee = constituent(api, acme, first_name="Dee", last_name="Dunn")
    return {**board, "ann": ann, "bob": bob, "cy": cy, "dee": dee}


def found(api, org, query: str) -> list[str]:
    body = api.get(f"{L}/constituents/search?{query}", org).json
    assert body["total_items"] == len(body["items"]), body
    return [i["first_name"] for i in body["items"]]


def test_the_groups_term_finds_the_members_of_any_group_named(api, acme, town):
    assert found(api, acme, f"q[]=groups={town['board']}") == ["Ann"]
    assert found(api, acme, f"q[]=groups={town['staff']}") == ["Ann", "Bob"]  # a past membership too
    assert found(api, acme, f"q[]=groups={town['board']},{town['staff']}") == ["Ann", "Bob"]
    assert found(api, acme, "q[]=groups=999999") == []
    assert found(api, acme, f"q[]=groups={town['staff']};name=bob") == ["Bob"]
    body = lgl_error(api.get(f"{L}/constituents/search?q[]=groups=staff", acme), 400)
    assert fields_named(body) == ["groups"]


def test_membership_status_reads_the_latest_membership(api, acme, town):
    """Ann's latest (Silver) finishes in 10 days; Bob's never finishes; Cy's finished yesterday."""
    assert found(api, acme, "q[]=membership_status=1") == ["Ann", "Bob"]
    assert found(api, acme, "q[]=membership_status=0") == ["Cy"]
    page = api.get(f"{L}/constituents/search?q[]=membership_status=1&limit=1", acme).json
    assert (page["total_items"], page["items_count"], page["next_item"]) == (2, 1, 1)
    cy = town["cy"]["memberships"][0]["id"]
    api.patch(f"{L}/memberships/{cy}", acme, {"finish_date": day(0)})  # finishing today: still active
    assert found(api, acme, "q[]=membership_status=1") == ["Ann", "Bob", "Cy"]
    body = lgl_error(api.get(f"{L}/constituents/search?q[]=membership_status=2", acme), 400)
    assert fields_named(body) == ["membership_status"]


def test_membership_level_and_end_dates_read_the_latest_membership(api, acme, town):
    assert found(api, acme, f"q[]=membership_level={town['gold']}") == ["Bob"]  # Ann's Gold is not her latest
    assert found(api, acme, f"q[]=membership_level={town['silver']}") == ["Ann", "Cy"]
    assert found(api, acme, f"q[]=membership_level={town['gold']},{town['silver']};membership_status=0") == ["Cy"]
    assert found(api, acme, f"q[]=membership_end_date_from={day(-1)}") == ["Ann", "Cy"]  # Bob's never ends
    assert found(api, acme, f"q[]=membership_end_date_from={day(0)}") == ["Ann"]
    assert found(api, acme, f"q[]=membership_end_date_to={day(-1)}") == ["Cy"]  # inclusive
    assert found(api, acme, f"q[]=membership_end_date_from={day(10)};membership_end_date_to={day(10)}") == ["Ann"]
    assert found(api, acme, "q[]=membership_end_date_to=2021-01-01") == []  # Ann's Gold ended then: not her latest
    body = lgl_error(api.get(f"{L}/constituents/search?q[]=membership_end_date_from=soon", acme), 400)
    assert fields_named(body) == ["membership_end_date_from"]


@pytest.mark.parametrize("sort, expected", [
    ("membership_level", ["Bob", "Ann", "Cy", "Dee"]),            # Gold, Silver, Silver (by id), none last
    ("membership_level!", ["Dee", "Cy", "Ann", "Bob"]),
    ("membership_end_date_from", ["Cy", "Ann", "Bob", "Dee"]),   # yesterday, in 10 days, never and none last
    ("membership_end_date_from!", ["Dee", "Bob", "Ann", "Cy"]),
])
def test_the_membership_sorts_and_their_reverse(api, acme, town, sort, expected):
    assert found(api, acme, f"sort={sort}") == expected


def test_expand_shows_groups_and_memberships(api, acme, town):
    body = api.get(f"{L}/constituents/search?q[]=name=ann&expand=groups,memberships", acme).json
    [ann] = body["items"]
    shown = api.get(f"{L}/constituents/{town['ann']['id']}", acme).json
    assert (ann["groups"], ann["memberships"]) == (shown["groups"], shown["memberships"])
    assert [(g["group_name"], g["is_current"]) for g in ann["groups"]] == [("Board Member", True), ("Staff", False)]
    assert [m["membership_level_name"] for m in ann["memberships"]] == ["Gold", "Silver"]
    assert "email_addresses" not in ann and "categories" not in ann
    plain = api.get(f"{L}/constituents/search?q[]=name=ann&expand=groups", acme).json["items"][0]
    assert "groups" in plain and "memberships" not in plain


# ---- the native face ---------------------------------------------------------------------------------

def test_the_native_face_reads_a_donors_groups_keywords_and_memberships(api, acme, other, town):
    tags = api.post(f"{L}/categories", acme, {"item_type": "Constituent", "name": "Tags"}).json["id"]
    tag = api.post(f"{L}/categories/{tags}/keywords", acme, {"name": "New Tag"}).json["id"]
    ann = town["ann"]
    assert api.post(f"{L}/constituents/{ann['id']}/keywords", acme, {"id": tag}).status_code == 200
    api.patch(f"/api/v1/donors/{ann['id']}", acme, {"external_id": "ann-1"})
    response = api.get("/api/v1/donors/ann-1/memberships", acme, scope="READ")
    assert response.status_code == 200, response.body
    body = response.json
    assert body["donor_id"] == str(ann["id"])
    assert [(g["id"], g["group_id"], g["group"], g["is_current"]) for g in body["groups"]] == [
        (str(g["id"]), str(g["group_id"]), g["group_name"], g["is_current"]) for g in ann["groups"]]
    assert [(k["keyword_id"], k["keyword"], k["category_id"], k["category"]) for k in body["keywords"]] == [
        (str(tag), "New Tag", str(tags), "Tags")]
    assert [(m["id"], m["membership_level"], m["finish_date"]) for m in body["memberships"]] == [
        (str(m["id"]), m["membership_level_name"], m["finish_date"]) for m in ann["memberships"]]
    assert (body["latest_membership_id"], body["membership_status"]) == (str(ann["memberships"][1]["id"]), "active")
    cy = api.get(f"/api/v1/donors/{town['cy']['id']}/memberships", acme).json
    assert (cy["membership_status"], cy["groups"], cy["keywords"]) == ("lapsed", [], [])
    dee = api.get(f"/api/v1/donors/{town['dee']['id']}/memberships", acme).json
    assert (dee["membership_status"], dee["latest_membership_id"], dee["memberships"]) == (None, None, [])
    assert api.get(f"/api/v1/donors/{ann['id']}/memberships", other).status_code == 404
    assert api.get(f"/api/v1/donors/{ann['id']}/memberships?limit=1", acme).status_code == 400
