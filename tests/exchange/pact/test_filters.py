"""Conformance cases 20 to 37: every ListFootprints filter, positive and negative, through
the endpoint; then the validity rules as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from suppliers.pact.filters import (
    FilterError,
    FootprintFilter,
    filter_parse,
    footprint_matches,
    validity_period,
)

from .conftest import signed_footprint, stored

A = {
    "productIds": ["urn:gtin:1234567890123"],
    "companyIds": ["urn:uuid:abc12345-6789-4def-0123-456789abcdef"],
    "productClassifications": ["urn:eclass:0173-1#01-AAA123#005"],
    "pcf": {"geographyCountry": "DE", "referencePeriodEnd": "2023-01-01T00:00:00Z"},
    "validityPeriodStart": "2023-01-15T10:15:30Z",
    "validityPeriodEnd": "2025-12-31T00:00:00Z",
}
B = {
    "productIds": ["urn:gtin:4712345060507"],
    "companyIds": ["urn:uuid:other-company"],
    "productClassifications": ["urn:eclass:0173-1#01-BBB456#005"],
    "pcf": {"geographyRegionOrSubregion": "Europe", "referencePeriodEnd": "2027-01-01T00:00:00Z"},
    "validityPeriodStart": None,
    "validityPeriodEnd": None,
    "status": "Deprecated",
}

CASES = [
    # (conformance case, query, which of A/B match)
    ("20 productId", "productId=urn:gtin:1234567890123", "A"),
    ("20 productId, case-insensitive", "productId=URN:GTIN:1234567890123", "A"),
    ("21 companyId", "companyId=urn:uuid:abc12345-6789-4def-0123-456789abcdef", "A"),
    ("22 geography country", "geography=DE", "A"),
    ("22 geography region", "geography=europe", "B"),
    ("23 classification", "classification=urn:eclass:0173-1%2301-AAA123%23005", "A"),
    ("24 validOn", "validOn=2023-01-15T10:15:30Z", "A"),
    ("24 validOn without validityPeriodStart", "validOn=2028-06-01T00:00:00Z", "B"),
    ("25 validAfter", "validAfter=2023-01-14T10:15:30Z", "AB"),
    ("25 validAfter without validityPeriodStart", "validAfter=2026-01-01T00:00:00Z", "B"),
    ("26 validBefore", "validBefore=2026-01-01T00:00:00Z", "A"),
    ("27 status", "status=Active", "A"),
    ("27 status deprecated", "status=deprecated", "B"),
    ("28 status AND productId", "status=Active&productId=urn:gtin:1234567890123", "A"),
    ("28 AND excludes", "status=Deprecated&productId=urn:gtin:1234567890123", ""),
    (
        "29 companyId OR",
        "companyId=urn:uuid:abc12345-6789-4def-0123-456789abcdef"
        "&companyId=urn:uuid:other-company&companyId=urn:uuid:another-company",
        "AB",
    ),
    ("lower-case parameter names", "productid=urn:gtin:4712345060507", "B"),
    ("30 productId negative", "productId=urn:bogus:product:nonexistent123", ""),
    ("31 companyId negative", "companyId=urn:bogus:company:nonexistent456", ""),
    ("32 geography negative", "geography=XX", ""),
    ("33 classification negative", "classification=urn:bogus:classification:nonexistent789", ""),
    ("34 validOn negative", "validOn=1900-01-01T00:00:00Z", ""),
    ("35 validAfter negative", "validAfter=2099-12-31T23:59:59Z", ""),
    ("36 validBefore negative", "validBefore=1900-01-01T00:00:00Z", ""),
    ("37 status negative", "status=BogusStatusValue", ""),
    (
        "38 AND negative",
        "companyId=urn:uuid:abc12345-6789-4def-0123-456789abcdef"
        "&productId=urn:bogus:product:nonexistent123",
        "",
    ),
    (
        "39 OR negative",
        "companyId=urn:bogus:company:nonexistent1&companyId=urn:bogus:company:nonexistent2"
        "&companyId=urn:bogus:company:nonexistent3",
        "",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "query", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_filter_through_the_endpoint(client, world, case, query, expected):
    footprints = {
        "A": signed_footprint(world.buyer, 1, **A),
        "B": signed_footprint(world.buyer, 2, **B),
    }
    response = client.get(f"/3/footprints?{query}", **world.bearer())
    assert response.status_code == 200
    assert response.content == (
        b'{"data":['
        + b",".join(
            stored(f) for f in sorted((footprints[n] for n in expected), key=lambda f: str(f.pk))
        )
        + b"]}"
    )


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_validity_defaults_to_three_years_from_the_reference_period_end():
    document = {"pcf": {"referencePeriodEnd": "2024-02-29T00:00:00Z"}}
    assert validity_period(document) == (
        at("2024-02-29T00:00:00+00:00"),
        at("2027-02-28T00:00:00+00:00"),
    )


def test_a_given_start_keeps_the_default_end():
    document = {
        "validityPeriodStart": "2024-06-01T00:00:00Z",
        "pcf": {"referencePeriodEnd": "2024-01-01T00:00:00Z"},
    }
    assert validity_period(document) == (
        at("2024-06-01T00:00:00+00:00"),
        at("2027-01-01T00:00:00+00:00"),
    )


def test_without_any_period_no_validity_criterion_matches():
    criteria = FootprintFilter(valid_on=datetime(2025, 1, 1, tzinfo=UTC))
    assert validity_period({"pcf": {}}) is None
    assert footprint_matches({"pcf": {}}, criteria) is False
    assert footprint_matches({"pcf": {}}, FootprintFilter()) is True


def test_valid_on_includes_the_start_and_excludes_the_end():
    document = {
        "validityPeriodStart": "2025-01-01T00:00:00Z",
        "validityPeriodEnd": "2026-01-01T00:00:00Z",
    }
    assert footprint_matches(document, FootprintFilter(valid_on=at("2025-01-01T00:00:00+00:00")))
    assert not footprint_matches(
        document, FootprintFilter(valid_on=at("2026-01-01T00:00:00+00:00"))
    )


def test_a_date_without_offset_is_read_as_utc():
    criteria = filter_parse([("validOn", ["2025-04-01T00:00"])])
    assert criteria.valid_on == datetime(2025, 4, 1, tzinfo=UTC)


def test_a_date_criterion_given_twice_is_an_error_naming_it():
    with pytest.raises(FilterError) as error:
        filter_parse([("validafter", ["2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"])])
    assert error.value.field == "validAfter"


def test_host_specific_parameters_and_limit_are_not_filters():
    assert filter_parse([("limit", ["10"]), ("x-atq-invoice-id", ["12345"])]).is_empty
