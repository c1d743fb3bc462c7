"""Counting rows: what a repeated seed must not change."""

from __future__ import annotations

from typing import Any

from accounts.models import AuditEvent, Membership, Organisation, SigningKey, User
from core.models import Job
from exchange.boms.models import AggregationResult, BomLine, BuyerProduct
from exchange.declarations.models import Shipment, ShipmentImport
from exchange.pools.models import Pool, PoolCell, PoolContribution, PoolMembership, PoolRelease
from exchange.sharing.models import FootprintRequest, Grant, GrantedFootprint, Notification
from suppliers.models import Footprint, FootprintPrecursor, Installation, Product

#: What each seed step makes; work rows and audit events come from every step.
ACCOUNT_MODELS = (Organisation, User, Membership)
FOOTPRINT_MODELS = (Installation, Product, Footprint, FootprintPrecursor, SigningKey)
EXCHANGE_MODELS = (
    FootprintRequest,
    Grant,
    GrantedFootprint,
    Notification,
    BuyerProduct,
    BomLine,
    AggregationResult,
    Shipment,
    ShipmentImport,
    Pool,
    PoolMembership,
    PoolContribution,
    PoolCell,
    PoolRelease,
)
SIDE_MODELS = (Job, AuditEvent)


def model_counts(*models: Any) -> dict[str, int]:
    """How many rows each model has, by model name."""
    return {model.__name__: model.objects.count() for model in models}
