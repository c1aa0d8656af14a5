"""The MPDX face (JSON:API): /api/v2/organizations/contacts over the donor records."""
from __future__ import annotations

import json
import math
import urllib.parse

import pytest


import app as _app  # noqa: F401  (registers every face's routes into ROUTES)
from chalicelib.domain import donors
from chalicelib.faces.http import ROUTES
from chalicelib.store import dynamo, keys
from chalicelib.store.context import records
from tests.conftest import new_donation, new_donor, new_log

CONTACTS = "/api/v2/organizations/contacts"
JSONAPI = "application/vnd.api+json"
JSON_API_HEADERS = {"Content-Type": JSONAPI, "Accept": JSONAPI}
MPDX_ROUTES = [r for r in ROUTES if r.face == "mpdx"]
ATTRIBUTES = {"allow_deletion", "created_at", "name", "square_avatar", "updated_at", "updated_in_db_at"}


# ---- helpers -----------------------------------------------------------------------------

def mpdx(api, method, path, org, *, scope="WRITE", headers=None, raw=None):
    """A request as an MPDX client sends it (JSON:API headers), with any header overridden."""
    return api.call(method, path, org, scope=scope, headers={**JSON_API_HEADERS, **(headers or {})}, raw=raw)


def listing(api, org, query: str = "", **kw):
    response = mpdx(api, "GET", f"{CONTACTS}{'?' + query if query else ''}", org, **kw)
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"] == JSONAPI
    return response.json


def names(document) -> list[str]:
    return [c["attributes"]["name"] for c in document["data"]]


def ids(document) -> list[str]:
    return [c["id"] for c in document["data"]]


def q(**params: str) -> str:
    return urllib.parse.urlencode(params)


def assert_jsonapi_error(response, status: int, *, parameter: str | None = None,
                         header: str | None = None) -> dict:
    assert response.status_code == status, response.body
    assert response.headers["Content-Type"] == JSONAPI
    body = json.loads(response.body)
    assert set(body) == {"errors"}, body
    assert body["errors"], body
    for error in body["errors"]:
        assert {"status", "title", "detail"} <= set(error) <= {"status", "title", "detail", "source"}
        assert error["status"] == str(status)
        assert isinstance(error["title"], str) and error["title"]
        assert isinstance(error["detail"], str) and error["detail"]
        if "source" in error:
            assert len(error["source"]) == 1 and set(error["source"]) <= {"pointer", "parameter", "header"}
    if parameter is not None:
        assert {"parameter": parameter} in [e.get("source") for e in body["errors"]], body
    if header is not None:
        assert {"header": header} in [e.get("source") for e in body["errors"]], body
    return body


def together_state(api, org):
    """What the Together face shows of the org's donors (to prove a refusal changed nothing)."""
    listed = api.get("/api/v1/donors?limit=100", org)
    assert listed.status_code == 200
    return listed.json["data"]


@pytest.fixture
def people(api, acme):
    """Donors of every kind of status, in a known name order."""
    made = {
        "adams": new_donor(api, acme, first_name="Ann", last_name="Adams", status="Partner - Financial",
                           email="ann@adams.example", phone="+1 (555) 010-0001"),
        "baker": new_donor(api, acme, first_name="Bob", last_name="Baker", status="Never Ask",
                           notes="Asked us to stop calling"),
        "clark": new_donor(api, acme, first_name="Cy", last_name="Clark"),  # no status
        "fund": new_donor(api, acme, is_org=True, org_name="Dunn Family Fund", status="Ask in Future",
                          street="1 Main St", city="Springfield"),
        "evans": new_donor(api, acme, first_name="Eve", last_name="Evans", status="Unresponsive"),
    }
    return made


# ---- the resource ------------------------------------------------------------------------

