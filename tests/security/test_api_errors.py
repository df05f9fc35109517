"""API paths keep the error shape even when Django answers before DRF (no route, a crash)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_api_path_that_matches_no_route_answers_the_error_shape(client):
    response = client.get("/api/organisations/not-a-number/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "message": "Introuvable.", "details": {}}


def test_a_page_that_matches_no_route_stays_an_html_page(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_unexpected_api_error_answers_500_in_the_error_shape(monkeypatch):
    from alliance import api_views

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api_views.selectors, "network_list", crash)
    response = Client(raise_request_exception=False).get("/api/networks/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert response.json()["message"] == "Erreur interne du serveur. Elle a été enregistrée."


def test_every_operation_documents_its_error_answers(client):
    schema = client.get("/api/schema/?format=json").json()
    responses = {
        (method, path): set(operation["responses"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }
    assert responses[("post", "/api/auth/token/")] >= {"200", "400", "429"}
    assert responses[("get", "/api/me/")] >= {"200", "401", "403"}
    assert responses[("get", "/api/organisations/{id}/")] >= {"200", "404"}
    assert responses[("get", "/api/organisations/")] >= {"200", "400", "404"}
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "details", "message"]
    for (_method, _path), statuses in responses.items():
        assert "503" in statuses  # database_unavailable
        for status in statuses - {"200", "201", "204", "503"}:
            assert status.startswith("4")


@pytest.mark.parametrize("year", [1752, 2101])
def test_a_consultation_with_implausible_dates_is_refused(steering, year):
    """Found by schemathesis: a 1752 date came back with Paris' 1752 offset (+00:09:21),
    which is not a valid date-time."""
    import datetime

    from alliance.errors import InvalidInput
    from proposals.consultation.services import consultation_create

    opens_at = datetime.datetime(year, 1, 1, tzinfo=datetime.UTC)
    with pytest.raises(InvalidInput) as refused:
        consultation_create(
            actor=steering,
            title="Consultation",
            slug="consultation",
            opens_at=opens_at,
            closes_at=opens_at + datetime.timedelta(days=10),
            axes=["Un", "Deux"],
        )
    assert refused.value.code == "invalid_dates"


def test_too_many_fields_answer_the_error_shape(client):
    """Found by schemathesis: Django refuses before DRF, with its HTML page."""
    fields = "&".join(f"f{n}=x" for n in range(1100))
    response = client.post(
        "/api/auth/token/", fields, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"


def test_an_id_too_large_for_the_database_is_not_found(client):
    """Found by schemathesis on SQLite: OverflowError, a 500."""
    response = client.get(f"/api/organisations/{10**30}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
