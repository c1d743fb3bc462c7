from django.urls import path

from web import views
from web.dashboard import OrganisationDashboardPage
from web.verify import VerifyPage

urlpatterns = [
    path("dashboard/", views.HomePage.as_view(), name="home"),
    path("language/", views.LanguagePage.as_view(), name="language"),
    path("verify/", VerifyPage.as_view(), name="verify"),
    path("o/<slug:org_slug>/", OrganisationDashboardPage.as_view(), name="organisation-dashboard"),
]
