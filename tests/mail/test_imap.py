"""IMAP intake against a real Dovecot: mail delivered by LMTP, fetched by `fetch_mailbox`.

Each message is stored once, byte for byte as the server returns it, flagged (or moved) on the
server only after it is stored, and routed; a second fetch finds nothing; two fetches racing
over the same mailbox store each message once; a failing mailbox records its error, alerts the
managers once after 15 minutes, and recovers.
"""

from __future__ import annotations

import hashlib
import imaplib
import itertools
import json
import socket
from datetime import timedelta
from email.parser import BytesHeaderParser

import pytest
from django.utils import timezone

from caredesk.incidents import actions
from caredesk.incidents.models import Event, Incident
from caredesk.mail import imap, tokens
from caredesk.mail.imap import fetch_mailbox
from caredesk.mail.models import InboundMessage, Mailbox, OutboundMessage
from caredesk.mail.outbox import send_due

from .conftest import KEYWORD, ROOT, compose, crlf, run_python, subprocess_env

# What Dovecot's LMTP puts in front of the message as it was sent, and nothing else.
LMTP_HEADERS = ["Return-Path", "Delivered-To", "Received"]
KILL_WORLD = ROOT / "tests" / "mail" / "kill_world.py"


def clock_states(incident) -> list[tuple]:
    return sorted(incident.clocks.values_list("target", "state", "due_at"))


def prefix_headers(stored: bytes, sent: bytes) -> list[str]:
    """The names of the header fields in front of `sent` in `stored` (which must end with it)."""
    assert stored.endswith(crlf(sent))
    prefix = stored[: len(stored) - len(crlf(sent))]
    return list(BytesHeaderParser().parsebytes(prefix + b"\r\n").keys())


