"""The whole support loop in a real browser, as the issue's first user would try it:
a contact submits a request with a field missing and is asked for it; an agent finds it at the
top of the queue, asks, the contact answers, the agent resolves it."""

import pytest

from caredesk.incidents.models import Event, Incident
from caredesk.mail.models import OutboundMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, base, username, next_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(8000)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("test-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}{next_path}")
    return context, page


def test_submit_ask_answer_resolve(world, live_server, chromium):
    base = live_server.url
    carol_ctx, carol = sign_in(chromium, base, "carol", "/portal/incidents/new/")
    alice_ctx, alice = sign_in(chromium, base, "alice", "/console/")
    try:
        # The contact submits a request and leaves the steps to reproduce empty.
        carol.get_by_label("Product", exact=False).first.select_option(label="Numara Track-It!")
        carol.wait_for_function("document.getElementById('id_serial_number').value === 'TI-1'")
        carol.get_by_label("Subject").fill("Technician dashboard is empty")
        carol.locator("label.severity-option", has_text="Functional Problem").click()
        carol.get_by_label("Problem description").fill("No technician sees any ticket.")
        for label, value in [
            ("Operating system and version", "Windows Server 2019"),
            ("Database version", "SQL Server 2019"),
            ("Applied service packs", "none"),
            ("Applied hot fixes", "none"),
        ]:
            carol.get_by_label(label).fill(value)
        carol.get_by_role("button", name="Submit request").click()
        carol.wait_for_url(f"{base}/portal/incidents/INC-*/")
        incident = Incident.objects.get()
        assert incident.missing == ["steps"]
        assert "Steps to reproduce" in carol.locator("#missing").inner_text()

        # The agent finds it at the top of the queue and asks for exactly what is missing.
        alice.reload()
        first = alice.locator("[data-queue-row]").first
        assert incident.number in first.inner_text()
        first.locator("a").first.click()
        alice.wait_for_url(f"{base}/console/incidents/{incident.number}/")
        alice.locator("#action-request-info summary").click()
        alice.locator("#action-request-info").get_by_role("button", name="Ask the client").click()
        alice.locator("#timeline").get_by_text("Steps to reproduce").first.wait_for()
        incident.refresh_from_db()
        assert incident.status == Incident.Status.WAITING_ON_CLIENT
        asked = OutboundMessage.objects.get(incident=incident, kind="request-info")
        assert "Steps to reproduce" in asked.body_text and "Database version" not in asked.body_text

        # The contact answers; the clocks run again.
        carol.reload()
        missing = carol.locator("#missing")
        missing.get_by_label("Steps to reproduce").fill("Log in as a technician; open Dashboard.")
        missing.get_by_role("button", name="Send answers").click()
        carol.wait_for_url(f"{base}/portal/incidents/{incident.number}/")
        incident.refresh_from_db()
        assert (incident.status, incident.missing) == (Incident.Status.OPEN, [])

        # The agent resolves it; the contact sees it resolved.
        alice.reload()
        alice.locator("#action-resolve summary").click()
        alice.locator("#action-resolve").get_by_role("button", name="Resolve").click()
        alice.locator("#timeline").get_by_text("Resolved").first.wait_for()
        incident.refresh_from_db()
        assert incident.status == Incident.Status.RESOLVED
        carol.reload()
        assert "Resolved" in carol.locator("main").inner_text()
        kinds = list(incident.events.values_list("kind", flat=True))
        assert Event.Kind.REQUEST_INFO in kinds and Event.Kind.CLIENT_MESSAGE in kinds
    finally:
        carol_ctx.close()
        alice_ctx.close()
