"""Every change to an incident. Console, portal, mail, API and jobs all call these; each one
writes its timeline event, keeps the clocks right and queues its notifications on commit."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from caredesk.catalog.lifecycle import current_release, lifecycle_of
from caredesk.catalog.models import ProductLine, Release
from caredesk.clients.models import Client, Contact
from caredesk.plans import engine
from caredesk.plans.actions import log_allowance_time
from caredesk.policy import get_policy

from . import clocks, intake, notify
from .models import Event, Incident, RemoteSession


class IncidentError(ValueError):
    """A change the incident cannot take; the message says why."""


# The next step for a refused client; the reasons of P-TERM and P-DEFAULT already say it.
WHAT_TO_DO = {
    "P-PLAN": "Ask your sales representative about a plan that includes it.",
    "P-CHANNEL": "Phone support is closed now: submit the request on the web or by e-mail, "
    "or call during support hours.",
    "P-24x7": "Around-the-clock support needs the 24x7 add-on.",
    "P-RETIRED": "Upgrade to the Current release.",
}


def what_to_do(clause: str) -> str:
    """The next step we suggest to a client refused under `clause` ("" when the reason says it)."""
    return WHAT_TO_DO.get(clause, "")


def _event(incident, kind, *, by=None, at=None, body="", internal=False, clause="", **data):
    return Event.objects.create(
        incident=incident,
        kind=kind,
        author=by,
        body=body,
        internal=internal,
        clause=clause,
        data=data,
        created_at=at or timezone.now(),
    )


def _touch(incident, at, *fields):
    incident.updated_at = at
    incident.save(update_fields=["updated_at", *fields])


def _check_open(incident):
    if not incident.is_open:
        raise IncidentError(f"{incident.number} is {incident.get_status_display().lower()}")


def _severity(level) -> int:
    try:
        level = int(level)
        get_policy().severity(level)
    except (TypeError, ValueError, KeyError):
        levels = ", ".join(str(s.level) for s in get_policy().severities)
        raise IncidentError(f"severity must be one of {levels}") from None
    return level


def intake_decision(
    client: Client, product: ProductLine, channel: str, release=None, at: datetime | None = None
):
    """May this client open an incident for this product by this channel now? (P-CHANNEL)"""
    service = get_policy().channels[channel].service
    return engine.entitlement(client, service, product, release=release, at=at)


@transaction.atomic
def open_incident(
    *,
    client: Client,
    product: ProductLine,
    subject: str,
    severity: int,
    channel: str,
    description: str = "",
    contact: Contact | None = None,
    release: Release | None = None,
    values: dict | None = None,
    by=None,
    at: datetime | None = None,
    accept_unentitled: bool = False,
    mail_message_id: str = "",
) -> Incident:
    """Open one incident for one request (P-INCIDENT), with its checklist, decision and clocks.

    Without entitlement the incident is refused (IncidentError naming the clause) unless
    `accept_unentitled`: then it is kept for an agent to review, never silently worked.
    `mail_message_id` is the client's mail that asked: our answers thread under it.
    """
    at = at or timezone.now()
    severity = _severity(severity)
    if channel not in Incident.Channel.values:
        raise IncidentError(f"unknown channel {channel!r}")
    if not subject.strip():
        raise IncidentError("a subject is required")
    if contact is not None and contact.client_id != client.pk:
        raise IncidentError(f"{contact} is not a contact of {client}")
    if release is not None and release.product_line_id != product.pk:
        raise IncidentError(f"{release} is not a release of {product.name}")
    if release is None and not product.is_cloud:
        release = engine.running_release(client, product)
    decision = intake_decision(client, product, channel, release, at)
    if not decision.allowed and not accept_unentitled:
        raise IncidentError(
            f"{decision.reason} ({decision.clause}) {what_to_do(decision.clause)}".strip()
        )
    submitted = {k: str(v).strip() for k, v in (values or {}).items() if str(v or "").strip()}
    # What the installed base already says is not asked again; what the client wrote wins.
    licence = client.licences.filter(product_line=product).order_by("-purchased_on").first()
    values = {**intake.prefill(client, contact, licence), **submitted}
    if release is not None:
        values["version"] = submitted.get("version", release.version)
    values.setdefault("severity", str(severity))
    values.setdefault("description", description)
    incident = Incident.objects.create(
        number=f"pending-{uuid.uuid4().hex[:12]}",
        client=client,
        contact=contact,
        product_line=product,
        release=release,
        subject=subject.strip()[:200],
        severity=severity,
        proposed_severity=severity,
        channel=channel,
        intake=values,
        missing=intake.missing(values),
        entitlement=Incident.Entitlement.ALLOWED
        if decision.allowed
        else Incident.Entitlement.DENIED,
        entitlement_clause=decision.clause,
        entitlement_reason=decision.reason,
        policy_version=decision.policy_version,
        created_at=at,
        updated_at=at,
        mail_thread=[mail_message_id] if mail_message_id else [],
    )
    incident.number = f"INC-{incident.pk:06d}"
    incident.save(update_fields=["number"])
    _event(incident, Event.Kind.OPENED, by=by, at=at, body=description, channel=channel)
    _event(
        incident,
        Event.Kind.DECISION,
        at=at,
        clause=decision.clause,
        body=decision.reason,
        allowed=decision.allowed,
        policy_version=decision.policy_version,
    )
    if release is not None and not product.is_cloud:
        life = lifecycle_of(product, release)
        if life.status == Release.Status.RETIRED:
            incident.upgrade_to = life.current
            incident.save(update_fields=["upgrade_to"])
            _event(
                incident,
                Event.Kind.DECISION,
                at=at,
                clause="P-RETIRED",
                body=f"{release} is Retired: support may try to help, but resolving it "
                f"requires upgrading to {life.current}.",
            )
    clocks.sync(incident, at)
    if decision.allowed:
        notify.acknowledge(incident)
        if incident.clocks.filter(target="system-down-transfer").exists():
            notify.system_down(incident)
    return incident


@transaction.atomic
def add_client_message(
    incident: Incident,
    body: str,
    *,
    by=None,
    at=None,
    values: dict | None = None,
    mail_message_id: str = "",
) -> Event:
    """The client wrote: it answers what we waited for, so the clocks run again."""
    at = at or timezone.now()
    if incident.status == Incident.Status.CLOSED:
        raise IncidentError(f"{incident.number} is closed: open a new incident")
    answers = {k: str(v).strip() for k, v in (values or {}).items() if str(v or "").strip()}
    if not body.strip() and not answers:
        raise IncidentError("the message is empty")
    known = {field.key for field in intake.checklist()}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise IncidentError(f"not on the intake checklist: {', '.join(unknown)}")
    if answers:
        incident.intake.update(answers)
        incident.missing = intake.missing(incident.intake)
    event = _event(
        incident,
        Event.Kind.CLIENT_MESSAGE,
        by=by,
        at=at,
        body=body,
        answered=sorted(answers),
        answers=answers,
        **({"mail": mail_message_id} if mail_message_id else {}),
    )
    fields = ["intake", "missing"]
    if mail_message_id:
        incident.mail_thread = [*(incident.mail_thread or []), mail_message_id][-50:]
        fields.append("mail_thread")
    if incident.status in (
        Incident.Status.WAITING_ON_CLIENT,
        Incident.Status.RESOLVED,
        Incident.Status.DECLINED,
    ):
        was, old_status = incident.get_status_display(), incident.status
        incident.status, incident.waiting_for = Incident.Status.OPEN, ""
        fields += ["status", "waiting_for"]
        _event(
            incident,
            Event.Kind.STATUS,
            at=at,
            body=f"{was} → Open: the client answered",
            old=old_status,
            new=Incident.Status.OPEN,
        )
    _touch(incident, at, *fields)
    clocks.resume(incident, at)
    return event


@transaction.atomic
def reply(incident: Incident, body: str, *, by, at=None) -> Event:
    """An agent answers the client: the first response is met."""
    at = at or timezone.now()
    _check_open(incident)
    if not body.strip():
        raise IncidentError("the reply is empty")
    event = _event(incident, Event.Kind.AGENT_REPLY, by=by, at=at, body=body)
    _responded(incident, at)
    notify.agent_reply(incident, event)
    return event


def _responded(incident, at):
    fields = []
    if incident.first_response_at is None:
        incident.first_response_at = at
        fields.append("first_response_at")
    if incident.status == Incident.Status.NEW:
        incident.status = Incident.Status.OPEN
        fields.append("status")
    _touch(incident, at, *fields)
    clocks.meet(incident, "first-response", at)


@transaction.atomic
def add_note(incident: Incident, body: str, *, by, at=None) -> Event:
    if not body.strip():
        raise IncidentError("the note is empty")
    return _event(incident, Event.Kind.NOTE, by=by, at=at, body=body, internal=True)


def _wait_on_client(incident, reason, at, by, body):
    was, old = incident.get_status_display(), incident.status
    incident.status, incident.waiting_for = Incident.Status.WAITING_ON_CLIENT, reason
    _touch(incident, at, "status", "waiting_for")
    _event(
        incident,
        Event.Kind.STATUS,
        by=by,
        at=at,
        body=f"{was} → Waiting on client: {body}",
        old=old,
        new=incident.status,
        waiting_for=reason,
    )
    clocks.pause(incident, reason, at)


@transaction.atomic
def request_information(
    incident: Incident, *, by, items: list[str] | None = None, message: str = "", at=None
) -> Event:
    """Ask the client for exactly what is missing (P-INTAKE); the clocks wait meanwhile."""
    at = at or timezone.now()
    _check_open(incident)
    known = {f.key for f in intake.checklist()}
    items = list(items if items is not None else incident.missing)
    unknown = [i for i in items if i not in known]
    if unknown:
        raise IncidentError(f"not on the intake checklist: {', '.join(unknown)}")
    if not items and not message.strip():
        raise IncidentError("nothing is missing: say what you need in the message")
    labels = [intake.label(i) for i in items]
    event = _event(
        incident,
        Event.Kind.REQUEST_INFO,
        by=by,
        at=at,
        clause="P-INTAKE",
        body=message,
        items=items,
        labels=labels,
    )
    _responded(incident, at)
    _wait_on_client(
        incident, Incident.Waiting.INFORMATION, at, by, ", ".join(labels) or "more information"
    )
    notify.information_requested(incident, items, message)
    return event


@transaction.atomic
def require_upgrade(incident: Incident, *, by, message: str = "", at=None) -> Event:
    """P-UPGRADE: resolving needs the Current release; the incident waits on the client."""
    at = at or timezone.now()
    _check_open(incident)
    release = current_release(incident.product_line)
    if release is None:
        raise IncidentError(f"{incident.product_line.name} has no Current release")
    incident.upgrade_to = release
    incident.save(update_fields=["upgrade_to"])
    event = _event(
        incident,
        Event.Kind.DECISION,
        by=by,
        at=at,
        clause="P-UPGRADE",
        body=f"Upgrade required to {release.name} {release.version}. {message}".strip(),
    )
    _responded(incident, at)
    _wait_on_client(incident, Incident.Waiting.UPGRADE, at, by, f"upgrade to {release.version}")
    notify.upgrade_required(incident, release, message)
    return event


@transaction.atomic
def regrade(incident: Incident, severity: int, *, reason: str, by, at=None) -> Event:
    """P-SEV: support re-grades the severity, with the reason kept; targets follow."""
    at = at or timezone.now()
    severity = _severity(severity)
    if not reason.strip():
        raise IncidentError("a re-grade needs a reason")
    if severity == incident.severity:
        raise IncidentError(f"the severity is already {severity}")
    old = incident.severity
    incident.severity = severity
    _touch(incident, at, "severity")
    event = _event(
        incident,
        Event.Kind.REGRADE,
        by=by,
        at=at,
        clause="P-SEV",
        body=reason,
        old=old,
        new=severity,
    )
    clocks.sync(incident, at)
    return event


@transaction.atomic
def assign(incident: Incident, assignee, *, by, at=None) -> Event:
    at = at or timezone.now()
    if assignee is not None and not assignee.is_support_staff:
        raise IncidentError(f"{assignee} is not support staff")
    incident.assignee = assignee
    _touch(incident, at, "assignee")
    name = assignee.display_name if assignee else "nobody"
    return _event(
        incident, Event.Kind.ASSIGN, by=by, at=at, internal=True, body=f"Assigned to {name}"
    )


@transaction.atomic
def escalate(incident: Incident, *, reason: str, by, at=None) -> Event:
    """Escalate to senior technicians; Premium Care promises a follow-up in 1 business day."""
    at = at or timezone.now()
    _check_open(incident)
    if incident.escalated_at is not None:
        raise IncidentError(f"{incident.number} is already escalated")
    if not reason.strip():
        raise IncidentError("an escalation needs a reason")
    incident.escalated_at = at
    _touch(incident, at, "escalated_at")
    event = _event(incident, Event.Kind.ESCALATION, by=by, at=at, body=reason)
    clocks.sync(incident, at)
    notify.escalated(incident, reason)
    return event


@transaction.atomic
def take_over(incident: Incident, *, by, at=None) -> Event:
    """A senior technician takes a System Down incident: the transfer target is met."""
    at = at or timezone.now()
    _check_open(incident)
    if by.role != by.Role.SENIOR:
        raise IncidentError("only a senior technician takes over a transfer")
    incident.senior = incident.assignee = by
    _touch(incident, at, "senior", "assignee")
    clocks.meet(incident, "system-down-transfer", at)
    if incident.escalated_at is not None:
        clocks.meet(incident, "escalated-follow-up", at)
    return _event(
        incident,
        Event.Kind.ASSIGN,
        by=by,
        at=at,
        internal=True,
        body=f"Taken over by senior technician {by.display_name}",
    )


@transaction.atomic
def log_call(
    incident: Incident, *, by, summary: str, minutes: int, outbound: bool = True, at=None
) -> Event:
    """A call with the client: it answers the client; a senior's call meets the callback."""
    at = at or timezone.now()
    if minutes <= 0:
        raise IncidentError("a call lasts at least a minute")
    if not summary.strip():
        raise IncidentError("summarise the call")
    event = _event(
        incident, Event.Kind.CALL, by=by, at=at, body=summary, minutes=minutes, outbound=outbound
    )
    if incident.is_open:
        _responded(incident, at)
        if by.role == by.Role.SENIOR:
            clocks.meet(incident, "system-down-callback", at)
            if incident.escalated_at is not None:
                clocks.meet(incident, "escalated-follow-up", at)
    return event