def test_fetch_stores_each_message_once_byte_for_byte_then_flags_and_routes_it(
    mail, imap_mailbox, open_carol, world
):
    earlier = open_carol()  # through the portal; its acknowledgement is our Message-ID
    ack = OutboundMessage.objects.get(incident=earlier, kind="acknowledgement")
    waiting = open_carol(subject="Export hangs")
    actions.request_information(waiting, by=world["alice"], message="Which server?")
    asked = OutboundMessage.objects.get(incident=waiting, kind="request-info")
    clocks_before = clock_states(waiting)
    new = compose(subject="Track-It! will not start", body="Product: Track-It!\nIt crashes.")
    reply = compose(
        subject=f"Re: [{earlier.number}] We received your request",
        body="Steps to reproduce:\nOpen the report and run it.\n\n> quoted acknowledgement",
        In_Reply_To=f"<{ack.message_id}>",
        References=f"<{ack.message_id}>",
    )
    no_id = compose(subject="Licence keys lost", body="Where are our keys?", message_id=None)
    auto = compose(
        subject="Automatic reply: out of the office",
        body="I am away until Monday.",
        Auto_Submitted="auto-replied",
        In_Reply_To=f"<{asked.message_id}>",
    )
    sent = {"new": new, "reply": reply, "no-id": no_id, "auto": auto}
    mail.deliver(*sent.values())

    report = fetch_mailbox(imap_mailbox)

    assert (report.fetched, report.stored, report.duplicates, report.error) == (4, 4, 0, "")
    on_server = mail.messages()
    assert len(on_server) == 4 == InboundMessage.objects.count()
    by_name = {}
    for uid, message in on_server.items():
        # Flagged on the server (and seen), after the commit.
        assert {KEYWORD, "\\Seen"} <= message["flags"], message["flags"]
        inbound = InboundMessage.objects.get(source=f"imap:support/INBOX/{uid}")
        # Byte for byte what Dovecot returns: LMTP's trace headers, then the message as sent.
        assert bytes(inbound.raw) == message["raw"]
        assert (inbound.size, inbound.raw_sha256) == (
            len(message["raw"]),
            hashlib.sha256(message["raw"]).hexdigest(),
        )
        (name,) = [n for n, raw in sent.items() if message["raw"].endswith(crlf(raw))]
        assert prefix_headers(message["raw"], sent[name]) == LMTP_HEADERS
        by_name[name] = inbound
    assert {i.mailbox_id for i in by_name.values()} == {imap_mailbox.pk}
    assert all(i.state != InboundMessage.State.RECEIVED for i in by_name.values())

    # A new request from a known contact opens an incident, acknowledged under its Message-ID.
    created = by_name["new"]
    assert (created.outcome, created.state) == ("created", "processed")
    assert created.incident.product_line.slug == "track-it"
    assert created.incident.channel == "email"
    new_ack = OutboundMessage.objects.get(incident=created.incident, kind="acknowledgement")
    assert new_ack.headers["In-Reply-To"] == f"<{created.message_id}>"

    # The reply to our acknowledgement joins its incident, no new one, no acknowledgement.
    joined = by_name["reply"]
    assert (joined.outcome, joined.incident) == ("appended", earlier)
    message = earlier.events.get(kind=Event.Kind.CLIENT_MESSAGE)
    assert message.data["mail"] == joined.message_id
    assert "Open the report and run it." in message.body

    # Without a Message-ID the message is unique by a hash of its raw bytes.
    hashed = by_name["no-id"]
    assert hashlib.sha256(bytes(hashed.raw)).hexdigest() in hashed.message_id
    assert hashed.outcome == "created" and hashed.incident.subject == "Licence keys lost"

    # The auto-reply to our question goes on its thread as a note: it answers nothing, so the
    # incident still waits on the client with its clocks as they were; no acknowledgement.
    auto_in = by_name["auto"]
    assert (auto_in.outcome, auto_in.incident) == ("auto-reply", waiting)
    assert waiting.events.filter(kind=Event.Kind.NOTE, internal=True).count() == 1
    waiting.refresh_from_db()
    assert waiting.status == Incident.Status.WAITING_ON_CLIENT
    assert clock_states(waiting) == clocks_before

    assert Incident.objects.count() == 4
    acks = OutboundMessage.objects.filter(kind="acknowledgement")
    assert sorted(a.incident_id for a in acks) == sorted(
        [earlier.pk, waiting.pk, created.incident_id, hashed.incident_id]
    )

    # A second fetch finds nothing: the keyword hides what is stored.
    again = fetch_mailbox(imap_mailbox)
    assert (again.fetched, again.stored, again.duplicates, again.error) == (0, 0, 0, "")
    assert InboundMessage.objects.count() == 4 and Incident.objects.count() == 4
    imap_mailbox.refresh_from_db()
    assert imap_mailbox.last_success_at is not None and imap_mailbox.failing_since is None
    assert (imap_mailbox.last_error, imap_mailbox.backlog) == ("", 0)


def test_a_message_stored_but_not_flagged_is_a_duplicate_next_time_and_flagged_then(
    mail, imap_mailbox
):
    """A crash between the commit and the flag: the next fetch finds the message again."""
    mail.deliver(compose(subject="Reports fail"))
    fetch_mailbox(imap_mailbox)
    conn = mail.imap()
    conn.select("INBOX")
    conn.store("1:*", "-FLAGS.SILENT", f"({KEYWORD})")
    conn.logout()
    assert mail.search("NOT", "KEYWORD", KEYWORD) != []

    report = fetch_mailbox(imap_mailbox)

    assert (report.fetched, report.stored, report.duplicates) == (1, 0, 1)
    assert mail.search("NOT", "KEYWORD", KEYWORD) == []
    assert InboundMessage.objects.count() == Incident.objects.count() == 1
    assert OutboundMessage.objects.filter(kind="acknowledgement").count() == 1


def test_a_mailbox_with_a_processed_folder_moves_its_mail_there(mail, imap_mailbox):
    mail.create_folder("Done/Support")
    imap_mailbox.processed_folder = "Done/Support"
    imap_mailbox.save()
    first = [compose(subject=f"Request {n}") for n in range(3)]
    mail.deliver(*first)
    delivered = sorted(m["raw"] for m in mail.messages().values())

    report = fetch_mailbox(imap_mailbox)

    assert (report.stored, report.error) == (3, "")
    assert mail.messages() == {}
    moved = sorted(m["raw"] for m in mail.messages("Done/Support").values())
    assert moved == delivered == sorted(bytes(i.raw) for i in InboundMessage.objects.all())
    assert Incident.objects.count() == 3

    # The same message again in the INBOX (stored, but the move was lost): moved as a duplicate.
    mail.deliver(first[0])
    report = fetch_mailbox(imap_mailbox)
    assert (report.fetched, report.stored, report.duplicates) == (1, 0, 1)
    assert mail.messages() == {} and len(mail.messages("Done/Support")) == 4
    assert InboundMessage.objects.count() == Incident.objects.count() == 3


