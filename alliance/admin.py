from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from alliance import throttling
from alliance.models import ROLE_FLAGS, Network, Organisation, RoleChange, User


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
    list_filter = [
        "is_delegate",
        "is_referent",
        "is_steering_committee",
        "is_secretariat",
        "is_superuser",
    ]
    list_select_related = ["organisation"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (
            _("Alliance"),
            {
                "fields": [
                    "organisation",
                    "language",
                    "is_delegate",
                    "is_referent",
                    "is_steering_committee",
                    "is_secretariat",
                ]
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        """A role changed here is traced like any other (`RoleChange`, by this admin)."""
        before = User.objects.filter(pk=obj.pk).values(*ROLE_FLAGS).first() if change else {}
        super().save_model(request, obj, form, change)
        RoleChange.objects.bulk_create(
            RoleChange(
                person=obj,
                actor=request.user,
                role=role,
                granted=getattr(obj, role),
                organisation_id=obj.organisation_id,
            )
            for role in ROLE_FLAGS
            if getattr(obj, role) != (before or {}).get(role, False)
        )


@admin.register(RoleChange)
class RoleChangeAdmin(admin.ModelAdmin):
    """The journal is read-only: it is written by `person_roles_set` and the user admin."""

    list_display = ["at", "person", "role", "granted", "organisation", "actor"]
    list_filter = ["role", "granted"]
    list_select_related = ["person", "actor", "organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
