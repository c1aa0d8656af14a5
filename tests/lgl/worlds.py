"""One moto world per test module, with an organisation of its own per test: for LGL test
modules whose tests build much (a search's town) and would otherwise build it per test.

A module imports the fixtures it uses (`from tests.lgl.worlds import acme, api, other, world`):
they replace tests/conftest.py's `api`, `acme` and `other`, which make a moto account per
test. Never mix them with fixtures that start their own moto account (`aws`): that would be
a second account inside the module's."""
from __future__ import annotations

import itertools
from typing import Iterator

import pytest

from tests.conftest import Api, Org, clean_account, make_org

_ORGS = itertools.count(1)


@pytest.fixture(scope="module")
def world() -> Iterator[Api]:
    from chalice.test import Client

    from app import app

    with clean_account(), Client(app) as client:
        yield Api(client)


@pytest.fixture
def api(world) -> Api:
    """The module's client (one moto world for the module, not one per test)."""
    return world


@pytest.fixture
def acme(world) -> Org:
    """An organisation of this test's own in the module's world."""
    return make_org(f"org-{next(_ORGS)}")


@pytest.fixture
def other(world) -> Org:
    """A second organisation of this test's own."""
    return make_org(f"other-{next(_ORGS)}")
