"""Store-level facts: DynamoDB calls per request, ids, tenant-safe keys and the sparse indexes."""
from __future__ import annotations

import os

import boto3
import pytest

import app as _app  # noqa: F401  (registers every route into ROUTES)
from chalicelib.domain import organisations
from chalicelib.errors import ValidationFailed
from chalicelib.faces.http import ROUTES
from chalicelib.store import context, keys
from chalicelib.store.kinds import CONTACT_LOG
from tests.contract.conftest import CATALOGUES, LGL_MANAGED, catalogue_body
from tests.conftest import dynamodb_calls, new_donation, new_donor, new_log

P = "/api/v1"




def index_query(index: str, pk: str) -> list[dict]:
    client = boto3.client("dynamodb", region_name="us-east-1")
    items, start = [], None
    while True:
        request = {"TableName": os.environ["TABLE_NAME"], "IndexName": index,
                   "KeyConditionExpression": "#pk = :pk",
                   "ExpressionAttributeNames": {"#pk": f"{index}PK"},
                   "ExpressionAttributeValues": {":pk": {"S": pk}}}
        if start:
            request["ExclusiveStartKey"] = start
        response = client.query(**request)
        items += response["Items"]
        start = response.get("LastEvaluatedKey")
        if not start:
            return items


def ids_of(items: list[dict], org: str) -> set[str]:
    return {i["id"]["N"] for i in items if i["PK"]["S"] == keys.org_pk(org)}


# ---- call counts ------------------------------------------------------------------------