def test_the_list_has_the_seeds_shape(api, acme, people):
    document = listing(api, acme)
    assert set(document) == {"data", "meta"}
    assert document["meta"] == {
        "pagination": {"page": 1, "per_page": 25, "total_count": 5, "total_pages": 1},
        "sort": None,
        "filter": {},
    }
    for contact in document["data"]:
        assert set(contact) == {"id", "type", "attributes", "relationships"}
        assert contact["type"] == "contacts"
        assert isinstance(contact["id"], str) and contact["id"].isdigit()
        assert set(contact["attributes"]) == ATTRIBUTES
        assert set(contact["relationships"]) == {"account_list", "people", "addresses"}
        assert contact["relationships"]["account_list"] == {"data": {"id": "acme", "type": "account_lists"}}
    # by name when no sort is given
    assert names(document) == ["Adams, Ann", "Baker, Bob", "Clark, Cy", "Dunn Family Fund", "Evans, Eve"]


def test_one_contact_renders_the_donor(api, acme):
    donor = new_donor(api, acme, first_name="Lettie", last_name="Volkman", street="1 Main St")
    response = mpdx(api, "GET", f"{CONTACTS}/{donor['id']}", acme)
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"] == JSONAPI
    stamp = donor["created_at"].replace(".000Z", "Z")[:19] + "Z"
    assert response.json == {"data": {
        "id": donor["id"],
        "type": "contacts",
        "attributes": {
            "allow_deletion": True,
            "created_at": stamp,
            "name": "Volkman, Lettie",
            "square_avatar": None,
            "updated_at": stamp,
            "updated_in_db_at": stamp,
        },
        "relationships": {
            "account_list": {"data": {"id": "acme", "type": "account_lists"}},
            "people": {"data": [{"id": donor["id"], "type": "people"}]},
            "addresses": {"data": [{"id": donor["id"], "type": "addresses"}]},
        },
    }}
    # the list renders the same resource object
    assert listing(api, acme)["data"] == [response.json["data"]]


def test_an_organisation_is_named_by_its_org_name_and_has_no_people(api, acme):
    org = new_donor(api, acme, is_org=True, org_name="Acme Foundation", first_name=None, last_name=None)
    contact = mpdx(api, "GET", f"{CONTACTS}/{org['id']}", acme).json["data"]
    assert contact["attributes"]["name"] == "Acme Foundation"
    assert contact["relationships"]["people"] == {"data": []}
    assert contact["relationships"]["addresses"] == {"data": []}


@pytest.mark.parametrize("field", ["street", "city", "state", "postal_code", "country"])
def test_any_address_field_makes_an_address(api, acme, field):
    donor = new_donor(api, acme, **{field: "X1"})
    contact = mpdx(api, "GET", f"{CONTACTS}/{donor['id']}", acme).json["data"]
    assert contact["relationships"]["addresses"] == {"data": [{"id": donor["id"], "type": "addresses"}]}


def test_timestamps_follow_together_changes(api, acme):
    donor = new_donor(api, acme)
    changed = api.patch(f"/api/v1/donors/{donor['id']}", acme, {"first_name": "Janet"}).json
    attributes = mpdx(api, "GET", f"{CONTACTS}/{donor['id']}", acme).json["data"]["attributes"]
    assert attributes["name"] == "Doe, Janet"
    assert attributes["updated_at"] == attributes["updated_in_db_at"] == changed["updated_at"][:19] + "Z"
    assert attributes["created_at"] == donor["created_at"][:19] + "Z"


# ---- pagination --------------------------------------------------------------------------

def test_pages_by_number_with_exact_totals(api, acme):
    made = [new_donor(api, acme, first_name=f"P{n:02d}", last_name="Page") for n in range(7)]
    expected = [d["id"] for d in made]  # "Page, P00" ... in order
    seen = []
    for page in (1, 2, 3):
        document = listing(api, acme, q(page=page, per_page=3))
        assert document["meta"]["pagination"] == {"page": page, "per_page": 3, "total_count": 7, "total_pages": 3}
        seen += ids(document)
    assert seen == expected
    past = listing(api, acme, q(page=4, per_page=3))
    assert past["data"] == [] and past["meta"]["pagination"]["total_count"] == 7


def test_an_empty_list_has_zero_pages(api, acme):
    assert listing(api, acme)["meta"]["pagination"] == {"page": 1, "per_page": 25, "total_count": 0, "total_pages": 0}


