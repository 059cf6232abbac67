"""The outbox, for checking what was sent and why something was not."""

from django.contrib import admin, messages

from .models import Mailbox, OutboundMessage, Recipient
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


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "address",
        "host",
        "is_active",
        "last_success_at",
        "backlog",
        "failing_since",
    )
    list_filter = ("is_active", "security")
    filter_horizontal = ("products",)
    readonly_fields = (
        "last_fetch_at",
        "last_success_at",
        "backlog",
        "last_error",
        "failing_since",
        "alerted_at",
    )
    fieldsets = (
        (None, {"fields": ("name", "address", "is_active")}),
        (
            "Server",
            {
                "fields": (
                    "host",
                    "port",
                    "security",
                    "auth",
                    "username",
                    "secret",
                    "folder",
                    "processed_folder",
                )
            },
        ),
        ("Routing", {"fields": ("products", "default_product")}),
        ("Health", {"fields": readonly_fields}),
    )


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ("address", "failing", "bounces", "last_bounce_at", "last_status")
    list_filter = ("failing",)
    search_fields = ("address",)
