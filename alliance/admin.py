from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from alliance import throttling
from alliance.models import Network, Organisation, User


class ThrottledAdminAuthenticationForm(throttling.ThrottledLoginFormMixin, AdminAuthenticationForm):
    """`/admin/login/` counts and refuses like the login page (alliance/throttling.py)."""


admin.site.login_form = ThrottledAdminAuthenticationForm
_admin_login = admin.site.login


def _throttled_admin_login(request, extra_context=None):
    return throttling.throttled_response(_admin_login(request, extra_context))


admin.site.login = _throttled_admin_login  # read by admin.site.urls, built after this module


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
