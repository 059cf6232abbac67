"""Queueing and sending outgoing mail. Queue inside the transaction of the change it reports;
the worker sends after commit, with retries, so a rolled-back change never mails anyone."""

from __future__ import annotations

import logging
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import OutboundMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def queue_mail(
    *,
    kind: str,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    incident=None,
    headers: dict | None = None,
    attachments: list | None = None,
    essential: bool = True,
) -> OutboundMessage:
    """Write a message to the outbox; a task to send it is enqueued when the transaction commits."""
    domain = getattr(settings, "CAREDESK_MAIL_DOMAIN", "caredesk.localhost")
    message = OutboundMessage.objects.create(
        kind=kind,
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        incident=incident,
        headers=headers or {},
        attachments=attachments or [],
        essential=essential,
        message_id=make_msgid(domain=domain),
        next_attempt_at=timezone.now(),
    )
    _enqueue_send_on_commit()
    return message


def _enqueue_send_on_commit() -> None:
    """One send task per transaction, however many messages it queued (a breach alerting three
    people must not put three tasks ahead of the next clock sweep)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is _enqueue_send for _, func, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_enqueue_send)


def _enqueue_send() -> None:
    from .tasks import send_outbox

    send_outbox.enqueue()


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2**attempts, 240))


def send_due(now=None, limit: int = 100) -> int:
    """Send what is due; each message is claimed in its own transaction. Returns how many went."""
    now = now or timezone.now()
    sent = 0
    for pk in list(OutboundMessage.objects.due(now).values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            message = (
                OutboundMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=OutboundMessage.Status.QUEUED)
                .first()
            )
            if message is None:
                continue
            try:
                _deliver(message)
            except Exception as exc:  # any transport error: retry later, never lose the row
                message.attempts += 1
                message.last_error = f"{type(exc).__name__}: {exc}"
                if message.attempts >= MAX_ATTEMPTS:
                    message.status = OutboundMessage.Status.FAILED
                message.next_attempt_at = now + _backoff(message.attempts)
                message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
                log.warning("mail %s to %s failed: %s", message.pk, message.to, exc)
                continue
            message.status = OutboundMessage.Status.SENT
            message.attempts += 1
            message.sent_at = timezone.now()
            message.save(update_fields=["status", "attempts", "sent_at"])
            sent += 1
    return sent


def _deliver(message: OutboundMessage) -> None:
    headers = {
        "Message-ID": message.message_id,
        "Auto-Submitted": "auto-generated",
        **message.headers,
    }
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        to=[message.to],
        headers=headers,
        from_email=settings.DEFAULT_FROM_EMAIL,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for item in message.attachments:
        email.attach(item["name"], item["content"], item["content_type"])
    email.send()


def retry(messages) -> int:
    """Queue failed (or waiting) messages to be sent at once; returns how many."""
    count = messages.filter(
        status__in=[OutboundMessage.Status.FAILED, OutboundMessage.Status.QUEUED]
    ).update(status=OutboundMessage.Status.QUEUED, next_attempt_at=timezone.now())
    if count:
        _enqueue_send_on_commit()
    return count
