"""Benchmarks against the budgets in DESIGN.md §9.

`python -m bench.run` (what `make bench` runs) prints two Markdown tables and writes them to
bench/results.md:

- bench.calls: DynamoDB round trips per warm request, for every route in
  chalicelib.faces.http.ROUTES (a route without a scenario fails the run, as does any Scan);
- bench.import_time: cold import of app.py against a minimal Chalice app (bench/baseline_app.py).
"""
