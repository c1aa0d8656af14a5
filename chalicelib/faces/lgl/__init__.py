"""The Little Green Light face (LGL REST API v1): docs/lgl.md."""