def test_a_full_session_over_every_route_never_scans(api, acme, other):
    hit: set[tuple[str, str]] = set()

    statuses: list[tuple[str, str, int]] = []

    def call(method, template, path, org=acme, body=None, **kw):
        hit.add((method, template))
        response = api.call(method, path, org, body, **kw)
        statuses.append((method, path, response.status_code))
        return response

    with dynamodb_calls() as calls:
        for org in (acme, other):
            donor = call("POST", f"{P}/donors", f"{P}/donors", org,
                         {"first_name": "Jane", "last_name": "Doe", "email": "j@example.org",
                          "external_id": "ext-1"}).json
            spare = call("POST", f"{P}/donors", f"{P}/donors", org, {"is_org": True, "org_name": "Acme"}).json
            log = call("POST", f"{P}/contact-logs", f"{P}/contact-logs", org,
                       {"donor_id": "ext-1", "contact_method": "PHONE", "occurred_at": "2026-06-10T02:00:00Z",
                        "follow_up_at": "2026-06-25T00:00:00Z"}, headers={"Idempotency-Key": "s-1"}).json
            call("POST", f"{P}/contact-logs", f"{P}/contact-logs", org,
                 {"donor_id": "ext-1", "contact_method": "PHONE", "occurred_at": "2026-06-10T02:00:00Z",
                  "follow_up_at": "2026-06-25T00:00:00Z"}, headers={"Idempotency-Key": "s-1"})
            gift = call("POST", f"{P}/donations", f"{P}/donations", org,
                        {"donor_id": donor["id"], "amount": "10.00"}).json
            item = f"{P}/donors/{{record}}"
            call("GET", item, f"{P}/donors/{donor['id']}", org)
            call("GET", item, f"{P}/donors/ext-1", org)
            call("PATCH", item, f"{P}/donors/ext-1", org, {"external_id": "ext-2"}, headers={"If-Match": '"1"'})
            call("PATCH", item, f"{P}/donors/{donor['id']}", org, {"city": "Paris"}, headers={"If-Match": '"2"'})
            call("GET", f"{P}/contact-logs/{{record}}", f"{P}/contact-logs/{log['id']}", org)
            call("PATCH", f"{P}/contact-logs/{{record}}", f"{P}/contact-logs/{log['id']}", org,
                 {"follow_up_completed_at": "2026-06-20T00:00:00Z"})
            call("GET", f"{P}/donations/{{record}}", f"{P}/donations/{gift['id']}", org)
            call("PATCH", f"{P}/donations/{{record}}", f"{P}/donations/{gift['id']}", org, {"currency": "EUR"})
            for query in ("", "?q=jane", "?email=J@example.org", "?sort=-name", "?limit=1"):
                call("GET", f"{P}/donors", f"{P}/donors{query}", org)
            for query in ("", "?donor_id=ext-2", "?method=PHONE", "?follow_up=open", "?method=PHONE&follow_up=open",
                          "?donor_id=1&method=EMAIL&follow_up=open", "?limit=1"):
                call("GET", f"{P}/contact-logs", f"{P}/contact-logs{query}", org)
            for query in ("", "?donor_id=1", "?limit=1"):
                call("GET", f"{P}/donations", f"{P}/donations{query}", org)
            page = call("GET", f"{P}/donors/{{record}}/activity", f"{P}/donors/{donor['id']}/activity?limit=1", org)
            call("GET", f"{P}/donors/{{record}}/activity",
                 f"{P}/donors/{donor['id']}/activity?limit=1&cursor={page.json['next_cursor']}", org)
            queue = f"{P}/follow-ups"
            for query in ("", "?window=overdue&tz=Europe/Berlin", f"?donor_id={donor['id']}&recorded_by_id=1",
                          "?due_after=2026-06-01&due_before=2026-07-01"):
                call("GET", queue, f"{queue}{query}", org)
            activities = f"/v1/contacts/{donor['id']}/activities"
            made = call("POST", "/v1/contacts/{contact}/activities", activities, org,
                        {"type": "volunteer_activity", "note": "Helped at the gala", "subject": "Gala"}).json
            for query in ("", "?type=volunteer_activity&page=1&per_page=1"):
                call("GET", "/v1/contacts/{contact}/activities", f"{activities}{query}", org)
            activity = "/v1/contacts/{contact}/activities/{activity}"
            call("GET", activity, f"{activities}/{made['id']}", org)
            call("PUT", activity, f"{activities}/{made['id']}", org, {"subject": "Gala night"})
            call("PATCH", activity, f"{activities}/{made['id']}", org, {"type": "meeting"})
            call("DELETE", activity, f"{activities}/{made['id']}", org)
            contacts, jsonapi = "/api/v2/organizations/contacts", {"Content-Type": "application/vnd.api+json"}
            for query in ("", "?filter[status]=active,null&sort=-name&page=1&per_page=1",
                          "?filter[wildcard_search]=jane&filter[organization_id]=acme"):
                call("GET", contacts, f"{contacts}{query}", org, headers=jsonapi)
            call("GET", f"{contacts}/{{record}}", f"{contacts}/{donor['id']}", org, headers=jsonapi)
            constituent = call("POST", f"{P}/constituents", f"{P}/constituents", org, {
                "first_name": "Lee", "last_name": "Green", "email_addresses": [{"address": "lee@example.org"}],
                "phone_numbers": [{"number": "555-0100"}], "street_addresses": [{"city": "Oslo"}]}).json
            lgl_item = f"{P}/constituents/{{id}}"
            call("GET", lgl_item, f"{P}/constituents/{constituent['id']}.json", org)
            call("PATCH", lgl_item, f"{P}/constituents/{constituent['id']}", org,
                 {"web_addresses": [{"url": "https://lee.example.org"}], "remove_previous_phone_numbers": True})
            for query in ("", "?limit=1&offset=1"):
                call("GET", f"{P}/constituents", f"{P}/constituents.json{query}", org)
            for query in ("", "?q[]=name=lee&expand=email_addresses", "?q[]=updated_from=2020-01-01&sort=lgl_id!"):
                call("GET", f"{P}/constituents/search", f"{P}/constituents/search{query}", org)
            for collection in ("email_addresses", "phone_numbers", "street_addresses", "web_addresses"):
                listed = f"{P}/constituents/{{id}}/{collection}"
                values = {"email_addresses": {"address": "lee2@example.org"}, "phone_numbers": {"number": "555-0199"},
                          "street_addresses": {"street": "1 Road"}, "web_addresses": {"url": "https://x.example"}}
                made = call("POST", listed, f"{P}/constituents/{constituent['id']}/{collection}", org,
                            values[collection]).json
                call("GET", listed, f"{P}/constituents/{constituent['id']}/{collection}.json", org)
                one = f"{P}/{collection}/{{id}}"
                call("GET", one, f"{P}/{collection}/{made['id']}.json", org)
                call("PATCH", one, f"{P}/{collection}/{made['id']}", org, {"is_preferred": True})
                call("DELETE", one, f"{P}/{collection}/{made['id']}", org)
            call("GET", f"{P}/types", f"{P}/types.json", org)
            call("GET", f"{P}/types/{{type}}", f"{P}/types/email_address_types.json", org)
            call("GET", f"{P}/team_members", f"{P}/team_members", org)
            gifts = f"{P}/constituents/{{id}}/gifts"
            lgl_gift = call("POST", gifts, f"{P}/constituents/{constituent['id']}/gifts", org,
                        {"received_amount": "12.50", "fund_name": None, "payment_type_name": "cash"}).json
            call("GET", gifts, f"{P}/constituents/{constituent['id']}/gifts.json", org)
            for query in ("?q[]=gift_amount=btw|10|20;date_from=2020-01-01&sort=name", "?q[]=updated_from=2020-01-01",
                          "?q[]=funds=bl&sort=fund!"):
                call("GET", f"{P}/gifts/search", f"{P}/gifts/search{query}", org)
            call("GET", f"{P}/gifts/{{id}}", f"{P}/gifts/{lgl_gift['id']}.json", org)
            call("PATCH", f"{P}/gifts/{{id}}", f"{P}/gifts/{lgl_gift['id']}", org, {"note": "Thank you"})
            call("DELETE", f"{P}/gifts/{{id}}", f"{P}/gifts/{lgl_gift['id']}", org)
            for collection, body, change in (("contact_reports", {"text": "Met", "contact_report_type_name": "meeting",
                                                                   "team_member": None}, {"name": "Lunch"}),
                                             ("notes", {"text": "Likes dogs"}, {"note_type_name": "research"})):
                listed = f"{P}/constituents/{{id}}/{collection}"
                made = call("POST", listed, f"{P}/constituents/{constituent['id']}/{collection}", org, body).json
                call("GET", listed, f"{P}/constituents/{constituent['id']}/{collection}", org)
                call("GET", f"{P}/{collection}", f"{P}/{collection}.json?offset=1", org)
                one = f"{P}/{collection}/{{id}}"
                call("GET", one, f"{P}/{collection}/{made['id']}", org)
                call("PATCH", one, f"{P}/{collection}/{made['id']}", org, change)
                call("DELETE", one, f"{P}/{collection}/{made['id']}", org)
            for query in ("?q[]=constituent_id=1;text=met&sort=name", "?q[]=original_date_from=2020-01-01&sort=date!"):
                call("GET", f"{P}/contact_reports/search", f"{P}/contact_reports/search{query}", org)
            times, time_item = f"{P}/constituents/{{id}}/volunteer_times", f"{P}/volunteer_times/{{id}}"
            time = call("POST", times, f"{P}/constituents/{constituent['id']}/volunteer_times", org, {
                "volunteering_category_name": "General", "description": "Donor management", "hours": "4",
                "date": "2026-06-01", "external_id": "678890"}).json
            call("GET", times, f"{P}/constituents/{constituent['id']}/volunteer_times.json", org)
            call("GET", f"{P}/volunteer_times", f"{P}/volunteer_times.json?limit=1", org)
            for query in ("?q[]=description=Donor+management&sort=date!&limit=5",
                          f"?q[]=constituent_id={constituent['id']};date_from=2020-01-01&sort=constituent_id",
                          "?q[]=updated_from=2020-01-01;volunteering_category_id=446"):
                call("GET", f"{P}/volunteer_times/search", f"{P}/volunteer_times/search{query}", org)
            call("GET", time_item, f"{P}/volunteer_times/{time['id']}.json", org)
            call("PATCH", time_item, f"{P}/volunteer_times/{time['id']}", org,
                 {"end_date": "2026-06-02", "completed_hours": "4"})
            call("DELETE", time_item, f"{P}/volunteer_times/{time['id']}", org)
            appeals = [call("POST", f"{P}/appeals", f"{P}/appeals", org, {"name": name, "date": "2026-06-01"}).json
                       for name in ("Session appeal", "Second appeal")]
            of_appeal = f"{P}/appeals/{{id}}/appeal_requests"
            of_constituent = f"{P}/constituents/{{id}}/appeal_requests"
            asked = call("POST", of_appeal, f"{P}/appeals/{appeals[0]['id']}/appeal_requests", org,
                         {"constituent_id": constituent["id"], "ask_amount": "100"}).json
            call("POST", of_constituent, f"{P}/constituents/{constituent['id']}/appeal_requests", org,
                 {"appeal_name": "Second appeal", "assigned_to": None})
            call("GET", of_appeal, f"{P}/appeals/{appeals[0]['id']}/appeal_requests.json", org)
            call("GET", of_constituent, f"{P}/constituents/{constituent['id']}/appeal_requests", org)
            request_item = f"{P}/appeal_requests/{{id}}"
            call("GET", request_item, f"{P}/appeal_requests/{asked['id']}.json", org)
            call("PATCH", request_item, f"{P}/appeal_requests/{asked['id']}", org, {"ask_amount": "200"})
            call("DELETE", request_item, f"{P}/appeal_requests/{asked['id']}", org)
            events = [call("POST", f"{P}/events", f"{P}/events", org, {"name": name}).json
                      for name in ("Session gala", "Second gala")]
            of_event, invited_to = f"{P}/events/{{id}}/invitations", f"{P}/constituents/{{id}}/invitations"
            host = call("POST", of_event, f"{P}/events/{events[0]['id']}/invitations", org,
                        {"constituent_id": constituent["id"], "notes": "Event note"}).json
            call("POST", of_event, f"{P}/events/{events[0]['id']}/invitations", org,
                 {"parent_invitation_id": host["id"], "is_a_guest": True, "guest_first_name": "Max"})
            call("POST", invited_to, f"{P}/constituents/{constituent['id']}/invitations", org,
                 {"event_name": "Second gala"})
            call("GET", of_event, f"{P}/events/{events[0]['id']}/invitations.json", org)
            call("GET", invited_to, f"{P}/constituents/{constituent['id']}/invitations", org)
            invitation_item = f"{P}/invitations/{{id}}"
            call("GET", invitation_item, f"{P}/invitations/{host['id']}.json", org)
            call("PATCH", invitation_item, f"{P}/invitations/{host['id']}", org,
                 {"rsvp": "2", "attendances": [{"date": "2026-07-01", "notes": "attended"}]})
            call("DELETE", invitation_item, f"{P}/invitations/{host['id']}", org)  # with its guest
            for catalogue in CATALOGUES:
                path = f"{P}/{catalogue.key}"
                made = call("POST", path, path, org, catalogue_body(catalogue, "Session value")).json
                call("GET", path, f"{path}.json?limit=5", org)
                call("GET", f"{path}/{{id}}", f"{path}/{made['id']}", org)
                call("PATCH", f"{path}/{{id}}", f"{path}/{made['id']}", org, {catalogue.name_field: "Renamed"})
                call("DELETE", f"{path}/{{id}}", f"{path}/{made['id']}", org)
            for catalogue in LGL_MANAGED:  # the catalogues LGL manages itself
                path = f"{P}/{catalogue.key}"
                made = call("POST", path, path, org, catalogue_body(catalogue, "Session value")).json
                call("GET", path, f"{path}.json?limit=5", org)
                call("GET", f"{path}/{{id}}", f"{path}/{made['id']}", org)
                call("PATCH", f"{path}/{{id}}", f"{path}/{made['id']}", org, {catalogue.name_field: "Renamed"})
                call("DELETE", f"{path}/{{id}}", f"{path}/{made['id']}", org)
            tags = call("POST", f"{P}/categories", f"{P}/categories", org,
                        {"name": "Tags", "item_type": "Constituent"}).json
            keywords = f"{P}/categories/{{id}}/keywords"
            tag = call("POST", keywords, f"{P}/categories/{tags['id']}/keywords", org, {"name": "Donor"}).json
            call("GET", keywords, f"{P}/categories/{tags['id']}/keywords.json", org)
            call("GET", f"{P}/keywords/{{id}}", f"{P}/keywords/{tag['id']}", org)
            call("PATCH", f"{P}/keywords/{{id}}", f"{P}/keywords/{tag['id']}", org, {"short_code": "donor"})
            call("POST", f"{P}/constituents/{{id}}/keywords", f"{P}/constituents/{constituent['id']}/keywords", org,
                 {"id": tag["id"]})
            call("GET", f"{P}/constituents/{{id}}/categories", f"{P}/constituents/{constituent['id']}/categories", org)
            call("DELETE", f"{P}/constituents/{{id}}/keywords/{{keyword_id}}",
                 f"{P}/constituents/{constituent['id']}/keywords/{tag['id']}", org)
            call("DELETE", f"{P}/keywords/{{id}}", f"{P}/keywords/{tag['id']}", org)
            # a constituent's group memberships, memberships, class affiliations, relationships (each
            # with its reciprocal on the related donor) and custom attribute values, its nested
            # arrays, their search terms and sorts, and the native read of them
            board = call("POST", f"{P}/groups", f"{P}/groups", org, {"name": "Board Member"}).json
            call("POST", f"{P}/membership_levels", f"{P}/membership_levels", org, {"name": "Gold"})
            for collection, body, change in (
                    ("group_memberships", {"group_name": "board member"}, {"date_end": "2030-01-01"}),
                    ("memberships", {"membership_level_name": "Gold", "finish_date": "2030-01-01"}, {"note": "Renewed"}),
                    ("class_affiliations", {"class_affiliation_type_name": "Student", "year": "2001"}, {"year": 2002}),
                    ("constituent_relationships", {"related_constituent_id": spare["id"], "name": "Friend"},
                     {"name": "Parent", "reciprocal_description": "Lee's"})):
                listed = f"{P}/constituents/{{id}}/{collection}"
                made = call("POST", listed, f"{P}/constituents/{constituent['id']}/{collection}", org, body).json
                call("GET", listed, f"{P}/constituents/{constituent['id']}/{collection}.json?limit=1", org)
                one = f"{P}/{collection}/{{id}}"
                call("GET", one, f"{P}/{collection}/{made['id']}.json", org)
                call("PATCH", one, f"{P}/{collection}/{made['id']}", org, change)
                call("DELETE", one, f"{P}/{collection}/{made['id']}", org)
            call("POST", f"{P}/attributes", f"{P}/attributes", org, {"name": "Joined", "classification": "date"})
            call("POST", f"{P}/attributes", f"{P}/attributes", org, {"name": "Score", "classification": "integer"})
            call("PATCH", lgl_item, f"{P}/constituents/{constituent['id']}", org, {
                "groups": [{"group_id": board["id"]}], "memberships": [{"membership_level_name": "Gold"}],
                "remove_previous_memberships": True,
                "class_affiliations": [{"class_affiliation_type_id": 516, "year": 2020}],
                "relationships": [{"related_constituent_id": spare["id"], "name": "Sibling"}],  # with its reciprocal
                "custom_attrs": [{"key": "joined", "value": "2020-05-01"}, {"key": "score", "value": "7"}],
                "remove_previous_class_affiliations": True})
            for query in (f"?q[]=groups={board['id']};membership_status=1&expand=groups,memberships",
                          "?q[]=membership_end_date_from=2020-01-01&sort=membership_level!",
                          "?q[]=membership_level=1&sort=membership_end_date_from",
                          "?q[]=class=516|2015 to 2025&expand=class_affiliations,relationships,custom_attrs",
                          "?q[]=custom_attr=joined|sw|2020;custom_attr_from=joined|2020-01-01",
                          "?q[]=custom_attr_to=joined|2021-01-01;custom_attr_int=score|btw|5|9&sort=name"):
                call("GET", f"{P}/constituents/search", f"{P}/constituents/search{query}", org)
            call("GET", f"{P}/donors/{{record}}/memberships", f"{P}/donors/{constituent['id']}/memberships", org)
            call("DELETE", lgl_item, f"{P}/constituents/{constituent['id']}", org)
            call("DELETE", item, f"{P}/donors/{donor['id']}", org)  # refused: it has history
            call("DELETE", f"{P}/contact-logs/{{record}}", f"{P}/contact-logs/{log['id']}", org)
            call("DELETE", f"{P}/donations/{{record}}", f"{P}/donations/{gift['id']}", org)
            call("DELETE", item, f"{P}/donors/{donor['id']}", org)
            call("DELETE", item, f"{P}/donors/{spare['id']}", org)
            call("DELETE", f"{contacts}/{{record}}", f"{contacts}/{spare['id']}", org, headers=jsonapi)  # again: 204
            call("GET", item, f"{P}/donors/999", org)
            call("GET", "/openapi/{document}", "/openapi/together.json", None)  # public: no key, no DynamoDB

    assert {(r.method, r.path) for r in ROUTES} <= hit, "a route was not exercised"
    failed = [s for s in statuses if s[2] >= 400]
    assert len(failed) == 4, failed  # per org: the refused donor delete and the unknown donor
    assert {s[2] for s in failed} == {409, 404}
    assert calls, "the meter saw no DynamoDB calls"
    assert "Scan" not in calls
    assert set(calls) <= {"GetItem", "BatchGetItem", "Query", "PutItem", "UpdateItem", "DeleteItem",
                          "TransactWriteItems"}


