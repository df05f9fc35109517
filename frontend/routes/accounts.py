"""Pages of the accounts area (views in frontend/views/accounts.py)."""

from django.urls import path

from frontend.views import accounts

urlpatterns = [
    path("profil/", accounts.profile, name="profile"),
    path("profil/jeton/", accounts.token_regenerate, name="token_regenerate"),
    path("profil/mot-de-passe/", accounts.password_change, name="password_change"),
    path(
        "profil/mot-de-passe/modifie/",
        accounts.password_change_done,
        name="password_change_done",
    ),
    path("mot-de-passe-oublie/", accounts.password_reset, name="password_reset"),
    path("mot-de-passe-oublie/envoye/", accounts.password_reset_done, name="password_reset_done"),
    path(
        "mot-de-passe-oublie/<uidb64>/<token>/",
        accounts.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe-oublie/termine/",
        accounts.password_reset_complete,
        name="password_reset_complete",
    ),
    path("secretariat/verrous-connexion/", accounts.login_locks, name="login_locks"),
    path("secretariat/verrous-connexion/lever/", accounts.login_lock_lift, name="login_lock_lift"),
]
