import pytest

pytestmark = pytest.mark.django_db


def test_token_login_returns_a_token_that_authenticates(api_client, delegate):
    response = api_client.post(
        "/api/auth/token/", {"username": delegate.username, "password": "demo"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/me/")
    assert me.status_code == 200
    assert me.json()["organisation"] == delegate.organisation_id
    assert me.json()["is_delegate"] is True


def test_wrong_password_has_the_one_error_shape(api_client, delegate):
    response = api_client.post(
        "/api/auth/token/", {"username": delegate.username, "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_credentials"
    assert body["message"] == "Identifiant ou mot de passe incorrect."
    assert body["details"] == {}


def test_missing_fields_answer_invalid_with_field_details(api_client):
    body = api_client.post("/api/auth/token/", {}, format="json").json()
    assert body["code"] == "invalid"
    assert set(body["details"]) == {"username", "password"}


def test_malformed_json_answers_malformed_request(api_client):
    response = api_client.post(
        "/api/auth/token/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"


def test_anonymous_me_is_refused_with_the_error_shape(api_client):
    response = api_client.get("/api/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_errors_are_translated_to_english_on_request(api_client, delegate):
    response = api_client.post(
        "/api/auth/token/",
        {"username": delegate.username, "password": "nope"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.json()["message"] == "Wrong username or password."


def test_schema_and_offline_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # the split view keeps the CSP free of inline scripts
