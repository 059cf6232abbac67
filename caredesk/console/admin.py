from django.contrib import admin

from .models import CannedReply, SavedView


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "shared")
    list_filter = ("shared",)
    search_fields = ("title", "body")


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "query", "position")
    search_fields = ("name", "owner__username")
