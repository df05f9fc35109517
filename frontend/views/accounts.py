"""Accounts: profile with the API token, password change, password reset by email.

Django's auth views are used as they are; only their templates and the `frontend` URL names
are ours (Django's defaults reverse un-namespaced names and use the admin's templates).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from alliance import services, throttling
from alliance.errors import InvalidInput


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refused for a while after repeated failures (alliance/throttling.py)."""

    throttled = False

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = throttling.client_ip(self.request)
        try:
            throttling.login_check(username=username, ip=ip)
        except throttling.LoginThrottled as exc:
            self.throttled = True
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        try:
            cleaned = super().clean()
        except forms.ValidationError as exc:
            if exc.code == "invalid_login":
                throttling.login_failed(username=username, ip=ip)
            raise
        throttling.login_succeeded(username=username)
        return cleaned


class LoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response


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


password_change = auth_views.PasswordChangeView.as_view(
    template_name="accounts/password_change_form.html",
    success_url=reverse_lazy("frontend:password_change_done"),
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_change_done.html"
)
password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset_form.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("frontend:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("frontend:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
