"""Charts as server-side SVG: pure geometry, rendered by the templates in ``core/charts/``.

A page builds a chart from its numbers (``line_chart``, ``bar_chart``, ``gauge``) and includes
``core/charts/line.html``, ``bar.html`` or ``gauge.html`` with ``chart=...``. Every chart comes
with its data as a table (the same template renders it, for screen readers, for copying and
for print) and a text alternative (``title`` and ``summary``). Nothing is loaded from the
internet; no script draws anything.

Colours are the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies);
series differ also by line style and marker shape, so a print in black and white still reads.
Coordinates are Decimals rounded to 0.1 px: what a chart shows is the value in its table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

# Okabe & Ito (2008), "Color Universal Design": blue, orange, bluish green, vermillion,
# reddish purple, sky blue.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9")
DASHES = ("", "6 4", "2 3", "8 3 2 3", "1 0", "4 2")
MARKERS = ("circle", "square", "diamond", "triangle", "circle", "square")

_PX = Decimal("0.1")
_NICE = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


def _px(value: Decimal) -> Decimal:
    return value.quantize(_PX)


def nice_ceiling(value: Decimal, *, ticks: int = 5) -> tuple[Decimal, Decimal]:
    """An axis maximum ≥ ``value`` and its tick step (1, 2, 2.5 or 5 × a power of ten), with
    about ``ticks`` steps. Zero or a negative value gives an axis of 0–1."""
    if value <= 0:
        return Decimal(1), Decimal("0.2")
    rough = value / ticks
    exponent = rough.adjusted()
    scale = Decimal(1).scaleb(exponent)
    step = next(n * scale for n in _NICE if n * scale >= rough)
    top = (value / step).to_integral_value(rounding=ROUND_CEILING) * step
    return top, step


@dataclass(frozen=True)
class Tick:
    value: Decimal
    position: Decimal  # px along its axis


@dataclass(frozen=True)
class Point:
    x: Decimal
    y: Decimal
    label: str  # the x label of the data table (a year, a date)
    value: Decimal  # the number shown in the table

    @property
    def corner_x(self) -> Decimal:
        """The top-left corner of a square marker of 8 px centred on the point."""
        return self.x - 4

    @property
    def corner_y(self) -> Decimal:
        return self.y - 4


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    dash: str
    marker: str
    points: tuple[Point, ...]
    legend_y: int = 0  # the legend entry's offset below the plot's top

    @property
    def path(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)


@dataclass(frozen=True)
class Marker:
    """A point picked out on a chart (e.g. the shipment that crossed a threshold)."""

    x: Decimal
    y: Decimal
    label: str
    anchor: str = "start"  # "end" for a marker in the right part: its label reads leftwards

    @property
    def label_dx(self) -> int:
        return -4 if self.anchor == "end" else 4


@dataclass(frozen=True)
class Rule:
    """A horizontal reference line (e.g. 50 t) with its label."""

    y: Decimal
    label: str
    value: Decimal


@dataclass(frozen=True)
class LineChart:
    title: str
    summary: str
    x_title: str
    y_title: str
    width: int
    height: int
    left: int
    top: int
    plot_width: Decimal
    plot_height: Decimal
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[tuple[Decimal, str], ...]
    series: tuple[Series, ...]
    rules: tuple[Rule, ...] = ()
    markers: tuple[Marker, ...] = ()
    id: str = "chart"

    @property
    def bottom(self) -> Decimal:
        return self.top + self.plot_height

    @property
    def right(self) -> Decimal:
        return self.left + self.plot_width

    @property
    def tick_label_x(self) -> int:
        return self.left - 6

    @property
    def rows(self) -> list[tuple[str, list[Decimal | None]]]:
        """The data table: one row per x label, one column per series."""
        labels: list[str] = []
        for series in self.series:
            for point in series.points:
                if point.label not in labels:
                    labels.append(point.label)
        values = {(s.name, p.label): p.value for s in self.series for p in s.points}
        return [(label, [values.get((s.name, label)) for s in self.series]) for label in labels]


def line_chart(
    *,
    title: str,
    summary: str,
    x_title: str,
    y_title: str,
    series: list[tuple[str, list[tuple[Decimal, str, Decimal]]]],
    x_range: tuple[Decimal, Decimal] | None = None,
    x_ticks: list[tuple[Decimal, str]] | None = None,
    rules: list[tuple[Decimal, str]] | None = None,
    markers: list[tuple[Decimal, Decimal, str]] | None = None,
    width: int = 640,
    height: int = 320,
    id: str = "chart",
) -> LineChart:
    """Lines of ``(x, label, value)`` points (x numeric: a year, a day of the year). The y axis
    starts at 0 and ends at a round number above every value and rule; ``x_ticks`` default to
    every point's label."""
    left, top, right_pad, bottom_pad = 64, 16, 16, 48
    plot_w = Decimal(width - left - right_pad)
    plot_h = Decimal(height - top - bottom_pad)
    xs = [x for _, pts in series for x, _, _ in pts]
    values = [v for _, pts in series for _, _, v in pts] + [v for v, _ in rules or []]
    x_min, x_max = x_range or ((min(xs), max(xs)) if xs else (Decimal(0), Decimal(1)))
    span = (x_max - x_min) or Decimal(1)
    y_top, step = nice_ceiling(max(values, default=Decimal(0)))

    def px_x(x: Decimal) -> Decimal:
        return _px(left + (x - x_min) / span * plot_w)

    def px_y(v: Decimal) -> Decimal:
        return _px(top + plot_h - v / y_top * plot_h)

    ticks = []
    tick = Decimal(0)
    while tick <= y_top:
        ticks.append(Tick(value=tick, position=px_y(tick)))
        tick += step
    built = tuple(
        Series(
            name=name,
            colour=PALETTE[i % len(PALETTE)],
            dash=DASHES[i % len(DASHES)],
            marker=MARKERS[i % len(MARKERS)],
            legend_y=18 * i,
            points=tuple(Point(x=px_x(x), y=px_y(v), label=label, value=v) for x, label, v in pts),
        )
        for i, (name, pts) in enumerate(series)
    )
    if x_ticks is None:
        seen: dict[str, Decimal] = {}
        for _, pts in series:
            for x, label, _ in pts:
                seen.setdefault(label, x)
        x_ticks = [(x, label) for label, x in seen.items()]
    return LineChart(
        title=title,
        summary=summary,
        x_title=x_title,
        y_title=y_title,
        width=width,
        height=height,
        left=left,
        top=top,
        plot_width=plot_w,
        plot_height=plot_h,
        y_ticks=tuple(ticks),
        x_ticks=tuple((px_x(x), label) for x, label in x_ticks),
        series=built,
        rules=tuple(Rule(y=px_y(v), label=label, value=v) for v, label in rules or []),
        markers=tuple(
            Marker(
                x=px_x(x),
                y=px_y(v),
                label=label,
                anchor="end" if px_x(x) > left + plot_w / 2 else "start",
            )
            for x, v, label in markers or []
        ),
        id=id,
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    y: Decimal
    length: Decimal
    mid: Decimal = Decimal(0)  # the bar's vertical middle (labels)
    href: str = ""
    note: str = ""  # e.g. the action the bar links to


@dataclass(frozen=True)
class BarChart:
    title: str
    summary: str
    value_title: str
    label_title: str
    width: int
    height: int
    left: int
    bar_height: int
    plot_width: Decimal
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    colour: str = PALETTE[0]
    id: str = "chart"

    @property
    def axis_y(self) -> int:
        return self.height - 24

    @property
    def label_x(self) -> int:
        return self.left - 8


def bar_chart(
    *,
    title: str,
    summary: str,
    label_title: str,
    value_title: str,
    bars: list[tuple[str, Decimal, str, str]],
    width: int = 640,
    label_width: int = 220,
    bar_height: int = 22,
    id: str = "chart",
) -> BarChart:
    """Horizontal bars of ``(label, value, href, note)``, in the order given (rank them before),
    lengths proportional to the value on an axis from 0 to a round number."""
    gap = 8
    plot_w = Decimal(width - label_width - 80)
    top_value, step = nice_ceiling(max((v for _, v, _, _ in bars), default=Decimal(0)))
    height = len(bars) * (bar_height + gap) + gap + 24
    built = tuple(
        Bar(
            label=label,
            value=value,
            y=Decimal(gap + i * (bar_height + gap)),
            length=_px(max(value, Decimal(0)) / top_value * plot_w),
            mid=Decimal(gap + i * (bar_height + gap)) + Decimal(bar_height) / 2,
            href=href,
            note=note,
        )
        for i, (label, value, href, note) in enumerate(bars)
    )
    ticks = []
    tick = Decimal(0)
    while tick <= top_value:
        ticks.append(Tick(value=tick, position=_px(label_width + tick / top_value * plot_w)))
        tick += step
    return BarChart(
        title=title,
        summary=summary,
        value_title=value_title,
        label_title=label_title,
        width=width,
        height=height,
        left=label_width,
        bar_height=bar_height,
        plot_width=plot_w,
        bars=built,
        ticks=tuple(ticks),
        id=id,
    )


@dataclass(frozen=True)
class GaugeMark:
    value: Decimal
    position: Decimal
    label: str
    above: bool = False  # labels alternate above and below the bar, so close marks stay legible

    @property
    def label_y(self) -> int:
        return 12 if self.above else 68


@dataclass(frozen=True)
class Gauge:
    """A horizontal gauge: ``value`` against ``maximum`` with marks (e.g. 80 %, 90 %, 100 %)."""

    title: str
    summary: str
    unit: str
    value: Decimal
    maximum: Decimal
    width: int
    left: int
    bar_width: Decimal
    fill: Decimal
    marks: tuple[GaugeMark, ...] = field(default_factory=tuple)
    state: str = "ok"  # ok | near | over: the fill's colour class
    id: str = "gauge"

    @property
    def share(self) -> Decimal:
        """The value as a percentage of the maximum, 1 dp."""
        return (self.value / self.maximum * 100).quantize(_PX) if self.maximum else Decimal(0)


def gauge(
    *,
    title: str,
    summary: str,
    unit: str,
    value: Decimal,
    maximum: Decimal,
    marks: list[tuple[Decimal, str]],
    width: int = 640,
    id: str = "gauge",
) -> Gauge:
    """The gauge's scale runs to the larger of ``maximum`` and ``value`` (an exceeded threshold
    shows past its mark). ``state`` is ``over`` at or past the maximum, ``near`` at or past the
    first mark, else ``ok``."""
    left = 16
    bar_w = Decimal(width - 2 * left)
    scale = max(maximum, value) or Decimal(1)

    def at(v: Decimal) -> Decimal:
        return _px(left + max(v, Decimal(0)) / scale * bar_w)

    first_mark = min((v for v, _ in marks), default=maximum)
    state = "over" if value >= maximum else "near" if value >= first_mark else "ok"
    return Gauge(
        title=title,
        summary=summary,
        unit=unit,
        value=value,
        maximum=maximum,
        width=width,
        left=left,
        bar_width=bar_w,
        fill=_px(max(value, Decimal(0)) / scale * bar_w),
        marks=tuple(
            GaugeMark(value=v, position=at(v), label=label, above=bool(i % 2))
            for i, (v, label) in enumerate(marks)
        ),
        state=state,
        id=id,
    )


# Reference lines of a distribution chart: vermillion dashed, bluish green dotted, reddish
# purple dash-dot (then the rest of the palette), so they read apart in black and white too.
_REFERENCE_STYLES = (
    (PALETTE[3], "6 3"),
    (PALETTE[2], "2 2"),
    (PALETTE[4], "8 3 2 3"),
    (PALETTE[1], "4 2"),
)


@dataclass(frozen=True)
class ReferenceMark:
    """A reference value drawn across one row of a distribution chart (a default value, a
    benchmark): a vertical line in the reference's colour and dash."""

    name: str
    value: Decimal
    x: Decimal
    colour: str
    dash: str


@dataclass(frozen=True)
class DistributionRow:
    """One distribution as a horizontal box: P10–P90 as a thin band, P25–P75 as the box, the
    median as a bar across it, and the row's reference values as lines."""

    label: str
    y: Decimal  # the row's top, px
    mid: Decimal  # its vertical middle
    values: tuple[Decimal, Decimal, Decimal, Decimal, Decimal]  # P10, P25, median, P75, P90
    band_x: Decimal
    band_width: Decimal
    box_x: Decimal
    box_width: Decimal
    median_x: Decimal
    marks: tuple[ReferenceMark, ...]
    references: tuple[Decimal | None, ...]  # the table's reference columns, in legend order

    @property
    def band_y(self) -> Decimal:
        return self.mid - 4

    @property
    def box_y(self) -> Decimal:
        return self.mid - 10

    @property
    def line_top(self) -> Decimal:
        return self.mid - 14

    @property
    def line_bottom(self) -> Decimal:
        return self.mid + 14


@dataclass(frozen=True)
class LegendEntry:
    name: str
    colour: str
    dash: str
    x: int  # offset from the legend's left
    kind: str  # band | box | median | line


@dataclass(frozen=True)
class DistributionChart:
    title: str
    summary: str
    value_title: str
    label_title: str
    width: int
    height: int
    left: int
    top: int
    plot_width: Decimal
    rows: tuple[DistributionRow, ...]
    ticks: tuple[Tick, ...]
    columns: tuple[str, ...]  # the five statistics' titles (P10, P25, median, P75, P90)
    reference_names: tuple[str, ...]
    legend: tuple[LegendEntry, ...]
    band_colour: str = PALETTE[5]
    box_colour: str = PALETTE[0]
    id: str = "chart"

    @property
    def axis_y(self) -> int:
        return self.height - 24

    @property
    def label_x(self) -> int:
        return self.left - 8

    @property
    def right(self) -> Decimal:
        return self.left + self.plot_width


def distribution_chart(
    *,
    title: str,
    summary: str,
    label_title: str,
    value_title: str,
    columns: tuple[str, str, str, str, str],
    reference_names: tuple[str, ...],
    rows: list[
        tuple[str, tuple[Decimal, Decimal, Decimal, Decimal, Decimal], tuple[Decimal | None, ...]]
    ],
    width: int = 760,
    label_width: int = 300,
    id: str = "chart",
) -> DistributionChart:
    """Distributions side by side on one axis: one row per ``(label, (P10, P25, median, P75,
    P90), references)``, where ``references`` holds one value (or None: not drawn) per entry
    of ``reference_names``. The axis runs from 0 to a round number above every value and
    reference; a negative value is drawn at 0 (its table says it)."""
    row_h, legend_h, axis_h = 36, 28, 24
    plot_w = Decimal(width - label_width - 24)
    everything = [v for _, values, refs in rows for v in (*values, *refs) if v is not None]
    top_value, step = nice_ceiling(max(everything, default=Decimal(0)))

    def at(value: Decimal) -> Decimal:
        return _px(label_width + max(value, Decimal(0)) / top_value * plot_w)

    styles = [_REFERENCE_STYLES[i % len(_REFERENCE_STYLES)] for i in range(len(reference_names))]
    built = []
    for i, (label, values, refs) in enumerate(rows):
        p10, p25, median, p75, p90 = values
        y = Decimal(legend_h + i * row_h)
        built.append(
            DistributionRow(
                label=label,
                y=y,
                mid=y + Decimal(row_h) / 2,
                values=values,
                band_x=at(p10),
                band_width=at(p90) - at(p10),
                box_x=at(p25),
                box_width=at(p75) - at(p25),
                median_x=at(median),
                marks=tuple(
                    ReferenceMark(
                        name=name, value=value, x=at(value), colour=style[0], dash=style[1]
                    )
                    for name, value, style in zip(reference_names, refs, styles, strict=True)
                    if value is not None
                ),
                references=tuple(refs),
            )
        )
    ticks = []
    tick = Decimal(0)
    while tick <= top_value:
        ticks.append(Tick(value=tick, position=at(tick)))
        tick += step
    legend_items = [
        (f"{columns[0]}–{columns[4]}", PALETTE[5], "", "band"),
        (f"{columns[1]}–{columns[3]}", PALETTE[0], "", "box"),
        (columns[2], "#000000", "", "median"),
        *(
            (name, colour, dash, "line")
            for name, (colour, dash) in zip(reference_names, styles, strict=True)
        ),
    ]
    legend = []
    x = 0
    for name, colour, dash, kind in legend_items:
        legend.append(LegendEntry(name=name, colour=colour, dash=dash, x=x, kind=kind))
        # room for the swatch and the name (a CJK character is about twice a Latin one)
        x += 30 + sum(12 if ord(ch) > 0x2E80 else 7 for ch in name) + 16
    return DistributionChart(
        title=title,
        summary=summary,
        value_title=value_title,
        label_title=label_title,
        width=width,
        height=legend_h + len(rows) * row_h + axis_h + 8,
        left=label_width,
        top=legend_h,
        plot_width=plot_w,
        rows=tuple(built),
        ticks=tuple(ticks),
        columns=tuple(columns),
        reference_names=tuple(reference_names),
        legend=tuple(legend),
        id=id,
    )