def test_per_page_bounds_are_accepted(api, acme, people):
    assert len(listing(api, acme, q(per_page=1))["data"]) == 1
    document = listing(api, acme, q(per_page=500))
    assert len(document["data"]) == 5 and document["meta"]["pagination"]["total_pages"] == 1


@pytest.mark.parametrize("name, value", [
    ("page", "0"), ("page", "-1"), ("page", "abc"), ("page", "1.5"), ("page", ""), ("page", "²"),
    ("page", "1000000001"), ("per_page", "0"), ("per_page", "501"), ("per_page", "x"), ("per_page", "١٠"),
])
def test_bad_page_parameters_are_400_naming_them(api, acme, name, value):
    response = mpdx(api, "GET", f"{CONTACTS}?{q(**{name: value})}", acme)
    assert_jsonapi_error(response, 400, parameter=name)


def test_walking_every_page_visits_every_contact_once_in_order(api, acme):
    for n in range(23):
        new_donor(api, acme, first_name=f"W{(n * 7) % 23:02d}", last_name="Walk")
    for sort in ("name", "-name"):
        total = listing(api, acme, q(sort=sort))
        seen = []
        for page in range(1, math.ceil(23 / 5) + 1):
            seen += ids(listing(api, acme, q(sort=sort, page=page, per_page=5)))
        assert seen == ids(total) and len(set(seen)) == 23


# ---- sort --------------------------------------------------------------------------------

def test_sort_by_name_and_reverse(api, acme, people):
    forward = listing(api, acme, q(sort="name"))
    assert forward["meta"]["sort"] == "name"
    assert names(forward) == ["Adams, Ann", "Baker, Bob", "Clark, Cy", "Dunn Family Fund", "Evans, Eve"]
    backward = listing(api, acme, q(sort="-name"))
    assert backward["meta"]["sort"] == "-name"
    assert names(backward) == names(forward)[::-1]


def test_sort_ignores_case_and_keeps_ties_by_id(api, acme):
    first = new_donor(api, acme, first_name="Al", last_name="smith")
    second = new_donor(api, acme, first_name="Al", last_name="Smith")
    new_donor(api, acme, first_name="Zed", last_name="Allen")
    assert ids(listing(api, acme, q(sort="name")))[1:] == [first["id"], second["id"]]
    assert ids(listing(api, acme, q(sort="-name")))[:2] == [second["id"], first["id"]]


@pytest.mark.parametrize("sort", ["NAME", "created_at", "name,-name", "+name", "", "-"])
def test_other_sorts_are_400(api, acme, sort):
    assert_jsonapi_error(mpdx(api, "GET", f"{CONTACTS}?{q(sort=sort)}", acme), 400, parameter="sort")


# ---- filter[status] ----------------------------------------------------------------------

@pytest.mark.parametrize("status", donors.STATUSES)
def test_each_status_filters_to_its_contacts(api, acme, status):
    wanted = new_donor(api, acme, last_name="Wanted", status=status)
    other = donors.STATUSES[(donors.STATUSES.index(status) + 1) % len(donors.STATUSES)]
    new_donor(api, acme, last_name="Other", status=other)
    new_donor(api, acme, last_name="None")
    document = listing(api, acme, q(**{"filter[status]": status}))
    assert ids(document) == [wanted["id"]]
    assert document["meta"]["filter"] == {"status": status}
    assert document["meta"]["pagination"]["total_count"] == 1


def test_several_statuses_at_once(api, acme, people):
    document = listing(api, acme, q(**{"filter[status]": "Never Ask,Partner - Financial"}))
    assert names(document) == ["Adams, Ann", "Baker, Bob"]
    assert document["meta"]["filter"] == {"status": "Never Ask,Partner - Financial"}
    spaced = listing(api, acme, q(**{"filter[status]": "Never Ask , Partner - Financial"}))
    assert names(spaced) == names(document)


def test_active_is_the_active_statuses_and_no_status(api, acme, people):
    assert names(listing(api, acme, q(**{"filter[status]": "active"}))) == [
        "Adams, Ann", "Clark, Cy", "Dunn Family Fund"]


def test_hidden_is_the_inactive_statuses(api, acme, people):
    assert names(listing(api, acme, q(**{"filter[status]": "hidden"}))) == ["Baker, Bob", "Evans, Eve"]


