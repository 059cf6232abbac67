"""Routing inbound mail into the incident actions: threading, identity, automatic mail,
bounces, unknown senders and the checklist by mail."""

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.utils import timezone

from caredesk.incidents.models import Event, Incident
from caredesk.mail import intake, tokens
from caredesk.mail.models import InboundMessage, OutboundMessage, Recipient
from caredesk.policy import get_policy, use_policy


def mail(sender="carol@acme.test", subject="Reports fail", body="It fails.", **headers) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@caredesk.localhost"
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = headers.pop("message_id", make_msgid(domain="acme.test"))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def deliver(raw: bytes) -> InboundMessage:
    stored = intake.store(raw, source="test")
    return intake.route(stored.inbound)


def test_a_known_contact_opens_an_incident_with_the_checklist_read_from_the_text(world):
    body = (
        "The nightly report fails.\n\nProduct: FootPrints\nOS: Windows Server 2019\n"
        "Database: SQL Server 2019\nService packs: none\nHot fixes: none\nSeverity: 2\n"
    )
    inbound = deliver(mail(body=body))
    assert inbound.outcome == "created" and inbound.state == "processed"
    incident = inbound.incident
    assert (incident.channel, incident.severity) == ("email", 2)
    assert incident.product_line.slug == "footprints"
    assert incident.intake["os"] == "Windows Server 2019"
    assert incident.missing == ["steps"]
    ack = OutboundMessage.objects.get(incident=incident, kind="acknowledgement")
    assert incident.number in ack.subject and "Steps to reproduce" in ack.body_text
    assert ack.headers["In-Reply-To"] == f"<{inbound.message_id}>"
    assert ack.headers["Auto-Submitted"] == "auto-replied"


def test_the_same_message_twice_is_stored_and_routed_once(world):
    raw = mail(body="Product: FootPrints\nIt fails.")
    first = intake.store(raw, source="a")
    second = intake.store(raw, source="b")
    assert (first.duplicate, second.duplicate) == (False, True)
    intake.route(first.inbound)
    intake.route(first.inbound)  # a second pass changes nothing
    assert Incident.objects.count() == 1
    assert InboundMessage.objects.count() == 1


def test_a_reply_joins_its_incident_by_our_signed_message_id(world):
    incident = deliver(mail(body="Product: FootPrints\nIt fails.")).incident
    ours = OutboundMessage.objects.get(incident=incident, kind="acknowledgement").message_id
    reply = deliver(
        mail(
            subject="Re: Reports fail",
            body="Steps to reproduce:\nRun it.\n",
            In_Reply_To=f"<{ours}>",
        )
    )
    assert (reply.outcome, reply.incident) == ("appended", incident)
    incident.refresh_from_db()
    assert incident.intake["steps"] == "Run it."
    assert Incident.objects.count() == 1


def test_a_forged_token_or_another_clients_sender_never_joins_the_thread(world):
    incident = deliver(mail(body="Product: FootPrints\nIt fails.")).incident
    forged = f"cd.{incident.pk}.abcdef.{'0' * 20}@{tokens.domain()}"
    assert tokens.incident_of_message_id(forged) is None
    stranger = deliver(
        mail(
            subject="Re: Reports fail", In_Reply_To=f"<{forged}>", body="Product: FootPrints\nHello"
        )
    )
    assert stranger.incident != incident  # a new incident of acme, not the thread
    ours = OutboundMessage.objects.filter(incident=incident).first().message_id
    outsider = deliver(
        mail(
            sender="gary@globex.test",
            subject=f"Re: [{incident.number}] x",
            In_Reply_To=f"<{ours}>",
            body="Let me in",
        )
    )
    assert outsider.incident is None or outsider.incident.client == world["globex"]
    assert incident.events.filter(kind=Event.Kind.CLIENT_MESSAGE).count() == 0


def test_the_number_in_the_subject_threads_only_for_that_clients_senders(world):
    incident = deliver(mail(body="Product: FootPrints\nIt fails.")).incident
    same = deliver(mail(subject=f"About {incident.number}", body="More details"))
    assert (same.outcome, same.incident) == ("appended", incident)


def test_the_display_name_is_never_identity(world):
    inbound = deliver(
        mail(
            sender='"carol@acme.test" <mallory@evil.example>',
            body="Product: FootPrints\nGive me data",
        )
    )
    assert inbound.state == "quarantined" and inbound.incident is None
    assert "mallory@evil.example" in inbound.reason


