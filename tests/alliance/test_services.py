import pytest

from alliance.errors import InvalidInput
from alliance.models import Organisation
from alliance.services import organisation_upsert
from tests.factories import NetworkFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_upsert_creates_then_leaves_an_unchanged_cae_unsaved():
    network = NetworkFactory()
    values = {"name": "Envol", "city": "Tours", "region": "CVL", "entrepreneurs_count": 8}
    created, outcome = organisation_upsert(slug="envol", values=values, networks=[network])
    assert outcome == "created"
    stamp = created.updated_at
    again, outcome = organisation_upsert(slug="envol", values=values, networks=[network])
    assert outcome == "unchanged"
    again.refresh_from_db()
    assert again.updated_at == stamp


def test_upsert_updates_only_what_changed_and_networks_only_when_given():
    network = NetworkFactory()
    cae = OrganisationFactory(slug="envol", name="Envol", city="Tours", networks=[network])
    _cae, outcome = organisation_upsert(slug="envol", values={"city": "Blois"})
    assert outcome == "updated"
    cae.refresh_from_db()
    assert cae.city == "Blois"
    assert list(cae.networks.all()) == [network]
    _cae, outcome = organisation_upsert(slug="envol", values={}, networks=[])
    assert outcome == "updated"
    assert not cae.networks.exists()


def test_upsert_validates_the_model():
    with pytest.raises(InvalidInput) as refused:
        organisation_upsert(slug="x", values={"name": "X", "region": "ZZ"})
    assert refused.value.code == "invalid_organisation"
    assert "region" in refused.value.details
    assert not Organisation.objects.exists()