def test_null_is_no_status(api, acme, people):
    assert names(listing(api, acme, q(**{"filter[status]": "null"}))) == ["Clark, Cy"]


def test_pseudo_values_combine_with_statuses(api, acme, people):
    assert names(listing(api, acme, q(**{"filter[status]": "null,Never Ask"}))) == ["Baker, Bob", "Clark, Cy"]
    assert len(listing(api, acme, q(**{"filter[status]": "active,hidden"}))["data"]) == 5
    assert names(listing(api, acme, q(**{"filter[status]": "hidden,Unresponsive"}))) == ["Baker, Bob", "Evans, Eve"]


def test_status_set_through_together_shows_in_the_filters(api, acme, people):
    clark = people["clark"]["id"]
    api.patch(f"/api/v1/donors/{clark}", acme, {"status": "Research Abandoned"})
    assert "Clark, Cy" in names(listing(api, acme, q(**{"filter[status]": "hidden"})))
    assert listing(api, acme, q(**{"filter[status]": "null"}))["data"] == []
    api.patch(f"/api/v1/donors/{clark}", acme, {"status": None})  # cleared: no status again
    assert names(listing(api, acme, q(**{"filter[status]": "null"}))) == ["Clark, Cy"]


@pytest.mark.parametrize("value", ["Active", "ACTIVE", "partner - pray", "Partner-Pray", "nil", "none",
                                   "", ",", "active,", "Never Ask,,active", "x" * 300])
def test_bad_status_values_are_400(api, acme, value):
    response = mpdx(api, "GET", f"{CONTACTS}?{q(**{'filter[status]': value})}", acme)
    assert_jsonapi_error(response, 400, parameter="filter[status]")


# ---- filter[wildcard_search] -------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("adams", ["Adams, Ann"]),           # last name
    ("ANN", ["Adams, Ann"]),             # first name, any case
    ("adams, ann", ["Adams, Ann"]),      # the name as MPDX shows it
    ("family fund", ["Dunn Family Fund"]),  # an organisation's name
    ("ann@adams", ["Adams, Ann"]),       # e-mail
    ("010-0001", ["Adams, Ann"]),        # phone as typed
    ("5550100001", ["Adams, Ann"]),      # phone by its digits
    ("555.010.0001", ["Adams, Ann"]),    # phone written otherwise
    ("stop calling", ["Baker, Bob"]),    # notes
    ("e", ["Adams, Ann", "Baker, Bob", "Dunn Family Fund", "Evans, Eve"]),
    ("nobody", []),
])
def test_wildcard_search_matches_name_email_phone_and_notes(api, acme, people, text, expected):
    document = listing(api, acme, q(**{"filter[wildcard_search]": text}))
    assert names(document) == expected
    assert document["meta"]["filter"] == {"wildcard_search": text}
    assert document["meta"]["pagination"]["total_count"] == len(expected)


def test_wildcard_search_combines_with_status_sort_and_pages(api, acme, people):
    document = listing(api, acme, q(**{"filter[wildcard_search]": "e", "filter[status]": "hidden",
                                       "sort": "-name", "per_page": 1}))
    assert names(document) == ["Evans, Eve"]
    assert document["meta"]["pagination"] == {"page": 1, "per_page": 1, "total_count": 2, "total_pages": 2}
    assert document["meta"]["filter"] == {"status": "hidden", "wildcard_search": "e"}
    assert document["meta"]["sort"] == "-name"


def test_empty_wildcard_search_matches_everyone(api, acme, people):
    assert len(listing(api, acme, "filter[wildcard_search]=")["data"]) == 5


def test_wildcard_search_follows_together_changes(api, acme, people):
    api.patch(f"/api/v1/donors/{people['clark']['id']}", acme, {"notes": "Loves sailing"})
    assert names(listing(api, acme, q(**{"filter[wildcard_search]": "SAILING"}))) == ["Clark, Cy"]


