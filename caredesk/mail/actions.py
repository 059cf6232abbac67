"""What an agent does with inbound mail the router could not place (the quarantine)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from caredesk.incidents import actions as incident_actions
from caredesk.incidents.actions import IncidentError
from caredesk.incidents.models import Event

from . import intake
from .models import InboundMessage


def _quarantined(inbound: InboundMessage) -> InboundMessage:
    locked = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
    if locked.state != InboundMessage.State.QUARANTINED:
        raise IncidentError(
            f"this message is {locked.get_state_display().lower()}, not quarantined"
        )
    return locked


def retry(inbound: InboundMessage, *, by) -> InboundMessage:
    """Route a quarantined message again (after a contact, a product mapping or a fix was added)."""
    with transaction.atomic():
        locked = _quarantined(inbound)
        locked.state, locked.outcome = InboundMessage.State.RECEIVED, ""
        locked.reason = f"retried by {by.display_name}; was: {locked.reason}"[:5000]
        locked.save(update_fields=["state", "outcome", "reason"])
    return intake.route(locked)


@transaction.atomic
def open_incident_from(
    inbound: InboundMessage, *, by, client, contact, product, severity: int, subject: str
):
    """Turn a quarantined message into an incident by hand, keeping its text and attachments."""
    from .parsing import UnparseableMail, parse

    locked = _quarantined(inbound)
    if contact is not None and contact.client_id != client.pk:
        raise IncidentError(f"{contact} is not a contact of {client}")
    try:
        parsed = parse(bytes(locked.raw))
    except UnparseableMail:
        parsed = None
    text = (
        (parsed.reply_text or parsed.text)
        if parsed
        else bytes(locked.raw).decode("utf-8", "replace")
    )
    incident = incident_actions.open_incident(
        client=client,
        contact=contact,
        product=product,
        subject=subject,
        severity=severity,
        channel="email",
        description=text,
        by=by,
        accept_unentitled=True,
        mail_message_id=locked.message_id,
    )
    if parsed is not None:
        intake.keep_attachments(
            incident, incident.events.filter(kind=Event.Kind.OPENED).first(), parsed
        )
    locked.state, locked.outcome = InboundMessage.State.PROCESSED, InboundMessage.Outcome.CREATED
    locked.incident, locked.routed_at = incident, timezone.now()
    locked.reason = f"opened by hand by {by.display_name}; was: {locked.reason}"[:5000]
    locked.save(update_fields=["state", "outcome", "incident", "routed_at", "reason"])
    return incident


@transaction.atomic
def dismiss(inbound: InboundMessage, *, by, reason: str) -> InboundMessage:
    """Nothing to do with it (spam, a newsletter): it leaves the quarantine but stays stored."""
    if not reason.strip():
        raise IncidentError("say why the message is dismissed")
    locked = _quarantined(inbound)
    locked.state, locked.outcome = InboundMessage.State.PROCESSED, InboundMessage.Outcome.DISMISSED
    locked.reason = f"dismissed by {by.display_name}: {reason.strip()}"[:5000]
    locked.routed_at = timezone.now()
    locked.save(update_fields=["state", "outcome", "reason", "routed_at"])
    return locked
