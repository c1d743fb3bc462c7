"""Administration pages of an organisation, included under /o/<org_slug>/ by config/urls.py."""

from django.urls import path

from accounts.pages.administration import ApiClientsPage, AuditLogPage

urlpatterns = [
    path("clients/", ApiClientsPage.as_view(), name="api-clients"),
    path("audit/", AuditLogPage.as_view(), name="audit-log"),
]
