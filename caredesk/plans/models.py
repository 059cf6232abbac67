"""Maintenance plans bought by clients, and allowance time used (P-PLAN, P-TERM, P-SCOPE)."""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.db import models

from caredesk.clients.models import Client


def add_months(start: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (Jan 31 + 1 month = Feb 28)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return start.replace(
        year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1])
    )


class SubscriptionQuerySet(models.QuerySet):
    """Which plans."""

    def visible_to(self, user):
        return self.filter(client__in=Client.objects.visible_to(user))

    def in_force_on(self, day: date):
        """Plans whose term includes `day` (the term ends the day before `ends_on`)."""
        return self.filter(starts_on__lte=day, ends_on__gt=day)

    def covering(self, product):
        return self.filter(products=product)


class Subscription(models.Model):
    """A maintenance plan a client bought for some of its products, for a term."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="subscriptions")
    plan = models.SlugField(help_text="A plan of the support policy, e.g. premium-care.")
    products = models.ManyToManyField("catalog.ProductLine", related_name="subscriptions")
    starts_on = models.DateField()
    months = models.PositiveSmallIntegerField()
    ends_on = models.DateField(editable=False, help_text="The first day no longer covered.")
    addons = models.JSONField(default=list, blank=True)
    renews = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="renewals"
    )
    policy_version = models.CharField(max_length=64, editable=False)
    decided_by_clause = models.CharField(max_length=32, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["client", "-starts_on"]
        indexes = [models.Index(fields=["client", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.plan_name} for {self.client.number}, {self.starts_on} to {self.last_day}"

    def save(self, *args, **kwargs):
        self.ends_on = add_months(self.starts_on, self.months)
        super().save(*args, **kwargs)

    def state_on(self, day: date) -> str:
        """"upcoming", "in-force" or "ended" on `day` (the rule of `in_force_on`)."""
        if day < self.starts_on:
            return "upcoming"
        return "in-force" if day < self.ends_on else "ended"

    @property
    def last_day(self) -> date:
        from datetime import timedelta

        return self.ends_on - timedelta(days=1)

    @property
    def plan_name(self) -> str:
        from caredesk.policy import get_policy

        plans = get_policy().plans
        return plans[self.plan].name if self.plan in plans else self.plan


class AllowanceUsageQuerySet(models.QuerySet):
    """Which allowance records."""

    def visible_to(self, user):
        return self.filter(client__in=Client.objects.visible_to(user))

    def minutes_used(self, client, product, allowance: str) -> int:
        rows = self.filter(client=client, allowance=allowance)
        if product is not None:
            rows = rows.filter(product_line=product)
        return rows.aggregate(total=models.Sum("minutes"))["total"] or 0


class AllowanceUsage(models.Model):
    """Time spent on work with a budget, such as migration assistance."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="allowance_usage")
    product_line = models.ForeignKey(
        "catalog.ProductLine", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    allowance = models.SlugField()
    minutes = models.PositiveIntegerField()
    note = models.CharField(max_length=300, blank=True)
    logged_at = models.DateTimeField()
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AllowanceUsageQuerySet.as_manager()

    class Meta:
        ordering = ["-logged_at"]

    def __str__(self) -> str:
        return f"{self.minutes} min of {self.allowance} for {self.client.number}"
