"""The console's mail pages: mailbox health, the quarantine, one inbound message and the three
things an agent does with a quarantined one (retry, open an incident by hand, dismiss)."""

import re
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caredesk.clients.actions import add_contact
from caredesk.incidents.models import Attachment, Incident
from caredesk.mail import intake
from caredesk.mail.models import InboundMessage, Mailbox
from tests.console.conftest import signed_in

MAIL = "/console/mail/"
STRANGER = "stranger@nowhere.test"


def mail(
    sender=STRANGER,
    subject="Cannot log in",
    body="Product: FootPrints\nThe login page fails.",
    html=None,
    attachments=(),
    **headers,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@caredesk.localhost"
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = make_msgid(domain="mail.test")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for filename, content in attachments:
        message.add_attachment(content, maintype="application", subtype="pdf", filename=filename)
    return message.as_bytes()


def deliver(raw: bytes) -> InboundMessage:
    return intake.route(intake.store(raw, source="test").inbound)


def quarantined(**kwargs) -> InboundMessage:
    inbound = deliver(mail(**kwargs))
    assert inbound.state == InboundMessage.State.QUARANTINED, inbound.reason
    return inbound


def page(response) -> str:
    return response.content.decode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Attachments kept by the router go to a folder of the test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


# ---- Access -----------------------------------------------------------------------------------


def test_only_staff_reach_the_mail_pages(world):
    inbound = quarantined(attachments=[("x.pdf", b"%PDF-1.4 x")])
    pk = inbound.pk
    urls = {
        "mail": reverse("console:mail"),
        "inbound": reverse("console:inbound", args=[pk]),
        "inbound-raw": reverse("console:inbound-raw", args=[pk]),
        "inbound-attachment": reverse("console:inbound-attachment", args=[pk, 0, "x.pdf"]),
        "inbound-retry": reverse("console:inbound-retry", args=[pk]),
        "inbound-open": reverse("console:inbound-open", args=[pk]),
        "inbound-dismiss": reverse("console:inbound-dismiss", args=[pk]),
    }
    post = {"reason": "spam", "confirmed": "yes", "client": "C-100", "subject": "x"}
    staff = signed_in(world["alice"])
    for name, url in urls.items():
        if name not in ("inbound-retry", "inbound-open", "inbound-dismiss"):
            assert staff.get(url).status_code == 200, name  # the page exists for staff
        for who in ("carol", "mallory"):
            http = signed_in(world[who])
            assert http.get(url).status_code == 404, (who, name)
            assert http.post(url, post).status_code == 404, (who, name)
        anonymous = HttpClient()
        for response in (anonymous.get(url), anonymous.post(url, post)):
            assert response.status_code == 302, name
            assert response["Location"] == f"{reverse('login')}?next={quote(url)}"
    inbound.refresh_from_db()
    assert inbound.state == InboundMessage.State.QUARANTINED
    assert Incident.objects.count() == 0


# ---- The mail page: health, quarantine, recent outcomes ------------------------------------


def test_the_health_panel_shows_each_mailbox_with_a_failing_ones_error(world, alice_http):
    now = timezone.now()
    support = Mailbox.objects.create(
        name="support",
        address="support@vendor.test",
        host="imap.vendor.test",
        username="support",
        secret="x",
        last_fetch_at=now - timedelta(seconds=30),
        last_success_at=now - timedelta(seconds=30),
        backlog=37,
    )
    legacy = Mailbox.objects.create(
        name="legacy",
        address="help@vendor.test",
        host="imap.old.test",
        username="help",
        secret="x",
        last_fetch_at=now - timedelta(seconds=20),
        last_success_at=now - timedelta(hours=2),
        last_error="IMAP4.error: b'[AUTHENTICATIONFAILED] Authentication failed.'",
        failing_since=now - timedelta(minutes=20),
        alerted_at=now - timedelta(minutes=5),
    )
    fresh = Mailbox.objects.create(
        name="new-box", address="new@vendor.test", host="imap.new.test", username="n", secret="x"
    )

    html = page(alice_http.get(MAIL))

    def row(box):
        match = re.search(
            rf'<tr class="mailbox mailbox--(\w+)" id="mailbox-{box.pk}">.*?</tr>', html, re.S
        )
        assert match, box.name
        return match.group(1), match.group(0)

    tone, text = row(support)
    assert tone == "warn" and "support@vendor.test" in text and "Catching up" in text
    assert '<strong class="warn-text">37</strong>' in text  # the backlog
    tone, text = row(legacy)
    assert tone == "bad" and "help@vendor.test" in text and "Failing for 20 min" in text
    assert "[AUTHENTICATIONFAILED] Authentication failed." in text
    assert "Managers alerted" in text
    assert "2\xa0hours ago" in text  # the last successful fetch
    tone, text = row(fresh)
    assert tone == "warn" and "Never fetched" in text


def test_a_mailbox_the_worker_stopped_fetching_is_flagged(world, alice_http):
    Mailbox.objects.create(
        name="support",
        address="support@vendor.test",
        host="h",
        username="u",
        secret="x",
        last_fetch_at=timezone.now() - timedelta(minutes=40),
        last_success_at=timezone.now() - timedelta(minutes=40),
    )
    assert "No fetch for 40 min" in page(alice_http.get(MAIL))


def test_the_quarantine_lists_what_waits_with_its_reason_and_the_count_in_the_bar(
    world, alice_http
):
    waiting = quarantined(subject="Who am I")
    routed = deliver(mail(sender="carol@acme.test", subject="Reports fail"))
    assert routed.outcome == "created"

    html = page(alice_http.get(MAIL))
    results = html[html.index('id="mail-results"') :]
    assert "Who am I" in results and reverse("console:inbound", args=[waiting.pk]) in results
    assert "unknown sender stranger@nowhere.test" in results
    assert "Reports fail" not in results
    # The console bar counts the quarantine on every console page.
    queue = page(alice_http.get("/console/"))
    start = queue.index('class="console-nav"')
    nav = queue[start : queue.index("</nav>", start)]
    assert re.search(r">Mail <span class=\"badge badge--bad nav-count\"[^>]*>1<", nav)
    # Routed mail is listed with what became of it.
    routed_list = page(alice_http.get(MAIL, {"show": "routed"}))
    routed_list = routed_list[routed_list.index('id="mail-results"') :]
    assert "Reports fail" in routed_list and routed.incident.number in routed_list
    assert "Opened an incident" in routed_list and "Who am I" not in routed_list
    # The last 24 hours in numbers.
    assert re.search(r"Opened an incident</a> <strong>1</strong>", html)


def test_the_quarantine_is_searched_and_paged(world, alice_http):
    for i in range(27):
        quarantined(subject=f"Lost message {i:02}")
    quarantined(sender="odd@elsewhere.test", subject="Needle in the haystack")

    first = page(alice_http.get(MAIL))
    assert first.count("data-queue-row") == 25 and "1–25 of 28" in first
    second = page(alice_http.get(MAIL, {"page": 2}))
    assert second.count("data-queue-row") == 3 and "26–28 of 28" in second
    assert "Lost message 00" in second  # newest first: the first ones are last

    found = alice_http.get(MAIL, {"q": "elsewhere"}, HTTP_HX_REQUEST="true")
    html = page(found)
    assert html.lstrip().startswith('<div id="mail-results"')  # htmx gets the list only
    assert html.count("data-queue-row") == 1 and "Needle in the haystack" in html
    assert "No message matches." in page(alice_http.get(MAIL, {"q": "no-such-thing"}))


# ---- One message ------------------------------------------------------------------------------


def test_the_message_page_shows_why_it_is_quarantined_and_its_text(world, alice_http):
    inbound = quarantined(
        subject="Strange request",
        body="Hello,\nour FootPrints install is broken.",
        attachments=[("screenshot.pdf", b"%PDF-1.4 screenshot")],
    )
    html = page(alice_http.get(reverse("console:inbound", args=[inbound.pk])))
    assert "Strange request" in html and STRANGER in html
    reason = html[html.index('id="reason"') :]
    assert "Why it is in quarantine" in reason and "unknown sender" in reason
    assert "our FootPrints install is broken." in html
    assert inbound.message_id in html
    attachment_url = reverse("console:inbound-attachment", args=[inbound.pk, 0, "screenshot.pdf"])
    assert f'href="{attachment_url}"' in html
    for action in ("inbound-retry", "inbound-open", "inbound-dismiss"):
        assert reverse(f"console:{action}", args=[inbound.pk]) in html

    download = alice_http.get(attachment_url)
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == "application/octet-stream"
    assert download.content == b"%PDF-1.4 screenshot"


def test_an_html_mail_never_reaches_the_page_as_html(world, alice_http):
    payload = "<script>alert('owned')</script>"
    inbound = quarantined(
        body=f"Plain part {payload} <b>bold</b>",
        html=f"<p>Rich part</p>{payload}<img src=x onerror=\"alert('img')\">"
        '<a href="javascript:alert(1)">click</a>',
    )
    html = page(alice_http.get(reverse("console:inbound", args=[inbound.pk])))

    assert payload not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt;" in html  # the text, escaped
    assert "onerror" not in html and "javascript:alert" not in html  # the sanitizer's work
    # The HTML is a document of its own: sandboxed, loading nothing.
    frame = re.search(r"<iframe[^>]*>", html).group(0)
    assert 'sandbox=""' in frame and "srcdoc=" in frame
    assert "&lt;p&gt;Rich part&lt;/p&gt;" in frame
    assert "default-src &#x27;none&#x27;" in frame


def test_the_original_downloads_byte_for_byte_as_an_attachment(world, alice_http):
    raw = mail(body="Byte for byte.")
    inbound = deliver(raw)
    response = alice_http.get(reverse("console:inbound-raw", args=[inbound.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert response["Content-Disposition"] == f'attachment; filename="message-{inbound.pk}.eml"'
    assert response.content == raw


def test_a_message_that_is_not_mail_still_has_a_page(world, alice_http):
    inbound = intake.route(intake.store(b"\x00\x01 not mail at all", source="test").inbound)
    assert inbound.state == InboundMessage.State.QUARANTINED
    html = page(alice_http.get(reverse("console:inbound", args=[inbound.pk])))
    assert "Could not be read as mail" in html and "not mail at all" in html


# ---- Actions ----------------------------------------------------------------------------------


def test_retry_routes_the_message_again_once_the_sender_is_known(world, alice_http):
    inbound = quarantined(sender="new.person@acme.test")
    url = reverse("console:inbound-retry", args=[inbound.pk])

    # Still unknown: quarantined again, with the reason said.
    response = alice_http.post(url, follow=True)
    assert "quarantined again" in page(response)
    assert InboundMessage.objects.get(pk=inbound.pk).state == "quarantined"

    add_contact(world["acme"], "New Person", "new.person@acme.test")
    response = alice_http.post(url)
    inbound.refresh_from_db()
    assert response.status_code == 302
    assert (inbound.state, inbound.outcome) == ("processed", "created")
    assert inbound.incident.contact.email == "new.person@acme.test"

    # A message out of the quarantine cannot be retried: nothing changes.
    again = alice_http.post(url)
    assert again.status_code == 400 and "no longer in quarantine" in page(again)
    assert Incident.objects.count() == 1


def test_the_open_form_is_filled_from_the_mail(world, alice_http):
    # carol wrote about a product acme licenses twice over, so the router could not choose.
    inbound = quarantined(sender="carol@acme.test", subject="Help please", body="It broke.")
    html = page(alice_http.get(reverse("console:inbound", args=[inbound.pk])))
    form = html[html.index('id="open-form"') : html.index("</form>", html.index('id="open-form"'))]
    assert 'name="client" id="id_open_client" value="C-100"' in form
    carol = world["acme"].contacts.get(email="carol@acme.test")
    assert f'<option value="{carol.pk}" selected>Carol Contact &lt;carol@acme.test&gt;' in form
    assert 'value="Help please"' in form
    # Another client number (htmx asks as it is typed) lists that client's contacts.
    lookup = alice_http.get(
        reverse("console:inbound", args=[inbound.pk]), {"client": "C-200"}, HTTP_HX_REQUEST="true"
    )
    fragment = page(lookup)
    assert fragment.lstrip().startswith('<form method="post"')
    assert "Gary Globex" in fragment and "Carol Contact" not in fragment


def test_an_incident_is_opened_by_hand_with_the_mails_text_and_attachments(world, alice_http):
    inbound = quarantined(
        body="Our FootPrints reports fail since Monday.",
        attachments=[("log.pdf", b"%PDF-1.4 log")],
    )
    carol = world["acme"].contacts.get(email="carol@acme.test")
    response = alice_http.post(
        reverse("console:inbound-open", args=[inbound.pk]),
        {
            "client": "C-100",
            "shown_client": "C-100",
            "contact": carol.pk,
            "product": world["catalog"]["footprints"].pk,
            "severity": "2",
            "subject": "Reports fail (from the quarantine)",
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == incident.get_absolute_url()
    assert (incident.client, incident.contact, incident.severity) == (world["acme"], carol, 2)
    assert incident.subject == "Reports fail (from the quarantine)"
    assert "reports fail since Monday" in incident.events.get(kind="opened").body
    assert [a.filename for a in Attachment.objects.filter(incident=incident)] == ["log.pdf"]
    inbound.refresh_from_db()
    assert (inbound.state, inbound.incident) == ("processed", incident)


@pytest.mark.parametrize(
    "change, field, error",
    [
        ({"client": "C-999", "shown_client": "C-999"}, "client", "No client has this number."),
        ({"contact": "GARY"}, "contact", "Pick a contact of this client."),
        ({"subject": "  "}, "subject", "This field is required."),
        ({"severity": "9"}, "severity", "Select a valid choice."),
        # The number was changed: the new client's contacts are shown before anything opens.
        ({"client": "C-200", "contact": ""}, "contact", "Pick Globex"),
    ],
)
def test_bad_input_to_open_changes_nothing_and_says_why_at_the_field(
    world, alice_http, change, field, error
):
    inbound = quarantined()
    gary = world["globex"].contacts.get(email="gary@globex.test")
    data = {
        "client": "C-100",
        "shown_client": "C-100",
        "contact": "",
        "product": world["catalog"]["footprints"].pk,
        "severity": "3",
        "subject": "Cannot log in",
        **change,
    }
    if data["contact"] == "GARY":
        data["contact"] = gary.pk
    response = alice_http.post(reverse("console:inbound-open", args=[inbound.pk]), data)
    html = page(response)
    assert response.status_code == 400
    assert re.search(rf'<p class="field-error" id="id_open_{field}_error">[^<]*{error}', html)
    assert '<details class="action" id="action-open" open>' in html
    assert Incident.objects.count() == 0
    assert InboundMessage.objects.get(pk=inbound.pk).state == "quarantined"


def test_dismiss_asks_first_then_keeps_the_message_out_of_the_quarantine(world, alice_http):
    inbound = quarantined(subject="Cheap watches")
    url = reverse("console:inbound-dismiss", args=[inbound.pk])

    empty = alice_http.post(url, {"reason": " "})
    assert empty.status_code == 400
    assert 'id="id_dismiss_reason_error"' in page(empty)

    asked = alice_http.post(url, {"reason": "spam"})
    assert asked.status_code == 200 and "Dismiss this message?" in page(asked)
    assert 'name="confirmed" value="yes"' in page(asked)
    assert InboundMessage.objects.get(pk=inbound.pk).state == "quarantined"

    done = alice_http.post(url, {"reason": "spam", "confirmed": "yes"})
    assert done.status_code == 302
    inbound.refresh_from_db()
    assert inbound.state == "processed" and "spam" in inbound.reason
    assert InboundMessage.objects.filter(pk=inbound.pk).exists()  # still stored
    assert "Cheap watches" not in page(alice_http.get(MAIL)).split('id="mail-results"')[1]
    listed = page(alice_http.get(MAIL, {"show": "all"}))
    assert re.search(r"badge--neutral\">Dismissed</span>", listed)


# ---- Attachments on the incident page ---------------------------------------------------------


def test_mail_attachments_appear_on_the_console_timeline(world, alice_http):
    inbound = deliver(
        mail(
            sender="carol@acme.test",
            body="Product: FootPrints\nSee the log.",
            attachments=[("trace.pdf", b"%PDF-1.4 " + b"x" * 2048)],
        )
    )
    incident = inbound.incident
    file = Attachment.objects.get(incident=incident)
    html = page(alice_http.get(incident.get_absolute_url()))
    opened = re.search(r'<li class="event event--opened.*?</li>\s*(?=<li|</ol>)', html, re.S)
    assert opened, "the opening event"
    assert f'<a href="{file.get_absolute_url()}" download>trace.pdf</a>' in opened.group(0)
    assert "2.0\xa0KB" in opened.group(0)
    download = alice_http.get(file.get_absolute_url())
    assert download["Content-Disposition"].startswith("attachment")


def test_the_console_timeline_loads_attachments_without_a_query_per_event(world, alice_http):
    incident = deliver(mail(sender="carol@acme.test", attachments=[("a.pdf", b"%PDF a")])).incident

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert alice_http.get(incident.get_absolute_url()).status_code == 200
        return len(captured)

    few = queries()
    for i in range(4):
        deliver(
            mail(
                sender="carol@acme.test",
                subject=f"Re: {incident.number}",
                body=f"More {i}",
                attachments=[(f"more-{i}.pdf", b"%PDF b")],
            )
        )
    assert Attachment.objects.filter(incident=incident).count() == 5
    assert queries() == few


# ---- In a browser -----------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_agent_opens_an_incident_from_the_quarantine_in_a_browser(world, live_server, chromium):
    import os
    from pathlib import Path

    folder = os.environ.get("CAREDESK_SCREENSHOTS")

    def shot(page, name):
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"mail-{name}.png"), full_page=True)

    now = timezone.now()
    Mailbox.objects.create(
        name="support",
        address="support@vendor.test",
        host="imap.vendor.test",
        username="support",
        secret="x",
        last_fetch_at=now - timedelta(minutes=1),
        last_success_at=now - timedelta(minutes=25),
        last_error="IMAP4.error: b'[AUTHENTICATIONFAILED] Authentication failed.'",
        failing_since=now - timedelta(minutes=24),
        alerted_at=now - timedelta(minutes=9),
    )
    deliver(mail(sender="carol@acme.test", subject="Reports fail"))
    quarantined(sender="promo@cheap.test", subject="Cheap watches")
    inbound = quarantined(
        sender="Gary's colleague <greta@globex.test>",
        subject="Track-It! licence server down",
        body="Our licence server refuses every login since 9:00. <script>alert(1)</script>",
        html="<h2>Licence server down</h2><p>Refuses <b>every</b> login since 9:00.</p>"
        "<script>document.title='owned'</script><img src='https://tracker.test/p.gif'>",
        attachments=[("licence.log.pdf", b"%PDF-1.4 " + b"x" * 4000)],
    )

    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(10000)  # a loaded CI machine, not a slow page
    page = context.new_page()
    remote = []
    page.on("request", lambda request: remote.append(request.url))
    base = live_server.url
    try:
        page.goto(f"{base}/accounts/login/?next=/console/mail/")
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill("test-pass-123")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base}/console/mail/")
        assert page.locator(".console-nav .nav-count").inner_text().startswith("2")
        assert page.locator("#mail-results [data-queue-row]").count() == 2
        shot(page, "quarantine")

        page.keyboard.press("j")  # the newest first: the stranger from Globex
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/console/mail/{inbound.pk}/")
        page.locator("#html-preview summary").click()
        page.wait_for_timeout(200)
        assert page.title() != "owned"  # the sandbox runs no script
        assert not [url for url in remote if "tracker.test" in url]  # and loads nothing
        assert page.locator("#mail-text").inner_text().endswith("<script>alert(1)</script>")
        shot(page, "inbound")

        page.locator("#action-open summary").click()
        page.get_by_label("Client number").fill("C-200")
        page.get_by_label("Client number").press("Tab")  # htmx lists Globex's contacts
        page.wait_for_selector("#id_open_contact option:has-text('Gary Globex')", state="attached")
        page.get_by_label("Contact").select_option(label="Gary Globex <gary@globex.test>")
        page.get_by_label("Product").select_option(label=world["catalog"]["track-it"].name)
        shot(page, "open-form")
        page.get_by_role("button", name="Open the incident").click()
        page.wait_for_url(f"{base}/console/incidents/INC-*/")
        incident = Incident.objects.get(client=world["globex"])
        assert incident.contact.email == "gary@globex.test"
        assert page.locator(".event-files a", has_text="licence.log.pdf").count() == 1
        shot(page, "incident")
    finally:
        context.close()
