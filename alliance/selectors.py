"""Reads of the membership domain, shaped for the directory page and API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from alliance.models import Network, Organisation, User


@dataclass(frozen=True)
class DirectoryFilters:
    """What the directory page and `GET /api/organisations/` filter on."""

    q: str = ""
    network: str = ""  # a network's slug
    region: str = ""  # a `Region` code
    outside_network: bool = False


def organisation_list(*, filters: DirectoryFilters = DirectoryFilters()) -> QuerySet:
    """Active CAEs by name, their networks prefetched."""
    organisations = Organisation.objects.for_directory()
    if filters.q:
        organisations = organisations.filter(
            Q(name__icontains=filters.q) | Q(city__icontains=filters.q)
        )
    if filters.network:
        organisations = organisations.filter(networks__slug=filters.network)
    if filters.region:
        organisations = organisations.filter(region=filters.region)
    if filters.outside_network:
        organisations = organisations.filter(networks__isnull=True)
    return organisations


def _people_by_name() -> QuerySet:
    return User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")


def organisation_detail(*, with_people: bool) -> QuerySet:
    """Active CAEs with their networks and, for signed-in readers, their people."""
    organisations = Organisation.objects.for_directory().annotate(
        people_count=Count("people", filter=Q(people__is_active=True))
    )
    if with_people:
        organisations = organisations.prefetch_related(
            Prefetch("people", queryset=_people_by_name(), to_attr="listed_people")
        )
    return organisations


def network_list() -> QuerySet:
    """Networks with the number of active CAEs in each."""
    return Network.objects.annotate(
        organisation_count=Count("organisations", filter=Q(organisations__active=True))
    ).order_by("name")


def network_choices() -> list[tuple[str, str]]:
    return [
        (slug, acronym or name)
        for slug, acronym, name in Network.objects.values_list("slug", "acronym", "name")
    ]


def people_list(*, organisation_id: int | None = None, q: str = "") -> QuerySet:
    """Active people with their CAE, for signed-in readers only (see `rules.can_view_people`)."""
    people = _people_by_name().select_related("organisation")
    if organisation_id is not None:
        people = people.filter(organisation_id=organisation_id)
    if q:
        people = people.filter(
            Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(username__icontains=q)
        )
    return people
