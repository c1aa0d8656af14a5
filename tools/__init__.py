"""Developer tools: `make run` lives here (tools.run_local)."""
