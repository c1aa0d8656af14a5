"""Cold import of app.py against a minimal Chalice app (DESIGN.md §9: at most 1.5x).

Each sample is a fresh interpreter timing one cold start; the candidates alternate so drift
in the machine's load hits both alike. One unrecorded run of each first fills the OS file
cache and writes any missing .pyc, so both sides are measured the same way.
"""
from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 1.5
ENV = {
    "API_KEY_PEPPER": "bench-pepper-not-a-secret-0123456789",
    "TABLE_NAME": "donor-relations-bench",
    "AWS_DEFAULT_REGION": "us-east-1",
}
SNIPPET = "import time; t=time.perf_counter(); {statement}; print(time.perf_counter()-t)"
# label -> (what a cold start runs, cwd). The baseline builds its table resource at import;
# app.py builds its client on the first request, so the third row adds that to be fair.
MODULES = {
    "baseline (`bench/baseline_app.py`)": ("import baseline_app", ROOT / "bench"),
    "`app.py`": ("import app", ROOT),
    "`app.py` + first DynamoDB client": (
        "import app; from chalicelib.store import dynamo; dynamo.client()", ROOT),
}


def sample(statement: str, cwd: Path) -> float:
    """Milliseconds one fresh interpreter takes to run `statement`."""
    done = subprocess.run([sys.executable, "-c", SNIPPET.format(statement=statement)], cwd=cwd,
                          env={**os.environ, **ENV}, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"running {statement} failed:\n{done.stderr}")
    return float(done.stdout.split()[-1]) * 1000


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]  # nearest rank


def measure(runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {label: [] for label in MODULES}
    for statement, cwd in MODULES.values():
        sample(statement, cwd)  # warm-up, not recorded
    for _ in range(runs):
        for label, (statement, cwd) in MODULES.items():
            times[label].append(sample(statement, cwd))
    return times


def run(runs: int = 15) -> str:
    """The Markdown report; over budget is reported, not an error (timings are noisy)."""
    times = measure(runs)
    (base_label, base), *others = times.items()
    lines = [
        "## Cold import time\n",
        f"{runs} fresh interpreters each, interleaved; Python {sys.version.split()[0]}.\n",
        "| import | median ms | p90 ms | ratio to baseline (median) | budget | within budget |",
        "|---|---|---|---|---|---|",
        f"| {base_label} | {statistics.median(base):.1f} | {p90(base):.1f} | 1.00x | | |",
    ]
    for label, app in others:
        ratio = statistics.median(app) / statistics.median(base)
        lines.append(
            f"| {label} | {statistics.median(app):.1f} | {p90(app):.1f} | {ratio:.2f}x "
            f"(p90: {p90(app) / p90(base):.2f}x) | <= {BUDGET}x | {'yes' if ratio <= BUDGET else '**no**'} |")
    return "\n".join(lines)


if __name__ == "__main__":
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    print(run(runs))
