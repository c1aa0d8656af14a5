"""`python -m bench.run [RUNS]` (what `make bench` runs): every benchmark, printed and saved
to bench/results.md. Exits 1 when a Scan was made or the sweep read more than the due items;
over-budget rows are reported, not failed. The search benchmark (10,000 constituents) takes
most of the run's few minutes."""
from __future__ import annotations

import sys
from pathlib import Path

from . import calls, import_time, search, sweep


def main(runs: int = 15) -> int:
    calls_report, calls_ok = calls.run()
    sweep_report, sweep_ok = sweep.run()
    search_report, search_ok = search.run()
    import_report = import_time.run(runs)
    report = (f"# Benchmarks (DESIGN.md §9)\n\n{calls_report}\n\n{search_report}\n\n{sweep_report}\n\n"
              f"{import_report}\n")
    print(report)
    (Path(__file__).parent / "results.md").write_text(report)
    return 0 if calls_ok and sweep_ok and search_ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 15))
