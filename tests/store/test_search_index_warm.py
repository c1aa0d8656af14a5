"""A warm search index over a kind that had no rows (store/search_index.py): the next read
must read the kind whole, not ask DynamoDB for the rows changed since an empty stamp (a
ValidationException: a key's value cannot be the empty string), which was a 500 on every
list and search of an organisation's first records."""
from __future__ import annotations

import pytest

from tests.lgl.conftest import L, constituent

JSONAPI = {"Accept": "application/vnd.api+json"}


@pytest.mark.parametrize("path, headers", [
    (f"{L}/constituents", None),
    (f"{L}/constituents/search?q[]=name=joe", None),
    ("/api/v2/organizations/contacts", JSONAPI),
    (f"{L}/gifts/search", None),
    (f"{L}/contact_reports", None),
    (f"{L}/notes", None),
])
def test_a_kind_read_empty_is_read_again_and_then_sees_its_first_record(api, acme, path, headers):
    for _ in range(2):  # the second read is the warm one
        response = api.get(path, acme, headers=headers)
        assert response.status_code == 200, response.body
    joe = constituent(api, acme)
    api.post(f"{L}/constituents/{joe['id']}/gifts", acme, {"received_amount": "5"})
    api.post(f"{L}/constituents/{joe['id']}/contact_reports", acme, {"text": "Called"})
    api.post(f"{L}/constituents/{joe['id']}/notes", acme, {"text": "Likes jazz"})
    response = api.get(path, acme, headers=headers)
    assert response.status_code == 200, response.body
    body = response.json
    total = body["meta"]["pagination"]["total_count"] if "meta" in body else body["total_items"]
    assert total == 1, body
