"""URLs of the exchange pages, included under /o/<org_slug>/ by config/urls.py."""

from django.urls import URLPattern, path

from exchange.pages import (
    boms,
    declaration,
    evidence,
    exposure,
    footprint_access,
    grants,
    notifications,
    pact_client,
    pact_partners,
    pact_policies,
    pools_association,
    pools_member,
    pools_releases,
    requests,
    sent_requests,
    shared_footprints,
    shipment_uploads,
    shipments,
    template_precursors,
    threshold,
)

BOM = "boms/<uuid:buyer_product_id>/"
PACT_PARTNER = "pact/partners/<uuid:partner_id>/"
PACT_FETCH = f"{PACT_PARTNER}fetches/<int:fetch_job_id>/"
BOM_LINE = f"{BOM}lines/<uuid:bom_line_id>/"

urlpatterns: list[URLPattern] = [
    # The supplier's inbox of footprint requests.
    path("requests/", requests.InboxPage.as_view(), name="requests"),
    path(
        "requests/<uuid:incoming_request_id>/",
        requests.RequestDetailPage.as_view(),
        name="request",
    ),
    path(
        "requests/<uuid:incoming_request_id>/fulfil/",
        requests.RequestFulfilPage.as_view(),
        name="request-fulfil",
    ),
    path(
        "requests/<uuid:incoming_request_id>/reject/",
        requests.RequestRejectPage.as_view(),
        name="request-reject",
    ),
    path(
        "requests/invited/<uuid:invited_request_id>/claim/",
        requests.RequestClaimPage.as_view(),
        name="request-claim",
    ),
    # Grants this organisation gave.
    path("grants/", grants.GrantListPage.as_view(), name="grants"),
    path("grants/<uuid:grant_id>/", grants.GrantDetailPage.as_view(), name="grant"),
    path("grants/<uuid:grant_id>/revoke/", grants.GrantRevokePage.as_view(), name="grant-revoke"),
    # Who can see one of this organisation's footprints (the footprint's page includes it).
    path(
        "footprints/<str:footprint_id>/access/",
        footprint_access.FootprintAccessPage.as_view(),
        name="footprint-access",
    ),
    # The purchased precursors of an imported communication template (its report links here).
    path(
        "footprints/import/<uuid:import_id>/precursors/",
        template_precursors.TemplatePrecursorsPage.as_view(),
        name="template-import-precursors",
    ),
    path(
        "footprints/import/<uuid:import_id>/precursors/link/",
        template_precursors.TemplatePrecursorLinkPage.as_view(),
        name="template-import-precursor-link",
    ),
    path(
        "footprints/import/<uuid:import_id>/precursors/request/",
        template_precursors.TemplatePrecursorRequestPage.as_view(),
        name="template-import-precursor-request",
    ),
    # Notifications.
    path("notifications/", notifications.NotificationListPage.as_view(), name="notifications"),
    path(
        "notifications/read-all/",
        notifications.NotificationReadAllPage.as_view(),
        name="notifications-read-all",
    ),
    path(
        "notifications/<uuid:notification_id>/read/",
        notifications.NotificationReadPage.as_view(),
        name="notification-read",
    ),
    # A buyer's bills of materials, their exposure and the chase list (issue 15).
    path("boms/", boms.BomListPage.as_view(), name="boms"),
    path("boms/new/", boms.BomCreatePage.as_view(), name="bom-new"),
    path(
        "boms/export/products.csv", exposure.ProductsCsvPage.as_view(), name="boms-export-products"
    ),
    path("boms/export/lines.csv", exposure.LinesCsvPage.as_view(), name="boms-export-lines"),
    path(
        "boms/export/exposure.csv", exposure.ExposureCsvPage.as_view(), name="boms-export-exposure"
    ),
    path("boms/export/boms.xlsx", exposure.BomsXlsxPage.as_view(), name="boms-export-xlsx"),
    path(f"{BOM}", boms.BomDetailPage.as_view(), name="bom"),
    path(f"{BOM}edit/", boms.BomEditPage.as_view(), name="bom-edit"),
    path(f"{BOM}delete/", boms.BomDeletePage.as_view(), name="bom-delete"),
    path(f"{BOM}recompute/", boms.BomRecomputePage.as_view(), name="bom-recompute"),
    path(
        f"{BOM}recompute/status/",
        boms.BomRecomputeStatusPage.as_view(),
        name="bom-recompute-status",
    ),
    path(f"{BOM}exposure/", exposure.ProductExposurePage.as_view(), name="bom-exposure"),
    path(f"{BOM}lines/new/", boms.BomLineCreatePage.as_view(), name="bom-line-new"),
    path(f"{BOM_LINE}edit/", boms.BomLineEditPage.as_view(), name="bom-line-edit"),
    path(f"{BOM_LINE}delete/", boms.BomLineDeletePage.as_view(), name="bom-line-delete"),
    path(f"{BOM_LINE}chase/", exposure.ChasePage.as_view(), name="bom-chase"),
    path(f"{BOM_LINE}chase/remind/", exposure.ChaseRemindPage.as_view(), name="bom-chase-remind"),
    path("exposure/", exposure.BuyerExposurePage.as_view(), name="exposure"),
]

