from django.urls import path

from suppliers.api import (
    catalogue,
    communication_template,
    communication_template_export,
    decisions,
    footprints,
    validation,
)

org = "orgs/<slug:org_slug>/"
fp = f"{org}footprints/<str:footprint_id>/"

urlpatterns = [
    path(f"{org}installations/", catalogue.InstallationListApi.as_view(), name="installations"),
    path(
        f"{org}installations/<str:installation_id>/",
        catalogue.InstallationDetailApi.as_view(),
        name="installation",
    ),
    path(f"{org}products/", catalogue.ProductListApi.as_view(), name="products"),
    path(f"{org}products/<str:product_id>/", catalogue.ProductDetailApi.as_view(), name="product"),
    path(f"{org}footprints/", footprints.FootprintListApi.as_view(), name="footprints"),
    # Before <footprint_id>/, which would take these names for ids.
    path(
        f"{org}footprints/submit-batch/",
        validation.FootprintSubmitBatchApi.as_view(),
        name="footprints-submit-batch",
    ),
    path(
        f"{org}footprints/validate-dry-run/",
        validation.FootprintDryRunApi.as_view(),
        name="footprints-validate-dry-run",
    ),
    path(fp, footprints.FootprintDetailApi.as_view(), name="footprint"),
    path(
        f"{org}communication-templates/",
        communication_template.CommunicationTemplateListApi.as_view(),
        name="communication-templates",
    ),
    path(
        f"{org}communication-templates/<str:import_id>/",
        communication_template.CommunicationTemplateDetailApi.as_view(),
        name="communication-template",
    ),
    path(f"{fp}submit/", footprints.FootprintSubmitApi.as_view(), name="footprint-submit"),
    path(f"{fp}withdraw/", footprints.FootprintWithdrawApi.as_view(), name="footprint-withdraw"),
    path(
        f"{fp}revalidate/",
        footprints.FootprintRevalidateApi.as_view(),
        name="footprint-revalidate",
    ),
    path(f"{fp}approve/", footprints.FootprintApproveApi.as_view(), name="footprint-approve"),
    path(f"{fp}reject/", footprints.FootprintRejectApi.as_view(), name="footprint-reject"),
    path(f"{fp}reopen/", footprints.FootprintReopenApi.as_view(), name="footprint-reopen"),
    path(f"{fp}publish/", footprints.FootprintPublishApi.as_view(), name="footprint-publish"),
    path(f"{fp}deprecate/", footprints.FootprintDeprecateApi.as_view(), name="footprint-deprecate"),
    path(f"{fp}correct/", footprints.FootprintCorrectApi.as_view(), name="footprint-correct"),
    path(f"{fp}evidence/", footprints.EvidenceApi.as_view(), name="footprint-evidence"),
    path(f"{fp}document/", footprints.FootprintDocumentApi.as_view(), name="footprint-document"),
    path(f"{fp}signature/", footprints.FootprintSignatureApi.as_view(), name="footprint-signature"),
    path(f"{fp}decision/", decisions.FootprintDecisionApi.as_view(), name="footprint-decision"),
    path(
        f"{fp}communication-template.xlsx",
        communication_template_export.FootprintCommunicationTemplateApi.as_view(),
        name="footprint-communication-template",
    ),
    path(
        f"{fp}validation-runs/",
        validation.FootprintValidationRunListApi.as_view(),
        name="footprint-validation-runs",
    ),
    path(
        f"{org}validation-runs/<str:run_id>/",
        validation.ValidationRunDetailApi.as_view(),
        name="validation-run",
    ),
    path(
        f"{org}validation-batches/<str:batch_id>/",
        validation.ValidationBatchDetailApi.as_view(),
        name="validation-batch",
    ),
]
