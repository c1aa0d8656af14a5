"""Donors through the Together face: POST/GET/PATCH/DELETE /api/v1/donors[/{id}] and the list."""
from __future__ import annotations

import pytest

from tests.conftest import field_names, new_donation, new_donor, new_log, walk

DONORS = "/api/v1/donors"

EVERY_FIELD = {
    "is_org": False,
    "prefix": "Dr.",
    "first_name": "Jane",
    "middle_name": "Q.",
    "last_name": "Doe",
    "suffix": "PhD",
    "nick_name": "JD",
    "org_name": "Doe Family Trust",
    "job_title": "Treasurer",
    "email": "jane.doe@example.org",
    "phone": "+1 555 0100",
    "street": "1 Main St",
    "city": "Springfield",
    "state": "IL",
    "postal_code": "62701",
    "country": "US",
    "external_id": "crm-0001",
    "birthday": "1970-02-28",
    "is_deceased": False,
    "is_anon": True,
    "salutation": "Dear Jane",
    "addressee": "Dr. Jane Doe",
    "status": "Partner - Financial",
    "notes": "Prefers e-mail.",
}
SERVER_FIELDS = {"id", "sort_name", "contact_log_count", "donation_count", "created_at", "updated_at"}


# ---- create and render ------------------------------------------------------------------

def test_person_is_created_with_every_field_rendered(api, acme):
    created = api.post(DONORS, acme, EVERY_FIELD)
    assert created.status_code == 201, created.body
    body = created.json
    assert set(body) == set(EVERY_FIELD) | SERVER_FIELDS
    assert {k: body[k] for k in EVERY_FIELD} == EVERY_FIELD
    assert body["id"] == "1" and isinstance(body["id"], str)
    assert body["sort_name"] == "Doe, Jane"
    assert body["contact_log_count"] == 0 and body["donation_count"] == 0
    assert body["created_at"] == body["updated_at"]
    assert body["created_at"].endswith("Z")
    assert created.headers["Location"] == f"{DONORS}/1"
    assert created.headers["ETag"] == '"1"'

    fetched = api.get(f"{DONORS}/1", acme)
    assert fetched.status_code == 200
    assert fetched.json == body


def test_minimal_person_renders_every_field_with_nulls_and_false_flags(api, acme):
    body = new_donor(api, acme, first_name="Jane", last_name="Doe")
    assert set(body) == set(EVERY_FIELD) | SERVER_FIELDS
    # The names a letter needs are filled when not sent (as LGL fills them: one record).
    assert (body["addressee"], body["salutation"]) == ("Jane Doe", "Jane")
    for name in set(EVERY_FIELD) - {"first_name", "last_name", "is_org", "is_deceased", "is_anon",
                                    "addressee", "salutation"}:
        assert body[name] is None, name
    assert body["is_org"] is False and body["is_deceased"] is False and body["is_anon"] is False


@pytest.mark.parametrize("fields, sort_name", [
    ({"first_name": "Jane", "last_name": "Doe"}, "Doe, Jane"),
    ({"last_name": "Doe"}, "Doe"),
    ({"first_name": "Cher"}, "Cher"),
])
def test_sort_name_is_derived_last_comma_first(api, acme, fields, sort_name):
    response = api.post(DONORS, acme, fields)
    assert response.status_code == 201, response.body
    assert response.json["sort_name"] == sort_name


def test_organisation_is_created_and_sorted_by_org_name(api, acme):
    response = api.post(DONORS, acme, {"is_org": True, "org_name": "Acme Foundation"})
    assert response.status_code == 201, response.body
    assert response.json["is_org"] is True
    assert response.json["org_name"] == "Acme Foundation"
    assert response.json["sort_name"] == "Acme Foundation"
    assert response.json["first_name"] is None


def test_organisation_without_org_name_is_refused_naming_org_name(api, acme):
    response = api.post(DONORS, acme, {"is_org": True, "first_name": "Jane"})
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert field_names(response) == ["org_name"]
    assert api.get(DONORS, acme).json["data"] == []