# Partner PACT hosts and the footprints fetched from them (issue 17). The actions on one
# partner (fetch now, send a request) live under PACT_PARTNER too.
urlpatterns += [
    path("pact/partners/", pact_partners.PartnerListPage.as_view(), name="pact-partners"),
    path("pact/partners/new/", pact_partners.PartnerCreatePage.as_view(), name="pact-partner-new"),
    path(PACT_PARTNER, pact_partners.PartnerDetailPage.as_view(), name="pact-partner"),
    path(f"{PACT_PARTNER}edit/", pact_partners.PartnerEditPage.as_view(), name="pact-partner-edit"),
    path(
        f"{PACT_PARTNER}archive/",
        pact_partners.PartnerArchivePage.as_view(),
        name="pact-partner-archive",
    ),
    path("pact/fetched/", pact_partners.FetchedListPage.as_view(), name="pact-fetched-list"),
    path(
        "pact/fetched/<uuid:fetched_id>/",
        pact_partners.FetchedDetailPage.as_view(),
        name="pact-fetched",
    ),
    path(
        "pact/fetched/<uuid:fetched_id>/document.json",
        pact_partners.FetchedDocumentPage.as_view(),
        name="pact-fetched-document",
    ),
]

# The buyer's side: requests sent, footprints shared with us, evidence of efforts.
urlpatterns += [
    path("sent-requests/", sent_requests.SentRequestListPage.as_view(), name="sent-requests"),
    path("sent-requests/new/", sent_requests.SendRequestPage.as_view(), name="sent-request-new"),
    path(
        "sent-requests/<uuid:footprint_request_id>/",
        sent_requests.SentRequestDetailPage.as_view(),
        name="sent-request",
    ),
    path(
        "sent-requests/<uuid:footprint_request_id>/withdraw/",
        sent_requests.SentRequestWithdrawPage.as_view(),
        name="sent-request-withdraw",
    ),
    path(
        "sent-requests/<uuid:footprint_request_id>/remind/",
        sent_requests.SentRequestRemindPage.as_view(),
        name="sent-request-remind",
    ),
    path(
        "shared-footprints/",
        shared_footprints.SharedFootprintListPage.as_view(),
        name="shared-footprints",
    ),
    path(
        "shared-footprints/<str:shared_footprint_id>/",
        shared_footprints.SharedFootprintDetailPage.as_view(),
        name="shared-footprint",
    ),
    path(
        "shared-footprints/<str:shared_footprint_id>/document/",
        shared_footprints.SharedFootprintDocumentPage.as_view(),
        name="shared-footprint-document",
    ),
    path(
        "shared-footprints/<str:shared_footprint_id>/signature/",
        shared_footprints.SharedFootprintSignaturePage.as_view(),
        name="shared-footprint-signature",
    ),
    path(
        "shared-footprints/<str:shared_footprint_id>/communication-template.xlsx",
        shared_footprints.SharedFootprintTemplatePage.as_view(),
        name="shared-footprint-template",
    ),
    path("efforts/", evidence.EvidenceIndexPage.as_view(), name="evidence"),
    path(
        "efforts/<str:effort_supplier>/",
        evidence.EvidenceLogPage.as_view(),
        name="evidence-log",
    ),
    path(
        "efforts/<str:effort_supplier>/evidence.csv",
        evidence.EvidenceCsvPage.as_view(),
        name="evidence-csv",
    ),
    path(
        "efforts/<str:effort_supplier>/evidence.pdf",
        evidence.EvidencePdfPage.as_view(),
        name="evidence-pdf",
    ),
]

