import re

import pytest
from django.core import mail
from rest_framework.authtoken.models import Token

from alliance import services

pytestmark = pytest.mark.django_db


def test_profile_needs_a_signed_in_person(client):
    response = client.get("/profil/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=/profil/")


def test_profile_shows_name_email_cae_roles_and_token(client, delegate):
    delegate.is_steering_committee = True
    delegate.save()
    client.force_login(delegate)
    html = client.get("/profil/").content.decode()
    token = Token.objects.get(user=delegate)
    assert delegate.get_full_name() in html
    assert delegate.email in html
    assert delegate.organisation.name in html
    assert "délégué·e de sa CAE" in html
    assert "comité de pilotage" in html
    assert token.key in html


def test_regenerating_the_token_revokes_the_old_one(client, api_client, member):
    old = services.user_token_get_or_create(user=member).key
    client.force_login(member)
    response = client.post("/profil/jeton/", follow=True)
    new = Token.objects.get(user=member).key
    assert new != old
    assert new in response.content.decode()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert api_client.get("/api/me/").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert api_client.get("/api/me/").status_code == 200


def test_token_regeneration_refuses_get(client, member):
    client.force_login(member)
    assert client.get("/profil/jeton/").status_code == 405


def test_password_change(client, member):
    client.force_login(member)
    response = client.post(
        "/profil/mot-de-passe/",
        {
            "old_password": "demo",
            "new_password1": "une-phrase-longue-2018",
            "new_password2": "une-phrase-longue-2018",
        },
    )
    assert response["Location"] == "/profil/mot-de-passe/modifie/"
    member.refresh_from_db()
    assert member.check_password("une-phrase-longue-2018")


def test_password_change_with_a_wrong_old_password_changes_nothing(client, member):
    client.force_login(member)
    response = client.post(
        "/profil/mot-de-passe/",
        {
            "old_password": "nope",
            "new_password1": "x-long-2018-a",
            "new_password2": "x-long-2018-a",
        },
    )
    assert response.status_code == 200
    assert "Votre ancien mot de passe est incorrect" in response.content.decode()
    member.refresh_from_db()
    assert member.check_password("demo")


def test_password_reset_by_email_in_french(client, member):
    response = client.post("/mot-de-passe-oublie/", {"email": member.email})
    assert response["Location"] == "/mot-de-passe-oublie/envoye/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert message.subject.startswith("Nouveau mot de passe sur")
    assert "Bonjour" in message.body
    link = re.search(r"http://testserver(/mot-de-passe-oublie/\S+/\S+/)", message.body).group(1)

    form = client.get(link, follow=True)
    assert "Nouveau mot de passe" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "une-phrase-longue-2018", "new_password2": "une-phrase-longue-2018"},
    )
    assert done["Location"] == "/mot-de-passe-oublie/termine/"
    member.refresh_from_db()
    assert member.check_password("une-phrase-longue-2018")


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post("/mot-de-passe-oublie/", {"email": "personne@example.org"})
    assert response["Location"] == "/mot-de-passe-oublie/envoye/"
    assert mail.outbox == []


def test_login_page_links_to_password_reset(client):
    assert "/mot-de-passe-oublie/" in client.get("/connexion/").content.decode()


def test_profile_edits_name_and_email(client, member):
    client.force_login(member)
    response = client.post(
        "/profil/", {"first_name": "Anne", "last_name": "Durand", "email": "anne@example.org"}
    )
    assert response["Location"] == "/profil/"
    member.refresh_from_db()
    assert (member.first_name, member.last_name, member.email) == (
        "Anne",
        "Durand",
        "anne@example.org",
    )


def test_profile_refuses_a_bad_email_and_changes_nothing(client, member):
    client.force_login(member)
    before = member.email
    response = client.post("/profil/", {"first_name": "Anne", "last_name": "", "email": "nope"})
    assert response.status_code == 200
    assert "Saisissez une adresse e-mail valide." in response.content.decode()
    member.refresh_from_db()
    assert (member.first_name, member.email) == ("Camille", before)


def test_profile_query_count(client, delegate, django_assert_num_queries):
    client.force_login(delegate)
    client.get("/profil/")  # creates the token
    # session, user, token, the CAE (header and profile share the cached relation)
    with django_assert_num_queries(4):
        assert client.get("/profil/").status_code == 200
