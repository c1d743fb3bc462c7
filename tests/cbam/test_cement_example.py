"""The Commission's filled communication template for a cement producer (eu-example-cement.xlsx,
template v2.1.1) computed by the engine: inputs and expected SEE are read from the workbook's
cached values (openpyxl ``data_only=True``), cell references named below.

What the workbook shows about the method, and the engine follows:
- one production process "Cement Bubble" (aggregated category Cement, clinker consumed inside
  the bubble), no purchased precursors (E_PurchPrec is empty);
- indirect emissions = electricity consumed (D_Processes!L65, MWh) × the factor of the
  electricity (L66, tCO2/MWh, source "D.4(b)"), the result in T66;
- SEE = attributed emissions / total production within the installation (L24, "denominator
  for SEE calculation"), separately for direct (L54 "DirEm*") and indirect;
- precursor consumption, where present, is entered as a total mass in tonnes (sections (c) of
  D_Processes and (b) of E_PurchPrec); the summary's "mass share" (t/t) is that mass / AL.
"""

from __future__ import annotations

import warnings
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from cbam import GoodInput, compute_see
from cbam.io import calculate_embedded_emissions
from cbam.rounding import round_see

from .conftest import EXAMPLES

WORKBOOK = EXAMPLES / "eu-example-cement.xlsx"


@pytest.fixture(scope="module")
def workbook():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # openpyxl: unsupported extensions
        return load_workbook(WORKBOOK, data_only=True, read_only=True)


def _cell(workbook, sheet: str, ref: str) -> D:
    """A numeric cell as Decimal via its shortest float text (the workbook's precision)."""
    value = workbook[sheet][ref].value
    assert isinstance(value, int | float), (sheet, ref, value)
    return D(repr(value)) if isinstance(value, float) else D(value)


def _cement_good(workbook) -> GoodInput:
    assert workbook["D_Processes"]["G11"].value == "Cement Bubble"
    assert workbook["Summary_Products"]["F10"].value == "25232900"  # Portland cement
    return GoodInput(
        id="Cement Bubble",
        cn_code=workbook["Summary_Products"]["F10"].value,
        country_of_origin="TR",  # Summary_Processes!G14 "Türkiye"
        activity_level_t=_cell(workbook, "D_Processes", "L24"),
        attributed_direct_tco2e=_cell(workbook, "D_Processes", "L54"),
        electricity_mwh=_cell(workbook, "D_Processes", "L65"),
        electricity_factor_tco2_per_mwh=_cell(workbook, "D_Processes", "L66"),
    )


def test_the_cement_example_inputs_are_those_of_the_workbook(workbook):
    good = _cement_good(workbook)

    assert good.activity_level_t == D("1321052.6315789474")  # D_Processes!L24
    assert good.attributed_direct_tco2e == D("1037310")  # D_Processes!L54
    assert good.electricity_mwh == D("193864.47368421053")  # D_Processes!L65
    assert good.electricity_factor_tco2_per_mwh == D("0.833")  # D_Processes!L66
    # Indirect emissions of the process: D_Processes!T66 = L65 × L66.
    assert round(good.electricity_mwh * D("0.833"), 8) == round(
        _cell(workbook, "D_Processes", "T66"), 8
    )


def test_the_engine_reproduces_the_see_of_the_cement_example(workbook, snapshot):
    result = compute_see([_cement_good(workbook)], snapshot)["Cement Bubble"]

    expected_direct = _cell(workbook, "Summary_Products", "I10")  # 0.7852147410358565
    expected_indirect = _cell(workbook, "Summary_Products", "J10")  # 0.12224275
    expected_total = _cell(workbook, "Summary_Products", "K10")  # 0.9074574910358565
    # The same figures on the process summary (Summary_Processes!H102, J102).
    assert expected_direct == _cell(workbook, "Summary_Processes", "H102")
    assert expected_indirect == _cell(workbook, "Summary_Processes", "J102")

    # At the precision the engine reports (5 decimals, IR 2025/2547):
    assert round_see(result.see_direct) == D("0.78521") == round_see(expected_direct)
    assert round_see(result.see_indirect) == D("0.12224") == round_see(expected_indirect)
    assert round_see(result.see_total) == D("0.90746") == round_see(expected_total)
    # At the workbook's own precision (IEEE doubles, 15 significant digits):
    for ours, theirs in (
        (result.see_direct, expected_direct),
        (result.see_indirect, expected_indirect),
        (result.see_total, expected_total),
    ):
        assert abs(ours - theirs) <= theirs * D("1e-15"), (ours, theirs)
    # Specific electricity consumption, Summary_Products!O10 (MWh/t):
    good = _cement_good(workbook)
    specific_electricity = good.electricity_mwh / good.activity_level_t
    assert round(specific_electricity, 12) == round(_cell(workbook, "Summary_Products", "O10"), 12)
    # Cement is outside Annex II: both channels count.
    assert result.indirect_counts is True
    assert result.see_counted == result.see_total


def test_the_cement_example_through_the_json_calculator(workbook, snapshot):
    good = _cement_good(workbook)
    request = {
        "goods": [
            {
                "id": "cement",
                "cn_code": "2523 29 00",
                "country_of_origin": "TR",
                "activity_level_t": str(good.activity_level_t),
                "attributed_direct_tco2e": str(good.attributed_direct_tco2e),
                "electricity_mwh": str(good.electricity_mwh),
                "electricity_factor_tco2_per_mwh": str(good.electricity_factor_tco2_per_mwh),
            }
        ]
    }

    out = calculate_embedded_emissions(request, snapshot)["goods"]["cement"]

    assert (out["see_direct"], out["see_indirect"], out["see_total"]) == (
        "0.78521",
        "0.12224",
        "0.90746",
    )
    assert out["indirect_counts"] is True
    assert out["provenance"]["children"][1]["reference"] == "given"
