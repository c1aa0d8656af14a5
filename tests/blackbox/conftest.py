"""One `make run` server (python -m tools.run_local) for the black-box tests of a session."""
from __future__ import annotations

import pytest

from .local_stack import Server


@pytest.fixture(scope="session")
def server():
    running = Server()
    try:
        running.wait_until_ready()
        yield running
    finally:
        code, output = running.stop()
    assert code == 0, f"run_local exited with {code} after SIGTERM:\n{output}"
    assert output.rstrip().endswith("Stopped."), output
