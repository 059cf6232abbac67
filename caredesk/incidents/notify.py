"""Notifications of incident changes: rendered from templates, queued in the outbox inside the
transaction of the change (so a change that rolls back mails nobody)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from caredesk.accounts.models import User
from caredesk.core.timefmt import support_when
from caredesk.mail.outbox import queue_mail

from . import intake


def _subject(incident, text: str) -> str:
    return f"[{incident.number}] {text}"


def _to_contact(
    incident,
    kind: str,
    subject: str,
    template: str,
    essential=True,
    attachments=None,
    automatic=True,
    **context,
):
    contact = incident.contact
    if contact is None or not contact.email:
        return None
    link = settings.SITE_URL + reverse("portal:incident", args=[incident.number])
    text = render_to_string(
        f"incidents/mail/{template}.txt",
        {"incident": incident, "contact": contact, "link": link, **context},
    )
    return queue_mail(
        kind=kind,
        to=contact.email,
        subject=_subject(incident, subject),
        text=text,
        incident=incident,
        essential=essential,
        attachments=attachments,
        automatic=automatic,
    )


def _to_staff(users, incident, kind: str, subject: str, template: str, **context):
    link = settings.SITE_URL + reverse("console:incident", args=[incident.number])
    for user in users:
        if not user.email:
            continue
        text = render_to_string(
            f"incidents/mail/{template}.txt",
            {"incident": incident, "user": user, "link": link, **context},
        )
        queue_mail(
            kind=kind,
            to=user.email,
            subject=_subject(incident, subject),
            text=text,
            incident=incident,
        )


def _due_words(incident):
    from .clocks import target_label

    return [
        (target_label(c.target), c.within, support_when(c.due_at))
        for c in incident.clocks.filter(state__in=("running", "paused"))
    ]


def acknowledge(incident) -> None:
    _to_contact(
        incident,
        "acknowledgement",
        f"We received your request: {incident.subject}",
        "acknowledgement",
        essential=False,  # the portal shows the same; a contact may opt out of it
        targets=_due_words(incident),
        missing=[intake.label(k) for k in incident.missing],
    )


def entitlement_refused(incident) -> None:
    """A request by mail the plan does not cover: say why, and that an agent will review it."""
    from .actions import what_to_do

    _to_contact(
        incident,
        "not-entitled",
        f"Your request needs review: {incident.subject}",
        "not_entitled",
        advice=what_to_do(incident.entitlement_clause),
    )


def agent_reply(incident, event) -> None:
    _to_contact(incident, "reply", incident.subject, "reply", event=event, automatic=False)


def information_requested(incident, items: list[str], message: str) -> None:
    _to_contact(
        incident,
        "request-info",
        f"Information needed: {incident.subject}",
        "request_info",
        items=[intake.label(k) for k in items],
        message=message,
        automatic=False,  # an agent asked
    )


def upgrade_required(incident, release, message: str) -> None:
    _to_contact(
        incident,
        "upgrade-required",
        f"Upgrade required: {incident.subject}",
        "upgrade_required",
        release=release,
        message=message,
    )


def declined(incident, decision, message: str) -> None:
    _to_contact(
        incident,
        "declined",
        f"Outside the scope of support: {incident.subject}",
        "declined",
        decision=decision,
        message=message,
    )


def resolved(incident, summary: str) -> None:
    _to_contact(incident, "resolved", f"Resolved: {incident.subject}", "resolved", summary=summary)


def session_booked(incident, session, ics: str) -> None:
    _to_contact(
        incident,
        "session",
        f"Remote session booked: {incident.subject}",
        "session",
        session=session,
        starts=support_when(session.starts_at),
        attachments=[
            {"name": "invite.ics", "content_type": "text/calendar; method=REQUEST", "content": ics}
        ],
    )


def seniors_on_duty():
    seniors = User.objects.filter(role=User.Role.SENIOR, is_active=True)
    on_duty = seniors.filter(on_duty=True)
    return on_duty if on_duty.exists() else seniors


def managers():
    return User.objects.filter(role=User.Role.MANAGER, is_active=True)


def system_down(incident) -> None:
    _to_staff(
        seniors_on_duty(),
        incident,
        "system-down",
        f"SYSTEM DOWN: {incident.subject}",
        "system_down",
        targets=_due_words(incident),
    )


def escalated(incident, reason: str) -> None:
    _to_staff(
        seniors_on_duty(),
        incident,
        "escalated",
        f"Escalated: {incident.subject}",
        "escalated",
        reason=reason,
    )


def clock_warning(clock) -> None:
    from .clocks import target_label

    incident = clock.incident
    people = [incident.assignee] if incident.assignee else list(managers())
    _to_staff(
        people,
        incident,
        "clock-warning",
        f"Due soon: {target_label(clock.target)}",
        "clock_warning",
        clock=clock,
        label=target_label(clock.target),
        due=support_when(clock.due_at),
    )


def clock_breached(clock) -> None:
    from .clocks import target_label

    incident = clock.incident
    people = {u.pk: u for u in managers()}
    if incident.assignee:
        people[incident.assignee.pk] = incident.assignee
    if clock.target.startswith("system-down"):
        people.update({u.pk: u for u in seniors_on_duty()})
    _to_staff(
        people.values(),
        incident,
        "clock-breached",
        f"Breached: {target_label(clock.target)}",
        "clock_breached",
        clock=clock,
        label=target_label(clock.target),
        due=support_when(clock.due_at),
    )
