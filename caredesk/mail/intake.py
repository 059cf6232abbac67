"""Inbound mail: store the raw message first, then route it to the incident actions.

`store` writes the bytes and the processing record in one transaction; a message is unique by
Message-ID (a hash of the raw bytes when it has none), so a second fetch of the same message,
by any worker, is a duplicate and changes nothing. `route` is idempotent: it only takes a
message still marked received, under a row lock, and every path ends in an incident, a
thread, or the quarantine — nothing is lost, nothing processed twice.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from caredesk.catalog.models import ProductLine
from caredesk.clients.models import Client, Contact
from caredesk.incidents import actions
from caredesk.incidents.models import Event, Incident
from caredesk.policy import get_policy

from . import checklist, tokens
from .models import InboundMessage, OutboundMessage, Recipient

log = logging.getLogger(__name__)
NUMBER_IN_SUBJECT = re.compile(r"\b(INC-\d{6,})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Stored:
    """The result of storing a raw message."""

    inbound: InboundMessage
    duplicate: bool
    parsed: object | None = None  # the ParsedMail, None when it cannot be parsed


def message_id_of(raw: bytes) -> tuple[str, object | None]:
    """The Message-ID the store is unique by, and the parsed mail when it could be parsed."""
    from .parsing import UnparseableMail, parse

    try:
        parsed = parse(raw)
    except UnparseableMail:
        return f"sha256-{hashlib.sha256(raw).hexdigest()}@caredesk.invalid", None
    return parsed.message_id[:998], parsed


def store(raw: bytes, *, source: str, mailbox=None) -> Stored:
    """Keep the message byte for byte with its processing record, or find it already kept."""
    message_id, parsed = message_id_of(raw)
    existing = InboundMessage.objects.filter(message_id=message_id).first()
    if existing is not None:
        return Stored(existing, True, parsed)
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(
                mailbox=mailbox,
                source=source[:500],
                message_id=message_id,
                raw=raw,
                raw_sha256=hashlib.sha256(raw).hexdigest(),
                size=len(raw),
                from_addr=(parsed.from_addr if parsed else "")[:320],
                subject=(parsed.subject if parsed else "")[:500],
                received_at=timezone.now(),
            )
    except IntegrityError:  # another worker stored it between our look and our insert
        return Stored(InboundMessage.objects.get(message_id=message_id), True, parsed)
    return Stored(inbound, False, parsed)


def route(inbound: InboundMessage, parsed=None) -> InboundMessage:
    """Turn a stored message into an incident action; a message already routed is left as is.

    `parsed` is the message as `store` parsed it, so it is not parsed twice; without it (a
    message stored by an earlier pass) the stored bytes are parsed here.
    """
    from .parsing import UnparseableMail, parse

    with transaction.atomic():
        locked = (
            InboundMessage.objects.select_for_update()
            .filter(pk=inbound.pk, state=InboundMessage.State.RECEIVED)
            .first()
        )
        if locked is None:
            inbound.refresh_from_db()
            return inbound
        try:
            parsed = parsed or parse(bytes(locked.raw))
        except UnparseableMail as exc:
            return _finish(locked, InboundMessage.Outcome.QUARANTINED, f"cannot be parsed: {exc}")
        try:
            with transaction.atomic():
                outcome, incident, reason = _decide(locked, parsed)
        except Exception as exc:  # a failure must leave the mail where an agent sees it
            log.exception("routing %s failed", locked.message_id)
            return _finish(
                locked,
                InboundMessage.Outcome.QUARANTINED,
                f"routing failed: {type(exc).__name__}: {exc}",
            )
        return _finish(locked, outcome, reason, incident)


def _finish(inbound, outcome, reason, incident=None):
    quarantined = incident is None and outcome != InboundMessage.Outcome.DUPLICATE
    inbound.state = (
        InboundMessage.State.QUARANTINED if quarantined else InboundMessage.State.PROCESSED
    )
    inbound.outcome, inbound.reason, inbound.incident = outcome, reason, incident
    inbound.routed_at = timezone.now()
    inbound.save(update_fields=["state", "outcome", "reason", "incident", "routed_at"])
    return inbound


# ------------------------------------------------------------------------------------ deciding
def _decide(inbound, parsed):
    Outcome = InboundMessage.Outcome
    if (
        tokens.is_ours(parsed.message_id)
        or OutboundMessage.objects.filter(message_id=parsed.message_id).exists()
    ):
        return Outcome.DUPLICATE, None, "our own message came back"
    if parsed.bounce is not None:
        return _bounce(inbound, parsed)
    contact = _contact(parsed.from_addr)
    incident, how = _thread(parsed, contact)
    if parsed.auto_submitted:
        if incident is None:
            return Outcome.AUTO_REPLY, None, f"automatic mail ({parsed.auto_reason}), no thread"
        _append_automatic(incident, inbound, parsed)
        return Outcome.AUTO_REPLY, incident, f"automatic mail ({parsed.auto_reason}) {how}"
    if incident is not None:
        if incident.status != Incident.Status.CLOSED:
            _append(incident, inbound, parsed, contact)
            return Outcome.APPENDED, incident, how
        how = f"{how}; that incident is closed, so a new one is opened"
    if contact is None:
        contact = _contact_for_known_domain(parsed)
        if contact is None:
            sender = parsed.from_addr or "(none)"
            if get_policy().mail.unknown_senders == "quarantine":
                why = f"unknown sender {sender}: the policy quarantines unknown senders"
            else:
                why = f"unknown sender {sender}, and no client has that domain"
            return Outcome.QUARANTINED, None, why
    product = _product(inbound, parsed, contact.client)
    if product is None:
        why = (
            f"cannot tell which product {contact.client.name} writes about: name it in the "
            f"mail, or map the mailbox to products"
        )
        return Outcome.QUARANTINED, None, why
    created = _open(inbound, parsed, contact, product)
    return (
        Outcome.CREATED,
        created,
        f"new request from {contact.email}" + (f" ({how})" if incident is not None else ""),
    )


def _contact(address: str) -> Contact | None:
    if not address:
        return None
    return (
        Contact.objects.select_related("client", "user")
        .filter(email__iexact=address, is_active=True)
        .order_by("pk")
        .first()
    )


def _contact_for_known_domain(parsed) -> Contact | None:
    """Policy `mail.unknown_senders = "known-domains"`: a new sender at a client's domain
    becomes a contact of that client."""
    if get_policy().mail.unknown_senders != "known-domains" or "@" not in parsed.from_addr:
        return None
    domain = parsed.from_addr.rsplit("@", 1)[1].lower()
    clients = [
        c
        for c in Client.objects.exclude(mail_domains=[])
        if domain in {d.lower() for d in c.mail_domains}
    ]
    if len(clients) != 1:
        return None
    from caredesk.clients.actions import add_contact

    return add_contact(clients[0], parsed.from_name or parsed.from_addr, parsed.from_addr)


def _thread(parsed, contact):
    """The incident a reply belongs to, and how it was found. Only a sender of that incident's
    client may join its thread: a stranger quoting a number or a header opens no door."""
    candidates = []
    for message_id in [*parsed.in_reply_to, *reversed(parsed.references)]:
        pk = tokens.incident_of_message_id(message_id)
        if pk:
            candidates.append((pk, "by the Message-ID it answers"))
            break
    for address in [*parsed.to, *parsed.cc]:
        pk = tokens.incident_of_address(address)
        if pk:
            candidates.append((pk, "by its reply address"))
            break
    match = NUMBER_IN_SUBJECT.search(parsed.subject or "")
    if match:
        found = Incident.objects.filter(number__iexact=match.group(1)).values_list("pk", flat=True)
        candidates += [(pk, f"by {match.group(1).upper()} in the subject") for pk in found]
    for pk, how in candidates:
        incident = Incident.objects.select_related("client").filter(pk=pk).first()
        if incident is not None and contact is not None and incident.client_id == contact.client_id:
            return incident, how
    return None, ""


def _product(inbound, parsed, client) -> ProductLine | None:
    licensed = ProductLine.objects.filter(licences__client=client).distinct()
    mailbox = inbound.mailbox
    if mailbox is not None:
        mapped = list(mailbox.products.all())
        if len(mapped) == 1:
            return mapped[0]
        if mapped:
            licensed = licensed.filter(pk__in=[p.pk for p in mapped])
    text = f"{parsed.subject}\n{parsed.text}".lower()
    named = [p for p in licensed if p.name.lower() in text or _short(p.name) in text]
    if len(named) == 1:
        return named[0]
    if mailbox is not None and mailbox.default_product is not None:
        return mailbox.default_product
    only = list(licensed[:2])
    return only[0] if len(only) == 1 else None


def _short(name: str) -> str:
    # "Numara FootPrints" is written "FootPrints"; the vendor prefix is the first word.
    parts = name.lower().split(" ", 1)
    return parts[1] if len(parts) == 2 else parts[0]


# ------------------------------------------------------------------------------------ acting
def _open(inbound, parsed, contact, product) -> Incident:
    values = checklist.extract(parsed.text)
    severity = int(values.get("severity") or 3)
    incident = actions.open_incident(
        client=contact.client,
        contact=contact,
        product=product,
        subject=parsed.subject or "(no subject)",
        severity=severity,
        channel="email",
        description=parsed.reply_text or parsed.text,
        values=values,
        by=contact.user,
        accept_unentitled=True,
        mail_message_id=parsed.message_id,
    )
    opened = incident.events.filter(kind=Event.Kind.OPENED).first()
    keep_attachments(incident, opened, parsed)
    if incident.entitlement == Incident.Entitlement.DENIED:
        from caredesk.incidents import notify

        notify.entitlement_refused(incident)
    return incident


def _append(incident, inbound, parsed, contact):
    answers = {k: v for k, v in checklist.extract(parsed.text).items() if k in incident.missing}
    event = actions.add_client_message(
        incident,
        parsed.reply_text or parsed.text or "(empty message)",
        by=contact.user if contact else None,
        values=answers,
        mail_message_id=parsed.message_id,
    )
    keep_attachments(incident, event, parsed)


def _append_automatic(incident, inbound, parsed):
    """Automatic mail goes on the timeline for the agent, and never restarts a clock."""
    event = actions.record_mail_note(
        incident,
        f"Automatic reply from {parsed.from_addr} ({parsed.auto_reason}):\n\n"
        f"{parsed.reply_text or parsed.text}",
        mail=parsed.message_id,
        automatic=True,
    )
    keep_attachments(incident, event, parsed)


def _bounce(inbound, parsed):
    Outcome = InboundMessage.Outcome
    bounce = parsed.bounce
    now = timezone.now()
    for address, action, status in bounce.recipients:
        if not address:
            continue
        recipient, _ = Recipient.objects.get_or_create(address=address.lower())
        recipient.bounces += 1
        recipient.last_bounce_at, recipient.last_status = now, f"{action} {status}".strip()[:200]
        recipient.failing = recipient.failing or action == "failed" or bounce.permanent
        recipient.save()
    original = bounce.original_message_id or ""
    sent = OutboundMessage.objects.filter(message_id=original).select_related("incident").first()
    pk = sent.incident_id if sent else tokens.incident_of_message_id(original)
    incident = Incident.objects.filter(pk=pk).first() if pk else None
    who = ", ".join(f"{a} ({s})" for a, _, s in bounce.recipients) or "a recipient"
    if incident is None:
        return Outcome.BOUNCE, None, f"delivery report for a message we cannot place: {who}"
    actions.record_mail_note(
        incident,
        f"Our mail could not be delivered to {who}.",
        at=now,
        mail=parsed.message_id,
        bounce=True,
        original=original,
    )
    return Outcome.BOUNCE, incident, f"delivery report about {original}"


def keep_attachments(incident, event, parsed) -> None:
    actions.attach_files(incident, event, parsed.attachments)
