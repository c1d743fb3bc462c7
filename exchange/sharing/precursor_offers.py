"""What the platform can offer for the purchased precursors of an imported communication
template: the supplier's footprint shared with the importer, or a request to that supplier.

For each draft an import created and each of its purchased precursors (the name the workbook
gives it, at its cell: ``suppliers.eu_template.purchased``), the name is matched against the
organisations on the platform and their installations (``supplier_names``: either script,
case and whitespace ignored; an ambiguous name matches none; the importer itself is not a
supplier). For a matched supplier the offer lists its **published** footprints that a live
grant lets the importer read (``footprints_shared_with``) and whose good is of the precursor's
aggregated goods category: the template names a purchased precursor by its category only, so
the import gave it the category's first CN code, and the supplier's own code is what linking
writes. Those of the precursor's CN code come first, then those of the installation named,
then the newest period. A matched supplier with no open request of the importer for that CN
code and the draft's period can be sent one.

Reads only; the actions are ``exchange.sharing.services.precursor_links``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet

from accounts.models import Organisation
from exchange.sharing.models import FootprintRequest, RequestStatus
from exchange.sharing.selectors import footprints_shared_with
from exchange.sharing.supplier_names import NamedParty, NameIndex, NameMatch
from reference.errors import ReferenceDataMissing
from reference.selectors import reference_snapshot_for
from suppliers.eu_template.purchased import PurchasedPrecursorRef, purchased_precursors
from suppliers.models import (
    CommunicationTemplateImport,
    Footprint,
    FootprintPrecursor,
    FootprintStatus,
    Installation,
    PrecursorSeeSource,
)


def template_imports_of(*, organisation: Organisation) -> QuerySet[CommunicationTemplateImport]:
    """The organisation's communication template imports (never another's), without the kept
    upload's bytes."""
    return CommunicationTemplateImport.objects.filter(organisation=organisation).defer("content")


@dataclass(frozen=True)
class PrecursorOffer:
    """A purchased precursor of a draft an import created, and what the platform offers."""

    draft: Footprint
    precursor: FootprintPrecursor
    workbook: PurchasedPrecursorRef
    #: The precursor's aggregated goods category ("" when its CN code is unknown then).
    category: str
    supplier: Organisation | None
    match: NameMatch
    installation: Installation | None
    candidates: tuple[Footprint, ...] = ()
    open_request: FootprintRequest | None = None

    @property
    def position(self) -> int:
        return self.precursor.position

    @property
    def key(self) -> str:
        """``<draft id>:<position>``: which precursor a form or an error is about."""
        return f"{self.draft.pk}:{self.position}"

    @property
    def linked(self) -> Footprint | None:
        """The platform footprint the precursor uses now, if any."""
        if self.precursor.see_source == PrecursorSeeSource.PLATFORM_FOOTPRINT:
            return self.precursor.source_footprint
        return None

    @property
    def changeable(self) -> bool:
        return self.draft.status == FootprintStatus.DRAFT

    @property
    def can_request(self) -> bool:
        return self.supplier is not None and self.open_request is None


@dataclass
class _Loaded:
    drafts: list[Footprint]
    refs: dict[uuid.UUID, list[tuple[FootprintPrecursor, PurchasedPrecursorRef]]] = field(
        default_factory=dict
    )


def _drafts_of(organisation: Organisation, template_import: CommunicationTemplateImport) -> _Loaded:
    """The footprints the import created that still exist, in the report's order, with their
    precursors (and the platform footprints these use)."""
    report: dict[str, Any] = template_import.report or {}
    ids: list[str] = [str(g["footprint"]) for g in report.get("goods", []) if g.get("footprint")]
    precursors = FootprintPrecursor.objects.select_related(
        "source_footprint__product", "source_footprint__organisation"
    ).order_by("position")
    found = {
        str(f.pk): f
        for f in Footprint.objects.filter(organisation=organisation, pk__in=ids)
        .select_related("product")
        .prefetch_related(Prefetch("precursors", queryset=precursors))
    }
    loaded = _Loaded(drafts=[found[i] for i in dict.fromkeys(ids) if i in found])
    for draft in loaded.drafts:
        rows = list(draft.precursors.all())
        provenance = (draft.inputs_as_entered or {}).get("provenance")
        refs = purchased_precursors(provenance)
        names = provenance.get("precursors") if isinstance(provenance, dict) else None
        # Edited since the import (a precursor added or removed): positions no longer say
        # which row of the workbook each precursor came from, so nothing is offered.
        if not isinstance(names, list) or len(names) != len(rows):
            continue
        loaded.refs[draft.pk] = [(rows[ref.position], ref) for ref in refs]
    return loaded


