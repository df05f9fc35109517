"""Factories and helpers for assemblies tests. Writes go through the real services."""

import datetime

import factory

from assemblies import services
from assemblies.models import Assembly
from tests.factories import DelegateFactory, SecretariatFactory


class AssemblyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assembly

    title = factory.Sequence(lambda n: f"Assemblée {n}")
    slug = factory.Sequence(lambda n: f"assemblee-{n}")
    starts_on = datetime.date(2018, 9, 13)
    ends_on = datetime.date(2018, 9, 14)
    place = "Paris"
    status = Assembly.Status.OPEN


def seat(assembly, count, *, teller=None, sizes=None):
    """`count` CAEs, each with one delegate, checked in; returns the delegates."""
    teller = teller or SecretariatFactory()
    delegates = []
    for index in range(count):
        delegate = DelegateFactory()
        if sizes:
            delegate.organisation.entrepreneurs_count = sizes[index]
            delegate.organisation.save(update_fields=["entrepreneurs_count"])
        services.attendance_check_in(
            actor=teller,
            assembly=assembly,
            organisation=delegate.organisation,
            delegate=delegate,
            mode="room",
        )
        delegates.append(delegate)
    return delegates


def open_poll(assembly, *, teller=None, method="motion", options=(), **options_kw):
    teller = teller or SecretariatFactory()
    if method == "motion":
        options_kw.setdefault("threshold", "simple")
    poll = services.poll_create(
        actor=teller,
        assembly=assembly,
        title=f"Vote {method}",
        method=method,
        options=list(options),
        **options_kw,
    )
    return services.poll_open(actor=teller, poll=poll)


def cast(poll, delegate, choice, **kwargs):
    return services.ballot_cast(
        poll=poll, organisation=delegate.organisation, actor=delegate, choice=choice, **kwargs
    )
