"""The CDK app: one stack per entry of the deployments file.

    .venv/bin/python infra/app.py [--deployments FILE] [--outdir DIR]     # what `make synth` runs

writes the CloudFormation templates and assets (the Lambda zip) to DIR (default infra/cdk.out),
which `npx aws-cdk@2 deploy --app infra/cdk.out STACK` deploys. Run by the cdk CLI instead
(infra/cdk.json), it writes where the CLI says. FILE defaults to $DEPLOYMENTS_FILE, else
infra/deployments.json. A wrong deployments file stops it before anything is built, with one
message naming the entry and field (exit status 2).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
from pathlib import Path
from typing import Iterator

INFRA = Path(__file__).resolve().parent
ROOT = INFRA.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from infra.deployments import Deployment, DeploymentsError, load  # noqa: E402

DEFAULT_DEPLOYMENTS = INFRA / "deployments.json"
DEFAULT_OUTDIR = INFRA / "cdk.out"
PACKAGING_REGION = "us-east-1"  # `chalice package` wants a region; the template does not depend on it


@contextlib.contextmanager
def packaging(deployment: Deployment, workdir: Path) -> Iterator[None]:
    """Around one Chalice construct: `chalice package` imports app.py with the stage's
    environment written into os.environ (CDK tokens, here) and extends sys.path, and the
    construct builds into ./chalice.out; keep all of that out of the rest of the process."""
    saved_environ, saved_path, saved_cwd = dict(os.environ), list(sys.path), os.getcwd()
    os.environ["AWS_DEFAULT_REGION"] = deployment.region or os.environ.get("AWS_DEFAULT_REGION") or PACKAGING_REGION
    os.chdir(workdir)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_environ)
        sys.path[:] = saved_path


def synth(deployments: list[Deployment], outdir: Path | None, source_dir: Path = ROOT) -> Path:
    """Synthesize every deployment's stack; returns the cloud assembly's directory."""
    import aws_cdk as cdk

    from infra.stack import DonorRelationsStack

    app = cdk.App(outdir=str(outdir)) if outdir is not None else cdk.App()
    workdir = Path(app.outdir).resolve().parent
    build = workdir / "chalice.out"
    shutil.rmtree(build, ignore_errors=True)
    for deployment in deployments:
        with packaging(deployment, workdir):
            DonorRelationsStack(app, deployment, source_dir=str(source_dir))
    assembly = app.synth()
    shutil.rmtree(build, ignore_errors=True)  # the zips are in the assembly now
    return Path(assembly.directory)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="infra/app.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--deployments", type=Path,
                        default=Path(os.environ.get("DEPLOYMENTS_FILE") or DEFAULT_DEPLOYMENTS))
    parser.add_argument("--outdir", type=Path, help=f"default {DEFAULT_OUTDIR.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    try:
        deployments = load(args.deployments.resolve())
    except DeploymentsError as exc:
        print(f"infra: {exc}", file=sys.stderr)
        return 2
    outdir = None
    if not os.environ.get("CDK_OUTDIR"):  # the cdk CLI names the directory itself
        outdir = (args.outdir or DEFAULT_OUTDIR).resolve()
        if outdir.is_dir() and any(outdir.iterdir()):
            if not (outdir / "manifest.json").is_file():
                print(f"infra: {outdir} is not empty and not a cloud assembly; not writing there",
                      file=sys.stderr)
                return 2
            shutil.rmtree(outdir)  # an earlier synth's: no stale stacks or zips
        outdir.mkdir(parents=True, exist_ok=True)
    from infra.stack import AppPackagingError

    try:
        directory = synth(deployments, outdir)
    except AppPackagingError as exc:
        print(f"infra: {exc}", file=sys.stderr)
        return 2
    for deployment in deployments:
        print(f"{deployment.stack_name}: {directory / (deployment.stack_name + '.template.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
