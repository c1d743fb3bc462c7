"""Chinese (Simplified) number format: Django's dates, with amounts grouped by three digits
with a comma, as Chinese invoices, customs forms and bank statements print them (Django's own
zh_Hans format groups nothing). Decimal point: ".", as in Django's."""

from django.conf.locale.zh_Hans.formats import *  # type: ignore[import-untyped]  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
