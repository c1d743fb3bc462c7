"""What the exchange seed did and found, for the command to print."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from cbam.rounding import round_see


@dataclass(frozen=True)
class RequestRow:
    request_id: str
    label: str
    buyer: str
    supplier: str
    status: str
    due_date: date
    grant_id: str | None


@dataclass(frozen=True)
class LineRow:
    position: int
    cn_code: str
    supplier_name: str
    use: str
    reasons: tuple[str, ...]
    cost_eur_per_t: Decimal | None
    saving_sure_eur_per_t: Decimal | None
    saving_estimate_eur_per_t: Decimal | None


@dataclass(frozen=True)
class ProductRow:
    organisation: str
    product_id: str
    name: str
    cn_code: str
    status: str
    see_direct: Decimal | None
    see_indirect_counted: Decimal | None
    see_counted: Decimal | None
    default_share: Decimal | None
    year: int
    certificate_price_eur: Decimal
    #: The price used and where it comes from (published, with its date, or the assumption).
    certificate_price_label: str
    cost_eur_per_t: str | None
    cost_all_defaults_eur_per_t: str | None
    lines: tuple[LineRow, ...]
    before: tuple[Decimal | None, str | None] | None = None


@dataclass(frozen=True)
class ImporterRow:
    """An importer's upload (``new`` False when it was there before), its threshold status
    and declaration summary for the year."""

    organisation: str
    upload: dict[str, Any]
    threshold: dict[str, Any]
    declaration: dict[str, Any]


@dataclass
class DemoExchangeReport:
    created: list[str] = field(default_factory=list)
    requests: list[RequestRow] = field(default_factory=list)
    grants: list[str] = field(default_factory=list)
    products: list[ProductRow] = field(default_factory=list)
    chase: dict[str, list[str]] = field(default_factory=dict)
    importers: list[ImporterRow] = field(default_factory=list)
    jobs_run: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created)


def see(value: Decimal | None) -> str:
    """A SEE for the report, as the API shows it (5 decimals)."""
    return "-" if value is None else str(round_see(value))
