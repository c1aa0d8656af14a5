"""Benchmarks against the budgets in DESIGN.md §9.

`python -m bench.run` (what `make bench` runs) prints Markdown tables and writes them to
bench/results.md:

- bench.calls: DynamoDB calls, round trips and bytes per warm request, for every route in
  chalicelib.faces.http.ROUTES (a route without a scenario fails the run, as does any Scan);
- bench.search: searches (by name, e-mail, group, keyword, membership) and lists on an
  organisation of 10,000 constituents, cold and warm:
  calls, round trips, items and bytes read, Python time and a modelled latency;
- bench.sweep: what one follow-up sweep reads and writes;
- bench.import_time: cold import of app.py against a minimal Chalice app (bench/baseline_app.py).
"""
