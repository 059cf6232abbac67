"""The /manager/ page through Django's test client: who may see it, what it shows, its charts."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from caredesk.accounts.models import User
from caredesk.incidents import clocks
from tests.dashboard.conftest import NOW, H
from tests.pages import element, signed_in, text

PASSWORD = "test-pass-123"


def tile(html: str, name: str) -> str:
    return re.search(r'class="tile-value">([^<]*)<', element(html, f"tile-{name}")).group(1)


@pytest.fixture
def at_now(monkeypatch):
    """The page is looked at NOW, the instant the floor's clocks were set around."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def manager_page(floor, at_now):
    return text(signed_in("maggie").get("/manager/"))


# --- Access ------------------------------------------------------------------------------


def test_a_support_manager_sees_the_dashboard(world):
    response = signed_in("maggie").get("/manager/")
    assert response.status_code == 200
    assert response.templates[0].name == "dashboard/home.html"


@pytest.mark.parametrize("extra", [{"role": User.Role.ADMIN}, {"is_superuser": True}])
def test_vendor_admins_and_superusers_see_it_too(world, extra):
    User.objects.create_user("boss", password=PASSWORD, **{"role": User.Role.CONTACT, **extra})
    assert signed_in("boss").get("/manager/").status_code == 200


@pytest.mark.parametrize("username", ["alice", "sam", "carol", "mallory"])
def test_agents_seniors_and_contacts_get_a_404(world, username):
    assert signed_in(username).get("/manager/").status_code == 404


def test_a_release_manager_gets_a_404(world):
    User.objects.create_user("rita", password=PASSWORD, role=User.Role.RELEASE_MANAGER)
    assert signed_in("rita").get("/manager/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(world):
    response = Browser().get("/manager/?days=7")
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/manager/%3Fdays%3D7"


def test_the_dashboard_only_answers_get(world):
    assert signed_in("maggie").post("/manager/").status_code == 405


# --- Figures -----------------------------------------------------------------------------


def test_the_tiles_show_the_figures_of_the_moment(manager_page):
    assert tile(manager_page, "open") == "6"
    assert tile(manager_page, "breaching") == "1"
    assert tile(manager_page, "near") == "1"
    assert tile(manager_page, "waiting") == "1"
    assert tile(manager_page, "review") == "1"
    assert tile(manager_page, "compliance") == "40%"
    assert "tile--bad" in element(manager_page, "tile-breaching")


def test_the_tiles_link_to_the_console_queue_filtered(manager_page):
    assert 'href="/console/?view=breaching"' in element(manager_page, "tile-breaching")
    assert 'href="/console/?view=breaching"' in element(manager_page, "tile-near")
    assert 'href="/console/?view=waiting"' in element(manager_page, "tile-waiting")
    assert 'href="/console/?view=review"' in element(manager_page, "tile-review")


def test_severities_by_the_policys_names_link_to_the_queue(manager_page):
    severity = element(manager_page, "by-severity")
    for level, name in [(1, "System Down"), (2, "Functional Problem"), (4, "General Use")]:
        assert f'<a href="/console/?severity={level}">{level} {name}</a>' in severity
    rows = re.findall(r'<a href="/console/\?severity=(\d)">[^<]*</a></th>\s*<td class="num">(\d+)<',
                      severity)  # fmt: skip
    assert rows == [("1", "1"), ("2", "1"), ("3", "4"), ("4", "0")]


def test_products_link_to_the_queue_by_slug(manager_page):
    product = element(manager_page, "by-product")
    assert f'<a href="/console/?product=footprints">{escape("Numara FootPrints")}</a>' in product
    assert '<a href="/console/?product=track-it">' in product


def test_compliance_overall_per_target_and_per_client(manager_page):
    overall = re.sub(r"\s+", " ", element(manager_page, "compliance-overall"))
    assert "40%" in overall and "2 met" in overall and "3 breached" in overall
    per_target = element(manager_page, "per-target")
    first = re.search(r'<tr data-target="first-response">(.*?)</tr>', per_target, re.S).group(1)
    assert '<th scope="row">First response</th>' in first
    assert re.findall(r"<td [^>]*>([^<]*)</td>", first) == ["1", "2", "33.3%"]
    assert "System Down transfer to a senior technician" in per_target
    clients = element(manager_page, "per-client")
    assert clients.index("Acme Corp") < clients.index("Globex")
    assert 'href="/console/?view=all&amp;client=C-200"' in clients


# --- Charts ------------------------------------------------------------------------------


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg role=\"img\".*?</svg>", html, re.S)


def test_every_chart_is_an_image_with_a_title_description_and_a_table(manager_page):
    charts = svgs(manager_page)
    assert len(charts) == 3  # severity, product, per day
    for svg in charts:
        labelled_by = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
        title_id, desc_id = labelled_by
        assert re.search(rf'<title id="{title_id}">[^<]+</title>', svg)
        assert re.search(rf'<desc id="{desc_id}">[^<]+</desc>', svg)
    assert manager_page.count('<details class="chart-data">') == 3
    assert '<desc id="severity-desc">1 System Down: 1; 2 Functional Problem: 1;' in manager_page


