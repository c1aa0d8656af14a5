"""The Together docs' curl flow over real HTTP, against `python -m tools.run_local` (= `make run`)."""
from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from .local_stack import DEMO_READ_KEY, DEMO_WRITE_KEY, DONOR, OTHER_WRITE_KEY, START_TIMEOUT, Server

pytestmark = pytest.mark.blackbox

SEED_BODY = {
    "donor_id": DONOR,
    "contact_method": "PHONE",
    "occurred_at": "2026-06-10T02:00:00.000Z",
    "notes": "Discussed the year-end appeal; keen to give again.",
    "follow_up_at": "2026-06-25T00:00:00.000Z",
}


def open_ids(server: Server) -> list[str]:
    status, _, page = server.call("GET", f"/api/v1/contact-logs?donor_id={DONOR}&follow_up=open", DEMO_WRITE_KEY)
    assert status == 200, page
    return [entry["id"] for entry in page["data"]]


def test_the_sweep_raises_the_seeded_overdue_follow_up_at_start(server):
    deadline = time.monotonic() + START_TIMEOUT
    while "[sweep] Follow-up due: Jane Doe" not in server.output():
        assert time.monotonic() < deadline, f"the sweep raised nothing:\n{server.output()}"
        time.sleep(0.2)
    status, _, queue = server.call("GET", "/api/v1/follow-ups?window=overdue", DEMO_READ_KEY)
    assert status == 200, queue
    raised = [e for e in queue["data"] if e["follow_up_raised_at"]]
    assert raised and raised[0]["notes"].startswith("Called about the spring appeal")
    assert queue["counts"]["overdue"] >= 1


def test_seed_curl_flow(server):
    status, headers, created = server.call("POST", "/api/v1/contact-logs", DEMO_WRITE_KEY, SEED_BODY)
    assert status == 201, created
    entry_id = created["id"]
    # make run binds the demo WRITE key to the demo's team member: the entry records who logged it.
    assert created["contact_method"] == "PHONE" and created["recorded_by_id"] is None
    assert headers["Location"].endswith(f"/api/v1/contact-logs/{entry_id}")

    assert entry_id in open_ids(server)

    status, _, problem = server.call("GET", f"/api/v1/contact-logs/{entry_id}", OTHER_WRITE_KEY)
    assert status == 404, problem
    status, _, _ = server.call("GET", f"/api/v1/contact-logs/{entry_id}", DEMO_READ_KEY)
    assert status == 200

    status, headers, problem = server.call("POST", "/api/v1/contact-logs", DEMO_READ_KEY, SEED_BODY)
    assert status == 403, problem
    assert headers["Content-Type"] == "application/problem+json" and problem["status"] == 403

    status, _, patched = server.call("PATCH", f"/api/v1/contact-logs/{entry_id}", DEMO_WRITE_KEY,
                                     {"follow_up_completed_at": "2026-06-20T00:00:00.000Z"})
    assert status == 200, patched
    assert patched["follow_up_completed_at"] == "2026-06-20T00:00:00.000Z"
    assert entry_id not in open_ids(server)

    for _ in range(2):
        status, _, body = server.call("DELETE", f"/api/v1/contact-logs/{entry_id}", DEMO_WRITE_KEY)
        assert (status, body) == (204, None)
    status, _, _ = server.call("GET", f"/api/v1/contact-logs/{entry_id}", DEMO_WRITE_KEY)
    assert status == 404


@pytest.mark.parametrize("key", [None, DEMO_WRITE_KEY])
def test_unknown_path_is_a_404_problem(server, key):
    status, headers, problem = server.call("GET", "/api/v1/no-such-thing", key)
    assert status == 404
    assert headers["Content-Type"] == "application/problem+json"
    assert problem["type"] and problem["title"] == "Not found" and problem["status"] == 404
    assert problem["detail"] and problem["errors"] == []
    # /api/v1 is LGL's too: its clients read `error` and `description`
    assert (problem["api_version"], problem["error"]) == ("1.0", "Not Found") and problem["description"]


def test_malformed_json_is_a_400_problem(server):
    status, headers, problem = server.call("POST", "/api/v1/contact-logs", DEMO_WRITE_KEY, raw=b'{"donor_id": ')
    assert status == 400
    assert headers["Content-Type"] == "application/problem+json"
    assert problem["status"] == 400 and "JSON" in problem["detail"]


def test_seeded_data_is_there(server):
    status, _, page = server.call("GET", f"/api/v1/contact-logs?donor_id={DONOR}", DEMO_READ_KEY)
    assert status == 200 and len(page["data"]) >= 2
    status, _, gifts = server.call("GET", "/api/v1/donations", DEMO_READ_KEY)
    assert status == 200 and "EUR" in {g["currency"] for g in gifts["data"]}
    status, _, others = server.call("GET", "/api/v1/donors", OTHER_WRITE_KEY)
    assert status == 200 and len(others["data"]) == 1


def test_concurrent_requests_are_served(server):
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: server.call("GET", "/api/v1/donors", DEMO_READ_KEY)[0], range(16)))
    assert statuses == [200] * 16


def test_restart_on_a_reused_endpoint_does_not_duplicate_the_seed():
    """With AWS_ENDPOINT_URL set, run_local uses it; a second start keeps the data as it is."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's access log
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    endpoint = "http://127.0.0.1:%d" % moto.get_host_and_port()[1]
    try:
        counts = []
        for _ in range(2):
            run = Server(AWS_ENDPOINT_URL=endpoint)
            try:
                run.wait_until_ready()
                status, _, page = run.call("GET", "/api/v1/donors", DEMO_READ_KEY)
                assert status == 200
                counts.append(len(page["data"]))
            finally:
                code, output = run.stop()
            assert code == 0, output
        assert counts[0] == counts[1] > 0
        assert "already exists on this endpoint" in output
        assert "already present" in output
    finally:
        moto.stop()
