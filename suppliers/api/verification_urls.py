from django.urls import path

from suppliers.api import verification

org = "orgs/<slug:org_slug>/"

urlpatterns = [
    path(
        f"{org}verification-requests/",
        verification.VerificationRequestListApi.as_view(),
        name="verification-requests",
    ),
    path(
        f"{org}verification-decisions/",
        verification.VerificationDecisionListApi.as_view(),
        name="verification-decisions",
    ),
    path(
        f"{org}verification-requests/<str:request_id>/",
        verification.VerificationRequestDetailApi.as_view(),
        name="verification-request",
    ),
    path(
        f"{org}verification-requests/<str:request_id>/confirm/",
        verification.VerificationConfirmApi.as_view(),
        name="verification-confirm",
    ),
    path(
        f"{org}verification-requests/<str:request_id>/decline/",
        verification.VerificationDeclineApi.as_view(),
        name="verification-decline",
    ),
]
