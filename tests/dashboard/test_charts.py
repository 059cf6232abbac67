"""Chart geometry: axes start at zero and end on a round number, bars and columns are
proportional to their values, and nothing divides by zero when there is nothing to draw."""

from datetime import date, timedelta

import pytest

from caredesk.dashboard import charts


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (3, [0, 1, 2, 3]),
        (4, [0, 1, 2, 3, 4]),
        (7, [0, 2, 4, 6, 8]),
        (10, [0, 5, 10]),
        (41, [0, 20, 40, 60]),
        (1000, [0, 500, 1000]),
    ],
)
def test_ticks_run_from_zero_to_a_round_number_covering_the_maximum(maximum, ticks):
    assert charts.nice_ticks(maximum) == ticks


@pytest.mark.parametrize("maximum", [1, 2, 5, 9, 13, 99, 101, 250, 7777])
def test_ticks_are_evenly_spaced_few_and_cover_the_maximum(maximum):
    ticks = charts.nice_ticks(maximum)
    steps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
    assert ticks[0] == 0 and ticks[-1] >= maximum and len(steps) == 1
    assert len(ticks) <= 5
    assert ticks[-2] < maximum  # no empty step above the maximum


def rows(*values):
    return [(f"row {i}", v, f"/x/{i}", "accent") for i, v in enumerate(values)]


def test_bar_lengths_are_proportional_to_the_values():
    chart = charts.bar_chart("t", rows(8, 4, 2, 0, 6))
    lengths = [bar.length for bar in chart.bars]
    assert chart.axis_max == 8
    full = chart.plot_width
    assert lengths == [full, full / 2, full / 4, 0, full * 3 / 4]
    for bar in chart.bars:
        assert bar.length == pytest.approx(bar.value / chart.axis_max * chart.plot_width, abs=0.01)
        assert bar.value_x > chart.plot_left + bar.length
    assert chart.total == 20


def test_bars_never_run_past_the_plot_and_ticks_span_it():
    chart = charts.bar_chart("t", rows(7, 3))
    assert chart.axis_max == 8
    assert max(bar.length for bar in chart.bars) < chart.plot_width
    assert chart.ticks[0].position == chart.plot_left
    assert chart.ticks[-1].position == chart.plot_left + chart.plot_width


def test_bars_stack_one_row_each_and_the_drawing_grows_with_them():
    chart = charts.bar_chart("t", rows(1, 2, 3))
    ys = [bar.y for bar in chart.bars]
    assert ys == sorted(ys) and len(set(ys)) == 3
    assert chart.bars[-1].y + chart.bar_height <= chart.plot_bottom < chart.height
    assert charts.bar_chart("t", rows(1, 2, 3, 4)).height > chart.height


def test_all_zero_bars_are_drawn_empty_on_a_zero_to_one_axis():
    chart = charts.bar_chart("Open incidents by severity", rows(0, 0, 0, 0))
    assert [bar.length for bar in chart.bars] == [0, 0, 0, 0]
    assert [t.value for t in chart.ticks] == [0, 1]
    assert chart.summary == "row 0: 0; row 1: 0; row 2: 0; row 3: 0."


def test_no_rows_at_all_is_an_empty_chart_not_an_error():
    chart = charts.bar_chart("t", [])
    assert chart.bars == [] and chart.total == 0 and chart.summary == "No data."
    assert chart.plot_bottom == chart.plot_top


def test_long_labels_are_shortened_but_kept_whole_for_the_tooltip():
    name = "A product line with a remarkably long name indeed"
    bar = charts.bar_chart("t", [(name, 1, "/", "accent")]).bars[0]
    assert bar.label == name
    assert len(bar.short_label) == charts.LABEL_CHARS and bar.short_label.endswith("…")
    assert charts.short_label("Numara FootPrints") == "Numara FootPrints"


def series(*pairs, last=date(2026, 6, 10)):
    start = last - timedelta(days=len(pairs) - 1)
    return [
        {"day": start + timedelta(days=i), "met": met, "breached": breached}
        for i, (met, breached) in enumerate(pairs)
    ]


def test_columns_stack_breached_on_met_in_proportion():
    chart = charts.column_chart("t", series((3, 1), (0, 2), (0, 0), (6, 2)))
    assert chart.axis_max == 8
    plot = chart.plot_bottom - chart.plot_top
    for column in chart.columns:
        assert column.met_height == pytest.approx(column.met / 8 * plot, abs=0.01)
        assert column.breached_height == pytest.approx(column.breached / 8 * plot, abs=0.01)
        assert column.met_y + column.met_height == pytest.approx(chart.plot_bottom)
        assert column.breached_y + column.breached_height == pytest.approx(column.met_y)
    tallest = chart.columns[3]
    assert tallest.breached_y == pytest.approx(chart.plot_top)  # 8 of 8: the full height
    assert (chart.met, chart.breached) == (9, 5)


def test_columns_sit_in_order_inside_the_plot_without_overlapping():
    chart = charts.column_chart("t", series(*[(1, 0)] * 30))
    xs = [c.x for c in chart.columns]
    assert xs == sorted(xs)
    for left, right in zip(chart.columns, chart.columns[1:], strict=False):
        assert left.x + left.width < right.x
    assert chart.columns[0].x >= chart.plot_left
    assert chart.columns[-1].x + chart.columns[-1].width <= chart.plot_right


@pytest.mark.parametrize("days", [7, 30, 90])
def test_date_labels_are_few_and_always_name_the_last_day(days):
    chart = charts.column_chart("t", series(*[(0, 0)] * days))
    labels = [c.label for c in chart.columns if c.label]
    assert chart.columns[-1].label == "Jun 10"
    # A label is about 3 em wide, centred on its column: the last one must not be cut off.
    assert chart.columns[-1].label_x + 20 <= chart.width
    assert len(labels) <= charts.MAX_DATE_LABELS
    assert len(labels) == days if days <= charts.MAX_DATE_LABELS else len(labels) >= 5


def test_a_period_with_nothing_due_draws_flat_columns():
    chart = charts.column_chart("t", series(*[(0, 0)] * 30))
    assert all(c.met_height == 0 and c.breached_height == 0 for c in chart.columns)
    assert [t.value for t in chart.ticks] == [0, 1]
    assert "0 met in time, 0 breached" in chart.summary


def test_the_column_summary_names_the_worst_day():
    chart = charts.column_chart("t", series((1, 0), (0, 3), (2, 1)))
    assert chart.summary == "Jun 8 to Jun 10: 3 met in time, 4 breached. Most breaches on Jun 9: 3."
