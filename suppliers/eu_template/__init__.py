"""The EU "Communication template for installations" (v2.x): read a filled workbook, compute
every good's SEE with the engine, compare with the workbook's own results; write a footprint
into the blank template (``export``). Pure: openpyxl and the engine, no Django. The service
that writes to the database is ``suppliers.services.eu_template_import``.
"""

from __future__ import annotations

from suppliers.eu_template.cellmap import SUPPORTED_VERSIONS
from suppliers.eu_template.computing import Computation, compute_template
from suppliers.eu_template.leaving_out import LeftOut
from suppliers.eu_template.problems import Problem, TemplateRefused
from suppliers.eu_template.reading import TemplateData, read_template
from suppliers.eu_template.report import is_refused, refusal_report, report_of

__all__ = [
    "SUPPORTED_VERSIONS",
    "Computation",
    "LeftOut",
    "Problem",
    "TemplateData",
    "TemplateRefused",
    "compute_template",
    "is_refused",
    "read_template",
    "refusal_report",
    "report_of",
]
