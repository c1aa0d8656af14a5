"""`python -m bench.run [RUNS]` (what `make bench` runs): every benchmark, printed and saved
to bench/results.md. Exits 1 when a Scan was made or the sweep read more than the due items;
over-budget rows are reported, not failed. The two at scale take most of the run: searching
10,000 constituents a few minutes, an organisation's history (50,000 gifts and 20,000 contact
reports, bench/history.py) about 17 more on the shared 2-core machine (5 seeding, 10
measuring: a cold gift search reads all 50,000 search rows through moto)."""
from __future__ import annotations

import sys
from pathlib import Path

from . import calls, history, import_time, search, sweep


def main(runs: int = 15) -> int:
    calls_report, calls_ok = calls.run()
    sweep_report, sweep_ok = sweep.run()
    search_report, search_ok = search.run()
    history_report, history_ok = history.run()
    import_report = import_time.run(runs)
    report = (f"# Benchmarks (DESIGN.md §9)\n\n{calls_report}\n\n{search_report}\n\n{history_report}\n\n"
              f"{sweep_report}\n\n{import_report}\n")
    print(report)
    (Path(__file__).parent / "results.md").write_text(report)
    return 0 if calls_ok and sweep_ok and search_ok and history_ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 15))