def test_warm_get_of_one_record_is_one_getitem(api, acme):
    donor = new_donor(api, acme)
    log = new_log(api, acme, donor["id"])
    gift = new_donation(api, acme, donor["id"])
    for path in (f"{P}/donors/{donor['id']}", f"{P}/contact-logs/{log['id']}", f"{P}/donations/{gift['id']}"):
        with dynamodb_calls() as calls:
            assert api.get(path, acme).status_code == 200
        assert calls == ["GetItem"], path


def test_warm_list_page_is_one_query(api, acme):
    donor = new_donor(api, acme, email="jane@example.org")
    for n in range(3):
        new_log(api, acme, donor["id"], follow_up_at="2026-07-01T00:00:00Z")
        new_donation(api, acme, donor["id"])
    lists = [f"{P}/donors", f"{P}/donors?q=jane", f"{P}/donors?email=jane@example.org", f"{P}/donors?sort=-name",
             f"{P}/contact-logs?limit=1", f"{P}/contact-logs?method=PHONE", f"{P}/contact-logs?follow_up=open",
             f"{P}/contact-logs?donor_id={donor['id']}", f"{P}/donations?limit=2",
             f"{P}/donations?donor_id={donor['id']}", f"{P}/donors/{donor['id']}/activity?limit=2"]
    for path in lists:
        with dynamodb_calls() as calls:
            response = api.get(path, acme)
            assert response.status_code == 200, (path, response.body)
        assert calls == ["Query"], path
        if response.json["has_more"]:
            sep = "&" if "?" in path else "?"
            with dynamodb_calls() as calls:
                assert api.get(f"{path}{sep}cursor={response.json['next_cursor']}", acme).status_code == 200
            assert calls == ["Query"], path + " (next page)"


