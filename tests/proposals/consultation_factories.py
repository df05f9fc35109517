"""Factories for the consultation tests."""

import datetime

import factory
from django.utils import timezone

from proposals.models.consultation import (
    Consultation,
    ConsultationAnswer,
    ConsultationAxis,
    ConsultationQuestion,
)
from tests.factories import OrganisationFactory, UserFactory

AXES = ["Représentation et lobbying", "Communication et promotion", "Juridique", "Observatoire"]


class ConsultationFactory(factory.django.DjangoModelFactory):
    """An open consultation (opened a week ago, closes in a month) with four axes."""

    class Meta:
        model = Consultation
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Consultation {n}")
    slug = factory.Sequence(lambda n: f"consultation-{n}")
    description = "Classez les **axes**."
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))

    @factory.post_generation
    def axes(self, create, extracted, **kwargs):
        if create:
            for position, title in enumerate(extracted or AXES, start=1):
                ConsultationAxis.objects.create(consultation=self, position=position, title=title)

    @factory.post_generation
    def questions(self, create, extracted, **kwargs):
        if create:
            for position, text in enumerate(extracted or [], start=1):
                ConsultationQuestion.objects.create(consultation=self, position=position, text=text)


def closed(**kwargs) -> Consultation:
    now = timezone.now()
    return ConsultationFactory(
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=1),
        **kwargs,
    )


def upcoming(**kwargs) -> Consultation:
    now = timezone.now()
    return ConsultationFactory(
        opens_at=now + datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=30),
        **kwargs,
    )


def axis_ids(consultation) -> list[int]:
    return list(consultation.axes.order_by("position").values_list("pk", flat=True))


def answer(consultation, ranking, *, organisation=None, channel="online", **fields):
    """An answer written straight to the database (for result tests that skip the rules)."""
    organisation = organisation or OrganisationFactory()
    if channel == "territorial":
        fields.setdefault("meeting_name", "Rencontre de Lyon")
        fields.setdefault("meeting_date", datetime.date(2018, 5, 3))
    return ConsultationAnswer.objects.create(
        consultation=consultation,
        organisation=organisation,
        ranking=list(ranking),
        channel=channel,
        entered_by=fields.pop("entered_by", None) or UserFactory(organisation=organisation),
        **fields,
    )
