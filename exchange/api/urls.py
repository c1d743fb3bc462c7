from django.urls import include, path

from exchange.api import calculations

urlpatterns = [
    path(
        "calculations/embedded-emissions",
        calculations.EmbeddedEmissionsApi.as_view(),
        name="calc-embedded-emissions",
    ),
    path(
        "calculations/cbam-obligation", calculations.ObligationApi.as_view(), name="calc-obligation"
    ),
    path("", include("exchange.sharing.api.urls")),
    path("", include("exchange.boms.api.urls")),
    path("", include("exchange.declarations.api.urls")),
    path("", include("exchange.pools.api.urls")),
]