def test_warm_create_of_a_contact_log_is_one_transaction(api, acme):
    donor = new_donor(api, acme)
    new_log(api, acme, donor["id"])  # reserves this kind's id block
    with dynamodb_calls() as calls:
        new_log(api, acme, donor["id"], notes="second")
    assert calls == ["TransactWriteItems"]
    assert api.get(f"{P}/donors/{donor['id']}", acme).json["contact_log_count"] == 2


def test_warm_create_of_a_donor_is_one_write(api, acme):
    new_donor(api, acme)
    with dynamodb_calls() as calls:
        new_donor(api, acme, first_name="John")
    assert calls == ["TransactWriteItems"]  # the donor and its shard of the org's donor count
    with dynamodb_calls() as calls:
        new_donor(api, acme, first_name="Ann", external_id="ext-9")
    assert calls == ["TransactWriteItems"]


def test_warm_update_and_delete_are_one_read_and_one_write(api, acme):
    donor = new_donor(api, acme)
    log = new_log(api, acme, donor["id"])
    with dynamodb_calls() as calls:
        assert api.patch(f"{P}/contact-logs/{log['id']}", acme, {"notes": "x"}).status_code == 200
    assert calls == ["GetItem", "UpdateItem"]
    with dynamodb_calls() as calls:
        assert api.delete(f"{P}/contact-logs/{log['id']}", acme).status_code == 204
    assert calls == ["GetItem", "TransactWriteItems"]


