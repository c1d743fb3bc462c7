"""English: Django's formats, with ISO dates (2026-09-30) that read the same in every
English-speaking country, and amounts grouped by three digits with a comma."""

from django.conf.locale.en.formats import *  # type: ignore[import-untyped]  # noqa: F403

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
