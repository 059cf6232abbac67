"""The console in a real Chromium (Debian's, driven by Playwright) against a live server: an
agent filters the queue with the keyboard, opens an incident with Enter and replies.

Set CAREDESK_SCREENSHOTS=/some/dir to keep screenshots of the pages visited.
"""

import os
from pathlib import Path

import pytest

from caredesk.incidents.models import Event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(5000)
    yield context.new_page()
    context.close()


def shot(page, name):
    folder = os.environ.get("CAREDESK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"console-{name}.png"), full_page=True)


def test_an_agent_filters_the_queue_with_the_keyboard_and_replies(
    world, open_now, live_server, page
):
    open_now(subject="Reports fail at night")
    printer = open_now(subject="Printer queue stuck", severity=2)
    open_now(subject="Licence server down", product=world["catalog"]["track-it"])
    base = live_server.url

    page.goto(f"{base}/console/")
    page.wait_for_url(f"{base}/accounts/login/?next=/console/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("test-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/console/")
    rows = page.locator("[data-queue-row]")
    assert rows.count() == 3

    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#shortcuts").is_visible()

    page.keyboard.press("/")  # the search box
    page.keyboard.type("printer")
    page.wait_for_url(f"{base}/console/?**q=printer**")  # htmx swapped the list, pushed the URL
    assert rows.count() == 1
    assert page.locator("#queue-filters").count() == 1  # the filters were not re-rendered
    shot(page, "queue")
    page.keyboard.press("Escape")  # leave the search box
    page.keyboard.press("j")
    assert "is-selected" in rows.first.get_attribute("class")
    page.keyboard.press("Enter")

    page.wait_for_url(f"{base}{printer.get_absolute_url()}")
    assert page.locator("h1").inner_text() == "Printer queue stuck"
    page.keyboard.press("r")
    page.keyboard.type("Please clear the spooler and try again.")
    page.keyboard.press("Control+Enter")
    timeline = page.locator("#timeline")
    timeline.get_by_text("Please clear the spooler and try again.").wait_for()
    assert page.get_by_text("Reply sent to Carol Contact.").is_visible()
    assert page.locator("textarea[data-reply]").input_value() == ""
    shot(page, "incident")
    reply = Event.objects.get(incident=printer, kind=Event.Kind.AGENT_REPLY)
    assert reply.body == "Please clear the spooler and try again."
    assert reply.author == world["alice"]
