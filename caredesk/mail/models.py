"""The outbox: every notification is a row written in the same transaction as its cause."""

from django.db import models


class OutboundMessageQuerySet(models.QuerySet):
    """Which outgoing messages."""

    def due(self, now):
        return self.filter(status=OutboundMessage.Status.QUEUED, next_attempt_at__lte=now)

    def for_incident(self, incident):
        return self.filter(incident=incident)


class OutboundMessage(models.Model):
    """One e-mail to send; the worker sends it and retries until it goes or gives up."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SUPPRESSED = "suppressed", "Not sent (opted out)"

    kind = models.SlugField(help_text="acknowledgement, reply, request-info, session, warning ...")
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    attachments = models.JSONField(
        default=list, blank=True, help_text="[{name, content_type, content}] with text content."
    )
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.CASCADE, related_name="mail"
    )
    essential = models.BooleanField(default=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    message_id = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutboundMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to}: {self.subject}"
