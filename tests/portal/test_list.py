"""My incidents: the company's incidents, waiting-on-you first, filtered, searched, paged."""

import re

from caredesk.incidents import actions
from caredesk.portal.views import INCIDENTS_PER_PAGE
from tests.portal.conftest import text


def rows(html: str) -> list[str]:
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    return re.findall(r"<tr.*?</tr>", body.group(1), re.S) if body else []


def numbers(html: str) -> list[str]:
    return re.findall(r'incident-number">(INC-\d+)<', html)


def test_an_empty_list_says_what_to_do(world, carol):
    html = text(carol.get("/portal/"))
    assert "Acme Corp has no support requests yet." in html
    empty = re.search(r'<div class="empty">.*?</div>', html, re.S).group(0)
    assert 'href="/portal/incidents/new/">Submit a request</a>' in empty
    assert "<table" not in html


def test_the_list_shows_status_severity_product_and_waiting_on_you_first(world, carol, open_for):
    first = open_for(subject="Login page is slow")
    waiting = open_for(subject="Reports fail")
    newest = open_for(subject="Cosmetic glitch", severity=4, product=world["catalog"]["track-it"])
    actions.request_information(waiting, by=world["alice"])
    html = text(carol.get("/portal/"))
    assert numbers(html) == [waiting.number, newest.number, first.number]
    top = rows(html)[0]
    assert 'class="is-waiting"' in top and "Waiting on you" in top
    third = rows(html)[1]
    assert "Cosmetic glitch" in third and "Numara Track-It!" in third
    assert "4 · General Use" in third and "Received" in third


def test_open_and_closed_are_filtered_with_counts(world, carol, open_for):
    still_open = open_for(subject="Still broken")
    done = open_for(subject="All good now")
    actions.close(done, by=world["carol"])
    html = text(carol.get("/portal/"))
    assert numbers(html) == [still_open.number]
    assert re.search(r'aria-current="page">Open <span class="tab-count">1</span>', html)
    assert numbers(text(carol.get("/portal/?state=closed"))) == [done.number]
    assert sorted(numbers(text(carol.get("/portal/?state=all")))) == sorted(
        [still_open.number, done.number]
    )
    # An unknown state falls back to open rather than failing.
    assert numbers(text(carol.get("/portal/?state=bogus"))) == [still_open.number]


def test_search_by_number_or_subject(world, carol, open_for):
    reports = open_for(subject="Reports fail")
    login = open_for(subject="Login page is slow")
    assert numbers(text(carol.get("/portal/?q=login"))) == [login.number]
    assert numbers(text(carol.get(f"/portal/?q={reports.number}"))) == [reports.number]
    html = text(carol.get("/portal/?q=printer"))
    assert numbers(html) == [] and "No open incident matches “printer”." in html
    # htmx gets only the results, to replace them in place.
    partial = text(carol.get("/portal/?q=login", HTTP_HX_REQUEST="true"))
    assert partial.lstrip().startswith('<div id="results"') and "<html" not in partial
    assert numbers(partial) == [login.number]


def test_the_list_is_paged(world, carol, open_for):
    made = [open_for(subject=f"Request {i}") for i in range(INCIDENTS_PER_PAGE + 1)]
    first = text(carol.get("/portal/"))
    assert len(numbers(first)) == INCIDENTS_PER_PAGE
    assert f"1–{INCIDENTS_PER_PAGE} of {len(made)} incidents" in first
    assert 'rel="next" href="?page=2"' in first
    second = text(carol.get("/portal/?page=2"))
    assert len(numbers(second)) == 1
    assert set(numbers(first)) | set(numbers(second)) == {i.number for i in made}
    assert numbers(text(carol.get("/portal/?page=abc"))) == numbers(first)


def test_the_own_incidents_setting_hides_the_submitted_by_column(world, carol, open_for):
    open_for()
    assert "Submitted by" in text(carol.get("/portal/"))
    world["acme"].colleagues_see_incidents = False
    world["acme"].save()
    html = text(carol.get("/portal/"))
    assert "Submitted by" not in html and "The support requests you submitted." in html
