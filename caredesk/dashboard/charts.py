"""Chart geometry for the manager's dashboard.

Everything a chart needs is computed here as plain numbers (bar lengths, column heights, axis
ticks) so that the templates only draw inline SVG: no JavaScript, no build step, and the figures
behind each shape are testable. Lengths are in SVG user units of the chart's viewBox; the page
scales the whole drawing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

# Horizontal bars: a label column, the plot, room on the right for the value after the bar.
HBAR_WIDTH = 560
HBAR_LABEL = 168
HBAR_VALUE = 44
HBAR_ROW = 28
HBAR_BAR = 18
HBAR_TOP = 6
HBAR_AXIS = 24
LABEL_CHARS = 24

# Daily columns: tick labels on the left, date labels under the plot.
COLUMNS_WIDTH = 960
COLUMNS_LEFT = 40
COLUMNS_RIGHT = 24  # half a date label: the last one is centred on the last column
COLUMNS_TOP = 10
COLUMNS_PLOT = 180
COLUMNS_AXIS = 26
COLUMN_FILL = 0.7  # of each day's slot; the rest is the gap between columns
MAX_DATE_LABELS = 8


def _round(value: float) -> float:
    return round(value, 2)


def nice_ticks(maximum: int, intervals: int = 4) -> list[int]:
    """Axis ticks from 0 to the first round number at or above `maximum`, steps of 1, 2 or 5
    times a power of ten, at most `intervals` steps. An empty chart still gets an axis (0, 1)."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / intervals
    power = 10 ** max(0, math.floor(math.log10(raw))) if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    top = step * math.ceil(maximum / step)
    return list(range(0, top + 1, step))


def short_label(label: str, limit: int = LABEL_CHARS) -> str:
    """A label that fits the label column; the full one goes in the shape's tooltip."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Tick:
    value: int
    position: float  # x for a horizontal chart, y for a column chart


@dataclass(frozen=True)
class Bar:
    label: str
    short_label: str
    value: int
    href: str
    tone: str
    y: float
    length: float
    text_y: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one per row, on a shared axis starting at zero."""

    title: str
    bars: list[Bar]
    ticks: list[Tick]
    width: int
    height: int
    plot_left: int
    plot_width: int
    plot_top: int
    plot_bottom: int
    bar_height: int

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)

    @property
    def axis_max(self) -> int:
        return self.ticks[-1].value

    @property
    def tick_label_y(self) -> float:
        return self.plot_bottom + 16

    @property
    def label_x(self) -> int:
        return self.plot_left - 8

    @property
    def summary(self) -> str:
        """The chart in words, for the SVG's description."""
        if not self.bars:
            return "No data."
        return "; ".join(f"{bar.label}: {bar.value}" for bar in self.bars) + "."


def bar_chart(title: str, rows: Iterable[tuple[str, int, str, str]]) -> BarChart:
    """Bars for `rows` of (label, value, link, tone); lengths proportional to the values."""
    rows = list(rows)
    plot_left = HBAR_LABEL
    plot_width = HBAR_WIDTH - HBAR_LABEL - HBAR_VALUE
    ticks = nice_ticks(max((value for _, value, _, _ in rows), default=0))
    axis_max = ticks[-1]
    bars = []
    for i, (label, value, href, tone) in enumerate(rows):
        y = HBAR_TOP + i * HBAR_ROW + (HBAR_ROW - HBAR_BAR) / 2
        length = value / axis_max * plot_width
        bars.append(
            Bar(
                label=label,
                short_label=short_label(label),
                value=value,
                href=href,
                tone=tone,
                y=_round(y),
                length=_round(length),
                text_y=_round(y + HBAR_BAR / 2),
                value_x=_round(plot_left + length + 6),
            )
        )
    plot_bottom = HBAR_TOP + len(rows) * HBAR_ROW
    return BarChart(
        title=title,
        bars=bars,
        ticks=[Tick(t, _round(plot_left + t / axis_max * plot_width)) for t in ticks],
        width=HBAR_WIDTH,
        height=plot_bottom + HBAR_AXIS,
        plot_left=plot_left,
        plot_width=plot_width,
        plot_top=HBAR_TOP,
        plot_bottom=plot_bottom,
        bar_height=HBAR_BAR,
    )


