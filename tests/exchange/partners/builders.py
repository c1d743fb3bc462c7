"""Partners and fetched footprints built directly, as the fetch service leaves them: the
stored bytes of a real PACT document (the platform's own, with the CBAM extension), its schema
check by the platform's validator, and the facts read from it."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from typing import Any

from accounts.audit import Actor
from accounts.models import Organisation
from exchange.partners.models import FetchedFootprint, FetchedOrigin, PactPartner
from exchange.partners.services.partners import partner_create
from suppliers.pact.document import build_product_footprint
from suppliers.pact.validation import validate_product_footprint
from tests.suppliers.pact.examples import PLATFORM_HOST, hot_rolled_coil_input

CBAM_EXTENSION = "cbam"


def partner_of(
    organisation: Organisation, name: str = "Jinghua PACT host", **fields: Any
) -> PactPartner:
    values: dict[str, Any] = {
        "name": name,
        "base_url": "https://pact.jinghua.example.cn",
        "auth_base_url": "",
        "client_id": "screwco-at-jinghua",
        "secret": "s3cret-of-the-partner",
    }
    values.update(fields)
    return partner_create(actor=Actor.platform("tests"), organisation=organisation, **values)


def hot_rolled_coil_document(**changes: Any) -> dict[str, Any]:
    """The platform's hot-rolled coil footprint (SEE 2.09778 direct, 0.31025 indirect,
    verified 2026-02-10, CN 72083900, route C), as a partner would serve it."""
    return build_product_footprint(hot_rolled_coil_input(**changes), platform_host=PLATFORM_HOST)


def _cbam_data(document: dict[str, Any]) -> dict[str, Any] | None:
    for extension in document.get("extensions") or []:
        if "cbam" in str(extension.get("dataSchema", "")):
            data = extension.get("data")
            return data if isinstance(data, dict) else None
    return None


def fetched_of(
    partner: PactPartner,
    document: dict[str, Any] | bytes,
    *,
    origin: str = FetchedOrigin.GET,
    superseded_by: FetchedFootprint | None = None,
) -> FetchedFootprint:
    """A ``FetchedFootprint`` of ``partner``'s organisation: the bytes as received, the
    schema check, the facts of the CBAM extension."""
    raw = document if isinstance(document, bytes) else json.dumps(document).encode()
    parsed = json.loads(raw)
    problems = validate_product_footprint(parsed)
    data = _cbam_data(parsed) or {}
    see = data.get("see") or {}
    verification = data.get("verification") or {}
    product = data.get("product") or {}
    installation = data.get("installation") or {}
    return FetchedFootprint.objects.create(
        organisation=partner.organisation,
        partner=partner,
        pf_id=str(parsed.get("id", "")),
        document=raw,
        sha256=hashlib.sha256(raw).hexdigest(),
        origin=origin,
        source_url=f"{partner.base_url}/3/footprints/{parsed.get('id', '')}",
        schema_valid=not problems,
        problems=[
            {"path": "", "code": "PACT-SCHEMA", "message_en": p, "message_zh": p} for p in problems
        ],
        has_cbam_extension=bool(data),
        pact_status=str(parsed.get("status", "")),
        company_name=str(parsed.get("companyName", "")),
        product_name=str(parsed.get("productNameCompany", "")),
        cn_code=str(product.get("cnCode", "")),
        country=str(installation.get("countryCode", "")),
        see_direct=Decimal(see["directTco2ePerT"]) if "directTco2ePerT" in see else None,
        see_indirect=Decimal(see["indirectTco2ePerT"]) if "indirectTco2ePerT" in see else None,
        production_route=str(product.get("productionRoute", "")),
        verification_statement_date=date.fromisoformat(verification["statementDate"])
        if verification.get("statementDate")
        else None,
        superseded_by=superseded_by,
    )
