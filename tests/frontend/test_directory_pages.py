import pytest

from tests.factories import DelegateFactory, NetworkFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    cpe = NetworkFactory(name="Coopérer pour Entreprendre", acronym="CPE", slug="cpe")
    lyon = OrganisationFactory(name="Les Ruches", city="Lyon", region="ARA", networks=[cpe])
    alone = OrganisationFactory(name="Horizons", city="Lille", region="HDF")
    return {"cpe": cpe, "lyon": lyon, "alone": alone}


def listed(response):
    assert response.status_code == 200
    return [o.name for o in response.context["page"].object_list]


def test_directory_lists_cae_in_french(client, cast):
    response = client.get("/annuaire/")
    html = response.content.decode()
    assert listed(response) == ["Horizons", "Les Ruches"]
    assert "Annuaire des CAE" in html
    assert "2 CAE trouvées" in html
    assert 'href="/annuaire/les-ruches/"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=lill", ["Horizons"]),
        ("network=cpe", ["Les Ruches"]),
        ("region=ARA", ["Les Ruches"]),
        ("outside_network=on", ["Horizons"]),
    ],
)
def test_directory_filters(client, cast, query, expected):
    assert listed(client.get(f"/annuaire/?{query}")) == expected


def test_invalid_filter_is_reported_and_ignored(client, cast):
    response = client.get("/annuaire/?region=XX")
    assert listed(response) == ["Horizons", "Les Ruches"]
    assert "Certains filtres ne sont pas valides" in response.content.decode()


def test_directory_is_paginated_and_keeps_filters(client, cast, django_assert_num_queries):
    for n in range(35):
        OrganisationFactory(name=f"Réseau CAE {n:02}", networks=[cast["cpe"]])
    # network choices, count, page, networks prefetch
    with django_assert_num_queries(4):
        response = client.get("/annuaire/?network=cpe")
    assert len(listed(response)) == 30
    assert "page=2" in response.content.decode()
    assert "network=cpe&amp;page=2" in response.content.decode()
    assert len(listed(client.get("/annuaire/?network=cpe&page=2"))) == 6


def test_signed_in_directory_query_count(client, cast, django_assert_num_queries):
    for _ in range(10):
        OrganisationFactory(networks=[cast["cpe"]])
    client.force_login(UserFactory(organisation=cast["lyon"]))
    # session, user, network choices, count, page, networks prefetch, header's organisation
    with django_assert_num_queries(7):
        assert len(listed(client.get("/annuaire/"))) == 12


def test_organisation_page_shows_names_and_roles_to_signed_in_people(
    client, cast, django_assert_num_queries
):
    DelegateFactory(organisation=cast["lyon"], first_name="Anne", last_name="Durand")
    UserFactory(
        organisation=cast["lyon"], first_name="Bob", last_name="Martin", is_steering_committee=True
    )
    client.force_login(UserFactory(organisation=cast["alone"]))
    # session, user, organisation, networks, people, header's organisation
    with django_assert_num_queries(6):
        response = client.get("/annuaire/les-ruches/")
    html = response.content.decode()
    assert "Anne Durand" in html
    assert "Bob Martin" in html
    assert "délégué·e" in html
    assert "comité de pilotage" in html
    assert "Coopérer pour Entreprendre" in html


def test_organisation_page_hides_names_from_anonymous_visitors(client, cast):
    DelegateFactory(organisation=cast["lyon"], first_name="Anne", last_name="Durand")
    html = client.get("/annuaire/les-ruches/").content.decode()
    assert "Anne Durand" not in html
    assert "1 personne inscrite." in html
    assert "Connectez-vous pour voir leurs noms." in html


def test_organisation_page_of_a_cae_outside_networks(client, cast):
    html = client.get("/annuaire/horizons/").content.decode()
    assert "Cette CAE n'adhère à aucun réseau." in html


def test_unknown_or_inactive_organisation_is_not_found(client, cast):
    OrganisationFactory(name="Fermée", active=False)
    assert client.get("/annuaire/fermee/").status_code == 404
    assert client.get("/annuaire/inconnue/").status_code == 404


def test_networks_page(client, cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        html = client.get("/reseaux/").content.decode()
    assert "Coopérer pour Entreprendre (CPE)" in html
    assert "1 CAE membre" in html
    assert "/annuaire/?network=cpe" in html


def test_directory_in_english(client, cast):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/annuaire/").content.decode()
    assert "CAE directory" in html
    assert "Outside any network" in html
