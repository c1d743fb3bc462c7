from django.urls import path

from web import views
from web.dashboard import OrganisationDashboardPage

urlpatterns = [
    path("dashboard/", views.HomePage.as_view(), name="home"),
    path("language/", views.LanguagePage.as_view(), name="language"),
    path("o/<slug:org_slug>/", OrganisationDashboardPage.as_view(), name="organisation-dashboard"),
]
