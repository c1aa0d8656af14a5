"""The Together docs' curl flow over real HTTP, against `python -m tools.run_local` (= `make run`)."""
from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.blackbox

ROOT = Path(__file__).resolve().parents[2]
DONOR = "cm3donor0001abc123xyz456"
DEMO_WRITE_KEY = "blackbox-demo-write-key-0001"
DEMO_READ_KEY = "blackbox-demo-read-key-0001"
OTHER_WRITE_KEY = "blackbox-other-write-key-0001"
SEED_BODY = {
    "donor_id": DONOR,
    "contact_method": "PHONE",
    "occurred_at": "2026-06-10T02:00:00.000Z",
    "notes": "Discussed the year-end appeal; keen to give again.",
    "follow_up_at": "2026-06-25T00:00:00.000Z",
}
START_TIMEOUT = 60
STOP_TIMEOUT = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python -m tools.run_local` as `make run` starts it, its output kept in a file."""

    def __init__(self, **env: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile(mode="w+")
        clean = {k: v for k, v in os.environ.items()
                 if k not in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "MOTO_PORT")}
        clean.update({"PORT": str(self.port), "DEMO_WRITE_KEY": DEMO_WRITE_KEY,
                      "DEMO_READ_KEY": DEMO_READ_KEY, "OTHER_WRITE_KEY": OTHER_WRITE_KEY,
                      "PYTHONUNBUFFERED": "1", **env})
        self.process = subprocess.Popen([sys.executable, "-m", "tools.run_local"], cwd=ROOT, env=clean,
                                        stdout=self.log, stderr=subprocess.STDOUT)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"run_local exited with {self.process.returncode}:\n{self.output()}")
            try:
                urllib.request.urlopen(self.base + "/api/v1/contact-logs", timeout=2)
            except urllib.error.HTTPError:
                return  # any HTTP answer (401 here) means it is serving
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
                continue
            return
        pytest.fail(f"run_local did not answer on {self.base} within {START_TIMEOUT} s:\n{self.output()}")

    def stop(self) -> tuple[int, str]:
        """SIGTERM, as Ctrl-C or a supervisor would; its exit code and everything it printed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"run_local ignored SIGTERM for {STOP_TIMEOUT} s:\n{self.output()}")
        output = self.output()
        self.log.close()
        return code, output

    def call(self, method: str, path: str, key: str | None = None, body: Any = None,
             raw: bytes | None = None) -> tuple[int, dict[str, str], Any]:
        headers = {"Content-Type": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, head, payload = response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            status, head, payload = error.code, dict(error.headers), error.read()
        return status, head, json.loads(payload) if payload else None


@pytest.fixture(scope="module")
def server():
    running = Server()
    try:
        running.wait_until_ready()
        yield running
    finally:
        code, output = running.stop()
    assert code == 0, f"run_local exited with {code} after SIGTERM:\n{output}"
    assert output.rstrip().endswith("Stopped."), output


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
    assert created["contact_method"] == "PHONE" and created["recorded_by_id"] == "1"
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