def _name_index(organisation: Organisation) -> NameIndex:
    """Every other organisation's names and its installations' (two queries of names)."""
    parties = [
        NamedParty(organisation_id=pk, name=name)
        for pk, legal, latin in Organisation.objects.exclude(pk=organisation.pk).values_list(
            "pk", "legal_name", "legal_name_latin"
        )
        for name in (legal, latin)
    ]
    parties += [
        NamedParty(organisation_id=org_id, name=name, installation_id=pk)
        for pk, org_id, original, latin in Installation.objects.exclude(
            organisation=organisation
        ).values_list("pk", "organisation_id", "name", "name_latin")
        for name in (original, latin)
    ]
    return NameIndex(parties)


class _Categories:
    """CN code → aggregated goods category on a date (one snapshot per date)."""

    def __init__(self) -> None:
        self._by_date: dict[date, dict[str, str]] = {}

    def of(self, cn_code: str, on: date) -> str:
        if on not in self._by_date:
            try:
                self._by_date[on] = dict(reference_snapshot_for(on=on).category_by_cn)
            except ReferenceDataMissing:
                self._by_date[on] = {}
        return self._by_date[on].get(cn_code, "")


def _category_of(footprint: Footprint, categories: _Categories) -> str:
    return footprint.product.category or categories.of(
        footprint.product.cn_code, footprint.period_end
    )


def footprint_goods_category(footprint: Footprint) -> str:
    """The aggregated goods category of a footprint's good (its product's, else the reference
    data's for its CN code at the end of its period)."""
    return _category_of(footprint, _Categories())


def template_import_precursor_offers(
    *, organisation: Organisation, template_import: CommunicationTemplateImport
) -> list[PrecursorOffer]:
    """The offers for every purchased precursor of the drafts ``template_import`` (one of
    ``organisation``'s) created, by draft in the report's order, then by position. Nine
    queries whatever the number of drafts and precursors (one more per other period's
    reference data)."""
    loaded = _drafts_of(organisation, template_import)
    pairs = [
        (draft, row, ref) for draft in loaded.drafts for row, ref in loaded.refs.get(draft.pk, [])
    ]
    if not pairs:
        return []
    index = _name_index(organisation)
    matches = [index.match(ref.name) if ref.named else NameMatch() for _, _, ref in pairs]
    supplier_ids = {m.organisation_id for m in matches if m.organisation_id is not None}
    installation_ids = {m.installation_id for m in matches if m.installation_id is not None}
    suppliers = Organisation.objects.in_bulk(supplier_ids)
    installations = Installation.objects.in_bulk(installation_ids)
    shared = list(
        footprints_shared_with(buyer=organisation)
        .filter(organisation_id__in=supplier_ids, status=FootprintStatus.PUBLISHED)
        .select_related("product", "installation", "organisation")
        .order_by("-period_start", "product__name", "id")
    )
    requests = list(
        FootprintRequest.objects.filter(
            buyer=organisation, supplier_id__in=supplier_ids, status=RequestStatus.OPEN
        ).order_by("-created_at", "id")
    )
    categories = _Categories()
    offers: list[PrecursorOffer] = []
    for (draft, row, ref), match in zip(pairs, matches, strict=True):
        category = categories.of(row.cn_code, draft.period_end)
        supplier = suppliers.get(match.organisation_id) if match.organisation_id else None
        candidates: list[Footprint] = []
        open_request = None
        if supplier is not None:
            candidates = sorted(
                (
                    f
                    for f in shared
                    if f.organisation_id == supplier.pk
                    and category
                    and _category_of(f, categories) == category
                ),
                key=lambda f: (
                    f.product.cn_code != row.cn_code,
                    f.installation_id != match.installation_id,
                ),
            )
            open_request = next(
                (
                    r
                    for r in requests
                    if r.supplier_id == supplier.pk
                    and r.cn_code == row.cn_code
                    and (r.period_start, r.period_end) == (draft.period_start, draft.period_end)
                ),
                None,
            )
        offers.append(
            PrecursorOffer(
                draft=draft,
                precursor=row,
                workbook=ref,
                category=category,
                supplier=supplier,
                match=match,
                installation=installations.get(match.installation_id)
                if match.installation_id
                else None,
                candidates=tuple(candidates),
                open_request=open_request,
            )
        )
    return offers


def precursor_offer_get(
    *,
    organisation: Organisation,
    template_import: CommunicationTemplateImport,
    footprint_id: uuid.UUID,
    position: int,
) -> PrecursorOffer | None:
    """The offer for one purchased precursor (a draft of the import, a position), or None."""
    return next(
        (
            offer
            for offer in template_import_precursor_offers(
                organisation=organisation, template_import=template_import
            )
            if offer.draft.pk == footprint_id and offer.position == position
        ),
        None,
    )
