"""The certificate-price table (Reg. 2023/956 Art. 21 as amended by Reg. 2025/2083; IR 2025/2548):
the shipped Q1 and Q2 2026 prices on a fresh database, the selector at quarter boundaries, the
last published price, an update loaded as a new version, and the rows the loader refuses.

The Q3 2026 and weekly 2027 figures below are test figures, not published prices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import AuditEvent
from reference.errors import ReferenceDataInvalid
from reference.models import CertificatePrice, ReferenceVersion
from reference.selectors import (
    certificate_price_for_importation,
    certificate_price_last_published,
    reference_snapshot_for,
)
from reference.services import DATA_DIR, reference_version_load

from .conftest import ACTOR, table_counts

pytestmark = pytest.mark.django_db

D = Decimal
V1 = "certificate_prices v1 (Certificate prices Q1-Q2 2026 (third-party reports))"
HEADER = "period_start,period_end,kind,price_eur_per_certificate,publication_date,source\n"
SHIPPED_ROWS = (DATA_DIR / "certificate-prices-ir2025-2548.csv").read_text(encoding="utf-8")
TEST_Q3 = "2026-07-01,2026-09-30,quarterly,70.00,2026-10-06,test figure\n"
TEST_WEEK = "2027-01-04,2027-01-10,weekly,71.50,2027-01-12,test figure\n"


@pytest.fixture
def prices(settings, shipped):
    settings.CBAM_CERTIFICATE_PRICE_EUR = "75.00"
    return shipped["certificate_prices"]


def test_the_shipped_file_loads_q1_and_q2_2026_with_its_legal_basis_and_caveat(prices):
    rows = list(
        CertificatePrice.objects.filter(version=prices).values_list(
            "period_start", "period_end", "kind", "price_eur", "publication_date", "line"
        )
    )

    assert (prices.number, prices.row_count, prices.valid_from, prices.valid_to) == (
        1,
        2,
        date(2026, 1, 1),
        None,
    )
    assert rows == [
        (date(2026, 1, 1), date(2026, 3, 31), "quarterly", D("75.36"), date(2026, 4, 7), 7),
        (date(2026, 4, 1), date(2026, 6, 30), "quarterly", D("75.28"), date(2026, 7, 6), 8),
    ]
    assert "Art. 21 as amended by Regulation (EU) 2025/2083" in prices.source
    assert "Implementing Regulation (EU) 2025/2548" in prices.source
    assert "as reported by third parties: NOT checked against the Commission's publication" in (
        prices.source
    )
    # The engine's snapshot does not need the prices (a period without one gets the assumption).
    assert reference_snapshot_for(on=date(2026, 6, 30)).label.count("certificate_prices") == 0


@pytest.mark.parametrize(
    ("on", "price", "basis", "line"),
    [
        (date(2026, 1, 1), "75.36", "published", 7),
        (date(2026, 3, 31), "75.36", "published", 7),
        (date(2026, 4, 1), "75.28", "published", 8),
        (date(2026, 6, 30), "75.28", "published", 8),
        (date(2026, 7, 1), "75.00", "assumption", None),
        (date(2026, 12, 31), "75.00", "assumption", None),
    ],
)
def test_the_price_of_a_date_of_importation_at_quarter_boundaries(prices, on, price, basis, line):
    found = certificate_price_for_importation(on=on)

    assert (found.price_eur, found.basis) == (D(price), basis)
    if line is None:
        assert found.source == "setting CBAM_CERTIFICATE_PRICE_EUR = 75.00"
        assert found.published_on is None
    else:
        assert found.source == f"{V1} line {line}"


@pytest.mark.parametrize(
    ("as_of", "price", "published_on"),
    [
        (date(2026, 4, 6), "75.00", None),
        (date(2026, 4, 7), "75.36", date(2026, 4, 7)),
        (date(2026, 7, 5), "75.36", date(2026, 4, 7)),
        (date(2026, 7, 6), "75.28", date(2026, 7, 6)),
        (date(2026, 12, 6), "75.28", date(2026, 7, 6)),
    ],
)
def test_the_last_published_price_is_the_one_published_by_that_day(
    prices, as_of, price, published_on
):
    found = certificate_price_last_published(as_of=as_of)

    assert (found.price_eur, found.published_on) == (D(price), published_on)
    assert found.basis == ("assumption" if published_on is None else "published")


def test_without_any_price_table_every_period_is_the_labelled_assumption(settings, db):
    settings.CBAM_CERTIFICATE_PRICE_EUR = "80"

    found = certificate_price_for_importation(on=date(2026, 2, 1))

    assert (found.price_eur, found.basis, found.row) == (D("80"), "assumption", None)
    assert found.label == (
        "assumption EUR 80 for Q1 2026 (setting CBAM_CERTIFICATE_PRICE_EUR = 80): "
        "no price published for it"
    )


def test_a_newly_published_price_loads_as_a_version_that_supersedes_the_shipped_one(
    prices, write_csv
):
    path = write_csv("prices-q3.csv", SHIPPED_ROWS + TEST_Q3 + TEST_WEEK)
    out = StringIO()

    call_command(
        "load_reference_version",
        "certificate_prices",
        str(path),
        "--label",
        "test Q3 2026",
        "--valid-from",
        "2026-01-01",
        stdout=out,
    )

    assert out.getvalue() == (
        "loaded certificate_prices v2 (test Q3 2026): 4 rows, valid from 2026-01-01\n"
    )
    # Same start date: both open-ended, the latest imported (v2) is in force.
    assert list(
        ReferenceVersion.objects.filter(dataset="certificate_prices")
        .order_by("number")
        .values_list("number", "valid_to")
    ) == [(1, None), (2, None)]
    q1 = certificate_price_for_importation(on=date(2026, 3, 31))
    q3 = certificate_price_for_importation(on=date(2026, 9, 30))
    week = certificate_price_for_importation(on=date(2027, 1, 10))
    assert (q1.price_eur, q1.source) == (D("75.36"), "certificate_prices v2 (test Q3 2026) line 7")
    assert (q3.price_eur, q3.basis, q3.published_on) == (D("70.00"), "published", date(2026, 10, 6))
    assert (week.price_eur, week.period.label if week.period else None) == (D("71.50"), "2027-W01")
    assert certificate_price_last_published(as_of=date(2026, 12, 6)).price_eur == D("70.00")
    version = ReferenceVersion.objects.get(dataset="certificate_prices", number=2)
    event = AuditEvent.objects.get(action="reference.version_loaded", object_id=str(version.pk))
    assert (event.after["dataset"], event.after["row_count"]) == ("certificate_prices", 4)

    # Loading the same file again is a no-op.
    before = table_counts()
    reference_version_load(
        dataset="certificate_prices",
        path_or_file=path,
        label="again",
        valid_from=date(2026, 1, 1),
        actor=ACTOR,
    )
    assert table_counts() == before


def test_a_price_row_that_is_not_a_whole_period_or_published_too_early_is_refused(
    prices, write_csv
):
    path = write_csv(
        "bad-prices.csv",
        HEADER
        + "2026-01-01,2026-03-30,quarterly,75.36,2026-04-07,x\n"
        + "2026-12-21,2026-12-27,weekly,75,2027-01-04,x\n"
        + "2026-04-01,2026-06-30,quarterly,0,2026-07-06,x\n"
        + "2026-07-01,2026-09-30,quarterly,75,2026-09-30,x\n"
        + "2026-10-01,2026-12-31,monthly,75,2027-01-05,x\n"
        + "2026-13-01,2026-12-31,quarterly,75,2027-01-05,\n",
    )
    before = table_counts()

    with pytest.raises(ReferenceDataInvalid) as refused:
        reference_version_load(
            dataset="certificate_prices",
            path_or_file=path,
            label="bad",
            valid_from=date(2026, 1, 1),
            actor=ACTOR,
        )

    assert [p.text for p in refused.value.problems] == [
        "line 2, column period_end: '2026-03-30' does not close a whole quarterly period "
        "starting 2026-01-01; expected a calendar quarter of 2026 (e.g. 2026-04-01 to "
        "2026-06-30) for quarterly, a Monday-to-Sunday week ending in 2027 or later "
        "(e.g. 2027-01-04 to 2027-01-10) for weekly",
        "line 3, column period_end: '2026-12-27' does not close a whole weekly period starting "
        "2026-12-21; expected a calendar quarter of 2026 (e.g. 2026-04-01 to 2026-06-30) for "
        "quarterly, a Monday-to-Sunday week ending in 2027 or later (e.g. 2027-01-04 to "
        "2027-01-10) for weekly",
        "line 4, column price_eur_per_certificate: '0' is not above 0; expected a price above "
        "0, e.g. 75.36",
        "line 5, column publication_date: '2026-09-30' is not after the period (it ends "
        "2026-09-30); expected the day the average was published, after the period it averages",
        "line 6, column kind: 'monthly' is not a kind of certificate price; expected quarterly "
        "(goods imported in 2026) or weekly (from 2027)",
        "line 7, column period_start: '2026-13-01' is not a date; expected a date YYYY-MM-DD "
        "from 2026 to 2100, e.g. 2026-04-07",
        "line 7, column source: '' is missing; expected where the figure was read or published",
    ]
    assert table_counts() == before
