"""Client companies, their contacts and what they licensed and run (P-CLIENT)."""

from django.conf import settings
from django.db import models
from django.urls import reverse


class ClientQuerySet(models.QuerySet):
    """Which clients."""

    def visible_to(self, user):
        """Staff see every client; a contact sees only the company they belong to."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_support_staff:
            return self.all()
        return self.filter(contacts__user=user, contacts__is_active=True).distinct()


class Client(models.Model):
    """A company that licensed the vendor's products."""

    number = models.CharField(max_length=32, unique=True, help_text="The vendor's client number.")
    name = models.CharField(max_length=200)
    mail_domains = models.JSONField(
        default=list,
        blank=True,
        help_text='The client\'s e-mail domains, e.g. ["acme.example"], for unknown senders.',
    )
    colleagues_see_incidents = models.BooleanField(
        default=True, help_text="Contacts see their colleagues' incidents, not only their own."
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    def get_absolute_url(self) -> str:
        return reverse("client-detail", args=[self.number])


class ContactQuerySet(models.QuerySet):
    """Which contacts."""

    def visible_to(self, user):
        return self.filter(client__in=Client.objects.visible_to(user))


class Contact(models.Model):
    """A person at a client who may contact support."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    is_primary = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    mail_opt_out = models.BooleanField(
        default=False, help_text="Send only essential mail (answers, requests for information)."
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["client", "-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(fields=["client", "email"], name="contact_email_per_client"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class LicenceQuerySet(models.QuerySet):
    """Which licences."""

    def visible_to(self, user):
        return self.filter(client__in=Client.objects.visible_to(user))

    def for_product(self, product):
        return self.filter(product_line=product)


class Licence(models.Model):
    """A product a client bought, the release it runs and the server it runs on."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="licences")
    product_line = models.ForeignKey(
        "catalog.ProductLine", on_delete=models.PROTECT, related_name="licences"
    )
    release = models.ForeignKey(
        "catalog.Release",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="licences",
        help_text="The release the client runs (empty for a cloud service).",
    )
    serial_number = models.CharField(max_length=64, blank=True)
    purchased_on = models.DateField()
    seats = models.PositiveIntegerField(default=1)
    server_os = models.CharField("operating system", max_length=120, blank=True)
    database = models.CharField("database version", max_length=120, blank=True)
    applied_maintenance = models.ManyToManyField(
        "catalog.Release",
        blank=True,
        related_name="applied_by",
        help_text="Service packs and hot fixes applied.",
    )

    objects = LicenceQuerySet.as_manager()

    class Meta:
        ordering = ["client", "product_line", "-purchased_on"]
        indexes = [models.Index(fields=["client", "product_line", "purchased_on"])]

    def __str__(self) -> str:
        release = f" {self.release.version}" if self.release else ""
        return f"{self.product_line.name}{release} ({self.client.number})"
