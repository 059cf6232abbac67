from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class CaredeskUserAdmin(UserAdmin):
    list_display = ("username", "email", "get_full_name", "role", "is_staff", "is_active")
    list_filter = ("role", "is_staff", "is_active")
    fieldsets = UserAdmin.fieldsets + (("Support", {"fields": ("role", "time_zone")}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("Support", {"fields": ("role",)}),)