def test_too_long_wildcard_search_is_400(api, acme):
    response = mpdx(api, "GET", f"{CONTACTS}?{q(**{'filter[wildcard_search]': 'x' * 201})}", acme)
    assert_jsonapi_error(response, 400, parameter="filter[wildcard_search]")


# ---- filter[organization_id] -------------------------------------------------------------

def test_organization_id_of_the_caller_keeps_every_contact(api, acme, people):
    assert len(listing(api, acme, q(**{"filter[organization_id]": "acme"}))["data"]) == 5
    both = listing(api, acme, q(**{"filter[organization_id]": "acme-corp,acme"}))
    assert len(both["data"]) == 5
    assert both["meta"]["filter"] == {"organization_id": "acme-corp,acme"}


@pytest.mark.parametrize("value", ["acme-corp", "nobody", "ACME", "acme-corp,other"])
def test_another_organization_id_matches_nothing(api, acme, other, people, value):
    new_donor(api, other, last_name="Theirs")
    document = listing(api, acme, q(**{"filter[organization_id]": value}))
    assert document["data"] == []
    assert document["meta"]["pagination"]["total_count"] == 0
    # and the other org's own key sees only its own contacts under its own id
    assert names(listing(api, other, q(**{"filter[organization_id]": "acme-corp"}))) == ["Theirs, Jane"]


@pytest.mark.parametrize("value", ["", ",", "acme,", "x" * 1001])
def test_bad_organization_id_values_are_400(api, acme, value):
    response = mpdx(api, "GET", f"{CONTACTS}?{q(**{'filter[organization_id]': value})}", acme)
    assert_jsonapi_error(response, 400, parameter="filter[organization_id]")


# ---- other query parameters --------------------------------------------------------------

@pytest.mark.parametrize("name", ["filter[bogus]", "filter", "filter[name]", "include", "fields[contacts]",
                                  "page[number]", "page[size]", "colour", "limit", "cursor", "q"])
def test_unknown_list_parameters_are_400_naming_them(api, acme, name):
    response = mpdx(api, "GET", f"{CONTACTS}?{urllib.parse.quote(name)}=1", acme)
    assert_jsonapi_error(response, 400, parameter=name)


def test_repeated_parameter_is_400(api, acme):
    response = mpdx(api, "GET", f"{CONTACTS}?filter[status]=active&filter[status]=hidden", acme)
    assert_jsonapi_error(response, 400, parameter="filter[status]")


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_query_parameters_on_one_contact_are_400(api, acme, method):
    donor = new_donor(api, acme)
    response = mpdx(api, method, f"{CONTACTS}/{donor['id']}?include=people", acme)
    assert_jsonapi_error(response, 400, parameter="include")
    assert mpdx(api, "GET", f"{CONTACTS}/{donor['id']}", acme).status_code == 200


# ---- delete ------------------------------------------------------------------------------

def test_delete_is_204_then_the_contact_is_gone_on_every_face(api, acme, people):
    gone = people["clark"]["id"]
    response = mpdx(api, "DELETE", f"{CONTACTS}/{gone}", acme)
    assert response.status_code == 204, response.body
    assert not response.body

    assert_jsonapi_error(mpdx(api, "GET", f"{CONTACTS}/{gone}", acme), 404)
    assert gone not in ids(listing(api, acme))
    assert listing(api, acme)["meta"]["pagination"]["total_count"] == 4
    assert listing(api, acme, q(**{"filter[status]": "null"}))["data"] == []
    assert api.get(f"/api/v1/donors/{gone}", acme).status_code == 404
    assert gone not in [d["id"] for d in together_state(api, acme)]
    # idempotent, as on every face
    assert mpdx(api, "DELETE", f"{CONTACTS}/{gone}", acme).status_code == 204
    assert api.delete(f"/api/v1/donors/{gone}", acme).status_code == 204


def test_a_contact_deleted_through_together_is_gone_here(api, acme):
    donor = new_donor(api, acme)
    assert api.delete(f"/api/v1/donors/{donor['id']}", acme).status_code == 204
    assert_jsonapi_error(mpdx(api, "GET", f"{CONTACTS}/{donor['id']}", acme), 404)
    assert listing(api, acme)["data"] == []


