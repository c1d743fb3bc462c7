"""URLs of the suppliers pages, included under /o/<org_slug>/ by config/urls.py."""

from django.urls import URLPattern, path

from suppliers.pages import (
    catalogue,
    communication_template,
    downloads,
    footprints,
    live_check,
    review,
    verification,
)

urlpatterns: list[URLPattern] = [
    path("installations/", catalogue.InstallationListPage.as_view(), name="installations"),
    path(
        "installations/new/",
        catalogue.InstallationFormPage.as_view(),
        name="installation-create",
    ),
    path(
        "installations/<str:installation_id>/",
        catalogue.InstallationFormPage.as_view(),
        name="installation-edit",
    ),
    path("review/", review.ReviewQueuePage.as_view(), name="review"),
    path("products/", catalogue.ProductListPage.as_view(), name="products"),
    path("products/new/", catalogue.ProductFormPage.as_view(), name="product-create"),
    path("products/cn-codes/", catalogue.CnCodeSearchPage.as_view(), name="cn-code-search"),
    path("products/routes/", catalogue.ProductRoutesPage.as_view(), name="product-routes"),
    path("products/<str:product_id>/", catalogue.ProductFormPage.as_view(), name="product-edit"),
]

fp = "footprints/<str:footprint_id>/"
urlpatterns += [
    path("footprints/", footprints.FootprintListPage.as_view(), name="footprints"),
    path("footprints/new/", footprints.FootprintCreatePage.as_view(), name="footprint-create"),
    path(
        "footprints/import/",
        communication_template.TemplateImportPage.as_view(),
        name="template-import",
    ),
    path(
        "footprints/import/<str:import_id>/",
        communication_template.TemplateImportStatusPage.as_view(),
        name="template-import-status",
    ),
    path(
        "footprints/import/<str:import_id>/progress/",
        communication_template.TemplateImportProgressPage.as_view(),
        name="template-import-progress",
    ),
    path(
        "footprints/new/check/",
        live_check.FootprintCheckPage.as_view(),
        name="footprint-check-new",
    ),
    path(fp, footprints.FootprintDetailPage.as_view(), name="footprint"),
    path(f"{fp}edit/", footprints.FootprintEditPage.as_view(), name="footprint-edit"),
    path(f"{fp}check/", live_check.FootprintCheckPage.as_view(), name="footprint-check"),
    path(
        f"{fp}validation/",
        footprints.ValidationFragmentPage.as_view(),
        name="footprint-validation",
    ),
    path(f"{fp}evidence/", footprints.EvidencePage.as_view(), name="footprint-evidence"),
    path(f"{fp}document/", footprints.DocumentPage.as_view(), name="footprint-document"),
    path(f"{fp}signature/", downloads.SignaturePage.as_view(), name="footprint-signature"),
    path(
        "evidence/<str:evidence_id>/",
        downloads.EvidenceDownloadPage.as_view(),
        name="evidence-download",
    ),
    *(
        path(
            f"{fp}{action.url_name.removeprefix('footprint-')}/",
            action.as_view(),
            name=action.url_name,
        )
        for action in footprints.ACTIONS
    ),
]

# A platform verifier's pages: the requests that name this organisation, its answers.
vr = "verification/<uuid:request_id>/"
urlpatterns += [
    path("verification/", verification.VerificationInboxPage.as_view(), name="verification"),
    path(
        "verification/history/",
        verification.VerificationHistoryPage.as_view(),
        name="verification-history",
    ),
    path(
        "verification/evidence/<uuid:verification_evidence_id>/",
        verification.VerificationEvidenceDownloadPage.as_view(),
        name="verification-evidence",
    ),
    path(vr, verification.VerificationRequestPage.as_view(), name="verification-request"),
    path(
        f"{vr}confirm/",
        verification.VerificationConfirmPage.as_view(),
        name="verification-confirm",
    ),
    path(
        f"{vr}decline/",
        verification.VerificationDeclinePage.as_view(),
        name="verification-decline",
    ),
]
