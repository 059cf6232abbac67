"""Mail in and out. Inbound: the raw message is stored first, then routed. Outbound: every
notification is a row written in the same transaction as its cause, sent by the worker."""

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
    automatic = models.BooleanField(
        default=True, help_text="Sent by the system, not written by a person (Auto-Submitted)."
    )
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


class MailboxQuerySet(models.QuerySet):
    """Which mailboxes."""

    def visible_to(self, user):
        if user.is_authenticated and user.is_support_staff:
            return self.all()
        return self.none()


class Mailbox(models.Model):
    """An IMAP mailbox the worker polls for support mail."""

    class Security(models.TextChoices):
        TLS = "tls", "TLS (imaps)"
        STARTTLS = "starttls", "STARTTLS"
        NONE = "none", "None (loopback and tests only)"

    class Auth(models.TextChoices):
        PASSWORD = "password", "Password"
        OAUTH2 = "oauth2", "OAuth2 access token (XOAUTH2)"

    name = models.CharField(max_length=100, unique=True)
    address = models.EmailField(help_text="The support address clients write to.")
    host = models.CharField(max_length=200)
    port = models.PositiveIntegerField(default=993)
    security = models.CharField(max_length=10, choices=Security.choices, default=Security.TLS)
    auth = models.CharField(max_length=10, choices=Auth.choices, default=Auth.PASSWORD)
    username = models.CharField(max_length=200)
    secret = models.TextField(help_text="The password or the OAuth2 access token.")
    folder = models.CharField(max_length=200, default="INBOX")
    processed_folder = models.CharField(
        max_length=200,
        blank=True,
        help_text="Move processed mail here; blank keeps it in place with a keyword.",
    )
    products = models.ManyToManyField(
        "catalog.ProductLine",
        blank=True,
        related_name="mailboxes",
        help_text="The products mail to this box is about (one: every new incident is for it).",
    )
    default_product = models.ForeignKey(
        "catalog.ProductLine", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    last_fetch_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    backlog = models.PositiveIntegerField(default=0, help_text="Unprocessed at the last fetch.")
    last_error = models.TextField(blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True)

    objects = MailboxQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"


class InboundMessageQuerySet(models.QuerySet):
    """Which inbound messages."""

    def visible_to(self, user):
        if user.is_authenticated and user.is_support_staff:
            return self.all()
        return self.none()

    def unrouted(self):
        return self.filter(state=InboundMessage.State.RECEIVED)

    def quarantined(self):
        return self.filter(state=InboundMessage.State.QUARANTINED)


class InboundMessage(models.Model):
    """One message as it arrived, byte for byte, and what became of it."""

    class State(models.TextChoices):
        RECEIVED = "received", "Stored, not yet routed"
        PROCESSED = "processed", "Routed"
        QUARANTINED = "quarantined", "In quarantine"

    class Outcome(models.TextChoices):
        NONE = "", "—"
        CREATED = "created", "Opened an incident"
        APPENDED = "appended", "Added to an incident"
        AUTO_REPLY = "auto-reply", "Automatic mail"
        BOUNCE = "bounce", "Delivery report"
        DUPLICATE = "duplicate", "Duplicate or our own mail"
        QUARANTINED = "quarantined", "Quarantined"
        DISMISSED = "dismissed", "Dismissed by an agent"

    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    source = models.CharField(max_length=500, help_text="Where it came from (mailbox/UID, file).")
    message_id = models.CharField(max_length=998, unique=True)
    raw = models.BinaryField()
    raw_sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    from_addr = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.RECEIVED)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    reason = models.TextField(blank=True, help_text="Why it went where it went.")
    incident = models.ForeignKey(
        "incidents.Incident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_mail",
    )
    routed_at = models.DateTimeField(null=True, blank=True)

    objects = InboundMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["state", "received_at"], name="inbound_state")]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.get_state_display()})"


class Recipient(models.Model):
    """What we know of an address we mail: bounces mark it failing."""

    address = models.EmailField(unique=True)
    failing = models.BooleanField(default=False)
    last_bounce_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=200, blank=True)
    bounces = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.address + (" (failing)" if self.failing else "")
