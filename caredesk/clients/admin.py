"""Vendor admins manage clients, contacts and the installed base here."""

from django import forms
from django.contrib import admin
from django.db import transaction

from .actions import InstalledBaseError, record_purchase, update_environment
from .models import Client, Contact, Licence


class ContactInline(admin.TabularInline):
    model = Contact
    fields = ("name", "email", "phone", "user", "is_primary", "is_active")
    raw_id_fields = ("user",)
    extra = 0


class LicenceInline(admin.TabularInline):
    """Shown with the client; added and changed on the licence's own page, through the actions."""

    model = Licence
    fields = ("product_line", "release", "serial_number", "purchased_on", "server_os", "database")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ("name", "number", "colleagues_see_incidents", "created_at")
    search_fields = ("name", "number", "contacts__email")
    inlines = [ContactInline, LicenceInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "client", "phone", "is_primary", "is_active")
    list_filter = ("is_active", "is_primary")
    search_fields = ("name", "email", "client__name", "client__number")
    raw_id_fields = ("user",)
    list_select_related = ("client",)


class LicenceForm(forms.ModelForm):
    """Checks a purchase or a change of environment with the actions' own rules, at the form."""

    class Meta:
        model = Licence
        fields = (
            "client",
            "product_line",
            "release",
            "serial_number",
            "purchased_on",
            "seats",
            "server_os",
            "database",
            "applied_maintenance",
        )

    def apply(self, licence: Licence | None) -> Licence:
        """Record the purchase, or the new environment of `licence`, through the actions."""
        data = self.cleaned_data
        if licence is None:
            licence = record_purchase(
                data["client"],
                data["product_line"],
                data.get("release"),
                data["purchased_on"],
                serial_number=data.get("serial_number", ""),
                seats=data.get("seats") or 1,
            )
        return update_environment(
            licence,
            release=data.get("release"),
            server_os=data.get("server_os", ""),
            database=data.get("database", ""),
            applied=list(data.get("applied_maintenance") or []),
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:  # a dry run in a savepoint rolled back: the admin shows the rule that refuses it
            with transaction.atomic():
                self.apply(self.instance if self.instance.pk else None)
                transaction.set_rollback(True)
        except InstalledBaseError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ("client", "product_line", "release", "serial_number", "purchased_on")
    list_filter = ("product_line",)
    search_fields = ("client__name", "client__number", "serial_number")
    list_select_related = ("client", "product_line", "release")
    filter_horizontal = ("applied_maintenance",)
    autocomplete_fields = ("client",)

    form = LicenceForm

    def get_readonly_fields(self, request, obj=None):
        # A purchase is a fact: after it, only what the client runs changes.
        return ("client", "product_line", "purchased_on", "seats", "serial_number") if obj else ()

    def save_model(self, request, obj, form, change):
        saved = form.apply(obj if change else None)
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        pass  # the actions set the service packs and hot fixes applied
