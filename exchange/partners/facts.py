"""What the platform reads from a footprint received from a partner (pure: no ORM, no I/O):
its schema problems, in English and Chinese, and the facts shown in lists and used by BOM
lines. The document itself stays the record.

- schema: ``suppliers.pact.validation.validate_product_footprint`` (PACT v3, and the data of
  the CBAM extension against its schema where the extension names it), each problem split
  into its JSON path and what is wrong;
- facts: the PACT properties (``status``, ``companyName``, ``productNameCompany``,
  ``pcf.geographyCountry``) and, from the CBAM extension
  (``suppliers.pact.document._extension_data``): ``product.cnCode``,
  ``product.productionRoute``, ``installation.countryCode`` (before the PACT geography),
  ``see.directTco2ePerT``, ``see.indirectTco2ePerT`` and ``verification.statementDate``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from suppliers.pact.document import EXTENSION_SCHEMA_PATH
from suppliers.pact.formats import parse_decimal_string
from suppliers.pact.validation import validate_product_footprint

#: The code of a schema problem (``FetchedFootprint.problems``).
SCHEMA_CODE = "PACT-SCHEMA"


@dataclass(frozen=True)
class FootprintFacts:
    pf_id: str
    schema_valid: bool
    problems: list[dict[str, str]] = field(default_factory=list)
    has_cbam_extension: bool = False
    pact_status: str = ""
    company_name: str = ""
    product_name: str = ""
    cn_code: str = ""
    country: str = ""
    see_direct: Decimal | None = None
    see_indirect: Decimal | None = None
    production_route: str = ""
    verification_statement_date: date | None = None


def _problem(path: str, message: str) -> dict[str, str]:
    return {
        "path": path,
        "code": SCHEMA_CODE,
        "message_en": f"{path}: {message}",
        "message_zh": f"{path}：不符合 PACT v3 数据模型或 CBAM 扩展的要求（{message}）",
    }


def schema_problems(document: Any) -> list[dict[str, str]]:
    """Every rule the document breaks, each ``{"path", "code", "message_en", "message_zh"}``."""
    problems = []
    for text in validate_product_footprint(document):
        path, _, message = text.partition(": ")
        problems.append(_problem(path, message))
    return problems


def cbam_extension(document: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The ``data`` of the platform's CBAM extension, or None."""
    extensions = document.get("extensions")
    if not isinstance(extensions, list):
        return None
    for extension in extensions:
        if not isinstance(extension, Mapping):
            continue
        schema = extension.get("dataSchema")
        data = extension.get("data")
        if isinstance(schema, str) and schema.endswith(EXTENSION_SCHEMA_PATH):
            return data if isinstance(data, Mapping) else None
    return None


def _text(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _object(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _decimal(value: Any) -> Decimal | None:
    number = parse_decimal_string(value)
    # FetchedFootprint.see_*: 20 digits, 10 after the point.
    if number is None or abs(number) >= Decimal("1e10"):
        return None
    return number.quantize(Decimal("1e-10"))


def footprint_facts(document: bytes, *, fallback_id: str) -> FootprintFacts:
    """Read ``document`` (the bytes as received): its PACT id (``fallback_id`` when it has
    none), schema problems and facts. Bytes that are no JSON object are one problem."""
    try:
        parsed = json.loads(document)
    except ValueError as error:
        parsed = None
        problems = [_problem("$", f"not JSON ({error})")]
    else:
        problems = (
            schema_problems(parsed)
            if isinstance(parsed, dict)
            else [_problem("$", "a ProductFootprint must be a JSON object")]
        )
    if not isinstance(parsed, dict):
        return FootprintFacts(pf_id=fallback_id, schema_valid=False, problems=problems)
    raw_id = parsed.get("id")
    pf_id = raw_id[:100] if isinstance(raw_id, str) and raw_id.strip() else fallback_id
    extension = cbam_extension(parsed)
    data = extension or {}
    product = _object(data.get("product"))
    see = _object(data.get("see"))
    pcf = _object(parsed.get("pcf"))
    country = _text(_object(data.get("installation")).get("countryCode"), 2) or _text(
        pcf.get("geographyCountry"), 2
    )
    return FootprintFacts(
        pf_id=pf_id,
        schema_valid=not problems,
        problems=problems,
        has_cbam_extension=extension is not None,
        pact_status=_text(parsed.get("status"), 20),
        company_name=_text(parsed.get("companyName"), 300),
        product_name=_text(parsed.get("productNameCompany"), 300),
        cn_code=_text(product.get("cnCode"), 8),
        country=country.upper(),
        see_direct=_decimal(see.get("directTco2ePerT")),
        see_indirect=_decimal(see.get("indirectTco2ePerT")),
        production_route=_text(product.get("productionRoute"), 3),
        verification_statement_date=_day(_object(data.get("verification")).get("statementDate")),
    )