# ---- ids ----------------------------------------------------------------------------------

def test_ids_count_up_from_one_per_org_and_kind(api, acme, other):
    assert [new_donor(api, acme, first_name=f"A{n}")["id"] for n in range(3)] == ["1", "2", "3"]
    assert [new_donor(api, other, first_name=f"B{n}")["id"] for n in range(2)] == ["1", "2"]
    assert new_log(api, acme, "1")["id"] == "1"
    assert new_donation(api, acme, "1")["id"] == "1"
    assert new_donor(api, acme)["id"] == "4"


def test_ids_are_never_reused_by_a_fresh_process(api, acme):
    first = [int(new_donor(api, acme, first_name=f"A{n}")["id"]) for n in range(3)]
    context.reset()  # a new Lambda container: the reserved block is forgotten
    later = [int(new_donor(api, acme, first_name=f"B{n}")["id"]) for n in range(3)]
    assert not set(first) & set(later)
    assert later == sorted(later) and min(later) > max(first)


def test_ids_are_unique_even_when_a_delete_frees_the_highest(api, acme):
    donor = new_donor(api, acme)
    assert api.delete(f"{P}/donors/{donor['id']}", acme).status_code == 204
    assert new_donor(api, acme)["id"] != donor["id"]


# ---- tenant-safe keys -------------------------------------------------------------------------

