"""Amounts and currencies, without a data store: exact, in ASCII decimal notation only."""
from __future__ import annotations

from decimal import Decimal

import pytest

from chalicelib.domain import money


@pytest.mark.parametrize("sent, currency, amount", [
    ("25.00", "USD", Decimal("25.00")),
    (25, "USD", Decimal("25")),
    (Decimal("0.1"), "USD", Decimal("0.1")),
    ("1000", "JPY", Decimal("1000")),
    ("+5", "EUR", Decimal("5")),
])
def test_amounts_are_exact(sent, currency, amount):
    assert money.parse_amount(sent, currency) == amount


@pytest.mark.parametrize("sent", ["1_000", "٥٠", "５", "1e3", " 25", "1.", ".5", "1,000.00", "0x10", "NaN", ""])
def test_only_ascii_decimal_strings_are_amounts(sent):
    with pytest.raises(ValueError):
        money.parse_amount(sent, "USD")


@pytest.mark.parametrize("sent, currency", [("0", "USD"), ("-1", "USD"), ("0.001", "USD"), ("1.5", "JPY"),
                                            ("1000000000000.01", "USD"), (True, "USD"), (None, "USD")])
def test_amounts_outside_what_a_gift_can_be_are_refused(sent, currency):
    with pytest.raises(ValueError):
        money.parse_amount(sent, currency)


@pytest.mark.parametrize("sent, code", [("usd", "USD"), ("EUR", "EUR"), ("jpy", "JPY")])
def test_currencies_are_iso_4217_codes(sent, code):
    assert money.parse_currency(sent) == code


@pytest.mark.parametrize("sent", ["US", "DOLLAR", "XYZ", 840, None])
def test_other_currencies_are_refused(sent):
    with pytest.raises(ValueError):
        money.parse_currency(sent)
