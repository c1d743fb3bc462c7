"""The download: an organisation's own footprint and a footprint shared with it; another
organisation's footprint is a 404."""

from __future__ import annotations

import io
import warnings

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from suppliers.services.eu_template_export import CONTENT_TYPE
from tests.exchange.sharing.builders import grant_of, published_footprint
from tests.factories import FootprintFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _sheets(content: bytes) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return load_workbook(io.BytesIO(content), read_only=True).sheetnames


def test_an_own_footprint_downloads_as_the_template(producer):
    footprint = FootprintFactory(
        organisation=producer.organisation,
        product=producer.product,
        installation=producer.installation,
    )
    url = reverse(
        "suppliers-api:footprint-communication-template",
        kwargs={"org_slug": producer.organisation.slug, "footprint_id": footprint.pk},
    )
    assert url == f"/api/v1/orgs/hebei-steel/footprints/{footprint.pk}/communication-template.xlsx"

    response = producer.api("viewer").get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="cbam-communication-Tangshan-steel-works-20260101.xlsx"'
    )
    assert _sheets(response.content)[-1] == "CBAM Exchange"


def test_another_organisations_footprint_is_a_404(producer):
    foreign = FootprintFactory(organisation=OrganisationFactory())
    response = producer.api("admin").get(
        producer.url(f"footprints/{foreign.pk}/communication-template.xlsx")
    )
    assert response.status_code == 404


def test_a_footprint_shared_with_the_caller_downloads_and_one_not_shared_is_a_404(producer):
    supplier = OrganisationFactory()
    shared = published_footprint(supplier)
    grant_of(supplier, producer.organisation, shared)
    not_shared = published_footprint(supplier)

    response = producer.api("viewer").get(
        producer.url(f"shared-footprints/{shared.pk}/communication-template.xlsx")
    )
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE
    assert _sheets(response.content)[-1] == "CBAM Exchange"

    response = producer.api("viewer").get(
        producer.url(f"shared-footprints/{not_shared.pk}/communication-template.xlsx")
    )
    assert response.status_code == 404
