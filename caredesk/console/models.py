"""What agents keep for themselves: saved queue views and canned replies."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class SavedViewQuerySet(models.QuerySet):
    """Which saved views."""

    def visible_to(self, user):
        return self.filter(owner=user) if user.is_authenticated else self.none()


class SavedView(models.Model):
    """A named set of queue filters (the query string of the queue page)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_per_owner"),
        ]

    def __str__(self) -> str:
        return self.name


class CannedReplyQuerySet(models.QuerySet):
    """Which canned replies."""

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_support_staff:
            return self.none()
        return self.filter(Q(shared=True) | Q(owner=user))


class CannedReply(models.Model):
    """A reply an agent sends often; shared ones are offered to every agent."""

    title = models.CharField(max_length=120)
    body = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="canned_replies",
    )
    shared = models.BooleanField(default=True)

    objects = CannedReplyQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "canned replies"

    def __str__(self) -> str:
        return self.title
