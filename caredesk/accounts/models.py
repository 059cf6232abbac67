"""Users and their roles."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """Anyone who signs in: a client's contact or a member of the vendor's support staff."""

    class Role(models.TextChoices):
        CONTACT = "contact", "Client contact"
        AGENT = "agent", "Support agent"
        SENIOR = "senior", "Senior technician"
        MANAGER = "manager", "Support manager"
        RELEASE_MANAGER = "release-manager", "Release manager"
        ADMIN = "admin", "Vendor admin"

    STAFF_ROLES = (Role.AGENT, Role.SENIOR, Role.MANAGER, Role.RELEASE_MANAGER, Role.ADMIN)

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CONTACT)
    on_duty = models.BooleanField(
        default=False, help_text="Senior technicians on duty receive System Down transfers first."
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        help_text="Times are shown in this zone (blank: the support zone).",
    )

    @property
    def is_support_staff(self) -> bool:
        return self.is_active and (self.role in self.STAFF_ROLES or self.is_superuser)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
