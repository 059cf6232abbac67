"""Incidents are worked in the console; the admin shows them read-only for inspection."""

from django.contrib import admin

from .models import Clock, Event, Incident


class ReadOnly(admin.ModelAdmin):
    """Every change goes through the incident actions, so the admin only looks."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ClockInline(admin.TabularInline):
    model = Clock
    fields = ("target", "within", "calendar", "due_at", "state", "met_at", "breached_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Incident)
class IncidentAdmin(ReadOnly):
    list_display = (
        "number",
        "subject",
        "client",
        "product_line",
        "severity",
        "status",
        "assignee",
        "next_due_at",
        "created_at",
    )
    list_filter = ("status", "severity", "channel", "entitlement", "product_line")
    search_fields = ("number", "subject", "client__name", "client__number")
    list_select_related = ("client", "product_line", "assignee")
    date_hierarchy = "created_at"
    inlines = [ClockInline]


@admin.register(Event)
class EventAdmin(ReadOnly):
    list_display = ("incident", "kind", "author", "clause", "internal", "created_at")
    list_filter = ("kind", "internal")
    search_fields = ("incident__number", "body")
    list_select_related = ("incident", "author")