@pytest.mark.parametrize("body", [{}, {"email": "a@b.org"}, {"first_name": "", "last_name": ""}])
def test_person_without_a_name_is_refused(api, acme, body):
    response = api.post(DONORS, acme, body)
    assert response.status_code == 422
    assert set(field_names(response)) & {"first_name", "last_name"}
    assert api.get(DONORS, acme).json["data"] == []


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "a b@example.org", "@example.org", ""])
def test_invalid_email_is_refused(api, acme, email):
    response = api.post(DONORS, acme, {"last_name": "Doe", "email": email})
    assert response.status_code == 422
    assert field_names(response) == ["email"]


@pytest.mark.parametrize("birthday", ["1970-02-30", "1970-13-01", "02/28/1970", "1970-2-28",
                                      "1970-02-28T00:00:00Z", "yesterday"])
def test_invalid_birthday_is_refused(api, acme, birthday):
    response = api.post(DONORS, acme, {"last_name": "Doe", "birthday": birthday})
    assert response.status_code == 422
    assert field_names(response) == ["birthday"]


def test_leap_day_birthday_is_accepted(api, acme):
    assert new_donor(api, acme, birthday="1968-02-29")["birthday"] == "1968-02-29"


@pytest.mark.parametrize("field", ["favourite_colour", "name", "tags"])
def test_unknown_field_is_refused_naming_it(api, acme, field):
    response = api.post(DONORS, acme, {"last_name": "Doe", field: "x"})
    assert response.status_code == 422
    assert field_names(response) == [field]
    assert api.get(DONORS, acme).json["data"] == []


@pytest.mark.parametrize("field, value", [("id", "7"), ("sort_name", "Zed"), ("contact_log_count", 3),
                                          ("donation_count", 1), ("created_at", "2020-01-01T00:00:00.000Z")])
def test_read_only_field_is_refused_naming_it(api, acme, field, value):
    response = api.post(DONORS, acme, {"last_name": "Doe", field: value})
    assert response.status_code == 422
    assert field_names(response) == [field]
    assert api.get(DONORS, acme).json["data"] == []

    donor = new_donor(api, acme)
    patched = api.patch(f"{DONORS}/{donor['id']}", acme, {field: value})
    assert patched.status_code == 422
    assert field_names(patched) == [field]
    assert api.get(f"{DONORS}/{donor['id']}", acme).json == donor


# ---- external_id ------------------------------------------------------------------------

def test_external_id_is_unique_within_an_org(api, acme):
    first = new_donor(api, acme, external_id="crm-42")
    second = api.post(DONORS, acme, {"first_name": "John", "last_name": "Roe", "external_id": "crm-42"})
    assert second.status_code == 409
    assert second.headers["Content-Type"] == "application/problem+json"
    listed = api.get(DONORS, acme).json["data"]
    assert [d["id"] for d in listed] == [first["id"]]
    assert api.get(f"{DONORS}/crm-42", acme).json["id"] == first["id"]


def test_another_org_may_reuse_an_external_id(api, acme, other):
    mine = new_donor(api, acme, external_id="crm-42")
    theirs = new_donor(api, other, first_name="John", last_name="Roe", external_id="crm-42")
    assert api.get(f"{DONORS}/crm-42", acme).json["first_name"] == "Jane"
    assert api.get(f"{DONORS}/crm-42", other).json["first_name"] == "John"
    assert api.get(f"{DONORS}/crm-42", acme).json["id"] == mine["id"]
    assert api.get(f"{DONORS}/crm-42", other).json["id"] == theirs["id"]


def test_donor_is_addressed_by_external_id_in_get_patch_delete(api, acme):
    donor = new_donor(api, acme, external_id="cm3donor0001abc")
    fetched = api.get(f"{DONORS}/cm3donor0001abc", acme)
    assert fetched.status_code == 200
    assert fetched.json == donor

    patched = api.patch(f"{DONORS}/cm3donor0001abc", acme, {"city": "Paris"})
    assert patched.status_code == 200
    assert patched.json["id"] == donor["id"] and patched.json["city"] == "Paris"
    assert api.get(f"{DONORS}/{donor['id']}", acme).json["city"] == "Paris"

    deleted = api.delete(f"{DONORS}/cm3donor0001abc", acme)
    assert deleted.status_code == 204
    assert api.get(f"{DONORS}/{donor['id']}", acme).status_code == 404
    assert api.get(f"{DONORS}/cm3donor0001abc", acme).status_code == 404


