from tests.conftest import new_donor, new_log


def test_seed_example_creates_entry_for_donor_addressed_by_external_id(api, acme):
    donor = new_donor(api, acme, external_id="cm3donor0001abc123xyz456")
    body = {
        "donor_id": "cm3donor0001abc123xyz456",
        "contact_method": "PHONE",
        "occurred_at": "2026-06-10T02:00:00.000Z",
        "notes": "Discussed the year-end appeal; keen to give again.",
        "follow_up_at": "2026-06-25T00:00:00.000Z",
    }
    created = api.post("/api/v1/contact-logs", acme, body)
    assert created.status_code == 201
    assert created.json["donor_id"] == donor["id"]
    assert created.json["recorded_by_id"] is None
    assert created.headers["ETag"] == '"1"'
    listed = api.get("/api/v1/contact-logs?donor_id=cm3donor0001abc123xyz456&follow_up=open", acme)
    assert [e["id"] for e in listed.json["data"]] == [created.json["id"]]
