"""Decimal strings, date-times and URNs as PACT v3 writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal as D

import pytest

from suppliers.pact.formats import (
    decimal_string,
    fixed_decimal_string,
    is_urn,
    start_of_day_utc,
    utc_date_time_string,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("2.40803"), "2.40803"),
        (D("0.9500000000"), "0.95"),
        (D("100000.0000000000"), "100000"),
        (D("1E+3"), "1000"),
        (D("1.2345E-7"), "0.00000012345"),
        (D("-0.000"), "0"),
        (D("-12.50"), "-12.5"),
    ],
)
def test_decimal_strings_are_exact_without_exponent_or_trailing_zeros(value, text):
    assert decimal_string(value) == text


def test_a_non_finite_number_has_no_decimal_string():
    with pytest.raises(ValueError, match="not a finite number"):
        decimal_string(D("NaN"))


def test_fixed_decimals_pad_but_never_round():
    assert fixed_decimal_string(D("0.32"), 5) == "0.32000"
    assert fixed_decimal_string(D("0"), 5) == "0.00000"
    with pytest.raises(ValueError, match="more than 5 decimal places"):
        fixed_decimal_string(D("2.097781"), 5)


def test_date_times_are_utc_with_z():
    cst = timezone(timedelta(hours=8))

    assert utc_date_time_string(datetime(2026, 2, 16, 9, 30, tzinfo=cst)) == "2026-02-16T01:30:00Z"
    assert utc_date_time_string(datetime(2026, 2, 16, 1, 30, 0, 250000, tzinfo=UTC)) == (
        "2026-02-16T01:30:00.250000Z"
    )
    assert start_of_day_utc(date(2025, 12, 31)) == "2025-12-31T00:00:00Z"
    with pytest.raises(ValueError, match="naive"):
        utc_date_time_string(datetime(2026, 2, 16, 9, 30))


@pytest.mark.parametrize(
    "urn",
    [
        "urn:lei:3003004XJ7TVRXN6QS70",
        "urn:cbam-exchange:cn-uscc:91130200735600117H",
        "urn:gtin:4712345060507",
        "urn:pact:cbam.example.com:product:prd_7Hq2Lm",
        "URN:ISBN:978-951-0-18435-6",
        "urn:pact:sample.com:product-id:44055-9c05bc35-68f8",
    ],
)
def test_these_are_urns(urn):
    assert is_urn(urn)


@pytest.mark.parametrize(
    "text",
    [
        "lei:3003004XJ7TVRXN6QS70",
        "urn:lei",
        "urn:lei:",
        "urn:-lei:x",
        "urn:a:x",  # a namespace identifier has at least 2 characters
        "urn:lei:has space",
        "urn:gtin:4712345060507#frag",
        None,
    ],
)
def test_these_are_not_urns(text):
    assert not is_urn(text)
