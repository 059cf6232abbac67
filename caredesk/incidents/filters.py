"""The queue's filters: one FilterSet for the console list and (later) the API."""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone

from caredesk.catalog.models import ProductLine
from caredesk.clients.models import Client

from .models import Incident

NEAR = timedelta(hours=2)


class IncidentFilter(django_filters.FilterSet):
    """Mine, unassigned, breaching, waiting on client, by product, severity, client, text."""

    VIEW_CHOICES = [
        ("open", "All open"),
        ("mine", "Mine"),
        ("unassigned", "Unassigned"),
        ("breaching", "Breaching or due within 2 hours"),
        ("waiting", "Waiting on client"),
        ("review", "Entitlement to review"),
        ("closed", "Resolved, closed, declined"),
        ("all", "Everything"),
    ]

    view = django_filters.ChoiceFilter(choices=VIEW_CHOICES, method="filter_view", empty_label=None)
    product = django_filters.ModelChoiceFilter(
        field_name="product_line", queryset=ProductLine.objects.all(), to_field_name="slug"
    )
    severity = django_filters.MultipleChoiceFilter(choices=[(1, "1"), (2, "2"), (3, "3"), (4, "4")])
    client = django_filters.ModelChoiceFilter(queryset=Client.objects.all(), to_field_name="number")
    assignee = django_filters.NumberFilter(field_name="assignee_id")
    q = django_filters.CharFilter(method="filter_text", label="Search")

    class Meta:
        model = Incident
        fields = ["view", "product", "severity", "client", "assignee", "q"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if data.get("view") not in {value for value, _ in self.VIEW_CHOICES}:
            data["view"] = "open"  # no view, or an unknown one: the open incidents
        super().__init__(data, *args, **kwargs)

    def filter_view(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value == "all":
            return queryset
        if value == "closed":
            return queryset.filter(status__in=Incident.CLOSED_STATES)
        queryset = queryset.open()
        if value == "mine":
            return queryset.filter(assignee=user)
        if value == "unassigned":
            return queryset.filter(assignee__isnull=True)
        if value == "breaching":
            return queryset.filter(next_due_at__lte=timezone.now() + NEAR)
        if value == "waiting":
            return queryset.waiting_on_client()
        if value == "review":
            return queryset.filter(entitlement=Incident.Entitlement.DENIED)
        return queryset

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__iexact=value)
            | Q(subject__icontains=value)
            | Q(client__name__icontains=value)
            | Q(client__number__iexact=value)
        )
