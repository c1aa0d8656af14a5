"""The Lambda package `chalice package` builds carries everything the functions import.

Chalice zips only app.py, chalicelib/ and vendor/ (plus requirements.txt's wheels for
Lambda's platform); functions/ travels through the vendor/functions link. This builds the
package, unpacks it and imports every function's handler in a fresh interpreter that sees
the unpacked package and the standard library only (`python -I -S`), the way Lambda would.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
# The handler infra/ gives the sweep's Lambda instead of Chalice's `app.follow_up_sweep`
# (infra.stack.SWEEP_HANDLER; tests/infra checks the template uses it).
INFRA_SWEEP_HANDLER = "functions.sweep.handler"

# Run in the unpacked package: import each function's handler as Lambda resolves it
# ("module.attribute"), then list any module loaded from outside the package and stdlib.
PROBE = r"""
import importlib, json, os, sys, sysconfig
package, handlers = sys.argv[1], json.loads(sys.argv[2])
sys.path.insert(0, package)
import functions.sweep
assert callable(functions.sweep.handler), "functions.sweep.handler is not callable"
for logical_id, handler in handlers.items():
    module, attribute = handler.rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module), attribute)), (logical_id, handler)
allowed = [os.path.realpath(p) for p in (package, sysconfig.get_paths()["stdlib"],
                                         sysconfig.get_paths()["platstdlib"])]
outside = sorted(
    name for name, module in list(sys.modules.items())
    if getattr(module, "__file__", None)
    and not any(os.path.realpath(module.__file__).startswith(p + os.sep) for p in allowed)
)
print(json.dumps({"outside": outside, "site": [p for p in sys.path if "site-packages" in p],
                  "loaded": sorted(sys.modules)}))
"""


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("package")
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"}
    chalice = Path(sys.executable).with_name("chalice")
    subprocess.run([str(chalice), "--project-dir", str(ROOT), "package", "--stage", "dev", str(out / "sam")],
                   check=True, env=env, cwd=ROOT, timeout=900, capture_output=True)
    return out


def test_vendor_links_functions_into_the_package():
    link = ROOT / "vendor" / "functions"
    assert link.is_symlink() and os.readlink(link) == "../functions"


def test_the_zip_holds_functions_chalicelib_and_the_wheels(package):
    names = set(zipfile.ZipFile(package / "sam" / "deployment.zip").namelist())
    for required in ("app.py", "functions/sweep.py", "chalicelib/config.py", "chalicelib/store/table.py",
                     "pydantic/__init__.py", "boto3/__init__.py", "chalice/app.py"):
        assert required in names, required
    assert any(n.startswith("pydantic_core/_pydantic_core.cpython-311-x86_64-linux-gnu") for n in names)
    assert not any(n.startswith(("tests/", "infra/", "bench/", "vendor/")) for n in names)
    # every pinned requirement of the Lambda is in it, at its pinned version
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        requirement = line.split("#", 1)[0].strip()
        if requirement:
            name, _, version = (part.strip() for part in requirement.partition("=="))
            name = name.split("[", 1)[0].split(">", 1)[0].split("<", 1)[0].split("~", 1)[0].strip()
            dist_info = f"{name.replace('-', '_')}-{version or ''}".lower()
            assert any(n.lower().startswith(dist_info) and ".dist-info/" in n for n in names), requirement


def test_every_function_imports_from_the_package_alone(package):
    unpacked = package / "unpacked"
    zipfile.ZipFile(package / "sam" / "deployment.zip").extractall(unpacked)
    template = json.loads((package / "sam" / "sam.json").read_text())
    handlers = {name: resource["Properties"]["Handler"] for name, resource in template["Resources"].items()
                if resource["Type"] == "AWS::Serverless::Function"}
    assert set(handlers) == {"APIHandler", "FollowUpSweep"}
    handlers["FollowUpSweep (infra)"] = INFRA_SWEEP_HANDLER
    env = {"PATH": os.environ.get("PATH", ""), "TABLE_NAME": "t", "AWS_DEFAULT_REGION": "us-east-1"}
    result = subprocess.run([sys.executable, "-I", "-S", "-c", PROBE, str(unpacked), json.dumps(handlers)],
                            env=env, cwd=package, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert probe["site"] == []
    assert probe["outside"] == [], f"imported from outside the package: {probe['outside']}"
    for module in ("functions.sweep", "chalicelib.config", "boto3", "pydantic"):
        assert module in probe["loaded"], module
