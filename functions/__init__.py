"""Non-HTTP Lambda entry points (thin handlers over chalicelib)."""
