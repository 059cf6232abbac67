"""The outbox, for checking what was sent and why something was not."""

from django.contrib import admin, messages

from .models import OutboundMessage
from .outbox import retry


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "to", "subject", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("to", "subject", "incident__number")
    readonly_fields = [f.name for f in OutboundMessage._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.action(description="Send again now (failed or queued messages)")
    def retry_now(self, request, queryset):
        count = retry(queryset)
        self.message_user(request, f"{count} message(s) queued again.", messages.SUCCESS)
