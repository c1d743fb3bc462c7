from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api.keys import JwksApi
from accounts.views import admin_login_view
from core.health import healthz, readyz
from suppliers.views import cbam_extension_schema_view

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path(".well-known/jwks.json", JwksApi.as_view(), name="jwks"),
    # PACT v3 host: /3/footprints, /.well-known/openid-configuration, /auth/token.
    path("", include(("exchange.pact.urls", "pact"), namespace="pact")),
    path(
        "schemas/cbam-exchange/cbam-footprint-v1.json",
        cbam_extension_schema_view,
        name="cbam-extension-schema",
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/v1/", include(("accounts.api.urls", "api"), namespace="api")),
    path("api/v1/", include(("exchange.api.urls", "exchange-api"), namespace="exchange-api")),
    path("api/v1/", include(("suppliers.api.urls", "suppliers-api"), namespace="suppliers-api")),
    path(
        "api/v1/",
        include(
            ("suppliers.api.verification_urls", "verification-api"), namespace="verification-api"
        ),
    ),
    # Before the admin's own URLs, which it shadows: one login page for everyone (lockout, TOTP).
    path("admin/login/", admin_login_view, name="admin-login"),
    path("admin/", admin.site.urls),
    path("", include(("accounts.urls", "accounts"), namespace="accounts")),
    path("", include(("web.urls", "web"), namespace="web")),
    path("", include(("accounts.pages.urls", "accounts-pages"), namespace="accounts-pages")),
    path(
        "o/<slug:org_slug>/",
        include(
            ("accounts.pages.organisation_urls", "accounts-admin-pages"),
            namespace="accounts-admin-pages",
        ),
    ),
    path(
        "o/<slug:org_slug>/",
        include(("suppliers.pages.urls", "suppliers-pages"), namespace="suppliers-pages"),
    ),
    path(
        "o/<slug:org_slug>/",
        include(("exchange.pages.urls", "exchange-pages"), namespace="exchange-pages"),
    ),
]

handler404 = "core.api.views.not_found"
handler500 = "core.api.views.error"