@transaction.atomic
def book_session(
    incident: Incident, *, by, starts_at: datetime, minutes: int, notes: str = "", at=None
) -> RemoteSession:
    """P-CHANNEL: a remote session at an agreed time inside support hours, with an invitation."""
    at = at or timezone.now()
    _check_open(incident)
    if minutes <= 0 or minutes > 8 * 60:
        raise IncidentError("a session lasts between 1 minute and 8 hours")
    if starts_at <= at:
        raise IncidentError("a session is booked for a time to come")
    cov = engine.coverage(incident.client, incident.product_line, starts_at)
    if isinstance(cov, engine.NoCoverage):
        raise IncidentError(f"{cov.reason} ({cov.clause})")
    _, calendar = engine.calendar_for(cov, incident.product_line)
    ends = starts_at + timedelta(minutes=minutes)
    if calendar.business_time_between(starts_at, ends) < ends - starts_at:
        raise IncidentError(
            f"the session must be inside support hours: {calendar.describe()} (P-CHANNEL)"
        )
    session = RemoteSession.objects.create(
        incident=incident,
        agent=by,
        starts_at=starts_at,
        minutes=minutes,
        notes=notes,
        created_at=at,
        uid=f"{uuid.uuid4()}@caredesk",
    )
    _event(
        incident,
        Event.Kind.SESSION,
        by=by,
        at=at,
        clause="P-CHANNEL",
        body=notes,
        starts_at=starts_at.isoformat(),
        minutes=minutes,
    )
    from .ics import invitation

    notify.session_booked(incident, session, invitation(session))
    return session


