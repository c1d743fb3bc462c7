"""Whether a footprint fetched from a PACT partner may be used as actual data on a BOM line.

The rule of Reg. 2023/956 Art. 7(2), Annex IV and IR 2025/2547 applies to a fetched footprint
as to a platform footprint: actual embedded emissions only when determined and verified,
otherwise the default value. What the platform can know of a fetched footprint is its
document: it must pass the schema check (PACT v3 and the CBAM extension), carry the CBAM
extension with both SEE figures, and name a verification statement. Each missing condition is
one reason; no reason means actual data (pure: no Django).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

#: Reason codes (their English text below; pages translate them by code).
FETCHED_SCHEMA_INVALID = "BOMS-FETCHED-SCHEMA-INVALID"
FETCHED_NO_CBAM_DATA = "BOMS-FETCHED-NO-CBAM-DATA"
FETCHED_NO_VERIFICATION = "BOMS-FETCHED-NO-VERIFICATION"

FETCHED_REASONS: dict[str, str] = {
    FETCHED_SCHEMA_INVALID: "The fetched footprint does not pass the schema check (PACT v3 and "
    "the CBAM extension): its data may not be used.",
    FETCHED_NO_CBAM_DATA: "The fetched footprint carries no CBAM extension with specific "
    "embedded emissions (direct and indirect).",
    FETCHED_NO_VERIFICATION: "The fetched footprint names no verification statement: actual "
    "emissions cannot be used, the default value must be (Reg. 2023/956 Art. 8).",
}


@dataclass(frozen=True, slots=True)
class FetchedFacts:
    """What the decision reads of a fetched footprint (SEE in tCO2e per tonne)."""

    schema_valid: bool
    has_cbam_extension: bool
    see_direct: Decimal | None
    see_indirect: Decimal | None
    verification_statement_date: date | None


def fetched_default_reasons(facts: FetchedFacts) -> tuple[tuple[str, str], ...]:
    """The reasons (code, path) the fetched footprint's actual data may not be used; empty
    when it may: schema-valid, CBAM extension with both SEE figures, a verification
    statement."""
    reasons: list[tuple[str, str]] = []
    if not facts.schema_valid:
        reasons.append((FETCHED_SCHEMA_INVALID, "fetched_footprint"))
    if not facts.has_cbam_extension or facts.see_direct is None or facts.see_indirect is None:
        reasons.append((FETCHED_NO_CBAM_DATA, "fetched_footprint"))
    if facts.verification_statement_date is None:
        reasons.append((FETCHED_NO_VERIFICATION, "verification"))
    return tuple(reasons)
