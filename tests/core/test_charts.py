"""Server-side SVG charts: exact geometry, and the rendered SVG carries its text alternative and
its data table."""

from __future__ import annotations

import re
from decimal import Decimal as D

from django.template.loader import render_to_string
from django.utils import translation

from core.charts import PALETTE, bar_chart, gauge, line_chart, nice_ceiling


def test_nice_ceiling_rounds_up_to_a_round_step() -> None:
    assert nice_ceiling(D("222.25")) == (D(250), D(50))
    assert nice_ceiling(D("50")) == (D(50), D(10))
    assert nice_ceiling(D("0.73")) == (D("0.8"), D("0.2"))
    assert nice_ceiling(D("12")) == (D("12.5"), D("2.5"))
    assert nice_ceiling(D(0)) == (D(1), D("0.2"))


def _cost_chart():
    return line_chart(
        title="Cost per tonne",
        summary="As it stands against all defaults, 2026-2028.",
        x_title="Year",
        y_title="EUR/t",
        series=[
            ("As it stands", [(D(2026), "2026", D("191.29")), (D(2028), "2028", D("200"))]),
            ("All defaults", [(D(2026), "2026", D("222.25")), (D(2028), "2028", D("240"))]),
        ],
        rules=[(D(100), "100 EUR/t")],
        markers=[(D(2027), D(150), "now")],
    )


def test_line_chart_geometry() -> None:
    chart = _cost_chart()
    # 640 x 320: plot from x 64 to 624 (560 px), y 16 to 272 (256 px); axis 0-250 by 50.
    assert (chart.left, chart.right, chart.top, chart.bottom) == (64, 624, 16, 272)
    assert [t.value for t in chart.y_ticks] == [D(0), D(50), D(100), D(150), D(200), D(250)]
    assert [t.position for t in chart.y_ticks] == [
        D("272.0"),
        D("220.8"),
        D("169.6"),
        D("118.4"),
        D("67.2"),
        D("16.0"),
    ]
    first = chart.series[0]
    assert (first.points[0].x, first.points[0].y) == (D("64.0"), D("76.1"))
    assert (first.points[1].x, first.points[1].y) == (D("624.0"), D("67.2"))
    assert first.path == "64.0,76.1 624.0,67.2"
    assert [s.colour for s in chart.series] == [PALETTE[0], PALETTE[1]]
    assert [s.dash for s in chart.series] == ["", "6 4"]
    assert chart.rules[0].y == D("169.6")
    assert (chart.markers[0].x, chart.markers[0].y) == (D("344.0"), D("118.4"))
    assert chart.x_ticks == ((D("64.0"), "2026"), (D("624.0"), "2028"))
    assert chart.rows == [("2026", [D("191.29"), D("222.25")]), ("2028", [D("200"), D("240")])]


def test_bar_chart_geometry() -> None:
    chart = bar_chart(
        title="Savings",
        summary="Ranked",
        label_title="Line",
        value_title="EUR",
        bars=[("Steel wire", D("3100"), "/request/1", "Request"), ("Zinc", D("450"), "", "")],
    )
    # plot width 640 - 220 - 80 = 340; axis 0-4000 by 1000 (3100 / 5 = 620 -> 1000).
    assert chart.plot_width == D(340)
    assert [t.value for t in chart.ticks] == [D(0), D(1000), D(2000), D(3000), D(4000)]
    assert [b.length for b in chart.bars] == [D("263.5"), D("38.2")]
    assert [b.y for b in chart.bars] == [D(8), D(38)]
    assert [b.mid for b in chart.bars] == [D(19), D(49)]
    assert chart.height == 2 * 30 + 8 + 24


def test_gauge_states_and_marks() -> None:
    marks = [(D(40), "80 %"), (D(45), "90 %"), (D(50), "50 t")]
    below = gauge(title="t", summary="s", unit="t", value=D("20"), maximum=D(50), marks=marks)
    near = gauge(title="t", summary="s", unit="t", value=D("41.5"), maximum=D(50), marks=marks)
    over = gauge(title="t", summary="s", unit="t", value=D("62.5"), maximum=D(50), marks=marks)
    assert (below.state, near.state, over.state) == ("ok", "near", "over")
    assert below.fill == D("243.2")  # 20 / 50 x 608
    assert [m.position for m in below.marks] == [D("502.4"), D("563.2"), D("624.0")]
    # past the maximum the scale runs to the value: 50 t sits at 50 / 62.5 of the track
    assert over.fill == D("608.0")
    assert over.marks[2].position == D("502.4")
    assert over.share == D("125.0")


def test_rendered_chart_has_text_alternative_and_data_table() -> None:
    with translation.override("zh-hans"):
        html = render_to_string("core/charts/line.html", {"chart": _cost_chart(), "places": 2})
    assert 'role="img"' in html
    assert 'aria-labelledby="chart-title chart-desc"' in html
    assert '<title id="chart-title">Cost per tonne</title>' in html
    assert '<polyline points="64.0,76.1 624.0,67.2"' in html
    cells = re.findall(r'<td class="num">([^<]*)</td>', html)
    assert cells == ["191.29", "222.25", "200.00", "240.00"]
    assert "图表数据" in html


def test_rendered_bar_chart_links_each_bar_to_its_action() -> None:
    chart = bar_chart(
        title="Savings",
        summary="Ranked",
        label_title="Line",
        value_title="EUR",
        bars=[("Steel wire", D("3100"), "/request/1", "Request")],
    )
    html = render_to_string("core/charts/bar.html", {"chart": chart, "places": 0})
    assert html.count('href="/request/1"') == 2  # the bar and the table's row
    assert '<td class="num">3,100</td>' in html


def test_close_marks_and_markers_keep_their_labels_legible() -> None:
    marks = [(D(40), "80 %"), (D(45), "90 %"), (D(50), "50 t")]
    chart = gauge(title="t", summary="s", unit="t", value=D("54.5"), maximum=D(50), marks=marks)
    assert [m.label_y for m in chart.marks] == [68, 12, 68]
    assert _cost_chart().markers[0].anchor == "start"  # 2027 of 2026-2028: the middle
    late = line_chart(
        title="t",
        summary="s",
        x_title="x",
        y_title="y",
        series=[("a", [(D(1), "1", D(1)), (D(10), "10", D(2))])],
        markers=[(D(9), D(2), "crossed")],
    )
    assert (late.markers[0].anchor, late.markers[0].label_dx) == ("end", -4)
