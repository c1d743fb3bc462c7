"""Check a ProductFootprint document against the PACT v3 rules we rely on, and our extension.

Rules written from the WBCSD PACT Technical Specifications **v3.0.3** (``spec/v3/openapi.yaml``
and ``spec/v3/index.md`` of github.com/wbcsd/data-exchange-protocol, release of 18 Nov 2025)
and the WBCSD Data Model Extensions specification 2.0.0:

- ``ProductFootprint``: the required properties (id, specVersion, created, status,
  companyName, companyIds, productDescription, productIds, productNameCompany, pcf), their
  types and formats (UUID, "major.minor.patch", date-time, Active|Deprecated, non-empty unique
  URN lists), optional precedingPfIds (non-empty, unique UUIDs, never the own id) and the
  validity period (from referencePeriodEnd to at most 3 years after it);
- ``CarbonFootprint``: the required properties (declaredUnitOfMeasurement, declaredUnitAmount,
  productMassPerDeclaredUnit, referencePeriodStart/End, pcfExcludingBiogenicUptake,
  pcfIncludingBiogenicUptake, fossilGhgEmissions, fossilCarbonContent,
  ipccCharacterizationFactors, crossSectoralStandards, exemptedEmissionsPercent), decimal
  strings with their signs, at most one geography property, the packaging rule, the
  sub-objects (ProductOrSectorSpecificRule, EmissionFactorSource, DataQualityIndicators,
  Verification);
- ``DataModelExtension``: specVersion (semver), dataSchema and documentation (https URLs),
  data (object); the data of our CBAM extension against ``schemas/cbam-footprint-v1.json``.

It covers what our documents use and what a recipient's validator would reject; it is not a
complete PACT conformance test.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

# jsonschema ships no type information and its stubs are not a dependency of the project.
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from suppliers.pact.document import EXTENSION_SCHEMA_PATH
from suppliers.pact.formats import (
    COUNTRY_RE,
    SEMVER_RE,
    SPEC_VERSION_RE,
    SUBDIVISION_RE,
    is_date_time,
    is_urn,
    is_uuid,
    parse_decimal_string,
)
from suppliers.pact.input_checks import add_years
from suppliers.pact.schema import cbam_extension_schema

PF_REQUIRED = (
    "id",
    "specVersion",
    "created",
    "status",
    "companyName",
    "companyIds",
    "productDescription",
    "productIds",
    "productNameCompany",
    "pcf",
)
CF_REQUIRED = (
    "declaredUnitOfMeasurement",
    "declaredUnitAmount",
    "productMassPerDeclaredUnit",
    "referencePeriodStart",
    "referencePeriodEnd",
    "pcfExcludingBiogenicUptake",
    "pcfIncludingBiogenicUptake",
    "fossilGhgEmissions",
    "fossilCarbonContent",
    "ipccCharacterizationFactors",
    "crossSectoralStandards",
    "exemptedEmissionsPercent",
)
STATUSES = ("Active", "Deprecated")
DECLARED_UNITS = (
    "liter",
    "kilogram",
    "cubic meter",
    "kilowatt hour",
    "megajoule",
    "ton kilometer",
    "square meter",
    "piece",
    "hour",
    "megabit second",
)
REGIONS = (
    "Africa",
    "Americas",
    "Asia",
    "Europe",
    "Oceania",
    "Australia and New Zealand",
    "Central Asia",
    "Eastern Asia",
    "Eastern Europe",
    "Latin America and the Caribbean",
    "Melanesia",
    "Micronesia",
    "Northern Africa",
    "Northern America",
    "Northern Europe",
    "Polynesia",
    "South-eastern Asia",
    "Southern Asia",
    "Southern Europe",
    "Sub-Saharan Africa",
    "Western Asia",
    "Western Europe",
)
# Decimal properties of CarbonFootprint by the sign PACT allows (None: any sign).
CF_DECIMALS: dict[str, str | None] = {
    "productMassPerDeclaredUnit": None,
    "pcfExcludingBiogenicUptake": None,
    "pcfIncludingBiogenicUptake": None,
    "exemptedEmissionsPercent": None,
    "primaryDataShare": None,
    "fossilCarbonContent": ">=0",
    "biogenicCarbonContent": ">=0",
    "recycledCarbonContent": ">=0",
    "fossilGhgEmissions": ">=0",
    "landUseChangeGhgEmissions": ">=0",
    "landCarbonLeakage": ">=0",
    "landManagementFossilGhgEmissions": ">=0",
    "landManagementBiogenicCO2Emissions": ">=0",
    "biogenicNonCO2Emissions": ">=0",
    "landAreaOccupation": ">=0",
    "aircraftGhgEmissions": ">=0",
    "packagingGhgEmissions": ">=0",
    "packagingBiogenicCarbonContent": ">=0",
    "outboundLogisticsGhgEmissions": ">=0",
    "ccuCarbonContent": ">=0",
    "landManagementBiogenicCO2Removals": "<=0",
    "biogenicCO2Uptake": "<=0",
    "ccsTechnologicalCO2Capture": "<=0",
    "technologicalCO2Removals": "<=0",
    "declaredUnitAmount": ">0",
}
CF_STRINGS = (
    "boundaryProcessesDescription",
    "technologicalCO2CaptureOrigin",
    "exemptedEmissionsDescription",
    "allocationRulesDescription",
)
CF_BOOLEANS = ("packagingEmissionsIncluded", "ccsTechnologicalCO2CaptureIncluded")
RULE_OPERATORS = ("PEF", "EPD International", "Other")
VERIFICATION_COVERAGES = ("PCF calculation model", "PCF program", "product level")
DQI_KEYS = ("technologicalDQR", "geographicalDQR", "temporalDQR")


def validate_product_footprint(doc: Any) -> list[str]:
    """Every rule ``doc`` breaks, as "<json path>: <what is wrong>" (empty: valid)."""
    v = _Validator()
    v.product_footprint(doc)
    return v.errors


def _defined(obj: Mapping[str, Any], key: str) -> bool:
    # PACT v3: a property is undefined when absent or null.
    return obj.get(key) is not None


class _Validator:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    # ----------------------------------------------------------------- primitives

    def required(self, obj: Mapping[str, Any], keys: tuple[str, ...], path: str) -> None:
        for key in keys:
            if not _defined(obj, key):
                self.error(f"{path}.{key}", "is required")

    def string(self, value: Any, path: str, *, non_empty: bool = False) -> bool:
        if not isinstance(value, str):
            self.error(path, f"must be a string, got {type(value).__name__}")
            return False
        if non_empty and not value:
            self.error(path, "must not be empty")
            return False
        return True

    def matches(self, value: Any, path: str, check: Callable[[Any], bool], what: str) -> None:
        if not check(value):
            self.error(path, f"{value!r} is not {what}")

    def decimal(self, value: Any, path: str, sign: str | None = None) -> Decimal | None:
        number = parse_decimal_string(value)
        if number is None:
            self.error(path, f'{value!r} is not a decimal string (e.g. "12.5")')
            return None
        if sign == ">=0" and number < 0:
            self.error(path, f"{value} must be >= 0")
        elif sign == "<=0" and number > 0:
            self.error(path, f"{value} must be <= 0")
        elif sign == ">0" and number <= 0:
            self.error(path, f"{value} must be > 0")
        return number

    def array(
        self,
        value: Any,
        path: str,
        item: Callable[[Any, str], object],
        *,
        non_empty: bool = True,
        unique: bool = True,
    ) -> None:
        if not isinstance(value, list):
            self.error(path, "must be an array")
            return
        if non_empty and not value:
            self.error(path, "must not be empty")
        if unique and len({repr(x) for x in value}) != len(value):
            self.error(path, "items must be unique")
        for i, x in enumerate(value):
            item(x, f"{path}[{i}]")

    def urn(self, value: Any, path: str) -> None:
        self.matches(value, path, is_urn, "a URN (RFC 8141)")

    def uuid(self, value: Any, path: str) -> None:
        self.matches(value, path, is_uuid, "a UUID")

    def date_time(self, value: Any, path: str) -> None:
        self.matches(value, path, is_date_time, "an ISO 8601 date-time with offset")

    def https_url(self, value: Any, path: str) -> None:
        self.matches(
            value,
            path,
            lambda x: isinstance(x, str) and x.startswith("https://") and len(x) > 8,
            "an https URL",
        )

    # ----------------------------------------------------------------- ProductFootprint

    def product_footprint(self, doc: Any) -> None:
        if not isinstance(doc, Mapping):
            self.error("$", "a ProductFootprint must be a JSON object")
            return
        self.required(doc, PF_REQUIRED, "$")
        if _defined(doc, "id"):
            self.uuid(doc["id"], "$.id")
        if _defined(doc, "specVersion"):
            self.matches(
                doc["specVersion"],
                "$.specVersion",
                lambda x: isinstance(x, str) and SPEC_VERSION_RE.match(x) is not None,
                'a version "major.minor.patch"',
            )
            if isinstance(doc["specVersion"], str) and not doc["specVersion"].startswith("3."):
                self.error("$.specVersion", f"{doc['specVersion']!r} is not a v3 version")
        if _defined(doc, "precedingPfIds"):
            self.array(doc["precedingPfIds"], "$.precedingPfIds", self.uuid)
            if isinstance(doc["precedingPfIds"], list) and doc.get("id") in doc["precedingPfIds"]:
                self.error("$.precedingPfIds", "must not contain the footprint's own id")
        for key in ("created", "validityPeriodStart", "validityPeriodEnd"):
            if _defined(doc, key):
                self.date_time(doc[key], f"$.{key}")
        if _defined(doc, "status") and doc["status"] not in STATUSES:
            self.error("$.status", f"{doc['status']!r} is not one of {list(STATUSES)}")
        if _defined(doc, "companyName"):
            self.string(doc["companyName"], "$.companyName", non_empty=True)
        for key in ("companyIds", "productIds", "productClassifications"):
            if _defined(doc, key):
                self.array(doc[key], f"$.{key}", self.urn)
        if _defined(doc, "productDescription"):
            self.string(doc["productDescription"], "$.productDescription")
        if _defined(doc, "productNameCompany"):
            self.string(doc["productNameCompany"], "$.productNameCompany", non_empty=True)
        if _defined(doc, "comment"):
            self.string(doc["comment"], "$.comment")
        pcf = doc.get("pcf")
        if pcf is not None:
            self.carbon_footprint(pcf, "$.pcf")
            if isinstance(pcf, Mapping):
                self.validity_period(doc, pcf)
        if _defined(doc, "extensions"):
            self.array(doc["extensions"], "$.extensions", self.extension, unique=False)

    def validity_period(self, doc: Mapping[str, Any], pcf: Mapping[str, Any]) -> None:
        ref_end = _instant(pcf.get("referencePeriodEnd"))
        if ref_end is None:
            return
        start = _instant(doc.get("validityPeriodStart"))
        end = _instant(doc.get("validityPeriodEnd"))
        if start is not None and start < ref_end:
            self.error("$.validityPeriodStart", "must not be before pcf.referencePeriodEnd")
        if end is not None:
            latest = datetime.combine(add_years(ref_end.date(), 3), ref_end.timetz())
            if end > latest:
                self.error(
                    "$.validityPeriodEnd", "must be at most 3 years after pcf.referencePeriodEnd"
                )
            if start is not None and end <= start:
                self.error("$.validityPeriodEnd", "must be after validityPeriodStart")

    # ----------------------------------------------------------------- CarbonFootprint

    def carbon_footprint(self, pcf: Any, path: str) -> None:
        if not isinstance(pcf, Mapping):
            self.error(path, "a CarbonFootprint must be a JSON object")
            return
        self.required(pcf, CF_REQUIRED, path)
        unit = pcf.get("declaredUnitOfMeasurement")
        if unit is not None and unit not in DECLARED_UNITS:
            self.error(f"{path}.declaredUnitOfMeasurement", f"{unit!r} is not a PACT v3 unit")
        for key, sign in CF_DECIMALS.items():
            if _defined(pcf, key):
                self.decimal(pcf[key], f"{path}.{key}", sign)
        for key in CF_STRINGS:
            if _defined(pcf, key):
                self.string(pcf[key], f"{path}.{key}")
        for key in CF_BOOLEANS:
            if _defined(pcf, key) and not isinstance(pcf[key], bool):
                self.error(f"{path}.{key}", "must be true or false")
        if pcf.get("packagingEmissionsIncluded") is False and _defined(
            pcf, "packagingGhgEmissions"
        ):
            self.error(
                f"{path}.packagingGhgEmissions",
                "must be undefined when packagingEmissionsIncluded is false",
            )
        start, end = pcf.get("referencePeriodStart"), pcf.get("referencePeriodEnd")
        for key, value in (("referencePeriodStart", start), ("referencePeriodEnd", end)):
            if value is not None:
                self.date_time(value, f"{path}.{key}")
        s, e = _instant(start), _instant(end)
        if s is not None and e is not None and e <= s:
            self.error(f"{path}.referencePeriodEnd", "must be after referencePeriodStart")
        self.geography(pcf, path)
        if _defined(pcf, "ipccCharacterizationFactors"):
            self.array(
                pcf["ipccCharacterizationFactors"],
                f"{path}.ipccCharacterizationFactors",
                lambda x, p: self.matches(
                    x,
                    p,
                    lambda y: (
                        isinstance(y, str)
                        and y.startswith("AR")
                        and y[2:].isdigit()
                        and y[2:].isascii()
                    ),
                    'an IPCC report "AR<n>"',
                ),
            )
        if _defined(pcf, "crossSectoralStandards"):
            self.array(
                pcf["crossSectoralStandards"],
                f"{path}.crossSectoralStandards",
                lambda x, p: self.string(x, p, non_empty=True),
            )
        if _defined(pcf, "productOrSectorSpecificRules"):
            self.array(
                pcf["productOrSectorSpecificRules"],
                f"{path}.productOrSectorSpecificRules",
                self.sector_rule,
            )
        if _defined(pcf, "secondaryEmissionFactorSources"):
            self.array(
                pcf["secondaryEmissionFactorSources"],
                f"{path}.secondaryEmissionFactorSources",
                self.emission_factor_source,
                unique=False,
            )
        if _defined(pcf, "dqi"):
            self.dqi(pcf["dqi"], f"{path}.dqi")
        if _defined(pcf, "verification"):
            self.verification(pcf["verification"], f"{path}.verification")

    def geography(self, pcf: Mapping[str, Any], path: str) -> None:
        keys = ("geographyRegionOrSubregion", "geographyCountry", "geographyCountrySubdivision")
        present = [k for k in keys if _defined(pcf, k)]
        if len(present) > 1:
            self.error(path, f"at most one geography property may be defined, got {present}")
        if _defined(pcf, "geographyRegionOrSubregion") and pcf[keys[0]] not in REGIONS:
            self.error(f"{path}.{keys[0]}", f"{pcf[keys[0]]!r} is not a UN (sub)region")
        if _defined(pcf, "geographyCountry"):
            self.matches(
                pcf[keys[1]],
                f"{path}.{keys[1]}",
                lambda x: isinstance(x, str) and COUNTRY_RE.match(x) is not None,
                "an ISO 3166-1 alpha-2 code",
            )
        if _defined(pcf, "geographyCountrySubdivision"):
            self.matches(
                pcf[keys[2]],
                f"{path}.{keys[2]}",
                lambda x: isinstance(x, str) and SUBDIVISION_RE.match(x) is not None,
                "an ISO 3166-2 code",
            )

    def sector_rule(self, rule: Any, path: str) -> None:
        if not isinstance(rule, Mapping):
            self.error(path, "must be an object")
            return
        self.required(rule, ("operator", "ruleNames"), path)
        operator = rule.get("operator")
        if operator is not None and operator not in RULE_OPERATORS:
            self.error(f"{path}.operator", f"{operator!r} is not one of {list(RULE_OPERATORS)}")
        if _defined(rule, "ruleNames"):
            self.array(
                rule["ruleNames"],
                f"{path}.ruleNames",
                lambda x, p: self.string(x, p, non_empty=True),
            )
        if operator == "Other" and not rule.get("otherOperatorName"):
            self.error(f"{path}.otherOperatorName", 'is required when operator is "Other"')

    def emission_factor_source(self, source: Any, path: str) -> None:
        if not isinstance(source, Mapping):
            self.error(path, "must be an object")
            return
        self.required(source, ("name", "version"), path)
        for key in ("name", "version"):
            if _defined(source, key):
                self.string(source[key], f"{path}.{key}", non_empty=True)

    def dqi(self, dqi: Any, path: str) -> None:
        if not isinstance(dqi, Mapping):
            self.error(path, "must be an object")
            return
        self.required(dqi, DQI_KEYS, path)
        for key in DQI_KEYS:
            if _defined(dqi, key):
                number = self.decimal(dqi[key], f"{path}.{key}")
                if number is not None and not 1 <= number <= 5:
                    self.error(f"{path}.{key}", f"{dqi[key]} must be between 1 and 5")

    def verification(self, ver: Any, path: str) -> None:
        if not isinstance(ver, Mapping):
            self.error(path, "must be an object")
            return
        coverage = ver.get("coverage")
        if coverage is not None and coverage not in VERIFICATION_COVERAGES:
            self.error(
                f"{path}.coverage", f"{coverage!r} is not one of {list(VERIFICATION_COVERAGES)}"
            )
        if _defined(ver, "providerName"):
            self.string(ver["providerName"], f"{path}.providerName", non_empty=True)
        if _defined(ver, "completedAt"):
            self.date_time(ver["completedAt"], f"{path}.completedAt")
        for key in ("standardName", "comments"):
            if _defined(ver, key):
                self.string(ver[key], f"{path}.{key}")

    # ----------------------------------------------------------------- DataModelExtension

    def extension(self, ext: Any, path: str) -> None:
        if not isinstance(ext, Mapping):
            self.error(path, "a DataModelExtension must be a JSON object")
            return
        self.required(ext, ("specVersion", "dataSchema", "data"), path)
        if _defined(ext, "specVersion"):
            self.matches(
                ext["specVersion"],
                f"{path}.specVersion",
                lambda x: isinstance(x, str) and SEMVER_RE.match(x) is not None,
                "a semantic version",
            )
        if _defined(ext, "dataSchema"):
            self.https_url(ext["dataSchema"], f"{path}.dataSchema")
        if _defined(ext, "documentation"):
            self.https_url(ext["documentation"], f"{path}.documentation")
        data = ext.get("data")
        if data is not None and not isinstance(data, Mapping):
            self.error(f"{path}.data", "must be a JSON object")
            return
        schema_url = ext.get("dataSchema")
        if isinstance(schema_url, str) and schema_url.endswith(EXTENSION_SCHEMA_PATH) and data:
            for problem in _cbam_validator().iter_errors(data):
                where = "".join(
                    f"[{p}]" if isinstance(p, int) else f".{p}" for p in problem.absolute_path
                )
                self.error(f"{path}.data{where}", problem.message)


@lru_cache(maxsize=1)
def _cbam_validator() -> Draft202012Validator:
    schema = cbam_extension_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _instant(value: Any) -> datetime | None:
    if not is_date_time(value):
        return None
    return datetime.fromisoformat(value)
