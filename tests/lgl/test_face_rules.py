"""The rules every LGL endpoint keeps (docs/lgl.md, "The rules every endpoint keeps"): the
three ways to send the key, `.json` paths, LGL's envelopes and pagination at its edges, its
errors, unknown parameters and fields, values on the wire, and the unknown path's answer."""
from __future__ import annotations

import base64
import json
import logging
import re

import pytest

from chalicelib.faces import unknown_path
from tests.conftest import new_donation
from tests.contract.conftest import table_state
from tests.lgl.conftest import L, constituent, contact_point, fields_named, lgl_error

ENVELOPE = ["api_version", "items_count", "total_items", "limit", "offset", "next_item", "next_link", "item_type",
            "items"]
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def raw(api, method, path, headers=None, body=None):
    """A request with exactly these headers (no key added)."""
    response = api.client.http.request(method, path, headers=headers or {},
                                       body=json.dumps(body) if body is not None else None)
    response.json = json.loads(response.body) if response.body else None
    return response


def basic(key: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


@pytest.fixture
def people(api, acme):
    """Thirty constituents, named so that their sort order is their number."""
    return [constituent(api, acme, first_name=f"P{n:02d}", last_name="Page") for n in range(30)]


# ---- the key ---------------------------------------------------------------------------------

@pytest.mark.parametrize("way", ["bearer", "basic", "access_token"])
def test_the_key_is_taken_three_ways_for_reads_and_writes(api, acme, way):
    def send(method, path, key, body=None):
        headers = {"Content-Type": "application/json"}
        if way == "bearer":
            headers["Authorization"] = f"Bearer {key}"
        elif way == "basic":
            headers["Authorization"] = basic(key)
        else:
            path += ("&" if "?" in path else "?") + f"access_token={key}"
        return raw(api, method, path, headers, body)

    created = send("POST", f"{L}/constituents", acme.write_key, {"first_name": "Kay", "last_name": "Way"})
    assert created.status_code == 200, created.body
    read = send("GET", f"{L}/constituents/{created.json['id']}", acme.read_key)
    assert read.status_code == 200 and read.json["first_name"] == "Kay"
    assert lgl_error(send("GET", f"{L}/constituents", acme.write_key + "x"), 401)
    refused = send("PATCH", f"{L}/constituents/{created.json['id']}", acme.read_key, {"first_name": "No"})
    assert "read-only" in lgl_error(refused, 403)["description"]
    assert api.get(f"{L}/constituents/{created.json['id']}", acme).json["first_name"] == "Kay"


@pytest.mark.parametrize("authorization", [None, "Basic not-base64!", "Basic " + base64.b64encode(b":").decode(),
                                           "Token abc", "Bearer"])
def test_no_usable_key_is_a_401_with_a_challenge(api, acme, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = raw(api, "GET", f"{L}/constituents", headers)
    lgl_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="')


def test_a_header_key_wins_over_the_query_and_the_query_key_is_never_echoed(api, acme, people):
    response = raw(api, "GET", f"{L}/constituents?limit=2&access_token=not-a-key",
                   {"Authorization": f"Bearer {acme.read_key}"})
    assert response.status_code == 200
    following = raw(api, "GET", f"{L}/constituents?limit=2&access_token={acme.read_key}")
    assert following.status_code == 200
    assert "access_token" not in following.json["next_link"] and acme.read_key not in following.body.decode()


# ---- paths -------------------------------------------------------------------------------------

def test_every_collection_and_item_answers_at_its_json_path_too(api, acme):
    person = constituent(api, acme, email_addresses=[{"address": "kay@example.org"}])
    email = person["email_addresses"][0]["id"]
    for plain in (f"{L}/constituents", f"{L}/constituents/{person['id']}", f"{L}/constituents/search",
                  f"{L}/constituents/{person['id']}/email_addresses", f"{L}/email_addresses/{email}",
                  f"{L}/types", f"{L}/types/phone_number_types", f"{L}/team_members"):
        assert api.get(plain + ".json", acme).json == api.get(plain, acme).json, plain
    made = api.post(f"{L}/constituents/{person['id']}/phone_numbers.json", acme, {"number": "555-0100"})
    assert made.status_code == 200 and made.json["item_id"] == person["id"]
    assert api.delete(f"{L}/phone_numbers/{made.json['id']}.json", acme).json["result"] == "success"


def test_search_is_never_read_as_a_constituent_id(api, acme):
    constituent(api, acme)
    response = api.get(f"{L}/constituents/search", acme)
    assert response.status_code == 200 and response.json["item_type"] == "constituent"


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "1.5", "12.xml", "99999999999999999999"])
def test_an_id_that_names_no_record_is_lgls_404(api, acme, bad):
    body = lgl_error(api.get(f"{L}/constituents/{bad}", acme), 404)
    assert body["description"].startswith("Item with id '")


