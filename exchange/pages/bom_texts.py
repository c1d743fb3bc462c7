"""What the bill-of-materials and exposure pages say about a stored result, in the page's
language: why a line is on the default value, where a number of the provenance comes from, and
the assumptions behind a saving. The stored documents keep English (the API's); the codes in
them are translated here."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language, gettext_lazy

from exchange.boms.calculations import ASSUMPTION_ESTIMATE, ASSUMPTION_SURE
from exchange.boms.models import LineSource

#: The reasons the aggregation itself gives (``exchange.boms.services.aggregation.load``).
REASONS = {
    "BOMS-SOURCE-DEFAULT": gettext_lazy(
        "The line's source is the default value (no supplier data named)."
    ),
    "BOMS-NO-GRANT": gettext_lazy(
        "No live grant on this footprint (never shared or revoked): its data may not be used; "
        "ask the supplier to share it."
    ),
    "BOMS-NO-VERSION": gettext_lazy("The footprint has no published version."),
    "BOMS-DEPRECATED": gettext_lazy(
        "The footprint was deprecated and has no newer published version."
    ),
    "BOMS-NO-DECISION": gettext_lazy("No default-value decision could be taken yet."),
    "BOMS-NO-SEE": gettext_lazy("The footprint has no computed SEE."),
    # A footprint fetched from a PACT partner (``exchange.boms.calculations.fetched``).
    "BOMS-FETCHED-SCHEMA-INVALID": gettext_lazy(
        "The fetched footprint does not pass the schema check (PACT v3 and the CBAM "
        "extension): its data may not be used."
    ),
    "BOMS-FETCHED-NO-CBAM-DATA": gettext_lazy(
        "The fetched footprint carries no CBAM extension with specific embedded emissions "
        "(direct and indirect)."
    ),
    "BOMS-FETCHED-NO-VERIFICATION": gettext_lazy(
        "The fetched footprint names no verification statement: actual emissions cannot be "
        "used, the default value must be (Reg. 2023/956 Art. 8)."
    ),
    "BOMS-FETCHED-MISSING": gettext_lazy("The fetched footprint is no longer available."),
}

#: Where a number of a provenance tree comes from (``cbam`` provenance ``source``).
PROVENANCE_SOURCES = {
    "good": gettext_lazy("your product"),
    "attributed_emissions": gettext_lazy("your own process"),
    "electricity": gettext_lazy("electricity"),
    "supplier_footprint": gettext_lazy("supplier footprint"),
    "default_value": gettext_lazy("EU default value"),
    "actual": gettext_lazy("actual data"),
}

#: How a line's SEE is used.
USES = {
    "actual": gettext_lazy("Actual data"),
    "default": gettext_lazy("Default value"),
    "own_product": gettext_lazy("Your product"),
}

SOURCES = {
    LineSource.SUPPLIER_FOOTPRINT: gettext_lazy("Supplier footprint"),
    LineSource.OWN_PRODUCT: gettext_lazy("Your product"),
    LineSource.DEFAULT_VALUE: gettext_lazy("Default value"),
    LineSource.FETCHED_FOOTPRINT: gettext_lazy("Fetched over PACT"),
}

ASSUMPTIONS = {
    ASSUMPTION_SURE: gettext_lazy(
        "Saved for sure: if the supplier's actual SEE equalled the default value, the mark-up "
        "on default values (IR 2025/2621) would still be saved, nothing else."
    ),
    ASSUMPTION_ESTIMATE: gettext_lazy(
        "Estimate: the supplier's actual SEE equal to the column B benchmark of its CN code and "
        "origin route (IR 2025/2620), free allocation unchanged; a typical plant, not a promise."
    ),
}


def reason_text(reason: dict[str, Any]) -> str:
    """One reason of a line's decision in the page's language: the aggregation's own by its
    code, a footprint decision's in Chinese when it has one, else as stored."""
    code = str(reason.get("code") or "")
    if code in REASONS:
        return str(REASONS[code])
    if (get_language() or "").startswith("zh") and reason.get("message_zh"):
        return str(reason["message_zh"])
    return str(reason.get("message_en") or code)


def provenance_shown(node: dict[str, Any]) -> dict[str, Any]:
    """A stored provenance tree with each node's source in words (``source_label``), for
    ``suppliers/pages/provenance_node.html``."""
    shown = dict(node)
    label = PROVENANCE_SOURCES.get(str(node.get("source") or ""))
    if label is not None:
        shown["source_label"] = str(label)
    if node.get("children"):
        shown["children"] = [provenance_shown(child) for child in node["children"]]
    return shown