urlpatterns += [
    # The importer: shipments (list, one by hand, CSV uploads), the threshold, the declaration.
    path("shipments/", shipments.ShipmentListPage.as_view(), name="shipments"),
    path("shipments/new/", shipments.ShipmentCreatePage.as_view(), name="shipment-new"),
    path(
        "shipments/upload/",
        shipment_uploads.ShipmentUploadPage.as_view(),
        name="shipments-upload",
    ),
    path(
        "shipments/uploads/<uuid:shipment_import_id>/",
        shipment_uploads.ShipmentUploadStatusPage.as_view(),
        name="shipment-upload",
    ),
    path(
        "shipments/uploads/<uuid:shipment_import_id>/progress/",
        shipment_uploads.ShipmentUploadProgressPage.as_view(),
        name="shipment-upload-progress",
    ),
    path("shipments/<uuid:shipment_id>/", shipments.ShipmentDetailPage.as_view(), name="shipment"),
    path(
        "shipments/<uuid:shipment_id>/delete/",
        shipments.ShipmentDeletePage.as_view(),
        name="shipment-delete",
    ),
    path("threshold/", threshold.ThresholdPage.as_view(), name="threshold"),
    path("declaration/", declaration.DeclarationPage.as_view(), name="declaration"),
    path(
        "declaration/<int:year>/summary.csv",
        declaration.DeclarationCsvPage.as_view(),
        name="declaration-csv",
    ),
    path(
        "declaration/<int:year>/summary.json",
        declaration.DeclarationJsonPage.as_view(),
        name="declaration-json",
    ),
]

POOL = "pools/<uuid:pool_id>/"
RELEASE = f"{POOL}releases/<int:release_number>/"
MEMBER_POOL = "data-pools/<uuid:pool_id>/"

urlpatterns += [
    # An industry association's data pools (issue 16): its side...
    path("pools/", pools_association.PoolListPage.as_view(), name="pools"),
    path(POOL, pools_association.PoolPage.as_view(), name="pool"),
    path(f"{POOL}invite/", pools_association.PoolInvitePage.as_view(), name="pool-invite"),
    path(
        f"{POOL}members/end/",
        pools_association.PoolMembershipEndPage.as_view(),
        name="pool-membership-end",
    ),
    path(f"{POOL}settings/", pools_association.PoolSettingsPage.as_view(), name="pool-settings"),
    path(
        f"{POOL}release/",
        pools_association.ReleasePreviewPage.as_view(),
        name="pool-release-preview",
    ),
    # ...the releases, read by the association and the pool's members under their own slug...
    path(f"{POOL}releases/", pools_releases.ReleaseListPage.as_view(), name="pool-releases"),
    path(RELEASE, pools_releases.ReleasePage.as_view(), name="pool-release"),
    path(
        f"{RELEASE}release.json", pools_releases.ReleaseJsonPage.as_view(), name="pool-release-json"
    ),
    path(f"{RELEASE}release.jws", pools_releases.ReleaseJwsPage.as_view(), name="pool-release-jws"),
    path(f"{RELEASE}release.csv", pools_releases.ReleaseCsvPage.as_view(), name="pool-release-csv"),
    path(
        f"{RELEASE}report/", pools_releases.ReleaseReportPage.as_view(), name="pool-release-report"
    ),
    # ...and a member's side.
    path("data-pools/", pools_member.MemberPoolListPage.as_view(), name="pools-member"),
    path(MEMBER_POOL, pools_member.MemberPoolPage.as_view(), name="pool-member"),
    path(
        f"{MEMBER_POOL}answer/", pools_member.MemberAnswerPage.as_view(), name="pool-member-answer"
    ),
    path(f"{MEMBER_POOL}leave/", pools_member.MemberLeavePage.as_view(), name="pool-member-leave"),
    path(
        f"{MEMBER_POOL}contribute/",
        pools_member.MemberContributePage.as_view(),
        name="pool-member-contribute",
    ),
    path(
        f"{MEMBER_POOL}withdraw/",
        pools_member.MemberWithdrawPage.as_view(),
        name="pool-member-withdraw",
    ),
    # The platform as a PACT client, for one partner (issue 17): fetch, send a request, follow
    # the answers and the events delivered. The partner's own pages are pact_partners'.
    path(
        f"{PACT_PARTNER}exchange/",
        pact_client.PartnerExchangePage.as_view(),
        name="pact-partner-exchange",
    ),
    path(
        f"{PACT_PARTNER}fetch/", pact_client.PartnerFetchPage.as_view(), name="pact-partner-fetch"
    ),
    path(
        PACT_FETCH,
        pact_client.PartnerFetchStatusPage.as_view(),
        name="pact-partner-fetch-status",
    ),
    path(
        f"{PACT_FETCH}progress/",
        pact_client.PartnerFetchProgressPage.as_view(),
        name="pact-partner-fetch-progress",
    ),
    path(
        f"{PACT_PARTNER}requests/",
        pact_client.PartnerRequestPage.as_view(),
        name="pact-partner-request",
    ),
]

# The supplier's sharing policies: how each buyer's requests that arrive by PACT are answered.
urlpatterns += [
    path("sharing-policies/", pact_policies.SharingPoliciesPage.as_view(), name="sharing-policies"),
    path(
        "sharing-policies/<slug:policy_buyer>/",
        pact_policies.SharingPolicyPage.as_view(),
        name="sharing-policy",
    ),
]