def test_unknown_external_id_and_other_orgs_external_id_are_404(api, acme, other):
    new_donor(api, other, external_id="theirs-1")
    assert api.get(f"{DONORS}/nobody-here", acme).status_code == 404
    assert api.get(f"{DONORS}/theirs-1", acme).status_code == 404
    assert api.patch(f"{DONORS}/theirs-1", acme, {"city": "X"}).status_code == 404
    assert api.delete(f"{DONORS}/theirs-1", acme).status_code == 404
    assert api.get(f"{DONORS}/theirs-1", other).status_code == 200


def test_changing_external_id_frees_the_old_one(api, acme):
    donor = new_donor(api, acme, external_id="old-ref")
    patched = api.patch(f"{DONORS}/{donor['id']}", acme, {"external_id": "new-ref"})
    assert patched.status_code == 200, patched.body
    assert patched.json["external_id"] == "new-ref"
    assert api.get(f"{DONORS}/old-ref", acme).status_code == 404
    assert api.get(f"{DONORS}/new-ref", acme).json["id"] == donor["id"]

    reuse = new_donor(api, acme, first_name="John", external_id="old-ref")
    assert api.get(f"{DONORS}/old-ref", acme).json["id"] == reuse["id"]
    # and the new one is still guarded
    clash = api.post(DONORS, acme, {"last_name": "X", "external_id": "new-ref"})
    assert clash.status_code == 409


def test_clearing_external_id_frees_it(api, acme):
    donor = new_donor(api, acme, external_id="ref-1")
    patched = api.patch(f"{DONORS}/{donor['id']}", acme, {"external_id": None})
    assert patched.status_code == 200
    assert patched.json["external_id"] is None
    assert api.get(f"{DONORS}/ref-1", acme).status_code == 404
    new_donor(api, acme, external_id="ref-1")


def test_patch_to_an_external_id_in_use_is_409_and_changes_nothing(api, acme):
    new_donor(api, acme, external_id="taken")
    donor = new_donor(api, acme, first_name="John", external_id="mine")
    response = api.patch(f"{DONORS}/{donor['id']}", acme, {"external_id": "taken", "city": "Rome"})
    assert response.status_code == 409
    assert api.get(f"{DONORS}/{donor['id']}", acme).json == donor
    assert api.get(f"{DONORS}/mine", acme).json["id"] == donor["id"]


@pytest.mark.parametrize("external_id", ["has space", "has#hash", ""])
def test_external_id_with_a_key_delimiter_or_blank_is_refused(api, acme, external_id):
    response = api.post(DONORS, acme, {"last_name": "Doe", "external_id": external_id})
    assert response.status_code == 422
    assert field_names(response) == ["external_id"]


def test_an_all_digit_external_id_is_found_by_the_external_id_filter_not_as_a_path_id(api, acme):
    """Ids from other systems are often numeric. A bare number in a path or a donor_id is
    always our id (documented); the exact `external_id` filter finds any external id."""
    first = new_donor(api, acme, last_name="First")
    response = api.post(DONORS, acme, {"last_name": "Doe", "external_id": str(int(first["id"]) + 100233)})
    assert response.status_code == 201
    external = response.json["external_id"]
    assert api.get(f"{DONORS}/{external}", acme).status_code == 404  # no donor has that id
    found = api.get(f"{DONORS}?external_id={external}", acme)
    assert found.status_code == 200
    assert [d["id"] for d in found.json["data"]] == [response.json["id"]]
    assert found.json["has_more"] is False and found.json["next_cursor"] is None
    # The same filter with an id nobody carries is an empty list, not an error.
    assert api.get(f"{DONORS}?external_id=999", acme).json["data"] == []
    # A digits-only donor_id still names our id: the first donor.
    assert api.get(f"{DONORS}/{first['id']}", acme).json["id"] == first["id"]


def test_external_id_filter_does_not_find_deleted_or_other_org_donors(api, acme, other):
    donor = new_donor(api, acme, external_id="crm-7")
    new_donor(api, other, external_id="crm-8")
    assert api.get(f"{DONORS}?external_id=crm-8", acme).json["data"] == []
    assert api.delete(f"{DONORS}/{donor['id']}", acme).status_code == 204
    assert api.get(f"{DONORS}?external_id=crm-7", acme).json["data"] == []


