import pytest

pytestmark = pytest.mark.django_db


def test_home_page_is_french_by_default(client, organisation):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Accueil" in html


def test_home_page_switches_to_english(client, organisation):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Home" in html


def test_pages_send_a_content_security_policy_without_inline_scripts(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_login_page_signs_a_person_in(client, member):
    response = client.post("/connexion/", {"username": member.username, "password": "demo"})
    assert response.status_code == 302
    assert client.get("/").context["user"] == member
