"""URLs of the exchange pages, included under /o/<org_slug>/ by config/urls.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