# ---- lists ---------------------------------------------------------------------------------------

def test_a_list_has_lgls_envelope_in_its_order(api, acme, people):
    body = api.get(f"{L}/constituents?limit=5", acme).json
    assert list(body) == ENVELOPE
    assert (body["api_version"], body["items_count"], body["total_items"], body["limit"], body["offset"]) == (
        "1.0", 5, 30, 5, 0)
    assert body["next_item"] == 5 and body["item_type"] == "constituent"
    assert body["next_link"].endswith("/api/v1/constituents?limit=5&offset=5")
    assert [i["first_name"] for i in body["items"]] == [f"P{n:02d}" for n in range(5)]


def test_the_default_page_is_25_and_the_last_page_has_no_next(api, acme, people):
    first = api.get(f"{L}/constituents", acme).json
    assert (first["limit"], first["items_count"], first["next_item"]) == (25, 25, 25)
    last = api.get(f"{L}/constituents?offset=25", acme).json
    assert last["items_count"] == 5 and last["total_items"] == 30
    assert "next_item" not in last and "next_link" not in last


def test_following_offsets_reads_everyone_once_and_no_page_is_short_while_more_match(api, acme, people):
    seen, offset = [], 0
    while True:
        page = api.get(f"{L}/constituents/search?q[]=name=page&limit=7&offset={offset}&sort=name", acme).json
        seen += [item["id"] for item in page["items"]]
        if "next_item" not in page:
            break
        assert page["items_count"] == 7  # a client stopping at a short page misses nothing
        offset = page["next_item"]
    assert sorted(seen) == sorted(p["id"] for p in people) and len(seen) == 30


def test_limit_zero_is_only_the_total(api, acme, people):
    body = api.get(f"{L}/constituents?limit=0", acme).json
    assert (body["items"], body["items_count"], body["total_items"]) == ([], 0, 30)
    assert "next_item" not in body and "next_link" not in body


@pytest.mark.parametrize("limit", [101, 500])
def test_limits_up_to_500_are_served_whole(api, acme, people, limit):
    body = api.get(f"{L}/constituents?limit={limit}", acme).json
    assert (body["limit"], body["items_count"]) == (limit, 30)


@pytest.mark.parametrize("query, name", [("limit=501", "limit"), ("limit=-1", "limit"), ("limit=abc", "limit"),
                                         ("offset=-1", "offset"), ("offset=1.5", "offset")])
def test_a_bad_window_is_a_parameter_error_naming_it(api, acme, query, name):
    body = lgl_error(api.get(f"{L}/constituents?{query}", acme), 400)
    assert body["error"] == "Parameter Error" and fields_named(body) == [name]


def test_an_offset_past_the_end_is_empty_with_the_exact_total(api, acme, people):
    body = api.get(f"{L}/constituents?offset=100", acme).json
    assert (body["items"], body["total_items"], body["offset"]) == ([], 30, 100)
    assert "next_item" not in body


def test_the_next_link_keeps_the_other_parameters(api, acme, people):
    body = api.get(f"{L}/constituents/search?q[]=name=page&limit=10&sort=name!&colour=red", acme).json
    link = body["next_link"]
    assert "offset=10" in link and "limit=10" in link and "sort=name%21" in link and "colour=red" in link
    following = api.get(link[link.index("/api/v1"):], acme).json
    assert following["offset"] == 10 and following["items"][0]["first_name"] == "P19"


# ---- objects and values -----------------------------------------------------------------------------

