"""The one bound on numbers (``cbam.numbers``): exact values and messages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cbam.numbers import (
    PRICE,
    QUANTITY,
    SPECIFIC,
    NumberError,
    parse_number,
    significant_digits,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1500.25", Decimal("1500.25")),
        (" 7 ", Decimal(7)),
        ("-3", Decimal(-3)),
        ("+.5", Decimal("0.5")),
        ("1.2e3", Decimal("1.2E+3")),
        (12, Decimal(12)),
        (0.1, Decimal("0.1")),  # through its shortest text, not its binary value
        (Decimal("2.5"), Decimal("2.5")),
        ("0e-999999999", Decimal(0)),
        ("1e12", Decimal("1E+12")),
        ("0.00000000000000000001", Decimal("1E-20")),
        ("1234567890.123456789012345678", Decimal("1234567890.123456789012345678")),
    ],
)
def test_numbers_people_write_are_read_exactly(raw, expected):
    value = parse_number(raw, QUANTITY)

    assert value == expected
    assert str(value) == str(expected)


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        (
            "1e-999999999",
            "out_of_range",
            "'1e-999999999' is too small; expected 0 or a number of at least "
            "0.00000000000000000001",
        ),
        (
            "1e999999999",
            "out_of_range",
            "'1e999999999' is out of range; expected a number of at most 1,000,000,000,000",
        ),
        (
            "1e9999999999999999999",
            "out_of_range",
            "'1e9999999999999999999' is out of range; expected a number of at most "
            "1,000,000,000,000",
        ),
        (
            "1e309",
            "out_of_range",
            "'1e309' is out of range; expected a number of at most 1,000,000,000,000",
        ),
        (float("inf"), "not_a_number", "inf is not a finite number"),
        ("Infinity", "not_a_number", "'Infinity' is not a finite number"),
        ("-inf", "not_a_number", "'-inf' is not a finite number"),
        ("NaN", "not_a_number", "'NaN' is not a finite number"),
        ("١٢٣", "not_a_number", "'١٢٣' is not a number: use the digits 0-9"),
        ("１２３", "not_a_number", "'１２３' is not a number: use the digits 0-9"),
        (
            "1_000",
            "not_a_number",
            "'1_000' is not a number: write it without underscores or spaces",
        ),
        (
            "1 000",
            "not_a_number",
            "'1 000' is not a number: write it without underscores or spaces",
        ),
        ("1,5", "not_a_number", "'1,5' is not a number: use a point as decimal separator"),
        ("ten", "not_a_number", "'ten' is not a number; expected e.g. \"1500.5\""),
        (True, "not_a_number", 'expected a number, e.g. "1500.5"; got True'),
        ([1], "not_a_number", 'expected a number, e.g. "1500.5"; got [1]'),
        (
            "9" * 1000,
            "not_a_number",
            "'99999999999999999999999999999… (1002 characters) is too long for a number; "
            'expected at most 40 characters, e.g. "1500.5"',
        ),
        (
            10**1000,
            "not_a_number",
            "100000000000000000000000000000… (1001 characters) is too long for a number; "
            'expected at most 40 characters, e.g. "1500.5"',
        ),
        (
            "1.23456789012345678901234567891",
            "too_precise",
            "'1.23456789012345678901234567891' has more than 28 significant digits; round it",
        ),
    ],
)
def test_what_is_not_a_bounded_number_is_refused_with_what_is_expected(raw, code, message):
    with pytest.raises(NumberError) as excinfo:
        parse_number(raw, QUANTITY)

    assert excinfo.value.code == code
    assert excinfo.value.message == message


def test_each_kind_of_number_has_its_own_ceiling():
    assert parse_number("10000", SPECIFIC) == Decimal(10000)
    with pytest.raises(NumberError, match=r"at most 10,000$"):
        parse_number("10000.1", SPECIFIC)
    assert parse_number("1000000", PRICE) == Decimal(1000000)
    with pytest.raises(NumberError, match=r"at most 1,000,000$"):
        parse_number("1000001", PRICE)
    assert parse_number("-1000000000000", QUANTITY) == Decimal(-1000000000000)


def test_a_bounded_number_is_short_when_written_out():
    # The attack: 12 characters that rendered as a billion digits.
    for raw in ("1e12", "1e-20", "9.999999999999999999999999999e11"):
        assert len(f"{parse_number(raw, QUANTITY):f}") <= 50


def test_significant_digits_ignore_leading_and_trailing_zeros():
    assert significant_digits(Decimal("1.2300")) == 3
    assert significant_digits(Decimal("1E+3")) == 1
    assert significant_digits(Decimal("0.00120")) == 2
    assert significant_digits(Decimal("101")) == 3
