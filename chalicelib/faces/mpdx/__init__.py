"""The MPDX face (JSON:API): /api/v2/organizations/contacts over the donor records."""