def test_an_object_sits_flat_beside_api_version_with_numbers_dates_and_stamps(api, acme):
    made = constituent(api, acme, birthday="1980-02-29", external_constituent_id=4567)
    assert list(made)[:2] == ["api_version", "id"] and made["api_version"] == "1.0"
    assert isinstance(made["id"], int) and made["external_constituent_id"] == "4567"
    assert made["birthday"] == "1980-02-29" and re.match(r"^\d{4}-\d{2}-\d{2}$", made["date_added"])
    assert STAMP.match(made["created_at"]) and STAMP.match(made["updated_at"])
    fetched = api.get(f"{L}/constituents/{made['id']}", acme)
    assert fetched.status_code == 200 and fetched.json == made


def test_create_and_update_answer_200_and_delete_answers_success_twice(api, acme):
    response = api.post(f"{L}/constituents", acme, {"first_name": "Ann", "last_name": "Bee"})
    assert response.status_code == 200
    updated = api.patch(f"{L}/constituents/{response.json['id']}", acme, {"first_name": "Anne"})
    assert updated.status_code == 200 and updated.json["first_name"] == "Anne"
    for _ in range(2):
        deleted = api.delete(f"{L}/constituents/{response.json['id']}", acme)
        assert (deleted.status_code, deleted.json) == (200, {"api_version": "1.0", "result": "success"})
    lgl_error(api.get(f"{L}/constituents/{response.json['id']}", acme), 404)


def test_numbers_and_booleans_sent_as_strings_are_accepted(api, acme):
    made = constituent(api, acme, is_anon="true", marital_status_id="2",
                       phone_numbers=[{"number": "555-0100", "phone_number_type_id": "3", "is_preferred": "1"}])
    assert made["is_anon"] is True and made["marital_status_id"] == 2 and made["marital_status_name"] == "Married"
    assert made["phone_numbers"][0]["phone_number_type_id"] == 3
    assert made["phone_numbers"][0]["phone_type_name"] == "Mobile"


# ---- errors ----------------------------------------------------------------------------------

def test_a_missing_id_is_404_in_lgls_words_and_changes_nothing(api, acme):
    before = table_state()
    for method in ("GET", "PATCH", "DELETE"):
        body = lgl_error(api.call(method, f"{L}/constituents/12", acme, {"first_name": "X"}), 404)
        assert body["description"] == "Item with id '12' not found"
    assert lgl_error(api.get(f"{L}/constituents/12/email_addresses", acme), 404)["description"] == \
        "Item with id '12' not found"
    assert table_state() == before


def test_another_organisations_constituent_does_not_exist_for_you(api, acme, other):
    theirs = [constituent(api, other, email_addresses=[{"address": f"t{n}@example.org"}]) for n in range(2)][1]
    email = theirs["email_addresses"][0]["id"]
    before = table_state()
    for method, path in (("GET", f"constituents/{theirs['id']}"), ("PATCH", f"constituents/{theirs['id']}"),
                         ("DELETE", f"constituents/{theirs['id']}"), ("GET", f"constituents/{theirs['id']}/email_addresses"),
                         ("POST", f"constituents/{theirs['id']}/email_addresses"), ("GET", f"email_addresses/{email}"),
                         ("PATCH", f"email_addresses/{email}"), ("DELETE", f"email_addresses/{email}")):
        response = api.call(method, f"{L}/{path}", acme, {"address": "mine@example.org", "first_name": "Mine"})
        assert lgl_error(response, 404)["description"].startswith("Item with id"), (method, path)
    assert table_state() == before
    assert api.get(f"{L}/constituents/{theirs['id']}", other).status_code == 200


def test_an_unknown_search_term_is_lgls_parameter_error(api, acme):
    body = lgl_error(api.get(f"{L}/constituents/search?q[]=badterm=1", acme), 400)
    assert (body["error"], body["description"]) == ("Parameter Error", "Unknown query parameter: badterm")


