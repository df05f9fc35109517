"""API token authentication (`alliance.api.authentication`): one statement for a known token,
DRF's refusals, in French, for the others."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def me(api_client, key: str):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api_client.get("/api/me/")


def test_a_known_token_signs_its_person_in_with_one_statement(api_client, delegate):
    key = Token.objects.get_or_create(user=delegate)[0].key
    with CaptureQueriesContext(connection) as queries:
        response = me(api_client, key)
    assert response.status_code == 200
    assert response.json()["id"] == delegate.pk
    token_reads = [q["sql"] for q in queries if Token._meta.db_table in q["sql"]]
    # the raw statement of alliance.api.authentication, not the ORM's compiled one
    assert len(token_reads) == 1 and "u.is_active" in token_reads[0], token_reads


@pytest.mark.parametrize(
    ("key_of", "message"),
    [
        (lambda person: "0" * 40, "Token non valide."),
        (lambda person: Token.objects.get_or_create(user=person)[0].key, None),
    ],
    ids=["unknown token", "inactive person"],
)
def test_other_tokens_are_refused_with_drfs_messages(api_client, member, key_of, message):
    key = key_of(member)
    if message is None:  # the token of a person whose account was closed
        member.is_active = False
        member.save(update_fields=["is_active"])
        message = "Utilisateur inactif ou supprimé."
    response = me(api_client, key)
    assert response.status_code == 401
    assert response.json() == {"code": "authentication_failed", "message": message, "details": {}}
    assert response["WWW-Authenticate"] == "Token"
