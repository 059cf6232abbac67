"""Fetching support mail over IMAP: store each message (committed), then mark it on the server,
then route it. A crash at any point leaves either a message not yet stored (fetched again), or
one stored but not marked (fetched again: a duplicate, marked then), or one stored but not
routed (routed by the next pass). None is lost, none is processed twice."""

from __future__ import annotations

import contextlib
import imaplib
import logging
import ssl
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from . import intake
from .models import InboundMessage, Mailbox

log = logging.getLogger(__name__)
KEYWORD = "$CaredeskStored"  # set on every message stored, so a search skips it next time
ALERT_AFTER = timedelta(minutes=15)
BATCH = 200


@dataclass
class FetchReport:
    """What one fetch of one mailbox did."""

    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    backlog: int = 0
    error: str = ""

    def __str__(self) -> str:
        if self.error:
            return f"failed: {self.error}"
        return (
            f"{self.fetched} fetched, {self.stored} new, {self.duplicates} already stored, "
            f"{self.backlog} left for the next pass"
        )


class MailboxError(Exception):
    """The server refused or failed; the message says what it answered."""


def connect(box: Mailbox) -> imaplib.IMAP4:
    context = ssl.create_default_context()
    if box.security == Mailbox.Security.TLS:
        conn = imaplib.IMAP4_SSL(box.host, box.port, ssl_context=context, timeout=30)
    else:
        conn = imaplib.IMAP4(box.host, box.port, timeout=30)
        if box.security == Mailbox.Security.STARTTLS:
            conn.starttls(ssl_context=context)
    if box.auth == Mailbox.Auth.OAUTH2:
        token = f"user={box.username}\x01auth=Bearer {box.secret}\x01\x01".encode()
        conn.authenticate("XOAUTH2", lambda _challenge: token)
    else:
        conn.login(box.username, box.secret)
    # Servers announce MOVE and UIDPLUS only once logged in (Dovecot does): ask again.
    answer = conn.capability()
    words = b" ".join(d for d in answer[1] if isinstance(d, bytes)).decode(errors="replace")
    conn.caredesk_capabilities = {word.upper() for word in words.split()}
    return conn


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(answer, what: str):
    typ, data = answer
    if typ != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode(errors="replace")
        raise MailboxError(f"{what}: {typ} {detail}".strip())
    return data


def _raw_of(data) -> bytes | None:
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def fetch_mailbox(box: Mailbox, *, batch: int = BATCH) -> FetchReport:
    """Fetch up to `batch` unprocessed messages of one mailbox; records its health."""
    report = FetchReport()
    now = timezone.now()
    try:
        conn = connect(box)
        try:
            _check(conn.select(_quote(box.folder)), f"select {box.folder}")
            criteria = ("NOT", "KEYWORD", KEYWORD)
            uids = _check(conn.uid("SEARCH", None, *criteria), "search")[0].split()
            report.backlog = max(len(uids) - batch, 0)
            for uid in uids[:batch]:
                raw = _raw_of(_check(conn.uid("FETCH", uid, "(BODY.PEEK[])"), f"fetch {uid}"))
                if raw is None:
                    continue  # expunged meanwhile by another client
                report.fetched += 1
                stored = intake.store(
                    raw, source=f"imap:{box.name}/{box.folder}/{uid.decode()}", mailbox=box
                )
                report.duplicates += stored.duplicate
                report.stored += not stored.duplicate
                _mark(conn, box, uid)
                if not stored.duplicate:
                    intake.route(stored.inbound, stored.parsed)
        finally:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                conn.logout()
    except (imaplib.IMAP4.error, MailboxError, OSError, ssl.SSLError) as exc:
        report.error = f"{type(exc).__name__}: {exc}"[:2000]
        _record_failure(box, report.error, now)
        return report
    _record_success(box, report, now)
    return report


def _mark(conn, box: Mailbox, uid: bytes) -> None:
    """Only after the message is committed: keyword it so no search finds it again, then move
    it to the processed folder if there is one. Never a plain EXPUNGE: it would also delete
    whatever another mail client had flagged deleted in the folder."""
    _check(conn.uid("STORE", uid, "+FLAGS.SILENT", f"({KEYWORD} \\Seen)"), f"flag {uid}")
    if not box.processed_folder:
        return
    caps = getattr(conn, "caredesk_capabilities", set())
    folder = _quote(box.processed_folder)
    if "MOVE" in caps:
        typ, data = conn.uid("MOVE", uid, folder)
        if typ != "OK" and b"TRYCREATE" in b" ".join(d for d in data if isinstance(d, bytes)):
            conn.create(folder)  # the first message ever processed: the folder is made for it
            typ, data = conn.uid("MOVE", uid, folder)
        _check((typ, data), f"move {uid}")
        return
    typ, data = conn.uid("COPY", uid, folder)
    if typ != "OK" and b"TRYCREATE" in b" ".join(d for d in data if isinstance(d, bytes)):
        conn.create(folder)
        typ, data = conn.uid("COPY", uid, folder)
    _check((typ, data), f"copy {uid}")
    _check(conn.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)"), f"delete {uid}")
    if "UIDPLUS" in caps:
        _check(conn.uid("EXPUNGE", uid), f"expunge {uid}")
    # Without UIDPLUS the copy stays flagged deleted and keyworded: never fetched again, and
    # removed by whoever expunges the folder next.


def _record_success(box: Mailbox, report: FetchReport, now) -> None:
    Mailbox.objects.filter(pk=box.pk).update(
        last_fetch_at=now,
        last_success_at=now,
        backlog=report.backlog,
        last_error="",
        failing_since=None,
        alerted_at=None,
    )


@transaction.atomic
def _record_failure(box: Mailbox, error: str, now) -> None:
    """A mailbox failing for 15 minutes alerts the support managers, once until it recovers."""
    box = Mailbox.objects.select_for_update().get(pk=box.pk)
    box.last_fetch_at, box.last_error = now, error
    box.failing_since = box.failing_since or now
    alert = box.alerted_at is None and now - box.failing_since >= ALERT_AFTER
    if alert:
        box.alerted_at = now
    box.save(update_fields=["last_fetch_at", "last_error", "failing_since", "alerted_at"])
    log.warning("mailbox %s failed: %s", box.name, error)
    if alert:
        _alert_managers(box)


def _alert_managers(box: Mailbox) -> None:
    from django.template.loader import render_to_string

    from caredesk.incidents.notify import managers

    from .outbox import queue_mail

    for user in managers():
        if user.email:
            text = render_to_string("mail/mailbox_failing.txt", {"box": box, "user": user})
            queue_mail(
                kind="mailbox-failing",
                to=user.email,
                text=text,
                subject=f"Mailbox {box.name} has been failing since {box.failing_since:%H:%M %Z}",
            )


def fetch_all() -> list[tuple[Mailbox, FetchReport]]:
    return [(box, fetch_mailbox(box)) for box in Mailbox.objects.filter(is_active=True)]


def route_pending(limit: int = 500) -> int:
    """Route messages stored by a pass that stopped before routing them."""
    pending = InboundMessage.objects.unrouted().order_by("received_at")[:limit]
    for inbound in pending:
        intake.route(inbound)
    return len(pending)