@transaction.atomic
def classify(incident: Incident, category: str, *, by, at=None) -> engine.ScopeDecision:
    """Triage (P-SCOPE): record the category; an unsupported one must be declined."""
    at = at or timezone.now()
    decision = engine.scope(category, client=incident.client, product=incident.product_line)
    incident.scope_category = category
    _touch(incident, at, "scope_category")
    _event(
        incident,
        Event.Kind.DECISION,
        by=by,
        at=at,
        clause=decision.clause,
        internal=True,
        body=f"Classified as {category}: {decision.reason}",
        category=category,
        supported=decision.supported,
        referral=decision.referral,
        policy_version=decision.policy_version,
    )
    return decision


@transaction.atomic
def decline(incident: Incident, category: str, *, by, message: str = "", at=None) -> Event:
    """Decline an out-of-scope request with the clause quoted, referring it where the policy
    says (Professional Services, the enhancement request database)."""
    at = at or timezone.now()
    _check_open(incident)
    decision = classify(incident, category, by=by, at=at)
    if decision.supported:
        raise IncidentError(f"{category} is supported: it cannot be declined")
    old = incident.status
    incident.status, incident.waiting_for = Incident.Status.DECLINED, ""
    _touch(incident, at, "status", "waiting_for")
    clause_text = get_policy().clause(decision.clause).text
    event = _event(
        incident,
        Event.Kind.STATUS,
        by=by,
        at=at,
        clause=decision.clause,
        body=f"Declined: {decision.reason} “{clause_text}” {message}".strip(),
        old=old,
        new=Incident.Status.DECLINED,
        referral=decision.referral,
    )
    clocks.close_all(incident, at)
    notify.declined(incident, decision, message)
    return event