@pytest.mark.parametrize("history", ["donation", "contact_log", "both"])
def test_a_contact_with_history_cannot_be_deleted(api, acme, history):
    donor = new_donor(api, acme)
    if history in ("donation", "both"):
        new_donation(api, acme, donor["id"])
    if history in ("contact_log", "both"):
        new_log(api, acme, donor["id"])
    contact = mpdx(api, "GET", f"{CONTACTS}/{donor['id']}", acme).json["data"]
    assert contact["attributes"]["allow_deletion"] is False
    assert listing(api, acme)["data"][0]["attributes"]["allow_deletion"] is False
    before = (together_state(api, acme), api.get(f"/api/v1/donors/{donor['id']}", acme).headers["ETag"])

    refused = mpdx(api, "DELETE", f"{CONTACTS}/{donor['id']}", acme)
    body = assert_jsonapi_error(refused, 409)
    assert "allow_deletion" in body["errors"][0]["detail"]
    after = (together_state(api, acme), api.get(f"/api/v1/donors/{donor['id']}", acme).headers["ETag"])
    assert after == before
    assert mpdx(api, "GET", f"{CONTACTS}/{donor['id']}", acme).json["data"] == contact


def test_allow_deletion_turns_true_when_the_history_is_gone(api, acme):
    donor = new_donor(api, acme)
    gift = new_donation(api, acme, donor["id"])
    log = new_log(api, acme, donor["id"])
    assert api.delete(f"/api/v1/donations/{gift['id']}", acme).status_code == 204
    assert mpdx(api, "GET", f"{CONTACTS}/{donor['id']}", acme).json["data"]["attributes"]["allow_deletion"] is False
    assert api.delete(f"/api/v1/contact-logs/{log['id']}", acme).status_code == 204
    assert mpdx(api, "GET", f"{CONTACTS}/{donor['id']}", acme).json["data"]["attributes"]["allow_deletion"] is True
    assert mpdx(api, "DELETE", f"{CONTACTS}/{donor['id']}", acme).status_code == 204


def test_allow_deletion_agrees_with_delete_for_every_contact(api, acme):
    plain = new_donor(api, acme, last_name="Plain")
    giver = new_donor(api, acme, last_name="Giver")
    new_donation(api, acme, giver["id"])
    logged = new_log(api, acme, new_donor(api, acme, last_name="Logged")["id"])
    for contact in listing(api, acme)["data"]:
        response = mpdx(api, "DELETE", f"{CONTACTS}/{contact['id']}", acme)
        assert response.status_code == (204 if contact["attributes"]["allow_deletion"] else 409), contact
    assert ids(listing(api, acme)) == [giver["id"], logged["donor_id"]]  # by name: Giver, Logged
    assert plain["id"] not in ids(listing(api, acme))


# ---- ids that name no contact ------------------------------------------------------------

@pytest.mark.parametrize("record", ["999", "0", "-1", "abc", "1.5", "1e3", "²", "9" * 13, "9" * 40, "ext-1",
                                    "01", "0001", "00"])
@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_ids_that_name_no_contact_are_404(api, acme, method, record):
    new_donor(api, acme, external_id="ext-1")
    response = mpdx(api, method, f"{CONTACTS}/{urllib.parse.quote(record)}", acme)
    assert_jsonapi_error(response, 404)
    assert len(listing(api, acme)["data"]) == 1


# ---- media types -------------------------------------------------------------------------

@pytest.mark.parametrize("content_type", [
    "application/json", "text/plain", "application/x-www-form-urlencoded", "application/vnd.api+json; charset=utf-8",
    "application/vnd.api+json;charset=UTF-8", 'application/vnd.api+json; ext="https://jsonapi.org/ext/atomic"',
    "application/vnd.api+json; foo=bar", "application/vnd.api", "garbage", "/",
])
def test_delete_with_a_wrong_content_type_is_415_and_deletes_nothing(api, acme, content_type):
    donor = new_donor(api, acme)
    response = mpdx(api, "DELETE", f"{CONTACTS}/{donor['id']}", acme, headers={"Content-Type": content_type})
    assert_jsonapi_error(response, 415, header="Content-Type")
    assert mpdx(api, "GET", f"{CONTACTS}/{donor['id']}", acme).status_code == 200