# ---- update -------------------------------------------------------------------------------

def test_patch_changes_only_the_sent_fields_and_rederives_sort_name(api, acme):
    donor = new_donor(api, acme, email="jane@example.org", city="Paris")
    patched = api.patch(f"{DONORS}/{donor['id']}", acme, {"last_name": "Smith"})
    assert patched.status_code == 200
    assert patched.json["sort_name"] == "Smith, Jane"
    assert patched.json["email"] == "jane@example.org" and patched.json["city"] == "Paris"
    assert patched.json["created_at"] == donor["created_at"]
    assert patched.headers["ETag"] == '"2"'
    assert api.get(f"{DONORS}/{donor['id']}", acme).json == patched.json
    listed = api.get(f"{DONORS}?q=smith", acme).json["data"]
    assert [d["id"] for d in listed] == [donor["id"]]
    assert api.get(f"{DONORS}?q=doe", acme).json["data"] == []


def test_patch_null_clears_a_field(api, acme):
    donor = new_donor(api, acme, email="jane@example.org")
    patched = api.patch(f"{DONORS}/{donor['id']}", acme, {"email": None})
    assert patched.status_code == 200
    assert patched.json["email"] is None
    assert api.get(f"{DONORS}?email=jane@example.org", acme).json["data"] == []


def test_patch_to_organisation_without_org_name_is_refused(api, acme):
    donor = new_donor(api, acme)
    response = api.patch(f"{DONORS}/{donor['id']}", acme, {"is_org": True})
    assert response.status_code == 422
    assert field_names(response) == ["org_name"]
    assert api.get(f"{DONORS}/{donor['id']}", acme).json == donor


def test_patch_removing_every_name_of_a_person_is_refused(api, acme):
    donor = new_donor(api, acme)
    response = api.patch(f"{DONORS}/{donor['id']}", acme, {"first_name": None, "last_name": None})
    assert response.status_code == 422
    assert api.get(f"{DONORS}/{donor['id']}", acme).json == donor


def test_patch_validates_email_and_birthday(api, acme):
    donor = new_donor(api, acme)
    assert field_names(api.patch(f"{DONORS}/{donor['id']}", acme, {"email": "nope"})) == ["email"]
    assert field_names(api.patch(f"{DONORS}/{donor['id']}", acme, {"birthday": "2001-02-29"})) == ["birthday"]
    assert api.get(f"{DONORS}/{donor['id']}", acme).json == donor


def test_patch_unknown_donor_is_404(api, acme):
    assert api.patch(f"{DONORS}/999", acme, {"city": "X"}).status_code == 404
    assert api.get(f"{DONORS}/999", acme).status_code == 404


# ---- list -----------------------------------------------------------------------------

NAMES = [
    {"first_name": "Zoe", "last_name": "Adams"},
    {"first_name": "anna", "last_name": "baker"},
    {"is_org": True, "org_name": "Acme Trust"},
    {"first_name": "Carl", "last_name": "Young"},
    {"last_name": "Doe"},
    {"first_name": "Jane", "last_name": "Doe"},
    {"first_name": "Al", "last_name": "Doe-Smith"},
]


def test_list_is_sorted_by_name_a_to_z_and_z_to_a(api, acme):
    for fields in NAMES:
        assert api.post(DONORS, acme, fields).status_code == 201
    expected = ["Acme Trust", "Adams, Zoe", "baker, anna", "Doe", "Doe, Jane", "Doe-Smith, Al", "Young, Carl"]
    assert [d["sort_name"] for d in walk(api, acme, f"{DONORS}?limit=3")] == expected
    assert [d["sort_name"] for d in walk(api, acme, f"{DONORS}?sort=name&limit=3")] == expected
    assert [d["sort_name"] for d in walk(api, acme, f"{DONORS}?sort=-name&limit=3")] == expected[::-1]


def test_a_name_sorts_before_the_longer_names_it_begins(api, acme):
    """"Acme" before "Acme Trust", "Ann" before "Ann Lee": a prefix comes first A->Z."""
    for fields in ({"is_org": True, "org_name": "Acme Trust"}, {"is_org": True, "org_name": "Acme"},
                   {"first_name": "Ann Lee"}, {"first_name": "Ann"}):
        assert api.post(DONORS, acme, fields).status_code == 201
    expected = ["Acme", "Acme Trust", "Ann", "Ann Lee"]
    assert [d["sort_name"] for d in walk(api, acme, DONORS)] == expected
    assert [d["sort_name"] for d in walk(api, acme, f"{DONORS}?sort=-name")] == expected[::-1]


