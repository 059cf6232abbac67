"""Vendor admins manage clients, contacts and the installed base here."""

from django.contrib import admin

from .models import Client, Contact, Licence


class ContactInline(admin.TabularInline):
    model = Contact
    fields = ("name", "email", "phone", "user", "is_primary", "is_active")
    raw_id_fields = ("user",)
    extra = 0


class LicenceInline(admin.TabularInline):
    model = Licence
    fields = ("product_line", "release", "serial_number", "purchased_on", "server_os", "database")
    extra = 0
    show_change_link = True


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


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ("client", "product_line", "release", "serial_number", "purchased_on")
    list_filter = ("product_line",)
    search_fields = ("client__name", "client__number", "serial_number")
    list_select_related = ("client", "product_line", "release")
    filter_horizontal = ("applied_maintenance",)
    autocomplete_fields = ("client",)