@dataclass(frozen=True)
class Column:
    day: date
    met: int
    breached: int
    x: float
    width: float
    met_y: float
    met_height: float
    breached_y: float
    breached_height: float
    label: str  # the date under the column, or "" where labels would crowd
    label_x: float

    @property
    def total(self) -> int:
        return self.met + self.breached


@dataclass(frozen=True)
class ColumnChart:
    """One column per day: targets met in time at the bottom, breached stacked on top."""

    title: str
    columns: list[Column]
    ticks: list[Tick]
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int

    @property
    def axis_max(self) -> int:
        return self.ticks[-1].value

    @property
    def label_y(self) -> float:
        return self.plot_bottom + 18

    @property
    def tick_label_x(self) -> int:
        return self.plot_left - 6

    @property
    def summary(self) -> str:
        """The chart in words, for the SVG's description."""
        if not self.columns:
            return "No data."
        first, last = self.columns[0].day, self.columns[-1].day
        busiest = max(self.columns, key=lambda c: (c.breached, c.total))
        words = (
            f"{day_label(first)} to {day_label(last)}: {self.met} met in time, "
            f"{self.breached} breached."
        )
        if busiest.breached:
            words += f" Most breaches on {day_label(busiest.day)}: {busiest.breached}."
        return words

    @property
    def met(self) -> int:
        return sum(c.met for c in self.columns)

    @property
    def breached(self) -> int:
        return sum(c.breached for c in self.columns)


def day_label(day: date) -> str:
    return f"{day:%b} {day.day}"


def column_chart(title: str, series: Sequence[dict]) -> ColumnChart:
    """Stacked columns for `series` of {"day", "met", "breached"}, oldest first."""
    plot_width = COLUMNS_WIDTH - COLUMNS_LEFT - COLUMNS_RIGHT
    plot_bottom = COLUMNS_TOP + COLUMNS_PLOT
    ticks = nice_ticks(max((row["met"] + row["breached"] for row in series), default=0))
    axis_max = ticks[-1]
    slot = plot_width / max(1, len(series))
    width = slot * COLUMN_FILL
    # Label every `every`-th day counting back from the last one, so today is always labelled.
    every = max(1, math.ceil(len(series) / MAX_DATE_LABELS))
    columns = []
    for i, row in enumerate(series):
        met_height = row["met"] / axis_max * COLUMNS_PLOT
        breached_height = row["breached"] / axis_max * COLUMNS_PLOT
        x = COLUMNS_LEFT + i * slot + (slot - width) / 2
        met_y = plot_bottom - met_height
        labelled = (len(series) - 1 - i) % every == 0
        columns.append(
            Column(
                day=row["day"],
                met=row["met"],
                breached=row["breached"],
                x=_round(x),
                width=_round(width),
                met_y=_round(met_y),
                met_height=_round(met_height),
                breached_y=_round(met_y - breached_height),
                breached_height=_round(breached_height),
                label=day_label(row["day"]) if labelled else "",
                label_x=_round(x + width / 2),
            )
        )
    return ColumnChart(
        title=title,
        columns=columns,
        ticks=[Tick(t, _round(plot_bottom - t / axis_max * COLUMNS_PLOT)) for t in ticks],
        width=COLUMNS_WIDTH,
        height=plot_bottom + COLUMNS_AXIS,
        plot_left=COLUMNS_LEFT,
        plot_right=COLUMNS_WIDTH - COLUMNS_RIGHT,
        plot_top=COLUMNS_TOP,
        plot_bottom=plot_bottom,
    )
