"""The builder refuses input that cannot be a real footprint or a PACT v3 document, with a typed
error naming each field, what is wrong and what would be right."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal as D
from uuid import UUID

import pytest

from suppliers.pact.document import (
    DataQualityInfo,
    OrganisationInfo,
    PrecursorInfo,
    SeeFigures,
    build_product_footprint,
)
from suppliers.pact.errors import FootprintDocumentError
from tests.suppliers.pact.examples import FOOTPRINT_ID, PLATFORM_HOST, hot_rolled_coil_input


def _problems(inp, platform_host=PLATFORM_HOST) -> dict[str, tuple[str, str]]:
    with pytest.raises(FootprintDocumentError) as exc:
        build_product_footprint(inp, platform_host=platform_host)
    return {p.path: (p.code, p.message) for p in exc.value.problems}


def _see(**changes) -> SeeFigures:
    return dataclasses.replace(hot_rolled_coil_input().see, **changes)


def test_a_period_that_ends_before_it_starts_is_refused_naming_the_field():
    inp = hot_rolled_coil_input(
        reference_period_start=date(2025, 12, 31), reference_period_end=date(2025, 1, 1)
    )

    with pytest.raises(FootprintDocumentError) as exc:
        build_product_footprint(inp, platform_host=PLATFORM_HOST)

    error = exc.value
    assert error.status == 400
    assert error.code == "footprint_document_invalid"
    assert error.paths == ["reference_period_end"]
    assert error.extra == {
        "problems": [
            {
                "path": "reference_period_end",
                "code": "order",
                "message": "2025-01-01 is before reference_period_start 2025-12-31; the end "
                "(inclusive) must be on or after the start",
            }
        ]
    }
    assert str(error).startswith("1 problem in the footprint document input; first: ")


def test_a_one_day_period_is_accepted():
    inp = hot_rolled_coil_input(
        reference_period_start=date(2025, 12, 31),
        reference_period_end=date(2025, 12, 31),
        verification=None,
    )

    doc = build_product_footprint(inp, platform_host=PLATFORM_HOST)

    assert doc["pcf"]["referencePeriodStart"] == "2025-12-31T00:00:00Z"
    assert doc["pcf"]["referencePeriodEnd"] == "2026-01-01T00:00:00Z"


def test_every_problem_is_reported_at_once():
    inp = hot_rolled_coil_input(
        activity_level_t=D("0"),
        organisation=OrganisationInfo(legal_name="", company_ids=("LEI 3003004XJ7TVRXN6QS70",)),
    )

    problems = _problems(inp)

    assert problems == {
        "activity_level_t": ("not_positive", "must be greater than 0, got 0"),
        "organisation.legal_name": ("required", "must be a non-empty text"),
        "organisation.company_ids[0]": (
            "invalid",
            "'LEI 3003004XJ7TVRXN6QS70' is not a URN (RFC 8141); expected e.g. "
            "'urn:lei:<LEI>' or 'urn:pact:<domain>:<type>:<id>'",
        ),
    }


@pytest.mark.parametrize(
    ("changes", "path", "code"),
    [
        ({"preceding_pf_ids": (FOOTPRINT_ID,)}, "preceding_pf_ids", "conflict"),
        (
            {"preceding_pf_ids": (UUID(int=1), UUID(int=1))},
            "preceding_pf_ids",
            "duplicate",
        ),
        ({"version": 0}, "version", "out_of_range"),
        ({"status": "Published"}, "status", "invalid"),
        ({"published_at": datetime(2026, 2, 16, 9, 30)}, "published_at", "invalid"),
        ({"attributed_direct_tco2e": D("-1")}, "attributed_direct_tco2e", "negative"),
        ({"secondary_sources": ()}, "secondary_sources", "required"),
        (
            {"see": _see(see_total_tco2e_per_t=D("2.40900"))},
            "see.see_total_tco2e_per_t",
            "conflict",
        ),
        (
            {"see": _see(see_direct_tco2e_per_t=D("2.097781"))},
            "see.see_direct_tco2e_per_t",
            "too_precise",
        ),
        ({"see": _see(default_values_used=False)}, "see.default_values_used", "conflict"),
        (
            {"data_quality": DataQualityInfo(valid_from=date(2025, 12, 31))},
            "data_quality.valid_from",
            "order",
        ),
        (
            {"data_quality": DataQualityInfo(valid_until=date(2029, 1, 1))},
            "data_quality.valid_until",
            "out_of_range",
        ),
        (
            {"data_quality": DataQualityInfo(primary_data_share_percent=D("100.1"))},
            "data_quality.primary_data_share_percent",
            "out_of_range",
        ),
    ],
)
def test_impossible_input_is_refused(changes, path, code):
    problems = _problems(hot_rolled_coil_input(**changes))

    assert path in problems
    assert problems[path][0] == code


def test_the_see_total_may_differ_from_the_sum_of_its_rounded_channels_by_one_unit():
    inp = hot_rolled_coil_input(see=_see(see_total_tco2e_per_t=D("2.40804")))

    doc = build_product_footprint(inp, platform_host=PLATFORM_HOST)

    assert doc["pcf"]["pcfExcludingBiogenicUptake"] == "2.40804"


def test_the_validity_period_may_last_until_three_years_after_the_reference_period():
    inp = hot_rolled_coil_input(
        data_quality=DataQualityInfo(valid_from=date(2026, 1, 1), valid_until=date(2028, 12, 31))
    )

    doc = build_product_footprint(inp, platform_host=PLATFORM_HOST)

    assert doc["validityPeriodEnd"] == "2029-01-01T00:00:00Z"


def _precursor(**changes) -> PrecursorInfo:
    return dataclasses.replace(hot_rolled_coil_input().precursors[0], **changes)


@pytest.mark.parametrize(
    ("precursor", "path", "code"),
    [
        (_precursor(footprint_id=None), "precursors[0].footprint_id", "required"),
        (
            _precursor(see_source="default_value"),
            "precursors[0].footprint_id",
            "conflict",
        ),
        (_precursor(footprint_id=FOOTPRINT_ID), "precursors[0].footprint_id", "conflict"),
        (_precursor(mass_t_per_t=D("0")), "precursors[0].mass_t_per_t", "not_positive"),
        (_precursor(cn_code="7201 10 11"), "precursors[0].cn_code", "invalid"),
        (_precursor(country_of_origin="China"), "precursors[0].country_of_origin", "invalid"),
        (_precursor(see_source="guess"), "precursors[0].see_source", "invalid"),
    ],
)
def test_a_precursor_must_say_where_its_see_comes_from(precursor, path, code):
    inp = hot_rolled_coil_input(precursors=(precursor,))

    problems = _problems(inp)

    assert problems[path][0] == code


def test_the_installation_location_must_be_consistent():
    installation = dataclasses.replace(
        hot_rolled_coil_input().installation,
        un_locode="DEHAM",
        latitude=D("91"),
    )

    problems = _problems(hot_rolled_coil_input(installation=installation))

    assert problems["installation.un_locode"] == (
        "conflict",
        "'DEHAM' lies in DE, the installation in CN",
    )
    assert problems["installation.latitude"] == ("out_of_range", "91 is outside -90..90")


def test_a_verifier_needs_an_accreditation_number_or_a_platform_organisation():
    verification = dataclasses.replace(
        hot_rolled_coil_input().verification, accreditation_number=None
    )

    problems = _problems(hot_rolled_coil_input(verification=verification))

    assert problems["verification.accreditation_number"][0] == "required"


def test_a_verifier_known_on_the_platform_needs_no_accreditation_number():
    verification = dataclasses.replace(
        hot_rolled_coil_input().verification,
        accreditation_number=None,
        verifier_organisation_urn="urn:cbam-exchange:eori:DE123456789012345",
    )

    doc = build_product_footprint(
        hot_rolled_coil_input(verification=verification), platform_host=PLATFORM_HOST
    )

    assert doc["extensions"][0]["data"]["verification"]["verifierOrganisationUrn"] == (
        "urn:cbam-exchange:eori:DE123456789012345"
    )


@pytest.mark.parametrize("host", ["https://cbam.example.com", "cbam.example.com/", "", "a b"])
def test_the_platform_host_is_a_bare_host_name(host):
    problems = _problems(hot_rolled_coil_input(), platform_host=host)

    assert problems["platform_host"][0] == "invalid"


def test_a_documentation_url_must_use_https():
    with pytest.raises(FootprintDocumentError) as exc:
        build_product_footprint(
            hot_rolled_coil_input(),
            platform_host=PLATFORM_HOST,
            documentation_url="http://cbam.example.com/docs/pact",
        )

    assert exc.value.paths == ["documentation_url"]
