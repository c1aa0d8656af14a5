"""Exact money: Decimal amounts checked against the currency's minor unit (ISO 4217)."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Active ISO 4217 codes and the number of digits after the decimal point.
_MINOR_UNITS: dict[str, int] = {
    **dict.fromkeys(
        "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD "
        "CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP "
        "GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD "
        "LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB "
        "PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC "
        "SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES WST XCD YER ZAR ZMW ZWG".split(),
        2,
    ),
    **dict.fromkeys("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split(), 0),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
    "CLF": 4,
    "UYW": 4,
}

DEFAULT_CURRENCY = "USD"
MAX_AMOUNT = Decimal("1000000000000")  # a trillion: anything above is a typo
# A decimal string is ASCII digits with an optional sign and fraction: not "1_000" (Python's
# digit grouping), "٥٠" or "５" (other scripts' digits), "1e3" or " 25" (Decimal reads them all).
_DECIMAL_STRING = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def minor_units(currency: str) -> int:
    return _MINOR_UNITS[currency]


def parse_currency(value: object) -> str:
    if not isinstance(value, str) or len(value) != 3 or not value.isalpha():
        raise ValueError("must be a three-letter ISO 4217 currency code such as USD")
    code = value.upper()
    if code not in _MINOR_UNITS:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code")
    return code


def parse_amount(value: object, currency: str, *, zero: bool = False) -> Decimal:
    """A positive amount (`zero`: or 0) from a JSON number or a decimal string, exact to the
    currency's minor unit."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ValueError("must be a number or a decimal string such as \"25.00\"")
    if isinstance(value, str) and not _DECIMAL_STRING.fullmatch(value):
        raise ValueError(f"{value[:40]!r} is not a decimal number such as \"25.00\" (ASCII digits, "
                         "an optional sign and '.')")
    if isinstance(value, float):
        # JSON numbers are parsed as Decimal by the faces; a float here lost digits already.
        value = repr(value)
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal number") from None
    if not amount.is_finite():
        raise ValueError("must be a finite number")
    if amount < 0 or (amount == 0 and not zero):
        raise ValueError("must be zero or more" if zero else "must be greater than zero")
    if amount > MAX_AMOUNT:
        raise ValueError(f"must be at most {MAX_AMOUNT}")
    digits = minor_units(currency)
    if amount != amount.quantize(Decimal(1).scaleb(-digits)):
        allowed = f"at most {digits} decimal places" if digits else "no decimal places"
        raise ValueError(f"{currency} amounts have {allowed}")
    # Stored normalised: DynamoDB keeps the value, not the trailing zeros.
    normalized = amount.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral_value() else normalized