@transaction.atomic
def log_migration_time(incident: Incident, minutes: int, *, by, note: str = "", at=None):
    """Time spent on migration assistance counts against the client's allowance (P-SCOPE);
    what the allowance does not cover is Professional Services work, not logged here."""
    at = at or timezone.now()
    _check_open(incident)
    before = engine.scope(
        "migration-assistance", client=incident.client, product=incident.product_line
    )
    if not before.supported:
        raise IncidentError(f"{before.reason} ({before.clause})")
    if before.allowance_minutes_left is not None and minutes > before.allowance_minutes_left:
        raise IncidentError(
            f"only {before.allowance_minutes_left} minutes of migration assistance are left; "
            f"more is Professional Services work (P-SCOPE)"
        )
    try:
        log_allowance_time(
            incident.client,
            incident.product_line,
            "migration-assistance",
            minutes,
            note=note or incident.number,
            at=at,
            by=by,
        )
    except ValueError as exc:
        raise IncidentError(str(exc)) from None
    left = engine.scope(
        "migration-assistance", client=incident.client, product=incident.product_line
    )
    _event(
        incident,
        Event.Kind.NOTE,
        by=by,
        at=at,
        internal=True,
        clause="P-SCOPE",
        body=f"{minutes} minutes of migration assistance logged; "
        f"{left.allowance_minutes_left or 0} left. {note}".strip(),
        minutes=minutes,
    )
    return left


