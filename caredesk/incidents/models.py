"""Incidents, their timeline, their clocks and the pauses of those clocks (P-INCIDENT)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from caredesk.clients.models import Client


class IncidentQuerySet(models.QuerySet):
    """Which incidents."""

    def visible_to(self, user):
        """Staff see every incident; a contact sees their own, and their colleagues' where the
        client allows it. Every path to an incident starts here."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_support_staff:
            return self.all()
        contact = getattr(user, "contact", None)
        if contact is None or not contact.is_active:
            return self.none()
        if contact.client.colleagues_see_incidents:
            return self.filter(client_id=contact.client_id)
        return self.filter(contact=contact)

    def open(self):
        return self.filter(status__in=Incident.OPEN_STATES)

    def breaching(self, now):
        """Open incidents with a target still to meet past its due instant."""
        return self.open().filter(next_due_at__lte=now)

    def waiting_on_client(self):
        return self.filter(status=Incident.Status.WAITING_ON_CLIENT)

    def queue_order(self):
        """SLA urgency: the nearest due target first; incidents with no running clock last."""
        return self.order_by(models.F("next_due_at").asc(nulls_last=True), "created_at")


class Incident(models.Model):
    """One specific support request of a client (P-INCIDENT)."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        OPEN = "open", "Open"
        WAITING_ON_CLIENT = "waiting-client", "Waiting on client"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"
        DECLINED = "declined", "Declined"

    class Channel(models.TextChoices):
        WEB = "web", "Web"
        EMAIL = "email", "E-mail"
        PHONE = "phone", "Phone"
        SESSION = "session", "Scheduled session"

    class Waiting(models.TextChoices):
        NOTHING = "", "—"
        INFORMATION = "information", "Missing information"
        UPGRADE = "upgrade", "Upgrade to the Current release"
        ANSWER = "answer", "The client's answer"

    class Entitlement(models.TextChoices):
        ALLOWED = "allowed", "Entitled"
        DENIED = "denied", "Not entitled — needs review"
        OVERRIDDEN = "overridden", "Accepted by an agent"

    OPEN_STATES = (Status.NEW, Status.OPEN, Status.WAITING_ON_CLIENT)
    CLOSED_STATES = (Status.RESOLVED, Status.CLOSED, Status.DECLINED)

    number = models.CharField(max_length=20, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="incidents")
    contact = models.ForeignKey(
        "clients.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
    )
    product_line = models.ForeignKey(
        "catalog.ProductLine", on_delete=models.PROTECT, related_name="incidents"
    )
    release = models.ForeignKey(
        "catalog.Release", null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    subject = models.CharField(max_length=200)
    severity = models.PositiveSmallIntegerField()
    proposed_severity = models.PositiveSmallIntegerField(help_text="As the client proposed it.")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    waiting_for = models.CharField(max_length=20, choices=Waiting.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_incidents",
    )
    intake = models.JSONField(
        default=dict, help_text="The intake checklist as submitted (P-INTAKE)."
    )
    missing = models.JSONField(default=list, help_text="Checklist keys still missing.")
    scope_category = models.SlugField(blank=True)
    entitlement = models.CharField(max_length=12, choices=Entitlement.choices)
    entitlement_clause = models.CharField(max_length=32)
    entitlement_reason = models.TextField()
    upgrade_to = models.ForeignKey(
        "catalog.Release",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The Current release the client must upgrade to (P-UPGRADE, P-RETIRED).",
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    senior = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="senior_incidents",
        help_text="The senior technician who took it over.",
    )
    next_due_at = models.DateTimeField(
        null=True, blank=True, help_text="The nearest due instant of a running clock (queue order)."
    )
    mail_thread = models.JSONField(
        default=list,
        blank=True,
        help_text="Message-IDs of the mail thread, ours and the client's, oldest first.",
    )
    policy_version = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_due_at"], name="incident_queue"),
            models.Index(fields=["client", "-created_at"], name="incident_client"),
            models.Index(fields=["assignee", "status"], name="incident_assignee"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(severity__gte=1), name="incident_severity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("console:incident", args=[self.number])

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATES

    @property
    def severity_name(self) -> str:
        from caredesk.policy import get_policy

        try:
            return get_policy().severity(self.severity).name
        except KeyError:
            return str(self.severity)


class EventQuerySet(models.QuerySet):
    """Which timeline events."""

    def visible_to(self, user):
        events = self.filter(incident__in=Incident.objects.visible_to(user))
        if user.is_authenticated and user.is_support_staff:
            return events
        return events.filter(internal=False)


class Event(models.Model):
    """One entry of an incident's timeline: a message, a note, a change, a decision."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Opened"
        CLIENT_MESSAGE = "client-message", "Client message"
        AGENT_REPLY = "agent-reply", "Reply"
        NOTE = "note", "Internal note"
        STATUS = "status", "Status change"
        REGRADE = "regrade", "Severity re-graded"
        ASSIGN = "assign", "Assignment"
        REQUEST_INFO = "request-info", "Information requested"
        CALL = "call", "Call logged"
        SESSION = "session", "Remote session booked"
        ESCALATION = "escalation", "Escalated"
        DECISION = "decision", "Policy decision"
        OVERRIDE = "override", "Entitlement overridden"
        CLOCK = "clock", "Clock"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(blank=True)
    internal = models.BooleanField(default=False, help_text="Hidden from the client.")
    clause = models.CharField(max_length=32, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["incident", "created_at"])]

    def __str__(self) -> str:
        return f"{self.incident.number} {self.get_kind_display()}"


class Clock(models.Model):
    """A response target of an incident, with its due instant, met or breached exactly once."""

    class State(models.TextChoices):
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused (waiting on the client)"
        MET = "met", "Met"
        BREACHED = "breached", "Breached"
        CANCELLED = "cancelled", "No longer applies"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="clocks")
    target = models.CharField(max_length=32)
    within = models.CharField(max_length=40, help_text="The policy's words, e.g. 1 business day.")
    calendar = models.SlugField()
    clause = models.CharField(max_length=32)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    warned_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "target"], name="clock_once_per_target"),
        ]
        indexes = [models.Index(fields=["state", "due_at"], name="clock_sweep")]

    def __str__(self) -> str:
        return f"{self.incident.number} {self.target}"


def attachment_path(instance, filename: str) -> str:
    # A random folder per file: names may repeat and must never be guessable.
    import uuid

    return f"attachments/{instance.incident_id}/{uuid.uuid4().hex}/{filename}"


class AttachmentQuerySet(models.QuerySet):
    """Which attachments."""

    def visible_to(self, user):
        attachments = self.filter(incident__in=Incident.objects.visible_to(user))
        if user.is_authenticated and user.is_support_staff:
            return attachments
        return attachments.exclude(event__internal=True)


class Attachment(models.Model):
    """A file that came with a message of an incident; always downloaded, never shown inline."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        "Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=attachment_path, max_length=500)
    inline = models.BooleanField(default=False)
    content_id = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField()

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.incident.number} {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("attachment", args=[self.pk, self.filename])


class RemoteSession(models.Model):
    """A remote session booked with the client at a time inside support hours (P-CHANNEL)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="sessions")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField()
    notes = models.TextField(blank=True)
    uid = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.incident.number} session {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        from datetime import timedelta

        return self.starts_at + timedelta(minutes=self.minutes)


class ClockPause(models.Model):
    """A span in which an incident's clocks stood still: it was waiting on the client."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=20)

    class Meta:
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.incident.number} paused {self.started_at:%Y-%m-%d %H:%M}"