def test_drawn_bars_are_proportional_to_their_values(manager_page):
    svg = element(manager_page, "severity-chart")
    bars = [
        (int(value), float(width))
        for value, width in re.findall(r'data-value="(\d+)"[^>]*width="([\d.]+)"', svg)
    ]
    assert [value for value, _ in bars] == [1, 1, 4, 0]
    widest = max(width for _, width in bars)
    assert widest > 0
    for value, width in bars:
        assert width == pytest.approx(widest * value / 4, abs=0.02)


def test_the_daily_chart_has_a_column_per_day_with_met_and_breached_stacked(manager_page):
    svg = element(manager_page, "daily-chart")
    assert len(re.findall(r'<g class="chart-day"', svg)) == 30
    today = re.search(r'data-day="2026-06-10">(.*?)</g>', svg, re.S).group(1)
    met = re.search(r'class="chart-met"[^>]*y="([\d.]+)"[^>]*height="([\d.]+)"', today)
    breached = re.search(r'class="chart-breached-bar"[^>]*y="([\d.]+)"[^>]*height="([\d.]+)"',
                         today)  # fmt: skip
    assert float(breached.group(2)) == pytest.approx(2 * float(met.group(2)), abs=0.02)
    assert float(breached.group(1)) + float(breached.group(2)) == pytest.approx(
        float(met.group(1)), abs=0.02
    )
    quiet = re.search(r'data-day="2026-06-09">(.*?)</g>', svg, re.S).group(1)
    assert "<rect" not in quiet


def test_svg_numbers_are_not_localized(floor, at_now, settings):
    settings.USE_THOUSAND_SEPARATOR = True
    settings.LANGUAGE_CODE = "de"
    html = text(signed_in("maggie").get("/manager/"))
    assert re.search(r'width="\d+\.\d+"', element(html, "severity-chart"))
    assert not re.search(r'(width|x|y|height)="\d+,\d', html)


def test_the_page_uses_its_own_stylesheet_on_the_shared_colours(manager_page):
    assert '<link rel="stylesheet" href="/static/dashboard/dashboard.css">' in manager_page
    css = Path(finders.find("dashboard/dashboard.css")).read_text()
    assert "var(--bad-text)" in css and "var(--ok-text)" in css
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b", css)  # every colour from caredesk.css


# --- The period --------------------------------------------------------------------------


def period_nav(html):
    return re.findall(r'href="\?days=(\d+)#compliance"( aria-current="page")?', html)


@pytest.mark.parametrize("days", ["abc", "", "365", "-7", "7.5"])
def test_a_junk_period_falls_back_to_30_days(world, at_now, days):
    response = signed_in("maggie").get("/manager/", {"days": days})
    html = text(response)
    assert response.status_code == 200
    assert "SLA compliance, last 30 days" in html
    assert period_nav(html) == [("7", ""), ("30", ' aria-current="page"'), ("90", "")]
    assert len(re.findall(r'<g class="chart-day"', html)) == 30


def test_the_period_selector_changes_the_compliance_figures(floor, at_now):
    html = text(signed_in("maggie").get("/manager/?days=7"))
    assert "SLA compliance, last 7 days" in html
    assert period_nav(html)[0] == ("7", ' aria-current="page"')
    assert len(re.findall(r'<g class="chart-day"', html)) == 7
    assert tile(html, "compliance") == "33.3%"  # today's: 1 met, 2 breached
    assert "Globex" not in element(html, "per-client")
    assert tile(html, "open") == "6"  # the backlog does not depend on the period


def test_with_no_incidents_the_page_says_so(world, at_now):
    html = text(signed_in("maggie").get("/manager/"))
    assert tile(html, "open") == "0" and tile(html, "compliance") == "—"
    assert "No open incidents" in element(html, "by-product")
    assert "No target fell due in the last 30 days" in html
    assert "No client had a target breached" in element(html, "per-client")
    assert len(svgs(html)) == 2  # severity (all zero) and the flat daily chart


def test_the_number_of_queries_does_not_grow_with_the_incidents(world, at_now, open_fp):
    browser = signed_in("maggie")
    with CaptureQueriesContext(connection) as empty:
        assert browser.get("/manager/").status_code == 200
    for hour in range(1, 6):
        open_fp(subject=f"More {hour}", at=NOW - hour * 7 * H)
    clocks.sweep(NOW)
    with CaptureQueriesContext(connection) as busy:
        assert browser.get("/manager/").status_code == 200
    # Session, user; backlog 4, breaches 2, compliance 3 (reports.py); products, clients.
    assert len(busy) == len(empty) == 13


def test_the_breaching_link_lists_the_breaching_and_near_incidents_in_the_console(floor, at_now):
    browser = signed_in("maggie")
    html = text(browser.get("/manager/"))
    link = re.search(r'<a href="([^"]+)">\s*<span class="tile-value">1</span>\s*'
                     r'<span class="tile-label">Breaching now', html).group(1)  # fmt: skip
    queue = text(browser.get(link))
    listed = {name for name, incident in floor.items() if incident.number in queue}
    assert listed == {"late", "soon"}  # breaching now + due within 2 hours
