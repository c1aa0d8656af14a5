"""Every endpoint of LGL's own reference that this face serves, derived from the reference
itself (`docs/reference/lgl-endpoints.json`, the team's digest of LGL's doc kept in the
repository so a clean checkout tests against it: one record per endpoint, 117 of them), so that none is forgotten and none drifts from the doc's
method and path. Each is served for its method at its path and at its `.json` form, and
answers a real request (records made for it; a READ key for GETs) with LGL's body and a
status that is neither 404 nor 405.

The doc's path variables `{constituent_id}`, `{appeal_id}`, `{event_id}` and `{category_id}`
are the app's `{id}`: API Gateway takes one variable name per path level.

Every section of the reference is served: SERVED lists all 31 sections (117 endpoints), and
a test checks it is the reference's sections, so a section added to the digest must be served
and listed here."""
from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from tests.conftest import Api, Org, clean_account, make_org
from tests.lgl.conftest import L, constituent

REFERENCE_PATH = Path(__file__).resolve().parents[2] / "docs" / "reference" / "lgl-endpoints.json"
REFERENCE: list[dict[str, Any]] = json.loads(REFERENCE_PATH.read_text())

SERVED = (
    # part 1
    "Constituent Management", "Email Address Management", "Phone Number Management", "Street Address Management",
    "Web Address Management", "Type Management", "Team Members Management",
    # part 2
    "Gifts Management", "Contact Reports Management", "Gift Type Management", "Gift Category Management",
    "Payment Types Management", "Funds Management", "Campaigns Management", "Appeals Management",
    "Events Management", "Mailing Templates Management", "AppealRequests Management", "Invitations Management",
    "Volunteer Time Management",
    # part 3
    "Category Management", "Keyword Management", "Class Affiliation Types Management", "RelationshipType Management",
    "Custom Attributes Management", "Groups Management", "Membership Levels Management",
    "Group Memberships Management", "Membership Management",
    "Class Affiliations Management", "ConstituentRelationship Management",
)
# The doc's names of a parent's id; the app's is `{id}` at every level.
PARENT_VARIABLES = ("{constituent_id}", "{appeal_id}", "{event_id}", "{category_id}")
FORMS = ("path", ".json")


def app_path(doc_path: str) -> str:
    if doc_path.endswith("/constituents/{constituent_id}/keywords/{id}"):  # its own variable below the constituent's
        doc_path = doc_path.removesuffix("{id}") + "{keyword_id}"
    for variable in PARENT_VARIABLES:
        doc_path = doc_path.replace(variable, "{id}")
    return doc_path


def endpoints(sections: tuple[str, ...]) -> list[dict[str, Any]]:
    return [e for e in REFERENCE if e["section"] in sections]


def case_id(endpoint: dict[str, Any]) -> str:
    return f"{endpoint['method']} {endpoint['path']}"


def cases(sections: tuple[str, ...]) -> list[Any]:
    return [pytest.param(e, form, id=f"{case_id(e)} ({form})") for e in endpoints(sections) for form in FORMS]


def app_routes() -> dict[str, dict[str, Any]]:
    from app import app

    return app.routes


# ---- every section of the reference is served -------------------------------------------------

def test_every_section_of_the_reference_is_served():
    sections = [e["section"] for e in REFERENCE]
    assert len(REFERENCE) == 117 and len(set(sections)) == 31
    assert sorted(SERVED) == sorted(set(sections)), set(SERVED) ^ set(sections)
    assert len(endpoints(SERVED)) == 117


# ---- records for real requests --------------------------------------------------------------------

_SEQUENCE = itertools.count(1)


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[Api, Org]]:
    """One moto world and one organisation for the module; each case makes its own records."""
    from chalice.test import Client

    from app import app

    with clean_account(), Client(app) as client:
        api = Api(client)
        yield api, make_org("routes")