def test_list_sort_must_be_name_or_minus_name(api, acme):
    response = api.get(f"{DONORS}?sort=created_at", acme)
    assert response.status_code == 400
    assert field_names(response) == ["sort"]


def test_q_searches_names_and_email_case_insensitively(api, acme):
    jane = new_donor(api, acme, first_name="Jane", last_name="Doe", email="jd@example.org")
    john = new_donor(api, acme, first_name="John", last_name="Janeway", email="captain@voyager.net")
    org = new_donor(api, acme, is_org=True, org_name="Doe Foundation", first_name=None, last_name=None)
    new_donor(api, acme, first_name="Alice", last_name="Smith", email="alice@else.com")

    def ids(q):
        return sorted(d["id"] for d in api.get(f"{DONORS}?q={q}", acme).json["data"])

    assert ids("JANE") == sorted([jane["id"], john["id"]])
    assert ids("doe") == sorted([jane["id"], org["id"]])
    assert ids("VOYAGER") == [john["id"]]
    assert ids("foundation") == [org["id"]]
    assert ids("nobody") == []


def test_email_filter_is_an_exact_case_insensitive_match(api, acme):
    jane = new_donor(api, acme, email="Jane.Doe@Example.org")
    new_donor(api, acme, first_name="John", email="jane.doe@example.org.uk")
    new_donor(api, acme, first_name="Jim", email="xjane.doe@example.org")
    found = api.get(f"{DONORS}?email=jane.doe@example.ORG", acme).json["data"]
    assert [d["id"] for d in found] == [jane["id"]]
    assert found[0]["email"] == "Jane.Doe@Example.org"
    assert api.get(f"{DONORS}?email=jane.doe@example", acme).json["data"] == []


def test_pagination_walks_every_donor_once(api, acme):
    created = [new_donor(api, acme, first_name=f"F{n:02d}", last_name=f"L{n % 7}")["id"] for n in range(23)]
    seen = walk(api, acme, f"{DONORS}?limit=4")
    ids = [d["id"] for d in seen]
    assert len(ids) == len(set(ids)) == 23
    assert set(ids) == set(created)
    names = [d["sort_name"].lower() for d in seen]
    assert names == sorted(names)


def test_q_pagination_walks_every_match_once(api, acme):
    matches = set()
    for n in range(30):
        donor = new_donor(api, acme, first_name=f"P{n:02d}", last_name="Match" if n % 3 == 0 else "Other")
        if n % 3 == 0:
            matches.add(donor["id"])
    ids = [d["id"] for d in walk(api, acme, f"{DONORS}?q=match&limit=3")]
    assert len(ids) == len(set(ids))
    assert set(ids) == matches


def test_list_limit_bounds(api, acme):
    assert api.get(f"{DONORS}?limit=0", acme).status_code == 400
    assert api.get(f"{DONORS}?limit=101", acme).status_code == 400
    assert api.get(f"{DONORS}?limit=abc", acme).status_code == 400
    assert api.get(f"{DONORS}?limit=100", acme).status_code == 200


def test_lists_of_two_orgs_never_mix(api, acme, other):
    mine = new_donor(api, acme, last_name="Mine")
    theirs = new_donor(api, other, last_name="Theirs")
    assert [d["id"] for d in api.get(DONORS, acme).json["data"]] == [mine["id"]]
    assert [d["last_name"] for d in api.get(DONORS, other).json["data"]] == ["Theirs"]
    assert theirs["id"] == mine["id"] == "1"  # ids are per org
    assert api.get(f"{DONORS}/1", acme).json["last_name"] == "Mine"


# ---- delete -----------------------------------------------------------------------------

