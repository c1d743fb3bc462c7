from django.urls import path

from exchange.sharing.api import grants, notifications, precursor_offers, requests, shared

org = "orgs/<slug:org_slug>/"
fr = f"{org}footprint-requests/"
inbox = f"{fr}inbox/<str:incoming_request_id>/"
grant = f"{org}grants/<str:grant_id>/"
sf = f"{org}shared-footprints/<str:shared_footprint_id>/"
# The purchased precursors of an import (suppliers' communication-templates/<import_id>/).
offers = f"{org}communication-templates/<str:import_id>/precursor-offers/"

urlpatterns = [
    # Requests this organisation sent (buyer).
    path(fr, requests.RequestListApi.as_view(), name="footprint-requests"),
    # Before <footprint_request_id>/, which would take these names for ids.
    path(f"{fr}inbox/", requests.InboxListApi.as_view(), name="footprint-request-inbox"),
    path(inbox, requests.InboxDetailApi.as_view(), name="footprint-request-incoming"),
    path(f"{inbox}fulfil/", requests.RequestFulfilApi.as_view(), name="footprint-request-fulfil"),
    path(f"{inbox}reject/", requests.RequestRejectApi.as_view(), name="footprint-request-reject"),
    path(f"{fr}invited/", requests.InvitedListApi.as_view(), name="footprint-requests-invited"),
    path(
        f"{fr}invited/<str:invited_request_id>/claim/",
        requests.RequestClaimApi.as_view(),
        name="footprint-request-claim",
    ),
    path(
        f"{fr}<str:footprint_request_id>/",
        requests.RequestDetailApi.as_view(),
        name="footprint-request",
    ),
    path(
        f"{fr}<str:footprint_request_id>/withdraw/",
        requests.RequestWithdrawApi.as_view(),
        name="footprint-request-withdraw",
    ),
    # Grants this organisation gave (supplier) and holds (buyer).
    path(f"{org}grants/", grants.GrantListApi.as_view(), name="grants"),
    path(f"{org}grants/received/", grants.GrantReceivedListApi.as_view(), name="grants-received"),
    path(grant, grants.GrantDetailApi.as_view(), name="grant"),
    path(f"{grant}revoke/", grants.GrantRevokeApi.as_view(), name="grant-revoke"),
    # Footprints shared with this organisation.
    path(
        f"{org}shared-footprints/",
        shared.SharedFootprintListApi.as_view(),
        name="shared-footprints",
    ),
    path(sf, shared.SharedFootprintDetailApi.as_view(), name="shared-footprint"),
    path(
        f"{sf}document/",
        shared.SharedFootprintDocumentApi.as_view(),
        name="shared-footprint-document",
    ),
    path(
        f"{sf}signature/",
        shared.SharedFootprintSignatureApi.as_view(),
        name="shared-footprint-signature",
    ),
    path(
        f"{sf}communication-template.xlsx",
        shared.SharedFootprintCommunicationTemplateApi.as_view(),
        name="shared-footprint-communication-template",
    ),
    # Purchased precursors of an imported communication template: link or request.
    path(offers, precursor_offers.PrecursorOffersApi.as_view(), name="precursor-offers"),
    path(
        f"{offers}link/", precursor_offers.PrecursorLinkApi.as_view(), name="precursor-offer-link"
    ),
    path(
        f"{offers}request/",
        precursor_offers.PrecursorRequestApi.as_view(),
        name="precursor-offer-request",
    ),
    # Notifications.
    path(f"{org}notifications/", notifications.NotificationListApi.as_view(), name="notifications"),
    path(
        f"{org}notifications/read-all/",
        notifications.NotificationReadAllApi.as_view(),
        name="notifications-read-all",
    ),
    path(
        f"{org}notifications/<str:notification_id>/read/",
        notifications.NotificationReadApi.as_view(),
        name="notification-read",
    ),
]
