"""Template helpers of the console's mail pages: the quarantine count of the console bar, what
became of a message in words, and file sizes."""

from __future__ import annotations

from django import template

from caredesk.mail.models import InboundMessage

register = template.Library()


@register.simple_tag(takes_context=True)
def quarantine_count(context) -> int:
    """Messages waiting in the quarantine for the viewer (one indexed count per page)."""
    request = context.get("request")
    if request is None:
        return 0
    return InboundMessage.objects.visible_to(request.user).quarantined().count()


@register.filter
def mail_fate(inbound: InboundMessage) -> dict:
    """{tone, label} of what became of a message: in quarantine, dismissed, or its outcome."""
    from caredesk.console.mail_views import is_dismissed

    if inbound.state == InboundMessage.State.QUARANTINED:
        return {"tone": "bad", "label": "Quarantined"}
    if inbound.state == InboundMessage.State.RECEIVED:
        return {"tone": "warn", "label": "Not yet routed"}
    if is_dismissed(inbound):
        return {"tone": "neutral", "label": "Dismissed"}
    tone = {
        InboundMessage.Outcome.CREATED: "ok",
        InboundMessage.Outcome.APPENDED: "ok",
        InboundMessage.Outcome.AUTO_REPLY: "info",
        InboundMessage.Outcome.BOUNCE: "warn",
        InboundMessage.Outcome.DUPLICATE: "neutral",
    }.get(inbound.outcome, "neutral")
    return {"tone": tone, "label": inbound.get_outcome_display()}
