"""The dashboard's figures against incidents whose clocks we know (see conftest `floor`)."""

from datetime import timedelta

import pytest

from caredesk.catalog.models import ProductLine
from caredesk.dashboard import views
from caredesk.incidents import actions, clocks, reports
from caredesk.incidents.models import Incident
from tests.dashboard.conftest import NOW, D, H

M = timedelta(minutes=1)


@pytest.fixture
def page(floor, world):
    return views.dashboard(world["maggie"], NOW, 30)


def test_open_incidents_by_severity_with_the_policys_names(page):
    assert page["backlog"]["total"] == 6
    assert page["backlog"]["by_severity"] == [
        (1, "System Down", 1),
        (2, "Functional Problem", 1),
        (3, "Inconvenience", 4),
        (4, "General Use", 0),
    ]
    bars = page["severity_chart"].bars
    assert [(b.label, b.value, b.href) for b in bars] == [
        ("1 System Down", 1, "/console/?severity=1"),
        ("2 Functional Problem", 1, "/console/?severity=2"),
        ("3 Inconvenience", 4, "/console/?severity=3"),
        ("4 General Use", 0, "/console/?severity=4"),
    ]
    assert bars[0].tone == "bad" and bars[3].tone == "neutral"


def test_severity_bars_are_proportional_to_the_open_counts(page):
    chart = page["severity_chart"]
    assert chart.axis_max == 4
    assert [b.length for b in chart.bars] == [
        chart.plot_width / 4,
        chart.plot_width / 4,
        chart.plot_width,
        0,
    ]


def test_open_incidents_by_product_link_the_queue_by_slug(page):
    assert page["products"] == [
        {"slug": "footprints", "name": "Numara FootPrints", "open": 5},
        {"slug": "track-it", "name": "Numara Track-It!", "open": 1},
    ]
    chart = page["product_chart"]
    assert [b.href for b in chart.bars] == [
        "/console/?product=footprints",
        "/console/?product=track-it",
    ]
    assert chart.bars[1].length == pytest.approx(chart.bars[0].length / 5, abs=0.01)
    # The same counts as the report, which has the names but not the slugs.
    assert [(p["name"], p["open"]) for p in page["products"]] == page["backlog"]["by_product"]


def test_two_product_lines_of_the_same_name_get_a_bar_each(floor, world):
    cloud = ProductLine.objects.create(
        slug="footprints-cloud", name="Numara FootPrints", kind=ProductLine.Kind.CLOUD
    )
    actions.open_incident(
        client=world["initech"],
        product=cloud,
        subject="Cloud",
        severity=4,
        channel="web",
        at=NOW - H,
        accept_unentitled=True,
    )
    products = views.open_by_product(Incident.objects.all())
    assert {p["slug"]: p["open"] for p in products} == {
        "footprints": 5,
        "footprints-cloud": 1,
        "track-it": 1,
    }


def test_breaching_now_and_due_within_two_hours(page, floor):
    assert page["breaches"] == {"breaching": 1, "near": 1}
    assert floor["late"].next_due_at == NOW - 6 * H and floor["soon"].next_due_at == NOW + H
    # Just after "soon" falls due both breach, and nothing else is near.
    assert reports.breaches(NOW + H + M) == {"breaching": 2, "near": 0}
    # Exactly two hours ahead is still near; a minute more is not.
    assert reports.breaches(NOW - H)["near"] == 1
    assert reports.breaches(NOW - H - M)["near"] == 0


def test_waiting_on_client_and_entitlement_reviews(page):
    assert page["backlog"]["waiting_on_client"] == 1
    assert page["backlog"]["to_review"] == 1


def test_compliance_over_thirty_days_overall_and_per_target(page):
    # Met: done's first response (due 8 days ago), down's transfer. Breached: late's and
    # globex's first responses, down's callback (answered an hour late).
    c = page["compliance"]
    assert (c["met"], c["breached"], c["total"]) == (2, 3, 5)
    assert c["rate"] == pytest.approx(0.4)
    assert page["compliance_rate"] == "40%"
    assert page["per_target"] == [
        {"key": "first-response", "label": "First response", "met": 1, "breached": 2,
         "total": 3, "rate": "33.3%"},
        {"key": "system-down-callback", "label": "Senior technician callback", "met": 0,
         "breached": 1, "total": 1, "rate": "0%"},
        {"key": "system-down-transfer", "label": "System Down transfer to a senior technician",
         "met": 1, "breached": 0, "total": 1, "rate": "100%"},
    ]  # fmt: skip