@transaction.atomic
def override_entitlement(incident: Incident, *, reason: str, by, at=None) -> Event:
    """An agent accepts an incident the policy did not entitle, with a reason on the timeline."""
    at = at or timezone.now()
    if incident.entitlement != Incident.Entitlement.DENIED:
        raise IncidentError(f"{incident.number} needs no override")
    if not reason.strip():
        raise IncidentError("an override needs a reason")
    incident.entitlement = Incident.Entitlement.OVERRIDDEN
    _touch(incident, at, "entitlement")
    event = _event(
        incident, Event.Kind.OVERRIDE, by=by, at=at, clause=incident.entitlement_clause, body=reason
    )
    notify.acknowledge(incident)
    return event


@transaction.atomic
def resolve(incident: Incident, *, by, summary: str = "", at=None) -> Event:
    at = at or timezone.now()
    _check_open(incident)
    if incident.entitlement == Incident.Entitlement.DENIED:
        raise IncidentError("review the entitlement first: override it or decline the incident")
    was, old = incident.get_status_display(), incident.status
    incident.status, incident.waiting_for, incident.resolved_at = (Incident.Status.RESOLVED, "", at)
    _touch(incident, at, "status", "waiting_for", "resolved_at")
    event = _event(
        incident,
        Event.Kind.STATUS,
        by=by,
        at=at,
        body=f"{was} → Resolved. {summary}".strip(),
        old=old,
        new=incident.status,
    )
    clocks.close_all(incident, at)
    notify.resolved(incident, summary)
    return event


