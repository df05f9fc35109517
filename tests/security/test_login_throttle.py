"""Login is throttled after repeated failures, at both doors: the page and the token API.
Failures count per (username, address) and per address (tests/security/test_signin_limits.py
plays the outsider)."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

LIMIT = 5


def api_login(client, username, password, ip="10.0.0.1"):
    return client.post(
        "/api/auth/token/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=ip,
    )


def page_login(client, username, password, ip="10.0.0.1"):
    return client.post("/connexion/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_api_refuses_the_right_password_after_five_failures(api_client, member):
    for _ in range(LIMIT):
        assert api_login(api_client, member.username, "wrong").status_code == 400
    response = api_login(api_client, member.username, "demo")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "login_throttled"
    assert body["message"] == (
        "Trop de tentatives de connexion échouées. Réessayez dans 15 minutes."
    )
    assert body["details"] == {"retry_after_seconds": 900}


def test_api_throttle_message_is_translated(api_client, member):
    for _ in range(LIMIT):
        api_login(api_client, member.username, "wrong")
    response = api_client.post(
        "/api/auth/token/",
        {"username": member.username, "password": "demo"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
        REMOTE_ADDR="10.0.0.1",
    )
    assert (
        response.json()["message"] == "Too many failed sign-in attempts. Try again in 15 minutes."
    )


def test_a_success_resets_the_count(api_client, member):
    for _ in range(LIMIT - 1):
        api_login(api_client, member.username, "wrong")
    assert api_login(api_client, member.username, "demo").status_code == 200
    for _ in range(LIMIT - 1):
        assert api_login(api_client, member.username, "wrong").status_code == 400
    assert api_login(api_client, member.username, "demo").status_code == 200


def test_the_username_is_throttled_at_its_address_whatever_its_case(api_client, member):
    for _ in range(LIMIT):
        api_login(api_client, f"  {member.username.upper()} ", "wrong", ip="10.0.1.1")
    assert api_login(api_client, member.username, "demo", ip="10.0.1.1").status_code == 429
    # The same username from another address is not locked (test_signin_limits.py).
    assert api_login(api_client, member.username, "demo", ip="10.9.9.9").status_code == 200


def test_other_people_are_not_throttled_by_someone_elses_failures(api_client, member, delegate):
    for _ in range(LIMIT):
        api_login(api_client, member.username, "wrong", ip="10.0.0.1")
    assert api_login(api_client, delegate.username, "demo", ip="10.0.0.2").status_code == 200


@override_settings(LOGIN_FAILURE_LIMIT_PER_IP=8)
def test_one_address_trying_many_usernames_is_throttled(api_client, member):
    for n in range(8):
        api_login(api_client, f"guess{n}", "wrong", ip="10.6.6.6")
    assert api_login(api_client, member.username, "demo", ip="10.6.6.6").status_code == 429
    assert api_login(api_client, member.username, "demo", ip="10.7.7.7").status_code == 200


def test_the_throttle_ends_when_the_window_passes(api_client, member):
    with override_settings(LOGIN_FAILURE_WINDOW=1):
        for _ in range(LIMIT):
            api_login(api_client, member.username, "wrong")
        assert api_login(api_client, member.username, "demo").status_code == 429
        import time

        time.sleep(1.5)
        assert api_login(api_client, member.username, "demo").status_code == 200


def test_login_page_refuses_after_five_failures_with_a_translated_message(client, member):
    for _ in range(LIMIT):
        response = page_login(client, member.username, "wrong")
        assert response.status_code == 200
        assert "Identifiant ou mot de passe incorrect." in response.content.decode()
    response = page_login(client, member.username, "demo")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Trop de tentatives de connexion échouées. Réessayez dans 15 minutes." in html
    assert "_auth_user_id" not in client.session

    client.cookies.load({"django_language": "en"})
    response = page_login(client, member.username, "demo")
    assert "Too many failed sign-in attempts. Try again in 15 minutes." in response.content.decode()


def test_login_page_success_resets_and_signs_in(client, member):
    for _ in range(LIMIT - 1):
        page_login(client, member.username, "wrong")
    response = page_login(client, member.username, "demo")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_page_and_api_share_the_count(client, api_client, member):
    for _ in range(3):
        page_login(client, member.username, "wrong")
    for _ in range(2):
        api_login(api_client, member.username, "wrong")
    assert page_login(client, member.username, "demo").status_code == 429
