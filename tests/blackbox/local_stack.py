"""`python -m tools.run_local` (= `make run`) in a subprocess, and a stdlib HTTP client for it."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
DONOR = "cm3donor0001abc123xyz456"  # the seed's external id, as in the Together docs' curl example
DEMO_WRITE_KEY = "blackbox-demo-write-key-0001"
DEMO_READ_KEY = "blackbox-demo-read-key-0001"
OTHER_WRITE_KEY = "blackbox-other-write-key-0001"
START_TIMEOUT = 60
STOP_TIMEOUT = 20
CALL_TIMEOUT = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """`python -m tools.run_local` as `make run` starts it, its output kept in a file.

    Its embedded moto listens on `moto_port` (MOTO_PORT), so operator commands such as
    `python -m chalicelib.cli followups sweep` can run against the same store (`cli_env`)."""

    def __init__(self, **env: str) -> None:
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.moto_port = free_port() if "AWS_ENDPOINT_URL" not in env else None
        self.log = tempfile.TemporaryFile(mode="w+")
        clean = {k: v for k, v in os.environ.items()
                 if k not in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "MOTO_PORT")}
        clean.update({"PORT": str(self.port), "DEMO_WRITE_KEY": DEMO_WRITE_KEY,
                      "DEMO_READ_KEY": DEMO_READ_KEY, "OTHER_WRITE_KEY": OTHER_WRITE_KEY,
                      "PYTHONUNBUFFERED": "1", **env})
        if self.moto_port:
            clean["MOTO_PORT"] = str(self.moto_port)
        self.env = clean
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

    def cli_env(self) -> dict[str, str]:
        """The environment `make run`'s banner prints for the operator CLI, plus the local bus
        and topic run_local makes, so a CLI sweep delivers where the server's sweep does."""
        assert self.moto_port, "only for a server on its own embedded moto"
        env = {k: v for k, v in self.env.items() if k not in ("PORT", "MOTO_PORT")}
        env.update({
            "AWS_ENDPOINT_URL": f"http://{HOST}:{self.moto_port}",
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
            "TABLE_NAME": env.get("TABLE_NAME", "donor-relations"),
            "API_KEY_PEPPER": env.get("API_KEY_PEPPER", "dev-pepper-for-make-run-only-not-a-secret"),
            # tools.run_local.LOCAL_BUS / LOCAL_TOPIC on moto's default account
            "EVENT_BUS_NAME": "donor-relations-local",
            "REMINDER_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:donor-relations-reminders",
        })
        env.pop("AWS_PROFILE", None)
        return env

    def call(self, method: str, path: str, key: str | None = None, body: Any = None,
             raw: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], Any]:
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if key:
            all_headers["Authorization"] = f"Bearer {key}"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=CALL_TIMEOUT) as response:
                status, head, payload = response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            status, head, payload = error.code, dict(error.headers), error.read()
        return status, head, json.loads(payload) if payload else None
