import pytest

from tests.factories import DelegateFactory, NetworkFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    cpe = NetworkFactory(name="Coopérer pour Entreprendre", acronym="CPE", slug="cpe")
    copea = NetworkFactory(name="Copéa", acronym="Copéa", slug="copea")
    return {
        "cpe": cpe,
        "copea": copea,
        "lyon": OrganisationFactory(name="Les Ruches", city="Lyon", region="ARA", networks=[cpe]),
        "rennes": OrganisationFactory(
            name="Passerelles", city="Rennes", region="BRE", networks=[cpe, copea]
        ),
        "alone": OrganisationFactory(name="Horizons", city="Lille", region="HDF"),
        "closed": OrganisationFactory(name="Fermée", active=False, networks=[cpe]),
    }


def names(response):
    assert response.status_code == 200, response.json()
    return [row["name"] for row in response.json()["results"]]


def test_lists_active_cae_by_name_with_their_networks(api_client, cast):
    body = api_client.get("/api/organisations/").json()
    assert [row["name"] for row in body["results"]] == ["Horizons", "Les Ruches", "Passerelles"]
    assert body["count"] == 3
    passerelles = body["results"][2]
    assert passerelles["region"] == "BRE"
    assert passerelles["region_label"] == "Bretagne"
    assert [n["slug"] for n in passerelles["networks"]] == ["cpe", "copea"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?q=ruch", ["Les Ruches"]),
        ("?q=rennes", ["Passerelles"]),
        ("?network=cpe", ["Les Ruches", "Passerelles"]),
        ("?network=copea", ["Passerelles"]),
        ("?region=HDF", ["Horizons"]),
        ("?outside_network=true", ["Horizons"]),
        ("?network=cpe&region=ARA", ["Les Ruches"]),
        ("?q=zzz", []),
    ],
)
def test_filters(api_client, cast, query, expected):
    assert names(api_client.get(f"/api/organisations/{query}")) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?region=XX", "region"),
        ("?network=unknown", "network"),
        ("?outside_network=maybe", "outside_network"),
    ],
)
def test_bad_filters_answer_invalid_with_the_field(api_client, cast, query, field):
    response = api_client.get(f"/api/organisations/{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["details"]


def test_list_query_count_does_not_grow_with_the_cae(api_client, cast, django_assert_num_queries):
    for _ in range(10):
        OrganisationFactory(networks=[cast["cpe"], cast["copea"]])
    # count, page, networks prefetch
    with django_assert_num_queries(3):
        assert len(names(api_client.get("/api/organisations/"))) == 13
    # + the network's existence check
    with django_assert_num_queries(4):
        assert len(names(api_client.get("/api/organisations/?network=copea&q=CAE"))) == 10


def test_detail_hides_people_from_anonymous_readers(api_client, cast):
    DelegateFactory(organisation=cast["lyon"], first_name="Anne", last_name="Durand")
    body = api_client.get(f"/api/organisations/{cast['lyon'].pk}/").json()
    assert body["people_count"] == 1
    assert body["people"] == []
    assert "Durand" not in str(body)


def test_detail_lists_people_and_roles_to_signed_in_readers(
    api_as, cast, django_assert_num_queries
):
    reader = UserFactory()
    DelegateFactory(organisation=cast["lyon"], first_name="Anne", last_name="Durand")
    UserFactory(organisation=cast["lyon"], first_name="Bob", last_name="Martin")
    client = api_as(reader)
    with django_assert_num_queries(3):  # organisation, networks, people
        body = client.get(f"/api/organisations/{cast['lyon'].pk}/").json()
    people = {p["display_name"]: p for p in body["people"]}
    assert set(people) == {"Anne Durand", "Bob Martin"}
    assert people["Anne Durand"]["is_delegate"] is True
    assert people["Bob Martin"]["is_delegate"] is False


def test_inactive_or_missing_cae_answers_not_found(api_client, cast):
    for pk in (cast["closed"].pk, 999_999):
        response = api_client.get(f"/api/organisations/{pk}/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_networks_with_their_active_cae_count(api_client, cast, django_assert_num_queries):
    with django_assert_num_queries(2):
        body = api_client.get("/api/networks/").json()
    counts = {row["slug"]: row["organisation_count"] for row in body["results"]}
    assert counts == {"cpe": 2, "copea": 1}


def test_people_are_for_signed_in_readers_only(api_client):
    response = api_client.get("/api/people/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_people_list_with_cae_and_filters(api_as, cast, django_assert_num_queries):
    reader = UserFactory(organisation=cast["alone"])
    DelegateFactory(organisation=cast["lyon"], first_name="Anne", last_name="Durand")
    for _ in range(5):
        UserFactory(organisation=cast["rennes"])
    client = api_as(reader)
    with django_assert_num_queries(2):  # count, page with organisations joined
        body = client.get("/api/people/").json()
    assert body["count"] == 7
    lyon = client.get(f"/api/people/?organisation={cast['lyon'].pk}").json()["results"]
    assert [(p["display_name"], p["organisation"]["slug"], p["is_delegate"]) for p in lyon] == [
        ("Anne Durand", cast["lyon"].slug, True)
    ]
    assert client.get("/api/people/?q=durand").json()["count"] == 1


def test_every_directory_endpoint_is_in_the_schema(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    for path in (
        "/api/organisations/",
        "/api/organisations/{id}/",
        "/api/networks/",
        "/api/people/",
    ):
        assert path in paths
