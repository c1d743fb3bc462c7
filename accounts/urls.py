from django.urls import path
from django.views.generic import RedirectView

from accounts import views
from accounts.pages.settings import SettingsPage

urlpatterns = [
    path("", RedirectView.as_view(url="/dashboard/", permanent=False), name="home"),
    path("login/", views.login_view, name="login"),
    path("login/totp/", views.totp_view, name="login-totp"),
    path("logout/", views.logout_view, name="logout"),
    path("switch-organisation/", views.switch_organisation_view, name="switch-organisation"),
    path("settings/", SettingsPage.as_view(), name="settings"),
    path("accounts/invitations/<str:token>/", views.invitation_view, name="invitation"),
    path("accounts/password-reset/", views.password_reset_request_view, name="password-reset"),
    path(
        "accounts/password-reset/sent/",
        views.password_reset_sent_view,
        name="password-reset-sent",
    ),
    path(
        "accounts/password-reset/<str:token>/",
        views.password_reset_confirm_view,
        name="password-reset-confirm",
    ),
]