@pytest.mark.parametrize("body, field", [
    ({"email_addresses": [{"address": "a@example.org", "email_address_type_id": "abc"}]},
     "email_addresses[0].email_address_type_id"),
    ({"birthday": "2024-13-01"}, "birthday"),
    ({"is_org": "maybe"}, "is_org"),
    ({"email_addresses": [{"address": "not an address"}]}, "email_addresses[0].address"),
    ({"phone_numbers": [{"number": "1"}, {"number": ""}]}, "phone_numbers[1].number"),
    ({"street_addresses": [{"city": "Oslo", "seasonal_from": "13-01"}]}, "street_addresses[0].seasonal_from"),
])
def test_an_invalid_body_is_422_naming_the_field_and_creates_nothing(api, acme, body, field):
    before = table_state()
    answer = lgl_error(api.post(f"{L}/constituents", acme, {"first_name": "A", "last_name": "B", **body}), 422)
    assert field in fields_named(answer) and field in answer["description"], answer
    assert {k: v for k, v in table_state().items() if not k[1].startswith("COUNTER#")} == before


def test_malformed_json_is_400_and_another_media_type_415(api, acme):
    assert "JSON" in lgl_error(api.post(f"{L}/constituents", acme, raw='{"first_name": '), 400)["description"]
    lgl_error(api.post(f"{L}/constituents", acme, {"first_name": "A"}, headers={"Content-Type": "text/plain"}), 415)


# ---- what clients send beside what is asked -------------------------------------------------------

def test_unknown_query_parameters_are_ignored_and_a_repeated_one_counts_once(api, acme, people):
    body = api.get(f"{L}/constituents?colour=red&limit=2&limit=9&fields=all", acme).json
    assert (body["limit"], body["items_count"]) == (2, 2)


def test_unknown_body_fields_are_not_stored_but_named_in_a_header_and_the_log(api, acme, caplog):
    with caplog.at_level(logging.INFO, logger="donor_api"):
        response = api.post(f"{L}/constituents", acme, {
            "first_name": "Ann", "last_name": "Bee", "sort_name": "Zed", "favourite": "tea",
            "email_addresses": [{"address": "ann@example.org", "parent_id": 3}, {}],
            "class_affiliations": [{"class_affiliation_type_id": 515, "grade": "A"}]})
    assert response.status_code == 200
    named = response.headers["X-Ignored-Fields"].split(", ")
    assert set(named) == {"sort_name", "favourite", "email_addresses[0].parent_id", "class_affiliations[0].grade"}
    assert response.json["sort_name"] == "Bee, Ann" and "favourite" not in response.json
    assert len(response.json["email_addresses"]) == 1 and len(response.json["class_affiliations"]) == 1
    stored = api.get(f"/api/v1/donors/{response.json['id']}", acme).json
    assert "favourite" not in stored
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.getMessage().startswith('{"msg": "request"')]
    posted = [line for line in lines if line["method"] == "POST"]
    assert set(posted[-1]["ignored_fields"]) == set(named)


def test_a_body_without_unknown_fields_has_no_ignored_header(api, acme):
    assert "X-Ignored-Fields" not in api.post(f"{L}/constituents", acme, {"last_name": "Plain"}).headers


def test_an_odd_unknown_field_name_is_percent_encoded_in_the_header(api, acme):
    response = api.post(f"{L}/constituents", acme, {"last_name": "Odd", "a\nb": 1, "naïve,x": 2})
    assert response.status_code == 200
    header = response.headers["X-Ignored-Fields"]
    assert header.isascii() and "\n" not in header
    assert "a%0Ab" in header and "na%C3%AFve%2Cx" in header


# ---- the path nobody serves -----------------------------------------------------------------------

def test_an_unknown_path_body_is_read_by_native_and_lgl_clients_alike():
    body = unknown_path.body("There is no resource at /api/v1/gifts.")
    assert {"type", "title", "status", "detail", "errors"} <= set(body)  # RFC 9457, the native face's
    assert (body["api_version"], body["error"]) == ("1.0", "Not Found")  # LGL's
    assert body["description"] == body["detail"] and body["status"] == 404
    assert unknown_path.CONTENT_TYPE == "application/problem+json"


def test_gifts_of_a_constituent_are_not_served_yet_but_the_donation_is_there(api, acme):
    """Part 2 serves gifts; until then the native face shows the constituent's donations."""
    made = constituent(api, acme)
    new_donation(api, acme, str(made["id"]))
    assert api.get(f"/api/v1/donors/{made['id']}", acme).json["donation_count"] == 1
