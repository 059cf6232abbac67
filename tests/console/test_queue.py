"""The queue: SLA urgency order, views, filters, pages, saved views, htmx fragments."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caredesk.console import views
from caredesk.console.models import SavedView
from caredesk.incidents import actions

QUEUE = "/console/"


def rows(response) -> list[str]:
    """The incident numbers of the queue page, in the order shown."""
    html = response.content.decode()
    return re.findall(r"<tr data-queue-row[^>]*>.*?(INC-\d+)", html, flags=re.S)


def row_html(response, number) -> str:
    html = response.content.decode()
    match = re.search(rf"<tr data-queue-row[^>]*>(?:(?!</tr>).)*{number}.*?</tr>", html, re.S)
    assert match, f"{number} is not in the queue"
    return match.group(0)


def test_the_queue_puts_the_nearest_due_target_first(world, alice_http, open_now):
    now = timezone.now()
    # acme's FootPrints runs on the 24x7 add-on: the first response is due 24 hours after.
    recent = open_now(subject="An hour old", at=now - timedelta(hours=1))
    older = open_now(subject="Five hours old", at=now - timedelta(hours=5))
    late = open_now(subject="Thirty hours old", at=now - timedelta(hours=30))
    waiting = open_now(subject="System down, waiting", severity=1, at=now - timedelta(hours=3))
    actions.request_information(waiting, by=world["alice"], message="Which server?")
    done = open_now(subject="Resolved")
    actions.resolve(done, by=world["alice"])

    response = alice_http.get(QUEUE)

    assert response.status_code == 200
    assert rows(response) == [late.number, older.number, recent.number, waiting.number]
    assert "overdue by 6 hours" in row_html(response, late.number)
    assert "is-breached" in row_html(response, late.number)
    assert "Breached" in row_html(response, late.number)
    assert "in 19 business hours" in row_html(response, older.number)
    assert "is-breached" not in row_html(response, older.number)
    assert "paused" in row_html(response, waiting.number)
    # The table says who, what and where, each in its column.
    row = row_html(response, older.number)
    for text in ("Five hours old", "Acme Corp", "FootPrints", "New", "sev sev--info"):
        assert text in row


@pytest.fixture
def desk(world, open_now):
    """One incident for each view of the queue."""
    now = timezone.now()
    alice = world["alice"]
    mine = open_now(subject="Mine")
    actions.assign(mine, alice, by=alice)
    sams = open_now(subject="Sam's", product=world["catalog"]["track-it"], severity=2)
    actions.assign(sams, world["sam"], by=alice)
    unassigned = open_now(subject="Nobody's")
    late = open_now(subject="Late", at=now - timedelta(hours=30))
    waiting = open_now(subject="Waiting")
    actions.request_information(waiting, by=alice)
    review = actions.open_incident(
        client=world["initech"],
        product=world["catalog"]["footprints"],
        subject="No plan",
        severity=3,
        channel="web",
        accept_unentitled=True,
    )
    closed = open_now(subject="Closed")
    actions.resolve(closed, by=alice)
    return {
        "mine": mine,
        "sams": sams,
        "unassigned": unassigned,
        "late": late,
        "waiting": waiting,
        "review": review,
        "closed": closed,
    }


def test_each_view_shows_its_incidents(desk, alice_http):
    expect = {
        "open": {"mine", "sams", "unassigned", "late", "waiting", "review"},
        "mine": {"mine"},
        "unassigned": {"unassigned", "late", "waiting", "review"},
        "breaching": {"late"},
        "waiting": {"waiting"},
        "review": {"review"},
        "closed": {"closed"},
        "all": set(desk),
        "junk": {"mine", "sams", "unassigned", "late", "waiting", "review"},  # the default view
    }
    for view, names in expect.items():
        response = alice_http.get(QUEUE, {"view": view})
        assert response.status_code == 200
        assert set(rows(response)) == {desk[n].number for n in names}, view
    tab = alice_http.get(QUEUE, {"view": "waiting"}).content.decode()
    assert re.search(r'<a href="/console/\?view=waiting"[^>]*aria-current="page"', tab)


def test_filters_by_product_severity_client_assignee_and_text(desk, world, alice_http):
    def shown(**params):
        return set(rows(alice_http.get(QUEUE, params)))

    assert shown(product="track-it") == {desk["sams"].number}
    assert shown(severity=["2", "4"]) == {desk["sams"].number}
    assert shown(client="C-300") == {desk["review"].number}
    assert shown(assignee=world["sam"].pk) == {desk["sams"].number}
    assert shown(q="nobody") == {desk["unassigned"].number}
    assert shown(q=desk["late"].number) == {desk["late"].number}
    assert shown(q="initech") == {desk["review"].number}
    unknown = alice_http.get(QUEUE, {"client": "C-999"}).content.decode()
    assert "No client has this number." in unknown


def test_empty_views_say_what_to_do(world, alice_http):
    assert "Nothing is assigned to you" in alice_http.get(QUEUE, {"view": "mine"}).content.decode()
    nothing = alice_http.get(QUEUE, {"q": "no such thing"}).content.decode()
    assert "No incident matches these filters" in nothing and "clear the filters" in nothing


def test_pages_of_the_queue_survive_junk_and_count_only_so_far(
    world, alice_http, open_now, monkeypatch
):
    monkeypatch.setattr(views, "PER_PAGE", 2)
    now = timezone.now()
    made = [open_now(subject=f"Nr {i}", at=now - timedelta(hours=i)) for i in range(5)]
    in_order = [i.number for i in reversed(made)]
    assert rows(alice_http.get(QUEUE)) == in_order[:2]
    assert rows(alice_http.get(QUEUE, {"page": "2"})) == in_order[2:4]
    for junk in ("abc", "-3", "0", "", "1e9"):
        assert rows(alice_http.get(QUEUE, {"page": junk})) == in_order[:2], junk
    last = alice_http.get(QUEUE, {"page": "99"})
    assert rows(last) == in_order[4:]
    assert "Page 3 of 3" in last.content.decode()
    # Past the cap the count stops, and the page still offers the next one.
    monkeypatch.setattr(views, "COUNT_CAP", 3)
    capped = alice_http.get(QUEUE).content.decode()
    assert "1–2 of 3+ incidents" in capped and 'rel="next"' in capped
    # A text search is not counted at all: its pages go on while rows remain.
    found = alice_http.get(QUEUE, {"q": "Nr", "page": "3"})
    assert rows(found) == in_order[4:]
    assert "5–5 of the incidents found" in found.content.decode()
    assert 'rel="next"' not in found.content.decode()
    beyond = alice_http.get(QUEUE, {"q": "Nr", "page": "9"}).content.decode()
    assert "There is no page 9." in beyond


def test_the_queue_does_not_query_per_row(world, alice_http, open_now):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert alice_http.get(QUEUE).status_code == 200
        return len(captured)

    open_now(subject="One")
    few = queries()
    for i in range(6):
        incident = open_now(subject=f"More {i}", product=world["catalog"]["track-it"])
        actions.assign(incident, world["sam"], by=world["alice"])
    assert queries() == few


def test_htmx_gets_only_the_list_with_the_filter_state(world, alice_http, incident):
    response = alice_http.get(QUEUE, {"view": "mine", "sort": "newest"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="queue-results"')
    assert "<html" not in html and 'id="queue-filters"' not in html
    assert 'id="queue-state" class="field field--sort" hx-swap-oob="true"' in html
    assert 'name="view" value="mine"' in html
    assert "HX-Request" in response["Vary"]  # a browser cache keeps fragment and page apart
    # A history restore asks for the whole page.
    full = alice_http.get(
        QUEUE, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    ).content.decode()
    assert "<html" in full and 'id="queue-filters"' in full


def test_sorting_by_severity_and_age(world, alice_http, open_now):
    now = timezone.now()
    low = open_now(subject="Low", severity=4, at=now - timedelta(hours=5))
    high = open_now(subject="High", severity=2, at=now - timedelta(hours=1))
    assert rows(alice_http.get(QUEUE)) == [low.number, high.number]
    assert rows(alice_http.get(QUEUE, {"sort": "severity"})) == [high.number, low.number]
    assert rows(alice_http.get(QUEUE, {"sort": "newest"})) == [high.number, low.number]
    assert rows(alice_http.get(QUEUE, {"sort": "oldest"})) == [low.number, high.number]
    assert rows(alice_http.get(QUEUE, {"sort": "junk"})) == [low.number, high.number]


def test_saved_views_are_saved_listed_and_deleted_after_confirming(world, alice_http):
    response = alice_http.post(
        reverse("console:save-view"), {"name": "My sev 2", "query": "view=mine&severity=2"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/console/?view=mine&severity=2"
    view = SavedView.objects.get(owner=world["alice"], name="My sev 2")
    page = alice_http.get(QUEUE, {"view": "mine", "severity": "2"}).content.decode()
    assert 'href="/console/?view=mine&amp;severity=2" aria-current="true">My sev 2</a>' in page

    again = alice_http.post(reverse("console:save-view"), {"name": "My sev 2", "query": "x=1"})
    assert again.status_code == 400
    assert "you already have a view named" in again.content.decode()
    blank = alice_http.post(reverse("console:save-view"), {"name": " ", "query": "view=mine"})
    assert blank.status_code == 400 and "This field is required." in blank.content.decode()
    assert SavedView.objects.count() == 1

    delete = reverse("console:delete-view", args=[view.pk])
    confirm = alice_http.get(delete)
    assert confirm.status_code == 200 and "Delete the view “My sev 2”?" in confirm.content.decode()
    assert SavedView.objects.filter(pk=view.pk).exists()
    assert alice_http.post(delete).status_code == 302
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_saving_a_view_with_htmx_returns_the_list(world, alice_http):
    response = alice_http.post(
        reverse("console:save-view"),
        {"name": "Waiting", "query": "view=waiting"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert response["HX-Push-Url"] == "/console/?view=waiting"
    assert 'aria-current="true">Waiting</a>' in html
