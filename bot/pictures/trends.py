"""Stories a week as lines: several series on one chart, or one series with its values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.pictures.canvas import (
    COLOURS,
    GRID,
    INK,
    MUTED,
    WIDTH,
    heading,
    new_figure,
    png_bytes,
    side,
)
from bot.pictures.text import Language, font, shorten

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

CHART_HEIGHT = 1080  # several series: the chart and a legend under it
SINGLE_HEIGHT = 720  # one series: no legend
NAME_LIMIT = 24  # characters of a series name in the legend
MAX_SERIES = 8  # the legend's four rows; past eight a chart is no longer read at a glance


@dataclass(frozen=True, slots=True)
class Series:
    """One line: a topic or a person, and its stories a week, oldest week first."""

    name: str
    counts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class TrendChart:
    """What a trends picture shows; every text already in the reader's language."""

    title: str
    weeks: tuple[date, ...]  # the first day of each week, oldest first
    series: tuple[Series, ...]
    language: Language
    unit: str  # what the numbers count, e.g. "stories a week"
    note: str = ""  # a line under the chart (the period, the source), may be empty

    def __post_init__(self) -> None:
        if not self.weeks:
            raise ValueError("a trend chart needs at least one week")
        for series in self.series:
            if len(series.counts) != len(self.weeks):
                raise ValueError(
                    f"series {series.name!r} has {len(series.counts)} counts "
                    f"for {len(self.weeks)} weeks"
                )
            if any(count < 0 for count in series.counts):
                raise ValueError(f"series {series.name!r} has a negative count")


def week_label(day: date) -> str:
    """A week's tick: its first day as day/month, the same in both languages."""
    return f"{day.day}/{day.month}"


def y_ticks(top: int) -> list[int]:
    """At most six whole-number ticks from 0 that reach `top` (at least 1)."""
    top = max(1, top)
    step = 1
    while top / step > 5:
        step = next(s * 10**e for e in range(9) for s in (1, 2, 5) if s * 10**e > step)
    last = -(-top // step) * step
    return list(range(0, last + 1, step))


def trends_png(chart: TrendChart) -> bytes:
    """Several series as lines over the weeks, a legend under the chart: PNG bytes."""
    if not 0 < len(chart.series) <= MAX_SERIES:
        raise ValueError(f"a trends chart draws 1 to {MAX_SERIES} series, not {len(chart.series)}")
    figure = new_figure(WIDTH, CHART_HEIGHT)
    axes = figure.add_axes(_box(CHART_HEIGHT, bottom=450))
    for index, series in enumerate(chart.series):
        axes.plot(
            range(len(chart.weeks)), series.counts,
            color=COLOURS[index % len(COLOURS)],
            linestyle="-" if index < len(COLOURS) else (0, (4, 2)),
            linewidth=4, marker="o", markersize=7,
            label=shorten(series.name, NAME_LIMIT),
        )  # fmt: skip
    top = max(max(series.counts) for series in chart.series)
    _frame(figure, axes, chart, top)
    rtl = chart.language == "ar"
    legend = axes.legend(
        loc="upper right" if rtl else "upper left",
        bbox_to_anchor=(1.0 if rtl else 0.0, -0.1),
        ncols=2, frameon=False, prop=font(22, chart.language),
        markerfirst=not rtl, handlelength=2.2, columnspacing=1.5, labelspacing=0.45,
        labelcolor=INK,
    )  # fmt: skip
    for text in legend.get_texts():
        text.set_parse_math(False)  # a "$" in a name is a dollar, not mathtext
    return png_bytes(figure)


def trend_png(chart: TrendChart) -> bytes:
    """One series as a line with its value on each week and the area under it: PNG bytes."""
    if len(chart.series) != 1:
        raise ValueError(f"a single trend needs one series, not {len(chart.series)}")
    from matplotlib.patheffects import withStroke

    series = chart.series[0]
    figure = new_figure(WIDTH, SINGLE_HEIGHT)
    axes = figure.add_axes(_box(SINGLE_HEIGHT, bottom=80))
    x = range(len(chart.weeks))
    colour = COLOURS[0]
    axes.fill_between(x, series.counts, color=colour, alpha=0.12, linewidth=0)
    axes.plot(x, series.counts, color=colour, linewidth=4, marker="o", markersize=9)
    top = max(series.counts)
    for i, count in enumerate(series.counts):
        axes.annotate(
            str(count), (i, count), xytext=(0, 12), textcoords="offset points",
            ha="center", va="bottom", color=INK, fontproperties=font(19, chart.language),
            annotation_clip=False, path_effects=[withStroke(linewidth=5, foreground="white")],
        )  # fmt: skip
    # Head room for the value labels over the highest point.
    _frame(figure, axes, chart, top, head=1.2)
    return png_bytes(figure)


def _box(height: int, bottom: int) -> tuple[float, float, float, float]:
    """The axes' place (figure fractions): under the title and unit, `bottom` pixels up."""
    top = height - 175  # the title's and the unit's lines above the axes
    return (100 / WIDTH, bottom / height, 880 / WIDTH, (top - bottom) / height)


def _frame(figure: Figure, axes: Axes, chart: TrendChart, top: int, head: float = 1.0) -> None:
    """Title, axes, ticks, unit and note, laid out for the reader's direction."""
    language = chart.language
    rtl = language == "ar"
    ticks = y_ticks(top)
    axes.set_xlim(-0.4, len(chart.weeks) - 0.6)
    axes.set_ylim(0, max(ticks[-1], top * head))
    axes.set_xticks(
        range(len(chart.weeks)), [week_label(w) for w in chart.weeks],
        fontproperties=font(17, language), color=MUTED,
    )  # fmt: skip
    axes.set_yticks(ticks, [str(t) for t in ticks], fontproperties=font(19, language), color=MUTED)
    if rtl:
        axes.yaxis.tick_right()  # numbers on the side an Arabic reader starts from
    axes.tick_params(length=0, pad=8)
    axes.grid(axis="y", color=GRID, linewidth=1.5)
    axes.set_axisbelow(True)
    for edge, spine in axes.spines.items():
        spine.set_visible(edge == "bottom")
        spine.set_color(MUTED)
    x_text, align = side(language)
    height = figure.bbox.height
    heading(figure, chart.title, language)
    box = axes.get_position()
    figure.text(
        x_text, box.y1 + 25 / height, chart.unit, ha=align,
        va="bottom", color=MUTED, fontproperties=font(20, language), parse_math=False,
    )  # fmt: skip
    if chart.note:
        figure.text(
            x_text, 20 / height, shorten(chart.note, 80), ha=align, va="bottom",
            color=MUTED, fontproperties=font(17, language), parse_math=False,
        )  # fmt: skip
