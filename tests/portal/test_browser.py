"""The portal in a real Chromium (Debian's, driven by Playwright) against a live server.

Set CAREDESK_SCREENSHOTS=/some/dir to keep a screenshot of every page visited.
"""

import pytest

from caredesk.incidents.models import Incident

PASSWORD = "test-pass-123"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def no_sideways_scroll(page, where):
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{where} scrolls sideways at 390px: {widths}"


def test_carol_submits_with_a_gap_is_asked_for_it_answers_and_sees_it_cleared(
    world, live_server, chromium, shots
):
    base = live_server.url
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(5000)
    page = context.new_page()
    try:
        page.goto(f"{base}/accounts/login/?next=/portal/")
        page.get_by_label("Username").fill("carol")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base}/portal/")
        assert page.get_by_text("Acme Corp has no support requests yet.").is_visible()
        shots(page, "portal-empty")
        page.locator("#results").get_by_role("link", name="Submit a request").click()
        page.wait_for_url(f"{base}/portal/incidents/new/")

        # Choosing the product (htmx) brings its licence's details and the plan's decision.
        page.get_by_label("Product", exact=False).first.select_option(label="Numara FootPrints")
        page.wait_for_function("document.getElementById('id_serial_number').value === 'FP-1'")
        assert "Numara FootPrints" in page.locator("#decision").inner_text()
        assert page.get_by_label("Contact name").input_value() == "Carol Contact"

        page.get_by_label("Subject").fill("Scheduled reports are not sent")
        page.locator("label.severity-option", has_text="Inconvenience").click()
        page.get_by_label("Problem description").fill("Reports scheduled for 8am never arrive.")
        page.get_by_label("Steps to reproduce").fill("Schedule any report; wait.")
        page.get_by_label("Operating system and version").fill("Windows Server 2019")
        page.get_by_label("Applied service packs").fill("none")
        page.get_by_label("Applied hot fixes").fill("none")
        # The database version is left empty.
        shots(page, "portal-new")
        page.get_by_role("button", name="Submit request").click()

        page.wait_for_url(f"{base}/portal/incidents/INC-*/")
        incident = Incident.objects.get()
        assert incident.missing == ["database"]
        assert page.locator("h1").inner_text() == "Scheduled reports are not sent"
        missing = page.locator("#missing")
        assert "We still need 1 detail" in missing.inner_text()
        assert page.locator("#clocks").get_by_text("We will answer by").is_visible()
        shots(page, "portal-incident-missing")

        missing.get_by_label("Database version").fill("SQL Server 2019")
        missing.get_by_role("button", name="Send answers").click()
        page.wait_for_url(f"{base}/portal/incidents/{incident.number}/")
        assert page.get_by_text("we now have everything we asked for").is_visible()
        assert page.locator("#missing").count() == 0
        assert "Database version" in page.locator("#history").inner_text()  # "Answered: ..."
        incident.refresh_from_db()
        assert incident.missing == [] and incident.intake["database"] == "SQL Server 2019"
        shots(page, "portal-incident-answered")

        # Closing asks first.
        page.get_by_text("Close this incident").click()
        page.get_by_role("button", name=f"Yes, close {incident.number}").click()
        page.wait_for_url(f"{base}/portal/incidents/{incident.number}/")
        assert page.locator("#closed").is_visible()
        incident.refresh_from_db()
        assert incident.status == Incident.Status.CLOSED

        # On a phone every portal page fits without sideways scrolling.
        phone = chromium.new_context(
            viewport={"width": 390, "height": 844},
            is_mobile=True,
            storage_state=context.storage_state(),
        )
        mobile = phone.new_page()
        for name, path in [
            ("phone-portal-list", "/portal/?state=all"),
            ("phone-portal-new", "/portal/incidents/new/"),
            ("phone-portal-incident", f"/portal/incidents/{incident.number}/"),
        ]:
            mobile.goto(f"{base}{path}")
            no_sideways_scroll(mobile, path)
            shots(mobile, name)
        phone.close()
    finally:
        context.close()