@transaction.atomic
def reopen(incident: Incident, *, by, reason: str, at=None) -> Event:
    at = at or timezone.now()
    if incident.is_open:
        raise IncidentError(f"{incident.number} is open already")
    if not reason.strip():
        raise IncidentError("say why the incident is reopened")
    was, old = incident.get_status_display(), incident.status
    incident.status, incident.resolved_at = Incident.Status.OPEN, None
    _touch(incident, at, "status", "resolved_at")
    event = _event(
        incident,
        Event.Kind.STATUS,
        by=by,
        at=at,
        body=f"{was} → Open: {reason}",
        old=old,
        new=incident.status,
    )
    clocks.refresh_next_due(incident)
    return event


@transaction.atomic
def close(incident: Incident, *, by, at=None) -> Event:
    """The client closes the incident: nothing more to do."""
    at = at or timezone.now()
    if incident.status == Incident.Status.CLOSED:
        raise IncidentError(f"{incident.number} is closed already")
    was, old = incident.get_status_display(), incident.status
    incident.status, incident.waiting_for = Incident.Status.CLOSED, ""
    _touch(incident, at, "status", "waiting_for")
    clocks.close_all(incident, at)
    return _event(
        incident,
        Event.Kind.STATUS,
        by=by,
        at=at,
        body=f"{was} → Closed",
        old=old,
        new=incident.status,
    )


@transaction.atomic
def record_mail_note(incident: Incident, body: str, *, at=None, **data) -> Event:
    """Mail that concerns the incident but is not the client speaking (an automatic reply, a
    delivery report): on the timeline for the agent, internal, and it changes no clock."""
    return _event(incident, Event.Kind.NOTE, at=at, body=body[:20000], internal=True, **data)


@transaction.atomic
def attach_files(incident: Incident, event: Event | None, files, *, at=None) -> list:
    """Keep files that came with a message (name, content type, bytes, inline, content id)."""
    import hashlib

    from django.core.files.base import ContentFile

    from .models import Attachment

    at = at or timezone.now()
    return [
        Attachment.objects.create(
            incident=incident,
            event=event,
            filename=item.filename[:255],
            content_type=item.content_type[:200],
            size=len(item.content),
            sha256=hashlib.sha256(item.content).hexdigest(),
            file=ContentFile(item.content, name=item.filename[:200] or "attachment"),
            inline=item.inline,
            content_id=(item.content_id or "")[:250],
            created_at=at,
        )
        for item in files
    ]