def test_delete_with_a_body_but_no_content_type_is_415(api, acme):
    donor = new_donor(api, acme)
    response = api.client.http.delete(f"{CONTACTS}/{donor['id']}", body=b'{"data": null}',
                                      headers={"Authorization": f"Bearer {acme.write_key}"})
    response.json = None
    assert_jsonapi_error(response, 415, header="Content-Type")
    assert mpdx(api, "GET", f"{CONTACTS}/{donor['id']}", acme).status_code == 200


@pytest.mark.parametrize("content_type", [
    None, JSONAPI, "APPLICATION/VND.API+JSON", 'application/vnd.api+json; profile="https://example.com/p"',
])
def test_delete_without_or_with_plain_jsonapi_content_type_is_204(api, acme, content_type):
    donor = new_donor(api, acme)
    headers = {"Authorization": f"Bearer {acme.write_key}", "Accept": JSONAPI}
    if content_type:
        headers["Content-Type"] = content_type
    response = api.client.http.delete(f"{CONTACTS}/{donor['id']}", headers=headers)
    assert response.status_code == 204, response.body


@pytest.mark.parametrize("content_type", ["application/vnd.api+json; charset=utf-8",
                                          'application/vnd.api+json; ext="x"'])
def test_get_with_a_parameterised_jsonapi_content_type_is_415(api, acme, content_type):
    response = mpdx(api, "GET", CONTACTS, acme, headers={"Content-Type": content_type})
    assert_jsonapi_error(response, 415, header="Content-Type")


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "garbage"])
def test_get_ignores_a_content_type_it_has_no_body_for(api, acme, content_type):
    assert mpdx(api, "GET", CONTACTS, acme, headers={"Content-Type": content_type}).status_code == 200


@pytest.mark.parametrize("accept", [
    None, "", JSONAPI, "*/*", "application/*", "application/vnd.api+json, */*;q=0.1", "text/html, */*;q=0.8",
    "application/json, application/*", 'application/vnd.api+json; profile="https://example.com/p"',
    "application/vnd.api+json; charset=utf-8, application/vnd.api+json", "application/vnd.api+json;q=0.5",
    "APPLICATION/VND.API+JSON", "application/vnd.api+json; q=1; charset=x",
])
def test_acceptable_accept_headers(api, acme, accept):
    donor = new_donor(api, acme)
    headers = {"Authorization": f"Bearer {acme.write_key}", "Content-Type": JSONAPI}
    if accept is not None:
        headers["Accept"] = accept
    for path in (CONTACTS, f"{CONTACTS}/{donor['id']}"):
        response = api.client.http.get(path, headers=headers)
        assert response.status_code == 200, (accept, response.body)
        assert response.headers["Content-Type"] == JSONAPI


@pytest.mark.parametrize("accept", [
    "application/json", "text/html", "application/problem+json", "image/*", "text/*, image/png",
    "application/vnd.api+json; charset=utf-8", "application/vnd.api+json; charset=utf-8, */*",
    'application/vnd.api+json; ext="https://jsonapi.org/ext/atomic"', "application/vnd.api+json;q=0, */*",
    "*/*;q=0", "garbage", "application/vnd.api+json;q=2",
])
@pytest.mark.parametrize("method", ["GET list", "GET", "DELETE"])
def test_accept_that_excludes_jsonapi_is_406(api, acme, accept, method):
    donor = new_donor(api, acme)
    verb, path = ("GET", CONTACTS) if method == "GET list" else (method, f"{CONTACTS}/{donor['id']}")
    response = mpdx(api, verb, path, acme, headers={"Accept": accept})
    assert_jsonapi_error(response, 406, header="Accept")
    assert mpdx(api, "GET", f"{CONTACTS}/{donor['id']}", acme).status_code == 200


# ---- keys, scopes and methods ------------------------------------------------------------

def test_routes_are_declared_with_scopes():
    assert {(r.path, r.method, r.scope) for r in MPDX_ROUTES} == {
        (CONTACTS, "GET", "READ"), (CONTACTS + "/{record}", "GET", "READ"), (CONTACTS + "/{record}", "DELETE", "WRITE"),
    }


