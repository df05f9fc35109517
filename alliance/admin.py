from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from alliance.models import Network, Organisation, User


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "region", "entrepreneurs_count", "active"]
    list_filter = ["region", "networks", "active"]
    search_fields = ["name", "city"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "is_delegate"]
    list_filter = ["is_delegate", "is_steering_committee", "is_secretariat", "is_superuser"]
    list_select_related = ["organisation"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (
            _("Alliance"),
            {"fields": ["organisation", "is_delegate", "is_steering_committee", "is_secretariat"]},
        ),
    ]
