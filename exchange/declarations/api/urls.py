from django.urls import path

from exchange.declarations.api import reports, shipments

org = "orgs/<slug:org_slug>/"

urlpatterns = [
    path(f"{org}shipments/", shipments.ShipmentListApi.as_view(), name="shipments"),
    path(f"{org}shipments/upload/", shipments.ShipmentUploadApi.as_view(), name="shipments-upload"),
    path(
        f"{org}shipments/<str:shipment_id>/",
        shipments.ShipmentDetailApi.as_view(),
        name="shipment",
    ),
    path(
        f"{org}shipment-imports/",
        shipments.ShipmentImportListApi.as_view(),
        name="shipment-imports",
    ),
    path(
        f"{org}shipment-imports/<str:shipment_import_id>/",
        shipments.ShipmentImportDetailApi.as_view(),
        name="shipment-import",
    ),
    path(f"{org}cbam-threshold/<int:year>", reports.ThresholdApi.as_view(), name="cbam-threshold"),
    path(
        f"{org}declarations/<int:year>/summary",
        reports.DeclarationSummaryApi.as_view(),
        name="declaration-summary",
    ),
    path(
        f"{org}declarations/<int:year>/summary.csv",
        reports.DeclarationSummaryCsvApi.as_view(),
        name="declaration-summary-csv",
    ),
]
