"""Nobody silenced, nobody guessing: sign-in limits as an outsider meets them.

Failures count per (username, client address) and per address; the client address comes from
`X-Forwarded-For` only through a `TRUSTED_PROXIES` proxy; the admin's login page, the token
endpoint and password reset are limited too; the secretariat lifts a lock
(alliance/throttling.py)."""

from unittest import mock

import pytest
from django.core import mail
from django.test import override_settings

from alliance.api_views import LoginThrottle
from tests.factories import AdminFactory, DelegateFactory, OrganisationFactory
from tests.security.test_login_throttle import LIMIT, api_login, page_login

pytestmark = pytest.mark.django_db

OUTSIDER = "203.0.113.66"
OWNER = "198.51.100.7"
VENUE = "192.0.2.10"


# --- Per (username, address): the owner is never refused for someone else's failures ---------


@pytest.mark.parametrize("failures", [LIMIT, 50])
def test_an_outsider_failing_for_a_delegate_does_not_stop_the_delegate_elsewhere(
    client, api_client, delegate, failures
):
    for _ in range(failures):
        api_login(api_client, delegate.username, "wrong", ip=OUTSIDER)
    assert api_login(api_client, delegate.username, "demo", ip=OUTSIDER).status_code == 429
    response = api_login(api_client, delegate.username, "demo", ip=OWNER)
    assert response.status_code == 200
    assert page_login(client, delegate.username, "demo", ip=OWNER).status_code == 302
    assert client.session["_auth_user_id"] == str(delegate.pk)


def test_a_locked_pair_answers_429_with_retry_after(api_client, client, delegate):
    for _ in range(LIMIT):
        api_login(api_client, delegate.username, "wrong", ip=OUTSIDER)
    response = api_login(api_client, delegate.username, "demo", ip=OUTSIDER)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    page = page_login(client, delegate.username, "demo", ip=OUTSIDER)
    assert page.status_code == 429
    assert page["Retry-After"] == "900"


def test_a_venue_of_300_delegates_each_mistyping_once_all_sign_in(api_client):
    """One public address for the room: every delegate mistypes once, then types the right
    password. Each success takes its own failure off the address's count."""
    cae = OrganisationFactory()
    for n in range(300):
        delegate = DelegateFactory(organisation=cae, username=f"salle{n}")
        assert api_login(api_client, delegate.username, "oups", ip=VENUE).status_code == 400
        assert api_login(api_client, delegate.username, "demo", ip=VENUE).status_code == 200


@override_settings(LOGIN_FAILURE_LIMIT_PER_IP=10)
def test_an_address_guessing_many_usernames_is_locked_the_right_password_too(api_client, delegate):
    for n in range(10):
        api_login(api_client, f"inconnu{n}", "motdepasse", ip=OUTSIDER)
    response = api_login(api_client, delegate.username, "demo", ip=OUTSIDER)
    assert response.status_code == 429
    assert response.json()["code"] == "login_throttled"
    assert api_login(api_client, delegate.username, "demo", ip=OWNER).status_code == 200


@override_settings(LOGIN_FAILURE_LIMIT_PER_IP=10)
def test_signing_in_again_does_not_refill_the_address_budget(api_client, delegate):
    """A success forgives only its own pair's failures: an attacker's own valid account does
    not reset the count of the usernames it guesses."""
    for n in range(9):
        api_login(api_client, f"inconnu{n}", "motdepasse", ip=OUTSIDER)
    for _ in range(3):
        assert api_login(api_client, delegate.username, "demo", ip=OUTSIDER).status_code == 200
    api_login(api_client, "inconnu9", "motdepasse", ip=OUTSIDER)
    assert api_login(api_client, delegate.username, "demo", ip=OUTSIDER).status_code == 429


# --- The client's address: X-Forwarded-For through trusted proxies only ------------------------


def test_a_spoofed_forwarded_for_does_not_change_the_counted_address(api_client, delegate):
    """No TRUSTED_PROXIES (the default): a client writing a new address in each request is
    still counted at its own."""
    for n in range(LIMIT):
        api_client.post(
            "/api/auth/token/",
            {"username": delegate.username, "password": "wrong"},
            format="json",
            REMOTE_ADDR=OUTSIDER,
            HTTP_X_FORWARDED_FOR=f"10.20.30.{n}",
        )
    response = api_client.post(
        "/api/auth/token/",
        {"username": delegate.username, "password": "demo"},
        format="json",
        REMOTE_ADDR=OUTSIDER,
        HTTP_X_FORWARDED_FOR="10.20.30.99",
    )
    assert response.status_code == 429


@override_settings(TRUSTED_PROXIES=["172.31.250.0/24"])
def test_an_untrusted_client_cannot_pretend_to_be_a_proxy(api_client, delegate):
    for _ in range(LIMIT):
        api_client.post(
            "/api/auth/token/",
            {"username": delegate.username, "password": "wrong"},
            format="json",
            REMOTE_ADDR=OUTSIDER,
            HTTP_X_FORWARDED_FOR="172.31.250.2",
        )
    assert api_login(api_client, delegate.username, "demo", ip=OUTSIDER).status_code == 429


