"""The deployments file: defaults, the two kinds of stack, and a clear message for every mistake."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from infra.deployments import Deployment, DeploymentsError, load, parse

from .conftest import ROOT, cli_env


def test_defaults_apply_and_an_entry_wins():
    acme, pilot = parse({
        "defaults": {"region": "eu-west-1", "sweep_minutes": 15, "alarm_email": "ops@example.org"},
        "stacks": [{"org": "acme", "sweep_minutes": 1},
                   {"shared": True, "name": "pilot", "orgs": ["tiny-trust", "food-bank"]}],
    })
    assert acme == Deployment(name="acme", orgs=("acme",), region="eu-west-1", sweep_minutes=1,
                              alarm_emails=("ops@example.org",))
    assert acme.stack_name == "DonorRelations-acme"
    assert (pilot.shared, pilot.orgs, pilot.sweep_minutes, pilot.stack_name) == (
        True, ("tiny-trust", "food-bank"), 15, "DonorRelations-pilot")
    assert (pilot.account, pilot.memory_mb, pilot.log_retention_days) == (None, 512, 90)


@pytest.mark.parametrize("document, message", [
    ([], "must be a JSON object"),
    ({"stacks": []}, "stacks must be a non-empty list"),
    ({"stacks": [{"org": "acme"}], "stackz": 1}, "top level: unknown field 'stackz'"),
    ({"stacks": ["acme"]}, 'stacks[0]: must be an object, got "acme"'),
    ({"stacks": [{}]}, "stacks[0]: org is required"),
    ({"stacks": [{"org": "Acme"}]}, 'stacks[0] (org "Acme"): org must be an organisation id'),
    ({"stacks": [{"org": "acme#x"}]}, 'stacks[0] (org "acme#x"): org must be an organisation id'),
    ({"stacks": [{"org": "acme", "sweep_minutes": 0}]},
     'stacks[0] (org "acme"): sweep_minutes must be an integer from 1 to 1440, got 0'),
    ({"stacks": [{"org": "acme", "sweep_minutes": "5"}]}, 'sweep_minutes must be an integer from 1 to 1440, got "5"'),
    ({"stacks": [{"org": "acme", "sweep_minutes": True}]}, "sweep_minutes must be an integer"),
    ({"stacks": [{"org": "acme"}, {"org": "kin", "account": "12345"}]},
     'stacks[1] (org "kin"): account must be a 12-digit AWS account id, got "12345"'),
    ({"stacks": [{"org": "acme", "region": "Europe"}]}, "region must be an AWS region"),
    ({"stacks": [{"org": "acme", "alarm_email": "nobody"}]}, 'alarm_email must be an e-mail address, got "nobody"'),
    ({"stacks": [{"org": "acme", "alarm_email": []}]}, "alarm_email must be an e-mail address or a list"),
    ({"stacks": [{"org": "acme", "log_retention_days": 10}]}, "log_retention_days must be one of 1, 3, 5"),
    ({"stacks": [{"org": "acme", "memory_mb": 64}]}, "memory_mb must be an integer from 128 to 10240"),
    ({"stacks": [{"org": "acme", "sweep": 5}]}, "stacks[0] (org \"acme\"): unknown field 'sweep'"),
    ({"stacks": [{"org": "acme", "orgs": ["a1"]}]}, "orgs is only for a shared stack"),
    ({"stacks": [{"shared": "yes", "name": "p"}]}, "shared must be true or false"),
    ({"stacks": [{"shared": True, "orgs": ["ab"]}]}, "stacks[0]: name is required for a shared stack"),
    ({"stacks": [{"shared": True, "name": "pilot"}]}, 'stacks[0] (name "pilot"): orgs is required'),
    ({"stacks": [{"shared": True, "name": "pilot", "orgs": []}]}, "orgs must be a non-empty list"),
    ({"stacks": [{"shared": True, "name": "pilot", "orgs": ["ab", "A!"]}]},
     'stacks[0] (name "pilot"): orgs[1] must be an organisation id'),
    ({"stacks": [{"shared": True, "name": "pilot", "orgs": ["ab", "ab"]}]}, "orgs[1] repeats 'ab'"),
    ({"stacks": [{"shared": True, "name": "pilot", "org": "ab", "orgs": ["ab"]}]}, "org is for a one-organisation"),
    ({"stacks": [{"org": "acme"}, {"org": "acme"}]},
     'stacks[1] (org "acme"): stack DonorRelations-acme is already defined by stacks[0]'),
    ({"stacks": [{"org": "acme"}, {"shared": True, "name": "pilot", "orgs": ["acme"]}]},
     "organisation 'acme' is already served by stacks[0]"),
    ({"defaults": {"org": "acme"}, "stacks": [{"org": "acme"}]}, "defaults: unknown field 'org'"),
    ({"defaults": {"sweep_minutes": -1}, "stacks": [{"org": "acme"}]}, "defaults: sweep_minutes must be"),
])
def test_mistakes_name_the_entry_and_field(document, message):
    with pytest.raises(DeploymentsError) as caught:
        parse(document, "deployments.json")
    assert str(caught.value).startswith("deployments.json: ")
    assert message in str(caught.value)


def test_unreadable_files(tmp_path):
    with pytest.raises(DeploymentsError, match="no such file"):
        load(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{nope")
    with pytest.raises(DeploymentsError, match="bad.json: not valid JSON"):
        load(tmp_path / "bad.json")


def test_synth_stops_on_a_bad_file_with_the_message(tmp_path):
    bad = tmp_path / "deployments.json"
    bad.write_text(json.dumps({"stacks": [{"org": "acme", "sweep_minutes": 0}]}))
    result = subprocess.run([sys.executable, str(ROOT / "infra" / "app.py"), "--deployments", str(bad),
                             "--outdir", str(tmp_path / "out")],
                            env=cli_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip() == (f'infra: {bad}: stacks[0] (org "acme"): '
                                     "sweep_minutes must be an integer from 1 to 1440, got 0")
    assert not (tmp_path / "out").exists()
