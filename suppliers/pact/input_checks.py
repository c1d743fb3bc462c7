"""Checks of a :class:`FootprintDocumentInput` before it becomes a document: every problem found.

Two kinds of rule: input that cannot describe a real footprint (a period that ends before it
starts, a negative mass, a SEE total that is not the sum of its channels), and input the PACT
v3.0.3 data model cannot carry (an identifier that is not a URN, a validity period outside the
three years after the reference period, a preceding id equal to the footprint's own id).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from suppliers.pact import errors as e
from suppliers.pact.errors import Problem
from suppliers.pact.formats import (
    CN_CODE_PREFIX_RE,
    CN_CODE_RE,
    COUNTRY_RE,
    CURRENCY_RE,
    UN_LOCODE_RE,
    is_host,
    is_urn,
)
from suppliers.pact.inputs import (
    ASSURANCE_LEVELS,
    ELECTRICITY_FACTOR_SOURCES,
    PF_STATUSES,
    PRECURSOR_SEE_SOURCES,
    FootprintDocumentInput,
)

SEE_DECIMAL_PLACES = 5
# direct + indirect and total are each rounded once, so they may differ by one unit in the
# last place (docs/decisions.md, 8).
SEE_SUM_TOLERANCE = Decimal("0.00001")
VALIDITY_YEARS = 3


def add_years(day: date, years: int) -> date:
    """``day`` ``years`` later; 29 February becomes 28 February (never later than a full year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str, code: str = e.INVALID) -> None:
        self.problems.append(Problem(path, message, code))

    def text(self, path: str, value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            self.add(path, "must be a non-empty text", e.REQUIRED)

    def number(self, path: str, value: Any, *, positive: bool = False) -> bool:
        if not isinstance(value, Decimal) or not value.is_finite():
            self.add(path, f"must be a finite Decimal, got {value!r}")
            return False
        if positive and value <= 0:
            self.add(path, f"must be greater than 0, got {value}", e.NOT_POSITIVE)
            return False
        if value < 0:
            self.add(path, f"must not be negative, got {value}", e.NEGATIVE)
            return False
        return True

    def urns(self, path: str, values: Any, *, required: bool = True) -> None:
        if not isinstance(values, tuple):
            self.add(path, "must be a tuple of URNs")
            return
        if required and not values:
            self.add(path, "needs at least one URN", e.REQUIRED)
        for i, value in enumerate(values):
            if not is_urn(value):
                self.add(
                    f"{path}[{i}]",
                    f"{value!r} is not a URN (RFC 8141); expected e.g. 'urn:lei:<LEI>' or "
                    "'urn:pact:<domain>:<type>:<id>'",
                )
        if len(set(values)) != len(values):
            self.add(path, "lists the same URN twice", e.DUPLICATE)

    def country(self, path: str, value: Any) -> None:
        if not isinstance(value, str) or COUNTRY_RE.match(value) is None:
            self.add(path, f"{value!r} is not an ISO 3166-1 alpha-2 code (e.g. 'CN')")


def input_problems(inp: FootprintDocumentInput, *, platform_host: str) -> list[Problem]:
    """Every problem of ``inp`` (empty: the builder may proceed)."""
    c = _Collector()
    if not is_host(platform_host):
        c.add("platform_host", f"{platform_host!r} is not a host name (e.g. 'cbam.example.com')")
    _check_identity(c, inp)
    _check_parties(c, inp)
    _check_period(c, inp)
    _check_inputs(c, inp)
    _check_see(c, inp)
    return c.problems


def _check_identity(c: _Collector, inp: FootprintDocumentInput) -> None:
    if not isinstance(inp.version, int) or isinstance(inp.version, bool) or inp.version < 1:
        c.add("version", f"must be an integer >= 1, got {inp.version!r}", e.OUT_OF_RANGE)
    if inp.status not in PF_STATUSES:
        c.add("status", f"{inp.status!r} is not a PACT status; expected 'Active' or 'Deprecated'")
    if inp.id in inp.preceding_pf_ids:
        c.add(
            "preceding_pf_ids",
            f"contains the footprint's own id {inp.id}; a correction gets a new id and names "
            "the old one here",
            e.CONFLICT,
        )
    if len(set(inp.preceding_pf_ids)) != len(inp.preceding_pf_ids):
        c.add("preceding_pf_ids", "lists the same id twice", e.DUPLICATE)
    if not isinstance(inp.published_at, datetime) or inp.published_at.utcoffset() is None:
        c.add("published_at", "must be a timezone-aware datetime")


def _check_parties(c: _Collector, inp: FootprintDocumentInput) -> None:
    org = inp.organisation
    c.text("organisation.legal_name", org.legal_name)
    c.urns("organisation.company_ids", org.company_ids)

    product = inp.product
    c.text("product.name", product.name)
    if not isinstance(product.cn_code, str) or CN_CODE_RE.match(product.cn_code) is None:
        c.add("product.cn_code", f"{product.cn_code!r} is not an 8-digit CN code (e.g. '72083900')")
    c.text("product.aggregated_goods_category", product.aggregated_goods_category)
    c.urns("product.product_ids", product.product_ids)
    carbon = product.carbon_content_kgc_per_kg
    if carbon is not None and c.number("product.carbon_content_kgc_per_kg", carbon) and carbon > 1:
        c.add(
            "product.carbon_content_kgc_per_kg",
            f"{carbon} kg C per kg is more than the product's mass",
            e.OUT_OF_RANGE,
        )

    inst = inp.installation
    c.text("installation.name", inst.name)
    c.text("installation.name_latin", inst.name_latin)
    c.country("installation.country_code", inst.country_code)
    if inst.un_locode is not None:
        if UN_LOCODE_RE.match(inst.un_locode) is None:
            c.add("installation.un_locode", f"{inst.un_locode!r} is not a UN/LOCODE (e.g. 'CNSHA')")
        elif inst.un_locode[:2] != inst.country_code:
            c.add(
                "installation.un_locode",
                f"{inst.un_locode!r} lies in {inst.un_locode[:2]}, the installation in "
                f"{inst.country_code}",
                e.CONFLICT,
            )
    if (inst.latitude is None) != (inst.longitude is None):
        c.add("installation.latitude", "latitude and longitude go together", e.REQUIRED)
    for name, value, limit in (
        ("latitude", inst.latitude, 90),
        ("longitude", inst.longitude, 180),
    ):
        if value is None:
            continue
        if not isinstance(value, Decimal) or not value.is_finite():
            c.add(f"installation.{name}", f"must be a finite Decimal, got {value!r}")
        elif abs(value) > limit:
            c.add(f"installation.{name}", f"{value} is outside -{limit}..{limit}", e.OUT_OF_RANGE)
    for name in ("cbam_operator_id", "cbam_installation_id"):
        value = getattr(inst, name)
        if value is not None:
            c.text(f"installation.{name}", value)

    if inp.verification is not None:
        v = inp.verification
        c.text("verification.verifier_name", v.verifier_name)
        if v.assurance_level not in ASSURANCE_LEVELS:
            c.add(
                "verification.assurance_level",
                f"{v.assurance_level!r}; expected 'reasonable' or 'limited'",
            )
        if not v.accreditation_number and not v.verifier_organisation_urn:
            c.add(
                "verification.accreditation_number",
                "the verifier needs an accreditation number or a platform organisation",
                e.REQUIRED,
            )
        if v.verifier_organisation_urn is not None and not is_urn(v.verifier_organisation_urn):
            c.add(
                "verification.verifier_organisation_urn",
                f"{v.verifier_organisation_urn!r} is not a URN (RFC 8141)",
            )
        if isinstance(v.statement_date, date) and v.statement_date < inp.reference_period_start:
            c.add(
                "verification.statement_date",
                f"{v.statement_date} is before the reference period starts "
                f"({inp.reference_period_start}); a statement verifies data of the period",
                e.ORDER,
            )


def _check_period(c: _Collector, inp: FootprintDocumentInput) -> None:
    start, end = inp.reference_period_start, inp.reference_period_end
    if end < start:
        c.add(
            "reference_period_end",
            f"{end} is before reference_period_start {start}; the end (inclusive) must be on "
            "or after the start",
            e.ORDER,
        )
        return
    dq = inp.data_quality
    # PACT v3 lifecycle: validityPeriodStart >= referencePeriodEnd (exclusive: the day after
    # our inclusive end) and validityPeriodEnd <= referencePeriodEnd + 3 years.
    first_valid_day = end + timedelta(days=1)
    last_valid_day = add_years(first_valid_day, VALIDITY_YEARS) - timedelta(days=1)
    if dq.valid_from is not None and dq.valid_from < first_valid_day:
        c.add(
            "data_quality.valid_from",
            f"{dq.valid_from} is within or before the reference period; the validity period "
            f"starts on {first_valid_day} at the earliest",
            e.ORDER,
        )
    if dq.valid_until is not None:
        if dq.valid_from is not None and dq.valid_until < dq.valid_from:
            c.add(
                "data_quality.valid_until",
                f"{dq.valid_until} is before valid_from {dq.valid_from}",
                e.ORDER,
            )
        elif dq.valid_until > last_valid_day:
            c.add(
                "data_quality.valid_until",
                f"{dq.valid_until} is more than {VALIDITY_YEARS} years after the reference "
                f"period; {last_valid_day} at the latest",
                e.OUT_OF_RANGE,
            )
        elif dq.valid_until < first_valid_day:
            c.add(
                "data_quality.valid_until",
                f"{dq.valid_until} is not after the reference period ({end})",
                e.ORDER,
            )


def _check_inputs(c: _Collector, inp: FootprintDocumentInput) -> None:
    c.number("activity_level_t", inp.activity_level_t, positive=True)
    c.number("attributed_direct_tco2e", inp.attributed_direct_tco2e)
    if inp.attributed_indirect_tco2e is not None:
        c.number("attributed_indirect_tco2e", inp.attributed_indirect_tco2e)
    if inp.electricity is not None:
        el = inp.electricity
        c.number("electricity.consumed_mwh", el.consumed_mwh)
        c.number("electricity.emission_factor_tco2_per_mwh", el.emission_factor_tco2_per_mwh)
        if el.factor_source not in ELECTRICITY_FACTOR_SOURCES:
            c.add(
                "electricity.factor_source",
                f"{el.factor_source!r}; expected one of {sorted(ELECTRICITY_FACTOR_SOURCES)}",
            )

    for i, p in enumerate(inp.precursors):
        path = f"precursors[{i}]"
        if not isinstance(p.cn_code, str) or CN_CODE_PREFIX_RE.match(p.cn_code) is None:
            c.add(f"{path}.cn_code", f"{p.cn_code!r} is not a CN code of 4, 6 or 8 digits")
        c.number(f"{path}.mass_t_per_t", p.mass_t_per_t, positive=True)
        c.country(f"{path}.country_of_origin", p.country_of_origin)
        c.number(f"{path}.see_direct_tco2e_per_t", p.see_direct_tco2e_per_t)
        if p.see_indirect_tco2e_per_t is not None:
            c.number(f"{path}.see_indirect_tco2e_per_t", p.see_indirect_tco2e_per_t)
        if p.see_source not in PRECURSOR_SEE_SOURCES:
            c.add(
                f"{path}.see_source",
                f"{p.see_source!r}; expected one of {sorted(PRECURSOR_SEE_SOURCES)}",
            )
        elif p.see_source == "platform_footprint" and p.footprint_id is None:
            c.add(
                f"{path}.footprint_id",
                "a precursor from a platform footprint names that footprint's id",
                e.REQUIRED,
            )
        elif p.see_source != "platform_footprint" and p.footprint_id is not None:
            c.add(
                f"{path}.footprint_id",
                f"only a 'platform_footprint' precursor names a footprint; this one is "
                f"{p.see_source!r}",
                e.CONFLICT,
            )
        if p.footprint_id is not None and p.footprint_id == inp.id:
            c.add(f"{path}.footprint_id", "a footprint cannot be its own precursor", e.CONFLICT)

    for i, price in enumerate(inp.carbon_prices):
        path = f"carbon_prices[{i}]"
        c.text(f"{path}.instrument", price.instrument)
        c.number(f"{path}.amount_per_tco2e", price.amount_per_tco2e)
        if not isinstance(price.currency, str) or CURRENCY_RE.match(price.currency) is None:
            c.add(f"{path}.currency", f"{price.currency!r} is not an ISO 4217 code (e.g. 'CNY')")

    share = inp.data_quality.primary_data_share_percent
    if (
        share is not None
        and c.number("data_quality.primary_data_share_percent", share)
        and share > 100
    ):
        c.add(
            "data_quality.primary_data_share_percent",
            f"{share} % is more than 100 %",
            e.OUT_OF_RANGE,
        )

    for i, src in enumerate(inp.secondary_sources):
        c.text(f"secondary_sources[{i}].name", src.name)
        c.text(f"secondary_sources[{i}].version", src.version)
    uses_secondary = any(p.see_source == "default_value" for p in inp.precursors) or (
        inp.electricity is not None and inp.electricity.factor_source == "country_default"
    )
    if uses_secondary and not inp.secondary_sources:
        c.add(
            "secondary_sources",
            "default values or the default grid factor were used: name them and their version "
            "(PACT v3 requires secondaryEmissionFactorSources when secondary data was used)",
            e.REQUIRED,
        )


def _check_see(c: _Collector, inp: FootprintDocumentInput) -> None:
    see = inp.see
    figures = {
        "see.see_direct_tco2e_per_t": see.see_direct_tco2e_per_t,
        "see.see_indirect_tco2e_per_t": see.see_indirect_tco2e_per_t,
        "see.see_total_tco2e_per_t": see.see_total_tco2e_per_t,
    }
    ok = True
    for path, value in figures.items():
        if not c.number(path, value):
            ok = False
            continue
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -SEE_DECIMAL_PLACES:
            c.add(
                path,
                f"{value} has more than {SEE_DECIMAL_PLACES} decimal places; publish the "
                "figure rounded once (cbam.rounding.round_see)",
                e.TOO_PRECISE,
            )
            ok = False
    if ok:
        channels = see.see_direct_tco2e_per_t + see.see_indirect_tco2e_per_t
        if abs(see.see_total_tco2e_per_t - channels) > SEE_SUM_TOLERANCE:
            c.add(
                "see.see_total_tco2e_per_t",
                f"{see.see_total_tco2e_per_t} is not direct + indirect ({channels})",
                e.CONFLICT,
            )
    if not see.default_values_used and any(p.see_source == "default_value" for p in inp.precursors):
        c.add(
            "see.default_values_used",
            "is false, but a precursor uses a default value",
            e.CONFLICT,
        )
