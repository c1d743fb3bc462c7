"""One rule for every spreadsheet cell the platform writes (OWASP, CSV injection): text that a
spreadsheet would read as a formula gets a leading apostrophe; numbers stay numbers."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from core.spreadsheet import csv_cell, csv_writer, neutralise_cell


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1.5", "'-1.5"),  # text that looks like a number is still text
        ("@SUM(1,1)", "'@SUM(1,1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        (
            '=HYPERLINK("http://evil.example/","Hengyue Works")',
            '\'=HYPERLINK("http://evil.example/","Hengyue Works")',
        ),
        ("Hengyue Works", "Hengyue Works"),
        ("a=1+1", "a=1+1"),
        (" =1+1", " =1+1"),
        ("'=1+1", "'=1+1"),
        ("# note", "# note"),
        ("", ""),
    ],
)
def test_text_that_a_spreadsheet_would_run_gets_a_leading_apostrophe(text, expected):
    assert neutralise_cell(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("-1.5"), "-1.5"),
        (Decimal("-0.00010"), "-0.00010"),
        (Decimal("1E+1"), "10"),
        (Decimal("3471.73"), "3471.73"),
        (-3, "-3"),
        (0, "0"),
        (date(2026, 3, 10), "2026-03-10"),
        (None, ""),
        ("-1.5", "'-1.5"),
    ],
)
def test_numbers_the_code_formats_stay_numbers_and_only_text_is_neutralised(value, expected):
    assert csv_cell(value) == expected


def test_a_float_is_refused_because_figures_are_decimal():
    with pytest.raises(TypeError):
        csv_cell(1.5)  # type: ignore[arg-type]


def test_the_csv_writer_neutralises_text_keeps_numbers_and_quotes_comments_as_one_cell():
    out = io.StringIO()
    writer = csv_writer(out)

    writer.comment("de minimis: shipment X,=1+1,Y")
    writer.writerow(["=1+1", Decimal("-1.5"), 2, None, "@SUM(1,1)"])

    assert (
        out.getvalue() == '"# de minimis: shipment X,=1+1,Y"\n' + "'=1+1,-1.5,2,,\"'@SUM(1,1)\"\n"
    )
