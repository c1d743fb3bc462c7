"""Routes of the PACT v3 host. ``/3/…`` (actions) and the auth routes at the root.

The catch-all ``3/<path:rest>`` must stay last: a new action (``/3/events``) goes above it.
"""

from __future__ import annotations

from django.urls import path

from exchange.pact import views

actions = [
    path("3/footprints", views.footprint_list, name="footprints"),
    path("3/footprints/<str:footprint_id>", views.footprint_detail, name="footprint"),
    path("3/events", views.events, name="events"),
    path("3/<path:rest>", views.not_implemented, name="not-implemented"),
]

auth = [
    path(
        ".well-known/openid-configuration",
        views.openid_configuration,
        name="openid-configuration",
    ),
    path("auth/token", views.PactTokenApi.as_view(), name="token"),
]

urlpatterns = actions + auth
