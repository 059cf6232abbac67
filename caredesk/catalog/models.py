"""Product lines, their releases, and where each release stands in its lifecycle (P-LIFE)."""

from django.db import models
from django.urls import reverse


class ProductLine(models.Model):
    """A product the vendor sells and supports; its name may change between releases."""

    class Kind(models.TextChoices):
        VERSIONED = "versioned", "Versioned software"
        CLOUD = "cloud", "Cloud service (always Current)"

    class Branding(models.TextChoices):
        OWN = "own", "Vendor's own"
        BRANDED = "branded", "Third party, sold under the vendor's brand"
        THIRD_PARTY = "third-party", "Third party, unbranded"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200, help_text="The name of the newest release.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.VERSIONED)
    branding = models.CharField(max_length=20, choices=Branding.choices, default=Branding.OWN)
    position = models.PositiveIntegerField(default=0, help_text="Order on the versions chart.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("versions") + f"#{self.slug}"

    @property
    def is_cloud(self) -> bool:
        return self.kind == self.Kind.CLOUD


class ReleaseQuerySet(models.QuerySet):
    """Which releases."""

    def versions(self):
        return self.filter(kind=Release.Kind.VERSION)

    def active(self):
        return self.filter(status__in=Release.ACTIVE)

    def current(self):
        return self.filter(status=Release.Status.CURRENT)

    def chart(self):
        """The Active Versions chart: one row per whole version that is not Retired."""
        return (
            self.versions()
            .active()
            .select_related("product_line")
            .order_by("product_line__position", "product_line__name", "-major")
        )

    def visible_to(self, user):
        # The catalog is public: the versions chart is published to everyone.
        return self.all()


class Release(models.Model):
    """One release of a product line: a version, an update, a service pack or a hot fix."""

    class Kind(models.TextChoices):
        VERSION = "version", "Version release"
        UPDATE = "update", "Update release"
        SERVICE_PACK = "service-pack", "Service pack"
        HOT_FIX = "hot-fix", "Hot fix"

    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        PRIOR = "prior", "Prior"
        RETIRED = "retired", "Retired"

    ACTIVE = (Status.CURRENT, Status.PRIOR)
    MAINTENANCE_KINDS = (Kind.SERVICE_PACK, Kind.HOT_FIX)

    product_line = models.ForeignKey(ProductLine, on_delete=models.PROTECT, related_name="releases")
    version = models.CharField(
        max_length=40, help_text="As the Guide writes it: 11.0, 10.x, 11.0.120"
    )
    name = models.CharField(
        max_length=200,
        blank=True,
        help_text="The product's name at this release (blank: the product line's name).",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    major = models.PositiveIntegerField(help_text="The version line this release belongs to.")
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        help_text="For a service pack or hot fix: the release it corrects.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CURRENT)
    published_on = models.DateField(null=True, blank=True)
    retirement_announced_on = models.DateField(null=True, blank=True)
    retires_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["product_line", "-major", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["product_line", "version"], name="release_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(corrects__isnull=True)
                | models.Q(kind__in=["service-pack", "hot-fix"]),
                name="release_only_maintenance_corrects",
            ),
        ]
        indexes = [models.Index(fields=["product_line", "major"])]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_maintenance(self) -> bool:
        return self.kind in self.MAINTENANCE_KINDS