@override_settings(TRUSTED_PROXIES=["172.31.250.0/24"])
def test_through_a_trusted_proxy_the_forwarded_address_is_counted(api_client, delegate):
    """nginx (172.31.250.2) connects; the right-most entry that is not a proxy is the client,
    whatever the client wrote to the left of it."""

    def through_proxy(password, forwarded):
        return api_client.post(
            "/api/auth/token/",
            {"username": delegate.username, "password": password},
            format="json",
            REMOTE_ADDR="172.31.250.2",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for n in range(LIMIT):
        through_proxy("wrong", f"10.20.30.{n}, {OUTSIDER}")
    assert through_proxy("demo", OUTSIDER).status_code == 429
    assert through_proxy("demo", f"{OWNER}, 172.31.250.3").status_code == 200


def test_the_token_rate_limit_ignores_a_spoofed_forwarded_for(api_client, delegate):
    """DRF's own rate limit of the token endpoint read X-Forwarded-For from anyone."""
    with mock.patch.object(LoginThrottle, "THROTTLE_RATES", {"login": "3/min"}):
        codes = [
            api_client.post(
                "/api/auth/token/",
                {"username": delegate.username, "password": "demo"},
                format="json",
                REMOTE_ADDR=OUTSIDER,
                HTTP_X_FORWARDED_FOR=f"10.20.30.{n}",
            ).status_code
            for n in range(4)
        ]
    assert codes == [200, 200, 200, 429]


# --- The other doors: the admin's login page, password reset -----------------------------------


def admin_login(client, username, password, ip=OUTSIDER):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


def test_the_admin_login_page_is_throttled_like_the_sign_in_page(client):
    admin = AdminFactory()
    for _ in range(LIMIT):
        assert admin_login(client, admin.username, "wrong").status_code == 200
    response = admin_login(client, admin.username, "demo")
    assert response.status_code == 429
    assert "Trop de tentatives de connexion échouées." in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The same count as the sign-in page; another address is not locked.
    assert page_login(client, admin.username, "demo", ip=OUTSIDER).status_code == 429
    assert admin_login(client, admin.username, "demo", ip=OWNER).status_code == 302


def test_a_right_password_the_admin_refuses_is_not_counted_as_a_guess(client, delegate):
    for _ in range(LIMIT + 1):
        assert admin_login(client, delegate.username, "demo").status_code == 200  # not staff
    assert page_login(client, delegate.username, "demo", ip=OUTSIDER).status_code == 302


def reset(client, email, ip=OUTSIDER):
    return client.post("/mot-de-passe-oublie/", {"email": email}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("known", [True, False])
def test_password_reset_is_limited_per_email_and_tells_nothing(client, delegate, known):
    email = delegate.email if known else "personne@example.org"
    for n in range(5):
        assert reset(client, email, ip=f"203.0.113.{n}").status_code == 302
    response = reset(client, email.upper(), ip="203.0.113.99")
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    html = response.content.decode()
    assert "Trop de demandes de réinitialisation. Réessayez dans 60 minutes." in html
    assert len(mail.outbox) == (5 if known else 0)


def test_password_reset_is_limited_per_address(client, delegate):
    for n in range(20):
        assert reset(client, f"inconnu{n}@example.org").status_code == 302
    assert reset(client, delegate.email).status_code == 429
    assert mail.outbox == []
    assert reset(client, delegate.email, ip=OWNER).status_code == 302
    assert len(mail.outbox) == 1


def test_the_password_reset_refusal_is_translated(client):
    for _ in range(5):
        reset(client, "x@example.org")
    client.cookies.load({"django_language": "en"})
    html = reset(client, "x@example.org").content.decode()
    assert "Too many password reset requests. Try again in 60 minutes." in html


# --- The secretariat's lever -------------------------------------------------------------------


def test_the_secretariat_sees_the_lock_lifts_it_and_the_person_signs_in(
    client, api_client, delegate, secretariat
):
    for _ in range(LIMIT):
        api_login(api_client, delegate.username, "wrong", ip=VENUE)
    assert api_login(api_client, delegate.username, "demo", ip=VENUE).status_code == 429

    client.force_login(secretariat)
    page = client.get("/secretariat/verrous-connexion/").content.decode()
    assert delegate.username in page and VENUE in page
    response = client.post(
        "/secretariat/verrous-connexion/lever/", {"username": delegate.username, "ip": VENUE}
    )
    assert response.status_code == 302
    assert delegate.username not in client.get("/secretariat/verrous-connexion/").content.decode()
    assert api_login(api_client, delegate.username, "demo", ip=VENUE).status_code == 200


@override_settings(LOGIN_FAILURE_LIMIT_PER_IP=10)
def test_the_secretariat_lifts_an_address_lock(client, api_client, delegate, secretariat):
    for n in range(10):
        api_login(api_client, f"salle{n}", "oups", ip=VENUE)
    assert api_login(api_client, delegate.username, "demo", ip=VENUE).status_code == 429
    client.force_login(secretariat)
    assert "toute l'adresse" in client.get("/secretariat/verrous-connexion/").content.decode()
    client.post("/secretariat/verrous-connexion/lever/", {"username": "", "ip": VENUE})
    assert api_login(api_client, delegate.username, "demo", ip=VENUE).status_code == 200


def test_a_delegate_cannot_lift_a_lock(client, api_client, delegate, other_delegate):
    for _ in range(LIMIT):
        api_login(api_client, other_delegate.username, "wrong", ip=VENUE)
    client.force_login(delegate)
    assert client.get("/secretariat/verrous-connexion/").status_code == 403
    response = client.post(
        "/secretariat/verrous-connexion/lever/",
        {"username": other_delegate.username, "ip": VENUE},
    )
    assert response.status_code == 403
    assert api_login(api_client, other_delegate.username, "demo", ip=VENUE).status_code == 429


def test_lifting_needs_the_csrf_token(api_client, delegate, secretariat):
    from django.test import Client

    for _ in range(LIMIT):
        api_login(api_client, delegate.username, "wrong", ip=VENUE)
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat)
    response = client.post(
        "/secretariat/verrous-connexion/lever/", {"username": delegate.username, "ip": VENUE}
    )
    assert response.status_code == 403
    assert api_login(api_client, delegate.username, "demo", ip=VENUE).status_code == 429
