"""Pagination with a stable order: every list endpoint orders by fields ending in a unique
key, so a row never shows on two pages or on none while the data is unchanged."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination


def _ascii_digits(raw: str) -> bool:
    return raw.isascii() and raw.isdigit()


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

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        """The page asked for, read like every number of the platform: other scripts' digits
        (``page=٢``) are not a page; DRF then answers 404 "Invalid page"."""
        raw = super().get_page_number(request, paginator)
        if isinstance(raw, str) and raw not in self.last_page_strings and not _ascii_digits(raw):
            raise NotFound(f"{raw[:20]!r} is not a page number; expected 1, 2, 3, …")
        return raw

    def get_page_size(self, request: Any) -> int | None:
        """``page_size`` in ASCII digits only; anything else gives the default size."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not _ascii_digits(raw):
            return self.page_size
        return super().get_page_size(request)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The envelope ``get_paginated_response`` renders: all four keys, always present."""
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Number of items on all pages.",
                    "example": 123,
                },
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page, null on the last one.",
                    "example": f"https://cbam.example.com/api/v1/...?{self.page_query_param}=4",
                },
                "previous": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The previous page, null on the first one.",
                    "example": f"https://cbam.example.com/api/v1/...?{self.page_query_param}=2",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["description"] = "Page number, from 1; a page past the last answers 404."
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Items per page, default {self.page_size}, at most {self.max_page_size}."
                )
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
        return parameters
