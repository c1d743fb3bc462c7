"""URLs of the exchange pages, included under /o/<org_slug>/ by config/urls.py."""

from django.urls import URLPattern, path

from exchange.pages import (
    declaration,
    footprint_access,
    grants,
    notifications,
    requests,
    shipment_uploads,
    shipments,
    threshold,
)

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
