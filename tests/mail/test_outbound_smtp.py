"""The outbox sent through a real SMTP server (the aiosmtpd sink), read back from its Maildir:
threading and loop-protection headers, the signed reply address, text and HTML parts, the
invitation of a booked session; a transport failure keeps the mail queued until the server is
back, and it then goes once."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from caredesk.incidents import actions
from caredesk.mail import tokens
from caredesk.mail.models import OutboundMessage
from caredesk.mail.outbox import send_due

CLIENT_MAIL = "request-1@acme.test"


def parts(message) -> dict[str, list]:
    found: dict[str, list] = {}
    for part in message.walk():
        if not part.is_multipart():
            found.setdefault(part.get_content_type(), []).append(part)
    return found


def ids(header) -> list[str]:
    return str(header or "").split()


def test_notifications_arrive_with_threading_headers_parts_and_the_invitation(
    world, smtp_sink, open_carol
):
    incident = open_carol(channel="email", mail_message_id=CLIENT_MAIL)
    actions.reply(incident, "Please restart the report service.", by=world["alice"])
    session = actions.book_session(
        incident,
        by=world["alice"],
        starts_at=(timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0),
        minutes=45,
        notes="We connect to the report server.",
    )
    outbox = {m.kind: m for m in OutboundMessage.objects.filter(incident=incident)}
    assert set(outbox) == {"acknowledgement", "reply", "session"}

    assert send_due() == 3
    received = smtp_sink.sink()
    assert len(received) == 3
    by_id = {m["Message-ID"]: m for m in received}
    ack, reply, invite = (
        by_id[f"<{outbox[kind].message_id}>"] for kind in ("acknowledgement", "reply", "session")
    )
    for kind, message in (("acknowledgement", ack), ("reply", reply), ("session", invite)):
        sent = outbox[kind]
        sent.refresh_from_db()
        assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, "")
        assert message["X-RcptTo"] == "carol@acme.test" == message["To"]
        assert message["X-MailFrom"] == settings.DEFAULT_FROM_EMAIL == message["From"]
        assert message["Subject"] == sent.subject and incident.number in sent.subject
        # Our Message-ID names the incident, signed; the reply address does too.
        assert tokens.incident_of_message_id(sent.message_id) == incident.pk
        reply_to = str(message["Reply-To"])
        assert reply_to.startswith("support+") and reply_to.endswith("@caredesk.localhost")
        assert tokens.incident_of_address(reply_to) == incident.pk
        # Text and HTML, in a multipart/alternative.
        found = parts(message)
        assert len(found["text/plain"]) == 1 and len(found["text/html"]) == 1
        assert message.get_content_type() in ("multipart/alternative", "multipart/mixed")
        assert incident.number in found["text/plain"][0].get_content()
        assert "<html" in found["text/html"][0].get_content()

    # The acknowledgement answers the client's mail, as an automatic reply (RFC 3834).
    assert ids(ack["In-Reply-To"]) == [f"<{CLIENT_MAIL}>"]
    assert ids(ack["References"]) == [f"<{CLIENT_MAIL}>"]
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["X-Auto-Response-Suppress"] == "All"
    assert "We received your request" in ack["Subject"]

    # The agent's reply is a person's mail: no Auto-Submitted; it threads under the ack.
    assert ids(reply["In-Reply-To"]) == [ack["Message-ID"]]
    assert ids(reply["References"]) == [f"<{CLIENT_MAIL}>", ack["Message-ID"]]
    assert reply["Auto-Submitted"] is None and reply["X-Auto-Response-Suppress"] is None
    assert "Please restart the report service." in parts(reply)["text/plain"][0].get_content()

    # The booked session: automatic (generated), with its iCalendar invitation attached.
    assert invite["Auto-Submitted"] == "auto-generated"
    assert invite["X-Auto-Response-Suppress"] == "All"
    assert ids(invite["In-Reply-To"]) == [reply["Message-ID"]]
    assert ids(invite["References"]) == [
        f"<{CLIENT_MAIL}>",
        ack["Message-ID"],
        reply["Message-ID"],
    ]
    assert invite.get_content_type() == "multipart/mixed"
    (attachment,) = list(invite.iter_attachments())
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    ics = attachment.get_content()
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "BEGIN:VEVENT" in ics and f"UID:{session.uid}" in ics
    assert "mailto:carol@acme.test" in ics.replace("\r\n ", "")

    # Nothing goes twice.
    assert send_due() == 0 and len(smtp_sink.sink()) == 3


def _gone(pid: int, within: float = 15) -> None:
    """Wait until the process has exited (aiosmtpd takes a second or two after SIGTERM)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError(f"pid {pid} still runs {within:.0f} s after SIGTERM")


def test_a_transport_failure_keeps_the_mail_queued_until_the_server_is_back(
    world, smtp_sink, open_carol
):
    incident = open_carol()
    ack = OutboundMessage.objects.get(incident=incident, kind="acknowledgement")

    sink = smtp_sink.sink_pid()
    os.kill(sink, signal.SIGTERM)  # the sink this session started
    try:
        _gone(sink)
        before = timezone.now()
        assert send_due() == 0
        ack.refresh_from_db()
        assert (ack.status, ack.attempts) == ("queued", 1)
        assert "Connection refused" in ack.last_error or "ConnectionRefused" in ack.last_error
        assert ack.next_attempt_at > before and ack.sent_at is None
        # Not due again before its backoff: no second attempt now.
        assert send_due() == 0
        ack.refresh_from_db()
        assert ack.attempts == 1
    finally:
        smtp_sink.start()  # restarts only the sink

    assert send_due(now=ack.next_attempt_at) == 1
    ack.refresh_from_db()
    assert (ack.status, ack.attempts) == ("sent", 2)
    assert ack.sent_at is not None
    received = smtp_sink.sink()
    assert [m["Message-ID"] for m in received] == [f"<{ack.message_id}>"]
    assert send_due(now=ack.next_attempt_at + timedelta(hours=1)) == 0
    assert len(smtp_sink.sink()) == 1
