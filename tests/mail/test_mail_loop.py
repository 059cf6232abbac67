"""A mail loop with an auto-responder stops (issue 4, "Done when": a loop with an auto-responder
that answers every mail stops within the cap).

The responder is simulated against the real servers: after every caredesk pass (fetch the
Dovecot INBOX, send the outbox to the SMTP sink) it reads what the sink received for its address
and answers each message through LMTP into the support INBOX, from a known contact's address,
with a new Message-ID and In-Reply-To set. The exchange runs until a pass sends nothing (it
stopped) or for at most MAX_ROUNDS passes (it did not: the test fails).

- The worst case answers WITHOUT any header saying it is automatic and without anything that
  threads it to our mail: In-Reply-To names its own previous message, the subject drops our
  incident number, and it writes to the plain support address, not our signed Reply-To (as a
  ticket system acknowledging "your ticket" does). Each answer looks like a new request from
  carol, so each opens an incident and is acknowledged, until the rate cap (10 automatic
  messages per recipient in 10 minutes) suppresses the acknowledgement: nothing more is sent,
  nothing more comes back.
- A responder that does thread (In-Reply-To our Message-ID) joins the incident: one exchange.
- The polite responder marks its answers `Auto-Submitted: auto-replied`: caredesk answers
  none of them.
"""

from __future__ import annotations

from email.utils import make_msgid

import pytest

from caredesk.incidents.models import Incident
from caredesk.mail.imap import fetch_mailbox
from caredesk.mail.models import InboundMessage, OutboundMessage
from caredesk.mail.outbox import RATE_CAP, send_due

from .conftest import compose

CAROL = "carol@acme.test"
MAX_ROUNDS = 3 * RATE_CAP


class Responder:
    """Answers every message the sink received for `address`, once."""

    def __init__(self, servers, address: str, style: str):
        self.servers, self.address, self.style = servers, address, style
        self.seen = 0
        self.last_id = make_msgid(domain="acme.test")
        self.answered: list[str] = []

    def answer_new_mail(self) -> int:
        new = self.servers.sink(skip=self.seen)
        self.seen += len(new)
        answers = []
        for message in new:
            if message["X-RcptTo"] != self.address:
                continue
            ours = message["Message-ID"]
            self.answered.append(ours)
            headers = {}
            if self.style == "threading":
                subject, to, in_reply_to = f"Re: {message['Subject']}", message["Reply-To"], ours
            else:  # blind or polite: its own thread, the plain support address
                subject, to, in_reply_to = "Thank you for your message", None, self.last_id
            if self.style == "polite":
                headers["Auto_Submitted"] = "auto-replied"
            self.last_id = make_msgid(domain="acme.test")
            answers.append(
                compose(
                    self.address,
                    subject,
                    "Thank you for your message. We will get back to you shortly.",
                    to=str(to or self.servers.user),
                    message_id=self.last_id,
                    In_Reply_To=in_reply_to,
                    **headers,
                )
            )
        if answers:
            self.servers.deliver(*answers)
        return len(answers)


def run_exchange(mail, box, style: str) -> tuple[Responder, int]:
    """Carol writes once; then caredesk and the responder take turns until caredesk sends
    nothing more. Returns the responder and the number of passes it took."""
    responder = Responder(mail, CAROL, style)
    mail.deliver(compose(CAROL, "Reports fail", "The nightly report fails with error 42."))
    for rounds in range(1, MAX_ROUNDS + 1):
        report = fetch_mailbox(box)
        assert report.error == "", report.error
        send_due()
        if responder.answer_new_mail() == 0:
            return responder, rounds
    pytest.fail(f"the exchange did not stop within {MAX_ROUNDS} passes ({style} responder)")


def automatic_to(address: str):
    return OutboundMessage.objects.filter(to=address, automatic=True)


def test_a_loop_with_a_blind_auto_responder_stops_at_the_rate_cap(mail, imap_mailbox, smtp_sink):
    responder, rounds = run_exchange(mail, imap_mailbox, "blind")

    delivered = [m for m in mail.sink() if m["X-RcptTo"] == CAROL]
    assert len(delivered) == RATE_CAP  # the loop ran up to the cap, and no further
    assert len(responder.answered) == RATE_CAP
    assert automatic_to(CAROL).filter(status="sent").count() == RATE_CAP
    suppressed = automatic_to(CAROL).filter(status="suppressed")
    assert suppressed.count() >= 1
    assert all(m.last_error.startswith("rate cap:") for m in suppressed)
    assert automatic_to(CAROL).filter(status="queued").count() == 0
    # Each answer looked like a new request: one incident per answer sent, plus carol's own.
    assert Incident.objects.count() == RATE_CAP + 1
    assert InboundMessage.objects.count() == RATE_CAP + 1
    assert rounds == RATE_CAP + 1

    # The cap holds over the window, not per pass: more answers now still send nothing.
    more = [compose(CAROL, "Thank you for your message", "Thanks.") for _ in range(3)]
    mail.deliver(*more)
    fetch_mailbox(imap_mailbox)
    assert send_due() == 0
    assert len([m for m in mail.sink() if m["X-RcptTo"] == CAROL]) == RATE_CAP


def test_a_responder_that_threads_its_answers_joins_the_incident_and_it_stops(
    mail, imap_mailbox, smtp_sink
):
    responder, rounds = run_exchange(mail, imap_mailbox, "threading")

    (incident,) = Incident.objects.all()
    assert len(responder.answered) == 1  # our acknowledgement, answered once
    assert [m.outcome for m in InboundMessage.objects.order_by("pk")] == ["created", "appended"]
    assert InboundMessage.objects.order_by("pk").last().incident == incident
    assert automatic_to(CAROL).count() == 1
    assert rounds == 2


def test_a_polite_auto_responder_gets_no_answer_at_all(mail, imap_mailbox, smtp_sink):
    responder, rounds = run_exchange(mail, imap_mailbox, "polite")

    # Carol's own request is acknowledged; her responder's answer to it gets nothing back.
    assert len(responder.answered) == 1
    assert Incident.objects.count() == 1
    assert OutboundMessage.objects.filter(to=CAROL).count() == 1
    answer = InboundMessage.objects.order_by("pk").last()
    assert answer.outcome == "auto-reply"
    assert len([m for m in mail.sink() if m["X-RcptTo"] == CAROL]) == 1
    assert rounds == 2
