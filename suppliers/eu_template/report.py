"""The import report (the public contract of ``import_communication_template`` and the API).

``template_version``, ``installation``, ``reporting_period``, ``goods`` (each with ``process``,
``cn_code``, ``see_direct``, ``see_indirect``, ``see_total`` as 5-dp strings, the workbook's
own values under ``workbook`` where it holds them, and ``footprint``: the created draft's id,
null in a dry run or when refused), ``problems`` (each with ``cell``, ``message_en``,
``message_zh``, plus ``code`` and ``severity``), ``left_out`` (with the "import what is valid"
choice: each good, process or purchased precursor left out, with the ``cells`` and
``problems`` why; see ``leaving_out.LeftOut``), ``imported``, ``dry_run`` and
``import_valid`` (the choice).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cbam.rounding import round_see
from suppliers.eu_template.computing import Computation
from suppliers.eu_template.problems import Problem, TemplateRefused
from suppliers.eu_template.reading import TemplateData


def _see(value: Decimal) -> str:
    return str(round_see(value))


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def report_of(
    data: TemplateData,
    computation: Computation,
    *,
    footprints: dict[int, str] | None = None,
    dry_run: bool,
    import_valid: bool = False,
) -> dict[str, Any]:
    """The report of an importable workbook; ``footprints`` maps a good's Summary_Products row
    to the id of the draft created for it."""
    footprints = footprints or {}
    installation = {key: value for key, (value, _cell) in data.installation.items()}
    installation["country_code"] = data.country_code or ""
    goods = []
    for outcome in computation.goods:
        d, i, t = outcome.good.cached_see
        goods.append(
            {
                "row": outcome.good.row,
                "process": outcome.process.name,
                "cn_code": outcome.good.cn_code,
                "product_name": outcome.good.product_name,
                "see_direct": _see(outcome.result.see_direct),
                "see_indirect": _see(outcome.result.see_indirect),
                "see_total": _see(outcome.result.see_total),
                "workbook": {
                    "see_direct": _plain(d),
                    "see_indirect": _plain(i),
                    "see_total": _plain(t),
                    "cells": list(outcome.good.see_cells),
                },
                "footprint": footprints.get(outcome.good.row),
            }
        )
    return {
        "template_version": data.version,
        "installation": installation,
        "reporting_period": {
            "start": data.period_start.isoformat(),
            "end": data.period_end.isoformat(),
        },
        "goods": goods,
        "problems": [p.as_dict() for p in (*computation.errors, *computation.findings)],
        "left_out": [entry.as_dict() for entry in computation.left_out],
        "imported": bool(footprints) and not dry_run,
        "dry_run": dry_run,
        "import_valid": import_valid,
    }


def refusal_report(
    refused: TemplateRefused, *, dry_run: bool, import_valid: bool = False
) -> dict[str, Any]:
    """The report of a workbook that cannot be imported: nothing but its problems."""
    return {
        "template_version": refused.template_version,
        "installation": None,
        "reporting_period": None,
        "goods": [],
        "problems": [p.as_dict() for p in refused.problems],
        "left_out": [],
        "imported": False,
        "dry_run": dry_run,
        "import_valid": import_valid,
    }


def is_refused(report: dict[str, Any]) -> bool:
    """Nothing can be imported: an error and no good (with the "import what is valid" choice,
    errors that only left something out do not refuse the file)."""
    errors = any(p.get("severity") == "error" for p in report.get("problems", []))
    return errors and not report.get("goods")


__all__ = ["Problem", "is_refused", "refusal_report", "report_of"]
