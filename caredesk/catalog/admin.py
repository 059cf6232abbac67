"""Release managers publish releases here; publishing goes through `publish_release`."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from caredesk.policy import get_policy

from .actions import ReleaseError, announce_retirement, publish_release
from .models import ProductLine, Release


class ReleaseInline(admin.TabularInline):
    model = Release
    fk_name = "product_line"
    fields = ("version", "name", "kind", "status", "published_on", "retires_on")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProductLine)
class ProductLineAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "branding", "position")
    list_editable = ("position",)
    search_fields = ("name", "slug")
    list_filter = ("kind", "branding")
    inlines = [ReleaseInline]


class ReleaseForm(forms.ModelForm):
    """Validates a new release against the Guide's rules before it is published."""

    class Meta:
        model = Release
        fields = ("product_line", "version", "kind", "corrects", "name", "published_on", "notes")

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and not self.errors:
            # Dry run inside a rolled-back savepoint so the admin shows the rule that refuses it.
            from django.db import transaction

            try:
                with transaction.atomic():
                    publish_release(
                        data["product_line"],
                        data["version"],
                        data["kind"],
                        corrects=data.get("corrects"),
                        name=data.get("name") or "",
                        published_on=data.get("published_on"),
                    )
                    transaction.set_rollback(True)
            except ReleaseError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    form = ReleaseForm
    list_display = ("__str__", "product_line", "kind", "status", "published_on", "retires_on")
    list_filter = ("status", "kind", "product_line")
    search_fields = ("version", "name", "product_line__name")
    actions = ["announce_retirement_action"]

    def get_readonly_fields(self, request, obj=None):
        base = ("status", "major", "retirement_announced_on", "retires_on")
        if obj is not None:  # a published release keeps its identity; only notes change
            return base + ("product_line", "version", "kind", "corrects", "published_on")
        return base

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name", "notes"])
            return
        release = publish_release(
            obj.product_line,
            obj.version,
            obj.kind,
            corrects=obj.corrects,
            name=obj.name,
            published_on=obj.published_on,
            notes=obj.notes,
        )
        obj.pk = release.pk
        obj.refresh_from_db()

    @admin.action(description="Announce retirement (with the policy's notice period)")
    def announce_retirement_action(self, request, queryset):
        today = timezone.localdate()
        notice = get_policy().duration(get_policy().lifecycle.retirement_notice).as_timedelta()
        for release in queryset:
            try:
                announce_retirement(
                    release, retires_on=today + notice + timedelta(days=0), announced_on=today
                )
                self.message_user(request, f"{release}: retires on {today + notice}.")
            except ReleaseError as exc:
                self.message_user(request, f"{release}: {exc}", level=messages.ERROR)