def test_delete_is_refused_while_the_donor_has_donations(api, acme):
    donor = new_donor(api, acme, external_id="giver")
    new_donation(api, acme, donor["id"])
    response = api.delete(f"{DONORS}/{donor['id']}", acme)
    assert response.status_code == 409
    assert response.headers["Content-Type"] == "application/problem+json"
    fetched = api.get(f"{DONORS}/{donor['id']}", acme)
    assert fetched.status_code == 200 and fetched.json["donation_count"] == 1
    assert api.get(f"{DONORS}/giver", acme).status_code == 200
    assert [d["id"] for d in api.get(DONORS, acme).json["data"]] == [donor["id"]]
    assert api.post(DONORS, acme, {"last_name": "X", "external_id": "giver"}).status_code == 409


def test_delete_is_refused_while_the_donor_has_contact_logs(api, acme):
    donor = new_donor(api, acme)
    new_log(api, acme, donor["id"])
    response = api.delete(f"{DONORS}/{donor['id']}", acme)
    assert response.status_code == 409
    fetched = api.get(f"{DONORS}/{donor['id']}", acme)
    assert fetched.status_code == 200 and fetched.json["contact_log_count"] == 1
    assert api.get(f"{DONORS}/{donor['id']}/activity", acme).status_code == 200


def test_delete_is_allowed_once_the_history_is_deleted(api, acme):
    donor = new_donor(api, acme)
    log = new_log(api, acme, donor["id"])
    gift = new_donation(api, acme, donor["id"])
    assert api.delete(f"{DONORS}/{donor['id']}", acme).status_code == 409
    assert api.delete(f"/api/v1/contact-logs/{log['id']}", acme).status_code == 204
    assert api.delete(f"/api/v1/donations/{gift['id']}", acme).status_code == 204
    counts = api.get(f"{DONORS}/{donor['id']}", acme).json
    assert counts["contact_log_count"] == 0 and counts["donation_count"] == 0
    assert api.delete(f"{DONORS}/{donor['id']}", acme).status_code == 204


def test_delete_without_history_then_404_then_idempotent_and_external_id_reusable(api, acme):
    donor = new_donor(api, acme, external_id="leaving", email="leaving@example.org")
    deleted = api.delete(f"{DONORS}/{donor['id']}", acme)
    assert deleted.status_code == 204
    assert deleted.body in (b"", "", None)
    assert api.get(f"{DONORS}/{donor['id']}", acme).status_code == 404
    assert api.patch(f"{DONORS}/{donor['id']}", acme, {"city": "X"}).status_code == 404
    assert api.delete(f"{DONORS}/{donor['id']}", acme).status_code == 204
    assert api.get(DONORS, acme).json["data"] == []
    assert api.get(f"{DONORS}?email=leaving@example.org", acme).json["data"] == []
    assert api.get(f"{DONORS}?q=doe", acme).json["data"] == []

    again = new_donor(api, acme, external_id="leaving")
    assert again["id"] != donor["id"]
    assert api.get(f"{DONORS}/leaving", acme).json["id"] == again["id"]


def test_delete_unknown_donor_is_404(api, acme):
    assert api.delete(f"{DONORS}/999", acme).status_code == 404
    assert api.delete(f"{DONORS}/no-such-ref", acme).status_code == 404


def test_other_orgs_donor_cannot_be_read_changed_or_deleted(api, acme, other):
    theirs = new_donor(api, other, last_name="Theirs")
    path = f"{DONORS}/{theirs['id']}"
    assert api.get(path, acme).status_code == 404
    assert api.patch(path, acme, {"city": "X"}).status_code == 404
    assert api.delete(path, acme).status_code == 404
    assert api.get(path, other).json == theirs


@pytest.mark.parametrize("body", [
    {"is_org": True, "org_name": "😀" * 255},
    {"last_name": "ΐ" * 255},  # case-folds to three code points a character
    {"first_name": "Ж" * 255, "last_name": "Ж" * 255},
])
def test_long_multibyte_names_are_stored_and_listed(api, acme, body):
    """M3: the name's sort key is cut to fit DynamoDB's 1,024-byte key limit; the name is whole."""
    created = api.post("/api/v1/donors", acme, body)
    assert created.status_code == 201, created.body
    renamed = api.patch(f"/api/v1/donors/{created.json['id']}", acme, {"last_name": "Ж" * 255})
    assert renamed.status_code == 200, renamed.body
    assert renamed.json["last_name"] == "Ж" * 255
    listed = api.get("/api/v1/donors", acme).json["data"]
    assert [d["id"] for d in listed] == [created.json["id"]]
