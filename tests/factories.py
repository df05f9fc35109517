"""Small factories for the membership domain. Each app's tests add theirs beside them."""

import factory
from django.utils.text import slugify

from alliance.models import Network, Organisation, User

TEST_PASSWORD = "demo"


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Réseau {n}")
    acronym = factory.Sequence(lambda n: f"R{n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"CAE numéro {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    city = "Lyon"
    region = "ARA"
    entrepreneurs_count = 20

    @factory.post_generation
    def networks(self, create, extracted, **kwargs):
        if create and extracted:
            self.networks.set(extracted)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"personne{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password(TEST_PASSWORD)


class DelegateFactory(UserFactory):
    is_delegate = True


class SteeringCommitteeFactory(UserFactory):
    is_steering_committee = True


class SecretariatFactory(UserFactory):
    organisation = None
    is_secretariat = True


class AdminFactory(UserFactory):
    organisation = None
    is_superuser = True
    is_staff = True
