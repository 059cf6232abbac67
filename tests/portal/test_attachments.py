"""Files that came with the client's mail, on the portal's incident page: each under the message
it came with, downloaded through the attachment's own access rule. A file on an internal event
(an automatic reply kept for the agents) never reaches a contact."""

import re
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.utils import timezone

from caredesk.incidents.models import Attachment
from caredesk.mail import intake
from tests.console.conftest import signed_in as staff_signed_in
from tests.portal.conftest import signed_in, text


def mail(subject, body, attachment, **headers) -> bytes:
    message = EmailMessage()
    message["From"] = "Carol Contact <carol@acme.test>"
    message["To"] = "support@caredesk.localhost"
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = make_msgid(domain="acme.test")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    filename, content = attachment
    message.add_attachment(content, maintype="application", subtype="pdf", filename=filename)
    return message.as_bytes()


def deliver(raw: bytes):
    return intake.route(intake.store(raw, source="test").inbound)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


@pytest.fixture
def mailed(world):
    """carol's incident opened by mail with error-log.pdf, and an out-of-office answer on it
    carrying internal.pdf (automatic mail: an internal note, for the agents only)."""
    inbound = deliver(
        mail(
            "Reports fail",
            "Product: FootPrints\nThe log is attached.",
            ("error-log.pdf", b"%PDF log"),
        )
    )
    incident = inbound.incident
    auto = deliver(
        mail(
            f"Out of office: Re: {incident.number}",
            "I am away until Monday.",
            ("internal.pdf", b"%PDF away"),
            Auto_Submitted="auto-replied",
        )
    )
    assert auto.outcome == "auto-reply" and auto.incident == incident
    public = Attachment.objects.get(incident=incident, filename="error-log.pdf")
    internal = Attachment.objects.get(incident=incident, filename="internal.pdf")
    assert internal.event.internal and not public.event.internal
    return incident, public, internal


def test_the_portal_shows_the_files_of_the_clients_messages(world, mailed):
    incident, public, internal = mailed
    carol = signed_in("carol")
    html = text(carol.get(f"/portal/incidents/{incident.number}/"))
    history = html[html.index('id="history"') :]
    entry = re.search(rf'id="event-{public.event_id}".*?</li>\s*(?=<li|</ol>)', history, re.S)
    assert entry, "the opening message"
    assert f'<a href="{public.get_absolute_url()}" download>error-log.pdf</a>' in entry.group(0)
    assert "internal.pdf" not in html and internal.get_absolute_url() not in html

    download = carol.get(public.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == b"%PDF log"


def test_an_internal_events_file_never_reaches_a_contact(world, mailed):
    incident, public, internal = mailed
    assert signed_in("carol").get(internal.get_absolute_url()).status_code == 404
    # Another client's contact gets neither.
    gary = signed_in("gary")
    assert gary.get(public.get_absolute_url()).status_code == 404
    assert gary.get(f"/portal/incidents/{incident.number}/").status_code == 404
    # The agents see both on the console.
    console = text(staff_signed_in(world["alice"]).get(incident.get_absolute_url()))
    assert "error-log.pdf" in console and "internal.pdf" in console