def test_automatic_mail_is_kept_on_the_thread_but_never_answered_nor_resumes_a_clock(world):
    incident = deliver(mail(body="Product: FootPrints\nIt fails.")).incident
    from caredesk.incidents import actions

    actions.request_information(incident, by=world["alice"])
    ours = OutboundMessage.objects.filter(incident=incident).latest("created_at").message_id
    sent_before = OutboundMessage.objects.count()
    ooo = deliver(
        mail(
            subject="Out of Office: Information needed",
            In_Reply_To=f"<{ours}>",
            Auto_Submitted="auto-replied",
            body="I am away until Monday.",
        )
    )
    assert (ooo.outcome, ooo.incident) == ("auto-reply", incident)
    incident.refresh_from_db()
    assert incident.status == Incident.Status.WAITING_ON_CLIENT
    assert OutboundMessage.objects.count() == sent_before
    assert incident.events.filter(kind=Event.Kind.NOTE, data__automatic=True).exists()


def test_our_own_mail_coming_back_is_dropped(world):
    incident = deliver(mail(body="Product: FootPrints\nIt fails.")).incident
    ack = OutboundMessage.objects.get(incident=incident, kind="acknowledgement")
    echo = deliver(mail(sender="support@caredesk.localhost", message_id=f"<{ack.message_id}>"))
    assert echo.outcome == "duplicate" and Incident.objects.count() == 1


def test_a_bounce_is_attached_to_its_incident_and_marks_the_recipient_failing(world):
    incident = deliver(mail(body="Product: FootPrints\nIt fails.")).incident
    ack = OutboundMessage.objects.get(incident=incident, kind="acknowledgement")
    report = (
        "From: MAILER-DAEMON@mx.acme.test\r\nTo: support@caredesk.localhost\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: {make_msgid(domain='mx.acme.test')}\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.acme.test\r\n\r\n"
        "Final-Recipient: rfc822; carol@acme.test\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 no such user\r\n\r\n"
        "--b1\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: <{ack.message_id}>\r\nSubject: x\r\n\r\n--b1--\r\n"
    ).encode()
    inbound = deliver(report)
    assert (inbound.outcome, inbound.incident) == ("bounce", incident)
    assert Recipient.objects.get(address="carol@acme.test").failing
    # Automatic mail to a failing address is held back.
    from caredesk.incidents import notify

    notify.acknowledge(incident)
    held = OutboundMessage.objects.filter(incident=incident, kind="acknowledgement").latest("pk")
    assert held.status == "suppressed" and "bounced" in held.last_error


def test_unknown_senders_follow_the_policy(world, tmp_path):
    raw = mail(sender="newperson@acme.example", body="Product: FootPrints\nHello")
    inbound = deliver(raw)
    assert inbound.state == "quarantined" and "unknown sender" in inbound.reason
    acme = world["acme"]
    acme.mail_domains = ["acme.example"]
    acme.save()
    text = (
        get_policy()
        .path.read_text()
        .replace('unknown_senders = "quarantine"', 'unknown_senders = "known-domains"')
    )
    (tmp_path / "p.toml").write_text(text)
    from caredesk.policy import load_policy

    with use_policy(load_policy(tmp_path / "p.toml")):
        created = deliver(mail(sender="newperson@acme.example", body="Product: FootPrints\nHi"))
    assert created.outcome == "created"
    assert created.incident.contact.email == "newperson@acme.example"


def test_without_entitlement_the_mail_incident_waits_for_review_and_says_why(world):
    inbound = deliver(mail(sender="mallory@initech.test", body="Product: FootPrints\nHelp"))
    incident = inbound.incident
    assert incident.entitlement == Incident.Entitlement.DENIED
    notice = OutboundMessage.objects.get(incident=incident, kind="not-entitled")
    assert "P-DEFAULT" in notice.body_text


def test_mail_to_a_closed_incident_opens_a_new_one(world):
    from caredesk.incidents import actions

    incident = deliver(mail(body="Product: FootPrints\nIt fails.")).incident
    actions.close(incident, by=world["carol"])
    again = deliver(
        mail(
            subject=f"Re: [{incident.number}] Reports fail", body="Product: FootPrints\nIt is back"
        )
    )
    assert again.outcome == "created" and again.incident != incident


@pytest.mark.parametrize(
    "header",
    [
        ("Precedence", "bulk"),
        ("Auto-Submitted", "auto-generated"),
        ("X-Auto-Response-Suppress", "All"),
    ],
)
def test_no_acknowledgement_to_automatic_mail(world, header):
    raw = mail(body="Product: FootPrints\nnewsletter", **{header[0].replace("-", "_"): header[1]})
    inbound = deliver(raw)
    assert inbound.outcome == "auto-reply"
    assert not OutboundMessage.objects.filter(kind="acknowledgement").exists()
