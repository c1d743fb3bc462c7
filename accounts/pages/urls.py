"""URLs of the accounts pages: person pages at the root, organisation pages under /o/<org>/."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