def _catalogue(key: str, **fields: Any) -> Callable[[Api, Org], int]:
    def make(api: Api, org: Org) -> int:
        made = api.post(f"{L}/{key}", org, {"name": f"{key} {next(_SEQUENCE)}", **fields})
        assert made.status_code == 201, made.body
        return int(made.json["id"])
    return make


# What a record of each collection is made with (POST under a constituent unless said), and
# what changes one. A parent's records: `parent` names the variable's collection.
CREATE: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "constituents": lambda r: {"first_name": "Route", "last_name": f"Case {next(_SEQUENCE)}"},
    "email_addresses": lambda r: {"address": f"route{next(_SEQUENCE)}@example.org"},
    "phone_numbers": lambda r: {"number": f"555-{next(_SEQUENCE):04d}"},
    "street_addresses": lambda r: {"street": f"{next(_SEQUENCE)} Main Street", "city": "Oslo"},
    "web_addresses": lambda r: {"url": f"https://route{next(_SEQUENCE)}.example.org"},
    "gifts": lambda r: {"received_amount": "10.00", "received_date": "2024-01-02"},
    "contact_reports": lambda r: {"text": "Called about the gala", "contact_report_type_name": "Call"},
    "appeal_requests": lambda r: {"appeal_id": r["appeals"], "constituent_id": r["constituents"],
                                  "ask_amount": "100", "status": "open"},
    "invitations": lambda r: {"event_id": r["events"], "constituent_id": r["constituents"]},
    "volunteer_times": lambda r: {"hours": "2", "date": "2024-01-02", "volunteering_category_id": 446,
                                  "description": "Stuffed envelopes"},
}
CHANGE: dict[str, dict[str, Any]] = {
    "constituents": {"middle_name": "Routed"},
    "email_addresses": {"email_address_type_id": 2},
    "phone_numbers": {"phone_number_type_id": 3},
    "street_addresses": {"city": "Bergen"},
    "web_addresses": {"web_address_type_id": 6},
    "gifts": {"note": "Changed"},
    "contact_reports": {"contact_report_type_name": "Email"},
    "appeal_requests": {"ask_amount": "150"},
    "invitations": {"notes": "Changed"},
    "volunteer_times": {"hours": "3"},
}


def _lgl_catalogue(key: str, **fields: Any) -> Callable[[Api, Org], int]:
    """A value of a catalogue LGL manages itself (its POST answers 200)."""
    def make(api: Api, org: Org) -> int:
        made = api.post(f"{L}/{key}", org, {"name": f"{key} {next(_SEQUENCE)}", **fields})
        assert made.status_code == 200, made.body
        return int(made.json["id"])
    return make


CATALOGUES = {"appeals": _catalogue("appeals"), "events": _catalogue("events"),
              "categories": _lgl_catalogue("categories", item_type="Constituent"),
              "groups": _lgl_catalogue("groups"), "membership_levels": _lgl_catalogue("membership_levels")}
CREATE.update({
    "categories": lambda r: {"item_type": "Constituent", "name": f"Category {next(_SEQUENCE)}"},
    "groups": lambda r: {"name": f"Group {next(_SEQUENCE)}"},
    "membership_levels": lambda r: {"name": f"Level {next(_SEQUENCE)}"},
    "keywords": lambda r: {"name": f"Keyword {next(_SEQUENCE)}"},
})
CHANGE.update({"categories": {"ordinal": 3}, "groups": {"ordinal": "10"}, "membership_levels": {"name": "Gold"},
               "keywords": {"short_code": "changed"}})
