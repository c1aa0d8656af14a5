"""The server, started as `make run` starts it, conforms to its own OpenAPI documents.

schemathesis generates requests from each face's `/openapi/{face}.json` (examples, boundary
values and random data, valid and invalid) and checks every response: never a server
error, a status code the document lists, the content type it lists, a body that matches
its schema. A fixed seed makes a run repeatable; the number of cases per operation bounds
its time. Run it alone with `make conformance` (CONFORMANCE_EXAMPLES=200 for a deeper run).

LGL's document is run without its `.json` aliases (the same operations at a second path),
at 12 cases per operation instead of 25 and, unless CONFORMANCE_DEEP=1, without
schemathesis' coverage phase: its bodies have 40 and more fields, whose combinations take the
coverage phase about nine minutes on two cores (measured: 7,580 cases, 566 s). Its 185
operations at 25 cases were 4,571 cases and 137 s, at 12 2,211 cases and 61 s (most of it
schemathesis generating the bodies), which keeps the suite near its five minutes.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .local_stack import DEMO_WRITE_KEY, Server

pytestmark = pytest.mark.blackbox

FACES = ("together", "lgl", "givebutter", "mpdx")
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
SEED = 20261202
EXAMPLES = {face: int(os.environ.get("CONFORMANCE_EXAMPLES", "12" if face == "lgl" else "25")) for face in FACES}
DEEP = os.environ.get("CONFORMANCE_DEEP") == "1"
ONLY_FOR = {"lgl": ["--exclude-path-regex", r"\.json$"] + ([] if DEEP else ["--phases", "examples,fuzzing,stateful"])}


@pytest.fixture(scope="module")
def own_server():
    """A server of its own: the generated requests create and delete records at will, which
    the other black-box tests, counting theirs, must not see."""
    running = Server()
    try:
        running.wait_until_ready()
        yield running
    finally:
        running.stop()


@pytest.mark.parametrize("face", FACES)
def test_the_server_conforms_to_its_document(own_server, face, tmp_path):
    server = own_server
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{server.base}/openapi/{face}.json",
        "--checks", CHECKS, "--seed", str(SEED), "--max-examples", str(EXAMPLES[face]),
        "--header", f"Authorization: Bearer {DEMO_WRITE_KEY}",
        "--workers", "1", "--no-color", "--generation-database", "none",
        "--request-timeout", "30", "--report-dir", str(tmp_path), *ONLY_FOR.get(face, []),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