def test_compliance_per_day_in_the_support_zone(page):
    series = page["compliance"]["series"]
    assert len(series) == 30 and series[-1]["day"].isoformat() == "2026-06-10"
    busy = {row["day"].isoformat(): (row["met"], row["breached"]) for row in series if
            row["met"] or row["breached"]}  # fmt: skip
    assert busy == {"2026-05-21": (0, 1), "2026-06-02": (1, 0), "2026-06-10": (1, 2)}
    chart = page["daily_chart"]
    assert len(chart.columns) == 30 and (chart.met, chart.breached) == (2, 3)
    today = chart.columns[-1]
    assert today.breached_height == pytest.approx(2 * today.met_height)


def test_a_shorter_period_drops_what_fell_due_before_it(floor, world):
    week = views.dashboard(world["maggie"], NOW, 7)
    c = week["compliance"]
    assert (c["met"], c["breached"]) == (1, 2)  # today's only
    assert len(week["daily_chart"].columns) == 7
    assert [row["number"] for row in week["clients"]] == ["C-100"]
    quarter = views.dashboard(world["maggie"], NOW, 90)
    assert (quarter["compliance"]["met"], quarter["compliance"]["breached"]) == (2, 3)
    assert len(quarter["daily_chart"].columns) == 90


def test_clients_ranked_by_breached_targets(page):
    assert [
        (r["number"], r["name"], r["breached"], r["met"], r["rate"], r["href"])
        for r in page["clients"]
    ] == [
        ("C-100", "Acme Corp", 2, 2, "50%", "/console/?view=all&client=C-100"),
        ("C-200", "Globex", 1, 0, "0%", "/console/?view=all&client=C-200"),
    ]


def test_a_client_whose_targets_were_all_met_is_not_listed(floor):
    # From 9 days to 1 day ago only "done" fell due, met in time: acme has nothing to show.
    assert reports.compliance(NOW - D, 8)["met"] == 1
    assert views.compliance_by_client(NOW - D, 8, Incident.objects.all()) == []


def test_the_client_list_is_cut_at_its_limit_keeping_the_most_breached(floor):
    rows = views.compliance_by_client(NOW, 30, Incident.objects.all(), limit=1)
    assert [r["number"] for r in rows] == ["C-100"]


def test_client_compliance_is_one_query(floor, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = views.compliance_by_client(NOW, 30, Incident.objects.all())
    assert len(rows) == 2


def test_with_no_incidents_every_figure_is_zero_and_every_chart_flat(world):
    page = views.dashboard(world["maggie"], NOW, 30)
    assert page["backlog"]["total"] == 0 and page["breaches"] == {"breaching": 0, "near": 0}
    assert page["compliance"]["rate"] is None and page["compliance_rate"] == "—"
    assert [b.length for b in page["severity_chart"].bars] == [0, 0, 0, 0]
    assert page["product_chart"].bars == [] and page["products"] == []
    assert all(c.met_height == c.breached_height == 0 for c in page["daily_chart"].columns)
    assert page["per_target"] == [] and page["clients"] == []


@pytest.mark.parametrize(
    ("value", "days"),
    [("7", 7), ("30", 30), ("90", 90), (" 90 ", 90), (None, 30), ("", 30), ("abc", 30),
     ("7.5", 30), ("-7", 30), ("365", 30), ("0", 30), ("1e3", 30), ("٧", 30)],
)  # fmt: skip
def test_the_period_is_7_30_or_90_days_and_anything_else_30(value, days):
    assert views.period_of(value) == days


def test_percentages_are_cut_to_a_tenth_never_rounded_up():
    assert views.percent(0, 0) == "—"  # nothing fell due: not 0%, not 100%
    assert [views.percent(met, 3) for met in range(4)] == ["0%", "33.3%", "66.6%", "100%"]
    assert views.percent(2, 5) == "40%" and views.percent(29, 100) == "29%"
    assert views.percent(9999, 10000) == "99.9%"  # one breach is never a perfect record


# --- The window is whole days of the support calendar; a missed target is never forgotten ----


def test_the_days_of_the_series_add_up_to_the_totals(world, open_fp):
    # Due 11 May 20:00 Eastern: inside "the last 30 days" as of 10 June 15:00, but before
    # 12 May, the first day of the series.
    edge = open_fp(subject="Edge", at=NOW - 30 * D + 5 * H - 24 * H)
    actions.reply(edge, "In time", by=world["alice"], at=NOW - 30 * D)
    c = reports.compliance(NOW, 30)
    assert c["total"] == 0  # due the day before the first day shown
    assert sum(row["met"] + row["breached"] for row in c["series"]) == c["total"]
    wider = reports.compliance(NOW, 31)
    assert wider["total"] == 1
    assert sum(row["met"] + row["breached"] for row in wider["series"]) == 1


def test_a_target_missed_before_the_incident_was_resolved_stays_breached(world, open_fp):
    late = open_fp(subject="Late", at=NOW - 30 * H)  # first response due NOW - 6 h
    actions.resolve(late, by=world["alice"], at=NOW - H)  # no sweep ran in between
    clocks.sweep(NOW)
    assert reports.compliance(NOW, 30)["breached"] == 1
