"""The Together face (native): /api/v1 contact logs, donors and donations, problem+json errors."""
