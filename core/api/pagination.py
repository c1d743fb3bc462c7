"""Pagination with a stable order: every list endpoint orders by fields ending in a unique
key, so a row never shows on two pages or on none while the data is unchanged."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination


class StablePageNumberPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):  # type: ignore[no-untyped-def]
        if isinstance(queryset, QuerySet):
            ordering = queryset.query.order_by or queryset.model._meta.ordering
            if not ordering:
                raise RuntimeError(
                    f"{view.__class__.__name__}: a paginated queryset needs an explicit "
                    "ordering ending in a unique field"
                )
        return super().paginate_queryset(queryset, request, view)