@pytest.mark.parametrize("build", [
    lambda org: keys.org_pk(org) + "#",
    lambda org: keys.collection_pk(org, "DONOR", 1),
    lambda org: keys.kind_list_pk(org, "DONOR"),
    lambda org: keys.lookup_pk(org, "DONOR", "EMAIL", "a@b.org"),
    lambda org: keys.lookup_pk(org, "LOG", "OPEN"),
    lambda org: keys.follow_up_queue_pk(org),
])
def test_no_key_of_acme_is_a_prefix_of_a_key_of_acme_corp(build):
    mine, theirs = build("acme"), build("acme-corp")
    assert mine != theirs
    assert not theirs.startswith(mine)
    assert not mine.startswith(theirs)


def test_due_sort_key_keeps_the_org_between_delimiters():
    assert keys.due_sk("2026-06-25T00:00:00.000Z", "acme", 1) == "2026-06-25T00:00:00.000Z#acme#000000000001"
    assert "#acme#" not in keys.due_sk("2026-06-25T00:00:00.000Z", "acme-corp", 1)


@pytest.mark.parametrize("org", ["acme#corp", "ACME", "a", "acme corp", "-acme"])
def test_org_ids_that_could_break_the_keys_are_refused(aws, org):
    with pytest.raises(ValidationFailed):
        organisations.create(org, "Bad")


