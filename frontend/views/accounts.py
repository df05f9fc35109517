"""Accounts: profile with the API token, password change, password reset by email.

Django's auth views are used as they are; only their templates and the `frontend` URL names
are ours (Django's defaults reverse un-namespaced names and use the admin's templates).
"""

import ipaddress
from datetime import UTC, datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from alliance import rules, services, throttling
from alliance.errors import InvalidInput


class ThrottledAuthenticationForm(throttling.ThrottledLoginFormMixin, AuthenticationForm):
    """Django's login form, refused for a while after repeated failures (alliance/throttling.py)."""


class LoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form):
        return throttling.throttled_response(super().form_invalid(form))


login = LoginView.as_view()


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=gettext_lazy("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(
        label=gettext_lazy("Nom de famille"), max_length=150, required=False
    )
    email = forms.EmailField(label=gettext_lazy("Courriel"), required=True)


@login_required
def profile(request):
    person = request.user
    initial = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_profile_update(user=person, **form.cleaned_data)
        except InvalidInput as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Profil enregistré."))
            return redirect("frontend:profile")
    token = services.user_token_get_or_create(user=person)
    return render(
        request, "accounts/profile.html", {"person": person, "token": token, "form": form}
    )


@login_required
@require_POST
def token_regenerate(request):
    services.user_token_regenerate(user=request.user)
    messages.success(request, _("Nouveau jeton créé : l'ancien ne fonctionne plus."))
    return redirect("frontend:profile")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; the API token is replaced and the person's open sockets close
    (this browser's session stays signed in, Django keeps it; the others are ended)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_token_regenerate(user=form.user, reason="password_changed")
        return response


password_change = PasswordChangeView.as_view(
    template_name="accounts/password_change_form.html",
    success_url=reverse_lazy("frontend:password_change_done"),
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_change_done.html"
)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, limited per email and per address (alliance/throttling.py): an
    email known or not is counted the same, so the answer never tells whether it exists."""

    def form_valid(self, form):
        try:
            throttling.password_reset_check_and_count(
                email=form.cleaned_data["email"], ip=throttling.client_ip(self.request)
            )
        except throttling.PasswordResetThrottled as exc:
            form.add_error(None, exc.message)
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(exc.details["retry_after_seconds"])
            return response
        return super().form_valid(form)


password_reset = PasswordResetView.as_view(
    template_name="accounts/password_reset_form.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("frontend:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's new password from a reset link; the API token is replaced and the person's
    open sockets close (their sessions end with the old password hash)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_token_regenerate(user=form.user, reason="password_reset")
        return response


password_reset_confirm = PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("frontend:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


# --- Sign-in locks: the secretariat's lever ------------------------------------------------------


@login_required
def login_locks(request):
    if not rules.can_lift_login_locks(request.user):
        raise PermissionDenied(_("Seul le secrétariat lève les verrous de connexion."))
    locks = [
        {**lock, "until": datetime.fromtimestamp(lock["until"], tz=UTC)}
        for lock in throttling.login_locks()
    ]
    limits = {
        "pair": settings.LOGIN_FAILURE_LIMIT,
        "address": settings.LOGIN_FAILURE_LIMIT_PER_IP,
        "minutes": settings.LOGIN_FAILURE_WINDOW // 60,
    }
    return render(request, "accounts/login_locks.html", {"locks": locks, "limits": limits})


@login_required
@require_POST
def login_lock_lift(request):
    if not rules.can_lift_login_locks(request.user):
        raise PermissionDenied(_("Seul le secrétariat lève les verrous de connexion."))
    username = request.POST.get("username", "")
    address = request.POST.get("ip", "").strip()
    try:
        ipaddress.ip_address(address)
    except ValueError:
        messages.error(request, _("Adresse non valide."))
        return redirect("frontend:login_locks")
    if throttling.login_lock_lift(username=username, ip=address):
        messages.success(request, _("Verrou levé."))
    else:
        messages.info(request, _("Aucun verrou en cours pour ce nom et cette adresse."))
    return redirect("frontend:login_locks")
