"""From a footprint row to the builder's input (``suppliers.pact.inputs``) and the PACT v3
ProductFootprint document (``suppliers.pact.document``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from suppliers.models import Footprint, FootprintStatus, PrecursorSeeSource
from suppliers.pact.document import build_product_footprint, platform_product_urn
from suppliers.pact.inputs import (
    CarbonPriceInfo,
    DataQualityInfo,
    ElectricityInfo,
    FootprintDocumentInput,
    InstallationInfo,
    OrganisationInfo,
    PrecursorInfo,
    ProductInfo,
    SecondarySourceInfo,
    SeeFigures,
    VerificationInfo,
)


def _version_chain(footprint: Footprint) -> tuple[int, tuple[Any, ...]]:
    preceding: list[Any] = []
    current = footprint.preceding
    while current is not None:
        preceding.append(current.pk)
        current = current.preceding
    return len(preceding) + 1, tuple(preceding)


def _default_values_used(footprint: Footprint) -> dict[int, dict[str, Any]]:
    used: dict[int, dict[str, Any]] = {}
    for entry in (footprint.calculation or {}).get("default_values_used", []):
        path = str(entry.get("path", ""))
        if ".precursors[" in path:
            index = int(path.rsplit("[", 1)[1].rstrip("]"))
            used[index] = entry
    return used


def footprint_document_input(
    footprint: Footprint, *, published_at: datetime
) -> FootprintDocumentInput:
    organisation = footprint.organisation
    product = footprint.product
    installation = footprint.installation
    version, preceding = _version_chain(footprint)
    defaults = _default_values_used(footprint)
    precursors = []
    for p in footprint.precursors.all():
        see_direct, see_indirect = p.see_direct, p.see_indirect
        if p.see_source == PrecursorSeeSource.DEFAULT_VALUE and p.position in defaults:
            entry = defaults[p.position]
            see_direct = Decimal(entry["see_direct"])
            see_indirect = Decimal(entry["see_indirect"]) if entry.get("see_indirect") else None
        precursors.append(
            PrecursorInfo(
                cn_code=p.cn_code,
                mass_t_per_t=p.mass_t_per_t,
                country_of_origin=p.country_of_origin,
                see_source=p.see_source,  # type: ignore[arg-type]
                see_direct_tco2e_per_t=see_direct if see_direct is not None else Decimal(0),
                see_indirect_tco2e_per_t=see_indirect,
                footprint_id=p.source_footprint_id,
            )
        )
    electricity = None
    if (
        footprint.electricity_mwh is not None
        and footprint.electricity_factor_tco2_per_mwh is not None
    ):
        electricity = ElectricityInfo(
            consumed_mwh=footprint.electricity_mwh,
            emission_factor_tco2_per_mwh=footprint.electricity_factor_tco2_per_mwh,
            factor_source=footprint.electricity_factor_source or "country_default",  # type: ignore[arg-type]
            factor_reference=footprint.electricity_factor_reference,
        )
    carbon_prices: tuple[CarbonPriceInfo, ...] = ()
    if footprint.carbon_price_amount is not None:
        carbon_prices = (
            CarbonPriceInfo(
                instrument=footprint.carbon_price_instrument,
                amount_per_tco2e=footprint.carbon_price_amount,
                currency=footprint.carbon_price_currency,
            ),
        )
    verification = None
    if footprint.verification_statement_date and footprint.assurance_level:
        verifier = footprint.verifier_organisation
        verifier_urn = None
        if verifier is not None:
            first = verifier.identifiers.order_by("urn").first()
            verifier_urn = first.urn if first else f"urn:cbam-exchange:organisation:{verifier.slug}"
        verification = VerificationInfo(
            verifier_name=footprint.verifier_name or (str(verifier) if verifier else ""),
            statement_date=footprint.verification_statement_date,
            assurance_level=footprint.assurance_level,  # type: ignore[arg-type]
            accreditation_number=footprint.verifier_accreditation or None,
            verifier_organisation_urn=verifier_urn,
        )
    secondary: list[SecondarySourceInfo] = []
    if defaults:
        secondary.append(
            SecondarySourceInfo(
                name="EU CBAM default values (IR 2025/2621 Annex I)",
                version=str(next(iter(defaults.values())).get("row", ""))[:80] or "1",
            )
        )
    if footprint.electricity_factor_source == "country_default" and electricity is not None:
        secondary.append(
            SecondarySourceInfo(
                name="EU CBAM default grid emission factors (IR 2025/2621 Annex II)",
                version=footprint.electricity_factor_reference[:80] or "1",
            )
        )
    company_ids = tuple(i.urn for i in organisation.identifiers.order_by("urn")) or (
        f"urn:cbam-exchange:organisation:{organisation.slug}",
    )
    return FootprintDocumentInput(
        id=footprint.pk,
        version=version,
        published_at=published_at,
        organisation=OrganisationInfo(
            legal_name=organisation.legal_name_latin,
            company_ids=company_ids,
            legal_name_original=organisation.legal_name,
        ),
        product=ProductInfo(
            name=product.name,
            cn_code=product.cn_code,
            aggregated_goods_category=product.category,
            product_ids=tuple(product.identifiers) or (platform_product_urn(_host(), product.pk),),
            production_route=product.benchmark_route or product.production_route or None,
        ),
        installation=InstallationInfo(
            name=installation.name,
            name_latin=installation.name_latin,
            address=installation.address,
            country_code=installation.country,
            un_locode=installation.un_locode or None,
            latitude=installation.latitude,
            longitude=installation.longitude,
            cbam_operator_id=installation.cbam_operator_id or None,
            cbam_installation_id=installation.cbam_installation_id or None,
        ),
        reference_period_start=footprint.period_start,
        reference_period_end=footprint.period_end,
        activity_level_t=footprint.activity_level_t,
        attributed_direct_tco2e=footprint.attributed_direct_tco2e,
        attributed_indirect_tco2e=footprint.attributed_indirect_tco2e,
        see=SeeFigures(
            see_direct_tco2e_per_t=footprint.see_direct or Decimal(0),
            see_indirect_tco2e_per_t=footprint.see_indirect or Decimal(0),
            see_total_tco2e_per_t=footprint.see_total or Decimal(0),
            indirect_counts=footprint.indirect_counts,
            default_values_used=bool(defaults),
        ),
        electricity=electricity,
        precursors=tuple(precursors),
        carbon_prices=carbon_prices,
        verification=verification,
        data_quality=DataQualityInfo(
            primary_data_share_percent=footprint.primary_data_share_pct,
            methodology=footprint.methodology,
            comments=footprint.comments,
            valid_until=footprint.valid_until,
        ),
        secondary_sources=tuple(secondary),
        preceding_pf_ids=preceding,
        status="Active" if footprint.status != FootprintStatus.DEPRECATED else "Deprecated",
    )


def _host() -> str:
    from django.conf import settings

    return str(settings.PLATFORM_HOST)


def footprint_document(
    footprint: Footprint, *, platform_host: str, published_at: datetime
) -> dict[str, Any]:
    """The PACT v3 ProductFootprint (JSON-able dict) of a footprint about to be published."""
    return build_product_footprint(
        footprint_document_input(footprint, published_at=published_at), platform_host=platform_host
    )
