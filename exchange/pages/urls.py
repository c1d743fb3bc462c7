"""URLs of the exchange pages, included under /o/<org_slug>/ by config/urls.py."""

from django.urls import URLPattern, path

from exchange.pages import footprint_access, grants, notifications, requests, template_precursors

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
]