# A constituent's group memberships and memberships name a group and a level made for the case.
CREATE.update({
    "group_memberships": lambda r: {"group_id": r["groups"], "date_start": "2024-01-01"},
    "memberships": lambda r: {"membership_level_id": r["membership_levels"], "date_start": "2024-01-01",
                              "finish_date": "2024-12-31"},
})
CHANGE.update({"group_memberships": {"date_start": "2016-01-01"}, "memberships": {"note": "Changed"}})
# class affiliations and relationships (a relationship relates the case's constituent to another)
CREATE.update({
    "class_affiliations": lambda r: {"year": "2023", "class_affiliation_type_id": "515"},
    "constituent_relationships": lambda r: {"related_constituent_id": str(r["related"]), "name": "Friend"},
})
CHANGE.update({"class_affiliations": {"year": "2024"}, "constituent_relationships": {"name": "Family"}})
TYPE = "phone_number_types"  # what `/types/{type}` names


class Records:
    """Records made on demand, one of each collection a case names: a constituent first."""

    def __init__(self, api: Api, org: Org) -> None:
        self.api, self.org, self.ids = api, org, {}

    def __getitem__(self, collection: str) -> int:
        if collection not in self.ids:
            self.ids[collection] = self._make(collection)
        return self.ids[collection]

    def _make(self, collection: str) -> int:
        if collection in ("constituents", "related"):  # "related": another, to relate the case's to
            return constituent(self.api, self.org, **CREATE["constituents"](self))["id"]
        if collection in CATALOGUES:
            return CATALOGUES[collection](self.api, self.org)
        if collection == "keywords":
            made = self.api.post(f"{L}/categories/{self['categories']}/keywords", self.org, CREATE["keywords"](self))
            assert made.status_code == 200, made.body
            return made.json["id"]
        made = self.api.post(f"{L}/constituents/{self['constituents']}/{collection}", self.org,
                             CREATE[collection](self))
        assert made.status_code == 200, (collection, made.status_code, made.body)
        return made.json["id"]


def request_for(endpoint: dict[str, Any], records: Records) -> tuple[str, dict[str, Any] | None]:
    """The endpoint's path with real ids, and a valid body for its method."""
    parts = endpoint["path"].split("/")
    filled = []
    for n, part in enumerate(parts):
        if part == "{type}":
            filled.append(TYPE)
        elif part.startswith("{"):
            filled.append(str(records[parts[n - 1]]))  # the collection the variable is an id of
        else:
            filled.append(part)
    path, collection = "/".join(filled), parts[-1] if not parts[-1].startswith("{") else parts[-2]
    if endpoint["method"] == "POST" and path.endswith(f"/constituents/{records['constituents']}/keywords"):
        return path, {"id": records["keywords"]}  # assigning a keyword names it
    if endpoint["method"] == "POST":
        return path, CREATE[collection](records)
    if endpoint["method"] == "PATCH":
        return path, CHANGE[collection]
    return path, None


def assert_served(world: tuple[Api, Org], endpoint: dict[str, Any], form: str) -> None:
    method, path = endpoint["method"], app_path(endpoint["path"])
    declared = path if form == "path" or path.endswith("}") else path + ".json"  # `{id}` takes `12.json`
    served = sorted(app_routes().get(declared, {}))
    assert method in served, f"the app serves no {method} {declared} (it serves {served or 'nothing'} there)"
    api, org = world
    concrete, body = request_for(endpoint, Records(api, org))
    if form == ".json":
        concrete += ".json"
    response = api.call(method, concrete, org, body, scope="READ" if method == "GET" else "WRITE")
    assert response.status_code not in (404, 405) and response.status_code < 500, (
        method, concrete, response.status_code, response.body)
    assert response.json and response.json.get("api_version") == "1.0", (method, concrete, response.body)


# ---- served ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("endpoint, form", cases(SERVED))
def test_each_served_endpoint_answers_at_its_path_and_json_form(world, endpoint, form):
    assert_served(world, endpoint, form)


def test_the_path_variables_are_the_ones_mapped():
    """Every variable of the reference's paths is one this test maps (a new one must be added)."""
    variables = {v for e in REFERENCE for v in re.findall(r"\{[a-z_]+\}", e["path"])}
    assert variables == {"{id}", "{type}", *PARENT_VARIABLES}