# ---- the data store --------------------------------------------------------------------

class _Counting:
    """Wraps the boto3 client and records the operations called."""

    def __init__(self, real):
        self.real = real
        self.calls: list[str] = []

    def __getattr__(self, name):
        attribute = getattr(self.real, name)
        if callable(attribute):
            def call(*args, **kwargs):
                self.calls.append(name)
                return attribute(*args, **kwargs)
            return call
        return attribute


@pytest.fixture
def counting(api, acme, monkeypatch):
    assert api.get("/api/v1/donors", acme, scope="READ").status_code == 200  # both keys cached
    assert api.get("/api/v1/donors", acme).status_code == 200
    counter = _Counting(dynamo.client())
    monkeypatch.setattr(dynamo, "client", lambda: counter)
    return counter


def test_a_list_page_reads_the_search_index_then_only_the_page_and_never_scans(api, acme, people, counting):
    """Filtered and counted on the compact rows (one Query per shard, in parallel, and the
    donors' count), then one batch read of the page's donors: never every donor whole."""
    for query, shown in (("", 5), (q(page=2, per_page=2), 2), (q(**{"filter[status]": "active,null", "sort": "-name"}), 3),
                         (q(**{"filter[wildcard_search]": "555-0100", "filter[status]": "Never Ask"}), 0)):
        counting.calls.clear()
        assert len(listing(api, acme, query)["data"]) == shown
        assert counting.calls.count("query") == keys.SEARCH_SHARDS + 1, (query, counting.calls)
        assert counting.calls.count("batch_get_item") == (1 if shown else 0), (query, counting.calls)
        assert set(counting.calls) <= {"query", "batch_get_item"}
    counting.calls.clear()
    listing(api, acme, q(**{"filter[organization_id]": "someone-else"}))
    assert counting.calls == []


def test_get_is_one_read_and_delete_one_read_one_write(api, acme, people, counting):
    contact = people["clark"]["id"]
    mpdx(api, "GET", f"{CONTACTS}/{contact}", acme)
    assert counting.calls == ["get_item"]
    counting.calls.clear()
    assert mpdx(api, "DELETE", f"{CONTACTS}/{contact}", acme).status_code == 204
    # one read (the donor with its contact points, which go with it), one write
    assert counting.calls == ["query", "transact_write_items"]


def test_a_list_reads_every_page_of_the_index_for_exact_totals(api, acme, people, monkeypatch):
    """Where a shard of the org's search index spans several 1 MB pages, every one is read
    (here forced by a tiny Limit), and the totals stay exact."""
    real = dynamo.client()
    counter = _Counting(real)

    def small_pages(**request):
        counter.calls.append("query")
        return real.query(**{**request, "Limit": 2})

    counter.query = small_pages
    listing(api, acme)  # keys cached
    monkeypatch.setattr(dynamo, "client", lambda: counter)
    records().search_index.forget()  # a cold Lambda: every row read again
    document = listing(api, acme, q(**{"filter[status]": "active", "per_page": 2, "page": 2}))
    assert document["meta"]["pagination"] == {"page": 2, "per_page": 2, "total_count": 3, "total_pages": 2}
    assert names(document) == ["Dunn Family Fund"]
    assert counter.calls.count("query") > keys.SEARCH_SHARDS + 1  # some shard took more than one page


# ---- the same donors ---------------------------------------------------------------------

def test_contacts_are_the_donors_of_the_together_face(api, acme):
    created = new_donor(api, acme, first_name="Lean", last_name="Paucek", status="Cultivate Relationship")
    document = listing(api, acme)
    assert ids(document) == [created["id"]]
    assert names(document) == ["Paucek, Lean"]
    assert ids(listing(api, acme, q(**{"filter[status]": "Cultivate Relationship"}))) == [created["id"]]
    api.patch(f"/api/v1/donors/{created['id']}", acme, {"last_name": "Abbott"})
    assert names(listing(api, acme)) == ["Abbott, Lean"]


# ---- fuzzing: no client input gets a 5xx, every error is a JSON:API document ---------------