def test_moving_to_the_processed_folder_uses_move_and_expunges_nothing_else(
    mail, imap_mailbox, monkeypatch
):
    """Dovecot offers MOVE (RFC 6851) once logged in: one atomic command per message. The
    fallback (COPY, flag \\Deleted, EXPUNGE) is not atomic (a crash between COPY and EXPUNGE
    leaves the message in both folders) and its EXPUNGE removes every message in the folder
    flagged \\Deleted, also those another mail client flagged that caredesk never stored."""
    conn = mail.imap()
    offered = conn.capability()[1][0].decode().upper().split()
    conn.logout()
    assert "MOVE" in offered and "UIDPLUS" in offered
    mail.create_folder("Processed")
    imap_mailbox.processed_folder = "Processed"
    imap_mailbox.save()
    mail.deliver(compose(subject="First"), compose(subject="Deleted by an agent's client"))
    conn = mail.imap()
    conn.select("INBOX")
    conn.store("2", "+FLAGS.SILENT", r"(\Deleted)")  # not expunged: it can still be undeleted
    conn.logout()
    sent = []
    real_command = imaplib.IMAP4._simple_command

    def command(self, name, *args):
        sent.append(f"UID {args[0].upper()}" if name == "UID" else name)
        return real_command(self, name, *args)

    monkeypatch.setattr(imaplib.IMAP4, "_simple_command", command)

    report = fetch_mailbox(imap_mailbox, batch=1)  # the first message only

    assert (report.stored, report.backlog, report.error) == (1, 1, "")
    assert len(mail.messages("Processed")) == 1
    # The other client's message is still there, flagged, not yet fetched.
    assert [m["flags"] for m in mail.messages().values()] == [{"\\Deleted"}], sent
    assert "UID MOVE" in sent and "UID COPY" not in sent and "EXPUNGE" not in sent, sent


def test_two_fetches_racing_over_one_mailbox_store_each_message_once(mail, own_database, tmp_path):
    """Two fetches, each with its own IMAP and database connection, in lockstep: both fetch
    each message before either stores it, so both try to store every message; the unique
    Message-ID lets one of them win. They run in a process of their own on a database of its
    own (tests/mail/kill_world.py race): the test database on SQLite is in memory, where two
    connections writing at once fail with "database table is locked" instead of waiting for
    each other as they do on a SQLite file (the product's) or on PostgreSQL."""
    env = subprocess_env(mail, own_database, tmp_path / "var")
    run_python(env, "-m", "caredesk.cli", "migrate", "--verbosity", "0")
    (sender,) = json.loads(run_python(env, str(KILL_WORLD), "build", "--contacts", "1"))["contacts"]
    raws = [compose(sender, f"Race {n}") for n in range(5)]
    raws.append(compose(sender, "Race without an id", message_id=None))
    mail.deliver(*raws)

    seen = json.loads(run_python(env, str(KILL_WORLD), "race"))

    a, b = seen["race"]["a"], seen["race"]["b"]
    assert "exception" not in a and "exception" not in b, (a, b)
    assert (a["error"], b["error"]) == ("", "")
    assert a["fetched"] == b["fetched"] == 6  # both saw every message
    assert a["stored"] + b["stored"] == 6 and a["duplicates"] + b["duplicates"] == 6
    inbound = seen["inbound"]
    assert len(inbound) == 6 == len({m["message_id"] for m in inbound})
    assert [m for m in inbound if (m["state"], m["outcome"]) != ("processed", "created")] == []
    assert seen["incidents"] == 6
    acks = [m for m in seen["outbound"] if m["kind"] == "acknowledgement"]
    assert sorted(m["incident"] for m in acks) == sorted(m["incident"] for m in inbound)
    assert mail.search("NOT", "KEYWORD", KEYWORD) == []
    assert len(mail.search("KEYWORD", KEYWORD)) == 6


