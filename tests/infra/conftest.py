"""One synthesis of the CDK app for the whole infra suite (it packages the Lambda per stack)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Two organisation stacks (one pinned to an account and region, with alarm e-mails and a
# slower sweep; one with the defaults) and a shared multi-tenant stack.
DEPLOYMENTS = {
    "stacks": [
        {"org": "acme", "account": "111111111111", "region": "eu-west-1", "sweep_minutes": 10,
         "alarm_email": ["ops@acme.example", "cto@acme.example"], "memory_mb": 1024, "log_retention_days": 365},
        {"org": "kindred"},
        {"shared": True, "name": "pilot", "orgs": ["tiny-trust", "food-bank"]},
    ],
}
STACKS = {"acme": "DonorRelations-acme", "kindred": "DonorRelations-kindred", "pilot": "DonorRelations-pilot"}


def cli_env() -> dict[str, str]:
    """The environment for infra/app.py and cfn-lint: no AWS settings of the test process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CDK_", "TABLE_NAME", "API_KEY"))}
    env["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = "20"  # this machine's Node; not our finding
    return env


@dataclass
class Assembly:
    directory: Path
    templates: dict[str, dict[str, Any]]   # by stack name
    manifest: dict[str, Any]


@pytest.fixture(scope="session")
def assembly(tmp_path_factory) -> Assembly:
    work = tmp_path_factory.mktemp("infra")
    deployments = work / "deployments.json"
    deployments.write_text(json.dumps(DEPLOYMENTS))
    outdir = work / "cdk.out"
    result = subprocess.run(
        [sys.executable, str(ROOT / "infra" / "app.py"), "--deployments", str(deployments), "--outdir", str(outdir)],
        env=cli_env(), cwd=work, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    templates = {name: json.loads((outdir / f"{name}.template.json").read_text()) for name in STACKS.values()}
    manifest = json.loads((outdir / "manifest.json").read_text())
    return Assembly(outdir, templates, manifest)