def test_lists_of_acme_and_acme_corp_never_mix(api, acme, other):
    for org, name in ((acme, "Acme"), (other, "Corp")):
        donor = new_donor(api, org, last_name=name, email="same@example.org")
        new_log(api, org, donor["id"], notes=name, follow_up_at="2026-07-01T00:00:00Z")
        new_log(api, org, donor["id"], notes=name, contact_method="EMAIL")
        new_donation(api, org, donor["id"], note=name)
    lists = [f"{P}/donors", f"{P}/donors?q=e", f"{P}/donors?email=same@example.org", f"{P}/contact-logs",
             f"{P}/contact-logs?method=EMAIL", f"{P}/contact-logs?follow_up=open", f"{P}/contact-logs?donor_id=1",
             f"{P}/donations", f"{P}/donations?donor_id=1", f"{P}/donors/1/activity"]
    for org, name in ((acme, "Acme"), (other, "Corp")):
        for path in lists:
            data = api.get(path, org).json["data"]
            assert data, path
            for item in data:
                record = item.get("data", item)
                mine = record.get("last_name") or record.get("notes") or record.get("note")
                assert mine == name, (org.org, path, item)


def test_a_cursor_from_one_org_is_refused_in_the_other(api, acme, other):
    for org in (acme, other):
        for n in range(3):
            new_donor(api, org, first_name=f"N{n}")
    cursor = api.get(f"{P}/donors?limit=1", acme).json["next_cursor"]
    assert cursor
    assert api.get(f"{P}/donors?limit=1&cursor={cursor}", other).status_code == 400
    assert api.get(f"{P}/donors?limit=1&cursor={cursor}", acme).status_code == 200


# ---- sparse indexes -------------------------------------------------------------------------

@pytest.fixture
def follow_ups(api, acme, other):
    """acme's entries in every follow-up state, and one open entry in another org."""
    donor = new_donor(api, acme)

    def log(**fields):
        return int(new_log(api, acme, donor["id"], **fields)["id"])

    entries = {
        "open": log(follow_up_at="2026-07-01T00:00:00Z"),
        "open_later": log(follow_up_at="2026-08-01T00:00:00Z"),
        "none": log(),
        "completed": log(follow_up_at="2026-07-01T00:00:00Z", follow_up_completed_at="2026-06-30T00:00:00Z"),
        "deleted": log(follow_up_at="2026-07-01T00:00:00Z"),
        "completed_by_patch": log(follow_up_at="2026-07-01T00:00:00Z"),
        "cleared_by_patch": log(follow_up_at="2026-07-01T00:00:00Z"),
        "reopened_by_moving": log(follow_up_at="2026-07-01T00:00:00Z", follow_up_completed_at="2026-06-30T00:00:00Z"),
        "added_by_patch": log(),
    }
    assert api.delete(f"{P}/contact-logs/{entries['deleted']}", acme).status_code == 204
    patches = {
        "completed_by_patch": {"follow_up_completed_at": "2026-06-29T00:00:00Z"},
        "cleared_by_patch": {"follow_up_at": None},
        "reopened_by_moving": {"follow_up_at": "2026-09-01T00:00:00Z"},
        "added_by_patch": {"follow_up_at": "2026-10-01T00:00:00Z"},
    }
    for name, change in patches.items():
        response = api.patch(f"{P}/contact-logs/{entries[name]}", acme, change)
        assert response.status_code == 200, response.body
    theirs = new_donor(api, other)
    new_log(api, other, theirs["id"], follow_up_at="2026-07-01T00:00:00Z")
    open_ids = {str(entries[n]) for n in ("open", "open_later", "reopened_by_moving", "added_by_patch")}
    return entries, open_ids