@pytest.fixture
def fresh_source_addresses(mail, monkeypatch):
    """Each IMAP connection to Dovecot from another loopback address (127.0.1.1, .2, ...).

    Dovecot answers a failed login after 2 s, and on top of that delays every later login from
    the same address more and more (its auth penalty, up to 15 s). This test logs in with a
    wrong password on purpose: from addresses of its own it pays 2 s per failure, and the
    other tests, from 127.0.0.1, pay nothing."""
    real = socket.create_connection
    used = itertools.count(1)
    imap_port = int(mail["IMAP_PORT"])

    def create_connection(address, *args, **kwargs):
        if address[1] == imap_port and "source_address" not in kwargs:
            kwargs["source_address"] = (f"127.0.1.{next(used)}", 0)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(imaplib.socket, "create_connection", create_connection)


def test_a_failing_mailbox_alerts_the_managers_once_after_15_minutes_and_recovers(
    mail, imap_mailbox, smtp_sink, world, monkeypatch, fresh_source_addresses
):
    start = timezone.now()
    clock = {"now": start}
    # imap reads the time through django.utils.timezone; so does the outbox it alerts through.
    monkeypatch.setattr(imap.timezone, "now", lambda: clock["now"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]  # nobody listens there once it is closed

    def fetch_at(minutes: float, **fields):
        clock["now"] = start + timedelta(minutes=minutes)
        Mailbox.objects.filter(pk=imap_mailbox.pk).update(**fields)
        report = fetch_mailbox(Mailbox.objects.get(pk=imap_mailbox.pk))
        imap_mailbox.refresh_from_db()
        return report

    def alerts():
        return list(OutboundMessage.objects.filter(kind="mailbox-failing"))

    # The password is wrong: the mailbox records the server's answer and since when it fails.
    report = fetch_at(0, secret="not-the-password")
    assert "AUTHENTICATIONFAILED" in report.error
    assert imap_mailbox.last_error == report.error
    assert imap_mailbox.failing_since == start and imap_mailbox.last_fetch_at == start
    assert imap_mailbox.alerted_at is None and imap_mailbox.last_success_at is None
    assert alerts() == []

    # Then the server cannot be reached at all: still the same failure, not yet 15 minutes.
    report = fetch_at(14.9, port=closed_port)
    assert "Connection refused" in report.error or "ConnectionRefused" in report.error
    assert imap_mailbox.last_error == report.error
    assert imap_mailbox.failing_since == start and alerts() == []

    report = fetch_at(15, port=int(mail["IMAP_PORT"]))
    assert "AUTHENTICATIONFAILED" in report.error
    assert imap_mailbox.alerted_at == start + timedelta(minutes=15)
    (alert,) = alerts()
    assert alert.to == world["maggie"].email  # the one support manager
    assert tokens.is_ours(alert.message_id)

    fetch_at(30, port=closed_port)
    fetch_at(45, port=int(mail["IMAP_PORT"]))
    assert imap_mailbox.failing_since == start
    assert len(alerts()) == 1  # once, not at every failing fetch

    assert send_due(now=clock["now"]) == 1
    (received,) = smtp_sink.sink()
    assert received["X-RcptTo"] == world["maggie"].email
    assert received["Subject"].startswith("Mailbox support has been failing since")

    # The password is fixed: the next fetch clears the failure and fetches the waiting mail.
    mail.deliver(compose(subject="Reports fail"))
    report = fetch_at(46, secret=mail["MAIL_PASSWORD"])
    assert (report.error, report.stored) == ("", 1)
    assert imap_mailbox.last_success_at == start + timedelta(minutes=46)
    assert (imap_mailbox.last_error, imap_mailbox.failing_since, imap_mailbox.alerted_at) == (
        "",
        None,
        None,
    )
    # A new failure starts a new count: no alert until it too has lasted 15 minutes.
    fetch_at(50, port=closed_port)
    assert imap_mailbox.failing_since == start + timedelta(minutes=50)
    assert len(alerts()) == 1