def test_gsi5_holds_only_open_follow_ups(api, acme, follow_ups):
    _, open_ids = follow_ups
    items = index_query("GSI5", keys.lookup_pk("acme", "LOG", "OPEN"))
    assert {i["id"]["N"] for i in items} == open_ids
    assert all(i["PK"]["S"] == keys.org_pk("acme") for i in items)
    assert all("deleted_at" not in i for i in items)
    listed = api.get(f"{P}/contact-logs?follow_up=open", acme).json["data"]
    assert {e["id"] for e in listed} == open_ids


def test_gsi3_holds_only_open_not_deleted_follow_ups_keyed_by_due_time(api, acme, follow_ups):
    entries, open_ids = follow_ups
    items = [i for shard in range(keys.DUE_SHARDS) for i in index_query("GSI3", f"DUE#{shard}")]
    assert ids_of(items, "acme") == open_ids
    assert ids_of(items, "acme-corp") == {"1"}
    for item in items:
        assert "deleted_at" not in item
        assert "follow_up_completed_at" not in item
        org = item["PK"]["S"].removeprefix("ORG#")
        record_id = int(item["id"]["N"])
        assert item["GSI3PK"]["S"] == keys.due_pk(org, record_id)
        assert item["GSI3SK"]["S"] == keys.due_sk(item["follow_up_at"]["S"], org, record_id)
    moved = next(i for i in items if i["id"]["N"] == str(entries["reopened_by_moving"]) and
                 i["PK"]["S"] == "ORG#acme")
    assert moved["GSI3SK"]["S"].startswith("2026-09-01T00:00:00.000Z#acme#")


def test_gsi3_due_range_query_returns_only_what_is_due(api, acme, follow_ups):
    entries, _ = follow_ups
    client = boto3.client("dynamodb", region_name="us-east-1")
    due = set()
    for shard in range(keys.DUE_SHARDS):
        response = client.query(
            TableName=os.environ["TABLE_NAME"], IndexName="GSI3",
            KeyConditionExpression="GSI3PK = :pk AND GSI3SK < :by",
            ExpressionAttributeValues={":pk": {"S": f"DUE#{shard}"}, ":by": {"S": "2026-07-02"}})
        due |= ids_of(response["Items"], "acme")
    assert due == {str(entries["open"])}


def test_a_follow_up_already_raised_leaves_the_due_index_but_stays_open():
    entry = {"id": 7, "donor_id": 1, "occurred_at": "2026-06-10T02:00:00.000Z", "contact_method": "PHONE",
             "follow_up_at": "2026-06-25T00:00:00.000Z", "updated_at": "2026-06-10T02:00:00.000Z"}
    fresh = CONTACT_LOG.index_keys("acme", entry)
    assert "GSI3PK" in fresh and "GSI5PK" in fresh
    raised = CONTACT_LOG.index_keys("acme", {**entry, "follow_up_raised_for": entry["follow_up_at"]})
    assert "GSI3PK" not in raised and "GSI3SK" not in raised
    assert raised["GSI5PK"] == keys.lookup_pk("acme", "LOG", "OPEN")
    moved = CONTACT_LOG.index_keys("acme", {**entry, "follow_up_raised_for": "2026-06-01T00:00:00.000Z"})
    assert "GSI3PK" in moved
    done = CONTACT_LOG.index_keys("acme", {**entry, "follow_up_completed_at": "2026-06-20T00:00:00.000Z"})
    assert not {"GSI3PK", "GSI5PK"} & set(done)


def test_deleted_records_leave_every_index(api, acme):
    donor = new_donor(api, acme, email="gone@example.org", external_id="gone")
    log = new_log(api, acme, new_donor(api, acme, first_name="Kept")["id"], follow_up_at="2026-07-01T00:00:00Z")
    assert api.delete(f"{P}/donors/{donor['id']}", acme).status_code == 204
    assert api.delete(f"{P}/contact-logs/{log['id']}", acme).status_code == 204
    client = boto3.client("dynamodb", region_name="us-east-1")
    for sk in (keys.record_sk("DONOR", int(donor["id"])), keys.record_sk("LOG", int(log["id"]))):
        item = client.get_item(TableName=os.environ["TABLE_NAME"],
                               Key={"PK": {"S": "ORG#acme"}, "SK": {"S": sk}})["Item"]
        assert "deleted_at" in item
        assert not [name for name in item if name.startswith("GSI")], sk
    guard = client.get_item(TableName=os.environ["TABLE_NAME"],
                            Key={"PK": {"S": "ORG#acme"}, "SK": {"S": keys.unique_sk("DONOR", "external_id", "gone")}})
    assert "Item" not in guard
